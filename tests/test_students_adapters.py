import pickle
import warnings

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import load_iris
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.multioutput import MultiOutputRegressor
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR, LinearSVC
from sklearn.tree import DecisionTreeRegressor
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdistill._targets import SoftTargets
from skdistill.students._adapters import (
    HardLabelStudent,
    LogitRegressorStudent,
    ValueRegressorStudent,
    as_student,
)
from skdistill.students._gbm import SoftGBMRegressor
from skdistill.students._linear import SoftLogisticRegression
from skdistill.students._tree import SoftTreeClassifier, SoftTreeRegressor


def _binary_logits(margin):
    """Two-class logits ``[0, m]`` of a margin ``m`` (``softmax([0, m])[1] = sigmoid(m)``)."""
    margin = np.asarray(margin, dtype=np.float64).reshape(-1)
    return np.column_stack([np.zeros_like(margin), margin])


@parametrize_with_checks(
    [
        LogitRegressorStudent(Ridge()),
        ValueRegressorStudent(Ridge()),
        HardLabelStudent(LogisticRegression()),
    ],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


class NotAnEstimator(BaseEstimator):
    def fit(self, X, y):
        return self


def test_as_student_dispatch():
    tree = SoftTreeClassifier()
    assert as_student(tree, "classification") is tree
    regressor_student = SoftTreeRegressor()
    assert as_student(regressor_student, "regression") is regressor_student
    assert isinstance(as_student(Ridge(), "classification"), LogitRegressorStudent)
    assert isinstance(as_student(LogisticRegression(), "classification"), HardLabelStudent)
    assert isinstance(as_student(Ridge(), "regression"), ValueRegressorStudent)
    pipeline = make_pipeline(StandardScaler(), Ridge())
    assert isinstance(as_student(pipeline, "classification"), LogitRegressorStudent)
    with pytest.raises(TypeError, match="is a classifier and cannot learn a regression"):
        as_student(LogisticRegression(), "regression")
    with pytest.raises(TypeError, match="is a regressor student but the task is classification"):
        as_student(SoftGBMRegressor(), "classification")
    with pytest.raises(TypeError, match="is a classifier student but the task is regression"):
        as_student(SoftLogisticRegression(), "regression")
    with pytest.raises(TypeError, match="neither a scikit-learn classifier nor regressor"):
        as_student(NotAnEstimator(), "classification")
    with pytest.raises(ValueError, match="task must be"):
        as_student(Ridge(), "ranking")


def linear_logits(n, k, seed):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    return X, X @ rng.normal(size=(3, k)) + rng.normal(size=k)


def test_logit_matching_recovers_a_linear_teacher():
    X, logits = linear_logits(200, 4, 0)
    student = LogitRegressorStudent(LinearRegression()).fit_soft(
        X, SoftTargets(logits=logits, temperature=3.0)
    )
    np.testing.assert_allclose(student.predict_proba(X), softmax(logits, axis=1), atol=1e-10)
    assert student.decision_function(X).shape == (200, 4)


def test_binary_logit_matching_learns_one_margin():
    X, logits = linear_logits(200, 1, 0)
    margin = logits[:, 0]
    student = LogitRegressorStudent(LinearRegression()).fit_soft(
        X, SoftTargets(logits=_binary_logits(margin), classes=np.array(["n", "p"]))
    )
    np.testing.assert_allclose(student.decision_function(X), margin, atol=1e-10)
    np.testing.assert_allclose(student.predict_proba(X)[:, 1], 1 / (1 + np.exp(-margin)))
    assert set(student.predict(X)) == {"n", "p"}


def test_single_output_regressors_are_wrapped():
    X, logits = linear_logits(150, 3, 0)
    targets = SoftTargets(logits=logits)
    svr = LogitRegressorStudent(SVR()).fit_soft(X, targets)
    assert isinstance(svr.regressor_, MultiOutputRegressor)
    tree = LogitRegressorStudent(DecisionTreeRegressor(max_depth=3)).fit_soft(X, targets)
    assert isinstance(tree.regressor_, DecisionTreeRegressor)  # supports multi-output itself
    gbr = LogitRegressorStudent(GradientBoostingRegressor(n_estimators=20)).fit_soft(X, targets)
    agreement = np.mean(gbr.predict(X) == logits.argmax(axis=1))
    assert agreement > 0.9


def test_sample_weight_forwarding():
    X, logits = linear_logits(100, 3, 0)
    targets = SoftTargets(logits=logits)
    w = np.r_[np.ones(50), np.zeros(50)]
    weighted = LogitRegressorStudent(DecisionTreeRegressor(max_depth=1, random_state=0))
    weighted.fit_soft(X, targets, sample_weight=w)
    only_first = LogitRegressorStudent(DecisionTreeRegressor(max_depth=1, random_state=0))
    only_first.fit_soft(X[:50], targets.take(np.arange(50)))
    np.testing.assert_allclose(weighted.predict_proba(X), only_first.predict_proba(X))
    with pytest.raises(TypeError, match="KNeighborsRegressor.fit does not accept it"):
        LogitRegressorStudent(KNeighborsRegressor()).fit_soft(X, targets, sample_weight=w)
    with pytest.raises(TypeError, match="KNeighborsRegressor.fit does not accept it"):
        ValueRegressorStudent(KNeighborsRegressor()).fit_soft(
            X, SoftTargets(values=logits[:, 0]), sample_weight=w
        )
    with pytest.raises(TypeError, match="KNeighborsClassifier.fit does not accept it"):
        HardLabelStudent(KNeighborsClassifier()).fit(X, logits.argmax(axis=1), sample_weight=w)
    # Without sample_weight these estimators work.
    LogitRegressorStudent(KNeighborsRegressor()).fit_soft(X, targets)
    # A Pipeline passes the weights to its final step.
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    piped = LogitRegressorStudent(
        make_pipeline(StandardScaler(), DecisionTreeRegressor(max_depth=1, random_state=0))
    ).fit_soft(X, targets, sample_weight=w)
    only_first_piped = LogitRegressorStudent(
        make_pipeline(StandardScaler(), DecisionTreeRegressor(max_depth=1, random_state=0))
    ).fit_soft(X[:50], targets.take(np.arange(50)))
    np.testing.assert_array_equal(piped.predict(X), only_first_piped.predict(X))
    with pytest.raises(TypeError, match="Pipeline.fit does not accept it"):
        HardLabelStudent(make_pipeline(StandardScaler(), KNeighborsClassifier())).fit(
            X, logits.argmax(axis=1), sample_weight=w
        )


def test_value_regressor_blends_y_by_alpha():
    X = np.arange(4.0).reshape(-1, 1)
    targets = SoftTargets(values=np.zeros(4), y=np.array([4.0, 4.0, np.nan, np.nan]), alpha=0.25)
    student = ValueRegressorStudent(DecisionTreeRegressor()).fit_soft(X, targets)
    np.testing.assert_allclose(student.predict(X), [1.0, 1.0, 0.0, 0.0])
    assert student.n_features_in_ == 1


def test_hard_label_student_warns_and_keeps_all_classes():
    X, logits = linear_logits(200, 3, 0)
    logits[:, 2] -= 100.0  # the teacher never predicts class "c"
    targets = SoftTargets(logits=logits, classes=np.array(["a", "b", "c"]))
    with pytest.warns(UserWarning, match="soft information is lost"):
        student = HardLabelStudent(LogisticRegression()).fit_soft(X, targets)
    proba = student.predict_proba(X)
    assert proba.shape == (200, 3) and np.all(proba[:, 2] == 0)
    assert np.mean(student.predict(X) == np.array(["a", "b", "c"])[logits.argmax(1)]) > 0.95
    # Hard labels lose nothing, so no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        HardLabelStudent(LogisticRegression()).fit(X, logits.argmax(axis=1))
    # No predict_proba on the classifier, none on the adapter.
    svc = HardLabelStudent(LinearSVC()).fit(X, logits.argmax(axis=1))
    assert not hasattr(svc, "predict_proba") and svc.decision_function(X).shape == (200,)


def test_clone_pickle_and_tags():
    student = LogitRegressorStudent(Ridge(alpha=3.0))
    assert clone(student).get_params()["regressor__alpha"] == 3.0
    X, y = load_iris(return_X_y=True)
    fitted = student.fit(X, y)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.utils import get_tags

    assert get_tags(LogitRegressorStudent(HistGradientBoostingRegressor())).input_tags.allow_nan
    assert not get_tags(LogitRegressorStudent(Ridge())).input_tags.allow_nan

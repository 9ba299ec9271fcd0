"""scikit-learn adapter: exact logits from predict_proba / decision_function, and fitting."""

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import (
    LinearRegression,
    LogisticRegression,
    LogisticRegressionCV,
    SGDClassifier,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from teacher_helpers import ATOL, assert_softmax_matches

from skdistill.teachers import as_teacher


@pytest.mark.filterwarnings("ignore::FutureWarning")  # LogisticRegressionCV's changing defaults
@pytest.mark.parametrize(
    "model",
    [
        LogisticRegression(max_iter=2000),
        LogisticRegressionCV(cv=3, max_iter=2000),
        HistGradientBoostingClassifier(max_iter=20),
        GradientBoostingClassifier(n_estimators=20),
        SGDClassifier(loss="log_loss", random_state=0),
    ],
    ids=lambda m: type(m).__name__,
)
@pytest.mark.parametrize("data", ["binary", "iris"])
def test_sklearn_exact_logits(model, data, request):
    X, y = request.getfixturevalue(data)
    X = StandardScaler().fit_transform(X)
    model = model.fit(X, y)
    adapter = as_teacher(model)
    assert (adapter.response_method_, adapter.output_kind) == ("decision_function", "logits")
    logits = adapter.outputs(X)
    assert_softmax_matches(logits, model.predict_proba(X))
    np.testing.assert_array_equal(adapter.classes_, model.classes_)
    df = model.decision_function(X)
    if df.ndim == 1:
        np.testing.assert_allclose(logits, np.column_stack([np.zeros_like(df), df]), atol=ATOL)


def test_gradient_boosting_exponential_loss(binary):
    X, y = binary
    model = GradientBoostingClassifier(loss="exponential", n_estimators=20).fit(X, y)
    assert_softmax_matches(as_teacher(model).outputs(X), model.predict_proba(X))


def test_sklearn_predict_proba_and_margins(iris):
    X, y = iris
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    adapter = as_teacher(forest)
    assert (adapter.response_method_, adapter.output_kind) == ("predict_proba", "log_proba")
    assert_softmax_matches(adapter.outputs(X), forest.predict_proba(X))
    assert np.isfinite(adapter.outputs(X)).all()  # zero probabilities are clipped

    svm = SVC().fit(X, y)
    margins = as_teacher(svm)
    assert (margins.response_method_, margins.output_kind) == ("decision_function", "margins")
    np.testing.assert_allclose(margins.outputs(X), svm.decision_function(X), atol=ATOL)
    with pytest.raises(ValueError, match="ovo"):
        as_teacher(SVC(decision_function_shape="ovo").fit(X, y))
    with pytest.raises(ValueError, match="has no predict_proba"):
        as_teacher(svm, response_method="predict_proba")
    forced = as_teacher(LogisticRegression(max_iter=500).fit(X, y), response_method="predict_proba")
    assert forced.output_kind == "log_proba"


def test_predict_only_teacher_gives_labels_with_warning(iris):
    X, y = iris
    inner = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    with pytest.warns(UserWarning, match="hard labels"):
        adapter = as_teacher(_PredictOnly(inner))
    assert adapter.output_kind == "labels" and adapter.is_fitted
    logits = adapter.outputs(X)
    np.testing.assert_array_equal(adapter.classes_[logits.argmax(1)], inner.predict(X))
    assert_softmax_matches(logits[:1], np.eye(3)[[np.argmax(logits[0])]])
    # A distiller's fit says it once (its tags ask the teacher too, silently).
    from skdistill import DistilledClassifier
    from skdistill.students import SoftTreeClassifier

    model = DistilledClassifier(_PredictOnly(inner), student=SoftTreeClassifier(), n_samples=1.0)
    with pytest.warns(UserWarning, match="hard labels") as caught:
        model.fit(X, y)
    assert sum("only gives hard labels" in str(w.message) for w in caught) == 1


class _PredictOnly:
    """A hand-written model with predict and classes_ only (no fit: taken as fitted)."""

    def __init__(self, inner):
        self.inner = inner
        self.classes_ = inner.classes_

    def predict(self, X):
        return self.inner.predict(X)


def test_sklearn_regression(binary):
    X, y = make_regression(n_samples=100, n_features=4, n_targets=2, random_state=0)
    model = LinearRegression().fit(X, y)
    adapter = as_teacher(model, task="regression")
    assert adapter.outputs(X).shape == (100, 2)
    np.testing.assert_allclose(adapter.outputs(X), model.predict(X), atol=ATOL)
    assert (adapter.response_method_, adapter.output_kind) == ("predict", "values")
    assert adapter.allow_nan is False
    forest = RandomForestRegressor(n_estimators=5).fit(X, y[:, 0])
    assert as_teacher(forest, task="regression").allow_nan is True  # from sklearn's tags


def test_unfitted_sklearn_teacher_fit_forwards_sample_weight(binary):
    X, y = binary
    weights = np.where(y == 1, 3.0, 1.0)
    model = LogisticRegression(max_iter=500)
    adapter = as_teacher(model)
    assert adapter.is_fitted is False
    assert adapter.fit(X, y, sample_weight=weights) is adapter
    reference = LogisticRegression(max_iter=500).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(model.coef_, reference.coef_)
    assert adapter.response_method_ == "decision_function"

    no_weights = as_teacher(make_pipeline(StandardScaler(), _NoWeightLR()))
    with pytest.warns(UserWarning, match="sample_weight"):
        no_weights.fit(X, y, sample_weight=weights)
    assert no_weights.is_fitted


class _NoWeightLR(LogisticRegression):
    def fit(self, X, y):
        return super().fit(X, y)

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import check_grad
from scipy.special import softmax
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdistill._targets import SoftTargets
from skdistill.students._linear import SoftLogisticRegression, linear_kd_loss


def expected_failures(estimator):
    return {
        "check_sample_weight_equivalence_on_dense_data": (
            "the built-in standardisation ignores sample_weight, so repeated rows shift the "
            "scaling and, through the L2 penalty, the fit (as in a StandardScaler pipeline)"
        ),
    }


@parametrize_with_checks([SoftLogisticRegression()], expected_failed_checks=expected_failures)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("load", [load_iris, load_breast_cancer])
def test_equals_sklearn_logistic_regression_on_labels(load):
    X, y = load(return_X_y=True)
    model = SoftLogisticRegression(C=0.5, max_iter=1000, tol=1e-8).fit(X, y)
    reference = LogisticRegression(C=0.5, max_iter=1000, tol=1e-10)
    reference.fit(model.preprocessor_.transform(X), y)
    assert model.coef_.shape == reference.coef_.shape
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-4)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, atol=1e-4)
    np.testing.assert_allclose(
        model.predict_proba(X), reference.predict_proba(model.preprocessor_.transform(X)), atol=1e-5
    )


@pytest.mark.parametrize("n_classes", [2, 4])
def test_gradient_matches_finite_differences(n_classes):
    rng = np.random.RandomState(0)
    n, d = 30, 5
    X = rng.normal(size=(n, d))
    P = rng.dirichlet(np.ones(n_classes), size=n)
    y = rng.randint(-1, n_classes, size=n)
    w = rng.rand(n)
    w /= w.sum()
    k = 1 if n_classes == 2 else n_classes

    def split(theta):
        return theta[: d * k].reshape(d, k), theta[d * k :]

    def loss(theta):
        return linear_kd_loss(*split(theta), X, P, y, w, 0.1, temperature=2.5, alpha=0.3)[0]

    def grad(theta):
        _, gW, gb = linear_kd_loss(*split(theta), X, P, y, w, 0.1, temperature=2.5, alpha=0.3)
        return np.r_[gW.ravel(), gb]

    assert check_grad(loss, grad, rng.normal(size=d * k + k)) < 1e-5


def linear_teacher(n, seed):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    B = np.array([[1.0, -2.0, 0.5], [0.0, 1.5, -1.0], [2.0, 0.0, 1.0]])
    return X, X @ B + np.array([0.3, -0.2, 0.0])


@pytest.mark.parametrize("temperature", [1.0, 4.0])
def test_recovers_a_linear_teacher_at_any_temperature(temperature):
    # The student's logits are on the teacher's scale: the temperature does not shrink them.
    X, logits = linear_teacher(500, 0)
    model = SoftLogisticRegression(C=1e6, max_iter=500, tol=1e-8)
    model.fit_soft(X, SoftTargets(logits=logits, temperature=temperature))
    X_test, logits_test = linear_teacher(200, 1)
    np.testing.assert_allclose(model.predict_proba(X_test), softmax(logits_test, axis=1), atol=2e-3)


def test_soft_targets_beat_sampled_labels():
    X, logits = linear_teacher(400, 0)
    rng = np.random.RandomState(2)
    P = softmax(logits, axis=1)
    y = (rng.rand(len(P), 1) > np.cumsum(P, axis=1)).sum(axis=1)
    soft = SoftLogisticRegression().fit_soft(X, SoftTargets(logits=logits, temperature=2.0))
    hard = SoftLogisticRegression().fit(X, y)
    X_test, logits_test = linear_teacher(500, 1)
    P_test = softmax(logits_test, axis=1)

    def kl(model):
        return np.mean(np.sum(P_test * np.log(P_test / model.predict_proba(X_test)), axis=1))

    assert kl(soft) < kl(hard) / 3


def test_alpha_adds_the_hard_term_on_labelled_rows():
    X, logits = linear_teacher(300, 0)
    flipped = np.argmin(logits, axis=1)  # labels that disagree with the teacher
    y = np.r_[flipped[:150], np.full(150, -1)]
    base = SoftTargets(logits=logits, y=y, alpha=0.0)
    mixed = SoftTargets(logits=logits, y=y, alpha=0.7)
    agree_base = np.mean(
        SoftLogisticRegression().fit_soft(X, base).predict(X[:150]) == flipped[:150]
    )
    agree_mixed = np.mean(
        SoftLogisticRegression().fit_soft(X, mixed).predict(X[:150]) == flipped[:150]
    )
    assert agree_base < 0.05 and agree_mixed > agree_base + 0.2


def test_sample_weight_changes_the_fit():
    X, y = load_iris(return_X_y=True)
    w = np.where(y == 2, 10.0, 1.0)
    plain = SoftLogisticRegression().fit(X, y)
    weighted = SoftLogisticRegression().fit(X, y, sample_weight=w)
    assert weighted.predict_proba(X)[y == 2, 2].mean() > plain.predict_proba(X)[y == 2, 2].mean()
    with pytest.raises(ValueError, match="at least one non-zero"):
        SoftLogisticRegression().fit(X, y, sample_weight=np.zeros(len(y)))


def test_dataframe_with_categories_and_nan():
    rng = np.random.RandomState(0)
    n = 400
    colour = rng.choice(["red", "green", "blue"], size=n)
    df = pd.DataFrame({"x": rng.normal(size=n), "colour": pd.Series(colour, dtype="str")})
    y = (colour == "red") | (df["x"] > 1.5)
    df.loc[rng.rand(n) < 0.1, "x"] = np.nan
    df.loc[rng.rand(n) < 0.1, "colour"] = np.nan
    model = SoftLogisticRegression(C=10.0).fit(df, y)
    assert model.score(df, y) > 0.9
    names = list(model.preprocessor_.get_feature_names_out())
    assert model.coef_.shape == (1, len(names)) and "colour_red" in names
    assert model.decision_function(df).shape == (n,)


def test_convergence_warning_and_n_iter():
    X, y = load_iris(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match="increase max_iter"):
        model = SoftLogisticRegression(max_iter=2).fit(X, y)
    assert model.n_iter_ == 2


def test_errors_pickle_and_determinism():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="must sum to 1"):
        SoftLogisticRegression().fit(X, np.full((len(X), 3), 0.5))
    model = SoftLogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but SoftLogisticRegression"):
        model.predict(X[:, :3])
    again = SoftLogisticRegression().fit(X, y)
    np.testing.assert_array_equal(model.coef_, again.coef_)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))

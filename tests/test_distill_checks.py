"""What the distillers refuse or report rather than answering wrongly (issue 12)."""

import pytest
from lightgbm import LGBMClassifier
from sklearn.cluster import KMeans
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import IsolationForest
from sklearn.utils._param_validation import InvalidParameterError

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill.students import SoftTreeClassifier


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def lgbm(binary):
    X, y = binary
    return LGBMClassifier(n_estimators=10, verbose=-1, n_jobs=1).fit(X, y)


def tree_distiller(teacher, **kwargs):
    kwargs = {"student": SoftTreeClassifier(max_depth=3), "n_samples": 1.0, **kwargs}
    return DistilledClassifier(teacher, random_state=0, **kwargs)


# -- item 3: temperature ----------------------------------------------------------------------


@pytest.mark.parametrize("temperature", [0.01, 0.5, 0.999, float("inf")])
def test_temperature_below_one_or_infinite_is_refused(binary, lgbm, temperature):
    X, y = binary
    with pytest.raises(InvalidParameterError, match="temperature"):
        tree_distiller(lgbm, temperature=temperature).fit(X, y)


@pytest.mark.parametrize("temperature", [1, 1.0, 4.0])
def test_temperature_from_one_up_is_accepted(binary, lgbm, temperature):
    X, y = binary
    assert tree_distiller(lgbm, temperature=temperature).fit(X, y).score(X, y) > 0.8


# -- item 6: teachers that are neither classifiers nor regressors -----------------------------


@pytest.mark.parametrize(
    "distiller, teacher",
    [
        (DistilledClassifier, IsolationForest(n_estimators=5, random_state=0)),
        (DistilledRegressor, IsolationForest(n_estimators=5, random_state=0)),
        (DistilledClassifier, KMeans(n_clusters=2, n_init=1, random_state=0)),
        (DistilledRegressor, KMeans(n_clusters=2, n_init=1, random_state=0)),
    ],
)
def test_outlier_detectors_and_clusterers_are_refused(distiller, teacher):
    X, y = make_regression(n_samples=100, n_features=4, random_state=0)
    teacher = teacher.fit(X)
    with pytest.raises(TypeError, match=r"not a (classifier|regressor)"):
        distiller(teacher, n_samples=1.0).fit(X)

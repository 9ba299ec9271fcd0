"""Property-based tests of the distillers' public path (issue 12).

Random mixed-type tables (numbers with missing values, integers, categories with missing
values), a LightGBM teacher fitted on them, and random valid parameters: ``fit`` either
succeeds, with predictions of the right shape among the teacher's classes, or raises one of the
errors the distillers document (ValueError, TypeError, MemoryError).
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lightgbm import LGBMClassifier, LGBMRegressor

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill.samplers import MUNGE, GaussianNoise, MarginalSampler, Smear
from skdistill.students import (
    SoftGBMClassifier,
    SoftGBMRegressor,
    SoftMLPClassifier,
    SoftMLPRegressor,
    SoftTreeClassifier,
    SoftTreeRegressor,
)

pd = pytest.importorskip("pandas")

DOCUMENTED_ERRORS = (ValueError, TypeError, MemoryError)
KINDS = st.lists(st.sampled_from(["float", "int", "category"]), min_size=1, max_size=4)
SAMPLERS = [None, "default", MUNGE, Smear, GaussianNoise, MarginalSampler]
PROPERTY_SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def random_table(rng, n, kinds, missing):
    columns = {}
    for i, kind in enumerate(kinds):
        if kind == "float":
            values = rng.normal(size=n)
            if missing:
                values[rng.random(n) < 0.2] = np.nan
            columns[f"x{i}"] = values
        elif kind == "int":
            columns[f"x{i}"] = rng.integers(0, 5, size=n)
        else:
            values = rng.choice(["a", "b", "c"], size=n).astype(object)
            if missing:
                values[rng.random(n) < 0.2] = None
            columns[f"x{i}"] = pd.Categorical(values, categories=["a", "b", "c"])
    return pd.DataFrame(columns)


def signal(X, rng):
    """A target that depends on the first column, whatever its kind."""
    first = X.iloc[:, 0]
    base = first.cat.codes.to_numpy() if hasattr(first, "cat") else first.fillna(0).to_numpy()
    return base + rng.normal(scale=0.5, size=len(X))


def distiller_params(draw, students):
    sampler = draw(st.sampled_from(SAMPLERS))
    return {
        "student": draw(st.sampled_from(students)),
        "sampler": sampler() if isinstance(sampler, type) else sampler,
        "n_samples": draw(st.sampled_from([0.5, 2.0, 7, 0])),
        "alpha": draw(st.sampled_from(["default", 0.0, 0.5])),
        "include_original": draw(st.booleans()),
        "batch_size": draw(st.sampled_from([16, 10_000])),
        "random_state": draw(st.integers(0, 100)),
    }


@st.composite
def classification_cases(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    n = draw(st.integers(20, 60))
    X = random_table(rng, n, draw(KINDS), draw(st.booleans()))
    n_classes = draw(st.integers(2, 4))
    codes = np.digitize(
        signal(X, rng), np.quantile(signal(X, rng), np.linspace(0, 1, n_classes + 1)[1:-1])
    )
    labels = np.array(["no", "yes", "maybe", "never"])[:n_classes][codes]
    students = [
        SoftTreeClassifier(max_depth=2),
        SoftGBMClassifier(n_estimators=2, n_jobs=1),
        SoftMLPClassifier(hidden_layer_sizes=(4,), max_iter=5),
    ]
    params = distiller_params(draw, students)
    params["temperature"] = draw(st.sampled_from([1.0, 3.0]))
    return X, labels, params, draw(st.booleans())


@st.composite
def regression_cases(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    n = draw(st.integers(20, 60))
    X = random_table(rng, n, draw(KINDS), draw(st.booleans()))
    students = [
        SoftTreeRegressor(max_depth=2),
        SoftGBMRegressor(n_estimators=2, n_jobs=1),
        SoftMLPRegressor(hidden_layer_sizes=(4,), max_iter=5),
    ]
    return X, 1000 * signal(X, rng), distiller_params(draw, students), draw(st.booleans())


def fit_or_documented_error(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return model.fit(X, y)
        except DOCUMENTED_ERRORS:
            return None


@PROPERTY_SETTINGS
@given(case=classification_cases())
def test_classifier_fits_or_raises_a_documented_error(case):
    X, labels, params, with_y = case
    if len(np.unique(labels)) < 2:
        return
    teacher = LGBMClassifier(n_estimators=3, min_child_samples=2, verbose=-1, n_jobs=1)
    teacher.fit(X, labels)
    model = fit_or_documented_error(
        DistilledClassifier(teacher, **params), X, labels if with_y else None
    )
    if model is None:
        return
    predicted = model.predict(X)
    assert predicted.shape == (len(X),)
    assert set(predicted) <= set(teacher.classes_)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), len(teacher.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(model.classes_, teacher.classes_)


@PROPERTY_SETTINGS
@given(case=regression_cases())
def test_regressor_fits_or_raises_a_documented_error(case):
    X, y, params, with_y = case
    teacher = LGBMRegressor(n_estimators=3, min_child_samples=2, verbose=-1, n_jobs=1).fit(X, y)
    model = fit_or_documented_error(DistilledRegressor(teacher, **params), X, y if with_y else None)
    if model is None:
        return
    predicted = model.predict(X)
    assert predicted.shape == (len(X),)
    assert np.isfinite(predicted).all()

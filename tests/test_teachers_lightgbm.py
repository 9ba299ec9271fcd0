"""LightGBM adapter: the logits of LGBM models and Boosters against LightGBM's own outputs."""

import lightgbm as lgb
import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.datasets import make_regression
from teacher_helpers import ATOL, LGB_KW, assert_softmax_matches

from skdistill.teachers import LightGBMTeacher, as_teacher


def test_lightgbm_binary_is_zero_margin(binary):
    X, y = binary
    model = lgb.LGBMClassifier(**LGB_KW).fit(X, y)
    adapter = as_teacher(model)
    logits = adapter.outputs(X)
    raw = model.predict(X, raw_score=True)
    assert raw.ndim == 1
    np.testing.assert_allclose(logits, np.column_stack([np.zeros_like(raw), raw]), atol=ATOL)
    assert_softmax_matches(logits, model.predict_proba(X))
    assert isinstance(adapter, LightGBMTeacher)
    assert (adapter.response_method_, adapter.output_kind) == ("raw_score", "logits")
    assert adapter.allow_nan and adapter.n_features_in_ == 6
    assert logits.dtype == np.float64 and logits.flags.c_contiguous


def test_lightgbm_multiclass_string_labels(iris):
    X, y = iris
    model = lgb.LGBMClassifier(**LGB_KW).fit(X, y)
    adapter = as_teacher(model)
    logits = adapter.outputs(X)
    np.testing.assert_allclose(logits, model.predict(X, raw_score=True), atol=ATOL)
    assert_softmax_matches(logits, model.predict_proba(X))
    np.testing.assert_array_equal(adapter.classes_, ["setosa", "versicolor", "virginica"])
    # argmax of the logits is the teacher's prediction, through classes_
    np.testing.assert_array_equal(adapter.classes_[logits.argmax(1)], model.predict(X))


@pytest.mark.parametrize("sigmoid", [1.0, 0.5])
def test_lightgbm_multiclassova_normalises_probabilities(iris, sigmoid):
    X, y = iris
    model = lgb.LGBMClassifier(objective="multiclassova", sigmoid=sigmoid, **LGB_KW).fit(X, y)
    proba = model.predict_proba(X)
    assert np.abs(proba.sum(1) - 1).max() > 1e-4  # one-vs-rest: not normalised by LightGBM
    logits = as_teacher(model).outputs(X)
    assert_softmax_matches(logits, proba / proba.sum(1, keepdims=True))


def test_lightgbm_binary_sigmoid_parameter_scales_logits(binary):
    X, y = binary
    model = lgb.LGBMClassifier(sigmoid=0.5, **LGB_KW).fit(X, y)
    logits = as_teacher(model).outputs(X)
    assert_softmax_matches(logits, model.predict_proba(X))
    np.testing.assert_allclose(logits[:, 1], 0.5 * model.predict(X, raw_score=True), atol=ATOL)


@pytest.mark.parametrize(
    "params",
    [
        {"objective": "binary"},
        {"objective": "multiclass", "num_class": 3},
        {"objective": "multiclassova", "num_class": 3},
        {"objective": "xentropy"},
    ],
)
def test_lightgbm_booster(iris, params):
    X, y = iris
    codes = np.unique(y, return_inverse=True)[1]
    label = codes if "num_class" in params else (codes == 1).astype(float)
    booster = lgb.train({**params, "verbose": -1}, lgb.Dataset(X, label), num_boost_round=20)
    adapter = as_teacher(booster)
    assert adapter.is_fitted and adapter.estimator is booster
    logits = adapter.outputs(X)
    proba = booster.predict(X)
    if proba.ndim == 2:
        proba = proba / proba.sum(1, keepdims=True)
    assert_softmax_matches(logits, proba)
    k = params.get("num_class", 2)
    np.testing.assert_array_equal(adapter.classes_, np.arange(k))
    assert adapter.n_features_in_ == 4 and adapter.feature_names_in_ is None
    if k == 2:
        np.testing.assert_allclose(logits[:, 1], booster.predict(X, raw_score=True), atol=ATOL)


def test_lightgbm_booster_cross_entropy_lambda(binary):
    X, y = binary
    booster = lgb.train(
        {"objective": "xentlambda", "verbose": -1}, lgb.Dataset(X, y.astype(float)), 20
    )
    logits = as_teacher(booster).outputs(X)
    # LightGBM predicts log1p(exp(m)); the probability is 1 - exp(-that)
    assert_softmax_matches(logits, 1 - np.exp(-booster.predict(X)))
    forced = as_teacher(booster, response_method="predict_proba").outputs(X)
    np.testing.assert_allclose(softmax(forced, 1), softmax(logits, 1), atol=ATOL)


def test_lightgbm_booster_feature_names_from_frame(frame):
    df, y = frame
    booster = lgb.train(
        {"objective": "binary", "verbose": -1}, lgb.Dataset(df, (y == "yes").astype(float)), 20
    )
    adapter = as_teacher(booster)
    np.testing.assert_array_equal(adapter.feature_names_in_, ["num", "count", "color"])
    for a, b in [(0, 100), (100, 300)]:
        chunk = df.iloc[a:b]
        np.testing.assert_allclose(
            adapter.outputs(chunk)[:, 1], booster.predict(chunk, raw_score=True), atol=ATOL
        )


def test_lightgbm_pandas_categorical_chunks(frame):
    df, y = frame
    model = lgb.LGBMClassifier(**LGB_KW).fit(df, y)
    adapter = as_teacher(model)
    np.testing.assert_array_equal(adapter.feature_names_in_, df.columns)
    chunks = [adapter.outputs(df.iloc[a : a + 64]) for a in range(0, len(df), 64)]
    logits = np.concatenate(chunks)
    assert_softmax_matches(logits, model.predict_proba(df))
    np.testing.assert_array_equal(adapter.classes_, ["no", "yes"])


def test_lightgbm_forced_response_methods(iris):
    X, y = iris
    model = lgb.LGBMClassifier(**LGB_KW).fit(X, y)
    proba = as_teacher(model, response_method="predict_proba")
    assert (proba.response_method_, proba.output_kind) == ("predict_proba", "log_proba")
    np.testing.assert_allclose(
        proba.outputs(X), np.log(np.clip(model.predict_proba(X), 1e-12, 1)), atol=ATOL
    )
    labels = as_teacher(model, response_method="predict")
    assert labels.output_kind == "labels"
    np.testing.assert_array_equal(labels.classes_[labels.outputs(X).argmax(1)], model.predict(X))
    for alias in ("raw", "raw_score", "decision_function"):
        np.testing.assert_allclose(
            as_teacher(model, response_method=alias).outputs(X),
            model.predict(X, raw_score=True),
            atol=ATOL,
        )


@pytest.mark.parametrize("objective", ["regression", "poisson", "gamma"])
def test_lightgbm_regression_uses_response_scale(objective):
    X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    y = np.exp(y / y.std())  # positive, for poisson and gamma
    model = lgb.LGBMRegressor(objective=objective, **LGB_KW).fit(X, y)
    adapter = as_teacher(model, task="regression")
    assert (adapter.response_method_, adapter.output_kind) == ("predict", "values")
    np.testing.assert_allclose(adapter.outputs(X), model.predict(X), atol=ATOL)
    raw = as_teacher(model, task="regression", response_method="raw").outputs(X)
    np.testing.assert_allclose(raw, model.predict(X, raw_score=True), atol=ATOL)
    assert adapter.classes_ is None
    booster_adapter = as_teacher(model.booster_, task="regression")
    np.testing.assert_allclose(booster_adapter.outputs(X), model.predict(X), atol=ATOL)


def test_lightgbm_custom_objective_raw_score_is_taken_as_logits(binary):
    X, y = binary

    model = lgb.LGBMClassifier(objective=_LogLossObjective(), **LGB_KW).fit(X, y)
    adapter = as_teacher(model)
    raw = model.predict(X, raw_score=True)
    np.testing.assert_allclose(adapter.outputs(X)[:, 1], raw, atol=ATOL)


class _LogLossObjective:
    """Binary log loss as a LightGBM custom objective (module level: picklable)."""

    def __call__(self, y_true, raw):
        p = expit(raw)
        return p - y_true, p * (1 - p)

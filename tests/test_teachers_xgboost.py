"""XGBoost adapter: the logits of XGB models and Boosters against XGBoost's own outputs."""

import numpy as np
import pytest
from teacher_helpers import ATOL, assert_softmax_matches

from skdistill.teachers import as_teacher


def test_xgboost_sklearn_binary_and_multiclass(binary, iris):
    xgb = pytest.importorskip("xgboost")
    X, y = binary
    model = xgb.XGBClassifier(n_estimators=20, max_depth=3).fit(X, y)
    adapter = as_teacher(model)
    margin = model.predict(X, output_margin=True)
    assert margin.ndim == 1
    logits = adapter.outputs(X)
    np.testing.assert_allclose(logits, np.column_stack([np.zeros_like(margin), margin]), atol=ATOL)
    assert_softmax_matches(logits, model.predict_proba(X))
    assert (adapter.response_method_, adapter.output_kind) == ("output_margin", "logits")
    assert adapter.allow_nan

    X, y = iris
    codes = np.unique(y, return_inverse=True)[1]
    model = xgb.XGBClassifier(n_estimators=20, max_depth=3).fit(X, codes)
    logits = as_teacher(model).outputs(X)
    np.testing.assert_allclose(logits, model.predict(X, output_margin=True), atol=ATOL)
    assert_softmax_matches(logits, model.predict_proba(X))


@pytest.mark.parametrize(
    "params",
    [
        {"objective": "binary:logistic"},
        {"objective": "binary:logistic", "base_score": 0.8},
        {"objective": "multi:softprob", "num_class": 3},
        {"objective": "multi:softmax", "num_class": 3},
    ],
)
def test_xgboost_booster(iris, params):
    xgb = pytest.importorskip("xgboost")
    X, y = iris
    codes = np.unique(y, return_inverse=True)[1]
    label = codes if "num_class" in params else (codes == 1)
    booster = xgb.train(params, xgb.DMatrix(X, label=label), num_boost_round=20)
    adapter = as_teacher(booster)
    logits = adapter.outputs(X)
    margin = booster.predict(xgb.DMatrix(X), output_margin=True)
    if margin.ndim == 1:
        # the margin already holds base_score, so softmax([0, m]) is the probability
        np.testing.assert_allclose(logits[:, 1], margin, atol=ATOL)
        assert_softmax_matches(logits, booster.predict(xgb.DMatrix(X)))
    else:
        np.testing.assert_allclose(logits, margin, atol=ATOL)
    if params["objective"] == "multi:softprob":
        assert_softmax_matches(logits, booster.predict(xgb.DMatrix(X)))
    np.testing.assert_array_equal(adapter.classes_, np.arange(params.get("num_class", 2)))
    assert adapter.n_features_in_ == 4


def test_xgboost_pandas_categorical(frame):
    xgb = pytest.importorskip("xgboost")
    df, y = frame
    codes = (y == "yes").astype(int)
    model = xgb.XGBClassifier(n_estimators=20, enable_categorical=True).fit(df, codes)
    for teacher in (model, model.get_booster()):
        adapter = as_teacher(teacher)
        chunk = df.iloc[50:150]
        np.testing.assert_allclose(
            adapter.outputs(chunk)[:, 1], model.predict(chunk, output_margin=True), atol=ATOL
        )


def test_xgboost_unfitted_classifier_with_string_labels(iris):
    xgb = pytest.importorskip("xgboost")
    X, y = iris
    model = xgb.XGBClassifier(n_estimators=10)
    adapter = as_teacher(model)
    assert not adapter.is_fitted and adapter.classes_ is None
    assert adapter.fit(X, y) is adapter
    assert adapter.is_fitted
    np.testing.assert_array_equal(adapter.classes_, ["setosa", "versicolor", "virginica"])
    logits = adapter.outputs(X)
    np.testing.assert_allclose(logits, model.predict(X, output_margin=True), atol=ATOL)
    labels = as_teacher(model, response_method="predict")
    np.testing.assert_array_equal(labels.outputs(X).argmax(1), model.predict(X))


def test_xgboost_regression_and_errors(binary):
    xgb = pytest.importorskip("xgboost")
    X, y = binary
    reg = xgb.XGBRegressor(n_estimators=10, objective="count:poisson").fit(X, y)
    adapter = as_teacher(reg, task="regression")
    assert adapter.response_method_ == "predict"
    np.testing.assert_allclose(adapter.outputs(X), reg.predict(X), rtol=1e-6)
    with pytest.raises(ValueError, match="DistilledRegressor"):
        as_teacher(reg, task="classification")
    hinge = xgb.XGBClassifier(n_estimators=5, objective="binary:hinge").fit(X, y)
    with pytest.raises(ValueError, match="binary:hinge"):
        as_teacher(hinge)
    hard = as_teacher(hinge, response_method="predict")
    np.testing.assert_array_equal(hard.outputs(X).argmax(1), hinge.predict(X))
    ranker = xgb.XGBRanker(n_estimators=5).fit(X, y, qid=np.repeat(np.arange(30), 10))
    with pytest.raises(ValueError, match="ranking"):
        as_teacher(ranker)
    with pytest.raises(TypeError, match="xgboost.train"):
        as_teacher(reg.get_booster(), task="regression").fit(X, y)

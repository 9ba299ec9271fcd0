"""Pipeline adapter: a Pipeline ending in a LightGBM, XGBoost or scikit-learn model."""

import lightgbm as lgb
import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from teacher_helpers import ATOL, LGB_KW, assert_softmax_matches

from skdistill.teachers import PipelineTeacher, SklearnTeacher, as_teacher


def test_pipeline_column_transformer_lightgbm(frame):
    df, y = frame
    pre = ColumnTransformer([("onehot", OneHotEncoder(), ["color"])], remainder="passthrough")
    pipe = Pipeline([("pre", pre), ("gbm", lgb.LGBMClassifier(**LGB_KW))]).fit(df, y)
    adapter = as_teacher(pipe)
    assert isinstance(adapter, PipelineTeacher)
    assert adapter.response_method_ == "raw_score" and adapter.output_kind == "logits"
    logits = adapter.outputs(df.iloc[10:200])
    raw = pipe[-1].predict(pipe[:-1].transform(df.iloc[10:200]), raw_score=True)
    np.testing.assert_allclose(logits[:, 1], raw, atol=ATOL)
    assert_softmax_matches(logits, pipe.predict_proba(df.iloc[10:200]))
    np.testing.assert_array_equal(adapter.classes_, ["no", "yes"])
    np.testing.assert_array_equal(adapter.feature_names_in_, df.columns)
    assert adapter.n_features_in_ == 3


def test_pipeline_xgboost_and_sklearn_final_steps(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
    adapter = as_teacher(pipe)
    assert isinstance(adapter, SklearnTeacher) and adapter.output_kind == "logits"
    assert_softmax_matches(adapter.outputs(X), pipe.predict_proba(X))

    xgb = pytest.importorskip("xgboost")
    codes = np.unique(y, return_inverse=True)[1]
    pipe = make_pipeline(StandardScaler(), xgb.XGBClassifier(n_estimators=10)).fit(X, codes)
    logits = as_teacher(pipe).outputs(X)
    margin = pipe[-1].predict(pipe[:-1].transform(X), output_margin=True)
    np.testing.assert_allclose(logits, margin, atol=ATOL)

    unfitted = as_teacher(make_pipeline(StandardScaler(), xgb.XGBClassifier(n_estimators=10)))
    unfitted.fit(X, y)  # string labels: encoded for XGBoost by the adapter
    np.testing.assert_array_equal(unfitted.classes_, ["setosa", "versicolor", "virginica"])
    np.testing.assert_allclose(unfitted.outputs(X), margin, atol=ATOL)


def test_unfitted_pipeline_is_fitted_through_adapter(iris):
    X, y = iris
    weights = np.linspace(0.5, 2, len(y))
    pipe = make_pipeline(StandardScaler(), lgb.LGBMClassifier(**LGB_KW))
    adapter = as_teacher(pipe)
    assert not adapter.is_fitted and adapter.classes_ is None
    with pytest.raises(NotFittedError, match="not fitted"):
        adapter.outputs(X)
    adapter.fit(X, y, sample_weight=weights)
    assert adapter.is_fitted and adapter.estimator is pipe
    reference = make_pipeline(StandardScaler(), lgb.LGBMClassifier(**LGB_KW))
    reference.fit(X, y, lgbmclassifier__sample_weight=weights)
    assert_softmax_matches(adapter.outputs(X), reference.predict_proba(X))

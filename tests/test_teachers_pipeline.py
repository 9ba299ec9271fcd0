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


def test_a_pipeline_that_takes_nan_is_asked_not_judged_by_its_tags():
    """A ColumnTransformer's tags refuse NaN whatever its steps take: a fitted teacher that
    predicts rows holding NaN to finite outputs is trusted with them (fit, predict, after
    pickling); one that cannot is still a clear error."""
    import pickle

    import pandas as pd
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.preprocessing import OrdinalEncoder

    from skdistill import DistilledClassifier
    from skdistill.students import SoftTreeClassifier

    rng = np.random.RandomState(0)
    X = pd.DataFrame({"cat": rng.choice(["a", "b"], 300), "x": rng.normal(size=300)})
    X.loc[rng.rand(300) < 0.2, "x"] = np.nan
    y = ((X["cat"] == "a") ^ (X["x"].fillna(0) > 0)).astype(int)
    encode = make_column_transformer((OrdinalEncoder(), ["cat"]), remainder="passthrough")
    takes_nan = make_pipeline(encode, HistGradientBoostingClassifier(max_iter=20)).fit(X, y)
    assert not as_teacher(takes_nan).allow_nan  # by its tags
    model = DistilledClassifier(takes_nan, student=SoftTreeClassifier(max_depth=3), n_samples=1.0)
    model.fit(X, y)
    rows = X[X["x"].isna()].head(5)
    assert np.isfinite(model.predict_proba(rows)).all()
    assert np.isfinite(pickle.loads(pickle.dumps(model)).predict_proba(rows)).all()
    one_hot = make_column_transformer((OneHotEncoder(), ["cat"]), remainder="passthrough")
    refuses = make_pipeline(one_hot, LogisticRegression()).fit(X.fillna(0.0), y)
    model = DistilledClassifier(refuses, student=SoftTreeClassifier(max_depth=3), n_samples=1.0)
    with pytest.raises(ValueError, match="X contains NaN. The teacher does not accept"):
        model.fit(X, y)

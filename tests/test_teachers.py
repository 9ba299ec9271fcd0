"""Tests for skdistill.teachers: every adapter's logits against the library's own outputs."""

import pickle
import warnings

import joblib
import lightgbm as lgb
import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import (
    LinearRegression,
    LogisticRegression,
    LogisticRegressionCV,
    SGDClassifier,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC

from skdistill.teachers import (
    CallableTeacher,
    LightGBMTeacher,
    PipelineTeacher,
    SklearnTeacher,
    TeacherAdapter,
    as_teacher,
)

ATOL = 1e-6
LGB_KW = {"n_estimators": 20, "verbose": -1, "min_child_samples": 5}


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=300, n_features=6, n_informative=4, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return X, np.array(["setosa", "versicolor", "virginica"])[y]


@pytest.fixture(scope="module")
def frame():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame(
        {
            "num": rng.normal(size=n),
            "count": rng.integers(0, 10, size=n),
            "color": pd.Categorical(rng.choice(["red", "green", "blue"], size=n)),
        }
    )
    df.loc[::17, "num"] = np.nan
    y = np.where((df["color"] == "red").to_numpy() ^ (df["num"].fillna(0) > 0), "yes", "no")
    return df, y


def assert_softmax_matches(logits, proba):
    proba = np.asarray(proba)
    if proba.ndim == 1:
        proba = np.column_stack([1 - proba, proba])
    np.testing.assert_allclose(softmax(logits, axis=1), proba, atol=ATOL, rtol=0)


# -- LightGBM ---------------------------------------------------------------------------------


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


# -- XGBoost ----------------------------------------------------------------------------------


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


# -- scikit-learn -----------------------------------------------------------------------------


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


def test_frozen_estimator_is_unwrapped_and_never_fit(iris):
    frozen_mod = pytest.importorskip("sklearn.frozen")
    X, y = iris
    model = lgb.LGBMClassifier(**LGB_KW).fit(X, y)
    frozen = frozen_mod.FrozenEstimator(model)
    adapter = as_teacher(frozen)
    assert adapter.estimator is frozen and adapter.is_fitted
    np.testing.assert_allclose(adapter.outputs(X), model.predict(X, raw_score=True), atol=ATOL)
    before = model.booster_.model_to_string()
    adapter.fit(X[:20], y[:20])  # a FrozenEstimator ignores fit
    assert model.booster_.model_to_string() == before
    lr = frozen_mod.FrozenEstimator(LogisticRegression(max_iter=500).fit(X, y))
    assert as_teacher(lr).output_kind == "logits"


# -- fitting, pickling, parallel use ----------------------------------------------------------


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


def test_fitted_teacher_is_not_refit(iris):
    X, y = iris
    model = lgb.LGBMClassifier(**LGB_KW).fit(X, y)
    booster_before = model.booster_
    adapter = as_teacher(model)
    assert adapter.is_fitted and adapter.estimator is model
    adapter.outputs(X)
    assert model.booster_ is booster_before


def test_adapters_pickle_and_run_in_parallel(iris, tmp_path):
    X, y = iris
    adapters = [
        as_teacher(lgb.LGBMClassifier(**LGB_KW).fit(X, y)),
        as_teacher(RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)),
        as_teacher(CallableTeacher(_uniform_logits, response_method="decision_function")),
    ]
    for adapter in adapters:
        path = tmp_path / "adapter.joblib"
        joblib.dump(adapter, path)
        loaded = joblib.load(path)
        np.testing.assert_allclose(loaded.outputs(X), adapter.outputs(X))
        chunks = [X[i : i + 40] for i in range(0, len(X), 40)]
        for backend in ("threading", "loky"):
            parts = joblib.Parallel(n_jobs=2, backend=backend)(
                joblib.delayed(adapter.outputs)(c) for c in chunks
            )
            np.testing.assert_allclose(np.concatenate(parts), adapter.outputs(X))


def _uniform_logits(X):
    return np.zeros((len(X), 3)) + X[:, :1]


# -- callables --------------------------------------------------------------------------------


def test_callable_teacher_kinds(iris):
    X, y = iris
    model = LogisticRegression(max_iter=500).fit(X, y)
    proba = as_teacher(
        CallableTeacher(model.predict_proba, response_method="predict_proba", n_features_in=4)
    )
    assert (proba.response_method_, proba.output_kind) == ("callable", "log_proba")
    assert proba.classes_ is None and proba.n_features_in_ == 4 and proba.is_fitted
    assert_softmax_matches(proba.outputs(X), model.predict_proba(X))

    logits = as_teacher(
        CallableTeacher(model.decision_function, response_method="decision_function",
                        classes=model.classes_, allow_nan=True)
    )  # fmt: skip
    assert logits.output_kind == "logits" and logits.allow_nan
    np.testing.assert_array_equal(logits.classes_, model.classes_)
    assert_softmax_matches(logits.outputs(X), model.predict_proba(X))

    labels = as_teacher(
        CallableTeacher(model.predict, response_method="predict", classes=model.classes_)
    )
    assert labels.output_kind == "labels"
    np.testing.assert_array_equal(model.classes_[labels.outputs(X).argmax(1)], model.predict(X))


def test_callable_binary_margin_and_proba(binary):
    X, y = binary
    model = LogisticRegression(max_iter=500).fit(X, y)
    margin = as_teacher(model.decision_function, response_method="decision_function")
    df = model.decision_function(X)
    np.testing.assert_allclose(margin.outputs(X), np.column_stack([np.zeros_like(df), df]))
    positive = as_teacher(lambda Z: model.predict_proba(Z)[:, 1], response_method="predict_proba")
    assert_softmax_matches(positive.outputs(X), model.predict_proba(X))


def test_plain_callable_rules(binary):
    X, y = binary
    with pytest.raises(ValueError, match="response_method='predict_proba'"):
        as_teacher(np.sin)
    regression = as_teacher(lambda Z: Z.sum(1), task="regression")
    np.testing.assert_allclose(regression.outputs(X), X.sum(1))
    assert regression.output_kind == "values" and regression.response_method_ == "callable"
    with pytest.raises(TypeError, match="cannot be fitted"):
        regression.fit(X, y)
    with pytest.raises(ValueError, match="classes"):
        as_teacher(CallableTeacher(np.sign, response_method="predict"))
    with pytest.raises(ValueError, match="regression"):
        as_teacher(CallableTeacher(np.sign, response_method="predict_proba"), task="regression")
    wrong_width = as_teacher(
        CallableTeacher(_uniform_logits, response_method="decision_function", classes=[0, 1])
    )
    with pytest.raises(ValueError, match="shape"):
        wrong_width.outputs(X)
    with pytest.raises(ValueError, match="declares"):
        as_teacher(
            CallableTeacher(np.sign, response_method="predict_proba"),
            response_method="decision_function",
        )


# -- errors -----------------------------------------------------------------------------------


def test_task_mismatch_errors(binary):
    X, y = binary
    with pytest.raises(ValueError, match="is a regressor"):
        as_teacher(LinearRegression().fit(X, y), task="classification")
    with pytest.raises(ValueError, match="is a classifier"):
        as_teacher(LogisticRegression(), task="regression")
    with pytest.raises(ValueError, match="DistilledRegressor"):
        as_teacher(lgb.LGBMRegressor(**LGB_KW), task="classification")
    booster = lgb.train({"objective": "regression", "verbose": -1}, lgb.Dataset(X, y), 5)
    with pytest.raises(ValueError, match="regression model"):
        as_teacher(booster, task="classification")
    booster = lgb.train({"objective": "binary", "verbose": -1}, lgb.Dataset(X, y), 5)
    with pytest.raises(ValueError, match="classification model"):
        as_teacher(booster, task="regression")
    with pytest.raises(ValueError, match="ranking"):
        as_teacher(lgb.LGBMRanker())


def test_unusable_teachers(binary):
    X, y = binary
    with pytest.raises(TypeError, match="predict_proba, decision_function or predict"):
        as_teacher(object())
    with pytest.raises(TypeError, match="lightgbm.train"):
        booster = lgb.train({"objective": "binary", "verbose": -1}, lgb.Dataset(X, y), 5)
        as_teacher(booster).fit(X, y)
    with pytest.raises(ValueError, match="response_method must be"):
        as_teacher(LogisticRegression(), response_method="proba")
    with pytest.raises(ValueError, match="task must be"):
        as_teacher(LogisticRegression(), task="ranking")
    unfitted = as_teacher(RandomForestClassifier())
    assert unfitted.is_fitted is False and unfitted.response_method_ is None
    with pytest.raises(NotFittedError, match="DistilledClassifier"):
        unfitted.outputs(X)


def test_adapter_passthrough_and_is_base_class(binary):
    X, y = binary
    adapter = as_teacher(LogisticRegression().fit(X, y))
    assert isinstance(adapter, TeacherAdapter)
    assert as_teacher(adapter) is adapter
    with pytest.raises(ValueError, match="for classification"):
        as_teacher(adapter, task="regression")
    assert "LogisticRegression" in repr(adapter)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pickle.loads(pickle.dumps(adapter))


@pytest.mark.filterwarnings("ignore::FutureWarning")  # multi_class is deprecated in 1.5-1.7
def test_binary_multinomial_logistic_regression(binary):
    if "multi_class" not in LogisticRegression().get_params():
        pytest.skip("scikit-learn >= 1.8 has no multi_class; binary is always expit(df)")
    X, y = binary
    model = LogisticRegression(multi_class="multinomial", max_iter=2000).fit(X, y)
    # predict_proba is softmax([-df, df]) = expit(2 df) on these versions
    assert_softmax_matches(as_teacher(model).outputs(X), model.predict_proba(X))

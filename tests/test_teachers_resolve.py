"""as_teacher: choosing the adapter, frozen estimators, pickling, parallel use, errors."""

import pickle
import warnings

import joblib
import lightgbm as lgb
import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from teacher_helpers import ATOL, LGB_KW, assert_softmax_matches, uniform_logits

from skdistill.teachers import CallableTeacher, TeacherAdapter, as_teacher


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
        as_teacher(CallableTeacher(uniform_logits, response_method="decision_function")),
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

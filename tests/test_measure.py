"""The measuring harness shared by distillation_report and the benchmarks."""

import numpy as np
import pytest
from lightgbm import LGBMClassifier
from sklearn.linear_model import LogisticRegression

from skdistill.measure import (
    batch_throughput,
    pickled_size,
    quality_scores,
    single_row_latency,
    teacher_predict_function,
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = np.where(X[:, 0] + 0.3 * rng.normal(size=300) > 0, "b", "a")
    return X, y


def test_timings_count_calls_and_return_the_result(data):
    X, _ = data
    calls = []

    def predict(rows):
        calls.append(len(rows))
        return np.zeros(len(rows))

    rate, out = batch_throughput(predict, X, n_repeats=3)
    assert calls == [300, 300, 300] and rate > 0 and out.shape == (300,)
    calls.clear()
    assert single_row_latency(predict, X, n_repeats=7) > 0
    assert calls == [1] * 8  # one warm-up call, then seven timed one-row calls


def test_teacher_predict_function_puts_columns_in_the_students_order(data):
    X, y = data
    teacher = LogisticRegression().fit(X, y)
    reversed_fn = teacher_predict_function(teacher, "classification", classes=["b", "a"])
    np.testing.assert_allclose(reversed_fn(X), teacher.predict_proba(X)[:, ::-1])
    with pytest.raises(ValueError, match="differ"):
        teacher_predict_function(teacher, "classification", classes=["a", "c"])


def test_teacher_predict_function_recognises_a_booster(data):
    X, y = data
    booster = LGBMClassifier(n_estimators=5, verbose=-1).fit(X, y == "b").booster_
    P = teacher_predict_function(booster, "classification")(X)
    assert P.shape == (300, 2)
    np.testing.assert_allclose(P[:, 1], booster.predict(X))


def test_quality_scores(data):
    X, y = data
    P = LogisticRegression().fit(X, y).predict_proba(X)
    scores = quality_scores(y, P, classes=np.array(["a", "b"]))
    assert set(scores) == {"accuracy", "log_loss", "roc_auc"} and scores["accuracy"] > 0.8
    assert quality_scores([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) == {"rmse": 0.0, "r2": 1.0}
    assert pickled_size([1, 2, 3]) > 0

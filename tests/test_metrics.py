"""Fidelity, the fidelity scorer and the distillation report."""

import json
import pickle

import numpy as np
import pytest
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss, r2_score, roc_auc_score
from sklearn.model_selection import GridSearchCV

from skdistill.metrics import (
    DistillationReport,
    distillation_report,
    fidelity_score,
    fidelity_scorer,
)


@pytest.fixture(scope="module")
def multiclass():
    X, y = make_classification(
        n_samples=600, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    y = np.array(["cat", "dog", "eel"])[y]
    teacher = LGBMClassifier(n_estimators=40, num_leaves=15, verbose=-1).fit(X[:400], y[:400])
    student = LogisticRegression(max_iter=500).fit(X[:400], y[:400])
    return X[400:], y[400:], teacher, student


def test_fidelity_score_classification_is_agreement_rate():
    assert fidelity_score(["a", "b", "b", "a"], ["a", "b", "a", "a"]) == 0.75
    assert fidelity_score([0, 1, 2], [0, 1, 2]) == 1.0
    # Whole-number floats are labels, not regression values.
    assert fidelity_score([0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.0, 0.0]) == 0.75
    weighted = fidelity_score([0, 1], [0, 0], sample_weight=[3.0, 1.0])
    assert weighted == pytest.approx(0.75)


def test_fidelity_score_regression_is_r2_against_the_teacher():
    rng = np.random.RandomState(0)
    teacher = rng.normal(size=50)
    student = teacher + rng.normal(scale=0.1, size=50)
    assert fidelity_score(teacher, student) == pytest.approx(r2_score(teacher, student))
    assert fidelity_score(teacher, teacher) == 1.0
    # task forces regression for whole-number predictions.
    assert fidelity_score([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], task="regression") == pytest.approx(
        r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
    )


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (([1, 2, 3], [1, 2]), {}, "shape"),
        (([], []), {}, "at least one row"),
        (([1, 2], [1, 2]), {"task": "ranking"}, "task must be"),
    ],
)
def test_fidelity_score_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fidelity_score(*args, **kwargs)


def test_report_classification_matches_sklearn_metrics(multiclass):
    X, y, teacher, student = multiclass
    report = distillation_report(student, X, y, teacher=teacher, single_row_repeats=5)
    assert isinstance(report, DistillationReport)
    assert report.task == "classification"
    assert report.n_samples == len(X)
    P_t, P_s = teacher.predict_proba(X), student.predict_proba(X)
    assert report.teacher_scores["accuracy"] == pytest.approx(accuracy_score(y, teacher.predict(X)))
    assert report.student_scores["log_loss"] == pytest.approx(log_loss(y, P_s))
    assert report.teacher_scores["roc_auc"] == pytest.approx(
        roc_auc_score(y, P_t, multi_class="ovr", average="macro")
    )
    assert report.fidelity == pytest.approx(np.mean(teacher.predict(X) == student.predict(X)))
    assert report.teacher_size_bytes == len(pickle.dumps(teacher, pickle.HIGHEST_PROTOCOL))
    assert report.student_size_bytes == len(pickle.dumps(student, pickle.HIGHEST_PROTOCOL))
    assert report.size_reduction == pytest.approx(
        report.teacher_size_bytes / report.student_size_bytes
    )
    assert report.teacher_throughput > 0 and report.student_latency > 0
    assert report.batch_speedup == pytest.approx(
        report.student_throughput / report.teacher_throughput
    )
    d = report.as_dict()
    assert {"fidelity", "size_reduction", "batch_speedup", "latency_speedup"} <= set(d)
    json.dumps(d)  # plain types only
    text = str(report)
    for label in ("accuracy", "log loss", "ROC AUC", "fidelity", "size", "latency"):
        assert label in text


def test_report_binary_auc_and_booster_teacher():
    X, y = make_classification(n_samples=500, n_features=6, random_state=1)
    y = np.where(y == 1, "yes", "no")
    teacher = LGBMClassifier(n_estimators=30, verbose=-1).fit(X[:300], y[:300])
    student = LogisticRegression().fit(X[:300], y[:300])
    report = distillation_report(student, X[300:], y[300:], teacher=teacher, single_row_repeats=3)
    expected = roc_auc_score(y[300:] == "yes", teacher.predict_proba(X[300:])[:, 1])
    assert report.teacher_scores["roc_auc"] == pytest.approx(expected)
    # A raw Booster predicts P(class 1); the report turns it into the same two columns.
    from_booster = distillation_report(
        student, X[300:], y[300:], teacher=teacher.booster_, single_row_repeats=3
    )
    assert from_booster.teacher_scores == pytest.approx(report.teacher_scores)
    assert from_booster.teacher_name == "Booster"


def test_report_regression():
    X, y = make_regression(n_samples=400, n_features=5, noise=5.0, random_state=0)
    teacher = LGBMRegressor(n_estimators=40, verbose=-1).fit(X[:300], y[:300])
    student = Ridge().fit(X[:300], y[:300])
    report = distillation_report(student, X[300:], y[300:], teacher=teacher, single_row_repeats=3)
    assert report.task == "regression"
    assert set(report.student_scores) == {"rmse", "r2"}
    assert report.student_scores["r2"] == pytest.approx(r2_score(y[300:], student.predict(X[300:])))
    assert report.fidelity == pytest.approx(
        r2_score(teacher.predict(X[300:]), student.predict(X[300:]))
    )
    assert "RMSE" in str(report) and "R² vs teacher" in str(report)


def test_report_errors(multiclass):
    X, y, teacher, student = multiclass
    with pytest.raises(TypeError, match="teacher="):
        distillation_report(student, X, y)
    with pytest.raises(ValueError, match="rows"):
        distillation_report(student, X, y[:-1], teacher=teacher)
    other = LogisticRegression().fit(X, np.where(y == "eel", "fox", y))
    with pytest.raises(ValueError, match="classes"):
        distillation_report(other, X, y, teacher=teacher)


def test_fidelity_scorer_selects_without_labels():
    from skdistill import DistilledClassifier
    from skdistill.students import SoftTreeClassifier

    X, y = make_classification(n_samples=300, n_features=6, random_state=0)
    teacher = LGBMClassifier(n_estimators=30, verbose=-1).fit(X, y)
    model = DistilledClassifier(
        teacher, student=SoftTreeClassifier(), n_samples=1.0, random_state=0
    )
    search = GridSearchCV(model, {"student__max_depth": [1, 6]}, scoring=fidelity_scorer, cv=2).fit(
        X
    )
    # A depth-6 tree follows the teacher more closely than a stump.
    assert search.best_params_ == {"student__max_depth": 6}
    fitted = search.best_estimator_
    expected = np.mean(teacher.predict(X) == fitted.predict(X))
    assert fidelity_scorer(fitted, X) == pytest.approx(expected)
    assert fidelity_scorer(fitted, X, y) == pytest.approx(expected)  # y is ignored
    with pytest.raises(TypeError, match="teacher_adapter_"):
        fidelity_scorer(LogisticRegression().fit(X, y), X)


def test_report_of_a_distiller_defaults_to_its_teacher():
    from skdistill import DistilledRegressor

    X, y = make_regression(n_samples=300, n_features=4, random_state=0)
    teacher = LGBMRegressor(n_estimators=30, verbose=-1).fit(X, y)
    model = DistilledRegressor(teacher, student=Ridge(), n_samples=1.0, random_state=0).fit(X)
    report = distillation_report(model, X, y, single_row_repeats=3)
    assert report.teacher_name == "LGBMRegressor"
    assert report.student_name == type(model.student_).__name__
    assert report.student_size_bytes == len(pickle.dumps(model.student_, pickle.HIGHEST_PROTOCOL))
    assert report.fidelity == pytest.approx(r2_score(teacher.predict(X), model.predict(X)))

"""The hold-out and the payoff: scored on real rows never sampled around nor trained on."""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression, Ridge

from skdistill import DistilledClassifier, DistilledRegressor
from skdistill._holdout import check_holdout
from skdistill.students import SoftLogisticRegression, SoftTreeClassifier


class CountingTeacher(LogisticRegression):
    rows_labeled = 0

    def decision_function(self, X):
        type(self).rows_labeled += len(X)
        return super().decision_function(X)

    def predict_proba(self, X):
        type(self).rows_labeled += len(X)
        return super().predict_proba(X)


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=400, n_features=6, n_informative=4, random_state=0)


def test_payoff_scores_teacher_distilled_and_direct_on_the_hold_out(data):
    X, y = data
    teacher = LogisticRegression().fit(X, y)
    model = DistilledClassifier(
        teacher,
        student=SoftTreeClassifier(max_depth=3),
        holdout=0.25,
        n_samples=2.0,
        random_state=0,
    ).fit(X, y)
    payoff = model.payoff_
    assert payoff["metric"] == "accuracy" and payoff["n_rows"] == 100
    for key in ("teacher", "distilled", "direct", "fidelity"):
        assert 0.5 < payoff[key] <= 1.0
    gap = payoff["teacher"] - payoff["direct"]
    expected = (payoff["distilled"] - payoff["direct"]) / gap if gap > 0 else np.nan
    np.testing.assert_allclose(payoff["gap_closed"], expected)
    assert model.n_transfer_samples_ == 300 * 3
    assert payoff["shipped"] == (
        "direct" if payoff["distilled"] < payoff["direct"] else "distilled"
    )


def test_a_single_student_has_no_hold_out_unless_asked(data):
    X, y = data
    teacher = LogisticRegression().fit(X, y)
    model = DistilledClassifier(teacher, student=SoftTreeClassifier(max_depth=3), n_samples=1.0)
    model.fit(X, y)
    assert model.payoff_ is None and model.n_transfer_samples_ == 800
    assert np.isnan(model.candidates_["score"][0])
    assert model.candidates_["size_bytes"][0] > 0


def test_distilled_worse_than_direct_warns_with_the_numbers(data):
    X, y = data
    # A teacher that knows nothing: the distilled student cannot beat the labels.
    teacher = DummyClassifier(strategy="prior").fit(X, y)
    model = DistilledClassifier(
        teacher,
        student=SoftTreeClassifier(max_depth=3),
        holdout=0.25,
        n_samples=1.0,
        random_state=0,
    )
    with pytest.warns(UserWarning, match=r"below the same student trained directly") as record:
        model.fit(X, y)
    message = str(record[0].message)
    assert f"{model.payoff_['distilled']:.4f}" in message
    assert f"{model.payoff_['direct']:.4f}" in message
    assert "larger student" in message
    # Never ship a student worse than direct: student_ is the one trained on the labels.
    assert model.payoff_["shipped"] == "direct"
    assert model.score(X, y) > 0.7  # the distilled one learned the prior only (about 0.5)


def test_regression_payoff_is_r2():
    X, y = make_regression(n_samples=200, n_features=4, noise=1.0, random_state=0)
    teacher = Ridge().fit(X, y)
    model = DistilledRegressor(teacher, student=Ridge(), holdout=0.2, n_samples=1.0).fit(X, y)
    assert model.payoff_["metric"] == "r2" and model.payoff_["n_rows"] == 40
    assert model.payoff_["teacher"] > 0.99 and model.payoff_["distilled"] > 0.99


@pytest.mark.parametrize("n_rows, fraction", [(20, 0.1), (6, 0.9)])
def test_a_hold_out_smaller_than_the_classes_is_an_error(n_rows, fraction):
    # 20 rows x 0.1 holds out 2 rows for 3 classes; 6 x 0.9 keeps 0 rows.
    y = np.arange(n_rows) % 3
    with pytest.raises(ValueError, match="fewer than the 3 classes"):
        check_holdout(fraction, n_rows, y, "classification")
    check_holdout(0.5, n_rows, y, "classification")  # enough on both sides


def test_hold_out_errors_come_before_any_labeling():
    X, y = make_classification(
        n_samples=30, n_features=5, n_classes=3, n_informative=3, random_state=0
    )
    teacher = CountingTeacher().fit(X, y)
    CountingTeacher.rows_labeled = 0
    with pytest.raises(ValueError, match="fewer than the 3 classes"):
        DistilledClassifier(teacher, student=SoftLogisticRegression(), holdout=0.05).fit(X, y)
    y_single = y.copy()
    y_single[0] = 3  # a class with one row cannot be on both sides
    with pytest.raises(ValueError, match="single row"):
        check_holdout(0.2, 30, y_single, "classification")
    with pytest.raises(ValueError, match="at least 2 held-out rows"):
        DistilledRegressor(Ridge().fit(X, y), student=Ridge(), holdout=0.01).fit(X, y)
    # Two rows of a class, both held out by a large hold-out: the teacher would never see it.
    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    y_rare = np.where(np.arange(60) < 2, 7, y)
    unfitted = CountingTeacher()
    with pytest.raises(ValueError, match="no row of class 7 on the kept side"):
        DistilledClassifier(unfitted, student=SoftLogisticRegression(), holdout=0.9).fit(X, y_rare)
    assert not hasattr(unfitted, "classes_")  # never fitted
    assert CountingTeacher.rows_labeled == 0


def test_an_unfitted_teacher_never_sees_the_hold_out(data):
    X, y = data
    model = DistilledClassifier(
        LogisticRegression(), student=SoftLogisticRegression(), holdout=0.5, n_samples=0
    ).fit(X, y)
    # Fitted on the 200 kept rows only: its coefficients differ from a fit on all 400.
    full = LogisticRegression().fit(X, y)
    assert not np.allclose(model.teacher_.coef_, full.coef_)

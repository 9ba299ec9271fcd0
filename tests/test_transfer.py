"""TransferSet: labeled once, reused by any number of students without calling the teacher."""

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LogisticRegression, Ridge

from skdistill import DistilledClassifier, DistilledRegressor, TransferSet
from skdistill.samplers import MUNGE
from skdistill.students import SoftLogisticRegression, SoftTreeClassifier
from skdistill.teachers import CallableTeacher


class CountingTeacher(LogisticRegression):
    """Counts the rows it is asked to label (decision_function / predict_proba), across copies."""

    rows_labeled = 0

    def decision_function(self, X):
        type(self).rows_labeled += len(X)
        return super().decision_function(X)

    def predict_proba(self, X):
        type(self).rows_labeled += len(X)
        return super().predict_proba(X)


class RecordingSampler:
    """Remembers the rows it was fitted on; samples copies of them."""

    def fit(self, X):
        self.X_ = np.array(X)
        return self

    def sample(self, n_samples, random_state=None):
        rng = np.random.default_rng(0)
        return self.X_[rng.integers(len(self.X_), size=n_samples)]


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=300, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    return X, np.array(["a", "b", "c"])[y]


def test_students_and_temperatures_reuse_one_labeling(data, tmp_path):
    X, y = data
    teacher = CountingTeacher(max_iter=500).fit(X, y)
    CountingTeacher.rows_labeled = 0
    transfer = TransferSet.build(teacher, X, y, n_samples=2.0, holdout=0.2, random_state=0)
    # Every real, pseudo and held-out row is labeled exactly once.
    assert CountingTeacher.rows_labeled == 240 + 480 + 60 == len(transfer) + 60
    for student in (SoftTreeClassifier(max_depth=2), SoftLogisticRegression()):
        for temperature in (1.0, 3.0):
            model = DistilledClassifier(
                teacher, student=student, temperature=temperature, random_state=0
            ).fit(transfer)
            assert model.n_transfer_samples_ == 720
            assert model.fit_times_["labeling"] == 0.0
            assert set(model.payoff_) >= {"teacher", "distilled", "direct", "gap_closed"}
    # A ladder on the same transfer set: still no new labeling.
    ladder = [SoftTreeClassifier(max_depth=d) for d in (1, 3)]
    DistilledClassifier(teacher, student=ladder, random_state=0).fit(transfer)
    assert CountingTeacher.rows_labeled == 780

    path = tmp_path / "transfer.joblib"
    joblib.dump(transfer, path)
    loaded = joblib.load(path)
    model = DistilledClassifier(loaded.teacher, student=SoftLogisticRegression()).fit(loaded)
    assert model.score(X, y) > 0.6
    assert CountingTeacher.rows_labeled == 780


def test_the_hold_out_is_disjoint_stratified_and_never_sampled(data):
    X, y = data
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    transfer = TransferSet.build(teacher, X, y, sampler=None, holdout=0.2, random_state=0)
    assert transfer.n_pseudo == 0 and transfer.n_real == 240
    rows = {tuple(r) for r in transfer.X}
    held = {tuple(r) for r in transfer.X_holdout}
    assert not rows & held and len(rows | held) == len(X)
    # Stratified: each class keeps its share on both sides.
    np.testing.assert_array_equal(np.bincount(transfer.y_holdout), [20, 20, 20])
    sampler = RecordingSampler()
    transfer = TransferSet.build(
        teacher, X, y, sampler=sampler, n_samples=1.0, holdout=0.2, random_state=0
    )
    # The sampler is fitted on the kept rows only: held-out rows never seed pseudo rows.
    np.testing.assert_array_equal(transfer.sampler.X_, transfer.X[:240])


def test_targets_at_any_temperature_and_alpha(data):
    X, y = data
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    transfer = TransferSet.build(teacher, X, y, n_samples=1.0, holdout=0.0, random_state=0)
    X_t, targets, weights = transfer.targets(temperature=2.0, alpha=0.4)
    assert len(X_t) == targets.n_samples == 600 and weights is None
    assert targets.temperature == 2.0 and targets.alpha == 0.4
    np.testing.assert_array_equal(targets.y[300:], -1)
    np.testing.assert_array_equal(transfer.classes[targets.y[:300]], y)
    X_p, pseudo, _ = transfer.targets(include_original=False)
    assert len(X_p) == 300 and pseudo.y is None
    X_d, direct, _ = transfer.label_targets()
    np.testing.assert_array_equal(direct.proba().argmax(axis=1), targets.y[:300])
    assert repr(transfer) == "TransferSet(classification, 300 real + 300 pseudo rows, 0 held out)"


def test_weights_follow_the_rows(data):
    X, y = data
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    w = np.linspace(1.0, 2.0, len(X))
    transfer = TransferSet.build(
        teacher, X, y, sample_weight=w, n_samples=1.0, holdout=0.1, random_state=0
    )
    _, _, weights = transfer.targets()
    assert len(weights) == len(transfer)
    np.testing.assert_allclose(weights[transfer.n_real :], transfer.sample_weight.mean())
    assert len(transfer.holdout_weight) == 30


def test_a_transfer_set_must_match_the_distiller(data):
    X, y = data
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    transfer = TransferSet.build(teacher, X, y, n_samples=1.0, random_state=0)
    other = LogisticRegression(max_iter=500).fit(X, y)
    with pytest.raises(ValueError, match="different teacher"):
        DistilledClassifier(other, student=SoftLogisticRegression()).fit(transfer)
    with pytest.raises(ValueError, match="is for classification"):
        DistilledRegressor(teacher, student=Ridge()).fit(transfer)
    with pytest.raises(ValueError, match="do not pass y"):
        DistilledClassifier(teacher, student=SoftLogisticRegression()).fit(transfer, y)
    empty = TransferSet.build(teacher, X, y, sampler=None, holdout=0.0)
    with pytest.raises(ValueError, match="transfer set is empty"):
        DistilledClassifier(teacher, student=SoftLogisticRegression(), include_original=False).fit(
            empty
        )
    with pytest.raises(ValueError, match="held-out rows"):
        DistilledClassifier(teacher).fit(empty)  # the default ladder needs a hold-out


def test_task_comes_from_the_teacher_or_is_given():
    X, y = make_regression(n_samples=120, n_features=3, random_state=0)
    teacher = CallableTeacher(lambda X: X.sum(axis=1), response_method="predict")
    with pytest.raises(ValueError, match="task="):
        TransferSet.build(teacher, X)
    transfer = TransferSet.build(teacher, X, task="regression", n_samples=1.0, holdout=0.1)
    assert transfer.y is None and transfer.y_holdout is None
    with pytest.raises(ValueError, match="no labels"):
        transfer.label_targets()
    model = DistilledRegressor(teacher, student=Ridge()).fit(transfer)
    assert model.payoff_ is None  # no labels: nothing to compare
    assert model.score(X, X.sum(axis=1)) > 0.99


def test_dataframe_columns_reach_the_distiller(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X, columns=list("vwxyz"))
    teacher = LogisticRegression(max_iter=500).fit(frame, y)
    transfer = TransferSet.build(teacher, frame, y, n_samples=1.0, random_state=0)
    model = DistilledClassifier(teacher, student=SoftLogisticRegression()).fit(transfer)
    np.testing.assert_array_equal(model.feature_names_in_, frame.columns)
    assert model.n_features_in_ == 5


def test_fit_on_a_built_transfer_set_equals_fit_on_x(data):
    X, y = data
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    ladder = [SoftTreeClassifier(max_depth=2), SoftTreeClassifier(max_depth=5)]
    params = {"student": ladder, "sampler": MUNGE(), "n_samples": 1.0, "random_state": 3}
    direct = DistilledClassifier(teacher, **params).fit(X, y)
    transfer = TransferSet.build(teacher, X, y, sampler=MUNGE(), n_samples=1.0, random_state=3)
    reused = DistilledClassifier(teacher, **params).fit(transfer)
    np.testing.assert_array_equal(direct.predict_proba(X), reused.predict_proba(X))
    np.testing.assert_array_equal(direct.candidates_["score"], reused.candidates_["score"])
    # A candidate of a ladder is the very student a single-student fit trains.
    single = DistilledClassifier(teacher, student=ladder[1], random_state=3).fit(transfer)
    np.testing.assert_array_equal(single.candidates_["score"][0], reused.candidates_["score"][1])

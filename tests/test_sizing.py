"""Sizing the student: a ladder of candidates on one transfer set, the smallest good one kept."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV

from skdistill import DistilledClassifier, DistilledRegressor, TransferSet
from skdistill._sizing import (
    LADDER_DEPTHS,
    LADDER_SIZES,
    SKIPPED,
    choose,
    describe,
    stop_climbing,
)
from skdistill.students import SoftMLPClassifier, SoftTreeClassifier, SoftTreeRegressor


class BrokenStudent(ClassifierMixin, BaseEstimator):
    """A student whose fit always fails."""

    def fit(self, X, y, sample_weight=None):
        raise RuntimeError("this student cannot learn")

    def fit_soft(self, X, targets, sample_weight=None):
        raise RuntimeError("this student cannot learn")


class UnpicklableStudent(SoftTreeClassifier):
    """A student that trains and predicts, but holds a lambda: it cannot be pickled."""

    def fit_soft(self, X, targets, sample_weight=None):
        super().fit_soft(X, targets, sample_weight=sample_weight)
        self.hook_ = lambda z: z
        return self


class SmallBatchFailsStudent(SoftTreeClassifier):
    """A student whose predict fails on a single row (as its latency is measured)."""

    def predict_proba(self, X):
        if len(X) < 2:
            raise RuntimeError("cannot predict one row")
        return super().predict_proba(X)


def table(sizes, scores, latencies=None, errors=None):
    n = len(sizes)
    return {
        "student": np.array([f"s{i}" for i in range(n)], dtype=object),
        "size_bytes": np.array(sizes, dtype=float),
        "latency_us": np.array(latencies or [10.0] * n, dtype=float),
        "fidelity": np.array(scores, dtype=float),
        "score": np.array(scores, dtype=float),
        "fit_time": np.ones(n),
        "error": np.array(errors or [""] * n, dtype=object),
    }


def test_choose_the_smallest_within_tolerance_of_the_best():
    t = table([100, 200, 400, 800], [0.80, 0.895, 0.90, 0.899])
    assert choose(t, tolerance=0.005, budget=None) == 1
    assert choose(t, tolerance=0.0, budget=None) == 2
    assert choose(t, tolerance=0.2, budget=None) == 0


def test_a_budget_keeps_the_best_that_fits_or_names_the_smallest():
    t = table([100, 200, 400], [0.80, 0.85, 0.90], latencies=[5.0, 9.0, 30.0])
    assert choose(t, tolerance=0.0, budget={"max_bytes": 250}) == 1
    assert choose(t, tolerance=0.0, budget={"max_latency_us": 6}) == 0
    only_smallest = r"smallest, s0, takes 100 bytes and 5.0 µs per row\. Raise"
    with pytest.raises(ValueError, match=only_smallest):
        choose(t, tolerance=0.0, budget={"max_bytes": 50})
    t = table([100, 200, 400], [0.80, 0.85, 0.90], latencies=[30.0, 9.0, 5.0])
    with pytest.raises(ValueError, match=r"smallest, s0, .*; the fastest, s2, .* 5.0 µs per row"):
        choose(t, tolerance=0.0, budget={"max_latency_us": 4})


def test_a_student_larger_than_the_teacher_is_chosen_only_when_no_smaller_one_trained():
    t = table([100, 200, 400], [0.80, 0.85, 0.90])
    assert choose(t, tolerance=0.0, budget=None, teacher_bytes=300) == 1
    assert choose(t, tolerance=0.0, budget=None, teacher_bytes=None) == 2
    # Nothing smaller than the teacher: choose as without it.
    assert choose(t, tolerance=0.0, budget=None, teacher_bytes=50) == 2
    # An explicit max_bytes budget replaces the teacher's size.
    assert choose(t, tolerance=0.0, budget={"max_bytes": 500}, teacher_bytes=300) == 2
    failed = table([100, 200, 400], [0.80, np.nan, 0.90], errors=["", "E: x", ""])
    assert choose(failed, tolerance=0.0, budget=None, teacher_bytes=300) == 0


def test_the_default_ladder_stops_climbing_when_size_stops_paying():
    def records(*scores, kind="SoftMLPClassifier(x)"):
        return [{"student": kind, "score": s, "error": ""} for s in scores]

    def stop(records):
        return stop_climbing(records, tolerance=0.005, name="SoftMLPClassifier(y)")

    assert not stop(records(0.80))
    assert not stop(records(0.80, 0.81))
    assert stop(records(0.80, 0.804))
    assert stop(records(0.80, 0.85, 0.84))
    failed = [{"student": "SoftMLPClassifier(x)", "score": np.nan, "error": "E: x"}]
    assert not stop(records(0.80) + failed)
    # The trees before the MLPs never stop the climb, nor count in it; a tree is always trained.
    trees = records(0.80, 0.80, 0.90, kind="SoftTreeRegressor(x)")
    assert not stop(trees)
    assert not stop(trees + records(0.70))
    assert not stop(trees + records(0.70, 0.80))
    assert stop(trees + records(0.70, 0.80, 0.801))
    assert not stop_climbing(records(0.80, 0.80), tolerance=0.005, name="SoftTreeRegressor(y)")
    # The piecewise-linear climb starts afresh: the plain MLPs' scores do not count in it.
    pieces = "SoftMLPClassifier(input_bins=16)"
    plain_stopped = records(0.80, 0.801)
    assert not stop_climbing(plain_stopped, tolerance=0.005, name=pieces)
    assert not stop_climbing(
        plain_stopped + records(0.70, kind=pieces), tolerance=0.005, name=pieces
    )
    assert stop_climbing(
        plain_stopped + records(0.70, 0.702, kind=pieces), tolerance=0.005, name=pieces
    )


def test_failed_candidates_are_reported_never_chosen():
    t = table([100, 200], [np.nan, 0.9], errors=["RuntimeError: boom", ""])
    assert choose(t, tolerance=0.5, budget=None) == 1
    t = table([np.nan, np.nan], [np.nan, np.nan], errors=["E: a", "E: b"])
    with pytest.raises(ValueError, match="Every candidate student failed.*s0: E: a; s1: E: b"):
        choose(t, tolerance=0.0, budget=None)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=400, n_features=6, n_informative=4, random_state=0)
    return X, y, LogisticRegression().fit(X, y)


def test_a_ladder_of_trees_reports_every_candidate(data):
    pd = pytest.importorskip("pandas")
    X, y, teacher = data
    ladder = [SoftTreeClassifier(max_depth=d) for d in (1, 2, 4, 8)] + [BrokenStudent()]
    model = DistilledClassifier(teacher, student=ladder, n_samples=2.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X, y)
    frame = pd.DataFrame(model.candidates_)
    assert list(frame.columns) == [
        "student",
        "size_bytes",
        "latency_us",
        "fidelity",
        "score",
        "fit_time",
        "n_iter",
        "error",
    ]
    assert len(frame) == 5
    assert frame["n_iter"].isna().all()  # trees have no epochs
    assert frame["student"][0] == "SoftTreeClassifier(max_depth=1)"
    assert frame["error"][4] == "RuntimeError: this student cannot learn"
    assert np.isnan(frame["score"][4]) and np.isnan(frame["size_bytes"][4])
    ok = frame.iloc[:4]
    assert (ok["size_bytes"] > 0).all() and (ok["latency_us"] > 0).all()
    assert ok["size_bytes"].is_monotonic_increasing
    # The chosen one: the smallest whose score is within the tolerance of the best.
    best = ok["score"].max()
    good = ok[ok["score"] >= best - model.tolerance]
    assert model.best_index_ == good["size_bytes"].idxmin()
    assert model.student_.max_depth == ladder[model.best_index_].max_depth
    assert model.payoff_["distilled"] == pytest.approx(ok["score"][model.best_index_])


def test_a_candidate_that_cannot_be_measured_is_reported_never_chosen(data):
    X, y, teacher = data
    ladder = [UnpicklableStudent(max_depth=2), SmallBatchFailsStudent(max_depth=2)]
    ladder.append(SoftTreeClassifier(max_depth=4))
    model = DistilledClassifier(teacher, student=ladder, n_samples=1.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X, y)
    errors = list(model.candidates_["error"])
    assert errors[0].startswith("measuring: ") and "pickle" in errors[0]
    assert errors[1] == "measuring: RuntimeError: cannot predict one row"
    assert errors[2] == "" and model.best_index_ == 2
    # A single student need not pickle: its size is unknown.
    single = DistilledClassifier(teacher, student=UnpicklableStudent(max_depth=2), n_samples=1.0)
    assert np.isnan(single.fit(X, y).candidates_["size_bytes"][0])


def test_every_candidate_failing_is_an_error(data):
    X, y, teacher = data
    model = DistilledClassifier(teacher, student=[BrokenStudent(), BrokenStudent()])
    with pytest.raises(ValueError, match="Every candidate student failed to train"):
        model.fit(X, y)
    assert not hasattr(model, "student_")


def test_a_single_student_that_fails_raises_its_own_error(data):
    X, y, teacher = data
    with pytest.raises(RuntimeError, match="cannot learn"):
        DistilledClassifier(teacher, student=BrokenStudent(), n_samples=1.0).fit(X, y)


def test_the_default_ladder_sizes_trees_and_an_mlp(data):
    X, y, teacher = data
    transfer = TransferSet.build(teacher, X, y, n_samples=1.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tiny problem: convergence, payoff noise
        model = DistilledClassifier(teacher, random_state=0).fit(transfer)
    table = model.candidates_
    n_trees, n_sizes = len(LADDER_DEPTHS), len(LADDER_SIZES)
    assert len(table["student"]) == n_trees + 2 * n_sizes
    assert list(table["student"][:n_trees]) == [
        describe(SoftTreeClassifier(max_depth=d)) for d in LADDER_DEPTHS
    ]
    assert list(table["student"][n_trees:]) == [
        describe(SoftMLPClassifier(hidden_layer_sizes=h, input_bins=bins))
        for bins in (None, 16)
        for h in LADDER_SIZES
    ]
    assert (table["error"][:n_trees] == "").all() and np.isnan(table["n_iter"][:n_trees]).all()
    if model.best_index_ < n_trees:
        assert model.student_.max_depth == LADDER_DEPTHS[model.best_index_]
    else:
        climb, size = divmod(model.best_index_ - n_trees, n_sizes)
        assert model.student_.hidden_layer_sizes == LADDER_SIZES[size]
        assert model.student_.input_bins == (None, 16)[climb]
    # Each climb of MLPs goes smallest first: the trained sizes are a prefix, the rest skipped.
    for start in (n_trees, n_trees + n_sizes):
        mlps = {key: values[start : start + n_sizes] for key, values in table.items()}
        trained = mlps["error"] == ""
        n = int(trained.sum())
        assert n >= 2 and trained[:n].all() and (mlps["error"][n:] == SKIPPED).all()
        assert np.all(mlps["fidelity"][:n] > 0.8) and np.isnan(mlps["score"][n:]).all()
        assert np.all(mlps["n_iter"][:n] >= 1)
        if n < n_sizes:  # it stopped because the last size did not improve
            assert mlps["score"][n - 1] <= np.max(mlps["score"][: n - 1]) + model.tolerance


def test_sizing_parameters_are_checked_before_labeling(data):
    X, y, teacher = data
    ladder = [SoftTreeClassifier(max_depth=1), SoftTreeClassifier(max_depth=2)]
    with pytest.raises(ValueError, match="needs held-out rows, but holdout=0"):
        DistilledClassifier(teacher, student=ladder, holdout=0.0).fit(X, y)
    with pytest.raises(ValueError, match="budget keys"):
        DistilledClassifier(teacher, student=ladder, budget={"bytes": 1}).fit(X, y)
    with pytest.raises(ValueError, match="no candidates"):
        DistilledClassifier(teacher, student=[]).fit(X, y)
    with pytest.raises(ValueError, match="estimator with fit"):
        DistilledClassifier(teacher, student=[SoftTreeClassifier(), "tree"]).fit(X, y)


def test_budget_through_the_distiller(data):
    X, y, teacher = data
    ladder = [SoftTreeClassifier(max_depth=d) for d in (1, 6)]
    model = DistilledClassifier(
        teacher, student=ladder, tolerance=1.0, n_samples=1.0, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X, y)
    small = model.candidates_["size_bytes"][0]
    assert model.best_index_ == 0  # tolerance 1: anything goes, the smallest wins
    with pytest.raises(ValueError, match="No candidate student meets the budget"):
        model.set_params(budget={"max_bytes": small / 2}).fit(X, y)


def test_a_ladder_clones_and_searches_like_any_parameter(data):
    X, y, teacher = data
    ladder = [SoftTreeClassifier(max_depth=1), SoftTreeClassifier(max_depth=3)]
    model = DistilledClassifier(teacher, student=ladder, n_samples=1.0, random_state=0)
    copy = clone(model)
    assert copy.student[0] is not ladder[0] and copy.student[1].max_depth == 3
    search = GridSearchCV(model, {"temperature": [1.0, 2.0]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search.fit(X, y)
    assert search.best_estimator_.student_.max_depth in (1, 3)


def test_regression_ladder_scores_r2():
    X, y = make_regression(n_samples=300, n_features=4, noise=5.0, random_state=0)
    teacher = Ridge().fit(X, y)
    ladder = [SoftTreeRegressor(max_depth=d) for d in (2, 6)]
    model = DistilledRegressor(teacher, student=ladder, n_samples=1.0, random_state=0).fit(X, y)
    assert model.payoff_["metric"] == "r2"
    assert np.all(model.candidates_["score"] < 1.0)
    assert model.candidates_["fidelity"][1] > model.candidates_["fidelity"][0]


def test_the_shipped_students_carry_no_optimizer_state(data):
    """The distiller's students (candidates and the direct one) drop what only continued
    training reads: the pickled size in candidates_ is that of what ships, about a third of
    the same MLP fitted on its own (Adam's two moment estimates are the weights' size each),
    with the same predictions; partial_fit on the shipped student still trains."""
    import pickle

    from skdistill.measure import pickled_size

    X, y, teacher = data
    student = SoftMLPClassifier((32, 32), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = DistilledClassifier(
            teacher, student=[student, clone(student)], n_samples=1.0, random_state=0
        ).fit(X, y)
        on_its_own = clone(student).fit(X, y)
    shipped = model.student_
    assert not hasattr(shipped, "_optimizer") and not hasattr(shipped, "_rng")
    assert model.candidates_["size_bytes"][model.best_index_] == pickled_size(shipped)
    assert pickled_size(shipped) < 0.5 * pickled_size(on_its_own)
    loaded = pickle.loads(pickle.dumps(shipped))
    np.testing.assert_array_equal(loaded.predict_proba(X), shipped.predict_proba(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded.partial_fit(X, y)
    assert loaded.predict_proba(X).shape == (len(X), len(np.unique(y)))

"""Sizing the student to the teacher: train a ladder of candidates on one transfer set, score
each on the held-out real rows, keep the smallest that is about as good as the best. The
default ladder holds three trees, always trained (seconds each), and two climbs of MLPs, one on
plain inputs and one on piecewise-linear inputs, each climbed smallest first until a size no
longer pays (:func:`stop_climbing`).

Every candidate is reported (``candidates_``): its pickled size, single-row latency, fidelity
to the teacher and score on the hold-out, fit time, epochs (MLPs) and error. A candidate that
fails to train stays in the table with its error; only when all fail is it an error.
"""

import time

import numpy as np
from sklearn.base import clone

from ._chunked import TrainingChunks, fit_on
from ._holdout import holdout_scores
from .measure import pickled_size, single_row_latency
from .students import (
    SoftMLPClassifier,
    SoftMLPRegressor,
    SoftTreeClassifier,
    SoftTreeRegressor,
    as_student,
)

# The default ladder: MLP widths and depths from tiny to large. A 2x64 MLP cannot represent a
# covtype LightGBM (agreement 0.89 on its own training rows), a 2x256 can (0.96).
LADDER_SIZES = ((16,), (32, 32), (64, 64), (128, 128), (256, 256))
# And trees: on electricity a depth-16 tree distilled from the default transfer set scored
# 0.886 on test where the best MLP scored 0.860 (docs/sizing.md). They train in seconds.
LADDER_DEPTHS = (8, 12, 16)
# The MLPs are climbed twice: on plain inputs, then on piecewise-linear ones (``input_bins``).
# With 16 bins a distilled 2x64 gained 3.2 points of accuracy on electricity and 1.1 on
# covtype, where the teacher's steps are sharp; plain inputs did better on letter and higgs
# (docs/benchmarks_input_bins.md, docs/sizing.md): the hold-out chooses.
LADDER_INPUT_BINS = (None, 16)
# The candidates the default ladder climbs (by the names :func:`describe` gives them).
_CLIMBED = ("SoftMLPClassifier(", "SoftMLPRegressor(")
SKIPPED = "not trained: the previous size did not improve the hold-out score by > tolerance"
# Single-row latency is the median of this many predict calls on held-out rows.
_LATENCY_REPEATS = 30


def default_ladder(task):
    """The default candidate students for ``task``: the trees, then the MLPs smallest first on
    plain inputs, then again on piecewise-linear inputs."""
    classification = task == "classification"
    tree = SoftTreeClassifier if classification else SoftTreeRegressor
    mlp = SoftMLPClassifier if classification else SoftMLPRegressor
    return [tree(max_depth=depth) for depth in LADDER_DEPTHS] + [
        mlp(hidden_layer_sizes=sizes, input_bins=bins)
        for bins in LADDER_INPUT_BINS
        for sizes in LADDER_SIZES
    ]


def describe(student):
    """A short name for a candidate: the class and the parameters it was given."""
    return repr(student).replace("\n", " ").replace("    ", "")


def _predict_function(student, task):
    if task == "classification" and hasattr(student, "predict_proba"):
        return student.predict_proba
    return student.predict


def drop_training_state(student):
    """Drop what only continued training reads from a fitted student (an MLP's optimizer
    state), where the student says how (``_drop_training_state``): its pickled size is then
    that of what ships."""
    drop = getattr(student, "_drop_training_state", None)
    if callable(drop):
        drop()


def fit_candidate(student, X, targets, sample_weight, transfer, *, name, catch):
    """Fit one candidate and measure it; return (fitted student or None, record dict).

    ``name`` names it in the record. With ``catch``, an error in fit or in measuring it (its
    pickled size, latency and hold-out scores) is recorded (as ``"Type: message"``, with
    ``"measuring: "`` before it for the latter) instead of raised.
    """
    record = {"student": name, "error": ""}
    tic = time.perf_counter()
    try:
        fitted = as_student(clone(student), task=transfer.task)
        fit_on(fitted, X, targets, sample_weight)
        drop_training_state(fitted)
    except Exception as exc:
        if not catch:
            raise
        record["error"] = f"{type(exc).__name__}: {exc}"
        record["fit_time"] = time.perf_counter() - tic
        return None, record
    record["fit_time"] = time.perf_counter() - tic
    try:
        _measure(fitted, X, transfer, record, size_required=catch)
    except Exception as exc:
        if not catch:
            raise
        record["error"] = f"measuring: {type(exc).__name__}: {exc}"
        return None, record
    return fitted, record


def _measure(fitted, X, transfer, record, *, size_required):
    """A fitted candidate's epochs, pickled size, single-row latency and hold-out scores,
    into ``record``. A single student (not ``size_required``) that cannot be pickled has
    size NaN: it predicts all the same."""
    record["n_iter"] = getattr(fitted, "n_iter_", float("nan"))
    try:
        record["size_bytes"] = pickled_size(fitted)
    except Exception:
        if size_required:
            raise
        record["size_bytes"] = float("nan")
    if transfer.has_holdout:
        rows = transfer.X_holdout
    else:
        rows = X.chunk(0)[0] if isinstance(X, TrainingChunks) else X
    record["latency_us"] = 1e6 * single_row_latency(
        _predict_function(fitted, transfer.task), rows, n_repeats=_LATENCY_REPEATS
    )
    if transfer.has_holdout:
        record["score"], record["fidelity"] = holdout_scores(fitted, transfer)


def teacher_size(teacher):
    """The teacher's pickled bytes, or None when it cannot be pickled (then no candidate is
    ruled out for its size)."""
    try:
        return pickled_size(teacher)
    except Exception:  # noqa: BLE001 - any pickling failure means "size unknown"
        return None


def climb_of(name):
    """The climb a default-ladder candidate belongs to (the MLP class and whether it reads
    piecewise-linear inputs), or None for a candidate that is always trained (a tree)."""
    if not name.startswith(_CLIMBED):
        return None
    return name.split("(")[0], "input_bins=" in name


def stop_climbing(records, tolerance, name):
    """Whether the default ladder skips candidate ``name``: in its climb (:func:`climb_of`),
    the last MLP trained scored no more than ``tolerance`` above every smaller one, so a
    larger one is unlikely to be chosen. Only the records of the same climb count; a tree is
    always trained."""
    climb = climb_of(name)
    if climb is None:
        return False
    scores = [r["score"] for r in records if climb_of(r["student"]) == climb and not r["error"]]
    return len(scores) >= 2 and scores[-1] <= max(scores[:-1]) + tolerance


def skipped_record(name):
    """The record of a default-ladder size that was not trained (see :func:`stop_climbing`)."""
    return {"student": name, "error": SKIPPED, "fit_time": 0.0}


def candidates_table(records):
    """The records as a dict of arrays, like ``cv_results_`` (``pandas.DataFrame(table)``)."""
    nan = float("nan")
    table = {"student": np.array([r["student"] for r in records], dtype=object)}
    for key in ("size_bytes", "latency_us", "fidelity", "score", "fit_time", "n_iter"):
        table[key] = np.array([r.get(key, nan) for r in records], dtype=np.float64)
    table["error"] = np.array([r["error"] for r in records], dtype=object)
    return table


def choose(table, *, tolerance, budget, teacher_bytes=None):
    """Index of the chosen candidate.

    Among the candidates that trained and meet the budget, the smallest (pickled bytes) whose
    score is within ``tolerance`` of the best score. Without a ``max_bytes`` budget, a
    candidate at least as large as the teacher (``teacher_bytes``) is chosen only when no
    smaller one trained within the budget: a student larger than its teacher compresses
    nothing.
    """
    ok = table["error"] == ""
    if not ok.any():
        pairs = zip(table["student"], table["error"], strict=True)
        errors = "; ".join(f"{name}: {error}" for name, error in pairs)
        raise ValueError(f"Every candidate student failed to train. {errors}")
    budget = budget or {}
    within = ok.copy()
    if budget.get("max_bytes") is not None:
        within &= table["size_bytes"] <= budget["max_bytes"]
    if budget.get("max_latency_us") is not None:
        within &= table["latency_us"] <= budget["max_latency_us"]
    if not within.any():
        smallest = int(np.nanargmin(np.where(ok, table["size_bytes"], np.nan)))
        fastest = int(np.nanargmin(np.where(ok, table["latency_us"], np.nan)))

        def _costs(i):
            return (
                f"{table['student'][i]}, takes {table['size_bytes'][i]:,.0f} bytes and "
                f"{table['latency_us'][i]:.1f} µs per row"
            )

        also = "" if fastest == smallest else f"; the fastest, {_costs(fastest)}"
        raise ValueError(
            f"No candidate student meets the budget {budget}: the smallest, "
            f"{_costs(smallest)}{also}. Raise the budget, or add smaller (or faster) students "
            "to the ladder."
        )
    if teacher_bytes is not None and budget.get("max_bytes") is None:
        smaller = within & (table["size_bytes"] < teacher_bytes)
        if smaller.any():
            within = smaller
    scores = np.where(within, table["score"], np.nan)
    if np.isnan(scores).all():  # no hold-out: only a single candidate can be chosen
        if within.sum() > 1:
            raise ValueError("Choosing among several students needs held-out rows (holdout > 0).")
        return int(np.flatnonzero(within)[0])
    good = within & (scores >= np.nanmax(scores) - tolerance)
    return int(np.nanargmin(np.where(good, table["size_bytes"], np.nan)))

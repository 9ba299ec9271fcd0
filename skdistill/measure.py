"""The measuring harness: how fast and how big a model is, and how good its outputs are.

Used by :func:`skdistill.metrics.distillation_report` and by the benchmarks (``benchmarks/``),
so both measure the same way:

- :func:`batch_throughput`: rows per second of a predict function on a whole table;
- :func:`single_row_latency`: median seconds of one-row calls;
- :func:`pickled_size`: bytes of a model's pickle;
- :func:`teacher_predict_function`: the teacher's own prediction method (the one its users
  call), recognised with :mod:`skdistill.teachers`;
- :func:`quality_scores`: accuracy / log loss / ROC AUC, or RMSE / R², on true targets.

Timings use :func:`time.perf_counter` and depend on the machine and its load; repeated timings
stop early after about 2 seconds, so a slow model on a large table costs one call.

Examples
--------
>>> import numpy as np
>>> from sklearn.linear_model import LogisticRegression
>>> from skdistill.measure import batch_throughput, pickled_size, single_row_latency
>>> X = np.random.default_rng(0).normal(size=(200, 3))
>>> model = LogisticRegression().fit(X, X[:, 0] > 0)
>>> rows_per_second, proba = batch_throughput(model.predict_proba, X)
>>> proba.shape, rows_per_second > 0
((200, 2), True)
>>> single_row_latency(model.predict_proba, X, n_repeats=10) > 0
True
>>> pickled_size(model) > 0
True
"""

import pickle
import time

import numpy as np
from scipy.special import softmax
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score, roc_auc_score

from ._tables import take_rows
from .teachers import as_teacher
from .teachers._lightgbm import is_lightgbm_booster
from .teachers._xgboost import is_xgboost_booster

__all__ = [
    "batch_throughput",
    "pickled_size",
    "quality_scores",
    "single_row_latency",
    "teacher_predict_function",
]

# Repeated timings stop early once they have used this many seconds, so a slow teacher on a
# large X costs one call, not n_repeats of them.
_TIME_BUDGET = 2.0


def pickled_size(obj):
    """Size of ``obj`` as ``len(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))``.

    The pickle is what a model costs to store and ship; it is a proxy for memory too, not
    an exact measure (NumPy arrays pickle at their buffer size, LightGBM and XGBoost models
    as their model text/bytes).
    """
    counter = _ByteCounter()  # counts the bytes without holding a copy of a large model
    pickle.dump(obj, counter, protocol=pickle.HIGHEST_PROTOCOL)
    return counter.n_bytes


class _ByteCounter:
    """A write-only file that only counts what is written to it."""

    def __init__(self):
        self.n_bytes = 0

    def write(self, data):
        self.n_bytes += memoryview(data).nbytes
        return memoryview(data).nbytes


def batch_throughput(predict, X, *, n_repeats=3):
    """Rows per second of ``predict(X)``, from its best time over at most ``n_repeats`` calls.

    The best (shortest) time, as ``timeit`` advises: a batch call is long enough that slower
    repeats come from other work on the machine, not from the model. Repeats stop once about
    2 seconds are spent (a slow call is measured once).

    Returns
    -------
    rows_per_second : float
    result : object
        What ``predict(X)`` returned.
    """
    times = []
    result = None
    for _ in range(max(1, n_repeats)):
        tic = time.perf_counter()
        result = predict(X)
        times.append(time.perf_counter() - tic)
        if sum(times) > _TIME_BUDGET:
            break
    return len(X) / max(float(np.min(times)), 1e-12), result


def single_row_latency(predict, X, *, n_repeats=100):
    """Median seconds of ``predict`` on one row, over at most ``n_repeats`` calls.

    Rows are sliced beforehand (slicing a DataFrame costs time of its own) and cycled through
    the first ``n_repeats`` rows of X; one warm-up call is not counted. Stops after about
    2 seconds once five calls are timed.
    """
    n_rows = min(len(X), max(1, n_repeats))
    rows = [take_rows(X, i, i + 1) for i in range(n_rows)]
    predict(rows[0])  # warm-up: lazy initialisation, caches
    times = []
    for i in range(max(1, n_repeats)):
        row = rows[i % n_rows]
        tic = time.perf_counter()
        predict(row)
        times.append(time.perf_counter() - tic)
        if len(times) >= 5 and sum(times) > _TIME_BUDGET:
            break
    return float(np.median(times))


def teacher_predict_function(teacher, task, *, classes=None, adapter=None):
    """A function ``X -> predictions`` using the teacher's own prediction method.

    Classification returns class probabilities with columns in the order of ``classes``;
    regression returns values. Scikit-learn-style models use ``predict_proba`` /
    ``predict``; a LightGBM ``Booster`` its ``predict``; an XGBoost ``Booster`` its
    ``inplace_predict``. Anything else (a callable teacher, a classifier with only
    ``decision_function``) goes through the skdistill teacher ``adapter``
    (:func:`~skdistill.teachers.as_teacher` when None): the softmax of its logits, or its
    regression outputs.
    """
    if task == "regression":
        if is_xgboost_booster(teacher):
            return teacher.inplace_predict
        if hasattr(teacher, "predict"):
            return teacher.predict
        return _adapter_function(teacher, task, adapter)

    if hasattr(teacher, "predict_proba"):
        method = teacher.predict_proba
        order = _column_order(getattr(teacher, "classes_", None), classes)
    elif is_lightgbm_booster(teacher):
        method, order = teacher.predict, None
    elif is_xgboost_booster(teacher):
        method, order = teacher.inplace_predict, None
    else:
        return _adapter_function(teacher, task, adapter)

    def predict_proba(X):
        P = np.asarray(method(X), dtype=np.float64)
        if P.ndim == 1:  # boosters give P(class 1) for binary objectives
            P = np.column_stack([1.0 - P, P])
        return P if order is None else P[:, order]

    return predict_proba


def _column_order(teacher_classes, classes):
    """Indices putting the teacher's probability columns in the order of ``classes``."""
    if teacher_classes is None or classes is None:
        return None
    teacher_classes = list(np.asarray(teacher_classes))
    try:
        order = [teacher_classes.index(c) for c in np.asarray(classes)]
    except ValueError:
        raise ValueError(
            f"the teacher's classes {teacher_classes[:10]} differ from the student's "
            f"{list(np.asarray(classes))[:10]}; report on a teacher and a student trained on "
            "the same labels."
        ) from None
    return None if order == list(range(len(teacher_classes))) else np.asarray(order)


def _adapter_function(teacher, task, adapter):
    if adapter is None:
        adapter = as_teacher(teacher, task=task)
    if task == "regression":
        return adapter.outputs
    return lambda X: softmax(np.asarray(adapter.outputs(X), dtype=np.float64), axis=1)


def quality_scores(y, outputs, *, classes=None):
    """Quality of ``outputs`` on the true targets ``y``.

    Classification (``classes`` given; ``outputs`` are probabilities with one column per
    class in that order): accuracy, log loss and ROC AUC (binary; macro one-vs-rest for
    multiclass; NaN when undefined, e.g. a class absent from y). Regression (``classes`` is
    None): RMSE and R².

    Returns
    -------
    scores : dict of str to float
    """
    if classes is None:
        return {
            "rmse": float(np.sqrt(mean_squared_error(y, outputs))),
            "r2": float(r2_score(y, outputs)),
        }
    classes = np.asarray(classes)
    y = np.asarray(y)
    labels = classes[np.argmax(outputs, axis=1)]
    scores = {"accuracy": float(accuracy_score(y, labels))}
    scores["log_loss"] = float(log_loss(y, outputs, labels=classes))
    try:
        if len(classes) == 2:
            auc = roc_auc_score(y == classes[1], outputs[:, 1])
        else:
            auc = roc_auc_score(y, outputs, multi_class="ovr", average="macro", labels=classes)
        scores["roc_auc"] = float(auc)
    except ValueError:  # a class absent from y: AUC is undefined
        scores["roc_auc"] = float("nan")
    return scores

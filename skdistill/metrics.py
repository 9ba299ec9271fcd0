"""How well, how small and how fast a distilled student is, next to its teacher.

- :func:`fidelity_score` compares two prediction vectors: agreement rate of class labels, or
  R² of the student's predictions against the teacher's for regression.
- :func:`fidelity_scorer` is a scorer for ``GridSearchCV(scoring=...)`` that needs no labels:
  it compares a fitted distiller with its own teacher on the rows it is given.
- :func:`distillation_report` measures teacher and student side by side (quality on true
  labels, fidelity, pickled size, batch throughput, single-row latency) and returns a
  :class:`DistillationReport` whose ``str`` is a readable table.

The timing and size harness behind the report is :mod:`skdistill.measure`.
"""

from dataclasses import asdict, dataclass, field

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils.multiclass import type_of_target

from .measure import (
    batch_throughput,
    pickled_size,
    quality_scores,
    single_row_latency,
    teacher_predict_function,
)

__all__ = [
    "DistillationReport",
    "distillation_report",
    "fidelity_score",
    "fidelity_scorer",
]

_TASKS = ("classification", "regression")


def _infer_task(y_teacher):
    kind = type_of_target(y_teacher)
    return "regression" if kind.startswith("continuous") else "classification"


def fidelity_score(y_teacher, y_student, *, task=None, sample_weight=None):
    """How closely a student's predictions follow its teacher's.

    Classification: the fraction of rows where the two predicted labels agree (the teacher's
    labels play the role of ``y_true`` in an accuracy). Regression: the coefficient of
    determination R² of the student's predictions against the teacher's, so 1.0 means
    identical predictions and 0.0 means no better than the mean teacher prediction.

    Parameters
    ----------
    y_teacher : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The teacher's predictions (labels or regression values).
    y_student : array-like of the same shape
        The student's predictions.
    task : {"classification", "regression"} or None, default=None
        None infers it from ``y_teacher`` with
        :func:`sklearn.utils.multiclass.type_of_target`: continuous float values mean
        regression, anything else (strings, integers, floats that are all whole numbers)
        means classification. Pass ``task="regression"`` for a regressor whose predictions
        happen to be whole numbers.
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    score : float
        Agreement rate in [0, 1], or R² (at most 1) for regression.

    See Also
    --------
    fidelity_scorer : the same comparison as a scorer for model selection without labels.

    Examples
    --------
    >>> from skdistill.metrics import fidelity_score
    >>> fidelity_score(["a", "b", "b", "a"], ["a", "b", "a", "a"])
    0.75
    >>> round(fidelity_score([1.0, 2.5, 4.0], [1.1, 2.4, 4.0]), 3)
    0.996
    """
    y_teacher = np.asarray(y_teacher)
    y_student = np.asarray(y_student)
    if y_teacher.shape != y_student.shape:
        raise ValueError(
            f"y_teacher has shape {y_teacher.shape} but y_student has shape "
            f"{y_student.shape}; pass the two models' predictions on the same rows."
        )
    if len(y_teacher) == 0:
        raise ValueError("fidelity_score needs at least one row; got empty predictions.")
    if task is None:
        task = _infer_task(y_teacher)
    if task not in _TASKS:
        raise ValueError(f"task must be 'classification', 'regression' or None; got {task!r}.")
    if task == "classification":
        return float(accuracy_score(y_teacher, y_student, sample_weight=sample_weight))
    return float(r2_score(y_teacher, y_student, sample_weight=sample_weight))


def fidelity_scorer(estimator, X, y=None):
    """Scorer: fidelity of a fitted distiller to its own teacher on ``X`` (labels unused).

    Usable as ``GridSearchCV(model, grid, scoring=fidelity_scorer)`` or in
    ``cross_val_score``, to select e.g. the temperature or the sampler by agreement with the
    teacher when no true labels are available. The teacher's predictions come from
    ``estimator.teacher_adapter_.outputs(X)``: for classification the class of the largest
    logit (``estimator.classes_[argmax]``), for regression the values; the student's from
    ``estimator.predict(X)``. Greater is better.

    Parameters
    ----------
    estimator : DistilledClassifier or DistilledRegressor
        A fitted distiller (anything with ``teacher_adapter_`` and ``predict``).
    X : array-like or DataFrame of shape (n_samples, n_features)
    y : ignored
        Accepted for the scorer signature; fidelity needs no labels.

    Returns
    -------
    score : float
        See :func:`fidelity_score`.

    Examples
    --------
    >>> from lightgbm import LGBMClassifier
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.model_selection import cross_val_score
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.metrics import fidelity_scorer
    >>> from skdistill.students import SoftTreeClassifier
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> teacher = LGBMClassifier(n_estimators=30, verbose=-1).fit(X, y)
    >>> model = DistilledClassifier(teacher, student=SoftTreeClassifier(max_depth=4),
    ...                             n_samples=2.0, random_state=0)
    >>> scores = cross_val_score(model, X, scoring=fidelity_scorer, cv=3)
    >>> bool(scores.min() > 0.7)
    True
    """
    adapter = getattr(estimator, "teacher_adapter_", None)
    if adapter is None:
        raise TypeError(
            f"fidelity_scorer needs a fitted distiller with a teacher_adapter_ attribute; got "
            f"{type(estimator).__name__}. Use it with DistilledClassifier/DistilledRegressor, "
            "or compare predictions yourself with fidelity_score."
        )
    outputs = np.asarray(adapter.outputs(X))
    classification = is_classifier(estimator) or (
        not is_regressor(estimator) and hasattr(estimator, "classes_")
    )
    if classification:
        y_teacher = np.asarray(estimator.classes_)[np.argmax(outputs, axis=1)]
        return fidelity_score(y_teacher, estimator.predict(X), task="classification")
    if outputs.ndim == 2 and outputs.shape[1] == 1:
        outputs = outputs[:, 0]
    return fidelity_score(outputs, np.asarray(estimator.predict(X)), task="regression")


# --------------------------------------------------------------------------------------------
# the report


@dataclass
class DistillationReport:
    """Teacher vs student, measured on one data set by :func:`distillation_report`.

    Attributes
    ----------
    task : str
        "classification" or "regression".
    n_samples : int
        Rows measured on.
    teacher_name, student_name : str
        Class names of the two models.
    teacher_scores, student_scores : dict
        Quality on the true labels: ``accuracy``, ``log_loss``, ``roc_auc`` for
        classification (``log_loss`` and ``roc_auc`` NaN for a model without
        ``predict_proba``); ``rmse`` and ``r2`` for regression.
    fidelity : float
        :func:`fidelity_score` of the student's predictions against the teacher's.
    teacher_size_bytes, student_size_bytes : int
        Length of the pickled model (``len(pickle.dumps(model))``).
    teacher_throughput, student_throughput : float
        Rows per second when predicting all of X in one call (best of the repeats).
    teacher_latency, student_latency : float
        Median seconds to predict a single row.
    extra : dict
        Free-form additions (e.g. the fit times of a distiller).

    Examples
    --------
    >>> from skdistill.metrics import DistillationReport
    >>> r = DistillationReport("regression", 100, "LGBMRegressor", "Ridge",
    ...                        {"rmse": 0.5, "r2": 0.8}, {"rmse": 0.6, "r2": 0.7}, 0.9,
    ...                        200_000, 1_000, 1e5, 1e7, 1e-3, 1e-5)
    >>> r.size_reduction, r.batch_speedup, r.latency_speedup
    (200.0, 100.0, 100.0)
    """

    task: str
    n_samples: int
    teacher_name: str
    student_name: str
    teacher_scores: dict
    student_scores: dict
    fidelity: float
    teacher_size_bytes: int
    student_size_bytes: int
    teacher_throughput: float
    student_throughput: float
    teacher_latency: float
    student_latency: float
    extra: dict = field(default_factory=dict)

    @property
    def size_reduction(self):
        """Teacher size / student size (how many times smaller the student is)."""
        return self.teacher_size_bytes / self.student_size_bytes

    @property
    def batch_speedup(self):
        """Student throughput / teacher throughput."""
        return self.student_throughput / self.teacher_throughput

    @property
    def latency_speedup(self):
        """Teacher single-row latency / student single-row latency."""
        return self.teacher_latency / self.student_latency

    def as_dict(self):
        """All fields and the three ratios as a plain (JSON-serialisable) dict."""
        d = asdict(self)
        d.update(
            size_reduction=self.size_reduction,
            batch_speedup=self.batch_speedup,
            latency_speedup=self.latency_speedup,
        )
        return d

    def __str__(self):
        names = {
            "accuracy": "accuracy",
            "log_loss": "log loss",
            "roc_auc": "ROC AUC",
            "rmse": "RMSE",
            "r2": "R²",
        }
        rows = [("", "teacher", "student", "student vs teacher")]
        rows.append(("model", self.teacher_name, self.student_name, ""))
        for key, label in names.items():
            if key in self.teacher_scores:
                t, s = self.teacher_scores[key], self.student_scores[key]
                rows.append((label, f"{t:.4f}", f"{s:.4f}", f"{s - t:+.4f}"))
        kind = "agreement" if self.task == "classification" else "R² vs teacher"
        rows.append((f"fidelity ({kind})", "", f"{self.fidelity:.4f}", ""))
        rows.append(
            (
                "size (pickled)",
                _format_bytes(self.teacher_size_bytes),
                _format_bytes(self.student_size_bytes),
                _format_ratio(self.size_reduction, "smaller", "larger"),
            )
        )
        rows.append(
            (
                "batch throughput",
                f"{self.teacher_throughput:,.0f} rows/s",
                f"{self.student_throughput:,.0f} rows/s",
                _format_ratio(self.batch_speedup, "faster", "slower"),
            )
        )
        rows.append(
            (
                "single-row latency",
                _format_seconds(self.teacher_latency),
                _format_seconds(self.student_latency),
                _format_ratio(self.latency_speedup, "faster", "slower"),
            )
        )
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = [f"distillation report ({self.task}, {self.n_samples:,} rows)"]
        for r in rows:
            lines.append(
                "  ".join(
                    [r[0].ljust(widths[0])]
                    + [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
                ).rstrip()
            )
        return "\n".join(lines)


def _format_ratio(ratio, better, worse):
    if ratio >= 1:
        return f"{ratio:,.1f}x {better}"
    return f"{1 / ratio:,.1f}x {worse}"


def _format_bytes(n):
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000


def _format_seconds(s):
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.1f} µs"


def _model_task(model):
    if is_regressor(model):
        return "regression"
    if is_classifier(model) or hasattr(model, "classes_"):
        return "classification"
    raise TypeError(
        f"cannot tell whether {type(model).__name__} is a classifier or a regressor; "
        "pass a fitted scikit-learn style classifier (with classes_) or regressor."
    )


def distillation_report(model, X, y, *, teacher=None, n_repeats=3, single_row_repeats=100):
    """Measure a distilled model next to its teacher on (X, y).

    Quality on the true labels (classification: accuracy, log loss, ROC AUC -- binary, or
    macro one-vs-rest for multiclass; regression: RMSE and R²), fidelity of the student to
    the teacher (:func:`fidelity_score`), pickled size, batch throughput on all of X and
    single-row latency.

    What is measured, exactly:

    - The student side is ``model`` as you call it (a distiller's ``predict_proba`` /
      ``predict``, including its input validation); its size is that of ``model.student_``
      when present (what you would deploy), else of ``model``.
    - The teacher side uses the teacher's own ``predict_proba`` / ``predict`` (a LightGBM
      ``Booster``'s ``predict``, an XGBoost ``Booster``'s ``inplace_predict``), not
      skdistill's adapter, except for teachers that have no such method.
    - Size is ``len(pickle.dumps(obj))`` at the highest protocol.
    - Throughput is ``len(X)`` divided by the shortest time of at most ``n_repeats`` calls
      on all of X; latency the median time of at most ``single_row_repeats`` one-row calls
      (after one warm-up call). Repeats stop early after about 2 s, so a slow teacher is
      timed fewer times. Timings use :func:`time.perf_counter` and depend on the machine
      and its load.

    Parameters
    ----------
    model : fitted estimator
        A fitted :class:`~skdistill.DistilledClassifier` / :class:`~skdistill.DistilledRegressor`,
        or any fitted classifier (with ``classes_``) or regressor when ``teacher`` is given.
    X : array-like or DataFrame of shape (n_samples, n_features)
        Held-out rows, as the teacher sees them.
    y : array-like of shape (n_samples,)
        True labels or targets of X.
    teacher : object, default=None
        The teacher to compare with; defaults to ``model.teacher_``.
    n_repeats : int, default=3
        Maximum timed calls on all of X, per model.
    single_row_repeats : int, default=100
        Maximum timed one-row calls, per model.

    Returns
    -------
    report : DistillationReport
        ``print(report)`` shows a table; ``report.as_dict()`` gives the numbers.

    Examples
    --------
    >>> from lightgbm import LGBMClassifier
    >>> from sklearn.datasets import make_classification
    >>> from skdistill import DistilledClassifier
    >>> from skdistill.metrics import distillation_report
    >>> from skdistill.students import SoftTreeClassifier
    >>> X, y = make_classification(n_samples=600, random_state=0)
    >>> teacher = LGBMClassifier(n_estimators=100, verbose=-1).fit(X[:400], y[:400])
    >>> model = DistilledClassifier(teacher, student=SoftTreeClassifier(max_depth=5),
    ...                             n_samples=2.0, random_state=0).fit(X[:400], y[:400])
    >>> report = distillation_report(model, X[400:], y[400:], single_row_repeats=10)
    >>> sorted(report.student_scores)
    ['accuracy', 'log_loss', 'roc_auc']
    >>> bool(report.size_reduction > 1)
    True
    """
    if teacher is None:
        if not hasattr(model, "teacher_"):
            raise TypeError(
                f"{type(model).__name__} has no teacher_ attribute; pass the teacher "
                "explicitly: distillation_report(model, X, y, teacher=...)."
            )
        teacher = model.teacher_
    if len(X) == 0:
        raise ValueError("distillation_report needs at least one row in X.")
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}; they must match.")
    task = _model_task(model)
    adapter = getattr(model, "teacher_adapter_", None)
    classes = getattr(model, "classes_", None)
    teacher_fn = teacher_predict_function(teacher, task, classes=classes, adapter=adapter)

    if task == "classification":
        has_proba = hasattr(model, "predict_proba")
        student_fn = model.predict_proba if has_proba else model.predict
    else:
        student_fn = model.predict

    teacher_throughput, teacher_out = batch_throughput(teacher_fn, X, n_repeats=n_repeats)
    student_throughput, student_out = batch_throughput(student_fn, X, n_repeats=n_repeats)
    teacher_latency = single_row_latency(teacher_fn, X, n_repeats=single_row_repeats)
    student_latency = single_row_latency(student_fn, X, n_repeats=single_row_repeats)

    if task == "classification":
        classes = np.asarray(classes)
        teacher_scores = quality_scores(y, teacher_out, classes=classes)
        teacher_labels = classes[np.argmax(teacher_out, axis=1)]
        if has_proba:
            student_scores = quality_scores(y, np.asarray(student_out), classes=classes)
            student_labels = classes[np.argmax(student_out, axis=1)]
        else:
            student_labels = np.asarray(student_out)
            student_scores = {
                "accuracy": float(accuracy_score(y, student_labels)),
                "log_loss": float("nan"),
                "roc_auc": float("nan"),
            }
        fidelity = fidelity_score(teacher_labels, student_labels, task=task)
    else:
        teacher_out = np.asarray(teacher_out, dtype=np.float64)
        student_out = np.asarray(student_out, dtype=np.float64)
        teacher_scores = quality_scores(y, teacher_out)
        student_scores = quality_scores(y, student_out)
        fidelity = fidelity_score(teacher_out, student_out, task=task)

    student_obj = getattr(model, "student_", model)
    return DistillationReport(
        task=task,
        n_samples=len(X),
        teacher_name=type(teacher).__name__,
        student_name=type(student_obj).__name__,
        teacher_scores=teacher_scores,
        student_scores=student_scores,
        fidelity=fidelity,
        teacher_size_bytes=pickled_size(teacher),
        student_size_bytes=pickled_size(student_obj),
        teacher_throughput=teacher_throughput,
        student_throughput=student_throughput,
        teacher_latency=teacher_latency,
        student_latency=student_latency,
    )

"""Checks the distillers run before the costly work (labeling, training), and their errors.

Each function checks one thing and raises an error that says what is wrong and how to fix it;
the fit path calls them before it asks the teacher for a single output.
"""

import os
import warnings
from numbers import Integral

import numpy as np
from sklearn.base import clone

from ._tables import is_dataframe

_SHOWN_NAMES = 12


def _names_hint(names):
    if len(names) <= _SHOWN_NAMES:
        return repr(list(names))
    return "the teacher's feature names (e.g. list(teacher.feature_names_in_))"


def check_columns_match_teacher(X, adapter):
    """Raise a ValueError when a DataFrame's columns are not the teacher's, in its order.

    LightGBM reads columns by position, so reordered columns would give silently wrong
    outputs; every adapter that knows its teacher's fitted feature names is checked the same
    way. Arrays and DataFrames without string column names carry no names to check.
    """
    expected = adapter.feature_names_in_
    if expected is None or not is_dataframe(X):
        return
    columns = list(X.columns)
    if not all(isinstance(c, str) for c in columns):
        return
    expected = [str(name) for name in expected]
    given = [adapter.feature_name_of(c) for c in columns]
    if given == expected:
        return
    first = next(
        (i for i, (g, e) in enumerate(zip(given, expected, strict=False)) if g != e),
        min(len(given), len(expected)),
    )
    where = (
        f"column {first} of X is {columns[first]!r} where the teacher was fitted with "
        f"{expected[first]!r}"
        if first < min(len(given), len(expected))
        else f"X has {len(given)} columns and the teacher {len(expected)}"
    )
    if sorted(given) == sorted(expected):
        by_name = dict(zip(given, columns, strict=True))
        order = [by_name[name] for name in expected]
        raise ValueError(
            f"X has the teacher's feature names in another order: {where}. The teacher reads "
            "columns by position, so its outputs would be computed from the wrong features. "
            f"Reorder them as the teacher was fitted: X = X[{_names_hint(order)}]."
        )
    missing = [e for e in expected if e not in given]
    extra = [c for c, g in zip(columns, given, strict=True) if g not in expected]
    raise ValueError(
        f"X's feature names are not the teacher's: {where}"
        + (f"; missing {missing[:5]}" if missing else "")
        + (f"; not known to the teacher {extra[:5]}" if extra else "")
        + ". Give the distiller exactly the columns the teacher was fitted with, in the same "
        f"order: X = X[{_names_hint(expected)}]."
    )


def warn_if_alpha_unused(alpha, *, has_y, include_original, depth=0):
    """Warn when an explicit ``alpha > 0`` has no labelled real rows to act on; ``depth``
    is how many calls fewer than usual lie between the user's fit and this one."""
    if isinstance(alpha, str) or alpha == 0 or (has_y and include_original):
        return
    why = (
        "fit was called without y"
        if not has_y
        else "include_original=False leaves no real (labelled) rows in the transfer set"
    )
    warnings.warn(
        f"alpha={alpha} has no effect: {why}, so the student learns from the teacher alone. "
        "Pass y with include_original=True to use the labels, or leave alpha at its default.",
        UserWarning,
        stacklevel=7 - depth,  # the caller of fit (fit is wrapped by _fit_context)
    )


# -- memory ---------------------------------------------------------------------------------


def available_memory():
    """Bytes of memory available to this process now, or None when unknown.

    The smaller of the system's available memory (``MemAvailable`` of /proc/meminfo, else
    ``sysconf``) and what the cgroup (a container's limit) still allows.
    """
    candidates = []
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    candidates.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    if not candidates:
        try:
            candidates.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (AttributeError, ValueError, OSError):
            pass
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            limit = f.read().strip()
        with open("/sys/fs/cgroup/memory.current") as f:
            current = int(f.read().strip())
        if limit != "max":
            candidates.append(int(limit) - current)
    except (OSError, ValueError):
        pass
    return min(candidates) if candidates else None


def _bytes_per_row(X, n_outputs):
    if is_dataframe(X):
        # Shallow: pseudo rows share the string objects of the real rows.
        features = X.memory_usage(index=False, deep=False).sum() / max(len(X), 1)
    else:
        features = X.shape[1] * np.asarray(X[:0]).dtype.itemsize
    return float(features) + 8.0 * n_outputs  # the teacher's outputs are float64


def _size(n_bytes):
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n_bytes < 1024 or unit == "TB":
            return f"{n_bytes:,.0f} {unit}" if unit == "bytes" else f"{n_bytes:,.1f} {unit}"
        n_bytes /= 1024


def whole_set_bytes(X, n_rows, n_outputs):
    """Bytes of a transfer set of ``n_rows`` rows like X's, held whole (features and outputs)."""
    return n_rows * _bytes_per_row(X, n_outputs)


def check_memory(X, *, n_real, n_pseudo, n_outputs, available=None, per_row=None):
    """Raise a MemoryError before labeling when the transfer set cannot fit in memory.

    The estimate is the transfer set itself (rows x (features + teacher outputs)), at
    ``per_row`` bytes a row when given (a compact chunked store), else as X holds them;
    training needs more, so passing this check does not promise that the student fits.
    """
    available = available_memory() if available is None else available
    if available is None:
        return
    per_row = _bytes_per_row(X, n_outputs) if per_row is None else per_row
    n_rows = n_real + n_pseudo
    needed = n_rows * per_row
    if needed <= available:
        return
    fits = max(int(available / 2 / per_row) - n_real, 0)
    raise MemoryError(
        f"The transfer set would hold {n_rows:,} rows ({n_real:,} real + {n_pseudo:,} pseudo) "
        f"of about {_size(per_row)} each (features and teacher outputs): {_size(needed)}, but "
        f"only {_size(available)} of memory is available. Lower n_samples: n_samples={fits} "
        "pseudo rows would take about half of it (training needs room too), keep it on disk "
        "chunk by chunk with store='disk' (see docs/scaling.md), or distil from a sample of X."
    )


# -- a trial fit of the student ---------------------------------------------------------------

#: Rows of X (at least; 4 per class for many classes) in the student's trial fit.
DRY_RUN_ROWS = 50
# Parameters that bound a student's work: 1 is enough to see whether it accepts the input.
_WORK_PARAMS = ("max_iter", "n_estimators")


def dry_run_rows(X, sample_weight, n_rows):
    """Indices of ``n_rows`` rows spread over X (repeated when X is shorter), including the
    row of the smallest sample weight, which a student may refuse (a negative weight)."""
    rows = np.linspace(0, len(X) - 1, n_rows).round().astype(np.intp)
    if sample_weight is not None:
        rows[0] = np.argmin(sample_weight)
    return rows


def standin_outputs(n_rows, classes):
    """Teacher-shaped outputs: logits favouring each class in turn, or spread values."""
    if classes is None:
        return np.linspace(-1.0, 1.0, n_rows)
    return 2.0 * np.eye(len(classes))[np.arange(n_rows) % len(classes)]


def cheap_clone(student):
    """A silent clone of ``student`` that does the least work its parameters allow."""
    student = clone(student)
    params = student.get_params(deep=True)
    cheap = {}
    for key, value in params.items():
        name = key.rsplit("__", 1)[-1]
        if name in _WORK_PARAMS and isinstance(value, Integral) and value > 1:
            cheap[key] = 1
        elif name == "verbose" and value:
            cheap[key] = 0
        elif name == "random_state" and value is None:
            cheap[key] = 0
    return student.set_params(**cheap)


def dry_run_student(student, X, targets, sample_weight):
    """Fit ``student`` (a cheap clone, wrapped by ``as_student``) on a few rows of X.

    A student that refuses the input (string columns, a negative or unsupported
    ``sample_weight``, ...) then fails in milliseconds, before the teacher labels anything.
    Its error is raised unchanged, with a note saying where it came from.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after one epoch, and the like
        try:
            student.fit_soft(X, targets, sample_weight=sample_weight)
        except Exception as exc:
            if hasattr(exc, "add_note"):  # Python >= 3.11
                exc.add_note(
                    f"(Raised by a trial fit of the student on {len(X)} rows of X, before the "
                    "teacher labeled anything: the student refuses this input.)"
                )
            raise

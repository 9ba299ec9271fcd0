"""The one input-validation layer of skdistill: distillers, students and samplers all use it.

It checks the container (dense, 2-D, at least one row), the number and names of the features
against those seen in ``fit``, and converts to numbers where the caller needs numbers.

Prediction takes a cheap path: scikit-learn's ``validate_data`` costs about 400 µs a call,
more than a small student's whole forward pass. The common cases are checked in a few
microseconds (a numeric 2-D ndarray with the fitted number of columns and no fitted names; a
DataFrame whose columns are the fitted names in order); anything else goes through
``validate_data``, which raises scikit-learn's usual errors (and warnings).
"""

import threading
from decimal import Decimal

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_array, validate_data

_NUMERIC_KINDS = "fiub"


def is_dataframe(X):
    """Whether X is a pandas (or pandas-like) DataFrame."""
    # Looked up on the class: pandas computes ``X.dtypes`` (~50 µs) on an instance lookup.
    cls = type(X)
    return hasattr(cls, "iloc") and hasattr(cls, "dtypes")


# The scalar types whose missing values are NaN or NaT (which never equal themselves).
_NAN_TYPES = (float, complex, np.inexact, np.datetime64, np.timedelta64, Decimal)


def is_missing(value):
    """``pandas.isna`` of one cell (None, NaN of any float, complex or Decimal type, NaT of
    numpy or pandas, pandas' NA), without its call overhead, for one-row paths and loops
    over object columns. ``deploy/_runtime.py`` holds a copy (it imports numpy alone)."""
    if value is None:
        return True
    if isinstance(value, _NAN_TYPES):
        return value != value
    return value.__class__.__name__ in ("NAType", "NaTType")


def check_fitted(estimator, attribute):
    """Raise scikit-learn's NotFittedError unless ``attribute`` is set (a dictionary look-up,
    where ``check_is_fitted`` scans every attribute)."""
    if attribute not in vars(estimator):
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with "
            "appropriate arguments before using this estimator."
        )


def check_dense_table(X):
    """X as a dense 2-D table (ndarray or DataFrame) with at least one row and one column."""
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):
        raise TypeError(
            "A dense table is needed; X is sparse. Convert it with X.toarray() (if it fits "
            "in memory), or use the distiller with sampler=None."
        )
    if not is_dataframe(X):
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(
                f"Expected a 2-D table of shape (n_samples, n_features), got an array with "
                f"shape {X.shape}. Reshape a single feature with X.reshape(-1, 1)."
            )
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X has shape {X.shape}; at least one row and one column are needed.")
    return X


# ---- numbers --------------------------------------------------------------------------------


def numeric_columns(X):
    """Positions of the numeric (and boolean) columns of a DataFrame."""
    import pandas as pd

    return [
        j
        for j, dtype in enumerate(X.dtypes)
        if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    ]


def numeric_values(X, columns=None):
    """The numeric columns of X as one float64 array (categorical columns left out).

    ``columns`` are the positions of the numeric columns when known (from ``fit``); a one-row
    DataFrame is then read cell by cell, which costs a few microseconds where pandas'
    conversions cost a hundred.
    """
    if not is_dataframe(X):
        return np.asarray(X, dtype=np.float64)
    if columns is None:
        columns = numeric_columns(X)
    if len(X) == 1:
        if _lent.frame is X and _lent.columns == columns:  # read by the distiller this call
            return _lent.values
        return np.array([[_number(X, j) for j in columns]], np.float64)
    return X.iloc[:, columns].to_numpy(dtype=np.float64, na_value=np.nan)


class _LentRow(threading.local):
    """The numeric cells of the one-row DataFrame a distiller is predicting, which it read
    for its own check and lends to its student for the length of the call: reading a cell
    costs about a microsecond, and a student would read them all again."""

    frame = columns = values = None


_lent = _LentRow()


def predict_lending_row(method, X, columns, values):
    """``method(X)``, with ``values`` (the numeric cells ``columns`` of the one-row
    DataFrame ``X``, read only) lent to :func:`numeric_values` during the call."""
    if len(values) != 1 or not is_dataframe(X):
        return method(X)
    values.flags.writeable = False  # shared: a student must not change it in place
    _lent.frame, _lent.columns, _lent.values = X, columns, values
    try:
        return method(X)
    finally:  # the frame may change before the next call
        _lent.frame = _lent.columns = _lent.values = None


def column_array(X, j):
    """Column ``j`` of a DataFrame as its array (ndarray or pandas extension array).

    Through ``DataFrame._get_column_array``, pandas' own accessor behind ``.iat`` (about a
    microsecond; the public ``X.iloc[:, j]`` builds a Series and costs twenty), when this
    pandas has it.
    """
    get = getattr(X, "_get_column_array", None)
    return X.iloc[:, j].array if get is None else get(j)


# The last Index read by column_names and its names. An Index is immutable and the reference
# held here keeps its identity unique, so the same Index (one predict checks a frame's columns
# up to three times: distiller, student, encoder) is read once.
_last_columns = (None, None)


def column_names(X):
    """The column names of a DataFrame as a tuple, cheaply.

    pandas 3 keeps string names in Arrow, where iterating the Index boxes every name
    (~50 µs for 14 columns); Arrow's own conversion takes a few microseconds.
    """
    global _last_columns
    columns = X.columns
    last, names = _last_columns
    if columns is last:
        return names
    # Only string names take the Arrow path: a MultiIndex has no single array, and Arrow
    # would turn interval names into dicts.
    arrow_strings = type(columns.dtype).__name__ in ("StringDtype", "ArrowDtype")
    values = columns.array if arrow_strings and columns.nlevels == 1 else None
    if hasattr(values, "__arrow_array__"):
        names = tuple(values.__arrow_array__().to_pylist())
    else:
        names = tuple(columns.tolist())
    _last_columns = (columns, names)
    return names


def _number(X, j):
    """The cell of column ``j`` of a one-row DataFrame as a number (pandas' NA and None are
    NaN)."""
    value = column_array(X, j)[0]
    if value is None or value.__class__.__name__ == "NAType":
        return np.nan
    if isinstance(value, str):
        raise ValueError(
            f"Column {X.columns[j]!r} holds the string {value!r}, but it was numeric in fit. "
            "Pass the column with the dtype it had in fit."
        )
    return value


def check_finite(values, *, allow_nan, nan_hint):
    """Raise a ValueError naming the problem when ``values`` (floats) hold infinity, or NaN
    where it is not allowed."""
    # The ufunc's reduce directly: ndarray.all adds a Python wrapper to a one-row check.
    if values.dtype.kind != "f" or np.logical_and.reduce(np.isfinite(values), axis=None):
        return
    if np.isinf(values).any():
        raise ValueError(
            "X contains infinity. Replace infinite values (for example with NaN, if the teacher "
            "and the student handle missing values, or with a large finite number)."
        )
    if not allow_nan:
        raise ValueError(f"X contains NaN. {nan_hint}")


def frame_to_float(X):
    """A DataFrame of numeric columns as a float64 array; pandas' NA becomes NaN."""
    if len(X) == 1:  # a list, as a distiller's numeric columns: its cells may be lent
        return numeric_values(X, list(range(X.shape[1])))
    return X.to_numpy(dtype=np.float64, na_value=np.nan)


# ---- the table against the fitted estimator -------------------------------------------------


def _names_key(estimator):
    """The fitted feature names as a tuple (cached by ``check_table`` in fit: comparing
    tuples costs about a microsecond), or None when fitted without names."""
    attributes = vars(estimator)
    if "_feature_names_key" in attributes:
        return attributes["_feature_names_key"]
    names = attributes.get("feature_names_in_")
    return None if names is None else tuple(names)


def has_fitted_columns(estimator, X):
    """Whether X is a DataFrame with exactly the fitted column names, in order."""
    names = _names_key(estimator)
    return names is not None and is_dataframe(X) and column_names(X) == names


def remember_columns(estimator):
    """Cache the fitted feature names for the cheap check (``check_table`` does it in fit)."""
    names = vars(estimator).get("feature_names_in_")
    estimator._feature_names_key = None if names is None else tuple(names)


def _fast_check(estimator, X):
    """X checked against the fitted estimator in a few microseconds, or None when the input
    is anything but the common case (the full check then decides, and explains)."""
    names = _names_key(estimator)
    if type(X) is np.ndarray:
        if (
            names is None
            and X.ndim == 2
            and X.shape[0] >= 1
            and X.shape[1] == estimator.n_features_in_
            and X.dtype.kind in _NUMERIC_KINDS
        ):
            return X
        return None
    if names is not None and is_dataframe(X) and len(X) >= 1 and column_names(X) == names:
        return X
    return None


def check_table(estimator, X, *, reset, keep_dtype=False):
    """Validate ``X`` once and set (``reset=True``) or check ``n_features_in_`` and
    ``feature_names_in_`` of ``estimator``.

    A DataFrame stays a DataFrame (its categorical and string columns reach the encoders);
    anything else becomes a 2-D numeric ndarray, float64 unless ``keep_dtype`` (NaN and
    infinity are left for :func:`check_finite`, whose rules depend on the caller).

    Parameters
    ----------
    estimator : estimator
        Fitted (``reset=False``) or being fitted (``reset=True``).
    X : array-like or DataFrame
    reset : bool
        Whether this is ``fit`` (remember the features) or a later call (check them).
    keep_dtype : bool, default=False
        Keep a numeric array's dtype (the distillers hand X to the teacher as given).

    Returns
    -------
    X : ndarray or DataFrame
    """
    checked = None if reset else _fast_check(estimator, X)
    if checked is None:
        if is_dataframe(X):
            validate_data(estimator, X, reset=reset, skip_check_array=True)
            if len(X) == 0:
                raise ValueError("X is empty (0 rows); fit and predict need at least one row.")
            checked = X
        else:
            checked = check_array(X, ensure_all_finite=False, ensure_min_samples=1)
            validate_data(estimator, checked, reset=reset, skip_check_array=True)
        if reset:
            remember_columns(estimator)
    if keep_dtype or not isinstance(checked, np.ndarray) or checked.dtype == np.float64:
        return checked
    return checked.astype(np.float64)

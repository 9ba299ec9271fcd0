"""Encoding inside the students, so they take the same raw table as the teacher.

Categorical columns (pandas category / object / string) and missing values are handled here, as
suits each kind of model: dense models (MLP, linear) get mean imputation with a missing
indicator, standard scaling and one-hot categories (the MLP also clips numbers to their training
range); trees get ordinal categories and keep NaN (scikit-learn trees route missing values);
GBMs get ordinal categories marked as categorical with NaN kept for LightGBM's native handling.
"""

import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import (
    _check_feature_names_in,
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from .._validation import (
    check_finite,
    check_fitted,
    check_table,
    column_array,
    column_names,
    frame_to_float,
    is_dataframe,
    is_missing,
    numeric_values,
)


def categorical_columns(X):
    """Names of the non-numeric columns of a DataFrame; ``[]`` for arrays."""
    if not hasattr(X, "dtypes"):
        return []
    import pandas as pd

    return [
        col
        for col, dtype in X.dtypes.items()
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype))
    ]


class NumericTableEncoder(TransformerMixin, BaseEstimator):
    """The student encoding of an all-numeric table, in plain numpy.

    With ``scale=True`` (dense students): values are clipped to the range seen in ``fit`` when
    ``clip=True`` (a network extrapolates wildly: one California housing test row with 65
    times the largest training occupancy put an MLP's prediction off by 65), missing values
    are replaced by the column mean, a missing indicator is appended for each column that had
    missing values in ``fit``, and everything is standardised. With ``scale=False`` (trees,
    GBMs) values pass through as floats, NaN kept. It is plain numpy because a
    ColumnTransformer costs about a millisecond a call, which would dominate a student's
    single-row latency.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.students._preprocess import NumericTableEncoder
    >>> X = np.array([[1.0, np.nan], [3.0, 4.0], [5.0, 8.0]])
    >>> NumericTableEncoder().fit_transform(X).round(2)
    array([[-1.22,  0.  ,  1.41],
           [ 0.  , -1.22, -0.71],
           [ 1.22,  1.22, -0.71]])
    """

    def __init__(self, scale=True, clip=True):
        self.scale = scale
        self.clip = clip

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan")
        if self.scale:
            missing = np.isnan(X)
            self.missing_columns_ = np.flatnonzero(missing.any(axis=0))
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
                self.fill_ = np.nan_to_num(np.nanmean(X, axis=0))
                # A column never seen (all NaN) is not clipped at all.
                self.data_min_ = np.nan_to_num(np.nanmin(X, axis=0), nan=-np.inf)
                self.data_max_ = np.nan_to_num(np.nanmax(X, axis=0), nan=np.inf)
            Z = self._impute(X, missing)
            self.mean_ = Z.mean(axis=0)
            scale = Z.std(axis=0)
            self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    def _impute(self, X, missing):
        # np.maximum / np.minimum keep NaN, which np.where then fills (np.clip does the same
        # behind a Python wrapper that costs more than the clipping of one row).
        if self.clip:
            X = np.minimum(np.maximum(X, self.data_min_), self.data_max_)
        filled = np.where(missing, self.fill_, X)
        if not len(self.missing_columns_):
            return filled
        return np.hstack([filled, missing[:, self.missing_columns_]])

    def transform(self, X):
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=False)
        return self._encode(X)

    def _encode(self, X):
        """``transform`` of input already checked (a float array, or a numeric DataFrame with
        the fitted columns)."""
        if is_dataframe(X):  # an array was checked by check_student_X; a frame's cells not yet
            X = frame_to_float(X)
            check_finite(X, allow_nan=True, nan_hint="")
        if not self.scale:
            return X
        Z = self._impute(X, np.isnan(X))  # a new array: scaled in place
        Z -= self.mean_
        Z /= self.scale_
        return Z

    def get_feature_names_out(self, input_features=None):
        names = _check_feature_names_in(self, input_features)
        if not self.scale:
            return names
        indicators = [f"missingindicator_{name}" for name in names[self.missing_columns_]]
        return np.concatenate([names, np.asarray(indicators, dtype=object)])


def _sorted_categories(values):
    """Distinct non-missing values, sorted when they can be (first-seen order otherwise)."""
    import pandas as pd

    seen = pd.unique(values[~pd.isna(values)])
    try:
        return np.asarray(sorted(seen), dtype=object)
    except TypeError:  # mixed types cannot be sorted
        return np.asarray(seen, dtype=object)


class FrameEncoder(TransformerMixin, BaseEstimator):
    """The student encoding of a DataFrame with categorical columns, in plain numpy.

    Numeric columns go through :class:`NumericTableEncoder` (scaled or passed through);
    categorical columns (category, object, string) become, with ``one_hot=True`` (dense
    students), one indicator per category seen in ``fit`` plus one for "missing" when values
    were missing in ``fit`` (an unseen category gives all zeros), and otherwise (trees, GBMs)
    their ordinal code among the sorted categories, NaN for missing or unseen values. The same
    encoding as a ColumnTransformer of scikit-learn's OneHotEncoder / OrdinalEncoder, at a
    small fraction of its per-call cost: a student's single-row latency on a table with eight
    categorical columns (adult) drops from milliseconds to well under one.

    Parameters
    ----------
    numeric, categorical : list of str
        The column names of each kind.
    scale, clip : bool
        Passed to :class:`NumericTableEncoder`.
    one_hot : bool
        One-hot (True) or ordinal (False) categories.

    Attributes
    ----------
    categories_ : list of ndarray
        The categories of each categorical column, in code order.

    Examples
    --------
    >>> import pandas as pd
    >>> from skdistill.students._preprocess import FrameEncoder
    >>> X = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["b", "a", None]})
    >>> FrameEncoder(["x"], ["c"], scale=False, one_hot=False).fit_transform(X)
    array([[ 1.,  1.],
           [ 2.,  0.],
           [ 3., nan]])
    """

    def __init__(self, numeric, categorical, *, scale=True, clip=True, one_hot=True):
        self.numeric = numeric
        self.categorical = categorical
        self.scale = scale
        self.clip = clip
        self.one_hot = one_hot

    def _numeric_block(self, X):
        # Column by column: selecting a sub-frame costs more than the whole encoding.
        columns = [X[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in self.numeric]
        return np.column_stack(columns) if columns else np.empty((len(X), 0))

    def fit(self, X, y=None):
        import pandas as pd

        self.numeric_encoder_ = None
        if self.numeric:  # a table may be all categorical
            self.numeric_encoder_ = NumericTableEncoder(scale=self.scale, clip=self.clip)
            self.numeric_encoder_.fit(self._numeric_block(X))
        self.categories_, self.has_missing_, dtypes = [], [], []
        for name in self.categorical:
            column = X[name]
            values = column.to_numpy(dtype=object)
            self.categories_.append(_sorted_categories(values))
            self.has_missing_.append(bool(pd.isna(values).any()))
            # A pandas categorical column keeps its dtype at predict time: map its codes once.
            dtype = column.dtype if isinstance(column.dtype, pd.CategoricalDtype) else None
            dtypes.append(dtype)
        self._build_lookups(dtypes)
        self.n_features_in_ = X.shape[1]
        self._plan_rows(list(X.columns))
        return self

    def _plan_rows(self, columns):
        """Where each input column and each output block sits, for the one-row path."""
        self._columns = tuple(columns)
        self._numeric_at = [columns.index(c) for c in self.numeric]
        self._categorical_at = [columns.index(c) for c in self.categorical]
        width = len(self.numeric)
        if self.numeric_encoder_ is not None and self.scale:
            width += len(self.numeric_encoder_.missing_columns_)
        self._offsets = []
        for categories, missing in zip(self.categories_, self.has_missing_, strict=True):
            self._offsets.append(width)
            width += len(categories) + missing if self.one_hot else 1
        self._n_outputs = width

    def _build_lookups(self, dtypes):
        """The per-column lookups of ``categories_`` (pandas objects, rebuilt after loading)."""
        import pandas as pd

        self._lookups, self._indexes, self._dtype_codes = [], [], []
        # Columns whose categories are all strings: numbers there are an error, not unseen.
        self._string_categories = [
            len(c) > 0 and all(isinstance(v, str) for v in c) for c in self.categories_
        ]
        for categories, dtype in zip(self.categories_, dtypes, strict=True):
            self._indexes.append(pd.Index(categories))
            self._lookups.append({c: i for i, c in enumerate(categories)})
            codes = None if dtype is None else self._indexes[-1].get_indexer(dtype.categories)
            self._dtype_codes.append((dtype, codes))
        # The code map of the categorical dtype last seen at predict time, per column.
        self._seen_dtype_codes = list(self._dtype_codes)

    def _category_codes(self, j, dtype):
        """Our codes (-1: unseen) of the categories of a pandas categorical ``dtype``, by
        position. Kept for the dtype object last seen: mapping categories costs ~20 µs,
        more than encoding a whole row."""
        seen, codes = self._seen_dtype_codes[j]
        if dtype is not seen:
            if len(dtype.categories) and dtype.categories.dtype.kind in "iufcb":
                self._refuse_numbers(j, dtype.categories.dtype)
            codes = self._indexes[j].get_indexer(dtype.categories)
            self._seen_dtype_codes[j] = (dtype, codes)
        return codes

    def __getstate__(self):
        # skops stores no pandas objects: keep the fitted dtypes as plain lists, rebuild the
        # lookups on load.
        state = dict(super().__getstate__())  # object's is the live __dict__
        state.pop("_seen_dtype_codes", None)
        caches = state.pop("_lookups", None), state.pop("_indexes", None)
        dtype_codes = state.pop("_dtype_codes", None)
        if caches[0] is not None:
            state["_dtypes"] = [
                None if d is None else (list(d.categories), bool(d.ordered)) for d, _ in dtype_codes
            ]
        return state

    def __setstate__(self, state):
        import pandas as pd

        dtypes = state.pop("_dtypes", None)
        super().__setstate__(state)
        if dtypes is not None:
            self._build_lookups(
                [None if d is None else pd.CategoricalDtype(d[0], ordered=d[1]) for d in dtypes]
            )

    def _refuse_numbers(self, j, dtype):
        """Numbers (of ``dtype``) where fit saw string categories: codes, say, which would all
        read as unseen categories. A clear error instead of that silent answer. (The numpy
        predictor, which imports numpy alone, has its own copy.)"""
        if self._string_categories[j]:
            name = self.categorical[j]
            raise ValueError(
                f"Column {name!r} held strings in fit (categories {list(self.categories_[j][:3])}) "
                f"and now holds numbers ({dtype}): numbers, integer codes among them, are not "
                "its categories. Pass the column as in fit (its strings, or a pandas "
                "Categorical of them)."
            )

    def _codes(self, j, column):
        """Codes of one column among ``categories_[j]`` (-1: missing or unseen), and the
        missing mask."""
        import pandas as pd

        if isinstance(column.dtype, pd.CategoricalDtype):
            raw = column.cat.codes.to_numpy()
            # A trailing -1 makes raw code -1 (missing) map to -1, with no out-of-bounds
            # index on a column whose dtype has no categories at all.
            codes = np.append(self._category_codes(j, column.dtype), -1)
            return codes[raw], raw < 0
        values = column.to_numpy(dtype=object)
        missing = pd.isna(values)
        if column.dtype.kind in "iufcb" and not missing.all():
            self._refuse_numbers(j, column.dtype)
        if len(values) <= 32:  # a dict beats pandas' per-call overhead on a few rows
            lookup = self._lookups[j]
            codes = np.array([lookup.get(v, -1) for v in values], dtype=np.intp)
            return np.where(missing, -1, codes), missing
        return self._indexes[j].get_indexer(values), missing

    def transform(self, X):
        check_is_fitted(self)
        return self._encode(X)

    def _encode(self, X):
        """``transform`` of a DataFrame already checked."""
        if len(X) == 1 and column_names(X) == self._columns:
            return self._encode_row(X)
        n = len(X)
        blocks = [np.empty((n, 0))]
        if self.numeric_encoder_ is not None:
            blocks[0] = self.numeric_encoder_.transform(self._numeric_block(X))
        for j, name in enumerate(self.categorical):
            codes, missing = self._codes(j, X[name])
            if not self.one_hot:
                blocks.append(np.where(codes >= 0, codes, np.nan)[:, None])
                continue
            width = len(self.categories_[j]) + self.has_missing_[j]
            block = np.zeros((n, width))
            seen = np.flatnonzero(codes >= 0)
            block[seen, codes[seen]] = 1.0
            if self.has_missing_[j]:
                block[:, -1] = missing
            blocks.append(block)
        return np.hstack(blocks)

    def _encode_row(self, X):
        """One row, read cell by cell from the column arrays: pandas' column access costs
        ~20 µs a column, a cell ~1 µs, and a row of the adult table has 14 columns."""
        import pandas as pd

        row = np.zeros((1, self._n_outputs))
        if self.numeric_encoder_ is not None:
            numbers = numeric_values(X, self._numeric_at)
            check_finite(numbers, allow_nan=True, nan_hint="")  # (many rows: in transform)
            numbers = self.numeric_encoder_._encode(numbers)
            row[:, : numbers.shape[1]] = numbers
        for j, at in enumerate(self._categorical_at):
            values = column_array(X, at)
            if isinstance(values.dtype, pd.CategoricalDtype):
                # Its code, not its value: boxing a category (an Arrow string under
                # pandas 3) costs ~20 µs.
                raw = values.codes[0]
                missing = raw < 0
                code = -1 if missing else self._category_codes(j, values.dtype)[raw]
            else:
                value = values[0]
                missing = is_missing(value)
                if not missing and values.dtype.kind in "iufcb":
                    self._refuse_numbers(j, values.dtype)
                code = -1 if missing else self._lookups[j].get(value, -1)
            offset = self._offsets[j]
            if not self.one_hot:
                row[0, offset] = code if code >= 0 else np.nan
                continue
            if code >= 0:
                row[0, offset + code] = 1.0
            if missing and self.has_missing_[j]:
                row[0, offset + len(self.categories_[j])] = 1.0
        return row

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        names = []
        if self.numeric_encoder_ is not None:
            names += list(self.numeric_encoder_.get_feature_names_out(np.asarray(self.numeric)))
        for name, categories, missing in zip(
            self.categorical, self.categories_, self.has_missing_, strict=True
        ):
            if not self.one_hot:
                names.append(str(name))
                continue
            names += [f"{name}_{c}" for c in categories] + ([f"{name}_nan"] if missing else [])
        return np.asarray(names, dtype=object)


def make_student_preprocessor(X, kind):
    """An unfitted transformer for ``X`` and a student of ``kind``.

    Parameters
    ----------
    X : array-like or DataFrame
        The training table, used only to find its categorical columns.
    kind : {"dense", "linear", "tree", "gbm"}
        "dense" (the MLP) and "linear" scale, impute and one-hot encode; "dense" also clips
        numeric inputs to their training range, which a linear model does not need.

    Returns
    -------
    transformer : NumericTableEncoder or FrameEncoder
        Outputs a dense float matrix; numeric columns first, then categorical ones.
    n_numeric_outputs : int or None
        For ``kind="gbm"``/``"tree"``: the categorical columns are the outputs from this index
        on. None for ``"dense"`` and ``"linear"``.
    """
    if kind not in ("dense", "linear", "tree", "gbm"):
        raise ValueError(f"kind must be 'dense', 'linear', 'tree' or 'gbm', got {kind!r}.")
    scaled = kind in ("dense", "linear")
    numeric_encoder = NumericTableEncoder(scale=scaled, clip=kind == "dense")
    categorical = categorical_columns(X)
    if not categorical:
        return numeric_encoder, (None if scaled else np.shape(X)[1])
    if hasattr(X, "columns"):
        numeric = [col for col in X.columns if col not in set(categorical)]
    else:
        numeric = list(range(np.shape(X)[1]))
    transformer = FrameEncoder(
        numeric, categorical, scale=scaled, clip=kind == "dense", one_hot=scaled
    )
    return transformer, (None if scaled else len(numeric))


def _with_nan_for_missing(X):
    """X with pandas' nullable columns (``Int64``, ``Float64``, ``boolean``, ``string``) made
    plain, ``pd.NA`` becoming NaN, which scikit-learn's encoders and LightGBM understand."""
    import pandas as pd

    nullable = [
        col
        for col, dtype in X.dtypes.items()
        if isinstance(dtype, pd.api.extensions.ExtensionDtype)
        and not isinstance(dtype, pd.CategoricalDtype)
        and dtype.na_value is pd.NA
    ]
    if not nullable:
        return X
    X = X.copy(deep=False)
    for col in nullable:
        values = X[col]
        if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
            X[col] = values.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            X[col] = values.astype(object).where(values.notna(), np.nan)
    return X


def check_student_X(estimator, X, *, reset):
    """Validate ``X`` and set or check ``n_features_in_`` / ``feature_names_in_``.

    DataFrames keep their columns (categories, strings, NaN) for the student's own
    preprocessor; anything else becomes a float64 2-D array where NaN (not infinity) is
    allowed. A student fitted on a DataFrame refuses an array, whose columns it cannot name.
    """
    if not reset and "feature_names_in_" in vars(estimator) and not is_dataframe(X):
        raise ValueError(
            f"{type(estimator).__name__} was fitted on a DataFrame with columns "
            f"{list(estimator.feature_names_in_)[:5]}...; pass a DataFrame with these columns "
            "(not an array), so each column reaches its encoder."
        )
    X = check_table(estimator, X, reset=reset)
    if not is_dataframe(X):
        check_finite(X, allow_nan=True, nan_hint="")
    elif reset:
        X = _with_nan_for_missing(X)
    return X


def fit_preprocessor(estimator, X, kind, n_rows=None):
    """Fit ``estimator.preprocessor_`` on ``X``; return the encoded matrix and the index
    where the categorical outputs start (None for ``kind="dense"``)."""
    X = check_student_X(estimator, X, reset=True)
    if n_rows is not None and len(X) != n_rows:
        raise ValueError(
            f"X has {len(X)} rows but the targets have {n_rows}; give one target row per row of X."
        )
    preprocessor, n_numeric = make_student_preprocessor(X, kind)
    # A global set_output(transform="pandas") must not turn the student's inputs into frames.
    preprocessor.set_output(transform="default")
    estimator.preprocessor_ = preprocessor
    Xt = np.asarray(preprocessor.fit_transform(X), dtype=np.float64)
    return Xt, n_numeric


def check_input(estimator, X):
    """``X`` checked against the fitted student, once: the public predict methods call this,
    then the student's ``_*_checked`` method (which the distillers call directly)."""
    check_fitted(estimator, "preprocessor_")
    return check_student_X(estimator, X, reset=False)


def encode(estimator, X):
    """Checked ``X`` encoded like the training rows (no validation, no set_output wrapper)."""
    return estimator.preprocessor_._encode(X)


def check_weights(sample_weight, X):
    """Validated weights (None stays None): non-negative, finite, one per row."""
    if sample_weight is None:
        return None
    weights = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
    # scikit-learn >= 1.8 says this itself; older versions let all-zero weights through.
    if len(weights) and not weights.any():
        raise ValueError(
            "Sample weights must contain at least one non-zero number; with all weights 0 no "
            "row would count."
        )
    return weights

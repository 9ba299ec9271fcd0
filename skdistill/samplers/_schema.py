"""The table schema every sampler shares: column kinds, inferred once, and the float encoding.

A sampler never sees the user's table directly. :func:`infer_schema` reads the table once and
records what each column is (continuous, integer, binary, member of a one-hot group,
categorical), its observed range, categories and missing-value rate. :meth:`TableSchema.encode`
turns the table into one float matrix (numeric columns standardised, categoricals as codes,
missing values imputed) on which the sampling algorithms work, and :meth:`TableSchema.decode`
turns generated rows back into a table that obeys the schema.
"""

import re
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np

from .._validation import is_dataframe as _is_dataframe
from .._validation import is_missing

KINDS = ("continuous", "integer", "binary", "categorical", "onehot")
# Kinds whose values are nominal: MUNGE swaps them whole, Mixup takes them from one parent.
NOMINAL_KINDS = ("binary", "categorical", "onehot")


@dataclass(repr=False, eq=False)
class TableSchema:
    """What each column of a table is, as the samplers see it.

    Built by :func:`infer_schema` (samplers build one in ``fit`` and keep it as ``schema_``).

    Attributes
    ----------
    names : list of str
        Column names (``"x0"``, ``"x1"``, ... for arrays).
    kinds : list of str
        One of ``"continuous"``, ``"integer"``, ``"binary"``, ``"categorical"`` or
        ``"onehot"`` per column.
    groups : list of ndarray of int
        Column indices of each one-hot group (every row has exactly one 1 in the group).
    group_names : list of str
        A name per one-hot group.
    low, high : ndarray of float
        Observed range of numeric columns (NaN for categorical ones).
    margin : float
        Generated continuous values may leave ``[low, high]`` by this fraction of the range.
    center, scale : ndarray of float
        Standardisation of continuous and integer columns in the encoded matrix.
    categories : dict of int -> ndarray
        Categories observed in each categorical column, in code order.
    missing_rate : ndarray of float
        Fraction of missing values per column; generated columns keep it.
    fill : ndarray of float
        Encoded value that stands in for a missing value while sampling (0 for numeric columns,
        the most frequent code or value for nominal ones).

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.samplers import infer_schema
    >>> X = np.array([[0.5, 1, 0, 1], [1.5, 2, 1, 0], [2.5, 3, 0, 1]])
    >>> schema = infer_schema(X)
    >>> schema.kinds
    ['continuous', 'integer', 'onehot', 'onehot']
    >>> schema.column_kinds
    {'x0': 'continuous', 'x1': 'integer', 'x2': 'onehot:x2', 'x3': 'onehot:x2'}
    """

    names: list
    kinds: list
    groups: list = field(default_factory=list)
    group_names: list = field(default_factory=list)
    low: np.ndarray = None
    high: np.ndarray = None
    margin: float = 0.0
    center: np.ndarray = None
    scale: np.ndarray = None
    categories: dict = field(default_factory=dict)
    missing_rate: np.ndarray = None
    fill: np.ndarray = None

    @property
    def n_features(self):
        return len(self.kinds)

    @property
    def column_kinds(self):
        """``{name: kind}``; one-hot members read ``"onehot:<group name>"``.

        Edit it and pass it back as a sampler's ``column_kinds`` to override the inference.
        """
        out = {name: kind for name, kind in zip(self.names, self.kinds, strict=True)}
        for gname, cols in zip(self.group_names, self.groups, strict=True):
            for j in cols:
                out[self.names[j]] = f"onehot:{gname}"
        return out

    def indices(self, *kinds):
        """Column indices whose kind is one of ``kinds``."""
        return np.array([j for j, k in enumerate(self.kinds) if k in kinds], dtype=np.intp)

    def attributes(self):
        """Column index array of each attribute: one column, or a whole one-hot group.

        MUNGE, Mixup and the marginal sampler treat a one-hot group as one nominal attribute.
        """
        in_group = {j for g in self.groups for j in g}
        attrs = [np.array([j]) for j in range(self.n_features) if j not in in_group]
        attrs.extend(np.asarray(g) for g in self.groups)
        return attrs

    def attribute_of_column(self):
        """Index (into :meth:`attributes`) of the attribute each column belongs to."""
        out = np.empty(self.n_features, dtype=np.intp)
        for a, cols in enumerate(self.attributes()):
            out[cols] = a
        return out

    def attribute_columns(self, attrs):
        """The columns of each attribute in ``attrs``, concatenated, and how many each has.

        Vectorised: ``attrs`` may list hundreds of thousands of attribute indices.
        """
        groups = self.attributes()
        sizes_all = np.array([len(c) for c in groups])
        flat = np.concatenate(groups)
        starts = np.r_[0, np.cumsum(sizes_all)[:-1]]
        sizes = sizes_all[attrs]
        offsets = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return flat[np.repeat(starts[attrs], sizes) + offsets], sizes

    def __repr__(self):
        counts = {k: self.kinds.count(k) for k in KINDS if k in self.kinds}
        missing = int(np.sum(self.missing_rate > 0)) if self.missing_rate is not None else 0
        return (
            f"TableSchema(n_features={self.n_features}, kinds={counts}, "
            f"onehot_groups={len(self.groups)}, columns_with_missing={missing})"
        )

    # -- encoding ----------------------------------------------------------------------------
    def encode(self, X, *, impute=False, dtype=np.float64):
        """The table as a float matrix.

        Continuous and integer columns are standardised, binary and one-hot columns are 0/1,
        categorical columns hold the index of their category in :attr:`categories`. Missing
        values are NaN, or :attr:`fill` with ``impute=True``.
        """
        n = X.shape[0]
        Z = np.empty((n, self.n_features), dtype=dtype)
        for j, kind in enumerate(self.kinds):
            if kind == "categorical":
                col = _category_codes(_column(X, j), self.categories[j]).astype(dtype)
                col[col < 0] = np.nan
            else:
                col = _numeric_column(_column(X, j), self.names[j])
                if kind in ("continuous", "integer"):
                    col = (col - self.center[j]) / self.scale[j]
            if impute:
                col = np.where(np.isnan(col), self.fill[j], col)
            Z[:, j] = col
        return Z

    def impute(self, Z):
        """``Z`` with NaN replaced by :attr:`fill` (a copy only when there is NaN)."""
        missing = np.isnan(Z)
        return np.where(missing, self.fill, Z) if missing.any() else Z

    def decode(self, Z, rng, template, *, insert_missing=False):
        """Turn generated encoded rows back into a table that obeys the schema.

        Clips ranges, rounds integers, thresholds binaries, keeps one hot column per group and
        maps codes back to observed categories. NaN in ``Z`` stays missing. Samplers that work
        on imputed data pass ``insert_missing=True``: each column then gets missing values at
        its observed rate, at random. ``template`` describes the container to build (see
        :func:`_container_template`).
        """
        n = Z.shape[0]
        columns = [None] * self.n_features
        for j, kind in enumerate(self.kinds):
            z = Z[:, j]
            if kind == "continuous" or kind == "integer":
                x = z * self.scale[j] + self.center[j]
                width = self.high[j] - self.low[j]
                pad = self.margin * width if kind == "continuous" else 0.0
                x = np.clip(x, self.low[j] - pad, self.high[j] + pad)
                if kind == "integer":
                    x = np.rint(x)
            elif kind == "binary":
                x = np.where(np.isnan(z), np.nan, z >= 0.5)
            elif kind == "categorical":
                n_cat = len(self.categories[j])
                x = np.clip(np.rint(z), 0, max(n_cat - 1, 0))
            else:  # one-hot members are set group-wise below
                continue
            columns[j] = x
        for cols in self.groups:
            block = Z[:, cols]
            hot = np.argmax(np.nan_to_num(block, nan=-np.inf), axis=1)
            for pos, j in enumerate(cols):
                columns[j] = (hot == pos).astype(np.float64)
        for j in range(self.n_features if insert_missing else 0):
            rate = self.missing_rate[j]
            if rate > 0:
                columns[j][rng.random(n) < rate] = np.nan
        return _build_container(columns, self, template)


# -- inference -------------------------------------------------------------------------------
def _column(X, j):
    return X.iloc[:, j] if _is_dataframe(X) else X[:, j]


def _unsupported(name, dtype_text, what):
    return TypeError(
        f"Column {name!r} has dtype {dtype_text}, which the samplers cannot generate ({what}). "
        "Convert it to a number (for example a datetime to seconds or days since a reference "
        "date), to a 'category' column, or drop it before fitting; or use a sampler=None "
        "distiller for this table."
    )


def _raw_kind(col, name):
    """``"numeric"``, ``"binary"`` (bool) or ``"categorical"`` from the dtype; TypeError else."""
    dtype = col.dtype
    if hasattr(col, "iloc"):
        import pandas as pd

        if isinstance(dtype, pd.CategoricalDtype):
            return "categorical"
        if pd.api.types.is_bool_dtype(dtype):
            return "binary"
        if isinstance(dtype, pd.PeriodDtype | pd.IntervalDtype | pd.SparseDtype):
            raise _unsupported(name, dtype, "this pandas extension type is not supported")
        if pd.api.types.is_complex_dtype(dtype):
            raise _unsupported(name, dtype, "complex numbers have no order")
        if pd.api.types.is_numeric_dtype(dtype):
            return "numeric"
        if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
            raise _unsupported(name, dtype, "dates and durations are not supported")
        return "categorical"  # object, str, string: anything else with discrete values
    kind = np.dtype(dtype).kind
    if kind == "b":
        return "binary"
    if kind in "iuf":
        return "numeric"
    if kind == "c":
        raise _unsupported(name, dtype, "complex numbers have no order")
    if kind in "mM":
        raise _unsupported(name, dtype, "dates and durations are not supported")
    if kind == "O":
        # Object arrays: numbers (and None) stay numeric, anything else is categorical.
        try:
            np.asarray(col, dtype=np.float64)
            return "numeric"
        except (TypeError, ValueError):
            return "categorical"
    return "categorical"  # fixed-width strings


def _numeric_column(col, name):
    if hasattr(col, "iloc"):
        x = col.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        x = np.asarray(col, dtype=np.float64)  # read only: a float64 column is not copied
    if np.isinf(x).any():
        raise ValueError(
            f"Column {name!r} contains infinite values. Replace them with NaN (generated "
            "rows then keep the column's missing-value rate) or with large finite numbers."
        )
    return x


def _is_missing(values):
    """Missing mask for an object/str array (``pandas.isna`` of each cell)."""
    return np.fromiter(map(is_missing, values), bool, count=len(values))


def _observed_categories(col):
    """Sorted categories seen in a categorical column (dtype order for pandas categoricals)."""
    if hasattr(col, "iloc"):
        import pandas as pd

        if isinstance(col.dtype, pd.CategoricalDtype):
            present = np.unique(col.cat.codes.to_numpy())
            present = present[present >= 0]
            return np.asarray(col.cat.categories)[present]
        values = col.dropna().unique()
        values = np.asarray(values, dtype=object)
    else:
        values = np.asarray(col, dtype=object)
        values = values[~_is_missing(values)]
    try:
        return np.unique(values)
    except TypeError:  # mixed types cannot be sorted: keep first-seen order
        seen = dict.fromkeys(values.tolist())
        return np.array(list(seen), dtype=object)


def _category_codes(col, categories):
    """Index of each value in ``categories``; -1 for missing."""
    if hasattr(col, "iloc"):
        import pandas as pd

        cats = pd.Index(categories)
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = cats.get_indexer(col.cat.categories)
            raw = col.cat.codes.to_numpy()
            out = np.full(len(raw), -1, dtype=np.intp)
            seen = raw >= 0  # an all-missing column may declare no categories at all
            out[seen] = codes[raw[seen]]
            return out
        return cats.get_indexer(col.astype(object))
    values = np.asarray(col, dtype=object)
    lookup = {v: i for i, v in enumerate(categories.tolist())}
    missing = _is_missing(values)
    return np.array(
        [-1 if m else lookup[v] for v, m in zip(values, missing, strict=True)], dtype=np.intp
    )


def _name_key(name):
    """Prefix that one-hot siblings share: ``Soil_Type12`` -> ``Soil_Type``, ``color_red`` ->
    ``color``; None when the name suggests no group."""
    if not isinstance(name, str):
        return None
    stripped = re.sub(r"\d+$", "", name)
    if stripped != name and stripped:
        return stripped.rstrip("_-. ") or stripped
    if "_" in name:
        return name.rsplit("_", 1)[0]
    return None


def _exactly_one(B):
    return B.shape[1] >= 2 and bool(np.all(B.sum(axis=1) == 1))


def _find_onehot_groups(X, names, candidates, use_names):
    """Groups of 0/1 columns where every row has exactly one 1.

    First by shared name prefix (verified on the data), then by contiguous runs of the
    remaining candidate columns, which also finds groups in numpy arrays.
    """
    groups = []
    values = {}

    def column(j):
        if j not in values:
            values[j] = _numeric_column(_column(X, j), names[j]).astype(np.int8)
        return values[j]

    by_key = {}
    for j in candidates if use_names else ():
        key = _name_key(names[j])
        if key is not None:
            by_key.setdefault(key, []).append(j)
    used = set()
    for members in by_key.values():
        if len(members) >= 2 and _exactly_one(np.column_stack([column(j) for j in members])):
            groups.append(np.array(members))
            used.update(members)

    rest = [j for j in candidates if j not in used]
    start = 0
    while start < len(rest):
        # Extend a run of adjacent columns while no row has two ones; remember the longest run
        # in which every row has exactly one.
        acc = column(rest[start]).astype(np.int16)
        best = None
        end = start
        while end + 1 < len(rest) and rest[end + 1] == rest[end] + 1:
            acc = acc + column(rest[end + 1])
            if acc.max() > 1:
                break
            end += 1
            if acc.min() == 1:
                best = end
        if best is not None:
            groups.append(np.array(rest[start : best + 1]))
            start = best + 1
        else:
            start += 1
    return groups


def _parse_overrides(column_kinds, names):
    """``{column index: kind}`` and ``{group name: [indices]}`` from a user's dict."""
    if column_kinds is None:
        return {}, {}
    if not isinstance(column_kinds, dict):
        raise TypeError(
            "column_kinds must be a dict mapping column names (or indices for arrays) to one "
            f"of {KINDS[:-1]} or 'onehot:<group>'; got {type(column_kinds).__name__}."
        )
    position = {name: j for j, name in enumerate(names)}
    kinds, groups = {}, {}
    for key, kind in column_kinds.items():
        if isinstance(key, Integral) and not isinstance(key, bool) and key not in position:
            j = int(key)
            if not 0 <= j < len(names):
                raise ValueError(f"column_kinds refers to column index {j}, out of range.")
        elif key in position:
            j = position[key]
        else:
            raise ValueError(
                f"column_kinds refers to column {key!r}, which is not in X. Known columns: "
                f"{list(names)[:10]}{' ...' if len(names) > 10 else ''}."
            )
        if isinstance(kind, str) and kind.startswith("onehot:"):
            groups.setdefault(kind[len("onehot:") :], []).append(j)
            kinds[j] = "onehot"
        elif kind in KINDS[:-1]:
            kinds[j] = kind
        else:
            raise ValueError(
                f"column_kinds[{key!r}] = {kind!r} is not a column kind; use one of "
                f"{KINDS[:-1]} or 'onehot:<group name>'."
            )
    return kinds, groups


def infer_schema(X, column_kinds=None, *, onehot="auto", margin=0.0):
    """Infer the :class:`TableSchema` of a table.

    Parameters
    ----------
    X : ndarray or DataFrame of shape (n_samples, n_features)
        The table. Numeric columns are continuous, integer (all values whole numbers) or binary
        (only 0 and 1; bool columns too); category, object and string columns are categorical.
        Dates, durations and complex numbers raise a TypeError naming the column.
    column_kinds : dict, default=None
        Overrides, ``{column name (or index for arrays): kind}`` with kind one of
        ``"continuous"``, ``"integer"``, ``"binary"``, ``"categorical"`` or
        ``"onehot:<group name>"`` (the columns named with the same group form one one-hot
        group, and every row must have exactly one 1 in it).
    onehot : {"auto", None}, default="auto"
        ``"auto"`` finds one-hot groups among the 0/1 columns without missing values: columns
        sharing a name prefix (``Soil_Type1``..``Soil_Type40``), then runs of adjacent columns,
        in which every row has exactly one 1. ``None`` keeps them as separate binary columns.
    margin : float, default=0.0
        Generated continuous values may leave the observed range by this fraction of it.

    Returns
    -------
    schema : TableSchema

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.samplers import infer_schema
    >>> X = np.array([[0.5, 3.0, 1.0], [1.0, 4.0, 0.0], [np.nan, 5.0, 1.0]])
    >>> schema = infer_schema(X)
    >>> schema.kinds
    ['continuous', 'integer', 'binary']
    >>> schema.missing_rate.round(2).tolist()
    [0.33, 0.0, 0.0]
    """
    if onehot not in ("auto", None):
        raise ValueError(f"onehot must be 'auto' or None, got {onehot!r}.")
    if not margin >= 0:
        raise ValueError(f"margin must be a non-negative fraction of the range, got {margin!r}.")
    n, d = X.shape
    if _is_dataframe(X):
        names = [str(c) for c in X.columns]
    else:
        names = [f"x{j}" for j in range(d)]
    forced, forced_groups = _parse_overrides(column_kinds, names)

    stats = _ColumnStats(d)
    onehot_candidates = []
    for j in range(d):
        col = _column(X, j)
        raw = _raw_kind(col, names[j])
        kind = forced.get(j)
        if raw == "categorical" and kind not in (None, "categorical"):
            raise TypeError(
                f"column_kinds says column {names[j]!r} is {kind!r}, but it holds non-numeric "
                "values; only 'categorical' fits such a column."
            )
        if raw == "categorical" or kind == "categorical":
            stats.categorical(j, col, names[j])
        elif stats.numeric(j, col, names[j], raw, kind):
            onehot_candidates.append(j)

    group_names, groups = _declared_groups(X, names, forced_groups)
    if onehot == "auto":
        candidates = [j for j in onehot_candidates if j not in forced]
        use_names = _is_dataframe(X)
        for g in _find_onehot_groups(X, names, candidates, use_names):
            groups.append(g)
            key = _name_key(names[g[0]]) if use_names else None
            group_names.append(key if key and key not in group_names else names[g[0]])
    for g in groups:
        for j in g:
            stats.kinds[j] = "onehot"
    return TableSchema(
        names=names,
        groups=groups,
        group_names=group_names,
        margin=float(margin),
        **vars(stats),
    )


class _ColumnStats:
    """What the schema keeps of each column, filled in column by column, by kind."""

    def __init__(self, d):
        self.kinds = [None] * d
        self.low = np.full(d, np.nan)
        self.high = np.full(d, np.nan)
        self.center = np.zeros(d)
        self.scale = np.ones(d)
        self.fill = np.zeros(d)
        self.missing_rate = np.zeros(d)
        self.categories = {}

    def categorical(self, j, col, name):
        """Observed categories; missing values are filled with the most frequent one."""
        try:
            cats = _observed_categories(col)
            codes = _category_codes(col, cats)
        except TypeError as exc:  # unhashable cells: lists, dicts, arrays
            raise _unsupported(name, col.dtype, f"its values are not categories: {exc}") from exc
        missing = codes < 0
        self.categories[j] = cats
        self.kinds[j] = "categorical"
        present = codes[~missing]
        self.fill[j] = np.bincount(present).argmax() if present.size else 0
        self.missing_rate[j] = missing.mean() if len(codes) else 0.0

    def numeric(self, j, col, name, raw, kind):
        """Range, kind (``kind`` when the user gave one) and fill value of a numeric column.
        Returns True when it may belong to a one-hot group (0/1 and never missing)."""
        x = _numeric_column(col, name)
        missing = np.isnan(x)
        self.missing_rate[j] = missing.mean()
        seen = x[~missing]
        if seen.size:
            self.low[j], self.high[j] = seen.min(), seen.max()
        else:  # an all-missing column: every generated value is missing too
            self.low[j] = self.high[j] = 0.0
        zero_one = bool(seen.size) and bool(np.all((seen == 0) | (seen == 1)))
        candidate = False
        if kind is None:
            if raw == "binary" or zero_one:
                kind, candidate = "binary", not missing.any()
            elif np.all(seen == np.rint(seen)):
                kind = "integer"
            else:
                kind = "continuous"
        self.kinds[j] = kind
        if kind in ("continuous", "integer"):
            if seen.size:
                self.center[j] = seen.mean()
                sd = seen.std()
                # Constant columns keep scale 1 so encoding never divides by zero.
                self.scale[j] = sd if sd > 0 else 1.0
            self.fill[j] = 0.0  # the mean, once standardised
            return candidate
        if kind == "binary" and not np.all((seen == 0) | (seen == 1)):
            raise ValueError(
                f"column_kinds says column {name!r} is binary, but it holds values "
                "other than 0 and 1. Use 'integer' or 'categorical' for it."
            )
        self.fill[j] = float(seen.mean() >= 0.5) if seen.size else 0.0
        return candidate


def _declared_groups(X, names, forced_groups):
    """``(group names, groups)`` of the one-hot groups a user declared, checked."""
    group_names, groups = [], []
    for gname, members in forced_groups.items():
        B = np.column_stack([_numeric_column(_column(X, j), names[j]) for j in members])
        if len(members) < 2 or not _exactly_one(np.nan_to_num(B, nan=2.0)):
            raise ValueError(
                f"column_kinds puts columns {[names[j] for j in members]} in one-hot group "
                f"{gname!r}, but not every row has exactly one 1 among them (or the group has "
                "a single column). Declare them 'binary' instead."
            )
        groups.append(np.array(sorted(members)))
        group_names.append(gname)
    return group_names, groups


# -- containers ------------------------------------------------------------------------------
def _container_template(X):
    """What ``decode`` needs to rebuild X's container: column names and dtypes, or the array
    dtype."""
    if _is_dataframe(X):
        return {"kind": "dataframe", "columns": X.columns, "dtypes": list(X.dtypes)}
    return {"kind": "array", "dtype": np.asarray(X[:0]).dtype}


def _build_container(columns, schema, template):
    """Assemble decoded float columns (codes for categoricals) into X's container."""
    if template["kind"] == "array":
        dtype = template["dtype"]
        if dtype.kind in "OUS" or schema.categories:
            out = np.empty((len(columns[0]), len(columns)), dtype=object)
            for j, x in enumerate(columns):
                out[:, j] = _column_values(x, j, schema)
            return out if dtype.kind == "O" else out.astype(dtype)
        if dtype.kind == "b":
            return np.column_stack(columns).astype(bool)
        return np.column_stack(columns).astype(dtype, copy=False)
    import pandas as pd

    data = {}
    for j, dtype in enumerate(template["dtypes"]):
        data[j] = _pandas_column(columns[j], j, schema, dtype, pd)
    frame = pd.DataFrame(data, copy=False)
    frame.columns = template["columns"]
    return frame


def _column_values(x, j, schema):
    """Object values of a decoded column (categories looked up, None for missing)."""
    if schema.kinds[j] != "categorical":
        return x
    cats = np.asarray(schema.categories[j], dtype=object)
    missing = np.isnan(x)
    values = cats[np.where(missing, 0, x).astype(np.intp)] if len(cats) else np.full(len(x), None)
    values[missing] = None
    return values


def _pandas_column(x, j, schema, dtype, pd):
    if schema.kinds[j] == "categorical":
        missing = np.isnan(x)
        if isinstance(dtype, pd.CategoricalDtype):
            if len(schema.categories[j]) == 0:
                return pd.Categorical.from_codes(np.full(len(x), -1), dtype=dtype)
            # Codes into the dtype's own categories, so unseen-but-declared ones stay declared.
            to_dtype = pd.Index(dtype.categories).get_indexer(pd.Index(schema.categories[j]))
            codes = np.where(missing, -1, to_dtype[np.where(missing, 0, x).astype(np.intp)])
            return pd.Categorical.from_codes(codes, dtype=dtype)
        values = _column_values(x, j, schema)
        if isinstance(dtype, np.dtype):  # object: pd.array would infer pandas 3's str dtype
            return pd.Series(values, dtype=dtype, copy=False)
        return pd.array(values, dtype=dtype)
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        if np.isnan(x).any():  # only an all-missing column can get here
            return x
        return x.astype(dtype)
    if isinstance(dtype, np.dtype):
        return x.astype(dtype, copy=False)
    # Nullable extension dtypes (Int64, Float64, boolean): NaN becomes <NA>.
    return pd.Series(x).astype(dtype).array

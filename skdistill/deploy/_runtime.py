"""The deployable predictor: a student's encoder and weights, and numpy. Nothing else.

This module imports numpy alone, so a service can run a distilled model without scikit-learn,
scipy, pandas or LightGBM: install numpy, copy this one file, and ``load`` the ``.npz`` written
by :meth:`Predictor.save`. It is written by :func:`skdistill.deploy.export_predictor` and
predicts what the student (and its distiller) predicts, to float64 rounding (float32 for an
XGBoost GBM student: XGBoost sums its trees in float32).

Input: a 2-D numeric array (a student fitted on an array), a pandas DataFrame with the fitted
columns in the fitted order, or, for one row, a mapping ``{column: value}`` (any order).
"""

import json
import math
from decimal import Decimal
from numbers import Number

import numpy as np

# The format a file needs: 2 adds the piecewise-linear inputs of an MLP (meta "pieces"),
# which a reader of format 1 would ignore; every other file is written as format 1.
FORMAT_VERSION = 2
_FORMATS_READ = (1, 2)
PIECES_ARRAYS = ("pieces_columns", "pieces_slope", "pieces_offset", "pieces_low", "pieces_high")
_FLOAT64 = np.dtype(np.float64)
_PROBA_EPS = 1e-12  # skdistill._targets.PROBA_EPS
# The one-row kernel folds the numbers' scaling into the first layer only where that costs at
# most this factor in cancellation (see _fold_scaling): a few bits of float64.
_FOLD_MAX_GROWTH = 16.0


def _clip_two_steps(v, low, high, out):
    return np.minimum(np.maximum(v, low, out=out), high, out=out)


# The ufunc behind np.clip, called without np.clip's Python wrapper: one call instead of a
# maximum and a minimum on one row (~0.3 us), with the same results. Private in numpy 2
# (numpy 1 has it at np.core.umath), so the two calls stay as the fallback.
_clip = getattr(getattr(getattr(np, "_core", None), "umath", None), "clip", _clip_two_steps)


class Predictor:
    """What a fitted student needs to predict, as numpy arrays and plain metadata.

    Build it with :func:`skdistill.deploy.export_predictor`; save it with :meth:`save` and
    read it back with :func:`load` (an ``.npz`` file holding the arrays and a JSON header,
    read without pickle).

    Parameters
    ----------
    meta : dict
        JSON-able description: the model kind, the task, classes, input columns and the
        encoding.
    arrays : dict of str to ndarray
        Weights, tree arrays and encoder statistics.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.deploy import export_predictor
    >>> from skdistill.students import SoftLogisticRegression
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    >>> predictor = export_predictor(SoftLogisticRegression(C=100.0).fit(X, y))
    >>> predictor.predict(np.array([[0.2], [2.8]]))
    array([0, 1])
    """

    def __init__(self, meta, arrays):
        self.meta = meta
        self.arrays = arrays
        self._prepare()

    # ---- input ----------------------------------------------------------------------------

    def _prepare(self):
        meta, arrays = self.meta, self.arrays
        self.classes_ = None if meta["classes"] is None else np.asarray(meta["classes"])
        self.n_features_in_ = meta["n_features"]
        names = meta["feature_names"]
        self.feature_names_in_ = None if names is None else np.asarray(names, dtype=object)
        self._names = None if names is None else tuple(names)
        enc = meta["encoder"]
        self._numeric_at = enc["numeric_at"]
        self._categorical_at = enc["categorical_at"]
        self._lookups = [{c: i for i, c in enumerate(cats)} for cats in enc["categories"]]
        self._string_categories = [
            len(cats) > 0 and all(isinstance(c, str) for c in cats) for cats in enc["categories"]
        ]
        self._seen_dtypes = [(None, None)] * len(self._lookups)
        self._last_columns = (None, None)
        self._missing_columns = arrays.get("enc_missing_columns", np.zeros(0, np.intp))
        n_numeric = len(self._numeric_at)
        width = n_numeric + (len(self._missing_columns) if enc["scale"] else 0)
        self._offsets = []
        for cats, missing in zip(enc["categories"], enc["has_missing"], strict=True):
            self._offsets.append(width)
            width += len(cats) + missing if enc["one_hot"] else 1
        self._n_encoded = width
        if meta["model"] == "mlp":  # float64 once: a float32 product would cast the weights
            n = meta["n_layers"]
            names = [(f"coef_{i}", f"intercept_{i}") for i in range(n)]
            self._layers = [(arrays[w].astype(float), arrays[b].astype(float)) for w, b in names]
            self._pieces = None
            if meta.get("pieces"):  # format 2
                self._pieces = tuple(arrays[name] for name in PIECES_ARRAYS)
        self._prepare_row(enc, arrays)
        self._row_proba = _dense_row_proba(self)
        if meta["model"] == "gbm":  # Python lists for the one-row walk
            keys = ("feature", "threshold", "left", "right", "nan_left", "zero_missing",
                    "zero_left", "cat", "other_left", "cat_member", "roots")  # fmt: skip
            self._walk = {k: arrays[f"gbm_{k}"].tolist() for k in keys}

    def _prepare_row(self, enc, arrays):
        """What the one-row path needs, precomputed: a template of the encoded row (the
        missing indicators' encoding of 'not missing' in place) and the statistics of the
        numeric columns, and the tree as Python lists."""
        n = len(self._numeric_at)
        # The finiteness test of one row is its dot product with this: NaN or infinity makes
        # it non-finite, and with a power of two this small no finite row overflows.
        self._probe = np.full(n, 2.0**-64)
        template = np.zeros(self._n_encoded)
        self._stats = None
        if enc["scale"]:
            mean, scale = arrays["enc_mean"], arrays["enc_scale"]
            template[n : len(mean)] = (0.0 - mean[n:]) / scale[n:]
            clip = (arrays["enc_min"], arrays["enc_max"]) if enc["clip"] else None
            self._stats = (clip, mean[:n].copy(), scale[:n].copy())
        self._template = template
        if self.meta["model"] == "tree":  # Python lists for the one-row walk
            keys = ("children_left", "children_right", "feature", "threshold")
            left, right, feature, threshold = (arrays[k].tolist() for k in keys)
            nan_left = arrays["missing_go_to_left"].astype(bool).tolist()
            self._tree_walk = (left, right, feature, threshold, nan_left)

    def _check(self, X):
        """X checked: a float64 array, a DataFrame of several rows, or a list of one row of
        cells (a dict, or a one-row DataFrame)."""
        if (
            type(X) is np.ndarray  # the common case first, in a few attribute reads
            and X.dtype == np.float64
            and X.ndim == 2
            and X.shape[1] == self.n_features_in_
            and X.shape[0] >= 1
            and self._names is None
        ):
            return X
        if isinstance(X, dict):
            return self._from_mapping(X)
        if hasattr(X, "columns") and hasattr(X, "iloc"):
            columns = self._column_names(X)
            if self._names is None:
                X = X.to_numpy()  # fitted on an array: the columns are taken by position
            elif columns != self._names:
                raise ValueError(
                    "The DataFrame's columns differ from those seen in fit (names and order "
                    f"must match). Expected {list(self._names)}, got {list(columns)}."
                )
            else:
                if len(X) < 1:
                    raise ValueError("X is empty (0 rows); predict needs at least one row.")
                if len(X) == 1:  # cell by cell: pandas' column access costs more
                    return [self._frame_cells(X)]
                return X
        elif self._names is not None:
            raise ValueError(
                "This predictor was fitted on a DataFrame with columns "
                f"{list(self._names)[:5]}...; pass a DataFrame with these columns, or one "
                "row as a dict {column: value}."
            )
        X = np.asarray(X)
        if X.dtype.kind not in "fiub":
            try:
                X = X.astype(np.float64)
            except (TypeError, ValueError) as error:
                raise ValueError(f"X must be numeric: {error}") from None
        if X.ndim != 2 or X.shape[0] < 1:
            raise ValueError(
                f"Expected a 2-D array of shape (n_samples, {self.n_features_in_}) with at "
                f"least one row, got shape {X.shape}. Reshape one row with X.reshape(1, -1)."
            )
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but the predictor expects "
                f"{self.n_features_in_} features as input."
            )
        return np.asarray(X, dtype=np.float64)

    def _column_names(self, X):
        """A DataFrame's column names as a tuple. pandas 3 holds string names in Arrow, where
        iterating the Index boxes every name (~16 µs for 14 columns); Arrow's own conversion
        takes 2. The Index last read is remembered (an Index is immutable)."""
        columns = X.columns
        last, names = self._last_columns
        if columns is last:
            return names
        values = columns.array if columns.nlevels == 1 else None
        arrow = type(columns.dtype).__name__ in ("StringDtype", "ArrowDtype")
        if arrow and hasattr(values, "__arrow_array__"):
            names = tuple(values.__arrow_array__().to_pylist())
        else:
            names = tuple(columns)
        self._last_columns = (columns, names)
        return names

    def _frame_cells(self, X):
        """The cells of a one-row DataFrame, read from its column arrays (pandas' accessor
        behind ``.iat``; ``.iat`` itself costs twice as much). A pandas categorical cell is
        read by its code and looked up once per dtype: boxing the value (an Arrow string
        under pandas 3) costs ~5 µs a cell."""
        get = getattr(X, "_get_column_array", None)
        cells = [(X.iloc[:, j].array if get is None else get(j)) for j in range(len(self._names))]
        for j, at in enumerate(self._categorical_at):
            values = cells[at]
            if type(values).__name__ == "Categorical":  # pandas'; hasattr costs ~1 µs
                raw = int(values.codes[0])
                code = -1 if raw < 0 else self._dtype_codes(j, values.dtype)[raw]
                cells[at] = _Category(code, raw < 0)
        return [c if type(c) is _Category else c[0] for c in cells]

    def _dtype_codes(self, j, dtype):
        """The predictor's codes (-1: unseen) of a pandas categorical dtype's categories, for
        the dtype object last seen in column ``j``."""
        seen, codes = self._seen_dtypes[j]
        if dtype is not seen:
            if len(dtype.categories) and dtype.categories.dtype.kind in "iufcb":
                self._refuse_numbers(j, dtype.categories.dtype)
            lookup = self._lookups[j]
            codes = [lookup.get(c, -1) for c in dtype.categories]
            self._seen_dtypes[j] = (dtype, codes)
        return codes

    def _from_mapping(self, row):
        if self._names is None:
            raise ValueError("A dict row needs a model fitted on a DataFrame with named columns.")
        missing = [c for c in self._names if c not in row]
        extra = [c for c in row if c not in set(self._names)]
        if missing or extra:
            raise ValueError(
                f"The row's keys differ from the columns seen in fit: missing {missing}, "
                f"unexpected {extra}."
            )
        return [[row[c] for c in self._names]]  # a list of one row

    def _refuse_numbers(self, j, kind):
        """Numbers where fit saw string categories (codes, say) are an error, as in the
        student, not unseen categories."""
        if not self._string_categories[j]:
            return
        name = self._names[self._categorical_at[j]]
        cats = list(self._lookups[j])[:3]
        raise ValueError(
            f"Column {name!r} held strings in fit (categories {cats}) and now holds numbers "
            f"({kind}): numbers, integer codes among them, are not its categories. Pass the "
            "column as in fit (its strings, or a pandas Categorical of them)."
        )

    def _codes(self, X, j):
        """Codes of categorical column ``j`` of a checked DataFrame (-1: missing or unseen),
        and its missing mask. The column's own ``factorize`` (a hash table in C; pandas'
        missing values get -1) leaves only its few distinct values to look up in Python."""
        column = X.iloc[:, self._categorical_at[j]]
        kind = getattr(column.dtype, "categories", column).dtype  # a categorical's categories'
        if kind.kind in "iufcb" and column.notna().any():
            self._refuse_numbers(j, kind)
        found, distinct = column.factorize()
        lookup = self._lookups[j]
        table = [lookup.get(v, -1) for v in np.asarray(distinct, dtype=object)]
        codes = np.asarray(table + [-1], dtype=np.intp)[found]  # found -1 picks the last
        return codes, np.asarray(found) < 0

    def _numeric(self, X):
        if isinstance(X, np.ndarray):
            return X  # fitted on an array: every column is numeric
        columns = [X.iloc[:, at].to_numpy(np.float64, na_value=np.nan) for at in self._numeric_at]
        return np.column_stack(columns) if columns else np.empty((len(X), 0))

    def _check_numbers(self, values):
        if self.meta["allow_nan"] is False and np.isnan(values).any():
            raise ValueError(
                "X contains NaN. The teacher does not accept missing values; impute them first."
            )
        if np.isinf(values).any():
            raise ValueError("X contains infinity. Replace infinite values (e.g. with NaN).")

    def encode(self, X):
        """The student's input matrix for ``X`` (checked): numbers imputed and scaled, and
        categories one-hot or ordinal, exactly as the student encodes them."""
        X = self._check(X)
        return self._encode(X)

    def _encode(self, X):
        enc = self.meta["encoder"]
        if isinstance(X, list):
            return self._encode_row(X[0])
        if len(X) == 1 and type(X) is np.ndarray:
            row = self._encode_finite_row(X[0])
            return self._encode_numbers(X) if row is None else row
        out = self._encode_numbers(self._numeric(X))
        rows = np.arange(len(out))
        for j in range(len(self._categorical_at)):
            codes, is_missing = self._codes(X, j)
            lookup = self._lookups[j]
            offset = self._offsets[j]
            if not enc["one_hot"]:
                out[:, offset] = np.where(codes >= 0, codes, np.nan)
                continue
            seen = codes >= 0
            out[rows[seen], offset + codes[seen]] = 1.0
            if enc["has_missing"][j]:
                out[:, offset + len(lookup)] = is_missing
        return out

    def _encode_numbers(self, values):
        """The encoded matrix with its numeric part filled (categorical part zero)."""
        self._check_numbers(values)
        enc, a = self.meta["encoder"], self.arrays
        out = np.zeros((len(values), self._n_encoded))
        if enc["scale"]:
            missing = np.isnan(values)
            if enc["clip"]:
                values = np.clip(values, a["enc_min"], a["enc_max"])
            filled = np.where(missing, a["enc_fill"], values)
            numbers = np.hstack([filled, missing[:, self._missing_columns]])
            numbers = (numbers - a["enc_mean"]) / a["enc_scale"]
        else:
            numbers = values
        out[:, : numbers.shape[1]] = numbers
        return out

    def _encode_finite_row(self, v):
        """:func:`_encode_finite` of one row of numbers, as a (1, width) matrix."""
        z = _encode_finite(v, self._probe, self._template, self._stats)
        return None if z is None else z[None]

    def _encode_row(self, row):
        """One row given as a list of cells (a dict or a one-row DataFrame), with scalars."""
        enc = self.meta["encoder"]
        numbers = [np.nan if _is_missing(row[at]) else row[at] for at in self._numeric_at]
        if any(isinstance(v, str) for v in numbers):
            raise ValueError("X must be numeric in the numeric columns; got a string.")
        values = np.array(numbers, dtype=np.float64)
        out = self._encode_finite_row(values)
        if out is None:
            out = self._encode_numbers(values[None])
        for j, at in enumerate(self._categorical_at):
            value, offset = row[at], self._offsets[j]
            if type(value) is _Category:
                code, missing = value
            else:
                missing = _is_missing(value)
                if not missing and isinstance(value, Number):
                    self._refuse_numbers(j, type(value).__name__)
                code = -1 if missing else self._lookups[j].get(value, -1)
            if not enc["one_hot"]:
                out[0, offset] = code if code >= 0 else np.nan
                continue
            if code >= 0:
                out[0, offset + code] = 1.0
            if missing and enc["has_missing"][j]:
                out[0, offset + len(self._lookups[j])] = 1.0
        return out

    # ---- models ---------------------------------------------------------------------------

    def _raw(self, Z):
        """The model's raw outputs on encoded rows."""
        kind, a = self.meta["model"], self.arrays
        if kind == "mlp":
            relu = self.meta["activation"] == "relu"
            if self._pieces is not None:
                Z = _expand_pieces(Z, *self._pieces)
            if len(Z) == 1:  # a 1-D row: adding the biases needs no broadcasting
                return _mlp_forward(Z[0], self._layers, relu)[None]
            return _mlp_forward(Z, self._layers, relu)
        if kind == "linear":
            return Z.dot(a["coef"].T) + a["intercept"]
        if kind == "tree":
            if len(Z) == 1:
                return a["value"][[_tree_row_leaf(self._tree_walk, Z[0])]]
            return a["value"][_tree_leaves(a, Z)]
        if kind == "gbm":
            if len(Z) == 1 and len(self._walk["roots"]) <= _WALK_MAX_TREES:
                return _ensemble_row(a, self._walk, Z, self.meta)
            return _ensemble_raw(a, Z, self.meta)
        raise ValueError(f"Unknown model kind {kind!r} in the predictor's metadata.")

    def _outputs(self, X):
        return self._raw(self._encode(self._check(X)))

    def predict_proba(self, X):
        """Class probabilities, as the student's ``predict_proba``.

        Parameters
        ----------
        X : ndarray, DataFrame or dict
            Rows with the columns seen in fit (a dict is one row).

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        if (  # one finite row of numbers for a network or a linear model: its own kernel
            self._row_proba is not None
            and type(X) is np.ndarray
            and X.shape == self._row_proba.shape
            and X.dtype is _FLOAT64
        ):
            proba = self._row_proba(X[0])
            if proba is not None:
                return proba
        if self.classes_ is None:
            raise AttributeError("predict_proba is for classifiers; this is a regressor.")
        out, how = self._outputs(X), self.meta["output"]
        if how == "softmax":
            return _softmax(out)
        if how == "binary_softmax":
            return _softmax(np.column_stack([np.zeros(len(out)), out[:, 0]]))
        if how == "sharpen":
            return _sharpen(out, self.meta["temperature"])
        if how in ("gbm_binary", "gbm_softmax"):  # softmax(T * margins), as the GBM student
            z = self.meta["temperature"] * (out + self.arrays["gbm_init"])
            if how == "gbm_softmax":
                return _softmax(z)
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p, p])
        raise ValueError(f"Unknown output {how!r} in the predictor's metadata.")

    def predict(self, X):
        """Classes (classifiers) or values (regressors), as the student's ``predict``."""
        if self.classes_ is not None:
            return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
        out = self._outputs(X)
        if "target_scale" in self.arrays:
            out = out * self.arrays["target_scale"] + self.arrays["target_mean"]
        return out.ravel() if self.meta["single_output"] else out

    # ---- files ----------------------------------------------------------------------------

    def save(self, path):
        """Write the predictor to ``path`` (an ``.npz``: the arrays and a JSON header)."""
        header = np.frombuffer(json.dumps(self.meta).encode("utf-8"), dtype=np.uint8)
        np.savez_compressed(path, __meta__=header, **self.arrays)

    @property
    def nbytes(self):
        """Bytes of the arrays (the file is about this size, compressed)."""
        return int(sum(a.nbytes for a in self.arrays.values()))

    def __repr__(self):
        n = "?" if self.classes_ is None else len(self.classes_)
        task = "regressor" if self.classes_ is None else f"classifier, {n} classes"
        return (
            f"Predictor({self.meta['model']} {task}, {self.n_features_in_} features, "
            f"{self.nbytes:,} bytes)"
        )


def load(path):
    """Read a predictor written by :meth:`Predictor.save` (no pickle involved).

    Parameters
    ----------
    path : str or file-like

    Returns
    -------
    Predictor
    """
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "__meta__"}
        meta = json.loads(bytes(data["__meta__"]).decode("utf-8"))
    if meta.get("format") not in _FORMATS_READ:
        raise ValueError(
            f"{path} holds predictor format {meta.get('format')!r}; this module reads formats "
            f"{_FORMATS_READ}. Copy the _runtime.py of the skdistill that exported the file, "
            "or export the model again with this version of skdistill."
        )
    return Predictor(meta, arrays)


# ---- kernels ---------------------------------------------------------------------------------


class _Category(tuple):
    """A categorical cell already looked up: (code among the fitted categories, -1 when
    unseen or missing; whether it is missing)."""

    def __new__(cls, code, missing):
        return super().__new__(cls, (code, missing))


# skdistill._validation.is_missing, copied (this module imports numpy alone).
_NAN_TYPES = (float, complex, np.inexact, np.datetime64, np.timedelta64, Decimal)


def _is_missing(value):
    if value is None:
        return True
    if isinstance(value, _NAN_TYPES):
        return value != value
    return value.__class__.__name__ in ("NAType", "NaTType")


def _encode_finite(v, probe, template, stats):
    """One row of numbers (1-D) encoded in a few array operations, with the same arithmetic
    as a batch; None when the row holds NaN or infinity (the batch path imputes or raises).
    ``probe``, ``template`` and ``stats`` are made by ``Predictor._prepare_row``; with
    ``stats`` of ``(clip, None, None)`` the row is clipped only (the one-row kernel's
    scaling folded into its first layer, :func:`_fold_scaling`)."""
    total = float(v.dot(probe))
    if total - total != 0.0:  # NaN or infinity somewhere
        return None
    z = template.copy()
    n = len(v)
    numbers = z[:n] if n < len(z) else z
    if stats is None:
        numbers[...] = v
        return z
    clip, mean, scale = stats
    if clip is None:
        np.subtract(v, mean, out=numbers)
    else:
        _clip(v, clip[0], clip[1], numbers)
        if mean is None:
            return z
        numbers -= mean
    numbers /= scale
    return z


def _dense_row_proba(predictor):
    """For a classifier fitted on an array whose model is a network or a linear model: a
    function of one row (1-D float64) that gives its probabilities, shape (1, n_classes), or
    None when the row holds NaN or infinity (the general path then imputes or raises).

    The general path's arithmetic with its arrays bound in advance, in fewer array calls:

    - the biases are carried inside the products: the encoded row ends with a constant,
      each weight matrix has the biases as its last row, and each hidden layer passes the
      constant on in an extra unit (the activation maps it to 1.0 exactly);
    - where the numbers are clipped, their scaling is folded into the first layer
      (:func:`_fold_scaling`), so that encoding a row is its clip alone; with piecewise-linear
      inputs, into the pieces, which then read the clipped row (:func:`_fold_pieces`).

    Results differ from the batch's by float64 rounding. On a 54-feature MLP 2x64 about
    7 µs a row (~11 through the general path's steps). None when the predictor is anything
    else.
    """
    meta = predictor.meta
    if (
        predictor.classes_ is None
        or predictor._names is not None
        or predictor._stats is None
        or meta["model"] not in ("mlp", "linear")
        or meta["output"] not in ("softmax", "binary_softmax")
    ):
        return None
    if meta["model"] == "mlp":
        layers = predictor._layers
        relu = meta["activation"] == "relu"
    else:  # a linear model is a network without hidden layers
        layers = [(predictor.arrays["coef"].T, predictor.arrays["intercept"])]
        relu = True
    probe, stats = predictor._probe, predictor._stats
    pieces = predictor._pieces if meta["model"] == "mlp" else None
    raw_pieces = None  # the pieces read from the raw row, with its encoding folded in
    if pieces is None:
        folded = _fold_scaling(stats, predictor._template, *layers[0])
    else:
        folded = _fold_pieces(stats, predictor._template, pieces, *layers[0])
        if folded is not None:
            raw_pieces, folded = folded
        else:  # one more piece reads the row's constant: clip(1.0 * 1 + 0, 1, 1) = 1.0
            at_constant = len(predictor._template)
            pieces = tuple(map(np.append, pieces, (at_constant, 1.0, 0.0, 1.0, 1.0)))
    if folded is None:  # encode as the batch does; the first layer takes the biases' row
        template = np.append(predictor._template, 1.0)
        first = np.vstack(layers[0])
    else:  # the row is [clip(v), 1.0], or its pieces
        template = np.append(np.zeros(len(probe)), 1.0)
        first, stats = folded, (stats[0], None, None)
    matrices = [first] + [np.vstack(layer) for layer in layers[1:]]
    carry = 1.0 if relu else 40.0  # the constant unit's input: relu(1) = tanh(40) = 1.0
    hidden = []
    for W in matrices[:-1]:
        unit = np.zeros((len(W), 1))
        unit[-1] = carry
        # the maximum against an array of zeros: a scalar 0.0 is converted at every call
        zeros = np.zeros(W.shape[1] + 1) if relu else None
        hidden.append((np.ascontiguousarray(np.hstack([W, unit])), zeros))
    W_out = np.ascontiguousarray(matrices[-1])
    binary = meta["output"] == "binary_softmax"
    maximum, tanh = np.maximum, np.tanh
    n = len(probe)
    # The common case, inlined: the row is [clip(v), 1.0], its scaling in the first layer.
    clip_only = stats[0] if folded is not None and pieces is None else None

    def proba(v):
        if clip_only is not None:
            total = float(v.dot(probe))
            if total - total != 0.0:  # NaN or infinity somewhere
                return None
            z = template.copy()
            _clip(v, clip_only[0], clip_only[1], z[:n])
        elif raw_pieces is not None:
            total = float(v.dot(probe))
            if total - total != 0.0:  # NaN or infinity somewhere
                return None
            z = _raw_pieces(v, *raw_pieces)
        else:
            z = _encode_finite(v, probe, template, stats)
            if z is None:
                return None
            if pieces is not None:
                z = _expand_pieces(z, *pieces)
        # inlined, with the arrays' own dot (see _mlp_forward): a call costs ~0.5 µs here
        for W, zeros in hidden:
            z = z.dot(W)
            maximum(z, zeros, out=z) if zeros is not None else tanh(z, out=z)
        z = z.dot(W_out)
        return _softmax_row([0.0, float(z[0])]) if binary else _softmax_logits(z)

    proba.shape = (1, predictor.n_features_in_)
    return proba


def _foldable(clip, mean):
    """Whether the scaling of the numbers can be folded into what reads them (finite clip
    bounds, no column whose cancellation would cost more than a few bits: see
    :func:`_fold_scaling`)."""
    if clip is None:
        return False
    low, high = clip
    if not (np.isfinite(low).all() and np.isfinite(high).all()):
        return False
    spread = np.maximum(np.abs(low - mean), np.abs(high - mean))
    reach = np.maximum(np.abs(low), np.abs(high)) + np.abs(mean)
    varies = low != high
    return not np.any(reach[varies] > _FOLD_MAX_GROWTH * spread[varies])


def _fold_pieces(stats, template, pieces, W, b):
    """The piecewise-linear inputs read from the raw row, and the first layer ``(W, b)`` as
    one matrix for them: each piece of a number reads it clipped and unscaled (the scaling
    goes into the piece's slope and offset), the pieces of the template's constant columns
    (the missing indicators' 'not missing') go into the biases, and a last piece reads 1.0
    for them. None where :func:`_foldable` says no.
    """
    clip, mean, scale = stats
    if not _foldable(clip, mean):
        return None
    columns, slope, offset, low, high = pieces
    number = columns < len(mean)
    at = columns[number]
    raw_slope = slope[number] / scale[at]
    raw_offset = offset[number] - mean[at] * raw_slope
    fixed = ~number
    values = template[columns[fixed]] * slope[fixed] + offset[fixed]
    values = np.clip(values, low[fixed], high[fixed])
    bias = b + values @ W[fixed]
    raw = (np.append(at, 0), np.append(raw_slope, 0.0), np.append(raw_offset, 1.0),
           np.append(low[number], 1.0), np.append(high[number], 1.0),
           np.append(clip[0][at], -np.inf), np.append(clip[1][at], np.inf))  # fmt: skip
    return raw, np.vstack([W[number], bias])


def _raw_pieces(v, columns, slope, offset, low, high, v_min, v_max):
    """:func:`_expand_pieces` of one raw row, its numbers clipped to their training range
    first as the batch clips them (the cuts, read from float32 rows, may sit a rounding
    inside that range)."""
    P = np.take(v, columns)
    _clip(P, v_min, v_max, P)
    P *= slope
    P += offset
    return _clip(P, low, high, P)


def _fold_scaling(stats, template, W, b):
    """A first layer ``(W, b)`` with the scaling of the numbers folded in, as one matrix for
    the row ``[clip(v), 1.0]``: rows ``W[i] / scale[i]``, then the biases, which absorb
    ``-mean / scale`` and the template's constant columns (the missing indicators' 'not
    missing'); a constant column's row is zero and its value goes to the biases.

    None when the numbers are not clipped, or where folding would lose more than a few bits
    to cancellation: the folded product sums terms as large as ``(|clipped value| + |mean|) /
    scale`` where the batch's are at most ``|clipped value - mean| / scale``; a column whose
    ratio exceeds ``_FOLD_MAX_GROWTH`` (a year near 2000 spread over 10 years, say) keeps
    the batch's arithmetic for the whole row.
    """
    clip, mean, scale = stats
    if not _foldable(clip, mean):
        return None
    low, high = clip
    n = len(mean)
    constant = low == high
    W_numbers = W[:n] / scale[:, None]
    W_numbers[constant] = 0.0
    shift = np.where(constant, (low - mean) / scale, -mean / scale)
    bias = b + shift @ W[:n] + template[n:] @ W[n:]
    return np.vstack([W_numbers, bias])


def _expand_pieces(Z, columns, slope, offset, low, high):
    """The piecewise-linear encoding the network's first layer reads (the student's
    ``input_bins``): ``clip(Z[:, columns] * slope + offset, low, high)``; the student's own
    copy is ``skdistill.students._pieces.expand_pieces``."""
    P = np.take(Z, columns, axis=-1)
    P *= slope
    P += offset
    return np.clip(P, low, high, out=P)


def _mlp_forward(Z, layers, relu):
    """The network's outputs. The array's ``dot`` method: ``np.dot`` and ``@`` pass through
    numpy's ``__array_function__`` dispatch, a third of a small product's time on one row."""
    *hidden, (W, b) = layers
    for W_hidden, b_hidden in hidden:
        Z = Z.dot(W_hidden)
        Z += b_hidden
        np.maximum(Z, 0.0, out=Z) if relu else np.tanh(Z, out=Z)
    Z = Z.dot(W)
    Z += b
    return Z


def _softmax_row(logits):
    """The softmax of one row of logits (a list) as a (1, k) array, in Python's ``math``: a
    third of the time of the array calls on one row."""
    top = max(logits)
    e = [math.exp(v - top) for v in logits]
    total = sum(e)
    return np.array([[v / total for v in e]])


def _softmax_logits(z):
    """The softmax of one row of logits (a 1-D array, overwritten) as a (1, k) array.

    Where every logit lies in [-700, 600], ``exp`` of each is a normal float64 and their sum
    cannot overflow, so the shift by the largest logit is not needed: two array calls on the
    row itself, half the time of :func:`_softmax_row` (~1 µs on a row of 7). The same
    probabilities to float64 rounding; other rows (and NaN) take :func:`_softmax_row`."""
    logits = z.tolist()
    if not (-700.0 <= min(logits) and max(logits) <= 600.0):
        return _softmax_row(logits)
    np.exp(z, out=z)
    z *= 1.0 / sum(z.tolist())
    return z[None]


def _softmax(Z):
    """Row-wise softmax of fresh logits (overwritten when there is one row)."""
    if len(Z) == 1:
        return _softmax_logits(Z[0])
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _sharpen(P, temperature):
    P = np.clip(P, 0.0, None)
    if temperature != 1.0:
        P = np.exp(temperature * np.log(np.clip(P, _PROBA_EPS, None)))
    return P / np.maximum(P.sum(axis=1, keepdims=True), _PROBA_EPS)


def _tree_row_leaf(walk, z):
    """The leaf one encoded row reaches: ``_tree_leaves``' rules, walked with Python scalars
    (a few microseconds, where array steps cost tens)."""
    left, right, feature, threshold, nan_left = walk
    x, i = z.astype(np.float32).tolist(), 0
    while left[i] >= 0:
        v = x[feature[i]]
        go_left = nan_left[i] if v != v else v <= threshold[i]
        i = left[i] if go_left else right[i]
    return i


def _tree_leaves(a, Z):
    """Leaf index of each row: scikit-learn's traversal (``x <= threshold`` in float32 input
    against a float64 threshold; NaN goes where ``missing_go_to_left`` says)."""
    X = Z.astype(np.float32).astype(np.float64)
    left, right = a["children_left"], a["children_right"]
    feature, threshold, nan_left = a["feature"], a["threshold"], a["missing_go_to_left"]
    node = np.zeros(len(X), dtype=np.intp)
    active = np.flatnonzero(left[node] >= 0)
    while len(active):
        at = node[active]
        x = X[active, feature[at]]
        go_left = np.where(np.isnan(x), nan_left[at].astype(bool), x <= threshold[at])
        node[active] = np.where(go_left, left[at], right[at])
        active = active[left[node[active]] >= 0]
    return node


_LIGHTGBM_ZERO = 1e-35  # LightGBM's kZeroThreshold: |x| below it counts as zero
_ENSEMBLE_ROWS = 2048  # rows per block: bounds the (rows x trees) work arrays
# One row walks the trees with Python scalars up to this many trees; beyond, the array
# kernel's fixed cost is the smaller (7 classes x 30 trees: 127 against 107 µs; 26 x 30:
# 916 against 273 µs).
_WALK_MAX_TREES = 150


def _ensemble_raw(a, X, meta):
    """Margins of a tree ensemble (see ``skdistill/deploy/_boosters.py`` for the arrays):
    each output's leaf values summed, plus its base margin."""
    if meta["float32_input"]:  # XGBoost compares float32 values
        X = X.astype(np.float32).astype(np.float64)
    n_trees = len(a["gbm_roots"])
    out = np.empty((len(X), a["gbm_groups"].shape[1]))
    for start in range(0, len(X), _ENSEMBLE_ROWS):
        block = np.ascontiguousarray(X[start : start + _ENSEMBLE_ROWS])
        leaves = _ensemble_leaves(a, block).reshape(len(block), n_trees)
        out[start : start + len(block)] = a["gbm_value"][leaves] @ a["gbm_groups"]
    return out + a["gbm_base"]


def _ensemble_row(a, w, Z, meta):
    """``_ensemble_raw`` of one row, walking each tree with Python scalars (the same rules
    as ``_ensemble_leaves``): on one row, array steps cost several times more."""
    x = (Z.astype(np.float32) if meta["float32_input"] else Z)[0].tolist()
    feature, threshold, left, right = w["feature"], w["threshold"], w["left"], w["right"]
    nan_left, cat, member, other_left = w["nan_left"], w["cat"], w["cat_member"], w["other_left"]
    width = len(member[0]) if member else 0
    leaves = []
    for i in w["roots"]:
        while left[i] != i:
            v = x[feature[i]]
            if v != v:
                go_left = nan_left[i]
            elif cat[i] >= 0:
                listed = 0 <= v < width and member[cat[i]][int(v)]
                go_left = not other_left[i] if listed else other_left[i]
            elif w["zero_missing"][i] and abs(v) <= _LIGHTGBM_ZERO:
                go_left = w["zero_left"][i]
            else:
                go_left = v <= threshold[i]
            i = left[i] if go_left else right[i]
        leaves.append(i)
    return a["gbm_value"][leaves][None, :] @ a["gbm_groups"] + a["gbm_base"]


def _ensemble_leaves(a, X):
    """The leaf each row reaches in each tree, flat (row-major over rows x trees). The
    (row, tree) pairs still at a split step down together, as in ``_tree_leaves``."""
    feature, threshold = a["gbm_feature"], a["gbm_threshold"]
    left, right = a["gbm_left"], a["gbm_right"]
    is_leaf = left == np.arange(len(left))
    nan_left = a["gbm_nan_left"].astype(bool)
    zero_missing = a["gbm_zero_missing"].astype(bool)
    cat, member, other_left = a["gbm_cat"], a["gbm_cat_member"], a["gbm_other_left"].astype(bool)
    has_zero, has_cat = bool(zero_missing.any()), len(member) > 0
    n_trees, values = len(a["gbm_roots"]), X.ravel()
    node = np.tile(a["gbm_roots"].astype(np.intp), len(X))
    offset = np.repeat(np.arange(len(X)) * X.shape[1], n_trees)  # row starts in ``values``
    active = np.flatnonzero(~is_leaf[node])
    while len(active):
        at = node[active]
        v = values[offset[active] + feature[at]]
        go_left = v <= threshold[at]
        nan = np.isnan(v)
        if nan.any():
            go_left[nan] = nan_left[at[nan]]
        if has_zero:
            zero = zero_missing[at] & (np.abs(v) <= _LIGHTGBM_ZERO)
            go_left[zero] = a["gbm_zero_left"][at[zero]].astype(bool)
        if has_cat:
            split = np.flatnonzero(cat[at] >= 0)
            if len(split):
                nodes, x = at[split], v[split]
                valid = (x >= 0) & (x < member.shape[1])  # False for NaN
                code = np.where(valid, x, 0).astype(np.intp)
                listed = valid & member[cat[nodes], code].astype(bool)
                side = np.where(listed, ~other_left[nodes], other_left[nodes])
                go_left[split] = np.where(np.isnan(x), nan_left[nodes], side)
        node[active] = np.where(go_left, left[at], right[at])
        active = active[~is_leaf[node[active]]]
    return node

"""MUNGE (Bucilua, Caruana & Niculescu-Mizil, 2006): swap attributes with the nearest neighbour."""

from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.neighbors import BallTree, KDTree, NearestNeighbors
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import RowSampler

# Most groups of identical partition values searched one by one; more would cost more in
# Python overhead than the smaller trees save.
_MAX_PARTITIONS = 1_000
_HALF = np.sqrt(0.5)
# Above this many search dimensions "auto" compares every pair (chunked, multi-threaded)
# instead of building a tree: on a 40,000 x 28 continuous table (higgs) the KD-tree took 37 s
# and the pairwise search 2.5 s, as trees lose their pruning power in many dimensions.
_MAX_TREE_DIMS = 15


def _nominal_attributes(Zi, schema):
    """(codes, encoded block) of each nominal attribute of the imputed encoded matrix.

    In the encoded block two rows that differ in the attribute are at squared distance 1:
    binary columns stay 0/1, one-hot groups and one-hot-expanded categoricals are scaled by
    1/sqrt(2).
    """
    n = Zi.shape[0]
    out = []
    for j in schema.indices("binary"):
        out.append((Zi[:, j].astype(np.intp), Zi[:, [j]]))
    for g in schema.groups:
        out.append((np.argmax(Zi[:, g], axis=1), Zi[:, g] * _HALF))
    for j in schema.indices("categorical"):
        codes = Zi[:, j].astype(np.intp)
        block = np.zeros((n, max(len(schema.categories[j]), 1)))
        block[np.arange(n), codes] = _HALF
        out.append((codes, block))
    return out


def _choose_partition(attrs, n):
    """Nominal attributes to split the table by, and each row's part.

    Greedy, widest attribute first (it removes the most columns from the search space), as
    long as the number of parts stays at most ``_MAX_PARTITIONS``.
    """
    chosen, part = [], np.zeros(n, dtype=np.intp)
    n_parts = 1
    order = sorted(range(len(attrs)), key=lambda a: -attrs[a][1].shape[1])
    for a in order:
        codes = attrs[a][0]
        combined = part.astype(np.int64) * (int(codes.max()) + 1) + codes
        uniq, inverse = np.unique(combined, return_inverse=True)
        if len(uniq) <= _MAX_PARTITIONS:
            chosen.append(a)
            part, n_parts = inverse.ravel(), len(uniq)
    return chosen, part, n_parts


class _BruteIndex:
    """The ``query`` of a tree, answered by comparing against every row in chunks."""

    def __init__(self, W):
        self._nn = NearestNeighbors(algorithm="brute").fit(W)

    def query(self, X, k):
        return self._nn.kneighbors(X, n_neighbors=k)


def _tree(W, algorithm):
    """An index over the rows of W with a KD-tree's ``query(X, k) -> (dist, ind)``."""
    if algorithm == "auto":
        algorithm = "kd_tree" if W.shape[1] <= _MAX_TREE_DIMS else "brute"
    if algorithm == "brute":
        return _BruteIndex(W)
    return (KDTree if algorithm == "kd_tree" else BallTree)(W)


def _search_part(W, rows, algorithm):
    """Tree over one part, and each of its rows' nearest other row and squared distance."""
    tree = _tree(W[rows], algorithm)
    if len(rows) < 2:
        return tree, rows, np.full(len(rows), np.inf)
    dist, ind = tree.query(W[rows], k=2)
    # With duplicate rows the query row need not come first; take whichever is not itself.
    pick = (ind[:, 0] == np.arange(len(rows))).astype(np.intp)
    sel = np.arange(len(rows))
    return tree, rows[ind[sel, pick]], dist[sel, pick] ** 2


def nearest_other(Z, schema, algorithm="auto", n_jobs=None):
    """Index of each row's nearest other row in MUNGE's distance (itself for a 1-row table).

    The squared distance adds 1 per differing nominal attribute. The table is split into
    parts that agree on some nominal attributes (all of covtype's: 75 parts), and each part is
    searched over the numeric columns and the other nominal attributes, which is
    low-dimensional and fast (a 54-dimensional tree over all of covtype takes minutes): with a
    KD-tree up to 15 dimensions, otherwise by comparing all pairs in chunks. A
    neighbour found within the part at squared distance at most 1 is exact, since any row of
    another part is at least 1 away; the few rows without one are then searched in every
    other part that could hold a nearer row, with its mismatch count added. The result is
    the exact nearest neighbour (ties broken arbitrarily).
    """
    n = Z.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.intp)
    Zi = schema.impute(Z)
    attrs = _nominal_attributes(Zi, schema)
    chosen, part, n_parts = _choose_partition(attrs, n)
    blocks = [Zi[:, schema.indices("continuous", "integer")]]
    blocks += [attrs[a][1] for a in range(len(attrs)) if a not in chosen]
    W = np.ascontiguousarray(np.hstack(blocks), dtype=np.float64)
    if W.shape[1] == 0:  # every column partitions: rows of a part are identical
        W = np.zeros((n, 1))
    order = np.argsort(part, kind="stable")
    parts = np.split(order, np.flatnonzero(np.diff(part[order])) + 1)
    # Threads: the trees release the GIL while querying.
    results = Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(_search_part)(W, rows, algorithm) for rows in parts
    )
    out = np.empty(n, dtype=np.intp)
    best = np.empty(n)
    for rows, (_, idx, dist2) in zip(parts, results, strict=True):
        out[rows], best[rows] = idx, dist2
    rest = np.flatnonzero(best > 1.0)
    if rest.size and chosen:
        K = np.column_stack([attrs[a][0] for a in chosen])  # partition codes per row
        part_key = K[order[np.r_[0, np.flatnonzero(np.diff(part[order])) + 1]]]
        for p, (tree, _, _) in enumerate(results):
            mismatch = np.sum(K[rest] != part_key[p], axis=1)
            cand = rest[(mismatch < best[rest]) & (part[rest] != p)]
            if cand.size == 0:
                continue
            dist, ind = tree.query(W[cand], k=1)
            dist2 = dist[:, 0] ** 2 + np.sum(K[cand] != part_key[p], axis=1)
            better = dist2 < best[cand]
            out[cand[better]] = parts[p][ind[better, 0]]
            best[cand[better]] = dist2[better]
    return out


class MUNGE(RowSampler):
    """MUNGE pseudo-data: each real row swaps attributes with its nearest neighbour.

    For a seed row ``a`` and its nearest neighbour ``b`` (Euclidean distance on standardised
    numeric columns, 0/1 mismatch for each nominal attribute), every attribute is swapped with
    probability ``p``: a continuous value of ``a`` is redrawn from a normal centred on ``b``'s
    value with standard deviation ``|a - b| / s``, a nominal value (binary, categorical, a whole
    one-hot group) is replaced by ``b``'s. The new rows stay close to the data manifold while
    filling the space between neighbours, which is what a student needs to learn where the
    teacher's decision boundaries run.

    The paper's pass over the data also changes the neighbour ``b`` (around ``a``'s values) in
    place. Here each generated row starts from its own seed row, and the seeds are used in
    rounds (every real row once per round, in random order), so ``b``'s side of the swap is
    produced when ``b`` is itself the seed. Emitting the changed neighbour as a second row
    instead would over-represent "hub" rows that are the nearest neighbour of many others (on
    a table with 19% missing values in a column, those second rows had 25% missing).

    When to use it: tabular data with a mix of continuous and nominal columns, as in the
    paper; it is the distillers' default for tree students, which it served best of all our
    samplers (``docs/defaults_tree.md``). Use :class:`Smear` when the nearest-neighbour search
    at fit time is too slow (hundreds of thousands of rows with many continuous columns), and
    :class:`MarginalSampler` only as a baseline.

    Nearest neighbours are found once, at fit time, within groups of rows that agree on their
    nominal attributes: with a KD-tree in few dimensions, by a chunked multi-threaded pairwise
    search in many (see :func:`nearest_other`); sampling is then vectorised over rows. Seed rows
    are used in rounds (each real row once per round, in a random order). Integer columns are
    treated as continuous and rounded. Missing values count as the column's mean or mode in the
    search and are never swapped in, so each generated row keeps the missing cells of the row it
    started from and every column keeps its missing-value rate.

    Parameters
    ----------
    p : float, default=0.5
        Probability of swapping each attribute.
    s : float, default=2.0
        Local spread: the standard deviation of a redrawn continuous value is ``|a - b| / s``.
        Larger ``s`` keeps new values closer to the neighbour's.
    column_kinds : dict, default=None
        Overrides of the inferred column kinds, see :func:`~skdistill.samplers.infer_schema`.
    margin : float, default=0.0
        Continuous values may leave the observed range by this fraction of it.
    algorithm : {"auto", "kd_tree", "ball_tree", "brute"}, default="auto"
        Index for the nearest-neighbour search (see :func:`nearest_other`); "auto" takes a
        KD-tree up to 15 search dimensions and the pairwise ("brute") search above, where
        trees barely prune.
    n_jobs : int, default=None
        Threads for the neighbour search (``-1``: all cores).

    Attributes
    ----------
    schema_ : TableSchema
        Column kinds inferred at fit time.
    neighbors_ : ndarray of shape (n_rows,)
        Index of each fitted row's nearest other row.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X was a DataFrame with string column names.

    See Also
    --------
    Smear : cell-wise resampling with noise, no neighbour search.
    MarginalSampler : independent columns (the paper's RANDOM baseline).

    References
    ----------
    C. Bucilua, R. Caruana and A. Niculescu-Mizil, "Model Compression", KDD 2006, 535-541.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.samplers import MUNGE
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([rng.normal(size=200), rng.integers(0, 5, 200)])
    >>> sampler = MUNGE(p=0.5, s=2.0).fit(X)
    >>> X_new = sampler.sample(1000, random_state=0)
    >>> X_new.shape
    (1000, 2)
    >>> bool(np.all(X_new[:, 1] == np.round(X_new[:, 1])))
    True
    """

    _parameter_constraints: dict = {
        **RowSampler._parameter_constraints,
        "p": [Interval(Real, 0, 1, closed="both")],
        "s": [Interval(Real, 0, None, closed="neither")],
        "algorithm": [StrOptions({"auto", "kd_tree", "ball_tree", "brute"})],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self, p=0.5, s=2.0, *, column_kinds=None, margin=0.0, algorithm="auto", n_jobs=None
    ):
        self.p = p
        self.s = s
        self.column_kinds = column_kinds
        self.margin = margin
        self.algorithm = algorithm
        self.n_jobs = n_jobs

    def _fit(self, Z):
        super()._fit(Z)
        schema = self.schema_
        self.neighbors_ = nearest_other(Z, schema, self.algorithm, self.n_jobs)
        self._attr_of_col = schema.attribute_of_column()
        self._n_attrs = len(schema.attributes())
        self._numeric = schema.indices("continuous", "integer")
        self._has_missing = bool(np.isnan(Z).any())

    def _generate(self, seeds, rng):
        a = self._Z[seeds]
        b = self._Z[self.neighbors_[seeds]]
        swap = (rng.random((len(seeds), self._n_attrs)) < self.p)[:, self._attr_of_col]
        # A missing value is never swapped: each generated row keeps the missing cells of the
        # real row it started from, so missingness stays tied to rows and columns keep their
        # missing-value rate.
        if self._has_missing:
            swap &= ~(np.isnan(a) | np.isnan(b))
        # Nominal attributes take the neighbour's value; numeric ones are redrawn around it.
        out = np.where(swap, b, a)
        num = self._numeric
        if num.size:
            an, bn = a[:, num], b[:, num]
            sd = np.abs(an - bn)
            sd /= self.s
            out[:, num] = np.where(swap[:, num], bn + sd * rng.standard_normal(an.shape), an)
        return out

"""A Gaussian mixture fitted on the encoded table, decoded back to the schema."""

from numbers import Integral, Real

import numpy as np
from sklearn.mixture import GaussianMixture
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from .._targets import one_hot
from ._base import BaseSampler


class GaussianMixtureSampler(BaseSampler):
    """Pseudo-data from a Gaussian mixture density fitted on the encoded table.

    The mixture (:class:`~sklearn.mixture.GaussianMixture`) is fitted on standardised
    continuous and integer columns, 0/1 binary and one-hot columns, and one-hot-encoded
    categoricals. Generated rows are decoded back to the table: ranges clipped, integers
    rounded, binaries thresholded at 0.5, the largest column of each one-hot group (or
    category block) made the hot one. Missing values are imputed for the fit and re-inserted
    at random at each column's observed rate.

    When to use it: when you want rows from a smooth global density rather than around the
    training rows (e.g. to probe a teacher away from the training points); mostly a
    comparison point. This is close to the density-estimation pseudo-data that Bucilua et al.
    compare MUNGE against (their NBE, a mixture model). It captures correlations only as far
    as ``n_components`` Gaussians can, and nominal columns only approximately; on tables
    with many nominal columns prefer :class:`MUNGE`.

    Parameters
    ----------
    n_components : int, default=10
        Number of mixture components.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
    reg_covar : float, default=1e-3
        Added to the covariance diagonals; 0/1 columns need it to keep them invertible.
    max_iter : int, default=100
        EM iterations.
    max_samples : int or None, default=100_000
        Fit on a random subset of at most this many rows (EM on a full large table is slow and
        gains little); None uses all rows.
    random_state : int, RandomState instance or None, default=None
        Seed of the fit (subset and initialisation); sampling takes its own ``random_state``.
    column_kinds : dict, default=None
        Overrides of the inferred column kinds, see :func:`~skdistill.samplers.infer_schema`.
    margin : float, default=0.0
        Continuous values may leave the observed range by this fraction of it.

    Attributes
    ----------
    mixture_ : GaussianMixture
        The fitted mixture, on the encoded columns.
    schema_ : TableSchema
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X was a DataFrame with string column names.

    References
    ----------
    C. Bucilua, R. Caruana and A. Niculescu-Mizil, "Model Compression", KDD 2006, 535-541.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.samplers import GaussianMixtureSampler
    >>> X = np.random.default_rng(0).normal(size=(200, 3))
    >>> sampler = GaussianMixtureSampler(n_components=2, random_state=0).fit(X)
    >>> sampler.sample(5, random_state=0).shape
    (5, 3)
    """

    _impute_missing = True

    _parameter_constraints: dict = {
        **BaseSampler._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "covariance_type": [StrOptions({"full", "tied", "diag", "spherical"})],
        "reg_covar": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "max_samples": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components=10,
        *,
        covariance_type="full",
        reg_covar=1e-3,
        max_iter=100,
        max_samples=100_000,
        random_state=None,
        column_kinds=None,
        margin=0.0,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.max_samples = max_samples
        self.random_state = random_state
        self.column_kinds = column_kinds
        self.margin = margin

    def _expand(self, Z):
        """Encoded matrix with categorical codes one-hot expanded (the mixture's space)."""
        blocks = [Z[:, self._plain]]
        for j in self._categorical:
            n_cat = max(len(self.schema_.categories[j]), 1)
            blocks.append(one_hot(Z[:, j].astype(np.intp), n_cat))
        return np.hstack(blocks)

    def _collapse(self, E):
        Z = np.empty((E.shape[0], self.schema_.n_features))
        Z[:, self._plain] = E[:, : self._plain.size]
        start = self._plain.size
        for j in self._categorical:
            n_cat = max(len(self.schema_.categories[j]), 1)
            Z[:, j] = np.argmax(E[:, start : start + n_cat], axis=1)
            start += n_cat
        return Z

    def _fit(self, Z):
        schema = self.schema_
        self._categorical = schema.indices("categorical")
        self._plain = np.setdiff1d(np.arange(schema.n_features), self._categorical)
        rng = check_random_state(self.random_state)
        if self.max_samples is not None and Z.shape[0] > self.max_samples:
            Z = Z[rng.choice(Z.shape[0], self.max_samples, replace=False)]
        E = self._expand(Z)
        # A mixture needs at least two rows and no more components than distinct rows; a
        # single row is doubled (its components then collapse onto it, up to reg_covar).
        n_components = min(self.n_components, len(np.unique(E, axis=0)))
        if E.shape[0] < 2:
            E = np.repeat(E, 2, axis=0)
        self.mixture_ = GaussianMixture(
            n_components=n_components,
            covariance_type=self.covariance_type,
            reg_covar=self.reg_covar,
            max_iter=self.max_iter,
            random_state=rng,
        ).fit(E)
        # Cholesky factors once, so sampling is a matrix product per component.
        cov = self.mixture_.covariances_
        if self.covariance_type == "full":
            self._factors = np.linalg.cholesky(cov)
        elif self.covariance_type == "tied":
            self._factors = np.broadcast_to(np.linalg.cholesky(cov), (n_components, *cov.shape))
        elif self.covariance_type == "diag":
            self._factors = np.sqrt(cov)
        else:
            self._factors = np.sqrt(cov)[:, None] * np.ones(E.shape[1])

    def _sample(self, n, rng):
        # Our own draw from the fitted mixture, so sample() follows its random_state argument
        # (GaussianMixture.sample always uses the estimator's own random_state).
        gm = self.mixture_
        counts = rng.multinomial(n, gm.weights_ / gm.weights_.sum())
        d = gm.means_.shape[1]
        parts = []
        for k, m in enumerate(counts):
            if m == 0:
                continue
            z = rng.standard_normal((m, d))
            L = self._factors[k]
            parts.append(gm.means_[k] + (z @ L.T if L.ndim == 2 else z * L))
        E = np.concatenate(parts)[rng.permutation(n)]
        return self._collapse(E)

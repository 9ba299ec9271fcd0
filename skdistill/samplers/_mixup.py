"""Mixup: convex combinations of pairs of real rows."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import RowSampler


class Mixup(RowSampler):
    """Pseudo-data as convex combinations of two real rows (mixup, without labels).

    Each generated row mixes a seed row ``a`` with a random partner ``b``:
    ``lam * a + (1 - lam) * b`` on continuous and integer columns (integers rounded back),
    with ``lam ~ Beta(alpha, alpha)`` per row. Nominal attributes (binary, categorical,
    one-hot groups) cannot be averaged and come whole from the parent with the larger weight,
    as do missing cells, so each column keeps its missing-value rate.

    When to use it: to fill the space *between* data points rather than around them, which
    probes a teacher's behaviour on interpolations (useful for smooth students such as MLPs).
    Small ``alpha`` keeps rows near one parent; ``alpha=1`` mixes uniformly. Rows between
    distant points can leave the data manifold; :class:`MUNGE` stays closer to it.

    Parameters
    ----------
    alpha : float, default=0.4
        Parameter of the symmetric Beta distribution of the mixing weight.
    column_kinds : dict, default=None
        Overrides of the inferred column kinds, see :func:`~skdistill.samplers.infer_schema`.
    margin : float, default=0.0
        Continuous values may leave the observed range by this fraction of it.

    Attributes
    ----------
    schema_ : TableSchema
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X was a DataFrame with string column names.

    References
    ----------
    H. Zhang, M. Cisse, Y. N. Dauphin and D. Lopez-Paz, "mixup: Beyond Empirical Risk
    Minimization", ICLR 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.samplers import Mixup
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> Mixup(alpha=0.4).fit(X).sample(4, random_state=0).shape
    (4, 3)
    """

    _parameter_constraints: dict = {
        **RowSampler._parameter_constraints,
        "alpha": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, alpha=0.4, *, column_kinds=None, margin=0.0):
        self.alpha = alpha
        self.column_kinds = column_kinds
        self.margin = margin

    def _fit(self, Z):
        super()._fit(Z)
        self._numeric = self.schema_.indices("continuous", "integer")

    def _generate(self, seeds, rng):
        a = self._Z[seeds]
        b = self._Z[rng.integers(0, self._Z.shape[0], size=len(seeds))]
        lam = rng.beta(self.alpha, self.alpha, size=(len(seeds), 1))
        # Nominal values and missing cells come from the dominant parent.
        out = np.where(lam >= 0.5, a, b)
        num = self._numeric
        if num.size:
            mixed = lam * a[:, num] + (1.0 - lam) * b[:, num]
            out[:, num] = np.where(np.isnan(mixed), out[:, num], mixed)
        return out

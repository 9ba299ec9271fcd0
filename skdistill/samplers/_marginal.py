"""Independent per-column marginals: the RANDOM baseline of Bucilua et al."""

import numpy as np

from ._base import BaseSampler


class MarginalSampler(BaseSampler):
    """Pseudo-data with each attribute drawn independently from its empirical distribution.

    Every attribute (a column, or a whole one-hot group) of a generated row is the same
    attribute of a real row drawn at random, independently of the other attributes. The
    marginals (and missing-value rates) are exact; all dependence between columns is lost.

    When to use it: as a baseline. Bucilua et al. found that such rows (their RANDOM)
    cover a much broader region than the data, so a student trained on them learns the
    teacher where it does not matter; use :class:`MUNGE` for real distillation.

    Parameters
    ----------
    column_kinds : dict, default=None
        Overrides of the inferred column kinds, see :func:`~skdistill.samplers.infer_schema`.
    margin : float, default=0.0
        Unused (values are always observed ones); kept for a common interface.

    Attributes
    ----------
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
    >>> from skdistill.samplers import MarginalSampler
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> MarginalSampler().fit(X).sample(4, random_state=0).shape
    (4, 3)
    """

    def __init__(self, *, column_kinds=None, margin=0.0):
        self.column_kinds = column_kinds
        self.margin = margin

    def _fit(self, Z):
        self._Z = Z
        self._attrs = self.schema_.attributes()

    def _sample(self, n, rng):
        out = np.empty((n, self._Z.shape[1]), dtype=self._Z.dtype)
        for cols in self._attrs:
            rows = rng.integers(0, self._Z.shape[0], size=n)
            out[:, cols] = self._Z[rows[:, None], cols]
        return out

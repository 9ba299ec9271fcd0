"""Gaussian noise around real rows."""

from numbers import Real

from sklearn.utils._param_validation import Interval

from ._base import RowSampler


class GaussianNoise(RowSampler):
    """Pseudo-data as real rows plus Gaussian noise on the numeric columns.

    Each generated row copies a real row and adds to every continuous and integer column a
    normal draw with standard deviation ``scale`` times that column's standard deviation;
    integers are rounded back and values clipped to the observed range. Nominal columns
    (binary, categorical, one-hot groups) and missing cells are kept from the real row.

    When to use it: the simplest local perturbation, for tables that are mostly continuous
    (it never changes a category). It probes the teacher around each training row, the
    isotropic version of :class:`MUNGE`'s neighbour-scaled spread; with mostly nominal
    columns prefer :class:`MUNGE` or :class:`Smear`. It is classic input-noise augmentation
    (Bishop 1995), here used to query the teacher rather than to regularise.

    Parameters
    ----------
    scale : float, default=0.1
        Noise standard deviation in units of each column's standard deviation.
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

    See Also
    --------
    MUNGE : noise scaled by the distance to the nearest neighbour, and swapped nominals.

    References
    ----------
    C. M. Bishop, "Training with Noise is Equivalent to Tikhonov Regularization", Neural
    Computation 7(1), 1995, 108-116.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.samplers import GaussianNoise
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> GaussianNoise(scale=0.05).fit(X).sample(4, random_state=0).shape
    (4, 3)
    """

    _parameter_constraints: dict = {
        **RowSampler._parameter_constraints,
        "scale": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, scale=0.1, *, column_kinds=None, margin=0.0):
        self.scale = scale
        self.column_kinds = column_kinds
        self.margin = margin

    def _fit(self, Z):
        super()._fit(Z)
        self._numeric = self.schema_.indices("continuous", "integer")

    def _generate(self, seeds, rng):
        out = self._Z[seeds]
        num = self._numeric
        if num.size and self.scale > 0:
            # Encoded numeric columns have unit standard deviation.
            out[:, num] += self.scale * rng.standard_normal((len(seeds), num.size))
        return out

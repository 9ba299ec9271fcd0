"""Smearing: resample some cells from other rows and add a little noise."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import RowSampler


class Smear(RowSampler):
    """Pseudo-data by smearing real rows: swap a fraction of cells for other rows' values.

    Each generated row starts from a real row; every attribute (a column, or a whole one-hot
    group) is, with probability ``fraction``, replaced by the same attribute of another real
    row drawn at random, and replaced continuous and integer values get Gaussian noise of
    ``noise`` standard deviations of their column. The rest of the row is kept as it is.

    When to use it: the distillers' default for the MLP student, which it served best of our
    samplers (``docs/defaults.md``), and a cheap choice wherever the nearest-neighbour search
    of :class:`MUNGE` is too slow (very wide or very large tables): fitting only encodes the
    table, and sampling is a gather plus noise. It does not suit single trees, whose splits
    it blurs (``docs/defaults_tree.md``). Smaller ``fraction`` stays closer to the data;
    larger spreads the rows further from it, towards :class:`MarginalSampler`. This is the
    "smearing" of Breiman & Shang's born-again trees and the idea behind AutoGluon's default
    pseudo-data for distillation ("spunge", with ``fraction=0.1``).

    Missing values travel with the cells, so each column keeps its missing-value rate.

    Parameters
    ----------
    fraction : float, default=0.1
        Probability that an attribute of a generated row comes from another random row.
    noise : float, default=0.1
        Standard deviation of the noise added to a resampled numeric value, in units of the
        column's standard deviation (0 for none).
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
    MUNGE : swaps attributes with the nearest neighbour instead of a random row.
    GaussianNoise : noise around real rows, no resampling.

    References
    ----------
    L. Breiman and N. Shang, "Born Again Trees", technical report, University of California,
    Berkeley, 1996.

    N. Erickson et al., "AutoGluon-Tabular: Robust and Accurate AutoML for Structured Data",
    arXiv:2003.06505, 2020 (distillation with "spunge" augmentation, see also Fakoor et al.,
    "Fast, Accurate, and Simple Models for Tabular Data via Augmented Distillation", NeurIPS
    2020).

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.samplers import Smear
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> Smear(fraction=0.2, noise=0.1).fit(X).sample(5, random_state=0).shape
    (5, 3)
    """

    _parameter_constraints: dict = {
        **RowSampler._parameter_constraints,
        "fraction": [Interval(Real, 0, 1, closed="both")],
        "noise": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, fraction=0.1, noise=0.1, *, column_kinds=None, margin=0.0):
        self.fraction = fraction
        self.noise = noise
        self.column_kinds = column_kinds
        self.margin = margin

    def _fit(self, Z):
        super()._fit(Z)
        self._attr_of_col = self.schema_.attribute_of_column()
        self._numeric = self.schema_.indices("continuous", "integer")

    def _generate(self, seeds, rng):
        out = self._Z[seeds]
        m, n_rows = len(seeds), self._Z.shape[0]
        n_attrs = self._attr_of_col.max() + 1
        replace = rng.random((m, n_attrs)) < self.fraction
        rows, attrs = np.nonzero(replace)
        donors = rng.integers(0, n_rows, size=rows.size)
        # Expand each replaced attribute to its columns (a one-hot group moves as a whole).
        cols, sizes = self.schema_.attribute_columns(attrs)
        cell_rows = np.repeat(rows, sizes)
        cell_donors = np.repeat(donors, sizes)
        out[cell_rows, cols] = self._Z[cell_donors, cols]
        if self.noise > 0 and self._numeric.size:
            noisy = np.isin(cols, self._numeric)
            r, c = cell_rows[noisy], cols[noisy]
            out[r, c] += self.noise * rng.standard_normal(r.size)
        return out

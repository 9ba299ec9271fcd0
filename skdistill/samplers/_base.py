"""The template every sampler follows: validate, infer the schema, encode; sample, decode.

Public ``fit`` validates X, infers :class:`~skdistill.samplers.TableSchema` once, remembers the
container (array dtype, or DataFrame columns and dtypes) and hands the encoded float matrix to
the private ``_fit``. Public ``sample`` / ``iter_samples`` validate ``n_samples``, ask the
private ``_iter_encoded`` for encoded rows and decode them, so every sampler obeys the same
schema (ranges, integers, one-hot groups, categories, missing-value rates).
"""

from math import ceil
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from .._random import draw_seed
from .._tables import CHUNK_ROWS
from .._validation import check_dense_table, is_dataframe
from ._schema import _container_template, infer_schema


def check_n_samples(n_samples, name="n_samples"):
    """``n_samples`` as a positive int, or a ValueError saying what to pass."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, Integral | np.integer):
        if isinstance(n_samples, Real) and float(n_samples).is_integer():
            n_samples = int(n_samples)
        else:
            raise ValueError(
                f"{name} must be a positive integer number of rows, got {n_samples!r}."
            )
    if n_samples <= 0:
        raise ValueError(
            f"{name} must be a positive integer number of rows, got {n_samples}. To use no "
            "pseudo-data at all, give the distiller sampler=None."
        )
    return int(n_samples)


def make_generator(random_state):
    """A numpy Generator seeded from anything ``check_random_state`` accepts.

    Generators draw normals several times faster than RandomState; drawing the seed through
    ``check_random_state`` keeps sklearn's conventions (int, RandomState instance or None).
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    seed = draw_seed(check_random_state(random_state))
    return np.random.default_rng(seed)


class BaseSampler(BaseEstimator):
    """Base class of skdistill's samplers (template method).

    Subclasses implement ``_fit(Z)`` on the encoded matrix and either ``_sample(n, rng)``
    returning ``n`` encoded rows, or (for samplers that start from real rows)
    :class:`RowSampler`'s ``_generate(seeds, rng)``.

    Parameters
    ----------
    column_kinds : dict, default=None
        Overrides of the inferred column kinds, see :func:`~skdistill.samplers.infer_schema`.
    margin : float, default=0.0
        Continuous values may leave the observed range by this fraction of it.

    Attributes
    ----------
    schema_ : TableSchema
        The schema inferred at fit time.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X was a DataFrame with string column names.
    """

    # Samplers that cannot carry NaN through their algorithm set this: they get imputed data
    # and decode re-inserts missing values at each column's observed rate. The others keep NaN
    # where the real rows they start from had it, so missingness stays tied to the row.
    _impute_missing = False

    _parameter_constraints: dict = {
        "column_kinds": [dict, None],
        "margin": [Interval(Real, 0, None, closed="left")],
    }

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Infer the schema of X and fit the sampler.

        Parameters
        ----------
        X : ndarray or DataFrame of shape (n_samples, n_features)
            The real rows. Missing values (NaN, None, pd.NA) are allowed.
        y : ignored

        Returns
        -------
        self
        """
        X = check_dense_table(X)
        self.schema_ = infer_schema(X, self.column_kinds, margin=self.margin)
        self._template = _container_template(X)
        self.n_features_in_ = X.shape[1]
        if is_dataframe(X) and all(isinstance(c, str) for c in X.columns):
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self._fit(self.schema_.encode(X, impute=self._impute_missing))
        return self

    def sample(self, n_samples, random_state=None):
        """Generate rows that follow the fitted table's schema.

        Parameters
        ----------
        n_samples : int
            Number of rows, at least 1.
        random_state : int, RandomState instance or None, default=None
            Seed of the draw; the same seed gives the same rows.

        Returns
        -------
        X_new : ndarray or DataFrame of shape (n_samples, n_features)
            Same container as the fitted X: a DataFrame with the same columns, dtypes and
            categories, or an array of the same dtype.
        """
        # The concatenation of iter_samples(n, CHUNK_ROWS, random_state): decoding chunk
        # by chunk keeps the float intermediates small (and is faster on a million rows).
        parts = list(self.iter_samples(n_samples, CHUNK_ROWS, random_state))
        if len(parts) == 1:
            return parts[0]
        if is_dataframe(parts[0]):
            import pandas as pd

            return pd.concat(parts, axis=0, ignore_index=True)
        return np.concatenate(parts, axis=0)

    def iter_samples(self, n_samples, chunk_size=CHUNK_ROWS, random_state=None):
        """Generate ``n_samples`` rows as chunks of at most ``chunk_size`` rows.

        Memory stays bounded by one chunk. For a given ``random_state`` (and ``n_samples``,
        ``chunk_size``) the chunks are always the same.

        Parameters
        ----------
        n_samples : int
            Total number of rows, at least 1.
        chunk_size : int, default=65536
            Rows per chunk (the last chunk may be smaller).
        random_state : int, RandomState instance or None, default=None

        Returns
        -------
        chunks : generator of ndarray or DataFrame
            Each chunk in the fitted X's container.
        """
        # Validate now rather than at the first next(): errors then point at the call.
        check_is_fitted(self, "schema_")
        n = check_n_samples(n_samples)
        chunk_size = check_n_samples(chunk_size, name="chunk_size")
        rng = make_generator(random_state)
        return self._decoded_chunks(n, chunk_size, rng)

    def _decoded_chunks(self, n, chunk_size, rng):
        for Z in self._iter_encoded(n, chunk_size, rng):
            yield self._decode(Z, rng)

    def _decode(self, Z, rng):
        return self.schema_.decode(Z, rng, self._template, insert_missing=self._impute_missing)

    def _iter_encoded(self, n, chunk_size, rng):
        for start in range(0, n, chunk_size):
            yield self._sample(min(chunk_size, n - start), rng)

    def _fit(self, Z):
        raise NotImplementedError

    def _sample(self, n, rng):
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags


class _SeedStream:
    """Row indices in rounds: each round is a fresh permutation of all rows.

    Generating ``n`` rows from ``N`` real rows uses every row ``n // N`` or ``n // N + 1``
    times, as in MUNGE's rounds, instead of leaving some rows out by chance.
    """

    def __init__(self, n_rows, rng):
        self.n_rows, self.rng = n_rows, rng
        self.perm, self.pos = rng.permutation(n_rows), 0

    def take(self, k):
        out = []
        while k > 0:
            if self.pos == self.n_rows:
                self.perm, self.pos = self.rng.permutation(self.n_rows), 0
            step = min(k, self.n_rows - self.pos)
            out.append(self.perm[self.pos : self.pos + step])
            self.pos += step
            k -= step
        return out[0] if len(out) == 1 else np.concatenate(out)


class RowSampler(BaseSampler):
    """A sampler whose rows each start from real seed rows (MUNGE, Smear, noise, Mixup).

    Subclasses set ``_rows_per_seed`` and implement ``_generate(seeds, rng)`` returning
    ``len(seeds) * _rows_per_seed`` encoded rows; ``_fit`` keeps the encoded rows in ``_Z``.
    """

    _rows_per_seed = 1

    def _fit(self, Z):
        self._Z = Z

    def _iter_encoded(self, n, chunk_size, rng):
        seeds = _SeedStream(self._Z.shape[0], rng)
        for start in range(0, n, chunk_size):
            m = min(chunk_size, n - start)
            yield self._generate(seeds.take(ceil(m / self._rows_per_seed)), rng)[:m]

    def _sample(self, n, rng):
        return np.concatenate(list(self._iter_encoded(n, n, rng)))

    def _generate(self, seeds, rng):
        raise NotImplementedError

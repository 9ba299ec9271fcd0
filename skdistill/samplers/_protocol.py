"""What the distillers accept as a sampler, and chunked sampling from any of them.

Our samplers have ``iter_samples``; others (sklearn's ``GaussianMixture``, ``KernelDensity``, a
user's own class) need only ``fit(X)`` and ``sample(n_samples)``. :func:`iter_sampler_chunks`
hides the differences: tuple returns, a missing ``random_state`` argument, numpy output from a
sampler fitted on a DataFrame.
"""

import copy
import inspect

import numpy as np
from sklearn.utils import check_random_state

from .._random import draw_seed
from ._base import check_n_samples


def check_sampler(sampler):
    """Check that ``sampler`` can generate pseudo-data (``None`` is accepted: no pseudo-data).

    Parameters
    ----------
    sampler : object or None
        Anything with callable ``fit`` and ``sample`` methods.

    Returns
    -------
    sampler : object or None
        The same object.

    Raises
    ------
    TypeError
        If ``sampler`` lacks ``fit`` or ``sample``, naming what is missing.

    Examples
    --------
    >>> from sklearn.mixture import GaussianMixture
    >>> from skdistill.samplers import MUNGE, check_sampler
    >>> check_sampler(GaussianMixture())
    GaussianMixture()
    >>> check_sampler("munge")
    Traceback (most recent call last):
    ...
    TypeError: sampler must have fit(X) and sample(n_samples) methods ...
    """
    if sampler is None:
        return None
    if isinstance(sampler, type):
        raise TypeError(
            f"sampler must be an instance, got the class {sampler.__name__}; pass "
            f"{sampler.__name__}() (with any parameters) instead."
        )
    missing = [m for m in ("fit", "sample") if not callable(getattr(sampler, m, None))]
    if missing:
        raise TypeError(
            "sampler must have fit(X) and sample(n_samples) methods (for example "
            "skdistill.samplers.MUNGE(), sklearn.mixture.GaussianMixture() or "
            "sklearn.neighbors.KernelDensity()), or be None for no pseudo-data; "
            f"{type(sampler).__name__} object {sampler!r} lacks {' and '.join(missing)}."
        )
    return sampler


def _accepts_random_state(method):
    try:
        return "random_state" in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def _as_fitted_container(sampler, X):
    """Rows from a foreign sampler as an array, or a DataFrame with the fitted column names."""
    if isinstance(X, tuple):  # GaussianMixture.sample returns (X, component labels)
        X = X[0]
    if hasattr(X, "iloc"):
        return X
    X = np.asarray(X)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    names = getattr(sampler, "feature_names_in_", None)
    if names is not None and len(names) == X.shape[1]:
        import pandas as pd

        return pd.DataFrame(X, columns=list(names))
    return X


def iter_sampler_chunks(sampler, n_samples, chunk_size, random_state=None):
    """Draw ``n_samples`` rows from a fitted sampler in chunks of at most ``chunk_size``.

    Uses the sampler's ``iter_samples`` when it has one (all skdistill samplers). Otherwise
    calls ``sample`` once per chunk with its own seed drawn from ``random_state``:

    - ``sample(n, random_state=...)`` (e.g. ``KernelDensity``) gets the seed as argument;
    - a ``sample(n)`` without that argument whose estimator has a ``random_state``
      parameter (e.g. ``GaussianMixture``, which would otherwise return the same rows for
      every chunk) is called on a shallow copy with ``random_state`` set to the chunk's seed;
      the fitted sampler itself is not modified;
    - a tuple return ``(X, labels)`` keeps ``X``; numpy output of a sampler fitted on a
      DataFrame becomes a DataFrame with its ``feature_names_in_`` (dtypes are the
      sampler's, e.g. float for ``GaussianMixture``).

    The chunks are the same for the same integer ``random_state``.

    Parameters
    ----------
    sampler : fitted object with ``sample``
    n_samples : int
        Total rows, at least 1.
    chunk_size : int
        Rows per chunk, at least 1.
    random_state : int, RandomState instance or None, default=None

    Yields
    ------
    X_chunk : ndarray or DataFrame of shape (<= chunk_size, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.mixture import GaussianMixture
    >>> from skdistill.samplers import iter_sampler_chunks
    >>> gm = GaussianMixture(n_components=2, random_state=0).fit(np.random.rand(50, 3))
    >>> [c.shape for c in iter_sampler_chunks(gm, 250, 100, random_state=0)]
    [(100, 3), (100, 3), (50, 3)]
    """
    check_sampler(sampler)
    if sampler is None:
        raise TypeError("sampler is None: there is nothing to draw pseudo-data from.")
    n = check_n_samples(n_samples)
    chunk_size = check_n_samples(chunk_size, name="chunk_size")
    if callable(getattr(sampler, "iter_samples", None)):
        return sampler.iter_samples(n, chunk_size=chunk_size, random_state=random_state)
    return _foreign_chunks(sampler, n, chunk_size, check_random_state(random_state))


def _foreign_chunks(sampler, n, chunk_size, rng):
    takes_seed = _accepts_random_state(sampler.sample)
    reseedable = (
        not takes_seed
        and hasattr(sampler, "get_params")
        and "random_state" in sampler.get_params(deep=False)
    )
    for start in range(0, n, chunk_size):
        m = min(chunk_size, n - start)
        seed = draw_seed(rng)
        if takes_seed:
            out = sampler.sample(m, random_state=seed)
        elif reseedable:
            seeded = copy.copy(sampler)
            seeded.random_state = seed
            out = seeded.sample(m)
        else:
            out = sampler.sample(m)
        yield _as_fitted_container(sampler, out)

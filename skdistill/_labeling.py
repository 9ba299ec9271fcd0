"""Labeling a transfer set with the teacher, chunk by chunk, in parallel.

Chunks go through joblib with ``return_as="generator"`` and each result is written into one
preallocated array, so apart from the result only the chunks in flight (about ``2 * n_jobs``)
are held. Under ``joblib.parallel_config(backend="dask")`` the same code runs on a Dask cluster.
"""

import numpy as np
from joblib import Parallel, delayed

from ._tables import take_rows
from .teachers._base import TeacherOutputError

# joblib backends that run on this machine's cores (a Dask cluster's are elsewhere).
_LOCAL_BACKENDS = frozenset(
    {"LokyBackend", "MultiprocessingBackend", "ThreadingBackend", "SequentialBackend"}
)


def _chunk_outputs(adapter, X_chunk, start, n_rows):
    try:
        return adapter.outputs(X_chunk)
    except TeacherOutputError as exc:
        stop = start + len(X_chunk)
        raise TeacherOutputError(
            f"{exc} [in the chunk of rows {start:,} to {stop:,} of the {n_rows:,} being labeled]"
        ) from None


def labeling_jobs(adapter, n_jobs):
    """The ``n_jobs`` to label with: 1 for a teacher that already predicts on several threads
    when joblib runs locally, since parallel jobs would only compete for the same cores (and
    pay for copying the chunks); ``n_jobs`` otherwise (and on a Dask cluster)."""
    from joblib.parallel import get_active_backend

    backend, _ = get_active_backend()
    local = type(backend).__name__ in _LOCAL_BACKENDS
    return 1 if local and adapter.uses_threads else n_jobs


def label_rows(adapter, X, *, batch_size, n_jobs=None, progress=None, out=None):
    """Teacher outputs for every row of X, computed ``batch_size`` rows at a time.

    Parameters
    ----------
    adapter : TeacherAdapter
    X : array-like or DataFrame
    batch_size : int
    n_jobs : int, default=None
        Parallel jobs for joblib (None means 1 unless inside a ``parallel_config``).
    progress : Progress, default=None
        Counts the labeled rows; shared by every call that labels part of one transfer set.
    out : ndarray, default=None
        Write the outputs into this array (of ``len(X)`` rows) instead of a new one.

    Returns
    -------
    outputs : ndarray of shape (n_rows,) or (n_rows, n_outputs)
    """
    n_rows = len(X)
    starts = range(0, n_rows, batch_size)
    tasks = (
        delayed(_chunk_outputs)(adapter, take_rows(X, s, s + batch_size), s, n_rows) for s in starts
    )
    results = Parallel(n_jobs=n_jobs, return_as="generator")(tasks)
    for start, outputs in zip(starts, results, strict=True):
        if out is None:
            out = np.empty((n_rows,) + outputs.shape[1:], dtype=np.float64)
        out[start : start + len(outputs)] = outputs
        if progress is not None:
            progress.update(len(outputs))
    return out

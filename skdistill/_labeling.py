"""Labeling a transfer set with the teacher, chunk by chunk, in parallel.

Chunks go through joblib with ``return_as="generator"`` and each result is written into one
preallocated array, so apart from the result only the chunks in flight (about ``2 * n_jobs``)
are held. Under ``joblib.parallel_config(backend="dask")`` the same code runs on a Dask cluster.
"""

import time

import numpy as np
from joblib import Parallel, delayed

from ._tables import take_rows
from .teachers._base import TeacherOutputError


def _chunk_outputs(adapter, X_chunk, start, n_rows):
    try:
        return adapter.outputs(X_chunk)
    except TeacherOutputError as exc:
        stop = start + len(X_chunk)
        raise TeacherOutputError(
            f"{exc} [in the chunk of rows {start:,} to {stop:,} of the {n_rows:,} being labeled]"
        ) from None


def label_rows(adapter, X, *, batch_size, n_jobs=None, verbose=0, out=None):
    """Teacher outputs for every row of X, computed ``batch_size`` rows at a time.

    Parameters
    ----------
    adapter : TeacherAdapter
    X : array-like or DataFrame
    batch_size : int
    n_jobs : int, default=None
        Parallel jobs for joblib (None means 1 unless inside a ``parallel_config``).
    verbose : int, default=0
        Print progress when > 0.
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
    tic = time.perf_counter()
    for i, (start, outputs) in enumerate(zip(starts, results, strict=True)):
        if out is None:
            out = np.empty((n_rows,) + outputs.shape[1:], dtype=np.float64)
        out[start : start + len(outputs)] = outputs
        if verbose > 0:
            done = min(start + batch_size, n_rows)
            rate = done / max(time.perf_counter() - tic, 1e-9)
            print(
                f"[skdistill] labeled {done:,}/{n_rows:,} rows (chunk {i + 1}/{len(starts)}, "
                f"{rate:,.0f} rows/s)",
                flush=True,
            )
    return out

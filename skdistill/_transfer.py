"""The transfer set: the real rows plus pseudo rows drawn and labeled a chunk at a time.

Each chunk of pseudo rows is labeled by the teacher as soon as it is drawn, so the sampler's
output never waits in a list beside the finished table. For numpy input the rows go straight
into one preallocated array; a DataFrame (whose categorical and string columns cannot share one
array) is concatenated once at the end.
"""

import time

import numpy as np

from ._tables import concat_rows, is_dataframe
from .samplers import iter_sampler_chunks


def _in_container_of(chunk, X):
    """A sampler's rows in X's container: an array for an array, a DataFrame with X's columns
    and dtypes for a DataFrame (a user's sampler may return either)."""
    if not is_dataframe(X):
        return chunk.to_numpy() if is_dataframe(chunk) else chunk
    if is_dataframe(chunk):
        return chunk
    import pandas as pd

    try:
        return pd.DataFrame(chunk, columns=X.columns).astype(X.dtypes)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            "The sampler returned a numpy array that cannot be cast to X's column dtypes "
            f"({exc}). Return a DataFrame with X's columns from sample, or pass X as numpy."
        ) from exc


def _check_chunk(chunk, n_done, n_pseudo, n_features):
    if chunk.ndim != 2 or chunk.shape[1] != n_features:
        raise ValueError(
            f"The sampler returned rows of shape {chunk.shape}, but X has {n_features} columns. "
            "A sampler must return rows with the columns it was fitted on."
        )
    if n_done + len(chunk) > n_pseudo:
        raise ValueError(
            f"The sampler returned more rows than the {n_pseudo:,} asked for; its "
            "sample(n_samples) must return exactly n_samples rows."
        )


def build_transfer_set(X, real_outputs, sampler, n_pseudo, *, label, chunk_rows, random_state):
    """Draw ``n_pseudo`` rows from a fitted sampler and label them, chunk by chunk.

    Parameters
    ----------
    X : ndarray or DataFrame
        The real rows.
    real_outputs : ndarray or None
        The teacher's outputs for X, or None when the real rows are not kept.
    sampler : fitted sampler
    n_pseudo : int
        Pseudo rows to draw, at least 1.
    label : callable
        ``label(rows, out=None)`` gives the teacher's outputs for ``rows``, written into
        ``out`` when given.
    chunk_rows : int
        Rows drawn per chunk.
    random_state : int

    Returns
    -------
    X_transfer : ndarray or DataFrame
        The real rows (when kept) followed by the pseudo rows.
    outputs : ndarray
        The teacher's outputs for ``X_transfer``.
    seconds : dict
        Wall time spent ``"sampling"`` and ``"labeling"`` the pseudo rows.
    """
    n_real = 0 if real_outputs is None else len(X)
    n_total = n_real + n_pseudo
    frames = [X] if n_real and is_dataframe(X) else []
    X_transfer = outputs = None
    seconds = {"sampling": 0.0, "labeling": 0.0}
    chunks = iter_sampler_chunks(sampler, n_pseudo, chunk_rows, random_state=random_state)
    start = n_real
    tic = time.perf_counter()
    for chunk in chunks:
        _check_chunk(chunk, start - n_real, n_pseudo, X.shape[1])
        chunk = _in_container_of(chunk, X)
        seconds["sampling"] += time.perf_counter() - tic

        tic = time.perf_counter()
        stop = start + len(chunk)
        if outputs is None and real_outputs is not None:
            outputs = np.empty((n_total,) + real_outputs.shape[1:])
            outputs[:n_real] = real_outputs
        if outputs is None:  # no real rows: the first chunk tells the outputs' shape
            first = label(chunk)
            outputs = np.empty((n_total,) + first.shape[1:])
            outputs[start:stop] = first
        else:
            label(chunk, out=outputs[start:stop])
        seconds["labeling"] += time.perf_counter() - tic

        tic = time.perf_counter()
        if is_dataframe(X):
            frames.append(chunk)
        else:
            if X_transfer is None:
                dtype = np.result_type(np.asarray(X[:0]), chunk)
                X_transfer = np.empty((n_total, X.shape[1]), dtype=dtype)
                X_transfer[:n_real] = X[:n_real]
            X_transfer[start:stop] = chunk
        start = stop
    if start != n_total:
        raise ValueError(
            f"The sampler returned {start - n_real:,} rows in all, not the {n_pseudo:,} asked "
            "for; its sample(n_samples) must return exactly n_samples rows."
        )
    if frames:
        X_transfer = concat_rows(frames) if len(frames) > 1 else frames[0]
    seconds["sampling"] += time.perf_counter() - tic
    return X_transfer, outputs, seconds

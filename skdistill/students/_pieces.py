"""Piecewise-linear encoding of a network's inputs (Gorishniy, Rubachev & Babenko, 2022).

Each input column is cut at its training quantiles; each piece between two cuts becomes one
column, 0 below the piece, 1 above it and linear inside, then standardised over the training
rows. A ReLU network reads the sharp, axis-aligned steps of a tree ensemble from these
columns with far fewer units than from the raw value. The deployable predictor
(``skdistill/deploy/_runtime.py``, numpy alone) repeats :func:`expand_pieces`.
"""

import numpy as np

# The cuts and the standardisation are read from at most this many rows: ample for tens of
# cuts, and it keeps fitting the encoding cheap on a transfer set of millions of rows.
_FIT_ROWS = 200_000


def fit_pieces(Z, n_bins):
    """The pieces of every column of the encoded matrix ``Z``, as five float64 arrays with
    one entry per piece (the pieces of each column in order): ``(columns, slope, offset,
    low, high)``; a piece's value is ``clip(z[column] * slope + offset, low, high)``.

    A column's cuts are its distinct quantiles at ``0, 1/n_bins, ..., 1``; its piece between
    cuts ``a < b`` is ``clip((z - a) / (b - a), 0, 1)``, standardised with its mean ``m``
    and standard deviation ``s`` over the rows, which gives ``slope = 1 / ((b - a) s)``,
    ``offset = -(a / (b - a) + m) / s``, ``low = -m / s`` and ``high = (1 - m) / s``. A
    column with two distinct values (binary, one-hot) has one piece; a constant column has
    one piece that always reads 0.
    """
    Z = np.asarray(Z)
    if len(Z) > _FIT_ROWS:  # evenly spaced rows: no random draw to disturb the seed
        Z = Z[np.linspace(0, len(Z) - 1, _FIT_ROWS).astype(np.intp)]
    Z = Z.astype(np.float64)
    cuts = np.quantile(Z, np.linspace(0.0, 1.0, n_bins + 1), axis=0)
    columns, start, inverse_width = [], [], []
    for j in range(Z.shape[1]):
        # Cuts closer than float32 resolution are one cut: training reads float32 rows.
        edges = np.unique(cuts[:, j].astype(np.float32)).astype(np.float64)
        if len(edges) == 1:  # constant: one piece of slope 0
            edges = np.array([edges[0], np.inf])
        columns += [j] * (len(edges) - 1)
        start += list(edges[:-1])
        inverse_width += list(1.0 / np.diff(edges))
    columns, start, inverse_width = (
        np.asarray(columns, np.intp),
        np.array(start),
        np.array(inverse_width),
    )
    P = np.clip((Z[:, columns] - start) * inverse_width, 0.0, 1.0)
    mean, std = P.mean(axis=0), P.std(axis=0)
    std[std == 0] = 1.0
    slope = inverse_width / std
    offset = -(start * inverse_width + mean) / std
    return columns, slope, offset, -mean / std, (1.0 - mean) / std


def expand_pieces(Z, columns, slope, offset, low, high):
    """``clip(Z[:, columns] * slope + offset, low, high)`` in the dtype of ``Z`` (a matrix,
    or a single row as a 1-D array)."""
    P = np.take(Z, columns, axis=-1)
    dtype = P.dtype
    P *= slope.astype(dtype, copy=False)
    P += offset.astype(dtype, copy=False)
    return np.clip(P, low.astype(dtype, copy=False), high.astype(dtype, copy=False), out=P)

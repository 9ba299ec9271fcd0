"""Chunked transfer sets: rows and teacher outputs stored compactly, a chunk at a time.

:func:`build_chunks` labels the real rows (in a seeded random order, so that no chunk holds
one class of a sorted table) and then draws and labels the pseudo rows, one chunk at a time,
into a :class:`~skdistill._store.ChunkStore` of float32 arrays (in memory or on disk).
:class:`TrainingChunks` hands a student the targets of such a store chunk by chunk, at a
temperature and label weight: students with ``fit_chunks`` (the MLPs) train from it without
ever holding more than a chunk; others get the whole set materialised.
"""

import warnings

import numpy as np

from ._store import ChunkStore, check_room
from ._tables import rows_at
from ._targets import SoftTargets
from ._transfer import in_container_of
from ._validation import is_dataframe
from .samplers import iter_sampler_chunks

_DTYPE = np.float32


def check_numeric_table(X):
    """A Dask collection's rows are stored as float32 where they are labeled, with no
    categories known in advance: refuse tables with non-numeric columns."""
    if not is_dataframe(X):
        if not np.issubdtype(np.asarray(X[:0]).dtype, np.number):
            raise ValueError("A Dask X must be numeric; this one has a non-numeric dtype.")
        return
    import pandas as pd

    other = [c for c, d in X.dtypes.items() if not pd.api.types.is_numeric_dtype(d)]
    if other:
        raise ValueError(
            f"A Dask X must be numeric (its rows are stored as float32 on the workers), but "
            f"it has non-numeric columns {other[:5]}. Encode them as numbers first (e.g. "
            "category codes), or fit on an in-memory DataFrame, whose categories are kept."
        )


def compact_bytes(n_rows, n_features, n_outputs):
    """Bytes of ``n_rows`` rows in a chunked store (float32 rows and outputs)."""
    return n_rows * (n_features + n_outputs) * np.dtype(_DTYPE).itemsize


def plan_store(kind, n_rows, n_features, n_outputs, directory):
    """A ``"memory"`` or ``"disk"`` store for ``n_rows`` compact rows; a disk store is checked
    for room before any labeling."""
    if kind == "disk":
        check_room(compact_bytes(n_rows, n_features, n_outputs), directory)
    return ChunkStore(on_disk=kind == "disk", directory=directory)


def build_chunks(store, X, outputs, sampler, n_pseudo, *, codec, label, chunk_rows, random_state):
    """Fill ``store`` with the real rows (already labeled: ``outputs``) and ``n_pseudo``
    pseudo rows drawn and labeled chunk by chunk, each encoded by ``codec`` (a
    :class:`~skdistill._codec.RowCodec` of X).

    Returns
    -------
    order : ndarray of int
        The order in which the real rows were stored (their labels and weights follow it).
    seconds : dict
        Wall time spent ``"sampling"`` and ``"labeling"`` the pseudo rows.
    """
    import time

    rng = np.random.RandomState(random_state)
    order = rng.permutation(len(X))
    for start in range(0, len(X), chunk_rows):
        idx = order[start : start + chunk_rows]
        store.append(X=codec.encode(rows_at(X, idx)), outputs=outputs[idx].astype(_DTYPE))
    seconds = {"sampling": 0.0, "labeling": 0.0}
    if n_pseudo == 0:
        return order, seconds
    done = 0
    tic = time.perf_counter()
    seed = int(rng.randint(np.iinfo(np.int32).max))
    for chunk in iter_sampler_chunks(sampler, n_pseudo, chunk_rows, random_state=seed):
        if chunk.ndim != 2 or chunk.shape[1] != X.shape[1] or done + len(chunk) > n_pseudo:
            raise ValueError(
                f"The sampler returned rows of shape {chunk.shape} after {done:,} rows; a "
                f"sampler must return exactly the {n_pseudo:,} rows asked for, with X's "
                f"{X.shape[1]} columns."
            )
        chunk = in_container_of(chunk, X)
        rows = codec.encode(chunk)
        seconds["sampling"] += time.perf_counter() - tic
        tic = time.perf_counter()
        chunk_outputs = label(chunk)
        store.append(X=rows, outputs=np.asarray(chunk_outputs, dtype=_DTYPE))
        done += len(chunk)
        seconds["labeling"] += time.perf_counter() - tic
        tic = time.perf_counter()
    if done != n_pseudo:
        raise ValueError(
            f"The sampler returned {done:,} rows in all, not the {n_pseudo:,} asked for; its "
            "sample(n_samples) must return exactly n_samples rows."
        )
    return order, seconds


class TrainingChunks:
    """A chunked transfer set's training rows and targets, handed out a chunk at a time.

    Parameters
    ----------
    transfer : TransferSet
        A transfer set built with ``store=``.
    temperature, alpha : float
        As in :meth:`TransferSet.targets`.
    include_original : bool
        Whether the real rows' chunks are part of the training rows.
    """

    def __init__(self, transfer, temperature, alpha, include_original):
        self.transfer = transfer
        self.store = transfer.store
        self.temperature = temperature
        self.include_original = include_original
        self.alpha = alpha if (transfer.y is not None and include_original) else 0.0
        starts = np.concatenate([[0], np.cumsum(self.store.sizes)]).astype(np.int64)
        self.starts = starts
        first = 0 if include_original else int(np.searchsorted(starts, transfer.n_real))
        self.chunk_ids = list(range(first, len(self.store)))
        self.n_rows = int(starts[-1] - starts[first])
        self.task = transfer.task
        if transfer.sample_weight is not None:
            self._pseudo_weight = float(np.mean(transfer.sample_weight))

    def __len__(self):
        return len(self.chunk_ids)

    @property
    def sizes(self):
        """Rows of each training chunk, in order."""
        return [self.store.sizes[i] for i in self.chunk_ids]

    def chunk(self, k):
        """``(X, targets, sample_weight)`` of the ``k``-th training chunk."""
        i = self.chunk_ids[k]
        arrays = self.store.chunk(i)
        return self._assemble(arrays["X"], arrays["outputs"], self.starts[i])

    def _assemble(self, X, outputs, start, positions=None):
        t = self.transfer
        rows = np.arange(start, start + len(X)) if positions is None else positions
        real = rows < t.n_real
        hard = weights = None
        if t.y is not None and self.include_original:
            fill = -1 if self.task == "classification" else np.nan
            hard = np.full(len(rows), fill, dtype=t.y.dtype)
            hard[real] = t.y[rows[real]]
        if t.sample_weight is not None:
            weights = np.full(len(rows), self._pseudo_weight)
            weights[real] = t.sample_weight[rows[real]]
        outputs = np.asarray(outputs, dtype=np.float64)
        if self.task == "classification":
            targets = SoftTargets(
                logits=outputs,
                temperature=self.temperature,
                y=hard,
                alpha=self.alpha,
                classes=t.classes,
            )
        else:
            targets = SoftTargets(values=outputs, y=hard, alpha=self.alpha)
        return self._container(np.asarray(X)), targets, weights

    def _container(self, X):
        return self.transfer.codec.decode(X)

    def sample(self, n_rows, rng):
        """About ``n_rows`` training rows spread over every chunk (for fitting encoders and
        target scales), as ``(X, targets, sample_weight)``."""
        parts = []
        fraction = min(1.0, n_rows / max(self.n_rows, 1))
        for k in range(len(self)):
            i = self.chunk_ids[k]
            arrays = self.store.chunk(i)
            size = self.store.sizes[i]
            take = np.sort(rng.choice(size, max(1, int(round(fraction * size))), replace=False))
            parts.append((arrays["X"][take], arrays["outputs"][take], self.starts[i] + take))
        X = np.concatenate([p[0] for p in parts])
        outputs = np.concatenate([p[1] for p in parts])
        return self._assemble(X, outputs, None, np.concatenate([p[2] for p in parts]))

    def total_weight(self):
        """The sum of the training rows' weights (their number without sample weights)."""
        t = self.transfer
        if t.sample_weight is None:
            return float(self.n_rows)
        n_pseudo = self.n_rows - (t.n_real if self.include_original else 0)
        real = float(t.sample_weight.sum()) if self.include_original else 0.0
        return real + n_pseudo * self._pseudo_weight

    def real_rows(self):
        """The real rows, in their stored order, as one block."""
        n_chunks = int(np.searchsorted(self.starts, self.transfer.n_real))
        return self._container(np.concatenate([self.store.chunk(i)["X"] for i in range(n_chunks)]))

    def materialize(self):
        """The whole training set, ``(X, targets, sample_weight)``, as one block."""
        starts = self.starts
        arrays = [self.store.chunk(i) for i in self.chunk_ids]
        X = np.concatenate([a["X"] for a in arrays])
        outputs = np.concatenate([a["outputs"] for a in arrays])
        first = int(starts[self.chunk_ids[0]]) if self.chunk_ids else 0
        return self._assemble(X, outputs, first)


def fit_on(student, X, targets, sample_weight):
    """``student.fit_soft``, or ``fit_chunks`` when X is a :class:`TrainingChunks`."""
    if not isinstance(X, TrainingChunks):
        return student.fit_soft(X, targets, sample_weight=sample_weight)
    if hasattr(student, "fit_chunks"):
        return student.fit_chunks(X)
    warnings.warn(
        f"{type(student).__name__} cannot train chunk by chunk (it has no fit_chunks), so "
        f"the whole transfer set ({X.n_rows:,} rows) is loaded into memory for it.",
        UserWarning,
        stacklevel=3,
    )
    rows, targets, weights = X.materialize()
    return student.fit_soft(rows, targets, sample_weight=weights)

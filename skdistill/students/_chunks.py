"""Training students from a chunked transfer set, chunk by chunk.

A chunked transfer set (``TransferSet.training_chunks``) hands out ``(X, targets,
sample_weight)`` a chunk at a time. :class:`EncodedChunks` passes every chunk once through a
student's encoding (its fitted input encoder and its targets) and keeps the result as float32
beside the transfer set (in memory for a store in memory, checked against the available memory
first; raw files next to a store on disk), so that epochs and L-BFGS passes read encoded rows
instead of encoding them again. Without room for that copy, each chunk is encoded again at each
read, and only one encoded chunk is in memory at a time. :class:`ChunkedBatches` turns them
into the mini-batches of one epoch: groups of rows that each hold a slice of every chunk,
shuffled into mini-batches by the same code as in-memory training
(:class:`~skdistill.students._mlp._ShuffledBatches`). A fixed ``validation_fraction`` of each
chunk's rows, drawn once, is held out for early stopping;
:meth:`ChunkedBatches.validation_loss` streams over the chunks too. Every random choice comes
from the student's seeded generator, so a fit is reproducible.
"""

import os
import shutil
import tempfile
import warnings
import weakref

import numpy as np

from .._checks import available_memory
from .._store import check_room

_DTYPE = np.float32
# Rows sampled across the chunks to fit the input encoder and the target scale.
ENCODER_ROWS = 100_000


def check_chunks(student, chunks):
    """Refuse anything but a chunked transfer set's ``TrainingChunks`` (read by its methods,
    so a tuple ``(X, y)`` would fail deep inside with an AttributeError)."""
    if not all(callable(getattr(chunks, m, None)) for m in ("chunk", "sample", "real_rows")):
        raise TypeError(
            f"{type(student).__name__}.fit_chunks takes the TrainingChunks of a transfer set "
            "built with store= (TransferSet.training_chunks(temperature, alpha)); got "
            f"{type(chunks).__name__}. For rows in memory use fit(X, y) or "
            "fit_soft(X, targets)."
        )


def _check_memory(n_bytes):
    """Raise MemoryError when ``n_bytes`` more would not fit in the available memory."""
    available = available_memory()
    if available is not None and n_bytes > available:
        raise MemoryError(
            f"the encoded copy needs {n_bytes / 1e9:.2f} GB of memory and "
            f"{available / 1e9:.2f} GB is available"
        )


class EncodedChunks:
    """The chunks of a chunked transfer set, each passed once through ``encode``.

    The encoded rows of all chunks are kept in one array per name, in chunk order: in memory
    for a store in memory (the whole encoded set, often wider than the store's rows: one-hot
    columns); for a store on disk, as one raw file per name in a temporary directory beside
    it (deleted with this object), read with plain positioned reads rather than memory maps,
    so that rows read once do not stay in this process's resident memory.

    Parameters
    ----------
    chunks : TrainingChunks
    encode : callable
        ``encode(X, targets, sample_weight)`` gives a dict of arrays (None for an array a
        chunk does not have) with one row per row of X.
    names : tuple of str
        The keys of ``encode``'s dict, in the order ``self[k]`` returns them.

    Notes
    -----
    When the memory (store in memory) or the disk (store on disk) has no room for the
    encoded rows, each chunk is encoded again at each read instead (``kept`` is False), with
    a warning.
    """

    def __init__(self, chunks, encode, names):
        self.chunks, self.encode, self.names = chunks, encode, names
        self.kept, self.arrays, self.files = False, {}, {}
        self.starts = np.concatenate([[0], np.cumsum(chunks.sizes)]).astype(np.int64)
        if len(chunks) == 0:
            return
        first = encode(*chunks.chunk(0))
        n_rows = int(self.starts[-1])
        self.layout = {n: (a.dtype, a.shape[1:]) for n, a in first.items() if a is not None}
        source = chunks.store
        row_bytes = sum(d.itemsize * int(np.prod(s)) for d, s in self.layout.values())
        try:
            if source.on_disk:
                check_room(n_rows * row_bytes, os.path.dirname(source.path))
            else:
                _check_memory(n_rows * row_bytes)
        except (OSError, MemoryError) as exc:
            warnings.warn(
                f"No room to keep the encoded transfer set ({exc}); every chunk is encoded "
                "again each time it is read, which is slower, and the student's mini-batches "
                "mix the rows of one chunk only. Free memory or disk space, or (with a store "
                "in memory) fit with store='disk', which keeps the encoded rows on disk.",
                UserWarning,
                stacklevel=4,
            )
            return
        if not source.on_disk:
            self.arrays = {
                n: np.empty((n_rows, *shape), dtype) for n, (dtype, shape) in self.layout.items()
            }
        else:
            directory = os.path.dirname(source.path)
            self.path = tempfile.mkdtemp(prefix="skdistill-encoded-", dir=directory)
            self._cleanup = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)
            self.files = {n: os.path.join(self.path, f"{n}.bin") for n in self.layout}
        self.kept = True
        self._write(0, first)
        for k in range(1, len(chunks)):
            self._write(k, encode(*chunks.chunk(k)))
        # No reference back to the student's code (often a bound method holding this object):
        # the encoded rows (and their files) go as soon as training drops them.
        self.encode = None

    def _write(self, k, arrays):
        for name, array in arrays.items():
            if array is None:
                continue
            if self.files:
                with open(self.files[name], "ab") as f:
                    np.ascontiguousarray(array, dtype=self.layout[name][0]).tofile(f)
            else:
                self.arrays[name][self.starts[k] : self.starts[k + 1]] = array

    def _read(self, name, start, stop):
        """Rows ``start:stop`` (of all chunks) of the array ``name``."""
        if not self.files:
            return self.arrays[name][start:stop]
        dtype, shape = self.layout[name]
        width = int(np.prod(shape))
        values = np.fromfile(
            self.files[name],
            dtype=dtype,
            count=(stop - start) * width,
            offset=start * width * dtype.itemsize,
        )
        return values.reshape(stop - start, *shape)

    def __len__(self):
        return len(self.chunks)

    def __getitem__(self, k):
        """The encoded arrays of chunk ``k``, in the order of ``names`` (None where absent)."""
        n = int(self.starts[k + 1] - self.starts[k])
        return self.rows(k, np.arange(n))

    def rows(self, k, positions):
        """The encoded arrays of the rows ``positions`` (sorted) of chunk ``k``; only the
        span from the first to the last is read."""
        if not self.kept:
            arrays = self.encode(*self.chunks.chunk(k))
            return tuple(
                None if arrays.get(n) is None else arrays[n][positions] for n in self.names
            )
        if len(positions) == 0:
            return tuple(None if n not in self.layout else self._read(n, 0, 0) for n in self.names)
        lo, hi = int(positions[0]), int(positions[-1]) + 1
        start = int(self.starts[k])
        return tuple(
            None if n not in self.layout else self._read(n, start + lo, start + hi)[positions - lo]
            for n in self.names
        )


class ChunkedBatches:
    """The mini-batches of a chunked transfer set, epoch after epoch.

    Parameters
    ----------
    model : _BaseSoftMLP
        A student whose encoder (``preprocessor_``) and targets are fitted.
    chunks : TrainingChunks
    validation_fraction : float or None
        Fraction of each chunk's rows held out for early stopping; None holds out none.
    rng : RandomState
    """

    def __init__(self, model, chunks, validation_fraction, rng):
        from ._mlp import _ShuffledBatches

        self._batches_of = _ShuffledBatches
        self.model, self.chunks = model, chunks
        self.alpha = float(chunks.alpha)
        sizes = chunks.sizes
        self.val_rows, self.train_rows = [], []
        for size in sizes:
            n_val = 0 if validation_fraction is None else int(round(validation_fraction * size))
            order = rng.permutation(size)
            self.val_rows.append(np.sort(order[:n_val]))
            self.train_rows.append(np.sort(order[n_val:]).astype(np.int32))
        self.n_rows = int(sum(sizes) - sum(map(len, self.val_rows)))
        if self.n_rows < 1:
            raise ValueError(
                f"early_stopping holds out validation_fraction={validation_fraction} of every "
                "chunk, leaving no rows to train on; set early_stopping=False."
            )
        self.batch_size = model._effective_batch_size(self.n_rows)
        self.total_weight = float(self.n_rows)
        self.encoded = EncodedChunks(chunks, self._encode, ("X", "soft", "hard", "weights"))

    def _encode(self, X, targets, weights):
        """A chunk as the loss takes it: float32 inputs, soft and hard targets, weights."""
        Xt = np.asarray(self.model.preprocessor_.transform(X), dtype=_DTYPE)
        soft, hard = self.model._encode_targets(targets)
        return {
            "X": Xt,
            "soft": soft,
            "hard": None if self.alpha == 0 else hard,
            "weights": weights,
        }

    def _slice(self, k, group, n_groups, offset):
        """The training rows of chunk ``k`` in slice ``group`` of ``n_groups``, counted from a
        random ``offset`` (so that slices change from epoch to epoch)."""
        train = self.train_rows[k]
        n = len(train)
        take = (offset + np.arange(group * n // n_groups, (group + 1) * n // n_groups)) % n
        return self.encoded.rows(k, np.sort(train[take]))

    def epoch(self, rng):
        """Yield ``(X, soft, hard, weights, batch_weight)`` for each batch of a new shuffle.

        An epoch runs over as many groups of rows as there are chunks, in a new random
        order; each group holds an equal slice of every chunk, from a new random offset each
        epoch, shuffled into mini-batches. A chunk of a Dask fit holds one partition's rows:
        on covtype (sorted by region) training a chunk at a time cost the 2x64 MLP 4 points
        of agreement with the teacher (docs/scaling.md). Without the encoded copy (no room on
        disk) a group is one chunk.
        """
        total = 0.0
        n_chunks = len(self.chunks)
        offsets = [rng.randint(max(len(t), 1)) for t in self.train_rows]
        mixed = self.encoded.kept
        for group in rng.permutation(n_chunks):
            if mixed:
                parts = [self._slice(k, group, n_chunks, offsets[k]) for k in range(n_chunks)]
            else:
                parts = [self._slice(group, 0, 1, 0)]
            arrays = [
                None if parts[0][i] is None else np.concatenate([p[i] for p in parts])
                for i in range(4)
            ]
            if len(arrays[0]) == 0:
                continue
            batches = self._batches_of(*arrays, self.batch_size)
            total += batches.total_weight
            yield from batches.epoch(rng)
        self.total_weight = total

    def validation_loss(self, loss_fn, loss_kwargs):
        """The weighted mean loss over every chunk's held-out rows."""
        loss_sum, weight_sum = 0.0, 0.0
        for k in range(len(self.chunks)):
            rows = self.val_rows[k]
            if len(rows) == 0:
                continue
            Xt, soft, hard, weights = self.encoded.rows(k, rows)  # rows are sorted
            w = np.ones(len(rows)) if weights is None else np.asarray(weights)
            if w.sum() <= 0:
                continue
            loss, _ = loss_fn(
                self.model._forward(Xt),
                soft,
                hard,
                (w / w.sum()).astype(_DTYPE),
                **loss_kwargs,
            )
            loss_sum += float(loss) * w.sum()
            weight_sum += w.sum()
        return loss_sum / weight_sum

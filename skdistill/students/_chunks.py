"""Training students from a chunked transfer set, one chunk in memory at a time.

A chunked transfer set (``TransferSet.training_chunks``) hands out ``(X, targets,
sample_weight)`` a chunk at a time. :class:`EncodedChunks` passes every chunk once through a
student's encoding (its fitted input encoder and its targets) and keeps the result as float32
in a store like the transfer set's (in memory, or ``.npy`` files beside it), so that epochs
and L-BFGS passes read encoded chunks instead of encoding them again. :class:`ChunkedBatches`
turns them into the mini-batches of one epoch: the chunks in a new random order each epoch,
each chunk's rows shuffled into mini-batches by the same code as in-memory training
(:class:`~skdistill.students._mlp._ShuffledBatches`). A fixed ``validation_fraction`` of each
chunk's rows, drawn once, is held out for early stopping; :meth:`ChunkedBatches.validation_loss`
streams over the chunks too. Every random choice comes from the student's seeded generator,
so a fit is reproducible.
"""

import os
import warnings

import numpy as np

from .._store import ChunkStore, check_room

_DTYPE = np.float32
# Rows sampled across the chunks to fit the input encoder and the target scale.
ENCODER_ROWS = 100_000
# Chunks shuffled together into one epoch's mini-batches. A chunk of a Dask fit holds one
# partition's rows; on covtype (sorted by region) training a chunk at a time cost the 2x64
# MLP 4 points of agreement with the teacher, which mixing chunks wins back (measured in
# docs/scaling.md). Memory: this many encoded chunks, twice (the group and its shuffle).
MIX_CHUNKS = 4


class EncodedChunks:
    """The chunks of a chunked transfer set, each passed once through ``encode``.

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
    The encoded chunks are stored like the transfer set: in memory for a store in memory,
    in a temporary directory beside it for a store on disk (deleted with this object). When
    that disk has no room for them (estimated from the first chunk), each chunk is encoded
    again at each read instead, with a warning.
    """

    def __init__(self, chunks, encode, names):
        self.chunks, self.encode, self.names = chunks, encode, names
        self.store = None
        if len(chunks) == 0:
            return
        source = chunks.store
        first = encode(*chunks.chunk(0))
        directory = os.path.dirname(source.path) if source.on_disk else None
        if source.on_disk:
            first_bytes = sum(a.nbytes for a in first.values() if a is not None)
            n_bytes = first_bytes * chunks.n_rows / max(len(next(iter(first.values()))), 1)
            try:
                check_room(n_bytes, directory)
            except OSError as exc:
                warnings.warn(
                    f"No room on disk to keep the encoded transfer set ({exc}); every chunk "
                    "is encoded again each time it is read, which is slower.",
                    UserWarning,
                    stacklevel=4,
                )
                return
        self.store = ChunkStore(on_disk=source.on_disk, directory=directory)
        self._append(first)
        for k in range(1, len(chunks)):
            self._append(encode(*chunks.chunk(k)))
        # No reference back to the student's code (often a bound method holding this object):
        # the encoded chunks (and their files) go as soon as training drops them.
        self.encode = None

    def _append(self, arrays):
        self.store.append(**{name: a for name, a in arrays.items() if a is not None})

    def __len__(self):
        return len(self.chunks)

    def __getitem__(self, k):
        """The encoded arrays of chunk ``k``, in the order of ``names`` (None where absent)."""
        arrays = self.encode(*self.chunks.chunk(k)) if self.store is None else self.store.chunk(k)
        return tuple(arrays.get(name) for name in self.names)


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
        sizes = [chunks.store.sizes[i] for i in chunks.chunk_ids]
        self.val_rows = []
        for size in sizes:
            n_val = 0 if validation_fraction is None else int(round(validation_fraction * size))
            self.val_rows.append(np.sort(rng.permutation(size)[:n_val]))
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

    def _encoded(self, k):
        return self.encoded[k]

    def _training_rows(self, k):
        """The encoded arrays of chunk ``k`` without its validation rows."""
        arrays = self._encoded(k)
        train = np.ones(len(arrays[0]), dtype=bool)
        train[self.val_rows[k]] = False
        return [None if a is None else a[train] for a in arrays]

    def epoch(self, rng):
        """Yield ``(X, soft, hard, weights, batch_weight)`` for each batch of a new shuffle:
        the chunks in a new order, ``MIX_CHUNKS`` at a time shuffled together."""
        total = 0.0
        order = rng.permutation(len(self.chunks))
        for start in range(0, len(order), MIX_CHUNKS):
            parts = [self._training_rows(k) for k in order[start : start + MIX_CHUNKS]]
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
            Xt, soft, hard, weights = self._encoded(k)
            w = np.ones(len(rows)) if weights is None else np.asarray(weights)[rows]
            if w.sum() <= 0:
                continue
            hard = None if hard is None else hard[rows]
            loss, _ = loss_fn(
                self.model._forward(Xt[rows]),
                soft[rows],
                hard,
                (w / w.sum()).astype(_DTYPE),
                **loss_kwargs,
            )
            loss_sum += float(loss) * w.sum()
            weight_sum += w.sum()
        return loss_sum / weight_sum

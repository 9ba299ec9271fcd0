"""Training the MLP students from a chunked transfer set, one chunk in memory at a time.

A chunked transfer set (``TransferSet.training_chunks``) hands out ``(X, targets,
sample_weight)`` a chunk at a time. :class:`ChunkedBatches` turns it into the mini-batches of
one epoch: the chunks in a new random order each epoch, each chunk's rows encoded by the
student's fitted encoder and shuffled into mini-batches by the same code as in-memory training
(:class:`~skdistill.students._mlp._ShuffledBatches`). A fixed ``validation_fraction`` of each
chunk's rows, drawn once, is held out for early stopping; :meth:`ChunkedBatches.validation_loss`
streams over the chunks too. Every random choice comes from the student's seeded generator,
so a fit is reproducible.
"""

import numpy as np

_DTYPE = np.float32
# Rows sampled across the chunks to fit the input encoder and the target scale.
ENCODER_ROWS = 100_000


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

    def _encoded(self, k):
        """Chunk ``k`` as the loss takes it: float32 inputs, soft and hard targets, weights."""
        X, targets, weights = self.chunks.chunk(k)
        Xt = np.asarray(self.model.preprocessor_.transform(X), dtype=_DTYPE)
        soft, hard = self.model._encode_targets(targets)
        if self.alpha == 0:
            hard = None
        return Xt, soft, hard, weights

    def epoch(self, rng):
        """Yield ``(X, soft, hard, weights, batch_weight)`` for each batch of a new shuffle."""
        total = 0.0
        for k in rng.permutation(len(self.chunks)):
            Xt, soft, hard, weights = self._encoded(k)
            train = np.ones(len(Xt), dtype=bool)
            train[self.val_rows[k]] = False
            arrays = [None if a is None else a[train] for a in (Xt, soft, hard, weights)]
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

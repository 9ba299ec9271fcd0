"""Numpy multi-layer perceptrons trained on soft targets: the default students of skdistill.

One training loop (:class:`_BaseSoftMLP`) serves the classifier, which minimises Hinton et al.'s
distillation loss or Ba & Caruana's logit matching, and the regressor, which minimises the
squared error to the teacher's (standardised) outputs. Training runs in float32 with Adam on
shuffled mini-batches; the raw table is encoded inside the student (imputation, missing
indicators, scaling, one-hot), so the student takes the same input as the teacher.
"""

import operator
import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _num_samples,
    column_or_1d,
)
from threadpoolctl import threadpool_limits

from .._tables import CHUNK_ROWS
from .._targets import SoftTargets, one_hot
from ._activations import ACTIVATIONS, DERIVATIVES
from ._base import SoftClassifierMixin, SoftRegressorMixin, targets_from_y
from ._chunks import ENCODER_ROWS, ChunkedBatches, check_chunks
from ._loss import LOSSES, softmax_rows
from ._optim import AdamOptimizer
from ._pieces import expand_pieces, fit_pieces
from ._preprocess import (
    check_input,
    check_student_X,
    check_weights,
    encode,
    make_student_preprocessor,
)

_DTYPE = np.float32


def _pack(coefs, intercepts):
    """One flat float32 vector holding every parameter, and the weight matrices as its views."""
    theta = np.concatenate(
        [a.ravel() for pair in zip(coefs, intercepts, strict=True) for a in pair]
    ).astype(_DTYPE)
    return (theta, *_views(theta, [c.shape for c in coefs]))


def _views(flat, coef_shapes):
    """Split ``flat`` into views shaped like the coefficient matrices and intercept vectors."""
    coefs, intercepts, start = [], [], 0
    for n_in, n_out in coef_shapes:
        coefs.append(flat[start : start + n_in * n_out].reshape(n_in, n_out))
        start += n_in * n_out
        intercepts.append(flat[start : start + n_out])
        start += n_out
    return coefs, intercepts


class _BaseSoftMLP(BaseEstimator):
    """The network, its training loop and the input handling shared by both MLP students.

    Subclasses set ``_loss_name`` and implement ``_init_targets`` (fitted target attributes from
    the first targets), ``_check_targets`` (later targets agree with them) and
    ``_encode_targets`` (the float32 matrices the loss takes).
    """

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "input_bins": [Interval(Integral, 2, None, closed="left"), None],
        "l2": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "learning_rate": [StrOptions({"constant", "adaptive"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(64, 64),
        activation="relu",
        *,
        input_bins=None,
        l2=1e-5,
        batch_size="auto",
        learning_rate_init="auto",
        learning_rate="adaptive",
        max_iter=200,
        tol=1e-4,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=10,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        warm_start=False,
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.input_bins = input_bins
        self.l2 = l2
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    def _distill_defaults(self):
        """The distillers' ``sampler="default"`` and ``alpha="default"`` for this student,
        measured best for the MLP students (see ``skdistill/_defaults.py``)."""
        return {"sampler": "Smear", "alpha": 0.0}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # NaN is imputed (with a missing indicator) and DataFrame categories are one-hot encoded.
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        return tags

    # ---- network -------------------------------------------------------------------------

    def _layer_sizes(self, n_in, n_out):
        hidden = self.hidden_layer_sizes
        hidden = [hidden] if isinstance(hidden, Integral) else list(hidden)
        if not all(isinstance(h, Integral) and h >= 1 for h in hidden):
            raise ValueError(
                "hidden_layer_sizes must be a sequence of positive integers, e.g. (64, 64), or "
                f"() for no hidden layer; got {self.hidden_layer_sizes!r}."
            )
        return [n_in, *(int(h) for h in hidden), n_out]

    def _initialize(self, n_in, n_out, rng):
        sizes = self._layer_sizes(n_in, n_out)
        coefs, intercepts = [], []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=False)):
            if self.activation == "relu" and i < len(sizes) - 2:
                # He initialisation keeps the activations' variance through ReLU layers.
                W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
            else:
                bound = np.sqrt(6.0 / (fan_in + fan_out))  # Glorot
                W = rng.uniform(-bound, bound, size=(fan_in, fan_out))
            coefs.append(W.astype(_DTYPE))
            intercepts.append(np.zeros(fan_out, dtype=_DTYPE))
        self.coefs_, self.intercepts_ = coefs, intercepts
        self.n_layers_ = len(sizes)
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.validation_loss_curve_ = [] if self.early_stopping else None

    def _fit_pieces(self, Z):
        """``pieces_`` from the encoded training rows ``Z`` (``input_bins``); returns the
        width of the network's input."""
        self.pieces_ = None if self.input_bins is None else fit_pieces(Z, self.input_bins)
        self._fitted_input_bins = self.input_bins
        return Z.shape[1] if self.pieces_ is None else len(self.pieces_[0])

    def _check_architecture(self):
        """Continuing a fitted network (``warm_start``, ``partial_fit``) needs the parameters
        that shaped it unchanged: the layers and the pieces are the fitted ones."""
        layers = tuple(W.shape[1] for W in self.coefs_[:-1])
        asked_layers = tuple(self._layer_sizes(0, 0)[1:-1])
        if hasattr(self, "_fitted_input_bins"):
            fitted_bins = self._fitted_input_bins
            same_bins = fitted_bins == self.input_bins
        else:  # pickled before it was kept: only whether there are pieces is known
            has_pieces = getattr(self, "pieces_", None) is not None
            fitted_bins = "some" if has_pieces else None
            same_bins = has_pieces == (self.input_bins is not None)
        if layers != asked_layers or not same_bins:
            raise ValueError(
                f"warm_start=True and partial_fit continue the fitted network, with "
                f"hidden_layer_sizes={layers} and input_bins={fitted_bins}; the parameters "
                f"now say hidden_layer_sizes={asked_layers} and input_bins={self.input_bins}. "
                "Set them back, or fit a new network (warm_start=False, or fit instead of "
                "partial_fit)."
            )

    def _network_input(self, Z):
        """The encoded rows as the first layer reads them: their pieces, with ``pieces_``."""
        pieces = getattr(self, "pieces_", None)  # None in a model pickled before pieces_
        return Z if pieces is None else expand_pieces(Z, *pieces)

    def _forward(self, X):
        """Raw outputs (logits or standardised values) of ``X``, chunk by chunk, computed in
        the dtype of ``X``: float32 in training, float64 for predictions, whose values then do
        not depend on which other rows share the call."""
        X = self._network_input(X)
        act = ACTIVATIONS[self.activation]
        layers = self._layers(X.dtype)
        last = len(layers) - 1
        if len(X) == 1:  # a 1-D row: adding the biases needs no broadcasting
            return self._forward_chunk(X[0], layers, act, last)[None]
        if len(X) <= CHUNK_ROWS:  # one chunk: no output buffer to fill
            return self._forward_chunk(X, layers, act, last)
        out = np.empty((len(X), layers[-1][0].shape[1]), dtype=X.dtype)
        for start in range(0, len(X), CHUNK_ROWS):
            out[start : start + CHUNK_ROWS] = self._forward_chunk(
                X[start : start + CHUNK_ROWS], layers, act, last
            )
        return out

    @staticmethod
    def _forward_chunk(A, layers, act, last):
        for i, (W, b) in enumerate(layers):
            A = A.dot(W)  # the method: no __array_function__ dispatch (np.dot, @) on a row
            A += b
            if i < last:
                act(A)
        return A

    def _layers(self, dtype):
        """(weights, bias) pairs in ``dtype``. Float64 copies of the float32 weights are made
        once, after training (``_keep_float64_layers``): casting them on every call costs more
        than a single row's products."""
        if dtype == self.coefs_[0].dtype:
            return list(zip(self.coefs_, self.intercepts_, strict=True))
        arrays, layers = vars(self).get("_float64_layers", ((), None))
        current = (*self.coefs_, *self.intercepts_)
        if len(arrays) == len(current) and all(map(operator.is_, arrays, current)):
            return layers
        return [
            (W.astype(dtype), b.astype(dtype))
            for W, b in zip(self.coefs_, self.intercepts_, strict=True)
        ]

    def _keep_float64_layers(self):
        """Cache the float64 copies of the weights for predictions, with the arrays they copy:
        weights set by hand (a new list or a new array in it) are used as they are. An edit
        in place of a weight array needs this called again."""
        self._float64_layers = (
            (*self.coefs_, *self.intercepts_),
            [
                (W.astype(np.float64), b.astype(np.float64))
                for W, b in zip(self.coefs_, self.intercepts_, strict=True)
            ],
        )

    def _drop_training_state(self):
        """Forget what only ``partial_fit`` reads: Adam's moment estimates (twice the bytes
        of the weights) and the random generator. The distillers call it on every student
        they train, so that a student they ship pickles to what prediction needs; a
        ``partial_fit`` afterwards starts Adam afresh, seeded from ``random_state``."""
        for name in ("_optimizer", "_rng"):
            self.__dict__.pop(name, None)

    def __getstate__(self):
        state = dict(super().__getstate__())  # object's is the live __dict__
        state.pop("_float64_layers", None)  # a cache: rebuilt on load, not stored twice
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "coefs_" in state:
            self._keep_float64_layers()

    # ---- fitting -------------------------------------------------------------------------

    def _fit_soft(self, X, targets, sample_weight=None):
        return self._fit(X, targets, sample_weight, incremental=False)

    def _fit(self, X, targets, sample_weight, incremental):
        fresh = not hasattr(self, "coefs_") or not (self.warm_start or incremental)
        X = check_student_X(self, X, reset=fresh)
        n_samples = _num_samples(X)
        if targets.n_samples != n_samples:
            raise ValueError(
                f"X has {n_samples} rows but the targets have {targets.n_samples}; pass one "
                "target row per row of X."
            )
        sample_weight = check_weights(sample_weight, X)
        if fresh:
            self.preprocessor_ = make_student_preprocessor(X, "dense")[0]
            Xt = np.asarray(self.preprocessor_.fit_transform(X), dtype=_DTYPE)
            self._init_targets(targets)
        else:
            self._check_architecture()
            self._check_targets(targets)
            Xt = np.asarray(self.preprocessor_.transform(X), dtype=_DTYPE)
        soft, hard = self._encode_targets(targets)
        if incremental and hasattr(self, "_rng"):
            rng = self._rng
        else:
            rng = self._rng = check_random_state(self.random_state)
        if fresh:
            self._initialize(self._fit_pieces(Xt), soft.shape[1], rng)
        # A mini-batch's matrices are too small to gain from BLAS threads, and threads competing
        # for busy cores slow training many times over; one thread is also reproducible.
        with threadpool_limits(limits=1, user_api="blas"):
            self._train(Xt, soft, hard, sample_weight, targets, rng, incremental)
        return self

    def _train(self, X, soft, hard, sample_weight, targets, rng, incremental):
        """Train on in-memory arrays: hold out the validation rows for early stopping, shuffle
        the rest into mini-batches, and run the epoch loop."""
        loss_kwargs = {"temperature": float(targets.temperature), "alpha": float(targets.alpha)}
        if hard is not None and loss_kwargs["alpha"] == 0:
            hard = None
        train, validate = (X, soft, hard, sample_weight), None
        if self.early_stopping and not incremental:
            train, val_set = self._split_for_early_stopping(train, rng)

            def validate(loss_fn, loss_kwargs):
                X_val, soft_val, hard_val, w_val = val_set
                return loss_fn(self._forward(X_val), soft_val, hard_val, w_val, **loss_kwargs)[0]

        batches = _ShuffledBatches(*train, self._effective_batch_size(len(train[0])))
        self._run_epochs(batches, validate, loss_kwargs, rng, incremental)

    def _run_epochs(self, batches, validate, loss_kwargs, rng, incremental):
        """The epoch loop (:meth:`_epochs`), then the float64 weights for predictions."""
        self._epochs(batches, validate, loss_kwargs, rng, incremental)
        self._keep_float64_layers()

    def _epochs(self, batches, validate, loss_kwargs, rng, incremental):
        """The epoch loop: one pass over ``batches`` (in memory or chunked) per epoch, the
        loss to watch (``validate(loss_fn, loss_kwargs)`` with early stopping), and the
        stopping rule (with the step schedule of the optimizer) to end it."""
        loss_fn = LOSSES[self._loss_name]
        theta, self.coefs_, self.intercepts_ = _pack(self.coefs_, self.intercepts_)
        self.batch_size_ = batches.batch_size
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._new_optimizer(theta.size, batches.batch_size)
        step = _BatchStep(self, theta, batches.batch_size, loss_fn, loss_kwargs)
        stopping = _StoppingRule(self.tol, self.n_iter_no_change)
        early_stopping = validate is not None
        best_theta, converged = None, False
        for _ in range(1 if incremental else self.max_iter):
            tic = time.perf_counter()
            current = self._run_epoch(batches, step, rng)
            message = f"Epoch {self.n_iter_}, loss = {current:.6f}"
            if early_stopping:
                current = validate(loss_fn, loss_kwargs)
                self.validation_loss_curve_.append(current)
                message += f", validation loss = {current:.6f}"
            if self.verbose:
                print(f"{message}, time = {time.perf_counter() - tic:.2f}s")
            if incremental:
                return
            if stopping.update(current):
                self.best_iter_ = self.n_iter_
                if early_stopping:
                    best_theta = theta.copy()
            if stopping.stalled:
                if not self._lower_step(theta, best_theta):
                    converged = True
                    self._say_stopped(early_stopping)
                    break
                stopping.no_improvement = 0

        self.best_loss_ = stopping.best_loss
        if best_theta is not None:
            theta[:] = best_theta  # the views in coefs_/intercepts_ see the restored values
        if not converged:
            warnings.warn(
                f"{type(self).__name__}: the maximum number of epochs (max_iter="
                f"{self.max_iter}) was reached before the loss stopped improving. Raise "
                "max_iter, or raise tol / lower n_iter_no_change to stop earlier.",
                ConvergenceWarning,
                stacklevel=7,
            )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_chunks(self, chunks):
        """Train on a chunked transfer set, holding one chunk of it in memory at a time.

        The chunks are encoded once, kept beside the transfer set. Each epoch runs over as
        many groups of rows as there are chunks, in a new random order; a group holds an
        equal slice of every chunk (from a new random offset each epoch), shuffled into
        mini-batches, so that no batch comes from one chunk (a chunk of a Dask fit holds one
        partition's rows). ``validation_fraction`` of every chunk's rows (drawn once) are
        held out for early stopping. The input encoding and the target scale are fitted on
        about 100,000 rows sampled across the chunks. Always starts from new weights
        (``warm_start`` does not apply).

        Parameters
        ----------
        chunks : TrainingChunks
            ``TransferSet.training_chunks(temperature, alpha)`` of a transfer set built with
            ``store=``; the distillers pass it when fitted on such a transfer set.

        Returns
        -------
        self
        """
        check_chunks(self, chunks)
        rng = self._rng = check_random_state(self.random_state)
        X_sample, targets, _ = chunks.sample(ENCODER_ROWS, rng)
        X_sample = check_student_X(self, X_sample, reset=True)
        self.preprocessor_ = make_student_preprocessor(X_sample, "dense")[0]
        n_in = self._fit_pieces(self.preprocessor_.fit_transform(X_sample))
        self._init_targets(targets)
        self._initialize(n_in, self._encode_targets(targets)[0].shape[1], rng)
        fraction = self.validation_fraction if self.early_stopping else None
        batches = ChunkedBatches(self, chunks, fraction, rng)
        loss_kwargs = {"temperature": float(chunks.temperature), "alpha": float(chunks.alpha)}
        with threadpool_limits(limits=1, user_api="blas"):
            self._run_epochs(
                batches,
                batches.validation_loss if self.early_stopping else None,
                loss_kwargs,
                rng,
                incremental=False,
            )
        return self

    def _split_for_early_stopping(self, arrays, rng):
        """``(train arrays, validation arrays)`` of ``(X, soft, hard, sample_weight)``; the
        validation weights sum to one, as the losses take them."""
        X, soft, hard, sample_weight = arrays
        val, train = self._validation_split(sample_weight, len(X), rng)
        val_set = (
            X[val],
            soft[val],
            _take(hard, val),
            _normalised(_take(sample_weight, val), len(val)),
        )
        return tuple(_take(a, train) for a in arrays), val_set

    def _new_optimizer(self, n_params, batch_size):
        self.learning_rate_init_ = self.learning_rate_init
        if self.learning_rate_init == "auto":
            self.learning_rate_init_ = 1e-3 * np.sqrt(batch_size / 64)
        return AdamOptimizer(
            n_params,
            _DTYPE,
            learning_rate_init=self.learning_rate_init_,
            beta_1=self.beta_1,
            beta_2=self.beta_2,
            epsilon=self.epsilon,
            schedule=self.learning_rate,
        )

    def _run_epoch(self, batches, step, rng):
        """One pass over shuffled mini-batches. Returns the epoch's loss (mean over the rows,
        plus the L2 penalty), also appended to ``loss_curve_``."""
        epoch_loss = 0.0
        for X, soft, hard, weights, batch_weight in batches.epoch(rng):
            epoch_loss += step(X, soft, hard, weights) * batch_weight
        self.n_iter_ += 1
        self.t_ += batches.n_rows
        penalty = 0.5 * self.l2 * sum(float(np.vdot(W, W)) for W in self.coefs_)
        epoch_loss = epoch_loss / batches.total_weight + penalty
        if not np.isfinite(epoch_loss):
            raise ValueError(
                f"training diverged at epoch {self.n_iter_} (loss {epoch_loss}); lower "
                f"learning_rate_init (now {self.learning_rate_init_}) or raise l2."
            )
        self.loss_curve_.append(epoch_loss)
        return epoch_loss

    def _say_stopped(self, early_stopping):
        if self.verbose:
            what = "Validation" if early_stopping else "Training"
            print(
                f"{what} loss did not improve more than tol={self.tol} for "
                f"{self.n_iter_no_change} consecutive epochs. Stopping."
            )

    def _lower_step(self, theta, best_theta):
        """Lower the optimizer's step (its schedule decides how) and go back to the best
        weights so far; False when the schedule says training should stop instead."""
        if not self._optimizer.lower_step():
            return False
        if best_theta is not None:
            theta[:] = best_theta
        if self.verbose:
            print(f"No improvement: step lowered to {self._optimizer.learning_rate:.3g}.")
        return True

    def _effective_batch_size(self, n_train):
        if self.batch_size == "auto":
            # Large transfer sets train faster and (with the larger step of
            # learning_rate_init="auto") better in large batches: on 450,000 covtype rows a
            # (64, 64) net reached 0.872 test accuracy after 15 epochs with these defaults
            # (1024 rows, step 4e-3), 0.862 with 256 rows and 1e-3, in 40% less time.
            return int(np.clip(n_train // 256, 128, 1024)) if n_train > 128 else n_train
        return min(self.batch_size, n_train)

    def _validation_split(self, sample_weight, n_samples, rng):
        """Indices of the validation and training rows for early stopping."""
        # Rows of zero weight teach nothing and would not count in the validation loss.
        candidates = (
            np.arange(n_samples) if sample_weight is None else np.flatnonzero(sample_weight > 0)
        )
        n_val = max(1, int(round(self.validation_fraction * len(candidates))))
        if len(candidates) - n_val < 1:
            raise ValueError(
                f"early_stopping holds out validation_fraction={self.validation_fraction} of "
                f"the n_samples={len(candidates)} rows of positive weight, leaving none to "
                "train on; pass more rows or set early_stopping=False."
            )
        val = rng.permutation(candidates)[:n_val]
        train = np.ones(n_samples, dtype=bool)
        train[val] = False
        return val, np.flatnonzero(train)

    def _partial_fit(self, X, targets, sample_weight):
        return self._fit(X, targets, sample_weight, incremental=True)


class _BatchStep:
    """One Adam step on a mini-batch: forward pass, loss, back-propagation into one flat
    gradient, update of the flat parameters. Buffers for a full batch are allocated once."""

    def __init__(self, model, theta, batch_size, loss_fn, loss_kwargs):
        self.model, self.theta = model, theta
        self.coefs, self.intercepts = model.coefs_, model.intercepts_
        self.grad = np.empty_like(theta)
        self.grad_coefs, self.grad_intercepts = _views(self.grad, [W.shape for W in self.coefs])
        self.outputs = [np.empty((batch_size, W.shape[1]), dtype=_DTYPE) for W in self.coefs]
        self.deltas = [np.empty((batch_size, W.shape[0]), dtype=_DTYPE) for W in self.coefs[1:]]
        self.act = ACTIVATIONS[model.activation]
        self.derivative = DERIVATIVES[model.activation]
        self.loss_fn, self.loss_kwargs = loss_fn, loss_kwargs
        self.l2 = model.l2

    def __call__(self, X, soft, hard, weights):
        n, last = len(X), len(self.coefs) - 1
        A, layer_inputs = self.model._network_input(X), []
        for i, (W, b) in enumerate(zip(self.coefs, self.intercepts, strict=True)):
            layer_inputs.append(A)
            A = np.matmul(A, W, out=self.outputs[i][:n])
            A += b
            if i < last:
                self.act(A)
        loss, delta = self.loss_fn(A, soft, hard, weights, **self.loss_kwargs)
        for i in range(last, -1, -1):
            np.matmul(layer_inputs[i].T, delta, out=self.grad_coefs[i])
            np.sum(delta, axis=0, out=self.grad_intercepts[i])
            if self.l2 > 0:
                self.grad_coefs[i] += self.l2 * self.coefs[i]
            if i > 0:
                delta = np.matmul(delta, self.coefs[i].T, out=self.deltas[i - 1][:n])
                self.derivative(layer_inputs[i], delta)
        self.model._optimizer.update_params(self.theta, self.grad)
        return loss


class _ShuffledBatches:
    """The training rows, shuffled into reused buffers each epoch and cut into mini-batches.

    Each batch comes with its row weights (summing to one, as the losses take them) and its
    total weight, which weighs the batch's loss in the epoch's mean.
    """

    def __init__(self, X, soft, hard, sample_weight, batch_size):
        self.arrays = (X, soft, hard)
        self.sample_weight = sample_weight
        self.batch_size = batch_size
        self.n_rows = len(X)
        self.total_weight = self.n_rows if sample_weight is None else float(sample_weight.sum())
        if self.total_weight <= 0:
            raise ValueError("sample_weight sums to zero; give some rows a positive weight.")
        self.buffers = tuple(None if a is None else np.empty_like(a) for a in self.arrays)
        self.uniform = {}

    def epoch(self, rng):
        """Yield ``(X, soft, hard, weights, batch_weight)`` for each batch of a new shuffle."""
        order = rng.permutation(self.n_rows)
        for array, buffer in zip(self.arrays, self.buffers, strict=True):
            if array is not None:
                np.take(array, order, axis=0, out=buffer)
        X, soft, hard = self.buffers
        w = None if self.sample_weight is None else self.sample_weight[order]
        for start in range(0, self.n_rows, self.batch_size):
            stop = min(start + self.batch_size, self.n_rows)
            if w is None:
                n = stop - start
                if n not in self.uniform:
                    self.uniform[n] = np.full(n, 1.0 / n, dtype=_DTYPE)
                weights, batch_weight = self.uniform[n], n
            else:
                batch_weight = float(w[start:stop].sum())
                if batch_weight <= 0:
                    continue
                weights = (w[start:stop] / batch_weight).astype(_DTYPE)
            batch_hard = None if hard is None else hard[start:stop]
            yield X[start:stop], soft[start:stop], batch_hard, weights, batch_weight


class _StoppingRule:
    """When to stop: the watched loss has not improved on its best by more than ``tol`` for
    more than ``n_iter_no_change`` epochs in a row."""

    def __init__(self, tol, n_iter_no_change):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.best_loss = np.inf
        self.no_improvement = 0

    def update(self, loss):
        """Record one epoch's loss; True when it is the best so far."""
        if loss > self.best_loss - self.tol:
            self.no_improvement += 1
        else:
            self.no_improvement = 0
        if loss < self.best_loss:
            self.best_loss = loss
            return True
        return False

    @property
    def stalled(self):
        return self.no_improvement > self.n_iter_no_change


def _take(array, indices):
    return None if array is None else array[indices]


def _normalised(weights, n):
    if weights is None:
        return np.full(n, 1.0 / n, dtype=_DTYPE)
    return (weights / weights.sum()).astype(_DTYPE)


_COMMON_PARAMETERS = """\
    hidden_layer_sizes : tuple of int, default=(64, 64)
        Width of each hidden layer; ``()`` gives a linear model.
    activation : {"relu", "tanh"}, default="relu"
        Activation of the hidden layers.
    input_bins : int >= 2 or None, default=None
        With an int, each encoded input enters the network as its piecewise-linear encoding
        over up to ``input_bins`` pieces between its training quantiles (Gorishniy, Rubachev
        & Babenko, 2022): one column per piece, 0 below it, 1 above it, linear inside. A
        network then learns the sharp, axis-aligned steps of a tree ensemble with fewer
        units. The first layer grows about ``input_bins`` times for each numeric column (a
        binary or one-hot column stays one column). None: the inputs enter as encoded.
    l2 : float, default=1e-5
        L2 penalty (weight decay) on the weight matrices. (``alpha`` is the weight of the hard
        labels in :class:`~skdistill.SoftTargets`.)
    batch_size : int or "auto", default="auto"
        Rows per mini-batch. "auto" is ``n_train // 256`` clipped to [128, 1024]: large
        transfer sets get large batches, which train faster per epoch and, with a larger step,
        no worse.
    learning_rate : {"constant", "adaptive"}, default="adaptive"
        "adaptive": when the loss stops improving (see ``n_iter_no_change``), go back to the
        best weights so far and divide the step by 5, up to twice, before stopping.
        "constant": stop at once.
    learning_rate_init : float or "auto", default="auto"
        Step size of Adam. "auto" is ``1e-3 * sqrt(batch_size / 64)`` (1.4e-3 to 4e-3),
        fixed at the start of ``fit`` or at the first ``partial_fit``.
    max_iter : int, default=200
        Maximum number of epochs (passes over the training rows).
    tol : float, default=1e-4
        An epoch improves if it lowers the best loss so far (the validation loss with early
        stopping) by more than ``tol``: an absolute amount, as in scikit-learn's MLP.
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the rows, stop when the same loss on them has not
        improved for ``n_iter_no_change`` epochs, and restore the weights of the best epoch.
        Otherwise stop on the training loss.
    validation_fraction : float, default=0.1
        Share of the rows held out for early stopping.
    n_iter_no_change : int, default=10
        More than this many epochs in a row without improvement (see ``tol``) lower the step
        (``learning_rate="adaptive"``) or stop training. ``n_iter_`` records the epochs run.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Parameters of Adam.
    warm_start : bool, default=False
        Continue from the previous solution in ``fit`` (same features and targets shape,
        same ``hidden_layer_sizes`` and ``input_bins``: a change is an error, as in
        ``partial_fit``).
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the validation split and the shuffling; an int gives
        bit-identical results.
    verbose : bool, default=False
        Print epoch, loss, validation loss and time of each epoch.
"""

_COMMON_ATTRIBUTES = """\
    preprocessor_ : FrameEncoder or NumericTableEncoder
        The fitted encoding of the raw input (mean imputation with missing indicators and
        standard scaling of numeric columns, one-hot encoding of categorical ones).
    pieces_ : tuple of 5 ndarray or None
        The piecewise-linear encoding of the inputs (``input_bins``), one entry per piece:
        ``(columns, slope, offset, low, high)``; the piece reads encoded column ``column``
        and its value is ``clip(z[column] * slope + offset, low, high)`` (the piece between
        two cuts, 0 to 1, standardised over the training rows). None without it.
    coefs_ : list of ndarray
        Weight matrix of each layer (float32).
    intercepts_ : list of ndarray
        Bias vector of each layer (float32).
    n_layers_ : int
        Number of layers, input and output included.
    n_iter_ : int
        Number of epochs run.
    t_ : int
        Number of training rows seen.
    batch_size_ : int
        Rows per mini-batch of the last epoch.
    learning_rate_init_ : float
        Initial step size of Adam.
    loss_curve_ : list of float
        Training loss (mean over the epoch's mini-batches, plus the L2 penalty) per epoch.
    validation_loss_curve_ : list of float or None
        Loss on the held-out rows after each epoch (without the L2 penalty); None without
        early stopping.
    best_loss_ : float
        Lowest validation loss with early stopping (whose weights are kept), else lowest
        training loss.
    best_iter_ : int
        Epoch of ``best_loss_``.
    n_features_in_ : int
        Number of columns of the input.
    feature_names_in_ : ndarray of str
        Column names, when the input is a DataFrame with string column names.
"""


class SoftMLPClassifier(SoftClassifierMixin, _BaseSoftMLP):
    __doc__ = f"""A multi-layer perceptron trained on soft class targets (knowledge distillation).

    Trained on a teacher's :class:`~skdistill.SoftTargets` with :meth:`fit_soft`, it minimises
    per row (Hinton, Vinyals & Dean, 2015)::

        (1 - alpha) * T**2 * CE(softmax(t / T), softmax(z / T))
            + alpha * [row has a label] * CE(onehot(y), softmax(z))

    averaged with the sample weights, where ``t`` are the teacher's logits, ``z`` the student's,
    and ``T`` and ``alpha`` are taken from the targets. With ``loss="logit_mse"`` the soft term is
    the squared error between the row-centred logits (Ba & Caruana, 2014). ``fit(X, y)`` on
    labels is plain cross-entropy training; ``fit(X, P)`` with a probability matrix trains on
    those probabilities. It predicts at ``T = 1``.

    The input may be the raw table the teacher takes: a DataFrame with categorical / string
    columns and missing values is encoded inside the student.

    Parameters
    ----------
    loss : {{"kd", "logit_mse"}}, default="kd"
        Soft term: cross-entropy at temperature ``T`` ("kd") or logit matching ("logit_mse").
{_COMMON_PARAMETERS}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
{_COMMON_ATTRIBUTES}
    See Also
    --------
    SoftMLPRegressor : The same network for regression teachers.
    sklearn.neural_network.MLPClassifier : The hard-label MLP of scikit-learn.

    References
    ----------
    .. [1] G. Hinton, O. Vinyals and J. Dean, "Distilling the Knowledge in a Neural Network",
       NIPS Deep Learning Workshop, 2015. arXiv:1503.02531.
    .. [2] J. Ba and R. Caruana, "Do Deep Nets Really Need to be Deep?", NIPS 2014.
    .. [3] D. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
    .. [4] Y. Gorishniy, I. Rubachev and A. Babenko, "On Embeddings for Numerical Features in
       Tabular Deep Learning", NeurIPS 2022 (the piecewise-linear encoding of ``input_bins``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skdistill import SoftTargets
    >>> from skdistill.students import SoftMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> teacher = LogisticRegression(max_iter=1000).fit(X, y)
    >>> targets = SoftTargets(logits=teacher.decision_function(X), temperature=2.0)
    >>> student = SoftMLPClassifier(hidden_layer_sizes=(32,), batch_size=32,
    ...                             learning_rate_init=0.01, random_state=0)
    >>> student.fit_soft(X, targets).score(X, y) > 0.9
    True
    >>> student.predict_proba(X[:1]).shape
    (1, 3)
    """

    _parameter_constraints = {
        **_BaseSoftMLP._parameter_constraints,
        "loss": [StrOptions({"kd", "logit_mse"})],
    }

    def __init__(
        self,
        hidden_layer_sizes=(64, 64),
        activation="relu",
        *,
        loss="kd",
        input_bins=None,
        l2=1e-5,
        batch_size="auto",
        learning_rate_init="auto",
        learning_rate="adaptive",
        max_iter=200,
        tol=1e-4,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=10,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        warm_start=False,
        random_state=None,
        verbose=False,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            input_bins=input_bins,
            l2=l2,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            learning_rate=learning_rate,
            max_iter=max_iter,
            tol=tol,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
        )
        self.loss = loss

    @property
    def _loss_name(self):
        return self.loss

    def _init_targets(self, targets):
        self.classes_ = targets.class_labels

    def _check_targets(self, targets):
        labels = targets.class_labels
        if targets.n_classes != len(self.classes_) or (
            targets.classes is not None and not np.array_equal(labels, self.classes_)
        ):
            raise ValueError(
                f"the targets have {targets.n_classes} classes {list(labels)[:10]} but this "
                f"model was fitted with {len(self.classes_)} classes {list(self.classes_)[:10]}; "
                "pass targets with one column per class of classes_ in that order, or set "
                "warm_start=False to start over."
            )

    def _encode_targets(self, targets):
        soft = targets.proba() if self.loss == "kd" else targets.centered_logits()
        hard = None if targets.y is None else np.asarray(targets.y, dtype=np.intp)
        return np.asarray(soft, dtype=_DTYPE), hard

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train one epoch on a chunk of rows, keeping the weights and the optimizer state.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_classes), or SoftTargets
            Labels, class probabilities, or the targets a teacher gives.
        sample_weight : array-like of shape (n_samples,), default=None
        classes : array-like of shape (n_classes,), default=None
            Every class label; needed on the first call with labels, since one chunk may miss
            some classes. Ignored later: the classes are fixed at the first call.

        Returns
        -------
        self
        """
        return self._partial_fit(X, self._chunk_targets(y, classes), sample_weight)

    def _chunk_targets(self, y, classes):
        if isinstance(y, SoftTargets):
            if not y.is_classification:
                raise TypeError("partial_fit of a classifier takes classification SoftTargets.")
            return y
        y_array = np.asarray(y)
        if y_array.ndim == 2 and y_array.shape[1] > 1:
            return targets_from_y(y_array)
        y_array = column_or_1d(y_array, warn=True)
        check_classification_targets(y_array)
        if hasattr(self, "classes_"):
            known = self.classes_
        elif classes is not None:
            known = np.unique(classes)
        else:
            raise ValueError(
                "classes must be passed on the first call to partial_fit with labels, since "
                "one chunk may not hold every class: partial_fit(X, y, classes=all_labels)."
            )
        if len(known) < 2:
            raise ValueError(f"classes has a single class {known!r}; a classifier needs two.")
        unseen = np.setdiff1d(y_array, known)
        if len(unseen):
            raise ValueError(
                f"y holds labels {list(unseen)[:10]} not in the classes {list(known)[:10]} fixed "
                "at the first call to partial_fit; pass every label in classes then."
            )
        codes = np.searchsorted(known, y_array)
        return SoftTargets(
            probabilities=one_hot(codes, len(known)), y=codes, classes=np.asarray(known)
        )

    def predict_proba(self, X):
        """Class probabilities at temperature 1.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self._predict_proba_checked(check_input(self, X))

    def _predict_proba_checked(self, X):
        return softmax_rows(self._logits(X))

    def decision_function(self, X):
        """The student's logits (log-probabilities up to a constant per row).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        logits : ndarray of shape (n_samples, n_classes), or (n_samples,) for two classes
            With two classes, the margin ``z[:, 1] - z[:, 0]`` of the second class, as in
            scikit-learn (``[0, margin]`` are equivalent logits).
        """
        logits = self._logits(check_input(self, X))
        return logits[:, 1] - logits[:, 0] if logits.shape[1] == 2 else logits

    def _logits(self, X):
        """Logits of checked input."""
        return self._forward(encode(self, X))


class SoftMLPRegressor(SoftRegressorMixin, _BaseSoftMLP):
    __doc__ = f"""A multi-layer perceptron trained on a regression teacher's outputs.

    Minimises per row ``(1 - alpha) * ||f(x) - teacher(x)||^2 / 2 + alpha * ||f(x) - y||^2 / 2``
    (the second term where ``y`` is not NaN), with ``alpha`` from the
    :class:`~skdistill.SoftTargets`. The targets are standardised inside (mean and scale kept in
    ``target_mean_`` / ``target_scale_`` and undone by :meth:`predict`), so targets in the
    hundreds of thousands train as well as unit-scale ones. ``fit(X, y)`` trains on ``y``.

    The input may be the raw table the teacher takes: a DataFrame with categorical / string
    columns and missing values is encoded inside the student.

    Parameters
    ----------
{_COMMON_PARAMETERS}
    Attributes
    ----------
    target_mean_, target_scale_ : ndarray of shape (n_outputs,)
        Standardisation of the targets.
    n_outputs_ : int
        Number of outputs.
{_COMMON_ATTRIBUTES}
    See Also
    --------
    SoftMLPClassifier : The same network for classification teachers.

    References
    ----------
    .. [1] J. Ba and R. Caruana, "Do Deep Nets Really Need to be Deep?", NIPS 2014.
    .. [2] Y. Gorishniy, I. Rubachev and A. Babenko, "On Embeddings for Numerical Features in
       Tabular Deep Learning", NeurIPS 2022 (the piecewise-linear encoding of ``input_bins``).

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skdistill.students import SoftMLPRegressor
    >>> X, y = make_regression(n_samples=500, n_features=5, noise=1.0, random_state=0)
    >>> model = SoftMLPRegressor(max_iter=300, random_state=0).fit(X, 1e5 * y)
    >>> model.score(X, 1e5 * y) > 0.95
    True
    """

    _loss_name = "squared_error"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _init_targets(self, targets):
        values = np.asarray(targets.values, dtype=np.float64)
        self._y_1d = values.ndim == 1
        values = values.reshape(len(values), -1)
        self.n_outputs_ = values.shape[1]
        self.target_mean_ = values.mean(axis=0)
        scale = values.std(axis=0)
        self.target_scale_ = np.where(scale > 0, scale, 1.0)

    def _check_targets(self, targets):
        values = np.asarray(targets.values)
        n_outputs = 1 if values.ndim == 1 else values.shape[1]
        if n_outputs != self.n_outputs_:
            raise ValueError(
                f"the targets have {n_outputs} outputs but this model was fitted with "
                f"{self.n_outputs_}; pass targets of the same shape, or set warm_start=False "
                "to start over."
            )

    def _standardise(self, values):
        values = np.asarray(values, dtype=np.float64)
        values = values.reshape(len(values), -1)
        return ((values - self.target_mean_) / self.target_scale_).astype(_DTYPE)

    def _encode_targets(self, targets):
        hard = None
        if targets.y is not None:
            hard = self._standardise(targets.y)
            if hard.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"y has {hard.shape[1]} outputs but the teacher's values have "
                    f"{self.n_outputs_}; they must have the same shape."
                )
        return self._standardise(targets.values), hard

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train one epoch on a chunk of rows, keeping the weights and the optimizer state.

        The target standardisation and the input encoding are fitted on the first chunk.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), or SoftTargets
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        if isinstance(y, SoftTargets):
            if y.is_classification:
                raise TypeError("partial_fit of a regressor takes SoftTargets with values.")
            targets = y
        else:
            y = np.asarray(y, dtype=np.float64)
            if y.ndim == 2 and y.shape[1] == 1:
                y = column_or_1d(y, warn=True)
            targets = SoftTargets(values=y)
        return self._partial_fit(X, targets, sample_weight)

    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        return self._predict_checked(check_input(self, X))

    def _predict_checked(self, X):
        out = self._forward(encode(self, X)) * self.target_scale_ + self.target_mean_
        return out.ravel() if self._y_1d else out

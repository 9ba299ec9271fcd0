"""The one place where a student's targets meet ``alpha`` and the temperature.

Every classification student means the same by ``alpha`` and ``T``: per labelled real row,

    (1 - alpha) * T**2 * CE(P_T, softmax(Z / T)) + alpha * CE(onehot(y), softmax(Z))

with ``P_T`` the teacher's probabilities at ``T`` and ``Z`` the student's logits (pseudo rows
have only the soft term). Students trained by gradient take that loss from here:

- :func:`kd_loss` (the MLP, and the linear student on ``Z = X W + b``), :func:`logit_mse_loss`
  (the MLP's logit matching) and :func:`squared_loss` (the MLP regressor). Each has the
  signature ``loss(Z, soft, hard, weights, *, temperature, alpha)`` and returns
  ``(loss, dZ)``: the weighted mean loss over the rows and its gradient with respect to the
  student's raw outputs ``Z``. ``weights`` sum to one, so ``dZ`` already carries each row's
  share. They compute in the dtype of ``Z`` (float32 in training, float64 in tests).

Students that fit one target per row instead of a loss (trees, GBM, adapters around a
regressor) take their target from here too, so that each meaning has one code path:

- :func:`blended_proba`: ``(1 - alpha) P_T + alpha onehot(y)``, the cross-entropy mixture of
  the two terms when both are taken at the same student output (the hard term at ``T``, not
  at 1; there is no ``T**2``, which only rescales a fixed target). The GBM fits it with
  :class:`SoftmaxCrossEntropyObjective` (margins standing for ``Z / T``), the tree with
  squared error; both predict at ``T = 1`` (:func:`sharpen` for the tree).
- :func:`blended_logits`: centred logits at ``T = 1`` (logit matching has no temperature);
  ``alpha`` mixes the one-hot labels into the probabilities before the log.
- :func:`blended_values`: ``(1 - alpha) values + alpha y`` for regressors; no temperature.

``docs/students.md`` has the table of what each student does with ``alpha`` and ``T``.
"""

import math

import numpy as np
from scipy.special import softmax

from .._targets import PROBA_EPS, one_hot


def log_softmax(Z):
    """Row-wise log-softmax (a new array)."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax_rows(Z):
    """Row-wise softmax (a new array); a few microseconds on one row, unlike scipy's."""
    if len(Z) == 1 and Z.dtype == np.float64:  # Python's math: a third of the array calls' time
        z = Z[0].tolist()
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return np.array([[v / total for v in e]])
    # The ufuncs' reduce directly: Z.max / Z.sum add a Python wrapper each.
    E = np.exp(Z - np.maximum.reduce(Z, axis=1, keepdims=True))
    E /= np.add.reduce(E, axis=1, keepdims=True)
    return E


def _hard_cross_entropy(Z, codes, log_q=None):
    """Per-row cross-entropy with the labels ``codes`` at T=1 (0 where ``codes == -1``) and
    its gradient ``softmax(Z) - onehot`` (0 on unlabelled rows)."""
    if log_q is None:
        log_q = log_softmax(Z)
    labelled = np.flatnonzero(codes >= 0)
    rows_codes = codes[labelled]
    loss = np.zeros(len(Z), dtype=Z.dtype)
    loss[labelled] = -log_q[labelled, rows_codes]
    grad = np.zeros_like(Z)
    grad[labelled] = np.exp(log_q[labelled])
    grad[labelled, rows_codes] -= 1
    return loss, grad


def kd_loss(Z, soft, hard, weights, *, temperature, alpha):
    """Hinton et al.'s distillation loss on student logits ``Z``.

    Per row: ``(1 - alpha) * T**2 * CE(soft, softmax(Z / T)) + alpha * CE(onehot(hard),
    softmax(Z))``, the hard term only where ``hard >= 0``.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_classes)
        Student logits.
    soft : ndarray of shape (n_samples, n_classes)
        Teacher probabilities at temperature ``T``.
    hard : ndarray of shape (n_samples,) of int, or None
        Class codes, -1 on rows without a label.
    weights : ndarray of shape (n_samples,)
        Row weights summing to one.
    temperature, alpha : float

    Returns
    -------
    loss : float
    dZ : ndarray of shape (n_samples, n_classes)
    """
    T = temperature
    log_q_T = log_softmax(Z / T if T != 1 else Z)
    # d/dZ [T^2 CE(p, softmax(Z/T))] = T (softmax(Z/T) - p)
    grad = np.exp(log_q_T)
    grad -= soft
    grad *= (1 - alpha) * T
    row_loss = np.einsum("ij,ij->i", soft, log_q_T)
    row_loss *= -(1 - alpha) * T * T
    if alpha > 0 and hard is not None:
        hard_loss, hard_grad = _hard_cross_entropy(Z, hard, log_q_T if T == 1 else None)
        row_loss += alpha * hard_loss
        hard_grad *= alpha
        grad += hard_grad
    grad *= weights[:, None]
    return float(weights @ row_loss), grad


def logit_mse_loss(Z, soft, hard, weights, *, temperature, alpha):
    """Ba & Caruana's logit matching: ``0.5 * ||center(Z) - soft||^2`` per row.

    ``soft`` holds the teacher's row-centred logits; the student's logits are centred too, as
    logits are defined up to a constant per row. The temperature plays no part (logit matching
    is the high-temperature limit of :func:`kd_loss`). The hard term is the cross-entropy of
    :func:`kd_loss`, weighted by ``alpha``.
    """
    diff = Z - Z.mean(axis=1, keepdims=True)
    diff -= soft
    row_loss = 0.5 * (1 - alpha) * np.einsum("ij,ij->i", diff, diff)
    # The centring is a symmetric projection and diff is already centred, so it is the gradient.
    grad = diff
    grad *= 1 - alpha
    if alpha > 0 and hard is not None:
        hard_loss, hard_grad = _hard_cross_entropy(Z, hard)
        row_loss += alpha * hard_loss
        hard_grad *= alpha
        grad += hard_grad
    grad *= weights[:, None]
    return float(weights @ row_loss), grad


def squared_loss(Z, soft, hard, weights, *, temperature, alpha):
    """Squared error ``0.5 * ||Z - soft||^2`` to the teacher's (standardised) values, blended
    by ``alpha`` with the same error to the true targets ``hard`` where they are not NaN."""
    diff = Z - soft
    row_loss = 0.5 * (1 - alpha) * np.einsum("ij,ij->i", diff, diff)
    grad = diff
    grad *= 1 - alpha
    if alpha > 0 and hard is not None:
        hard_diff = Z - hard
        hard_diff[np.isnan(hard_diff)] = 0
        row_loss += 0.5 * alpha * np.einsum("ij,ij->i", hard_diff, hard_diff)
        hard_diff *= alpha
        grad += hard_diff
    grad *= weights[:, None]
    return float(weights @ row_loss), grad


LOSSES = {"kd": kd_loss, "logit_mse": logit_mse_loss, "squared_error": squared_loss}


# ---- targets of the students that fit one target per row ------------------------------------


def blended_proba(targets):
    """``(1 - alpha) * P_T + alpha * onehot(y)`` on labelled rows, ``P_T`` elsewhere.

    ``P_T`` are the teacher's probabilities at the targets' temperature. Blending the targets
    is what a cross-entropy mixture of a soft and a hard term amounts to when both are taken
    at the same student output.
    """
    Q = targets.proba()
    if targets.y is not None and targets.alpha > 0:
        labelled = targets.y >= 0
        onehot = one_hot(targets.y[labelled], targets.n_classes)
        Q[labelled] = (1.0 - targets.alpha) * Q[labelled] + targets.alpha * onehot
    return Q


def blended_logits(targets):
    """Centered logits for logit matching (Ba & Caruana, 2014), at temperature 1.

    Logit matching has no temperature. On labelled rows with ``alpha > 0`` the target is the
    centered log of ``(1 - alpha) * P_1 + alpha * onehot(y)``.
    """
    L = targets.centered_logits()
    if targets.y is not None and targets.alpha > 0:
        labelled = targets.y >= 0
        onehot = one_hot(targets.y[labelled], targets.n_classes)
        mix = (1.0 - targets.alpha) * targets.proba(1.0)[labelled] + targets.alpha * onehot
        log_mix = np.log(np.clip(mix, PROBA_EPS, None))
        L[labelled] = log_mix - log_mix.mean(axis=1, keepdims=True)
    return L


def blended_values(targets):
    """``(1 - alpha) * values + alpha * y`` where ``y`` is known, the teacher's values elsewhere."""
    V = np.array(targets.values, dtype=np.float64)
    if targets.y is not None and targets.alpha > 0:
        y = np.asarray(targets.y, dtype=np.float64).reshape(V.shape)
        known = np.isfinite(y)
        V = np.where(known, (1.0 - targets.alpha) * V + targets.alpha * np.nan_to_num(y), V)
    return V


def sharpen(P, temperature):
    """Probabilities learned at temperature ``T`` brought back to ``T = 1``: ``P**T``, renormalised.

    Also clips to ``>= 0`` and renormalises rows, so a regressor's outputs become valid
    probabilities.
    """
    # np.maximum and the ufunc's reduce: np.clip and P.sum add Python wrappers that cost more
    # than a single row's arithmetic.
    P = np.maximum(P, 0.0)
    if temperature != 1.0:
        P = np.exp(temperature * np.log(np.maximum(P, PROBA_EPS)))
    return P / np.maximum(np.add.reduce(P, axis=1, keepdims=True), PROBA_EPS)


class SoftmaxCrossEntropyObjective:
    """Soft cross-entropy of ``softmax(margins)`` to a fixed matrix of target probabilities.

    A custom objective for ``lightgbm.train`` and ``xgboost.train``, both of which call it as
    ``objective(margins, dataset)`` with margins of shape (n_samples, n_classes). The targets
    live here, row-aligned with the training set, because both libraries keep only 1-D labels.

    Per row ``i`` the loss is ``w_i * sum_k -Q_ik log softmax(m_i)_k``; its gradient is
    ``w_i (P_i - Q_i)`` and the Hessian diagonal ``w_i P_i (1 - P_i)``, which (like
    LightGBM's own multiclass objective) is multiplied by ``K / (K - 1)`` to make up for the
    off-diagonal terms that a per-class tree ignores.

    Parameters
    ----------
    targets : ndarray of shape (n_samples, n_classes)
        Target probabilities, rows summing to one (:func:`blended_proba`).
    sample_weight : ndarray of shape (n_samples,), default=None
    """

    def __init__(self, targets, sample_weight=None):
        self.targets = np.asarray(targets, dtype=np.float64)
        self.sample_weight = sample_weight

    def loss(self, margins):
        """Total weighted soft cross-entropy (for checks and monitoring)."""
        per_row = -(self.targets * log_softmax(margins)).sum(axis=1)
        w = 1.0 if self.sample_weight is None else self.sample_weight
        return float(np.sum(w * per_row))

    def __call__(self, margins, dataset=None):
        margins = np.asarray(margins, dtype=np.float64).reshape(self.targets.shape)
        n_classes = self.targets.shape[1]
        P = softmax(margins, axis=1)
        grad = P - self.targets
        hess = n_classes / (n_classes - 1.0) * P * (1.0 - P)
        if self.sample_weight is not None:
            grad *= self.sample_weight[:, None]
            hess *= self.sample_weight[:, None]
        # A zero Hessian everywhere in a leaf would divide by zero in the leaf value.
        return grad, np.maximum(hess, 1e-16)

    def __deepcopy__(self, memo):
        # lightgbm.train deep-copies its params; the targets are never modified, so sharing
        # them avoids a copy of a possibly large matrix.
        return self

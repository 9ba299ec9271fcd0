"""Activations, their derivatives and the soft losses of the MLP students, as lookup tables.

Kept apart from the training loop (like scikit-learn's ``neural_network/_base.py``) so each piece
can be tested on its own, e.g. the gradients against finite differences.

Every loss has the signature ``loss(Z, soft, hard, weights, *, temperature, alpha)`` and returns
``(loss, dZ)``: the weighted mean loss over the rows and its gradient with respect to the
student's raw outputs ``Z``. ``weights`` sum to one, so ``dZ`` already carries each row's share.
All functions compute in the dtype of ``Z`` (float32 in training, float64 in tests).
"""

import numpy as np


def relu(X):
    """ReLU in place."""
    return np.maximum(X, 0, out=X)


def tanh(X):
    """Hyperbolic tangent in place."""
    return np.tanh(X, out=X)


def relu_derivative(A, delta):
    """Multiply ``delta`` in place by the ReLU derivative, given the activation output ``A``."""
    return np.multiply(delta, A > 0, out=delta)


def tanh_derivative(A, delta):
    """Multiply ``delta`` in place by the tanh derivative, given the activation output ``A``."""
    delta *= 1 - A * A
    return delta


ACTIVATIONS = {"relu": relu, "tanh": tanh}
DERIVATIVES = {"relu": relu_derivative, "tanh": tanh_derivative}


def log_softmax(Z):
    """Row-wise log-softmax (a new array)."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


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

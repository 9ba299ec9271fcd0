"""Multinomial logistic regression on soft targets, solved with L-BFGS on an analytic gradient."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval
from threadpoolctl import threadpool_limits

from ._base import SoftClassifierMixin
from ._chunks import ENCODER_ROWS, EncodedChunks, check_chunks
from ._loss import kd_loss, softmax_rows
from ._preprocess import check_input, check_weights, encode, fit_preprocessor


def linear_kd_loss(W, b, X, P_T, y, weights, l2, *, temperature, alpha):
    """:func:`~skdistill.students._loss.kd_loss` of the linear model ``Z = X @ W + b``, plus
    ``l2 / 2 * ||W||**2``, and its gradients with respect to ``W`` and ``b``.

    For two classes ``W`` has one column and ``Z = [0, X @ W + b]`` (the first logit is fixed).

    Returns
    -------
    loss : float
    grad_W : ndarray like W
    grad_b : ndarray like b
    """
    z = X @ W + b
    binary = W.shape[1] == 1
    Z = np.column_stack([np.zeros(len(z)), z[:, 0]]) if binary else z
    loss, dZ = kd_loss(Z, P_T, y, weights, temperature=temperature, alpha=alpha)
    if binary:
        dZ = dZ[:, 1:]
    loss += 0.5 * l2 * float(np.sum(W * W))
    return loss, X.T @ dZ + l2 * W, dZ.sum(axis=0)


class SoftLogisticRegression(SoftClassifierMixin, BaseEstimator):
    """Multinomial logistic regression trained on soft targets at a temperature.

    Minimises the same loss as the MLP student (``kd_loss``), on a linear model
    ``Z = X W + b``::

        mean_w[(1 - alpha) T**2 CE(P_T, softmax(Z / T))
               + alpha [y >= 0] CE(onehot(y), softmax(Z))] + ||W||**2 / (2 C sum(w))

    with ``P_T`` the teacher's probabilities at temperature ``T`` and ``w`` the sample weights
    (the penalty is scaled as in :class:`~sklearn.linear_model.LogisticRegression`, so on hard
    labels both give the same model for the same ``C``). Two classes use one coefficient
    vector (``Z = [0, X w + b]``). Solved with L-BFGS-B on the analytic gradient.

    Inputs are encoded by the student itself: numeric columns are mean-imputed (with missing
    indicators) and standardised, categorical columns one-hot encoded. ``coef_`` refers to
    these encoded features, named by ``preprocessor_.get_feature_names_out()``.

    Parameters
    ----------
    C : float, default=1.0
        Inverse strength of the L2 penalty (larger: weaker penalty).
    fit_intercept : bool, default=True
    max_iter : int, default=100
        Maximum L-BFGS iterations.
    tol : float, default=1e-4
        Stop when the largest gradient component falls below ``tol``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_encoded) for two classes, else (n_classes, n_encoded)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        L-BFGS iterations run.
    preprocessor_ : FrameEncoder or NumericTableEncoder
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    See Also
    --------
    sklearn.linear_model.LogisticRegression : The same model on hard labels.

    References
    ----------
    G. Hinton, O. Vinyals and J. Dean, "Distilling the knowledge in a neural network", 2015.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdistill.students import SoftLogisticRegression
    >>> X, y = load_iris(return_X_y=True)
    >>> model = SoftLogisticRegression(C=10.0).fit(X, y)
    >>> model.score(X, y) > 0.95
    True
    """

    _parameter_constraints: dict = {
        "C": [Interval(Real, 0.0, None, closed="neither")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0.0, None, closed="left")],
    }

    def __init__(self, C=1.0, *, fit_intercept=True, max_iter=100, tol=1e-4):
        self.C = C
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def _fit_soft(self, X, targets, sample_weight):
        Xt, _ = fit_preprocessor(self, X, "linear", targets.n_samples)
        w = check_weights(sample_weight, Xt)
        w = np.ones(len(Xt)) if w is None else w
        P_T = targets.proba()
        y = None if targets.y is None else np.asarray(targets.y)
        weights = w / w.sum()

        def loss_terms(W, b):
            return linear_kd_loss(
                W, b, Xt, P_T, y, weights, 0.0, temperature=targets.temperature, alpha=targets.alpha
            )

        return self._solve(loss_terms, Xt.shape[1], targets, w.sum())

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_chunks(self, chunks):
        """Train on a chunked transfer set, holding one chunk of it in memory at a time.

        The chunks are encoded once (float32, kept beside the transfer set: in memory, or on
        disk); every evaluation of the loss and its gradient by L-BFGS is then one pass over
        the encoded chunks, so memory stays at one chunk while time grows with the passes.
        The input encoding is fitted on about 100,000 rows sampled across the chunks.

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
        X_sample, targets, _ = chunks.sample(ENCODER_ROWS, np.random.RandomState(0))
        n_features = fit_preprocessor(self, X_sample, "linear")[0].shape[1]
        total_weight = chunks.total_weight()

        def encode(X, part, w):
            w = np.full(len(X), 1.0 / total_weight) if w is None else w / total_weight
            Xt = np.asarray(self.preprocessor_.transform(X), dtype=np.float32)
            return {"X": Xt, "proba": part.proba(), "y": part.y, "w": w}

        encoded = EncodedChunks(chunks, encode, ("X", "proba", "y", "w"))

        def loss_terms(W, b):
            loss, grad_W, grad_b = 0.0, np.zeros_like(W), np.zeros_like(b)
            for k in range(len(encoded)):
                Xt, proba, y, w = encoded[k]
                terms = linear_kd_loss(
                    W,
                    b,
                    np.asarray(Xt, dtype=np.float64),
                    proba,
                    y,
                    w,
                    0.0,
                    temperature=chunks.temperature,
                    alpha=chunks.alpha,
                )
                loss, grad_W, grad_b = loss + terms[0], grad_W + terms[1], grad_b + terms[2]
            return loss, grad_W, grad_b

        return self._solve(loss_terms, n_features, targets, total_weight)

    def _solve(self, loss_terms, n_features, targets, total_weight):
        """Minimise ``loss_terms(W, b)`` (the weighted mean loss and its gradients) plus the
        L2 penalty with L-BFGS, and set the fitted attributes."""
        n_classes = targets.n_classes
        n_cols = 1 if n_classes == 2 else n_classes
        l2 = 1.0 / (self.C * total_weight)
        n_W = n_features * n_cols

        def fun(theta):
            W = theta[:n_W].reshape(n_features, n_cols)
            b = theta[n_W:] if self.fit_intercept else np.zeros(n_cols)
            loss, gW, gb = loss_terms(W, b)
            loss += 0.5 * l2 * float(np.sum(W * W))
            gW = gW + l2 * W
            grad = np.concatenate([gW.ravel(), gb]) if self.fit_intercept else gW.ravel()
            return loss, grad

        theta0 = np.zeros(n_W + (n_cols if self.fit_intercept else 0))
        # The products here are thin (n x d by d x k): threaded BLAS gains little on them and,
        # on a busy machine, its thread start-ups made a fit 20 times slower than one thread.
        with threadpool_limits(limits=1, user_api="blas"):
            result = self._minimize(fun, theta0)
        if result.status == 1:
            warnings.warn(
                f"SoftLogisticRegression did not converge in max_iter={self.max_iter} "
                "iterations; increase max_iter, or decrease C.",
                ConvergenceWarning,
                stacklevel=4,
            )
        self.coef_ = result.x[:n_W].reshape(n_features, n_cols).T.copy()
        self.intercept_ = result.x[n_W:].copy() if self.fit_intercept else np.zeros(n_cols)
        self.n_iter_ = int(result.nit)
        self.classes_ = targets.class_labels
        return self

    def _minimize(self, fun, theta0):
        return minimize(
            fun,
            theta0,
            jac=True,
            method="L-BFGS-B",
            options={
                "maxiter": self.max_iter,
                "maxls": 50,
                "gtol": self.tol,
                "ftol": 64 * np.finfo(float).eps,
            },
        )

    def decision_function(self, X):
        """Logits at ``T = 1``: shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        return self._decision_function_checked(check_input(self, X))

    def _decision_function_checked(self, X):
        z = encode(self, X) @ self.coef_.T + self.intercept_
        return z[:, 0] if z.shape[1] == 1 else z

    def predict_proba(self, X):
        """Class probabilities at temperature 1.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return self._predict_proba_checked(check_input(self, X))

    def _predict_proba_checked(self, X):
        z = self._decision_function_checked(X)
        if z.ndim == 1:  # logits [0, z] (filled in place: np.column_stack costs more)
            logits = np.zeros((len(z), 2))
            logits[:, 1] = z
            z = logits
        return softmax_rows(z)

    def _distill_defaults(self):
        """The distillers' ``sampler="default"`` and ``alpha="default"`` for this student,
        measured best for the linear students (see ``skdistill/_defaults.py``)."""
        return {"sampler": None, "alpha": 0.0}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # imputed by the preprocessor
        return tags


__all__ = ["SoftLogisticRegression"]

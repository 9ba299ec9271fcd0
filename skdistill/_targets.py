"""The protocol by which a distiller hands a student its targets.

Every student of skdistill, and every adapter around a third-party model, implements::

    student.fit_soft(X, targets, sample_weight=None) -> student

where ``targets`` is a :class:`SoftTargets`. A classifier student then exposes ``classes_``
(equal to ``targets.classes``) and ``predict_proba`` at temperature 1; a regressor student
exposes ``predict``. See ``docs/students.md`` for the loss each student minimises.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import log_softmax, softmax

# Probabilities below this are clipped before taking logs, so log(0) never reaches a loss.
PROBA_EPS = 1e-12


@dataclass(frozen=True)
class SoftTargets:
    """Targets for one transfer set, as the teacher and the labels give them.

    Exactly one of ``logits``, ``probabilities`` (classification) or ``values`` (regression)
    is set.

    Parameters
    ----------
    logits : ndarray of shape (n_samples, n_classes), default=None
        The teacher's logits (margins). Shift-invariant per row.
    probabilities : ndarray of shape (n_samples, n_classes), default=None
        Class probabilities, when no logits exist (soft labels given by a user, or one-hot
        labels). Rows sum to one.
    values : ndarray of shape (n_samples,) or (n_samples, n_outputs), default=None
        The teacher's regression outputs.
    temperature : float, default=1.0
        Temperature ``T`` of the soft term (Hinton et al., 2015): teacher and student logits
        are both divided by ``T`` and the soft loss is multiplied by ``T**2``.
    y : ndarray of shape (n_samples,), default=None
        True targets of the real rows. Classification: integer class codes ``0..n_classes-1``
        with ``-1`` on rows without a label (pseudo rows). Regression: float with NaN on rows
        without a target.
    alpha : float, default=0.0
        Weight of the hard term on labelled rows; the soft term gets ``1 - alpha``.
    classes : ndarray of shape (n_classes,), default=None
        The class labels in column order; ``np.arange(n_classes)`` when None.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill import SoftTargets
    >>> t = SoftTargets(logits=np.array([[0.0, 2.0], [1.0, -1.0]]), temperature=2.0)
    >>> t.proba().round(3)
    array([[0.269, 0.731],
           [0.731, 0.269]])
    """

    logits: np.ndarray | None = None
    probabilities: np.ndarray | None = None
    values: np.ndarray | None = None
    temperature: float = 1.0
    y: np.ndarray | None = None
    alpha: float = 0.0
    classes: np.ndarray | None = None

    def __post_init__(self):
        given = [a is not None for a in (self.logits, self.probabilities, self.values)]
        if sum(given) != 1:
            raise ValueError(
                "SoftTargets needs exactly one of logits, probabilities or values; "
                f"got {sum(given)}."
            )
        if not np.isfinite(self.temperature) or self.temperature <= 0:
            raise ValueError(
                f"temperature must be a positive finite number, got {self.temperature!r}."
            )
        if not 0.0 <= self.alpha <= 1.0:
            raise ValueError(f"alpha must be in [0, 1], got {self.alpha!r}.")
        self._check_shapes()
        if self.probabilities is not None:
            check_probabilities(self.probabilities, name="probabilities")
        for name in ("logits", "values"):
            array = getattr(self, name)
            if array is not None and not np.all(np.isfinite(array)):
                raise ValueError(
                    f"{name} contain NaN or infinity; the teacher's outputs must be finite. "
                    "Check the teacher on the rows given to fit."
                )
        if self.is_classification:
            k = self.n_classes
            if self.classes is not None and len(self.classes) != k:
                raise ValueError(
                    f"targets have {k} columns but {len(self.classes)} classes were given; "
                    "there must be one column per class."
                )
            if self.y is not None and (
                not np.issubdtype(np.asarray(self.y).dtype, np.integer)
                or np.any((self.y < -1) | (self.y >= k))
            ):
                raise ValueError(
                    f"y must hold integer class codes in 0..{k - 1}, or -1 for no label."
                )

    def _check_shapes(self):
        matrix = np.asarray(self._matrix())
        if self.is_classification:
            if matrix.ndim != 2 or matrix.shape[1] < 2:
                raise ValueError(
                    f"Classification targets must be a 2-D array with one column per class "
                    f"and at least 2 classes; got shape {matrix.shape}. A binary margin m "
                    "becomes the logits [0, m]."
                )
        elif matrix.ndim not in (1, 2):
            raise ValueError(f"values must be 1-D or 2-D; got shape {matrix.shape}.")
        # Class codes are one per row; regression targets have the values' shape.
        expected = (len(matrix),) if self.is_classification else matrix.shape
        if self.y is not None and np.shape(self.y) != expected:
            raise ValueError(
                f"y has shape {np.shape(self.y)}, but the targets need {expected}; give one "
                "label per row (-1 or NaN on rows without one)."
            )

    @property
    def is_classification(self):
        return self.values is None

    @property
    def n_samples(self):
        return len(self._matrix())

    @property
    def n_classes(self):
        return self._matrix().shape[1] if self.is_classification else None

    def _matrix(self):
        for array in (self.logits, self.probabilities, self.values):
            if array is not None:
                return array

    @property
    def class_labels(self):
        return np.arange(self.n_classes) if self.classes is None else np.asarray(self.classes)

    def log_proba(self, temperature=None):
        """Teacher log-probabilities at ``temperature`` (the targets' own when None)."""
        temperature = self.temperature if temperature is None else temperature
        if self.logits is not None:
            return log_softmax(self.logits / temperature, axis=1)
        # p ** (1/T), renormalised: a zero probability (a forest's pure leaves, one-hot
        # labels) has log -inf and stays exactly zero at any temperature.
        with np.errstate(divide="ignore"):
            log_p = np.log(self.probabilities)
        return log_softmax(log_p / temperature, axis=1)

    def proba(self, temperature=None):
        """Teacher probabilities at ``temperature`` (the targets' own when None)."""
        return np.exp(self.log_proba(temperature))

    def centered_logits(self):
        """Logits with each row's mean removed: the regression target of logit matching."""
        if self.logits is not None:
            logits = self.logits
        else:  # finite stand-ins for log(0), which a regression cannot match
            logits = np.log(np.clip(self.probabilities, PROBA_EPS, None))
        return logits - logits.mean(axis=1, keepdims=True)

    def take(self, indices):
        """The targets of a subset of rows (for validation splits and mini-batches)."""

        def pick(a):
            return None if a is None else a[indices]

        return SoftTargets(
            logits=pick(self.logits),
            probabilities=pick(self.probabilities),
            values=pick(self.values),
            temperature=self.temperature,
            y=pick(self.y),
            alpha=self.alpha,
            classes=self.classes,
        )


def check_probabilities(P, *, name="Y", atol=1e-4):
    """Raise a clear error unless ``P`` is a 2-D matrix of probabilities rows summing to 1."""
    P = np.asarray(P)
    if P.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_classes), got shape {P.shape}.")
    if not np.all(np.isfinite(P)):
        raise ValueError(f"{name} contain NaN or infinity; soft targets must be finite.")
    if np.any(P < 0) or np.any(P > 1 + atol):
        raise ValueError(
            f"{name} must be probabilities in [0, 1]; found values from {P.min():.4g} to "
            f"{P.max():.4g}. Pass teacher logits through SoftTargets(logits=...) instead."
        )
    sums = P.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=atol):
        bad = int(np.argmax(np.abs(sums - 1.0)))
        raise ValueError(
            f"each row of {name} must sum to 1; row {bad} sums to {sums[bad]:.6g}. "
            "Normalise the rows, or pass logits instead."
        )
    return P


def one_hot(codes, n_classes):
    """Rows of the identity: ``one_hot(codes, K)[i, k] = 1`` where ``codes[i] == k``."""
    return np.eye(n_classes)[codes]


__all__ = ["SoftTargets", "check_probabilities", "one_hot", "softmax"]

"""Shared front end of skdistill's students: ``fit`` on labels or soft targets, ``fit_soft``.

A student implements ``_fit_soft(X, targets, sample_weight)``; this module turns the stand-alone
``fit(X, y)`` call (1-D labels, or a 2-D matrix of class probabilities) into the same
:class:`~skdistill.SoftTargets` a distiller hands over, so both paths share one code path.
"""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from .._targets import SoftTargets, check_probabilities, one_hot


def targets_from_y(y):
    """SoftTargets for a classifier's stand-alone ``fit(X, y)``.

    ``y`` is either 1-D labels (one-hot probabilities, hard labels kept in ``y``) or a 2-D
    matrix of class probabilities with one column per class (soft targets).
    """
    if y is None:
        raise ValueError("This student requires y to be passed, but the target y is None.")
    y_array = np.asarray(y)
    if y_array.size == 0:
        raise ValueError("y is empty (0 samples); fit needs at least one labelled row.")
    if y_array.ndim == 2 and y_array.shape[1] > 1:
        P = check_probabilities(y_array.astype(np.float64), name="y")
        return SoftTargets(probabilities=P, classes=np.arange(P.shape[1]))
    y_array = column_or_1d(y_array, warn=True)
    check_classification_targets(y_array)
    encoder = LabelEncoder().fit(y_array)
    if len(encoder.classes_) < 2:
        raise ValueError(
            f"y has a single class ({encoder.classes_[0]!r}); a classifier needs at least two. "
            "Check that y was not filtered down to one class."
        )
    codes = encoder.transform(y_array)
    return SoftTargets(
        probabilities=one_hot(codes, len(encoder.classes_)), y=codes, classes=encoder.classes_
    )


class SoftClassifierMixin(ClassifierMixin):
    """``fit``/``fit_soft``/``predict`` for classifier students built on ``_fit_soft``.

    Subclasses implement ``_fit_soft(X, targets, sample_weight)`` (setting ``classes_`` from
    ``targets.class_labels``) and ``predict_proba(X)``.
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit on labels or on soft targets.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels, or class probabilities (each row sums to 1).
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        return self._fit_soft(X, targets_from_y(y), sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_soft(self, X, targets, sample_weight=None):
        """Fit on the :class:`~skdistill.SoftTargets` a distiller hands over."""
        if not isinstance(targets, SoftTargets) or not targets.is_classification:
            raise TypeError("fit_soft of a classifier takes classification SoftTargets.")
        return self._fit_soft(X, targets, sample_weight)

    def predict(self, X):
        """Most probable class of each row."""
        proba = self.predict_proba(X)  # checks that the model is fitted
        return self.classes_[np.argmax(proba, axis=1)]

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))


class SoftRegressorMixin(RegressorMixin):
    """``fit``/``fit_soft`` for regressor students built on ``_fit_soft``."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit on targets ``y`` of shape (n_samples,) or (n_samples, n_outputs)."""
        if y is None:
            raise ValueError("This student requires y to be passed, but the target y is None.")
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return self._fit_soft(X, SoftTargets(values=y), sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_soft(self, X, targets, sample_weight=None):
        """Fit on the regression :class:`~skdistill.SoftTargets` a distiller hands over."""
        if not isinstance(targets, SoftTargets) or targets.is_classification:
            raise TypeError("fit_soft of a regressor takes SoftTargets with values.")
        return self._fit_soft(X, targets, sample_weight)

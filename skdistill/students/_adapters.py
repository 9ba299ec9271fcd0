"""Adapters that let any scikit-learn estimator be a student, through the ``fit_soft`` protocol.

- a regressor in a classification distiller learns the teacher's centered logits (logit
  matching, Ba & Caruana 2014): :class:`LogitRegressorStudent`;
- a regressor in a regression distiller learns the teacher's values:
  :class:`ValueRegressorStudent`;
- a classifier that only takes hard labels learns the teacher's most probable class, and the
  soft information is lost: :class:`HardLabelStudent`.

:func:`as_student` picks the right one. The adapters do no encoding of their own: give them
an estimator that takes the distiller's ``X`` (e.g. a :class:`~sklearn.pipeline.Pipeline` with
its encoder), or use one of skdistill's students, which take raw tables.
"""

import warnings

import numpy as np
from scipy.special import softmax
from sklearn.base import BaseEstimator, clone, is_classifier, is_regressor
from sklearn.multioutput import MultiOutputRegressor
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.metaestimators import available_if

from .._estimators import sample_weight_key
from .._validation import check_fitted
from ._base import SoftClassifierMixin, SoftRegressorMixin
from ._loss import blended_logits, blended_values


def _fit_inner(estimator, X, y, sample_weight):
    """``estimator.fit(X, y)``, forwarding ``sample_weight`` only when given and accepted."""
    if sample_weight is None:
        return estimator.fit(X, y)
    key = sample_weight_key(estimator)
    if key is None:
        inner = estimator.estimator if isinstance(estimator, MultiOutputRegressor) else estimator
        raise TypeError(
            f"sample_weight was given but {type(inner).__name__}.fit does not accept it. "
            "Drop sample_weight, or choose an estimator whose fit takes sample_weight."
        )
    return estimator.fit(X, y, **{key: sample_weight})


class _BaseAdapter(BaseEstimator):
    def _inner_tags(self):
        return get_tags(self._inner_estimator())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self._inner_tags()
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.categorical = inner.input_tags.categorical
        tags.input_tags.string = inner.input_tags.string
        tags.non_deterministic = inner.non_deterministic
        return tags

    def _set_input_attributes(self, fitted):
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(fitted, name):
                setattr(self, name, getattr(fitted, name))


class LogitRegressorStudent(SoftClassifierMixin, _BaseAdapter):
    """Any scikit-learn regressor as a classification student, by logit matching.

    The regressor learns the teacher's centered logits with squared error (Ba & Caruana,
    2014); ``predict_proba`` is the softmax of its outputs. For two classes it learns the
    single margin ``z_1 - z_0`` (probabilities ``softmax([0, m])``). A regressor without
    multi-output support (its ``target_tags.multi_output`` tag) is wrapped in
    :class:`~sklearn.multioutput.MultiOutputRegressor` for more than two classes.

    Logit matching has no temperature: the targets' ``temperature`` is not used. ``alpha``
    blends the one-hot labels into the probabilities of labelled rows before taking logs.
    Where only probabilities are known (no teacher logits), their clipped logs are used.

    Parameters
    ----------
    regressor : regressor
        Any scikit-learn regressor (or pipeline ending in one). It is cloned.

    Attributes
    ----------
    regressor_ : regressor
        The fitted clone (a ``MultiOutputRegressor`` around it when wrapped).
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
        When the regressor sets it.
    feature_names_in_ : ndarray of str
        When the regressor sets it.

    See Also
    --------
    as_student : Picks the adapter for an estimator.

    References
    ----------
    J. Ba and R. Caruana, "Do deep nets really need to be deep?", NeurIPS 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from skdistill import SoftTargets
    >>> from skdistill.students import LogitRegressorStudent
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> targets = SoftTargets(logits=np.column_stack([np.zeros(4), 2 * X[:, 0] - 3]))
    >>> student = LogitRegressorStudent(Ridge(alpha=1e-6)).fit_soft(X, targets)
    >>> student.predict_proba([[1.5]]).round(3)
    array([[0.5, 0.5]])
    """

    _parameter_constraints: dict = {"regressor": [HasMethods(["fit", "predict"])]}

    def __init__(self, regressor):
        self.regressor = regressor

    def _inner_estimator(self):
        return self.regressor

    def _fit_soft(self, X, targets, sample_weight):
        L = blended_logits(targets)
        regressor = clone(self.regressor)
        if targets.n_classes == 2:
            Y = L[:, 1] - L[:, 0]
        else:
            Y = L
            if not get_tags(regressor).target_tags.multi_output:
                regressor = MultiOutputRegressor(regressor)
        self.regressor_ = _fit_inner(regressor, X, Y, sample_weight)
        self._set_input_attributes(self.regressor_)
        self.classes_ = targets.class_labels
        return self

    def decision_function(self, X):
        """The regressor's outputs: the margin for two classes, else centered logits."""
        check_fitted(self, "regressor_")
        return np.asarray(self.regressor_.predict(X), dtype=np.float64)

    def predict_proba(self, X):
        """Softmax of the regressor's outputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        z = self.decision_function(X)
        if len(self.classes_) == 2:
            z = np.column_stack([np.zeros(len(z)), z.reshape(len(z))])
        return softmax(z.reshape(len(z), -1), axis=1)


class ValueRegressorStudent(SoftRegressorMixin, _BaseAdapter):
    """Any scikit-learn regressor as a regression student.

    It learns the teacher's values, blended with the true ``y`` by ``alpha`` where ``y`` is
    known. :func:`as_student` wraps plain regressors in it for regression distillers, so you
    can pass the regressor itself.

    Parameters
    ----------
    regressor : regressor
        Any scikit-learn regressor. It is cloned.

    Attributes
    ----------
    regressor_ : regressor
    n_features_in_ : int
        When the regressor sets it.
    feature_names_in_ : ndarray of str
        When the regressor sets it.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skdistill import SoftTargets
    >>> from skdistill.students import ValueRegressorStudent
    >>> X = np.array([[0.0], [1.0], [2.0]])
    >>> student = ValueRegressorStudent(LinearRegression())
    >>> student.fit_soft(X, SoftTargets(values=np.array([1.0, 3.0, 5.0]))).predict([[3.0]])
    array([7.])
    """

    _parameter_constraints: dict = {"regressor": [HasMethods(["fit", "predict"])]}

    def __init__(self, regressor):
        self.regressor = regressor

    def _inner_estimator(self):
        return self.regressor

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = get_tags(self.regressor).target_tags.multi_output
        return tags

    def _fit_soft(self, X, targets, sample_weight):
        self.regressor_ = _fit_inner(
            clone(self.regressor), X, blended_values(targets), sample_weight
        )
        self._set_input_attributes(self.regressor_)
        return self

    def predict(self, X):
        """The regressor's predictions."""
        check_fitted(self, "regressor_")
        return self.regressor_.predict(X)


def _inner_has(method):
    return lambda self: hasattr(self.classifier, method)


class HardLabelStudent(SoftClassifierMixin, _BaseAdapter):
    """A classifier that only takes hard labels, trained on the teacher's most probable class.

    The classifier is fit on the argmax of the targets at ``T = 1``; probabilities, the
    temperature and ``alpha`` are not used. When the targets are soft (not one-hot) this
    emits a ``UserWarning``, because the soft information distillation relies on is lost:
    prefer a regressor (logit matching, :class:`LogitRegressorStudent`) or one of
    skdistill's students.

    Parameters
    ----------
    classifier : classifier
        Any scikit-learn classifier. It is cloned.

    Attributes
    ----------
    classifier_ : classifier
        The fitted clone, trained on class codes ``0..n_classes-1``.
    classes_ : ndarray of shape (n_classes,)
        All the teacher's classes, also those the argmax never picks (their probability is 0).
    n_features_in_ : int
        When the classifier sets it.
    feature_names_in_ : ndarray of str
        When the classifier sets it.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skdistill.students import HardLabelStudent
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> student = HardLabelStudent(KNeighborsClassifier(n_neighbors=1)).fit(X, ["a", "a", "b", "b"])
    >>> student.predict([[2.6]])
    array(['b'], dtype='<U1')
    """

    _parameter_constraints: dict = {"classifier": [HasMethods(["fit", "predict"])]}

    def __init__(self, classifier):
        self.classifier = classifier

    def _inner_estimator(self):
        return self.classifier

    def _fit_soft(self, X, targets, sample_weight):
        P = targets.proba(1.0)
        if not np.all((P < 1e-6) | (P > 1 - 1e-6)):
            warnings.warn(
                f"{type(self.classifier).__name__} takes hard labels only: it is trained on "
                "the teacher's most probable class and the soft information is lost. Use a "
                "regressor (logit matching) or a student from skdistill.students to keep it.",
                UserWarning,
                stacklevel=3,
            )
        codes = np.argmax(P, axis=1)
        self.classifier_ = _fit_inner(clone(self.classifier), X, codes, sample_weight)
        self._set_input_attributes(self.classifier_)
        self.classes_ = targets.class_labels
        return self

    @available_if(_inner_has("predict_proba"))
    def predict_proba(self, X):
        """Probabilities of all ``classes_`` (0 for classes the classifier never saw).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        check_fitted(self, "classifier_")
        seen = self.classifier_.predict_proba(X)
        P = np.zeros((len(seen), len(self.classes_)))
        P[:, self.classifier_.classes_.astype(int)] = seen
        return P

    def predict(self, X):
        """The classifier's predicted class."""
        check_fitted(self, "classifier_")
        return self.classes_[np.asarray(self.classifier_.predict(X)).astype(int)]

    @available_if(_inner_has("decision_function"))
    def decision_function(self, X):
        """The classifier's decision function (for the classes it saw in training)."""
        check_fitted(self, "classifier_")
        return self.classifier_.decision_function(X)


def as_student(estimator, task):
    """The estimator as a student with ``fit_soft``: itself, or wrapped in an adapter.

    Parameters
    ----------
    estimator : estimator
        One of :mod:`skdistill.students` (anything with ``fit_soft``), a scikit-learn
        regressor, or (classification only) a scikit-learn classifier.
    task : {"classification", "regression"}

    Returns
    -------
    student : estimator with ``fit_soft``
        ``estimator`` itself when it has ``fit_soft``; for classification a regressor becomes a
        :class:`LogitRegressorStudent` and a classifier a :class:`HardLabelStudent`; for
        regression a regressor becomes a :class:`ValueRegressorStudent`.

    Raises
    ------
    TypeError
        When the estimator cannot serve the task.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from skdistill.students import as_student
    >>> as_student(Ridge(), "classification")
    LogitRegressorStudent(regressor=Ridge())
    """
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}.")
    name = type(estimator).__name__
    if hasattr(estimator, "fit_soft"):
        wrong = is_regressor(estimator) if task == "classification" else is_classifier(estimator)
        if wrong:
            raise TypeError(
                f"{name} is a {'regressor' if task == 'classification' else 'classifier'} "
                f"student but the task is {task}; choose a student for {task}."
            )
        return estimator
    if task == "classification":
        if is_regressor(estimator):
            return LogitRegressorStudent(estimator)
        if is_classifier(estimator):
            return HardLabelStudent(estimator)
    elif is_regressor(estimator):
        return ValueRegressorStudent(estimator)
    elif is_classifier(estimator):
        raise TypeError(
            f"{name} is a classifier and cannot learn a regression teacher's values; "
            "use a regressor or a skdistill regressor student."
        )
    raise TypeError(
        f"{name} is neither a scikit-learn classifier nor regressor, so it cannot be a "
        "student. Use one of skdistill.students, or an estimator whose tags declare it a "
        "classifier or regressor (ClassifierMixin / RegressorMixin)."
    )


__all__ = ["HardLabelStudent", "LogitRegressorStudent", "ValueRegressorStudent", "as_student"]

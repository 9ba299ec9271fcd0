"""Plain functions as teachers: the public ``CallableTeacher`` and its adapter."""

import numpy as np

from ._base import (
    TeacherAdapter,
    labels_to_logits,
    make_config,
    margins_to_logits,
    proba_to_logits,
)

_CALLABLE_METHODS = ("predict_proba", "decision_function", "predict")


class CallableTeacher:
    """A function ``X -> outputs`` used as a teacher, with what it returns declared.

    Use it for any model that is not an estimator: a served model, a function of another
    library, an ensemble you average by hand. It is always "fitted"; skdistill never fits it.

    Parameters
    ----------
    func : callable
        Called as ``func(X)`` on chunks of rows (a numpy array or DataFrame, as given to the
        distiller); must return one row of outputs per input row. Use a module-level function
        (not a lambda) if the distiller is to be pickled or run with process-based ``n_jobs``.
    response_method : {"predict_proba", "decision_function", "predict"}
        What ``func`` returns. "predict_proba": class probabilities of shape (n, n_classes)
        (a 1-D array is read as the probability of the second class). "decision_function":
        logits of shape (n, n_classes), softmax of which are the probabilities (a 1-D array
        ``m`` is the binary logit, becoming ``[0, m]``). "predict": hard labels (classification,
        needs ``classes``) or predicted values (regression).
    classes : array-like or None, default=None
        The classes, in the order of the output columns. When None the distiller takes the
        sorted unique values of ``y``.
    n_features_in : int or None, default=None
        Number of features ``func`` expects, to check ``X`` against; None skips the check.
    allow_nan : bool, default=False
        Whether ``func`` accepts missing values in ``X``.

    See Also
    --------
    as_teacher : builds the adapter the distiller uses from any teacher.

    Examples
    --------
    >>> import numpy as np
    >>> from skdistill.teachers import CallableTeacher, as_teacher
    >>> def scores(X):
    ...     return X[:, :2] - X[:, :1]  # logits of two classes
    >>> teacher = CallableTeacher(scores, response_method="decision_function",
    ...                           classes=["no", "yes"], n_features_in=2)
    >>> adapter = as_teacher(teacher)
    >>> adapter.outputs(np.array([[1.0, 0.0], [0.0, 2.0]]))
    array([[ 0., -1.],
           [ 0.,  2.]])
    """

    def __init__(self, func, *, response_method, classes=None, n_features_in=None, allow_nan=False):
        self.func = func
        self.response_method = response_method
        self.classes = classes
        self.n_features_in = n_features_in
        self.allow_nan = allow_nan

    def __call__(self, X):
        return self.func(X)

    def __repr__(self):
        name = getattr(self.func, "__name__", type(self.func).__name__)
        return f"CallableTeacher({name}, response_method={self.response_method!r})"


class CallableAdapter(TeacherAdapter):
    """Adapter for a :class:`CallableTeacher` (a plain callable is wrapped in one)."""

    def __init__(self, estimator, *, task="classification", response_method="auto"):
        if isinstance(estimator, CallableTeacher):
            self._teacher = estimator
            if response_method not in ("auto", estimator.response_method):
                raise ValueError(
                    f"The CallableTeacher declares response_method="
                    f"{estimator.response_method!r} but {response_method!r} was asked for. "
                    "Leave the distiller's response_method at 'auto'."
                )
        else:
            self._teacher = CallableTeacher(
                estimator, response_method=_plain_method(estimator, task, response_method)
            )
        super().__init__(estimator, task=task, response_method="auto")

    def _check_task(self):
        teacher = self._teacher
        method = teacher.response_method
        if method not in _CALLABLE_METHODS:
            raise ValueError(
                f"CallableTeacher response_method must be one of {list(_CALLABLE_METHODS)}, "
                f"got {method!r}."
            )
        if self.task == "regression" and method != "predict":
            raise ValueError(
                f"A callable returning {method!r} outputs is a classifier, but regression was "
                "asked for. Use DistilledClassifier, or response_method='predict' for a "
                "function that returns predicted values."
            )
        if self.task == "classification" and method == "predict" and teacher.classes is None:
            raise ValueError(
                "A callable that returns hard labels needs its classes to turn them into "
                "columns: pass CallableTeacher(func, response_method='predict', classes=...)."
            )

    def _allow_nan_unfitted(self):
        return bool(self._teacher.allow_nan)

    def _fit(self, X, y, sample_weight):
        raise TypeError(
            "A callable teacher cannot be fitted by skdistill. Fit your model first and pass "
            "a function of the fitted model, or pass an unfitted scikit-learn estimator."
        )

    def _configure(self):
        teacher = self._teacher
        method = teacher.response_method
        if self.task == "regression":
            kind = "values"
        else:
            kind = {"predict_proba": "log_proba", "decision_function": "logits"}.get(
                method, "labels"
            )
        classes = None if teacher.classes is None else np.asarray(teacher.classes)
        return make_config(
            response_method_="callable",
            output_kind=kind,
            classes_=classes,
            n_features_in_=teacher.n_features_in,
            allow_nan=teacher.allow_nan,
        )

    def _outputs(self, X, config):
        out = np.asarray(self._teacher(X))
        kind = config["output_kind"]
        if kind == "values":
            return out
        if kind == "log_proba":
            return proba_to_logits(out)
        if kind == "labels":
            return labels_to_logits(out, config["classes_"])
        return margins_to_logits(out)


def _plain_method(func, task, response_method):
    """The response_method of a plain callable, which cannot say what it returns."""
    if response_method == "auto":
        if task == "regression":
            return "predict"
        raise ValueError(
            f"The teacher {getattr(func, '__name__', func)!r} is a plain callable, so it is "
            "unknown whether it returns probabilities, logits or labels. Pass "
            "response_method='predict_proba' or 'decision_function' (or 'predict' with "
            "classes), or wrap it: CallableTeacher(func, response_method=..., classes=...)."
        )
    if response_method == "raw":
        raise ValueError(
            "response_method='raw' is a LightGBM/XGBoost margin; for a callable that returns "
            "logits use response_method='decision_function'."
        )
    return response_method

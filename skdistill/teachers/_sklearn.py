"""Adapter for scikit-learn estimators, Pipelines and any object with predict-like methods."""

import warnings

from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from .._estimators import final_step, sample_weight_key, unwrap_frozen
from ._base import (
    TeacherAdapter,
    labels_to_logits,
    make_config,
    margins_to_logits,
    ovr_margins_to_logits,
    proba_to_logits,
)

# -- helpers shared with the other families ----------------------------------------------------


def is_frozen(estimator):
    return unwrap_frozen(estimator) is not estimator


def estimator_type(estimator):
    """ "classifier", "regressor" or None, from scikit-learn's tags when the object has any."""
    try:
        return get_tags(estimator).estimator_type
    except Exception:  # not a scikit-learn estimator: no tags, nothing to tell
        return getattr(estimator, "_estimator_type", None)


def is_fitted_sklearn_style(estimator):
    """check_is_fitted semantics, for objects that can be fitted the scikit-learn way.

    A FrozenEstimator is fitted by definition. An object without ``fit`` and ``get_params``
    (a hand-written model) cannot be cloned and refit by the distiller, so it is taken as
    fitted.
    """
    if is_frozen(estimator):
        return True
    if not (hasattr(estimator, "fit") and hasattr(estimator, "get_params")):
        return True
    try:
        check_is_fitted(estimator)
    except Exception:  # NotFittedError, or a TypeError from an unusual object
        return False
    return True


def allow_nan_of(estimator):
    try:
        return bool(get_tags(estimator).input_tags.allow_nan)
    except Exception:  # no scikit-learn tags: assume the conservative answer
        return False


def check_task_matches(estimator, task):
    """ValueError when a regressor is used for classification or the other way round;
    TypeError for a teacher that is neither (an outlier detector, a clusterer, ...)."""
    kind = estimator_type(unwrap_frozen(estimator))
    name = type(estimator).__name__
    if kind not in (None, "classifier", "regressor"):
        # An outlier detector's or a clusterer's predict is not a class or a value to learn.
        wanted = "classifier" if task == "classification" else "regressor"
        raise TypeError(
            f"The teacher {name} is a {kind.replace('_', ' ')}, not a {wanted}: its outputs "
            f"are not {task} outputs, so there is nothing to distil for {task}. Pass a fitted "
            f"{wanted}, or wrap a function that gives the outputs you want in "
            "skdistill.teachers.CallableTeacher."
        )
    if task == "classification" and kind == "regressor":
        raise ValueError(
            f"The teacher {name} is a regressor, but classification was asked for. Use "
            "DistilledRegressor (task='regression') for a regression teacher, or pass a "
            "classifier."
        )
    if task == "regression" and kind == "classifier":
        raise ValueError(
            f"The teacher {name} is a classifier, but regression was asked for. Use "
            "DistilledClassifier (task='classification') for a classification teacher, or pass "
            "a regressor."
        )


def fit_estimator(estimator, X, y, sample_weight):
    """Fit in place, forwarding sample_weight only when ``fit`` takes it."""
    if is_frozen(estimator):
        return  # FrozenEstimator.fit is a no-op: it is fitted by definition
    if not (hasattr(estimator, "fit") and hasattr(estimator, "get_params")):
        raise TypeError(
            f"The teacher {type(estimator).__name__} has no scikit-learn-style fit/get_params, "
            "so skdistill cannot fit it. Fit it yourself and pass the fitted model."
        )
    kwargs = {}
    if sample_weight is not None:
        key = sample_weight_key(estimator)
        if key is None:
            warnings.warn(
                f"The teacher {type(estimator).__name__} does not accept sample_weight in fit; "
                "it is fitted without the weights (the student still gets them).",
                UserWarning,
                stacklevel=3,
            )
        else:
            kwargs[key] = sample_weight
    estimator.fit(X, y, **kwargs)


def sklearn_uses_threads(estimator):
    """Whether a scikit-learn estimator (or Pipeline) predicts on several threads: histogram
    gradient boosting always does (OpenMP), others when an ``n_jobs`` is set above 1 or -1."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    if isinstance(
        final_step(estimator), HistGradientBoostingClassifier | HistGradientBoostingRegressor
    ):
        return True
    try:
        params = estimator.get_params(deep=True)
    except Exception:  # not a scikit-learn estimator
        return False
    return any(
        key.rsplit("__", 1)[-1] == "n_jobs" and value not in (None, 1)
        for key, value in params.items()
    )


# -- which decision functions are exact logits -------------------------------------------------


def _logit_link(model):
    """How ``decision_function`` relates to ``predict_proba`` for known models, else None.

    Returns ``(kind, scale)``: kind "softmax" when ``predict_proba = softmax(df)`` (binary:
    ``expit(scale * df)``), "ovr" when ``predict_proba`` normalises ``expit(scale * df_k)``.
    Known by type, never guessed from value ranges.
    """
    from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV, SGDClassifier

    if isinstance(model, LogisticRegression | LogisticRegressionCV):
        multi_class = getattr(model, "multi_class", "auto")
        # scikit-learn < 1.8: "ovr", or "auto" with liblinear, means one-vs-rest.
        if multi_class == "ovr" or (
            multi_class in ("auto", "deprecated") and model.solver == "liblinear"
        ):
            return "ovr", 1.0
        if multi_class == "multinomial" and len(model.classes_) == 2:
            # scikit-learn < 1.8 gives softmax([-df, df]) = expit(2 * df) here.
            return "softmax", 2.0
        return "softmax", 1.0
    if isinstance(model, HistGradientBoostingClassifier):
        return "softmax", 1.0
    if isinstance(model, GradientBoostingClassifier):
        # The exponential loss (binary only) gives predict_proba = expit(2 * df).
        return "softmax", 2.0 if model.loss == "exponential" else 1.0
    if isinstance(model, SGDClassifier) and model.loss == "log_loss":
        return "ovr", 1.0
    return None


def _convert_by_link(df, link):
    kind, scale = link
    if kind == "ovr":
        return ovr_margins_to_logits(df, scale)
    return margins_to_logits(df, scale)


class SklearnTeacher(TeacherAdapter):
    """Adapter for scikit-learn estimators and any object with predict-like methods.

    Covers classifiers and regressors, Pipelines (whose final step is not a LightGBM or
    XGBoost model: those go through :class:`PipelineTeacher`), ``FrozenEstimator`` and
    hand-written objects with ``predict_proba``, ``decision_function`` or ``predict``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skdistill.teachers import as_teacher
    >>> X, y = load_iris(return_X_y=True)
    >>> forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> adapter = as_teacher(forest)
    >>> adapter.response_method_, adapter.output_kind
    ('predict_proba', 'log_proba')
    """

    @property
    def _model(self):
        return unwrap_frozen(self.estimator)

    @property
    def is_fitted(self):
        return is_fitted_sklearn_style(self.estimator)

    def _check_task(self):
        check_task_matches(self.estimator, self.task)
        model = self._model
        methods = (
            ("predict_proba", "decision_function", "predict")
            if self.task == "classification"
            else ("predict",)
        )
        if not any(hasattr(model, m) for m in methods):
            raise TypeError(
                f"The teacher {type(self.estimator).__name__} has none of the methods "
                f"{', '.join(methods)}, so skdistill cannot get its outputs. Pass a fitted "
                "model with one of them, or wrap a function in "
                "skdistill.teachers.CallableTeacher."
            )

    def _allow_nan_unfitted(self):
        return allow_nan_of(self._model)

    @property
    def uses_threads(self):
        return sklearn_uses_threads(self._model)

    def _fit(self, X, y, sample_weight):
        fit_estimator(self.estimator, X, y, sample_weight)

    def _configure(self):
        model = self._model
        common = {
            "n_features_in_": getattr(model, "n_features_in_", None),
            "feature_names_in_": getattr(model, "feature_names_in_", None),
            "allow_nan": allow_nan_of(model),
        }
        if self.task == "regression":
            if self.response_method not in ("auto", "predict"):
                raise ValueError(
                    f"response_method={self.response_method!r} is for classification; a "
                    "regression teacher gives its predictions. Use 'auto' or 'predict'."
                )
            return make_config(response_method_="predict", output_kind="values", **common)

        classes = getattr(model, "classes_", None)
        method, kind, link = self._choose_method(model)
        if kind == "labels":
            if classes is None:
                raise ValueError(
                    f"The teacher {type(self.estimator).__name__} gives only hard labels and "
                    "has no classes_, so its labels cannot be turned into columns. Give it a "
                    "classes_ attribute or wrap it in CallableTeacher(..., classes=...)."
                )
            warnings.warn(
                f"The teacher {type(self.estimator).__name__} only gives hard labels "
                "(predict): the soft information distillation relies on is unavailable, so "
                "the student learns the teacher's decisions only. Use a teacher with "
                "predict_proba or decision_function for better results.",
                UserWarning,
                stacklevel=4,
            )
        return make_config(
            response_method_=method, output_kind=kind, classes_=classes, link=link, **common
        )

    def _choose_method(self, model):
        """(method, output_kind, link) for a classifier, honouring a forced response_method."""
        name = type(self.estimator).__name__
        link = _logit_link(final_step(model))
        requested = self.response_method
        if requested == "raw":
            requested = "decision_function"  # a scikit-learn model's margin
        if requested != "auto":
            if not hasattr(model, requested):
                raise ValueError(
                    f"response_method={self.response_method!r}, but the teacher {name} has no "
                    f"{requested} method. Use response_method='auto' to take the best output it "
                    "has."
                )
            if requested == "predict_proba":
                return "predict_proba", "log_proba", None
            if requested == "predict":
                return "predict", "labels", None
            return "decision_function", "logits" if link else "margins", link
        if link is not None and hasattr(model, "decision_function"):
            return "decision_function", "logits", link
        if hasattr(model, "predict_proba"):
            return "predict_proba", "log_proba", None
        if hasattr(model, "decision_function"):
            if getattr(final_step(model), "decision_function_shape", None) == "ovo":
                raise ValueError(
                    f"The teacher {name} has decision_function_shape='ovo': one column per "
                    "pair of classes, not per class. Set decision_function_shape='ovr' (or "
                    "probability=True) on the teacher."
                )
            return "decision_function", "margins", None
        return "predict", "labels", None

    def _outputs(self, X, config):
        model = self._model
        method = config["response_method_"]
        if method == "predict" and config["output_kind"] == "values":
            return model.predict(X)
        if method == "predict_proba":
            return proba_to_logits(model.predict_proba(X))
        if method == "predict":
            return labels_to_logits(model.predict(X), config["classes_"])
        df = model.decision_function(X)
        if config["link"] is not None:
            return _convert_by_link(df, config["link"])
        return margins_to_logits(df)

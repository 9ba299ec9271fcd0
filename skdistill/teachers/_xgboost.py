"""Adapter for XGBoost models: the scikit-learn API (XGBClassifier, ...) and ``Booster``.

xgboost is an optional dependency (``pip install skdistill[xgboost]``): it is imported only
when an XGBoost model is actually used, and such models are recognised by their module name.
Classification logits come from ``predict(..., output_margin=True)``, which already includes
``base_score``.
"""

import json

import numpy as np

from ._base import (
    TeacherAdapter,
    labels_to_logits,
    make_config,
    margins_to_logits,
    proba_to_logits,
    threads_param_uses_threads,
)
from ._sklearn import estimator_type, fit_estimator, is_fitted_sklearn_style, unwrap_frozen

LOGIT_OBJECTIVES = frozenset(
    {"binary:logistic", "binary:logitraw", "multi:softprob", "multi:softmax"}
)
PROBA_OBJECTIVES = frozenset({"binary:logistic", "multi:softprob"})
CUSTOM = "custom"


def is_xgboost_booster(obj):
    return type(obj).__name__ == "Booster" and type(obj).__module__.startswith("xgboost")


def _objective_kind(name):
    if name == CUSTOM:
        return None
    if name in LOGIT_OBJECTIVES:
        return "classification"
    if name == "binary:hinge":
        return "hinge"
    if name.startswith("rank:"):
        return "ranking"
    return "regression"


def booster_objective(booster):
    """(objective name, number of classes) of a trained Booster, from its JSON config."""
    learner = json.loads(booster.save_config())["learner"]
    return learner["objective"]["name"], int(learner["learner_model_param"].get("num_class", 0))


def _dmatrix(X):
    import xgboost

    # enable_categorical lets pandas category columns through as the model was trained.
    return xgboost.DMatrix(X, enable_categorical=True)


class XGBoostTeacher(TeacherAdapter):
    """Adapter for XGBoost's ``XGBClassifier``, ``XGBRegressor``, ``XGBModel`` and ``Booster``.

    Classification logits are ``output_margin`` margins: ``binary:logistic`` and
    ``binary:logitraw`` give ``m`` with probability ``expit(m)``, so the logits are ``[0, m]``;
    ``multi:softprob`` and ``multi:softmax`` margins are the logits. ``binary:hinge`` has no
    probabilities and ranking objectives are not distilled (clear errors). Regression uses
    ``predict`` (the response scale, also for count:poisson, reg:gamma, reg:tweedie).

    An unfitted ``XGBClassifier`` fitted through the adapter gets label-encoded targets, so
    string labels work; ``classes_`` then holds the original labels.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from xgboost import XGBClassifier
    >>> from skdistill.teachers import as_teacher
    >>> X, y = load_iris(return_X_y=True)
    >>> adapter = as_teacher(XGBClassifier(n_estimators=5).fit(X, y))
    >>> adapter.response_method_, adapter.outputs(X[:2]).shape
    ('output_margin', (2, 3))
    """

    _encoded_classes = None  # labels of y when the adapter fitted an XGBClassifier
    encodes_labels = True  # fit passes codes 0..k-1 (a PipelineTeacher does the same)

    @property
    def _model(self):
        return unwrap_frozen(self.estimator)

    @property
    def _is_booster(self):
        return is_xgboost_booster(self._model)

    def _booster(self):
        model = self._model
        return model if self._is_booster else model.get_booster()

    @property
    def is_fitted(self):
        return True if self._is_booster else is_fitted_sklearn_style(self.estimator)

    def _objective(self):
        """The objective name ("custom" for a callable objective) and the number of classes."""
        if not self._is_booster and callable(getattr(self._model, "objective", None)):
            n_classes = (
                len(self._model.classes_)
                if self.is_fitted and hasattr(self._model, "classes_")
                else 0
            )
            return CUSTOM, n_classes
        return booster_objective(self._booster())

    def _declared_kind(self):
        model = self._model
        if not self._is_booster:
            if "XGBRanker" in {cls.__name__ for cls in type(model).__mro__}:
                return "ranking"
            if not self.is_fitted:
                kind = estimator_type(model)
                if kind in ("classifier", "regressor"):
                    return "classification" if kind == "classifier" else "regression"
                objective = getattr(model, "objective", None)
                if callable(objective):
                    return None
                return _objective_kind(objective or "reg:squarederror")
        return _objective_kind(self._objective()[0])

    def _check_task(self):
        kind = self._declared_kind()
        name = type(self.estimator).__name__
        if kind == "ranking":
            raise ValueError(
                f"The teacher {name} is an XGBoost ranking model; skdistill distils "
                "classifiers and regressors. Use a classification or regression objective."
            )
        if kind == "hinge" and self.task == "classification" and self.response_method != "predict":
            raise ValueError(
                f"The teacher {name} uses objective 'binary:hinge', whose margins are not "
                "logits and which gives no probabilities. Retrain it with 'binary:logistic', "
                "or pass response_method='predict' to distil its hard labels."
            )
        if kind == "hinge":
            kind = "classification"
        if kind is not None and kind != self.task:
            other = "DistilledRegressor" if kind == "regression" else "DistilledClassifier"
            raise ValueError(
                f"The teacher {name} is an XGBoost {kind} model, but {self.task} was asked for. "
                f"Use {other} (task={kind!r}) or a {self.task} teacher."
            )

    def _allow_nan_unfitted(self):
        return True

    @property
    def uses_threads(self):
        if not self.is_fitted:
            return threads_param_uses_threads(getattr(self._model, "n_jobs", None))
        generic = json.loads(self._booster().save_config())["learner"]["generic_param"]
        return threads_param_uses_threads(generic.get("nthread", generic.get("n_jobs")))

    def _fit(self, X, y, sample_weight):
        if self._is_booster:
            raise TypeError(
                "An xgboost.Booster is trained by xgboost.train and cannot be fitted by "
                "skdistill. Pass the trained Booster, or an XGBClassifier / XGBRegressor."
            )
        if self.task == "classification":
            # XGBClassifier wants labels 0..k-1; encode so that any labels work.
            classes, y = np.unique(np.asarray(y), return_inverse=True)
            self._encoded_classes = classes
        fit_estimator(self.estimator, X, y, sample_weight)

    def _configure(self):
        model = self._model
        objective, n_classes = self._objective()
        if self._is_booster:
            booster = self._booster()
            common = {
                "n_features_in_": booster.num_features(),
                "feature_names_in_": booster.feature_names,
            }
        else:
            common = {
                "n_features_in_": getattr(model, "n_features_in_", None),
                "feature_names_in_": getattr(model, "feature_names_in_", None),
            }
        common.update(allow_nan=True, objective=objective)
        requested = self.response_method
        if self.task == "regression":
            if requested in ("predict_proba", "decision_function"):
                raise ValueError(
                    f"response_method={requested!r} is for classification. For an XGBoost "
                    "regressor use 'auto'/'predict' (predictions) or 'raw' (margins)."
                )
            method = "output_margin" if requested == "raw" else "predict"
            return make_config(response_method_=method, output_kind="values", **common)

        model_classes = np.arange(max(n_classes, 2)) if self._is_booster else model.classes_
        classes = self._encoded_classes if self._encoded_classes is not None else model_classes
        if requested in ("auto", "raw", "decision_function"):
            method, kind = "output_margin", "logits"
        elif requested == "predict_proba":
            if self._is_booster and objective not in PROBA_OBJECTIVES:
                raise ValueError(
                    f"An XGBoost Booster with objective {objective!r} gives no probabilities; "
                    "use response_method='auto' (exact logits from output_margin)."
                )
            method, kind = "predict_proba", "log_proba"
        else:
            method, kind = "predict", "labels"
        return make_config(
            response_method_=method,
            output_kind=kind,
            classes_=classes,
            model_classes=np.asarray(model_classes),
            **common,
        )

    def _margin(self, X):
        if self._is_booster:
            return self._model.predict(_dmatrix(X), output_margin=True)
        return self._model.predict(X, output_margin=True)

    def _outputs(self, X, config):
        model = self._model
        method = config["response_method_"]
        if self.task == "regression":
            if method == "output_margin":
                return self._margin(X)
            return model.predict(_dmatrix(X)) if self._is_booster else model.predict(X)
        if method == "output_margin":
            return margins_to_logits(self._margin(X))
        if method == "predict_proba":
            if self._is_booster:
                return proba_to_logits(model.predict(_dmatrix(X)))
            return proba_to_logits(model.predict_proba(X))
        if self._is_booster:
            labels = config["model_classes"][np.argmax(margins_to_logits(self._margin(X)), axis=1)]
        else:
            labels = model.predict(X)
        return labels_to_logits(labels, config["model_classes"])

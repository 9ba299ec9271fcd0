"""Adapter for LightGBM models: the scikit-learn API (LGBMClassifier, ...) and ``Booster``.

Classification logits come from ``predict(X, raw_score=True)`` and are converted by the
objective's link, so that softmax of them is exactly LightGBM's own probabilities.
"""

import numpy as np

from ._base import (
    TeacherAdapter,
    labels_to_logits,
    make_config,
    margins_to_logits,
    ovr_margins_to_logits,
    proba_to_logits,
    threads_param_uses_threads,
)
from ._sklearn import (
    estimator_type,
    fit_estimator,
    is_fitted_sklearn_style,
    unwrap_frozen,
)

# LightGBM's objective aliases, from its parameter documentation.
_ALIASES = {
    "regression": ("regression_l2", "l2", "mean_squared_error", "mse", "l2_root",
                   "root_mean_squared_error", "rmse"),
    "regression_l1": ("l1", "mean_absolute_error", "mae"),
    "mape": ("mean_absolute_percentage_error",),
    "multiclass": ("softmax",),
    "multiclassova": ("multiclass_ova", "ova", "ovr"),
    "cross_entropy": ("xentropy",),
    "cross_entropy_lambda": ("xentlambda",),
    "rank_xendcg": ("xendcg", "xe_ndcg", "xe_ndcg_mart", "xendcg_mart"),
}  # fmt: skip
_CANONICAL = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
CLASSIFICATION_OBJECTIVES = frozenset(
    {"binary", "multiclass", "multiclassova", "cross_entropy", "cross_entropy_lambda"}
)
RANKING_OBJECTIVES = frozenset({"lambdarank", "rank_xendcg"})
CUSTOM = "custom"  # a callable objective: the booster records none


def lightgbm_feature_name(column):
    """The name LightGBM stores for a DataFrame column (spaces become underscores)."""
    return str(column).replace(" ", "_")


def is_lightgbm_booster(obj):
    return type(obj).__name__ == "Booster" and type(obj).__module__.startswith("lightgbm")


def _class_names(obj):
    return {cls.__name__ for cls in type(obj).__mro__}


def parse_objective(booster):
    """(canonical name, {param: value}) of a trained Booster; name "custom" when callable.

    Read from the model dump of the first iteration only, which is cheap even for thousands
    of trees and also works for a Booster loaded from a file.
    """
    dump = booster.dump_model(num_iteration=1)
    text = dump.get("objective")
    if not text:
        return CUSTOM, {"num_class": str(dump.get("num_class", 1))}
    name, *tokens = str(text).split()
    params = dict(t.split(":", 1) if ":" in t else (t, "true") for t in tokens)
    params.setdefault("num_class", str(dump.get("num_class", 1)))
    return _CANONICAL.get(name, name), params


def _objective_kind(name):
    if name == CUSTOM:
        return None
    if name in CLASSIFICATION_OBJECTIVES:
        return "classification"
    if name in RANKING_OBJECTIVES:
        return "ranking"
    return "regression"


class LightGBMTeacher(TeacherAdapter):
    """Adapter for LightGBM's ``LGBMClassifier``, ``LGBMRegressor``, ``LGBMModel`` and ``Booster``.

    Logits by objective (``m`` the raw score, ``s`` LightGBM's ``sigmoid`` parameter):
    binary ``[0, s*m]``; multiclass ``m``; multiclassova ``log_expit(s*m)`` (softmax of which is
    the one-vs-rest probabilities normalised to sum to one); cross_entropy and
    cross_entropy_lambda ``[0, m]``; a custom objective's raw score is taken as logits.
    Regression uses ``predict`` (the response scale, also for poisson, gamma and tweedie).

    Examples
    --------
    >>> from lightgbm import LGBMClassifier
    >>> from sklearn.datasets import load_iris
    >>> from skdistill.teachers import as_teacher
    >>> X, y = load_iris(return_X_y=True)
    >>> gbm = LGBMClassifier(n_estimators=10, verbose=-1).fit(X, y)
    >>> adapter = as_teacher(gbm)
    >>> adapter.response_method_, adapter.outputs(X[:2]).shape
    ('raw_score', (2, 3))
    """

    @property
    def _model(self):
        return unwrap_frozen(self.estimator)

    @property
    def _is_booster(self):
        return is_lightgbm_booster(self._model)

    def _booster(self):
        model = self._model
        return model if self._is_booster else model.booster_

    @property
    def is_fitted(self):
        return True if self._is_booster else is_fitted_sklearn_style(self.estimator)

    def _declared_kind(self):
        """ "classification", "regression", "ranking" or None (custom/unknown) for the model."""
        model = self._model
        if not self._is_booster:
            names = _class_names(model)
            if "LGBMRanker" in names:
                return "ranking"
            kind = estimator_type(model)
            if kind in ("classifier", "regressor"):
                return "classification" if kind == "classifier" else "regression"
            objective = getattr(model, "objective", None)
            if not self.is_fitted:
                if objective is None:
                    return "regression"  # LGBMModel's default objective
                if callable(objective):
                    return None
                return _objective_kind(_CANONICAL.get(objective, objective))
        return _objective_kind(parse_objective(self._booster())[0])

    def _check_task(self):
        kind = self._declared_kind()
        name = type(self.estimator).__name__
        if kind == "ranking":
            raise ValueError(
                f"The teacher {name} is a LightGBM ranking model; skdistill distils "
                "classifiers and regressors. Use a classification or regression objective."
            )
        if kind is not None and kind != self.task:
            other = "DistilledRegressor" if kind == "regression" else "DistilledClassifier"
            raise ValueError(
                f"The teacher {name} is a LightGBM {kind} model, but {self.task} was asked "
                f"for. Use {other} (task={kind!r}) or a {self.task} teacher."
            )

    def _allow_nan_unfitted(self):
        return True

    @property
    def uses_threads(self):
        params = self._booster().params if self.is_fitted else {}
        value = next(
            (
                params[k]
                for k in ("num_threads", "num_thread", "nthread", "nthreads", "n_jobs")
                if k in params
            ),
            None if self._is_booster else getattr(self._model, "n_jobs", None),
        )
        return threads_param_uses_threads(value)

    def feature_name_of(self, column):
        # LightGBM stores a column name with its spaces replaced by underscores.
        return lightgbm_feature_name(column)

    def _fit(self, X, y, sample_weight):
        if self._is_booster:
            raise TypeError(
                "A lightgbm.Booster is trained by lightgbm.train and cannot be fitted by "
                "skdistill. Pass the trained Booster, or an LGBMClassifier / LGBMRegressor."
            )
        fit_estimator(self.estimator, X, y, sample_weight)

    def _configure(self):
        model = self._model
        booster = self._booster()
        objective, params = parse_objective(booster)
        # LightGBM names the columns of a numpy array Column_0, Column_1, ...: no names.
        names = booster.feature_name()
        auto = [f"Column_{i}" for i in range(len(names))]
        common = {
            "n_features_in_": booster.num_feature(),
            "feature_names_in_": None if names == auto else names,
        }
        common.update(allow_nan=True, objective=objective, sigmoid=float(params.get("sigmoid", 1)))
        requested = self.response_method
        if self.task == "regression":
            if requested in ("predict_proba", "decision_function"):
                raise ValueError(
                    f"response_method={requested!r} is for classification. For a LightGBM "
                    "regressor use 'auto'/'predict' (predictions) or 'raw' (raw scores)."
                )
            method = "raw_score" if requested == "raw" else "predict"
            return make_config(response_method_=method, output_kind="values", **common)

        if self._is_booster:
            n_classes = max(int(params.get("num_class", 1)), 2)
            classes = np.arange(n_classes)
        else:
            classes = model.classes_
        if requested in ("auto", "raw", "decision_function"):
            method, kind = "raw_score", "logits"
        elif requested == "predict_proba":
            method, kind = "predict_proba", "log_proba"
        else:
            method, kind = "predict", "labels"
        return make_config(response_method_=method, output_kind=kind, classes_=classes, **common)

    def _logits(self, X, config):
        raw = self._model.predict(X, raw_score=True)
        objective = config["objective"]
        if objective == "multiclassova":
            return ovr_margins_to_logits(raw, config["sigmoid"])
        scale = config["sigmoid"] if objective == "binary" else 1.0
        return margins_to_logits(raw, scale)

    def _outputs(self, X, config):
        model = self._model
        method = config["response_method_"]
        if self.task == "regression":
            return model.predict(X, raw_score=method == "raw_score")
        if method == "raw_score":
            return self._logits(X, config)
        if method == "predict_proba":
            if not self._is_booster:
                return proba_to_logits(model.predict_proba(X))
            proba = model.predict(X)
            if config["objective"] == "cross_entropy_lambda":
                proba = -np.expm1(-proba)  # predict gives log1p(exp(m)); p = 1 - exp(-that)
            return proba_to_logits(proba)
        if self._is_booster:
            labels = np.argmax(self._logits(X, config), axis=1)
        else:
            labels = model.predict(X)
        return labels_to_logits(labels, config["classes_"])

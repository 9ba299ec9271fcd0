"""Small gradient-boosted students (LightGBM, or XGBoost) trained on soft targets.

Binary: LightGBM's ``cross_entropy`` objective (XGBoost's ``binary:logistic``) accepts labels in
[0, 1], so the booster is trained on the soft probability of class 1. Multiclass: neither
library takes a matrix of soft labels, so a custom objective (a picklable class holding the
row-aligned target matrix) gives the gradient of the soft cross-entropy of the softmax.

What the temperature means here: the booster's margins ``m`` are fitted so that
``softmax(m)`` matches the teacher at temperature ``T``, i.e. ``m`` plays the role of
``z / T`` for the student logits ``z`` of Hinton et al. (2015). The student is deployed at
``T = 1``: ``predict_proba`` is ``softmax(T * m)``. A large ``T`` therefore tends to logit
matching rather than to uniform predictions. (The ``T**2`` factor of the soft loss only
rescales the loss and has no effect on a booster once ``alpha`` is folded into the targets.)
"""

from numbers import Integral, Real

import numpy as np
from joblib import effective_n_jobs
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from .._random import draw_seed
from .._targets import PROBA_EPS
from ._base import SoftClassifierMixin, SoftRegressorMixin
from ._loss import SoftmaxCrossEntropyObjective, blended_proba, blended_values, softmax_rows
from ._preprocess import check_input, check_weights, encode, fit_preprocessor

# Predictions on at most this many rows run on one thread (see _BaseSoftGBM._raw).
_SINGLE_THREAD_ROWS = 2048


def _import_xgboost():
    try:
        import xgboost
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "backend='xgboost' needs XGBoost; install it with `pip install skdistill[xgboost]` "
            "or use backend='lightgbm'."
        ) from exc
    return xgboost


class _BaseSoftGBM(BaseEstimator):
    _parameter_constraints: dict = {
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "num_leaves": [Interval(Integral, 2, None, closed="left")],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "learning_rate": [Interval(Real, 0.0, None, closed="neither")],
        "min_child_samples": [Interval(Integral, 1, None, closed="left")],
        "subsample": [Interval(Real, 0.0, 1.0, closed="right")],
        "colsample_bytree": [Interval(Real, 0.0, 1.0, closed="right")],
        "reg_lambda": [Interval(Real, 0.0, None, closed="left")],
        "backend": [StrOptions({"lightgbm", "xgboost"})],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_estimators=30,
        *,
        num_leaves=15,
        max_depth=None,
        learning_rate=0.1,
        min_child_samples=20,
        subsample=1.0,
        colsample_bytree=1.0,
        reg_lambda=0.0,
        backend="lightgbm",
        random_state=None,
        n_jobs=None,
        verbose=0,
    ):
        self.n_estimators = n_estimators
        self.num_leaves = num_leaves
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.backend = backend
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _encode(self, X, n_rows, sample_weight):
        if self.backend == "xgboost":
            _import_xgboost()  # fail before the work, not after it
        Xt, n_numeric = fit_preprocessor(self, X, "gbm", n_rows)
        self._categorical = list(range(n_numeric, Xt.shape[1]))
        self._seed = draw_seed(check_random_state(self.random_state))
        return Xt, check_weights(sample_weight, Xt)

    def _lightgbm_params(self, objective, num_class=1):
        """LightGBM's training parameters for one booster."""
        params = {
            "objective": objective,
            "num_leaves": self.num_leaves,
            "max_depth": -1 if self.max_depth is None else self.max_depth,
            "learning_rate": self.learning_rate,
            "min_data_in_leaf": self.min_child_samples,
            "bagging_fraction": self.subsample,
            "bagging_freq": 1 if self.subsample < 1.0 else 0,
            "feature_fraction": self.colsample_bytree,
            "lambda_l2": self.reg_lambda,
            "seed": self._seed,
            # Fixed histogram layout and deterministic sums: an int seed gives the same model.
            "deterministic": True,
            "force_col_wise": True,
            "num_threads": effective_n_jobs(self.n_jobs),
            "verbosity": self.verbose if self.verbose else -1,
        }
        if num_class > 1:
            params["num_class"] = num_class
        return params

    def _train(self, Xt, objective, label, weight=None, init=None, num_class=1):
        """Train one booster. ``objective`` is a library name or a custom objective."""
        if self.backend == "lightgbm":
            import lightgbm

            params = self._lightgbm_params(objective, num_class)
            data = lightgbm.Dataset(
                Xt,
                label=label,
                weight=weight,
                init_score=init,
                categorical_feature=self._categorical,
                # Keep features a tiny set cannot split yet: with none left, LightGBM aborts on a
                # custom objective instead of growing constant trees.
                params={"verbosity": params["verbosity"], "feature_pre_filter": False},
            )
            return lightgbm.train(params, data, num_boost_round=self.n_estimators)

        xgboost = _import_xgboost()
        params = {
            "tree_method": "hist",
            "grow_policy": "lossguide",
            "max_leaves": self.num_leaves,
            "max_depth": 0 if self.max_depth is None else self.max_depth,
            "eta": self.learning_rate,
            # XGBoost has no minimum row count per leaf; with the small Hessians of soft
            # targets, a lower bound than its default let one-row leaves take huge values.
            "min_child_weight": 1.0,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "reg_lambda": self.reg_lambda,
            "seed": self._seed,
            "nthread": effective_n_jobs(self.n_jobs),
            "verbosity": min(int(self.verbose), 3),
        }
        obj = None
        if callable(objective):
            obj = objective
            params.update(num_class=num_class, base_score=0.0, disable_default_eval_metric=1)
        else:
            params["objective"] = objective
            if objective == "binary:logistic":
                params["base_score"] = 0.5  # margin 0; the prior comes from base_margin
        data = self._dmatrix(Xt, label=label, weight=weight, base_margin=init)
        return xgboost.train(params, data, num_boost_round=self.n_estimators, obj=obj)

    def _dmatrix(self, Xt, **kwargs):
        xgboost = _import_xgboost()
        n_numeric = Xt.shape[1] - len(self._categorical)
        return xgboost.DMatrix(
            Xt,
            missing=np.nan,
            feature_types=["q"] * n_numeric + ["c"] * len(self._categorical),
            enable_categorical=True,
            **kwargs,
        )

    def _raw(self, booster, Xt):
        """The booster's margins, without any init score."""
        if self.backend == "lightgbm":
            # Waking a thread pool costs more than a few thousand rows take on one thread.
            threads = 1 if len(Xt) <= _SINGLE_THREAD_ROWS else effective_n_jobs(self.n_jobs)
            return booster.predict(Xt, raw_score=True, num_threads=threads)
        return np.asarray(booster.predict(self._dmatrix(Xt), output_margin=True), np.float64)

    def _distill_defaults(self):
        """The distillers' ``sampler="default"`` and ``alpha="default"`` for this student,
        measured best for the GBM students (see ``skdistill/_defaults.py``)."""
        return {"sampler": None, "alpha": 0.3}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


class SoftGBMClassifier(SoftClassifierMixin, _BaseSoftGBM):
    """A small gradient-boosted model trained on a teacher's soft class probabilities.

    Binary problems use the library's cross-entropy objective on the soft probability of the
    second class; multiclass problems use :class:`SoftmaxCrossEntropyObjective`, a soft
    cross-entropy of the softmax of the margins. The targets are the teacher's probabilities at
    temperature ``T`` blended with the one-hot labels by ``alpha`` on labelled rows, and
    boosting starts from their (log) class prior. The margins ``m`` learned this way stand for
    ``z / T``; predictions are at ``T = 1``: ``softmax(T * m)`` (see the module docstring).

    Categorical columns of a DataFrame are passed to the library as categorical features and
    missing values are handled natively.

    Parameters
    ----------
    n_estimators : int, default=30
        Boosting rounds (trees per class for multiclass).
    num_leaves : int, default=15
        Maximum leaves per tree.
    max_depth : int or None, default=None
        Maximum depth per tree; None for no limit besides ``num_leaves``.
    learning_rate : float, default=0.1
    min_child_samples : int, default=20
        Minimum rows in a leaf (LightGBM's ``min_data_in_leaf``). XGBoost has no such
        setting; with ``backend="xgboost"`` it is not used.
    subsample : float, default=1.0
        Fraction of rows drawn for each tree.
    colsample_bytree : float, default=1.0
        Fraction of features drawn for each tree.
    reg_lambda : float, default=0.0
        L2 penalty on leaf values.
    backend : {"lightgbm", "xgboost"}, default="lightgbm"
        XGBoost needs ``pip install skdistill[xgboost]``.
    random_state : int, RandomState instance or None, default=None
        An int gives bit-identical models.
    n_jobs : int or None, default=None
        Threads for training and prediction; None means 1 (as in scikit-learn, unless in a
        ``joblib.parallel_config`` context), -1 all cores.
    verbose : int, default=0

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    booster_ : lightgbm.Booster or xgboost.Booster
    init_score_ : ndarray of shape (n_classes,) or float
        The starting margins (log prior of the targets; for binary, the prior's log-odds). Not
        part of ``booster_``: add them to its raw margins.
    temperature_ : float
    preprocessor_ : FrameEncoder or NumericTableEncoder
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    See Also
    --------
    SoftTreeClassifier : A single readable tree.
    SoftmaxCrossEntropyObjective : The multiclass objective.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdistill.students import SoftGBMClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> gbm = SoftGBMClassifier(n_estimators=20, min_child_samples=5, random_state=0).fit(X, y)
    >>> gbm.score(X, y) > 0.95
    True
    """

    def _fit_soft(self, X, targets, sample_weight):
        Xt, weight = self._encode(X, targets.n_samples, sample_weight)
        Q = blended_proba(targets)
        prior = np.clip(np.average(Q, axis=0, weights=weight), PROBA_EPS, None)
        n = len(Xt)
        if targets.n_classes == 2:
            self.init_score_ = float(np.log(prior[1] / prior[0]))
            objective = "cross_entropy" if self.backend == "lightgbm" else "binary:logistic"
            self.booster_ = self._train(
                Xt, objective, Q[:, 1], weight=weight, init=np.full(n, self.init_score_)
            )
        else:
            self.init_score_ = np.log(prior) - np.log(prior).mean()
            init = np.tile(self.init_score_, (n, 1))
            self.booster_ = self._train(
                Xt,
                SoftmaxCrossEntropyObjective(Q, weight),
                # The libraries want a 1-D label; the objective reads the soft targets itself.
                np.argmax(Q, axis=1).astype(np.float64),
                init=init,
                num_class=targets.n_classes,
            )
        self.temperature_ = float(targets.temperature)
        self.classes_ = targets.class_labels
        return self

    def decision_function(self, X):
        """Student logits at ``T = 1``: ``T * (init_score_ + booster margins)``.

        Returns
        -------
        ndarray of shape (n_samples,) for binary (log-odds of ``classes_[1]``), else
        (n_samples, n_classes)
        """
        return self._decision_function_checked(check_input(self, X))

    def _decision_function_checked(self, X):
        return self.temperature_ * (self._raw(self.booster_, encode(self, X)) + self.init_score_)

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
        if z.ndim == 1:
            p = expit(z)
            return np.column_stack([1.0 - p, p])
        return softmax_rows(z)


class SoftGBMRegressor(SoftRegressorMixin, _BaseSoftGBM):
    """A small gradient-boosted regressor trained on a regression teacher's outputs.

    Plain squared-error boosting on the teacher's values, blended with the true ``y`` by
    ``alpha`` where it is known; one booster per output. Takes raw tables with categories
    and NaN like :class:`SoftGBMClassifier`, and has the same parameters.

    Parameters
    ----------
    n_estimators : int, default=30
    num_leaves : int, default=15
    max_depth : int or None, default=None
    learning_rate : float, default=0.1
    min_child_samples : int, default=20
    subsample : float, default=1.0
    colsample_bytree : float, default=1.0
    reg_lambda : float, default=0.0
    backend : {"lightgbm", "xgboost"}, default="lightgbm"
    random_state : int, RandomState instance or None, default=None
    n_jobs : int or None, default=None
    verbose : int, default=0

    Attributes
    ----------
    boosters_ : list of lightgbm.Booster or xgboost.Booster
        One per output.
    preprocessor_ : FrameEncoder or NumericTableEncoder
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skdistill.students import SoftGBMRegressor
    >>> X, y = make_regression(n_samples=300, n_features=4, noise=1.0, random_state=0)
    >>> gbm = SoftGBMRegressor(n_estimators=100, random_state=0).fit(X, y)
    >>> gbm.score(X, y) > 0.9
    True
    """

    def _fit_soft(self, X, targets, sample_weight):
        Xt, weight = self._encode(X, targets.n_samples, sample_weight)
        V = blended_values(targets)
        self._n_outputs = 1 if V.ndim == 1 else V.shape[1]
        objective = "regression" if self.backend == "lightgbm" else "reg:squarederror"
        columns = V.reshape(len(V), self._n_outputs).T
        self.boosters_ = [self._train(Xt, objective, v, weight=weight) for v in columns]
        return self

    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        return self._predict_checked(check_input(self, X))

    def _predict_checked(self, X):
        Xt = encode(self, X)
        out = np.column_stack([self._raw(b, Xt) for b in self.boosters_])
        return out.ravel() if self._n_outputs == 1 else out


__all__ = ["SoftGBMClassifier", "SoftGBMRegressor", "SoftmaxCrossEntropyObjective"]

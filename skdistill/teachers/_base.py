"""The teacher adapter base class and the conversions every family shares.

An adapter turns one fitted model into one thing the distiller needs: ``outputs(X)``, the
teacher's logits (classification, one column per class in the order of ``classes_``) or its
predictions (regression). Subclasses only say where the raw numbers come from.
"""

import numpy as np
from scipy.special import log_expit
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import _num_samples

#: Probabilities are clipped here before the log, so a hard 0 gives a finite logit.
PROBA_CLIP = 1e-12

TASKS = ("classification", "regression")
#: What ``response_method`` may be; "raw_score" and "output_margin" are aliases of "raw".
RESPONSE_METHODS = (
    "auto",
    "predict_proba",
    "decision_function",
    "predict",
    "raw",
    "raw_score",
    "output_margin",
)


class TeacherOutputError(ValueError):
    """The teacher's outputs cannot be used: wrong number of rows, not finite, or
    "probabilities" outside [0, 1]."""


#: Probabilities this far outside [0, 1] are float noise; beyond it they are an error.
PROBA_TOLERANCE = 1e-6


class TeacherAdapter:
    """Gives one teacher's exact logits (classification) or predictions (regression).

    Build adapters with :func:`~skdistill.teachers.as_teacher`; each subclass handles one
    family of models. An adapter is a plain class, not an estimator: it holds the user's
    object unchanged, is cheap to build and to pickle, and ``outputs`` changes no state, so it
    can run on chunks of ``X`` in parallel threads or processes.

    Parameters
    ----------
    estimator : object
        The teacher, exactly as the user gave it.
    task : {"classification", "regression"}
        What the distiller does with the outputs.
    response_method : str, default="auto"
        Which output of the teacher to use; see :func:`~skdistill.teachers.as_teacher`.

    Attributes
    ----------
    estimator : object
        The user's object, unchanged.
    is_fitted : bool
        Whether the teacher can give outputs now.
    classes_ : ndarray or None
        Classification: the teacher's classes, in the order of the output columns; None when
        unknown (or when not fitted yet).
    n_features_in_ : int or None
        Number of features the teacher expects, when known.
    feature_names_in_ : ndarray of str or None
        Feature names the teacher was fitted with, when known.
    allow_nan : bool
        Whether the teacher accepts missing values in ``X``.
    uses_threads : bool
        Whether the teacher predicts on several threads (LightGBM, XGBoost, ``n_jobs``).
    response_method_ : str or None
        The output actually used ("raw_score", "output_margin", "decision_function",
        "predict_proba", "predict" or "callable"); None before the teacher is fitted.
    output_kind : str or None
        "logits" (exact: softmax of them is the teacher's probabilities), "margins"
        (a decision function that is not a logit, such as an SVM's), "log_proba" (log of the
        clipped probabilities), "labels" (only hard labels, as clipped log one-hot) or
        "values" (regression); None before the teacher is fitted.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skdistill.teachers import TeacherAdapter, as_teacher
    >>> X, y = load_iris(return_X_y=True)
    >>> adapter = as_teacher(LogisticRegression(max_iter=500).fit(X, y))
    >>> isinstance(adapter, TeacherAdapter), adapter.outputs(X[:2]).shape
    (True, (2, 3))
    """

    def __init__(self, estimator, *, task="classification", response_method="auto"):
        self.estimator = estimator
        self.task = check_task(task)
        self.response_method = check_response_method(response_method)
        self._config = None
        self._check_task()
        if self.is_fitted:
            self._config = self._configure()

    def __repr__(self):
        return f"{type(self).__name__}({type(self.estimator).__name__}, task={self.task!r})"

    # -- what subclasses provide ----------------------------------------------------------

    @property
    def is_fitted(self):
        return True

    def _check_task(self):
        """Raise a ValueError when the teacher cannot serve ``self.task`` (may be unfitted)."""

    def _configure(self):
        """Return a dict of what the fitted teacher declares (see ``_CONFIG_KEYS``)."""
        raise NotImplementedError

    def _outputs(self, X, config):
        raise NotImplementedError

    def _fit(self, X, y, sample_weight):
        raise TypeError(
            f"The teacher {type(self.estimator).__name__} cannot be fitted by skdistill. "
            "Fit (train) it yourself and pass the fitted model."
        )

    def _allow_nan_unfitted(self):
        return False

    # -- public API -------------------------------------------------------------------------

    def fit(self, X, y, sample_weight=None):
        """Fit the underlying estimator in place on ``(X, y)``; return the adapter.

        Only for an unfitted scikit-learn-style teacher; a fitted teacher is never refit by
        skdistill. Raises TypeError when the teacher cannot be fitted (a callable, a Booster).
        """
        self._fit(X, y, sample_weight)
        self._config = self._configure()
        return self

    def outputs(self, X):
        """Teacher logits (classification) or predictions (regression) for ``X``.

        Parameters
        ----------
        X : array-like or DataFrame
            Rows in the schema the teacher was fitted on; passed to the teacher unchanged.

        Returns
        -------
        outputs : ndarray of float64
            Classification: shape (n_samples, n_classes), columns in the order of
            ``classes_``, with ``softmax(outputs)`` equal to the teacher's probabilities (up to
            clipping at 1e-12 for "log_proba" and "labels"). Regression: shape (n_samples,) or
            (n_samples, n_targets).
        """
        config = self._fitted_config()
        out = np.ascontiguousarray(self._outputs(X, config), dtype=np.float64)
        self._check_outputs(out, _num_samples(X))
        if self.task == "classification":
            classes = config["classes_"]
            if out.ndim != 2 or (classes is not None and out.shape[1] != len(classes)):
                expected = "one column per class" if classes is None else f"{len(classes)} columns"
                raise ValueError(
                    f"The teacher gave outputs of shape {out.shape}, but {expected} (n_samples, "
                    "n_classes) were expected. Check response_method and the teacher's declared "
                    "classes."
                )
        return out

    def _check_outputs(self, out, n_rows):
        name = type(self.estimator).__name__
        if out.ndim == 0 or out.shape[0] != n_rows:
            raise TeacherOutputError(
                f"The teacher {name} returned {out.shape[0] if out.ndim else 'a scalar'} rows of "
                f"outputs for {n_rows} rows of X; it must return exactly one row of outputs per "
                "input row."
            )
        if not np.isfinite(out).all():
            bad = np.flatnonzero(~np.isfinite(out).reshape(n_rows, -1).all(axis=1))
            raise TeacherOutputError(
                f"The teacher {name} returned NaN or infinite outputs for {len(bad)} of "
                f"{n_rows} rows (the first at row {bad[0]}). Its outputs are the student's "
                "targets and must be finite: check the teacher on those rows."
            )

    def _fitted_config(self):
        # A configured adapter stays configured: asking the teacher whether it is fitted
        # (check_is_fitted, LightGBM's tags) costs tens of microseconds, which the
        # distillers' predict would pay on every call.
        if self._config is not None:
            return self._config
        if not self.is_fitted:
            raise NotFittedError(
                f"The teacher {type(self.estimator).__name__} is not fitted, so it has no "
                "outputs yet. Fit it first (or let the distiller fit it: pass it unfitted to "
                "DistilledClassifier / DistilledRegressor and call fit with y)."
            )
        # Fitted in place after the adapter was built.
        self._config = self._configure()
        return self._config

    def _get(self, key):
        if self._config is None and not self.is_fitted:
            return None
        return self._fitted_config()[key]

    @property
    def classes_(self):
        return self._get("classes_") if self.task == "classification" else None

    @property
    def n_features_in_(self):
        return self._get("n_features_in_")

    @property
    def feature_names_in_(self):
        return self._get("feature_names_in_")

    @property
    def uses_threads(self):
        """Whether the teacher computes its outputs on several threads (so that parallel
        labeling jobs would only compete for the same cores)."""
        return False

    def feature_name_of(self, column):
        """The name the teacher stores for a column named ``column`` of a DataFrame.

        ``feature_names_in_`` holds the stored names; LightGBM changes some (spaces become
        underscores), so compare ``[adapter.feature_name_of(c) for c in X.columns]`` with it.
        """
        return str(column)

    @property
    def response_method_(self):
        return self._get("response_method_")

    @property
    def output_kind(self):
        return self._get("output_kind")

    @property
    def allow_nan(self):
        if self._config is not None or self.is_fitted:
            return self._fitted_config()["allow_nan"]
        return self._allow_nan_unfitted()

    def accepts_missing_rows(self, X):
        """Whether the fitted teacher, though its tags refuse NaN, gives finite outputs for
        the rows ``X`` that hold some (a Pipeline starting with a ColumnTransformer has
        such tags whatever its steps take); if so, ``allow_nan`` becomes True."""
        try:
            out = self.outputs(X)
        except Exception:  # noqa: BLE001 - any failure means no: the NaN error follows
            return False
        if not np.isfinite(out).all():
            return False
        self._fitted_config()["allow_nan"] = True
        return True


def make_config(
    *,
    response_method_,
    output_kind,
    classes_=None,
    n_features_in_=None,
    feature_names_in_=None,
    allow_nan=False,
    **extra,
):
    """The dict ``_configure`` returns; ``extra`` holds family-specific details."""
    if classes_ is not None:
        classes_ = np.asarray(classes_)
    if feature_names_in_ is not None:
        feature_names_in_ = np.asarray(feature_names_in_, dtype=object)
    return {
        "response_method_": response_method_,
        "output_kind": output_kind,
        "classes_": classes_,
        "n_features_in_": None if n_features_in_ is None else int(n_features_in_),
        "feature_names_in_": feature_names_in_,
        "allow_nan": bool(allow_nan),
        **extra,
    }


def check_task(task):
    if task not in TASKS:
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}.")
    return task


def check_response_method(response_method):
    if response_method not in RESPONSE_METHODS:
        raise ValueError(
            f"response_method must be one of {list(RESPONSE_METHODS)}, got {response_method!r}."
        )
    # "raw_score" (LightGBM) and "output_margin" (XGBoost) both name the library margin.
    return "raw" if response_method in ("raw_score", "output_margin") else response_method


# -- conversions to logits --------------------------------------------------------------------


def margins_to_logits(margins, scale=1.0):
    """Binary 1-D margin ``m`` → ``[0, scale * m]``; 2-D margins are returned scaled.

    ``[0, m]`` rather than ``[-m, m]``: softmax of ``[0, m]`` is ``expit(m)``, the teacher's
    probability, while ``[-m, m]`` would give ``expit(2m)``.
    """
    margins = np.asarray(margins, dtype=np.float64)
    if scale != 1.0:
        margins = scale * margins
    if margins.ndim == 1:
        return np.column_stack([np.zeros_like(margins), margins])
    if margins.ndim == 2 and margins.shape[1] == 1:
        return np.column_stack([np.zeros_like(margins[:, 0]), margins[:, 0]])
    return margins


def ovr_margins_to_logits(margins, scale=1.0):
    """One-vs-rest sigmoid margins → logits whose softmax is the normalised probabilities.

    Models such as LightGBM's ``multiclassova`` and ``SGDClassifier(loss="log_loss")`` give
    per-class probabilities ``expit(scale * m_k)`` and (if at all) normalise them by their sum,
    so ``log_expit(scale * m_k)`` are exact logits of the normalised probabilities.
    """
    margins = np.asarray(margins, dtype=np.float64)
    if margins.ndim == 1 or margins.shape[1] == 1:
        return margins_to_logits(margins, scale)
    return log_expit(scale * margins)


def proba_to_logits(proba):
    """Log of probabilities clipped at 1e-12; a 1-D input is the positive-class probability.

    Values outside [0, 1] (beyond float noise) or NaN raise a TeacherOutputError rather than
    being clipped into something that looks like probabilities.
    """
    proba = np.asarray(proba, dtype=np.float64)
    outside = ~((proba >= -PROBA_TOLERANCE) & (proba <= 1.0 + PROBA_TOLERANCE))
    nan = np.isnan(proba)
    if nan.any():  # not a matter of scale: the teacher failed on these rows
        rows = np.flatnonzero(nan.any(axis=1) if nan.ndim == 2 else nan)
        raise TeacherOutputError(
            f"The teacher's predict_proba returned NaN for {len(rows)} rows (positions "
            f"{rows[:5].tolist()} of this batch of {len(proba)}). Check the teacher on these "
            "rows: a model that cannot score them (missing values it was not trained with, "
            "say) must be fixed or its rows left out; skdistill does not guess them."
        )
    if outside.any():
        raise TeacherOutputError(
            f"The teacher's probabilities must lie in [0, 1], but {int(outside.sum())} values "
            f"do not (e.g. {proba[outside][0]!r}). If the teacher returns scores or logits, "
            "declare them as such: response_method='decision_function'."
        )
    if proba.ndim == 1:
        proba = np.column_stack([1.0 - proba, proba])
    return np.log(np.clip(proba, PROBA_CLIP, 1.0))


def labels_to_logits(labels, classes):
    """Hard labels → log of the clipped one-hot matrix, columns in the order of ``classes``."""
    labels = np.asarray(labels).ravel()
    classes = np.asarray(classes)
    sorter = np.argsort(classes, kind="stable")
    pos = np.clip(np.searchsorted(classes, labels, sorter=sorter), 0, len(classes) - 1)
    idx = sorter[pos]
    unknown = classes[idx] != labels
    if np.any(unknown):
        raise ValueError(
            f"The teacher predicted labels that are not among its classes: "
            f"{np.unique(labels[unknown])[:5].tolist()}; classes are {classes[:10].tolist()}. "
            "Declare the right classes (for a callable: CallableTeacher(..., classes=...))."
        )
    onehot = np.full((len(labels), len(classes)), PROBA_CLIP)
    onehot[np.arange(len(labels)), idx] = 1.0
    return np.log(onehot)


def threads_param_uses_threads(value):
    """LightGBM / XGBoost thread counts: 0, negative or None mean all cores."""
    try:
        return value is None or int(value) != 1
    except (TypeError, ValueError):
        return True

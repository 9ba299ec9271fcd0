"""Adapter for a Pipeline whose final step is a LightGBM or XGBoost model.

A Pipeline does not pass ``raw_score=True`` / ``output_margin=True`` through to its final
step, so the front end runs as ``pipe[:-1].transform(X)`` and the final step's adapter gives
the margins of the transformed rows.
"""

import numpy as np

from ._base import TeacherAdapter
from ._lightgbm import lightgbm_feature_name
from ._sklearn import (
    allow_nan_of,
    check_task_matches,
    fit_estimator,
    is_fitted_sklearn_style,
    sklearn_uses_threads,
    unwrap_frozen,
)


class PipelineTeacher(TeacherAdapter):
    """Adapter for a Pipeline of transformers ending in a LightGBM or XGBoost model.

    The margins equal ``pipe[-1].predict(pipe[:-1].transform(X), raw_score=True)`` (LightGBM)
    or ``output_margin=True`` (XGBoost), converted to logits as for the bare model.

    Parameters
    ----------
    estimator : Pipeline or FrozenEstimator of a Pipeline
    task : {"classification", "regression"}
    response_method : str, default="auto"
    final_adapter : type
        The adapter class of the final step (LightGBMTeacher or XGBoostTeacher).

    Examples
    --------
    >>> from lightgbm import LGBMClassifier
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdistill.teachers import as_teacher
    >>> X, y = load_iris(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), LGBMClassifier(n_estimators=5, verbose=-1))
    >>> adapter = as_teacher(pipe.fit(X, y))
    >>> type(adapter).__name__, adapter.response_method_
    ('PipelineTeacher', 'raw_score')
    """

    def __init__(self, estimator, *, task="classification", response_method="auto", final_adapter):
        self.final_adapter = final_adapter
        super().__init__(estimator, task=task, response_method=response_method)

    @property
    def _pipeline(self):
        return unwrap_frozen(self.estimator)

    def _final(self):
        """The final step's adapter (built fresh: cheap, and always sees the fitted step)."""
        return self.final_adapter(
            self._pipeline.steps[-1][1], task=self.task, response_method=self.response_method
        )

    @property
    def is_fitted(self):
        return is_fitted_sklearn_style(self.estimator)

    def _check_task(self):
        check_task_matches(self.estimator, self.task)
        self._final()  # the final step's own checks (objective, ranking, ...)

    def _allow_nan_unfitted(self):
        return allow_nan_of(self._pipeline)

    @property
    def uses_threads(self):
        return self._final().uses_threads or sklearn_uses_threads(self._pipeline[:-1])

    def feature_name_of(self, column):
        # The Pipeline's feature names are its first step's: LightGBM's when it comes first.
        first = unwrap_frozen(self._pipeline.steps[0][1])
        if type(first).__module__.startswith("lightgbm"):
            return lightgbm_feature_name(column)
        return str(column)

    _encoded_classes = None  # labels of y when the final step needs codes 0..k-1

    def _fit(self, X, y, sample_weight):
        if self.task == "classification" and getattr(self.final_adapter, "encodes_labels", False):
            # XGBClassifier wants labels 0..k-1; encode so that any labels work.
            self._encoded_classes, y = np.unique(np.asarray(y), return_inverse=True)
        fit_estimator(self.estimator, X, y, sample_weight)

    def _configure(self):
        final = self._final()
        pipe = self._pipeline
        config = dict(final._fitted_config())
        config.update(
            n_features_in_=getattr(pipe, "n_features_in_", None),
            feature_names_in_=getattr(pipe, "feature_names_in_", None),
            allow_nan=allow_nan_of(pipe),
            final=final,
        )
        if self._encoded_classes is not None:
            config["classes_"] = self._encoded_classes
        return config

    def _outputs(self, X, config):
        pipe = self._pipeline
        Xt = pipe[:-1].transform(X) if len(pipe.steps) > 1 else X  # a one-step Pipeline
        return config["final"]._outputs(Xt, config["final"]._config)

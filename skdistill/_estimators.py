"""What a scikit-learn estimator is made of: frozen wrappers, pipeline steps, and whether its
``fit`` takes ``sample_weight``. Shared by the teacher adapters and the student adapters."""

from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import has_fit_parameter


def unwrap_frozen(estimator):
    """The estimator inside ``sklearn.frozen.FrozenEstimator`` (nested ones too)."""
    try:
        from sklearn.frozen import FrozenEstimator
    except ImportError:  # scikit-learn < 1.6 has no FrozenEstimator
        return estimator
    while isinstance(estimator, FrozenEstimator):
        estimator = estimator.estimator
    return estimator


def last_step(estimator):
    """The last step of a Pipeline (unwrapped), or None when ``estimator`` is no Pipeline."""
    estimator = unwrap_frozen(estimator)
    return unwrap_frozen(estimator.steps[-1][1]) if isinstance(estimator, Pipeline) else None


def final_step(estimator):
    """The last step of a Pipeline, of nested Pipelines too (unwrapped), else the estimator
    itself (unwrapped)."""
    estimator = unwrap_frozen(estimator)
    while (step := last_step(estimator)) is not None:
        estimator = step
    return estimator


def sample_weight_key(estimator):
    """The keyword under which ``estimator.fit`` takes sample weights, or None if it does not.

    A Pipeline weighs its final step, by name (``"<step>__sample_weight"``); a
    MultiOutputRegressor passes them to its estimator.
    """
    if isinstance(estimator, Pipeline):
        name, last = estimator.steps[-1]
        if last in (None, "passthrough") or not has_fit_parameter(last, "sample_weight"):
            return None
        return f"{name}__sample_weight"
    if isinstance(estimator, MultiOutputRegressor):
        estimator = estimator.estimator
    return "sample_weight" if has_fit_parameter(estimator, "sample_weight") else None

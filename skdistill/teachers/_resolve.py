"""``as_teacher``: pick the adapter for a teacher."""

from .._estimators import last_step, unwrap_frozen
from ._base import TeacherAdapter, check_response_method, check_task
from ._callable import CallableAdapter, CallableTeacher
from ._lightgbm import LightGBMTeacher
from ._pipeline import PipelineTeacher
from ._sklearn import SklearnTeacher, is_fitted_sklearn_style
from ._xgboost import XGBoostTeacher

_FAMILIES = {"lightgbm": LightGBMTeacher, "xgboost": XGBoostTeacher}


def library_of(obj):
    """ "lightgbm", "xgboost" or None, by the module of the class (nothing is imported)."""
    for cls in type(obj).__mro__:
        root = (cls.__module__ or "").split(".", 1)[0]
        if root in _FAMILIES:
            return root
    return None


def is_fitted_teacher(teacher):
    """Whether ``teacher`` can give outputs as it is (without building an adapter).

    Boosters, callables, FrozenEstimator and objects without scikit-learn's ``fit`` and
    ``get_params`` are fitted by definition; an estimator is fitted when ``check_is_fitted``
    says so.
    """
    if isinstance(teacher, TeacherAdapter):
        return teacher.is_fitted
    return is_fitted_sklearn_style(teacher)


def as_teacher(teacher, *, task="classification", response_method="auto"):
    """Wrap any teacher in the adapter that gives its exact logits or predictions.

    Parameters
    ----------
    teacher : estimator, Booster, callable or TeacherAdapter
        A LightGBM or XGBoost model (scikit-learn API or ``Booster``), a scikit-learn
        estimator or Pipeline, ``sklearn.frozen.FrozenEstimator``, any object with
        ``predict_proba``, ``decision_function`` or ``predict``, a :class:`CallableTeacher`, or
        a plain callable (then ``response_method`` must say what it returns). The object is
        kept unchanged as ``adapter.estimator``.
    task : {"classification", "regression"}, default="classification"
        What the outputs are for; a regressor given for classification (or the other way
        round) raises a ValueError.
    response_method : {"auto", "raw", "decision_function", "predict_proba", "predict"}, \
            default="auto"
        Which output of the teacher to use. "auto" takes exact logits where the library
        exposes them: LightGBM ``raw_score``, XGBoost ``output_margin``, the
        ``decision_function`` of LogisticRegression(CV), (Hist)GradientBoostingClassifier and
        SGDClassifier(loss="log_loss"); otherwise the log of ``predict_proba`` (clipped at
        1e-12); otherwise ``decision_function`` (margins, not calibrated logits); otherwise
        ``predict`` (hard labels, with a warning). "raw" (aliases "raw_score",
        "output_margin") forces the library margin; for regression it gives LightGBM/XGBoost
        margins instead of predictions. For regression "auto" means ``predict``.

    Returns
    -------
    adapter : TeacherAdapter
        ``adapter.outputs(X)`` gives logits of shape (n, n_classes) in the order of
        ``adapter.classes_`` (a binary margin ``m`` becomes ``[0, m]``), or predictions for
        regression.

    Examples
    --------
    >>> from lightgbm import LGBMClassifier
    >>> from sklearn.datasets import make_classification
    >>> from scipy.special import softmax
    >>> from skdistill.teachers import as_teacher
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> gbm = LGBMClassifier(n_estimators=20, verbose=-1).fit(X, y)
    >>> logits = as_teacher(gbm).outputs(X[:3])
    >>> bool(abs(softmax(logits, axis=1) - gbm.predict_proba(X[:3])).max() < 1e-12)
    True
    """
    check_task(task)
    response_method = check_response_method(response_method)
    if isinstance(teacher, TeacherAdapter):
        if teacher.task != task:
            raise ValueError(
                f"The teacher adapter is for {teacher.task}, but {task} was asked for; build "
                f"it with as_teacher(..., task={task!r})."
            )
        return teacher
    if isinstance(teacher, CallableTeacher):
        return CallableAdapter(teacher, task=task, response_method=response_method)
    model = unwrap_frozen(teacher)
    library = library_of(model)
    if library is not None:
        return _FAMILIES[library](teacher, task=task, response_method=response_method)
    final = last_step(model)
    if final is not None and library_of(final) is not None:
        return PipelineTeacher(
            teacher,
            task=task,
            response_method=response_method,
            final_adapter=_FAMILIES[library_of(final)],
        )
    if any(hasattr(model, m) for m in ("predict_proba", "decision_function", "predict")):
        return SklearnTeacher(teacher, task=task, response_method=response_method)
    if callable(teacher):
        return CallableAdapter(teacher, task=task, response_method=response_method)
    raise TypeError(
        f"The teacher {type(teacher).__name__} has none of the methods predict_proba, "
        "decision_function or predict and is not callable, so skdistill cannot get its "
        "outputs. Pass a fitted model with one of those methods, or wrap a function in "
        "skdistill.teachers.CallableTeacher(func, response_method=...)."
    )

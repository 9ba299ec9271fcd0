"""Teacher adapters: exact logits or predictions from any fitted model.

:func:`as_teacher` wraps a teacher (LightGBM, XGBoost, scikit-learn, a Pipeline, any object
with ``predict_proba`` / ``decision_function`` / ``predict``, or a callable) in a
:class:`TeacherAdapter` whose ``outputs(X)`` the distillers label the transfer set with.
"""

from ._base import TeacherAdapter, TeacherOutputError
from ._callable import CallableTeacher
from ._lightgbm import LightGBMTeacher
from ._pipeline import PipelineTeacher
from ._resolve import as_teacher
from ._sklearn import SklearnTeacher
from ._xgboost import XGBoostTeacher

__all__ = [
    "CallableTeacher",
    "LightGBMTeacher",
    "PipelineTeacher",
    "SklearnTeacher",
    "TeacherAdapter",
    "TeacherOutputError",
    "XGBoostTeacher",
    "as_teacher",
]

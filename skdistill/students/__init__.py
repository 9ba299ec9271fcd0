"""Students: small, fast models that learn from a teacher's soft targets.

Every student takes the same raw table as the teacher (categorical columns and missing values
are encoded inside it), fits stand-alone on labels or on a matrix of class probabilities, and
follows the distillers' protocol ``fit_soft(X, SoftTargets, sample_weight)``. Any other
scikit-learn estimator becomes a student through :func:`as_student`.
"""

from ._adapters import HardLabelStudent, LogitRegressorStudent, ValueRegressorStudent, as_student
from ._dask_gbm import DaskSoftGBMClassifier, DaskSoftGBMRegressor
from ._gbm import SoftGBMClassifier, SoftGBMRegressor
from ._linear import SoftLogisticRegression
from ._mlp import SoftMLPClassifier, SoftMLPRegressor
from ._tree import SoftTreeClassifier, SoftTreeRegressor

__all__ = [
    "DaskSoftGBMClassifier",
    "DaskSoftGBMRegressor",
    "HardLabelStudent",
    "LogitRegressorStudent",
    "SoftGBMClassifier",
    "SoftGBMRegressor",
    "SoftLogisticRegression",
    "SoftMLPClassifier",
    "SoftMLPRegressor",
    "SoftTreeClassifier",
    "SoftTreeRegressor",
    "ValueRegressorStudent",
    "as_student",
]

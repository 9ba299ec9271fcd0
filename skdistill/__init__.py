"""skdistill: distil fitted tabular models into small, fast scikit-learn students.

The distillers wrap an already-fitted teacher, generate pseudo-data around the training rows,
label it with the teacher's soft outputs at a temperature and train a small student on it.
"""

from ._distill import DistilledClassifier, DistilledRegressor
from ._targets import SoftTargets
from ._transfer import TransferSet

__version__ = "0.1.0"
__all__ = ["DistilledClassifier", "DistilledRegressor", "SoftTargets", "TransferSet", "__version__"]

"""Students and a mixed-type table shared by the deploy, ONNX and validation tests."""

import numpy as np
import pandas as pd

from skdistill.students import (
    SoftGBMClassifier,
    SoftGBMRegressor,
    SoftLogisticRegression,
    SoftMLPClassifier,
    SoftMLPRegressor,
    SoftTreeClassifier,
    SoftTreeRegressor,
)

# The students every export path (numpy predictor, ONNX) supports, in their distinct modes.
EXPORTABLE_CLASSIFIERS = [
    lambda: SoftMLPClassifier((16, 8), max_iter=10, random_state=0),
    lambda: SoftMLPClassifier((8,), activation="tanh", max_iter=10, random_state=0),
    lambda: SoftMLPClassifier((8,), input_bins=4, max_iter=10, random_state=0),
    lambda: SoftLogisticRegression(),
    lambda: SoftTreeClassifier(max_depth=5, random_state=0),
    lambda: SoftTreeClassifier(max_depth=5, target="logits", random_state=0),
    lambda: SoftGBMClassifier(n_estimators=10, min_child_samples=5, n_jobs=1, random_state=0),
]
EXPORTABLE_REGRESSORS = [
    lambda: SoftMLPRegressor((8,), max_iter=10, random_state=0),
    lambda: SoftMLPRegressor((8,), input_bins=4, max_iter=10, random_state=0),
    lambda: SoftTreeRegressor(max_depth=5, random_state=0),
    lambda: SoftGBMRegressor(n_estimators=10, min_child_samples=5, n_jobs=1, random_state=0),
]


def mixed_table(n, *, nan_column="b"):
    """Numbers, a column with NaN (named ``nan_column``), a category column ``c`` and a string
    column ``d`` with missing values; rows drawn with seed 0."""
    rng = np.random.RandomState(0)
    return pd.DataFrame(
        {
            "a": rng.normal(size=n),
            nan_column: np.where(rng.rand(n) < 0.2, np.nan, rng.normal(size=n)),
            "c": pd.Categorical(rng.choice(["x", "y", "z"], n)),
            "d": np.where(rng.rand(n) < 0.2, None, rng.choice(["p", "q"], n)).astype(object),
            "e": rng.randint(0, 5, n),
        }
    )

"""Encoding inside the students, so they take the same raw table as the teacher.

Categorical columns (pandas category / object / string) and missing values are handled here, as
suits each kind of model: dense models (MLP, linear) get mean imputation with a missing
indicator, standard scaling and one-hot categories; trees get ordinal categories and keep NaN
(scikit-learn trees route missing values); GBMs get ordinal categories marked as categorical
with NaN kept for LightGBM's native handling.
"""

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler


def categorical_columns(X):
    """Names of the non-numeric columns of a DataFrame; ``[]`` for arrays."""
    if not hasattr(X, "dtypes"):
        return []
    import pandas as pd

    return [
        col
        for col, dtype in X.dtypes.items()
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype))
    ]


def make_student_preprocessor(X, kind):
    """An unfitted transformer for ``X`` and a student of ``kind``.

    Parameters
    ----------
    X : array-like or DataFrame
        The training table, used only to find its categorical columns.
    kind : {"dense", "tree", "gbm"}

    Returns
    -------
    transformer : ColumnTransformer
        Outputs a dense float matrix; numeric columns first, then categorical ones.
    n_numeric_outputs : int or None
        For ``kind="gbm"``/``"tree"``: the categorical columns are the outputs from this index
        on. None for ``"dense"``.
    """
    categorical = categorical_columns(X)
    if hasattr(X, "columns"):
        numeric = [col for col in X.columns if col not in set(categorical)]
    else:
        numeric = list(range(np.shape(X)[1]))
    if kind == "dense":
        numeric_steps = make_pipeline(
            # Mean, not median: the median imputer takes seconds on a 500k-row transfer set,
            # and the missing indicator carries what the imputed value hides.
            SimpleImputer(strategy="mean", add_indicator=True, keep_empty_features=True),
            StandardScaler(),
        )
        # Missing categories become a category of their own in OneHotEncoder.
        categorical_steps = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    elif kind in ("tree", "gbm"):
        numeric_steps = "passthrough"
        categorical_steps = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=np.nan,
            encoded_missing_value=np.nan,
        )
    else:
        raise ValueError(f"kind must be 'dense', 'tree' or 'gbm', got {kind!r}.")
    transformer = ColumnTransformer(
        [("numeric", numeric_steps, numeric), ("categorical", categorical_steps, categorical)],
        sparse_threshold=0.0,
        verbose_feature_names_out=False,
    )
    return transformer, (None if kind == "dense" else len(numeric))

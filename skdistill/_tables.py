"""Row operations that work the same on numpy arrays and pandas DataFrames.

The distillers keep X in the container the user gave (a DataFrame keeps its categorical and
string columns, which LightGBM teachers and our students need), so slicing, stacking and
validity checks go through these helpers.
"""

import numpy as np

# Rows per block wherever a table is processed in pieces (pseudo rows drawn, rows labeled, a
# student's forward pass): bounds memory on large inputs. Pseudo rows are drawn in blocks of
# this size whatever the batch size, so the same random_state gives the same rows.
CHUNK_ROWS = 65_536


def is_dataframe(X):
    return hasattr(X, "iloc") and hasattr(X, "dtypes")


def take_rows(X, start, stop):
    return X.iloc[start:stop] if is_dataframe(X) else X[start:stop]


def rows_at(X, indices):
    return X.iloc[indices] if is_dataframe(X) else X[indices]


def concat_rows(parts):
    """Stack row blocks of one kind (all arrays or all DataFrames with the same columns)."""
    if is_dataframe(parts[0]):
        import pandas as pd

        return pd.concat(parts, axis=0, ignore_index=True)
    return np.concatenate(parts, axis=0)


def numeric_values(X):
    """The numeric columns of X as one float array (categorical columns are left out)."""
    if not is_dataframe(X):
        return np.asarray(X, dtype=np.float64)
    import pandas as pd

    numeric = [c for c, d in X.dtypes.items() if pd.api.types.is_numeric_dtype(d)]
    return X[numeric].to_numpy(dtype=np.float64, na_value=np.nan)


def check_finite_table(X, *, allow_nan, nan_hint):
    """Raise a ValueError naming the problem when X holds infinity, or NaN where not allowed."""
    values = numeric_values(X)
    if np.isinf(values).any():
        raise ValueError(
            "X contains infinity. Replace infinite values (for example with NaN, if the teacher "
            "and the student handle missing values, or with a large finite number)."
        )
    if not allow_nan and np.isnan(values).any():
        raise ValueError(f"X contains NaN. {nan_hint}")

"""Row operations that work the same on numpy arrays and pandas DataFrames.

The distillers keep X in the container the user gave (a DataFrame keeps its categorical and
string columns, which LightGBM teachers and our students need), so slicing, stacking and
validity checks go through these helpers.
"""

import numpy as np

from ._validation import is_dataframe

# Rows per block wherever a table is processed in pieces (pseudo rows drawn, rows labeled, a
# student's forward pass): bounds memory on large inputs. Pseudo rows are drawn in blocks of
# this size whatever the batch size, so the same random_state gives the same rows.
CHUNK_ROWS = 65_536


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

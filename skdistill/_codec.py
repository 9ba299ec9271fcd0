"""Rows of a table as float32 numbers and back, for chunked transfer sets.

A chunked store keeps every row as float32 numbers. :class:`RowCodec` is fitted on the real
rows: numeric (and boolean) columns are stored as they are, categorical columns (pandas
``category``, ``string``, ``object``) as the code of their value among the categories seen in
the real rows (NaN for a missing value, or a value the real rows never had: the samplers draw
only categories they have seen). Reading a chunk back gives the table's columns again, the
categorical ones as pandas ``Categorical`` over those categories, which the students encode
like the original column.
"""

import numpy as np

from ._validation import is_dataframe, numeric_columns

_DTYPE = np.float32


class RowCodec:
    """Encodes rows like ``X`` as a float32 array, and decodes such an array.

    Parameters
    ----------
    X : ndarray or DataFrame
        The real rows: their columns, and the categories of the categorical columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from skdistill._codec import RowCodec
    >>> X = pd.DataFrame({"x": [1.5, 2.0], "c": ["b", "a"]})
    >>> codec = RowCodec(X)
    >>> codec.encode(X)
    array([[1.5, 1. ],
           [2. , 0. ]], dtype=float32)
    >>> codec.decode(codec.encode(X))["c"].tolist()
    ['b', 'a']
    """

    def __init__(self, X):
        self.columns = list(X.columns) if is_dataframe(X) else None
        self.categories = {}
        if self.columns is None:
            return
        import pandas as pd

        numeric = set(numeric_columns(X))
        for j, name in enumerate(self.columns):
            if j in numeric:
                continue
            column = X[name]
            if isinstance(column.dtype, pd.CategoricalDtype):
                categories = column.dtype.categories
            else:
                values = column.to_numpy(dtype=object)
                seen = pd.unique(values[~pd.isna(values)])
                try:
                    seen = sorted(seen)
                except TypeError:  # mixed types cannot be sorted
                    pass
                categories = pd.Index(seen, dtype=object)
            self.categories[j] = categories

    def encode(self, rows):
        """``rows`` (X's container and columns) as a float32 array."""
        if self.columns is None:
            return np.asarray(rows, dtype=_DTYPE)
        out = np.empty(rows.shape, dtype=_DTYPE)
        for j in range(rows.shape[1]):
            column = rows.iloc[:, j]
            if j not in self.categories:
                out[:, j] = column.to_numpy(dtype=np.float64, na_value=np.nan)
                continue
            codes = self._codes(column, self.categories[j])
            out[:, j] = np.where(codes >= 0, codes, np.nan)
        return out

    @staticmethod
    def _codes(column, categories):
        import pandas as pd

        if isinstance(column.dtype, pd.CategoricalDtype) and column.dtype.categories.equals(
            categories
        ):
            return column.cat.codes.to_numpy()
        return categories.get_indexer(column.to_numpy(dtype=object))

    def decode(self, values):
        """A float32 array of encoded rows as X's container: an array, or a DataFrame whose
        categorical columns are ``Categorical`` over the categories seen."""
        if self.columns is None:
            return values
        import pandas as pd

        values = np.asarray(values)
        if not self.categories:
            if not all(isinstance(c, str) for c in self.columns):
                return values  # no feature names to keep, as for an array
            return pd.DataFrame(values, columns=self.columns, copy=False)
        data = {}
        for j, name in enumerate(self.columns):
            if j not in self.categories:
                data[name] = values[:, j]
                continue
            codes = values[:, j]
            codes = np.where(np.isnan(codes), -1, codes).astype(np.int64)
            data[name] = pd.Categorical.from_codes(codes, categories=self.categories[j])
        return pd.DataFrame(data, columns=self.columns)

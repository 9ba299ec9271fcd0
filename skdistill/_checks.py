"""Checks the distillers run before the costly work (labeling, training), and their errors.

Each function checks one thing and raises an error that says what is wrong and how to fix it;
the fit path calls them before it asks the teacher for a single output.
"""

from ._tables import is_dataframe

_SHOWN_NAMES = 12


def _names_hint(names):
    if len(names) <= _SHOWN_NAMES:
        return repr(list(names))
    return "the teacher's feature names (e.g. list(teacher.feature_names_in_))"


def check_columns_match_teacher(X, adapter):
    """Raise a ValueError when a DataFrame's columns are not the teacher's, in its order.

    LightGBM reads columns by position, so reordered columns would give silently wrong
    outputs; every adapter that knows its teacher's fitted feature names is checked the same
    way. Arrays and DataFrames without string column names carry no names to check.
    """
    expected = adapter.feature_names_in_
    if expected is None or not is_dataframe(X):
        return
    columns = list(X.columns)
    if not all(isinstance(c, str) for c in columns):
        return
    expected = [str(name) for name in expected]
    given = [adapter.feature_name_of(c) for c in columns]
    if given == expected:
        return
    first = next(
        (i for i, (g, e) in enumerate(zip(given, expected, strict=False)) if g != e),
        min(len(given), len(expected)),
    )
    where = (
        f"column {first} of X is {columns[first]!r} where the teacher was fitted with "
        f"{expected[first]!r}"
        if first < min(len(given), len(expected))
        else f"X has {len(given)} columns and the teacher {len(expected)}"
    )
    if sorted(given) == sorted(expected):
        by_name = dict(zip(given, columns, strict=True))
        order = [by_name[name] for name in expected]
        raise ValueError(
            f"X has the teacher's feature names in another order: {where}. The teacher reads "
            "columns by position, so its outputs would be computed from the wrong features. "
            f"Reorder them as the teacher was fitted: X = X[{_names_hint(order)}]."
        )
    missing = [e for e in expected if e not in given]
    extra = [c for c, g in zip(columns, given, strict=True) if g not in expected]
    raise ValueError(
        f"X's feature names are not the teacher's: {where}"
        + (f"; missing {missing[:5]}" if missing else "")
        + (f"; not known to the teacher {extra[:5]}" if extra else "")
        + ". Give the distiller exactly the columns the teacher was fitted with, in the same "
        f"order: X = X[{_names_hint(expected)}]."
    )

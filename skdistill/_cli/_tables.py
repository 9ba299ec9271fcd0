"""Reading and writing tables (CSV or Parquet) for the commands."""

from pathlib import Path

from ._errors import UserError, first_line

_CSV = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz")
_PARQUET = (".parquet", ".pq")


def _pandas():
    try:
        import pandas
    except ImportError:
        raise UserError(
            "reading tables needs pandas; install it with: pip install 'skdistill[cli]'"
        ) from None
    return pandas


def _kind(path):
    name = Path(path).name.lower()
    if name.endswith(_CSV):
        return "csv"
    if name.endswith(_PARQUET):
        return "parquet"
    raise UserError(
        f"{path}: unknown table format; give a .csv (optionally .gz) or a .parquet file"
    )


def _check_parquet_engine(path):
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise UserError(
            f"{path}: Parquet needs pyarrow; install it with: pip install 'skdistill[cli]'"
        ) from None


def read_table(path):
    """The table at ``path`` as a DataFrame; text columns become ``category``.

    LightGBM and XGBoost read text columns only as pandas categories, and the students encode
    categories themselves, so every non-numeric column is made one.
    """
    pd = _pandas()
    kind = _kind(path)
    if not Path(path).is_file():
        raise UserError(f"{path}: no such file")
    try:
        if kind == "csv":
            table = pd.read_csv(path)
        else:
            _check_parquet_engine(path)
            table = pd.read_parquet(path)
    except UserError:
        raise
    except Exception as exc:  # a parser's message names what is wrong with the file
        raise UserError(f"{path}: cannot be read as {kind.upper()} ({first_line(exc)})") from None
    if table.shape[1] == 0 or len(table) == 0:
        raise UserError(
            f"{path}: the table is empty ({table.shape[0]} rows, {table.shape[1]} columns)"
        )
    table.columns = [str(c) for c in table.columns]
    for name in table.columns:
        if not pd.api.types.is_numeric_dtype(table[name]) and not isinstance(
            table[name].dtype, pd.CategoricalDtype
        ):
            table[name] = table[name].astype("category")
    return table


def write_table(table, path):
    """Write a DataFrame to ``path`` as CSV or Parquet, by its extension."""
    kind = _kind(path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        table.to_csv(path, index=False)
    else:
        _check_parquet_engine(path)
        table.to_parquet(path, index=False)


def split_target(table, target, path):
    """(features, target column or None) of a table, with a clear error for an absent target."""
    if target is None:
        return table, None
    if target not in table.columns:
        raise UserError(
            f"{path}: no target column {target!r}; the columns are {column_list(table.columns)}"
        )
    y = table[target]
    if y.isna().any():
        raise UserError(
            f"{path}: the target column {target!r} has {int(y.isna().sum())} missing values; "
            "drop those rows first"
        )
    return table.drop(columns=[target]), y.to_numpy()


def column_list(columns, limit=12):
    names = [str(c) for c in columns]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more

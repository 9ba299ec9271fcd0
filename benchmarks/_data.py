"""The benchmark data sets: where they are, how they are split, how they are typed.

Files are ``<name>.csv.gz`` in the data directory (``--data-dir``, else ``$SKDISTILL_DATA``,
else ``../shared/datasets`` beside the repository root); the target is the last column.

Splits are fixed: they depend on the data set only, never on the benchmark seed (the seed
varies the models: teacher, sampler, student). Class labels are encoded to ``0..k-1`` in sorted
order of the original labels, so every teacher library (XGBoost needs codes) and every
student sees the same labels.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

# The seed of every shuffled split. Fixed on purpose: --seeds varies the models, not the data.
SPLIT_SEED = 0


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    task: str  # "classification" or "regression"
    split: str  # "shuffle" (shuffled, test_fraction) or "ordered" (first n_train rows)
    test_fraction: float = 0.3
    n_train: int | None = None  # "ordered": size of the official train part
    default_max_train: int | None = None  # train rows used by default (None: all)
    default_max_test: int | None = None
    categorical: tuple = ()
    note: str = ""


DATASETS = {
    "covtype": DatasetSpec(
        "covtype",
        "classification",
        "shuffle",
        default_max_train=50_000,
        default_max_test=50_000,
        note="581,012 rows shuffled with seed 0; train = the first 50,000 shuffled rows, "
        "test = the next 50,000 (the file's order is spatial, so it is never used unshuffled).",
    ),
    "adult": DatasetSpec(
        "adult",
        "classification",
        "ordered",
        n_train=32_561,
        categorical=(
            "workclass",
            "education",
            "marital-status",
            "occupation",
            "relationship",
            "race",
            "sex",
            "native-country",
        ),
        note="official UCI split: adult.data (32,561 rows) / adult.test (16,281 rows); the 8 "
        "string columns are pandas 'category' (categories from the whole file), missing "
        "values kept.",
    ),
    "california_housing": DatasetSpec(
        "california_housing",
        "regression",
        "shuffle",
        note="shuffled 70/30 split, seed 0; target in units of 100,000 USD.",
    ),
    "magic_gamma": DatasetSpec(
        "magic_gamma",
        "classification",
        "shuffle",
        note="shuffled stratified 70/30 split, seed 0.",
    ),
    "higgs_lightgbm_7500": DatasetSpec(
        "higgs_lightgbm_7500",
        "classification",
        "shuffle",
        note="shuffled stratified 70/30 split, seed 0 (LightGBM's own test part has only 500 "
        "rows, too few to tell students apart).",
    ),
    "letter": DatasetSpec(
        "letter",
        "classification",
        "ordered",
        n_train=16_000,
        note="conventional split: first 16,000 rows train, last 4,000 test.",
    ),
    "electricity": DatasetSpec(
        "electricity",
        "classification",
        "shuffle",
        note="shuffled stratified 70/30 split, seed 0. The rows are a time series and a "
        "shuffled split leaks time (as in most published results on this table); `day` is "
        "kept as the integer 1..7.",
    ),
}


def data_dir(explicit=None):
    """The directory holding the ``.csv.gz`` files."""
    if explicit:
        return Path(explicit)
    if os.environ.get("SKDISTILL_DATA"):
        return Path(os.environ["SKDISTILL_DATA"])
    return ROOT.parent / "shared" / "datasets"


@dataclass
class Split:
    spec: DatasetSpec
    X_train: object  # ndarray, or DataFrame when the table has categorical columns
    y_train: np.ndarray
    X_test: object
    y_test: np.ndarray
    class_names: list | None  # original labels of codes 0..k-1 (classification)
    n_rows_total: int

    @property
    def n_features(self):
        return self.X_train.shape[1]

    @property
    def n_classes(self):
        return None if self.class_names is None else len(self.class_names)


def _rows(X, idx):
    return X.iloc[idx].reset_index(drop=True) if hasattr(X, "iloc") else X[idx]


def load_split(name, *, directory=None, max_train=None, max_test=None):
    """Load data set ``name`` with its fixed split, capped at ``max_train``/``max_test`` rows.

    A cap keeps the first rows of each (already shuffled, or official) part, so a smaller run
    uses a subset of a larger one's rows.
    """
    import pandas as pd

    spec = DATASETS[name]
    path = data_dir(directory) / f"{name}.csv.gz"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found. Point --data-dir (or $SKDISTILL_DATA) at the directory holding "
            f"{name}.csv.gz."
        )
    df = pd.read_csv(path)
    y_raw = df.pop("target").to_numpy()
    if spec.categorical:
        for col in spec.categorical:
            df[col] = df[col].astype("category")
        X = df.reset_index(drop=True)
    else:
        X = df.to_numpy(dtype=np.float64)

    class_names = None
    if spec.task == "classification":
        y_raw = np.asarray(y_raw)
        if not np.issubdtype(y_raw.dtype, np.integer):
            y_raw = y_raw.astype(str)
        class_names, y = np.unique(y_raw, return_inverse=True)
        class_names = [str(c) for c in class_names]
        y = y.astype(np.int64)
    else:
        y = np.asarray(y_raw, dtype=np.float64)

    n = len(y)
    if spec.split == "ordered":
        train_idx, test_idx = np.arange(spec.n_train), np.arange(spec.n_train, n)
    else:
        from sklearn.model_selection import train_test_split

        stratify = y if spec.task == "classification" else None
        if spec.default_max_train is not None:
            # covtype: one permutation; train and test are consecutive blocks of it (a larger
            # --max-train moves the boundary, so train and test never share a row).
            perm = np.random.RandomState(SPLIT_SEED).permutation(n)
            k = max(spec.default_max_train, max_train or 0)
            train_idx, test_idx = perm[:k], perm[k:]
        else:
            train_idx, test_idx = train_test_split(
                np.arange(n),
                test_size=spec.test_fraction,
                random_state=SPLIT_SEED,
                stratify=stratify,
            )
    max_train = spec.default_max_train if max_train is None else max_train
    max_test = spec.default_max_test if max_test is None else max_test
    if max_train is not None:
        train_idx = train_idx[:max_train]
    if max_test is not None:
        test_idx = test_idx[:max_test]
    return Split(
        spec=spec,
        X_train=_rows(X, train_idx),
        y_train=y[train_idx],
        X_test=_rows(X, test_idx),
        y_test=y[test_idx],
        class_names=class_names,
        n_rows_total=n,
    )

"""Running the installed ``skdistill`` command, and small real model and table files for it."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np


def command():
    """The installed console script next to this Python, else the one on PATH."""
    local = Path(sys.executable).parent / "skdistill"
    found = str(local) if local.exists() else shutil.which("skdistill")
    assert found, "the skdistill command is not installed: pip install -e '.[test]'"
    return found


def run(*args, cwd=None, timeout=600):
    """Run ``skdistill ARGS``; return the CompletedProcess (text output)."""
    return subprocess.run(
        [command(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
    )


def assert_one_line_error(result, *fragments):
    """A user error: non-zero exit, one line on stderr naming what is wrong, no traceback."""
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def make_table(n=300, seed=0):
    """A small binary classification table: 4 named numeric features, labels "no"/"yes"."""
    import pandas as pd
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=n, n_features=4, n_informative=3, n_redundant=0,
                               random_state=seed)  # fmt: skip
    table = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    table["label"] = np.where(y == 1, "yes", "no")
    return table


def write_models(folder, table):
    """Teachers in every format the command reads, all trained on ``table``; returns paths."""
    import joblib
    import lightgbm
    import skops.io as sio
    import xgboost
    from lightgbm import LGBMClassifier

    X, codes = table[["a", "b", "c", "d"]], (table["label"] == "yes").astype(int)
    paths = {}
    booster = lightgbm.train(
        {"objective": "binary", "num_leaves": 7, "verbose": -1, "num_threads": 1},
        lightgbm.Dataset(X, label=codes),
        num_boost_round=20,
    )
    paths["lightgbm"] = folder / "teacher.txt"
    booster.save_model(str(paths["lightgbm"]))
    xgb = xgboost.train(
        {"objective": "binary:logistic", "max_depth": 3, "nthread": 1},
        xgboost.DMatrix(X, label=codes),
        num_boost_round=20,
    )
    for suffix in ("json", "ubj"):
        paths[f"xgboost-{suffix}"] = folder / f"teacher.{suffix}"
        xgb.save_model(str(paths[f"xgboost-{suffix}"]))
    sklearn_api = LGBMClassifier(n_estimators=20, num_leaves=7, verbose=-1).fit(X, table["label"])
    paths["skops"] = folder / "teacher.skops"
    sio.dump(sklearn_api, paths["skops"])
    paths["joblib"] = folder / "teacher.joblib"
    joblib.dump(sklearn_api, paths["joblib"])
    return paths

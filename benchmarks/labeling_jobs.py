"""Labeling time with ``n_jobs`` for a multi-threaded LightGBM teacher (issue 12, item 11).

A LightGBM teacher (300 trees x 63 leaves, all cores, fitted on the first ``--train-rows``)
labels 60,000 covtype rows. Forcing
``n_jobs=2`` through joblib (what ``DistilledClassifier(n_jobs=2)`` did before) is compared with
one job and with what the distiller now picks (``labeling_jobs``: one job for a teacher that
already uses several threads). Best and median of ``--repeats`` runs.

    python -m benchmarks.labeling_jobs [--rows 60000] [--repeats 5]
"""

import argparse
import statistics
import time

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier

from skdistill._labeling import label_rows, labeling_jobs
from skdistill.teachers import as_teacher

from ._data import ROOT


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--train-rows", type=int, default=20_000)
    args = parser.parse_args()
    df = pd.read_csv(ROOT.parent / "shared" / "datasets" / "covtype.csv.gz", nrows=args.rows)
    X = df.drop(columns="target").to_numpy(np.float64)
    y = df["target"].to_numpy()
    teacher = LGBMClassifier(n_estimators=300, num_leaves=63, verbose=-1, random_state=0)
    adapter = as_teacher(teacher.fit(X[: args.train_rows], y[: args.train_rows]))
    chosen = labeling_jobs(adapter, 2)
    print(f"{len(X):,} rows, {len(adapter.classes_)} classes; n_jobs=2 now runs as {chosen}")
    for label, n_jobs in (
        ("n_jobs=1", 1),
        ("n_jobs=2 forced (before)", 2),
        ("n_jobs=2 (now)", chosen),
    ):
        times = []
        for _ in range(args.repeats):
            tic = time.perf_counter()
            label_rows(adapter, X, batch_size=10_000, n_jobs=n_jobs)
            times.append(time.perf_counter() - tic)
        print(f"{label:>26}: best {min(times):.2f}s, median {statistics.median(times):.2f}s")


if __name__ == "__main__":
    main()

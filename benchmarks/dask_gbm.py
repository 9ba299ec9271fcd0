"""GBM students on a Dask cluster against the same students in one process.

For each data set: a LightGBM teacher (the benchmarks' own, early-stopped), one chunked
transfer set (Smear, 20 pseudo rows per row, ``alpha=0.3`` as the GBM students' default),
then on exactly those rows

- ``SoftGBMClassifier`` trained in this process on the transfer set loaded whole, and
- ``DaskSoftGBMClassifier.fit_chunks`` on ``LocalCluster(n_workers=2, threads_per_worker=1)``
  (binary: ``cross_entropy``; multiclass: LightGBM's ``multiclass`` objective on each row
  copied once per class it has a share of, see ``skdistill/students/_dask_gbm.py``).

Reported: test accuracy, agreement with the teacher on the test rows, training wall time
(one run each, on a shared 2-core machine: indicative only), and for multiclass the copies per
row that went to the workers.

Usage::

    python -m benchmarks.dask_gbm                     # covtype (7 classes) and electricity
    python -m benchmarks.dask_gbm --datasets covtype --max-train 20000

Results go to ``benchmarks/results/dask_gbm.json``; ``docs/scaling.md`` reports them.
"""

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np

from ._data import load_split
from ._models import fit_teacher

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "dask_gbm.json"
SEED = 0
STUDENT = {"n_estimators": 100, "num_leaves": 31, "random_state": SEED}


def _scores(model, teacher, split):
    predicted = model.predict(split.X_test)
    return {
        "accuracy": float(np.mean(predicted == split.y_test)),
        "agreement": float(np.mean(predicted == teacher.predict(split.X_test))),
    }


def run(name, max_train, n_samples):
    from distributed import Client, LocalCluster

    from skdistill import TransferSet
    from skdistill.samplers import Smear
    from skdistill.students import DaskSoftGBMClassifier, SoftGBMClassifier
    from skdistill.students._dask_gbm import _class_copies
    from skdistill.students._loss import blended_proba

    split = load_split(name, max_train=max_train)
    teacher, info = fit_teacher("lightgbm", split, SEED, max_trees=2_100)
    transfer = TransferSet.build(
        teacher,
        split.X_train,
        split.y_train,
        sampler=Smear(),
        n_samples=n_samples,
        store="memory",
        random_state=SEED,
    )
    chunks = transfer.training_chunks(alpha=0.3)
    row = {
        "dataset": name,
        "train_rows": len(split.y_train),
        "transfer_rows": chunks.n_rows,
        "chunks": len(chunks),
        "classes": split.n_classes,
        "teacher_trees": info.get("n_trees"),
        "teacher_accuracy": float(np.mean(teacher.predict(split.X_test) == split.y_test)),
        "student": STUDENT,
    }

    tic = time.perf_counter()  # loading is part of it: the cluster's time includes sending
    rows, targets, weights = chunks.materialize()
    loaded = time.perf_counter() - tic
    if split.n_classes > 2:
        row["copies_per_row"] = len(_class_copies(blended_proba(targets), None)[0]) / len(rows)
    tic = time.perf_counter() - loaded
    in_process = SoftGBMClassifier(n_jobs=-1, **STUDENT).fit_soft(
        rows, targets, sample_weight=weights
    )
    seconds = time.perf_counter() - tic
    row["in_process"] = {"seconds": seconds, **_scores(in_process, teacher, split)}
    del rows, targets, weights

    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster):
        tic = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # never the in-process fallback
            on_cluster = DaskSoftGBMClassifier(**STUDENT).fit_chunks(chunks)
        seconds = time.perf_counter() - tic
    booster = on_cluster.booster_
    row["cluster"] = {
        "seconds": seconds,
        "machines": "[num_machines: 2]" in booster.model_to_string(),
        **_scores(on_cluster, teacher, split),
    }
    print(json.dumps(row, indent=1), flush=True)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["covtype", "electricity"])
    parser.add_argument("--max-train", type=int, default=None, help="cap on training rows")
    parser.add_argument("--n-samples", type=float, default=20.0, help="pseudo rows per row")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    rows = [run(name, args.max_train, args.n_samples) for name in args.datasets]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""The MLP student on covtype against the two baselines users try first.

With a strong, early-stopped LightGBM teacher on the shuffled 50,000-row covtype train split
(test: the next 50,000 rows), this measures in one run:

- ``direct``: ``SoftMLPClassifier`` 2x64 trained on the true labels;
- ``logits on train rows``: scikit-learn's ``MLPRegressor`` 2x64 fit to the teacher's logits on
  the training rows only (logit matching without pseudo-data, Ba & Caruana 2014);
- ``skdistill defaults``: ``DistilledClassifier(teacher)``, i.e. the same 2x64 MLP on the train
  rows plus 20x Smear pseudo rows labelled by the teacher.

    python -m benchmarks.covtype_mlp [--max-train 50000] [--n-samples 20]

Results go to ``benchmarks/results/covtype_mlp.json``.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor

from skdistill import DistilledClassifier
from skdistill.students import SoftMLPClassifier

from ._data import ROOT, load_split
from ._models import fit_lightgbm

SEED = 0


def _timed(label, fit):
    tic = time.perf_counter()
    model = fit()
    seconds = time.perf_counter() - tic
    print(f"[covtype] {label}: fitted in {seconds:.0f}s", flush=True)
    return model, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-train", type=int, default=50_000)
    parser.add_argument("--max-test", type=int, default=50_000)
    parser.add_argument("--n-samples", type=float, default=20.0)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "covtype_mlp.json"))
    args = parser.parse_args(argv)

    split = load_split("covtype", max_train=args.max_train, max_test=args.max_test)
    X, y, X_test, y_test = split.X_train, split.y_train, split.X_test, split.y_test
    X_fit, X_val, y_fit, y_val = train_test_split(
        X, y, test_size=0.1, stratify=y, random_state=SEED
    )
    teacher, teacher_seconds = _timed(
        "teacher",
        lambda: fit_lightgbm(
            X_fit, y_fit, X_val, y_val, classification=True, n_estimators=5000, seed=SEED
        ),
    )
    results = {
        "teacher": {
            "accuracy": teacher.score(X_test, y_test),
            "n_trees_per_class": int(teacher.best_iteration_),
            "fit_seconds": teacher_seconds,
        }
    }

    direct, seconds = _timed("direct MLP", lambda: SoftMLPClassifier(random_state=SEED).fit(X, y))
    results["direct"] = {"accuracy": direct.score(X_test, y_test), "fit_seconds": seconds}

    logits = teacher.predict(X, raw_score=True)
    regressor, seconds = _timed(
        "MLPRegressor on train logits",
        lambda: MLPRegressor(
            hidden_layer_sizes=(64, 64), early_stopping=True, random_state=SEED, max_iter=200
        ).fit(split_scaled(X, X), logits),
    )
    predicted = teacher.classes_[np.argmax(regressor.predict(split_scaled(X, X_test)), axis=1)]
    results["logits_on_train_rows"] = {
        "accuracy": float(np.mean(predicted == y_test)),
        "fit_seconds": seconds,
    }

    distilled, seconds = _timed(
        f"skdistill defaults (n_samples={args.n_samples:g})",
        lambda: DistilledClassifier(
            teacher, n_samples=args.n_samples, random_state=SEED, verbose=1
        ).fit(X, y),
    )
    results["skdistill_defaults"] = {
        "accuracy": distilled.score(X_test, y_test),
        "fidelity": float(np.mean(distilled.predict(X_test) == teacher.predict(X_test))),
        "fit_seconds": seconds,
        "fit_times": distilled.fit_times_,
        "n_transfer_samples": distilled.n_transfer_samples_,
    }
    teacher_acc, direct_acc = results["teacher"]["accuracy"], results["direct"]["accuracy"]
    for key in ("logits_on_train_rows", "skdistill_defaults"):
        gained = results[key]["accuracy"] - direct_acc
        results[key]["gap_closed"] = gained / (teacher_acc - direct_acc)
    results["command"] = "python -m benchmarks.covtype_mlp " + " ".join(argv or [])
    Path(args.out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    for key, value in results.items():
        print(f"[covtype] {key}: {value}", flush=True)


def split_scaled(X_reference, X):
    """Standardise X like scikit-learn users do before an MLPRegressor (by the train rows)."""
    mean, std = X_reference.mean(axis=0), X_reference.std(axis=0)
    return (X - mean) / np.where(std > 0, std, 1.0)


if __name__ == "__main__":
    main()

"""Sampler x pseudo rows x student size, on one table, labeling each sampler's rows once.

``python -m benchmarks.sampler_size --dataset covtype --max-train 10000``

For each sampler, one :class:`skdistill.TransferSet` with the largest number of pseudo rows is
built (the teacher labels it once); the smaller multiples are its first pseudo rows (the
sampler's draws are independent, so the first ``k`` rows of a large draw are a draw of ``k``).
Each MLP size is distilled from each prefix and trained directly on the kept rows' labels;
everything is scored on the test part. Results: ``benchmarks/results/sampler_size_<data>.json``
and a markdown table on stdout.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from skdistill import DistilledClassifier, DistilledRegressor, TransferSet
from skdistill.samplers import MUNGE, Smear
from skdistill.students import SoftMLPClassifier, SoftMLPRegressor

from ._data import ROOT, load_split
from ._models import fit_teacher
from ._worker import quality

SAMPLERS = {"Smear": Smear, "MUNGE": MUNGE}


def _log(message):
    print(f"[sampler_size {time.strftime('%H:%M:%S')}] {message}", flush=True)


def prefix(transfer, n_pseudo):
    """The transfer set with only its first ``n_pseudo`` pseudo rows (no new labeling) and
    no held-out rows."""
    fields = {name: getattr(transfer, name) for name in TransferSet._FIELDS}
    stop = transfer.n_real + n_pseudo
    fields["X"] = transfer.X[:stop] if not hasattr(transfer.X, "iloc") else transfer.X.iloc[:stop]
    fields["outputs"] = transfer.outputs[:stop]
    # Without the held-out rows the distiller has no payoff to weigh, so it ships (and this
    # scores) the distilled student itself, never the directly trained one it would fall
    # back to (the held-out rows stay out of training either way).
    for name in ("X_holdout", "y_holdout", "holdout_outputs", "holdout_weight"):
        fields[name] = None
    return TransferSet(**fields)


def score(model, split):
    task = split.spec.task
    out = (
        model.predict_proba(split.X_test)
        if task == "classification"
        else model.predict(split.X_test)
    )
    scores = quality(split, np.asarray(out))
    return scores["accuracy"] if task == "classification" else scores["r2"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="covtype")
    parser.add_argument("--max-train", type=int, default=10_000)
    parser.add_argument("--max-test", type=int, default=10_000)
    parser.add_argument("--max-trees", type=int, default=1_000)
    parser.add_argument("--multiples", nargs="+", type=float, default=[4, 10, 20])
    parser.add_argument("--sizes", nargs="+", default=["64x64", "256x256"])
    parser.add_argument("--samplers", nargs="+", default=list(SAMPLERS), choices=list(SAMPLERS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="results JSON (default: benchmarks/results/)")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "benchmarks" / "results" / f"sampler_size_{args.dataset}.json"
    split = load_split(args.dataset, max_train=args.max_train, max_test=args.max_test)
    task = split.spec.task
    teacher, info = fit_teacher("lightgbm", split, args.seed, max_trees=args.max_trees)
    distiller = DistilledClassifier if task == "classification" else DistilledRegressor
    mlp = SoftMLPClassifier if task == "classification" else SoftMLPRegressor
    result = {"command": " ".join(["python -m benchmarks.sampler_size", *sys.argv[1:]])}
    result.update(dataset=args.dataset, n_train=len(split.y_train), teacher=info["description"])
    result["teacher_score"] = score(teacher, split)
    _log(f"{args.dataset}: teacher {info['description']}: {result['teacher_score']:.4f}")
    rows = []
    direct_done = {}
    for sampler_name in args.samplers:
        sampler_cls = SAMPLERS[sampler_name]
        tic = time.perf_counter()
        full = TransferSet.build(
            teacher,
            split.X_train,
            split.y_train,
            task=task,
            sampler=sampler_cls(),
            n_samples=float(max(args.multiples)),
            random_state=args.seed,
            store=None,  # whole in memory, whatever its size: prefix() slices its arrays
        )
        _log(f"{sampler_name}: {full} in {time.perf_counter() - tic:.0f}s")
        for size in args.sizes:
            hidden = tuple(int(h) for h in size.split("x"))
            student = mlp(hidden_layer_sizes=hidden)
            if size not in direct_done:  # the kept rows are the same for every sampler
                direct_done[size] = score_direct(full, student, args.seed, task, split)
            for multiple in args.multiples:
                part = prefix(full, int(multiple * full.n_real))
                tic = time.perf_counter()
                model = distiller(teacher, student=student, random_state=args.seed).fit(part)
                row = {
                    "sampler": sampler_name,
                    "n_samples": multiple,
                    "student": size,
                    "distilled": score(model, split),
                    "direct": direct_done[size],
                    "seconds": time.perf_counter() - tic,
                }
                gap = result["teacher_score"] - row["direct"]
                row["gap_closed"] = (row["distilled"] - row["direct"]) / gap if gap > 0 else None
                rows.append(row)
                _log(str(row))
                result["rows"] = rows
                out.write_text(json.dumps(result, indent=1))
    print("| sampler | n_samples | student | direct | distilled | gap closed |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        gap = "n/a" if r["gap_closed"] is None else f"{100 * r['gap_closed']:.0f}%"
        print(
            f"| {r['sampler']} | {r['n_samples']:g}x | {r['student']} | {r['direct']:.4f} | "
            f"{r['distilled']:.4f} | {gap} |"
        )
    return 0


def score_direct(transfer, student, seed, task, split):
    """Test score of the student trained on the kept rows' labels (the payoff's direct)."""
    from sklearn.base import clone
    from sklearn.utils import check_random_state

    from skdistill._distill import _with_random_state
    from skdistill._random import draw_seed
    from skdistill.students import as_student

    direct = as_student(
        _with_random_state(clone(student), draw_seed(check_random_state(seed))), task=task
    )
    X, targets, weights = transfer.label_targets()
    direct.fit_soft(X, targets, sample_weight=weights)
    return score(direct, split)


if __name__ == "__main__":
    sys.exit(main())

"""Student size against quality: distilled and direct students of each size, the teacher and
the compiled teacher, per data set.

Run from the repository root::

    python -m benchmarks.sizing --quick          # CI-sized: 2 small tables (a few minutes)
    python -m benchmarks.sizing --quick --datasets all
    python -m benchmarks.sizing                  # the visible tables at their benchmark sizes
    python -m benchmarks.sizing --seeds 0 1 2    # with seed noise (hours on 2 cores)

Seeds can run in parallel processes (``--seeds 0 --out s0.json`` and ``--seeds 1 --out
s1.json``), then ``python -m benchmarks.sizing_report s0.json s1.json docs/benchmarks_sizing.md``
merges them into one report.

For each data set and seed: a LightGBM teacher (early-stopped on 15% of train, as in
:mod:`benchmarks.run`) and its tl2cgen-compiled version; one :class:`skdistill.TransferSet` per
one :class:`skdistill.TransferSet` as the distillers build it by default (10% of the train rows
held out, 20 pseudo rows per kept row, capped by ``--max-pseudo``, the default sampler); then
every student of the default ladder (trees of depth 8, 12, 16 and the MLPs) trained on it
(distilled, the distillers' defaults) and on the kept rows' labels alone (direct). The student
the default ``DistilledClassifier(teacher)`` would choose is the one
:func:`skdistill._sizing.choose` picks from the ladder's hold-out scores, climbing the MLPs as
the distiller does (the ladder's candidates are exactly these
single-student fits: see ``tests/test_transfer.py``). Everything is scored on the test
part. Results go to ``--out`` (JSON) and ``--doc`` (markdown with plots).
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state

from skdistill import DistilledClassifier, DistilledRegressor, TransferSet
from skdistill._distill import _with_random_state
from skdistill._random import draw_seed
from skdistill._sizing import (
    LADDER_DEPTHS,
    candidates_table,
    choose,
    default_ladder,
    skipped_record,
    stop_climbing,
)
from skdistill.measure import pickled_size, single_row_latency, teacher_predict_function
from skdistill.students import (
    SoftTreeClassifier,
    SoftTreeRegressor,
    as_student,
)

from ._data import DATASETS, ROOT, load_split
from ._models import compile_teacher, fit_teacher
from ._worker import quality

TOLERANCE = 0.005  # the distillers' default
QUICK = {
    "datasets": ["magic_gamma", "california_housing"],
    "max_train": 2_000,
    "max_test": 2_000,
    "max_pseudo": 20_000,
    "max_teacher_trees": 300,
    "seeds": [0],
}
FULL = {
    "datasets": list(DATASETS),
    "max_train": None,
    "max_test": 20_000,
    "max_pseudo": 200_000,
    "max_teacher_trees": 2_100,
    "seeds": [0],
}
SINGLE_ROW_REPEATS = 50


def _log(message):
    print(f"[sizing {time.strftime('%H:%M:%S')}] {message}", flush=True)


def ladder(task):
    """(kind, label, estimator) of every student measured, in the default ladder's order: the
    trees, then the MLPs smallest first on plain inputs (kind "mlp"), then on piecewise-linear
    inputs ("mlp-pieces")."""
    out = []
    for student in default_ladder(task):
        if isinstance(student, SoftTreeClassifier | SoftTreeRegressor):
            out.append(("tree", f"depth {student.max_depth}", student))
        else:
            kind = "mlp" if student.input_bins is None else "mlp-pieces"
            out.append((kind, "x".join(map(str, student.hidden_layer_sizes)), student))
    return out


def primary(split, scores):
    return scores["accuracy"] if split.spec.task == "classification" else scores["r2"]


def measure(predict, split):
    """Primary test score, single-row latency (µs) and test outputs of ``predict``."""
    out = np.asarray(predict(split.X_test), dtype=np.float64)
    latency = single_row_latency(predict, split.X_test, n_repeats=SINGLE_ROW_REPEATS)
    return primary(split, quality(split, out)), 1e6 * latency, out


def point(split, out):
    return np.argmax(out, axis=1) if split.spec.task == "classification" else out


def fidelity(split, teacher_out, student_out):
    a, b = point(split, teacher_out), point(split, student_out)
    if split.spec.task == "classification":
        return float(np.mean(a == b))
    return float(1 - np.sum((a - b) ** 2) / np.sum((a - a.mean()) ** 2))


def predict_of(model, task):
    return model.predict_proba if task == "classification" else model.predict


def measure_teachers(split, seed, plan):
    teacher, info = fit_teacher("lightgbm", split, seed, max_trees=plan["max_teacher_trees"])
    task = split.spec.task
    predict = teacher_predict_function(teacher, task, classes=np.arange(split.n_classes or 0))
    score, latency, out = measure(predict, split)
    row = {"description": info["description"], "score": score, "latency_us": latency}
    row["size_bytes"] = pickled_size(teacher)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            compiled, cinfo = compile_teacher(teacher, split, Path(tmp))
            c_score, c_latency, _ = measure(compiled, split)
        row["compiled"] = {
            "score": c_score,
            "latency_us": c_latency,
            "size_bytes": cinfo["size_bytes"],
            "method": cinfo["method"],
        }
    except Exception as exc:  # noqa: BLE001 - reported, the rest of the cell still runs
        row["compiled"] = {"error": f"{type(exc).__name__}: {exc}"}
    return teacher, row, out


def build_transfer(teacher, split, seed, plan, sampler):
    n_kept = int(len(split.y_train) * 0.9)
    n_samples = min(20.0, plan["max_pseudo"] / n_kept)
    tic = time.perf_counter()
    transfer = TransferSet.build(
        teacher,
        split.X_train,
        split.y_train,
        task=split.spec.task,
        sampler=sampler,
        n_samples=n_samples,
        random_state=seed,
    )
    return transfer, {
        "sampler": repr(transfer.sampler),
        "n_samples": n_samples,
        "n_real": transfer.n_real,
        "n_pseudo": transfer.n_pseudo,
        "n_holdout": len(transfer.X_holdout),
        "seconds": time.perf_counter() - tic,
    }


def measure_student(teacher, transfer, estimator, split, seed, teacher_out):
    """Distilled (from the transfer set) and direct (the kept rows' labels) fits of a student."""
    task = split.spec.task
    distiller_cls = DistilledClassifier if task == "classification" else DistilledRegressor
    tic = time.perf_counter()
    model = distiller_cls(teacher, student=estimator, random_state=seed).fit(transfer)
    fit_seconds = time.perf_counter() - tic
    score, latency, out = measure(predict_of(model.student_, task), split)
    # The direct student: the same parameters and seed, trained on the labels alone.
    student_seed = draw_seed(check_random_state(seed))
    direct = as_student(_with_random_state(clone(estimator), student_seed), task=task)
    X_d, targets, weights = transfer.label_targets()
    direct.fit_soft(X_d, targets, sample_weight=weights)
    direct_score, direct_latency, _ = measure(predict_of(direct, task), split)
    n_iter = float(model.candidates_["n_iter"][0])
    return {
        "distilled": score,
        "direct": direct_score,
        "fidelity": fidelity(split, teacher_out, out),
        "size_bytes": pickled_size(model.student_),
        "latency_us": latency,
        "fit_seconds": fit_seconds,
        "n_iter": n_iter,  # epochs of the distilled MLP (NaN for a tree)
        "direct_n_iter": float(getattr(direct, "n_iter_", float("nan"))),
        "holdout_score": float(model.candidates_["score"][0]),
        "holdout": model.payoff_,
        "record": {
            "student": model.candidates_["student"][0],
            **{k: float(model.candidates_[k][0]) for k in ("size_bytes", "latency_us")},
            "fidelity": float(model.candidates_["fidelity"][0]),
            "score": float(model.candidates_["score"][0]),
            "fit_time": fit_seconds,
            "n_iter": n_iter,
            "error": "",
        },
    }


def run_dataset(name, seed, plan):
    split = load_split(name, max_train=plan["max_train"], max_test=plan["max_test"])
    _log(f"{name} seed {seed}: {len(split.y_train):,} train / {len(split.y_test):,} test rows")
    teacher, teacher_row, teacher_out = measure_teachers(split, seed, plan)
    _log(f"  teacher {teacher_row['description']}: {teacher_row['score']:.4f}")
    result = {"dataset": name, "seed": seed, "task": split.spec.task, "teacher": teacher_row}
    result["n_train"], result["n_test"] = len(split.y_train), len(split.y_test)
    transfer, info = build_transfer(teacher, split, seed, plan, "default")
    _log(f"  transfer set: {info}")
    students = []
    for kind, label, estimator in ladder(split.spec.task):
        row = measure_student(teacher, transfer, estimator, split, seed, teacher_out)
        row.update(kind=kind, label=label)
        _log(
            f"  {kind} {label}: distilled {row['distilled']:.4f} direct {row['direct']:.4f} "
            f"({row['fit_seconds']:.0f}s, {row['n_iter']:.0f} epochs)"
        )
        students.append(row)
    result["transfer_sets"] = {"every": info}
    result["students"] = students
    return result


def default_choice(students, teacher_bytes=None):
    """(index into ``students``, candidates trained) of the default ladder's choice, from the
    single-student fits: the distiller trains the trees of the default ladder, climbs the MLP
    sizes smallest first (on plain, then on piecewise-linear inputs) and stops each climb as
    :func:`stop_climbing` says, then chooses as
    :func:`choose` does (a student larger than the teacher only when no smaller one trained).
    Trees of other depths (older results) are not candidates."""
    labels = [f"depth {d}" for d in LADDER_DEPTHS]
    trees = [i for i, s in enumerate(students) if s["kind"] == "tree" and s["label"] in labels]
    order = trees + [i for i, s in enumerate(students) if s["kind"] == "mlp"]
    order += [i for i, s in enumerate(students) if s["kind"] == "mlp-pieces"]
    records = []
    for i in order:
        name = students[i]["record"]["student"]
        skip = stop_climbing(records, TOLERANCE, name)
        records.append(skipped_record(name) if skip else students[i]["record"])
    table = candidates_table(records)
    index = choose(table, tolerance=TOLERANCE, budget=None, teacher_bytes=teacher_bytes)
    return order[index], int((table["error"] == "").sum())


def gap_closed(teacher, direct, distilled):
    gap = teacher - direct
    return (distilled - direct) / gap if gap > 0 else float("nan")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI-sized run on small subsets")
    parser.add_argument("--datasets", nargs="+", help="data sets, or 'all'")
    parser.add_argument("--seeds", nargs="+", type=int)
    parser.add_argument("--max-train", type=int)
    parser.add_argument("--max-pseudo", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--doc", type=Path)
    args = parser.parse_args(argv)
    plan = dict(QUICK if args.quick else FULL)
    if args.datasets:
        plan["datasets"] = list(DATASETS) if args.datasets == ["all"] else args.datasets
    for key in ("seeds", "max_train", "max_pseudo"):
        if getattr(args, key) is not None:
            plan[key] = getattr(args, key)
    stem = "sizing_quick" if args.quick else "sizing"
    out = args.out or ROOT / "benchmarks" / "results" / f"{stem}.json"
    doc = args.doc or ROOT / "docs" / ("benchmarks_sizing.md")
    results = {"plan": plan, "command": " ".join(["python -m benchmarks.sizing", *sys.argv[1:]])}
    results["environment"] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()),
        # LightGBM's OpenMP threads spin while they wait: on a busy machine set PASSIVE.
        "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", ""),
    }
    results["cells"] = []
    tic = time.perf_counter()
    for name in plan["datasets"]:
        for seed in plan["seeds"]:
            results["cells"].append(run_dataset(name, seed, plan))
            results["seconds"] = time.perf_counter() - tic
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(results, indent=1, default=float))
    from .sizing_report import write_report

    write_report(results, doc, out)
    _log(f"done in {time.perf_counter() - tic:.0f}s: {out}, {doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Choose the distillers' defaults by measurement: a staged search on real data.

For a student (by default the default one, ``SoftMLPClassifier`` 2x64) and an early-stopped
LightGBM teacher, on several real classification tables, the search varies one parameter at a
time (sampler, then ``n_samples``, then ``temperature``, then ``alpha``), keeping the best value
of each stage by the gap closed on a *validation* part of the training rows, pooled over the
tables. Test figures of every configuration are reported too, but the choice never looks at
them.

    python -m benchmarks.defaults_search [--student mlp|tree|gbm|linear] [--stages ...]
                                         [--datasets ...] [--max-train N]

Results go to ``benchmarks/results/defaults_search.json`` and ``docs/defaults.md`` for the MLP,
``..._<student>.json`` / ``docs/defaults_<student>.md`` for the others.
"""

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from sklearn.model_selection import train_test_split

from skdistill import DistilledClassifier
from skdistill.samplers import MUNGE, GaussianNoise, Mixup, Smear

from ._data import load_split
from ._models import STUDENT_DESCRIPTIONS, STUDENTS, fit_lightgbm, make_student

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ["magic_gamma", "higgs_lightgbm_7500", "letter", "electricity", "adult", "covtype"]
SAMPLERS = {
    "MUNGE": MUNGE(),
    "Smear": Smear(),
    "GaussianNoise": GaussianNoise(),
    "Mixup": Mixup(),
    "none": None,
}
STAGES = [
    ("sampler", list(SAMPLERS)),
    ("n_samples", [5.0, 10.0, 20.0]),
    ("temperature", [1.0, 2.0, 4.0]),
    ("alpha", [0.0, 0.1, 0.3]),
]
# The MLP search (the first, which set the library's defaults) started here; the other
# students start from the defaults it chose.
START = {"sampler": "MUNGE", "n_samples": 10.0, "temperature": 1.0, "alpha": 0.0}
LIBRARY_DEFAULTS = {"sampler": "Smear", "n_samples": 20.0, "temperature": 1.0, "alpha": 0.0}
SEED = 0


def _log(message):
    print(f"[defaults] {message}", flush=True)


def prepare(name, max_train, max_test, student):
    """Teacher, direct student and the train/validation/test parts of one data set."""
    split = load_split(name, max_train=max_train, max_test=max_test)
    X_fit, X_val, y_fit, y_val = train_test_split(
        split.X_train, split.y_train, test_size=0.2, random_state=SEED, stratify=split.y_train
    )
    X_es, X_es_val, y_es, y_es_val = train_test_split(
        X_fit, y_fit, test_size=0.15, random_state=SEED, stratify=y_fit
    )
    teacher = fit_lightgbm(
        X_es,
        y_es,
        X_es_val,
        y_es_val,
        classification=True,
        n_estimators=3000,
        learning_rate=0.05,
        early_stopping_rounds=100,
        seed=SEED,
    )
    direct = make_student(student, "classification", SEED).fit(X_fit, y_fit)
    parts = {"val": (X_val, y_val), "test": (split.X_test, split.y_test)}
    return {
        "name": name,
        "student": student,
        "X_fit": X_fit,
        "y_fit": y_fit,
        "parts": parts,
        "teacher": teacher,
        "teacher_acc": {k: teacher.score(X, y) for k, (X, y) in parts.items()},
        "direct_acc": {k: direct.score(X, y) for k, (X, y) in parts.items()},
        "n_trees": int(teacher.best_iteration_ or teacher.n_estimators),
    }


def evaluate(data, config):
    tic = time.perf_counter()
    model = DistilledClassifier(
        data["teacher"],
        student=make_student(data["student"], "classification", SEED),
        sampler=SAMPLERS[config["sampler"]],
        n_samples=config["n_samples"],
        temperature=config["temperature"],
        alpha=config["alpha"],
        random_state=SEED,
    ).fit(data["X_fit"], data["y_fit"])
    result = {"seconds": time.perf_counter() - tic, "fit_times": model.fit_times_}
    for part, (X, y) in data["parts"].items():
        accuracy = model.score(X, y)
        teacher, direct = data["teacher_acc"][part], data["direct_acc"][part]
        gap = (accuracy - direct) / (teacher - direct) if teacher != direct else float("nan")
        result[part] = {"accuracy": accuracy, "gap_closed": gap}
    return result


def pooled_gap(prepared, per_dataset, part):
    """Sum of accuracy gains over direct / sum of teacher gains over direct, on ``part``.

    Pooled over data sets, so one table where teacher and direct almost tie cannot dominate
    the choice the way its own, very noisy, gap-closed ratio would.
    """
    gained = sum(per_dataset[d["name"]][part]["accuracy"] - d["direct_acc"][part] for d in prepared)
    possible = sum(d["teacher_acc"][part] - d["direct_acc"][part] for d in prepared)
    return float(gained / possible)


def run(datasets, max_train, max_test, student="mlp", stages=None):
    prepared = []
    for name in datasets:
        _log(f"{name}: teacher and direct student")
        data = prepare(name, max_train, max_test, student)
        _log(
            f"{name}: teacher {data['n_trees']} trees, val acc {data['teacher_acc']['val']:.4f}, "
            f"direct {student} {data['direct_acc']['val']:.4f}"
        )
        prepared.append(data)
    best = dict(START if student == "mlp" else LIBRARY_DEFAULTS)
    history = []
    cache = {}
    for stage, values in STAGES:
        if stages is not None and stage not in stages:
            continue
        scores = {}
        for value in values:
            config = {**best, stage: value}
            if config["sampler"] == "none" and stage == "n_samples":
                continue
            key = json.dumps(config, sort_keys=True)
            if key not in cache:
                cache[key] = {}
                for data in prepared:
                    cache[key][data["name"]] = evaluate(data, config)
                    r = cache[key][data["name"]]
                    _log(
                        f"{stage}={value!s:>13} {data['name']:>20}: val gap "
                        f"{r['val']['gap_closed']:+.2f}, test gap {r['test']['gap_closed']:+.2f} "
                        f"({r['seconds']:.0f}s)"
                    )
            per_dataset = cache[key]
            scores[value] = pooled_gap(prepared, per_dataset, "val")
            history.append({"stage": stage, "config": config, "results": per_dataset})
        if scores:
            best[stage] = max(scores, key=scores.get)
        _log(f"stage {stage}: pooled val gap closed {scores} -> {best[stage]!r}")
    return prepared, history, best


def write_markdown(path, prepared, history, best, command, student="mlp"):
    description = STUDENT_DESCRIPTIONS[student]
    title = "How the defaults were chosen" if student == "mlp" else f"Defaults for {description}"
    lines = [
        f"# {title}",
        "",
        f"Produced by `{command}` ({platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}).",
        "",
        f"Student: {description}. Teacher: LightGBM, 63 leaves, "
        "learning rate 0.05, early-stopped on 15% of the fitting rows. Each data set's training "
        "rows are split 80/20 into fitting and validation rows; each stage keeps the value with "
        "the best gap closed on validation pooled over the data sets, "
        "`sum(distilled - direct) / sum(teacher - direct)` on accuracy, where *direct* is the "
        "same student trained on the labels (per-table ratios are shown too; they are noisy where "
        "teacher and direct almost tie). Test figures are "
        "shown but never used to choose.",
        "",
        "| data set | teacher trees | teacher val / test acc | direct student val / test acc |",
        "|---|---:|---:|---:|",
    ]
    for d in prepared:
        t, s = d["teacher_acc"], d["direct_acc"]
        lines.append(
            f"| {d['name']} | {d['n_trees']} | {t['val']:.4f} / {t['test']:.4f} | "
            f"{s['val']:.4f} / {s['test']:.4f} |"
        )
    names = [d["name"] for d in prepared]
    lines += [
        "",
        "Gap closed, validation (test) per configuration:",
        "",
        "| stage | sampler | n_samples | T | alpha | "
        + " | ".join(names)
        + " | pooled val | pooled test |",
        "|---|---|---:|---:|---:|" + "---:|" * (len(names) + 2),
    ]
    for h in history:
        c, r = h["config"], h["results"]
        cells = [
            f"{r[n]['val']['gap_closed']:+.2f} ({r[n]['test']['gap_closed']:+.2f})" for n in names
        ]
        mean_val = pooled_gap(prepared, r, "val")
        mean_test = pooled_gap(prepared, r, "test")
        lines.append(
            f"| {h['stage']} | {c['sampler']} | {c['n_samples']:g} | {c['temperature']:g} | "
            f"{c['alpha']:g} | " + " | ".join(cells) + f" | {mean_val:+.2f} | {mean_test:+.2f} |"
        )
    lines += ["", f"Chosen: `{best}`.", ""]
    if student == "mlp":
        lines += [
            "Scope: the search is for classification with the MLP student, the library's default. "
            "`DistilledRegressor` shares the sampler and `n_samples` defaults without a search of "
            "its own (temperature has no effect on regression), and the tree, GBM and linear "
            "students use the same defaults; `python -m benchmarks.run` reports how they fare "
            "(docs/benchmarks.md).",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--student", choices=STUDENTS, default="mlp")
    parser.add_argument(
        "--stages", nargs="+", choices=[s for s, _ in STAGES], help="stages to run (default all)"
    )
    parser.add_argument("--datasets", nargs="+", default=DATASETS)
    parser.add_argument("--max-train", type=int, default=10_000)
    parser.add_argument("--max-test", type=int, default=20_000)
    parser.add_argument("--out", help="JSON results (default benchmarks/results/...)")
    parser.add_argument("--markdown", help="report (default docs/defaults[_<student>].md)")
    args = parser.parse_args(argv)
    suffix = "" if args.student == "mlp" else f"_{args.student}"
    args.out = args.out or ROOT / "benchmarks" / "results" / f"defaults_search{suffix}.json"
    args.markdown = args.markdown or ROOT / "docs" / f"defaults{suffix}.md"
    command = "python -m benchmarks.defaults_search " + " ".join(argv or sys.argv[1:])
    tic = time.perf_counter()
    prepared, history, best = run(
        args.datasets, args.max_train, args.max_test, args.student, args.stages
    )
    summary = {
        "command": command.strip(),
        "student": args.student,
        "seconds": time.perf_counter() - tic,
        "best": best,
        "datasets": {
            d["name"]: {
                "teacher_acc": d["teacher_acc"],
                "direct_acc": d["direct_acc"],
                "n_trees": d["n_trees"],
            }
            for d in prepared
        },
        "history": history,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=1, default=float), encoding="utf-8")
    write_markdown(Path(args.markdown), prepared, history, best, command.strip(), args.student)
    _log(f"best: {best} ({summary['seconds'] / 60:.1f} min)")


if __name__ == "__main__":
    main()

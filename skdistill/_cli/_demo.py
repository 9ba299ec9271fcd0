"""``skdistill demo``: the whole job on bundled real data, or its inputs written to a folder.

``skdistill demo`` distils a LightGBM teacher on the bundled MAGIC Gamma Telescope data into a
small MLP sized to the teacher (a ladder of sizes) and prints teacher vs student quality,
fidelity, size and prediction speed, and the same student trained on the labels alone. It
needs no network. ``skdistill demo --save DIR`` writes
the table (train and test rows) and a LightGBM teacher instead, to try ``skdistill distill`` on.
"""

import gzip
import time
import warnings
from importlib import resources
from pathlib import Path

from . import _options as o


def add_parser(commands):
    p = commands.add_parser(
        "demo", help="distil a LightGBM teacher on bundled real data and print the report"
    )
    p.add_argument("--random-state", type=o.seed, default=0, metavar="SEED", help="seed (0)")
    p.add_argument("--verbose", type=o.verbosity, default=0, help="progress output level")
    p.add_argument(
        "--save",
        metavar="DIR",
        help="write the bundled table, split into train.csv and "
        "test.csv, and a LightGBM teacher trained on train.csv (teacher.txt) to DIR instead of "
        "running the demo",
    )
    p.set_defaults(run=run)


def run(args):
    if args.save:
        return save(args.save, args.random_state)
    return demo(args.random_state, args.verbose)


def save(folder, seed):
    """Write ``train.csv``, ``test.csv`` (target column ``target``) and ``teacher.txt``.

    The teacher is a LightGBM Booster trained on ``train.csv`` only, so ``test.csv`` measures
    teacher and student on rows neither has seen.
    """
    import lightgbm
    import numpy as np
    from sklearn.model_selection import train_test_split

    from ..datasets import load_magic_gamma

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    bunch = load_magic_gamma()
    source = resources.files("skdistill.datasets") / "magic_gamma.csv.gz"
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        header, *lines = f.read().splitlines()
    rows = np.arange(len(lines))
    train, test = train_test_split(rows, test_size=0.25, stratify=bunch.target, random_state=seed)
    for name, part in (("train.csv", train), ("test.csv", test)):
        text = "\n".join([header] + [lines[i] for i in np.sort(part)]) + "\n"
        (folder / name).write_text(text, encoding="utf-8")
    codes = np.searchsorted(np.unique(bunch.target), bunch.target)  # g -> 0, h -> 1
    data = lightgbm.Dataset(
        bunch.data[np.sort(train)],
        label=codes[np.sort(train)],
        feature_name=list(bunch.feature_names),
    )
    params = {"objective": "binary", "num_leaves": 31, "learning_rate": 0.1, "seed": seed,
              "verbose": -1, "num_threads": 2}  # fmt: skip
    lightgbm.train(params, data, num_boost_round=300).save_model(str(folder / "teacher.txt"))
    print(
        f"wrote {folder / 'train.csv'} ({len(train):,} rows) and {folder / 'test.csv'} "
        f"({len(test):,} rows) of MAGIC Gamma Telescope (target column 'target'), and "
        f"{folder / 'teacher.txt'} (LightGBM, 300 trees, trained on train.csv)"
    )
    return 0


def demo(seed, verbose):
    from lightgbm import LGBMClassifier, early_stopping
    from sklearn.base import clone
    from sklearn.model_selection import train_test_split

    from .. import DistilledClassifier, __version__
    from ..datasets import load_magic_gamma
    from ..metrics import distillation_report

    X, y = load_magic_gamma(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=seed
    )
    print(
        f"skdistill {__version__} demo: MAGIC Gamma Telescope (UCI, CC BY 4.0), "
        f"{len(X_train):,} train / {len(X_test):,} test rows, {X.shape[1]} features",
        flush=True,
    )
    tic = time.perf_counter()
    X_fit, X_val, y_fit, y_val = train_test_split(
        X_train, y_train, test_size=0.15, stratify=y_train, random_state=seed
    )
    teacher = LGBMClassifier(
        n_estimators=2000, learning_rate=0.05, num_leaves=63, random_state=seed, verbose=-1
    )
    with warnings.catch_warnings():
        # LightGBM 4.7 renamed eval_set; the old name still works on every supported version.
        warnings.filterwarnings("ignore", message=".*eval_set.*deprecated")
        teacher.fit(
            X_fit, y_fit, eval_set=[(X_val, y_val)], callbacks=[early_stopping(50, verbose=False)]
        )
    print(
        f"teacher: LightGBM, {teacher.best_iteration_} trees x 63 leaves "
        f"(early-stopped), fitted in {time.perf_counter() - tic:.1f}s",
        flush=True,
    )
    model = DistilledClassifier(teacher, random_state=seed, verbose=verbose).fit(X_train, y_train)
    times = ", ".join(f"{k} {v:.1f}s" for k, v in model.fit_times_.items() if v > 0)
    table = model.candidates_
    trained = int((table["error"] == "").sum())
    print(
        f"distilled: {table['student'][model.best_index_]}, chosen of the {trained} MLP sizes "
        f"trained (of {len(table['error'])}) on {model.n_transfer_samples_:,} transfer rows "
        f"and scored on held-out rows ({times})",
        flush=True,
    )
    # The same student (size and seed) trained on the labels alone.
    tic = time.perf_counter()
    direct_accuracy = clone(model.student_).fit(X_train, y_train).score(X_test, y_test)
    print(
        f"direct:  the same student trained on the labels alone: accuracy "
        f"{direct_accuracy:.4f} ({time.perf_counter() - tic:.1f}s)\n",
        flush=True,
    )
    report = distillation_report(model, X_test, y_test)
    print(report)
    teacher_accuracy = report.teacher_scores["accuracy"]
    student_accuracy = report.student_scores["accuracy"]
    if teacher_accuracy != direct_accuracy:
        gap = (student_accuracy - direct_accuracy) / (teacher_accuracy - direct_accuracy)
        print(f"\ngap closed (distilled - direct) / (teacher - direct): {gap:.0%}")
    return 0

"""The ``skdistill`` command.

``skdistill demo`` distils a LightGBM teacher on the bundled MAGIC Gamma Telescope data into a
small MLP and prints teacher vs student quality, fidelity, size and prediction speed. It needs
no network and runs in well under a minute on 2 cores.
"""

import argparse
import sys
import time
import warnings

from . import __version__


def _demo(args):
    from lightgbm import LGBMClassifier, early_stopping
    from sklearn.model_selection import train_test_split

    from . import DistilledClassifier
    from .datasets import load_magic_gamma
    from .metrics import distillation_report
    from .students import SoftMLPClassifier

    seed = args.random_state
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

    student = SoftMLPClassifier(hidden_layer_sizes=(64, 64), random_state=seed)
    tic = time.perf_counter()
    direct = student.fit(X_train, y_train)
    direct_accuracy = direct.score(X_test, y_test)
    print(
        f"direct:  the same MLP 2x64 trained on the labels alone: accuracy "
        f"{direct_accuracy:.4f} ({time.perf_counter() - tic:.1f}s)",
        flush=True,
    )

    model = DistilledClassifier(teacher, random_state=seed, verbose=args.verbose)
    model.fit(X_train, y_train)
    times = ", ".join(f"{k} {v:.1f}s" for k, v in model.fit_times_.items() if v > 0)
    print(
        f"distilled: {type(model.student_).__name__} on {model.n_transfer_samples_:,} transfer "
        f"rows ({times})\n",
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


def main(argv=None):
    """Entry point of the ``skdistill`` console script."""
    parser = argparse.ArgumentParser(
        prog="skdistill", description="Knowledge distillation of tabular models."
    )
    parser.add_argument("--version", action="version", version=f"skdistill {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="distil a LightGBM teacher on bundled real data and print the report"
    )
    demo.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    demo.add_argument("--verbose", type=int, default=0, help="progress output level")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return _demo(args)
    return 2  # unreachable: argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())

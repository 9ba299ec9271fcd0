"""``skdistill distill``: a saved teacher and a table in, a saved student and a report out."""

from functools import partial

import numpy as np

from ._errors import UserError
from ._models import load_model, require_skops, save_student
from ._tables import read_table, split_target
from ._teacher import (
    check_target,
    check_teacher_runs,
    class_names,
    report_teacher,
    teacher_adapter,
    teacher_features,
    with_class_names,
)

STUDENTS = ("mlp", "tree", "gbm", "linear")
SAMPLERS = ("default", "smear", "munge", "noise", "mixup", "marginal", "gmm", "none")
_SIZE_MEANING = {"mlp": "units in each of 2 hidden layers (64)", "tree": "maximum depth (8)",
                 "gbm": "number of trees (30)", "linear": "unused"}  # fmt: skip


def add_parser(commands):
    p = commands.add_parser(
        "distill",
        help="distil a saved teacher on a table into a small student",
        description="Distil a saved teacher (LightGBM .txt, XGBoost .json/.ubj, .skops, or "
        ".joblib/.pkl with --trust) on a table (CSV or Parquet) into a small student, saved "
        "to --out as student.skops, student.joblib and (MLP, tree, linear) the numpy-only "
        "predictor student.npz; prints the report.",
    )
    from . import _options as o

    p.add_argument("--teacher", required=True, metavar="MODEL", help="the saved teacher")
    p.add_argument("--data", required=True, metavar="TABLE", help="training rows (.csv, .parquet)")
    p.add_argument(
        "--target",
        metavar="COL",
        help="label column (optional: distillation "
        "needs no labels; with it, a held-out part measures quality)",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the student files")
    p.add_argument(
        "--classes",
        metavar="A,B,...",
        help="labels of a Booster's classes 0..k-1 in order (default: the sorted target labels)",
    )
    p.add_argument("--student", choices=STUDENTS, default="mlp", help="student kind (mlp)")
    sizes = "; ".join(f"{k}: {v}" for k, v in _SIZE_MEANING.items())
    p.add_argument("--size", type=o.positive_int, help=f"student size ({sizes})")
    p.add_argument(
        "--input-bins",
        type=o.positive_int,
        metavar="K",
        help="mlp only: piecewise-linear inputs cut at K training quantiles (default: none)",
    )
    p.add_argument(
        "--sampler",
        choices=SAMPLERS,
        default="default",
        help="pseudo-row sampler (default: the one measured best for the student)",
    )
    p.add_argument(
        "--n-samples",
        type=o.non_negative_float,
        default=20.0,
        metavar="X",
        help="pseudo rows, as a multiple of the training rows (20)",
    )
    p.add_argument(
        "--temperature", type=o.temperature, default=1.0, metavar="T", help="softening, >= 1 (1.0)"
    )
    p.add_argument(
        "--test-size",
        type=o.fraction,
        default=0.2,
        metavar="F",
        help="fraction held out for the report when --target is given (0.2)",
    )
    p.add_argument("--random-state", type=o.seed, default=0, metavar="SEED", help="seed (0)")
    p.add_argument("--verbose", "-v", action="count", default=0, help="show progress")
    p.add_argument(
        "--trust",
        action="store_true",
        help="load pickle/joblib files and unknown skops types (runs their code)",
    )
    p.set_defaults(run=run)


def make_student(kind, size, task, input_bins=None):
    """The student of ``kind`` at ``size`` (None: its default size) for ``task``; an MLP
    reads piecewise-linear inputs with ``input_bins``."""
    from sklearn.linear_model import Ridge

    from .. import students as s

    classification = task == "classification"
    if input_bins is not None and kind != "mlp":
        raise UserError(f"--input-bins applies to --student mlp only, not {kind}")
    if input_bins == 1:
        raise UserError("--input-bins must be at least 2 (cuts at K training quantiles)")
    if kind == "mlp":
        width = size or 64
        cls = s.SoftMLPClassifier if classification else s.SoftMLPRegressor
        return cls(hidden_layer_sizes=(width, width), input_bins=input_bins)
    if kind == "tree":
        cls = s.SoftTreeClassifier if classification else s.SoftTreeRegressor
        return cls(max_depth=size or 8)
    if kind == "gbm":
        cls = s.SoftGBMClassifier if classification else s.SoftGBMRegressor
        return cls(n_estimators=size or 30)
    if size is not None:
        raise UserError("--size does not apply to --student linear")
    return s.SoftLogisticRegression() if classification else Ridge()


def make_sampler(name):
    from .. import samplers as s

    table = {"smear": s.Smear, "munge": s.MUNGE, "noise": s.GaussianNoise, "mixup": s.Mixup,
             "marginal": s.MarginalSampler, "gmm": s.GaussianMixtureSampler}  # fmt: skip
    if name == "default":
        return "default"
    return None if name == "none" else table[name]()


def _split(X, y, task, test_size, seed):
    """(X_fit, X_test, y_fit, y_test); no held-out rows without a target or with test_size 0."""
    from sklearn.model_selection import train_test_split

    if y is None or test_size == 0:
        return X, None, y, None
    stratify = None
    if task == "classification":
        _, counts = np.unique(y, return_counts=True)
        stratify = y if counts.min() >= 2 else None
    try:
        return train_test_split(X, y, test_size=test_size, stratify=stratify, random_state=seed)
    except ValueError as exc:
        raise UserError(
            f"cannot hold out --test-size {test_size} of {len(X)} rows ({exc})"
        ) from None


def _prepare(args):
    """(teacher, adapter, X, y, names): everything checked before any expensive work."""
    require_skops()
    teacher = load_model(args.teacher, trust=args.trust)
    adapter = teacher_adapter(teacher, args.teacher)
    X, y = split_target(read_table(args.data), args.target, args.data)
    X = teacher_features(X, adapter, args.data)
    check_target(y, adapter.task, args.data, args.target)
    check_teacher_runs(adapter, X, args.data)
    names = None
    if adapter.task == "classification":
        names, y = class_names(adapter, y, args.classes, args.data)
    elif args.classes is not None:
        raise UserError("--classes is for classification, but the teacher is a regressor")
    return teacher, adapter, X, y, names


def run(args):
    from .. import DistilledClassifier, DistilledRegressor
    from ._report import print_report

    teacher, adapter, X, y, names = _prepare(args)
    task = adapter.task
    # a bad --size or --input-bins fails here, early
    student = make_student(args.student, args.size, task, args.input_bins)
    if names is not None:
        print(f"teacher classes 0..{len(names) - 1} are the labels {', '.join(map(str, names))}")
    X_fit, X_test, y_fit, y_test = _split(X, y, task, args.test_size, args.random_state)
    if task == "classification":
        distiller = partial(DistilledClassifier, temperature=args.temperature)
    elif args.temperature != 1.0:
        raise UserError("--temperature is for classification; a regression teacher has none")
    else:
        distiller = DistilledRegressor
    model = distiller(
        teacher if names is None else with_class_names(adapter, names),
        student=student,
        sampler=make_sampler(args.sampler),
        n_samples=args.n_samples,
        random_state=args.random_state,
        verbose=args.verbose,
    )
    print(
        f"distilling {type(teacher).__name__} ({task}) on {len(X_fit):,} rows "
        f"x {X.shape[1]} columns into a {args.student} student",
        flush=True,
    )
    model.fit(X_fit, y_fit)
    paths = save_student(model.student_, args.out)
    times = ", ".join(f"{k} {v:.1f}s" for k, v in model.fit_times_.items() if v > 0)
    print(f"trained on {model.n_transfer_samples_:,} transfer rows ({times})")
    print("wrote " + ", ".join(str(p) for p in paths) + "\n", flush=True)
    held_out = X_test is not None
    if held_out:
        print(
            f"measured on {len(X_test):,} held-out rows; if the teacher was trained on them, "
            "its scores are optimistic: `skdistill report` on new rows measures both fairly"
        )
    print_report(
        model.student_,
        report_teacher(teacher, adapter, names),
        X_test if held_out else X_fit,
        y_test if held_out else None,
    )
    return 0

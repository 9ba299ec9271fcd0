"""``skdistill report``: a saved student next to its teacher, as text and as an HTML page."""

import numpy as np
from scipy.special import softmax

from ._errors import UserError
from ._models import load_model, load_student
from ._tables import read_table, split_target
from ._teacher import check_target, feature_table, report_teacher, teacher_adapter, teacher_features


def add_parser(commands):
    p = commands.add_parser(
        "report",
        help="measure saved students next to their teacher",
        description="Quality (with --target), fidelity, size and latency of one or more saved "
        "students next to their teacher on a table; --html writes a page with plots.",
    )
    p.add_argument("--teacher", required=True, metavar="MODEL", help="the saved teacher")
    p.add_argument(
        "--model",
        required=True,
        action="append",
        metavar="STUDENT",
        help="a saved student (.skops, or .joblib with --trust); repeat to compare",
    )
    p.add_argument("--data", required=True, metavar="TABLE", help="rows to measure on")
    p.add_argument("--target", metavar="COL", help="label column, for quality and calibration")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML page")
    p.add_argument(
        "--trust",
        action="store_true",
        help="load pickle/joblib files and unknown skops types (runs their code)",
    )
    p.set_defaults(run=run)


def measure(student, teacher, X, y):
    """The :class:`~skdistill.metrics.DistillationReport` of ``student``; quality only with y.

    Without labels the teacher's own predictions stand in for ``y`` so that fidelity, size and
    speed are measured, and the quality rows are left out.
    """
    from ..metrics import distillation_report

    labels = y if y is not None else teacher_predictions(student, teacher, X)
    report = distillation_report(student, X, labels, teacher=teacher, single_row_repeats=50)
    if y is None:
        report.teacher_scores, report.student_scores = {}, {}
    return report


def teacher_predictions(student, teacher, X):
    """Teacher labels named like the student's classes, or regression values."""
    from ..teachers import as_teacher

    task = "classification" if hasattr(student, "classes_") else "regression"
    outputs = as_teacher(teacher, task=task).outputs(X)
    if task == "regression":
        return outputs
    return np.asarray(student.classes_)[np.argmax(outputs, axis=1)]


def teacher_proba(student, teacher, X):
    """The teacher's class probabilities, columns in the order of the student's classes."""
    from ..teachers import as_teacher

    return softmax(as_teacher(teacher, task="classification").outputs(X), axis=1)


def print_report(student, teacher, X, y):
    report = measure(student, teacher, X, y)
    print(report)
    if y is None:
        print("(no --target: quality is not measured; fidelity is on the training rows)")
    return report


def _student_names(X, student, path):
    names = getattr(student, "feature_names_in_", None)
    return feature_table(
        X, names, getattr(student, "n_features_in_", None), path, what="the student"
    )


def _labels_like(y, student):
    """y in the student's label type (a CSV reads "1" as 1; --classes names are text)."""
    classes = getattr(student, "classes_", None)
    if y is None or classes is None:
        return y
    if np.asarray(classes).dtype.kind in "UO" and np.asarray(y).dtype.kind not in "UO":
        return np.asarray(y).astype(str)
    return y


def run(args):
    teacher = load_model(args.teacher, trust=args.trust)
    adapter = teacher_adapter(teacher, args.teacher)
    students = {path: load_student(path, trust=args.trust) for path in args.model}
    X, y = split_target(read_table(args.data), args.target, args.data)
    X = teacher_features(X, adapter, args.data)
    check_target(y, adapter.task, args.data, args.target)
    reports, candidates = {}, []
    for path, student in students.items():
        _student_names(X, student, path)
        _check_same_task(student, adapter, path)
        names = getattr(student, "classes_", None)
        own = adapter.classes_
        renamed = names is not None and not np.array_equal(np.asarray(names), np.asarray(own))
        measured_teacher = report_teacher(teacher, adapter, names if renamed else None)
        y_student = _labels_like(y, student)
        _check_labels(y_student, student, path)
        print(f"== {path}")
        reports[path] = print_report(student, measured_teacher, X, y_student)
        print()
        candidates.append((str(path), student, measured_teacher, y_student))
    if args.html:
        from ._html import write_html

        write_html(args.html, candidates, reports, X)
        print(f"wrote {args.html}")
    return 0


def _check_same_task(student, adapter, path):
    is_classifier = hasattr(student, "classes_") and hasattr(student, "predict_proba")
    if is_classifier != (adapter.task == "classification"):
        kind = "classifier" if is_classifier else "regressor"
        raise UserError(f"{path}: the student is a {kind} but the teacher is for {adapter.task}")
    if is_classifier and len(student.classes_) != len(adapter.classes_):
        raise UserError(
            f"{path}: the student has {len(student.classes_)} classes but the teacher "
            f"{len(adapter.classes_)}; it was not distilled from this teacher"
        )


def _check_labels(y, student, path):
    if y is None or not hasattr(student, "classes_"):
        return
    unknown = np.setdiff1d(np.unique(y), np.asarray(student.classes_))
    if len(unknown):
        raise UserError(
            f"{path}: the target has labels the student does not know: {unknown[:5].tolist()}"
        )

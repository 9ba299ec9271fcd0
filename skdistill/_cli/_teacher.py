"""A loaded teacher next to a table: its task, its columns and its class names."""

import numpy as np

from ._errors import UserError, first_line
from ._tables import column_list

_TASKS = ("classification", "regression")


def teacher_adapter(teacher, path):
    """The skdistill adapter of a loaded teacher, for the task the teacher declares."""
    from ..teachers import as_teacher

    errors = []
    for task in _TASKS:
        try:
            adapter = as_teacher(teacher, task=task)
            if not adapter.is_fitted:
                raise UserError(f"{path}: the {type(teacher).__name__} in it is not fitted")
            adapter.classes_  # noqa: B018 -- reading the configuration checks the task
            return adapter
        except (TypeError, ValueError) as exc:
            errors.append(first_line(exc))
    raise UserError(f"{path}: cannot be used as a teacher ({errors[0]})")


def feature_table(X, feature_names, n_features, path, *, what="the teacher"):
    """The columns of ``X`` the model reads, in its order, or a clear error.

    A model that knows its feature names gets exactly those columns by name (LightGBM reads
    columns by position, so the order matters); one that does not gets all columns, whose
    number must match.
    """
    if feature_names is not None:
        names = [str(c) for c in feature_names]
        missing = [c for c in names if c not in X.columns]
        if missing:
            raise UserError(f"{path}: columns {what} needs are missing: {column_list(missing)}")
        extra = [c for c in X.columns if c not in names]
        if extra:
            raise UserError(
                f"{path}: columns {what} was not trained on: {column_list(extra)}; drop them, "
                "or name the target with --target"
            )
        return X[names]
    if n_features is not None and X.shape[1] != n_features:
        raise UserError(
            f"{path}: {X.shape[1]} feature columns but {what} reads {n_features}; give "
            "exactly its columns (and name the target with --target)"
        )
    return X


def teacher_features(X, adapter, path):
    names = adapter.feature_names_in_
    return feature_table(X, names, adapter.n_features_in_, path)


def check_teacher_runs(adapter, X, path):
    """Ask the teacher for a few rows' outputs, so a mismatch is clear before any work."""
    try:
        adapter.outputs(X.iloc[:5])
    except Exception as exc:  # each library words a wrong table its own way
        raise UserError(
            f"{path}: the teacher cannot predict on this table ({first_line(exc)})"
        ) from None


def class_names(adapter, y, classes_option, path):
    """(names, y): the labels the teacher's output columns stand for, and y to match them.

    A LightGBM or XGBoost Booster knows its classes only as 0..k-1. When the target column
    holds other labels, they are taken in sorted order (what LGBMClassifier and XGBClassifier
    do), or in the order given by ``--classes``. ``names`` is None when the teacher's own
    classes are the labels.
    """
    own = np.asarray(adapter.classes_)
    if classes_option is not None:
        names = [c.strip() for c in classes_option.split(",")]
        if len(names) != len(own) or len(set(names)) != len(names):
            raise UserError(
                f"--classes must name the teacher's {len(own)} classes once each; got {names}"
            )
        if y is None:
            return names, None
        y = np.asarray(y).astype(str)
        unknown = sorted(set(np.unique(y)) - set(names))
        if unknown:
            raise UserError(f"{path}: target labels not named in --classes: {column_list(unknown)}")
        return names, y
    if y is None or np.isin(np.unique(y), own).all():
        return None, y
    names = sorted(np.unique(y).tolist())
    if len(names) != len(own) or not np.array_equal(own, np.arange(len(own))):
        raise UserError(
            f"{path}: the target labels ({column_list(names)}) are not the teacher's classes "
            f"({column_list(own.tolist())}); give the target the teacher was trained on, or "
            "name the teacher's classes in order with --classes"
        )
    return names, y


def with_class_names(adapter, names):
    """The teacher as a CallableTeacher whose output columns are named ``names``."""
    from ..teachers import CallableTeacher

    return CallableTeacher(
        adapter.outputs,
        response_method="decision_function",
        classes=np.asarray(names),
        n_features_in=adapter.n_features_in_,
        allow_nan=adapter.allow_nan,
    )


def check_target(y, task, path, target):
    """A classification target needs two classes; a regression one, numbers."""
    if y is None:
        return
    if task == "classification" and len(np.unique(y)) < 2:
        raise UserError(
            f"{path}: the target column {target!r} has a single class ({np.unique(y)[0]!r}); "
            "distilling with labels needs two, or leave out --target"
        )
    if task == "regression" and not np.issubdtype(np.asarray(y).dtype, np.number):
        raise UserError(
            f"{path}: the target column {target!r} is not numeric, but the teacher is a regressor"
        )


def report_teacher(teacher, adapter, names):
    """The teacher to measure next to a student whose classes are ``names``.

    A Booster's own predictions are columns 0..k-1, already in the order of ``names``; a
    model with ``classes_`` of its own is renamed through its adapter.
    """
    if names is None or not hasattr(teacher, "classes_"):
        return teacher
    return with_class_names(adapter, names)

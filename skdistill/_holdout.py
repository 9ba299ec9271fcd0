"""Held-out real rows: how they are set aside, and how students are scored on them.

The hold-out is taken from the real rows before anything else touches them, so the sampler
never draws around them and no student trains on them. Every score here is computed on those
rows: accuracy (R² for regression) against the true labels when there are labels, and the
fidelity to the teacher (agreement of predicted classes, or R² against the teacher's values).
"""

import math
import warnings

import numpy as np
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split

# Fewest held-out rows a regression score (R²) means anything on.
_MIN_REGRESSION_ROWS = 2


def check_holdout(fraction, n_rows, y_codes, task):
    """Raise a clear error, before any labeling, when a hold-out of ``fraction`` cannot work."""
    n_held = math.ceil(fraction * n_rows)
    n_kept = n_rows - n_held
    hint = "Pass more rows, lower holdout, or set holdout=0 (and a single student)."
    if task == "classification" and y_codes is not None:
        codes, counts = np.unique(y_codes, return_counts=True)
        if n_held < len(codes) or n_kept < len(codes):
            raise ValueError(
                f"holdout={fraction} of {n_rows} rows holds out {n_held} and keeps {n_kept}, "
                f"fewer than the {len(codes)} classes: a stratified hold-out needs at least one "
                f"row of each class on both sides. {hint}"
            )
        if counts.min() < 2:
            raise ValueError(
                f"A class has a single row, so it cannot be on both sides of a stratified "
                f"hold-out (holdout={fraction}). {hint}"
            )
    elif n_held < _MIN_REGRESSION_ROWS or n_kept < 1:
        raise ValueError(
            f"holdout={fraction} of {n_rows} rows holds out {n_held} rows and keeps {n_kept}; "
            f"scoring needs at least {_MIN_REGRESSION_ROWS} held-out rows and training at "
            f"least one. {hint}"
        )


def split_holdout(n_rows, y_codes, fraction, task, seed):
    """Indices (kept, held out) of the real rows; stratified by class when labels exist."""
    index = np.arange(n_rows)
    stratify = y_codes if task == "classification" and y_codes is not None else None
    kept, held = train_test_split(index, test_size=fraction, random_state=seed, stratify=stratify)
    if stratify is not None:  # a class of few rows can still fall on one side only
        for side, rows in (("held out", held), ("kept", kept)):
            missing = np.setdiff1d(stratify, stratify[rows])
            if len(missing):
                label = missing[0].item() if hasattr(missing[0], "item") else missing[0]
                raise ValueError(
                    f"holdout={fraction} leaves no row of class {label!r} on the {side} side: "
                    f"its {int(np.sum(stratify == label))} rows all fall on the other side. A "
                    "stratified hold-out needs each class on both sides. Pass more rows of "
                    "that class, move holdout closer to 0.5, or set holdout=0 (and a single "
                    "student)."
                )
    return np.sort(kept), np.sort(held)


def teacher_codes(outputs):
    """The teacher's predicted class codes from its logits."""
    return np.argmax(outputs, axis=1)


def student_predictions(student, X, transfer):
    """Predicted class codes (into ``transfer.classes``) or values of a fitted student."""
    if transfer.task == "regression":
        return np.asarray(student.predict(X), dtype=np.float64)
    if hasattr(student, "predict_proba"):
        return np.argmax(student.predict_proba(X), axis=1)
    labels = np.asarray(student.predict(X))
    code_of = {label: i for i, label in enumerate(transfer.classes.tolist())}
    return np.array([code_of[label] for label in labels.tolist()])


def quality(pred, y, task, weight):
    """Accuracy or R² of predictions (codes or values) against ``y``."""
    if task == "classification":
        return float(accuracy_score(y, pred, sample_weight=weight))
    return float(r2_score(y, pred, sample_weight=weight))


def holdout_scores(student, transfer):
    """(score, fidelity) of a fitted student on the transfer set's held-out rows.

    The score is against the true labels when the transfer set has them, else the fidelity.
    """
    pred = student_predictions(student, transfer.X_holdout, transfer)
    outputs, weight = transfer.holdout_outputs, transfer.holdout_weight
    if transfer.task == "classification":
        teacher_pred = teacher_codes(outputs)
    else:
        teacher_pred = outputs
    fidelity = quality(pred, teacher_pred, transfer.task, weight)
    if transfer.y_holdout is None:
        return fidelity, fidelity
    return quality(pred, transfer.y_holdout, transfer.task, weight), fidelity


def teacher_score(transfer):
    """The teacher's score on the held-out rows (against the true labels)."""
    outputs = transfer.holdout_outputs
    pred = teacher_codes(outputs) if transfer.task == "classification" else outputs
    return quality(pred, transfer.y_holdout, transfer.task, transfer.holdout_weight)


def payoff(transfer, distilled, direct):
    """The payoff table: teacher, distilled and direct students scored on the hold-out.

    Parameters
    ----------
    transfer : TransferSet
        With held-out rows and labels.
    distilled, direct : fitted students
        The same student trained on the teacher's targets, and on the labels alone.

    Returns
    -------
    payoff : dict
        ``metric``, ``n_rows``, ``teacher``, ``distilled``, ``direct``, ``gap_closed``
        (``(distilled - direct) / (teacher - direct)``, NaN when the teacher is no better
        than direct) and ``fidelity`` of the distilled student.
    """
    teacher = teacher_score(transfer)
    distilled_score, fidelity = holdout_scores(distilled, transfer)
    direct_score, _ = holdout_scores(direct, transfer)
    gap = teacher - direct_score
    return {
        "metric": "accuracy" if transfer.task == "classification" else "r2",
        "n_rows": len(transfer.X_holdout),
        "teacher": teacher,
        "distilled": distilled_score,
        "direct": direct_score,
        "gap_closed": (distilled_score - direct_score) / gap if gap > 0 else float("nan"),
        "fidelity": fidelity,
    }


def distillation_lost(result):
    """Whether the directly trained student beat the distilled one on the hold-out."""
    return result["distilled"] < result["direct"]


def warn_no_payoff(result, student_name):
    """UserWarning with the numbers and the likely fixes when distillation did not pay (the
    distiller then ships the directly trained student)."""
    warnings.warn(
        f"The distilled {student_name} scores {result['distilled']:.4f} ({result['metric']}) "
        f"on the {result['n_rows']:,} held-out rows, below the same student trained directly "
        f"on the labels ({result['direct']:.4f}; teacher {result['teacher']:.4f}), so student_ "
        "is the directly trained one (payoff_['shipped'] == 'direct'). Likely fixes: a larger "
        "student (student=None sizes it to the teacher), more pseudo rows (n_samples) or "
        "another sampler (MUNGE() stays closer to the data than Smear()), alpha > 0 to keep "
        "the labels in the loss; with few held-out rows the difference may be noise.",
        UserWarning,
        stacklevel=7,
    )

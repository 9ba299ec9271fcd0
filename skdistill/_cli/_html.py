"""The HTML report: one self-contained page, the plots inline as PNG."""

import base64
import html
import io
from pathlib import Path

import numpy as np

from ._errors import UserError

_N_BINS = 10


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise UserError(
            "--html needs matplotlib; install it with: pip install 'skdistill[cli]'"
        ) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    fig.clf()
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _binned(x, values, edges):
    """Mean of ``x`` and of ``values`` in each bin of ``x`` (empty bins left out)."""
    which = np.clip(np.digitize(x, edges[1:-1]), 0, len(edges) - 2)
    keep = [b for b in range(len(edges) - 1) if np.any(which == b)]
    return (np.array([x[which == b].mean() for b in keep]),
            np.array([values[which == b].mean() for b in keep]))  # fmt: skip


def agreement_plot(plt, candidates, X):
    """Agreement with the teacher against the teacher's confidence (its top probability)."""
    from ._report import teacher_proba

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, student, teacher, _ in candidates:
        proba = teacher_proba(student, teacher, X)
        confidence = proba.max(axis=1)
        agree = np.asarray(student.classes_)[proba.argmax(axis=1)] == student.predict(X)
        edges = np.unique(np.quantile(confidence, np.linspace(0, 1, _N_BINS + 1)))
        if len(edges) < 2:
            edges = np.array([confidence.min(), confidence.max() + 1e-9])
        x, rate = _binned(confidence, agree.astype(float), edges)
        ax.plot(x, rate, marker="o", label=name)
    ax.set(
        xlabel="teacher confidence (top probability, decile means)",
        ylabel="agreement with the teacher",
        title="Where the student follows the teacher",
    )
    ax.legend()
    return _png(fig)


def calibration_plot(plt, candidates, X):
    """Top-label reliability of the teacher and the students: confidence against accuracy."""
    from ._report import teacher_proba

    fig, ax = plt.subplots(figsize=(6, 4))
    name, student, teacher, y = candidates[0]
    classes = np.asarray(student.classes_)
    edges = np.linspace(1.0 / len(classes), 1.0, _N_BINS + 1)
    curves = [("teacher", teacher_proba(student, teacher, X))]
    curves += [(n, s.predict_proba(X)) for n, s, _, _ in candidates]
    for label, proba in curves:
        correct = (classes[proba.argmax(axis=1)] == y).astype(float)
        x, acc = _binned(proba.max(axis=1), correct, edges)
        ax.plot(x, acc, marker="o", label=label)
    ax.plot([edges[0], 1], [edges[0], 1], color="grey", linestyle="--", label="perfect")
    ax.set(
        xlabel="predicted probability of the predicted class",
        ylabel="observed accuracy",
        title="Calibration",
    )
    ax.legend()
    return _png(fig)


def regression_plot(plt, candidates, X):
    """Student predictions against the teacher's, with the diagonal."""
    from ._report import teacher_predictions

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, student, teacher, _ in candidates:
        t = teacher_predictions(student, teacher, X)
        ax.scatter(t, student.predict(X), s=4, alpha=0.5, label=name)
    lo, hi = ax.get_xlim()
    ax.plot([lo, hi], [lo, hi], color="grey", linestyle="--")
    ax.set(
        xlabel="teacher prediction", ylabel="student prediction", title="Student against teacher"
    )
    ax.legend()
    return _png(fig)


def tradeoff_plot(plt, candidates, reports):
    """Quality (or fidelity without labels) against single-row latency, one point per model."""
    fig, ax = plt.subplots(figsize=(6, 4))
    first = next(iter(reports.values()))
    metric = next(iter(first.student_scores), None)
    label = metric or "fidelity"
    for (name, *_), report in zip(candidates, reports.values(), strict=True):
        value = report.student_scores[metric] if metric else report.fidelity
        ax.scatter(report.student_latency * 1e6, value)
        ax.annotate(name, (report.student_latency * 1e6, value))
    if metric:
        ax.scatter(first.teacher_latency * 1e6, first.teacher_scores[metric], marker="*", s=150)
        ax.annotate("teacher", (first.teacher_latency * 1e6, first.teacher_scores[metric]))
    ax.set_xscale("log")
    ax.set(
        xlabel="single-row latency (µs, log scale)", ylabel=label, title="Quality against latency"
    )
    return _png(fig)


def _figures(candidates, reports, X):
    plt = _pyplot()
    classification = hasattr(candidates[0][1], "predict_proba") and hasattr(
        candidates[0][1], "classes_"
    )
    figures = []
    if classification:
        figures.append(("Agreement against teacher confidence", agreement_plot(plt, candidates, X)))
        if candidates[0][3] is not None:
            figures.append(("Calibration", calibration_plot(plt, candidates, X)))
    else:
        figures.append(("Student against teacher", regression_plot(plt, candidates, X)))
    if len(candidates) > 1:
        figures.append(("Quality against latency", tradeoff_plot(plt, candidates, reports)))
    plt.close("all")
    return figures


def write_html(path, candidates, reports, X):
    """Write the page: the text reports, then each plot as an inline PNG."""
    figures = _figures(candidates, reports, X)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>skdistill report</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style></head><body>",
             "<h1>skdistill report</h1>"]  # fmt: skip
    for (name, *_), report in zip(candidates, reports.values(), strict=True):
        parts.append(f"<h2>{html.escape(name)}</h2><pre>{html.escape(str(report))}</pre>")
    for title, png in figures:
        parts.append(f'<h2>{html.escape(title)}</h2><img alt="{html.escape(title)}" '
                     f'src="data:image/png;base64,{png}">')  # fmt: skip
    parts.append("</body></html>")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(parts), encoding="utf-8")

"""The markdown report of :mod:`benchmarks.sizing`: tables, plots and the issue's targets.

``python -m benchmarks.sizing_report RESULTS.json DOC.md`` re-renders a report from results.
"""

import json
import sys
from pathlib import Path

import numpy as np

from ._data import ROOT

# Targets of the issue (measured, never asserted in tests).
TARGET_MEDIAN_GAP = 0.90
TARGET_GAP_WHERE_TEACHER_LEADS = 0.70
TEACHER_LEAD = 0.01
TARGET_SIZE_RATIO = 20.0


def _gap(teacher, direct, distilled):
    gap = teacher - direct
    return (distilled - direct) / gap if gap > 0 else float("nan")


def _pct(x):
    return "n/a" if x is None or not np.isfinite(x) else f"{100 * x:.0f}%"


def _bytes(n):
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n:.0f} B"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _machine(env):
    text = f"{env.get('cpu_count', '?')} cores ({env.get('machine', '?')})"
    load = env.get("load_average_at_start")
    if load:
        text += f", load average {load[0]:.1f} at start"
    if env.get("OMP_WAIT_POLICY"):
        text += f", OMP_WAIT_POLICY={env['OMP_WAIT_POLICY']}"
    return text


def summary_rows(cells):
    """One row per cell: the default's chosen student against direct and the teacher."""
    rows = []
    for cell in cells:
        chosen = cell["students"][cell["chosen_index"]]
        teacher = cell["teacher"]["score"]
        rows.append(
            {
                "dataset": cell["dataset"],
                "seed": cell["seed"],
                "metric": "accuracy" if cell["task"] == "classification" else "R²",
                "teacher": teacher,
                "direct": chosen["direct"],
                "distilled": chosen["distilled"],
                "gap_closed": _gap(teacher, chosen["direct"], chosen["distilled"]),
                "chosen": f"MLP {chosen['label']} ({cell.get('default_trains', '?')} trained)",
                "size": chosen["size_bytes"],
                "ratio": cell["teacher"]["size_bytes"] / chosen["size_bytes"],
            }
        )
    return rows


def evaluate_targets(cells):
    rows = summary_rows(cells)
    gaps = np.array([r["gap_closed"] for r in rows], dtype=float)
    median = float(np.nanmedian(gaps)) if np.isfinite(gaps).any() else float("nan")
    leading = [r for r in rows if r["teacher"] - r["direct"] > TEACHER_LEAD]
    worse = [
        (c["dataset"], s["kind"], s["label"], s["distilled"] - s["direct"])
        for c in cells
        for s in c["students"]
        if s["distilled"] < s["direct"]
    ]
    n_seeds = len({c["seed"] for c in cells})
    return [
        (
            f"median gap closed (chosen student) >= {TARGET_MEDIAN_GAP:.0%}",
            _pct(median),
            median >= TARGET_MEDIAN_GAP,
        ),
        (
            f">= {TARGET_GAP_WHERE_TEACHER_LEADS:.0%} where the teacher leads direct by > 1 point",
            ", ".join(f"{r['dataset']} {_pct(r['gap_closed'])}" for r in leading) or "none",
            all(r["gap_closed"] >= TARGET_GAP_WHERE_TEACHER_LEADS for r in leading),
        ),
        (
            "distilled never worse than direct (every MLP and tree cell)",
            f"{len(worse)} of {sum(len(c['students']) for c in cells)} cells worse"
            + (
                ""
                if n_seeds > 1
                else " (one seed: seed noise not measured, so every shortfall counts)"
            ),
            not worse,
        ),
        (
            f"chosen student >= {TARGET_SIZE_RATIO:.0f}x smaller than the teacher",
            ", ".join(f"{r['dataset']} {r['ratio']:.0f}x" for r in rows),
            all(r["ratio"] >= TARGET_SIZE_RATIO for r in rows),
        ),
    ], worse


def _plot(cell, img_dir):
    """Score against single-row latency and against size; returns the image path or None."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, key, xlabel in (
        (axes[0], "latency_us", "single-row latency (µs, log)"),
        (axes[1], "size_bytes", "pickled size (bytes, log)"),
    ):
        for kind, marker in (("mlp", "o"), ("tree", "s")):
            rows = [s for s in cell["students"] if s["kind"] == kind]
            x = [s[key] for s in rows]
            ax.plot(x, [s["distilled"] for s in rows], marker + "-", label=f"{kind} distilled")
            ax.plot(x, [s["direct"] for s in rows], marker + "--", label=f"{kind} direct")
        t = cell["teacher"]
        ax.plot([t[key]], [t["score"]], "k*", markersize=12, label="teacher (LightGBM)")
        c = t.get("compiled", {})
        if "score" in c:
            ax.plot([c[key]], [c["score"]], "kP", markersize=10, label="compiled teacher")
        chosen = cell["students"][cell["chosen_index"]]
        ax.plot([chosen[key]], [chosen["distilled"]], "r*", markersize=14, label="chosen")
        ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("test accuracy" if cell["task"] == "classification" else "test R²")
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=7, loc="lower right")
    fig.suptitle(f"{cell['dataset']} (seed {cell['seed']})")
    fig.tight_layout()
    img_dir.mkdir(parents=True, exist_ok=True)
    path = img_dir / f"sizing_{cell['dataset']}_{cell['seed']}.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def _cell_text(cell, doc):
    t = cell["teacher"]
    c = t.get("compiled", {})
    lines = [f"### {cell['dataset']} (seed {cell['seed']})", ""]
    lines.append(
        f"{cell['n_train']:,} train / {cell['n_test']:,} test rows. Teacher: "
        f"{t['description']}, {_bytes(t['size_bytes'])}, {t['latency_us']:.0f} µs per row; "
        + (
            f"compiled ({c['method']}): {_bytes(c['size_bytes'])}, {c['latency_us']:.0f} µs."
            if "score" in c
            else f"compiled: {c.get('error', 'not run')}."
        )
    )
    for kind, ts in cell["transfer_sets"].items():
        lines.append(
            f"Transfer set for the {kind} students: {ts['n_real']:,} real + {ts['n_pseudo']:,} "
            f"pseudo rows ({ts['sampler']}), {ts['n_holdout']:,} held out; built and labeled "
            f"in {ts['seconds']:.1f}s."
        )
    lines.append("")
    rows = []
    for i, s in enumerate(cell["students"]):
        mark = " (chosen)" if i == cell["chosen_index"] else ""
        if (s.get("holdout") or {}).get("shipped") == "direct":
            mark += " †"
        rows.append(
            [
                f"{s['kind']} {s['label']}{mark}",
                _bytes(s["size_bytes"]),
                f"{s['latency_us']:.0f}",
                f"{s['direct']:.4f}",
                f"{s['distilled']:.4f}",
                f"{s['distilled'] - s['direct']:+.4f}",
                _pct(_gap(t["score"], s["direct"], s["distilled"])),
                f"{s['fidelity']:.4f}",
                f"{s['holdout_score']:.4f}",
                f"{s['fit_seconds']:.1f}",
            ]
        )
    rows.append(
        [
            "teacher",
            _bytes(t["size_bytes"]),
            f"{t['latency_us']:.0f}",
            "",
            "",
            "",
            "",
            "",
            f"{t['score']:.4f}",
            "",
        ]
    )
    lines.append(
        _table(
            [
                "student",
                "size",
                "µs/row",
                "direct",
                "distilled",
                "Δ",
                "gap closed",
                "fidelity",
                "hold-out",
                "fit s",
            ],
            rows,
        )
    )
    lines.append("")
    lines.append(
        "(`teacher` row: its test score is in the hold-out column's place. direct and distilled "
        "are test scores; `hold-out` is the score the ladder chose by. † the distilled student "
        "scored below direct on the hold-out, so the distiller shipped the direct one: its "
        "distilled column is the direct student's.)"
    )
    plot = _plot(cell, Path(doc).parent / "img")
    if plot is not None:
        lines += ["", f"![{cell['dataset']}](img/{plot.name})"]
    return "\n".join(lines)


def render(results, doc, results_path=None):
    cells = results["cells"]
    plan = results["plan"]
    targets, _ = evaluate_targets(cells)
    rel = "?"
    if results_path is not None:
        path = Path(results_path).resolve()
        rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    out = [
        "# Student sizing: accuracy against size and latency",
        "",
        f"Generated by `{results['command']}` (results: `{rel}`; "
        f"{results.get('seconds', 0) / 60:.1f} min on {_machine(results['environment'])}; "
        "single-row latencies on a shared machine are indicative only).",
        "",
        "Each data set: an early-stopped LightGBM teacher; one transfer set per sampler built as "
        "the distillers do by default (10% of train held out, stratified; 20 pseudo rows per "
        f"kept row capped at {plan['max_pseudo']:,} pseudo rows; Smear for the MLPs, MUNGE "
        "for the trees); each student of the ladder distilled from it with the defaults, and "
        "the same student (same parameters and seed) trained directly on the kept rows' labels. "
        "The chosen student is the one `DistilledClassifier(teacher)` / "
        "`DistilledRegressor(teacher)` picks from the MLP ladder: the smallest within 0.005 of "
        "the best hold-out score. Test scores; gap closed = (distilled - direct) / (teacher - "
        "direct) for the same student.",
        "",
        f"Plan: train rows capped at {plan['max_train'] or 'all'}, test rows at "
        f"{plan['max_test']}, teacher at {plan['max_teacher_trees']} trees, seeds "
        f"{plan['seeds']}.",
        "",
        "## Summary (the chosen student)",
        "",
    ]
    rows = [
        [
            r["dataset"],
            r["metric"],
            f"{r['teacher']:.4f}",
            f"{r['direct']:.4f}",
            f"{r['distilled']:.4f}",
            _pct(r["gap_closed"]),
            r["chosen"],
            _bytes(r["size"]),
            f"{r['ratio']:.0f}x",
        ]
        for r in summary_rows(cells)
    ]
    out.append(
        _table(
            [
                "data set",
                "metric",
                "teacher",
                "direct",
                "distilled",
                "gap closed",
                "chosen",
                "size",
                "teacher/student size",
            ],
            rows,
        )
    )
    out += ["", "## Targets (issue 10)", ""]
    out.append(
        _table(
            ["target", "measured", "met"],
            [[t, m, "yes" if ok else "**no**"] for t, m, ok in targets],
        )
    )
    out += ["", "## Per data set", ""]
    out += [_cell_text(cell, doc) + "\n" for cell in cells]
    return "\n".join(out)


def write_report(results, doc, results_path=None):
    doc = Path(doc)
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(render(results, doc, results_path), encoding="utf-8")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    results_path, doc = Path(argv[0]).resolve(), Path(argv[1])
    write_report(json.loads(results_path.read_text()), doc, results_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

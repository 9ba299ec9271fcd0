"""Markdown report and plots from benchmark results JSON.

    python -m benchmarks.report                                   # suite.json -> docs/benchmarks.md
    python -m benchmarks.report benchmarks/results/quick.json --doc /tmp/quick.md

Plots (matplotlib, Agg backend) go to ``img/`` beside the markdown file, named after it.
"""

import argparse
import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path

from ._data import ROOT

VARIANTS = ("direct", "naive", "skdistill", "skdistill+search")
DISTILLED = ("skdistill", "skdistill+search")
VARIANT_TEXT = {
    "direct": "direct (labels only)",
    "naive": "naive (teacher outputs on train rows)",
    "skdistill": "skdistill defaults",
    "skdistill+search": "skdistill + search",
}
STUDENT_TEXT = {
    "mlp": "MLP 2x64",
    "tree": "tree depth 8",
    "gbm": "GBM 30x15",
    "linear": "logistic / Ridge",
}
TEACHER_TEXT = {"lightgbm": "LightGBM", "xgboost": "XGBoost", "rf": "random forest"}

# Below this teacher-minus-direct difference (accuracy or R²) the ratio is mostly noise (a
# 0.001 gap turns a 0.003 change into 300%), so gap closed is left undefined.
MIN_GAP = 0.005

TARGETS = {
    "gap": 0.90,
    "speedup": 100.0,
    "size": 100.0,
}


# --------------------------------------------------------------------------------------------
# aggregation


def _mean(values):
    values = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return statistics.fmean(values) if values else float("nan")


def _std(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.stdev(values) if len(values) > 1 else float("nan")


def primary_metric(task):
    return "accuracy" if task == "classification" else "r2"


class Section:
    """One data set at one train size: its teachers and rows, aggregated over seeds."""

    def __init__(self, cells):
        first = cells[0]
        self.cells = cells
        self.dataset = first["dataset"]
        self.task = first["task"]
        self.n_train = first["n_train"]
        self.n_test = first["n_test"]
        self.n_features = first["n_features"]
        self.n_classes = first["n_classes"]
        self.split = first["split"]
        self.n_samples = first["n_samples"]
        self.seeds = sorted(c["seed"] for c in cells)
        self.metric = primary_metric(self.task)
        self.teachers = defaultdict(list)  # name -> [info per seed]
        self.rows = defaultdict(list)  # (teacher, student, variant) -> [row per seed]
        for cell in cells:
            for name, info in cell["teachers"].items():
                self.teachers[name].append(info)
            for row in cell["rows"]:
                self.rows[(row["teacher"], row["student"], row["variant"])].append(row)

    @property
    def title(self):
        return f"{self.dataset} ({self.n_train:,} train rows)"

    @property
    def key(self):
        return f"{self.dataset}_n{self.n_train}"

    def teacher_value(self, teacher, path):
        return _mean([_get(info, path) for info in self.teachers[teacher]])

    def row_values(self, teacher, student, variant, path):
        return [_get(r, path) for r in self.rows.get((teacher, student, variant), [])]

    def row_value(self, teacher, student, variant, path):
        return _mean(self.row_values(teacher, student, variant, path))

    def gap_closed(self, teacher, student, variant):
        """(distilled - direct) / (teacher - direct) on the means over seeds; NaN if undefined."""
        path = ("quality", self.metric)
        distilled = self.row_value(teacher, student, variant, path)
        direct = self.row_value(teacher, student, "direct", path)
        top = self.teacher_value(teacher, path)
        if any(math.isnan(v) for v in (distilled, direct, top)) or top - direct < MIN_GAP:
            return float("nan")
        return (distilled - direct) / (top - direct)

    def pairs(self):
        """(teacher, student) pairs present, in a stable order."""
        seen = []
        for teacher, student, _ in self.rows:
            if (teacher, student) not in seen:
                seen.append((teacher, student))
        order_t = {t: i for i, t in enumerate(TEACHER_TEXT)}
        order_s = {s: i for i, s in enumerate(STUDENT_TEXT)}
        return sorted(seen, key=lambda p: (order_t.get(p[0], 9), order_s.get(p[1], 9)))


def _get(obj, path):
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return float("nan")
        obj = obj[key]
    return obj


def sections_of(results):
    groups = defaultdict(list)
    for cell in results["cells"]:
        groups[(cell["dataset"], cell["n_train"])].append(cell)
    return [Section(cells) for cells in groups.values()]


# --------------------------------------------------------------------------------------------
# formatting


def _f(value, digits=4):
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _pct(value):
    return "–" if value is None or math.isnan(value) else f"{value:.0%}"


def _bytes(n):
    if n is None or math.isnan(n):
        return "–"
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return "–"


def _rate(r):
    if r is None or math.isnan(r):
        return "–"
    if r >= 1e6:
        return f"{r / 1e6:.2f}M"
    if r >= 1e3:
        return f"{r / 1e3:.0f}k"
    return f"{r:.0f}"


def _us(s):
    return "–" if s is None or math.isnan(s) else f"{s * 1e6:,.0f}"


def _x(r):
    return "–" if r is None or math.isnan(r) else f"{r:,.1f}x" if r < 100 else f"{r:,.0f}x"


def _secs(s):
    return "–" if s is None or math.isnan(s) else f"{s:.1f}"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _pm(values, digits=4):
    """Mean, with ± std over seeds when there are several."""
    m, s = _mean(values), _std(values)
    if math.isnan(s):
        return _f(m, digits)
    return f"{_f(m, digits)} ± {_f(s, digits)}"


# --------------------------------------------------------------------------------------------
# targets


def evaluate_targets(sections):
    """The four goals of the issue, each with its numbers and whether it was met."""
    out = []

    # 1. median gap closed >= 90% for the MLP student with a LightGBM teacher.
    gaps = {v: [] for v in DISTILLED}
    for sec in sections:
        for v in DISTILLED:
            if ("lightgbm", "mlp", v) in sec.rows:
                g = sec.gap_closed("lightgbm", "mlp", v)
                if not math.isnan(g):
                    gaps[v].append((sec.title, g))
    medians = {
        v: statistics.median([g for _, g in gs]) if gs else float("nan") for v, gs in gaps.items()
    }
    best = max((m for m in medians.values() if not math.isnan(m)), default=float("nan"))
    detail = "; ".join(
        f"{VARIANT_TEXT[v]}: median {_pct(medians[v])} over {len(gaps[v])} data set(s) ("
        + ", ".join(f"{t.split(' ')[0]} {_pct(g)}" for t, g in gaps[v])
        + ")"
        for v in DISTILLED
        if gaps[v]
    )
    out.append(
        (
            "Median gap closed >= 90% for the MLP student with a LightGBM teacher",
            _verdict(not math.isnan(best) and best >= TARGETS["gap"], math.isnan(best)),
            detail or "no LightGBM/MLP rows in these results",
        )
    )

    # 2. distilled never worse than direct beyond seed noise.
    worse, checked, one_seed = [], 0, False
    for sec in sections:
        for teacher, student in sec.pairs():
            direct = sec.row_values(teacher, student, "direct", ("quality", sec.metric))
            for v in DISTILLED:
                dist = sec.row_values(teacher, student, v, ("quality", sec.metric))
                if not dist or not direct:
                    continue
                checked += 1
                n = min(len(dist), len(direct))
                if n >= 2:
                    noise = 2 * math.sqrt(_std(dist) ** 2 / n + _std(direct) ** 2 / n)
                else:
                    noise, one_seed = 0.0, True
                diff = _mean(dist) - _mean(direct)
                if diff < -noise:
                    worse.append(
                        f"{sec.dataset} {TEACHER_TEXT[teacher]}→{STUDENT_TEXT[student]} "
                        f"{v}: {diff:+.4f} {sec.metric}"
                    )
    how = (
        "one seed, so no noise estimate: any shortfall counts"
        if one_seed
        else "noise = 2 x standard error of the difference over seeds"
    )
    out.append(
        (
            "Distilled (skdistill defaults and search) never worse than direct beyond seed noise",
            _verdict(checked > 0 and not worse, checked == 0),
            f"{len(worse)} of {checked} comparisons worse ({how})"
            + (": " + "; ".join(worse) if worse else ""),
        )
    )

    # 3. student batch prediction >= 100x faster than the teacher, faster than compiled.
    ratios, compiled_ratios = defaultdict(list), defaultdict(list)
    for sec in sections:
        for teacher, student in sec.pairs():
            t_rate = sec.teacher_value(teacher, ("throughput_rows_s",))
            c_rate = sec.teacher_value(teacher, ("compiled", "throughput_rows_s"))
            for v in DISTILLED:
                s_rate = sec.row_value(teacher, student, v, ("throughput_rows_s",))
                if math.isnan(s_rate):
                    continue
                ratios[student].append(s_rate / t_rate)
                if not math.isnan(c_rate):
                    compiled_ratios[student].append(s_rate / c_rate)
    all_r = [r for rs in ratios.values() for r in rs]
    all_c = [r for rs in compiled_ratios.values() for r in rs]
    met = bool(all_r) and min(all_r) >= TARGETS["speedup"] and (not all_c or min(all_c) > 1)
    detail = "; ".join(
        f"{STUDENT_TEXT[s]}: {sum(r >= TARGETS['speedup'] for r in rs)}/{len(rs)} rows >= 100x "
        f"(median {_x(statistics.median(rs))}, min {_x(min(rs))})"
        + (
            f", faster than compiled in {sum(r > 1 for r in compiled_ratios[s])}/"
            f"{len(compiled_ratios[s])} (median {_x(statistics.median(compiled_ratios[s]))})"
            if compiled_ratios[s]
            else ""
        )
        for s, rs in ratios.items()
    )
    out.append(
        (
            "Student batch prediction >= 100x faster than the teacher and faster than the "
            "compiled teacher",
            _verdict(met, not all_r),
            detail or "no distilled rows",
        )
    )

    # 4. student >= 100x smaller than the teacher.
    sizes = defaultdict(list)
    for sec in sections:
        for teacher, student in sec.pairs():
            t_size = sec.teacher_value(teacher, ("size_bytes",))
            for v in DISTILLED:
                s_size = sec.row_value(teacher, student, v, ("size_bytes",))
                if not math.isnan(s_size):
                    sizes[student].append(t_size / s_size)
    all_s = [r for rs in sizes.values() for r in rs]
    detail = "; ".join(
        f"{STUDENT_TEXT[s]}: {sum(r >= TARGETS['size'] for r in rs)}/{len(rs)} rows >= 100x "
        f"(median {_x(statistics.median(rs))}, min {_x(min(rs))})"
        for s, rs in sizes.items()
    )
    out.append(
        (
            "Student >= 100x smaller than the teacher (pickled bytes)",
            _verdict(bool(all_s) and min(all_s) >= TARGETS["size"], not all_s),
            detail or "no distilled rows",
        )
    )
    return out


def _verdict(met, unknown=False):
    if unknown:
        return "not measured"
    return "**met**" if met else "**not met**"


# --------------------------------------------------------------------------------------------
# plots


def _plots(sections, img_dir, prefix):
    """Write the PNGs; return {section key: path} and the gap-closed plot path (or None)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return {}, None
    img_dir.mkdir(parents=True, exist_ok=True)
    colors = {"mlp": "tab:blue", "tree": "tab:green", "gbm": "tab:orange", "linear": "tab:purple"}
    markers = {"direct": "o", "naive": "s", "skdistill": "^", "skdistill+search": "D"}
    teacher_markers = {"lightgbm": "*", "xgboost": "P", "rf": "X"}
    per_section = {}
    for sec in sections:
        fig, ax = plt.subplots(figsize=(7.5, 4.8))
        for name in sec.teachers:
            rate = sec.teacher_value(name, ("throughput_rows_s",))
            q = sec.teacher_value(name, ("quality", sec.metric))
            ax.scatter(
                1e6 / rate,
                q,
                marker=teacher_markers.get(name, "*"),
                s=160,
                c="black",
                label=f"teacher {TEACHER_TEXT[name]}",
                zorder=3,
            )
            c_rate = sec.teacher_value(name, ("compiled", "throughput_rows_s"))
            if not math.isnan(c_rate):
                ax.scatter(
                    1e6 / c_rate,
                    q,
                    marker=teacher_markers.get(name, "*"),
                    s=160,
                    facecolors="none",
                    edgecolors="black",
                    label=f"teacher {TEACHER_TEXT[name]}, compiled",
                    zorder=3,
                )
        seen = set()
        for (_, student, variant), rows in sec.rows.items():
            rate = _mean([r["throughput_rows_s"] for r in rows])
            q = _mean([_get(r, ("quality", sec.metric)) for r in rows])
            label = None
            if (student, variant) not in seen:
                seen.add((student, variant))
                label = f"{STUDENT_TEXT[student]}, {variant}"
            ax.scatter(
                1e6 / rate,
                q,
                c=colors.get(student, "grey"),
                marker=markers.get(variant, "o"),
                s=45,
                alpha=0.8,
                label=label,
            )
        ax.set_xscale("log")
        ax.set_xlabel("batch prediction time per row (µs, log scale; left is faster)")
        ax.set_ylabel("test accuracy" if sec.metric == "accuracy" else "test R²")
        ax.set_title(f"{sec.title}: quality vs prediction time")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
        fig.tight_layout()
        path = img_dir / f"{prefix}quality_time_{sec.key}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        per_section[sec.key] = path

    # Gap closed per student, LightGBM teacher (or the first teacher present).
    students = [
        s for s in STUDENT_TEXT if any(("lightgbm", s, "skdistill") in sec.rows for sec in sections)
    ]
    gap_path = None
    if students:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
        width = 0.8 / len(students)
        for ax, variant in zip(axes, DISTILLED, strict=True):
            for j, student in enumerate(students):
                xs, ys = [], []
                for i, sec in enumerate(sections):
                    g = sec.gap_closed("lightgbm", student, variant)
                    if not math.isnan(g):
                        xs.append(i + (j - (len(students) - 1) / 2) * width)
                        ys.append(g * 100)
                ax.bar(xs, ys, width=width, color=colors.get(student), label=STUDENT_TEXT[student])
            ax.axhline(90, color="black", linestyle="--", linewidth=1, label="target 90%")
            ax.axhline(0, color="black", linewidth=0.8)
            ax.set_xticks(range(len(sections)))
            ax.set_xticklabels(_short_names(sections), rotation=30, ha="right", fontsize=8)
            ax.set_title(f"LightGBM teacher, {VARIANT_TEXT[variant]}")
            ax.grid(True, axis="y", alpha=0.3)
        axes[0].set_ylabel("gap closed (%)")
        axes[1].legend(fontsize=8)
        fig.tight_layout()
        gap_path = img_dir / f"{prefix}gap_closed.png"
        fig.savefig(gap_path, dpi=110)
        plt.close(fig)
    return per_section, gap_path


def _short_names(sections):
    names = [s.dataset for s in sections]
    return [
        s.dataset if names.count(s.dataset) == 1 else f"{s.dataset} ({s.n_train:,})"
        for s in sections
    ]


# --------------------------------------------------------------------------------------------
# markdown


def _rel(path, doc):
    try:
        return str(path.relative_to(doc.parent))
    except ValueError:
        return str(path)


def _repo_relative(path):
    """``path`` as the reproduction command names it: relative to the repository root."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


SIZING_LINK = (
    "Student sizing (every MLP size and tree depth distilled and trained directly, against "
    "single-row latency and size, with the teacher and the compiled teacher, and the size "
    "the default ladder chooses) is in [benchmarks_sizing.md](benchmarks_sizing.md), "
    "from `python -m benchmarks.sizing --quick --datasets all` (2,000 train rows a table); at "
    "the tables' benchmark sizes it is in "
    "[benchmarks_sizing_full.md](benchmarks_sizing_full.md), from `python -m benchmarks.sizing` "
    "(that page gives its conditions). Scale (transfer sets of millions of rows from the "
    "full covtype table, peak memory, one process against a Dask cluster) is in "
    "[benchmarks_scale.md](benchmarks_scale.md), from `python -m benchmarks.scale`. GBM "
    "students trained with `lightgbm.dask` on a LocalCluster against the same students in one "
    "process, on one transfer set (covtype, 7 classes; electricity, binary), are in "
    "[scaling.md](scaling.md), from `python -m benchmarks.dask_gbm`."
)


def render(results, doc, results_path=None):
    sections = sections_of(results)
    meta = results["meta"]
    env = meta.get("environment", {})
    plan = meta.get("plan", {})
    per_section, gap_path = _plots(sections, doc.parent / "img", f"{doc.stem}_")
    lines = ["# Benchmarks", ""]
    src = _repo_relative(results_path) if results_path else "the results JSON"
    lines += [
        f"Generated by `python -m benchmarks.report` from `{src}`; do not edit by hand. "
        "Reproduce with the command below from the repository root.",
        "",
        f"- command: `{meta.get('command', '?')}`",
        f"- started {meta.get('started', '?')}, finished {meta.get('finished', 'unfinished')}, "
        f"wall time {_secs(meta.get('wall_seconds', float('nan')) / 60)} min "
        f"(estimate was {_secs(meta.get('estimated_seconds', float('nan')) / 60)} min)",
        f"- machine: {env.get('cpu_count', '?')} cores, {env.get('cpu_model', '?')}, "
        f"{env.get('memory_gb', '?')} GB RAM, {env.get('platform', '?')}, Python "
        f"{env.get('python', '?')}; load average at start "
        f"{', '.join(f'{x:.1f}' for x in env.get('load_average_at_start') or [])}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in sorted(env.get("versions", {}).items())),
        f"- git commit: {env.get('git_commit') or 'unknown'}",
        f"- seeds: {plan.get('seeds')}"
        + "".join(f", {d}: {v}" for d, v in plan.get("seeds_per_dataset", {}).items())
        + f"; pseudo rows capped at {plan.get('max_pseudo', 0):,} per "
        f"distillation; boosted teachers capped at {plan.get('max_teacher_trees', 0):,} trees",
        "",
    ]
    lines += [SIZING_LINK, ""]
    lines += _protocol_text(plan)
    lines += ["## Targets", "", "Goals of the project, not tests; evaluated on the rows below.", ""]
    lines.append(
        _table(["target", "result", "numbers"], [list(t) for t in evaluate_targets(sections)])
    )
    lines.append("")
    if gap_path:
        lines += [f"![gap closed per student]({_rel(gap_path, doc)})", ""]

    for sec in sections:
        lines += _section_text(sec, per_section.get(sec.key), doc)
    lines += deployment_text()

    errors = [(c["dataset"], e) for c in results["cells"] for e in c.get("errors", [])]
    failed = results.get("failed_cells", [])
    if errors or failed:
        lines += ["## Errors", ""]
        lines += [f"- {d}: {e['where']}: `{e['error']}`" for d, e in errors]
        lines += [f"- cell {f['spec']['dataset']}: {f['error']}" for f in failed]
        lines.append("")
    return "\n".join(lines)


def _protocol_text(plan):
    grid = plan.get("grid", {})
    return [
        "## Protocol",
        "",
        "- **Splits** are fixed per data set (listed in each section) and do not depend on the "
        "seed; the seed varies the teacher, the sampler and the student. Class labels are "
        "encoded 0..k-1.",
        "- **Teachers**: LightGBM (63 leaves, learning rate 0.1) and XGBoost (depth 8, "
        "learning rate 0.1, row and column subsampling 0.8), both early-stopped (50 rounds) on "
        "a 15% validation part of the train rows, with at most "
        f"{plan.get('max_teacher_trees', 0):,} trees over all classes; a random forest of 200 "
        "full-depth trees (ordinal-encoded categories in a Pipeline). The compiled teacher is "
        "the LightGBM model through treelite + tl2cgen (gcc), checked to give the same "
        "probabilities.",
        "- **Students**: `SoftMLPClassifier/Regressor(hidden_layer_sizes=(64, 64))`, "
        "`SoftTree*(max_depth=8)`, `SoftGBM*(n_estimators=30, num_leaves=15)`, "
        "`SoftLogisticRegression()` (regression: `StandardScaler + Ridge` through the "
        "distiller's regressor adapter; there is no logistic model for regression).",
        "- **Variants**: *direct* = the student fit on the true labels of the train rows; "
        "*naive* = `Distilled*(teacher, student, sampler=None)`, the teacher's outputs on the "
        "train rows only; *skdistill* = the distiller's defaults except `n_samples` = min(default, "
        f"{plan.get('max_pseudo', 0):,} / n_train) (the cap keeps the suite within its time "
        "budget); *skdistill + search* = the best of temperature "
        f"{grid.get('temperatures')} x sampler {grid.get('samplers')} (regression: sampler "
        "only) by validation accuracy / R² on 15% of the train rows, then refit on all train "
        f"rows (only for teachers {plan.get('search_teachers')} and students "
        f"{plan.get('search_students')}).",
        "- **Gap closed** = (distilled − direct) / (teacher − direct) on test **accuracy** "
        "(classification) or test **R²** (regression), from the means over seeds; undefined "
        f"(–) when the teacher beats the direct student by less than {MIN_GAP} (the ratio "
        "would be mostly noise).",
        "- **Fidelity**: agreement of the student's predicted class with the teacher's "
        "(classification), R² of the student's predictions against the teacher's (regression), "
        "on the test rows.",
        "- **Size** is `len(pickle.dumps(model))` of the teacher and of the student "
        "(`model.student_`, what you deploy); the compiled teacher's size is its `.so` file.",
        "- **Throughput** = test rows / shortest time of up to 3 `predict_proba` (`predict`) "
        "calls on the whole test part; **latency** = median time of up to "
        f"{plan.get('timing', {}).get('single_row_repeats', 100)} one-row calls after a "
        "warm-up, of the student object; *distiller latency* is the same through the "
        "distiller's `predict_proba`, which adds input validation. The teacher is timed through "
        "its own `predict_proba` / `predict`. All libraries use their default threads (2 "
        "cores); timings depend on the machine's load.",
        "- **Fit time** is the distiller's wall time, split into sampling / labeling (teacher "
        "predictions on the transfer set) / training of the student (`fit_times_`); the "
        "search's time includes all candidates and the refit.",
        "- **Peak memory** is the peak resident memory during the fit minus the resident "
        "memory just before it, in the worker process (Linux: peak reset through "
        "`/proc/self/clear_refs`, read from `VmHWM`). Each data set runs in a fresh process.",
        "",
    ]


def _section_text(sec, plot, doc):
    lines = [f"## {sec.title}", ""]
    lines.append(
        f"{sec.task}, {sec.n_train:,} train / {sec.n_test:,} test rows, {sec.n_features} "
        f"features"
        + (f", {sec.n_classes} classes" if sec.n_classes else "")
        + f"; seeds {sec.seeds}; pseudo rows per distillation {sec.n_samples:.2f} x train. "
        f"Split: {sec.split}"
    )
    lines.append("")
    classification = sec.task == "classification"
    q_keys = ["accuracy", "log_loss", "roc_auc"] if classification else ["rmse", "r2"]
    q_names = ["accuracy", "log loss", "ROC AUC"] if classification else ["RMSE", "R²"]

    header = [
        "teacher",
        "trees",
        *q_names,
        "size",
        "rows/s",
        "latency µs",
        "fit s",
        "compiled rows/s",
        "compiled latency µs",
        "compile s",
    ]
    rows = []
    for name, infos in sec.teachers.items():
        compiled = infos[0].get("compiled", {})
        rows.append(
            [
                infos[0].get("description", name),
                _f(sec.teacher_value(name, ("n_trees",)), 0),
                *[_f(sec.teacher_value(name, ("quality", k))) for k in q_keys],
                _bytes(sec.teacher_value(name, ("size_bytes",))),
                _rate(sec.teacher_value(name, ("throughput_rows_s",))),
                _us(sec.teacher_value(name, ("latency_s",))),
                _secs(sec.teacher_value(name, ("fit_seconds",))),
                _rate(sec.teacher_value(name, ("compiled", "throughput_rows_s"))),
                _us(sec.teacher_value(name, ("compiled", "latency_s"))),
                _secs(sec.teacher_value(name, ("compiled", "compile_seconds")))
                if "skipped" not in compiled
                else "skipped",
            ]
        )
    lines += [_table(header, rows), ""]
    skipped = {c.get("compiled", {}).get("skipped") for i in sec.teachers.values() for c in i}
    skipped.discard(None)
    lines += [f"Compiled teacher: {s}." for s in sorted(skipped)]
    if skipped:
        lines.append("")

    lines += ["Quality on the test rows (mean ± std over seeds when there are several):", ""]
    header = ["teacher", "student", "variant", *q_names, "fidelity", "gap closed", "params"]
    rows = []
    for teacher, student in sec.pairs():
        for v in VARIANTS:
            key = (teacher, student, v)
            if key not in sec.rows:
                continue
            params = sec.rows[key][0].get("params", {})
            shown = ", ".join(f"{k}={_short(val)}" for k, val in params.items() if k != "n_samples")
            rows.append(
                [
                    TEACHER_TEXT[teacher],
                    STUDENT_TEXT[student],
                    v,
                    *[_pm(sec.row_values(*key, ("quality", k))) for k in q_keys],
                    _pm(sec.row_values(*key, ("fidelity",))),
                    "" if v == "direct" else _pct(sec.gap_closed(*key)),
                    shown,
                ]
            )
    lines += [_table(header, rows), ""]

    lines += [
        "Cost: size, speed and fit time (ratios are teacher / student for size and "
        "student / teacher for speed):",
        "",
    ]
    header = [
        "teacher",
        "student",
        "variant",
        "size",
        "size ratio",
        "rows/s",
        "speed-up",
        "vs compiled",
        "latency µs",
        "distiller latency µs",
        "fit s",
        "sampling / labeling / training s",
        "transfer rows",
        "peak MB",
    ]
    rows = []
    for teacher, student in sec.pairs():
        t_size = sec.teacher_value(teacher, ("size_bytes",))
        t_rate = sec.teacher_value(teacher, ("throughput_rows_s",))
        c_rate = sec.teacher_value(teacher, ("compiled", "throughput_rows_s"))
        for v in VARIANTS:
            key = (teacher, student, v)
            if key not in sec.rows:
                continue
            size = sec.row_value(*key, ("size_bytes",))
            rate = sec.row_value(*key, ("throughput_rows_s",))
            split_times = " / ".join(
                _secs(sec.row_value(*key, ("fit_times", k)))
                for k in ("sampling", "labeling", "training")
            )
            rows.append(
                [
                    TEACHER_TEXT[teacher],
                    STUDENT_TEXT[student],
                    v,
                    _bytes(size),
                    _x(t_size / size),
                    _rate(rate),
                    _x(rate / t_rate),
                    _x(rate / c_rate),
                    _us(sec.row_value(*key, ("latency_s",))),
                    _us(sec.row_value(*key, ("distiller_latency_s",))),
                    _secs(sec.row_value(*key, ("fit_seconds",))),
                    split_times
                    if v != "direct"
                    else "– / – / " + _secs(sec.row_value(*key, ("fit_times", "training"))),
                    _f(sec.row_value(*key, ("n_transfer",)), 0),
                    _f(sec.row_value(*key, ("peak_delta_mb",)), 0),
                ]
            )
    lines += [_table(header, rows), ""]
    if plot:
        lines += [f"![{sec.title}: quality vs prediction time]({_rel(plot, doc)})", ""]
    return lines


def _short(value):
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def deployment_text(path=None):
    """The section of ``python -m benchmarks.deploy``'s results, when they exist."""
    import json

    from .deploy import RESULTS, section

    path = Path(path or RESULTS)
    if not path.exists():
        return []
    results = json.loads(path.read_text())
    return section(results, _repo_relative(path)).splitlines()


def write_report(results, doc, results_path=None):
    doc = Path(doc)
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(render(results, doc, results_path=results_path) + "\n")
    return doc


def main(argv=None):
    import json

    p = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__)
    p.add_argument(
        "results",
        nargs="?",
        default=str(ROOT / "benchmarks" / "results" / "suite.json"),
        help="results JSON (default benchmarks/results/suite.json)",
    )
    p.add_argument("--doc", help="markdown output (default docs/benchmarks.md)")
    args = p.parse_args(argv)
    path = Path(args.results)
    doc = Path(args.doc) if args.doc else ROOT / "docs" / "benchmarks.md"
    write_report(json.loads(path.read_text()), doc, results_path=path)
    print(f"wrote {doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""
The benchmarks in one picture
=============================

The benchmark suite (``python -m benchmarks.run``, results in ``docs/benchmarks.md``) distils
LightGBM, XGBoost and random-forest teachers on seven real tables. This example reads its
stored results and plots, for the LightGBM teacher, the share of the gap between the student
trained directly on the labels and the teacher that distillation closed:
``(distilled - direct) / (teacher - direct)`` in accuracy (R² for regression), averaged over
the seeds of each table.
"""

import json
from collections import defaultdict
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

try:
    ROOT = Path(__file__).resolve().parents[1]
except NameError:  # run interactively from examples/
    ROOT = Path.cwd().parent
results = json.loads((ROOT / "benchmarks" / "results" / "suite.json").read_text())


def quality(entry, task):
    return entry["quality"]["accuracy" if task == "classification" else "r2"]


gaps = defaultdict(list)  # (dataset, student) -> gap closed, one per seed
for cell in results["cells"]:
    teacher = quality(cell["teachers"]["lightgbm"], cell["task"])
    rows = {(r["student"], r["variant"]): r for r in cell["rows"] if r["teacher"] == "lightgbm"}
    for student in ("mlp", "tree"):
        direct = quality(rows[student, "direct"], cell["task"])
        distilled = quality(rows[student, "skdistill"], cell["task"])
        if teacher != direct:
            gaps[cell["dataset"], student].append((distilled - direct) / (teacher - direct))

datasets = sorted({d for d, _ in gaps})
for (dataset, student), values in sorted(gaps.items()):
    print(f"{dataset:22s} {student:5s} gap closed {np.mean(values):6.0%}")

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
width = 0.38
for i, student in enumerate(("mlp", "tree")):
    means = [np.mean(gaps.get((d, student), [np.nan])) for d in datasets]
    ax.bar(np.arange(len(datasets)) + (i - 0.5) * width, means, width, label=f"{student} student")
ax.axhline(0, color="black", linewidth=0.8)
ax.set_xticks(np.arange(len(datasets)), datasets, rotation=30, ha="right")
ax.set_ylabel("gap closed")
ax.set_title("Distilled from LightGBM (skdistill defaults)")
ax.legend()
fig.tight_layout()

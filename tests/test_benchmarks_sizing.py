"""The sizing benchmark's choice and report, on synthetic results (no data, no training)."""

import json
import math

from benchmarks.sizing import default_choice
from benchmarks.sizing_report import evaluate_targets, merge, render


def student(kind, label, size, direct, distilled, holdout, shipped="distilled"):
    name = f"SoftTreeClassifier(max_{label.replace(' ', '=')})" if kind == "tree" else label
    record = {
        "student": f"SoftMLPClassifier(hidden_layer_sizes={label})" if kind == "mlp" else name,
        "size_bytes": size,
        "latency_us": 50.0,
        "fidelity": 0.9,
        "score": holdout,
        "fit_time": 1.0,
        "error": "",
    }
    return {
        "kind": kind,
        "label": label,
        "size_bytes": size,
        "latency_us": 50.0,
        "direct": direct,
        "distilled": distilled,
        "fidelity": 0.9,
        "holdout_score": holdout,
        "holdout": {"shipped": shipped},
        "fit_seconds": 1.0,
        "record": record,
    }


def cell():
    students = [
        student("mlp", "16", 10_000, 0.80, 0.82, 0.80),
        student("mlp", "32x32", 30_000, 0.81, 0.85, 0.85),
        student("mlp", "64x64", 90_000, 0.82, 0.86, 0.852),  # no gain: the climb stops
        student("mlp", "128x128", 300_000, 0.83, 0.88, 0.90),  # never trained by default
        student("tree", "depth 8", 40_000, 0.78, 0.77, 0.77, shipped="direct"),
    ]
    return {
        "dataset": "toy",
        "seed": 0,
        "task": "classification",
        "n_train": 1000,
        "n_test": 500,
        "teacher": {
            "description": "LightGBM",
            "score": 0.90,
            "latency_us": 500.0,
            "size_bytes": 2_000_000,
            "compiled": {"error": "not installed"},
        },
        "transfer_sets": {},
        "students": students,
    }


def test_the_default_choice_climbs_like_the_distiller():
    c = cell()
    index, trained = default_choice(c["students"])
    # The tree is always trained; 64x64 did not improve by > 0.005: 128x128 skipped.
    assert (index, trained) == (1, 4)
    # A tree of the default ladder competes with the MLPs; one of another depth does not.
    c["students"][-1]["record"]["score"] = 0.95
    assert default_choice(c["students"]) == (4, 4)
    c["students"].append(student("tree", "depth 4", 5_000, 0.7, 0.7, 0.99))
    assert default_choice(c["students"]) == (4, 4)


def test_report_and_targets(tmp_path):
    c = cell()
    targets, worse = evaluate_targets([c])
    median = targets[0]
    assert median[1] == "44%" and not median[2]  # (0.85 - 0.81) / (0.90 - 0.81)
    assert [(w["dataset"], w["kind"], w["label"]) for w in worse] == [("toy", "tree", "depth 8")]
    assert math.isclose(worse[0]["delta"], -0.01)
    assert targets[3][1] == "toy 67x" and targets[3][2]
    results = {
        "plan": {
            "max_pseudo": 10,
            "max_train": 1000,
            "max_test": 500,
            "max_teacher_trees": 5,
            "seeds": [0],
        },
        "command": "python -m benchmarks.sizing --quick",
        "environment": {"machine": "x86_64"},
        "seconds": 60.0,
        "cells": [c],
    }
    text = render(results, tmp_path / "doc.md")
    assert "| toy | accuracy | 1 | 0.9000 | 0.8100 | 0.8500 | 44% | mlp 32x32 (4 trained)" in text
    assert "tree depth 8 †" in text


def seeded_cell(seed, tree_distilled):
    c = cell()
    c["seed"] = seed
    c["students"][-1]["distilled"] = tree_distilled
    return c


def test_with_seeds_only_a_shortfall_beyond_two_seed_deviations_counts():
    # Tree depth 8: direct 0.78 on both seeds; distilled -0.01 and +0.01: mean 0, noise 0.014.
    within_noise = [seeded_cell(0, 0.77), seeded_cell(1, 0.79)]
    targets, worse = evaluate_targets(within_noise)
    assert worse == [] and targets[2][2]
    assert "2 seeds" in targets[2][1]
    # -0.03 and -0.02: mean -0.025, noise 0.007: beyond two deviations.
    beyond = [seeded_cell(0, 0.75), seeded_cell(1, 0.76)]
    _, worse = evaluate_targets(beyond)
    assert [(w["kind"], w["label"]) for w in worse] == [("tree", "depth 8")]
    assert math.isclose(worse[0]["delta"], -0.025)


def test_runs_merge_into_one_report(tmp_path):
    paths = []
    for seed in (0, 1):
        run = {"plan": {}, "command": f"run {seed}", "seconds": 30.0, "environment": {}}
        run["cells"] = [seeded_cell(seed, 0.78)]
        paths.append(tmp_path / f"s{seed}.json")
        paths[-1].write_text(json.dumps(run))
    merged = merge(paths)
    assert [c["seed"] for c in merged["cells"]] == [0, 1]
    assert merged["seconds"] == 60.0 and merged["command"] == "run 0; run 1"

"""The sizing benchmark's choice and report, on synthetic results (no data, no training)."""

import math

from benchmarks.sizing import default_choice
from benchmarks.sizing_report import evaluate_targets, render


def student(kind, label, size, direct, distilled, holdout, shipped="distilled"):
    record = {
        "student": label,
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
    assert (index, trained) == (1, 3)  # 64x64 did not improve by > 0.005: 128x128 skipped


def test_report_and_targets(tmp_path):
    c = cell()
    c["chosen_index"], c["default_trains"] = default_choice(c["students"])
    targets, worse = evaluate_targets([c])
    median = targets[0]
    assert median[1] == "44%" and not median[2]  # (0.85 - 0.81) / (0.90 - 0.81)
    assert [w[:3] for w in worse] == [("toy", "tree", "depth 8")]
    assert math.isclose(worse[0][3], -0.01)
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
    assert "| toy | accuracy | 0.9000 | 0.8100 | 0.8500 | 44% | MLP 32x32 (3 trained)" in text
    assert "tree depth 8 †" in text

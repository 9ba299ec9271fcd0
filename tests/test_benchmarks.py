"""The benchmark harness end to end on a tiny subset, and the report's arithmetic.

The data comes from the copy of MAGIC Gamma bundled with skdistill, so this test needs neither
the shared datasets directory nor a network.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "skdistill" / "datasets"


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.json"
    command = [
        sys.executable, "-m", "benchmarks.run",
        "--datasets", "magic_gamma",
        "--teachers", "lightgbm",
        "--students", "tree", "linear",
        "--search-students", "tree",
        "--temperatures", "1", "3",
        "--samplers", "default",
        "--seeds", "0",
        "--max-train", "300",
        "--max-test", "200",
        "--max-pseudo", "900",
        "--max-teacher-trees", "20",
        "--single-row-repeats", "5",
        "--no-compile",
        "--data-dir", str(BUNDLED),
        "--out", str(out),
    ]  # fmt: skip
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out, proc.stdout


def test_run_writes_results_json(tiny_run):
    out, stdout = tiny_run
    results = json.loads(out.read_text())
    meta = results["meta"]
    assert meta["command"].startswith("python -m benchmarks.run --datasets magic_gamma")
    assert meta["environment"]["cpu_count"] >= 1
    assert {"numpy", "scikit-learn", "lightgbm"} <= set(meta["environment"]["versions"])
    assert meta["wall_seconds"] > 0 and meta["estimated_seconds"] > 0
    assert results["failed_cells"] == []
    (cell,) = results["cells"]
    assert cell["errors"] == []
    assert (cell["dataset"], cell["n_train"], cell["n_test"]) == ("magic_gamma", 300, 200)
    assert cell["n_samples"] == pytest.approx(3.0)  # 900 pseudo rows / 300 train rows

    teacher = cell["teachers"]["lightgbm"]
    assert 0.5 < teacher["quality"]["accuracy"] <= 1.0
    assert teacher["n_trees"] <= 20
    assert teacher["size_bytes"] > 0 and teacher["throughput_rows_s"] > 0

    variants = {(r["student"], r["variant"]) for r in cell["rows"]}
    assert variants == {
        ("tree", "direct"),
        ("tree", "naive"),
        ("tree", "skdistill"),
        ("tree", "skdistill+search"),
        ("linear", "direct"),
        ("linear", "naive"),
        ("linear", "skdistill"),
    }
    for row in cell["rows"]:
        assert set(row["quality"]) == {"accuracy", "log_loss", "roc_auc"}
        assert 0.0 <= row["fidelity"] <= 1.0
        assert row["size_bytes"] > 0
        assert row["throughput_rows_s"] > 0 and row["latency_s"] > 0
        assert row["peak_delta_mb"] >= 0
        if row["variant"] == "direct":
            assert row["n_transfer"] == 300
        else:
            assert set(row["fit_times"]) >= {"sampling", "labeling", "training"}
    by_variant = {(r["student"], r["variant"]): r for r in cell["rows"]}
    assert by_variant[("tree", "naive")]["n_transfer"] == 300
    assert by_variant[("tree", "skdistill")]["n_transfer"] == 300 + 900
    search = by_variant[("tree", "skdistill+search")]
    assert len(search["search_candidates"]) == 2
    assert search["params"]["temperature"] in (1.0, 3.0)
    # Progress lines name the data set, teacher, student and step.
    assert "lightgbm -> SoftTree depth 8: skdistill" in stdout
    assert "estimated total" in stdout


def test_run_writes_markdown_and_plots(tiny_run):
    out, _ = tiny_run
    doc = out.with_suffix(".md")
    text = doc.read_text()
    assert text.startswith("# Benchmarks")
    assert "## magic_gamma (300 train rows)" in text
    for target in ("Median gap closed", "never worse than direct", "100x faster", "smaller"):
        assert target in text
    assert "| LightGBM | tree depth 8 | skdistill+search |" in text
    images = sorted((doc.parent / "img").glob("results_*.png"))
    assert [p.name for p in images] == [
        "results_gap_closed.png",
        "results_quality_time_magic_gamma_n300.png",
    ]
    assert all(p.stat().st_size > 1000 for p in images)


def test_report_regenerates_from_json(tiny_run, tmp_path):
    out, _ = tiny_run
    doc = tmp_path / "again.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.report", str(out), "--doc", str(doc)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "## Targets" in doc.read_text()


def _cell(seed, teacher_acc, direct_acc, distilled_acc, *, teacher_rate=1e4, student_rate=2e6):
    def row(variant, acc):
        return {
            "teacher": "lightgbm",
            "student": "mlp",
            "variant": variant,
            "quality": {"accuracy": acc},
            "fidelity": 0.9,
            "size_bytes": 10_000,
            "throughput_rows_s": student_rate,
            "latency_s": 1e-4,
        }

    return {
        "dataset": "toy",
        "task": "classification",
        "seed": seed,
        "n_train": 100,
        "n_test": 100,
        "n_features": 3,
        "n_classes": 2,
        "split": "",
        "n_samples": 10.0,
        "teachers": {
            "lightgbm": {
                "quality": {"accuracy": teacher_acc},
                "size_bytes": 2_000_000,
                "throughput_rows_s": teacher_rate,
                "compiled": {"throughput_rows_s": 1e5},
            }
        },
        "rows": [row("direct", direct_acc), row("skdistill", distilled_acc)],
        "errors": [],
    }


def test_gap_closed_and_targets_arithmetic(monkeypatch):
    # benchmarks/ is not installed with the package; import it from the repository.
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.report import evaluate_targets, sections_of

    results = {"cells": [_cell(0, 0.90, 0.80, 0.89), _cell(1, 0.90, 0.82, 0.89)]}
    (section,) = sections_of(results)
    # Means over seeds: teacher 0.90, direct 0.81, distilled 0.89 -> 8/9 of the gap.
    assert section.gap_closed("lightgbm", "mlp", "skdistill") == pytest.approx(8 / 9)
    verdicts = {name: verdict for name, verdict, _ in evaluate_targets([section])}
    gap, worse, speed, size = verdicts.values()
    assert gap == "**not met**"  # 89% < 90%
    assert worse == "**met**"
    assert speed == "**met**"  # 200x the teacher, 20x the compiled teacher
    assert size == "**met**"  # 200x smaller

    # A teacher within noise of the direct student leaves the gap undefined.
    (flat,) = sections_of({"cells": [_cell(0, 0.801, 0.80, 0.85)]})
    assert math.isnan(flat.gap_closed("lightgbm", "mlp", "skdistill"))
    # A distilled student below direct with one seed counts as worse.
    (bad,) = sections_of({"cells": [_cell(0, 0.90, 0.85, 0.84, student_rate=5e4)]})
    verdicts = {name: verdict for name, verdict, _ in evaluate_targets([bad])}
    assert list(verdicts.values())[1:3] == ["**not met**", "**not met**"]


def _run_on_the_bundled_table(module, *args):
    """Run ``python -m module *args`` with the data read from the bundled copy of MAGIC."""
    env = {**os.environ, "SKDISTILL_DATA": str(BUNDLED)}
    command = [sys.executable, "-m", module, *args]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_defaults_search_for_another_student(tmp_path):
    out, doc = tmp_path / "search.json", tmp_path / "defaults_tree.md"
    _run_on_the_bundled_table(
        "benchmarks.defaults_search",
        "--student", "tree",
        "--stages", "sampler",
        "--datasets", "magic_gamma",
        "--max-train", "400",
        "--max-test", "200",
        "--out", str(out),
        "--markdown", str(doc),
    )  # fmt: skip
    summary = json.loads(out.read_text())
    assert summary["student"] == "tree"
    assert [h["stage"] for h in summary["history"]] == ["sampler"] * 5
    assert summary["best"]["sampler"] in {"MUNGE", "Smear", "GaussianNoise", "Mixup", "none"}
    assert summary["best"]["n_samples"] == 20.0  # the library default, untouched
    assert "# Defaults for SoftTree depth 8" in doc.read_text()


def test_input_bins_benchmark(tmp_path):
    out, doc = tmp_path / "input_bins.json", tmp_path / "input_bins.md"
    _run_on_the_bundled_table(
        "benchmarks.input_bins",
        "--datasets", "magic_gamma",
        "--sizes", "8",
        "--bins", "4",
        "--max-train", "400",
        "--max-test", "200",
        "--max-pseudo", "800",
        "--max-teacher-trees", "20",
        "--out", str(out),
        "--doc", str(doc),
    )  # fmt: skip
    (result,) = json.loads(out.read_text())["datasets"]
    assert [(c["size"], c["input_bins"]) for c in result["cells"]] == [("8", None), ("8", 4)]
    for cell in result["cells"]:
        assert 0.5 < cell["direct"] <= 1 and 0.5 < cell["distilled"] <= 1
    assert "| magic_gamma | accuracy |" in doc.read_text()

"""The documentation site builds without warnings, and a real browser shows its plots and
those of the command line's HTML report.

The site is built from a copy of ``docs/``, ``examples/``, the package and the benchmark
results in a temporary folder, so the build runs every example and leaves the checkout clean.
Headless Chromium comes from the system (``apt-get install chromium``, done by ``.ci/run``);
without it the browser checks skip, unless ``SKDISTILL_REQUIRE_CHROMIUM`` is set (as in CI),
when they fail.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _cli_helpers import make_table, run, write_models

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("plot_*.py"))

# Added to a copy of a page: once it has loaded, every <img> records whether it decoded.
_PROBE = """<script>
window.addEventListener("load", function () {
  for (const img of document.images) {
    img.setAttribute("data-natural-width", String(img.naturalWidth));
  }
  document.body.setAttribute("data-probed", "yes");
});
</script>"""


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("SKDISTILL_REQUIRE_CHROMIUM"):
        pytest.fail("SKDISTILL_REQUIRE_CHROMIUM is set but chromium is not installed")
    pytest.skip("headless Chromium is not installed (apt-get install chromium); CI installs it")


def rendered_images(page, tmp_path):
    """(src, naturalWidth) of each <img> of ``page`` as headless Chromium renders it."""
    probe = page.with_name(f"_probe_{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"))
    result = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'chromium-profile'}",
         "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert 'data-probed="yes"' in result.stdout, result.stderr[-2000:]
    images = re.findall(r"<img\b[^>]*>", result.stdout)
    return [
        (re.search(r'src="([^"]*)"', tag).group(1)[:80],
         int(re.search(r'data-natural-width="(\d+)"', tag).group(1)))
        for tag in images
    ]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    source = tmp_path_factory.mktemp("site")
    for folder in ("docs", "examples", "skdistill"):
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns("_build", "generated", "auto_examples",
                                                      "gen_modules", "__pycache__"))  # fmt: skip
    (source / "benchmarks" / "results").mkdir(parents=True)
    shutil.copy(ROOT / "benchmarks" / "results" / "suite.json", source / "benchmarks" / "results")
    html = source / "html"
    tic = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(source / "doctrees"), str(source / "docs"), str(html)],
        capture_output=True, text=True, timeout=1200, check=False, cwd=source,
    )  # fmt: skip
    seconds = time.perf_counter() - tic
    assert result.returncode == 0, f"the docs build failed or warned:\n{result.stderr[-6000:]}"
    (html / "_build_seconds.json").write_text(json.dumps(seconds))
    return html


def test_site_has_api_pages_and_every_example(site):
    for page in ("api.html", "guide.html", "cli.html", "benchmarks.html",
                 "generated/skdistill.DistilledClassifier.html",
                 "generated/skdistill.samplers.MUNGE.html",
                 "generated/skdistill.students.SoftMLPClassifier.html",
                 "generated/skdistill.teachers.as_teacher.html",
                 "generated/skdistill.metrics.distillation_report.html"):  # fmt: skip
        assert (site / page).is_file(), page
    numpydoc = (site / "generated" / "skdistill.DistilledClassifier.html").read_text()
    assert "Parameters" in numpydoc and "temperature" in numpydoc
    for name in EXAMPLES:
        page = (site / "auto_examples" / f"{name}.html").read_text()
        assert "sphx-glr-single-img" in page or "sphx-glr-multi-img" in page, name


def test_front_page_and_gallery_plots_render_in_chromium(site, tmp_path):
    front = rendered_images(site / "index.html", tmp_path)
    assert any("benchmarks_gap_closed" in src for src, _ in front), front
    assert front and all(width > 0 for _, width in front), front
    gallery = rendered_images(site / "auto_examples" / "index.html", tmp_path)
    assert len(gallery) >= len(EXAMPLES) and all(width > 0 for _, width in gallery), gallery


def test_cli_html_report_plots_render_in_chromium(tmp_path):
    table = make_table()
    table.to_csv(tmp_path / "t.csv", index=False)
    teacher = write_models(tmp_path, table)["lightgbm"]
    students = []
    for kind in ("tree", "linear"):
        result = run(
            "distill",
            "--teacher",
            teacher,
            "--data",
            tmp_path / "t.csv",
            "--target",
            "label",
            "--out",
            tmp_path / kind,
            "--student",
            kind,
            "--n-samples",
            "1",
        )
        assert result.returncode == 0, result.stderr
        students += ["--model", tmp_path / kind / "student.skops"]
    page = tmp_path / "report.html"
    result = run("report", "--teacher", teacher, "--data", tmp_path / "t.csv", "--target",
                 "label", *students, "--html", page)  # fmt: skip
    assert result.returncode == 0, result.stderr
    images = rendered_images(page, tmp_path)
    assert len(images) == 3, images  # agreement, calibration, quality against latency
    assert all(src.startswith("data:image/png;base64,") and width > 300 for src, width in images)

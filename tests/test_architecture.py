"""The architecture's walls (docs/architecture.md), held by import-linter's contracts in
pyproject.toml: samplers, teachers and students are independent leaves that never import the
distillers, and the library never imports its benchmarks."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(cwd):
    """Run ``lint-imports`` in ``cwd`` (which holds pyproject.toml and the packages)."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    exe = shutil.which("lint-imports", path=search)
    if exe is None:
        pytest.fail("lint-imports not found: install the test extra, pip install -e '.[test]'.")
    # The packages of cwd, not an installed copy, are the ones to analyse.
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [exe, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    "module, forbidden_import, contract",
    [
        ("samplers/_marginal.py", "from ..students import _base", "independent leaves"),
        ("students/_loss.py", "from .. import _distill", "never import the distillers"),
        ("metrics.py", "import benchmarks", "never imports its benchmarks"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, forbidden_import, contract):
    shutil.copytree(ROOT / "skdistill", tmp_path / "skdistill")
    shutil.copytree(ROOT / "benchmarks", tmp_path / "benchmarks")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "skdistill" / module, "a") as f:
        f.write(f"\n{forbidden_import}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    # (importing the distiller also imports the other leaves, through it)
    assert any(contract in line for line in broken), result.stdout

"""The ``skdistill`` command: the README's main job must keep working."""

import subprocess
import sys

import pytest

from skdistill import __version__
from skdistill.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"skdistill {__version__}"


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "demo" in capsys.readouterr().err


def test_demo_prints_the_comparison():
    """The whole demo, as a newcomer runs it (about 30 s on 2 cores)."""
    result = subprocess.run(
        [sys.executable, "-m", "skdistill.cli", "demo"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in ("teacher: LightGBM", "direct:", "distilled:", "fidelity", "gap closed"):
        assert expected in out, out

"""The README's commands and examples are the ones CI runs and that work."""

import re
import shlex
from pathlib import Path

from _cli_helpers import run

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_blocks():
    return re.findall(r"```(?:bash|sh|console)\n(.*?)```", README, flags=re.S)


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for block in shell_blocks() for line in block.splitlines()]
    test_commands = [c for c in commands if "pytest" in c]
    assert len(test_commands) == 1, "the README gives exactly one test command"
    assert test_commands[0] in ci.splitlines()


def test_readme_python_examples_run():
    # The examples build on each other, as a reader runs them: one namespace for all.
    namespace = {"__name__": "readme_example"}
    for block in re.findall(r"```python\n(.*?)```", README, flags=re.S):
        exec(compile(block, "README.md", "exec"), namespace)


def test_readme_shell_commands_of_the_cli_work_as_written(tmp_path):
    """Every ``skdistill ...`` command of the README's "From the shell" block, in order."""
    block = next(b for b in shell_blocks() if "skdistill distill" in b)
    commands = [
        part.strip()
        for line in block.splitlines()
        for part in line.split("&&")
        if part.strip().startswith("skdistill ")
    ]
    assert [c.split()[1] for c in commands] == ["demo", "distill", "report", "predict"]
    outputs = {}
    for command in commands:
        result = run(*shlex.split(command)[1:], cwd=tmp_path)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        outputs[command.split()[1]] = result.stdout
    assert "fidelity (agreement)" in outputs["distill"] and "accuracy" in outputs["report"]
    assert (tmp_path / "magic" / "student" / "student.skops").is_file()
    assert "<img" in (tmp_path / "magic" / "report.html").read_text()
    assert len((tmp_path / "magic" / "predictions.csv").read_text().splitlines()) == 4756

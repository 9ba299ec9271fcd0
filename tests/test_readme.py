"""The README's commands and examples are the ones CI runs and that work."""

import re
from pathlib import Path

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

"""The ``skdistill`` command: one module per sub-command.

- ``demo``: the whole job on bundled real data (``--save DIR`` writes its inputs instead).
- ``distill``: a saved teacher and a table in, a saved student and a report out.
- ``report``: saved students next to their teacher; ``--html`` adds plots.
- ``predict``: a saved student's predictions for a table.

A user's mistake (a missing file, a wrong format, columns that do not match, a bad option)
is one line on stderr and exit code 2, never a traceback. Set ``SKDISTILL_TRACEBACK=1`` to see
the traceback of an unexpected error.
"""

import os
import sys
import warnings

from .. import __version__
from . import _demo, _distill, _predict, _report
from ._errors import UserError
from ._options import Parser

#: Exit codes: 2 for a user's mistake (as argparse), 1 for an unexpected failure.
USER_ERROR, FAILURE = 2, 1


def build_parser():
    parser = Parser(prog="skdistill", description="Knowledge distillation of tabular models.")
    parser.add_argument("--version", action="version", version=f"skdistill {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (_demo, _distill, _report, _predict):
        module.add_parser(commands)
    commands.metavar = "{" + ",".join(commands.choices) + "}"
    return parser


def _one_line(text):
    return " ".join(str(text).split())


def _warning_line(message, category, filename, lineno, file=None, line=None):
    """A warning (e.g. the student did not converge) as one line, without source code."""
    sys.stderr.write(f"{category.__name__}: {_one_line(message)}\n")


def main(argv=None):
    """Entry point of the ``skdistill`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    prog = f"skdistill {args.command}"
    try:
        with warnings.catch_warnings():  # restores showwarning when done
            warnings.showwarning = _warning_line
            return args.run(args)
    except UserError as exc:
        message, code = str(exc), USER_ERROR
    except (ValueError, TypeError, OSError) as exc:  # skdistill's checks say what is wrong
        message, code = str(exc) or type(exc).__name__, USER_ERROR
        if os.environ.get("SKDISTILL_TRACEBACK"):
            raise
    except MemoryError:
        message, code = "out of memory; use fewer rows or a smaller --n-samples", FAILURE
    except KeyboardInterrupt:
        message, code = "interrupted", 130
    except Exception as exc:  # a bug: still one line, with a way to see more
        if os.environ.get("SKDISTILL_TRACEBACK"):
            raise
        message = f"unexpected {type(exc).__name__}: {exc} (set SKDISTILL_TRACEBACK=1 for details)"
        code = FAILURE
    sys.stdout.flush()
    sys.stderr.write(f"{prog}: error: {_one_line(message)}\n")
    return code

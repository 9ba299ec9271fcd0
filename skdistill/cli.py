"""The ``skdistill`` command (its sub-commands live in :mod:`skdistill._cli`)."""

import sys

from ._cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())

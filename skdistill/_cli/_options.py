"""Argument types with one-line messages, and the argument parser that prints one line."""

import argparse
import sys


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (``--help`` shows the usage)."""

    def error(self, message):
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        sys.exit(2)


def _number(kind, text, name):
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name} expected, got {text!r}") from None


def seed(text):
    """A random seed: an integer from 0 to 2**32 - 1."""
    value = _number(int, text, "an integer")
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be an integer from 0 to 2**32 - 1, got {value}")
    return value


def temperature(text):
    """A distillation temperature: a finite number >= 1 (below 1 sharpens, see the guide)."""
    value = _number(float, text, "a number")
    if not 1 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number >= 1, got {text}")
    return value


def non_negative_float(text):
    value = _number(float, text, "a number")
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text}")
    return value


def fraction(text):
    value = _number(float, text, "a number")
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be a fraction in [0, 1), got {text}")
    return value


def positive_int(text):
    value = _number(int, text, "an integer")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


def verbosity(text):
    value = _number(int, text, "an integer")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {value}")
    return value

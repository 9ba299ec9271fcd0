"""The one exception the commands raise for a user's mistake."""


class UserError(Exception):
    """A problem with the user's files or options: shown as one line, without a traceback."""


def first_line(exc):
    """The first line of an exception's message (or its type name when it has none)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

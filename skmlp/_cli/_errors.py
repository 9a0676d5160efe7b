"""How the command line reports a user's mistake: one line, exit status 2."""

import sys


class CLIError(Exception):
    """A user error: printed as one ``skmlp: error:`` line, exit status 2."""


def one_line(message):
    """``message`` with its line breaks folded into spaces.

    Messages of pandas and scikit-learn sometimes span lines; every report of
    the command line is one line, so that it can be grepped and logged.
    """
    return " ".join(str(message).split())


def warn(message):
    """Print ``skmlp: warning: message`` on stderr.

    Printed directly rather than through :mod:`warnings`, whose registry would
    show a repeated message only once per process (``main`` runs many times in
    one test process).
    """
    print(f"skmlp: warning: {one_line(message)}", file=sys.stderr)


def quoted_names(names, limit=10):
    """A short, readable list of column names for a message."""
    names = [str(name) for name in names]
    shown = ", ".join(repr(name) for name in names[:limit])
    if len(names) > limit:
        shown += f", ... ({len(names)} in all)"
    return shown

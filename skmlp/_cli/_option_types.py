"""The value types of the command-line options.

Each is an argparse ``type``: it turns the text the user typed into a value or
raises :class:`argparse.ArgumentTypeError`, so that argparse names the option
in the one-line error.  Only the standard library is imported here, because
``skmlp --help`` builds the parser and must stay fast.
"""

import argparse
import math


def _number(parse, accepts, requirement):
    """An argparse ``type``: ``parse`` the text (``float`` or ``int``) and keep
    values for which ``accepts`` holds; otherwise say the ``requirement``."""
    kind = "an integer" if parse is int else "a number"

    def convert(text):
        try:
            value = parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}") from None
        if parse is float and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
        if not accepts(value):
            raise argparse.ArgumentTypeError(f"{requirement}, got {text!r}")
        return value

    return convert


non_negative_float = _number(float, lambda v: v >= 0, "must be >= 0")
positive_float = _number(float, lambda v: v > 0, "must be > 0")
dropout_rate = _number(float, lambda v: 0 <= v < 1, "must be in [0, 1)")
# 0 is allowed: it means "train the final model on every row".
test_fraction = _number(
    float, lambda v: 0 <= v < 1, "must be a fraction of the samples in [0, 1)"
)
integer = _number(int, lambda v: True, "")
positive_int = _number(int, lambda v: v >= 1, "must be >= 1")
cv_folds = _number(int, lambda v: v >= 2, "needs at least 2 folds")
n_jobs = _number(int, lambda v: v != 0, "must be a positive number or -1 (all cores)")
# float64 carries 15-17 significant digits: more decimals would print noise.
decimals = _number(int, lambda v: 0 <= v <= 15, "must be between 0 and 15")


def random_state(text):
    """A seed >= 0, or ``none`` for a different run each time."""
    if text.lower() == "none":
        return None
    value = integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 or 'none', got {text!r}")
    return value


def batch_size(text):
    """A positive minibatch size, or ``auto``."""
    if text == "auto":
        return "auto"
    return positive_int(text)


def hidden_sizes(text):
    """Comma-separated positive layer widths; ``''`` or ``0`` for none."""
    text = text.strip()
    # "" and "0" both mean no hidden layer: the network is then a logistic /
    # softmax regression.
    if text in ("", "0"):
        return ()
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(
            "expected comma-separated positive layer widths such as 64,32 "
            f"('' or 0 for no hidden layer), got {text!r}"
        )
    return sizes


def lambda_list(text):
    """Comma-separated lambdas >= 0, sorted and without repeats."""
    values = [part.strip() for part in text.split(",")]
    if "" in values:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers >= 0 such as 0,1e-4,1e-3, got {text!r}"
        )
    # A repeated value would only repeat a row of the results table.
    return sorted({non_negative_float(value) for value in values})


def column_list(text):
    """Comma-separated column names, as in ``--drop id,name``."""
    names = [part.strip() for part in text.split(",")]
    if "" in names:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated column names such as id,name, got {text!r}"
        )
    return list(dict.fromkeys(names))


# Names for separators that are awkward to type in a shell.
SEPARATOR_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}


def separator(text):
    """One character that separates the fields of a CSV line."""
    value = SEPARATOR_NAMES.get(text.lower(), text)
    if len(value) != 1 or value in "\"'\r\n":
        raise argparse.ArgumentTypeError(
            "expected one character such as ';' or 'tab', got " f"{text!r}"
        )
    return value

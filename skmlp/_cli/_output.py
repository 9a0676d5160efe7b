"""How the commands' results read: settings, durations, tables, progress."""

import time

from ._parser import LAMBDAS

# estimator parameter -> the option that sets it, as the settings line names it
_SETTINGS = {
    "loss": "loss",
    "hidden_layer_sizes": "hidden",
    "activation": "activation",
    **{param: option for option, param in LAMBDAS.items()},
    "dropout": "dropout",
    "optimizer": "optimizer",
    "learning_rate": "learning_rate",
    "learning_rate_decay": "learning_rate_decay",
    "batch_size": "batch_size",
    "max_iter": "epochs",
    "early_stopping": "early_stopping",
    "random_state": "random_state",
}
# Printed only when set, to keep the line short in the common case.
_SHOWN_WHEN_SET = {"learning_rate_decay", "early_stopping"}


def value_text(value):
    """A parameter value as the user would type it: ``64,32``, ``0.0001``."""
    if isinstance(value, tuple):
        return ",".join(str(size) for size in value) or "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def settings(estimator, exclude=()):
    """``hidden=64, activation=relu, l1=0, ...``: the settings actually used."""
    params = estimator.get_params()
    shown = [
        param
        for param in _SETTINGS
        if param in params  # each estimator shows the settings it has
        and param not in exclude
        and (param not in _SHOWN_WHEN_SET or params[param])
    ]
    return ", ".join(f"{_SETTINGS[p]}={value_text(params[p])}" for p in shown)


def duration(seconds):
    """``0.42 s``, ``12 s``, ``3 min 05 s``."""
    if seconds < 10:
        return f"{seconds:.2g} s" if seconds < 1 else f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s"


def percent(fraction):
    """``25%``, ``12.5%``."""
    return f"{100 * fraction:g}%"


def table(header, rows):
    """Left-aligned columns separated by two spaces, no trailing blanks."""
    widths = [max(len(row[j]) for row in [header, *rows]) for j in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        for row in [header, *rows]
    )


class Progress:
    """One line per finished fit, with an estimate of the time left.

    The estimate is the wall time per finished fit so far times the fits
    still to come, which also holds when ``--n-jobs`` runs several at once.
    """

    def __init__(self, total, score_name):
        self.total = total
        self.score_name = score_name
        self.done = 0
        self.started = time.perf_counter()

    def fit_finished(self, setting, fold, n_folds, score, seconds):
        self.done += 1
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.done * (self.total - self.done)
        width = len(str(self.total))
        when = f"about {duration(left)} left" if self.done < self.total else "done"
        print(
            f"[{self.done:>{width}}/{self.total}] {setting}, fold {fold}/{n_folds}: "
            f"{self.score_name} {score:.3f} in {duration(seconds)}; {when}"
        )

"""``skmlp train``: fit one network, report how it went, save it."""

import time

import numpy as np

from . import _interrupts
from ._model import (
    ESTIMATOR_STEP,
    check_writable,
    estimator_params,
    make_model,
    save_model,
)
from ._output import duration, percent, settings
from ._prepare import data_lines, prepare


def run(args):
    """Train on the data the options name; return the exit status.

    Prints the settings, the data and preprocessing lines, one line per
    epoch, then how the result was measured and the ``Validation`` line
    (only that line with ``--quiet``).  The model file, if asked for, is
    written complete or not at all.
    """
    if args.save:
        # Checked first so that a typo in --save does not waste the training.
        check_writable(args.save, "model")
    prepared = prepare(args)
    split = prepared.split
    verbose = 0 if args.quiet else 1
    params = estimator_params(args, prepared.task, verbose=verbose)
    model = make_model(prepared.task, prepared.data.y, prepared.kinds, params)
    estimator = prepared.task.network(model.named_steps[ESTIMATOR_STEP])
    if not args.quiet:
        print(
            f"Training {type(estimator).__name__} on {prepared.data.source}: "
            f"{settings(estimator)}"
        )
        print("\n".join(data_lines(prepared)))
    started = time.perf_counter()
    model.fit(split.X_train, split.y_train)
    seconds = time.perf_counter() - started
    # Fitted: a TransformedTargetRegressor trains a copy of its regressor.
    estimator = prepared.task.network(model.named_steps[ESTIMATOR_STEP])
    report = [] if args.quiet else outcome_lines(estimator, prepared, seconds)
    report.append(final_line(model, prepared, seconds))
    if args.save:
        save_model(model, args.save)
    _interrupts.committing()
    print("\n".join(report))
    return 0


def outcome_lines(estimator, prepared, seconds):
    """Which weights were kept, and what the final line is measured on."""
    lines = []
    scores = estimator.validation_scores_
    if estimator.early_stopping and scores:
        best = int(np.argmax(scores))
        lines.append(
            f"Early stopping kept the weights of epoch {best + 1} of "
            f"{len(scores)} (validation {prepared.task.score_name} "
            f"{scores[best]:.3f} on {percent(estimator.validation_fraction)} of "
            "the training samples)"
        )
    if prepared.split.has_test:
        lines.append(
            f"Held-out test split: {len(prepared.split.y_test)} samples "
            f"({percent(prepared.test_size)}), not used in training; training "
            f"took {duration(seconds)} ({estimator.n_iter_} epochs)"
        )
    return lines


def final_line(model, prepared, seconds):
    """The ``Validation`` line, or why there is none."""
    split = prepared.split
    if split.has_test:
        return prepared.task.validation_line(model, split.X_test, split.y_test)
    epochs = prepared.task.network(model[-1]).n_iter_
    return (
        f"No held-out score (--test-size 0): trained on all {len(split.y_train)} "
        f"samples in {duration(seconds)} ({epochs} epochs)"
    )

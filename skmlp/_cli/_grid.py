"""``skmlp grid``: cross-validate every combination of the given lambdas.

The search is :class:`~sklearn.model_selection.GridSearchCV`'s (the same
settings, splits, scorer, ranking and refit of the best setting) written
out, because ``GridSearchCV`` reports nothing until every fit is done and
the command line prints each fit as it finishes, with the time left.
"""

import os
import time
import warnings
from dataclasses import dataclass

import numpy as np

from . import _interrupts
from ._model import (
    ESTIMATOR_STEP,
    check_writable,
    estimator_params,
    make_model,
    network_path,
    save_model,
)
from ._option_types import lambda_list
from ._output import Progress, duration, percent, settings, table, value_text
from ._parser import DEFAULT_L2_GRID, LAMBDAS
from ._prepare import data_lines, prepare


def run(args):
    """Search the lambdas the options give; return the exit status."""
    if args.save:
        check_writable(args.save, "best model")
    grid = {
        option: getattr(args, option)
        for option in LAMBDAS
        if getattr(args, option) is not None
    } or {"l2": lambda_list(DEFAULT_L2_GRID)}
    prepared = prepare(args)
    split = prepared.split
    # Per-epoch lines from every fold of every setting would drown the table.
    model = make_model(
        prepared.task,
        prepared.data.y,
        prepared.kinds,
        estimator_params(args, prepared.task, verbose=0, lambdas=False),
    )
    candidates = setting_list(grid, network_path(model))
    n_fits = len(candidates) * args.cv
    progress = None
    if not args.quiet:
        estimator = prepared.task.network(model.named_steps[ESTIMATOR_STEP])
        searched = {LAMBDAS[option] for option in grid}
        print(
            f"Grid search of {type(estimator).__name__} on {prepared.data.source}: "
            f"{len(candidates)} settings x {args.cv}-fold CV = {n_fits} fits on "
            f"{len(split.y_train)} training samples"
        )
        print(f"Settings: {settings(estimator, exclude=searched)}")
        print("\n".join(data_lines(prepared)))
        progress = Progress(n_fits, prepared.task.score_name)
    search = cross_validate(
        model, candidates, split.X_train, split.y_train,
        cv=args.cv, n_jobs=args.n_jobs, scoring=prepared.task.scoring,
        progress=progress,
    )  # fmt: skip
    report = result_lines(search, candidates, prepared.task.score_name)
    started = time.perf_counter()
    best_model = clone_with(model, candidates[search.best_index].params)
    best_model.fit(split.X_train, split.y_train)
    if not args.quiet:
        report.append(refit_line(prepared, time.perf_counter() - started))
    if split.has_test:
        report.append(
            prepared.task.validation_line(best_model, split.X_test, split.y_test)
        )
    if args.save:
        save_model(best_model, args.save)
    _interrupts.committing()
    print("\n".join(report))
    return 0


@dataclass
class Candidate:
    """One setting of the grid: the lambdas by option name, and as parameters."""

    values: dict
    params: dict

    @property
    def label(self):
        """``l1=0, l2=0.001``."""
        return ", ".join(f"{o}={value_text(v)}" for o, v in self.values.items())


def setting_list(grid, path=f"{ESTIMATOR_STEP}__"):
    """Every combination of the ``{option: values}`` grid, in GridSearchCV's
    order; ``path`` prefixes the network's parameter names in the model."""
    from sklearn.model_selection import ParameterGrid

    options = [option for option in LAMBDAS if option in grid]
    candidates = []
    for combination in ParameterGrid(grid):
        values = {option: combination[option] for option in options}
        params = {
            f"{path}{LAMBDAS[option]}": value
            for option, value in values.items()
        }
        candidates.append(Candidate(values, params))
    return candidates


def clone_with(model, params):
    """An unfitted copy of ``model`` with ``params`` set."""
    from sklearn.base import clone

    return clone(model).set_params(**params)


def fit_and_score(model, params, X, y, train, test, scorer, parent_pid):
    """Fit a copy of ``model`` on the ``train`` rows; score it on ``test``.

    Returns ``(score, seconds of the fit)``.  A module-level function, so
    that joblib can send it to worker processes.
    """
    from sklearn.utils import _safe_indexing

    _interrupts.leave_to_parent(parent_pid)
    started = time.perf_counter()
    estimator = clone_with(model, params).fit(_safe_indexing(X, train), y[train])
    seconds = time.perf_counter() - started
    return scorer(estimator, _safe_indexing(X, test), y[test]), seconds


@dataclass
class SearchResult:
    """Scores of every candidate (rows) on every fold (columns), and ranks."""

    scores: np.ndarray
    ranks: np.ndarray

    @property
    def best_index(self):
        # GridSearchCV's choice: the first candidate of rank 1.
        return int(np.argmin(self.ranks))


def cross_validate(model, candidates, X, y, *, cv, n_jobs, scoring, progress):
    """Score every candidate on every fold, reporting each finished fit."""
    from scipy.stats import rankdata
    from sklearn.base import is_classifier
    from sklearn.metrics import check_scoring
    from sklearn.model_selection import check_cv
    from sklearn.utils.parallel import Parallel, delayed

    folds = list(check_cv(cv, y, classifier=is_classifier(model)).split(X, y))
    scorer = check_scoring(model, scoring=scoring)
    jobs = [(i, k) for i in range(len(candidates)) for k in range(len(folds))]
    # A generator, so that each result is reported as it arrives and an
    # interrupt stops the search between fits (joblib then ends its workers).
    results = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(fit_and_score)(
            model, candidates[i].params, X, y, *folds[k], scorer, os.getpid()
        )
        for i, k in jobs
    )
    scores = np.full((len(candidates), len(folds)), np.nan)
    try:
        for (i, k), (score, seconds) in zip(jobs, results):
            scores[i, k] = score
            if progress is not None:
                label = candidates[i].label
                progress.fit_finished(label, k + 1, len(folds), score, seconds)
    except _interrupts.Interrupted:
        # Closed here, while warnings are silenced: left to the garbage
        # collector, joblib would report the fits it cancelled, after the
        # one line the interrupt is allowed.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results.close()
        raise
    ranks = rankdata(-scores.mean(axis=1), method="min").astype(int)
    return SearchResult(scores, ranks)


def result_lines(search, candidates, score_name):
    """The ranked table and the best setting."""
    options = list(candidates[0].values)
    header = ["rank", *options, "mean_test_score", "std_test_score"]
    means, stds = search.scores.mean(axis=1), search.scores.std(axis=1)
    rows = [
        [
            str(search.ranks[i]),
            *(value_text(value) for value in candidates[i].values.values()),
            f"{means[i]:.3f}",
            f"{stds[i]:.3f}",
        ]
        for i in np.argsort(search.ranks, kind="stable")
    ]
    best = search.best_index
    return [
        table(header, rows),
        f"Best parameters: {candidates[best].label} "
        f"(mean CV {score_name} {means[best]:.3f})",
    ]


def refit_line(prepared, seconds):
    """How the best setting was refitted, and what the final line is measured on."""
    split = prepared.split
    line = (
        f"Refitted the best setting on all {len(split.y_train)} training samples "
        f"in {duration(seconds)}"
    )
    if split.has_test:
        return line + (
            f"; held-out test split: {len(split.y_test)} samples "
            f"({percent(prepared.test_size)})"
        )
    return line + "; no held-out score (--test-size 0)"


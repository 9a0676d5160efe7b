"""scikit-learn's callback framework (sklearn.callback) during fit and partial_fit.

A fit is one task; it has one ``epoch`` subtask per epoch, and each epoch one
``batch`` subtask per minibatch.
"""

import math
import re
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from fitting import (
    fit_quiet,
    is_regressor,
    outputs,
    partial_fit_kwargs,
    score_label,
)
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier

sklearn_callback = pytest.importorskip("sklearn.callback")
CallbackContext = sklearn_callback.CallbackContext
ProgressBar = sklearn_callback.ProgressBar
ScoringMonitor = sklearn_callback.ScoringMonitor

N_SAMPLES = 100
BATCH_SIZE = 32  # 4 batches per epoch over 100 samples: the last one is short
SMALL = {
    "hidden_layer_sizes": (6,),
    "learning_rate": 0.01,
    "batch_size": BATCH_SIZE,
    "random_state": 0,
}


def _data(Est):
    if is_regressor(Est):
        X, y = make_regression(n_samples=N_SAMPLES, n_features=5, noise=1.0,
                               random_state=0)
        return X, y / y.std()
    X, y = make_classification(
        n_samples=N_SAMPLES,
        n_features=5,
        n_informative=3,
        n_redundant=0,
        n_classes=2 if Est is BinaryMLPClassifier else 3,
        random_state=0,
    )
    return X, y


# The scorer named like each estimator's score: accuracy, or R².
SCORING = {"acc": "accuracy", "r2": "r2"}


@pytest.fixture
def rich():
    return pytest.importorskip("rich")


class RecordingCallback:
    """Records every hook call, in order, following the FitCallback protocol."""

    def __init__(self):
        self.events = []

    def setup(self, estimator, context):
        self.events.append(("setup", context, {}))

    def teardown(self, estimator, context):
        self.events.append(("teardown", context, {}))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None,
                          metadata=None, fitted_estimator=None):
        self.events.append(("begin", context, {"X": X, "y": y}))

    def on_fit_task_end(self, estimator, context, *, X=None, y=None,
                        metadata=None, fitted_estimator=None):
        self.events.append(
            ("end", context, {"X": X, "y": y, "fitted": fitted_estimator})
        )
        return self.stop(context)

    def stop(self, context):
        return False

    def tasks(self, hook, task_name):
        return [
            (context, kwargs)
            for name, context, kwargs in self.events
            if name == hook and context.task_name == task_name
        ]

    def count(self, hook, task_name=None):
        return sum(
            name == hook and (task_name is None or context.task_name == task_name)
            for name, context, _ in self.events
        )


class StopAtEpoch(RecordingCallback):
    """Asks to stop at the end of epoch ``k`` (counted from 1)."""

    def __init__(self, k):
        super().__init__()
        self.k = k

    def stop(self, context):
        return context.task_name == "epoch" and context.task_id == self.k - 1


def _assert_well_nested(events):
    """setup first, teardown last, and every begin closed by its own end."""
    names = [name for name, _, _ in events]
    assert names[0] == "setup"
    assert names[-1] == "teardown"
    assert names.count("setup") == names.count("teardown") == 1
    stack = []
    for name, context, _ in events[1:-1]:
        if name == "begin":
            if stack:
                assert context.parent is stack[-1]
            stack.append(context)
        else:
            assert name == "end"
            assert stack.pop() is context
    assert stack == []


# -- the task tree, hook by hook --------------------------------------------------
@pytest.mark.parametrize("early_stopping", [False, True])
def test_hooks_come_in_pairs(AnyEstimator, early_stopping):
    X, y = _data(AnyEstimator)
    callback = RecordingCallback()
    clf = AnyEstimator(
        **SMALL, max_iter=3, n_iter_no_change=100, early_stopping=early_stopping
    ).set_callbacks(callback)
    fit_quiet(clf, X, y)
    _assert_well_nested(callback.events)

    n_train = N_SAMPLES - math.ceil(0.1 * N_SAMPLES) if early_stopping else N_SAMPLES
    for hook in ("begin", "end"):
        assert callback.count(hook, "fit") == 1
        assert callback.count(hook, "epoch") == clf.n_iter_ == 3
    # Epochs are the leaves, as scikit-learn's iterations are: no batch tasks.
    assert {context.task_name for _, context, _ in callback.events} == {
        "fit", "epoch"}
    for context, _ in callback.tasks("begin", "epoch"):
        assert context.max_subtasks == 0
    (root, kwargs), = callback.tasks("begin", "fit")
    assert root.max_subtasks == clf.max_iter
    assert kwargs["X"].shape == (n_train, X.shape[1])
    assert len(kwargs["y"]) == n_train


def test_partial_fit_is_one_epoch(AnyEstimator):
    X, y = _data(AnyEstimator)
    callback = RecordingCallback()
    clf = AnyEstimator(**SMALL).set_callbacks(callback)
    for _ in range(2):
        clf.partial_fit(X, y, **partial_fit_kwargs(AnyEstimator, y))
        _assert_well_nested(callback.events)
        assert callback.count("begin", "fit") == 1
        assert callback.count("end", "epoch") == 1
        callback.events.clear()
    assert clf.n_iter_ == 1
    assert len(clf.loss_curve_) == 2


def test_epoch_end_hands_a_snapshot(AnyEstimator):
    # The fitted_estimator of an epoch is the model at that epoch, and stays so.
    X, y = _data(AnyEstimator)
    callback = RecordingCallback()
    clf = fit_quiet(AnyEstimator(**SMALL, max_iter=3).set_callbacks(callback), X, y)
    ends = callback.tasks("end", "epoch")
    first = ends[0][1]["fitted"]
    assert first is not clf
    at_one = fit_quiet(AnyEstimator(**SMALL, max_iter=1), X, y)
    np.testing.assert_array_equal(outputs(first, X), outputs(at_one, X))
    last = ends[-1][1]["fitted"]
    np.testing.assert_array_equal(outputs(last, X), outputs(clf, X))


# -- stopping ---------------------------------------------------------------------
@pytest.mark.parametrize("k", [1, 3])
def test_callback_stops_after_epoch_k(AnyEstimator, k):
    X, y = _data(AnyEstimator)
    callback = StopAtEpoch(k)
    clf = AnyEstimator(**SMALL, max_iter=50).set_callbacks(callback)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ == k
    assert len(clf.loss_curve_) == k
    assert clf.t_ == k * N_SAMPLES
    assert clf.predict(X).shape == y.shape
    assert np.isfinite(outputs(clf, X)).all()
    _assert_well_nested(callback.events)
    assert callback.count("end", "epoch") == k


def test_stop_with_early_stopping_restores_best_weights(AnyEstimator):
    X, y = _data(AnyEstimator)
    X_val, y_val = X[::4], y[::4]
    clf = AnyEstimator(**SMALL, max_iter=50, early_stopping=True)
    clf.set_callbacks(StopAtEpoch(6))
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.n_iter_ == 6
    assert clf.score(X_val, y_val) == clf.best_validation_score_


# -- no callbacks: nothing from sklearn.callback -----------------------------------
def test_no_callbacks_creates_no_context(AnyEstimator, monkeypatch):
    created = []
    for name in ("_from_estimator", "_from_parent"):
        original = getattr(CallbackContext, name).__func__

        def counting(cls, *args, _original=original, **kwargs):
            created.append(cls)
            return _original(cls, *args, **kwargs)

        monkeypatch.setattr(CallbackContext, name, classmethod(counting))

    X, y = _data(AnyEstimator)
    clf = fit_quiet(AnyEstimator(**SMALL, max_iter=2), X, y)
    clf.partial_fit(X, y)
    assert created == []
    assert not hasattr(clf, "_callback_fit_ctx")
    assert not hasattr(clf, "_skl_callbacks")

    # The counter works: with a callback, contexts are created.
    fit_quiet(clf.set_callbacks(RecordingCallback()), X, y)
    assert len(created) == 1 + 2  # the fit and its two epochs
    assert not hasattr(clf, "_callback_fit_ctx")  # removed after fit


def test_verbose_output_with_callbacks(AnyEstimator, capsys):
    X, y = _data(AnyEstimator)
    clf = AnyEstimator(**SMALL, max_iter=3, verbose=1)
    clf.set_callbacks(RecordingCallback())
    fit_quiet(clf, X, y)
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("epoch: ")]
    assert [line.split(",")[0] for line in lines] == [
        "epoch: 1", "epoch: 2", "epoch: 3"
    ]
    assert all("(data_loss: " in line for line in lines)


def test_verbose_output_with_progress_bar(AnyEstimator, capsys, rich):
    X, y = _data(AnyEstimator)
    clf = AnyEstimator(**SMALL, max_iter=2, verbose=1).set_callbacks(ProgressBar())
    fit_quiet(clf, X, y)
    out = capsys.readouterr().out
    label = score_label(AnyEstimator)  # acc or r2
    assert re.search(rf"^epoch: 1, {label}: ", out, flags=re.MULTILINE)
    assert re.search(rf"^epoch: 2, {label}: ", out, flags=re.MULTILINE)
    assert f"{AnyEstimator.__name__} - fit" in out


# -- ScoringMonitor -----------------------------------------------------------------
def test_scoring_monitor_one_score_per_epoch(AnyEstimator):
    X, y = _data(AnyEstimator)
    scoring = SCORING[score_label(AnyEstimator)]
    monitor = ScoringMonitor(scoring=scoring)
    clf = AnyEstimator(**SMALL, max_iter=4, n_iter_no_change=100)
    fit_quiet(clf.set_callbacks(monitor), X, y)
    rows = monitor.get_logs().data
    root = [row for row in rows if row["task_name"] == "fit"]
    epochs = [row for row in rows if row["task_name"] == "epoch"]
    assert len(root) == 1
    assert len(rows) == 1 + clf.n_iter_ == 5
    assert [row["task_id"] for row in epochs] == [0, 1, 2, 3]
    # The last epoch is the final model.
    assert epochs[-1][scoring] == clf.score(X, y)
    assert root[0][scoring] == clf.score(X, y)
    # Each epoch is scored with the model of that epoch: the same run cut there.
    for k, row in enumerate(epochs[:-1], start=1):
        at_k = fit_quiet(AnyEstimator(**SMALL, max_iter=k), X, y)
        assert row[scoring] == at_k.score(X, y)


def test_scoring_monitor_sample_weight(AnyEstimator):
    X, y = _data(AnyEstimator)
    scoring = SCORING[score_label(AnyEstimator)]
    weights = np.linspace(0.1, 2.0, N_SAMPLES)
    monitor = ScoringMonitor(scoring=scoring)
    clf = AnyEstimator(**SMALL, max_iter=2).set_callbacks(monitor)
    fit_quiet(clf, X, y, sample_weight=weights)
    root = monitor.get_logs().data[0]
    assert root["task_name"] == "fit"
    assert root[scoring] == pytest.approx(
        clf.score(X, y, sample_weight=weights)
    )


def test_scoring_monitor_ignores_class_weight():
    Estimator = BinaryMLPClassifier
    X, y = make_classification(
        n_samples=N_SAMPLES, n_features=5, weights=[0.8], random_state=0
    )
    monitor = ScoringMonitor(scoring="accuracy")
    clf = Estimator(**SMALL, max_iter=2, class_weight="balanced")
    fit_quiet(clf.set_callbacks(monitor), X, y)
    root = monitor.get_logs().data[0]
    assert root["accuracy"] == pytest.approx(clf.score(X, y))


def test_scoring_monitor_early_stopping_scores_the_restored_model(AnyEstimator):
    X, y = _data(AnyEstimator)
    scoring = SCORING[score_label(AnyEstimator)]
    monitor, recorder = ScoringMonitor(scoring=scoring), RecordingCallback()
    clf = AnyEstimator(**SMALL, max_iter=40, n_iter_no_change=2, early_stopping=True)
    fit_quiet(clf.set_callbacks(monitor, recorder), X, y)
    root = [row for row in monitor.get_logs().data if row["task_name"] == "fit"]
    # The callbacks see the training part of the internal split.
    (_, begin), = recorder.tasks("begin", "fit")
    assert len(begin["y"]) == N_SAMPLES - math.ceil(0.1 * N_SAMPLES)
    assert root[0][scoring] == clf.score(begin["X"], begin["y"])


def test_scoring_monitor_partial_fit(AnyEstimator):
    X, y = _data(AnyEstimator)
    scoring = SCORING[score_label(AnyEstimator)]
    monitor = ScoringMonitor(scoring=scoring)
    clf = AnyEstimator(**SMALL).set_callbacks(monitor)
    for _ in range(3):
        clf.partial_fit(X, y, **partial_fit_kwargs(AnyEstimator, y))
    logs = monitor.get_logs(select="all")
    assert len(logs) == 3
    for log in logs:
        assert [row["task_name"] for row in log.data] == ["fit", "epoch"]
    assert logs[-1].data[0][scoring] == clf.score(X, y)


def test_scoring_monitor_in_grid_search():
    # A ScoringMonitor is not propagated; set on the estimator, every clone
    # that GridSearchCV fits keeps it and logs into the search's run.
    Estimator = MulticlassMLPClassifier
    X, y = _data(Estimator)
    monitor = ScoringMonitor(scoring="accuracy")
    clf = Estimator(**SMALL, max_iter=2).set_callbacks(monitor)
    search = GridSearchCV(clf, {"learning_rate": [0.01, 0.02]}, cv=2, n_jobs=1)
    fit_quiet(search, X, y)
    (log,) = monitor.get_logs(select="all")
    assert log.estimator_name == "GridSearchCV"
    fits = [row for row in log.data if row["task_name"] == "fit"]
    epochs = [row for row in log.data if row["task_name"] == "epoch"]
    assert len(fits) == 2 * 2 + 1  # candidates x splits, and the refit
    assert len(epochs) == 2 * len(fits)


# -- ProgressBar --------------------------------------------------------------------
def _assert_complete_bars(out, *names):
    for name in names:
        assert name in out, out
    assert "100%" in out
    assert not re.search(r"\b[0-9]{1,2}%", out), out


def test_progress_bar_fit_is_one_bar_advancing_per_epoch(AnyEstimator, capsys, rich):
    X, y = _data(AnyEstimator)
    clf = AnyEstimator(**SMALL, max_iter=150, tol=0).set_callbacks(ProgressBar())
    fit_quiet(clf, X, y)
    out = capsys.readouterr().out
    name = AnyEstimator.__name__
    _assert_complete_bars(out, f"{name} - fit")
    # One bar for the fit; none left behind per epoch.
    assert out.count(f"{name} - ") == 1, out
    assert clf.n_iter_ == 150


def test_progress_bar_partial_fit(AnyEstimator, capsys, rich):
    X, y = _data(AnyEstimator)
    clf = AnyEstimator(**SMALL).set_callbacks(ProgressBar())
    clf.partial_fit(X, y, **partial_fit_kwargs(AnyEstimator, y))
    clf.partial_fit(X, y)
    out = capsys.readouterr().out
    name = AnyEstimator.__name__
    assert out.count(f"{name} - fit") == 2
    assert "epoch #" not in out
    _assert_complete_bars(out, f"{name} - fit")


def test_progress_bar_pipeline(AnyEstimator, capsys, rich):
    X, y = _data(AnyEstimator)
    pipe = make_pipeline(StandardScaler(), AnyEstimator(**SMALL, max_iter=2))
    pipe.set_callbacks(ProgressBar(max_propagation_depth=None))
    fit_quiet(pipe, X, y)
    out = capsys.readouterr().out
    name = AnyEstimator.__name__
    _assert_complete_bars(out, "Pipeline - fit", f"{name} - fit")
    assert "epoch #" not in out


def test_progress_bar_grid_search(capsys, rich, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich cuts long task names to fit
    Estimator = MulticlassMLPClassifier
    X, y = _data(Estimator)
    pipe = make_pipeline(StandardScaler(), Estimator(**SMALL, max_iter=2))
    search = GridSearchCV(
        pipe, {"multiclassmlpclassifier__learning_rate": [0.01]}, cv=2, n_jobs=1
    )
    search.set_callbacks(ProgressBar(max_propagation_depth=None))
    fit_quiet(search, X, y)
    out = capsys.readouterr().out
    _assert_complete_bars(out, "GridSearchCV - fit", f"{Estimator.__name__} - fit")
    # 2 splits and the refit: a bar each, and none per epoch.
    assert out.count(f"{Estimator.__name__} - fit") == 3
    assert "epoch #" not in out

    # Directly on the estimator too.
    search = GridSearchCV(
        Estimator(**SMALL, max_iter=2), {"learning_rate": [0.01]}, cv=2
    )
    fit_quiet(search.set_callbacks(ProgressBar(max_propagation_depth=None)), X, y)
    out = capsys.readouterr().out
    assert out.count(f"{Estimator.__name__} - fit") == 3
    assert "epoch #" not in out


def test_progress_bar_non_interactive_terminal(rich):
    # stdout is a pipe, not a terminal: the bar must not break the fit.
    code = textwrap.dedent(
        """
        from sklearn.callback import ProgressBar
        from sklearn.datasets import make_classification
        from skmlp import MulticlassMLPClassifier

        X, y = make_classification(n_samples=60, n_classes=3, n_informative=3,
                                   random_state=0)
        clf = MulticlassMLPClassifier(hidden_layer_sizes=(4,), max_iter=2,
                                      batch_size=20, random_state=0, verbose=1)
        clf.set_callbacks(ProgressBar())
        clf.partial_fit(X, y, classes=[0, 1, 2])
        clf.fit(X, y)
        print("done", clf.n_iter_)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,  # stdout and stderr are pipes
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "done 2" in result.stdout
    assert "MulticlassMLPClassifier - fit" in result.stdout
    assert "epoch: 2, acc: " in result.stdout

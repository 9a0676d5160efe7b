"""Training behaviour of the three estimators: batching and shuffling,
reproducibility, stopping rules, early stopping, sample and class weights,
partial_fit, warm start, verbose output, interruption, divergence, dtypes,
sparse input and the loss curves.

What the classifiers and the regressor share is one test run on all three
(``AnyEstimator``), or on every output head (``AnyHead``: the regressor once
per loss); class weights, labels and the stratified split are the
classifiers' own (``Estimator``).  Everything is observed through the public
API (``../shared/API.md``).  The only internal name used is
:meth:`skmlp._network.Network.train_step`, monkeypatched to watch the
minibatches and to simulate ``Ctrl-C``.  Networks are tiny so the whole module
runs in seconds.
"""

import math
import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from fitting import (
    OPTIMIZERS,
    assert_same_weights,
    epoch_line,
    estimator_class,
    fit_quiet,
    is_regressor,
    loss_of,
    no_convergence_warning,
    outputs,
    partial_fit_kwargs,
    score_function,
    toy_data,
    weights_differ,
)
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import recall_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor

import skmlp._network
from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier
from skmlp._network import Network

pytestmark = pytest.mark.usefixtures("single_blas_thread")

# Step sizes at which each optimizer learns the toy problems in a few epochs.
LEARNING_RATES = {"sgd": 0.05, "adagrad": 0.1, "rmsprop": 0.01, "adam": 0.01}


def small(Est, **params):
    """A tiny network that learns the toy data in a few epochs."""
    defaults = dict(hidden_layer_sizes=(8,), learning_rate=0.01, random_state=0)
    defaults.update(params)
    return Est(**defaults)


def split(Est, X, y):
    """A train / test split, stratified for the classifiers."""
    return train_test_split(
        X, y, stratify=None if is_regressor(Est) else y, random_state=0
    )


def epoch_lines(out):
    return [line for line in out.splitlines() if line.startswith("epoch")]


def record_batches(monkeypatch):
    """Make Network.train_step log the first feature of every batch it sees."""
    batches = []
    original = Network.train_step

    def spy(self, X, y, sample_weight, optimizer):
        # The batch arrays are reused buffers: keep a copy.
        batches.append(np.asarray(X[:, 0]).ravel().copy())
        return original(self, X, y, sample_weight, optimizer)

    monkeypatch.setattr(Network, "train_step", spy)
    return batches


# -- 1. minibatches, shuffling, reproducibility -------------------------------


@pytest.mark.parametrize(
    ("n_samples", "batch_size", "expected_sizes"),
    [
        (250, "auto", [200, 50]),  # "auto" is min(200, n_samples)
        (150, "auto", [150]),
        (100, 32, [32, 32, 32, 4]),
        (100, None, [100]),  # None is one full batch
    ],
    ids=["auto-250", "auto-150", "32-100", "None-100"],
)
@pytest.mark.parametrize("shuffle", [True, False])
def test_minibatches_cover_the_data_once_per_epoch(
    AnyEstimator, monkeypatch, n_samples, batch_size, expected_sizes, shuffle
):
    X, y = toy_data(AnyEstimator, n_samples)
    batches = record_batches(monkeypatch)
    est = small(AnyEstimator, batch_size=batch_size, shuffle=shuffle, max_iter=3)
    fit_quiet(est, X, y)

    per_epoch = len(expected_sizes)
    assert [len(b) for b in batches] == expected_sizes * 3
    epochs = [
        np.concatenate(batches[i : i + per_epoch])
        for i in range(0, len(batches), per_epoch)
    ]
    for order in epochs:
        # Every sample exactly once per epoch (the first feature is unique).
        assert_array_equal(np.sort(order), np.sort(X[:, 0]))
    if not shuffle:
        for order in epochs:
            assert_array_equal(order, X[:, 0])
    elif per_epoch > 1:
        # Reshuffled every epoch, not one permutation drawn once.  (The order
        # inside a single full batch changes nothing, so it is not checked.)
        assert not np.array_equal(epochs[0], X[:, 0])
        assert not np.array_equal(epochs[0], epochs[1])
        assert not np.array_equal(epochs[1], epochs[2])


def test_shuffle_gives_a_different_but_equally_good_model(AnyEstimator):
    X, y = toy_data(AnyEstimator, 300)
    X_train, X_test, y_train, y_test = split(AnyEstimator, X, y)
    params = dict(batch_size=20, max_iter=30, tol=0)
    shuffled = fit_quiet(small(AnyEstimator, shuffle=True, **params), X_train, y_train)
    ordered = fit_quiet(small(AnyEstimator, shuffle=False, **params), X_train, y_train)
    assert weights_differ(shuffled, ordered)
    # Held-out accuracy, or R², of both.
    assert shuffled.score(X_test, y_test) >= 0.85
    assert ordered.score(X_test, y_test) >= 0.85


@pytest.mark.parametrize("dropout", [0.0, 0.3])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_random_state_makes_fits_bit_identical(AnyEstimator, optimizer, dropout):
    X, y = toy_data(AnyEstimator, 120)
    est = small(
        AnyEstimator,
        optimizer=optimizer,
        learning_rate=LEARNING_RATES[optimizer],
        dropout=dropout,
        batch_size=32,
        max_iter=4,
        tol=0,
    )
    # The global NumPy state must play no part: initialisation, shuffling and
    # the dropout masks all come from random_state.
    np.random.seed(1)  # noqa: NPY002 (the legacy global state is the point)
    first = fit_quiet(est, X, y)
    first_coefs = [c.copy() for c in first.coefs_]
    np.random.seed(2)  # noqa: NPY002
    cloned = fit_quiet(clone(est), X, y)
    assert_same_weights(first, cloned)
    assert cloned.loss_curve_ == first.loss_curve_

    # Refitting the same instance starts over from the same seed.
    fit_quiet(est, X, y)
    for before, after in zip(first_coefs, est.coefs_, strict=True):
        assert_array_equal(before, after)

    other = fit_quiet(clone(est).set_params(random_state=1), X, y)
    assert weights_differ(other, cloned)


# -- 2. tol / n_iter_no_change ------------------------------------------------


def sklearn_twin(Est):
    """scikit-learn's MLP of the same kind, for its stopping rule."""
    return MLPRegressor if is_regressor(Est) else MLPClassifier


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("n_iter_no_change", [1, 4])
def test_huge_tol_stops_when_sklearn_stops(
    AnyEstimator, n_iter_no_change, early_stopping
):
    # With tol larger than any loss no epoch counts as an improvement except the
    # first (which improves on the initial infinite best).  scikit-learn stops
    # once the no-improvement count *exceeds* n_iter_no_change, i.e. after
    # 1 + (n_iter_no_change + 1) epochs.
    X, y = toy_data(AnyEstimator)
    params = dict(
        hidden_layer_sizes=(8,),
        tol=1e10,
        n_iter_no_change=n_iter_no_change,
        early_stopping=early_stopping,
        max_iter=100,
        random_state=0,
    )
    with no_convergence_warning():
        reference = sklearn_twin(AnyEstimator)(**params).fit(X, y)
        est = AnyEstimator(**params).fit(X, y)
    assert est.n_iter_ == reference.n_iter_ == n_iter_no_change + 2
    assert len(est.loss_curve_) == est.n_iter_


def sklearn_stop_epoch(values, tol, n_iter_no_change, *, higher_is_better):
    """First epoch (1-based) at which scikit-learn's MLP rule stops, or None."""
    best = -np.inf if higher_is_better else np.inf
    count = 0
    for epoch, value in enumerate(values, start=1):
        if higher_is_better:
            count = count + 1 if value < best + tol else 0
            best = max(best, value)
        else:
            count = count + 1 if value > best - tol else 0
            best = min(best, value)
        if count > n_iter_no_change:
            return epoch
    return None


@pytest.mark.parametrize("early_stopping", [False, True])
def test_stopping_rule_replayed_on_the_curves(AnyEstimator, early_stopping):
    # A moderate tol: the run stops when, and only when, scikit-learn's rule
    # replayed on the recorded curve says so.
    X, y = toy_data(AnyEstimator, flip_y=0.1)
    tol, n_iter_no_change = 1e-3, 3
    est = small(
        AnyEstimator,
        tol=tol,
        n_iter_no_change=n_iter_no_change,
        early_stopping=early_stopping,
        learning_rate=0.05,
        max_iter=300,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est.fit(X, y)
    values = est.validation_scores_ if early_stopping else est.loss_curve_
    assert len(values) == est.n_iter_ < 300
    assert (
        sklearn_stop_epoch(
            values, tol, n_iter_no_change, higher_is_better=early_stopping
        )
        == est.n_iter_
    )


def test_convergence_warning_when_max_iter_is_reached(AnyEstimator):
    X, y = toy_data(AnyEstimator)
    # Ten steps an epoch, so that the regressor also fits better than a
    # constant and that is the only warning.
    est = small(AnyEstimator, max_iter=3, tol=0, batch_size=20)
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        est.fit(X, y)
    assert est.n_iter_ == 3
    assert len(est.loss_curve_) == 3


@pytest.mark.parametrize("max_iter", [100, 4])
def test_no_convergence_warning_when_stopping_early(AnyEstimator, max_iter):
    # max_iter=4 is also the stopping epoch (1 + n_iter_no_change + 1): a run
    # that stops on tol in its last allowed epoch has converged, as in sklearn.
    X, y = toy_data(AnyEstimator)
    est = small(AnyEstimator, tol=1e10, n_iter_no_change=2, max_iter=max_iter)
    with no_convergence_warning():
        est.fit(X, y)
    assert est.n_iter_ == 4


# -- 3. early_stopping ----------------------------------------------------------


def test_early_stopping_attributes(AnyEstimator):
    X, y = toy_data(AnyEstimator)
    est = small(AnyEstimator, early_stopping=True, n_iter_no_change=3, max_iter=50)
    fit_quiet(est, X, y)
    assert isinstance(est.validation_scores_, list)
    assert len(est.validation_scores_) == est.n_iter_ == len(est.loss_curve_)
    # Floats; accuracy is in [0, 1], R² is at most 1.
    lowest = -np.inf if is_regressor(AnyEstimator) else 0.0
    assert all(isinstance(s, float) and lowest <= s <= 1.0
               for s in est.validation_scores_)
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.best_loss_ is None

    plain = fit_quiet(small(AnyEstimator, max_iter=10), X, y)
    assert plain.validation_scores_ is None
    assert plain.best_validation_score_ is None
    assert plain.best_loss_ == min(plain.loss_curve_)


def test_early_stopping_scores_a_random_holdout_and_restores_the_best_epoch(
    AnyEstimator, monkeypatch
):
    # Noisy labels (or targets) and a large step make the validation score
    # wander, so the best epoch is not the last.  Rerunning with max_iter =
    # best epoch gives the same trajectory cut at that epoch (where the best
    # is the last epoch): its weights are the best epoch's, whatever the split.
    X, y = toy_data(AnyEstimator, noisy=True)
    params = dict(
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=4,
        tol=0,
        learning_rate=0.05,
        batch_size=16,
        hidden_layer_sizes=(32,),
        max_iter=200,
    )
    batches = record_batches(monkeypatch)
    full = fit_quiet(small(AnyEstimator, **params), X, y)
    monkeypatch.undo()

    # The rows the network never trained on are the hold-out: 20% of them,
    # drawn at random (not the last rows, nor any run of consecutive rows).
    held_out = ~np.isin(X[:, 0], np.concatenate(batches))
    assert held_out.sum() == math.ceil(0.2 * len(y))
    assert not np.all(np.diff(np.flatnonzero(held_out)) == 1)

    # np.argmax is the first maximum, the epoch at which the best was set.
    best_epoch = int(np.argmax(full.validation_scores_)) + 1
    assert best_epoch < full.n_iter_  # else the test cannot tell the difference
    assert full.best_validation_score_ == full.validation_scores_[best_epoch - 1]
    # The model kept is the best epoch's: its score on the hold-out is the best.
    assert score_function(AnyEstimator)(
        y[held_out], full.predict(X[held_out])
    ) == pytest.approx(full.best_validation_score_, rel=1e-9)

    params["max_iter"] = best_epoch
    cut = fit_quiet(small(AnyEstimator, **params), X, y)
    assert cut.validation_scores_ == full.validation_scores_[:best_epoch]
    assert_same_weights(full, cut)
    assert_array_equal(outputs(full, X), outputs(cut, X))


def _too_few_to_hold_out(Est):
    """As few samples as a fit accepts, too few to hold out a validation
    part and keep a training part: one of each class, or one sample."""
    X, y = toy_data(Est, 50)
    if is_regressor(Est):
        return X[:1], y[:1]
    first = [int(np.flatnonzero(y == label)[0]) for label in np.unique(y)]
    return X[first], y[first]


def test_early_stopping_without_room_for_a_hold_out_raises_before_fitting(
    AnyEstimator,
):
    X, y = _too_few_to_hold_out(AnyEstimator)
    est = small(AnyEstimator, early_stopping=True, validation_fraction=0.1)
    with pytest.raises(ValueError, match="early_stopping .*validation_fraction"):
        est.fit(X, y)
    assert not est.__sklearn_is_fitted__()
    assert not hasattr(est, "n_features_in_")


def test_early_stopping_split_error_speaks_of_classes_only_where_there_are(
    AnyEstimator
):
    X, y = _too_few_to_hold_out(AnyEstimator)
    est = small(AnyEstimator, early_stopping=True, validation_fraction=0.1)
    with pytest.raises(ValueError, match="early_stopping") as error:
        est.fit(X, y)
    assert ("class" in str(error.value)) is not is_regressor(AnyEstimator)


@pytest.mark.parametrize("random_state", range(5))
def test_early_stopping_split_is_stratified(Estimator, random_state):
    # On constant X the network predicts one class for every sample, so each
    # validation score is the share of one class in the validation set.  A
    # stratified 10% of 100 samples holds exactly 8/2 (binary) or 6/3/1
    # (multiclass) of them; a random split would rarely do so for all seeds.
    if Estimator is BinaryMLPClassifier:
        y = np.repeat([0, 1], [80, 20])
        shares = {0.8, 0.2}
    else:
        y = np.repeat([0, 1, 2], [60, 30, 10])
        shares = {0.6, 0.3, 0.1}
    X = np.zeros((100, 3))
    est = small(
        Estimator,
        early_stopping=True,
        validation_fraction=0.1,
        learning_rate=0.1,
        tol=0,
        n_iter_no_change=100,
        max_iter=30,
        random_state=random_state,
    )
    fit_quiet(est, X, y)
    assert {round(s, 10) for s in est.validation_scores_} <= shares
    # By then the network has learned the prior and predicts the majority.
    assert est.best_validation_score_ == pytest.approx(max(shares))


def test_early_stopping_with_a_rare_class_still_works(Estimator):
    # Two samples of the rare class: a stratified split is possible.
    X, y = toy_data(Estimator, 100)
    y = y.copy()
    y[y == 1] = 0
    y[:2] = 1
    est = small(Estimator, early_stopping=True, validation_fraction=0.1, max_iter=5)
    fit_quiet(est, X, y)
    assert len(est.validation_scores_) == est.n_iter_
    assert set(est.predict(X)) <= set(np.unique(y))


def test_early_stopping_on_multilabel_targets():
    # Multilabel rows cannot be stratified by class; the split still works and
    # the score is the exact-match accuracy of every label.
    X, y = toy_data(BinaryMLPClassifier, 200)
    Y = np.column_stack([y, X[:, 0] > 0, X[:, 1] > 0.5]).astype(int)
    est = small(BinaryMLPClassifier, early_stopping=True, max_iter=20, tol=0)
    fit_quiet(est, X, Y)
    assert len(est.validation_scores_) == est.n_iter_
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.predict(X).shape == Y.shape


def test_early_stopping_split_too_small_raises(Estimator):
    X, y = toy_data(Estimator, 100)
    # A class with a single sample cannot be in both parts.
    y_single = y.copy()
    y_single[y_single == 1] = 0
    y_single[0] = 1
    est = small(Estimator, early_stopping=True, max_iter=5)
    with pytest.raises(ValueError, match="validation_fraction"):
        est.fit(X, y_single)
    # A hold-out of one sample cannot hold every class.
    est.set_params(validation_fraction=0.01)
    with pytest.raises(ValueError, match="validation_fraction"):
        est.fit(X, y)


# -- 4. sample_weight and class_weight -------------------------------------------

# Full batch and no shuffling: the weighted mean over the rows is then the same
# number as the plain mean over the repeated rows, step after step.
EXACT = dict(
    batch_size=None, shuffle=False, max_iter=20, tol=0, weight_regularizer_l2=1e-3
)


def test_integer_sample_weight_equals_repeated_rows(AnyHead):
    X, y = toy_data(AnyHead, 60)
    weights = np.random.default_rng(0).integers(1, 4, size=len(y))
    weighted = fit_quiet(small(AnyHead, **EXACT), X, y, sample_weight=weights)
    repeated = fit_quiet(
        small(AnyHead, **EXACT), np.repeat(X, weights, axis=0), np.repeat(y, weights)
    )
    assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-9)
    assert_allclose(outputs(weighted, X), outputs(repeated, X), rtol=1e-7)


def test_zero_sample_weight_equals_removing_the_row(AnyEstimator):
    X, y = toy_data(AnyEstimator, 60)
    weights = np.ones(len(y))
    weights[::4] = 0
    keep = weights > 0
    weighted = fit_quiet(small(AnyEstimator, **EXACT), X, y, sample_weight=weights)
    removed = fit_quiet(small(AnyEstimator, **EXACT), X[keep], y[keep])
    assert_allclose(weighted.loss_curve_, removed.loss_curve_, rtol=1e-9)
    assert_allclose(outputs(weighted, X), outputs(removed, X), rtol=1e-7)


def test_sample_weight_changes_the_fit(AnyEstimator):
    X, y = toy_data(AnyEstimator, 60)
    weights = np.where(y > 0, 5.0, 1.0)
    plain = fit_quiet(small(AnyEstimator, **EXACT), X, y)
    weighted = fit_quiet(small(AnyEstimator, **EXACT), X, y, sample_weight=weights)
    assert not np.allclose(outputs(plain, X), outputs(weighted, X))


def test_balanced_class_weight_raises_minority_recall(Estimator):
    if Estimator is BinaryMLPClassifier:
        class_share, minority = [0.9, 0.1], [1]
    else:
        class_share, minority = [0.8, 0.1, 0.1], [1, 2]
    # Overlapping classes, so that an unweighted fit sacrifices the minority;
    # averaged over three data sets to keep the comparison stable.
    recall = {None: [], "balanced": []}
    for data_seed in range(3):
        X, y = toy_data(
            Estimator,
            600,
            weights=class_share,
            class_sep=0.5,
            n_informative=2,
            flip_y=0,
            random_state=data_seed,
        )
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, stratify=y, random_state=0
        )
        for class_weight in recall:
            est = small(
                Estimator,
                class_weight=class_weight,
                hidden_layer_sizes=(16,),
                max_iter=40,
                tol=0,
            )
            fit_quiet(est, X_train, y_train)
            per_class = recall_score(y_test, est.predict(X_test), average=None)
            recall[class_weight].append(per_class[minority].mean())
    assert np.mean(recall["balanced"]) >= np.mean(recall[None]) + 0.1, recall


def test_class_weight_dict_equals_sample_weight(Estimator):
    # String labels: the dict is keyed by the user's labels, not by codes.
    X, y = toy_data(Estimator, 120)
    names = np.array(["ant", "bee", "cat"])
    labels = names[y]
    class_weight = dict(zip(names[: len(np.unique(y))], [1.0, 3.0, 0.5]))
    per_sample = np.array([class_weight[label] for label in labels])
    params = dict(max_iter=5, tol=0, batch_size=32)

    by_class = fit_quiet(
        small(Estimator, class_weight=class_weight, **params), X, labels
    )
    by_sample = fit_quiet(
        small(Estimator, **params), X, labels, sample_weight=per_sample
    )
    assert_allclose(by_class.loss_curve_, by_sample.loss_curve_, rtol=1e-12)
    for a, b in zip(by_class.coefs_, by_sample.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12)

    # Both together multiply.
    extra = np.random.default_rng(0).uniform(0.5, 2.0, size=len(y))
    both = fit_quiet(
        small(Estimator, class_weight=class_weight, **params),
        X,
        labels,
        sample_weight=extra,
    )
    product = fit_quiet(
        small(Estimator, **params), X, labels, sample_weight=extra * per_sample
    )
    for a, b in zip(both.coefs_, product.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_score_is_the_weighted_metric(AnyEstimator, weighted):
    # Accuracy for the classifiers, R² for the regressor, both weighted.
    X, y = toy_data(AnyEstimator)
    est = fit_quiet(small(AnyEstimator, max_iter=30), X, y)
    weights = np.random.default_rng(0).uniform(0, 3, size=len(y)) if weighted else None
    metric = score_function(AnyEstimator)
    expected = metric(y, est.predict(X), sample_weight=weights)
    assert est.score(X, y, sample_weight=weights) == pytest.approx(expected, rel=1e-12)
    if weighted:
        assert est.score(X, y) != pytest.approx(expected)  # the weights matter
    # It learned something: well above chance, or a constant's R² of 0.
    assert expected > 0.8


def test_class_weight_with_unknown_label_raises(Estimator):
    # A label that is not in y (here in place of class 1, which is left
    # without a weight) is a mistake, reported as scikit-learn reports it.
    X, y = toy_data(Estimator)
    est = small(Estimator, class_weight={0: 1.0, 99: 2.0}, max_iter=2)
    with pytest.raises(ValueError, match="class_weight"):
        est.fit(X, y)


@pytest.mark.parametrize(
    "make_weights",
    [
        lambda n: np.r_[-1.0, np.ones(n - 1)],
        lambda n: np.r_[np.nan, np.ones(n - 1)],
        lambda n: np.r_[np.inf, np.ones(n - 1)],
        lambda n: np.ones(n - 1),
        lambda n: np.zeros(n),
    ],
    ids=["negative", "nan", "inf", "wrong-length", "all-zero"],
)
def test_invalid_sample_weight_raises(AnyEstimator, make_weights):
    X, y = toy_data(AnyEstimator, 50)
    est = small(AnyEstimator, max_iter=2)
    with pytest.raises(ValueError, match=r"(?i)sample.?weight"):
        est.fit(X, y, sample_weight=make_weights(len(y)))


# -- 5. partial_fit ---------------------------------------------------------------


def test_partial_fit_needs_classes_on_the_first_call(Estimator):
    X, y = toy_data(Estimator, 50)
    with pytest.raises(ValueError, match="classes"):
        small(Estimator).partial_fit(X, y)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_partial_fit_continues_weights_and_optimizer_state(AnyHead, optimizer):
    # Without shuffling, fit(max_iter=k) followed by partial_fit is the same
    # computation as fit(max_iter=k + 1) -- but only if partial_fit keeps the
    # optimizer's moments and step count (learning_rate_decay makes even SGD
    # depend on the step count).
    X, y = toy_data(AnyHead, 100)
    params = dict(
        optimizer=optimizer,
        learning_rate=LEARNING_RATES[optimizer],
        learning_rate_decay=0.05,
        batch_size=32,
        shuffle=False,
        tol=0,
    )
    est = fit_quiet(small(AnyHead, max_iter=3, **params), X, y)
    before = [c.copy() for c in est.coefs_]
    n_iter, t = est.n_iter_, est.t_
    with warnings.catch_warnings():
        # partial_fit runs its epoch: it never warns about max_iter.
        warnings.simplefilter("error", ConvergenceWarning)
        est.partial_fit(X, y)
    assert est.n_iter_ == 1  # the epochs of this call, as in scikit-learn
    assert est.t_ == t + len(y)
    assert len(est.loss_curve_) == n_iter + 1
    assert any(not np.array_equal(b, a) for b, a in zip(before, est.coefs_))

    longer = fit_quiet(small(AnyHead, max_iter=4, **params), X, y)
    for a, b in zip(est.coefs_, longer.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)

    # The same from scratch: four partial_fit calls are four epochs.
    incremental = small(AnyHead, **params)
    for call in range(1, 5):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            incremental.partial_fit(X, y, **partial_fit_kwargs(AnyHead, y))
        assert incremental.n_iter_ == 1
        assert len(incremental.loss_curve_) == call
        assert incremental.t_ == call * len(y)
    for a, b in zip(incremental.coefs_, longer.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert_allclose(incremental.loss_curve_, longer.loss_curve_, rtol=1e-12)


def test_partial_fit_learning_rate_keeps_decaying(AnyEstimator, capsys):
    X, y = toy_data(AnyEstimator, 50)
    est = small(
        AnyEstimator,
        learning_rate=0.01,
        learning_rate_decay=0.5,
        batch_size=None,
        verbose=1,
    )
    for _ in range(4):
        est.partial_fit(X, y, **partial_fit_kwargs(AnyEstimator, y))
    pattern = epoch_line(AnyEstimator)
    matches = [pattern.match(line) for line in epoch_lines(capsys.readouterr().out)]
    assert all(matches)
    assert [int(m["epoch"]) for m in matches] == [1, 2, 3, 4]
    # One full-batch step per call: the k-th step uses lr / (1 + decay * k).
    printed = [float(m["lr"]) for m in matches]
    expected = [0.01 / (1 + 0.5 * k) for k in range(4)]
    assert_allclose(printed, expected, rtol=5e-3)


def test_partial_fit_rejects_labels_outside_classes(Estimator):
    X, y = toy_data(Estimator, 60)
    classes = np.unique(y)
    stranger = 7
    y_bad = y.copy()
    # Replace one class entirely so that a binary y stays binary.
    y_bad[y_bad == classes[-1]] = stranger

    est = small(Estimator)
    with pytest.raises(ValueError, match="classes"):
        est.partial_fit(X, y_bad, classes=classes)

    est.partial_fit(X, y, classes=classes)
    coefs = [c.copy() for c in est.coefs_]
    with pytest.raises(ValueError, match="classes"):
        est.partial_fit(X, y_bad)
    # The failed call changed nothing.
    assert est.n_iter_ == 1
    for before, after in zip(coefs, est.coefs_, strict=True):
        assert_array_equal(before, after)


def test_partial_fit_with_a_class_absent_from_the_first_batch(Estimator):
    X, y = toy_data(Estimator, 90)
    classes = np.unique(y)
    absent = classes[-1]
    first = y != absent
    est = small(Estimator)
    est.partial_fit(X[first], y[first], classes=classes)
    assert_array_equal(est.classes_, classes)
    assert est.predict_proba(X).shape == (len(y), len(classes))

    est.partial_fit(X, y)
    assert est.n_iter_ == 1
    assert len(est.loss_curve_) == 2
    assert est.predict_proba(X).shape == (len(y), len(classes))
    assert set(est.predict(X)) <= set(classes)


# -- 6. warm_start ----------------------------------------------------------------


def test_warm_start_continues_from_the_previous_fit(AnyEstimator):
    X, y = toy_data(AnyEstimator)
    est = fit_quiet(small(AnyEstimator, max_iter=20, tol=0), X, y)
    last_loss = est.loss_curve_[-1]
    cold_first_loss = est.loss_curve_[0]

    est.set_params(warm_start=True, max_iter=5)
    fit_quiet(est, X, y)
    warm_first_loss = est.loss_curve_[-5]  # first epoch of the second fit
    assert abs(warm_first_loss - last_loss) < 0.1 * last_loss
    assert warm_first_loss < 0.7 * cold_first_loss


def test_warm_start_counts_the_epochs_of_the_call_and_continues(AnyEstimator):
    X, y = toy_data(AnyEstimator, 100)
    params = dict(batch_size=32, shuffle=False, tol=0, n_iter_no_change=100)
    est = fit_quiet(small(AnyEstimator, max_iter=5, **params), X, y)
    est.set_params(warm_start=True, max_iter=3)
    fit_quiet(est, X, y)
    assert est.n_iter_ == 3
    assert len(est.loss_curve_) == 8
    assert est.t_ == 8 * len(y)
    # Weights and optimizer state carried over: the same as 8 epochs at once.
    longer = fit_quiet(small(AnyEstimator, max_iter=8, **params), X, y)
    for a, b in zip(est.coefs_, longer.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert_allclose(est.loss_curve_, longer.loss_curve_, rtol=1e-12)


def test_without_warm_start_every_fit_starts_afresh(AnyEstimator):
    X, y = toy_data(AnyEstimator)
    # Other data; for the regressor also another number of targets, which
    # takes another network.
    X2, y2 = toy_data(AnyEstimator, random_state=1, n_targets=2)
    est = fit_quiet(small(AnyEstimator, max_iter=5, tol=0), X, y)
    fit_quiet(est, X2, y2)
    fresh = fit_quiet(small(AnyEstimator, max_iter=5, tol=0), X2, y2)
    assert_same_weights(est, fresh)
    assert est.n_iter_ == fresh.n_iter_ == 5
    assert est.loss_curve_ == fresh.loss_curve_
    assert est.predict(X2).shape == y2.shape


@pytest.mark.parametrize("change", ["hidden_layer_sizes", "n_features"])
def test_warm_start_with_another_architecture_raises_and_keeps_the_model(
    AnyEstimator, change
):
    X, y = toy_data(AnyEstimator)
    est = fit_quiet(small(AnyEstimator, max_iter=5, tol=0, warm_start=True), X, y)
    coefs = [c.copy() for c in est.coefs_]
    predicted = outputs(est, X)
    n_iter, curve = est.n_iter_, list(est.loss_curve_)

    if change == "hidden_layer_sizes":
        est.set_params(hidden_layer_sizes=(5,))
        X_new = X
        match = "warm_start"
    else:
        X_new = X[:, :5]
        match = "features"
    with pytest.raises(ValueError, match=match):
        est.fit(X_new, y)

    for before, after in zip(coefs, est.coefs_, strict=True):
        assert_array_equal(before, after)
    assert_array_equal(outputs(est, X), predicted)
    assert est.n_iter_ == n_iter
    assert est.loss_curve_ == curve


# -- 7. verbose ---------------------------------------------------------------------


@pytest.mark.parametrize("verbose", [1, 2])
def test_verbose_prints_the_notebook_line_every_epoch(AnyEstimator, capsys, verbose):
    X, y = toy_data(AnyEstimator)
    params = dict(
        max_iter=6,
        tol=0,
        batch_size=None,
        learning_rate=0.01,
        learning_rate_decay=0.1,
        weight_regularizer_l2=1e-2,
        bias_regularizer_l1=1e-3,
    )
    est = fit_quiet(small(AnyEstimator, verbose=verbose, **params), X, y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6  # one line per epoch and nothing else
    pattern = epoch_line(AnyEstimator)  # "acc:" or "r2:"
    matches = [pattern.match(line) for line in lines]
    assert all(matches), lines
    assert [int(m["epoch"]) for m in matches] == [1, 2, 3, 4, 5, 6]
    for m, loss, reg in zip(
        matches, est.loss_curve_, est.regularization_loss_curve_, strict=True
    ):
        assert m["val_score"] is None
        assert float(m["loss"]) == pytest.approx(loss, abs=5e-4)
        assert float(m["reg_loss"]) == pytest.approx(reg, abs=5e-4)
        assert float(m["reg_loss"]) > 0
    # With one full batch, an epoch's score is the training score of the
    # weights its forward pass used: the model of a fit one epoch shorter.
    shorter = fit_quiet(small(AnyEstimator, **{**params, "max_iter": 5}), X, y)
    assert float(matches[-1]["score"]) == pytest.approx(shorter.score(X, y), abs=5e-4)
    # learning_rate_decay takes effect: one step per epoch, lr / (1 + 0.1 t).
    printed = [float(m["lr"]) for m in matches]
    assert_allclose(printed, [0.01 / (1 + 0.1 * t) for t in range(6)], rtol=5e-3)
    assert all(a > b for a, b in zip(printed, printed[1:]))


def test_verbose_appends_validation_score_with_early_stopping(AnyEstimator, capsys):
    X, y = toy_data(AnyEstimator)
    est = small(AnyEstimator, verbose=1, early_stopping=True, max_iter=4, tol=0)
    fit_quiet(est, X, y)
    pattern = epoch_line(AnyEstimator)  # ", val_acc:" or ", val_r2:"
    matches = [pattern.match(line) for line in epoch_lines(capsys.readouterr().out)]
    assert len(matches) == est.n_iter_ == 4
    assert all(matches)
    for m, score in zip(matches, est.validation_scores_, strict=True):
        assert m["val_score"] is not None
        assert float(m["val_score"]) == pytest.approx(score, abs=5e-4)
        # Without regularization the penalty is exactly zero.
        assert m["reg_loss"] == "0.000"


def test_silent_by_default(AnyEstimator, capsys):
    X, y = toy_data(AnyEstimator)
    fit_quiet(small(AnyEstimator, max_iter=3), X, y)
    assert capsys.readouterr().out == ""


# -- 8. KeyboardInterrupt -------------------------------------------------------


@pytest.mark.parametrize("early_stopping", [False, True])
def test_keyboard_interrupt_ends_training_with_a_usable_model(
    AnyEstimator, monkeypatch, early_stopping
):
    X, y = toy_data(AnyEstimator)
    params = dict(batch_size=50, max_iter=100, tol=0, early_stopping=early_stopping)
    calls = []
    original = Network.train_step

    def interrupted(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 6:  # the second step of the second epoch
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Network, "train_step", interrupted)
    est = small(AnyEstimator, **params)
    with pytest.warns(UserWarning, match="interrupted") as record:
        est.fit(X, y)
    monkeypatch.undo()
    assert not any(issubclass(w.category, ConvergenceWarning) for w in record)
    assert est.n_iter_ == 1  # only the completed epoch is counted
    assert len(est.loss_curve_) == 1
    assert np.isfinite(outputs(est, X)).all()
    predicted = est.predict(X)
    assert predicted.shape == y.shape
    if not is_regressor(AnyEstimator):
        assert set(predicted) <= set(np.unique(y))
    assert np.isfinite(est.score(X, y))

    if early_stopping:
        # The best (and only complete) epoch's weights are restored.
        one_epoch = fit_quiet(small(AnyEstimator, **{**params, "max_iter": 1}), X, y)
        assert_same_weights(est, one_epoch)


# -- 9. divergence ------------------------------------------------------------------


@pytest.mark.parametrize("learning_rate", [1e3, 1e300])
def test_diverging_training_keeps_finite_weights_and_warns(AnyHead, learning_rate):
    X, y = toy_data(AnyHead)
    X_big = X * 1e3  # unscaled data makes plain SGD blow up
    est = small(AnyHead, optimizer="sgd", learning_rate=learning_rate, max_iter=50)
    with warnings.catch_warnings():
        # No overflow / invalid-value RuntimeWarning may escape, in fit or predict.
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(ConvergenceWarning, match="learning_rate"):
            est.fit(X_big, y)
        predicted = outputs(est, X_big)
        est.predict(X_big)
    for param in [*est.coefs_, *est.intercepts_]:
        assert np.isfinite(param).all()
    assert np.isfinite(predicted).all()
    assert np.isfinite(est.loss_curve_).all()
    if not is_regressor(AnyHead):
        assert_allclose(predicted.sum(axis=1), 1.0, rtol=1e-6)


# -- 10. float32 and sparse input ---------------------------------------------------


def test_float32_trains_in_float32(AnyHead):
    X, y = toy_data(AnyHead, 300)
    X_train, X_test, y_train, y_test = split(AnyHead, X, y)
    # The absolute error's gradient is the sign of the residual: float32
    # rounding flips it where a residual is near zero, and after some ten
    # epochs the two runs part by more than float32 precision.
    max_iter = 10 if loss_of(AnyHead) == "absolute_error" else 30
    params = dict(max_iter=max_iter, tol=0, batch_size=32)
    est32 = fit_quiet(small(AnyHead, **params), X_train.astype(np.float32), y_train)
    est64 = fit_quiet(small(AnyHead, **params), X_train, y_train)
    for param in [*est32.coefs_, *est32.intercepts_]:
        assert param.dtype == np.float32
    for param in [*est64.coefs_, *est64.intercepts_]:
        assert param.dtype == np.float64
    assert np.isfinite(est32.loss_curve_).all()
    predicted32 = outputs(est32, X_test.astype(np.float32))
    predicted64 = outputs(est64, X_test)
    assert predicted32.dtype == np.float32
    assert predicted64.dtype == np.float64
    assert np.isfinite(predicted32).all()
    assert (
        abs(
            est32.score(X_test.astype(np.float32), y_test) - est64.score(X_test, y_test)
        )
        <= 0.02
    )
    # Same initialisation and batches: float32 follows float64 closely.
    assert_allclose(est32.loss_curve_, est64.loss_curve_, rtol=1e-3)
    scale = np.std(y) if is_regressor(AnyHead) else 1.0
    assert_allclose(predicted32, predicted64, rtol=1e-3, atol=1e-3 * scale)


@pytest.mark.parametrize("fmt", ["csr", "csc", "csr_array"])
def test_sparse_matches_dense(AnyEstimator, fmt):
    # scipy's sparse matrices, and its newer sparse arrays.
    X, y = toy_data(AnyEstimator, 150)
    X = np.where(np.abs(X) < 0.5, 0.0, X)  # a third of the entries are zero
    if fmt == "csr_array":
        X_sparse, X_other = sp.csr_array(X), sp.csc_array(X)
    else:
        X_sparse = X_other = sp.csr_matrix(X).asformat(fmt)
    params = dict(max_iter=10, tol=0, batch_size=32)
    dense = fit_quiet(small(AnyEstimator, **params), X, y)
    sparse = fit_quiet(small(AnyEstimator, **params), X_sparse, y)
    # Same seed, same data: only the summation order of the products differs.
    assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-9)
    for a, b in zip(dense.coefs_ + dense.intercepts_,
                    sparse.coefs_ + sparse.intercepts_, strict=True):
        assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert_allclose(outputs(sparse, X_sparse), outputs(dense, X),
                    rtol=1e-9, atol=1e-12)
    # A dense-fitted model also predicts on sparse input and vice versa.
    assert_allclose(outputs(dense, X_other), outputs(dense, X), rtol=1e-12, atol=1e-15)
    assert_allclose(outputs(sparse, X), outputs(sparse, X_other), rtol=1e-12,
                    atol=1e-15)
    if not is_regressor(AnyEstimator):  # and the same labels
        assert_array_equal(sparse.predict(X_sparse), dense.predict(X))
        assert_array_equal(dense.predict(X_other), dense.predict(X))
        assert_array_equal(sparse.predict(X), sparse.predict(X_other))
    assert sparse.score(X_sparse, y) == pytest.approx(dense.score(X, y), rel=1e-9)


def test_large_sparse_input_is_never_densified(AnyEstimator):
    # 2000 x 5000 float32 would take 40 MB dense; CSR at 1% density takes
    # under 1 MB.  Training and prediction must stay far below the dense size.
    # A Generator: with a seed, scipy's legacy sampler takes seconds here.
    X = sp.random(
        2000,
        5000,
        density=0.01,
        format="csr",
        dtype=np.float32,
        random_state=np.random.default_rng(0),
    )
    # Labels of two or three classes, or a target, that depend on X.
    n_scores = 3 if estimator_class(AnyEstimator) is MulticlassMLPClassifier else 1
    direction = np.random.default_rng(0).standard_normal((5000, n_scores))
    scores = np.asarray(X @ direction)
    if is_regressor(AnyEstimator):
        y = scores[:, 0] / scores[:, 0].std()
    elif n_scores == 1:
        y = (scores[:, 0] > np.median(scores)).astype(int)
    else:
        y = scores.argmax(axis=1)
    est = small(AnyEstimator, max_iter=2, tol=0)
    tracemalloc.start()
    try:
        fit_quiet(est, X, y)
        est.predict(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 15e6, f"peak {peak / 1e6:.1f} MB"
    assert est.coefs_[0].shape == (5000, 8)
    assert est.coefs_[0].dtype == np.float32
    assert np.isfinite(est.loss_curve_).all()


# -- 11. loss curves, regularization, dropout --------------------------------------


def penalty_from_attributes(est, l1_w, l2_w, l1_b, l2_b):
    """The API's regularization, recomputed from coefs_ and intercepts_."""
    n = len(est.coefs_)
    per_layer = [np.broadcast_to(v, n) for v in (l1_w, l2_w, l1_b, l2_b)]
    total = 0.0
    for i, (W, b) in enumerate(zip(est.coefs_, est.intercepts_, strict=True)):
        W, b = W.astype(np.float64), b.astype(np.float64)
        total += per_layer[0][i] * np.abs(W).sum() + per_layer[1][i] * (W**2).sum()
        total += per_layer[2][i] * np.abs(b).sum() + per_layer[3][i] * (b**2).sum()
    return total


@pytest.mark.parametrize(
    "lambdas",
    [
        (1e-3, 1e-2, 1e-3, 1e-2),
        # One value per Dense layer (two hidden layers plus the output layer).
        ([1e-3, 0.0, 2e-3], [1e-2, 2e-2, 0.0], [0.0, 1e-3, 0.0], [1e-2, 0.0, 5e-3]),
    ],
    ids=["scalar", "per-layer"],
)
def test_curves_one_value_per_epoch_and_their_sum(AnyHead, lambdas):
    X, y = toy_data(AnyHead)
    l1_w, l2_w, l1_b, l2_b = lambdas
    params = dict(
        hidden_layer_sizes=(8, 6),
        weight_regularizer_l1=l1_w,
        weight_regularizer_l2=l2_w,
        bias_regularizer_l1=l1_b,
        bias_regularizer_l2=l2_b,
        batch_size=None,  # one step per epoch
        tol=0,
    )
    est = fit_quiet(small(AnyHead, max_iter=7, **params), X, y)
    loss, data, reg = (
        est.loss_curve_,
        est.data_loss_curve_,
        est.regularization_loss_curve_,
    )
    assert len(loss) == len(data) == len(reg) == est.n_iter_ == 7
    for total, d, r in zip(loss, data, reg, strict=True):
        assert total == d + r
        assert r > 0
    assert est.loss_ == loss[-1]
    assert est.best_loss_ == min(loss)
    assert loss[-1] < loss[0]  # training lowered the loss
    # Each epoch's penalty is measured at the weights its forward pass used,
    # like its data loss: with one step per epoch, the last epoch's is that of
    # the weights six steps in, the final weights of a fit one epoch shorter.
    shorter = fit_quiet(small(AnyHead, max_iter=6, **params), X, y)
    assert reg[-1] == pytest.approx(
        penalty_from_attributes(shorter, l1_w, l2_w, l1_b, l2_b), rel=1e-10
    )
    assert reg[-1] != pytest.approx(
        penalty_from_attributes(est, l1_w, l2_w, l1_b, l2_b), rel=1e-10
    )


def test_regularization_curve_is_zero_without_lambdas(AnyEstimator):
    X, y = toy_data(AnyEstimator)
    est = fit_quiet(small(AnyEstimator, max_iter=4, tol=0), X, y)
    assert est.regularization_loss_curve_ == [0.0] * 4
    assert est.loss_curve_ == est.data_loss_curve_


def test_larger_l2_gives_smaller_weights(AnyEstimator):
    X, y = toy_data(AnyEstimator)
    norms = []
    for l2 in (0.0, 1e-3, 1e-2):
        est = fit_quiet(
            small(AnyEstimator, weight_regularizer_l2=l2, max_iter=40, tol=0), X, y
        )
        norms.append(sum(float((W**2).sum()) for W in est.coefs_))
    assert norms[0] > norms[1] > norms[2], norms


def forward_by_hand(est, X):
    """ReLU network on coefs_ / intercepts_, no dropout: what the outputs must
    be (probabilities, or the regressor's identity / exponential output)."""
    values = X
    for i, (W, b) in enumerate(zip(est.coefs_, est.intercepts_, strict=True)):
        values = values @ W + b
        if i < len(est.coefs_) - 1:
            values = np.maximum(values, 0)
    if is_regressor(est):
        values = np.exp(values) if loss_of(est) == "poisson" else values
        return values.ravel() if est.predict(X[:1]).ndim == 1 else values
    if isinstance(est, BinaryMLPClassifier):
        positive = 1 / (1 + np.exp(-values))
        return np.hstack([1 - positive, positive])
    values = np.exp(values - values.max(axis=1, keepdims=True))
    return values / values.sum(axis=1, keepdims=True)


def test_dropout_changes_training_but_not_prediction(AnyHead):
    X, y = toy_data(AnyHead)
    params = dict(max_iter=10, tol=0, hidden_layer_sizes=(16,))
    with_dropout = fit_quiet(small(AnyHead, dropout=0.5, **params), X, y)
    without = fit_quiet(small(AnyHead, **params), X, y)
    assert weights_differ(with_dropout, without)
    assert with_dropout.loss_curve_ != without.loss_curve_

    first = outputs(with_dropout, X)
    assert_array_equal(first, outputs(with_dropout, X))
    assert_array_equal(with_dropout.predict(X), with_dropout.predict(X))
    # Inverted dropout: prediction is the plain forward pass, no mask, no
    # rescaling.
    assert_allclose(first, forward_by_hand(with_dropout, X), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fmt", [None, "csr", "csc"])
def test_prediction_in_row_chunks_equals_one_pass(AnyEstimator, fmt, monkeypatch):
    # Large inputs are predicted a chunk of rows at a time; the chunks must
    # cover every row once, in order, whatever the input format.
    X, y = toy_data(AnyEstimator, 103)
    model = fit_quiet(small(AnyEstimator, max_iter=5), X, y)
    X_in = X if fmt is None else sp.csr_matrix(X).asformat(fmt)
    expected_outputs = outputs(model, X_in)
    expected_labels = model.predict(X_in)
    widest = max(model.hidden_layer_sizes)
    # two rows per chunk: 52 chunks, the last one short
    monkeypatch.setattr(skmlp._network, "PREDICTION_CHUNK_VALUES", 2 * widest)
    chunk_rows = []
    forward = Network.forward

    def spy(self, X, *, training):
        chunk_rows.append(X.shape[0])
        return forward(self, X, training=training)

    monkeypatch.setattr(Network, "forward", spy)
    assert_allclose(outputs(model, X_in), expected_outputs, rtol=1e-12)
    assert chunk_rows == [2] * 51 + [1]
    if not is_regressor(AnyEstimator):
        # The regressor's predictions are the outputs compared above (to the
        # last bits: a matmul of two rows may round unlike one of all rows).
        assert_array_equal(model.predict(X_in), expected_labels)

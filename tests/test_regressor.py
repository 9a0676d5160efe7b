"""MLPRegressor's behaviour through its public API (``../shared/API.md`` section 6).

Target shapes, R², sample weights, partial_fit, warm start, early stopping on
a random hold-out, user validation data, float32, sparse input, the loss
curves, verbose output, interruption, divergence, bad targets and large
targets.  As in ``test_training.py``, the only internal name used is
:meth:`skmlp._network.Network.train_step`, monkeypatched to watch the
minibatches and to simulate ``Ctrl-C``.  Networks are tiny so the module runs
in seconds.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from fitting import fit_quiet
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import (
    mean_absolute_error,
    mean_poisson_deviance,
    mean_squared_error,
    r2_score,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmlp import MLPRegressor
from skmlp._network import Network

LOSSES = ["squared_error", "absolute_error", "poisson"]
METRICS = {
    "squared_error": mean_squared_error,
    "absolute_error": mean_absolute_error,
    "poisson": mean_poisson_deviance,
}
# Full batch and no shuffling: every epoch is one deterministic step, so
# runs that see the same data in the same order take the very same steps.
EXACT = dict(batch_size=None, shuffle=False, tol=0, weight_regularizer_l2=1e-3)

EPOCH_LINE = re.compile(
    r"^epoch: (?P<epoch>\d+), r2: (?P<r2>-?\d+\.\d{3}), loss: (?P<loss>\d+\.\d{3}) "
    r"\(data_loss: (?P<data_loss>\d+\.\d{3}), reg_loss: (?P<reg_loss>\d+\.\d{3})\), "
    r"lr: (?P<lr>\S+?)(?:, val_r2: (?P<val_r2>-?\d+\.\d{3}))?$"
)


@pytest.fixture(autouse=True)
def _single_blas_thread():
    # Tiny matmuls: one BLAS thread is faster than several competing for the
    # machine's shared cores.
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def make_data(n_samples=200, n_targets=1, *, loss="squared_error", random_state=0):
    """Scaled X and targets of unit scale; counts for ``loss="poisson"``."""
    X, y = make_regression(
        n_samples=n_samples, n_features=6, n_informative=4, n_targets=n_targets,
        noise=5.0, random_state=random_state,
    )
    X = StandardScaler().fit_transform(X)
    y = y / y.std()
    if loss == "poisson":
        # Counts whose log-rate is linear in X (zeros included).
        rate = np.exp(0.5 * X[:, :1] + 0.3 * X[:, 1:2]) * np.ones((1, n_targets))
        y = np.random.default_rng(random_state).poisson(rate).astype(float)
        y = y.ravel() if n_targets == 1 else y
    return X, y


def small(**params):
    """A tiny network that fits the toy data in a few dozen epochs."""
    defaults = dict(hidden_layer_sizes=(16,), learning_rate=0.01, random_state=0)
    return MLPRegressor(**{**defaults, **params})


def fitted_state(est):
    """Every fitted quantity a failed fit must leave untouched."""
    return {
        "keys": sorted(vars(est)),
        "coefs_": [w.copy() for w in est.coefs_],
        "intercepts_": [b.copy() for b in est.intercepts_],
        "n_iter_": est.n_iter_,
        "t_": est.t_,
        "n_outputs_": est.n_outputs_,
        "n_features_in_": est.n_features_in_,
        "loss_curve_": list(est.loss_curve_),
        "validation_scores_": est.validation_scores_,
        "best_loss_": est.best_loss_,
    }


def assert_same_state(before, after):
    assert before.keys() == after.keys()
    for key in before:
        if key in ("coefs_", "intercepts_"):
            for a, b in zip(before[key], after[key], strict=True):
                assert_array_equal(a, b)
        else:
            assert_array_equal(before[key], after[key], err_msg=key)


def assert_same_weights(a, b):
    for p, q in zip([*a.coefs_, *a.intercepts_], [*b.coefs_, *b.intercepts_],
                    strict=True):
        assert_array_equal(p, q)


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


# -- targets, predictions and the score ----------------------------------------


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("shape", ["1d", "column", "3 targets"])
def test_predict_returns_the_shape_of_the_fitted_y(loss, shape):
    n_targets = 3 if shape == "3 targets" else 1
    X, y = make_data(n_targets=n_targets, loss=loss)
    if shape == "column":
        y = y.reshape(-1, 1)
    est = fit_quiet(small(loss=loss, max_iter=5), X, y)
    predicted = est.predict(X)
    assert predicted.shape == y.shape
    assert predicted.dtype == np.float64
    assert est.n_outputs_ == n_targets
    assert est.coefs_[-1].shape == (16, n_targets)
    if loss == "poisson":
        assert np.all(predicted > 0)  # the log link's outputs are positive


def test_1d_and_column_targets_train_the_same_network():
    X, y = make_data()
    flat = fit_quiet(small(max_iter=5), X, y)
    column = fit_quiet(small(max_iter=5), X, y.reshape(-1, 1))
    assert_same_weights(flat, column)
    assert_array_equal(flat.predict(X), column.predict(X).ravel())


@pytest.mark.parametrize("n_targets", [1, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_score_is_r2_score(n_targets, weighted):
    X, y = make_data(n_targets=n_targets)
    weights = np.linspace(0.2, 3.0, len(y)) if weighted else None
    est = fit_quiet(small(max_iter=30), X, y)
    expected = r2_score(y, est.predict(X), sample_weight=weights)
    assert est.score(X, y, sample_weight=weights) == pytest.approx(expected,
                                                                  rel=1e-12)
    # It learned something: R² well above a constant's 0.
    assert expected > 0.8


@pytest.mark.parametrize(
    ("loss", "statistic"),
    [("squared_error", np.mean), ("absolute_error", np.median),
     ("poisson", np.mean)],
)
def test_on_constant_input_each_loss_learns_its_own_constant(loss, statistic):
    # With nothing to learn from X, the output is the constant minimising the
    # loss: the mean for squared error and Poisson deviance, the median for
    # absolute error.  A skewed y of odd length keeps mean (2.7) and median
    # (1.5) apart, each unique.
    y = np.array([0.0, 0.5, 1.0, 1.0, 1.0, 1.5, 2.0, 2.5, 3.0, 6.0, 9.0])
    X = np.zeros((len(y), 1))
    est = fit_quiet(
        MLPRegressor(loss=loss, hidden_layer_sizes=(), learning_rate=0.05,
                     max_iter=1000, tol=0, n_iter_no_change=1000,
                     learning_rate_decay=0.01, random_state=0),
        X, y)
    assert_allclose(est.predict(X), statistic(y), atol=0.02)


@pytest.mark.parametrize("loss", LOSSES)
def test_data_loss_is_sklearns_metric_of_the_final_model(loss):
    # One full-batch epoch more measures the data loss at the weights of the
    # last fit: data_loss_curve_[-1] of a fit one epoch longer is that metric.
    X, y = make_data(loss=loss)
    params = dict(loss=loss, max_iter=6, **EXACT)
    est = fit_quiet(small(**params), X, y)
    longer = fit_quiet(small(**{**params, "max_iter": 7}), X, y)
    assert longer.data_loss_curve_[-1] == pytest.approx(
        METRICS[loss](y, est.predict(X)), rel=1e-10)


# -- sample_weight ---------------------------------------------------------------


@pytest.mark.parametrize("loss", LOSSES)
def test_weight_two_equals_a_duplicated_sample(loss):
    X, y = make_data(60, loss=loss)
    weights = np.ones(len(y))
    weights[::3] = 2.0
    weighted = fit_quiet(small(loss=loss, max_iter=15, **EXACT), X, y,
                         sample_weight=weights)
    repeat = np.repeat(np.arange(len(y)), weights.astype(int))
    duplicated = fit_quiet(small(loss=loss, max_iter=15, **EXACT), X[repeat],
                           y[repeat])
    assert_allclose(weighted.loss_curve_, duplicated.loss_curve_, rtol=1e-9)
    assert_allclose(weighted.predict(X), duplicated.predict(X), rtol=1e-7)


def test_zero_weight_equals_removing_the_sample():
    X, y = make_data(60)
    weights = np.ones(len(y))
    weights[::4] = 0.0
    keep = weights > 0
    weighted = fit_quiet(small(max_iter=15, **EXACT), X, y, sample_weight=weights)
    removed = fit_quiet(small(max_iter=15, **EXACT), X[keep], y[keep])
    assert_allclose(weighted.loss_curve_, removed.loss_curve_, rtol=1e-9)
    assert_allclose(weighted.predict(X), removed.predict(X), rtol=1e-7)


def test_sample_weight_changes_the_fit():
    X, y = make_data(60)
    weights = np.where(y > 0, 5.0, 1.0)
    plain = fit_quiet(small(max_iter=15, **EXACT), X, y)
    weighted = fit_quiet(small(max_iter=15, **EXACT), X, y, sample_weight=weights)
    assert not np.allclose(plain.predict(X), weighted.predict(X))


# -- partial_fit and warm_start ----------------------------------------------------


@pytest.mark.parametrize("loss", LOSSES)
def test_partial_fit_is_one_epoch_of_a_longer_fit(loss):
    X, y = make_data(100, loss=loss)
    params = dict(loss=loss, batch_size=32, shuffle=False, tol=0,
                  learning_rate_decay=0.05)
    incremental = small(**params)
    for call in range(1, 5):
        with warnings.catch_warnings():
            # partial_fit runs its epoch: it never warns about max_iter.
            warnings.simplefilter("error", ConvergenceWarning)
            incremental.partial_fit(X, y)
        assert incremental.n_iter_ == 1
        assert len(incremental.loss_curve_) == call
        assert incremental.t_ == call * len(y)
    longer = fit_quiet(small(max_iter=4, **params), X, y)
    for a, b in zip(incremental.coefs_, longer.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert_allclose(incremental.loss_curve_, longer.loss_curve_, rtol=1e-12)


def test_partial_fit_after_fit_continues_the_curves():
    X, y = make_data(100)
    est = fit_quiet(small(max_iter=3, tol=0), X, y)
    est.partial_fit(X, y)
    assert est.n_iter_ == 1
    assert len(est.loss_curve_) == 4
    assert est.t_ == 4 * len(y)


def test_partial_fit_with_early_stopping_raises():
    X, y = make_data(50)
    with pytest.raises(ValueError, match="early_stopping"):
        small(early_stopping=True).partial_fit(X, y)


def test_warm_start_counts_the_epochs_of_the_call_and_continues():
    X, y = make_data(100)
    params = dict(batch_size=32, shuffle=False, tol=0, n_iter_no_change=100)
    est = fit_quiet(small(max_iter=5, **params), X, y)
    est.set_params(warm_start=True, max_iter=3)
    fit_quiet(est, X, y)
    assert est.n_iter_ == 3
    assert len(est.loss_curve_) == 8
    assert est.t_ == 8 * len(y)
    # Weights and optimizer state carried over: the same as 8 epochs at once.
    longer = fit_quiet(small(max_iter=8, **params), X, y)
    for a, b in zip(est.coefs_, longer.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_without_warm_start_every_fit_starts_afresh():
    X, y = make_data(100)
    X2, y2 = make_data(100, n_targets=2, random_state=1)
    est = fit_quiet(small(max_iter=5, tol=0), X, y)
    fit_quiet(est, X2, y2)  # another width of y is a new network
    fresh = fit_quiet(small(max_iter=5, tol=0), X2, y2)
    assert_same_weights(est, fresh)
    assert est.loss_curve_ == fresh.loss_curve_
    assert est.predict(X2).shape == y2.shape


# -- early stopping and validation data ---------------------------------------------


def test_early_stopping_scores_r2_of_a_random_holdout_and_restores_the_best(
    monkeypatch,
):
    # Noisy targets and a large step make the validation R² wander, so the
    # best epoch is not the last.  The rows the network never trained on are
    # the hold-out: a random tenth of a target that a stratified split could
    # not even cut (every value is unique).
    X, y = make_data(200)
    y = y + np.random.default_rng(1).normal(scale=1.0, size=len(y))
    params = dict(early_stopping=True, validation_fraction=0.1, tol=0,
                  n_iter_no_change=5, learning_rate=0.05, batch_size=16,
                  hidden_layer_sizes=(32,), max_iter=200)
    batches = record_batches(monkeypatch)
    est = fit_quiet(small(**params), X, y)
    monkeypatch.undo()

    trained = np.unique(np.concatenate(batches))
    held_out = ~np.isin(X[:, 0], trained)
    assert held_out.sum() == 20
    # Random, not the last rows (nor any other run of consecutive rows).
    assert not np.all(np.diff(np.flatnonzero(held_out)) == 1)

    assert est.best_loss_ is None
    assert len(est.validation_scores_) == est.n_iter_ == len(est.loss_curve_)
    assert all(score <= 1.0 for score in est.validation_scores_)
    assert est.best_validation_score_ == max(est.validation_scores_)
    best_epoch = int(np.argmax(est.validation_scores_)) + 1
    assert best_epoch < est.n_iter_  # else restoring could not be told apart
    # The model kept is the best epoch's: its R² on the hold-out is the best.
    assert r2_score(y[held_out], est.predict(X[held_out])) == pytest.approx(
        est.best_validation_score_, rel=1e-9)
    cut = fit_quiet(small(**{**params, "max_iter": best_epoch}), X, y)
    assert_same_weights(est, cut)


def test_early_stopping_with_too_few_samples_raises_before_fitting():
    X, y = make_data(5)
    est = small(early_stopping=True, validation_fraction=0.1)
    with pytest.raises(ValueError, match="early_stopping"):
        est.fit(X[:1], y[:1])


@pytest.mark.parametrize("n_targets", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_validation_data_scores_are_r2_of_each_epochs_model(n_targets, weighted):
    X, y = make_data(160, n_targets=n_targets)
    X_train, X_val, y_train, y_val = X[:120], X[120:], y[:120], y[120:]
    w_val = np.linspace(0.5, 2.0, len(y_val)) if weighted else None
    params = dict(max_iter=8, **EXACT)
    est = fit_quiet(small(**params), X_train, y_train,
                    X_val=X_val, y_val=y_val, sample_weight_val=w_val)
    assert len(est.validation_scores_) == len(est.validation_loss_curve_) == 8
    # Evaluated after each epoch's step: the last is the final model's.
    assert est.validation_scores_[-1] == pytest.approx(
        r2_score(y_val, est.predict(X_val), sample_weight=w_val), rel=1e-9)
    assert est.validation_loss_curve_[-1] == pytest.approx(
        mean_squared_error(y_val, est.predict(X_val), sample_weight=w_val),
        rel=1e-9)
    # And an earlier one is the model of a shorter fit.
    shorter = fit_quiet(small(**{**params, "max_iter": 3}), X_train, y_train)
    assert est.validation_scores_[2] == pytest.approx(
        r2_score(y_val, shorter.predict(X_val), sample_weight=w_val), rel=1e-9)
    assert est.best_validation_score_ == max(est.validation_scores_)
    # Validation data is only watched: training is what it is without it.
    plain = fit_quiet(small(**params), X_train, y_train)
    assert_same_weights(est, plain)


def test_validation_data_replaces_the_split_for_early_stopping():
    X, y = make_data(160)
    est = fit_quiet(small(early_stopping=True, max_iter=30, tol=0,
                          n_iter_no_change=30, batch_size=None),
                    X[:120], y[:120], X_val=X[120:], y_val=y[120:])
    # Every training sample was trained on: no internal hold-out.
    assert est.t_ == 30 * 120
    assert est.best_validation_score_ == pytest.approx(
        r2_score(y[120:], est.predict(X[120:])), rel=1e-9)


# -- dtypes and sparse input ----------------------------------------------------


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("y_dtype", [np.float64, np.float32, np.int64])
def test_float32_end_to_end(loss, y_dtype):
    X, y = make_data(150, loss=loss)
    if y_dtype is np.int64:
        y = np.round(y * (1 if loss == "poisson" else 10)).astype(np.int64)
    params = dict(loss=loss, max_iter=10, tol=0, batch_size=32)
    est32 = fit_quiet(small(**params), X.astype(np.float32), y.astype(y_dtype))
    est64 = fit_quiet(small(**params), X, y.astype(y_dtype))
    for param in [*est32.coefs_, *est32.intercepts_]:
        assert param.dtype == np.float32
    predicted = est32.predict(X.astype(np.float32))
    assert predicted.dtype == np.float32
    assert np.isfinite(predicted).all()
    assert est64.predict(X).dtype == np.float64
    # Same initialisation and batches: float32 follows float64 closely.
    assert_allclose(est32.loss_curve_, est64.loss_curve_, rtol=2e-3)
    assert_allclose(predicted, est64.predict(X), rtol=1e-3, atol=1e-3 * np.std(y))


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_matches_dense(fmt):
    X, y = make_data(150)
    X = np.where(np.abs(X) < 0.5, 0.0, X)  # a third of the entries are zero
    params = dict(max_iter=10, tol=0, batch_size=32)
    dense = fit_quiet(small(**params), X, y)
    X_sparse = sp.csr_matrix(X).asformat(fmt)
    sparse = fit_quiet(small(**params), X_sparse, y)
    assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-9)
    assert_allclose(sparse.predict(X_sparse), dense.predict(X), rtol=1e-7,
                    atol=1e-10)
    assert sparse.score(X_sparse, y) == pytest.approx(dense.score(X, y), rel=1e-9)


# -- loss curves ----------------------------------------------------------------


@pytest.mark.parametrize("loss", LOSSES)
def test_loss_curve_is_data_plus_regularization(loss):
    X, y = make_data(loss=loss)
    est = fit_quiet(
        small(loss=loss, hidden_layer_sizes=(8, 6), max_iter=7, tol=0,
              weight_regularizer_l1=1e-3, weight_regularizer_l2=[1e-2, 0.0, 1e-2],
              bias_regularizer_l1=1e-3, bias_regularizer_l2=1e-2),
        X, y)
    total, data, reg = (est.loss_curve_, est.data_loss_curve_,
                        est.regularization_loss_curve_)
    assert len(total) == len(data) == len(reg) == est.n_iter_ == 7
    for t, d, r in zip(total, data, reg, strict=True):
        assert t == d + r
        assert r > 0
    assert est.loss_ == total[-1]
    assert est.best_loss_ == min(total)
    # Training lowered the loss.
    assert total[-1] < total[0]


def test_regularization_curve_is_zero_without_lambdas():
    X, y = make_data()
    est = fit_quiet(small(max_iter=4, tol=0), X, y)
    assert est.regularization_loss_curve_ == [0.0] * 4
    assert est.loss_curve_ == est.data_loss_curve_


# -- verbose ------------------------------------------------------------------------


def test_verbose_prints_the_notebook_line_with_r2(capsys):
    X, y = make_data()
    params = dict(max_iter=5, learning_rate_decay=0.1, **EXACT)
    est = fit_quiet(small(verbose=1, **params), X, y)
    lines = capsys.readouterr().out.splitlines()
    matches = [EPOCH_LINE.match(line) for line in lines]
    assert len(lines) == 5  # one line per epoch and nothing else
    assert all(matches), lines
    assert [int(m["epoch"]) for m in matches] == [1, 2, 3, 4, 5]
    for m, loss, reg in zip(matches, est.loss_curve_,
                            est.regularization_loss_curve_, strict=True):
        assert m["val_r2"] is None
        assert float(m["loss"]) == pytest.approx(loss, abs=5e-4)
        assert float(m["reg_loss"]) == pytest.approx(reg, abs=5e-4)
    # With one full batch, an epoch's r2 is the training R² of the weights its
    # forward pass used: the model of a fit one epoch shorter.
    shorter = fit_quiet(small(**{**params, "max_iter": 4}), X, y)
    assert float(matches[-1]["r2"]) == pytest.approx(shorter.score(X, y), abs=5e-4)
    assert_allclose([float(m["lr"]) for m in matches],
                    [0.01 / (1 + 0.1 * t) for t in range(5)], rtol=5e-3)


def test_verbose_appends_val_r2_with_validation_data(capsys):
    X, y = make_data(160)
    est = fit_quiet(small(verbose=1, max_iter=4, tol=0), X[:120], y[:120],
                    X_val=X[120:], y_val=y[120:])
    matches = [EPOCH_LINE.match(line) for line in capsys.readouterr().out.splitlines()
               if line.startswith("epoch")]
    assert len(matches) == 4
    assert all(matches)
    for m, score in zip(matches, est.validation_scores_, strict=True):
        assert float(m["val_r2"]) == pytest.approx(score, abs=5e-4)


def test_silent_by_default(capsys):
    X, y = make_data()
    fit_quiet(small(max_iter=3), X, y)
    assert capsys.readouterr().out == ""


# -- interruption and divergence ------------------------------------------------------


@pytest.mark.parametrize("early_stopping", [False, True])
def test_keyboard_interrupt_ends_training_with_a_usable_model(monkeypatch,
                                                              early_stopping):
    X, y = make_data()
    params = dict(batch_size=50, max_iter=100, tol=0, early_stopping=early_stopping)
    calls = []
    original = Network.train_step

    def interrupted(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 6:  # inside the second epoch
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Network, "train_step", interrupted)
    est = small(**params)
    with pytest.warns(UserWarning, match="interrupted") as record:
        est.fit(X, y)
    monkeypatch.undo()
    assert not any(issubclass(w.category, ConvergenceWarning) for w in record)
    assert est.n_iter_ == 1  # only the completed epoch counts
    assert len(est.loss_curve_) == 1
    predicted = est.predict(X)
    assert predicted.shape == y.shape
    assert np.isfinite(predicted).all()
    assert np.isfinite(est.score(X, y))
    if early_stopping:
        # The best (and only complete) epoch's weights are restored.
        one_epoch = fit_quiet(small(**{**params, "max_iter": 1}), X, y)
        assert_same_weights(est, one_epoch)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("learning_rate", [1e3, 1e300])
def test_divergence_keeps_finite_weights_and_warns(loss, learning_rate):
    X, y = make_data(loss=loss)
    X_big = X * 1e3  # unscaled data makes plain SGD blow up
    est = small(loss=loss, optimizer="sgd", learning_rate=learning_rate,
                max_iter=50)
    with warnings.catch_warnings():
        # No overflow / invalid-value RuntimeWarning may escape, in fit or predict.
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(ConvergenceWarning, match="learning_rate"):
            est.fit(X_big, y)
        predicted = est.predict(X_big)
    for param in [*est.coefs_, *est.intercepts_]:
        assert np.isfinite(param).all()
    assert np.isfinite(predicted).all()
    assert np.isfinite(est.loss_curve_).all()


# -- bad input: a clear ValueError before anything changes --------------------------


def _bad_fit(case, X, y):
    """(estimator fitted before, call that must fail, message) of one case."""
    if case == "nan":
        y_bad = y.copy()
        y_bad[3] = np.nan
        return small(max_iter=3), lambda est: est.fit(X, y_bad), "NaN"
    if case == "inf":
        y_bad = y.copy()
        y_bad[3] = np.inf
        return small(max_iter=3), lambda est: est.fit(X, y_bad), "infinity"
    if case == "too large for float32":
        y_bad = y.copy()
        y_bad[3] = 1e300
        return (small(max_iter=3),
                lambda est: est.fit(X.astype(np.float32), y_bad), "float32")
    if case == "strings":
        y_bad = np.array(["low", "high"])[(y > 0).astype(int)]
        return small(max_iter=3), lambda est: est.fit(X, y_bad), "numeric"
    if case == "negative with poisson":
        y_bad = np.round(np.abs(y))
        y_bad[3] = -1.0
        return (small(loss="poisson", max_iter=3), lambda est: est.fit(X, y_bad),
                "non-negative")
    if case == "wrong number of rows":
        return small(max_iter=3), lambda est: est.fit(X, y[:-1]), "samples"
    if case == "other width on warm start":
        return (small(max_iter=3, warm_start=True),
                lambda est: est.fit(X, np.c_[y, y]), "target column")
    if case == "other width in partial_fit":
        return (small(max_iter=3),
                lambda est: est.partial_fit(X, np.c_[y, y]), "target column")
    if case == "y_val of another width":
        return (small(max_iter=3),
                lambda est: est.fit(X, y, X_val=X[:20], y_val=np.c_[y[:20], y[:20]]),
                "y_val")
    raise AssertionError(case)


BAD_CASES = ["nan", "inf", "too large for float32", "strings",
             "negative with poisson", "wrong number of rows",
             "other width on warm start", "other width in partial_fit",
             "y_val of another width"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_targets_raise_before_anything_changes(case):
    X, y = make_data(60)
    if case == "negative with poisson":
        y = np.round(np.abs(y))
    est, bad_call, match = _bad_fit(case, X, y)
    fit_quiet(est, X, y)
    before = fitted_state(est)
    predicted = est.predict(X)
    with pytest.raises(ValueError, match=match):
        bad_call(est)
    assert_same_state(before, fitted_state(est))
    assert_array_equal(est.predict(X), predicted)


@pytest.mark.parametrize("case", ["nan", "strings", "negative with poisson",
                                  "wrong number of rows"])
def test_bad_targets_leave_an_unfitted_estimator_unfitted(case):
    X, y = make_data(60)
    est, bad_call, match = _bad_fit(case, X, y)
    with pytest.raises(ValueError, match=match):
        bad_call(est)
    assert not hasattr(est, "n_features_in_")
    assert not est.__sklearn_is_fitted__()


# -- targets of a large scale ---------------------------------------------------------


@pytest.fixture(scope="module")
def diabetes_in_thousands():
    X, y = load_diabetes(return_X_y=True)
    return train_test_split(X, y * 1000, random_state=0)


def test_large_targets_warn_to_scale_them_and_stay_finite(diabetes_in_thousands):
    X_train, X_test, y_train, _ = diabetes_in_thousands
    est = MLPRegressor(random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(ConvergenceWarning) as record:
            est.fit(X_train, y_train)
        predicted = est.predict(X_test)
    (advice,) = [str(w.message) for w in record if "constant" in str(w.message)]
    assert "TransformedTargetRegressor" in advice
    assert "StandardScaler" in advice
    assert np.isfinite(predicted).all()
    assert np.isfinite(est.loss_curve_).all()


def test_scaled_large_targets_train_well_without_that_warning(diabetes_in_thousands):
    X_train, X_test, y_train, y_test = diabetes_in_thousands
    model = TransformedTargetRegressor(regressor=MLPRegressor(random_state=0),
                                       transformer=StandardScaler())
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        model.fit(X_train, y_train)
    messages = [str(w.message) for w in record]
    assert not any("TransformedTargetRegressor" in m or "constant" in m
                   for m in messages), messages
    assert model.score(X_test, y_test) > 0.3
    assert np.isfinite(model.predict(X_test)).all()

"""MLPRegressor's own behaviour through its public API (``../shared/API.md``
section 6).

What it shares with the classifiers (sample weights, partial_fit, warm start,
early stopping, validation data, float32, sparse input, the curves, verbose
output, interruption, divergence) is tested once for all three estimators, in
``test_training.py``, ``test_validation_data.py`` and the other modules of the
shared contract.  Here: the shapes of its targets and predictions, R² over
several targets, what each loss learns, target dtypes, bad targets and large
targets.  Networks are tiny so the module runs in seconds.
"""

import warnings

import numpy as np
import pytest
from fitting import assert_same_state, assert_same_weights, fit_quiet, fitted_state
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

from skmlp import MLPRegressor

pytestmark = pytest.mark.usefixtures("single_blas_thread")

LOSSES = ["squared_error", "absolute_error", "poisson"]
METRICS = {
    "squared_error": mean_squared_error,
    "absolute_error": mean_absolute_error,
    "poisson": mean_poisson_deviance,
}
# Full batch and no shuffling: every epoch is one deterministic step, so
# runs that see the same data in the same order take the very same steps.
EXACT = dict(batch_size=None, shuffle=False, tol=0, weight_regularizer_l2=1e-3)


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


@pytest.mark.parametrize("weighted", [False, True])
def test_score_is_r2_averaged_over_the_targets(weighted):
    # test_training.py checks that score is R² on one target; with several it
    # is their plain average, as r2_score's default.
    X, y = make_data(n_targets=3)
    weights = np.linspace(0.2, 3.0, len(y)) if weighted else None
    est = fit_quiet(small(max_iter=30), X, y)
    predicted = est.predict(X)
    expected = r2_score(y, predicted, sample_weight=weights)
    assert est.score(X, y, sample_weight=weights) == pytest.approx(expected,
                                                                  rel=1e-12)
    per_target = [r2_score(y[:, k], predicted[:, k], sample_weight=weights)
                  for k in range(3)]
    assert expected == pytest.approx(np.mean(per_target), rel=1e-12)
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


# -- target dtypes -----------------------------------------------------------------


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("y_dtype", [np.float32, np.int64])
@pytest.mark.parametrize("X_dtype", [np.float32, np.float64])
def test_targets_of_any_numeric_dtype_train_like_float64_ones(loss, y_dtype,
                                                              X_dtype):
    # The targets take X's dtype (float32 data trains in float32 throughout,
    # test_training.py), whatever theirs: integer or float32 targets train the
    # very network their float64 values train.
    X, y = make_data(150, loss=loss)
    if y_dtype is np.int64:
        y = np.round(y * (1 if loss == "poisson" else 10))
    y = y.astype(y_dtype)
    params = dict(loss=loss, max_iter=10, tol=0, batch_size=32)
    given = fit_quiet(small(**params), X.astype(X_dtype), y)
    as_float64 = fit_quiet(small(**params), X.astype(X_dtype), y.astype(np.float64))
    assert_same_weights(given, as_float64)
    predicted = given.predict(X.astype(X_dtype))
    assert predicted.dtype == X_dtype
    assert np.isfinite(predicted).all()


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
    raise AssertionError(case)


BAD_CASES = ["nan", "inf", "too large for float32", "strings",
             "negative with poisson", "wrong number of rows",
             "other width on warm start", "other width in partial_fit"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_targets_raise_before_anything_changes(case):
    X, y = make_data(60)
    if case == "negative with poisson":
        y = np.round(np.abs(y))
    est, bad_call, match = _bad_fit(case, X, y)
    fit_quiet(est, X, y)
    before = fitted_state(est, X)
    with pytest.raises(ValueError, match=match):
        bad_call(est)
    assert_same_state(before, fitted_state(est, X))


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

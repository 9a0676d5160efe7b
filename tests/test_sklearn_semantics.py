"""Where users port code from scikit-learn's MLPClassifier (or MLPRegressor),
skmlp behaves the same.

On all three estimators: ``n_iter_`` counts the epochs of the last call (warm
starts and partial_fit included), partial_fit refuses early stopping,
scikit-learn's parameter names are refused the way scikit-learn refuses
unknown ones, ``activation="logistic"`` is accepted, and scikit-learn's
``alpha`` converts to ``weight_regularizer_l2`` as the "Coming from
MLPClassifier" page says.  For the classifiers, a warm fit refuses other
classes; and each epoch's data and regularization loss are measured at the
same weights, so that a full-batch fit's curves are exactly what the design
notebook's own loop prints.
"""

import warnings

import numpy as np
import pytest
from fitting import (
    assert_same_state,
    fit_quiet,
    fitted_state,
    is_regressor,
    loss_of,
    no_convergence_warning,
    outputs,
    partial_fit_kwargs,
    regressor_with_loss,
    toy_data,
)
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_wine,
    make_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier
from skmlp.activations import ReLU, Sigmoid, Softmax
from skmlp.layers import Dense
from skmlp.losses import BinaryCrossentropy, CategoricalCrossentropy
from skmlp.optimizers import Adam


def _data(Est, n_samples=120):
    if is_regressor(Est):
        return toy_data(Est, n_samples)
    n_classes = 2 if Est is BinaryMLPClassifier else 3
    X, y = make_classification(
        n_samples=n_samples, n_features=6, n_informative=4, n_redundant=0,
        n_classes=n_classes, n_clusters_per_class=1, random_state=0,
    )
    return StandardScaler().fit_transform(X), y


def _sklearn_twin(Est):
    """scikit-learn's MLP of the same kind."""
    return MLPRegressor if is_regressor(Est) else MLPClassifier


# -- n_iter_ and warm_start ----------------------------------------------------------


def _warm_sequence(est, X, y, max_iters):
    """Fit ``est`` (warm_start=True) once per entry of ``max_iters``; return
    n_iter_ after each call and whether that call warned ConvergenceWarning."""
    n_iters, warned = [], []
    for max_iter in max_iters:
        est.set_params(max_iter=max_iter)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            est.fit(X, y)
        n_iters.append(est.n_iter_)
        warned.append(any(issubclass(w.category, ConvergenceWarning) for w in caught))
    return n_iters, warned


@pytest.mark.parametrize("max_iters", [[10, 20], [3, 3]])
def test_warm_start_n_iter_counts_the_epochs_of_the_call(AnyEstimator, max_iters):
    X, y = _data(AnyEstimator)
    est = AnyEstimator(hidden_layer_sizes=(8,), tol=0, warm_start=True,
                       random_state=0)
    n_iters, warned = _warm_sequence(est, X, y, max_iters)
    assert n_iters == max_iters
    # Each call ran max_iter epochs, so each one warns.
    assert warned == [True, True]
    # The curves and t_ keep growing across calls.
    assert len(est.loss_curve_) == len(est.data_loss_curve_) == sum(max_iters)
    assert len(est.regularization_loss_curve_) == sum(max_iters)
    assert est.t_ == sum(max_iters) * len(y)

    # scikit-learn's MLPClassifier (or MLPRegressor) counts the same way.
    reference = _sklearn_twin(AnyEstimator)(hidden_layer_sizes=(8,), tol=0,
                                            warm_start=True, random_state=0)
    assert _warm_sequence(reference, X, y, max_iters) == (n_iters, warned)


def test_warm_fit_that_stops_early_does_not_warn(AnyEstimator):
    X, y = _data(AnyEstimator)
    est = fit_quiet(AnyEstimator(hidden_layer_sizes=(8,), max_iter=5, tol=0,
                                 warm_start=True, random_state=0), X, y)
    # A huge tol stops this call after n_iter_no_change + 1 epochs without
    # improvement: it converged by scikit-learn's rule, and says nothing.
    est.set_params(max_iter=50, tol=1e6, n_iter_no_change=2)
    with no_convergence_warning():
        est.fit(X, y)
    assert est.n_iter_ < 50
    assert len(est.loss_curve_) == 5 + est.n_iter_


# -- classes of a warm fit, early stopping in partial_fit -------------------------


@pytest.mark.parametrize("change", ["fewer", "other"])
def test_warm_fit_with_other_classes_raises_and_changes_nothing(Estimator, change):
    X, y = _data(Estimator)
    est = fit_quiet(Estimator(hidden_layer_sizes=(8,), max_iter=3, warm_start=True,
                              random_state=0), X, y)
    snapshot = fitted_state(est, X)
    if change == "fewer":
        keep = y != y.max()
        X_new, y_new = X[keep], y[keep]
        if Estimator is BinaryMLPClassifier:
            # Two labels, one of them new: still a binary problem.
            y_new = np.where(y_new == 0, 0, 7)
    else:
        X_new, y_new = X, y + 10
    with pytest.raises(ValueError, match="same classes") as error:
        est.fit(X_new, y_new)
    message = str(error.value)
    assert str(snapshot["classes_"].tolist()) in message
    assert str(np.unique(y_new).tolist()) in message
    assert_same_state(snapshot, fitted_state(est, X))

    # partial_fit may see a subset of the declared classes.
    est.partial_fit(X[y == y.min()], y[y == y.min()])
    assert est.n_iter_ == 1


def test_partial_fit_refuses_early_stopping_and_changes_nothing(AnyEstimator):
    X, y = _data(AnyEstimator)
    est = AnyEstimator(hidden_layer_sizes=(8,), early_stopping=True, random_state=0)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        est.partial_fit(X, y, **partial_fit_kwargs(AnyEstimator, y))
    assert not est.__sklearn_is_fitted__()
    assert not hasattr(est, "n_features_in_")
    assert not hasattr(est, "classes_")

    fit_quiet(est, X, y)
    before = fitted_state(est, X)
    with pytest.raises(ValueError, match="early_stopping"):
        est.partial_fit(X, y)
    assert_same_state(before, fitted_state(est, X))


# -- coming from MLPClassifier: names ---------------------------------------------


@pytest.mark.parametrize("keyword", ["alpha", "solver", "learning_rate_init"])
def test_unknown_keyword_names_the_public_class(AnyEstimator, keyword):
    with pytest.raises(TypeError, match=rf"^{AnyEstimator.__name__}\.__init__\(\)"
                       rf".*unexpected keyword argument '{keyword}'"):
        AnyEstimator(**{keyword: 0.1})


def test_logistic_is_the_sigmoid_activation(AnyEstimator):
    X, y = _data(AnyEstimator)
    params = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    logistic = fit_quiet(AnyEstimator(activation="logistic", **params), X, y)
    sigmoid = fit_quiet(AnyEstimator(activation="sigmoid", **params), X, y)
    assert logistic.get_params()["activation"] == "logistic"
    assert clone(logistic).get_params()["activation"] == "logistic"
    assert_array_equal(outputs(logistic, X), outputs(sigmoid, X))
    assert logistic.loss_curve_ == sigmoid.loss_curve_


def test_grid_copied_from_mlpclassifier_runs(Estimator):
    # The parameters the two share, with scikit-learn's values.
    X, y = _data(Estimator)
    grid = {
        "hidden_layer_sizes": [(8,), (8, 4)],
        "activation": ["logistic", "tanh", "relu", "identity"],
        "batch_size": ["auto", 32],
        "max_iter": [20],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = GridSearchCV(Estimator(random_state=0), grid, cv=2).fit(X, y)
        reference = GridSearchCV(MLPClassifier(random_state=0), grid, cv=2).fit(X, y)
    assert [p for p in search.cv_results_["params"]] == [
        p for p in reference.cv_results_["params"]]
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


# -- the loss of an epoch, measured at one set of weights ------------------------------


def _notebook_loop(dense1, dense2, output, loss_function, optimizer, X, y, epochs):
    """The design notebook's training loop, as written there (without the
    prints): every epoch's data loss, regularization loss and total."""
    activation1 = ReLU()
    rows = []
    for _ in range(epochs):
        dense1.forward(X)
        activation1.forward(dense1.output)
        dense2.forward(activation1.output)
        output.forward(dense2.output)
        data_loss = loss_function.calculate(output.output, y)
        regularization_loss = (loss_function.regularization_loss(dense1)
                               + loss_function.regularization_loss(dense2))
        loss = data_loss + regularization_loss
        rows.append((data_loss, regularization_loss, loss))
        loss_function.backward(output.output, y)
        output.backward(loss_function.dinputs)
        dense2.backward(output.dinputs)
        activation1.backward(dense2.dinputs)
        dense1.backward(activation1.dinputs)
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.post_update_params()
    return np.array(rows, dtype=float)


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_full_batch_curves_equal_the_notebook_loop(kind):
    if kind == "binary":
        X, y = load_breast_cancer(return_X_y=True)
        Estimator, output, loss_function = (
            BinaryMLPClassifier, Sigmoid(), BinaryCrossentropy())
        y_loop = y.reshape(-1, 1)
    else:
        X, y = load_wine(return_X_y=True)
        Estimator, output, loss_function = (
            MulticlassMLPClassifier, Softmax(), CategoricalCrossentropy())
        y_loop = y
    X = StandardScaler().fit_transform(X)
    n_outputs = 1 if kind == "binary" else 3
    lambdas = dict(weight_regularizer_l1=2e-4, weight_regularizer_l2=5e-4,
                   bias_regularizer_l1=1e-4, bias_regularizer_l2=5e-4)
    epochs = 15

    # The notebook's network, with its own initial weights ...
    dense1 = Dense(X.shape[1], 16, **lambdas, random_state=1)
    dense2 = Dense(16, n_outputs, **lambdas, random_state=2)
    initial = [a.copy() for a in (dense1.weights, dense1.biases[0],
                                  dense2.weights, dense2.biases[0])]
    expected = _notebook_loop(dense1, dense2, output, loss_function,
                              Adam(learning_rate=0.01, decay=1e-3), X, y_loop,
                              epochs)

    # ... and the estimator from the same weights: built by a first fit with
    # another optimizer, then given those weights (coefs_ and intercepts_ are
    # the live arrays) and continued with a new Adam, like the loop's.
    est = Estimator(hidden_layer_sizes=(16,), batch_size=None, shuffle=False,
                    optimizer="sgd", learning_rate=0.01, learning_rate_decay=1e-3,
                    max_iter=1, tol=0, warm_start=True, random_state=0, **lambdas)
    fit_quiet(est, X, y)
    for live, value in zip(est.coefs_[:1] + est.intercepts_[:1]
                           + est.coefs_[1:] + est.intercepts_[1:], initial,
                           strict=True):
        live[...] = value
    est.set_params(optimizer="adam", max_iter=epochs)
    fit_quiet(est, X, y)

    measured = np.c_[est.data_loss_curve_, est.regularization_loss_curve_,
                     est.loss_curve_][1:]
    assert_allclose(measured, expected, rtol=1e-12, atol=0)
    assert expected[:, 1].min() > 0.01  # the penalty is not negligible


# -- the L2 conversion of the "Coming from MLPClassifier" page ---------------------


def _start_from(est, weights):
    """Overwrite the fitted network's weights in place (coefs_ and
    intercepts_ are the live arrays)."""
    for live, value in zip(est.coefs_ + est.intercepts_, weights, strict=True):
        live[...] = value


def _alpha_problem(kind):
    """(X, y, skmlp's estimator) of each kind, as many rows as batches hold."""
    if kind == "binary":
        X, y = load_breast_cancer(return_X_y=True)
        X, y, Est = X[:560], y[:560], BinaryMLPClassifier
    elif kind == "multiclass":
        X, y = load_wine(return_X_y=True)
        X, y, Est = X[:176], y[:176], MulticlassMLPClassifier
    else:
        X, y = load_diabetes(return_X_y=True)
        X, y = X[:432], y[:432]
        loss = kind.removeprefix("regressor-")
        y = y / 100 if loss == "poisson" else (y - y.mean()) / y.std()
        Est = regressor_with_loss(loss)
    return StandardScaler().fit_transform(X), y, Est


@pytest.mark.parametrize(
    "kind", ["binary", "multiclass", "regressor-squared_error", "regressor-poisson"])
def test_alpha_over_batch_sizes_matches_scikit_learn(kind):
    # scikit-learn adds alpha / (2 * n_batch) * ||W||^2 to each batch's loss;
    # skmlp adds weight_regularizer_l2 * ||W||^2.  For the classifiers, whose
    # data losses are the same, the conversion alpha / (2 * batch_size) makes
    # the two training curves equal, epoch by epoch.  scikit-learn's regressor
    # halves its data loss (half the squared error, half the Poisson deviance
    # up to a constant); skmlp's is the full one.  Twice scikit-learn's
    # objective is skmlp's with weight_regularizer_l2 = alpha / batch_size:
    # the same gradient up to the factor 2, which half the SGD step size
    # undoes, so both take the same steps, and skmlp's squared-error curve is
    # twice scikit-learn's.
    X, y, Est = _alpha_problem(kind)
    regression = is_regressor(Est)
    alpha, batch_size, step = 0.5, 16, 0.01
    epochs = 6 if regression else 8
    assert len(y) % batch_size == 0
    common = dict(hidden_layer_sizes=(12,), batch_size=batch_size, shuffle=False,
                  tol=0, n_iter_no_change=epochs, warm_start=True)
    if regression:
        common["loss"] = loss_of(Est)
    reference = _sklearn_twin(Est)(
        solver="sgd", learning_rate="constant", learning_rate_init=step,
        momentum=0.0, nesterovs_momentum=False, alpha=alpha, max_iter=1,
        random_state=0, **common)
    halved = 2 if regression else 1
    est = Est(
        optimizer="sgd", learning_rate=step / halved, momentum=0.0,
        weight_regularizer_l2=alpha / (2 * batch_size / halved), max_iter=1,
        random_state=0, **{k: v for k, v in common.items() if k != "loss"})
    fit_quiet(reference, X, y)
    fit_quiet(est, X, y)
    # The same starting weights, then the same steps.
    _start_from(est, reference.coefs_ + reference.intercepts_)
    for model in (reference, est):
        model.set_params(max_iter=epochs)
        fit_quiet(model, X, y)

    for ours, theirs in zip(est.coefs_ + est.intercepts_,
                            reference.coefs_ + reference.intercepts_, strict=True):
        assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
    if kind != "regressor-poisson":  # the deviance's constant differs
        assert_allclose(est.loss_curve_[1:],
                        halved * np.array(reference.loss_curve_[1:]), rtol=1e-10)
    if not regression:
        # The penalty is a real part of those curves.
        assert min(est.regularization_loss_curve_[1:]) > 0.01 * est.loss_curve_[-1]

"""Central-difference gradient checks of the network as the estimators build it.

The building blocks are checked one by one in their own test modules; here the
assembled :class:`skmlp._network.Network` is: hidden activations working in
place, the parameters of every layer as views of one flat vector, the fused
output heads (the classifiers' and the regressor's), dropout, per-layer lambdas
and sample weights, as scikit-learn's ``test_gradient`` checks its whole MLP.
The variable of the numerical gradient is the flat parameter vector itself, so
the check also proves that every layer reads its weights from it and writes its
gradient into the matching slice of ``grads``.
"""

import numpy as np
import pytest
from fitting import fit_quiet
from gradcheck import numerical_gradient
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_regression

from skmlp import BinaryMLPClassifier, MLPRegressor, MulticlassMLPClassifier
from skmlp._network import Network
from skmlp._regularization import Regularization

LAYER_SIZES = (5, 4, 3, 3)  # two hidden layers, three outputs
N_SAMPLES = 7

LAMBDAS = {
    "none": [Regularization()] * 3,
    "all": [Regularization(0.01, 0.02, 0.03, 0.04)] * 3,
    "per-layer": [
        Regularization(weight_regularizer_l1=0.05),
        Regularization(weight_regularizer_l2=0.1, bias_regularizer_l1=0.02),
        Regularization(bias_regularizer_l2=0.3, weight_regularizer_l2=0.01),
    ],
}


REGRESSION_HEADS = ["squared_error", "absolute_error", "poisson"]


def _targets(head, rng):
    shape = (N_SAMPLES, LAYER_SIZES[-1])
    if head == "softmax":
        return rng.integers(0, LAYER_SIZES[-1], N_SAMPLES)  # class codes
    if head == "sigmoid":
        return rng.integers(0, 2, shape).astype(float)
    if head == "poisson":
        return rng.poisson(1.5, shape).astype(float)  # counts, zeros included
    # Targets of a scale the outputs do not reach: the absolute error's
    # residuals stay far from its kink at 0.
    return rng.normal(scale=3.0, size=shape)


def _check_gradient(network, X, Y, sample_weight, dropout_seed=0):
    def reseed():
        # The same masks at every evaluation: a fixed dropout mask.
        network.reseed_dropout(np.random.default_rng(dropout_seed))

    def objective():
        reseed()
        logits = network.forward(X, training=True)
        data_loss = network.head.forward(logits, Y, sample_weight=sample_weight)
        penalty = sum(network.head.loss.regularization_loss(dense)
                      for dense in network.dense_layers)
        return data_loss + penalty

    reseed()
    network.backpropagate(X, Y, sample_weight)
    analytic = network.grads.copy()
    numeric = numerical_gradient(objective, network.params)
    assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("lambdas", list(LAMBDAS))
@pytest.mark.parametrize("dropout", [0.0, 0.4])
@pytest.mark.parametrize("head", ["sigmoid", "softmax", *REGRESSION_HEADS])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "identity"])
def test_network_gradient_matches_central_differences(
    activation, head, dropout, lambdas, weighted
):
    rng = np.random.default_rng(0)
    network = Network(
        LAYER_SIZES, head, np.float64, np.random.RandomState(0),
        activation=activation, dropout=dropout, regularization=LAMBDAS[lambdas],
    )
    X = rng.normal(size=(N_SAMPLES, LAYER_SIZES[0]))
    weights = rng.uniform(0.2, 3.0, N_SAMPLES) if weighted else None
    _check_gradient(network, X, _targets(head, rng), weights)


def test_hidden_activations_of_the_network_work_in_place():
    network = Network(
        LAYER_SIZES, "softmax", np.float64, np.random.RandomState(0),
        activation="tanh", dropout=0.0, regularization=LAMBDAS["none"],
    )
    X = np.random.default_rng(1).normal(size=(N_SAMPLES, LAYER_SIZES[0]))
    network.forward(X, training=True)
    dense, activation = network.blocks[0], network.blocks[1]
    assert activation.in_place
    assert activation.output is dense.output  # no buffer of its own


@pytest.mark.parametrize(
    ("Estimator", "y_kind"),
    [(BinaryMLPClassifier, "binary"), (BinaryMLPClassifier, "multilabel"),
     (MulticlassMLPClassifier, "multiclass")],
)
def test_gradient_of_a_fitted_estimators_network(Estimator, y_kind):
    # The network exactly as fit assembled it (dropout, per-layer lambdas),
    # with the targets encoded as fit encodes them.
    X, y = make_classification(n_samples=40, n_features=5, n_informative=3,
                               n_classes=3, random_state=0)
    if y_kind == "binary":
        y = y % 2
    elif y_kind == "multilabel":
        y = np.c_[y == 0, y == 1, y == 2].astype(int)
    est = Estimator(hidden_layer_sizes=(4, 3), dropout=0.3, max_iter=2,
                    weight_regularizer_l1=[0.01, 0.0, 0.02],
                    bias_regularizer_l2=0.05, random_state=0)
    fit_quiet(est, X, y)
    network = est._network
    Y = (est._label_binarizer.transform(y).astype(float)
         if Estimator is BinaryMLPClassifier else np.searchsorted(est.classes_, y))
    _check_gradient(network, X[:N_SAMPLES], Y[:N_SAMPLES], None)


@pytest.mark.parametrize("n_targets", [1, 2])
@pytest.mark.parametrize("loss", REGRESSION_HEADS)
def test_gradient_of_a_fitted_regressors_network(loss, n_targets):
    # The regressor's network as fit assembled it, on the targets as fit
    # encodes them: float columns (non-negative counts for poisson).
    X, y = make_regression(n_samples=40, n_features=5, n_targets=n_targets,
                           noise=1.0, random_state=0)
    # Targets of unit scale: a loss in the thousands would drown the central
    # differences in round-off.
    y = y / y.std()
    if loss == "poisson":
        y = np.round(np.abs(y) * 2)
    est = MLPRegressor(loss=loss, hidden_layer_sizes=(4, 3), dropout=0.3,
                       max_iter=2, weight_regularizer_l1=[0.01, 0.0, 0.02],
                       bias_regularizer_l2=0.05, random_state=0)
    fit_quiet(est, X, y)
    Y = y.reshape(len(y), -1).astype(float)
    _check_gradient(est._network, X[:N_SAMPLES], Y[:N_SAMPLES],
                    np.linspace(0.5, 2.0, N_SAMPLES))

"""Tests of skmlp.optimizers: SGD (with and without momentum), Adagrad,
RMSprop and Adam, against updates worked out by hand."""

import inspect
from math import sqrt

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skmlp.layers import Dense
from skmlp.optimizers import SGD, Adagrad, Adam, RMSprop

# One weight and one bias, and the gradients of two successive steps: the
# second step shows whether the state (momentums, caches) carried over.
W0, B0 = 1.0, 0.5
GRADIENTS = [(0.2, -0.1), (0.4, 0.3)]


def _layer(dtype=np.float64, shape=(1, 1)):
    layer = Dense(*shape, random_state=0, dtype=dtype)
    layer.weights[...] = W0
    layer.biases[...] = B0
    return layer


def _step(optimizer, layers_and_grads):
    """One notebook step: pre_update, update every layer, post_update."""
    optimizer.pre_update_params()
    for layer, (dw, db) in layers_and_grads:
        layer.dweights = np.full_like(layer.weights, dw)
        layer.dbiases = np.full_like(layer.biases, db)
        optimizer.update_params(layer)
    optimizer.post_update_params()


def _run(optimizer, layer=None):
    layer = _layer() if layer is None else layer
    trajectory = []
    for grads in GRADIENTS:
        _step(optimizer, [(layer, grads)])
        trajectory.append((layer.weights.item(), layer.biases.item()))
    return layer, trajectory


def test_sgd_plain():
    _, trajectory = _run(SGD(learning_rate=0.1))
    # theta <- theta - lr * g
    # step 1: 0.98, 0.51; step 2: 0.94, 0.48
    assert trajectory[0] == pytest.approx((1.0 - 0.1 * 0.2, 0.5 + 0.1 * 0.1))
    assert trajectory[1] == pytest.approx((0.98 - 0.1 * 0.4, 0.51 - 0.1 * 0.3))


def test_sgd_momentum():
    optimizer = SGD(learning_rate=0.1, momentum=0.9)
    layer, trajectory = _run(optimizer)
    # u <- 0.9 u - 0.1 g ; theta <- theta + u
    # step 1: u_w = -0.02, u_b = 0.01; step 2: u_w = -0.018 - 0.04 = -0.058,
    # u_b = 0.009 - 0.03 = -0.021.
    assert trajectory[0] == pytest.approx((0.98, 0.51))
    assert trajectory[1] == pytest.approx((0.98 - 0.058, 0.51 - 0.021))
    state = optimizer.state_of(layer)
    assert state["weights"]["momentums"].item() == pytest.approx(-0.058)
    assert state["biases"]["momentums"].item() == pytest.approx(-0.021)


def test_adagrad():
    optimizer = Adagrad(learning_rate=0.5, epsilon=1e-7)
    layer, trajectory = _run(optimizer)
    # c <- c + g^2 ; theta <- theta - lr * g / (sqrt(c) + eps)
    # weights: c = 0.04 then 0.04 + 0.16 = 0.2; biases: c = 0.01 then 0.1.
    w1 = 1.0 - 0.5 * 0.2 / (sqrt(0.04) + 1e-7)
    b1 = 0.5 + 0.5 * 0.1 / (sqrt(0.01) + 1e-7)
    w2 = w1 - 0.5 * 0.4 / (sqrt(0.2) + 1e-7)
    b2 = b1 - 0.5 * 0.3 / (sqrt(0.1) + 1e-7)
    assert trajectory[0] == pytest.approx((w1, b1), rel=1e-12)
    assert trajectory[1] == pytest.approx((w2, b2), rel=1e-12)
    state = optimizer.state_of(layer)
    assert state["weights"]["cache"].item() == pytest.approx(0.2)
    assert state["biases"]["cache"].item() == pytest.approx(0.1)


def test_rmsprop():
    optimizer = RMSprop(learning_rate=0.01, epsilon=1e-7, rho=0.9)
    layer, trajectory = _run(optimizer)
    # c <- 0.9 c + 0.1 g^2 ; theta <- theta - lr * g / (sqrt(c) + eps)
    # weights: c = 0.004 then 0.0036 + 0.016 = 0.0196;
    # biases: c = 0.001 then 0.0009 + 0.009 = 0.0099.
    w1 = 1.0 - 0.01 * 0.2 / (sqrt(0.004) + 1e-7)
    b1 = 0.5 + 0.01 * 0.1 / (sqrt(0.001) + 1e-7)
    w2 = w1 - 0.01 * 0.4 / (sqrt(0.0196) + 1e-7)
    b2 = b1 - 0.01 * 0.3 / (sqrt(0.0099) + 1e-7)
    assert trajectory[0] == pytest.approx((w1, b1), rel=1e-12)
    assert trajectory[1] == pytest.approx((w2, b2), rel=1e-12)
    state = optimizer.state_of(layer)
    assert state["weights"]["cache"].item() == pytest.approx(0.0196)
    assert state["biases"]["cache"].item() == pytest.approx(0.0099)


def test_adam():
    optimizer = Adam(learning_rate=0.1, epsilon=1e-7, beta_1=0.9, beta_2=0.999)
    layer, trajectory = _run(optimizer)
    # m <- 0.9 m + 0.1 g ; v <- 0.999 v + 0.001 g^2 ;
    # theta <- theta - lr * (m / (1 - 0.9^t)) / (sqrt(v / (1 - 0.999^t)) + eps)
    # weights: m = 0.02, v = 4e-5, then m = 0.058, v = 3.996e-5 + 1.6e-4 = 1.9996e-4
    # biases: m = -0.01, v = 1e-5, then m = 0.021, v = 9.99e-6 + 9e-5 = 9.999e-5
    w1 = 1.0 - 0.1 * (0.02 / 0.1) / (sqrt(4e-5 / 0.001) + 1e-7)
    b1 = 0.5 - 0.1 * (-0.01 / 0.1) / (sqrt(1e-5 / 0.001) + 1e-7)
    w2 = w1 - 0.1 * (0.058 / 0.19) / (sqrt(1.9996e-4 / 0.001999) + 1e-7)
    b2 = b1 - 0.1 * (0.021 / 0.19) / (sqrt(9.999e-5 / 0.001999) + 1e-7)
    assert trajectory[0] == pytest.approx((w1, b1), rel=1e-10)
    assert trajectory[1] == pytest.approx((w2, b2), rel=1e-10)
    state = optimizer.state_of(layer)
    assert state["weights"]["momentums"].item() == pytest.approx(0.058)
    assert state["weights"]["cache"].item() == pytest.approx(1.9996e-4)
    assert state["biases"]["momentums"].item() == pytest.approx(0.021)
    assert state["biases"]["cache"].item() == pytest.approx(9.999e-5)


@pytest.mark.parametrize(
    ("cls", "defaults"),
    [
        (SGD, {"learning_rate": 1.0, "decay": 0.0, "momentum": 0.0}),
        (Adagrad, {"learning_rate": 1.0, "decay": 0.0, "epsilon": 1e-7}),
        (RMSprop, {"learning_rate": 0.001, "decay": 0.0, "epsilon": 1e-7, "rho": 0.9}),
        (
            Adam,
            {"learning_rate": 0.001, "decay": 0.0, "epsilon": 1e-7,
             "beta_1": 0.9, "beta_2": 0.999},
        ),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_constructor_order_and_defaults_are_the_notebooks(cls, defaults):
    parameters = inspect.signature(cls).parameters
    # Same order as the notebook, so positional calls such as
    # Adam(0.05, 5e-7) keep their meaning.
    assert list(parameters) == list(defaults)
    assert {name: p.default for name, p in parameters.items()} == defaults
    optimizer = cls()
    for name, value in defaults.items():
        assert getattr(optimizer, name) == value
    assert optimizer.current_learning_rate == defaults["learning_rate"]
    assert optimizer.iterations == 0


@pytest.mark.parametrize("cls", [SGD, Adagrad, RMSprop, Adam], ids=lambda c: c.__name__)
def test_decay_schedule(cls):
    optimizer = cls(learning_rate=0.5, decay=0.1)
    layer = _layer()
    for t in range(6):
        optimizer.pre_update_params()
        assert optimizer.current_learning_rate == pytest.approx(0.5 / (1 + 0.1 * t))
        layer.dweights = np.full_like(layer.weights, 0.1)
        layer.dbiases = np.full_like(layer.biases, 0.1)
        optimizer.update_params(layer)
        optimizer.post_update_params()
        assert optimizer.iterations == t + 1


def test_decayed_rate_is_the_one_applied():
    optimizer = SGD(learning_rate=1.0, decay=0.5)
    layer = _layer()
    for t in range(4):
        before = layer.weights.item()
        _step(optimizer, [(layer, (0.1, 0.0))])
        assert before - layer.weights.item() == pytest.approx(0.1 / (1 + 0.5 * t))


def test_adam_first_step_with_decay_uses_the_undecayed_rate():
    # t = 0 on the first step, so lr_0 = learning_rate; bias correction makes
    # Adam's first step about lr * sign(g).
    optimizer = Adam(learning_rate=0.1, decay=1.0)
    layer, trajectory = _run(optimizer)
    assert trajectory[0][0] == pytest.approx(1.0 - 0.1, rel=1e-5)
    w2 = 0.9 - (0.1 / 2) * (0.058 / 0.19) / (sqrt(1.9996e-4 / 0.001999) + 1e-7)
    assert trajectory[1][0] == pytest.approx(w2, rel=1e-5)


OPTIMIZERS = [
    lambda: SGD(learning_rate=0.1),
    lambda: SGD(learning_rate=0.1, momentum=0.9),
    lambda: Adagrad(learning_rate=0.1),
    lambda: RMSprop(learning_rate=0.01),
    lambda: Adam(learning_rate=0.01),
]
OPTIMIZER_IDS = ["sgd", "sgd-momentum", "adagrad", "rmsprop", "adam"]


@pytest.mark.parametrize("make", OPTIMIZERS, ids=OPTIMIZER_IDS)
def test_state_lives_in_the_optimizer_not_on_layers(make):
    optimizer = make()
    layer = _layer(shape=(2, 3))
    layer.dweights = np.ones_like(layer.weights)
    layer.dbiases = np.ones_like(layer.biases)
    attributes = set(vars(layer))
    for _ in range(2):
        optimizer.pre_update_params()
        optimizer.update_params(layer)
        optimizer.post_update_params()
    assert set(vars(layer)) == attributes
    state = optimizer.state_of(layer)
    assert set(state) == {"weights", "biases"}
    for name, param in (("weights", layer.weights), ("biases", layer.biases)):
        for array in state[name].values():
            assert array.shape == param.shape


@pytest.mark.parametrize("make", OPTIMIZERS, ids=OPTIMIZER_IDS)
def test_two_layers_keep_separate_state(make):
    grads_a = [(0.2, -0.1), (0.4, 0.3), (-0.5, 0.2)]
    grads_b = [(-0.7, 0.6), (0.1, -0.2), (0.3, 0.3)]
    shared = make()
    a, b = _layer(), _layer()
    for ga, gb in zip(grads_a, grads_b):
        _step(shared, [(a, ga), (b, gb)])

    # Each layer alone under its own optimizer must end up at the same place.
    alone = []
    for grads in (grads_a, grads_b):
        optimizer, layer = make(), _layer()
        for g in grads:
            _step(optimizer, [(layer, g)])
        alone.append(layer)
    assert_allclose(a.weights, alone[0].weights, rtol=1e-12)
    assert_allclose(a.biases, alone[0].biases, rtol=1e-12)
    assert_allclose(b.weights, alone[1].weights, rtol=1e-12)
    assert_allclose(b.biases, alone[1].biases, rtol=1e-12)
    assert not np.array_equal(a.weights, b.weights)


@pytest.mark.parametrize("make", OPTIMIZERS, ids=OPTIMIZER_IDS)
def test_float32_parameters_stay_float32(make):
    optimizer = make()
    optimizer.decay = 1e-3
    layer = _layer(dtype=np.float32, shape=(3, 2))
    rng = np.random.default_rng(0)
    for _ in range(3):
        optimizer.pre_update_params()
        layer.dweights = rng.normal(size=(3, 2)).astype(np.float32)
        layer.dbiases = rng.normal(size=(1, 2)).astype(np.float32)
        optimizer.update_params(layer)
        optimizer.post_update_params()
    assert layer.weights.dtype == np.float32
    assert layer.biases.dtype == np.float32
    for per_param in optimizer.state_of(layer).values():
        for array in per_param.values():
            assert array.dtype == np.float32
    assert np.all(np.isfinite(layer.weights))


@pytest.mark.parametrize("make", OPTIMIZERS, ids=OPTIMIZER_IDS)
def test_update_is_in_place(make):
    # Layers (and the estimators' flat parameter views) keep their arrays.
    optimizer = make()
    layer = _layer(shape=(2, 2))
    weights, biases = layer.weights, layer.biases
    _step(optimizer, [(layer, (0.3, 0.3))])
    assert layer.weights is weights
    assert layer.biases is biases
    assert not np.all(weights == W0)


@pytest.mark.parametrize("cls", [SGD, Adagrad, RMSprop, Adam], ids=lambda c: c.__name__)
def test_docstring_has_examples_section(cls):
    docscrape = pytest.importorskip("numpydoc.docscrape")
    assert docscrape.NumpyDocString(cls.__doc__)["Examples"]
    assert docscrape.NumpyDocString(cls.__doc__)["Parameters"]

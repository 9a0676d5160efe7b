"""Tests of the L1 / L2 penalty (skmlp._regularization) as the public blocks use
it: ``Loss.regularization_loss``, ``Dense.backward``, and the total loss of a
stack of blocks."""

import numpy as np
import pytest
from gradcheck import numerical_gradient
from numpy.testing import assert_allclose

from skmlp.activations import Identity, ReLU, Sigmoid, Softmax, Tanh
from skmlp.layers import Dense
from skmlp.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SigmoidBinaryCrossentropy,
    SoftmaxCategoricalCrossentropy,
)

LAMBDA_SETS = {
    "none": (0.0, 0.0, 0.0, 0.0),
    "weight_l1": (0.3, 0.0, 0.0, 0.0),
    "weight_l2": (0.0, 0.3, 0.0, 0.0),
    "bias_l1": (0.0, 0.0, 0.3, 0.0),
    "bias_l2": (0.0, 0.0, 0.0, 0.3),
    "all": (0.1, 0.2, 0.3, 0.4),
}
LAMBDAS = pytest.mark.parametrize(
    "lambdas", list(LAMBDA_SETS.values()), ids=list(LAMBDA_SETS)
)


def _dense(lambdas, shape=(4, 3), seed=0, dtype=np.float64):
    w_l1, w_l2, b_l1, b_l2 = lambdas
    dense = Dense(*shape, w_l1, w_l2, b_l1, b_l2, random_state=seed, dtype=dtype)
    # Weights away from 0, where |w| is differentiable, with both signs.
    rng = np.random.default_rng(seed)
    for param in (dense.weights, dense.biases):
        magnitude = rng.uniform(0.2, 1.0, size=param.shape)
        param[...] = rng.choice([-1.0, 1.0], size=param.shape) * magnitude
    return dense


@LAMBDAS
@pytest.mark.parametrize(
    "loss_cls", [BinaryCrossentropy, CategoricalCrossentropy], ids=lambda c: c.__name__
)
def test_regularization_loss_is_the_notebooks_formula(lambdas, loss_cls):
    w_l1, w_l2, b_l1, b_l2 = lambdas
    dense = _dense(lambdas)
    W, b = dense.weights, dense.biases
    expected = (
        w_l1 * np.sum(np.abs(W))
        + w_l2 * np.sum(W * W)
        + b_l1 * np.sum(np.abs(b))
        + b_l2 * np.sum(b * b)
    )
    assert loss_cls().regularization_loss(dense) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "head_cls",
    [SigmoidBinaryCrossentropy, SoftmaxCategoricalCrossentropy],
    ids=lambda c: c.__name__,
)
def test_fused_heads_expose_the_same_penalty(head_cls):
    dense = _dense(LAMBDA_SETS["all"])
    expected = CategoricalCrossentropy().regularization_loss(dense)
    assert head_cls().loss.regularization_loss(dense) == pytest.approx(expected)


def test_regularization_loss_follows_lambdas_changed_after_construction():
    # The estimators reconfigure the lambdas of existing layers (warm start):
    # the penalty must be read from the layer at call time.
    dense = _dense(LAMBDA_SETS["none"])
    loss = CategoricalCrossentropy()
    assert loss.regularization_loss(dense) == 0
    dense.weight_regularizer_l2 = 0.5
    assert loss.regularization_loss(dense) == pytest.approx(
        0.5 * np.sum(dense.weights**2)
    )


@LAMBDAS
def test_dense_backward_adds_the_penalty_gradient(lambdas):
    w_l1, w_l2, b_l1, b_l2 = lambdas
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 4))
    upstream = rng.normal(size=(5, 3))
    plain, regularized = _dense(LAMBDA_SETS["none"]), _dense(lambdas)
    for dense in (plain, regularized):
        dense.forward(X)
        dense.backward(upstream)

    W, b = regularized.weights, regularized.biases
    assert_allclose(
        regularized.dweights - plain.dweights, w_l1 * np.sign(W) + 2 * w_l2 * W,
        rtol=1e-12, atol=1e-15,
    )
    assert_allclose(
        regularized.dbiases - plain.dbiases, b_l1 * np.sign(b) + 2 * b_l2 * b,
        rtol=1e-12, atol=1e-15,
    )
    # The penalty does not depend on the inputs.
    assert_allclose(regularized.dinputs, plain.dinputs, rtol=1e-12)


def test_l1_subgradient_at_zero_is_zero():
    # sign(0) = 0 is a valid subgradient of |w| at 0, and leaves exact zeros
    # where they are instead of pushing them off again.
    dense = Dense(2, 2, weight_regularizer_l1=0.5, random_state=0)
    dense.weights[...] = [[0.0, 1.0], [-1.0, 0.0]]
    dense.forward(np.zeros((1, 2)))
    dense.backward(np.zeros((1, 2)))
    assert_allclose(dense.dweights, [[0.0, 0.5], [-0.5, 0.0]])


def test_penalty_float32_stays_float32():
    dense = _dense(LAMBDA_SETS["all"], dtype=np.float32)
    value = CategoricalCrossentropy().regularization_loss(dense)
    assert value.dtype == np.float32
    dense.forward(np.ones((2, 4), dtype=np.float32))
    dense.backward(np.ones((2, 3), dtype=np.float32))
    assert dense.dweights.dtype == np.float32
    assert dense.dbiases.dtype == np.float32


# -- total loss of a stack ------------------------------------------------------

HIDDEN = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "identity": Identity}
OUTPUTS = ["softmax+cce", "fused softmax-cce", "sigmoid+bce", "fused sigmoid-bce"]
STACK_REGULARIZERS = {
    "none": (0.0, 0.0, 0.0, 0.0),
    "l1": (0.01, 0.0, 0.02, 0.0),
    "l2": (0.0, 0.03, 0.0, 0.04),
    "l1+l2": (0.01, 0.03, 0.02, 0.04),
}


class _Stack:
    """Dense-act-Dense-Tanh-Dense-output, driven as the notebook drives it."""

    def __init__(self, hidden, output, lambdas):
        n_features, n_hidden, n_outputs = 3, 4, 3
        self.dense = [
            _dense(lambdas, (n_features, n_hidden), seed=0),
            _dense(lambdas, (n_hidden, n_hidden), seed=1),
            _dense(lambdas, (n_hidden, n_outputs), seed=2),
        ]
        self.hidden = [HIDDEN[hidden](), Tanh()]
        self.fused = output.startswith("fused")
        if output == "softmax+cce":
            self.activation, self.loss = Softmax(), CategoricalCrossentropy()
        elif output == "sigmoid+bce":
            self.activation, self.loss = Sigmoid(), BinaryCrossentropy()
        elif output == "fused softmax-cce":
            self.head = SoftmaxCategoricalCrossentropy()
            self.loss = self.head.loss
        else:
            self.head = SigmoidBinaryCrossentropy()
            self.loss = self.head.loss

    def total_loss(self, X, y, sample_weight):
        values = X
        for dense, activation in zip(self.dense[:2], self.hidden):
            dense.forward(values)
            activation.forward(dense.output)
            values = activation.output
        self.dense[2].forward(values)
        if self.fused:
            data_loss = self.head.forward(
                self.dense[2].output, y, sample_weight=sample_weight
            )
        else:
            self.activation.forward(self.dense[2].output)
            data_loss = self.loss.calculate(
                self.activation.output, y, sample_weight=sample_weight
            )
        return data_loss + sum(self.loss.regularization_loss(d) for d in self.dense)

    def backward(self, y, sample_weight):
        if self.fused:
            self.head.backward(self.head.output, y, sample_weight=sample_weight)
            dvalues = self.head.dinputs
        else:
            self.loss.backward(self.activation.output, y, sample_weight=sample_weight)
            self.activation.backward(self.loss.dinputs)
            dvalues = self.activation.dinputs
        self.dense[2].backward(dvalues)
        dvalues = self.dense[2].dinputs
        for dense, activation in zip(self.dense[1::-1], self.hidden[::-1]):
            activation.backward(dvalues)
            dense.backward(activation.dinputs)
            dvalues = dense.dinputs


# The full activation x output x regularizer x weighting grid would be 128
# gradient checks; two crossed grids cover every pair that interacts: each
# hidden activation with each output (all penalties on, weighted), and each
# penalty with each output, weighted or not.
STACK_CASES = [
    *[(h, o, "l1+l2", True) for h in HIDDEN for o in OUTPUTS],
    *[("relu", o, r, w) for o in OUTPUTS for r in STACK_REGULARIZERS
      for w in (False, True) if not (r == "l1+l2" and w)],
]


@pytest.mark.parametrize(("hidden", "output", "reg", "weighted"), STACK_CASES)
def test_stack_total_loss_gradient_matches_central_differences(
    hidden, output, reg, weighted
):
    rng = np.random.default_rng(3)
    n_samples = 5
    X = rng.normal(size=(n_samples, 3))
    if "softmax" in output:
        y = np.array([0, 1, 2, 1, 0])
    else:
        y = rng.integers(0, 2, size=(n_samples, 3))
    sample_weight = np.array([1.0, 2.0, 0.5, 0.0, 1.5]) if weighted else None
    stack = _Stack(hidden, output, STACK_REGULARIZERS[reg])

    def objective():
        return stack.total_loss(X, y, sample_weight)

    numeric = [
        (
            numerical_gradient(objective, dense.weights),
            numerical_gradient(objective, dense.biases),
        )
        for dense in stack.dense
    ]

    stack.total_loss(X, y, sample_weight)
    if hidden == "relu":
        # Central differences straddling ReLU's kink would be meaningless.
        assert np.abs(stack.dense[0].output).min() > 1e-3
    stack.backward(y, sample_weight)
    for dense, (num_w, num_b) in zip(stack.dense, numeric):
        assert_allclose(dense.dweights, num_w, rtol=1e-5, atol=1e-7)
        assert_allclose(dense.dbiases, num_b, rtol=1e-5, atol=1e-7)

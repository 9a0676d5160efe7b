"""Tests of skmlp.losses: the two cross-entropies and their fused heads."""

import warnings

import numpy as np
import pytest
from gradcheck import numerical_gradient
from numpy.testing import assert_allclose
from sklearn.metrics import log_loss

from skmlp.activations import Sigmoid, Softmax
from skmlp.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    Loss,
    SigmoidBinaryCrossentropy,
    SoftmaxCategoricalCrossentropy,
)

N_SAMPLES, N_CLASSES = 6, 3
SAMPLE_WEIGHT = np.array([1.0, 0.5, 2.0, 0.0, 3.0, 1.5])
WEIGHTINGS = pytest.mark.parametrize(
    "sample_weight", [None, SAMPLE_WEIGHT], ids=["unweighted", "weighted"]
)


def _labels(rng):
    # Every class present, so log_loss sees the same label set as the loss.
    return rng.permutation(np.arange(N_SAMPLES) % N_CLASSES)


def _one_hot(labels):
    return np.eye(N_CLASSES)[labels]


def _categorical_targets(rng, encoding):
    labels = _labels(rng)
    return labels if encoding == "labels" else _one_hot(labels)


def _distributions(rng):
    # Strictly inside the clip range [1e-7, 1 - 1e-7], where the loss is smooth.
    p = rng.uniform(0.1, 1.0, size=(N_SAMPLES, N_CLASSES))
    return p / p.sum(axis=1, keepdims=True)


def _binary_targets(rng, n_outputs):
    return rng.integers(0, 2, size=(N_SAMPLES, n_outputs)).astype(np.float64)


def _expected_weighted_mean(per_sample, sample_weight):
    if sample_weight is None:
        return per_sample.mean()
    return np.sum(sample_weight * per_sample) / np.sum(sample_weight)


# -- forward and calculate -------------------------------------------------------


@pytest.mark.parametrize("encoding", ["labels", "one-hot"])
@WEIGHTINGS
def test_categorical_forward_and_calculate_match_formula(encoding, sample_weight):
    rng = np.random.default_rng(0)
    p = _distributions(rng)
    labels = _labels(rng)
    y = labels if encoding == "labels" else _one_hot(labels)
    loss = CategoricalCrossentropy()

    per_sample = -np.log(p[np.arange(N_SAMPLES), labels])
    assert_allclose(loss.forward(p, y), per_sample, rtol=1e-12)
    expected = _expected_weighted_mean(per_sample, sample_weight)
    assert loss.calculate(p, y, sample_weight=sample_weight) == pytest.approx(
        expected, rel=1e-12
    )
    # The same number scikit-learn reports for these probabilities.
    assert loss.calculate(p, y, sample_weight=sample_weight) == pytest.approx(
        log_loss(labels, p, sample_weight=sample_weight, labels=[0, 1, 2]),
        rel=1e-10,
    )


@pytest.mark.parametrize("n_outputs", [1, 3])
@WEIGHTINGS
def test_binary_forward_and_calculate_match_formula(n_outputs, sample_weight):
    rng = np.random.default_rng(1)
    p = rng.uniform(0.05, 0.95, size=(N_SAMPLES, n_outputs))
    y = _binary_targets(rng, n_outputs)
    loss = BinaryCrossentropy()

    # Mean over the outputs of each sample, then (weighted) over samples.
    per_sample = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1)
    assert_allclose(loss.forward(p, y), per_sample, rtol=1e-12)
    expected = _expected_weighted_mean(per_sample, sample_weight)
    assert loss.calculate(p, y, sample_weight=sample_weight) == pytest.approx(
        expected, rel=1e-12
    )


@WEIGHTINGS
def test_binary_single_output_calculate_equals_sklearn_log_loss(sample_weight):
    rng = np.random.default_rng(2)
    p = rng.uniform(0.05, 0.95, size=(N_SAMPLES, 1))
    y = np.array([0, 1, 1, 0, 1, 0])
    got = BinaryCrossentropy().calculate(
        p, y.reshape(-1, 1), sample_weight=sample_weight
    )
    # log_loss takes the positive-class probability for a binary target.
    assert got == pytest.approx(
        log_loss(y, p.ravel(), sample_weight=sample_weight), rel=1e-10
    )


def test_binary_multi_output_is_mean_of_per_output_log_losses():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.95, size=(N_SAMPLES, 3))
    y = np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]])
    expected = np.mean([log_loss(y[:, k], p[:, k]) for k in range(3)])
    assert BinaryCrossentropy().calculate(p, y) == pytest.approx(expected, rel=1e-10)


def test_binary_accepts_1d_targets_for_a_single_output():
    rng = np.random.default_rng(4)
    p = rng.uniform(0.05, 0.95, size=(N_SAMPLES, 1))
    y = np.array([0, 1, 1, 0, 1, 0])
    loss = BinaryCrossentropy()
    assert loss.calculate(p, y) == pytest.approx(loss.calculate(p, y.reshape(-1, 1)))


# -- gradients -----------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["labels", "one-hot"])
@WEIGHTINGS
def test_categorical_backward_matches_central_differences(encoding, sample_weight):
    rng = np.random.default_rng(5)
    p = _distributions(rng)
    y = _categorical_targets(rng, encoding)
    loss = CategoricalCrossentropy()

    def objective():
        return loss.calculate(p, y, sample_weight=sample_weight)

    numeric = numerical_gradient(objective, p)
    loss.backward(p, y, sample_weight=sample_weight)
    assert loss.dinputs.shape == p.shape
    assert_allclose(loss.dinputs, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("n_outputs", [1, 3])
@WEIGHTINGS
def test_binary_backward_matches_central_differences(n_outputs, sample_weight):
    rng = np.random.default_rng(6)
    p = rng.uniform(0.05, 0.95, size=(N_SAMPLES, n_outputs))
    y = _binary_targets(rng, n_outputs)
    loss = BinaryCrossentropy()

    def objective():
        return loss.calculate(p, y, sample_weight=sample_weight)

    numeric = numerical_gradient(objective, p)
    loss.backward(p, y, sample_weight=sample_weight)
    assert_allclose(loss.dinputs, numeric, rtol=1e-6, atol=1e-8)


def _fused_case(kind, encoding, rng):
    """A fused head, its unfused pair and matching logits and targets."""
    # Logits within +-2 keep every probability far inside the clip range,
    # where fused and unfused gradients must agree.
    if kind == "softmax":
        z = rng.uniform(-2, 2, size=(N_SAMPLES, N_CLASSES))
        y = _categorical_targets(rng, encoding)
        head = SoftmaxCategoricalCrossentropy()
        return head, Softmax(), CategoricalCrossentropy(), z, y
    n_outputs = 1 if encoding == "one output" else 3
    z = rng.uniform(-2, 2, size=(N_SAMPLES, n_outputs))
    y = _binary_targets(rng, n_outputs)
    return SigmoidBinaryCrossentropy(), Sigmoid(), BinaryCrossentropy(), z, y


FUSED_CASES = pytest.mark.parametrize(
    ("kind", "encoding"),
    [
        ("softmax", "labels"),
        ("softmax", "one-hot"),
        ("sigmoid", "one output"),
        ("sigmoid", "three outputs"),
    ],
)


@FUSED_CASES
@WEIGHTINGS
def test_fused_backward_matches_central_differences(kind, encoding, sample_weight):
    head, _, _, z, y = _fused_case(kind, encoding, np.random.default_rng(7))

    def objective():
        return head.forward(z, y, sample_weight=sample_weight)

    numeric = numerical_gradient(objective, z)
    head.forward(z, y, sample_weight=sample_weight)
    head.backward(head.output, y, sample_weight=sample_weight)
    assert head.dinputs.shape == z.shape
    assert_allclose(head.dinputs, numeric, rtol=1e-6, atol=1e-8)


@FUSED_CASES
@WEIGHTINGS
def test_fused_gradient_equals_unfused_chain(kind, encoding, sample_weight):
    head, activation, loss, z, y = _fused_case(kind, encoding, np.random.default_rng(8))

    activation.forward(z)
    loss.backward(activation.output, y, sample_weight=sample_weight)
    activation.backward(loss.dinputs)

    head.forward(z, y, sample_weight=sample_weight)
    head.backward(head.output, y, sample_weight=sample_weight)
    assert_allclose(head.dinputs, activation.dinputs, rtol=1e-10, atol=1e-14)


@FUSED_CASES
@WEIGHTINGS
def test_fused_forward_returns_the_loss_and_sets_output(kind, encoding, sample_weight):
    head, activation, loss, z, y = _fused_case(kind, encoding, np.random.default_rng(9))
    activation.forward(z)
    expected = loss.calculate(activation.output, y, sample_weight=sample_weight)

    got = head.forward(z, y, sample_weight=sample_weight)
    assert got == pytest.approx(expected, rel=1e-12)
    assert_allclose(head.output, activation.output, rtol=1e-12)
    # The notebook reads the penalty through `loss_activation.loss`.
    assert isinstance(head.loss, type(loss))


def test_fused_shortcut_is_p_minus_y_over_n():
    z = np.array([[2.0, 0.0], [0.0, 2.0]])
    head = SoftmaxCategoricalCrossentropy()
    head.forward(z, np.array([0, 0]))
    head.backward(head.output, np.array([0, 0]))
    p = np.exp(2) / (1 + np.exp(2))
    assert_allclose(head.dinputs, [[(p - 1) / 2, (1 - p) / 2], [-p / 2, p / 2]])


# -- numerics ------------------------------------------------------------------


def _extreme_categorical(encoding):
    # Exact zeros and ones, on and off the target class.
    p = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    labels = np.array([0, 2, 1])
    return p, labels if encoding == "labels" else np.eye(3)[labels]


@pytest.mark.parametrize("encoding", ["labels", "one-hot"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_categorical_is_finite_for_probabilities_zero_and_one(encoding, dtype):
    p, y = _extreme_categorical(encoding)
    p = p.astype(dtype)
    loss = CategoricalCrossentropy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        per_sample = loss.forward(p, y)
        loss.backward(p, y)
    assert np.all(np.isfinite(per_sample))
    assert np.all(np.isfinite(loss.dinputs))
    # Clipping to [1e-7, 1 - 1e-7] bounds a certain miss at -log(1e-7).
    assert per_sample[1] == pytest.approx(-np.log(1e-7), rel=1e-5)
    assert per_sample[0] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_is_finite_for_probabilities_zero_and_one(dtype):
    p = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]], dtype=dtype)
    y = np.array([[0, 1], [0, 1], [1, 0]])
    loss = BinaryCrossentropy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        per_sample = loss.forward(p, y)
        loss.backward(p, y)
    assert np.all(np.isfinite(per_sample))
    assert np.all(np.isfinite(loss.dinputs))
    assert per_sample[0] == pytest.approx(0.0, abs=1e-6)
    # Both outputs certainly wrong: about -log(1e-7) each.  The tolerance
    # allows 1 - 1e-7 rounding to 1 - 2**-23 in float32.
    assert per_sample[1] == pytest.approx(-np.log(1e-7), rel=1e-2)


@pytest.mark.parametrize("kind", ["softmax", "sigmoid"])
def test_fused_is_finite_for_saturating_logits(kind):
    if kind == "softmax":
        head, z, y = SoftmaxCategoricalCrossentropy(), [[1000.0, -1000.0]], [1]
    else:
        head, z, y = SigmoidBinaryCrossentropy(), [[1000.0], [-1000.0]], [[0], [1]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = head.forward(np.array(z), np.array(y))
        head.backward(head.output, np.array(y))
    assert np.isfinite(value)
    assert np.all(np.isfinite(head.dinputs))


# -- float32 -------------------------------------------------------------------


def _float32_case(cls, rng):
    if cls in (CategoricalCrossentropy, SoftmaxCategoricalCrossentropy):
        y = _labels(rng)
        values = _distributions(rng) if cls is CategoricalCrossentropy else (
            rng.normal(size=(N_SAMPLES, N_CLASSES)))
    else:
        y = _binary_targets(rng, 2)
        values = rng.uniform(0.05, 0.95, size=(N_SAMPLES, 2))
        if cls is SigmoidBinaryCrossentropy:
            values = rng.normal(size=(N_SAMPLES, 2))
    return values.astype(np.float32), y


@pytest.mark.parametrize(
    "cls", [BinaryCrossentropy, CategoricalCrossentropy], ids=lambda c: c.__name__
)
@WEIGHTINGS
def test_loss_float32_stays_float32(cls, sample_weight):
    p, y = _float32_case(cls, np.random.default_rng(10))
    loss = cls()
    assert loss.forward(p, y).dtype == np.float32
    value = loss.calculate(p, y, sample_weight=sample_weight)
    assert isinstance(value, np.float32)
    loss.backward(p, y, sample_weight=sample_weight)
    assert loss.dinputs.dtype == np.float32
    expected = cls().calculate(p.astype(np.float64), y, sample_weight=sample_weight)
    assert value == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    "cls",
    [SigmoidBinaryCrossentropy, SoftmaxCategoricalCrossentropy],
    ids=lambda c: c.__name__,
)
@WEIGHTINGS
def test_fused_float32_stays_float32(cls, sample_weight):
    z, y = _float32_case(cls, np.random.default_rng(11))
    head = cls()
    value = head.forward(z, y, sample_weight=sample_weight)
    assert isinstance(value, np.float32)
    assert head.output.dtype == np.float32
    head.backward(head.output, y, sample_weight=sample_weight)
    assert head.dinputs.dtype == np.float32


@pytest.mark.parametrize(
    "cls",
    [
        Loss,
        BinaryCrossentropy,
        CategoricalCrossentropy,
        SigmoidBinaryCrossentropy,
        SoftmaxCategoricalCrossentropy,
    ],
    ids=lambda c: c.__name__,
)
def test_docstring_has_examples_section(cls):
    docscrape = pytest.importorskip("numpydoc.docscrape")
    assert docscrape.NumpyDocString(cls.__doc__)["Examples"]

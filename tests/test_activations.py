"""Tests of skmlp.activations: ReLU, Sigmoid, Tanh, Softmax, Identity, Exponential."""

import warnings

import numpy as np
import pytest
from gradcheck import numerical_gradient
from numpy.testing import assert_allclose, assert_array_equal

from skmlp.activations import Exponential, Identity, ReLU, Sigmoid, Softmax, Tanh

ACTIVATIONS = [ReLU, Sigmoid, Tanh, Softmax, Identity, Exponential]


def _reference(cls, z):
    """The textbook formula of each activation, evaluated the naive way."""
    if cls is ReLU:
        return np.where(z > 0, z, 0.0)
    if cls is Sigmoid:
        return 1 / (1 + np.exp(-z))
    if cls is Tanh:
        return np.tanh(z)
    if cls is Softmax:
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)
    if cls is Exponential:
        return np.exp(z)
    return z


def _inputs(rng, shape=(5, 4)):
    # Magnitudes in [0.1, 2]: ReLU's kink at 0 is then out of reach of +-eps,
    # and every other activation is in its well-conditioned range.
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 2.0, size=shape)


@pytest.mark.parametrize("cls", ACTIVATIONS, ids=lambda c: c.__name__)
def test_forward_matches_reference_formula(cls):
    z = _inputs(np.random.default_rng(0))
    act = cls()
    act.forward(z)
    assert act.output.shape == z.shape
    assert_allclose(act.output, _reference(cls, z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cls", ACTIVATIONS, ids=lambda c: c.__name__)
def test_backward_matches_central_differences(cls):
    rng = np.random.default_rng(1)
    z = _inputs(rng)
    upstream = rng.normal(size=z.shape)
    act = cls()

    def objective():
        # d/dz sum(f(z) * g) is exactly what backward(g) must return.
        act.forward(z)
        return np.sum(act.output * upstream)

    numeric = numerical_gradient(objective, z)
    act.forward(z)
    act.backward(upstream)
    assert act.dinputs.shape == z.shape
    assert_allclose(act.dinputs, numeric, rtol=1e-6, atol=1e-8)


def test_relu_gradient_is_zero_where_inactive():
    relu = ReLU()
    relu.forward(np.array([[-2.0, 0.0, 3.0]]))
    relu.backward(np.array([[7.0, 7.0, 7.0]]))
    assert_array_equal(relu.dinputs, [[0.0, 0.0, 7.0]])


def test_softmax_rows_are_distributions():
    z = np.random.default_rng(2).normal(scale=5, size=(6, 4))
    softmax = Softmax()
    softmax.forward(z)
    assert np.all(softmax.output > 0)
    assert_allclose(softmax.output.sum(axis=1), 1.0, rtol=1e-12)


@pytest.mark.parametrize("n_classes", [1, 3, 10])
def test_softmax_compute_gives_the_same_rows_into_any_out(n_classes):
    # compute takes a fast route (the row maximum through a transposed copy in
    # out's memory) only when out is C-contiguous and apart from the inputs;
    # in place, into an F-ordered out, or with integer inputs it must agree.
    rng = np.random.default_rng(3)
    z = rng.normal(scale=5.0, size=(7, n_classes))
    expected = _reference(Softmax, z - z.max(axis=1, keepdims=True))
    softmax = Softmax()
    assert_allclose(softmax.compute(z), expected, rtol=1e-13)
    in_place = z.copy()
    assert softmax.compute(in_place, out=in_place) is in_place
    assert_allclose(in_place, expected, rtol=1e-13)
    fortran = np.empty_like(z, order="F")
    assert_allclose(softmax.compute(z, out=fortran), expected, rtol=1e-13)
    ints = rng.integers(-3, 4, size=(7, n_classes))
    assert_allclose(softmax.compute(ints), _reference(Softmax, ints), rtol=1e-13)
    assert_array_equal(z, z.copy())  # the inputs are left alone


def test_softmax_backward_equals_per_sample_jacobian_loop():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(5, 4))
    upstream = rng.normal(size=(5, 4))
    softmax = Softmax()
    softmax.forward(z)
    softmax.backward(upstream)

    # The notebook's loop: J_i = diag(p_i) - p_i p_i^T, dinputs_i = J_i g_i.
    expected = np.empty_like(upstream)
    for i, (p, g) in enumerate(zip(softmax.output, upstream)):
        p = p.reshape(-1, 1)
        jacobian = np.diagflat(p) - p @ p.T
        expected[i] = jacobian @ g
    assert_allclose(softmax.dinputs, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_of_large_magnitudes_is_finite_without_warnings(dtype):
    z = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]], dtype=dtype)
    sigmoid = Sigmoid()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sigmoid.forward(z)
        sigmoid.backward(np.ones_like(z))
    assert np.all(np.isfinite(sigmoid.output))
    assert_allclose(sigmoid.output[0, [0, 2, 4]], [0.0, 0.5, 1.0])
    assert np.all(np.isfinite(sigmoid.dinputs))


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ([1000.0, 1000.0], [0.5, 0.5]),
        ([-1e300, 0.0], [0.0, 1.0]),
        ([1e300, -1e300], [1.0, 0.0]),
        ([-1000.0, -1000.0 + np.log(3.0)], [0.25, 0.75]),
    ],
)
def test_softmax_of_huge_logits_is_finite_and_exact(row, expected):
    softmax = Softmax()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        softmax.forward(np.array([row]))
        softmax.backward(np.ones((1, 2)))
    assert_allclose(softmax.output, [expected], rtol=1e-12, atol=1e-300)
    assert np.all(np.isfinite(softmax.dinputs))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_across_the_whole_float_range_does_not_overflow(dtype):
    # Subtracting the row maximum must not itself overflow when a row spans
    # from -max to +max: finite input, finite output, no RuntimeWarning.
    big = np.finfo(dtype).max
    softmax = Softmax()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        softmax.forward(np.array([[big, -big]], dtype=dtype))
    assert_allclose(softmax.output, [[1.0, 0.0]])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_exponential_saturates_at_the_largest_finite_value(dtype):
    # The log link's output: e^z up to the largest value the dtype holds, then
    # flat, without an overflow warning at any finite input.
    largest = np.finfo(dtype).max
    z = np.array([[np.log(largest) - 1.0, 1e3, 1e30, largest]], dtype=dtype)
    exponential = Exponential()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exponential.forward(z)
        exponential.backward(np.ones_like(z))
    assert exponential.output.dtype == dtype
    assert_allclose(exponential.output[0, 0], largest / np.e, rtol=1e-5)
    assert np.all(np.isfinite(exponential.output))
    # Saturated: within a few ulps of the largest value.
    assert_allclose(exponential.output[0, 1:], largest, rtol=1e-5)
    # The derivative of e^z is e^z: the upstream gradient times the output.
    assert_array_equal(exponential.dinputs, exponential.output)


def test_exponential_backward_is_output_times_upstream():
    z = np.array([[-2.0, 0.0, np.log(3.0)]])
    exponential = Exponential()
    exponential.forward(z)
    exponential.backward(np.array([[1.0, -2.0, 0.5]]))
    assert_allclose(exponential.dinputs, [[np.exp(-2.0), -2.0, 1.5]], rtol=1e-12)


@pytest.mark.parametrize("cls", ACTIVATIONS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_finite_input_gives_finite_output_and_gradient(cls, dtype):
    row = [-1e30, -1000.0, -1.0, 0.0, 1.0, 1000.0, 1e30]
    z = np.array([row, row[::-1]], dtype=dtype)
    act = cls()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        act.forward(z)
        act.backward(np.ones_like(z))
    assert np.all(np.isfinite(act.output))
    assert np.all(np.isfinite(act.dinputs))


@pytest.mark.parametrize("cls", ACTIVATIONS, ids=lambda c: c.__name__)
def test_float32_stays_float32(cls):
    rng = np.random.default_rng(4)
    z = _inputs(rng).astype(np.float32)
    act = cls()
    act.forward(z)
    assert act.output.dtype == np.float32
    act.backward(rng.normal(size=z.shape).astype(np.float32))
    assert act.dinputs.dtype == np.float32
    # Same numbers as float64, to float32 precision.
    assert_allclose(act.output, _reference(cls, z.astype(np.float64)), rtol=1e-5)


@pytest.mark.parametrize("cls", ACTIVATIONS, ids=lambda c: c.__name__)
def test_training_flag_does_not_change_the_output(cls):
    z = _inputs(np.random.default_rng(5))
    act = cls()
    act.forward(z, training=True)
    trained = act.output.copy()
    act.forward(z, training=False)
    assert_array_equal(act.output, trained)


@pytest.mark.parametrize("cls", ACTIVATIONS, ids=lambda c: c.__name__)
def test_docstring_has_examples_section(cls):
    docscrape = pytest.importorskip("numpydoc.docscrape")
    assert docscrape.NumpyDocString(cls.__doc__)["Examples"]

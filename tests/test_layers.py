"""Tests of skmlp.layers: Dense and Dropout."""

import numpy as np
import pytest
from gradcheck import numerical_gradient
from numpy.testing import assert_allclose, assert_array_equal

from skmlp import activations, layers
from skmlp.layers import Dense, Dropout
from skmlp.losses import Loss

LAMBDA_NAMES = (
    "weight_regularizer_l1",
    "weight_regularizer_l2",
    "bias_regularizer_l1",
    "bias_regularizer_l2",
)

REGULARIZATIONS = {
    "none": {},
    **{name: {name: 0.3} for name in LAMBDA_NAMES},
    "all": dict(zip(LAMBDA_NAMES, (0.1, 0.2, 0.3, 0.4))),
}


def _away_from_zero(rng, shape, low=0.2, high=1.0):
    # The L1 penalty has a kink at 0: central differences are only meaningful
    # where no entry can cross it within +-eps.
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)


# -- Dense ---------------------------------------------------------------------


@pytest.mark.parametrize("reg", list(REGULARIZATIONS), ids=list(REGULARIZATIONS))
def test_dense_gradients_match_central_differences(reg):
    rng = np.random.default_rng(0)
    dense = Dense(4, 3, **REGULARIZATIONS[reg], random_state=0)
    dense.weights[...] = _away_from_zero(rng, dense.weights.shape)
    dense.biases[...] = _away_from_zero(rng, dense.biases.shape)
    X = rng.normal(size=(5, 4))
    upstream = rng.normal(size=(5, 3))
    penalty = Loss()

    def objective():
        # Linear in the output, so backward(upstream) is its exact gradient;
        # the penalty is the one the total loss adds for this layer.
        dense.forward(X)
        return np.sum(dense.output * upstream) + penalty.regularization_loss(dense)

    num_w = numerical_gradient(objective, dense.weights)
    num_b = numerical_gradient(objective, dense.biases)
    num_x = numerical_gradient(objective, X)

    dense.forward(X)
    dense.backward(upstream)
    assert_allclose(dense.dweights, num_w, rtol=1e-6, atol=1e-8)
    assert_allclose(dense.dbiases, num_b, rtol=1e-6, atol=1e-8)
    assert_allclose(dense.dinputs, num_x, rtol=1e-6, atol=1e-8)


def test_dense_forward_is_affine_map():
    rng = np.random.default_rng(1)
    dense = Dense(3, 2, random_state=0)
    X = rng.normal(size=(4, 3))
    dense.forward(X)
    assert_allclose(dense.output, X @ dense.weights + dense.biases)


@pytest.mark.parametrize("n_neurons", [1, 4])
def test_dense_backward_is_exact_for_any_gradient_buffers(n_neurons):
    # The products go through np.dot, which only writes into C-contiguous
    # arrays of its result's dtype; gradient arrays a user set beforehand that
    # are neither must still receive the exact gradients (through matmul).
    rng = np.random.default_rng(4)
    X = rng.normal(size=(6, 3))
    dvalues = rng.normal(size=(6, n_neurons))
    reference = Dense(3, n_neurons, random_state=0)
    reference.forward(X)
    reference.backward(dvalues)
    dense = Dense(3, n_neurons, random_state=0)
    dense.dweights = np.empty((3, n_neurons), order="F")
    dense.dbiases = np.empty((1, n_neurons), dtype=np.float32)
    dense.forward(X)
    dense.backward(dvalues)
    assert_allclose(dense.dweights, X.T @ dvalues)
    assert_allclose(dense.dbiases, dvalues.sum(axis=0, keepdims=True), rtol=1e-6)
    assert_allclose(dense.dinputs, dvalues @ dense.weights.T)
    assert_allclose(reference.dweights, X.T @ dvalues)
    assert_allclose(reference.dinputs, dvalues @ reference.weights.T)


def test_dense_shapes_and_glorot_bounds():
    dense = Dense(5, 7, random_state=0)
    assert dense.weights.shape == (5, 7)
    # Biases stay 2-D, as in the notebook, so `output += biases` broadcasts.
    assert dense.biases.shape == (1, 7)
    bound = np.sqrt(6 / (5 + 7))
    assert np.all(np.abs(dense.weights) <= bound)


def test_dense_accepts_the_notebooks_positional_lambdas():
    dense = Dense(2, 3, 0.1, 0.2, 0.3, 0.4)
    assert [getattr(dense, name) for name in LAMBDA_NAMES] == [0.1, 0.2, 0.3, 0.4]


@pytest.mark.parametrize("name", LAMBDA_NAMES)
def test_dense_rejects_negative_lambda(name):
    with pytest.raises(ValueError, match=name):
        Dense(2, 3, **{name: -0.1})


def test_dense_float32_stays_float32():
    rng = np.random.default_rng(2)
    dense = Dense(
        3, 2, **REGULARIZATIONS["all"], random_state=0, dtype=np.float32
    )
    assert dense.weights.dtype == np.float32
    assert dense.biases.dtype == np.float32
    dense.forward(rng.normal(size=(4, 3)).astype(np.float32))
    assert dense.output.dtype == np.float32
    dense.backward(rng.normal(size=(4, 2)).astype(np.float32))
    for grad in (dense.dweights, dense.dbiases, dense.dinputs):
        assert grad.dtype == np.float32


def test_dense_same_seed_gives_bit_identical_weights():
    first, second = Dense(6, 4, random_state=0), Dense(6, 4, random_state=0)
    assert_array_equal(first.weights, second.weights)
    assert_array_equal(first.biases, second.biases)
    other = Dense(6, 4, random_state=1)
    assert not np.array_equal(first.weights, other.weights)


def test_dense_random_state_instance_is_reproducible_and_advances():
    first = Dense(6, 4, random_state=np.random.RandomState(3))
    again = Dense(6, 4, random_state=np.random.RandomState(3))
    assert_array_equal(first.weights, again.weights)
    # One shared stream seeds successive layers differently, as in a network.
    shared = np.random.RandomState(3)
    a, b = Dense(6, 4, random_state=shared), Dense(6, 4, random_state=shared)
    assert not np.array_equal(a.weights, b.weights)


def test_dense_random_state_none_draws_fresh_weights():
    a, b = Dense(6, 4), Dense(6, 4)
    assert not np.array_equal(a.weights, b.weights)


@pytest.fixture
def restore_global_rng():
    # The tests below reseed NumPy's legacy global generator on purpose (the
    # notebook's habit skmlp must be immune to); other tests of the session
    # must not see the difference.
    state = np.random.get_state()  # noqa: NPY002
    yield
    np.random.set_state(state)  # noqa: NPY002


@pytest.mark.usefixtures("restore_global_rng")
def test_dense_seeded_ignores_global_numpy_seed():
    np.random.seed(1)  # noqa: NPY002
    first = Dense(6, 4, random_state=0)
    np.random.seed(2)  # noqa: NPY002
    second = Dense(6, 4, random_state=0)
    assert_array_equal(first.weights, second.weights)
    assert_array_equal(first.biases, second.biases)


# -- Dropout -------------------------------------------------------------------


def test_dropout_gradient_is_upstream_times_mask():
    rng = np.random.default_rng(4)
    X = rng.uniform(0.5, 1.5, size=(6, 5))
    upstream = rng.normal(size=(6, 5))

    def objective():
        # A fresh layer with the same seed draws the same mask every call,
        # which makes the (otherwise random) map differentiable.
        dropout = Dropout(0.4, random_state=0)
        dropout.forward(X)
        return np.sum(dropout.output * upstream)

    numeric = numerical_gradient(objective, X)

    dropout = Dropout(0.4, random_state=0)
    dropout.forward(X)
    mask = dropout.output / X
    dropout.backward(upstream)
    assert_allclose(dropout.dinputs, upstream * mask, rtol=1e-12)
    assert_allclose(dropout.dinputs, numeric, rtol=1e-6, atol=1e-8)


def test_dropout_mask_is_inverted_and_drops_about_rate():
    rate = 0.3
    dropout = Dropout(rate, random_state=0)
    dropout.forward(np.ones((200, 50)))
    values = np.unique(dropout.output)
    # Kept units are scaled by 1/(1-rate) so the expected output is the input.
    assert_allclose(values, [0.0, 1 / (1 - rate)])
    assert np.mean(dropout.output == 0) == pytest.approx(rate, abs=0.02)
    assert dropout.output.mean() == pytest.approx(1.0, abs=0.03)


def test_dropout_inference_is_identity():
    X = np.arange(12.0).reshape(3, 4)
    dropout = Dropout(0.5, random_state=0)
    dropout.forward(X, training=False)
    assert_array_equal(dropout.output, X)
    upstream = np.ones_like(X)
    dropout.backward(upstream)
    assert_array_equal(dropout.dinputs, upstream)


def _masks(dropout, n_calls=3, shape=(4, 6)):
    masks = []
    for _ in range(n_calls):
        dropout.forward(np.ones(shape))
        masks.append(dropout.output.copy())
    return masks


@pytest.mark.parametrize(
    "make_seed",
    [lambda: 0, lambda: np.random.RandomState(0), lambda: np.random.default_rng(0)],
    ids=["int", "RandomState", "Generator"],
)
def test_dropout_same_seed_same_masks(make_seed):
    first = _masks(Dropout(0.5, random_state=make_seed()))
    second = _masks(Dropout(0.5, random_state=make_seed()))
    for a, b in zip(first, second):
        assert_array_equal(a, b)
    # Successive calls draw new masks rather than repeating one.
    assert not np.array_equal(first[0], first[1])


def test_dropout_different_seeds_differ():
    a = _masks(Dropout(0.5, random_state=0), n_calls=1)[0]
    b = _masks(Dropout(0.5, random_state=1), n_calls=1)[0]
    assert not np.array_equal(a, b)


def test_dropout_random_state_none_works():
    (mask,) = _masks(Dropout(0.5), n_calls=1)
    assert set(np.unique(mask)) <= {0.0, 2.0}


@pytest.mark.usefixtures("restore_global_rng")
def test_dropout_seeded_ignores_global_numpy_seed():
    np.random.seed(1)  # noqa: NPY002
    first = _masks(Dropout(0.5, random_state=0))
    np.random.seed(2)  # noqa: NPY002
    second = _masks(Dropout(0.5, random_state=0))
    for a, b in zip(first, second):
        assert_array_equal(a, b)


def test_dropout_float32_stays_float32():
    dropout = Dropout(0.5, random_state=0)
    dropout.forward(np.ones((3, 4), dtype=np.float32))
    assert dropout.output.dtype == np.float32
    dropout.backward(np.ones((3, 4), dtype=np.float32))
    assert dropout.dinputs.dtype == np.float32


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_rejects_rate_outside_unit_interval(rate):
    with pytest.raises(ValueError, match="rate"):
        Dropout(rate)


def test_dropout_is_also_importable_from_activations():
    # The notebook lists Dropout beside the activations.
    assert activations.Dropout is layers.Dropout


@pytest.mark.parametrize("cls", [Dense, Dropout], ids=lambda c: c.__name__)
def test_docstring_has_examples_section(cls):
    docscrape = pytest.importorskip("numpydoc.docscrape")
    assert docscrape.NumpyDocString(cls.__doc__)["Examples"]
    assert "Parameters\n    ----------" in cls.__doc__

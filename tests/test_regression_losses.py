"""Tests of the regression losses of skmlp.losses and their fused heads.

``MeanSquaredError``, ``MeanAbsoluteError`` and ``PoissonDeviance`` keep the
design notebook's loss protocol; each data loss must be the number
scikit-learn's metric of the same name reports for the same predictions, and
each ``backward`` the central-difference gradient of ``calculate``.  The heads
``IdentityMeanSquaredError``, ``IdentityMeanAbsoluteError`` and
``ExponentialPoissonDeviance`` fuse the output activation with its loss; their
gradient with respect to the pre-activation must equal the unfused chain.
"""

import warnings

import numpy as np
import pytest
from gradcheck import numerical_gradient
from numpy.testing import assert_allclose
from sklearn.metrics import (
    mean_absolute_error,
    mean_poisson_deviance,
    mean_squared_error,
)

from skmlp.activations import Exponential, Identity
from skmlp.losses import (
    ExponentialPoissonDeviance,
    IdentityMeanAbsoluteError,
    IdentityMeanSquaredError,
    Loss,
    MeanAbsoluteError,
    MeanSquaredError,
    PoissonDeviance,
)

N_SAMPLES = 6
# A zero weight included: that sample must not count at all.
SAMPLE_WEIGHT = np.array([1.0, 0.5, 2.0, 0.0, 3.0, 1.5])
WEIGHTINGS = pytest.mark.parametrize(
    "sample_weight", [None, SAMPLE_WEIGHT], ids=["unweighted", "weighted"]
)
OUTPUTS = pytest.mark.parametrize("n_outputs", [1, 3])
LOSSES = [MeanSquaredError, MeanAbsoluteError, PoissonDeviance]
LOSS_CLASSES = pytest.mark.parametrize("cls", LOSSES, ids=lambda c: c.__name__)
HEADS = {
    IdentityMeanSquaredError: (Identity, MeanSquaredError),
    IdentityMeanAbsoluteError: (Identity, MeanAbsoluteError),
    ExponentialPoissonDeviance: (Exponential, PoissonDeviance),
}
HEAD_CLASSES = pytest.mark.parametrize("cls", list(HEADS), ids=lambda c: c.__name__)


def _case(cls, rng, n_outputs):
    """Predictions and targets for ``cls``, where its loss is smooth.

    Poisson: counts with several zeros and positive predictions.  Absolute
    error: every residual at least 0.1 away from the kink at 0, so the
    central differences (steps of 1e-6) never straddle it.
    """
    shape = (N_SAMPLES, n_outputs)
    if cls is PoissonDeviance:
        y = rng.poisson(1.0, size=shape).astype(np.float64)
        y[0, 0] = 0.0  # at least one zero count
        return rng.uniform(0.2, 3.0, size=shape), y
    y = rng.normal(size=shape)
    residual = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 2.0, size=shape)
    return y + residual, y


def _per_sample(cls, p, y):
    """The textbook formula of each loss, mean over the outputs of a sample."""
    if cls is MeanSquaredError:
        return np.mean((y - p) ** 2, axis=1)
    if cls is MeanAbsoluteError:
        return np.mean(np.abs(y - p), axis=1)
    # 0 log 0 = 0, spelled out rather than through xlogy.
    safe_y = np.where(y > 0, y, 1.0)
    return np.mean(2 * (np.where(y > 0, y * np.log(safe_y / p), 0.0) - y + p), axis=1)


def _sklearn_metric(cls, y, p, sample_weight):
    """scikit-learn's metric of the same name; the Poisson deviance, which it
    computes for one output only, averaged over the outputs."""
    if cls is MeanSquaredError:
        return mean_squared_error(y, p, sample_weight=sample_weight)
    if cls is MeanAbsoluteError:
        return mean_absolute_error(y, p, sample_weight=sample_weight)
    return np.mean([
        mean_poisson_deviance(y[:, k], p[:, k], sample_weight=sample_weight)
        for k in range(y.shape[1])
    ])


# -- forward and calculate -------------------------------------------------------


@LOSS_CLASSES
@OUTPUTS
def test_forward_is_the_per_sample_formula(cls, n_outputs):
    p, y = _case(cls, np.random.default_rng(0), n_outputs)
    per_sample = cls().forward(p, y)
    assert per_sample.shape == (N_SAMPLES,)
    assert_allclose(per_sample, _per_sample(cls, p, y), rtol=1e-12)


@LOSS_CLASSES
@OUTPUTS
@WEIGHTINGS
def test_calculate_equals_sklearn_metric(cls, n_outputs, sample_weight):
    p, y = _case(cls, np.random.default_rng(1), n_outputs)
    got = cls().calculate(p, y, sample_weight=sample_weight)
    assert got == pytest.approx(_sklearn_metric(cls, y, p, sample_weight), rel=1e-10)


@LOSS_CLASSES
def test_single_output_accepts_1d_targets(cls):
    p, y = _case(cls, np.random.default_rng(2), 1)
    loss = cls()
    assert loss.calculate(p, y.ravel()) == loss.calculate(p, y)
    assert loss.calculate(p, y.ravel()) == pytest.approx(
        _sklearn_metric(cls, y, p, None), rel=1e-10)


def test_poisson_zero_count_costs_twice_the_prediction():
    # y log(y / p) is 0 at y = 0, so the deviance is 2 p there.
    p = np.array([[0.5], [3.0]])
    assert_allclose(PoissonDeviance().forward(p, np.zeros((2, 1))), [1.0, 6.0])


def test_exact_predictions_cost_nothing():
    y = np.array([[0.0, 1.0], [2.0, 7.5]])
    for cls in LOSSES:
        p = np.where(y > 0, y, 1e-300) if cls is PoissonDeviance else y.copy()
        assert_allclose(cls().forward(p, y), 0.0, atol=1e-12)


# -- gradients -----------------------------------------------------------------


@LOSS_CLASSES
@OUTPUTS
@WEIGHTINGS
def test_backward_matches_central_differences(cls, n_outputs, sample_weight):
    p, y = _case(cls, np.random.default_rng(3), n_outputs)
    loss = cls()

    def objective():
        return loss.calculate(p, y, sample_weight=sample_weight)

    numeric = numerical_gradient(objective, p)
    loss.backward(p, y, sample_weight=sample_weight)
    assert loss.dinputs.shape == p.shape
    assert_allclose(loss.dinputs, numeric, rtol=1e-6, atol=1e-9)


def test_absolute_error_gradient_is_sign_of_prediction_minus_target():
    # d|y - p|/dp = sign(p - y): a prediction above its target must be pushed
    # down.  The book's backward, sign(y - p), gets every sign wrong here.
    p = np.array([[3.0, -1.0], [0.5, 2.0]])
    y = np.array([[1.0, 0.0], [2.0, -4.0]])
    loss = MeanAbsoluteError()
    loss.backward(p, y)
    # One over the outputs (2) times one over the samples (2).
    assert_allclose(loss.dinputs, [[0.25, -0.25], [-0.25, 0.25]])
    # A step against the gradient lowers the loss.
    before = loss.calculate(p, y)
    assert loss.calculate(p - 0.1 * loss.dinputs, y) < before


@pytest.mark.parametrize("cls", [MeanAbsoluteError, IdentityMeanAbsoluteError],
                         ids=lambda c: c.__name__)
def test_absolute_error_subgradient_is_zero_at_an_exact_prediction(cls):
    y = np.array([[1.0], [2.0]])
    block = cls()
    if cls is IdentityMeanAbsoluteError:
        block.forward(y.copy(), y)
        block.backward(block.output, y)
    else:
        block.backward(y.copy(), y)
    assert_allclose(block.dinputs, 0.0)


# -- fused heads ------------------------------------------------------------------


def _head_case(cls, rng, n_outputs):
    """Pre-activations and targets for a head, where its loss is smooth."""
    if cls is ExponentialPoissonDeviance:
        p, y = _case(PoissonDeviance, rng, n_outputs)
        return np.log(p), y
    p, y = _case(MeanAbsoluteError, rng, n_outputs)  # away from the kinks
    return p, y


@HEAD_CLASSES
@OUTPUTS
@WEIGHTINGS
def test_fused_gradient_equals_unfused_chain(cls, n_outputs, sample_weight):
    z, y = _head_case(cls, np.random.default_rng(4), n_outputs)
    activation_cls, loss_cls = HEADS[cls]
    activation, loss = activation_cls(), loss_cls()
    activation.forward(z)
    loss.backward(activation.output, y, sample_weight=sample_weight)
    activation.backward(loss.dinputs)

    head = cls()
    head.forward(z, y, sample_weight=sample_weight)
    head.backward(head.output, y, sample_weight=sample_weight)
    assert head.dinputs.shape == z.shape
    assert_allclose(head.dinputs, activation.dinputs, rtol=1e-10, atol=1e-14)


@HEAD_CLASSES
@OUTPUTS
@WEIGHTINGS
def test_fused_backward_matches_central_differences(cls, n_outputs, sample_weight):
    z, y = _head_case(cls, np.random.default_rng(5), n_outputs)
    head = cls()

    def objective():
        return head.forward(z, y, sample_weight=sample_weight)

    numeric = numerical_gradient(objective, z)
    head.forward(z, y, sample_weight=sample_weight)
    head.backward(head.output, y, sample_weight=sample_weight)
    assert_allclose(head.dinputs, numeric, rtol=1e-6, atol=1e-9)


@HEAD_CLASSES
@WEIGHTINGS
def test_fused_forward_returns_the_loss_and_sets_output(cls, sample_weight):
    z, y = _head_case(cls, np.random.default_rng(6), 2)
    activation_cls, loss_cls = HEADS[cls]
    head = cls()
    got = head.forward(z, y, sample_weight=sample_weight)
    expected_output = np.exp(z) if activation_cls is Exponential else z
    assert_allclose(head.output, expected_output, rtol=1e-12)
    assert got == pytest.approx(
        _sklearn_metric(loss_cls, y, expected_output, sample_weight), rel=1e-10)
    # The notebook reads the penalty through `loss_activation.loss`.
    assert type(head.loss) is loss_cls
    assert type(head.activation) is activation_cls


@pytest.mark.parametrize(
    ("cls", "factor"),
    [(IdentityMeanSquaredError, 2.0), (ExponentialPoissonDeviance, 2.0)],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_fused_shortcut_is_twice_p_minus_y_over_outputs_and_samples(cls, factor):
    rng = np.random.default_rng(7)
    z, y = _head_case(cls, rng, 3)
    head = cls()
    head.forward(z, y)
    head.backward(head.output, y)
    assert_allclose(head.dinputs, factor * (head.output - y) / (3 * N_SAMPLES),
                    rtol=1e-12)


# -- numerics ------------------------------------------------------------------


def _extreme_logits(dtype):
    # From far below the smallest positive output to where exp(z) is huge but
    # the deviance (about 2 exp(z) per output) still fits in the dtype.
    huge = 700.0 if dtype == np.float64 else 80.0
    return np.array([-1e4, -1000.0, -100.0, -20.0, 0.0, 20.0, huge], dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@WEIGHTINGS
def test_poisson_head_is_finite_for_zero_counts_and_extreme_logits(dtype,
                                                                   sample_weight):
    # Every logit against every count, zero included: one sample per pair.
    logits = _extreme_logits(dtype)
    counts = np.array([0.0, 1.0, 5.0, 1000.0])
    z = np.repeat(logits, len(counts)).reshape(-1, 1)
    y = np.tile(counts, len(logits)).reshape(-1, 1)
    weights = (None if sample_weight is None
               else np.resize(SAMPLE_WEIGHT, len(z)).astype(dtype))
    head = ExponentialPoissonDeviance()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = head.forward(z, y, sample_weight=weights)
        head.backward(head.output, y, sample_weight=weights)
        per_sample = head.loss.forward(head.output, y)
    assert np.isfinite(value)
    assert np.all(np.isfinite(per_sample))
    assert np.all(per_sample >= 0)
    assert np.all(np.isfinite(head.dinputs))
    assert head.dinputs.dtype == dtype
    # A zero count with a vanishing prediction is (almost) a perfect fit.
    zero_and_tiny = (y[:, 0] == 0) & (z[:, 0] <= -100)
    assert_allclose(per_sample[zero_and_tiny], 0.0, atol=1e-30)
    # Where the prediction underflows, the deviance of a positive count is
    # that of the smallest positive prediction, not inf.
    floor = np.finfo(dtype).tiny
    far = (z[:, 0] == -1e4) & (y[:, 0] > 0)
    expected = 2 * (y[far, 0] * (np.log(y[far, 0]) - np.log(floor)) - y[far, 0])
    assert_allclose(per_sample[far], expected, rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_poisson_loss_is_finite_for_predictions_at_the_floor(dtype):
    # The unfused loss clips predictions below at the dtype's smallest normal
    # number; targets far above it must not overflow y / p.
    p = np.array([[0.0], [np.finfo(dtype).tiny], [1e-30]], dtype=dtype)
    y = np.array([[50.0], [1e4], [1e6]], dtype=dtype)
    loss = PoissonDeviance()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        per_sample = loss.forward(p, y)
        loss.backward(p, y)
    assert np.all(np.isfinite(per_sample))
    assert np.all(np.isfinite(loss.dinputs))
    # Pushes every prediction up, as it must for p far below y.
    assert np.all(loss.dinputs < 0)


@pytest.mark.parametrize("cls", [IdentityMeanSquaredError, IdentityMeanAbsoluteError],
                         ids=lambda c: c.__name__)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_identity_heads_are_finite_for_large_values(cls, dtype):
    # Large, but whose squares still fit in the dtype.
    big = 1e150 if dtype == np.float64 else 1e18
    z = np.array([[big], [-big], [0.0]], dtype=dtype)
    y = np.array([[0.0], [big], [-big]], dtype=dtype)
    head = cls()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = head.forward(z, y)
        head.backward(head.output, y)
    assert np.isfinite(value)
    assert np.all(np.isfinite(head.dinputs))


# -- float32 -------------------------------------------------------------------


@LOSS_CLASSES
@WEIGHTINGS
def test_loss_float32_stays_float32(cls, sample_weight):
    p, y = _case(cls, np.random.default_rng(8), 2)
    p32, y32 = p.astype(np.float32), y.astype(np.float32)
    loss = cls()
    assert loss.forward(p32, y32).dtype == np.float32
    value = loss.calculate(p32, y32, sample_weight=sample_weight)
    assert isinstance(value, np.float32)
    loss.backward(p32, y32, sample_weight=sample_weight)
    assert loss.dinputs.dtype == np.float32
    expected = cls().calculate(p32.astype(np.float64), y, sample_weight=sample_weight)
    assert value == pytest.approx(expected, rel=1e-5)


@HEAD_CLASSES
@WEIGHTINGS
def test_fused_float32_stays_float32(cls, sample_weight):
    z, y = _head_case(cls, np.random.default_rng(9), 2)
    z32 = z.astype(np.float32)
    head = cls()
    value = head.forward(z32, y.astype(np.float32), sample_weight=sample_weight)
    assert isinstance(value, np.float32)
    assert head.output.dtype == np.float32
    head.backward(head.output, y.astype(np.float32), sample_weight=sample_weight)
    assert head.dinputs.dtype == np.float32
    expected = cls().forward(z32.astype(np.float64), y, sample_weight=sample_weight)
    assert value == pytest.approx(expected, rel=1e-5)


# -- the protocol --------------------------------------------------------------


@LOSS_CLASSES
def test_regularization_loss_is_the_shared_penalty(cls):
    from skmlp.layers import Dense

    layer = Dense(3, 2, weight_regularizer_l1=0.1, bias_regularizer_l2=0.2,
                  random_state=0)
    layer.biases[...] = [[0.5, -1.0]]
    expected = 0.1 * np.abs(layer.weights).sum() + 0.2 * (0.25 + 1.0)
    assert isinstance(cls(), Loss)
    assert cls().regularization_loss(layer) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("cls", [*LOSSES, *HEADS], ids=lambda c: c.__name__)
def test_docstring_has_examples_section(cls):
    docscrape = pytest.importorskip("numpydoc.docscrape")
    assert docscrape.NumpyDocString(cls.__doc__)["Examples"]

"""Losses with the design notebook's protocol, and the fused output gradients.

``forward(y_pred, y_true)`` returns one loss per sample, ``calculate(output, y)``
their (optionally sample-weighted) mean, ``regularization_loss(layer)`` the L1/L2
penalty of one :class:`~skmlp.layers.Dense` layer, and ``backward(dvalues,
y_true)`` sets ``.dinputs``.  Probabilities are clipped to
``[1e-7, 1 - 1e-7]`` in forward *and* backward, so neither ever returns inf.

The classification losses (cross-entropies) and the regression losses (mean
squared and absolute error, Poisson deviance) each come with a fused output
head: the output activation and the loss as one object, whose gradient with
respect to the pre-activation takes the shortcut the pair allows.

For a weighted mean :math:`\\sum_i w_i \\ell_i / \\sum_i w_i`, ``backward``
scales each row by :math:`w_i / \\sum_i w_i`; without weights by :math:`1/n`.
"""

import numpy as np

from ._block import _Block
from ._regularization import penalty
from .activations import Sigmoid, Softmax

__all__ = [
    "Loss",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SigmoidBinaryCrossentropy",
    "SoftmaxCategoricalCrossentropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "PoissonDeviance",
    "IdentityMeanSquaredError",
    "IdentityMeanAbsoluteError",
    "ExponentialPoissonDeviance",
]

EPSILON = 1e-7


def _clipped(probabilities, out=None):
    """``probabilities`` clipped to ``[EPSILON, 1 - EPSILON]`` (NaN stays NaN).

    Two ufunc calls: np.clip's Python wrapper costs more than the clipping on
    batch-sized arrays.
    """
    out = np.maximum(probabilities, EPSILON, out=out)
    return np.minimum(out, 1 - EPSILON, out=out)


def _row_scale(n_samples, sample_weight, dtype):
    """Per-row factor of the mean's gradient: ``1/n`` or ``w / sum(w)``."""
    if sample_weight is None:
        return dtype.type(1.0 / n_samples)
    weights = np.asarray(sample_weight, dtype=dtype)
    return (weights / weights.sum(dtype=dtype))[:, np.newaxis]


def _weighted_mean(values, sample_weight):
    if sample_weight is None:
        # What ndarray.mean computes, without its Python-level wrapper, which
        # costs more than the sum itself on a batch of losses.
        return np.add.reduce(values) / len(values)
    weights = np.asarray(sample_weight, dtype=values.dtype)
    return np.dot(values, weights) / weights.sum(dtype=values.dtype)


class Loss(_Block):
    """Base class: the mean of ``forward`` and the layers' regularization.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.layers import Dense
    >>> from skmlp.losses import CategoricalCrossentropy
    >>> layer = Dense(2, 2, weight_regularizer_l1=0.1)
    >>> loss = CategoricalCrossentropy()
    >>> expected = 0.1 * abs(layer.weights).sum()
    >>> bool(np.isclose(loss.regularization_loss(layer), expected))
    True
    """

    def __init__(self):
        self.__init_transient__()

    def calculate(self, output, y, *, sample_weight=None):
        """Mean loss over the samples, weighted by ``sample_weight`` if given.

        Parameters
        ----------
        output : ndarray of shape (n_samples, n_outputs)
            Predicted probabilities.
        y : ndarray
            Targets, as ``forward`` accepts them.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        loss : numpy scalar of ``output``'s dtype
        """
        return _weighted_mean(self.forward(output, y), sample_weight)

    def regularization_loss(self, layer):
        """L1 / L2 penalty of one layer, from its four lambdas.

        .. math::

            \\lambda^w_1 \\sum |W| + \\lambda^w_2 \\sum W^2
            + \\lambda^b_1 \\sum |b| + \\lambda^b_2 \\sum b^2
        """
        return penalty(
            layer.weights, layer.weight_regularizer_l1, layer.weight_regularizer_l2
        ) + penalty(
            layer.biases, layer.bias_regularizer_l1, layer.bias_regularizer_l2
        )

    def __repr__(self):
        return f"{type(self).__name__}()"


class CategoricalCrossentropy(Loss):
    """Categorical cross-entropy, :math:`\\ell_i = -\\sum_k y_{ik} \\log p_{ik}`.

    ``y_true`` is either a vector of class indices or a one-hot matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.losses import CategoricalCrossentropy
    >>> probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]])
    >>> loss = CategoricalCrossentropy()
    >>> loss.forward(probs, np.array([0, 1]))
    array([0.35667494, 0.69314718])
    >>> round(float(loss.calculate(probs, np.array([[1, 0, 0], [0, 1, 0]]))), 6)
    0.524911
    """

    def forward(self, y_pred, y_true):
        """Per-sample losses, shape ``(n_samples,)``."""
        y_true = np.asarray(y_true)
        if y_true.ndim == 1:
            correct = _clipped(y_pred[np.arange(len(y_pred)), y_true])
            np.log(correct, out=correct)
            return np.negative(correct, out=correct)
        clipped = _clipped(y_pred)
        np.log(clipped, out=clipped)
        clipped *= y_true
        return -clipped.sum(axis=1)

    def backward(self, dvalues, y_true, *, sample_weight=None):
        """Set ``dinputs`` to :math:`-y / p` scaled by the mean's weights."""
        y_true = np.asarray(y_true)
        n_samples = len(dvalues)
        dtype = dvalues.dtype
        out = self._workspace("dinputs", dvalues.shape, dtype)
        if y_true.ndim == 1:
            out.fill(0)
            rows = np.arange(n_samples)
            correct = _clipped(dvalues[rows, y_true])
            out[rows, y_true] = -1 / correct
        else:
            _clipped(dvalues, out=out)
            np.divide(y_true, out, out=out)
            np.negative(out, out=out)
        out *= _row_scale(n_samples, sample_weight, dtype)
        self.dinputs = out


class BinaryCrossentropy(Loss):
    """Binary cross-entropy, averaged over the outputs of each sample.

    .. math::

        \\ell_i = -\\frac{1}{K} \\sum_k \\left[y_{ik} \\log p_{ik}
            + (1 - y_{ik}) \\log(1 - p_{ik})\\right]

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.losses import BinaryCrossentropy
    >>> loss = BinaryCrossentropy()
    >>> loss.forward(np.array([[0.9], [0.2]]), np.array([[1], [0]]))
    array([0.10536052, 0.22314355])
    """

    def forward(self, y_pred, y_true):
        """Per-sample losses, shape ``(n_samples,)``."""
        y_true = np.asarray(y_true).reshape(y_pred.shape)
        log_p = _clipped(y_pred)
        log_not_p = np.negative(log_p)
        np.log1p(log_not_p, out=log_not_p)
        np.log(log_p, out=log_p)
        # y log p + (1 - y) log(1 - p), rearranged to need one product less
        log_p -= log_not_p
        log_p *= y_true
        log_p += log_not_p
        # minus the mean over the outputs (ndarray.mean's Python wrapper costs
        # more than the sum on a batch)
        losses = np.add.reduce(log_p, axis=-1)
        return np.divide(losses, -log_p.shape[-1], out=losses)

    def backward(self, dvalues, y_true, *, sample_weight=None):
        """Set ``dinputs`` to :math:`-(y/p - (1-y)/(1-p)) / K`, mean-scaled."""
        y_true = np.asarray(y_true).reshape(dvalues.shape)
        n_samples, n_outputs = dvalues.shape
        dtype = dvalues.dtype
        clipped = _clipped(dvalues)
        out = self._workspace("dinputs", dvalues.shape, dtype)
        # (1 - y) / (1 - p) - y / p  ==  (p - y) / (p (1 - p))
        np.subtract(clipped, y_true, out=out)
        out /= clipped
        out /= 1 - clipped
        out *= dtype.type(1.0 / n_outputs)
        out *= _row_scale(n_samples, sample_weight, dtype)
        self.dinputs = out


class _FusedOutput(_Block):
    """An output activation and its cross-entropy, with the shortcut gradient.

    For the canonical link of each loss (softmax with categorical
    cross-entropy, sigmoid with binary cross-entropy) the gradient of the loss
    with respect to the pre-activation ``z`` collapses to
    :math:`(p - y)`, divided by the number of samples (by the weights' sum when
    weighted) and, for the sigmoid, by the number of outputs: the Jacobian of
    the activation cancels the ``1/p`` of the loss exactly.  This avoids the
    ``1/p`` blow-up of the unfused chain when ``p`` is tiny, and costs one
    subtraction.  It equals the unfused chain wherever ``p`` is inside the
    clipping range.
    """

    def __init__(self):
        self.activation = self._activation_class()
        self.loss = self._loss_class()
        self.__init_transient__()

    def forward(self, inputs, y_true, *, sample_weight=None):
        """Apply the activation (sets ``.output``) and return the mean loss."""
        self.activation.forward(inputs)
        self.output = self.activation.output
        return self.loss.calculate(self.output, y_true, sample_weight=sample_weight)

    def backward(self, dvalues, y_true, *, sample_weight=None):
        """Set ``dinputs``, the gradient with respect to the pre-activation.

        Parameters
        ----------
        dvalues : ndarray of shape (n_samples, n_outputs)
            The outputs computed by :meth:`forward` (``self.output``):
            probabilities, or a regression head's predictions.
        y_true : ndarray
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
        """
        dtype = dvalues.dtype
        out = self._workspace("dinputs", dvalues.shape, dtype)
        scale = _row_scale(len(dvalues), sample_weight, dtype) * self._output_scale(out)
        self._scaled_residual(dvalues, np.asarray(y_true), scale, out)
        self.dinputs = out

    def __repr__(self):
        return f"{type(self).__name__}()"


class SoftmaxCategoricalCrossentropy(_FusedOutput):
    """Softmax followed by categorical cross-entropy, with gradient ``p - y``.

    ``y_true`` may hold class indices or one-hot rows.  See the notebook's
    ``Activation_Softmax_Loss_CategoricalCrossentropy``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.losses import SoftmaxCategoricalCrossentropy
    >>> head = SoftmaxCategoricalCrossentropy()
    >>> loss = head.forward(np.array([[2.0, 0.0], [0.0, 2.0]]), np.array([0, 0]))
    >>> head.backward(head.output, np.array([0, 0]))
    >>> head.dinputs
    array([[-0.05960146,  0.05960146],
           [-0.44039854,  0.44039854]])
    """

    _activation_class = Softmax
    _loss_class = CategoricalCrossentropy

    @staticmethod
    def _scaled_residual(probabilities, y_true, scale, out):
        if y_true.ndim == 1:
            # Scale first, then take the scale off at each row's target: one
            # pass over ``out`` fewer than (p - y) * scale.
            np.multiply(probabilities, scale, out=out)
            out[np.arange(len(out)), y_true] -= scale[:, 0] if np.ndim(scale) else scale
        else:
            np.subtract(probabilities, y_true, out=out)
            out *= scale

    @staticmethod
    def _output_scale(out):
        return out.dtype.type(1)


class SigmoidBinaryCrossentropy(_FusedOutput):
    """Sigmoid followed by binary cross-entropy, with gradient ``(p - y) / K``.

    ``K`` is the number of outputs (labels), because the loss averages over
    them.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.losses import SigmoidBinaryCrossentropy
    >>> head = SigmoidBinaryCrossentropy()
    >>> loss = head.forward(np.array([[0.0], [0.0]]), np.array([[1], [0]]))
    >>> head.backward(head.output, np.array([[1], [0]]))
    >>> head.dinputs
    array([[-0.25],
           [ 0.25]])
    """

    _activation_class = Sigmoid
    _loss_class = BinaryCrossentropy

    @staticmethod
    def _scaled_residual(probabilities, y_true, scale, out):
        np.subtract(probabilities, y_true.reshape(out.shape), out=out)
        out *= scale

    @staticmethod
    def _output_scale(out):
        return out.dtype.type(1.0 / out.shape[1])


# The regression losses live in their own module (they share the base classes
# above); imported last, so that module finds those classes defined.
from ._regression_losses import (  # noqa: E402
    ExponentialPoissonDeviance,
    IdentityMeanAbsoluteError,
    IdentityMeanSquaredError,
    MeanAbsoluteError,
    MeanSquaredError,
    PoissonDeviance,
)

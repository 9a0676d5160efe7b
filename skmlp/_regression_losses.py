"""Regression losses with the design notebook's protocol, and their output heads.

Importable from :mod:`skmlp.losses`.  Each loss averages over the outputs of
a sample (as :class:`~skmlp.losses.BinaryCrossentropy` does), and each data
loss equals scikit-learn's metric of the same name on the same predictions:
:func:`~sklearn.metrics.mean_squared_error`,
:func:`~sklearn.metrics.mean_absolute_error` and
:func:`~sklearn.metrics.mean_poisson_deviance`.
"""

import numpy as np
from scipy.special import xlogy

from .activations import Exponential, Identity
from .losses import Loss, _FusedOutput, _row_scale

__all__ = [
    "MeanSquaredError",
    "MeanAbsoluteError",
    "PoissonDeviance",
    "IdentityMeanSquaredError",
    "IdentityMeanAbsoluteError",
    "ExponentialPoissonDeviance",
]


def _as_predictions(y_true, y_pred):
    """``y_true`` as an array of ``y_pred``'s shape (a 1-D target of one
    output becomes a column)."""
    return np.asarray(y_true, dtype=y_pred.dtype).reshape(y_pred.shape)


def _mean_over_outputs(values):
    # What ndarray.mean(axis=-1) computes, without its Python wrapper.
    losses = np.add.reduce(values, axis=-1)
    return np.divide(losses, values.shape[-1], out=losses)


class MeanSquaredError(Loss):
    """Squared error, averaged over the outputs of each sample.

    .. math::

        \\ell_i = \\frac{1}{K} \\sum_k (y_{ik} - p_{ik})^2, \\qquad
        \\frac{\\partial \\ell_i}{\\partial p_{ik}} = -\\frac{2}{K}
            (y_{ik} - p_{ik})

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.losses import MeanSquaredError
    >>> loss = MeanSquaredError()
    >>> loss.forward(np.array([[1.0], [2.0]]), np.array([[0.0], [4.0]]))
    array([1., 4.])
    >>> float(loss.calculate(np.array([[1.0], [2.0]]), np.array([0.0, 4.0])))
    2.5
    """

    def forward(self, y_pred, y_true):
        """Per-sample losses, shape ``(n_samples,)``."""
        residual = self._workspace("residual", y_pred.shape, y_pred.dtype)
        np.subtract(y_pred, _as_predictions(y_true, y_pred), out=residual)
        np.multiply(residual, residual, out=residual)
        return _mean_over_outputs(residual)

    def backward(self, dvalues, y_true, *, sample_weight=None):
        """Set ``dinputs`` to :math:`2 (p - y) / K`, mean-scaled."""
        out = self._workspace("dinputs", dvalues.shape, dvalues.dtype)
        np.subtract(dvalues, _as_predictions(y_true, dvalues), out=out)
        out *= dvalues.dtype.type(2.0 / dvalues.shape[1])
        out *= _row_scale(len(dvalues), sample_weight, dvalues.dtype)
        self.dinputs = out


class MeanAbsoluteError(Loss):
    """Absolute error, averaged over the outputs of each sample.

    .. math::

        \\ell_i = \\frac{1}{K} \\sum_k |y_{ik} - p_{ik}|, \\qquad
        \\frac{\\partial \\ell_i}{\\partial p_{ik}} = \\frac{1}{K}
            \\operatorname{sign}(p_{ik} - y_{ik})

    The derivative of :math:`|y - p|` with respect to :math:`p` is
    :math:`-\\operatorname{sign}(y - p)`; at :math:`p = y` the subgradient 0 is
    used.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.losses import MeanAbsoluteError
    >>> loss = MeanAbsoluteError()
    >>> loss.forward(np.array([[1.0, 2.0]]), np.array([[0.0, 5.0]]))
    array([2.])
    >>> loss.backward(np.array([[1.0, 2.0]]), np.array([[0.0, 5.0]]))
    >>> loss.dinputs
    array([[ 0.5, -0.5]])
    """

    def forward(self, y_pred, y_true):
        """Per-sample losses, shape ``(n_samples,)``."""
        residual = self._workspace("residual", y_pred.shape, y_pred.dtype)
        np.subtract(y_pred, _as_predictions(y_true, y_pred), out=residual)
        np.abs(residual, out=residual)
        return _mean_over_outputs(residual)

    def backward(self, dvalues, y_true, *, sample_weight=None):
        """Set ``dinputs`` to :math:`\\operatorname{sign}(p - y) / K`,
        mean-scaled."""
        out = self._workspace("dinputs", dvalues.shape, dvalues.dtype)
        np.subtract(dvalues, _as_predictions(y_true, dvalues), out=out)
        np.sign(out, out=out)
        out *= dvalues.dtype.type(1.0 / dvalues.shape[1])
        out *= _row_scale(len(dvalues), sample_weight, dvalues.dtype)
        self.dinputs = out


class PoissonDeviance(Loss):
    """Poisson deviance, averaged over the outputs of each sample.

    .. math::

        \\ell_i = \\frac{2}{K} \\sum_k \\left(y_{ik} \\log\\frac{y_{ik}}{p_{ik}}
            - y_{ik} + p_{ik}\\right), \\qquad
        \\frac{\\partial \\ell_i}{\\partial p_{ik}} = \\frac{2}{K}
            \\left(1 - \\frac{y_{ik}}{p_{ik}}\\right)

    with :math:`y \\log(y / p) = 0` where :math:`y = 0`.  Targets must be
    non-negative and predictions positive; predictions are clipped below at
    the dtype's smallest normal number, so a vanishing prediction gives a
    finite loss and gradient (where :math:`y / p` would overflow, the loss
    takes :math:`y (\\log y - \\log p)` and the gradient is capped).

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.losses import PoissonDeviance
    >>> loss = PoissonDeviance()
    >>> loss.forward(np.array([[1.0], [2.0]]), np.array([[1.0], [0.0]]))
    array([0., 4.])
    """

    def forward(self, y_pred, y_true):
        """Per-sample losses, shape ``(n_samples,)``."""
        y_true = _as_predictions(y_true, y_pred)
        dtype = y_pred.dtype
        predictions = self._workspace("predictions", y_pred.shape, dtype)
        np.maximum(y_pred, np.finfo(dtype).tiny, out=predictions)
        deviance = self._workspace("deviance", y_pred.shape, dtype)
        # y log(y / p) - y + p, with 0 log 0 = 0 (xlogy's convention), the
        # formula of scikit-learn's mean_poisson_deviance.
        with np.errstate(over="ignore"):
            np.divide(y_true, predictions, out=deviance)
        xlogy(y_true, deviance, out=deviance)
        if deviance.size and deviance.max() == np.inf:
            # y / p overflowed: p is near the floor and y more than a few
            # units (an exponential output of a very negative logit).  The
            # logarithms of y and p, taken apart, are finite.
            overflowed = np.isposinf(deviance)
            y_over = y_true[overflowed]
            deviance[overflowed] = y_over * (
                np.log(y_over) - np.log(predictions[overflowed]))
        deviance -= y_true
        deviance += predictions
        deviance *= dtype.type(2)
        return _mean_over_outputs(deviance)

    def backward(self, dvalues, y_true, *, sample_weight=None):
        """Set ``dinputs`` to :math:`2 (1 - y / p) / K`, mean-scaled."""
        out = self._workspace("dinputs", dvalues.shape, dvalues.dtype)
        finfo = np.finfo(dvalues.dtype)
        predictions = np.maximum(dvalues, finfo.tiny)
        with np.errstate(over="ignore"):
            np.divide(_as_predictions(y_true, dvalues), predictions, out=out)
        # At the floor, y / p can exceed the dtype; capped at a quarter of its
        # largest value, 2 (1 - y / p) / K stays finite.
        np.minimum(out, finfo.max / 4, out=out)
        np.subtract(1, out, out=out)
        out *= dvalues.dtype.type(2.0 / dvalues.shape[1])
        out *= _row_scale(len(dvalues), sample_weight, dvalues.dtype)
        self.dinputs = out


class _ResidualHead(_FusedOutput):
    """A regression head whose gradient with respect to the pre-activation is
    ``factor * f(p - y) / K`` per sample, scaled like the mean (the backward
    pass of :class:`~skmlp.losses._FusedOutput` with these two pieces)."""

    def _scaled_residual(self, predictions, y_true, scale, out):
        np.subtract(predictions, _as_predictions(y_true, predictions), out=out)
        self._residual_function(out)
        out *= scale

    def _output_scale(self, out):
        return out.dtype.type(self._factor / out.shape[1])

    @staticmethod
    def _residual_function(residual):
        """Transform ``p - y`` in place (identity by default)."""


class IdentityMeanSquaredError(_ResidualHead):
    """Identity output with squared error: gradient ``2 (p - y) / K``.

    The identity's Jacobian is 1, so this is the loss's own gradient; the head
    exists so that every estimator drives an output activation and its loss
    through one object.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.losses import IdentityMeanSquaredError
    >>> head = IdentityMeanSquaredError()
    >>> float(head.forward(np.array([[1.0], [3.0]]), np.array([0.0, 3.0])))
    0.5
    >>> head.backward(head.output, np.array([0.0, 3.0]))
    >>> head.dinputs
    array([[1.],
           [0.]])
    """

    _activation_class = Identity
    _loss_class = MeanSquaredError
    _factor = 2.0


class IdentityMeanAbsoluteError(_ResidualHead):
    """Identity output with absolute error: gradient ``sign(p - y) / K``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.losses import IdentityMeanAbsoluteError
    >>> head = IdentityMeanAbsoluteError()
    >>> float(head.forward(np.array([[1.0], [3.0]]), np.array([0.0, 5.0])))
    1.5
    """

    _activation_class = Identity
    _loss_class = MeanAbsoluteError
    _factor = 1.0

    @staticmethod
    def _residual_function(residual):
        np.sign(residual, out=residual)


class ExponentialPoissonDeviance(_ResidualHead):
    """Exponential output (log link) with Poisson deviance: gradient
    ``2 (p - y) / K``.

    With :math:`p = e^z`, :math:`\\partial \\ell / \\partial z =
    \\frac{2}{K}(1 - y/p) \\, p = \\frac{2}{K}(p - y)`: the exponential's
    Jacobian cancels the :math:`1/p` of the loss, as the sigmoid's cancels the
    cross-entropy's, so small predictions do not blow the gradient up.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.losses import ExponentialPoissonDeviance
    >>> head = ExponentialPoissonDeviance()
    >>> float(head.forward(np.array([[0.0]]), np.array([1.0])))
    0.0
    >>> head.backward(head.output, np.array([3.0]))
    >>> head.dinputs
    array([[-4.]])
    """

    _activation_class = Exponential
    _loss_class = PoissonDeviance
    _factor = 2.0

"""Activation functions with the design notebook's protocol.

Every activation has ``forward(inputs, training=True)``, which sets ``.output``,
and ``backward(dvalues)``, which sets ``.dinputs``.  Derivatives are computed from
the stored *output*, so the pre-activation never needs to be kept.  ``compute``
is the same mathematics as a pure function: it touches no attribute, so several
threads may predict with one network at once.

:class:`~skmlp.layers.Dropout` is a layer of the same protocol and is also
importable from here, as the notebook lists it beside the activations.
"""

import functools

import numpy as np
from scipy.special import expit

from ._block import _Block

__all__ = ["Exponential", "Identity", "ReLU", "Sigmoid", "Softmax", "Tanh", "Dropout"]


class _Activation(_Block):
    """Base of the activations.

    Parameters
    ----------
    in_place : bool, default=False
        Overwrite the inputs with the outputs in ``forward`` (and, where the
        derivative allows, ``dvalues`` with ``dinputs`` in ``backward``)
        instead of writing into buffers of the activation's own.  Halves the
        activations' memory and traffic, for a caller that owns the arrays
        around the activation and needs neither afterwards, as the
        estimators' network does; the notebook's loop reads ``inputs`` and
        ``dvalues`` again, so the default keeps them.
    """

    # The default for instances unpickled from before the parameter existed.
    in_place = False
    # Whether backward may write dinputs over dvalues: true where the
    # derivative reads dvalues once, elementwise.
    _backward_in_place_safe = False

    def __init__(self, *, in_place=False):
        self.in_place = bool(in_place)
        self.__init_transient__()

    def forward(self, inputs, training=True):
        """Apply the activation to ``inputs`` and store it in ``self.output``.

        Parameters
        ----------
        inputs : ndarray of shape (n_samples, n_units)
            Pre-activation values.
        training : bool, default=True
            Accepted for the protocol; activations behave the same either way.
        """
        self.inputs = inputs
        if self.in_place:
            out = inputs
        else:
            out = self._workspace("output", inputs.shape, inputs.dtype)
        self.output = self.compute(inputs, out=out)

    def backward(self, dvalues):
        """Store the gradient with respect to the inputs in ``self.dinputs``.

        Parameters
        ----------
        dvalues : ndarray of shape (n_samples, n_units)
            Gradient of the loss with respect to ``self.output``.
        """
        if self.in_place and self._backward_in_place_safe:
            out = dvalues
        else:
            out = self._workspace("dinputs", dvalues.shape, dvalues.dtype)
        self.dinputs = self._derivative(self.output, dvalues, out)

    def __repr__(self):
        arguments = "in_place=True" if self.in_place else ""
        return f"{type(self).__name__}({arguments})"


class Identity(_Activation):
    """Identity activation, :math:`f(z) = z`.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.activations import Identity
    >>> act = Identity()
    >>> act.forward(np.array([[-1.0, 2.0]]))
    >>> act.output
    array([[-1.,  2.]])
    """

    def compute(self, inputs, out=None):
        """Return ``inputs`` (copied into ``out`` when given)."""
        if out is None:
            return inputs
        np.copyto(out, inputs)
        return out

    def _derivative(self, output, dvalues, out):
        np.copyto(out, dvalues)
        return out


class ReLU(_Activation):
    """Rectified linear unit, :math:`f(z) = \\max(z, 0)`.

    The derivative is :math:`1` where the output is positive and :math:`0`
    elsewhere (including at zero, as in the notebook).

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.activations import ReLU
    >>> relu = ReLU()
    >>> relu.forward(np.array([[-1.0, 2.0]]))
    >>> relu.output
    array([[0., 2.]])
    >>> relu.backward(np.array([[5.0, 5.0]]))
    >>> relu.dinputs
    array([[0., 5.]])
    """

    _backward_in_place_safe = True

    def compute(self, inputs, out=None):
        """Return ``max(inputs, 0)``."""
        return np.maximum(inputs, 0, out=out)

    def _derivative(self, output, dvalues, out):
        # A multiply by the mask is several times cheaper than a boolean-index
        # assignment and allocates nothing besides the mask buffer.
        mask = self._workspace("mask", output.shape, bool)
        np.greater(output, 0, out=mask)
        return np.multiply(dvalues, mask, out=out)


class Sigmoid(_Activation):
    """Logistic sigmoid, :math:`\\sigma(z) = 1 / (1 + e^{-z})`.

    Computed without overflow for any finite ``z`` (the notebook's
    ``1 / (1 + np.exp(-z))`` overflows for ``z < -709``).  The derivative is
    :math:`\\sigma(z)(1 - \\sigma(z))`, taken from the output.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.activations import Sigmoid
    >>> sig = Sigmoid()
    >>> sig.forward(np.array([[-1000.0, 0.0, 1000.0]]))
    >>> sig.output
    array([[0. , 0.5, 1. ]])
    """

    def compute(self, inputs, out=None):
        """Return ``1 / (1 + exp(-inputs))``, computed stably."""
        return expit(inputs, out=out)

    def _derivative(self, output, dvalues, out):
        np.subtract(1, output, out=out)
        out *= output
        out *= dvalues
        return out


class Tanh(_Activation):
    """Hyperbolic tangent, :math:`f(z) = \\tanh z`, derivative :math:`1 - f^2`.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.activations import Tanh
    >>> act = Tanh()
    >>> act.forward(np.array([[0.0, 100.0]]))
    >>> act.output
    array([[0., 1.]])
    """

    def compute(self, inputs, out=None):
        """Return ``tanh(inputs)``."""
        return np.tanh(inputs, out=out)

    def _derivative(self, output, dvalues, out):
        np.multiply(output, output, out=out)
        np.subtract(1, out, out=out)
        out *= dvalues
        return out


@functools.cache
def _largest_exponent(dtype):
    """The largest ``z`` of ``dtype`` whose ``exp(z)`` is finite in ``dtype``.

    ``log(max)`` rounded to float32 lands above the true value, and its
    exponential overflows: step down to the next float below where it does.
    """
    limit = dtype.type(np.log(np.finfo(dtype).max))
    with np.errstate(over="ignore"):
        while not np.isfinite(np.exp(limit)):
            limit = np.nextafter(limit, dtype.type(0))
    return limit


class Exponential(_Activation):
    """Exponential, :math:`f(z) = e^z`: the inverse of the log link.

    The output layer of a Poisson regression, whose predictions must be
    positive.  Inputs above the log of the dtype's largest value are clamped
    there, so the output stays finite; the derivative is the output itself.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.activations import Exponential
    >>> act = Exponential()
    >>> act.forward(np.array([[0.0, np.log(3.0)]]))
    >>> act.output
    array([[1., 3.]])
    >>> bool(np.isfinite(act.compute(np.array([1e6]))).all())
    True
    """

    _backward_in_place_safe = True

    def compute(self, inputs, out=None):
        """Return ``exp(min(inputs, log(max float)))``."""
        dtype = np.result_type(inputs.dtype, np.float32)
        clamped = np.minimum(inputs, _largest_exponent(dtype), out=out)
        return np.exp(clamped, out=clamped)

    def _derivative(self, output, dvalues, out):
        return np.multiply(dvalues, output, out=out)


class Softmax(_Activation):
    """Softmax over each row, :math:`p_j = e^{z_j} / \\sum_k e^{z_k}`.

    The row maximum is subtracted first, so any finite input gives finite
    probabilities.  ``backward`` applies the Jacobian to all rows at once,

    .. math::

        \\frac{\\partial L}{\\partial z} = p \\odot
            \\left(g - \\sum_k g_k p_k\\right),

    with no per-sample loop.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.activations import Softmax
    >>> softmax = Softmax()
    >>> softmax.forward(np.array([[1000.0, 1000.0], [0.0, np.log(3.0)]]))
    >>> softmax.output
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """

    def compute(self, inputs, out=None):
        """Return the row-wise softmax of ``inputs``."""
        if out is None:
            out = np.empty(inputs.shape, np.result_type(inputs.dtype, 0.0))
        if out.flags.c_contiguous and not np.may_share_memory(inputs, out):
            # NumPy reduces along short contiguous rows one row at a time;
            # transposed into out's memory, the maximum over a row of classes
            # becomes a few vectorized passes over all rows at once.
            n_samples, n_classes = inputs.shape
            transposed = out.reshape(n_classes, n_samples)
            np.copyto(transposed, inputs.T)
            row_max = np.maximum.reduce(transposed, axis=0)[:, np.newaxis]
        else:
            row_max = inputs.max(axis=1, keepdims=True)
        # A row spanning more than the float range overflows to -inf here,
        # which exp maps exactly to 0: the warning would be noise.
        with np.errstate(over="ignore"):
            np.subtract(inputs, row_max, out=out)
        np.exp(out, out=out)
        # Row sums as a matrix-vector product, for the same reason.
        out /= np.dot(out, np.ones(out.shape[1], out.dtype))[:, np.newaxis]
        return out

    def _derivative(self, output, dvalues, out):
        np.multiply(dvalues, output, out=out)
        row_dot = out.sum(axis=1, keepdims=True)
        np.subtract(dvalues, row_dot, out=out)
        out *= output
        return out


# Imported last: layers.py imports _Activation-free helpers only, so there is
# no cycle; Dropout is listed here because the notebook groups it with these.
from .layers import Dropout  # noqa: E402

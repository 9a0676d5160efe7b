"""The L1 / L2 penalty of the design notebook, written once.

.. math::

    R(W) = \\lambda_1 \\sum |W| + \\lambda_2 \\sum W^2, \\qquad
    \\frac{\\partial R}{\\partial W} = \\lambda_1 \\operatorname{sign}(W)
        + 2 \\lambda_2 W

Both :meth:`skmlp.losses.Loss.regularization_loss` and
:meth:`skmlp.layers.Dense.backward` call these two functions, so the value and the
gradient cannot disagree.  :class:`Regularization` carries one layer's four
lambdas by name from the estimators' parameters to the layer.
"""

from dataclasses import dataclass, fields

import numpy as np


def penalty(param, l1, l2):
    """Return ``l1 * sum(|param|) + l2 * sum(param**2)`` in ``param``'s dtype."""
    total = param.dtype.type(0)
    if l1 > 0:
        total += param.dtype.type(l1) * np.abs(param).sum(dtype=param.dtype)
    if l2 > 0:
        flat = param.ravel()
        total += param.dtype.type(l2) * np.dot(flat, flat)
    return total


def add_penalty_gradient(param, grad, l1, l2, scratch):
    """Add the penalty's gradient to ``grad`` in place.

    The L1 term uses ``sign(0) = 0``, a valid subgradient that leaves exact
    zeros where they are (the notebook's ``+1`` at zero pushes them off again).
    ``scratch`` is a buffer of ``param``'s shape and dtype, so the update
    allocates nothing; zero lambdas cost nothing.
    """
    if l1 > 0:
        np.sign(param, out=scratch)
        scratch *= param.dtype.type(l1)
        grad += scratch
    if l2 > 0:
        np.multiply(param, param.dtype.type(2 * l2), out=scratch)
        grad += scratch
    return grad


@dataclass(frozen=True)
class Regularization:
    """The four lambdas of one :class:`~skmlp.layers.Dense` layer.

    The field names are the Dense constructor's (and the estimators'
    parameters'), so the values travel by name from an estimator to its
    layers.  The values are validated where they come from (the estimator's
    parameter validation, or the Dense constructor).
    """

    weight_regularizer_l1: float = 0.0
    weight_regularizer_l2: float = 0.0
    bias_regularizer_l1: float = 0.0
    bias_regularizer_l2: float = 0.0

    @classmethod
    def names(cls):
        """The four parameter names, in the order of the fields."""
        return tuple(field.name for field in fields(cls))

    def apply_to(self, dense):
        """Set ``dense``'s four (public) lambda attributes to these values."""
        for name in self.names():
            setattr(dense, name, getattr(self, name))

    def __bool__(self):
        """Whether any lambda is positive (the penalty is not identically 0)."""
        return any(getattr(self, name) > 0 for name in self.names())

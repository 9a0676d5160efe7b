"""The L1 / L2 penalty of the design notebook, written once.

.. math::

    R(W) = \\lambda_1 \\sum |W| + \\lambda_2 \\sum W^2, \\qquad
    \\frac{\\partial R}{\\partial W} = \\lambda_1 \\operatorname{sign}(W)
        + 2 \\lambda_2 W

Both :meth:`skmlp.losses.Loss.regularization_loss` and
:meth:`skmlp.layers.Dense.backward` call :func:`penalty`, so the value and the
gradient cannot disagree.  :class:`Regularization` carries one layer's four
lambdas by name from the estimators' parameters to the layer.
"""

from dataclasses import dataclass, fields

import numpy as np


def penalty(param, l1, l2, *, grad=None, scratch=None):
    """Return ``l1 * sum(|param|) + l2 * sum(param**2)``; with ``grad``, also
    add the penalty's gradient to it in place.

    The value and the gradient come from the same passes: ``sum(|param|)`` is
    ``sign(param) . param``, the sign array being the L1 gradient's, and
    ``sum(param**2)`` is ``param . param``, so a training step that needs both
    pays one dot product each beyond the gradient.  The L1 term uses
    ``sign(0) = 0``, a valid subgradient that leaves exact zeros where they are
    (the notebook's ``+1`` at zero pushes them off again).

    Parameters
    ----------
    param : ndarray
    l1, l2 : float
        Zero lambdas cost nothing.
    grad : ndarray of ``param``'s shape and dtype, default=None
        Receives the gradient :math:`\\lambda_1 \\operatorname{sign}(W) +
        2 \\lambda_2 W`, added in place.
    scratch : ndarray of ``param``'s shape and dtype, default=None
        Work space, so nothing is allocated; required with ``grad``.

    Returns
    -------
    value : scalar of ``param``'s dtype
    """
    cast = param.dtype.type
    total = cast(0)
    flat = param.ravel()
    if l1 > 0:
        signs = np.sign(param, out=scratch)
        total += cast(l1) * np.dot(signs.ravel(), flat)
        if grad is not None:
            signs *= cast(l1)
            grad += signs
    if l2 > 0:
        total += cast(l2) * np.dot(flat, flat)
        if grad is not None:
            np.multiply(param, cast(2 * l2), out=scratch)
            grad += scratch
    return total


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

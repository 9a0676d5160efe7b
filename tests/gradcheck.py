"""Central-difference numerical gradients for the building blocks' tests.

The blocks reuse their output buffers from call to call, so the objective is
passed as a function that recomputes everything from the current parameter
values each time it is called.
"""

import numpy as np


def numerical_gradient(objective, array, eps=1e-6):
    """Gradient of the scalar ``objective()`` with respect to ``array``.

    Each entry of ``array`` is moved by ``+eps`` and ``-eps`` *in place*
    (``objective`` must read ``array`` afresh on every call) and restored
    afterwards, so the caller's array is unchanged on return.  The truncation
    error of the central difference is :math:`O(\\varepsilon^2)`, small enough
    for comparisons at ``rtol ~ 1e-6`` in float64.

    Parameters
    ----------
    objective : callable
        Takes no argument and returns a scalar.
    array : ndarray of float64
        The variable, modified in place during the call.
    eps : float, default=1e-6
        Half the step of the difference.

    Returns
    -------
    gradient : ndarray of float64, same shape as ``array``

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, -2.0, 3.0])
    >>> np.round(numerical_gradient(lambda: np.sum(x**3), x), 6)
    array([ 3., 12., 27.])
    """
    gradient = np.zeros(array.shape, dtype=np.float64)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + eps
        upper = float(objective())
        array[index] = original - eps
        lower = float(objective())
        array[index] = original
        gradient[index] = (upper - lower) / (2 * eps)
    return gradient

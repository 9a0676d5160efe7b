"""Layers with the design notebook's protocol: :class:`Dense` and :class:`Dropout`.

``forward(inputs, training=True)`` sets ``.output``; ``backward(dvalues)`` sets
``.dinputs`` (and, for :class:`Dense`, ``.dweights`` and ``.dbiases``).  The arrays
are reused from call to call: copy them to keep them.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state

from ._block import _Block
from ._regularization import penalty

__all__ = ["Dense", "Dropout"]


def _as_generator(random_state):
    """A NumPy ``Generator`` from ``None``, an int, a ``RandomState`` or a
    ``Generator``; a ``RandomState`` seeds the new generator from its own stream,
    so the result is reproducible whenever the ``RandomState`` is."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or isinstance(random_state, Integral):
        return np.random.default_rng(random_state)
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    return np.random.default_rng(seed)


def _product(a, b, out=None):
    """``a @ b`` for dense arrays, into ``out`` if given.

    Two NumPy routes reach BLAS, and neither is fastest everywhere: np.matmul
    is faster on large matrix products, but computes an inner dimension of 1
    (the input gradient of a one-unit output layer is such an outer product)
    with a generic loop, several times slower than np.dot, and is slower on
    matrix-vector products.  np.dot refuses an ``out`` that is not
    C-contiguous or not of its result's exact dtype; matmul takes those.  (The
    measurements are on the documentation's benchmarks page.)
    """
    if a.ndim == 2 and b.ndim == 2 and a.shape[1] > 1:
        return np.matmul(a, b, out=out)
    try:
        return np.dot(a, b, out=out)
    except ValueError:
        return np.matmul(a, b, out=out)


class Dense(_Block):
    """Fully connected layer, :math:`Z = X W + b`, with L1 / L2 regularization.

    The four lambdas are read by
    :meth:`skmlp.losses.Loss.regularization_loss` (the penalty
    :math:`\\lambda_1 \\sum|W| + \\lambda_2 \\sum W^2`, and the same for ``b``) and
    by :meth:`backward`, which adds the penalty's gradient
    :math:`\\lambda_1 \\operatorname{sign}(W) + 2 \\lambda_2 W` to ``dweights``
    (likewise for ``dbiases``).

    Parameters
    ----------
    n_inputs : int
        Number of input features.
    n_neurons : int
        Number of units.
    weight_regularizer_l1, weight_regularizer_l2 : float, default=0
        L1 and L2 lambdas on the weights.
    bias_regularizer_l1, bias_regularizer_l2 : float, default=0
        L1 and L2 lambdas on the biases.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation.  Weights and biases are drawn from
        :math:`U(-a, a)` with :math:`a = \\sqrt{6 / (n_{in} + n_{out})}` (Glorot).
    dtype : {np.float64, np.float32}, default=np.float64
        Dtype of the parameters and of every array the layer computes.

    Attributes
    ----------
    weights : ndarray of shape (n_inputs, n_neurons)
    biases : ndarray of shape (1, n_neurons)
        Kept 2-D as in the notebook.
    output : ndarray of shape (n_samples, n_neurons)
        Set by :meth:`forward`.
    dweights, dbiases, dinputs : ndarray
        Set by :meth:`backward`.
    penalty : scalar
        The layer's L1/L2 penalty at the weights of the last :meth:`backward`
        (what :meth:`skmlp.losses.Loss.regularization_loss` returns for
        them), computed by the same passes as its gradient; 0 without lambdas.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.layers import Dense
    >>> dense = Dense(3, 2, weight_regularizer_l2=5e-4, random_state=0)
    >>> dense.forward(np.ones((4, 3)))
    >>> dense.output.shape
    (4, 2)
    >>> dense.backward(np.ones((4, 2)))
    >>> dense.dweights.shape, dense.dbiases.shape, dense.dinputs.shape
    ((3, 2), (1, 2), (4, 3))
    """

    _transient_extra = ("dweights", "dbiases", "penalty", "_ones_buffer")

    def __init__(
        self,
        n_inputs,
        n_neurons,
        weight_regularizer_l1=0,
        weight_regularizer_l2=0,
        bias_regularizer_l1=0,
        bias_regularizer_l2=0,
        *,
        random_state=None,
        dtype=np.float64,
    ):
        for name, value in (("n_inputs", n_inputs), ("n_neurons", n_neurons)):
            if not isinstance(value, Integral) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        lambdas = {
            "weight_regularizer_l1": weight_regularizer_l1,
            "weight_regularizer_l2": weight_regularizer_l2,
            "bias_regularizer_l1": bias_regularizer_l1,
            "bias_regularizer_l2": bias_regularizer_l2,
        }
        for name, value in lambdas.items():
            if not isinstance(value, Real) or not value >= 0 or not np.isfinite(value):
                raise ValueError(
                    f"{name} must be a finite non-negative number, got {value!r}."
                )
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype}.")
        rng = check_random_state(random_state)
        bound = np.sqrt(6.0 / (n_inputs + n_neurons))
        self.weights = rng.uniform(-bound, bound, (n_inputs, n_neurons)).astype(dtype)
        self.biases = rng.uniform(-bound, bound, (1, n_neurons)).astype(dtype)
        self.weight_regularizer_l1 = float(weight_regularizer_l1)
        self.weight_regularizer_l2 = float(weight_regularizer_l2)
        self.bias_regularizer_l1 = float(bias_regularizer_l1)
        self.bias_regularizer_l2 = float(bias_regularizer_l2)
        self.__init_transient__()

    def __init_transient__(self):
        super().__init_transient__()
        self.dweights = None
        self.dbiases = None
        self.penalty = None
        self._ones_buffer = None

    @property
    def dtype(self):
        """Dtype of the parameters."""
        return self.weights.dtype

    def compute(self, inputs, out=None):
        """Return ``inputs @ weights + biases`` without touching any attribute.

        ``inputs`` may be a dense array or a scipy sparse matrix.
        """
        if not isinstance(inputs, np.ndarray) and sp.issparse(inputs):
            product = inputs @ self.weights
            if out is None:
                out = np.asarray(product)
            else:
                out[...] = product
        else:
            out = _product(inputs, self.weights, out)
        out += self.biases
        return out

    def forward(self, inputs, training=True):
        """Compute the layer's output and store it in ``self.output``.

        Parameters
        ----------
        inputs : ndarray or sparse matrix of shape (n_samples, n_inputs)
        training : bool, default=True
            Accepted for the protocol; a Dense layer behaves the same either way.
        """
        self.inputs = inputs
        out = self._workspace("output", (inputs.shape[0], self.weights.shape[1]),
                              self.weights.dtype)
        self.output = self.compute(inputs, out=out)

    def backward(self, dvalues, *, need_dinputs=True):
        """Gradients of the parameters (regularization included) and inputs.

        Parameters
        ----------
        dvalues : ndarray of shape (n_samples, n_neurons)
            Gradient of the loss with respect to ``self.output``.
        need_dinputs : bool, default=True
            ``False`` skips ``dinputs`` (the most expensive product for a first
            layer, whose input gradient nobody reads).
        """
        if self.dweights is None or self.dweights.shape != self.weights.shape:
            self.dweights = np.empty_like(self.weights)
        if self.dbiases is None or self.dbiases.shape != self.biases.shape:
            self.dbiases = np.empty_like(self.biases)
        inputs = self.inputs
        if not isinstance(inputs, np.ndarray) and sp.issparse(inputs):
            self.dweights[...] = inputs.T @ dvalues
        else:
            _product(inputs.T, dvalues, self.dweights)
        # The column sums as a matrix-vector product: BLAS sums the rows of a
        # batch faster than np.sum along axis 0.
        _product(self._ones(len(dvalues)), dvalues, self.dbiases[0])
        self.penalty = self._add_regularization_gradients()
        if need_dinputs:
            out = self._workspace("dinputs", (dvalues.shape[0], self.weights.shape[0]),
                                  self.weights.dtype)
            self.dinputs = _product(dvalues, self.weights.T, out)

    def release_buffers(self):
        """Free the work buffers and the references to the last batch."""
        super().release_buffers()
        self._ones_buffer = None

    def _ones(self, n_samples):
        ones = self._ones_buffer
        if ones is None or ones.dtype != self.dtype or len(ones) < n_samples:
            ones = self._ones_buffer = np.ones(n_samples, dtype=self.dtype)
        return ones[:n_samples]

    def _add_regularization_gradients(self):
        """Add the penalty's gradients; return the penalty itself, which the
        same passes compute."""
        # A Python 0.0 takes the penalty's dtype when added (NumPy 2's
        # promotion), and costs nothing in the common case of no lambdas.
        total = 0.0
        l1, l2 = self.weight_regularizer_l1, self.weight_regularizer_l2
        if l1 > 0 or l2 > 0:
            scratch = self._workspace("scratch_w", self.weights.shape, self.dtype)
            total += penalty(self.weights, l1, l2, grad=self.dweights, scratch=scratch)
        l1, l2 = self.bias_regularizer_l1, self.bias_regularizer_l2
        if l1 > 0 or l2 > 0:
            scratch = self._workspace("scratch_b", self.biases.shape, self.dtype)
            total += penalty(self.biases, l1, l2, grad=self.dbiases, scratch=scratch)
        return total

    def bind(self, weights, biases, dweights, dbiases):
        """Keep the parameters and their gradients in caller-owned arrays.

        The current weights and biases are copied into ``weights`` and
        ``biases``, which the layer uses from then on; ``backward`` writes
        into ``dweights`` and ``dbiases``.  A container passing views of one
        flat vector lets an optimizer update every layer it holds in one step.

        Parameters
        ----------
        weights, dweights : ndarray of shape (n_inputs, n_neurons)
        biases, dbiases : ndarray of shape (1, n_neurons)
            Arrays of the layer's dtype.

        Examples
        --------
        >>> import numpy as np
        >>> from skmlp.layers import Dense
        >>> dense = Dense(2, 1, random_state=0)
        >>> flat, grads = np.empty(3), np.empty(3)
        >>> dense.bind(flat[:2].reshape(2, 1), flat[2:].reshape(1, 1),
        ...            grads[:2].reshape(2, 1), grads[2:].reshape(1, 1))
        >>> dense.forward(np.ones((4, 2)))
        >>> dense.backward(np.ones((4, 1)))
        >>> grads
        array([4., 4., 4.])
        """
        expected = {"weights": self.weights.shape, "biases": self.biases.shape}
        for name, array, shape in (
            ("weights", weights, expected["weights"]),
            ("biases", biases, expected["biases"]),
            ("dweights", dweights, expected["weights"]),
            ("dbiases", dbiases, expected["biases"]),
        ):
            if array.shape != shape or array.dtype != self.dtype:
                raise ValueError(
                    f"{name} must have shape {shape} and dtype {self.dtype}, got "
                    f"{array.shape} and {array.dtype}."
                )
        np.copyto(weights, self.weights)
        np.copyto(biases, self.biases)
        self.weights, self.biases = weights, biases
        self.dweights, self.dbiases = dweights, dbiases

    def __repr__(self):
        n_inputs, n_neurons = self.weights.shape
        return f"Dense({n_inputs}, {n_neurons})"


class Dropout(_Block):
    """Inverted dropout: zero each input with probability ``rate`` in training.

    Kept units are scaled by :math:`1 / (1 - \\text{rate})`, so inference
    (``training=False``) is the identity and fully deterministic.

    Parameters
    ----------
    rate : float
        Fraction of units dropped, in ``[0, 1)``.  As in the notebook, this is
        the *drop* rate.
    random_state : int, RandomState, Generator or None, default=None
        Seeds the masks.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.layers import Dropout
    >>> dropout = Dropout(0.5, random_state=0)
    >>> dropout.forward(np.ones((2, 4)))
    >>> sorted(np.unique(dropout.output))
    [np.float64(0.0), np.float64(2.0)]
    >>> dropout.forward(np.ones((2, 4)), training=False)
    >>> dropout.output
    array([[1., 1., 1., 1.],
           [1., 1., 1., 1.]])
    """

    _transient_extra = ("_rng",)

    def __init__(self, rate, *, random_state=None):
        if not isinstance(rate, Real) or not 0 <= rate < 1:
            raise ValueError(f"rate must be in [0, 1), got {rate!r}.")
        self.rate = float(rate)
        self.random_state = random_state
        self._rng = None
        self.__init_transient__()

    def reseed(self, random_state):
        """Draw the masks from now on from ``random_state``.

        Parameters
        ----------
        random_state : int, RandomState, Generator or None
            A ``Generator`` is used as it is (shared with whoever else draws
            from it), so one generator can seed a whole training run.

        Examples
        --------
        >>> import numpy as np
        >>> from skmlp.layers import Dropout
        >>> first, second = Dropout(0.5), Dropout(0.5)
        >>> first.reseed(0); second.reseed(0)
        >>> first.forward(np.ones((3, 4))); second.forward(np.ones((3, 4)))
        >>> bool((first.output == second.output).all())
        True
        """
        self._rng = _as_generator(random_state)

    def compute(self, inputs, out=None):
        """Inference: return ``inputs`` unchanged."""
        if out is None:
            return inputs
        np.copyto(out, inputs)
        return out

    def forward(self, inputs, training=True):
        """Drop units at random when ``training``; pass ``inputs`` through
        otherwise.

        Parameters
        ----------
        inputs : ndarray of shape (n_samples, n_units)
        training : bool, default=True
        """
        self.inputs = inputs
        self._active = training and self.rate > 0
        if not self._active:
            self.output = inputs
            return
        if self._rng is None:
            self._rng = _as_generator(self.random_state)
        dtype = inputs.dtype
        keep = 1.0 - self.rate
        draws = self._workspace("draws", inputs.shape, dtype)
        self._rng.random(out=draws, dtype=dtype)
        # The scaled mask is stored so that backward is one multiply.
        mask = self._workspace("mask", inputs.shape, dtype)
        np.less(draws, dtype.type(keep), out=mask)
        mask *= dtype.type(1.0 / keep)
        out = self._workspace("output", inputs.shape, dtype)
        self.output = np.multiply(inputs, mask, out=out)

    def backward(self, dvalues):
        """Route the gradient through the kept units only."""
        if not self._active:
            self.dinputs = dvalues
            return
        mask = self._buffers["mask"][: dvalues.shape[0]]
        out = self._workspace("dinputs", dvalues.shape, dvalues.dtype)
        self.dinputs = np.multiply(dvalues, mask, out=out)

    def __init_transient__(self):
        super().__init_transient__()
        self._active = False

    def __repr__(self):
        return f"Dropout({self.rate})"

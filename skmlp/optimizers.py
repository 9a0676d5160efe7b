"""Optimizers with the design notebook's protocol and its defaults.

Each optimizer is driven as in the notebook::

    optimizer.pre_update_params()      # current_learning_rate from the decay
    optimizer.update_params(layer)     # for every trainable layer
    optimizer.post_update_params()     # iterations += 1

with the learning-rate schedule

.. math::

    \\eta_t = \\frac{\\eta_0}{1 + \\text{decay} \\cdot t},

``t`` being the number of completed steps (``iterations``).

Unlike the notebook, the per-parameter state (momentums, caches) lives in the
optimizer, keyed by the layer, not as attributes added to layers.  Updates are
done in place with reused scratch buffers, and every scalar is cast to the
parameters' dtype, so float32 training stays float32.

``update_params`` accepts any object with ``weights``/``dweights`` and
``biases``/``dbiases``, or one that lists its parameters through a
``parameter_pairs()`` method returning ``(name, parameter, gradient)`` triples:
the estimators pass their whole network that way, as one flat vector, so a step
costs a handful of vectorized operations whatever the depth.
"""

import math

import numpy as np

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam"]

# Elements updated per pass: an update is a chain of elementwise passes, and on
# a large parameter vector each pass streams it from memory.  Working through
# blocks that stay in the CPU cache across the chain is faster than one pass
# over everything; much smaller blocks lose it again, each costing a dozen
# ufunc calls of fixed overhead.  (Measured sizes: the benchmarks page.)
BLOCK_SIZE = 131072


def _parameter_pairs(layer):
    if hasattr(layer, "parameter_pairs"):
        return layer.parameter_pairs()
    return (
        ("weights", layer.weights, layer.dweights),
        ("biases", layer.biases, layer.dbiases),
    )


class Optimizer:
    """Base class: learning-rate decay, step counting and per-layer state.

    Subclasses implement ``_coefficients(dtype)``, the scalars of the current
    step in the parameters' dtype, and ``_step(param, grad, state, scratch,
    coefficients)``, the update of one parameter array, and name their state
    arrays in ``_state_names``.

    Examples
    --------
    >>> from skmlp.optimizers import SGD
    >>> optimizer = SGD(learning_rate=1.0, decay=0.5)
    >>> for _ in range(3):
    ...     optimizer.pre_update_params()
    ...     print(optimizer.current_learning_rate)
    ...     optimizer.post_update_params()
    1.0
    0.6666666666666666
    0.5
    """

    _state_names = ()

    def __init__(self, learning_rate, decay):
        if not np.isfinite(learning_rate) or learning_rate <= 0:
            raise ValueError(
                "learning_rate must be a finite positive number, "
                f"got {learning_rate!r}."
            )
        if not np.isfinite(decay) or decay < 0:
            raise ValueError(
                f"decay must be a finite non-negative number, got {decay!r}."
            )
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0
        self._state = {}
        self._scratch = {}

    def pre_update_params(self):
        """Set ``current_learning_rate = learning_rate / (1 + decay * t)``."""
        if self.decay:
            self.current_learning_rate = self.learning_rate / (
                1.0 + self.decay * self.iterations
            )

    def update_params(self, layer):
        """Update ``layer``'s parameters in place from its gradients."""
        layer_state = self._state.setdefault(layer, {})
        for name, param, grad in _parameter_pairs(layer):
            state = layer_state.get(name)
            if not self._state_fits(state, param):
                state = tuple(np.zeros_like(param) for _ in self._state_names)
                layer_state[name] = state
            self._update_blocks(param, grad, state)

    def _update_blocks(self, param, grad, state):
        size = param.size
        coefficients = self._coefficients(param.dtype.type)
        scratch = self._scratch.get(param.dtype)
        if scratch is None or scratch.size < min(size, BLOCK_SIZE):
            # Scratch lives within one block of one step: one buffer serves all.
            scratch = self._scratch[param.dtype] = np.empty(
                min(size, BLOCK_SIZE), dtype=param.dtype
            )
        if size <= BLOCK_SIZE:
            self._step(param, grad, state, scratch[:size].reshape(param.shape),
                       coefficients)
            return
        flat = [a.reshape(-1) for a in (param, grad, *state)]
        for start in range(0, size, BLOCK_SIZE):
            stop = min(start + BLOCK_SIZE, size)
            p, g, *s = (a[start:stop] for a in flat)
            self._step(p, g, s, scratch[: stop - start], coefficients)

    def _state_fits(self, state, param):
        """Whether stored state can continue for ``param`` (same kind, shape and
        dtype); otherwise it starts again from zeros."""
        if state is None or len(state) != len(self._state_names):
            return False
        return all(a.shape == param.shape and a.dtype == param.dtype for a in state)

    def post_update_params(self):
        """Count the step: ``iterations += 1``."""
        self.iterations += 1

    def set_hyperparameters(self, **values):
        """Change constructor settings, keeping the state and the step count.

        Training continued with other settings (a ``warm_start`` fit after
        ``set_params``) goes on from the same moments, caches and step count.
        ``current_learning_rate`` follows at the next ``pre_update_params``.

        Parameters
        ----------
        **values
            Constructor arguments of this optimizer, e.g. ``learning_rate``.

        Returns
        -------
        self : Optimizer

        Examples
        --------
        >>> from skmlp.optimizers import Adam
        >>> Adam(learning_rate=0.01).set_hyperparameters(beta_1=0.8)
        Adam(learning_rate=0.01, decay=0.0, epsilon=1e-07, beta_1=0.8, beta_2=0.999)
        """
        unknown = sorted(set(values) - set(self._repr_names))
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no hyper-parameter {unknown}; its "
                f"hyper-parameters are {list(self._repr_names)}."
            )
        # Validated as the constructor validates them.
        type(self)(**{name: values.get(name, getattr(self, name))
                      for name in self._repr_names})
        for name, value in values.items():
            setattr(self, name, value)
        return self

    def reset(self):
        """Forget the state (momentums, caches) and the step count."""
        self.iterations = 0
        self.current_learning_rate = self.learning_rate
        self._state = {}
        self._scratch = {}

    def state_of(self, layer):
        """The state arrays kept for ``layer``: ``{name: {state_name: array}}``."""
        return {
            name: dict(zip(self._state_names, self._public_state(arrays)))
            for name, arrays in self._state.get(layer, {}).items()
        }

    def _public_state(self, arrays):
        """The state in the notebook's terms (subclasses may store it scaled)."""
        return arrays

    def __getstate__(self):
        # Scratch is rebuilt on the next step.  The state dict is keyed by layer
        # objects, which formats like skops (JSON keys) cannot store, so it is
        # saved as (layer, state) pairs.
        state = self.__dict__.copy()
        state["_scratch"] = {}
        state["_state"] = [
            [layer, {name: list(arrays) for name, arrays in per_layer.items()}]
            for layer, per_layer in self._state.items()
        ]
        return state

    def __setstate__(self, state):
        pairs = state.pop("_state", [])
        self.__dict__.update(state)
        self._state = {
            layer: {name: tuple(arrays) for name, arrays in per_layer.items()}
            for layer, per_layer in pairs
        }

    def __repr__(self):
        params = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._repr_names)
        return f"{type(self).__name__}({params})"


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum.

    .. math::

        u \\leftarrow \\mu u - \\eta_t g, \\qquad \\theta \\leftarrow \\theta + u

    (without momentum, :math:`\\theta \\leftarrow \\theta - \\eta_t g`).

    Parameters
    ----------
    learning_rate : float, default=1.0
    decay : float, default=0.0
    momentum : float, default=0.0

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.layers import Dense
    >>> from skmlp.optimizers import SGD
    >>> layer = Dense(1, 1)
    >>> layer.weights[:] = 1.0
    >>> layer.dweights = np.array([[0.5]]); layer.dbiases = np.array([[0.0]])
    >>> sgd = SGD(learning_rate=0.1)
    >>> sgd.pre_update_params(); sgd.update_params(layer); sgd.post_update_params()
    >>> layer.weights
    array([[0.95]])
    """

    _repr_names = ("learning_rate", "decay", "momentum")

    def __init__(self, learning_rate=1.0, decay=0.0, momentum=0.0):
        super().__init__(learning_rate, decay)
        self.momentum = momentum

    @property
    def _state_names(self):
        return ("momentums",) if self.momentum else ()

    def _coefficients(self, dtype):
        return dtype(self.current_learning_rate), dtype(self.momentum)

    def _step(self, param, grad, state, scratch, coefficients):
        lr, momentum = coefficients
        if self.momentum:
            (momentums,) = state
            momentums *= momentum
            np.multiply(grad, lr, out=scratch)
            momentums -= scratch
            param += momentums
        else:
            np.multiply(grad, lr, out=scratch)
            param -= scratch


class _AdaptiveOptimizer(Optimizer):
    """Shared tail of Adagrad and RMSprop: ``param -= lr * g / (sqrt(c) + eps)``."""

    _state_names = ("cache",)

    def _coefficients(self, dtype):
        return (dtype(self.current_learning_rate), dtype(self.epsilon),
                *self._decay_coefficients(dtype))

    def _decay_coefficients(self, dtype):
        return ()

    @staticmethod
    def _apply_cache(param, grad, cache, scratch, lr, epsilon):
        np.sqrt(cache, out=scratch)
        scratch += epsilon
        np.divide(grad, scratch, out=scratch)
        scratch *= lr
        param -= scratch


class Adagrad(_AdaptiveOptimizer):
    """Adagrad: per-parameter steps shrink with the sum of squared gradients.

    .. math::

        c \\leftarrow c + g^2, \\qquad
        \\theta \\leftarrow \\theta - \\eta_t \\frac{g}{\\sqrt{c} + \\epsilon}

    Parameters
    ----------
    learning_rate : float, default=1.0
    decay : float, default=0.0
    epsilon : float, default=1e-7

    Examples
    --------
    >>> from skmlp.optimizers import Adagrad
    >>> Adagrad(learning_rate=0.5)
    Adagrad(learning_rate=0.5, decay=0.0, epsilon=1e-07)
    """

    _repr_names = ("learning_rate", "decay", "epsilon")

    def __init__(self, learning_rate=1.0, decay=0.0, epsilon=1e-7):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon

    def _step(self, param, grad, state, scratch, coefficients):
        lr, epsilon = coefficients
        (cache,) = state
        np.multiply(grad, grad, out=scratch)
        cache += scratch
        self._apply_cache(param, grad, cache, scratch, lr, epsilon)


class RMSprop(_AdaptiveOptimizer):
    """RMSprop: steps scaled by a moving average of squared gradients.

    .. math::

        c \\leftarrow \\rho c + (1 - \\rho) g^2, \\qquad
        \\theta \\leftarrow \\theta - \\eta_t \\frac{g}{\\sqrt{c} + \\epsilon}

    Parameters
    ----------
    learning_rate : float, default=0.001
    decay : float, default=0.0
    epsilon : float, default=1e-7
    rho : float, default=0.9

    Examples
    --------
    >>> from skmlp.optimizers import RMSprop
    >>> RMSprop(rho=0.95)
    RMSprop(learning_rate=0.001, decay=0.0, epsilon=1e-07, rho=0.95)
    """

    _repr_names = ("learning_rate", "decay", "epsilon", "rho")

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, rho=0.9):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon
        self.rho = rho

    def _decay_coefficients(self, dtype):
        return dtype(self.rho), dtype(1 - self.rho)

    def _step(self, param, grad, state, scratch, coefficients):
        lr, epsilon, rho, one_minus_rho = coefficients
        (cache,) = state
        cache *= rho
        np.multiply(grad, grad, out=scratch)
        scratch *= one_minus_rho
        cache += scratch
        self._apply_cache(param, grad, cache, scratch, lr, epsilon)


class Adam(Optimizer):
    """Adam: bias-corrected moving averages of the gradient and its square.

    .. math::

        m \\leftarrow \\beta_1 m + (1 - \\beta_1) g, \\quad
        v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2, \\quad
        \\theta \\leftarrow \\theta - \\eta_t
            \\frac{m / (1 - \\beta_1^{t+1})}{\\sqrt{v / (1 - \\beta_2^{t+1})}
            + \\epsilon}

    Parameters
    ----------
    learning_rate : float, default=0.001
    decay : float, default=0.0
    epsilon : float, default=1e-7
    beta_1 : float, default=0.9
    beta_2 : float, default=0.999

    Examples
    --------
    >>> import numpy as np
    >>> from skmlp.layers import Dense
    >>> from skmlp.optimizers import Adam
    >>> layer = Dense(1, 1)
    >>> layer.weights[:] = 1.0
    >>> layer.dweights = np.array([[0.5]]); layer.dbiases = np.array([[0.0]])
    >>> adam = Adam(learning_rate=0.1)
    >>> adam.pre_update_params(); adam.update_params(layer); adam.post_update_params()
    >>> np.round(layer.weights, 6)  # the first step moves by about lr
    array([[0.9]])
    """

    _repr_names = ("learning_rate", "decay", "epsilon", "beta_1", "beta_2")
    _state_names = ("momentums", "cache")

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, beta_1=0.9,
                 beta_2=0.999):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _coefficients(self, dtype):
        # The moments are stored divided by (1 - beta): w = m / (1 - b1) and
        # u = v / (1 - b2), whose updates w = b1 w + g and u = b2 u + g^2 save a
        # pass each; the factors return in the scalars below, together with
        # the bias corrections, so no array is scaled twice:
        # sqrt(v_hat) + eps == root * (sqrt(u) + eps / root).
        t = self.iterations + 1
        root = math.sqrt((1 - self.beta_2) / (1 - self.beta_2**t))
        step_scale = (self.current_learning_rate * (1 - self.beta_1)
                      / ((1 - self.beta_1**t) * root))
        return (dtype(self.beta_1), dtype(self.beta_2), dtype(self.epsilon / root),
                dtype(step_scale))

    def _step(self, param, grad, state, scratch, coefficients):
        beta_1, beta_2, scaled_epsilon, step_scale = coefficients
        scaled_momentums, scaled_cache = state
        scaled_momentums *= beta_1
        scaled_momentums += grad
        scaled_cache *= beta_2
        np.multiply(grad, grad, out=scratch)
        scaled_cache += scratch
        np.sqrt(scaled_cache, out=scratch)
        scratch += scaled_epsilon
        np.divide(scaled_momentums, scratch, out=scratch)
        scratch *= step_scale
        param -= scratch

    def _public_state(self, arrays):
        scaled_momentums, scaled_cache = arrays
        return (
            scaled_momentums * scaled_momentums.dtype.type(1 - self.beta_1),
            scaled_cache * scaled_cache.dtype.type(1 - self.beta_2),
        )

"""The estimators' hyper-parameters: their constraints and what they resolve to.

scikit-learn's parameter validation (``_parameter_constraints``) checks each
value's type and range; the functions here turn the validated values into
what a fit uses (the hidden layer sizes, each layer's
:class:`~skmlp._regularization.Regularization`, the batch size, the
optimizer), checking what a constraint cannot express (one value per layer,
for instance).  Each raises scikit-learn's ``InvalidParameterError`` (a
``ValueError``) naming the parameter and the estimator.
"""

import inspect
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions

from . import optimizers
from ._registry import ACTIVATION_ALIASES, HIDDEN_ACTIVATIONS, OPTIMIZERS
from ._regularization import Regularization

_LAMBDA = [Interval(Real, 0, None, closed="left"), "array-like"]

PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": [
        "array-like",
        Interval(Integral, 1, None, closed="left"),
    ],
    "activation": [StrOptions({*HIDDEN_ACTIVATIONS, *ACTIVATION_ALIASES})],
    **{name: list(_LAMBDA) for name in Regularization.names()},
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "optimizer": [StrOptions(set(OPTIMIZERS))],
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "learning_rate_decay": [Interval(Real, 0, None, closed="left")],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "rho": [Interval(Real, 0, 1, closed="left")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "batch_size": [
        StrOptions({"auto"}),
        Interval(Integral, 1, None, closed="left"),
        None,
    ],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "tol": [Interval(Real, 0, None, closed="left")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
}


def hidden_layer_sizes(estimator):
    """``hidden_layer_sizes`` as a tuple of positive ints."""
    sizes = estimator.hidden_layer_sizes
    sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
    if not all(isinstance(s, Integral) and s >= 1 for s in sizes):
        raise InvalidParameterError(
            "The 'hidden_layer_sizes' parameter of "
            f"{type(estimator).__name__} must be a sequence of positive integers, "
            f"got {estimator.hidden_layer_sizes!r}."
        )
    return tuple(int(s) for s in sizes)


def _per_layer(estimator, name, n_layers):
    """One lambda parameter as ``n_layers`` floats, each finite and >= 0."""
    value = getattr(estimator, name)
    owner = type(estimator).__name__
    if isinstance(value, Real):
        values = [float(value)] * n_layers
    else:
        try:
            values = np.asarray(value, dtype=float).ravel().tolist()
        except (TypeError, ValueError) as error:
            raise InvalidParameterError(
                f"The '{name}' parameter of {owner} must be a number or a "
                f"sequence of numbers, got {value!r}."
            ) from error
        if len(values) != n_layers:
            raise InvalidParameterError(
                f"The '{name}' parameter of {owner} must be a number or have "
                f"one value per Dense layer ({n_layers}, the output layer "
                f"included), got {len(values)} values."
            )
    if not all(np.isfinite(v) and v >= 0 for v in values):
        raise InvalidParameterError(
            f"The '{name}' parameter of {owner} must be finite and >= 0, "
            f"got {value!r}."
        )
    return values


def layer_regularization(estimator, n_layers):
    """Each Dense layer's :class:`Regularization`, from the four lambda
    parameters (a number each, or one value per layer)."""
    columns = {
        name: _per_layer(estimator, name, n_layers)
        for name in Regularization.names()
    }
    return tuple(
        Regularization(**{name: values[i] for name, values in columns.items()})
        for i in range(n_layers)
    )


def batch_size(estimator, n_samples):
    """The minibatch size of a fit on ``n_samples`` samples."""
    size = estimator.batch_size
    if size is None:
        return n_samples
    if size == "auto":
        return min(200, n_samples)
    if isinstance(size, bool):
        raise InvalidParameterError(
            f"The 'batch_size' parameter of {type(estimator).__name__} must be "
            f"an int >= 1, 'auto' or None, got {size!r}."
        )
    if size > n_samples:
        warnings.warn(
            f"Got `batch_size` larger than the number of samples "
            f"({size} > {n_samples}); it is clipped to {n_samples}.",
            UserWarning,
            # batch_size, _plan_fit, _fit, fit, _fit_context's wrapper, caller
            stacklevel=6,
        )
        return n_samples
    return size


def _optimizer_class(estimator):
    return getattr(optimizers, OPTIMIZERS[estimator.optimizer])


def optimizer_hyperparameters(estimator):
    """The chosen optimizer's constructor arguments, from the estimator's
    parameters of the same names (``decay`` is ``learning_rate_decay``)."""
    names = inspect.signature(_optimizer_class(estimator)).parameters
    return {
        name: estimator.learning_rate_decay if name == "decay"
        else getattr(estimator, name)
        for name in names
    }


def optimizer_for(estimator, previous=None):
    """The optimizer of the next fit: ``previous`` with the current
    hyper-parameters when it is of the chosen kind (its moments, caches and
    step count carry on), a new one otherwise."""
    settings = optimizer_hyperparameters(estimator)
    if type(previous) is _optimizer_class(estimator):
        return previous.set_hyperparameters(**settings)
    return _optimizer_class(estimator)(**settings)

"""The names users type, and the public class behind each.

Estimator parameters (``activation="tanh"``, ``optimizer="rmsprop"``, the
regressor's ``loss``) and the command line's option choices are the keys of
these tables; the network and the optimizer factory look the classes up here.
The tables hold class *names*, not classes, so that the command line can list
the choices without importing NumPy or scikit-learn (``skmlp --help`` stays
fast).
"""

# Hidden-layer activation -> class in skmlp.activations.
HIDDEN_ACTIVATIONS = {
    "relu": "ReLU",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "identity": "Identity",
}

# scikit-learn's names for the same activations, accepted so that code and
# parameter grids written for MLPClassifier run unchanged.
ACTIVATION_ALIASES = {"logistic": "sigmoid"}

# Optimizer -> class in skmlp.optimizers.  Each class's constructor arguments
# are estimator parameters of the same name, except ``decay``, which the
# estimators call ``learning_rate_decay``.
OPTIMIZERS = {
    "sgd": "SGD",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}

# The regressor's ``loss`` -> its fused output head in skmlp.losses.
REGRESSION_LOSSES = {
    "squared_error": "IdentityMeanSquaredError",
    "absolute_error": "IdentityMeanAbsoluteError",
    "poisson": "ExponentialPoissonDeviance",
}


def canonical_activation(name):
    """The table's name for an activation given under any accepted name."""
    return ACTIVATION_ALIASES.get(name, name)

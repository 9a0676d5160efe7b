"""skmlp: scikit-learn-compatible neural networks in NumPy.

The estimators :class:`BinaryMLPClassifier`, :class:`MulticlassMLPClassifier`
and :class:`MLPRegressor` train networks built from the public blocks of
:mod:`skmlp.layers`, :mod:`skmlp.activations`, :mod:`skmlp.losses` and
:mod:`skmlp.optimizers`.

The estimators are imported on first use, so that ``import skmlp`` (and the
``skmlp --help`` of the command line) does not pay for importing
scikit-learn.
"""

import importlib

__version__ = "0.1.0.dev0"

# public name -> the private module that defines it
_LAZY = {
    "BinaryMLPClassifier": "._classifiers",
    "MulticlassMLPClassifier": "._classifiers",
    "MLPRegressor": "._regressor",
    "InconsistentVersionWarning": "._persistence",
}

__all__ = [
    "BinaryMLPClassifier",
    "MulticlassMLPClassifier",
    "MLPRegressor",
    "InconsistentVersionWarning",
    "__version__",
]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'skmlp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted({*globals(), *__all__})

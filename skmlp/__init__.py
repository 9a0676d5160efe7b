"""skmlp: scikit-learn-compatible neural-network classifiers in NumPy.

The estimators :class:`BinaryMLPClassifier` and :class:`MulticlassMLPClassifier`
train networks built from the public blocks of :mod:`skmlp.layers`,
:mod:`skmlp.activations`, :mod:`skmlp.losses` and :mod:`skmlp.optimizers`.
"""

__version__ = "0.1.0.dev0"

from ._base import InconsistentVersionWarning  # noqa: E402
from ._classifiers import BinaryMLPClassifier, MulticlassMLPClassifier  # noqa: E402

__all__ = [
    "BinaryMLPClassifier",
    "MulticlassMLPClassifier",
    "InconsistentVersionWarning",
    "__version__",
]

"""scikit-learn's estimator checks, each its own test, on both estimators.

There is no ``expected_failed_checks``: every check applies and must pass.  A
check that raises ``SkipTest`` (for example because an optional dependency or
``SCIPY_ARRAY_API=1`` is missing) would silently hide part of the contract, so
it is turned into a failure here instead of a skip.
"""

from unittest import SkipTest

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier

# The checks fit on tiny data with the default max_iter; whether they converge
# is not what they test.
pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

ESTIMATORS = [
    # The defaults, exactly as a user gets them.
    BinaryMLPClassifier(),
    MulticlassMLPClassifier(),
    # The optional mechanisms switched on (all four regularizers, a per-layer
    # lambda sequence, SGD and RMSprop, other activations, learning-rate decay,
    # full-batch training), so the checks also cover the code paths the
    # defaults leave idle.  Small networks keep the run short.
    # Dropout and minibatches smaller than the data are left out on purpose:
    # check_sample_weight_equivalence compares a fit on repeated samples with a
    # fit on weighted ones, which only holds when every epoch is one
    # deterministic full-batch step.
    BinaryMLPClassifier(
        hidden_layer_sizes=(16,),
        activation="tanh",
        weight_regularizer_l1=1e-5,
        weight_regularizer_l2=[1e-4, 1e-3],
        bias_regularizer_l1=1e-5,
        bias_regularizer_l2=1e-4,
        optimizer="sgd",
        learning_rate=0.05,
        learning_rate_decay=1e-4,
        random_state=0,
    ),
    MulticlassMLPClassifier(
        hidden_layer_sizes=(8, 4),
        activation="sigmoid",
        weight_regularizer_l1=1e-5,
        weight_regularizer_l2=[1e-4, 1e-4, 1e-3],
        bias_regularizer_l2=1e-4,
        optimizer="rmsprop",
        learning_rate=0.02,
        batch_size=None,
        max_iter=100,
        random_state=0,
    ),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    try:
        check(estimator)
    except SkipTest as skip:
        pytest.fail(f"estimator check was skipped instead of run: {skip}")

"""Fixtures shared by the test modules."""

import pytest

from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier


@pytest.fixture(params=[BinaryMLPClassifier, MulticlassMLPClassifier],
                ids=lambda Estimator: Estimator.__name__)
def Estimator(request):
    """Each of the two classifiers in turn."""
    return request.param

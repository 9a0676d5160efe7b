"""Fixtures shared by the test modules.

``Estimator`` runs a classification test on both classifiers; ``AnyEstimator``
runs a test of the shared contract on all three estimators, and ``AnyHead`` on
every output head (the regressor once per loss).  ``fitting.py`` has the data
and the helpers that make a test indifferent to which one it got.
"""

import pytest
from fitting import CLASSIFIERS, ESTIMATORS, HEADS
from threadpoolctl import threadpool_limits


def _name(Est):
    return Est.__name__


@pytest.fixture(params=CLASSIFIERS, ids=_name)
def Estimator(request):
    """Each of the two classifiers in turn."""
    return request.param


@pytest.fixture(params=ESTIMATORS, ids=_name)
def AnyEstimator(request):
    """Each of the three estimators in turn: the two classifiers and the
    regressor (with its default loss)."""
    return request.param


@pytest.fixture(params=HEADS, ids=_name)
def AnyHead(request):
    """Each output head in turn: the two classifiers, and ``MLPRegressor`` once
    per loss (a ``functools.partial`` called like the class)."""
    return request.param


@pytest.fixture(scope="module")
def single_blas_thread():
    """One BLAS thread for the module's tests (``pytest.mark.usefixtures``):
    the machine's cores are shared, and BLAS threads spinning against other
    processes make tiny matmuls many times slower than one thread.  Set once
    per module: threadpoolctl inspects every loaded library on each call,
    which cost more (some 2.5 ms a test) than many of these tests take."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield

"""A grid search over the regularization lambdas on a Dask cluster (joblib's
Dask backend) gives exactly the results of the same search in one process,
for each of the three estimators.

The cluster runs two worker processes of one thread each. Spawned workers
unpickle the estimators by importing skmlp, which is installed, so nothing
defined in this module has to travel. Every blocking step runs under a
timeout, so a cluster that fails to start or answer fails the test instead
of hanging the run.
"""

import logging
import threading

import joblib
import numpy as np
import pytest
from fitting import is_regressor, outputs
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

from skmlp import MulticlassMLPClassifier

distributed = pytest.importorskip("dask.distributed")

# Seconds for the cluster to start or stop, and for one search to finish; a
# few seconds are needed on a loaded 2-core machine, so these only catch hangs.
START_TIMEOUT = 120
SEARCH_TIMEOUT = 180

pytestmark = pytest.mark.filterwarnings(
    # The networks train for 5 epochs only (the refit runs in this process).
    "ignore::sklearn.exceptions.ConvergenceWarning"
)


def _within(seconds, function, *args):
    """Return ``function(*args)``, failing the test if it takes longer than
    ``seconds`` (the daemon thread left behind cannot block the exit)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"{getattr(function, '__name__', function)} did not finish "
                    f"within {seconds} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _start_cluster():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,  # no web server, no port to collide on
        silence_logs=logging.ERROR,
    )
    try:
        client = distributed.Client(cluster, timeout=START_TIMEOUT)
    except BaseException:
        cluster.close(timeout=START_TIMEOUT)
        raise
    return cluster, client


@pytest.fixture(scope="module")
def client():
    cluster, client = _within(START_TIMEOUT, _start_cluster)
    try:
        yield client
    finally:
        _within(START_TIMEOUT, client.close, START_TIMEOUT)
        _within(START_TIMEOUT, cluster.close, START_TIMEOUT)


@pytest.fixture
def problem(AnyEstimator):
    """Data and a grid search of ``AnyEstimator`` over two of the lambdas."""
    estimator = AnyEstimator(hidden_layer_sizes=(4,), learning_rate=0.05,
                             max_iter=5, batch_size=32, random_state=0)
    if is_regressor(AnyEstimator):
        X, y = make_regression(n_samples=120, n_features=6, noise=5.0,
                               random_state=0)
        param_grid = {"weight_regularizer_l1": [0.0, 1e-2],
                      "bias_regularizer_l2": [0.0, 1e-1]}
        return X, y / y.std(), GridSearchCV(
            estimator, param_grid, cv=KFold(n_splits=3, shuffle=True, random_state=0))
    n_classes = 3 if AnyEstimator is MulticlassMLPClassifier else 2
    X, y = make_classification(n_samples=120, n_features=6, n_informative=4,
                               n_classes=n_classes, random_state=0)
    param_grid = {
        "weight_regularizer_l2": [0.0, 1e-3, 1e-1],
        "bias_regularizer_l1": [0.0, 1e-2],
    }
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    return X, y, GridSearchCV(estimator, param_grid, cv=cv)


def _search_on_dask(client, search, X, y):
    with (distributed.get_task_stream(client) as tasks,
          joblib.parallel_backend("dask")):
        search.set_params(n_jobs=-1).fit(X, y)
    return search, tasks.data


def test_cluster_has_two_single_threaded_workers(client):
    assert sorted(client.nthreads().values()) == [1, 1]


def test_grid_search_on_dask_equals_one_process(client, problem):
    X, y, search = problem
    local = clone(search).fit(X, y)  # n_jobs=None: one process

    on_dask, tasks = _within(SEARCH_TIMEOUT, _search_on_dask, client, clone(search),
                             X, y)
    assert tasks, "no task ran on the cluster"
    assert {task["worker"] for task in tasks} <= set(client.nthreads())

    expected, result = local.cv_results_, on_dask.cv_results_
    assert result["params"] == expected["params"]
    np.testing.assert_array_equal(result["rank_test_score"],
                                  expected["rank_test_score"])
    for key in ["mean_test_score", "std_test_score",
                *(f"split{i}_test_score" for i in range(3))]:
        np.testing.assert_array_equal(result[key], expected[key], err_msg=key)
    assert on_dask.best_params_ == local.best_params_
    np.testing.assert_array_equal(outputs(on_dask.best_estimator_, X),
                                  outputs(local.best_estimator_, X))
    np.testing.assert_array_equal(on_dask.predict(X), local.predict(X))

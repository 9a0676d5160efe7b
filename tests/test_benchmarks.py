"""Smoke tests of the benchmark scripts (benchmarks/).

The scripts are not part of the package and nothing else imports them, so a
change to an estimator or to the scripts could break them silently.  These
tests run them on tiny data: they check that every workload kind builds
matched estimators and that a regression workload runs end to end with the
right score and predict method, not how fast anything is.
"""

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("threadpoolctl")

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    """``benchmarks/bench_vs_sklearn.py`` as a module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCHMARKS))
        import bench_vs_sklearn
    return bench_vs_sklearn


@pytest.fixture(scope="module")
def floor(bench):
    """``benchmarks/numpy_floor.py`` as a module (it imports the benchmark)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCHMARKS))
        import numpy_floor
    return numpy_floor


def tiny_regression(bench, dtype="float64"):
    """A regression workload that trains in milliseconds."""
    return bench.Workload(
        "tiny_regression", "synthetic", "regression", (8,), 32, 2, dtype,
        {"n_samples": 200, "n_features": 5, "noise": 1.0})


def test_every_workload_builds_matched_estimators(bench):
    for workload in bench.make_workloads(quick=True):
        estimators = bench.make_estimators(workload)
        ours, theirs = estimators["skmlp"], estimators["sklearn"]
        assert isinstance(ours, workload.spec.skmlp_class)
        assert isinstance(theirs, workload.spec.sklearn_class)
        shared = ("hidden_layer_sizes", "batch_size", "max_iter", "tol",
                  "n_iter_no_change", "epsilon", "beta_1", "beta_2")
        assert {p: ours.get_params()[p] for p in shared} == {
            p: theirs.get_params()[p] for p in shared}
        assert theirs.alpha == 0
        assert hasattr(ours, workload.spec.predict_method)


def test_regression_targets_are_standardized_on_the_train_split(bench):
    diabetes = next(w for w in bench.make_workloads(quick=True)
                    if w.name == "diabetes")
    X_train, X_test, y_train, y_test = bench.load_workload_data(diabetes)
    assert y_train.dtype == X_train.dtype == np.float64
    np.testing.assert_allclose([y_train.mean(), y_train.std()], [0, 1],
                               atol=1e-12)
    np.testing.assert_allclose(X_train.mean(axis=0), 0, atol=1e-12)
    assert len(X_test) == len(y_test) == 89
    _, _, y_train, _ = bench.load_workload_data(tiny_regression(bench, "float32"))
    assert y_train.dtype == np.float32


def test_regression_workload_runs_end_to_end(bench):
    workload = tiny_regression(bench, "float32")
    result = bench.run_workload(workload, repeats=1, quick=True)
    assert result["layer_sizes"] == (5, 8, 1)
    for name in ("skmlp", "sklearn"):
        assert result[name]["epochs"] == 2
        assert result[name]["coef_dtype"] == "float32"
        assert np.isfinite(result[name]["score"])
        assert result[name]["score"] <= 1
    report = bench.format_workload(result)
    assert "skmlp's MLPRegressor vs scikit-learn's MLPRegressor" in report
    assert "predict on test split" in report
    assert "test R²" in report
    (row,) = bench.summary_rows([result])
    assert row[0] == "tiny_regression"
    assert row[7].startswith("R² ")
    options, _ = bench.parse_args(["--quick", "--repeats", "1"])
    machine = bench.machine_description()
    assert "tiny_regression" in bench.rst_document([result], machine, options)
    assert "| tiny_regression |" in bench.markdown_table([result], machine,
                                                         options)


def test_hand_written_regression_loop_learns(bench, floor):
    workload = tiny_regression(bench)
    X, X_test, y, y_test = bench.load_workload_data(workload)
    net = floor.HandWrittenLoop((5, 8, 1), "identity", X.dtype).fit(
        X, y.reshape(-1, 1), 200, 32, np.random.default_rng(0))
    hidden = np.maximum(X_test @ net.layers[0][0] + net.layers[0][1], 0)
    predictions = (hidden @ net.layers[1][0] + net.layers[1][1]).ravel()
    r2 = 1 - np.sum((y_test - predictions) ** 2) / np.sum(
        (y_test - y_test.mean()) ** 2)
    assert r2 > 0.9
    rows = floor.compare(workload, repeats=1, quick=True)
    assert [row[1] for row in rows] == [
        "hand-written NumPy loop", "skmlp", "scikit-learn"]

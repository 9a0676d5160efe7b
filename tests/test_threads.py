"""Fits in several threads at once leave the process's BLAS settings as they
found them, and train exactly as they would one after the other.

Each check runs in a fresh interpreter, whose main thread has never set a
thread limit: in the test process, an earlier test's threadpoolctl call may
have made the main thread the one controlling OpenBLAS, which would hide a
leak from the worker threads.
"""

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import json, sys, threading
    import numpy as np
    from sklearn.datasets import make_classification
    from threadpoolctl import threadpool_info
    from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier

    mode, rounds = sys.argv[1], int(sys.argv[2])
    X, y = make_classification(n_samples=300, n_features=20, n_informative=8,
                               n_classes=3, random_state=0)

    def fit(seed):
        # Networks of small products: each fit would like one BLAS thread.
        Estimator = (BinaryMLPClassifier, MulticlassMLPClassifier)[seed % 2]
        target = y % 2 if Estimator is BinaryMLPClassifier else y
        est = Estimator(hidden_layer_sizes=(32,), batch_size=50, max_iter=4,
                        tol=0, random_state=seed)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, target)
        return [c.copy() for c in est.coefs_ + est.intercepts_]

    def settings():
        return [(lib["filepath"], lib["num_threads"]) for lib in threadpool_info()]

    before = settings()
    n_threads = 8
    results = {}

    def worker(seed, barrier):
        barrier.wait()
        results[seed] = fit(seed)

    for round_ in range(rounds):
        barrier = threading.Barrier(n_threads + (mode == "with-main"))
        threads = [threading.Thread(target=worker, args=(round_ * 10 + i, barrier))
                   for i in range(n_threads)]
        for thread in threads:
            thread.start()
        if mode == "with-main":
            barrier.wait()
            results[round_ * 10 + 9] = fit(round_ * 10 + 9)  # overlapping
        for thread in threads:
            thread.join()
    after = settings()

    serial = {seed: fit(seed) for seed in sorted(results)}
    equal = all(
        all(np.array_equal(a, b) for a, b in zip(results[s], serial[s]))
        for s in serial
    )
    print(json.dumps({"before": before, "after": after, "equal": equal,
                      "fits": len(results)}))
    """
)


def _run(mode, rounds):
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(rounds)],
        capture_output=True, text=True, timeout=600, check=True,
    )
    import json

    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("mode", ["threads-only", "with-main"])
def test_concurrent_fits_leave_blas_settings_unchanged(mode):
    for _ in range(3):  # fresh processes: the interleavings differ every time
        outcome = _run(mode, rounds=6)
        assert outcome["before"], "no BLAS library found"
        assert outcome["after"] == outcome["before"]
        assert outcome["equal"], "a concurrent fit differs from the same fit alone"
        assert outcome["fits"] == 6 * (8 + (mode == "with-main"))

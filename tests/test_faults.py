"""Faults from outside: Ctrl-C from a real signal, runaway training, threads,
and reproducibility through clone and pickle.

``test_training.py`` already simulates ``KeyboardInterrupt`` by monkeypatching
the training step, tests divergence for plain SGD on dense float64 data, and
shows that ``random_state`` makes repeated fits and clones bit-identical for
every optimizer with dropout.  This module adds what those do not: the
interrupt delivered by a real ``SIGALRM`` at an arbitrary point of an epoch;
divergence for every optimizer and for float32 sparse data; predictions from
eight threads at once; and the bit-identical refit of a model that went
through ``pickle`` and ``clone``.  All on the three estimators.
"""

import pickle
import signal
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from fitting import (
    OPTIMIZERS,
    assert_same_weights,
    is_regressor,
    outputs,
    prediction_methods,
)
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier

pytestmark = pytest.mark.usefixtures("single_blas_thread")


def make_data(Est, n_samples=200, n_features=8, random_state=0):
    if is_regressor(Est):
        X, y = make_regression(
            n_samples=n_samples, n_features=n_features, n_informative=5,
            noise=5.0, random_state=random_state,
        )
        return StandardScaler().fit_transform(X), y / y.std()
    n_classes = 2 if Est is BinaryMLPClassifier else 3
    X, y = make_classification(
        n_samples=n_samples, n_features=n_features, n_informative=5,
        n_redundant=0, n_classes=n_classes, n_clusters_per_class=1,
        random_state=random_state,
    )
    return StandardScaler().fit_transform(X), y


# -- Ctrl-C from a signal ------------------------------------------------------------
def _in_training_loop(frame):
    while frame is not None:
        if frame.f_code.co_name == "run_epochs":  # skmlp._training's loop
            return True
        frame = frame.f_back
    return False


@pytest.fixture
def keyboard_interrupt_after():
    """``arm(seconds)`` makes SIGALRM raise KeyboardInterrupt on the main
    thread after ``seconds``, the way Ctrl-C's SIGINT does.

    A signal that finds the fit still validating its input (a slow, shared
    machine) is postponed by 50 ms, up to 40 times, so that the interrupt
    lands in the training loop, at whatever point of an epoch it has reached.
    """
    if not hasattr(signal, "setitimer"):
        pytest.skip("needs signal.setitimer (POSIX)")
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers run on the main thread only")
    postponed = []

    def interrupt(signum, frame):
        if not _in_training_loop(frame) and len(postponed) < 40:
            postponed.append(1)
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            return
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)

    def arm(seconds):
        signal.setitimer(signal.ITIMER_REAL, seconds)  # one shot

    try:
        yield arm
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_signal_interrupts_a_long_fit(AnyEstimator, keyboard_interrupt_after):
    Est = AnyEstimator
    # A fit of a few minutes (20000 epochs of 63 minibatches): the signal
    # arrives in the middle of some epoch, wherever the loop happens to be.
    X, y = make_data(Est, n_samples=2000, n_features=20)
    est = Est(hidden_layer_sizes=(64, 64), batch_size=32, max_iter=20_000, tol=0.0,
              dropout=0.1, random_state=0)
    start = time.perf_counter()
    keyboard_interrupt_after(0.25)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            est.fit(X, y)
        except KeyboardInterrupt:  # never let it end the test session
            pytest.fail("KeyboardInterrupt escaped from fit")
    elapsed = time.perf_counter() - start
    categories = [w.category for w in record]
    messages = [str(w.message) for w in record]
    assert "Training interrupted by user." in messages
    assert ConvergenceWarning not in categories  # it did not run to max_iter
    assert elapsed < 60
    assert est.n_iter_ < est.max_iter
    assert len(est.loss_curve_) == est.n_iter_
    assert est.t_ == est.n_iter_ * len(y)
    # A usable model: finite weights and predictions.
    for param in est.coefs_ + est.intercepts_:
        assert np.isfinite(param).all()
    predicted = outputs(est, X)
    assert np.isfinite(predicted).all()
    if not is_regressor(est):
        assert_allclose(predicted.sum(axis=1), 1.0, rtol=1e-12)
        assert set(est.predict(X)) <= set(est.classes_)
    # ... that can keep training.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.set_params(warm_start=True, max_iter=1).fit(X, y)
    assert np.isfinite(outputs(est, X)).all()


# -- divergence ----------------------------------------------------------------------
# test_training.py covers SGD at 1e3 and 1e300 on dense float64 data; here the
# other optimizers, SGD with momentum, and float32 sparse input, where overflow
# comes much sooner.
DIVERGING = [
    ("sgd", 1e3),
    ("sgd", 1e6),
    ("adagrad", 1e300),
    ("rmsprop", 1e300),
    ("adam", 1e300),
]


@pytest.mark.parametrize("storage", ["dense-float64", "sparse-float32"])
@pytest.mark.parametrize(("optimizer", "learning_rate"), DIVERGING)
def test_diverging_fit_keeps_finite_weights(
    AnyEstimator, optimizer, learning_rate, storage
):
    Est = AnyEstimator
    X, y = make_data(Est)
    X = X * 1e3  # unscaled on purpose
    if storage == "sparse-float32":
        X = sp.csr_matrix(X.astype(np.float32))
    est = Est(hidden_layer_sizes=(8,), optimizer=optimizer, momentum=0.9,
              learning_rate=learning_rate, max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow warning escapes
        with pytest.warns(ConvergenceWarning, match="diverged") as record:
            est.fit(X, y)
        predictions = {method: getattr(est, method)(X)
                       for method in prediction_methods(est)}
    message = next(str(w.message) for w in record if "diverged" in str(w.message))
    assert "learning_rate" in message  # it says what to do
    dtype = np.float32 if storage == "sparse-float32" else np.float64
    for param in est.coefs_ + est.intercepts_:
        assert param.dtype == dtype
        assert np.isfinite(param).all()
    assert len(est.loss_curve_) == est.n_iter_ < est.max_iter
    assert all(np.isfinite(est.loss_curve_))
    if is_regressor(est):
        assert np.isfinite(predictions["predict"]).all()
    else:
        assert not np.isnan(predictions["predict_proba"]).any()
        assert np.isfinite(predictions["predict_log_proba"]).all()
        assert_allclose(predictions["predict_proba"].sum(axis=1), 1.0, rtol=1e-6)
        assert set(predictions["predict"]) <= set(est.classes_)


# -- concurrent prediction ---------------------------------------------------------
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_concurrent_prediction_equals_serial(AnyEstimator, sparse):
    Est = AnyEstimator
    # Prediction writes nothing shared (dropout is off at inference, and the
    # training buffers are not used), so eight threads on one model give
    # exactly the serial results.
    X, y = make_data(Est, n_samples=600, n_features=10)
    est = Est(hidden_layer_sizes=(32, 16), dropout=0.3, max_iter=5,
              random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    X_pred = sp.csr_matrix(X) if sparse else X
    # Batches of different sizes, so that any shared buffer would be resized
    # under another thread's feet.
    batches = [X_pred[start:stop] for start, stop in
               [(0, 600), (0, 7), (50, 350), (599, 600), (100, 101), (200, 600)]]
    serial = [outputs(est, batch) for batch in batches]
    serial_labels = [est.predict(batch) for batch in batches]

    def work(worker):
        out = []
        for repeat in range(10):
            i = (worker + repeat) % len(batches)
            out.append((i, outputs(est, batches[i]), est.predict(batches[i])))
        return out

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    for per_worker in results:
        for i, predicted, labels in per_worker:
            assert np.array_equal(predicted, serial[i])
            assert np.array_equal(labels, serial_labels[i])
    assert sum(len(r) for r in results) == 80


# -- reproducibility through pickle and clone ------------------------------------------
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_pickled_and_cloned_models_refit_bit_identically(AnyEstimator, optimizer):
    Est = AnyEstimator
    X, y = make_data(Est, n_samples=120)
    params = dict(hidden_layer_sizes=(8, 4), optimizer=optimizer, dropout=0.3,
                  learning_rate=0.01, learning_rate_decay=0.01, batch_size=32,
                  max_iter=4, tol=0.0, random_state=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = Est(**params).fit(X, y)
        # An unfitted estimator through pickle, then fitted.
        unfitted = pickle.loads(pickle.dumps(Est(**params))).fit(X, y)
        # A fitted one through pickle, then refitted from scratch: the loaded
        # model carries nothing (no generator state) that changes the refit.
        loaded = pickle.loads(pickle.dumps(reference))
        refit = loaded.fit(X, y)
        # A clone of the loaded model, and a pickle of that clone.
        cloned = clone(pickle.loads(pickle.dumps(reference))).fit(X, y)
        cloned_pickled = pickle.loads(pickle.dumps(clone(reference))).fit(X, y)
    for other in (unfitted, refit, cloned, cloned_pickled):
        assert_same_weights(reference, other)
        assert other.loss_curve_ == reference.loss_curve_
        assert other.n_iter_ == reference.n_iter_
    assert np.array_equal(outputs(cloned, X), outputs(reference, X))

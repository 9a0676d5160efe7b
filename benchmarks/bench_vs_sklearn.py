"""Benchmark skmlp against scikit-learn's ``MLPClassifier`` and ``MLPRegressor``
at identical work.

Both estimators train the same architecture with Adam (learning rate 0.001,
epsilon 1e-8), the same batch size, no penalty, no dropout and no early stop,
for exactly the same number of epochs (``tol=0``, ``n_iter_no_change=max_iter``),
shuffling every epoch, from the same ``random_state``.  A workload's kind
(binary, multiclass or regression) decides the pair of estimators, the test
metric (accuracy or R²) and the predict method that is timed (``predict_proba``
or ``predict``).  For each workload the two fits alternate (skmlp, sklearn,
sklearn, skmlp, ...) and the script reports the median fit time of each, the
median of the paired ratios, predict times, single-row latency, the test
score, the tracemalloc peak during fit, and the fraction of the BLAS limit
reached: the time the epoch's matrix products alone would take at this
machine's measured GEMM rate for the exact shapes, divided by the actual fit
time.

Run ``python benchmarks/bench_vs_sklearn.py --help`` for the options, and see
``benchmarks/README.md`` for what every number means.
"""

import argparse
import contextlib
import datetime
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    make_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import skmlp
from skmlp import BinaryMLPClassifier, MLPRegressor, MulticlassMLPClassifier

RANDOM_STATE = 0
TEST_SIZE = 0.2
LEARNING_RATE = 0.001
# scikit-learn's Adam epsilon; skmlp's default is 1e-7.  Matching it makes the
# two optimizers compute the same update (it does not change the amount of work).
EPSILON = 1e-8
LOAD_WARNING = 0.5
OTHER_CPU_WARNING = 0.25


# -- workloads ------------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    """What a workload's kind decides: the estimators, the score and the
    predict method.

    Attributes
    ----------
    skmlp_class, sklearn_class : type
        The two estimators compared.
    skmlp_params : dict
        Parameters only the skmlp estimator takes (on top of the shared ones).
    classification : bool
        Class labels (stratified split, ``make_classification``) or numeric
        targets (random split, ``make_regression``, standardized ``y``).
    metric : str
        What both estimators' ``score`` returns on the test split.
    predict_method : str
        The prediction method timed on the test split and on one row.
    """

    skmlp_class: type
    sklearn_class: type
    skmlp_params: dict
    classification: bool
    metric: str
    predict_method: str


KINDS = {
    "binary": Kind(BinaryMLPClassifier, MLPClassifier, {}, True, "accuracy",
                   "predict_proba"),
    "multiclass": Kind(MulticlassMLPClassifier, MLPClassifier, {}, True,
                       "accuracy", "predict_proba"),
    # scikit-learn's squared error is half of skmlp's, and so is its gradient;
    # Adam divides the gradient's scale out, so the two take the same steps.
    "regression": Kind(MLPRegressor, SklearnMLPRegressor,
                       {"loss": "squared_error"}, False, "R²", "predict"),
}


@dataclass
class Workload:
    """One benchmark case: a data set, a network and a training budget.

    Attributes
    ----------
    name : str
        Name used by ``--workloads``.
    data : str
        ``"digits"``, ``"breast_cancer"``, ``"diabetes"`` or ``"synthetic"``.
    kind : {"binary", "multiclass", "regression"}
        A key of :data:`KINDS`: which estimators are compared, on what score.
    hidden : tuple of int
        ``hidden_layer_sizes`` of both estimators.
    batch_size : int or "auto"
        Minibatch size of both estimators.
    epochs : int
        Number of epochs both estimators run.
    dtype : {"float64", "float32"}
        dtype of ``X``.
    synthetic : dict
        ``make_classification`` (classifiers) or ``make_regression``
        (regression) arguments when ``data == "synthetic"``.
    """

    name: str
    data: str
    kind: str
    hidden: tuple
    batch_size: object
    epochs: int
    dtype: str = "float64"
    synthetic: dict = field(default_factory=dict)

    @property
    def spec(self):
        """The :class:`Kind` of this workload."""
        return KINDS[self.kind]


def make_workloads(quick):
    """The benchmark's workloads, scaled down when ``quick``.

    Parameters
    ----------
    quick : bool
        Fewer epochs and smaller synthetic data sets, so that every workload
        runs in a few seconds.

    Returns
    -------
    workloads : list of Workload
    """
    multi_n, multi_epochs = (5_000, 3) if quick else (20_000, 10)
    binary_n, binary_epochs = (7_500, 1) if quick else (100_000, 2)
    multi = {"n_samples": multi_n, "n_features": 100, "n_informative": 20,
             "n_redundant": 10, "n_classes": 10}
    binary = {"n_samples": binary_n, "n_features": 256, "n_informative": 32,
              "n_redundant": 16, "n_classes": 2}
    # The regression twin of the multiclass set: same size, same network.
    regression = {"n_samples": multi_n, "n_features": 100, "n_informative": 20,
                  "noise": 10.0}
    workloads = [
        Workload("digits", "digits", "multiclass", (100,), 200,
                 10 if quick else 50),
        Workload("breast_cancer", "breast_cancer", "binary", (100,), "auto",
                 20 if quick else 100),
        Workload("diabetes", "diabetes", "regression", (100,), "auto",
                 20 if quick else 100),
    ]
    for name, kind, hidden, batch, epochs, synthetic in (
        ("multiclass_20k", "multiclass", (256, 128), 256, multi_epochs, multi),
        ("regression_20k", "regression", (256, 128), 256, multi_epochs,
         regression),
        ("binary_100k", "binary", (512, 512), 512, binary_epochs, binary),
    ):
        for dtype in ("float64", "float32"):
            suffix = "f64" if dtype == "float64" else "f32"
            workloads.append(Workload(f"{name}_{suffix}", "synthetic", kind,
                                      hidden, batch, epochs, dtype, synthetic))
    return workloads


def load_workload_data(workload):
    """Train/test split of the workload's data, in the workload's dtype.

    Classification splits are stratified.  Regression targets are standardized
    with the train split's mean and standard deviation: both networks' outputs
    start near 0 and move by about the learning rate per step, so targets in
    the hundreds (diabetes, ``make_regression``) would leave both with a
    near-constant model after the epoch budget.  They are passed in the
    workload's dtype, as ``X`` is: scikit-learn keeps ``y``'s dtype, and a
    float64 ``y`` would make its float32 output gradient float64.

    Parameters
    ----------
    workload : Workload

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
    """
    spec = workload.spec
    if workload.data == "digits":
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
    elif workload.data == "breast_cancer":
        X, y = load_breast_cancer(return_X_y=True)
    elif workload.data == "diabetes":
        X, y = load_diabetes(return_X_y=True)
    else:
        make = make_classification if spec.classification else make_regression
        X, y = make(random_state=RANDOM_STATE, **workload.synthetic)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, stratify=y if spec.classification else None,
        random_state=RANDOM_STATE,
    )
    if workload.data in ("breast_cancer", "diabetes"):
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    dtype = np.dtype(workload.dtype)
    if not spec.classification:
        mean, scale = y_train.mean(axis=0), y_train.std(axis=0)
        y_train, y_test = ((y_train - mean) / scale).astype(dtype), (
            (y_test - mean) / scale).astype(dtype)
    return (np.ascontiguousarray(X_train, dtype=dtype),
            np.ascontiguousarray(X_test, dtype=dtype), y_train, y_test)


def n_output_units(workload, y):
    """Units of the output layer: one for binary labels and for a 1-D
    regression target, one per class or target column otherwise."""
    if workload.kind == "multiclass":
        return len(np.unique(y))
    return 1 if np.ndim(y) == 1 else y.shape[1]


def resolve_batch_size(batch_size, n_samples):
    """The batch size both libraries use (``"auto"`` is ``min(200, n)``)."""
    if batch_size == "auto":
        return min(200, n_samples)
    return min(batch_size, n_samples)


# -- estimators -------------------------------------------------------------------
def make_estimators(workload, epochs=None):
    """The skmlp and scikit-learn estimators of a workload, at identical work.

    Parameters
    ----------
    workload : Workload
    epochs : int, default=None
        Overrides ``workload.epochs`` (used for the warm-up fits).

    Returns
    -------
    estimators : dict
        ``{"skmlp": ..., "sklearn": ...}``, both unfitted.
    """
    epochs = workload.epochs if epochs is None else epochs
    common = {
        "hidden_layer_sizes": workload.hidden,
        "activation": "relu",
        "batch_size": workload.batch_size,
        "max_iter": epochs,
        "tol": 0.0,
        "n_iter_no_change": epochs,
        "early_stopping": False,
        "shuffle": True,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": EPSILON,
        "random_state": RANDOM_STATE,
    }
    spec = workload.spec
    ours = spec.skmlp_class(
        **spec.skmlp_params,
        optimizer="adam",
        learning_rate=LEARNING_RATE,
        weight_regularizer_l1=0.0,
        weight_regularizer_l2=0.0,
        bias_regularizer_l1=0.0,
        bias_regularizer_l2=0.0,
        dropout=0.0,
        **common,
    )
    theirs = spec.sklearn_class(
        solver="adam", learning_rate_init=LEARNING_RATE, alpha=0.0, **common
    )
    return {"skmlp": ours, "sklearn": theirs}


@contextlib.contextmanager
def quiet_convergence():
    """Silence ``ConvergenceWarning``: a fixed epoch budget is the point here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


# -- timing helpers ---------------------------------------------------------------
def time_fit(estimator, X, y):
    """Fit ``estimator`` and return the wall time in seconds."""
    gc.collect()
    with quiet_convergence():
        start = time.perf_counter()
        estimator.fit(X, y)
        return time.perf_counter() - start


def time_predict(estimator, method, X, calls):
    """Median wall time (seconds) of ``calls`` ``estimator.<method>(X)`` calls."""
    predict = getattr(estimator, method)
    predict(X)  # warm-up
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        predict(X)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def single_row_latencies(estimator, method, row, calls):
    """Wall times (seconds) of ``calls`` single-row ``estimator.<method>`` calls."""
    predict = getattr(estimator, method)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        predict(row)
        times.append(time.perf_counter() - start)
    return times


def peak_fit_memory(estimator, X, y):
    """Peak of the memory allocated during ``fit``, in bytes (tracemalloc).

    NumPy reports its array buffers to tracemalloc, so the peak includes every
    array the fit allocates; ``X`` and ``y`` exist before tracing starts and are
    not counted.
    """
    gc.collect()
    with quiet_convergence():
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            baseline = tracemalloc.get_traced_memory()[0]
            estimator.fit(X, y)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return peak - baseline


def per_call_time(func, min_time, repeats):
    """Median per-call wall time of ``func`` over ``repeats`` timed loops.

    Each loop runs ``func`` often enough to last at least ``min_time`` seconds,
    so the timer's resolution does not matter even for microsecond calls.
    """
    func()  # warm-up (first-touch of the output, BLAS thread wake-up)
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            func()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            break
        number *= 2 if elapsed <= 0 else max(2, int(1.5 * min_time / elapsed))
    times = [elapsed / number]
    for _ in range(repeats - 1):
        start = time.perf_counter()
        for _ in range(number):
            func()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


# -- the BLAS limit ---------------------------------------------------------------
def gemm_calls(layer_sizes, n_samples, batch_size):
    """The matrix products of one training epoch.

    For every Dense layer ``(n_in, n_out)`` and every batch of ``b`` rows, the
    forward pass computes ``X @ W`` (``(b, n_in) x (n_in, n_out)``), the backward
    pass ``X.T @ dZ`` for the weight gradient and, except in the first layer,
    ``dZ @ W.T`` for the input gradient.  Each costs ``2 * b * n_in * n_out``
    floating-point operations.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_features, *hidden, n_outputs]``.
    n_samples : int
        Training samples per epoch.
    batch_size : int

    Returns
    -------
    calls : list of tuple
        ``(operation, b, n_in, n_out, count)`` with ``operation`` one of
        ``"forward"``, ``"dweights"``, ``"dinputs"``.
    """
    n_full, remainder = divmod(n_samples, batch_size)
    batches = [(batch_size, n_full)] + ([(remainder, 1)] if remainder else [])
    calls = []
    for index, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:])):
        operations = ("forward", "dweights") if index == 0 else (
            "forward", "dweights", "dinputs")
        for rows, count in batches:
            if count:
                calls.extend((op, rows, n_in, n_out, count) for op in operations)
    return calls


def gemm_function(operation, rows, n_in, n_out, dtype, rng):
    """A zero-argument callable doing one product of the given kind with ``out=``.

    The operands have the memory layout the training loops use: C-contiguous
    activations, gradients and weights, with ``.T`` views where the formula
    transposes.
    """
    def draw(*shape):
        return rng.standard_normal(shape).astype(dtype)

    weights = draw(n_in, n_out)
    if operation == "forward":
        inputs, out = draw(rows, n_in), np.empty((rows, n_out), dtype)
        return lambda: np.matmul(inputs, weights, out=out)
    if operation == "dweights":
        inputs, dz, out = draw(rows, n_in), draw(rows, n_out), np.empty_like(weights)
        return lambda: np.matmul(inputs.T, dz, out=out)
    dz, out = draw(rows, n_out), np.empty((rows, n_in), dtype)
    return lambda: np.matmul(dz, weights.T, out=out)


def time_gemms(calls, dtype, quick):
    """Per-call time of every distinct product in ``calls``, at the current
    BLAS thread count (median of several timed loops).

    Returns
    -------
    times : dict
        ``{(operation, rows, n_in, n_out): seconds}``.
    """
    rng = np.random.default_rng(RANDOM_STATE)
    min_time, repeats = (0.004, 3) if quick else (0.02, 7)
    times = {}
    for operation, rows, n_in, n_out, _ in calls:
        key = (operation, rows, n_in, n_out)
        if key not in times:
            func = gemm_function(operation, rows, n_in, n_out, dtype, rng)
            times[key] = per_call_time(func, min_time, repeats)
    return times


def gemm_seconds(calls, times, epochs):
    """GEMM-only time of ``epochs`` epochs of ``calls`` at the per-call ``times``."""
    return epochs * sum(call[-1] * times[call[:4]] for call in calls)


def gemm_flops(calls, epochs):
    """Floating-point operations of ``epochs`` epochs of ``calls``."""
    return epochs * sum(2.0 * rows * n_in * n_out * count
                        for _, rows, n_in, n_out, count in calls)


def gemm_limit(layer_sizes, n_samples, batch_size, epochs, dtype, quick):
    """Predicted time of a fit's matrix products at the measured GEMM rates.

    Every distinct product of :func:`gemm_calls` is timed with the current BLAS
    thread count and, if that is more than one, with one thread too; the limit
    takes the faster of the two for each product, because one thread is the
    better choice for small products (and skmlp makes it for small networks).

    Returns
    -------
    limit : dict
        ``"seconds"`` (the GEMM-only time of the fit at the best rate),
        ``"seconds_threads"`` (at the current thread count), ``"seconds_1thread"``
        (at one thread, or ``None``), ``"threads"`` and ``"gflop"``.
    """
    calls = gemm_calls(layer_sizes, n_samples, batch_size)
    threads = blas_threads()
    times = time_gemms(calls, dtype, quick)
    best, single = times, None
    if threads > 1:
        with threadpool_limits(limits=1, user_api="blas"):
            single = time_gemms(calls, dtype, quick)
        best = {key: min(times[key], single[key]) for key in times}
    return {
        "seconds": gemm_seconds(calls, best, epochs),
        "seconds_threads": gemm_seconds(calls, times, epochs),
        "seconds_1thread": None if single is None else gemm_seconds(
            calls, single, epochs),
        "threads": threads,
        "gflop": gemm_flops(calls, epochs) / 1e9,
    }


# -- machine state ----------------------------------------------------------------
def busy_cpu_seconds():
    """CPU-seconds all processes have spent busy since boot (``/proc/stat``).

    Returns ``None`` where ``/proc/stat`` does not exist.
    """
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal: everything but idle/iowait.
    busy = sum(fields[:3]) + sum(fields[5:8])
    return busy / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    """CPU-seconds of this process (all threads) and its children."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class CpuMonitor:
    """How many cores *other* processes kept busy while a block ran.

    The load average mixes in the benchmark's own threads; this subtracts them.
    """

    def __enter__(self):
        self.wall = time.perf_counter()
        self.busy, self.own = busy_cpu_seconds(), own_cpu_seconds()
        self.load_before = os.getloadavg()
        return self

    def __exit__(self, *exc_info):
        wall = time.perf_counter() - self.wall
        busy = busy_cpu_seconds()
        self.load_after = os.getloadavg()
        self.other_cores = None
        if busy is not None and self.busy is not None and wall > 0:
            others = (busy - self.busy) - (own_cpu_seconds() - self.own)
            self.other_cores = max(0.0, others / wall)


def blas_libraries():
    """threadpoolctl's description of every loaded BLAS."""
    return [info for info in threadpool_info() if info.get("user_api") == "blas"]


def blas_threads():
    """The largest thread count of the loaded BLAS libraries."""
    return max((info.get("num_threads", 1) for info in blas_libraries()), default=1)


def cpu_model():
    """The CPU's model name, if the OS tells."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def skmlp_revision():
    """``git describe`` of the skmlp checkout, or ``None`` if not a git tree."""
    root = Path(skmlp.__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty"],
            capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def machine_description():
    """The facts that make a benchmark result reproducible, as ``(key, value)``."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    rows = [
        ("date", datetime.datetime.now().isoformat(timespec="seconds")),
        ("CPU", cpu_model()),
        ("CPU count", f"{os.cpu_count()} (usable by this process: {usable})"),
        ("Python", platform.python_version()),
        ("platform", platform.platform()),
        ("numpy", np.__version__),
        ("scikit-learn", sklearn.__version__),
        ("skmlp", f"{skmlp.__version__} ({skmlp_revision() or 'no git revision'})"),
    ]
    for info in blas_libraries():
        where = Path(info.get("filepath", "?")).parent.name
        rows.append((
            f"BLAS ({where})",
            f"{info.get('internal_api')} {info.get('version')}, "
            f"{info.get('num_threads')} threads, "
            f"architecture {info.get('architecture', '?')}, "
            f"threading {info.get('threading_layer', '?')}",
        ))
    rows.append(("load average (1, 5, 15 min)",
                 " ".join(f"{v:.2f}" for v in os.getloadavg())))
    return rows


# -- one workload -----------------------------------------------------------------
def warm_up(workload, X, y):
    """One short fit of each estimator, so first-call costs are not timed."""
    rows = min(X.shape[0], 2 * resolve_batch_size(workload.batch_size, X.shape[0]))
    for estimator in make_estimators(workload, epochs=1).values():
        with quiet_convergence():
            estimator.fit(X[:rows], y[:rows])


def timed_repeats(workload, data, repeats, predict_calls, measure_limit):
    """Alternating timed fits; returns per-library lists, the GEMM limit
    measured next to each repeat's fits, and the last models.

    Even repeats run skmlp first, odd ones scikit-learn first, so a slow drift
    of the machine does not favour either side.  ``measure_limit()`` times the
    products again after every pair of fits: on a shared machine whose speed
    shifts between phases, a fraction of fit and limit measured minutes apart
    says more about the machine than about the fit.
    """
    X_train, X_test, y_train, _ = data
    method = workload.spec.predict_method
    fit = {"skmlp": [], "sklearn": []}
    predict = {"skmlp": [], "sklearn": []}
    limits = []
    models = {}
    for repeat in range(repeats):
        order = ("skmlp", "sklearn") if repeat % 2 == 0 else ("sklearn", "skmlp")
        estimators = make_estimators(workload)
        for name in order:
            fit[name].append(time_fit(estimators[name], X_train, y_train))
            predict[name].append(
                time_predict(estimators[name], method, X_test, predict_calls))
            models[name] = estimators[name]
        limits.append(measure_limit())
    return fit, predict, limits, models


def latency(models, method, row, rounds, calls):
    """Median single-row ``method`` time of each model, alternating."""
    times = {name: [] for name in models}
    for _ in range(rounds):
        for name, model in models.items():
            times[name].extend(single_row_latencies(model, method, row, calls))
    return {name: statistics.median(values) for name, values in times.items()}


def run_workload(workload, repeats, quick):
    """Run one workload and return its results as a dict."""
    data = load_workload_data(workload)
    X_train, X_test, y_train, y_test = data
    layer_sizes = (X_train.shape[1], *workload.hidden,
                   n_output_units(workload, y_train))
    batch = resolve_batch_size(workload.batch_size, X_train.shape[0])
    with CpuMonitor() as monitor:
        limit = gemm_limit(layer_sizes, X_train.shape[0], batch, workload.epochs,
                           X_train.dtype, quick)
        warm_up(workload, X_train, y_train)
        fit, predict, limits, models = timed_repeats(
            workload, data, repeats, predict_calls=3 if quick else 5,
            measure_limit=lambda: gemm_limit(
                layer_sizes, X_train.shape[0], batch, workload.epochs,
                X_train.dtype, quick=True)["seconds"])
        single = latency(models, workload.spec.predict_method, X_test[:1],
                         rounds=3 if quick else 5,
                         calls=30 if quick else 100)
        peak = {name: peak_fit_memory(est, X_train, y_train)
                for name, est in make_estimators(workload).items()}
    result = {
        "workload": workload, "n_train": X_train.shape[0], "n_test": X_test.shape[0],
        "layer_sizes": layer_sizes, "batch": batch, "repeats": repeats,
        "gemm": limit,
        "limit_all": limits,
        "ratio": statistics.median(a / b for a, b in zip(fit["skmlp"], fit["sklearn"])),
        "load_before": monitor.load_before, "load_after": monitor.load_after,
        "other_cores": monitor.other_cores,
    }
    for name, model in models.items():
        fit_time = statistics.median(fit[name])
        result[name] = {
            "fit": fit_time,
            "fit_all": fit[name],
            # paired like the ratio: each repeat's fit against the limit
            # measured right after it
            "blas_fraction": statistics.median(
                seconds / fit_seconds
                for seconds, fit_seconds in zip(limits, fit[name])),
            "predict": statistics.median(predict[name]),
            "single": single[name],
            # accuracy for the classifiers, R² for the regressors
            "score": model.score(X_test, y_test),
            "peak_mb": peak[name] / 2**20,
            "epochs": model.n_iter_,
            "coef_dtype": model.coefs_[0].dtype.name,
        }
    return result


# -- output ---------------------------------------------------------------------
def text_table(headers, rows, align=">"):
    """A plain-text table; columns after the first are aligned by ``align``."""
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows)]

    def line(cells):
        first = f"{cells[0]!s:<{widths[0]}}"
        rest = [f"{c!s:{align}{w}}" for c, w in zip(cells[1:], widths[1:])]
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def format_workload(result):
    """The detailed report of one workload, as text."""
    w = result["workload"]
    spec, method = w.spec, w.spec.predict_method
    ours, theirs = result["skmlp"], result["sklearn"]
    lines = [
        f"== {w.name}: skmlp's {spec.skmlp_class.__name__} vs scikit-learn's "
        f"{spec.sklearn_class.__name__} ==",
        f"data: {result['n_train']} train / {result['n_test']} test rows, "
        f"{result['layer_sizes'][0]} features, {w.dtype}; layers "
        f"{result['layer_sizes']}, batch {result['batch']}, {w.epochs} epochs, "
        f"{result['repeats']} repeats",
        gemm_description(result["gemm"]),
        "GEMM limit re-measured after every repeat (s): "
        + _series(result["limit_all"]),
        f"load average before {_load(result['load_before'])}, after "
        f"{_load(result['load_after'])}; other processes kept "
        f"{_cores(result['other_cores'])} busy during this workload",
    ]
    rows = [
        ("fit time, median (s)", f"{ours['fit']:.3f}", f"{theirs['fit']:.3f}"),
        ("fit times, all (s)", _series(ours["fit_all"]), _series(theirs["fit_all"])),
        ("fit ratio skmlp/sklearn, median of pairs", f"{result['ratio']:.3f}", ""),
        ("fraction of BLAS limit", f"{ours['blas_fraction']:.1%}",
         f"{theirs['blas_fraction']:.1%}"),
        (f"{method} on test split (ms)", f"{1e3 * ours['predict']:.3f}",
         f"{1e3 * theirs['predict']:.3f}"),
        (f"single-row {method} (us)", f"{1e6 * ours['single']:.1f}",
         f"{1e6 * theirs['single']:.1f}"),
        (f"test {spec.metric}", f"{ours['score']:.4f}", f"{theirs['score']:.4f}"),
        ("peak memory during fit (MB, tracemalloc)", f"{ours['peak_mb']:.1f}",
         f"{theirs['peak_mb']:.1f}"),
        ("epochs run / coefs_ dtype", f"{ours['epochs']} / {ours['coef_dtype']}",
         f"{theirs['epochs']} / {theirs['coef_dtype']}"),
    ]
    lines.append(text_table(("", "skmlp", "sklearn"), rows))
    if ours["epochs"] != theirs["epochs"]:
        lines.append("WARNING: the two ran different numbers of epochs.")
    if max(ours["blas_fraction"], theirs["blas_fraction"]) > 1.05:
        lines.append("NOTE: a BLAS fraction above 100% means the GEMM rate was "
                     "measured while the machine was busier than during the fits.")
    return "\n".join(lines)


def gemm_description(limit):
    """One line on the GEMM work of a fit and its time at the measured rates."""
    gflop = limit["gflop"]

    def rate(seconds):
        return f"{seconds:.3f} s ({gflop / seconds:.3g} GFLOP/s)"

    text = (f"GEMM work: {gflop:.2f} GFLOP per fit; the products alone take "
            f"{rate(limit['seconds_threads'])} with {limit['threads']} BLAS "
            "thread(s)")
    if limit["seconds_1thread"] is not None:
        text += (f", {rate(limit['seconds_1thread'])} with 1 thread; limit "
                 f"(faster of the two per product) {limit['seconds']:.3f} s")
    return text


def _load(values):
    return "/".join(f"{v:.2f}" for v in values)


def _cores(value):
    return "n/a" if value is None else f"{value:.2f} cores"


def _series(values):
    return " ".join(f"{v:.3f}" for v in values)


SUMMARY_HEADERS = (
    "workload", "skmlp fit s", "sklearn fit s", "ratio", "skmlp BLAS frac",
    "sklearn BLAS frac", "predict ratio", "test score skmlp/sklearn",
    "peak MB skmlp/sklearn", "other CPU",
)


def summary_rows(results):
    """One row of :data:`SUMMARY_HEADERS` per workload."""
    rows = []
    for r in results:
        ours, theirs = r["skmlp"], r["sklearn"]
        other = r["other_cores"]
        rows.append((
            r["workload"].name,
            f"{ours['fit']:.3f}",
            f"{theirs['fit']:.3f}",
            f"{r['ratio']:.2f}",
            f"{ours['blas_fraction']:.0%}",
            f"{theirs['blas_fraction']:.0%}",
            f"{ours['predict'] / theirs['predict']:.2f}",
            f"{r['workload'].spec.metric} "
            f"{ours['score']:.3f}/{theirs['score']:.3f}",
            f"{ours['peak_mb']:.1f}/{theirs['peak_mb']:.1f}",
            "n/a" if other is None else f"{other:.2f}"
            + (" !" if other > OTHER_CPU_WARNING else ""),
        ))
    return rows


def markdown_table(results, machine, options):
    """The summary as a short Markdown table (for the README)."""
    facts = dict(machine)
    blas = next((v for k, v in facts.items() if k.startswith("BLAS (numpy")),
                "unknown BLAS")
    rows = summary_rows(results)
    lines = [f"`{command_line(options)}` on {facts['CPU']}, "
             f"{facts['CPU count']} CPUs, numpy's BLAS: {blas}; "
             f"load average at start {facts['load average (1, 5, 15 min)']}.",
             "",
             "| " + " | ".join(SUMMARY_HEADERS) + " |",
             "|" + "|".join("---" for _ in SUMMARY_HEADERS) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def rst_simple_table(headers, rows):
    """An RST simple table."""
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows)]
    rule = " ".join("=" * w for w in widths)

    def line(cells):
        return " ".join(f"{c!s:<{w}}" for c, w in zip(cells, widths)).rstrip()

    return "\n".join([rule, line(headers), rule, *(line(r) for r in rows), rule])


def rst_document(results, machine, options):
    """The results with the machine description, for Sphinx."""
    parts = [
        "Results", "=======", "",
        f"Produced by ``{command_line(options)}``; see "
        "``benchmarks/README.md`` for the method.  Fit times are medians over "
        f"{options.repeats} alternating repeats; *ratio* is the median of the "
        "paired ratios skmlp/sklearn (below 1 means skmlp is faster); *BLAS "
        "frac* is the time the matrix products alone would take at this "
        "machine's measured GEMM rate (the faster of the configured thread count "
        "and one thread, per product), divided by the fit time, paired too: the "
        "median over the repeats of each fit against the rate measured right "
        "after it; *predict ratio* compares ``predict_proba`` for the "
        "classifiers and ``predict`` for the regressors, on the test split; "
        "the *test score* is accuracy for the classifiers and R² for the "
        "regressors; peak memory is "
        "the tracemalloc peak during fit; *other CPU* is the number of cores "
        "other processes kept busy during the workload (``!``: more than "
        f"{OTHER_CPU_WARNING}, the timings of that row are noisy).", "",
        "Machine", "-------", "",
        rst_simple_table(("item", "value"), machine), "",
        "Summary", "-------", "",
        rst_simple_table(SUMMARY_HEADERS, summary_rows(results)), "",
        "Workloads", "---------", "",
        rst_simple_table(("workload", "kind", "train x features", "layers",
                          "batch", "epochs", "dtype"), workload_rows(results)),
        "",
    ]
    return "\n".join(parts)


def command_line(options):
    """The command that reproduces a run with these options."""
    parts = ["python benchmarks/bench_vs_sklearn.py"]
    if options.quick:
        parts.append("--quick")
    parts.append(f"--repeats {options.repeats}")
    if options.workloads:
        parts.append(f"--workloads {options.workloads}")
    if options.threads:
        parts.append(f"--threads {options.threads}")
    return " ".join(parts)


def workload_rows(results):
    """What each workload trains, for the RST output."""
    return [(r["workload"].name, r["workload"].kind,
             f"{r['n_train']} x {r['layer_sizes'][0]}",
             "-".join(str(n) for n in r["layer_sizes"]), str(r["batch"]),
             str(r["workload"].epochs), r["workload"].dtype) for r in results]


# -- command line -------------------------------------------------------------------
def parse_args(argv=None):
    """The command-line options."""
    parser = argparse.ArgumentParser(
        description="Compare skmlp with scikit-learn's MLPClassifier and "
                    "MLPRegressor at identical work (see benchmarks/README.md).")
    parser.add_argument("--quick", action="store_true",
                        help="scaled-down workloads, done in well under a minute")
    parser.add_argument("--repeats", type=int, default=None,
                        help="timed fits of each library per workload "
                             "(default 5, or 3 with --quick)")
    parser.add_argument("--workloads", default=None,
                        help="comma-separated workload names (default: all)")
    parser.add_argument("--threads", type=int, default=None,
                        help="limit the BLAS threads (threadpoolctl)")
    parser.add_argument("--markdown", metavar="PATH", type=Path,
                        help="write the summary as a Markdown table")
    parser.add_argument("--rst", metavar="PATH", type=Path,
                        help="write the results with the machine description "
                             "as reStructuredText (e.g. benchmarks/results.rst)")
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 3 if args.quick else 5
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1")
    return args, parser


def select_workloads(all_workloads, names, parser):
    """The workloads named on the command line, in the given order."""
    if names is None:
        return all_workloads
    by_name = {w.name: w for w in all_workloads}
    chosen = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in by_name]
    if unknown or not chosen:
        parser.error(f"unknown workload(s) {unknown}; choose from "
                     f"{', '.join(by_name)}")
    return [by_name[n] for n in chosen]


def warn_if_busy(seconds=1.0):
    """Warn if the machine is not quiet enough for timings.

    The load average lags by minutes, so the CPU use of other processes is also
    sampled for ``seconds``.
    """
    load = os.getloadavg()[0]
    with CpuMonitor() as monitor:
        time.sleep(seconds)
    now = monitor.other_cores
    print(f"load average {load:.2f}; other processes busy right now: "
          f"{_cores(now)}")
    if load > LOAD_WARNING or (now is not None and now > OTHER_CPU_WARNING):
        print("WARNING: another process is using the CPU.  Multi-threaded BLAS "
              "slows down badly (often several times) when a core is taken; "
              "timings will be noisy.")
    print()


def main(argv=None):
    """Run the benchmark and print (and optionally write) the results."""
    args, parser = parse_args(argv)
    workloads = select_workloads(make_workloads(args.quick), args.workloads, parser)
    limits = (threadpool_limits(limits=args.threads, user_api="blas")
              if args.threads else contextlib.nullcontext())
    start = time.perf_counter()
    with limits:
        machine = machine_description()
        print(text_table(("machine", ""), machine, align="<"), end="\n\n")
        warn_if_busy()
        results = []
        for workload in workloads:
            result = run_workload(workload, args.repeats, args.quick)
            results.append(result)
            print(format_workload(result), end="\n\n", flush=True)
    print("== summary (ratio < 1: skmlp faster; BLAS frac: GEMM-only time at the "
          "best measured rate / fit time, median of pairs; peak: tracemalloc; "
          "other CPU: cores "
          "used by other processes, '!' = noisy) ==")
    print(text_table(SUMMARY_HEADERS, summary_rows(results)))
    print(f"\ntotal benchmark time {time.perf_counter() - start:.1f} s")
    if args.markdown:
        args.markdown.write_text(markdown_table(results, machine, args))
        print(f"wrote {args.markdown}")
    if args.rst:
        args.rst.write_text(rst_document(results, machine, args))
        print(f"wrote {args.rst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast can NumPy train the benchmark's networks at all?

This script is a measuring stick, not part of skmlp.  It trains the workloads of
``bench_vs_sklearn.py`` with a training loop written by hand for exactly this
kind of network (ReLU hidden layers, a softmax, sigmoid or identity output,
Adam): the same products, activations, loss and update as skmlp and
scikit-learn, but the fewest NumPy calls the mathematics allows, every buffer
preallocated, and no Python layering at all (no blocks, no validation, no
epoch log, no stopping rule).  A general library cannot be leaner than this
loop, so its time is the floor for a NumPy implementation on this machine.

Per workload it alternates three fits per repeat (the hand-written loop, skmlp
and scikit-learn's ``MLPClassifier`` or ``MLPRegressor``, with the data,
epochs and batches of the main benchmark; the loop runs BLAS on one thread
exactly when skmlp does) and, after each repeat, re-measures the GEMM limit as
the main benchmark does.  It prints each one's median fit time, the median
paired ratio to scikit-learn and the median paired fraction of the BLAS limit.

Run ``python benchmarks/numpy_floor.py [--quick] [--workloads a,b]`` on a quiet
machine.
"""

import argparse
import contextlib
import statistics
import time

import numpy as np
from bench_vs_sklearn import (
    gemm_limit,
    load_workload_data,
    make_estimators,
    make_workloads,
    n_output_units,
    quiet_convergence,
    resolve_batch_size,
    select_workloads,
    text_table,
)
from scipy.special import expit
from threadpoolctl import threadpool_limits

from skmlp._threads import SINGLE_THREAD_MAX_FLOPS, largest_gemm_flops

LEARNING_RATE, BETA_1, BETA_2, EPSILON = 0.001, 0.9, 0.999, 1e-8
# The output layer and loss the hand-written loop uses for each workload kind.
OUTPUTS = {"multiclass": "softmax", "binary": "sigmoid", "regression": "identity"}


class HandWrittenLoop:
    """Dense ReLU layers, a softmax, sigmoid or identity output, Adam: nothing
    else.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_features, *hidden, n_outputs]``.
    output : {"softmax", "sigmoid", "identity"}
        Softmax + categorical cross-entropy with class indices as targets,
        sigmoid + binary cross-entropy with a 0/1 column, or identity + squared
        error with a ``(n_samples, n_outputs)`` array of numbers.
    dtype : dtype
    """

    def __init__(self, layer_sizes, output, dtype, seed=0):
        rng = np.random.default_rng(seed)
        self.dtype = np.dtype(dtype)
        pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
        sizes = [n_in * n_out + n_out for n_in, n_out in pairs]
        self.params = np.empty(sum(sizes), self.dtype)
        self.grads = np.zeros_like(self.params)
        self.layers = []
        start = 0
        for (n_in, n_out), size in zip(pairs, sizes):
            w_end = start + n_in * n_out
            views = [flat[a:b].reshape(shape)
                     for flat in (self.params, self.grads)
                     for a, b, shape in ((start, w_end, (n_in, n_out)),
                                         (w_end, start + size, (1, n_out)))]
            bound = np.sqrt(6 / (n_in + n_out))
            views[0][...] = rng.uniform(-bound, bound, (n_in, n_out))
            views[1][...] = rng.uniform(-bound, bound, (1, n_out))
            self.layers.append(views)  # W, b, dW, db
            start += size
        self.m = np.zeros_like(self.params)
        self.v = np.zeros_like(self.params)
        self.scratch = np.empty_like(self.params)
        self.output = output
        self.layer_sizes = tuple(layer_sizes)
        self.t = 0

    def fit(self, X, y, epochs, batch_size, rng):
        dtype = self.dtype
        sizes = self.layer_sizes
        Xb = np.empty((batch_size, sizes[0]), dtype)
        acts = [np.empty((batch_size, n), dtype) for n in sizes[1:]]
        grads = [np.empty((batch_size, n), dtype) for n in sizes[1:-1]]
        masks = [np.empty((batch_size, n), bool) for n in sizes[1:-1]]
        ones = np.ones(batch_size, dtype)
        transposed = np.empty((sizes[-1], batch_size), dtype)
        ones_out = np.ones(sizes[-1], dtype)
        order = np.arange(len(X))
        for _ in range(epochs):
            rng.shuffle(order)
            for start in range(0, len(X), batch_size):
                index = order[start:start + batch_size]
                b = len(index)
                inputs = [X.take(index, axis=0, out=Xb[:b], mode="clip")]
                for (W, bias, _, _), out in zip(self.layers, acts):
                    z = np.matmul(inputs[-1], W, out=out[:b])
                    np.add(z, bias, out=z)
                    if len(inputs) < len(self.layers):  # a hidden layer: ReLU
                        np.maximum(z, 0, out=z)
                    inputs.append(z)
                delta = self._output_gradient(
                    inputs[-1], y[index], transposed[:, :b], ones_out)
                for layer in range(len(self.layers) - 1, -1, -1):
                    W, _, dW, db = self.layers[layer]
                    np.matmul(inputs[layer].T, delta, out=dW)
                    np.dot(ones[:b], delta, out=db[0])
                    if layer:
                        previous = np.matmul(delta, W.T, out=grads[layer - 1][:b])
                        mask = masks[layer - 1][:b]
                        np.greater(inputs[layer], 0, out=mask)
                        delta = np.multiply(previous, mask, out=previous)
                self._adam()
        return self

    def _output_gradient(self, z, target, transposed, ones_out):
        """Turn the logits into the gradient of the mean loss with respect to
        them, in place: ``(p - y) / b``, or ``2 (p - y) / (b K)`` for the
        squared error of ``K`` outputs; record the loss."""
        b = len(z)
        scale = self.dtype.type(1.0 / b)
        if self.output == "identity":
            # p = z: the squared error's gradient is the residual, scaled.
            np.subtract(z, target, out=z)
            residual = z.reshape(-1)
            self.loss = np.dot(residual, residual) / residual.size
            np.multiply(z, self.dtype.type(2.0 / z.size), out=z)
        elif self.output == "softmax":
            np.copyto(transposed, z.T)
            np.subtract(z, np.maximum.reduce(transposed, axis=0)[:, None], out=z)
            np.exp(z, out=z)
            np.divide(z, np.dot(z, ones_out)[:, None], out=z)
            rows = np.arange(b)
            picked = z[rows, target]
            np.maximum(picked, 1e-7, out=picked)
            np.log(picked, out=picked)
            self.loss = -np.add.reduce(picked) * scale
            np.multiply(z, scale, out=z)
            z[rows, target] -= scale
        else:
            expit(z, out=z)
            p = np.clip(z, 1e-7, 1 - 1e-7)
            self.loss = -np.add.reduce(
                target * np.log(p) + (1 - target) * np.log1p(-p), axis=None) * scale
            np.subtract(z, target, out=z)
            np.multiply(z, scale, out=z)
        return z

    def _adam(self):
        # Moments kept divided by (1 - beta), as skmlp does: ten passes a step.
        self.t += 1
        cast = self.dtype.type
        m, v, s, g, p = self.m, self.v, self.scratch, self.grads, self.params
        root = np.sqrt((1 - BETA_2) / (1 - BETA_2**self.t))
        np.multiply(m, cast(BETA_1), out=m)
        np.add(m, g, out=m)
        np.multiply(v, cast(BETA_2), out=v)
        np.multiply(g, g, out=s)
        np.add(v, s, out=v)
        np.sqrt(v, out=s)
        np.add(s, cast(EPSILON / root), out=s)
        np.divide(m, s, out=s)
        np.multiply(s, cast(LEARNING_RATE * (1 - BETA_1)
                            / ((1 - BETA_1**self.t) * root)), out=s)
        np.subtract(p, s, out=p)


def compare(workload, repeats, quick):
    """Median fit times, paired ratios and paired BLAS fractions of the
    hand-written loop, skmlp and scikit-learn on one workload."""
    X, _, y, _ = load_workload_data(workload)
    output = OUTPUTS[workload.kind]
    n_outputs = n_output_units(workload, y)
    layer_sizes = (X.shape[1], *workload.hidden, n_outputs)
    batch = resolve_batch_size(workload.batch_size, X.shape[0])
    # class indices for the softmax, a float column (or columns) otherwise
    targets = y if output == "softmax" else y.reshape(len(y), n_outputs).astype(
        X.dtype)
    one_thread = largest_gemm_flops(layer_sizes, batch) <= SINGLE_THREAD_MAX_FLOPS

    def hand_written():
        threads = (threadpool_limits(limits=1, user_api="blas") if one_thread
                   else contextlib.nullcontext())
        with threads:
            HandWrittenLoop(layer_sizes, output, X.dtype).fit(
                X, targets, workload.epochs, batch, np.random.default_rng(0))

    def library(name):
        return lambda: make_estimators(workload)[name].fit(X, y)

    fits = {"hand-written NumPy loop": hand_written, "skmlp": library("skmlp"),
            "scikit-learn": library("sklearn")}
    times = {label: [] for label in fits}
    limits = []
    with quiet_convergence():
        for fit in fits.values():
            fit()  # warm-up
        for _ in range(repeats):
            for label, fit in fits.items():
                start = time.perf_counter()
                fit()
                times[label].append(time.perf_counter() - start)
            limits.append(gemm_limit(layer_sizes, X.shape[0], batch, workload.epochs,
                                     X.dtype, quick=True)["seconds"])
    reference = times["scikit-learn"]
    return [
        (workload.name, label, f"{statistics.median(values):.3f}",
         f"{statistics.median(a / b for a, b in zip(values, reference)):.2f}",
         f"{statistics.median(g / a for g, a in zip(limits, values)):.0%}")
        for label, values in times.items()
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="the main benchmark's scaled-down workloads")
    parser.add_argument("--repeats", type=int, default=None,
                        help="alternating repeats per workload (default 5, 3 "
                             "with --quick)")
    parser.add_argument("--workloads", default=None,
                        help="comma-separated workload names (default: all)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 5)
    workloads = select_workloads(make_workloads(args.quick), args.workloads, parser)
    print(f"median of {repeats} alternating repeats; ratio: fit time over "
          "scikit-learn's, median of pairs; BLAS frac: GEMM-only time at the "
          "best measured rate over fit time, median of pairs", flush=True)
    rows = []
    for workload in workloads:
        rows.extend(compare(workload, repeats, args.quick))
        print(text_table(("workload", "implementation", "fit s", "ratio",
                          "BLAS frac"), rows[-3:]), flush=True)
    print("\n== summary ==")
    print(text_table(("workload", "implementation", "fit s", "ratio", "BLAS frac"),
                     rows))


if __name__ == "__main__":
    main()

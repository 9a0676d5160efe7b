"""How fast can NumPy train the small benchmark networks at all?

This script is a measuring stick, not part of skmlp.  It trains the digits and
breast_cancer networks of ``bench_vs_sklearn.py`` with a training loop written
by hand for exactly one architecture: the same products, activations, loss and
Adam update as skmlp and scikit-learn, but with the fewest NumPy calls the
mathematics allows, every buffer preallocated and no Python layering at all
(no blocks, no validation, no epoch log).  No general library can be leaner
than this loop, so its time is the floor for a NumPy implementation.

It alternates three fits per repeat (the hand-written loop, skmlp and
scikit-learn's ``MLPClassifier``, with the epochs, batches and data of the
main benchmark's small workloads) and prints the median of the paired ratios
to scikit-learn.

Run ``python benchmarks/numpy_floor.py`` on a quiet machine.
"""

import statistics
import time
import warnings

import numpy as np
from scipy.special import expit
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier

LEARNING_RATE, BETA_1, BETA_2, EPSILON = 0.001, 0.9, 0.999, 1e-8
HIDDEN, BATCH = 100, 200


class HandWrittenLoop:
    """One hidden ReLU layer, a softmax or sigmoid output, Adam: nothing else.

    Parameters
    ----------
    n_features, n_outputs : int
    softmax : bool
        Softmax + categorical cross-entropy (class indices as targets) if
        true, else sigmoid + binary cross-entropy (0/1 column as targets).
    """

    def __init__(self, n_features, n_outputs, softmax, seed=0):
        rng = np.random.default_rng(seed)
        shapes = [(n_features, HIDDEN), (1, HIDDEN), (HIDDEN, n_outputs),
                  (1, n_outputs)]
        sizes = [a * b for a, b in shapes]
        self.params = np.empty(sum(sizes))
        self.grads = np.zeros_like(self.params)
        views = []
        for flat in (self.params, self.grads):
            start = 0
            for shape, size in zip(shapes, sizes):
                views.append(flat[start:start + size].reshape(shape))
                start += size
        (self.W1, self.b1, self.W2, self.b2,
         self.dW1, self.db1, self.dW2, self.db2) = views
        for weights, fan in ((self.W1, n_features + HIDDEN),
                             (self.b1, n_features + HIDDEN),
                             (self.W2, HIDDEN + n_outputs),
                             (self.b2, HIDDEN + n_outputs)):
            bound = np.sqrt(6 / fan)
            weights[...] = rng.uniform(-bound, bound, weights.shape)
        self.m = np.zeros_like(self.params)
        self.v = np.zeros_like(self.params)
        self.scratch = np.empty_like(self.params)
        self.softmax = softmax
        self.n_outputs = n_outputs
        self.t = 0

    def fit(self, X, y, epochs, rng):
        n_samples = len(X)
        n_out = self.n_outputs
        Xb = np.empty((BATCH, X.shape[1]))
        H = np.empty((BATCH, HIDDEN))
        Z = np.empty((BATCH, n_out))
        dH = np.empty((BATCH, HIDDEN))
        mask = np.empty((BATCH, HIDDEN), dtype=bool)
        ones = np.ones(BATCH)
        transposed = np.empty((n_out, BATCH))
        ones_out = np.ones(n_out)
        order = np.arange(n_samples)
        for _ in range(epochs):
            rng.shuffle(order)
            for start in range(0, n_samples, BATCH):
                index = order[start:start + BATCH]
                b = len(index)
                x, h, z, dh, m = Xb[:b], H[:b], Z[:b], dH[:b], mask[:b]
                X.take(index, axis=0, out=x, mode="clip")
                target = y[index]
                np.matmul(x, self.W1, out=h)
                np.add(h, self.b1, out=h)
                np.maximum(h, 0.0, out=h)
                np.matmul(h, self.W2, out=z)
                np.add(z, self.b2, out=z)
                rows = np.arange(b)
                if self.softmax:
                    t = transposed[:, :b]
                    np.copyto(t, z.T)
                    np.subtract(z, np.maximum.reduce(t, axis=0)[:, None], out=z)
                    np.exp(z, out=z)
                    np.divide(z, np.dot(z, ones_out)[:, None], out=z)
                    picked = z[rows, target]
                    np.maximum(picked, 1e-7, out=picked)
                    np.log(picked, out=picked)
                    self.loss = -np.add.reduce(picked) / b
                    np.multiply(z, 1.0 / b, out=z)
                    z[rows, target] -= 1.0 / b
                else:
                    expit(z, out=z)
                    p = np.clip(z, 1e-7, 1 - 1e-7)
                    self.loss = -np.add.reduce(
                        target * np.log(p) + (1 - target) * np.log1p(-p),
                        axis=None) / b
                    np.subtract(z, target, out=z)
                    np.multiply(z, 1.0 / b, out=z)
                np.matmul(h.T, z, out=self.dW2)
                np.dot(ones[:b], z, out=self.db2[0])
                np.dot(z, self.W2.T, out=dh)
                np.greater(h, 0.0, out=m)
                np.multiply(dh, m, out=dh)
                np.matmul(x.T, dh, out=self.dW1)
                np.dot(ones[:b], dh, out=self.db1[0])
                self._adam()
        return self

    def _adam(self):
        self.t += 1
        m, v, s, g, p = self.m, self.v, self.scratch, self.grads, self.params
        root = np.sqrt(1 - BETA_2**self.t)
        np.multiply(m, BETA_1, out=m)
        np.add(m, (1 - BETA_1) * g, out=m)
        np.multiply(v, BETA_2, out=v)
        np.multiply(g, g, out=s)
        np.multiply(s, 1 - BETA_2, out=s)
        np.add(v, s, out=v)
        np.sqrt(v, out=s)
        np.add(s, EPSILON * root, out=s)
        np.divide(m, s, out=s)
        np.multiply(s, LEARNING_RATE * root / (1 - BETA_1**self.t), out=s)
        np.subtract(p, s, out=p)


def load(name):
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        X = X / 16
    else:
        X, y = load_breast_cancer(return_X_y=True)
    X_train, _, y_train, _ = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0)
    if name == "breast_cancer":
        X_train = StandardScaler().fit_transform(X_train)
    return np.ascontiguousarray(X_train), y_train


def compare(name, epochs, repeats):
    """Median fit times and paired ratios to scikit-learn, as printable lines."""
    X, y = load(name)
    softmax = name == "digits"
    common = dict(hidden_layer_sizes=(HIDDEN,), batch_size=BATCH,
                  max_iter=epochs, tol=0, n_iter_no_change=epochs,
                  random_state=0, epsilon=EPSILON)
    Ours = MulticlassMLPClassifier if softmax else BinaryMLPClassifier
    targets = y if softmax else y.reshape(-1, 1).astype(float)
    n_outputs = len(np.unique(y)) if softmax else 1

    def hand_written():
        with threadpool_limits(limits=1, user_api="blas"):
            HandWrittenLoop(X.shape[1], n_outputs, softmax).fit(
                X, targets, epochs, np.random.default_rng(0))

    fits = {
        "hand-written NumPy loop": hand_written,
        "skmlp": lambda: Ours(learning_rate=LEARNING_RATE, **common).fit(X, y),
        "scikit-learn": lambda: MLPClassifier(
            learning_rate_init=LEARNING_RATE, alpha=0, **common).fit(X, y),
    }
    times = {label: [] for label in fits}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for fit in fits.values():
            fit()  # warm-up
        for _ in range(repeats):
            for label, fit in fits.items():
                start = time.perf_counter()
                fit()
                times[label].append(time.perf_counter() - start)
    reference = times["scikit-learn"]
    lines = [f"{name} ({len(X)} x {X.shape[1]}, hidden ({HIDDEN},), batch {BATCH}, "
             f"{epochs} epochs)"]
    for label, values in times.items():
        ratio = statistics.median(a / b for a, b in zip(values, reference))
        lines.append(f"  {label:<24} {statistics.median(values):.3f}   "
                     f"ratio to scikit-learn {ratio:.2f}")
    return lines


def main(repeats=7):
    print(f"fit time (s), median of {repeats} alternating repeats; the "
          "hand-written loop runs BLAS on one thread, as skmlp does for these "
          "networks; scikit-learn keeps its default")
    for name, epochs in (("digits", 50), ("breast_cancer", 100)):
        print("", *compare(name, epochs, repeats), sep="\n")


if __name__ == "__main__":
    main()

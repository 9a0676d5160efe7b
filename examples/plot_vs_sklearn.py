"""
=================================================
skmlp next to scikit-learn's MLPClassifier
=================================================

The same networks trained by skmlp and by
:class:`sklearn.neural_network.MLPClassifier`, with matched settings: one
hidden layer of 64 ReLU units, Adam with the same learning rate, moment decays
and :math:`\\epsilon`, minibatches of 200, the same number of epochs and the
same Glorot-uniform initialisation scheme. Only the random draws differ.

The penalty is converted, not copied. scikit-learn adds
:math:`\\frac{\\alpha}{2 n_{batch}} \\sum W^2` to each minibatch's loss, on the
weights only; skmlp adds :math:`\\lambda_2 \\sum W^2` whatever the batch size.
With full minibatches of 200 they agree for
:math:`\\lambda_2 = \\alpha / (2 \\cdot 200)` (the last, smaller minibatch of
an epoch differs slightly). For the timings both libraries run on the same
NumPy and BLAS; on a busy machine they vary from run to run.

This is a quick check on small data; ``benchmarks/bench_vs_sklearn.py``
measures more carefully (see :doc:`/benchmarks`).
"""

# %%
# Matched settings
# ----------------
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier

# Both libraries train a fixed number of epochs here and warn that they have
# not converged: expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

EPOCHS, BATCH, ALPHA = 30, 200, 1e-4
common = dict(
    hidden_layer_sizes=(64,),
    activation="relu",
    batch_size=BATCH,
    max_iter=EPOCHS,
    shuffle=True,
    random_state=0,
    beta_1=0.9,
    beta_2=0.999,
    epsilon=1e-8,
    tol=0.0,
    n_iter_no_change=EPOCHS,  # never stop early: both run all the epochs
)


def make_sklearn():
    return MLPClassifier(solver="adam", learning_rate_init=1e-2, alpha=ALPHA, **common)


def make_skmlp(cls):
    return cls(
        optimizer="adam",
        learning_rate=1e-2,
        weight_regularizer_l2=ALPHA / (2 * BATCH),
        **common,
    )


def best_fit_time(make, X, y, repeats=3):
    """The fastest of a few fits, and the last fitted model."""
    times = []
    for _ in range(repeats):
        model = make()
        start = time.perf_counter()
        model.fit(X, y)
        times.append(time.perf_counter() - start)
    return min(times), model


# %%
# Two problems
# ------------
# The binary breast cancer data (:class:`~skmlp.BinaryMLPClassifier`, sigmoid
# output) and the ten-class digits (:class:`~skmlp.MulticlassMLPClassifier`,
# softmax output), each standardized and split 75/25.
problems = {}
for name, loader, cls in (
    ("breast_cancer", load_breast_cancer, BinaryMLPClassifier),
    ("digits", load_digits, MulticlassMLPClassifier),
):
    X, y = loader(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    problems[name] = (
        cls,
        scaler.transform(X_train),
        scaler.transform(X_test),
        y_train,
        y_test,
    )

results = {}
for name, (cls, X_train, X_test, y_train, y_test) in problems.items():
    for library, make in (
        ("scikit-learn", make_sklearn),
        ("skmlp", lambda cls=cls: make_skmlp(cls)),
    ):
        seconds, model = best_fit_time(make, X_train, y_train)
        results[name, library] = {
            "fit time (ms)": 1000 * seconds,
            "test accuracy": model.score(X_test, y_test),
            "loss_curve_": model.loss_curve_,
        }
        print(
            f"{name:>13} {library:>12}: fit {1000 * seconds:6.1f} ms, "
            f"test accuracy {results[name, library]['test accuracy']:.3f}"
        )

# %%
# Accuracy and fit time
# ---------------------
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
names = list(problems)
positions = np.arange(len(names))
for offset, library in ((-0.2, "scikit-learn"), (0.2, "skmlp")):
    for ax, metric in zip(axes, ("test accuracy", "fit time (ms)")):
        values = [results[name, library][metric] for name in names]
        bars = ax.bar(positions + offset, values, width=0.4, label=library)
        ax.bar_label(bars, fmt="%.3f" if metric == "test accuracy" else "%.0f")
for ax, metric in zip(axes, ("test accuracy", "fit time (ms)")):
    ax.set_xticks(positions, names)
    ax.set_ylabel(metric)
    ax.legend(loc="upper left", ncols=2)
axes[0].set_ylim(0.8, 1.04)
axes[1].set_ylim(0, 1.25 * axes[1].get_ylim()[1])
axes[0].set_title(f"Held-out accuracy after {EPOCHS} epochs")
axes[1].set_title("Fit time (best of 3)")
fig.tight_layout()
plt.show()

# %%
# The training loss, epoch by epoch
# ---------------------------------
# Both ``loss_curve_`` include the L2 term. With matched settings the two
# libraries follow nearly the same path: the remaining differences come from the
# random initial weights and minibatch order.
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, name in zip(axes, names):
    for library, style in (("scikit-learn", "-"), ("skmlp", "--")):
        curve = results[name, library]["loss_curve_"]
        ax.plot(np.arange(1, len(curve) + 1), curve, style, label=library)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss")
    ax.set_title(name)
    ax.legend()
fig.tight_layout()
plt.show()

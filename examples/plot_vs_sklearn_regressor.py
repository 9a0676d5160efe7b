"""
=================================================
skmlp next to scikit-learn's MLPRegressor
=================================================

The same regression networks trained by skmlp's
:class:`~skmlp.MLPRegressor` and by
:class:`sklearn.neural_network.MLPRegressor`, with matched settings: one
hidden layer of 100 ReLU units, Adam with the same learning rate, moment
decays and :math:`\\epsilon = 10^{-8}`, minibatches of 200, the same number of
epochs (the ``tol`` stopping rule switched off), no penalty (``alpha=0``
against four lambdas of 0) and the same Glorot-uniform initialisation
scheme. Only the random draws differ. Both get standardized features and
standardized targets, as :doc:`/guide/regression` recommends.

One difference remains in what they report: scikit-learn minimizes *half*
the squared error, :math:`\\frac{1}{2}(y - p)^2`, skmlp the whole. The
gradients differ by the same factor 2, which Adam's steps do not depend on
(it divides each gradient by its own running size), so both take the same
steps; skmlp's ``loss_curve_`` is twice scikit-learn's, and is halved below
to draw them together.

This is a quick check on small data; ``tests/test_regressor_accuracy.py``
asserts the R² comparison and ``benchmarks/bench_vs_sklearn.py`` measures
the speed more carefully (see :doc:`/benchmarks`).
"""

# %%
# Matched settings
# ----------------
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPRegressor

# Both libraries train a fixed number of epochs here and warn that they have
# not converged: expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

EPOCHS, BATCH, SEEDS = 200, 200, range(5)
common = dict(
    hidden_layer_sizes=(100,),
    activation="relu",
    batch_size=BATCH,
    max_iter=EPOCHS,
    shuffle=True,
    beta_1=0.9,
    beta_2=0.999,
    epsilon=1e-8,
    tol=0.0,
    n_iter_no_change=EPOCHS,  # never stop early: both run all the epochs
)
libraries = {
    "scikit-learn": lambda seed: SklearnMLPRegressor(
        solver="adam", learning_rate_init=1e-3, alpha=0.0, random_state=seed, **common
    ),
    "skmlp": lambda seed: MLPRegressor(
        optimizer="adam", learning_rate=1e-3, random_state=seed, **common
    ),
}


def scaled(regressor):
    """``regressor`` on standardized features, fitted to standardized targets."""
    return TransformedTargetRegressor(
        regressor=make_pipeline(StandardScaler(), regressor),
        transformer=StandardScaler(),
    )


# %%
# Two problems, five splits
# -------------------------
# The diabetes data (442 patients, 10 measurements) and Friedman's first
# synthetic problem (600 samples, 10 features of which 5 matter, through
# sines, squares and products). On each, five train/test splits, each
# library's network seeded like its split; the fit time is the median of the
# five fits.
problems = {
    "diabetes": load_diabetes(return_X_y=True),
    "friedman1": make_friedman1(n_samples=600, noise=1.0, random_state=0),
}
results = {}
for name, (X, y) in problems.items():
    for library, make in libraries.items():
        scores, times, curves = [], [], []
        for seed in SEEDS:
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, random_state=seed
            )
            model = scaled(make(seed))
            start = time.perf_counter()
            model.fit(X_train, y_train)
            times.append(time.perf_counter() - start)
            scores.append(model.score(X_test, y_test))
            curves.append(model.regressor_[-1].loss_curve_)
        results[name, library] = {
            "test R²": np.mean(scores),
            "fit time (ms)": 1000 * np.median(times),
            "loss curves": curves,
        }
        print(
            f"{name:>9} {library:>12}: test R² {np.mean(scores):.3f} "
            f"(+/- {np.std(scores):.3f}), fit {1000 * np.median(times):6.1f} ms"
        )

# %%
# R² and fit time
# ---------------
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
names = list(problems)
positions = np.arange(len(names))
for offset, library in ((-0.2, "scikit-learn"), (0.2, "skmlp")):
    for ax, metric in zip(axes, ("test R²", "fit time (ms)")):
        values = [results[name, library][metric] for name in names]
        bars = ax.bar(positions + offset, values, width=0.4, label=library)
        ax.bar_label(bars, fmt="%.3f" if metric == "test R²" else "%.0f")
for ax, metric in zip(axes, ("test R²", "fit time (ms)")):
    ax.set_xticks(positions, names)
    ax.set_ylabel(metric)
    ax.set_ylim(0, 1.25 * ax.get_ylim()[1])
    ax.legend(loc="upper left", ncols=2)
axes[0].set_title(f"Held-out R² after {EPOCHS} epochs (mean of 5)")
axes[1].set_title("Fit time (median of 5)")
fig.tight_layout()
plt.show()

# %%
# The training loss, epoch by epoch
# ---------------------------------
# The ``loss_curve_`` of all five splits, on the standardized targets, with
# skmlp's halved to scikit-learn's convention. The two libraries' curves are
# intertwined: the differences between them are of the size of those between
# seeds, which draw the initial weights and the minibatch order. On the
# diabetes data the training loss keeps falling while the held-out R² stays
# near 0.37: the unregularized networks end up fitting the noise
# (:doc:`/guide/regression` and
# :ref:`sphx_glr_auto_examples_plot_regression_l1_vs_l2.py` regularize them).
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, name in zip(axes, names):
    for library, color, factor in (("scikit-learn", "C0", 1), ("skmlp", "C1", 2)):
        for i, curve in enumerate(results[name, library]["loss curves"]):
            curve = np.asarray(curve) / factor
            label = None
            if i == 0:
                label = library if factor == 1 else f"{library} (loss_curve_ / 2)"
            epochs = np.arange(1, len(curve) + 1)
            ax.plot(epochs, curve, color=color, alpha=0.7, linewidth=1, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(r"training loss, $\frac{1}{2}$ squared error")
    ax.set_title(f"{name}, 5 splits")
    ax.legend()
fig.tight_layout()
plt.show()

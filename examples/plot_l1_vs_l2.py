"""
===========================================
L1 against L2: sparse weights or small ones
===========================================

Both penalties push the weights towards zero, in different ways. Their
gradients are

.. math::

    \\frac{\\partial}{\\partial w} \\lambda_1 |w| = \\lambda_1 \\operatorname{sign}(w),
    \\qquad
    \\frac{\\partial}{\\partial w} \\lambda_2 w^2 = 2 \\lambda_2 w.

L2's pull is proportional to the weight, so it shrinks every weight but fades
as a weight gets small: no weight reaches zero. L1's pull is the same for every
weight, however small, so the weights the data does not defend go to (nearly)
exactly zero: L1 makes the network sparse.

The problem below has 40 features, of which only the first 5 are informative.
"""

# %%
# The data
# --------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier

# Every network trains for a fixed 100 epochs; the convergence warning is
# expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

# shuffle=False keeps the 5 informative features in the first 5 columns.
X, y = make_classification(
    n_samples=300,
    n_features=40,
    n_informative=5,
    n_redundant=0,
    flip_y=0.1,
    shuffle=False,
    random_state=0,
)
X = StandardScaler().fit_transform(X)


def fit(kind, lam):
    """A network with one penalty, ``kind`` in {"l1", "l2"}, of strength lam."""
    # A decaying learning rate lets Adam's steps shrink, so that the L1
    # weights settle at zero instead of oscillating around it.
    return BinaryMLPClassifier(
        hidden_layer_sizes=(32,),
        learning_rate=0.01,
        learning_rate_decay=0.05,
        max_iter=100,
        random_state=0,
        **{f"weight_regularizer_{kind}": lam},
    ).fit(X, y)


# %%
# Sparsity against the strength of the penalty
# --------------------------------------------
# The share of the first layer's weights (``coefs_[0]``, 40 x 32) whose size
# is below :math:`10^{-3}`, for the same lambda used as L1 or as L2.
lambdas = np.logspace(-4, -1, 7)
sparsity = {"l1": [], "l2": []}
for kind in ("l1", "l2"):
    for lam in lambdas:
        weights = fit(kind, lam).coefs_[0]
        sparsity[kind].append(np.mean(np.abs(weights) < 1e-3))

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(lambdas, sparsity["l1"], marker="o", label="L1: weight_regularizer_l1")
ax.plot(lambdas, sparsity["l2"], marker="s", label="L2: weight_regularizer_l2")
ax.set_xscale("log")
ax.set_xlabel(r"$\lambda$")
ax.set_ylabel(r"share of first-layer weights with $|w| < 10^{-3}$")
ax.set_ylim(-0.02, 1.02)
ax.set_title("L1 zeroes weights, L2 only shrinks them")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# The weights of one strength
# ---------------------------
# With :math:`\lambda = 10^{-2}`: the distribution of the first layer's
# weights (on a log scale of their size), and the mean size of the weights
# leaving each input feature. Under L1 most weights sit near
# :math:`10^{-4}`, two orders of magnitude below the L2 ones, and the inputs
# the network still uses are mostly the informative ones (a few noise
# features survive: with 300 noisy samples some correlate with the labels by
# chance). Under L2 every input keeps weights of similar size.
lam = 1e-2
models = {"L1": fit("l1", lam), "L2": fit("l2", lam)}
for name, model in models.items():
    print(f"{name}: training accuracy {model.score(X, y):.3f}")

fig, (ax_hist, ax_feat) = plt.subplots(1, 2, figsize=(11, 4))
bins = np.linspace(-8, 0, 33)
for (name, model), color in zip(models.items(), ("C0", "C1")):
    weights = np.abs(model.coefs_[0])
    ax_hist.hist(
        np.log10(np.maximum(weights, 1e-8)).ravel(),
        bins=bins,
        alpha=0.6,
        color=color,
        label=name,
    )
    ax_feat.plot(
        np.arange(1, 41), weights.mean(axis=1), marker="o", color=color, label=name
    )
ax_hist.set_xlabel(r"$\log_{10} |w|$ (first layer; $< 10^{-8}$ shown at $-8$)")
ax_hist.set_ylabel("number of weights")
ax_hist.set_title(rf"Weight sizes, $\lambda = {lam:g}$")
ax_hist.legend()
ax_feat.axvspan(0.5, 5.5, color="0.9", label="informative features")
ax_feat.set_xlabel("input feature")
ax_feat.set_ylabel("mean |w| of its 32 outgoing weights")
ax_feat.set_yscale("log")
ax_feat.set_title("Which inputs the network still uses")
ax_feat.legend()
fig.tight_layout()
plt.show()

"""
============================================
L1 against L2 in regression, on diabetes
============================================

Both penalties pull the weights of :class:`~skmlp.MLPRegressor` towards zero,
in different ways. Their gradients are

.. math::

    \\frac{\\partial}{\\partial w} \\lambda_1 |w| = \\lambda_1 \\operatorname{sign}(w),
    \\qquad
    \\frac{\\partial}{\\partial w} \\lambda_2 w^2 = 2 \\lambda_2 w.

L2's pull is proportional to the weight, so it fades as the weight gets
small; L1's is the same for every weight, so the weights the data does not
defend go to (nearly) exactly zero. In the first layer, whose weights leave
the input features, L1 thereby chooses which measurements the network uses.

The diabetes data has ten measurements of 442 patients and, as target, the
progression of the disease one year later. Features and target are
standardized, as :doc:`/guide/regression` recommends.
"""

# %%
# The networks
# ------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, cross_validate, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPRegressor

# Every network trains for a fixed 300 epochs, with a decaying learning rate
# so that the L1 weights settle at zero instead of oscillating around it: the
# warning that the budget ran out is expected. (Any other convergence
# warning, such as one for a model no better than a constant, still shows.)
warnings.filterwarnings(
    "ignore",
    message="Stochastic Optimizer: Maximum iterations",
    category=ConvergenceWarning,
)

data = load_diabetes()
X, y = data.data, data.target


def network(kind, lam):
    """A regressor with one penalty, ``kind`` in {"l1", "l2"}, of strength lam."""
    return TransformedTargetRegressor(
        regressor=make_pipeline(
            StandardScaler(),
            MLPRegressor(
                hidden_layer_sizes=(32,),
                learning_rate=0.01,
                learning_rate_decay=0.05,
                max_iter=300,
                random_state=0,
                **{f"weight_regularizer_{kind}": lam},
            ),
        ),
        transformer=StandardScaler(),
    )


def first_layer(model):
    """The first layer's weights (10 x 32) of a fitted ``network``."""
    return model.regressor_[-1].coefs_[0]


# %%
# Sparsity and R² against the strength of the penalty
# ---------------------------------------------------
# For each lambda, used as L1 or as L2, five-fold cross-validation gives the
# held-out R² and five fitted networks, whose first-layer weights we measure:
# the share of them below :math:`10^{-3}` in size.
lambdas = np.logspace(-4, -1, 7)
cv = KFold(n_splits=5, shuffle=True, random_state=0)
results = {"l1": {"r2": [], "sparsity": []}, "l2": {"r2": [], "sparsity": []}}
for kind in ("l1", "l2"):
    for lam in lambdas:
        cross = cross_validate(network(kind, lam), X, y, cv=cv, return_estimator=True)
        results[kind]["r2"].append(cross["test_score"].mean())
        results[kind]["sparsity"].append(
            np.mean([np.abs(first_layer(m)) < 1e-3 for m in cross["estimator"]])
        )

fig, (ax_sparse, ax_r2) = plt.subplots(1, 2, figsize=(11, 4))
for kind, marker in (("l1", "o"), ("l2", "s")):
    label = f"{kind.upper()}: weight_regularizer_{kind}"
    ax_sparse.plot(lambdas, results[kind]["sparsity"], marker=marker, label=label)
    ax_r2.plot(lambdas, results[kind]["r2"], marker=marker, label=label)
for ax in (ax_sparse, ax_r2):
    ax.set_xscale("log")
    ax.set_xlabel(r"$\lambda$")
    ax.legend()
ax_sparse.set_ylim(-0.02, 1.02)
ax_sparse.set_ylabel(r"share of first-layer weights with $|w| < 10^{-3}$")
ax_sparse.set_title("L1 zeroes weights, L2 only shrinks them")
ax_r2.set_ylabel("held-out R² (mean of 5 folds)")
ax_r2.set_title("Either penalty helps on 442 patients")
fig.tight_layout()
plt.show()

# %%
# Without a penalty worth the name, 32 hidden units fit the noise of 353
# training patients, and the held-out R² suffers. Both penalties cure that at
# about the same strength and reach about the same R²; they differ in *how*.
# Under L2 a few weights also fall below :math:`10^{-3}` at the strongest
# penalties: those of hidden units that no longer respond to any patient, whose
# weights get no gradient from the data and decay under the penalty alone.

# %%
# Which measurements the network uses
# -----------------------------------
# One strength near the best of both, :math:`\lambda = 3 \cdot 10^{-2}`,
# trained on three quarters of the patients: the size of each first-layer
# weight, one row per measurement and one column per hidden unit, on a
# logarithmic colour scale.
lam = 3e-2
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
models = {kind: network(kind, lam).fit(X_train, y_train) for kind in ("l1", "l2")}
for kind, model in models.items():
    kept = np.sum(np.abs(first_layer(model)) >= 1e-3)
    print(
        f"{kind.upper()}: test R² {model.score(X_test, y_test):.3f}, "
        f"{kept} of {first_layer(model).size} first-layer weights above 1e-3"
    )

fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, (kind, model) in zip(axes, models.items()):
    sizes = np.log10(np.maximum(np.abs(first_layer(model)), 1e-6))
    image = ax.imshow(sizes, vmin=-6, vmax=0, cmap="viridis", aspect="auto")
    ax.set_title(f"{kind.upper()}, $\\lambda = {lam:g}$")
    ax.set_xlabel("hidden unit")
ax_names = axes[0]
ax_names.set_yticks(np.arange(len(data.feature_names)), data.feature_names)
ax_names.set_ylabel("measurement")
fig.colorbar(image, ax=axes, label=r"$\log_{10} |w|$ ($< 10^{-6}$ shown at $-6$)")
plt.show()

# %%
# Under L2 nearly every weight keeps a size between :math:`10^{-2}` and 1;
# the dark columns are hidden units that no longer respond to any patient,
# whose weights the penalty alone decays. Under L1 all but a few weights are
# orders of magnitude smaller: what is left is a few hidden units (the bright
# columns) and the measurements that feed them, the body mass index
# (``bmi``), the blood pressure (``bp``) and ``s5`` among them. L1 selected
# units and features while it regularized, at the same held-out R².

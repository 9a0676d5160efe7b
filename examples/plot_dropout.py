"""
=====================================
Dropout against overfitting
=====================================

With ``dropout=q``, every hidden activation is followed by an inverted-dropout
layer: during training each unit is zeroed with probability :math:`q` and the
others are scaled by :math:`1 / (1 - q)`, a new mask for every minibatch. At
prediction time nothing is dropped, and the output is deterministic.

A network that cannot rely on any single unit learns smoother functions. Here
a two-hidden-layer network is trained on only 100 noisy "moons" samples, long
enough to memorize them, with and without dropout, and tested on 1,000 more.
"""

# %%
# The data
# --------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split

from skmlp import BinaryMLPClassifier

X, y = make_moons(n_samples=1100, noise=0.35, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=100, random_state=0
)

# %%
# Train with three dropout rates
# ------------------------------
# Each network trains for exactly 200 epochs (``tol=0`` with a large
# ``n_iter_no_change`` disables the stopping rule, so the comparison is at
# equal training time; the convergence warning this causes is silenced).
rates = [0.0, 0.25, 0.5]
models, train_acc, test_acc = {}, [], []
for rate in rates:
    clf = BinaryMLPClassifier(
        hidden_layer_sizes=(64, 64),
        dropout=rate,
        learning_rate=0.01,
        max_iter=200,
        tol=0.0,
        n_iter_no_change=200,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    models[rate] = clf
    train_acc.append(clf.score(X_train, y_train))
    test_acc.append(clf.score(X_test, y_test))
    print(
        f"dropout={rate}: train accuracy {train_acc[-1]:.3f}, "
        f"test accuracy {test_acc[-1]:.3f}"
    )

# %%
# Train against test accuracy
# ---------------------------
# Without dropout the network fits the training points best and the new ones
# worst: the gap between the two bars is the overfitting dropout removes.
fig, ax = plt.subplots(figsize=(6, 4))
positions = np.arange(len(rates))
ax.bar(positions - 0.2, train_acc, width=0.4, label="train (100 samples)")
ax.bar(positions + 0.2, test_acc, width=0.4, label="test (1,000 samples)")
ax.set_xticks(positions, [f"dropout={rate}" for rate in rates])
ax.set_ylim(0.7, 1.0)
ax.set_ylabel("accuracy")
ax.set_title("Dropout trades training fit for generalization")
ax.legend(loc="upper right")
fig.tight_layout()
plt.show()

# %%
# The decision boundaries
# -----------------------
# The network without dropout bends around individual noisy training points;
# with dropout the boundary follows the two moons.
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, rate in zip(axes, (0.0, 0.5)):
    DecisionBoundaryDisplay.from_estimator(
        models[rate],
        X,
        response_method="predict_proba",
        cmap="RdBu",
        alpha=0.6,
        ax=ax,
        grid_resolution=150,
    )
    ax.scatter(*X_train.T, c=y_train, cmap="RdBu", edgecolors="k", s=25)
    accuracy = models[rate].score(X_test, y_test)
    ax.set_title(f"dropout={rate}: test accuracy {accuracy:.3f}")
fig.tight_layout()
plt.show()

# %%
# Dropout is only active in ``fit``: two predictions of the same samples are
# identical.
proba = models[0.5].predict_proba(X_test)
print(np.array_equal(proba, models[0.5].predict_proba(X_test)))

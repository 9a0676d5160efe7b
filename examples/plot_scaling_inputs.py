"""
=====================================
Scaling the inputs: why and how
=====================================

The breast cancer data has 30 features in very different units: some average
below 0.01, others near 1,000. A Dense layer's weight gradients are
proportional to its inputs, so unscaled, one learning rate is far too large
for some weights and far too small for others, and the initial network's
units start saturated. :class:`~sklearn.preprocessing.StandardScaler` in a
:class:`~sklearn.pipeline.Pipeline` puts every feature at mean 0 and standard
deviation 1, fitted on the training data only. See :doc:`/guide/scaling_inputs`.
"""

# %%
# The features' scales
# --------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier
from skmlp.layers import Dense

data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, stratify=data.target, random_state=0
)
spread = X_train.std(axis=0)
print(f"feature standard deviations from {spread.min():.4f} to {spread.max():.0f}")

# %%
# The same network, with and without the scaler
# ---------------------------------------------
# Both fits stop by themselves (the loss stopped improving by ``tol``); the
# unscaled one stops at a loss a hundred times higher.
network = BinaryMLPClassifier(
    hidden_layer_sizes=(32,), learning_rate=0.01, random_state=0
)
unscaled = clone(network).fit(X_train, y_train)
scaled = make_pipeline(StandardScaler(), clone(network)).fit(X_train, y_train)
# (model, the network inside it, its label)
fits = [
    (unscaled, unscaled, "unscaled inputs"),
    (scaled, scaled[-1], "StandardScaler in a Pipeline"),
]
fig, ax = plt.subplots(figsize=(6, 4))
for model, fitted, label in fits:
    print(f"{label}: {fitted.n_iter_} epochs, final loss {fitted.loss_:.3f}, "
          f"test accuracy {model.score(X_test, y_test):.3f}")
    epochs = np.arange(1, fitted.n_iter_ + 1)
    ax.plot(epochs, fitted.loss_curve_, label=label)
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (binary cross-entropy)")
ax.set_title("The same network, with and without scaling")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# What the first layer sees
# -------------------------
# The first hidden layer's pre-activations :math:`z = x W + b` at the initial
# weights, drawn by a :class:`~skmlp.layers.Dense` block as the estimator
# draws them (Glorot uniform, scaled for inputs of size about one). Unscaled,
# they reach the hundreds: a tanh or sigmoid unit there is flat and passes
# back no gradient, and the output starts at probabilities of 0 or 1.
first_layer = Dense(X_train.shape[1], 32, random_state=0)
scaler = StandardScaler().fit(X_train)
fig, ax = plt.subplots(figsize=(6, 4))
for name, X in [("unscaled", X_train), ("scaled", scaler.transform(X_train))]:
    first_layer.forward(X)
    z = np.abs(first_layer.output).ravel()
    print(f"{name:8}: median |z| {np.median(z):.2f}, largest {z.max():.0f}")
    ax.hist(np.log10(z + 1e-3), bins=40, alpha=0.6, label=name)
ax.set_xlabel(r"$\log_{10} |z|$, first hidden layer, initial weights")
ax.set_ylabel("count (samples x units)")
ax.set_title("Pre-activations before training")
ax.legend()
fig.tight_layout()
plt.show()

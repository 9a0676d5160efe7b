"""
===================================
Loss curves and early stopping
===================================

A fitted skmlp estimator keeps three curves, one value per epoch:

- ``data_loss_curve_``: the (sample-weighted) mean cross-entropy;
- ``regularization_loss_curve_``: the L1/L2 penalty of all layers;
- ``loss_curve_``: their sum, the quantity the optimizer minimizes.

With ``early_stopping=True`` it also keeps ``validation_scores_``, the accuracy
on a held-out ``validation_fraction`` after each epoch. Training stops once
more than ``n_iter_no_change`` consecutive epochs failed to beat the best
score by ``tol``, and the weights of the best epoch are restored.
"""

# %%
# A small, noisy problem
# ----------------------
# 800 samples (200 kept for testing), 40 features of which 5 are
# informative, 10% of the labels flipped: a network can memorize the training
# set long after it stops generalizing.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier

X, y = make_classification(
    n_samples=800,
    n_features=40,
    n_informative=5,
    n_redundant=0,
    flip_y=0.1,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=200, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# %%
# The three loss curves
# ---------------------
# With an L2 penalty the two parts of the loss move in opposite directions at
# first: the data loss falls as the weights grow, which raises the penalty.
# 100 epochs is not enough for the loss to stop improving by ``tol``; the
# convergence warning that says so is silenced here.
clf = BinaryMLPClassifier(
    hidden_layer_sizes=(64,),
    weight_regularizer_l2=1e-3,
    learning_rate=0.005,
    max_iter=100,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf.fit(X_train, y_train)

epochs = np.arange(1, clf.n_iter_ + 1)
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(epochs, clf.loss_curve_, label="loss_curve_ (total)")
ax.plot(epochs, clf.data_loss_curve_, linestyle="--", label="data_loss_curve_")
ax.plot(
    epochs,
    clf.regularization_loss_curve_,
    linestyle=":",
    label="regularization_loss_curve_",
)
ax.set_xlabel("epoch")
ax.set_ylabel("loss")
ax.set_title("loss = data loss + regularization loss")
ax.legend()
fig.tight_layout()
plt.show()

# The total is exactly the sum of the parts:
parts = np.add(clf.data_loss_curve_, clf.regularization_loss_curve_)
print(np.allclose(clf.loss_curve_, parts))
print(
    f"training accuracy {clf.score(X_train, y_train):.3f}, "
    f"test accuracy {clf.score(X_test, y_test):.3f}"
)

# %%
# Early stopping
# --------------
# A stratified 20% of the training data is held out. Its accuracy peaks, then
# stalls while the training loss keeps falling; ``n_iter_no_change=15`` epochs
# later training stops, and the weights of the best epoch come back.
clf_es = BinaryMLPClassifier(
    hidden_layer_sizes=(64,),
    learning_rate=0.005,
    early_stopping=True,
    validation_fraction=0.2,
    n_iter_no_change=15,
    max_iter=300,
    random_state=0,
)
clf_es.fit(X_train, y_train)

scores = np.asarray(clf_es.validation_scores_)
best_epoch = int(np.argmax(scores)) + 1  # the first epoch with the best score
print(
    f"stopped after {clf_es.n_iter_} epochs; best validation accuracy "
    f"{clf_es.best_validation_score_:.3f} at epoch {best_epoch}"
)
print(f"test accuracy of the restored model: {clf_es.score(X_test, y_test):.3f}")

epochs = np.arange(1, clf_es.n_iter_ + 1)
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(epochs, scores, marker=".", color="C2", label="validation_scores_")
ax.axvline(
    best_epoch,
    color="C3",
    linestyle="--",
    label=f"best epoch ({best_epoch}), weights restored",
)
ax.axvspan(
    best_epoch,
    clf_es.n_iter_,
    color="0.92",
    label="n_iter_no_change epochs without improvement",
)
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
ax2 = ax.twinx()
ax2.plot(epochs, clf_es.loss_curve_, color="C0", alpha=0.6, label="loss_curve_")
ax2.set_ylabel("training loss")
handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
ax.legend(handles=handles, loc="center right")
ax.set_title("early_stopping=True")
fig.tight_layout()
plt.show()

# %%
# With ``early_stopping``, ``best_loss_`` is ``None`` (the stopping rule watches
# the validation score, not the training loss), as in scikit-learn.
print(clf_es.best_loss_, clf.best_loss_)

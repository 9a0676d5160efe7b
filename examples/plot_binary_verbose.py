"""
=======================================
Training output with ``verbose=1``
=======================================

With ``verbose=1``, :class:`~skmlp.BinaryMLPClassifier` and
:class:`~skmlp.MulticlassMLPClassifier` print the design notebook's line after
every epoch: the training accuracy, the total loss split into the data loss
and the regularization loss, and the current learning rate. Here a network is
trained on the breast cancer data with an L2 penalty and a decaying learning
rate, so every part of the line moves.
"""

# %%
# A verbose fit
# -------------
import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

clf = BinaryMLPClassifier(
    hidden_layer_sizes=(64,),
    weight_regularizer_l2=1e-3,
    bias_regularizer_l2=1e-3,
    learning_rate=0.01,
    learning_rate_decay=0.05,
    max_iter=25,
    random_state=0,
    verbose=1,
)
clf.fit(X_train, y_train)
print(f"Test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# ``lr`` is the rate :math:`\eta_t = \eta_0 / (1 + \text{decay} \cdot t)`
# used by the epoch's last optimizer step, :math:`t` counting the steps taken
# before it. ``batch_size="auto"`` is 200 samples, so the 426 training samples
# make three minibatches per epoch: the last step of epoch 1 has :math:`t = 2`
# and :math:`\eta_2 = 0.01 / (1 + 0.05 \cdot 2) = 0.00909`. Reaching
# ``max_iter`` before the loss stops improving emits a
# :class:`~sklearn.exceptions.ConvergenceWarning`.
#
# With ``early_stopping=True`` the line also reports the accuracy on the
# held-out validation fraction:
clf_es = BinaryMLPClassifier(
    hidden_layer_sizes=(64,),
    learning_rate=0.01,
    early_stopping=True,
    validation_fraction=0.2,
    n_iter_no_change=3,
    random_state=0,
    verbose=1,
)
clf_es.fit(X_train, y_train)

# %%
# Every number of the verbose line is kept
# ----------------------------------------
# The fitted estimator keeps the per-epoch values: ``loss_curve_`` is the sum
# of ``data_loss_curve_`` and ``regularization_loss_curve_``.
fig, ax = plt.subplots(figsize=(6, 4))
epochs = range(1, clf.n_iter_ + 1)
ax.plot(epochs, clf.loss_curve_, marker="o", label="loss")
ax.plot(epochs, clf.data_loss_curve_, marker=".", label="data_loss")
ax.plot(epochs, clf.regularization_loss_curve_, marker=".", label="reg_loss")
ax.set_xlabel("epoch")
ax.set_ylabel("loss")
ax.set_title("The columns of the verbose line, per epoch")
ax.legend()
fig.tight_layout()
plt.show()

"""
==========================================
Imbalanced classes: weighting the rare one
==========================================

With 6% positives, an unweighted network learns that predicting "negative"
for everyone gives a low loss and an accuracy of 94%, and finds no positive.
``class_weight="balanced"`` gives each class the same total weight in the
loss; a dict sets the weights yourself. See :doc:`/guide/class_imbalance`.
"""

# %%
# The data and two networks
# -------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    balanced_accuracy_score,
    precision_score,
    recall_score,
)
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier

X, y = make_classification(
    n_samples=2000,
    n_features=10,
    n_informative=4,
    weights=[0.95],
    flip_y=0.02,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
print("training samples per class:", np.bincount(y_train))


def network(class_weight=None):
    return make_pipeline(
        StandardScaler(),
        BinaryMLPClassifier(
            hidden_layer_sizes=(16,),
            weight_regularizer_l2=1e-2,
            learning_rate=0.01,
            class_weight=class_weight,
            random_state=0,
        ),
    )


models = {
    "class_weight=None": network().fit(X_train, y_train),
    'class_weight="balanced"': network("balanced").fit(X_train, y_train),
}

# %%
# Confusion matrices
# ------------------
# Rows are the true classes, columns the predictions. Unweighted, the
# positives (class 1) are all predicted negative; weighted, two in three are
# found, at the price of false alarms in the top right corner.
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, (name, model) in zip(axes, models.items()):
    ConfusionMatrixDisplay.from_estimator(
        model, X_test, y_test, ax=ax, colorbar=False
    )
    predicted = model.predict(X_test)
    ax.set_title(
        f"{name}\naccuracy {model.score(X_test, y_test):.2f}, "
        f"balanced accuracy {balanced_accuracy_score(y_test, predicted):.2f}"
    )
fig.tight_layout()
plt.show()

# %%
# What the weights do to the probabilities
# ----------------------------------------
# The predicted probability of the positive class, for the test samples of
# each true class. Without weights, even the positives get low
# probabilities, all below the 0.5 threshold; the weights move the whole
# distribution up, the positives more than the negatives.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
bins = np.linspace(0, 1, 26)
for ax, (name, model) in zip(axes, models.items()):
    proba = model.predict_proba(X_test)[:, 1]
    ax.hist(proba[y_test == 0], bins=bins, alpha=0.6, density=True,
            label="true negatives (class 0)")
    ax.hist(proba[y_test == 1], bins=bins, alpha=0.6, density=True,
            label="true positives (class 1)")
    ax.axvline(0.5, color="k", linestyle="--", linewidth=1)
    ax.set_xlabel("predict_proba, class 1")
    ax.set_title(name)
axes[0].set_ylabel("density")
axes[0].legend()
fig.tight_layout()
plt.show()

# %%
# Choosing the weight yourself
# ----------------------------
# "balanced" weighs a positive about 16 times a negative here. A dict
# ``{0: 1, 1: w}`` sets that ratio directly: the larger ``w``, the more
# positives are found (recall) and the more of the alarms are false (lower
# precision). Which point is right depends on what each error costs.
ratios = [1, 2, 4, 8, 16, 32]
recalls, precisions = [], []
for w in ratios:
    predicted = network({0: 1, 1: w}).fit(X_train, y_train).predict(X_test)
    recalls.append(recall_score(y_test, predicted))
    precisions.append(precision_score(y_test, predicted, zero_division=0.0))
    print(f"w = {w:2d}: recall {recalls[-1]:.2f}, precision {precisions[-1]:.2f}")

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(ratios, recalls, marker="o", label="recall (positives found)")
ax.plot(ratios, precisions, marker="s", label="precision (alarms that are right)")
ax.set_xscale("log", base=2)
ax.set_xlabel("weight of a positive sample, class_weight={0: 1, 1: w}")
ax.set_ylim(-0.02, 1.02)
ax.set_title("The trade-off the class weight sets")
ax.legend()
fig.tight_layout()
plt.show()

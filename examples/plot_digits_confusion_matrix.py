"""
=====================================
Handwritten digits: confusion matrix
=====================================

:class:`~skmlp.MulticlassMLPClassifier` has one softmax unit per class and
trains on the categorical cross-entropy. Here it learns scikit-learn's 8x8
handwritten digits, and :class:`~sklearn.metrics.ConfusionMatrixDisplay` shows
which digits it still confuses on held-out images.
"""

# %%
# Train on three quarters of the digits
# -------------------------------------
# The pixel values run from 0 to 16; dividing by 16 puts them in [0, 1].
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay, classification_report
from sklearn.model_selection import train_test_split

from skmlp import MulticlassMLPClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

# 30 epochs are enough here; the warning that the loss is still improving is
# expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
clf = MulticlassMLPClassifier(
    hidden_layer_sizes=(64,),
    weight_regularizer_l2=1e-4,
    learning_rate=0.01,
    max_iter=30,
    n_iter_no_change=5,
    random_state=0,
)
clf.fit(X_train, y_train)
print(f"{clf.n_iter_} epochs, test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# ``predict_proba`` has one column per class, each row summing to one:
print(clf.classes_)
print(clf.predict_proba(X_test[:2]).round(3))

# %%
# The confusion matrix
# --------------------
# Rows are the true digits, columns the predicted ones; everything off the
# diagonal is a mistake.
fig, ax = plt.subplots(figsize=(6, 6))
ConfusionMatrixDisplay.from_estimator(clf, X_test, y_test, ax=ax, colorbar=False)
ax.set_title("MulticlassMLPClassifier on held-out digits")
fig.tight_layout()
plt.show()

# %%
print(classification_report(y_test, clf.predict(X_test), digits=3))

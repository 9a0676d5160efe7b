"""
=====================================
Saving and loading a model
=====================================

A fitted skmlp estimator, or a pipeline that contains one, is saved with
:func:`joblib.dump` (or :mod:`pickle`) and loaded back with
:func:`joblib.load`, in the same process or in a new one, with identical
predictions. The pickle holds only arrays and plain Python values: the
weights, the optimizer state (so ``warm_start`` and ``partial_fit`` can
continue), the per-epoch curves and the skmlp version. Loading a model saved
by another skmlp version emits :class:`~skmlp.InconsistentVersionWarning`.
"""

# %%
# Fit a model
# -----------
import os
import subprocess
import sys
import tempfile
import warnings

import joblib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skmlp import MulticlassMLPClassifier

# Ten epochs are enough for this example; the convergence warning is expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
model = make_pipeline(
    MinMaxScaler(),
    MulticlassMLPClassifier(
        hidden_layer_sizes=(32,),
        learning_rate=0.01,
        max_iter=10,
        random_state=0,
    ),
)
model.fit(X, y)
proba = model.predict_proba(X)

# %%
# Save it and load it back
# ------------------------
# A temporary directory keeps this example from leaving files behind.
tmp = tempfile.TemporaryDirectory()
path = os.path.join(tmp.name, "digits_model.joblib")
joblib.dump(model, path)
print(f"saved {os.path.getsize(path) / 1024:.1f} KiB")

loaded = joblib.load(path)
print("identical probabilities:", np.array_equal(loaded.predict_proba(X), proba))
print("identical labels:", np.array_equal(loaded.predict(X), model.predict(X)))

# %%
# In a fresh Python process
# -------------------------
# Nothing of the training process is needed to use the file: a new interpreter
# loads it and predicts the same labels.
code = (
    "import sys, joblib\n"
    "from sklearn.datasets import load_digits\n"
    "X, _ = load_digits(return_X_y=True)\n"
    "print(' '.join(map(str, joblib.load(sys.argv[1]).predict(X[:20]))))\n"
)
result = subprocess.run(
    [sys.executable, "-c", code, path], capture_output=True, text=True, check=True
)
print("new process:", result.stdout.strip())
print("this one:   ", " ".join(map(str, model.predict(X[:20]))))
tmp.cleanup()

# %%
# Training can continue from a loaded model
# -----------------------------------------
# The optimizer state and the loss curves are part of the pickle, so
# ``partial_fit`` (one more epoch per call) or ``warm_start=True`` picks up
# where the saved model stopped: Adam's moment estimates are not reset, and
# the loss goes on falling from where it was instead of jumping.
clf = loaded[-1]
X_scaled = loaded[0].transform(X)
before = clf.score(X_scaled, y)
saved_epochs = len(clf.loss_curve_)
for _ in range(10):
    clf.partial_fit(X_scaled, y)
print(
    f"accuracy when loaded {before:.3f}, "
    f"after 10 more epochs {clf.score(X_scaled, y):.3f}"
)

fig, ax = plt.subplots(figsize=(6, 4))
epochs = np.arange(1, len(clf.loss_curve_) + 1)
ax.plot(epochs[:saved_epochs], clf.loss_curve_[:saved_epochs], marker=".",
        label="fit, then joblib.dump")
ax.plot(epochs[saved_epochs - 1:], clf.loss_curve_[saved_epochs - 1:],
        marker=".", label="joblib.load, then partial_fit")
ax.axvline(saved_epochs, color="0.5", linestyle="--", linewidth=1)
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("Training continues across saving and loading")
ax.legend()
fig.tight_layout()
plt.show()

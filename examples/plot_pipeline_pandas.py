"""
=======================================
Pipelines and pandas DataFrames
=======================================

skmlp's estimators take pandas DataFrames like any scikit-learn estimator and
remember their column names in ``feature_names_in_``. Inside a
:class:`~sklearn.pipeline.Pipeline`, the scaler is re-fitted on every training
fold by :func:`~sklearn.model_selection.cross_val_score`, so no information
leaks from the test folds.
"""

# %%
# A DataFrame input
# -----------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MulticlassMLPClassifier

# The networks train for a fixed 60 epochs; the convergence warning is expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_wine(return_X_y=True, as_frame=True)
y = y.map({0: "class_0", 1: "class_1", 2: "class_2"})  # string labels work too
print(type(X).__name__, X.shape)
X.head()

# %%
# The pipeline
# ------------
# ``set_output(transform="pandas")`` makes the scaler return a DataFrame, so the
# classifier, too, sees the column names.
model = make_pipeline(
    StandardScaler(),
    MulticlassMLPClassifier(
        hidden_layer_sizes=(16,),
        weight_regularizer_l2=1e-3,
        learning_rate=0.01,
        max_iter=60,
        random_state=0,
    ),
).set_output(transform="pandas")

cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
scores = cross_val_score(model, X, y, cv=cv)
print("accuracy per fold:", scores.round(3))
print(f"mean accuracy: {scores.mean():.3f} +/- {scores.std():.3f}")

# %%
# Feature names
# -------------
model.fit(X, y)
clf = model[-1]
print(clf.classes_)
print(clf.feature_names_in_[:5], "...")
print((clf.feature_names_in_ == X.columns).all())

# %%
# Predictions keep the labels of ``y``, and ``predict_proba`` has one column per
# entry of ``classes_``:
proba = pd.DataFrame(model.predict_proba(X.iloc[:3]), columns=clf.classes_)
proba.insert(0, "predicted", model.predict(X.iloc[:3]))
proba.round(3)

# %%
# Which inputs does the network use?
# ----------------------------------
# A rough view: the mean size of the first-layer weights leaving each input,
# labelled with ``feature_names_in_``. (On standardized inputs the sizes are
# comparable; permutation importance is the more reliable tool.)
weight_size = pd.Series(
    np.abs(clf.coefs_[0]).mean(axis=1), index=clf.feature_names_in_
).sort_values()
fig, ax = plt.subplots(figsize=(6, 5))
weight_size.plot.barh(ax=ax, color="C0")
ax.set_xlabel("mean |w| of the outgoing first-layer weights")
ax.set_title("MulticlassMLPClassifier on the wine data")
fig.tight_layout()
plt.show()

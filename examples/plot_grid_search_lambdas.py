"""
=================================================
Grid search over the regularization lambdas
=================================================

The four lambdas of skmlp's penalty,

.. math::

    L_{reg} = \\sum_{\\text{layers}} \\lambda^w_1 \\sum |W|
        + \\lambda^w_2 \\sum W^2 + \\lambda^b_1 \\sum |b| + \\lambda^b_2 \\sum b^2,

are ordinary hyper-parameters (``weight_regularizer_l1``,
``weight_regularizer_l2``, ``bias_regularizer_l1``, ``bias_regularizer_l2``),
so :class:`~sklearn.model_selection.GridSearchCV` tunes them inside a
:class:`~sklearn.pipeline.Pipeline`, and
:class:`~sklearn.model_selection.ValidationCurveDisplay` shows how the
cross-validated accuracy responds to one of them.
"""

# %%
# The data and the pipeline
# -------------------------
# A small, noisy problem: 300 samples with 40 features of which only 5 are
# informative, and 10% of the labels flipped. A hidden layer of 64 units can
# memorize it, so the penalty has something to do.
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    ValidationCurveDisplay,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier

# The networks below train for a fixed, small number of epochs to keep the
# example fast; the warning that they have not fully converged is expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_classification(
    n_samples=400,
    n_features=40,
    n_informative=5,
    n_redundant=0,
    flip_y=0.1,
    random_state=0,
)
X, X_test, y, y_test = train_test_split(
    X, y, train_size=300, stratify=y, random_state=0
)
model = make_pipeline(
    StandardScaler(),
    BinaryMLPClassifier(
        hidden_layer_sizes=(64,),
        learning_rate=0.01,
        max_iter=60,
        random_state=0,
    ),
)
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)

# %%
# The grid search
# ---------------
# Pipeline parameters are addressed as ``<step>__<parameter>``.
param_grid = {
    "binarymlpclassifier__weight_regularizer_l2": [0.0, 1e-2, 1e-1],
    "binarymlpclassifier__weight_regularizer_l1": [0.0, 1e-2],
}
search = GridSearchCV(model, param_grid, cv=cv)
search.fit(X, y)
print("best parameters:", search.best_params_)
print(f"best cross-validated accuracy: {search.best_score_:.3f}")
print(f"held-out accuracy: {search.score(X_test, y_test):.3f}")

# %%
# Every combination, best first:
results = pd.DataFrame(search.cv_results_)
columns = [
    "param_binarymlpclassifier__weight_regularizer_l2",
    "param_binarymlpclassifier__weight_regularizer_l1",
    "mean_test_score",
    "std_test_score",
    "rank_test_score",
]
print(results[columns].sort_values("rank_test_score").to_string(index=False))

# %%
# On this problem L1 helps most: it drives the weights of the 35 uninformative
# features towards zero (see
# :ref:`sphx_glr_auto_examples_plot_l1_vs_l2.py`), and adding L2 on top
# helps a little more.

# %%
# The validation curve of the L2 lambda
# -------------------------------------
# With little regularization the network fits the training folds perfectly
# and generalizes worst; too much drives every weight towards zero and the
# network to a constant prediction (chance level). The best lambda lies in
# between.
lambdas = np.logspace(-4, 0, 7)
display = ValidationCurveDisplay.from_estimator(
    model,
    X,
    y,
    param_name="binarymlpclassifier__weight_regularizer_l2",
    param_range=lambdas,
    cv=cv,
    score_type="both",
    score_name="accuracy",
    std_display_style="fill_between",
)
display.ax_.set_xscale("log")
display.ax_.set_xlabel(r"weight_regularizer_l2 ($\lambda_2$)")
display.ax_.set_title("Validation curve of BinaryMLPClassifier")
display.figure_.tight_layout()
plt.show()

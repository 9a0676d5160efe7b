"""
======================================
Watching training with validation data
======================================

``fit`` accepts held-out validation data, ``X_val`` and ``y_val``, which is
scored after every epoch: its accuracy goes into ``validation_scores_`` and
its data loss into ``validation_loss_curve_``, next to the training curves
``loss_curve_`` = ``data_loss_curve_`` + ``regularization_loss_curve_``.
:class:`~skmlp.inspection.LossCurveDisplay` draws them all, marks the best
epoch, and follows scikit-learn's Display API.

With scikit-learn >= 1.9, the estimators also report to scikit-learn's
callback framework: a progress bar, and a score of the model after each epoch.
"""

# %%
# Digits, split three ways
# ------------------------
# A training set, a validation set that watches the training, and a test set
# that is touched once at the end. Pixels range over 0..16; dividing by 16
# puts them in [0, 1].
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skmlp import MulticlassMLPClassifier
from skmlp.inspection import LossCurveDisplay

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, stratify=y, random_state=0
)
X_train, X_val, y_train, y_val = train_test_split(
    X_train, y_train, test_size=0.2, stratify=y_train, random_state=0
)
print(f"{len(y_train)} training, {len(y_val)} validation, {len(y_test)} test samples")

# %%
# Validation data evaluated every epoch
# -------------------------------------
# Without early stopping, the validation set does not change training: it is
# only scored. The L2 penalty on the weights is part of the training loss, so
# the display shows the total loss, its data part and its regularization part;
# the validation data loss is comparable with the training *data* loss. The
# validation accuracy has its own axis on the right, and the vertical line
# marks the epoch with the best validation accuracy. 40 epochs are not enough
# for the training loss to stop improving by ``tol``; the convergence warning
# that says so is silenced here.
clf = MulticlassMLPClassifier(
    hidden_layer_sizes=(64,),
    weight_regularizer_l2=1e-4,
    learning_rate=0.005,
    max_iter=40,
    n_iter_no_change=40,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)

disp = LossCurveDisplay.from_estimator(clf)
plt.show()

print(f"best validation accuracy {clf.best_validation_score_:.3f} "
      f"at epoch {disp.best_epoch} of {clf.n_iter_}")

# %%
# The display keeps the matplotlib objects: ``disp.lines_`` holds every line
# by name, with the estimator's curves as data.
print(list(disp.lines_))
print(disp.lines_["validation_score"].get_ydata()[-3:])
print(clf.validation_scores_[-3:])

# %%
# Early stopping on the given validation set
# ------------------------------------------
# With ``early_stopping=True`` the given validation set replaces the internal
# ``validation_fraction`` split, so all the training data is trained on.
# Training stops once the validation accuracy has not improved by ``tol`` for
# more than ``n_iter_no_change`` epochs, and the weights of the best epoch come
# back. Two displays side by side, through the ``ax`` argument.
clf_es = MulticlassMLPClassifier(
    hidden_layer_sizes=(64,),
    weight_regularizer_l2=1e-4,
    learning_rate=0.005,
    early_stopping=True,
    n_iter_no_change=5,
    max_iter=200,
    random_state=0,
)
clf_es.fit(X_train, y_train, X_val=X_val, y_val=y_val)

fig, (ax_left, ax_right) = plt.subplots(1, 2, figsize=(11, 4))
LossCurveDisplay.from_estimator(clf, ax=ax_left, name="max_iter=40")
disp_es = LossCurveDisplay.from_estimator(
    clf_es, ax=ax_right, name="early_stopping=True"
)
fig.tight_layout()
plt.show()

print(f"stopped after {clf_es.n_iter_} epochs, weights of epoch "
      f"{disp_es.best_epoch} restored")
print(f"validation accuracy of the restored model: {clf_es.score(X_val, y_val):.3f}")
print(f"test accuracy: {clf_es.score(X_test, y_test):.3f}")

# %%
# A progress bar and per-epoch scores
# -----------------------------------
# scikit-learn's callbacks see a fit as a task with one ``epoch`` subtask per
# epoch (and one ``batch`` subtask per minibatch). A
# :class:`~sklearn.callback.ProgressBar` draws them (it needs ``rich``); a
# :class:`~sklearn.callback.ScoringMonitor` scores the model on the training
# data at the end of every epoch.
try:
    from sklearn.callback import ProgressBar, ScoringMonitor

    callbacks = [ProgressBar(), ScoringMonitor(scoring="accuracy")]
except ImportError as error:  # scikit-learn < 1.9, or rich missing
    callbacks = None
    print(f"Callbacks are not available here: {error}")

if callbacks is not None:
    clf_cb = MulticlassMLPClassifier(
        hidden_layer_sizes=(64,),
        learning_rate=0.005,
        max_iter=5,
        random_state=0,
    )
    clf_cb.set_callbacks(*callbacks)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # only 5 epochs
        clf_cb.fit(X_train, y_train)

    monitor = callbacks[1]
    for row in monitor.get_logs().data:
        if row["task_name"] == "epoch":
            print(f"epoch {row['task_id'] + 1}: training accuracy "
                  f"{row['accuracy']:.3f}")

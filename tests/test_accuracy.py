"""Held-out accuracy of skmlp against scikit-learn's MLPClassifier.

Both get the same network and training budget: one hidden layer of 100 ReLU
units, Adam at 0.001, minibatches of 200, the same number of epochs with the
tol stopping rule disabled (tol=0, n_iter_no_change=max_iter) and no
regularization.  On each bundled data set the mean test accuracy over five
stratified splits (the model seeded like the split) must be at least
scikit-learn's minus one percentage point.  Run with ``-s`` to see the numbers.
"""

import warnings

import numpy as np
import pytest
from fitting import same_budget
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier

pytestmark = pytest.mark.usefixtures("single_blas_thread")

# Enough epochs for both to converge on every set (at 50, wine is still moving
# and the comparison is noise); the five digits runs dominate the time.
EPOCHS = 100
SEEDS = range(5)
TOLERANCE = 0.01  # one percentage point

DATASETS = {
    "digits": (load_digits, MulticlassMLPClassifier),
    "iris": (load_iris, MulticlassMLPClassifier),
    "wine": (load_wine, MulticlassMLPClassifier),
    "breast_cancer": (load_breast_cancer, BinaryMLPClassifier),
}


def split(X, y, seed):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=seed
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.mark.parametrize("name", list(DATASETS))
def test_accuracy_matches_sklearn(name):
    load, Estimator = DATASETS[name]
    X, y = load(return_X_y=True)
    ours, theirs = [], []
    for seed in SEEDS:
        X_train, X_test, y_train, y_test = split(X, y, seed)
        model, reference = same_budget(Estimator, MLPClassifier, epochs=EPOCHS,
                                       seed=seed)
        with warnings.catch_warnings():
            # A fixed budget of epochs is the point; both warn that it ran out.
            warnings.simplefilter("ignore", ConvergenceWarning)
            # iris and wine have fewer than 200 training samples: both clip the
            # batch to the whole set and say so.
            warnings.filterwarnings("ignore", "Got `batch_size`", UserWarning)
            reference.fit(X_train, y_train)
            model.fit(X_train, y_train)
        assert model.n_iter_ == reference.n_iter_ == EPOCHS
        theirs.append(reference.score(X_test, y_test))
        ours.append(model.score(X_test, y_test))

    ours_mean, theirs_mean = float(np.mean(ours)), float(np.mean(theirs))
    print(
        f"\n{name}: skmlp {Estimator.__name__} {ours_mean:.4f}, "
        f"sklearn MLPClassifier {theirs_mean:.4f} "
        f"(mean test accuracy over {len(SEEDS)} seeds, {EPOCHS} epochs)"
    )
    assert ours_mean >= theirs_mean - TOLERANCE

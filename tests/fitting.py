"""Helpers for tests that fit estimators, most of them on all three.

The shared contract (``../shared/API.md`` sections 1, 4, 5 and 6) is tested
once, on the two classifiers and the regressor alike: the ``AnyEstimator``
fixture of ``conftest.py`` gives each class in turn, ``AnyHead`` each output
head (the regressor once per loss).  What differs between them is asked of the
helpers below, never branched on inside a test without saying why: the toy
data that suits each, the outputs to compare (``predict_proba`` of a
classifier, ``predict`` of the regressor), the metric of ``score``, and the
label of that score in the verbose line.
"""

import contextlib
import functools
import re
import warnings

import numpy as np
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier, MLPRegressor, MulticlassMLPClassifier

CLASSIFIERS = (BinaryMLPClassifier, MulticlassMLPClassifier)
ESTIMATORS = (*CLASSIFIERS, MLPRegressor)
REGRESSION_LOSSES = ("squared_error", "absolute_error", "poisson")
OPTIMIZERS = ("sgd", "adagrad", "rmsprop", "adam")


def fit_quiet(estimator, X, y, **fit_params):
    """Fit, ignoring the ConvergenceWarning of runs cut short on purpose."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **fit_params)


@contextlib.contextmanager
def no_convergence_warning():
    """Make any ConvergenceWarning an error, except the regressor's own warning
    that it fits the training targets no better than a constant (a check of
    the fit's quality the classifiers do not make; ``test_regressor.py`` tests
    it), which a deliberately short run may well deserve."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.filterwarnings(
            "ignore", "MLPRegressor fits the training targets no better than a "
            "constant", ConvergenceWarning)
        yield


# -- which estimator --------------------------------------------------------------


def regressor_with_loss(loss):
    """``MLPRegressor`` with ``loss`` fixed: called like the class itself."""
    make = functools.partial(MLPRegressor, loss=loss)
    make.__name__ = f"MLPRegressor-{loss}"
    return make


# Every output head: sigmoid, softmax, and the regressor's three losses.
HEADS = (*CLASSIFIERS, *(regressor_with_loss(loss) for loss in REGRESSION_LOSSES))


def estimator_class(Est):
    """The class behind an estimator, a class, or a ``regressor_with_loss``."""
    if isinstance(Est, functools.partial):
        return Est.func
    return Est if isinstance(Est, type) else type(Est)


def is_regressor(Est):
    return issubclass(estimator_class(Est), MLPRegressor)


def loss_of(Est):
    """The regression loss an estimator (or stand-in for its class) trains."""
    if isinstance(Est, functools.partial):
        return Est.keywords["loss"]
    return getattr(Est, "loss", "squared_error")


# -- data ---------------------------------------------------------------------------


def toy_data(Est, n_samples=200, *, random_state=0, noisy=False, n_targets=1,
             **classification):
    """Scaled toy data that ``Est`` learns in a few epochs.

    Classifiers: 8 features and two classes for the binary, three for the
    multiclass (``classification`` overrides ``make_classification``'s
    arguments).  The regressor: 6 features and ``n_targets`` targets of unit
    scale, or counts whose log-rate is linear in X when it trains the Poisson
    loss.  ``noisy`` flips 30% of the labels (of barely separated classes), or
    adds noise of unit scale to the targets.  The first feature is unique to
    each sample in every case, so a sample can be recognised by it.
    """
    if is_regressor(Est):
        X, y = make_regression(
            n_samples=n_samples, n_features=6, n_informative=4,
            n_targets=n_targets, noise=5.0, random_state=random_state,
        )
        X = StandardScaler().fit_transform(X)
        y = y / y.std()
        if loss_of(Est) == "poisson":
            rate = np.exp(0.5 * X[:, :1] + 0.3 * X[:, 1:2]) * np.ones((1, n_targets))
            y = np.random.default_rng(random_state).poisson(rate).astype(float)
            y = y.ravel() if n_targets == 1 else y
        elif noisy:
            y = y + np.random.default_rng(1).normal(scale=1.0, size=y.shape)
        return X, y
    params = dict(
        n_samples=n_samples,
        n_features=8,
        n_informative=5,
        n_redundant=0,
        n_classes=2 if estimator_class(Est) is BinaryMLPClassifier else 3,
        n_clusters_per_class=1,
        class_sep=1.5,
        random_state=random_state,
    )
    if noisy:
        params.update(flip_y=0.3, class_sep=0.8)
    params.update(classification)
    X, y = make_classification(**params)
    return StandardScaler().fit_transform(X), y


# -- what differs between the siblings ---------------------------------------------


def outputs(est, X):
    """The prediction to compare: probabilities, or the regressor's values."""
    return est.predict(X) if is_regressor(est) else est.predict_proba(X)


def score_function(Est):
    """The metric ``score`` is: R² for the regressor, accuracy otherwise."""
    return r2_score if is_regressor(Est) else accuracy_score


def score_label(Est):
    """How the verbose line names the score."""
    return "r2" if is_regressor(Est) else "acc"


def prediction_methods(Est):
    """The methods that take X and predict."""
    if is_regressor(Est):
        return ["predict"]
    return ["predict", "predict_proba", "predict_log_proba", "decision_function"]


def partial_fit_kwargs(Est, y):
    """What a first ``partial_fit`` needs besides X and y."""
    return {} if is_regressor(Est) else {"classes": np.unique(y)}


def epoch_line(Est):
    """The notebook's verbose line (API.md sections 3 and 6) as a regex."""
    label = score_label(Est)
    # Accuracy is in [0, 1]; R² may be negative and below -1.
    score = r"-?\d+\.\d{3}" if is_regressor(Est) else r"\d\.\d{3}"
    return re.compile(
        rf"^epoch: (?P<epoch>\d+), {label}: (?P<score>{score}), "
        r"loss: (?P<loss>\d+\.\d{3}) \(data_loss: (?P<data_loss>\d+\.\d{3}), "
        r"reg_loss: (?P<reg_loss>\d+\.\d{3})\), "
        rf"lr: (?P<lr>\S+?)(?:, val_{label}: (?P<val_score>{score}))?$"
    )


def same_budget(Est, Reference, *, epochs, seed, **extra):
    """skmlp's ``Est`` and scikit-learn's ``Reference`` (its MLPClassifier or
    MLPRegressor) with the same network and training budget: one hidden layer
    of 100 ReLU units, Adam at 0.001, minibatches of 200, ``epochs`` epochs with
    the tol stopping rule disabled, no regularization."""
    common = dict(hidden_layer_sizes=(100,), activation="relu", batch_size=200,
                  max_iter=epochs, tol=0.0, n_iter_no_change=epochs,
                  random_state=seed, **extra)
    return (Est(optimizer="adam", learning_rate=0.001, **common),
            Reference(solver="adam", learning_rate_init=0.001, alpha=0.0, **common))


# -- comparing fitted models ---------------------------------------------------------


def assert_same_weights(a, b):
    """Every weight and bias of two models equal, bit for bit and in dtype."""
    for p, q in zip([*a.coefs_, *a.intercepts_], [*b.coefs_, *b.intercepts_],
                    strict=True):
        assert_array_equal(p, q, strict=True)


def weights_differ(a, b):
    return any(
        not np.array_equal(p, q)
        for p, q in zip([*a.coefs_, *a.intercepts_], [*b.coefs_, *b.intercepts_])
    )


def fitted_state(est, X=None):
    """Every fitted quantity a failed call must leave untouched, copied; with
    ``X``, also the outputs on it."""
    state = {
        "attributes": sorted(vars(est)),
        "coefs_": [w.copy() for w in est.coefs_],
        "intercepts_": [b.copy() for b in est.intercepts_],
        "n_features_in_": est.n_features_in_,
        "n_outputs_": est.n_outputs_,
        "n_iter_": est.n_iter_,
        "t_": est.t_,
        "loss_curve_": list(est.loss_curve_),
        "data_loss_curve_": list(est.data_loss_curve_),
        "regularization_loss_curve_": list(est.regularization_loss_curve_),
        "validation_scores_": est.validation_scores_,
        "validation_loss_curve_": est.validation_loss_curve_,
        "best_loss_": est.best_loss_,
        "best_validation_score_": est.best_validation_score_,
    }
    if hasattr(est, "feature_names_in_"):
        state["feature_names_in_"] = est.feature_names_in_.copy()
    if not is_regressor(est):
        state["classes_"] = est.classes_.copy()
    if X is not None:
        state["outputs"] = outputs(est, X)
    return state


def assert_same_state(before, after):
    assert before.keys() == after.keys()
    for key in before:
        if key in ("coefs_", "intercepts_"):
            assert len(after[key]) == len(before[key])
            for a, b in zip(before[key], after[key], strict=True):
                assert_array_equal(a, b, strict=True)  # dtype and bits
        elif isinstance(before[key], np.ndarray):
            assert_array_equal(after[key], before[key], strict=True, err_msg=key)
        else:
            assert after[key] == before[key], key

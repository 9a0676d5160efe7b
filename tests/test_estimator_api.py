"""The public contract of the three estimators (API.md sections 1 and 6).

Whatever the classifiers and the regressor share is tested on all three
through the same parametrized test, so the siblings cannot drift apart.
Training behaviour (stopping rules, warm starts, partial_fit, weights,
verbose output) lives in ``test_training.py``; this module covers parameters,
validation, fitted attributes, dtypes and failed fits on all three (sparse
input and early stopping are in ``test_training.py``), and the classifiers'
own shapes, labels, error messages and tags.
"""

import inspect
import re

import numpy as np
import pandas as pd
import pytest
from fitting import (
    CLASSIFIERS,
    ESTIMATORS,
    assert_same_state,
    fitted_state,
    is_regressor,
    outputs,
    partial_fit_kwargs,
)
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, logit, softmax
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_iris,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import DataConversionWarning, NotFittedError
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_is_fitted

from skmlp import BinaryMLPClassifier, MLPRegressor, MulticlassMLPClassifier

# Short fits are the point here: the contract is about shapes and bookkeeping,
# not about reaching convergence.
pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

# API.md section 1, "Constructor parameters", copied by hand: a change of a
# name or a default must be a deliberate change of this table too.
API_DEFAULTS = {
    "hidden_layer_sizes": (100,),
    "activation": "relu",
    "weight_regularizer_l1": 0.0,
    "weight_regularizer_l2": 0.0,
    "bias_regularizer_l1": 0.0,
    "bias_regularizer_l2": 0.0,
    "dropout": 0.0,
    "optimizer": "adam",
    "learning_rate": 0.001,
    "learning_rate_decay": 0.0,
    "momentum": 0.9,
    "rho": 0.9,
    "beta_1": 0.9,
    "beta_2": 0.999,
    "epsilon": 1e-7,
    "batch_size": "auto",
    "max_iter": 200,
    "tol": 1e-4,
    "n_iter_no_change": 10,
    "early_stopping": False,
    "validation_fraction": 0.1,
    "shuffle": True,
    "class_weight": None,
    "random_state": None,
    "verbose": 0,
    "warm_start": False,
}

# A valid value different from the default for every parameter.
NON_DEFAULTS = {
    "hidden_layer_sizes": (7, 3),
    "activation": "tanh",
    "weight_regularizer_l1": 1e-4,
    "weight_regularizer_l2": [1e-3, 0.0, 2e-3],
    "bias_regularizer_l1": 2e-4,
    "bias_regularizer_l2": 3e-4,
    "dropout": 0.25,
    "optimizer": "rmsprop",
    "learning_rate": 0.02,
    "learning_rate_decay": 1e-3,
    "momentum": 0.5,
    "rho": 0.8,
    "beta_1": 0.8,
    "beta_2": 0.99,
    "epsilon": 1e-8,
    "batch_size": 16,
    "max_iter": 7,
    "tol": 1e-3,
    "n_iter_no_change": 4,
    "early_stopping": True,
    "validation_fraction": 0.2,
    "shuffle": False,
    "class_weight": "balanced",
    "random_state": 3,
    "verbose": 1,
    "warm_start": True,
}


def api_defaults(Est):
    """API.md's defaults for ``Est``: the regressor has ``loss`` (section 6)
    where the classifiers have ``class_weight``."""
    if is_regressor(Est):
        defaults = {"loss": "squared_error", **API_DEFAULTS}
        del defaults["class_weight"]
        return defaults
    return API_DEFAULTS


def non_defaults(Est):
    if is_regressor(Est):
        values = {"loss": "poisson", **NON_DEFAULTS}
        del values["class_weight"]
        return values
    return NON_DEFAULTS


REGULARIZERS = [
    "weight_regularizer_l1",
    "weight_regularizer_l2",
    "bias_regularizer_l1",
    "bias_regularizer_l2",
]

# The shared tiny configuration of the fits below.
FAST = {"hidden_layer_sizes": (6,), "learning_rate": 0.01, "max_iter": 15,
        "random_state": 0}


# -- data --------------------------------------------------------------------
@pytest.fixture(scope="module")
def binary_data():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def multiclass_data():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def regression_data():
    X, y = make_regression(n_samples=200, n_features=8, n_informative=5,
                           noise=5.0, random_state=0)
    return StandardScaler().fit_transform(X), y / y.std()


@pytest.fixture
def any_data(AnyEstimator, binary_data, regression_data):
    """Data for ``AnyEstimator``: a binary problem for both classifiers, a
    regression for the regressor."""
    return regression_data if is_regressor(AnyEstimator) else binary_data


@pytest.fixture(scope="module")
def multilabel_data():
    X, Y = make_multilabel_classification(
        n_samples=120, n_features=8, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), Y


@pytest.fixture(scope="module")
def fitted(binary_data, multiclass_data, multilabel_data, regression_data):
    """One fitted model per (estimator, problem) the contract allows, with two
    hidden layers so that every list attribute has more than two entries."""
    params = {"hidden_layer_sizes": (6, 4), "max_iter": 12, "random_state": 0}
    cases = {
        ("BinaryMLPClassifier", "binary"): (BinaryMLPClassifier, binary_data),
        ("MulticlassMLPClassifier", "binary"): (MulticlassMLPClassifier, binary_data),
        ("MulticlassMLPClassifier", "multiclass"): (
            MulticlassMLPClassifier,
            multiclass_data,
        ),
        ("BinaryMLPClassifier", "multilabel"): (BinaryMLPClassifier, multilabel_data),
        ("MLPRegressor", "regression"): (MLPRegressor, regression_data),
        ("MLPRegressor", "two targets"): (
            MLPRegressor,
            (regression_data[0], np.c_[regression_data[1], -regression_data[1]]),
        ),
    }
    return {
        key: (Est(**params).fit(X, y), X, y) for key, (Est, (X, y)) in cases.items()
    }


FITTED_CASES = [
    ("BinaryMLPClassifier", "binary"),
    ("MulticlassMLPClassifier", "binary"),
    ("MulticlassMLPClassifier", "multiclass"),
    ("BinaryMLPClassifier", "multilabel"),
]
REGRESSION_CASES = [("MLPRegressor", "regression"), ("MLPRegressor", "two targets")]


def _n_outputs(key, y):
    name, problem = key
    if problem == "binary":
        return 1 if name == "BinaryMLPClassifier" else 2
    if problem == "multiclass":
        return len(np.unique(y))
    return 1 if y.ndim == 1 else y.shape[1]  # labels or targets


# -- constructor ---------------------------------------------------------------
def test_constructor_parameters_have_documented_defaults(AnyEstimator):
    signature = inspect.signature(AnyEstimator)
    defaults = api_defaults(AnyEstimator)
    assert set(signature.parameters) == set(defaults)
    for name, parameter in signature.parameters.items():
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, name
        default = parameter.default
        # The type matters too: 0.0 documented as a float must not be int 0.
        assert type(default) is type(defaults[name]), name
        assert default == defaults[name], name


def test_positional_arguments_are_rejected(AnyEstimator):
    with pytest.raises(TypeError):
        AnyEstimator((10,))


def test_the_estimators_share_one_signature():
    assert inspect.signature(BinaryMLPClassifier) == inspect.signature(
        MulticlassMLPClassifier
    )
    # The regressor's is the same but for loss in place of class_weight.
    classifier = dict(inspect.signature(BinaryMLPClassifier).parameters)
    regressor = dict(inspect.signature(MLPRegressor).parameters)
    del classifier["class_weight"]
    del regressor["loss"]
    assert list(regressor.values()) == list(classifier.values())


def test_get_params_set_params_round_trip(AnyEstimator):
    defaults, others = api_defaults(AnyEstimator), non_defaults(AnyEstimator)
    est = AnyEstimator()
    assert est.get_params() == defaults
    assert est.set_params(**others) is est
    assert est.get_params() == others
    # The values are stored as given (no copy, no conversion in __init__ or
    # set_params), which clone relies on.
    for name, value in others.items():
        assert getattr(est, name) is value
    assert AnyEstimator(**others).get_params() == others
    assert clone(est).get_params() == others


def test_set_params_rejects_unknown_parameter(AnyEstimator):
    with pytest.raises(ValueError, match="alpha"):
        AnyEstimator().set_params(alpha=1.0)


# -- parameter validation ---------------------------------------------------
INVALID_PARAMETERS = [
    ("hidden_layer_sizes", (0,)),
    ("hidden_layer_sizes", (5, -1)),
    ("hidden_layer_sizes", (5.5,)),
    ("hidden_layer_sizes", "5"),
    ("activation", "softmax"),
    ("activation", "leaky_relu"),
    *[
        (name, value)
        for name in REGULARIZERS
        for value in (
            -1.0,
            float("nan"),
            float("inf"),
            [0.0, -0.5],  # a negative entry
            [0.1, 0.1, 0.1],  # three values for two Dense layers
            [0.1],  # one value for two Dense layers
            ["a", 0.1],  # a non-numeric entry
        )
    ],
    ("dropout", 1.0),
    ("dropout", -0.1),
    ("optimizer", "lbfgs"),
    ("optimizer", "Adam"),
    ("learning_rate", 0),
    ("learning_rate", -0.01),
    ("learning_rate_decay", -1e-3),
    ("momentum", -0.1),
    ("momentum", 1.5),
    ("rho", 1.0),
    ("rho", -0.1),
    ("beta_1", 1.0),
    ("beta_2", -0.1),
    ("epsilon", 0.0),
    ("batch_size", 0),
    ("batch_size", "full"),
    ("batch_size", 2.5),
    ("max_iter", 0),
    ("tol", -1e-4),
    ("n_iter_no_change", 0),
    ("early_stopping", "yes"),
    ("validation_fraction", 0.0),
    ("validation_fraction", 1.0),
    ("shuffle", "no"),
    ("random_state", "seed"),
    ("verbose", -1),
    ("warm_start", "yes"),
]
# The parameters only one kind of estimator has.
OWN_INVALID_PARAMETERS = {
    "classifier": [("class_weight", "auto")],
    "regressor": [("loss", "log_loss"), ("loss", "Squared_error"), ("loss", None)],
}
INVALID_PARAMETER_CASES = [
    pytest.param(Est, name, value, id=f"{Est.__name__}-{name}={value!r}")
    for Est in ESTIMATORS
    for name, value in INVALID_PARAMETERS + OWN_INVALID_PARAMETERS[
        "regressor" if is_regressor(Est) else "classifier"]
]


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize(("Est", "name", "value"), INVALID_PARAMETER_CASES)
def test_invalid_parameter_raises_naming_it(
    Est, name, value, method, binary_data, regression_data
):
    X, y = regression_data if is_regressor(Est) else binary_data
    params = {"hidden_layer_sizes": (3,), "max_iter": 2, name: value}
    # Construction only stores; the check happens at fit.
    est = Est(**params)
    assert getattr(est, name) is value
    kwargs = partial_fit_kwargs(Est, y) if method == "partial_fit" else {}
    with pytest.raises(ValueError, match=rf"\b{name}\b") as error:
        getattr(est, method)(X[:40], y[:40], **kwargs)
    # API.md: "through scikit-learn's parameter validation".
    assert isinstance(error.value, InvalidParameterError)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


# -- per-layer regularization ----------------------------------------------
@pytest.mark.parametrize("small_layer", [1, 0], ids=["output", "hidden"])
def test_per_layer_weight_l2_shrinks_only_its_layer(
    AnyEstimator, small_layer, any_data
):
    X, y = any_data
    # The regressor's outputs must keep the targets' unit scale, which the
    # penalized layer's weights carry in part: it takes a larger lambda, and
    # more epochs, for the other layer to take that over.
    lam, epochs = (10.0, 200) if is_regressor(AnyEstimator) else (1.0, 40)
    lambdas = [0.0, lam] if small_layer == 1 else [lam, 0.0]
    params = {**FAST, "hidden_layer_sizes": (5,), "max_iter": epochs}
    free = AnyEstimator(**params).fit(X, y)
    penalized = AnyEstimator(**params, weight_regularizer_l2=lambdas).fit(X, y)
    norms_free = [np.sum(w**2) for w in free.coefs_]
    norms = [np.sum(w**2) for w in penalized.coefs_]
    other = 1 - small_layer
    # A large lambda on a layer crushes its weights ...
    assert norms[small_layer] < 0.1 * norms_free[small_layer]
    # ... and does not shrink the unpenalized one (it grows to compensate).
    assert norms[other] > 0.5 * norms_free[other]
    # The penalty counts only the chosen layer (the curve averages it over
    # the last epoch's steps, during which the weights barely move).
    assert penalized.regularization_loss_curve_[-1] == pytest.approx(
        lam * norms[small_layer], rel=0.02
    )
    assert norms[small_layer] < 0.02 * norms[other]


@pytest.mark.parametrize("container", [list, tuple, np.asarray])
@pytest.mark.parametrize("name", REGULARIZERS)
def test_per_layer_lambda_sequence_enters_the_penalty(
    AnyEstimator, name, container, any_data
):
    X, y = any_data
    lambdas = container([0.01, 0.1, 0.3])
    params = {**FAST, "hidden_layer_sizes": (5, 4), "batch_size": None, name: lambdas}
    est = AnyEstimator(**{**params, "max_iter": 3}).fit(X, y)
    # With one step per epoch, the last epoch's penalty is measured at the
    # weights of two steps: the final weights of a fit one epoch shorter.
    shorter = AnyEstimator(**{**params, "max_iter": 2}).fit(X, y)
    params = shorter.coefs_ if name.startswith("weight") else shorter.intercepts_
    if name.endswith("l1"):
        penalties = [np.abs(p).sum() for p in params]
    else:
        penalties = [np.square(p).sum() for p in params]
    expected = sum(lam * pen for lam, pen in zip([0.01, 0.1, 0.3], penalties))
    assert est.regularization_loss_curve_[-1] == pytest.approx(expected, rel=1e-10)


# -- output shapes and their relations ---------------------------------------
@pytest.mark.parametrize("key", FITTED_CASES, ids="-".join)
def test_predict_proba_shape_and_normalisation(fitted, key):
    est, X, y = fitted[key]
    proba = est.predict_proba(X)
    n_samples = X.shape[0]
    if key[1] == "multilabel":
        assert proba.shape == (n_samples, y.shape[1])
        # Independent sigmoids: rows need not sum to 1.
        assert np.all((proba >= 0) & (proba <= 1))
    else:
        assert proba.shape == (n_samples, len(np.unique(y)))
        assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
        assert np.all(proba >= 0)


@pytest.mark.parametrize("key", FITTED_CASES, ids="-".join)
def test_predict_is_argmax_of_predict_proba(fitted, key):
    est, X, _ = fitted[key]
    proba = est.predict_proba(X)
    if key[1] == "multilabel":
        assert_array_equal(est.predict(X), (proba > 0.5).astype(int))
    else:
        assert_array_equal(est.predict(X), est.classes_[proba.argmax(axis=1)])


def test_binary_decision_function_is_logit_of_positive_class(fitted):
    est, X, _ = fitted["BinaryMLPClassifier", "binary"]
    scores = est.decision_function(X)
    assert scores.shape == (X.shape[0],)
    assert_allclose(scores, logit(est.predict_proba(X)[:, 1]), rtol=1e-7, atol=1e-9)
    assert_array_equal(est.predict(X), est.classes_[(scores > 0).astype(int)])


def test_multiclass_two_class_decision_function_is_logit_difference(fitted):
    est, X, _ = fitted["MulticlassMLPClassifier", "binary"]
    scores = est.decision_function(X)
    assert scores.shape == (X.shape[0],)
    proba = est.predict_proba(X)
    # z1 - z0 = log(p1 / p0) for a softmax over two logits.
    assert_allclose(scores, np.log(proba[:, 1] / proba[:, 0]), rtol=1e-7, atol=1e-9)
    assert_array_equal(est.predict(X), est.classes_[(scores > 0).astype(int)])


def test_multiclass_decision_function_is_the_logits(fitted):
    est, X, y = fitted["MulticlassMLPClassifier", "multiclass"]
    scores = est.decision_function(X)
    assert scores.shape == (X.shape[0], len(np.unique(y)))
    assert_allclose(softmax(scores, axis=1), est.predict_proba(X), rtol=1e-10)


def test_multilabel_decision_function_is_one_logit_per_label(fitted):
    est, X, Y = fitted["BinaryMLPClassifier", "multilabel"]
    scores = est.decision_function(X)
    assert scores.shape == Y.shape
    assert_allclose(expit(scores), est.predict_proba(X), rtol=1e-10)


@pytest.mark.parametrize("key", FITTED_CASES, ids="-".join)
def test_predict_log_proba_is_log_of_predict_proba(fitted, key):
    est, X, _ = fitted[key]
    log_proba = est.predict_log_proba(X)
    proba = est.predict_proba(X)
    assert log_proba.shape == proba.shape
    assert_allclose(np.exp(log_proba), proba, rtol=1e-10, atol=1e-300)
    assert_allclose(log_proba, np.log(proba), rtol=1e-7)


@pytest.mark.parametrize("scale", [1e6, 1e100, "float_max"])
@pytest.mark.parametrize("key", FITTED_CASES, ids="-".join)
def test_outputs_stay_finite_for_extreme_inputs(fitted, key, scale):
    # Saturated logits: log(predict_proba) would be log(0) = -inf, the stable
    # log-sigmoid / log-softmax stays finite.  Near the edge of the float
    # range API.md still promises no NaN for finite input.  pyproject turns
    # RuntimeWarning (overflow, division by zero) into errors, so no warning
    # may escape either.
    est, X, _ = fitted[key]
    if scale == "float_max":
        # As large as scikit-learn's own finiteness check (which sums X)
        # allows without overflowing itself: logits of order 1e307.
        X_extreme = np.sign(X[:20]) * (np.finfo(np.float64).max / (2 * X.shape[1]))
    else:
        X_extreme = X[:20] * scale
    log_proba = est.predict_log_proba(X_extreme)
    proba = est.predict_proba(X_extreme)
    assert np.all(np.isfinite(log_proba))
    assert np.all(log_proba <= 0)
    assert np.all(np.isfinite(proba))
    assert np.all(np.isfinite(est.decision_function(X_extreme)))
    if key[1] != "multilabel":
        assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
        # Saturated but still the same decision as the log-probabilities.
        assert_array_equal(proba.argmax(axis=1), log_proba.argmax(axis=1))


# -- labels --------------------------------------------------------------------
BINARY_LABELS = {
    "ints": np.array([3, 7]),
    "strings": np.array(["benign", "malignant"]),
    "bools": np.array([False, True]),
    "negative_ints": np.array([-1, 1]),
}


@pytest.mark.parametrize("labels", BINARY_LABELS.values(), ids=BINARY_LABELS.keys())
@pytest.mark.parametrize("Est", CLASSIFIERS)
def test_predict_returns_the_users_binary_labels(Est, labels, binary_data):
    X, y01 = binary_data
    y = labels[y01]
    est = Est(**FAST).fit(X, y)
    assert_array_equal(est.classes_, labels)
    predicted = est.predict(X)
    assert predicted.dtype == labels.dtype
    assert set(np.unique(predicted)) <= set(labels)
    assert_array_equal(predicted, est.classes_[est.predict_proba(X).argmax(axis=1)])
    # Column 1 of predict_proba is classes_[1]: a model that swapped the
    # labels would score about 0.1 here.
    assert est.score(X, y) > 0.9


@pytest.mark.parametrize("Est", CLASSIFIERS)
def test_labels_are_not_confused_with_their_order_in_y(Est, binary_data):
    # The positive class is the larger label, whatever comes first in y.
    X, y01 = binary_data
    order = np.argsort(-y01, kind="stable")
    est = Est(**FAST).fit(X[order], np.array(["neg", "pos"])[y01[order]])
    assert_array_equal(est.classes_, ["neg", "pos"])
    assert est.score(X, np.array(["neg", "pos"])[y01]) > 0.9


def test_multiclass_predicts_string_labels(multiclass_data):
    X, y = multiclass_data
    names = np.array(["setosa", "versicolor", "virginica"])
    # Iris is one full batch: a few more, larger steps than FAST.
    est = MulticlassMLPClassifier(**{**FAST, "learning_rate": 0.05, "max_iter": 50})
    est.fit(X, names[y])
    assert_array_equal(est.classes_, names)
    predicted = est.predict(X)
    assert predicted.dtype == names.dtype
    assert_array_equal(predicted, names[est.predict_proba(X).argmax(axis=1)])
    assert est.score(X, names[y]) > 0.8


# -- target errors -----------------------------------------------------------
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_binary_rejects_multiclass_target(multiclass_data, method):
    X, y = multiclass_data
    kwargs = {"classes": np.unique(y)} if method == "partial_fit" else {}
    expected = (
        "Only binary classification is supported. The type of the target is "
        "multiclass."
    )
    with pytest.raises(ValueError, match=re.escape(expected)) as error:
        getattr(BinaryMLPClassifier(**FAST), method)(X, y, **kwargs)
    assert "MulticlassMLPClassifier" in str(error.value)


def test_multiclass_rejects_multilabel_target(multilabel_data):
    X, Y = multilabel_data
    with pytest.raises(ValueError, match="BinaryMLPClassifier"):
        MulticlassMLPClassifier(**FAST).fit(X, Y)


@pytest.mark.parametrize(
    ("Est", "data"),
    [
        (BinaryMLPClassifier, "binary_data"),
        (MulticlassMLPClassifier, "binary_data"),
        (MulticlassMLPClassifier, "multiclass_data"),
    ],
)
def test_column_vector_target_warns_and_fits_like_1d(Est, data, request):
    X, y = request.getfixturevalue(data)
    with pytest.warns(DataConversionWarning):
        column = Est(**FAST).fit(X, y.reshape(-1, 1))
    flat = Est(**FAST).fit(X, y)
    assert_array_equal(column.classes_, flat.classes_)
    assert_array_equal(column.predict_proba(X), flat.predict_proba(X))


@pytest.mark.parametrize("label", [1, "only"])
@pytest.mark.parametrize("Est", CLASSIFIERS)
def test_single_class_target_raises(Est, label, binary_data):
    X, _ = binary_data
    y = np.full(X.shape[0], label)
    with pytest.raises(ValueError, match=r"(?i)(one|single|1) class"):
        Est(**FAST).fit(X, y)


# -- fitted attributes ---------------------------------------------------------
@pytest.mark.parametrize("key", FITTED_CASES + REGRESSION_CASES, ids="-".join)
def test_fitted_attributes_types_and_shapes(fitted, key):
    est, X, y = fitted[key]
    n_samples, n_features = X.shape
    n_outputs = _n_outputs(key, y)
    sizes = [n_features, 6, 4, n_outputs]

    assert est.n_features_in_ == n_features
    assert not hasattr(est, "feature_names_in_")  # plain ndarray X
    assert type(est.n_layers_) is int
    assert est.n_layers_ == len(sizes)
    assert type(est.n_outputs_) is int
    assert est.n_outputs_ == n_outputs

    assert isinstance(est.coefs_, list)
    assert isinstance(est.intercepts_, list)
    assert len(est.coefs_) == len(est.intercepts_) == est.n_layers_ - 1
    for i, (W, b) in enumerate(zip(est.coefs_, est.intercepts_)):
        assert isinstance(W, np.ndarray)
        assert isinstance(b, np.ndarray)
        assert W.shape == (sizes[i], sizes[i + 1])
        assert b.shape == (sizes[i + 1],)
        assert W.dtype == b.dtype == np.float64

    assert type(est.n_iter_) is int
    assert 1 <= est.n_iter_ <= est.max_iter
    assert type(est.t_) is int
    assert est.t_ == est.n_iter_ * n_samples
    curves = (est.loss_curve_, est.data_loss_curve_, est.regularization_loss_curve_)
    for curve in curves:
        assert isinstance(curve, list)
        assert len(curve) == est.n_iter_
        assert all(isinstance(v, float) and np.isfinite(v) for v in curve)
    for total, data, reg in zip(*curves):
        assert total == data + reg  # exactly: the total is defined as the sum
    assert isinstance(est.loss_, float)
    assert est.loss_ == est.loss_curve_[-1]
    assert est.best_loss_ == min(est.loss_curve_)
    assert est.validation_scores_ is None
    assert est.best_validation_score_ is None


@pytest.mark.parametrize("key", FITTED_CASES, ids="-".join)
def test_classes_attribute(fitted, key):
    est, _, y = fitted[key]
    if key[1] == "multilabel":
        assert_array_equal(est.classes_, np.arange(y.shape[1]))
    else:
        assert_array_equal(est.classes_, np.unique(y))


@pytest.mark.parametrize(
    ("Est", "data"),
    [
        (BinaryMLPClassifier, "binary_data"),
        (MulticlassMLPClassifier, "binary_data"),
        (MulticlassMLPClassifier, "multiclass_data"),
        (BinaryMLPClassifier, "multilabel_data"),
        (MLPRegressor, "regression_data"),
    ],
)
def test_no_hidden_layer_is_a_linear_model(Est, data, request):
    X, y = request.getfixturevalue(data)
    est = Est(hidden_layer_sizes=(), learning_rate=0.05, max_iter=30,
              random_state=0).fit(X, y)
    assert est.n_layers_ == 2
    assert len(est.coefs_) == len(est.intercepts_) == 1
    assert est.coefs_[0].shape == (X.shape[1], est.n_outputs_)
    assert est.intercepts_[0].shape == (est.n_outputs_,)
    # A linear model in X: the logits are X @ W + b, whatever the activation.
    logits = X @ est.coefs_[0] + est.intercepts_[0]
    if Est is MLPRegressor:
        # Linear regression: the identity output is the prediction.
        assert_allclose(est.predict(X), logits[:, 0], rtol=1e-10, atol=1e-12)
        assert est.score(X, y) > 0.9
        return
    if est.n_outputs_ == 1:
        expected = logits[:, 0]
    elif est.n_outputs_ == 2 and Est is MulticlassMLPClassifier:
        expected = logits[:, 1] - logits[:, 0]
    else:
        expected = logits
    assert_allclose(est.decision_function(X), expected, rtol=1e-10, atol=1e-12)
    if data != "multilabel_data":  # subset accuracy is not informative there
        assert est.score(X, y) > 0.9


# -- multilabel ----------------------------------------------------------------
def test_binary_multilabel_predicts_an_indicator_matrix(fitted):
    est, X, Y = fitted["BinaryMLPClassifier", "multilabel"]
    assert_array_equal(est.classes_, np.arange(Y.shape[1]))
    predicted = est.predict(X)
    assert predicted.shape == Y.shape
    assert set(np.unique(predicted)) <= {0, 1}
    assert est.predict_proba(X).shape == Y.shape
    assert est.predict_log_proba(X).shape == Y.shape


def test_binary_multilabel_learns(multilabel_data):
    X, Y = multilabel_data
    est = BinaryMLPClassifier(hidden_layer_sizes=(16,), learning_rate=0.01,
                              max_iter=60, random_state=0).fit(X, Y)
    # Per-label accuracy well above always predicting the majority value.
    majority = np.maximum(Y.mean(axis=0), 1 - Y.mean(axis=0))
    assert np.all((est.predict(X) == Y).mean(axis=0) > majority)


# -- dtypes --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dtype", "expected"),
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64)],
)
def test_dtype_of_parameters_and_outputs(AnyEstimator, dtype, expected, any_data):
    X, y = any_data
    X = (X * 10).astype(dtype) if dtype is np.int64 else X.astype(dtype)
    est = AnyEstimator(**FAST).fit(X, y)
    for array in (*est.coefs_, *est.intercepts_):
        assert array.dtype == expected
    assert outputs(est, X).dtype == expected
    if not is_regressor(est):
        assert est.predict_log_proba(X).dtype == expected
        assert est.decision_function(X).dtype == expected
    assert all(isinstance(v, float) for v in est.loss_curve_)


# -- a failing fit changes nothing -----------------------------------------------
def _bad_y(y):
    """A target the estimator refuses: a single class for a classifier, a NaN
    for the regressor."""
    if y.dtype.kind == "f":
        y = y.copy()
        y[3] = np.nan
        return y, "NaN"
    return np.zeros_like(y), "one class"


def _nan_X(X, y):
    X = X.copy()
    X[3, 2] = np.nan
    return {"X": X, "y": y, "match": "NaN"}


def _too_few_features_warm(X, y):
    return {"X": X[:, :-1], "y": y, "params": {"warm_start": True},
            "match": "feature"}


def _too_few_features_cold(X, y):
    # Without warm_start this is a valid new fit ... except that y is bad, so
    # the validation's own bookkeeping (n_features_in_) must be rolled back.
    y_bad, match = _bad_y(y)
    return {"X": X[:, :-1], "y": y_bad, "match": match}


def _bad_target(X, y):
    y_bad, match = _bad_y(y)
    return {"X": X, "y": y_bad, "match": match}


def _bad_dropout(X, y):
    return {"X": X, "y": y, "params": {"dropout": 1.0}, "match": "dropout"}


def _bad_lambda_sequence(X, y):
    return {"X": X, "y": y, "params": {"weight_regularizer_l2": [0.1, 0.1, 0.1]},
            "match": "weight_regularizer_l2"}


def _bad_sample_weight(X, y):
    return {"X": X, "y": y, "sample_weight": -np.ones(len(y)),
            "match": "(?i)negative"}


def _mismatched_length(X, y):
    return {"X": X, "y": y[:-1], "match": "inconsistent numbers of samples"}


def _multiclass_y_for_binary(X, y):
    return {"X": X, "y": np.arange(len(y)) % 3, "match": "Only binary"}


FAILING_FITS = [
    _nan_X,
    _too_few_features_warm,
    _too_few_features_cold,
    _bad_target,
    _bad_dropout,
    _bad_lambda_sequence,
    _bad_sample_weight,
    _mismatched_length,
    _multiclass_y_for_binary,
]


FAILING_FIT_CASES = [
    (Est, make_failure)
    for Est in ESTIMATORS
    for make_failure in FAILING_FITS
    # A 3-class y is valid for MulticlassMLPClassifier (and the regressor).
    if not (Est is not BinaryMLPClassifier and make_failure is _multiclass_y_for_binary)
]


# A warm start on an ndarray after a DataFrame fit warns before it fails.
@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
@pytest.mark.parametrize("as_frame", [False, True], ids=["ndarray", "DataFrame"])
@pytest.mark.parametrize(
    ("Est", "make_failure"),
    FAILING_FIT_CASES,
    ids=[f"{Est.__name__}-{f.__name__.lstrip('_')}" for Est, f in FAILING_FIT_CASES],
)
def test_failing_fit_leaves_fitted_model_untouched(
    Est, make_failure, as_frame, binary_data, regression_data
):
    X, y = regression_data if is_regressor(Est) else binary_data
    X, y = X[:120], y[:120]
    failure = make_failure(X, y)
    X_frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    est = Est(**FAST).fit(X_frame, y)
    before = fitted_state(est, X_frame)

    est.set_params(**failure.get("params", {}))
    X_bad = failure["X"]
    if as_frame:
        X_bad = pd.DataFrame(X_bad, columns=[f"g{i}" for i in range(X_bad.shape[1])])
    kwargs = {}
    if "sample_weight" in failure:
        kwargs["sample_weight"] = failure["sample_weight"]
    with pytest.raises(ValueError, match=failure["match"]):
        est.fit(X_bad, failure["y"], **kwargs)

    defaults = api_defaults(Est)
    est.set_params(**{name: defaults[name] for name in failure.get("params", {})})
    assert_same_state(before, fitted_state(est, X_frame))


# -- tags --------------------------------------------------------------------
def test_binary_tags():
    tags = get_tags(BinaryMLPClassifier())
    assert tags.estimator_type == "classifier"
    assert tags.classifier_tags.multi_class is False
    assert tags.classifier_tags.multi_label is True
    assert tags.input_tags.sparse is True


def test_multiclass_tags():
    tags = get_tags(MulticlassMLPClassifier())
    assert tags.estimator_type == "classifier"
    assert tags.classifier_tags.multi_class is True
    assert tags.classifier_tags.multi_label is False
    assert tags.input_tags.sparse is True

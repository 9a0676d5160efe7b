"""Property-based tests: random data, labels and hyper-parameters.

Hypothesis draws the shape of the data (2 to 40 samples, 1 to 6 features), its
dtype (float32, float64, int, bool), dense or sparse (CSR / CSC) storage, the
labels (ints, strings or bools), optional sample weights, and valid
hyper-parameters of a tiny network trained for one to three epochs.  Whatever
it draws:

* ``fit`` and ``partial_fit`` succeed, or raise one of the documented errors
  (``docs/bad_input.rst``): a ``y`` with a single class, or an
  ``early_stopping`` hold-out too small to hold every class;
* ``predict_proba`` is finite and within ``[0, 1]``, and its rows sum to 1
  within 1e-6 (single-label targets);
* ``predict`` is the label of the largest probability, ``classes_[argmax]``
  (per label, ``proba > 0.5``, for multilabel targets);
* ``predict_log_proba`` and ``decision_function`` are finite, and the weights
  are finite and of the training dtype.

Profiles: ``ci`` (the default: derandomized, so every run tries the same
examples, and about a hundred of them per test) and ``thorough`` (2000 per
test), chosen with the environment variable ``SKMLP_HYPOTHESIS_PROFILE``::

    SKMLP_HYPOTHESIS_PROFILE=thorough pytest tests/test_properties.py

The profiles are registered and loaded here, as the suite has no
``tests/conftest.py``.  Loading a profile sets Hypothesis' defaults for the
session; no other module uses Hypothesis.
"""

import math
import os
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning

from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("SKMLP_HYPOTHESIS_PROFILE", "ci"))

ESTIMATORS = [BinaryMLPClassifier, MulticlassMLPClassifier]

pytestmark = [
    # One to three epochs never converge, and a diverging step may be undone;
    # both say so with a ConvergenceWarning, which is not what is tested here.
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    # A drawn batch_size may exceed the data: clipped with a documented warning.
    pytest.mark.filterwarnings(
        "ignore:Got `batch_size` larger than the number of samples:UserWarning"
    ),
]

LABELS = {
    "int": np.array([-3, 0, 7, 42]),
    "str": np.array(["ant", "bee", "cat", "dog"]),
    "bool": np.array([False, True]),
}
LAMBDA = st.sampled_from([0.0, 0.0, 1e-4, 1e-3, 1e-2])


# -- strategies ----------------------------------------------------------------
@st.composite
def design_matrices(draw, n_samples):
    n_features = draw(st.integers(1, 6))
    kind = draw(st.sampled_from(["float64", "float32", "int", "bool"]))
    shape = (n_samples, n_features)
    if kind == "bool":
        X = draw(hnp.arrays(np.bool_, shape))
    elif kind == "int":
        X = draw(hnp.arrays(np.int64, shape, elements=st.integers(-1000, 1000)))
    else:
        width = 32 if kind == "float32" else 64
        elements = st.floats(-1e4, 1e4, allow_nan=False, width=width)
        X = draw(hnp.arrays(np.dtype(kind), shape, elements=elements))
    storage = draw(st.sampled_from(["dense", "csr", "csc"]))
    if storage != "dense":
        X = sp.csr_matrix(X).asformat(storage)
    return X


@st.composite
def targets(draw, Est, n_samples):
    """``(y, classes)``: labels of an int, string or bool kind, and every
    label the problem has (some may be absent from ``y``)."""
    n_classes = 2 if Est is BinaryMLPClassifier else draw(st.integers(2, 4))
    kinds = ["int", "str"] + (["bool"] if n_classes == 2 else [])
    labels = LABELS[draw(st.sampled_from(kinds))][:n_classes]
    codes = draw(hnp.arrays(np.intp, n_samples,
                            elements=st.integers(0, n_classes - 1)))
    # Left alone, Hypothesis favours constant arrays: a single class, a
    # documented error, in half the examples.  Mostly, put every class in.
    if draw(st.sampled_from([True] * 9 + [False])):
        k = min(n_classes, n_samples)
        codes[:k] = np.arange(k)
    return labels[codes], labels


@st.composite
def hyper_parameters(draw, n_samples):
    hidden = draw(st.one_of(
        st.just(()),
        st.tuples(st.integers(1, 5)),
        st.tuples(st.integers(1, 5), st.integers(1, 5)),
    ))
    n_dense = len(hidden) + 1
    params = {
        "hidden_layer_sizes": hidden,
        "activation": draw(st.sampled_from(["relu", "tanh", "sigmoid", "identity"])),
        "dropout": draw(st.sampled_from([0.0, 0.0, 0.1, 0.5])),
        "optimizer": draw(st.sampled_from(["sgd", "adagrad", "rmsprop", "adam"])),
        "learning_rate": draw(st.sampled_from([1e-3, 1e-2, 0.1, 1.0])),
        "learning_rate_decay": draw(st.sampled_from([0.0, 0.1])),
        "momentum": draw(st.sampled_from([0.0, 0.9])),
        "batch_size": draw(st.one_of(
            st.just("auto"), st.none(), st.integers(1, n_samples + 5))),
        "max_iter": draw(st.integers(1, 3)),
        "shuffle": draw(st.booleans()),
        "class_weight": draw(st.sampled_from([None, "balanced"])),
        "early_stopping": draw(st.booleans()),
        "validation_fraction": draw(st.sampled_from([0.1, 0.25, 0.5])),
        "random_state": draw(st.integers(0, 2**16)),
    }
    for name in ("weight_regularizer_l1", "weight_regularizer_l2",
                 "bias_regularizer_l1", "bias_regularizer_l2"):
        # A number, or one value per Dense layer.
        params[name] = draw(st.one_of(
            LAMBDA, st.lists(LAMBDA, min_size=n_dense, max_size=n_dense)))
    return params


@st.composite
def problems(draw, Est):
    n_samples = draw(st.integers(2, 40))
    X = draw(design_matrices(n_samples))
    y, labels = draw(targets(Est, n_samples))
    params = draw(hyper_parameters(n_samples))
    sample_weight = draw(st.one_of(st.none(), hnp.arrays(
        np.float64, n_samples, elements=st.floats(0.1, 10.0))))
    return X, y, labels, params, sample_weight


# -- what the documentation says about the data -----------------------------------
def split_is_possible(y, validation_fraction):
    """Whether the stratified hold-out of early stopping can hold every class
    on both sides (scikit-learn's StratifiedShuffleSplit rules)."""
    _, counts = np.unique(y, return_counts=True)
    n_test = math.ceil(validation_fraction * len(y))
    n_train = len(y) - n_test
    return counts.min() >= 2 and n_test >= len(counts) and n_train >= len(counts)


def expected_error(y, params):
    """The documented error a fit on ``y`` must raise, or None."""
    if len(np.unique(y)) < 2:
        return "only one class"
    if params["early_stopping"] and not split_is_possible(
            y, params["validation_fraction"]):
        return "early_stopping could not hold out"
    return None


# -- the properties ------------------------------------------------------------
def check_outputs(est, X, dtype):
    """The invariants of a fitted single-label model on ``X``."""
    n_samples = X.shape[0]
    n_classes = len(est.classes_)
    for param in est.coefs_ + est.intercepts_:
        assert param.dtype == dtype
        assert np.isfinite(param).all()

    proba = est.predict_proba(X)
    assert proba.shape == (n_samples, n_classes)
    assert proba.dtype == dtype
    assert np.isfinite(proba).all()
    assert np.all((proba >= 0) & (proba <= 1))
    assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-6)

    predicted = est.predict(X)
    assert_array_equal(predicted, est.classes_[proba.argmax(axis=1)])
    assert predicted.dtype == est.classes_.dtype

    log_proba = est.predict_log_proba(X)
    assert log_proba.shape == proba.shape
    assert np.isfinite(log_proba).all()
    assert np.all(log_proba <= 0)
    scores = est.decision_function(X)
    assert scores.shape == ((n_samples,) if n_classes == 2 else (n_samples, n_classes))
    assert np.isfinite(scores).all()


def training_dtype(X):
    return np.float32 if X.dtype == np.float32 else np.float64


@pytest.mark.parametrize("Est", ESTIMATORS)
@given(data=st.data())
def test_fit_then_predict(Est, data):
    X, y, labels, params, sample_weight = data.draw(problems(Est))
    est = Est(**params)
    error = expected_error(y, params)
    event(f"expected error: {error}" if error else
          f"fitted (early_stopping={params['early_stopping']})")
    if error is not None:
        with pytest.raises(ValueError, match=error):
            est.fit(X, y, sample_weight=sample_weight)
        return
    est.fit(X, y, sample_weight=sample_weight)
    assert_array_equal(est.classes_, np.unique(y))
    assert est.n_features_in_ == X.shape[1]
    assert 0 <= est.n_iter_ <= params["max_iter"]
    check_outputs(est, X, training_dtype(X))
    # Other storage of the same numbers, other rows: the same invariants.
    X_other = X.toarray() if sp.issparse(X) else sp.csr_matrix(X)
    check_outputs(est, X_other[: max(1, X.shape[0] // 2)], training_dtype(X))


@pytest.mark.parametrize("Est", ESTIMATORS)
@settings(max_examples=max(settings().max_examples // 3, 1))
@given(data=st.data())
def test_partial_fit_then_predict(Est, data):
    # partial_fit refuses early stopping and may see a subset of the classes in
    # every call; only the classes given on the first call count.
    X, y, labels, params, sample_weight = data.draw(problems(Est))
    n_calls = data.draw(st.integers(1, 3), label="n_calls")
    # partial_fit refuses early_stopping (it needs the whole data).
    est = Est(**{**params, "early_stopping": False})
    for call in range(n_calls):
        rows = data.draw(st.lists(st.integers(0, X.shape[0] - 1), min_size=1,
                                  max_size=X.shape[0]), label=f"rows {call}")
        weights = None if sample_weight is None else sample_weight[rows]
        # A batch may hold a single class: `classes` names them all.
        classes = labels if call == 0 else None
        est.partial_fit(X[rows], y[rows], classes=classes, sample_weight=weights)
    assert_array_equal(est.classes_, np.unique(labels))
    assert est.n_iter_ == 1
    assert len(est.loss_curve_) == n_calls
    check_outputs(est, X, training_dtype(X))


@settings(max_examples=max(settings().max_examples // 2, 1))
@given(data=st.data())
def test_multilabel_fit_then_predict(data):
    n_samples = data.draw(st.integers(2, 40), label="n_samples")
    X = data.draw(design_matrices(n_samples), label="X")
    n_labels = data.draw(st.integers(2, 4), label="n_labels")
    Y = data.draw(hnp.arrays(np.int64, (n_samples, n_labels),
                             elements=st.integers(0, 1)), label="Y")
    params = data.draw(hyper_parameters(n_samples), label="params")
    params.update(class_weight=None, early_stopping=False)  # not for multilabel
    est = BinaryMLPClassifier(**params).fit(X, Y)
    dtype = training_dtype(X)
    proba = est.predict_proba(X)
    assert proba.shape == (n_samples, n_labels)
    assert proba.dtype == dtype
    assert np.isfinite(proba).all()
    assert np.all((proba >= 0) & (proba <= 1))
    assert_array_equal(est.predict(X), (proba > 0.5).astype(int))
    assert np.isfinite(est.predict_log_proba(X)).all()
    assert np.isfinite(est.decision_function(X)).all()
    for param in est.coefs_ + est.intercepts_:
        assert np.isfinite(param).all()


def test_split_rule_matches_scikit_learn():
    # The helper above decides which fits must fail; check it against the
    # estimator on the edge cases, so that the properties test skmlp and not
    # the helper.
    X = np.arange(24, dtype=float).reshape(12, 2)
    cases = [
        (np.r_[np.zeros(10), 1, 1], 0.1),  # hold-out of 2, two classes
        (np.r_[np.zeros(11), 1], 0.5),  # a class of one sample
        (np.arange(12) % 3, 0.1),  # hold-out of 2 < 3 classes
        (np.arange(12) % 3, 0.25),  # hold-out of 3
        (np.arange(12) % 4, 0.5),  # 6 and 6 for 4 classes
        (np.r_[np.zeros(2), np.ones(10)], 0.9),  # training part of 1 < 2
    ]
    for y, fraction in cases:
        est = MulticlassMLPClassifier(hidden_layer_sizes=(), max_iter=1,
                                      early_stopping=True,
                                      validation_fraction=fraction)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if split_is_possible(y, fraction):
                est.fit(X, y)
            else:
                with pytest.raises(ValueError, match="early_stopping"):
                    est.fit(X, y)

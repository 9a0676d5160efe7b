"""The catalogue of bad input (``docs/bad_input.rst``), one test per row.

Every row of the catalogue is a :class:`Row` below; the rows are run on every
estimator they apply to: the two classifiers, and the regressor for the rows
about X, sample weights, parameters and prediction (its bad targets are
``test_regressor.py``'s).  A row that can happen to a fitted model is run
on one, and the model must come out bit-identical: every ``coefs_`` and
``intercepts_`` array, ``n_features_in_``, ``classes_``, ``n_iter_``, the
curves and the outputs (``predict_proba``, or the regressor's ``predict``).
On an unfitted model it must stay unfitted.  The error is raised by skmlp's
(or scikit-learn's) validation with a message that names the problem, never by
NumPy deep inside the training loop, and never replaced by a silent NaN.

``test_catalogue_matches_the_docs`` reads the list-table of
``docs/bad_input.rst`` and compares it with :data:`ROWS`, so the page and the
tests cannot drift apart.

Already covered elsewhere, and not repeated here: every invalid parameter on an
*unfitted* estimator (``test_estimator_api.py``), which this module complements
with other bad values on a *fitted* one; invalid ``X_val`` / ``y_val``
(``test_validation_data.py``).
"""

import copy
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from fitting import (
    CLASSIFIERS,
    ESTIMATORS,
    assert_same_state,
    fitted_state,
    is_regressor,
    outputs,
    partial_fit_kwargs,
    prediction_methods,
)
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skmlp import BinaryMLPClassifier, MLPRegressor, MulticlassMLPClassifier

DOCS = Path(__file__).resolve().parents[1] / "docs" / "bad_input.rst"

# Two epochs of a tiny network: these tests are about validation, not learning.
FAST = {"hidden_layer_sizes": (4,), "max_iter": 2, "random_state": 0}

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)


def make_data(Est, n_samples=60):
    """Standard-normal X with 4 features; y with 2 (binary) or 3 classes, or
    a target linear in X."""
    X = np.random.default_rng(0).normal(size=(n_samples, 4))
    if is_regressor(Est):
        return X, X @ [0.5, -1.0, 0.25, 2.0]
    n_classes = 2 if Est is BinaryMLPClassifier else 3
    return X, np.arange(n_samples) % n_classes


@pytest.fixture(scope="module")
def fitted_models():
    models = {}
    for Est in ESTIMATORS:
        X, y = make_data(Est)
        models[Est] = Est(**FAST).fit(X, y)
    return models


def snapshot(est, X):
    """Everything a failed call must leave unchanged, copied."""
    return fitted_state(est, X)


assert_unchanged = assert_same_state


def assert_unfitted(est):
    with pytest.raises(NotFittedError):
        est.predict(np.zeros((1, 4)))
    assert not hasattr(est, "n_features_in_")
    assert not hasattr(est, "classes_")


# -- the rows ----------------------------------------------------------------
# A bad X is used both to fit and to predict; the other rows are calls.
def _nan_X(X):
    X = X.copy()
    X[3, 2] = np.nan
    return X


def _nan_X_sparse(X):
    X = sp.csr_matrix(X)
    X.data[5] = np.nan
    return X


def _na_X_frame(X):
    # pandas' nullable floats: pd.NA is a missing value like NaN.
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame = frame.astype("Float64")
    frame.iloc[3, 2] = pd.NA
    return frame


def _inf_X(X):
    X = X.copy()
    X[3, 2] = np.inf
    return X


def _minus_inf_X_sparse(X):
    X = sp.csc_matrix(X)
    X.data[5] = -np.inf
    return X


def _complex_X(X):
    return X + 1j


def _object_strings_X(X):
    X = X.astype(object)
    X[3, 2] = "seven"
    return X


def _string_X(X):
    return np.full(X.shape, "a")


def _empty_X(X):
    return X[:0]


def _no_features_X(X):
    return X[:, :0]


def _one_d_X(X):
    return X[:, 0]


def _three_d_X(X):
    return X[:, :, np.newaxis]


def _fit(make_X=None, make_y=None, method="fit", **fit_kwargs):
    """A call that fits with a bad X and/or y (the rest is the good data)."""

    def call(est, X, y):
        X_bad = X if make_X is None else make_X(X)
        y_bad = y if make_y is None else make_y(y)
        kwargs = {key: value(X, y) if callable(value) else value
                  for key, value in fit_kwargs.items()}
        if method == "partial_fit":
            for key, value in partial_fit_kwargs(est, y).items():
                kwargs.setdefault(key, value)
        getattr(est, method)(X_bad, y_bad, **kwargs)

    return call


def _fit_with_params(params, make_X=None, make_y=None, **fit_kwargs):
    """A fit under other (valid) parameters that fails, restoring them."""
    fit = _fit(make_X, make_y, **fit_kwargs)

    def call(est, X, y):
        old = {name: getattr(est, name) for name in params}
        est.set_params(**params)
        try:
            fit(est, X, y)
        finally:
            est.set_params(**old)

    return call


def _nan_label(y):
    y = y.astype(float)
    y[3] = np.nan
    return y


def _none_label_int(y):
    y = y.astype(object)
    y[3] = None
    return y


def _none_label_str(y):
    y = np.array(["ant", "bee", "cat"], dtype=object)[y]
    y[3] = None
    return y


def _continuous_y(y):
    return y + np.linspace(0.01, 0.5, len(y))


def _single_class(y):
    return np.zeros_like(y)


def _three_classes(y):
    return np.arange(len(y)) % 3


def _two_columns(y):
    return np.c_[y == 0, y == 1].astype(int)


def _outside_classes(y):
    y = y.copy()
    y[y == y.max()] = 7  # keeps a binary y binary
    return y


def _one_rare_class(y):
    y = y.copy()
    y[y == 1] = 0
    y[0] = 1  # class 1 has a single sample: no stratified split keeps it twice
    return y


def _partial_fit_other_classes(est, X, y):
    est.partial_fit(X, y, classes=np.r_[np.unique(y)[:-1], 9])


def _partial_fit_without_classes(est, X, y):
    est.partial_fit(X, y)


def _early_stopping_too_few(est, X, y):
    old = est.get_params()
    est.set_params(early_stopping=True, validation_fraction=0.1)
    try:
        # Ten samples, a hold-out of one: it cannot hold every class.
        est.fit(X[:10], y[:10])
    finally:
        est.set_params(**old)


def _nan_target(y):
    y = y.astype(float)
    y[3] = np.nan
    return y


def _inf_target(y):
    y = y.astype(float)
    y[3] = np.inf
    return y


def _text_target(y):
    return np.array(["low", "high"], dtype=object)[(y > np.median(y)).astype(int)]


def _negative_target(y):
    return y - y.max() - 1.0


def _two_targets(y):
    return np.c_[y, 2 * y]


def _one_positive_class(X, y):
    return (y == y[0]).astype(float)


@dataclass
class Row:
    """One row of the catalogue.

    ``input``, ``error`` and ``fragment`` are the row's first, third and
    fourth cells in ``docs/bad_input.rst``, verbatim.  ``calls`` fail in
    ``fit`` / ``partial_fit``; ``bad_X`` are also passed to every prediction
    method.  ``also`` is a regular expression the message must match besides
    the fragment.  Rows with neither calls nor bad_X have their own tests.
    """

    id: str
    input: str
    error: str
    fragment: str
    calls: list = field(default_factory=list)
    bad_X: list = field(default_factory=list)
    estimators: tuple = ESTIMATORS
    on_unfitted: bool = True
    on_fitted: bool = True
    also: str = ""


ROWS = [
    Row("nan-X", "NaN (or ``pd.NA``) in ``X``, dense or sparse", "ValueError",
        "Input X contains NaN",
        bad_X=[_nan_X, _nan_X_sparse, _na_X_frame]),
    Row("inf-X", "``inf`` or ``-inf`` in ``X``", "ValueError",
        "Input X contains infinity",
        bad_X=[_inf_X, _minus_inf_X_sparse]),
    Row("complex-X", "complex ``X``", "ValueError",
        "Complex data not supported", bad_X=[_complex_X]),
    Row("strings-X", "strings in ``X`` (object or string dtype)", "ValueError",
        "could not convert string to float",
        bad_X=[_object_strings_X, _string_X]),
    Row("empty-X", "``X`` with no samples", "ValueError", "0 sample(s)",
        bad_X=[_empty_X]),
    Row("no-features", "``X`` with no features", "ValueError", "0 feature(s)",
        bad_X=[_no_features_X]),
    Row("1d-X", "1-D ``X``", "ValueError",
        "Expected 2D array, got 1D array instead", bad_X=[_one_d_X]),
    Row("3d-X", "3-D ``X``", "ValueError", "Found array with dim 3",
        bad_X=[_three_d_X]),
    Row("nan-y", "NaN (or ``pd.NA``) in ``y``", "ValueError",
        "Input y contains NaN",
        calls=[_fit(make_y=_nan_label),
               _fit(make_y=_nan_label, method="partial_fit"),
               _fit(make_y=lambda y: pd.Series(y, dtype="Int64").mask(
                   np.arange(len(y)) == 3))],
        estimators=CLASSIFIERS),
    Row("none-y", "``None`` (a missing label) in ``y``", "ValueError", "None",
        calls=[_fit(make_y=_none_label_int), _fit(make_y=_none_label_str),
               _fit(make_y=_none_label_int, method="partial_fit")],
        also=r"(?i)\by\b|label",
        estimators=CLASSIFIERS),
    Row("continuous-y", "continuous ``y`` (regression targets)", "ValueError",
        "Unknown label type: continuous", calls=[_fit(make_y=_continuous_y)],
        estimators=CLASSIFIERS),
    Row("lengths", "``X`` and ``y`` of different lengths", "ValueError",
        "inconsistent numbers of samples",
        calls=[_fit(make_y=lambda y: y[:-1]), _fit(make_X=lambda X: X[:-1])]),
    Row("single-class", "``y`` with a single class", "ValueError",
        "y contains only one class", calls=[_fit(make_y=_single_class)],
        estimators=CLASSIFIERS),
    Row("multiclass-to-binary",
        "a ``y`` of three or more classes given to ``BinaryMLPClassifier``",
        "ValueError", "Only binary classification is supported",
        calls=[_fit(make_y=_three_classes),
               _fit(make_y=_three_classes, method="partial_fit")],
        estimators=(BinaryMLPClassifier,), also="MulticlassMLPClassifier"),
    Row("multilabel-to-multiclass",
        "a 2-D ``y`` of several columns given to ``MulticlassMLPClassifier``",
        "ValueError", "use BinaryMLPClassifier",
        calls=[_fit(make_y=_two_columns)],
        estimators=(MulticlassMLPClassifier,)),
    Row("partial-fit-no-classes",
        "first ``partial_fit`` without ``classes``", "ValueError",
        "classes must be passed on the first call to partial_fit",
        calls=[_partial_fit_without_classes], on_fitted=False,
        estimators=CLASSIFIERS),
    Row("partial-fit-outside",
        "``partial_fit`` with labels outside ``classes``", "ValueError",
        "y contains labels that are not in classes_",
        calls=[_fit(make_y=_outside_classes, method="partial_fit")],
        also=r"\[7\]",
        estimators=CLASSIFIERS),
    Row("partial-fit-other-classes",
        "``partial_fit`` with other ``classes`` than on the first call",
        "ValueError", "is not the same as on the first call",
        calls=[_partial_fit_other_classes], on_unfitted=False,
        estimators=CLASSIFIERS),
    Row("sample-weight-length", "``sample_weight`` of the wrong length",
        "ValueError", "sample_weight.shape ==",
        calls=[_fit(sample_weight=lambda X, y: np.ones(len(y) - 1))]),
    Row("sample-weight-negative", "a negative ``sample_weight``", "ValueError",
        "Negative values in data passed to `sample_weight`",
        calls=[_fit(sample_weight=lambda X, y: np.r_[-1.0, np.ones(len(y) - 1)])]),
    Row("sample-weight-nan", "NaN or ``inf`` in ``sample_weight``", "ValueError",
        "Input sample_weight contains",
        calls=[_fit(sample_weight=lambda X, y: np.r_[np.nan, np.ones(len(y) - 1)]),
               _fit(sample_weight=lambda X, y: np.r_[np.inf, np.ones(len(y) - 1)])]),
    Row("sample-weight-zero", "``sample_weight`` all zero", "ValueError",
        "Sample weights must contain at least one non-zero number",
        calls=[_fit(sample_weight=lambda X, y: np.zeros(len(y)))]),
    Row("sample-weight-one-class",
        "``sample_weight`` positive for one class only", "ValueError",
        "Only one class has a positive sample_weight",
        calls=[_fit(sample_weight=_one_positive_class)],
        estimators=CLASSIFIERS),
    Row("class-weight-unknown", "``class_weight`` naming a label that is not a class",
        "ValueError", "class_weight names labels that are not classes of y",
        calls=[_fit_with_params({"class_weight": {0: 1.0, 99: 2.0}})],
        also=r"\[99\]",
        estimators=CLASSIFIERS),
    Row("class-weight-bad-value",
        "``class_weight`` with a negative, NaN or infinite weight", "ValueError",
        "class_weight",
        calls=[_fit_with_params({"class_weight": {0: -1.0, 1: 1.0}}),
               _fit_with_params({"class_weight": {0: np.nan, 1: 1.0}}),
               _fit_with_params({"class_weight": {0: np.inf, 1: 1.0}})],
        also=r"(?i)finite|negative|nan|inf|>= ?0",
        estimators=CLASSIFIERS),
    Row("early-stopping-split",
        "``early_stopping=True`` with a hold-out too small to hold every class",
        "ValueError", "early_stopping could not hold out validation_fraction",
        calls=[_fit_with_params({"early_stopping": True}, make_y=_one_rare_class),
               _early_stopping_too_few],
        estimators=CLASSIFIERS),
    Row("regressor-nan-y",
        "NaN or ``inf`` in ``y`` given to ``MLPRegressor``", "ValueError",
        "Input y contains",
        calls=[_fit(make_y=_nan_target), _fit(make_y=_inf_target),
               _fit(make_y=_nan_target, method="partial_fit")],
        estimators=(MLPRegressor,)),
    Row("regressor-text-y", "text in ``y`` given to ``MLPRegressor``",
        "ValueError", "needs numeric targets",
        calls=[_fit(make_y=_text_target)], also="MulticlassMLPClassifier",
        estimators=(MLPRegressor,)),
    Row("poisson-negative-y",
        '''a negative ``y`` with ``MLPRegressor(loss="poisson")``''',
        "ValueError", "needs non-negative targets",
        calls=[_fit_with_params({"loss": "poisson"}, make_y=_negative_target)],
        estimators=(MLPRegressor,)),
    Row("regressor-warm-columns",
        "a warm ``fit`` of ``MLPRegressor`` with another number of target "
        "columns", "ValueError", "target column(s), but the model was fitted",
        calls=[_fit_with_params({"warm_start": True}, make_y=_two_targets)],
        on_unfitted=False, estimators=(MLPRegressor,)),
    # The rows below have their own tests.
    Row("invalid-parameter", "an invalid value of any constructor parameter",
        "ValueError", "parameter of"),
    Row("not-fitted", "any prediction method before ``fit``", "NotFittedError",
        "is not fitted yet"),
    Row("n-features", "another number of features than in ``fit``",
        "ValueError", "features as input"),
    Row("feature-names", "a DataFrame with other column names than in ``fit``",
        "ValueError", "Feature names unseen at fit time"),
    Row("feature-order", "a DataFrame with the columns of ``fit`` in another order",
        "ValueError", "Feature names must be in the same order as they were in fit"),
    Row("batch-size", "``batch_size`` larger than the number of samples",
        "UserWarning", "larger than the number of samples"),
    Row("huge-features", "features of huge magnitude (``1e150``)", "none", ""),
    Row("constant-features", "constant (zero-variance) features", "none", ""),
]

ERRORS = {"ValueError": ValueError, "TypeError": TypeError,
          "NotFittedError": NotFittedError}


def _cases(kind, when=None):
    """(row, estimator, variant) of the rows with calls ("fit") or bad X
    ("X"); ``when`` keeps the rows that apply to an unfitted or fitted model."""
    cases = []
    for row in ROWS:
        if when is not None and not getattr(row, f"on_{when}"):
            continue
        variants = row.calls if kind == "fit" else row.bad_X
        for Est in row.estimators:
            for i, variant in enumerate(variants):
                cases.append(pytest.param(
                    row, Est, variant, id=f"{row.id}-{i}-{Est.__name__}"))
    return cases


def _prediction_cases():
    """(row, estimator, variant, method) of the bad X rows, for every
    prediction method of the estimator."""
    return [
        pytest.param(*case.values, method, id=f"{case.id}-{method}")
        for case in _cases("X")
        for method in prediction_methods(case.values[1])
    ]


def _methods(extra=()):
    """(estimator, method) for every prediction method (and ``extra``) of
    each estimator."""
    return [
        pytest.param(Est, method, id=f"{Est.__name__}-{method}")
        for Est in ESTIMATORS
        for method in [*prediction_methods(Est), *extra]
    ]


def _raises(row):
    # `match` is a search, so the fragment may sit anywhere in the message.
    return pytest.raises(ERRORS[row.error], match=re.escape(row.fragment))


def _check_also(row, error):
    if row.also:
        assert re.search(row.also, str(error.value)), str(error.value)


def _fit_call(variant):
    """A bad X row as a fit call, or a call row as it is."""
    if variant in _BAD_X:
        return _fit(make_X=variant)
    return variant


_BAD_X = {variant for row in ROWS for variant in row.bad_X}


# -- the docs page -------------------------------------------------------------
def _list_table_rows(text):
    """The rows of the first list-table in ``text``, as lists of cell texts."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.strip().startswith(".. list-table::"))
    body = lines[start + 1:]
    first = next(line for line in body if line.lstrip().startswith("* - "))
    indent = " " * (len(first) - len(first.lstrip()))
    rows = []
    for line in body:
        if line and not line.startswith(" "):
            break  # the end of the directive
        if line.startswith(indent + "* - "):
            rows.append([line[len(indent) + 4:].strip()])
        elif line.startswith(indent + "  - "):
            rows[-1].append(line[len(indent) + 4:].strip())
        elif line.strip() and rows:
            rows[-1][-1] += " " + line.strip()  # a cell continued
    return rows


def _unliteral(cell):
    cell = cell.strip()
    if cell.startswith("``") and cell.endswith("``"):
        return cell[2:-2]
    return cell


def test_catalogue_matches_the_docs():
    table = _list_table_rows(DOCS.read_text(encoding="utf-8"))
    header, *body = table
    assert header == ["Input", "What happens", "Error", "Message contains"]
    documented = [(cells[0], _unliteral(cells[2]), _unliteral(cells[3]))
                  for cells in body]
    tested = [(row.input, row.error, row.fragment or "—") for row in ROWS]
    assert documented == tested


# -- rows whose calls fail in fit / partial_fit --------------------------------
@pytest.mark.parametrize(
    ("row", "Est", "variant"), _cases("fit", "unfitted") + _cases("X", "unfitted"))
def test_bad_fit_on_an_unfitted_model(row, Est, variant):
    X, y = make_data(Est)
    est = Est(**FAST)
    with _raises(row) as error:
        _fit_call(variant)(est, X, y)
    _check_also(row, error)
    assert_unfitted(est)


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
@pytest.mark.parametrize(
    ("row", "Est", "variant"), _cases("fit", "fitted") + _cases("X", "fitted"))
def test_bad_fit_leaves_a_fitted_model_bit_identical(
    row, Est, variant, fitted_models
):
    X, y = make_data(Est)
    est = copy.deepcopy(fitted_models[Est])
    before = snapshot(est, X)
    with _raises(row) as error:
        _fit_call(variant)(est, X, y)
    _check_also(row, error)
    assert_unchanged(before, snapshot(est, X))


@pytest.mark.filterwarnings("ignore:X has feature names")
@pytest.mark.parametrize(("row", "Est", "variant", "method"), _prediction_cases())
def test_bad_X_at_prediction(row, Est, variant, method, fitted_models):
    X, _ = make_data(Est)
    est = fitted_models[Est]
    before = snapshot(est, X)
    with _raises(row):
        getattr(est, method)(variant(X))
    assert_unchanged(before, snapshot(est, X))


# -- invalid parameters on a fitted model ----------------------------------------
# Values that test_estimator_api.py (which checks unfitted estimators) does not
# try: NaN, infinities, None, strings and other wrong types.
NAN, INF = float("nan"), float("inf")
REGULARIZERS = ["weight_regularizer_l1", "weight_regularizer_l2",
                "bias_regularizer_l1", "bias_regularizer_l2"]
BAD_PARAMETERS = [
    ("hidden_layer_sizes", None),
    ("hidden_layer_sizes", 3.0),
    ("hidden_layer_sizes", (np.float64(3.0),)),
    ("hidden_layer_sizes", ((3,),)),
    ("activation", None),
    ("activation", "ReLU"),
    *[(name, value) for name in REGULARIZERS
      for value in (None, "0.1", -INF, [NAN, 0.1], [INF, 0.1])],
    ("dropout", NAN),
    ("dropout", "0.5"),
    ("dropout", None),
    ("optimizer", None),
    ("optimizer", "SGD"),
    ("learning_rate", NAN),
    ("learning_rate", INF),
    ("learning_rate", "0.1"),
    ("learning_rate_decay", NAN),
    ("learning_rate_decay", INF),
    ("momentum", NAN),
    ("momentum", None),
    ("rho", NAN),
    ("rho", 1.5),
    ("beta_1", NAN),
    ("beta_1", None),
    ("beta_2", NAN),
    ("beta_2", 2.0),
    ("epsilon", NAN),
    ("epsilon", INF),
    ("epsilon", -1e-7),
    ("batch_size", -1),
    ("batch_size", "200"),
    ("batch_size", NAN),
    ("max_iter", 2.5),
    ("max_iter", None),
    ("max_iter", INF),
    ("tol", NAN),
    ("tol", None),
    ("n_iter_no_change", 2.5),
    ("n_iter_no_change", None),
    ("early_stopping", None),
    ("early_stopping", 1),
    ("validation_fraction", NAN),
    ("validation_fraction", None),
    ("shuffle", None),
    ("shuffle", 1),
    ("random_state", -1),
    ("random_state", 1.5),
    ("random_state", "0"),
    ("verbose", "yes"),
    ("verbose", None),
    ("warm_start", None),
    ("warm_start", 1),
]


# The parameters only one kind of estimator has.
OWN_BAD_PARAMETERS = {
    "classifier": [("class_weight", "Balanced"), ("class_weight", [1.0, 2.0])],
    "regressor": [("loss", "Poisson"), ("loss", "mse"), ("loss", 1)],
}


def bad_parameters(Est):
    own = OWN_BAD_PARAMETERS["regressor" if is_regressor(Est) else "classifier"]
    return BAD_PARAMETERS + own


def test_bad_parameter_list_covers_every_parameter(AnyEstimator):
    assert {name for name, _ in bad_parameters(AnyEstimator)} == set(
        AnyEstimator().get_params())


NOT_USED_BY_PARTIAL_FIT = {"max_iter", "early_stopping", "validation_fraction",
                           "warm_start"}


def _fit_with_bad_parameter(est, name, value, method, X, y):
    """Set ``name=value``, call ``method``; return the error, params restored."""
    old = getattr(est, name)
    est.set_params(**{name: value})
    try:
        getattr(est, method)(X, y)
    except Exception as error:  # noqa: BLE001 (any error is examined below)
        return error
    finally:
        est.set_params(**{name: old})
    return None


def _names_the_parameter(error, name, value):
    message = str(error)
    return (
        isinstance(error, InvalidParameterError)
        and f"'{name}' parameter" in message
        and repr(value) in message  # and the value it got
    )


@pytest.mark.parametrize(
    ("Est", "name", "value"),
    [pytest.param(Est, name, value, id=f"{Est.__name__}-{name}={value!r}")
     for Est in ESTIMATORS for name, value in bad_parameters(Est)])
def test_invalid_parameter_on_a_fitted_model(Est, name, value, fitted_models):
    row = next(row for row in ROWS if row.id == "invalid-parameter")
    X, y = make_data(Est)
    est = copy.deepcopy(fitted_models[Est])
    before = snapshot(est, X)
    error = _fit_with_bad_parameter(est, name, value, "fit", X, y)
    assert isinstance(error, ERRORS[row.error]), repr(error)
    assert row.fragment in str(error)
    assert _names_the_parameter(error, name, value), str(error)
    assert_unchanged(before, snapshot(est, X))


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_partial_fit_validates_parameters_on_a_fitted_model(Est, fitted_models):
    # partial_fit applies the current parameters (activation, dropout,
    # lambdas, optimizer settings) at every call, so it must validate them at
    # every call too -- scikit-learn's _fit_context skips the validation in
    # partial_fit once the estimator is fitted.  One test for all the values,
    # listing every one that is not rejected as it should be.  (max_iter,
    # early_stopping, validation_fraction and warm_start play no part in
    # partial_fit, so they are left out.)
    X, y = make_data(Est)
    wrong = []
    for name, value in bad_parameters(Est):
        if name in NOT_USED_BY_PARTIAL_FIT:
            continue
        est = copy.deepcopy(fitted_models[Est])
        before = snapshot(est, X)
        error = _fit_with_bad_parameter(est, name, value, "partial_fit", X, y)
        if error is None or not _names_the_parameter(error, name, value):
            wrong.append(f"{name}={value!r}: {error!r}")
            continue
        assert_unchanged(before, snapshot(est, X))
    assert not wrong, "\n".join(
        [f"{len(wrong)} invalid values not rejected by partial_fit:", *wrong])


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_bool_batch_size_is_not_a_crash(Est, fitted_models):
    # bool is an Integral to scikit-learn's parameter validation, so
    # batch_size=True passes it.  It must then either work as batch_size=1 (as
    # in scikit-learn's MLPClassifier) or be rejected naming batch_size before
    # anything changes -- not fail inside the training loop.
    X, y = make_data(Est)
    est = copy.deepcopy(fitted_models[Est])
    before = snapshot(est, X)
    error = _fit_with_bad_parameter(est, "batch_size", True, "fit", X, y)
    if error is None:
        est.set_params(batch_size=True).fit(X, y)
        one = Est(**{**FAST, "batch_size": 1}).fit(X, y)
        for a, b in zip(est.coefs_, one.coefs_):
            assert_array_equal(a, b)
    else:
        assert isinstance(error, ValueError), repr(error)
        assert "batch_size" in str(error)
        assert_unchanged(before, snapshot(est, X))


# -- prediction-time rows ------------------------------------------------------
@pytest.mark.parametrize(("Est", "method"), _methods(extra=["score"]))
def test_prediction_before_fit(Est, method):
    row = next(row for row in ROWS if row.id == "not-fitted")
    X, y = make_data(Est)
    args = (X, y) if method == "score" else (X,)
    with _raises(row) as error:
        getattr(Est(**FAST), method)(*args)
    assert Est.__name__ in str(error.value)


@pytest.mark.parametrize("n_features", [3, 5])
@pytest.mark.parametrize(("Est", "method"), _methods())
def test_other_number_of_features_at_prediction(Est, method, n_features,
                                                fitted_models):
    row = next(row for row in ROWS if row.id == "n-features")
    X, _ = make_data(Est)
    X_other = np.random.default_rng(1).normal(size=(5, n_features))
    est = fitted_models[Est]
    before = snapshot(est, X)
    with _raises(row) as error:
        getattr(est, method)(X_other)
    assert f"X has {n_features} features" in str(error.value)
    assert "expecting 4 features" in str(error.value)
    assert_unchanged(before, snapshot(est, X))


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_other_number_of_features_when_continuing(Est, fitted_models):
    row = next(row for row in ROWS if row.id == "n-features")
    X, y = make_data(Est)
    est = copy.deepcopy(fitted_models[Est])
    before = snapshot(est, X)
    with _raises(row):
        est.partial_fit(X[:, :3], y)
    est.set_params(warm_start=True)
    with _raises(row):
        est.fit(X[:, :3], y)
    est.set_params(warm_start=False)
    assert_unchanged(before, snapshot(est, X))


@pytest.fixture(scope="module")
def frame_models():
    models = {}
    for Est in ESTIMATORS:
        X, y = make_data(Est)
        frame = pd.DataFrame(X, columns=["age", "height", "weight", "income"])
        models[Est] = (Est(**FAST).fit(frame, y), frame, y)
    return models


def _other_calls(est, y):
    """Every call that validates X against the names seen in fit."""
    calls = {method: (lambda X, m=method: getattr(est, m)(X))
             for method in prediction_methods(est)}
    calls["score"] = lambda X: est.score(X, y)
    calls["partial_fit"] = lambda X: est.partial_fit(X, y)
    return calls


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_frame_with_other_column_names(Est, frame_models):
    # test_sklearn_integration.py checks that predict raises; here the message
    # names the columns, and nothing changes, for every method.
    row = next(row for row in ROWS if row.id == "feature-names")
    fitted, frame, y = frame_models[Est]
    est = copy.deepcopy(fitted)
    before = snapshot(est, frame)
    renamed = frame.rename(columns={"height": "size"})
    for name, call in _other_calls(est, y).items():
        with _raises(row) as error:
            call(renamed)
        message = str(error.value)
        assert "The feature names should match those that were passed during fit" \
            in message, name
        assert "- size" in message  # unseen at fit time
        assert "Feature names seen at fit time, yet now missing:\n- height" \
            in message
    assert_unchanged(before, snapshot(est, frame))


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_frame_with_columns_in_another_order(Est, frame_models):
    row = next(row for row in ROWS if row.id == "feature-order")
    fitted, frame, y = frame_models[Est]
    est = copy.deepcopy(fitted)
    before = snapshot(est, frame)
    reordered = frame[["income", "age", "height", "weight"]]
    for call in _other_calls(est, y).values():
        with _raises(row):
            call(reordered)
    # A warm start is checked the same way.
    est.set_params(warm_start=True)
    with _raises(row):
        est.fit(reordered, y)
    est.set_params(warm_start=False)
    assert_unchanged(before, snapshot(est, frame))


# -- rows that are not errors --------------------------------------------------------
@pytest.mark.parametrize("Est", ESTIMATORS)
def test_batch_size_larger_than_the_data_is_clipped_with_a_warning(Est):
    row = next(row for row in ROWS if row.id == "batch-size")
    X, y = make_data(Est)
    with pytest.warns(UserWarning, match=re.escape(row.fragment)) as record:
        clipped = Est(**{**FAST, "batch_size": 500}).fit(X, y)
    assert "(500 > 60)" in str(record[0].message)
    full = Est(**{**FAST, "batch_size": None}).fit(X, y)
    for a, b in zip(clipped.coefs_ + clipped.intercepts_,
                    full.coefs_ + full.intercepts_):
        assert_array_equal(a, b)
    # As in scikit-learn, the clipping is per fit: a smaller batch_size, or
    # more data, is silent.
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*batch_size", category=UserWarning)
        Est(**{**FAST, "batch_size": 60}).fit(X, y)


def _huge_inputs(X):
    return {
        "all-1e150": X * 1e150,
        "one-column-1e150": np.c_[X[:, :3], X[:, 3] * 1e150],
        "float32-1e30": (X * 1e30).astype(np.float32),
    }


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("scale", ["all-1e150", "one-column-1e150", "float32-1e30"])
@pytest.mark.parametrize("Est", ESTIMATORS)
def test_features_of_huge_magnitude(Est, scale, optimizer):
    # No error is needed: fit ends (at worst with a ConvergenceWarning saying
    # that training diverged and the earlier weights are kept) and every
    # output is finite.  pyproject turns any RuntimeWarning into an error, so
    # no overflow warning escapes either.
    X, y = make_data(Est)
    X_huge = _huge_inputs(X)[scale]
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always", ConvergenceWarning)
        est = Est(**{**FAST, "optimizer": optimizer}).fit(X_huge, y)
    for param in est.coefs_ + est.intercepts_:
        assert np.isfinite(param).all()
        assert param.dtype == X_huge.dtype
    messages = [str(w.message) for w in record]
    if est.n_iter_ < est.max_iter:  # divergence stops early, and says so
        assert any("diverged" in m for m in messages), messages
    for method in prediction_methods(est):
        assert np.isfinite(getattr(est, method)(X_huge)).all(), method
    if not is_regressor(est):
        proba = est.predict_proba(X_huge)
        assert np.all((proba >= 0) & (proba <= 1))
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
        assert set(est.predict(X_huge)) <= set(est.classes_)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("Est", ESTIMATORS)
def test_constant_features(Est, sparse):
    X, y = make_data(Est)
    X_const = np.c_[X, np.zeros(len(X)), np.full(len(X), 3.0)]
    X_fit = sp.csr_matrix(X_const) if sparse else X_const
    params = {**FAST, "learning_rate": 0.05, "tol": 0.0}
    est = Est(**{**params, "max_iter": 20}).fit(X_fit, y)
    predicted = outputs(est, X_fit)
    assert np.isfinite(predicted).all()
    if not is_regressor(Est):
        np.testing.assert_allclose(predicted.sum(axis=1), 1, rtol=1e-12)
    for param in est.coefs_ + est.intercepts_:
        assert np.isfinite(param).all()
    # A column of zeros never receives a gradient (there is no penalty here),
    # so its weights keep their initial values, exactly, however long the fit.
    longer = Est(**{**params, "max_iter": 40}).fit(X_fit, y)
    assert_array_equal(longer.coefs_[0][4], est.coefs_[0][4])
    assert not np.array_equal(longer.coefs_[0][0], est.coefs_[0][0])
    # Only constant features: nothing to learn from, still a working model.
    X_all_const = np.ones((len(X), 3))
    est = Est(**FAST).fit(X_all_const, y)
    predicted = outputs(est, X_all_const)
    assert np.isfinite(predicted).all()
    assert np.all(predicted == predicted[0])  # the same answer for every row

"""What a saved model contains, how big it is, and loading it safely with skops.

``docs/persistence.rst`` promises that a fitted model's state (a classifier's
or the regressor's) is arrays and plain Python values held by skmlp's own
classes and scikit-learn's ``LabelBinarizer``: no functions, no random
generators, nothing of the size of the training data.  This module checks that
on the object graph (through ``__getstate__``, what pickle stores) and on the
pickle itself (every global it imports), bounds the pickle's size, and checks
the skops path: only skmlp types are untrusted, the trusted list written in
the docs is exact and its call runs as written, another version's file warns,
and a loaded model keeps training exactly as the original.

``test_sklearn_integration.py`` covers pickle and joblib round trips in a
fresh process and the version warning through pickle and joblib; here the
version warning is tested through skops.
"""

import ast
import copy
import importlib
import io
import json
import pickle
import textwrap
import types
import warnings
import zipfile
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from fitting import (
    ESTIMATORS,
    OPTIMIZERS,
    REGRESSION_LOSSES,
    estimator_class,
    outputs,
    partial_fit_kwargs,
)
from numpy.testing import assert_array_equal
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelBinarizer

import skmlp
from skmlp import BinaryMLPClassifier, InconsistentVersionWarning, MLPRegressor

ACTIVATIONS = ["relu", "tanh", "sigmoid", "identity"]
DOCS = Path(__file__).resolve().parents[1] / "docs" / "persistence.rst"

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

# A sample count that no layer width or feature count below equals, so an
# array with this many rows can only be training data.
N_SAMPLES = 137


def make_data(Est, n_samples=N_SAMPLES, n_features=11, random_state=0):
    if estimator_class(Est) is MLPRegressor:
        X, y = make_regression(n_samples=n_samples, n_features=n_features,
                               n_informative=5, random_state=random_state)
        return X, np.abs(y / y.std())  # non-negative, for loss="poisson" too
    n_classes = 2 if Est is BinaryMLPClassifier else 3
    X, y = make_classification(
        n_samples=n_samples, n_features=n_features, n_informative=5,
        n_redundant=0, n_classes=n_classes, random_state=random_state,
    )
    return X, y


def _fit(Est, X, y, **params):
    defaults = {"hidden_layer_sizes": (5,), "max_iter": 2, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return Est(**{**defaults, **params}).fit(X, y)


def _models():
    """Fitted models in many configurations, built lazily (name -> thunk)."""
    def plain(Est, **params):
        def build():
            X, y = make_data(Est)
            return _fit(Est, X, y, **params), X, y
        return build

    def multilabel():
        X, Y = make_multilabel_classification(
            n_samples=N_SAMPLES, n_features=11, n_classes=3, random_state=0)
        return _fit(BinaryMLPClassifier, X, Y, dropout=0.2), X, Y

    def frame(Est):
        def build():
            X, y = make_data(Est)
            X = pd.DataFrame(X, columns=[f"col{i}" for i in range(X.shape[1])])
            if Est is MLPRegressor:  # two targets, from a frame too
                y = pd.DataFrame({"a": y, "b": 2 * y})
                return _fit(Est, X, y), X, y
            y = np.array(["no", "yes", "maybe"], dtype=object)[y]
            return _fit(Est, X, y, class_weight="balanced"), X, y
        return build

    def sparse_float32(Est):
        def build():
            X, y = make_data(Est)
            X = sp.csr_matrix(X.astype(np.float32))
            return _fit(Est, X, y, early_stopping=True, dropout=0.1), X, y
        return build

    def incremental(Est):
        def build():
            X, y = make_data(Est)
            est = Est(hidden_layer_sizes=(4, 3), optimizer="sgd", momentum=0.0,
                      random_state=0)
            for _ in range(2):
                est.partial_fit(X, y, **partial_fit_kwargs(Est, y))
            return est, X, y
        return build

    models = {}
    for Est in ESTIMATORS:
        short = ("regressor" if Est is MLPRegressor
                 else Est.__name__.replace("MLPClassifier", "").lower())
        for optimizer in OPTIMIZERS:
            models[f"{short}-{optimizer}-dropout"] = plain(
                Est, optimizer=optimizer, dropout=0.2)
        for activation in ACTIVATIONS:
            models[f"{short}-{activation}-2-layers"] = plain(
                Est, activation=activation, hidden_layer_sizes=(4, 3),
                weight_regularizer_l2=[0.1, 0.0, 0.01])
        models[f"{short}-no-hidden-layer"] = plain(Est, hidden_layer_sizes=())
        frame_kind = "2-targets" if Est is MLPRegressor else "strings"
        models[f"{short}-dataframe-{frame_kind}"] = frame(Est)
        models[f"{short}-sparse-float32-early-stopping"] = sparse_float32(Est)
        models[f"{short}-partial-fit"] = incremental(Est)
    models["binary-multilabel"] = multilabel
    for loss in REGRESSION_LOSSES[1:]:  # squared_error is the default above
        models[f"regressor-{loss}-dropout"] = plain(MLPRegressor, loss=loss,
                                                     dropout=0.2)
    return models


MODELS = _models()


@pytest.fixture(scope="module")
def fitted():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = MODELS[name]()
        return cache[name]

    return get


# -- the object graph ------------------------------------------------------------------
PLAIN = (type(None), bool, int, float, complex, str, bytes, np.generic)


def _state(obj):
    """What pickle stores of ``obj``: its __getstate__(), or its __dict__."""
    getstate = getattr(obj, "__getstate__", None)
    if getstate is not None:
        state = getstate()
        if state is not None:
            return state
    return vars(obj) if hasattr(obj, "__dict__") else None


def walk(obj, path="model", seen=None):
    """Yield ``(path, object)`` for everything reachable through the state."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    yield path, obj
    if isinstance(obj, PLAIN):
        return
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            for i, item in enumerate(obj.ravel()):
                yield from walk(item, f"{path}.flat[{i}]", seen)
        return
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from walk(key, f"{path}<key {key!r}>", seen)
            yield from walk(value, f"{path}[{key!r}]", seen)
        return
    if isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from walk(item, f"{path}[{i}]", seen)
        return
    state = _state(obj)
    if state is not None:
        yield from walk(state, f"{path}.__state__", seen)


def _allowed(obj):
    if isinstance(obj, (*PLAIN, np.ndarray, dict, list, tuple)):
        return True
    cls = type(obj)
    return cls.__module__.split(".")[0] == "skmlp" or cls is LabelBinarizer


@pytest.mark.parametrize("name", list(MODELS))
def test_state_is_arrays_plain_values_and_known_classes(name, fitted):
    est, X, y = fitted(name)
    for path, obj in walk(est):
        # The allow-list leaves out functions, lambdas, methods, classes,
        # generators and sparse matrices; the usual suspects, said explicitly:
        assert _allowed(obj), f"{path}: {type(obj)!r}"
        assert not isinstance(obj, (types.FunctionType, types.MethodType,
                                    types.BuiltinFunctionType, type)), path
        assert not isinstance(obj, (np.random.Generator, np.random.RandomState,
                                    np.random.BitGenerator)), path
        if isinstance(obj, np.ndarray) and obj.dtype != object:
            # Nothing with a row per training sample.
            assert N_SAMPLES not in obj.shape, f"{path}: shape {obj.shape}"


@pytest.mark.parametrize("name", list(MODELS))
def test_live_model_keeps_no_reference_to_the_training_data(name, fitted):
    # Beyond the pickle: after fit, the live model holds no view of X or y
    # (the last minibatch, the work buffers) either.
    est, X, y = fitted(name)
    data = [X.data if sp.issparse(X) else np.asarray(X), np.asarray(y)]
    seen = set()
    stack = [est]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, PLAIN):
            continue
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            for array in data:
                assert not np.shares_memory(obj, array)
            assert obj.dtype == object or N_SAMPLES not in obj.shape
            if obj.dtype == object:
                stack.extend(obj.ravel())
        elif isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif hasattr(obj, "__dict__") and not isinstance(obj, type):
            stack.extend(vars(obj).values())
        assert not sp.issparse(obj)


# -- the pickle ---------------------------------------------------------------------
# The only globals a pickle may import besides skmlp's classes: NumPy's array
# (and scalar) reconstruction and scikit-learn's LabelBinarizer.
NUMPY_GLOBALS = {
    (module, name)
    for module in ("numpy.core.multiarray", "numpy._core.multiarray")
    for name in ("_reconstruct", "scalar")
} | {("numpy", "ndarray"), ("numpy", "dtype")}
SKLEARN_GLOBALS = {("sklearn.preprocessing._label", "LabelBinarizer")}


class _RecordingUnpickler(pickle.Unpickler):
    def __init__(self, data):
        super().__init__(io.BytesIO(data))
        self.globals = set()

    def find_class(self, module, name):
        self.globals.add((module, name))
        return super().find_class(module, name)


@pytest.mark.parametrize("name", list(MODELS))
def test_pickle_imports_only_skmlp_classes_and_numpy(name, fitted):
    est, X, _ = fitted(name)
    data = pickle.dumps(est)
    unpickler = _RecordingUnpickler(data)
    loaded = unpickler.load()
    for module, attribute in unpickler.globals:
        if module.split(".")[0] == "skmlp":
            obj = getattr(importlib.import_module(module), attribute)
            assert isinstance(obj, type), f"{module}.{attribute} is not a class"
        else:
            assert (module, attribute) in NUMPY_GLOBALS | SKLEARN_GLOBALS, (
                module, attribute)
    assert np.array_equal(outputs(loaded, X), outputs(est, X))


def test_pickle_size_does_not_grow_with_the_data(AnyEstimator):
    Est = AnyEstimator
    sizes = {}
    for n_samples in (200, 20_000):
        X, y = make_data(Est, n_samples=n_samples, n_features=10)
        est = _fit(Est, X, y, hidden_layer_sizes=(8,), max_iter=1, dropout=0.1)
        sizes[n_samples] = len(pickle.dumps(est))
    # Only the integers that count samples (t_) may take a byte or two more.
    assert abs(sizes[20_000] - sizes[200]) <= 16, sizes


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_pickle_size_is_bounded_by_the_weights(AnyEstimator, optimizer, dtype):
    Est = AnyEstimator
    X, y = make_data(Est, n_samples=300, n_features=40)
    est = _fit(Est, X.astype(dtype), y, hidden_layer_sizes=(64, 32),
               optimizer=optimizer, dropout=0.1)
    weights = sum(a.nbytes for a in est.coefs_ + est.intercepts_)
    size = len(pickle.dumps(est))
    # Adam keeps two moment arrays the size of the weights; nothing else is
    # proportional to them.
    assert size <= 3.5 * weights + 20_000, (size, weights)


# -- skops ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def skops_io():
    return pytest.importorskip("skops.io")


def _documented_load_call():
    """The code block of docs/persistence.rst with the literal trusted list."""
    text = DOCS.read_text(encoding="utf-8")
    blocks = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == ".. code-block:: python":
            body = []
            for following in lines[i + 1:]:
                if following and not following.startswith(" "):
                    break
                body.append(following)
            blocks.append(textwrap.dedent("\n".join(body)).strip())
    (block,) = [b for b in blocks if "skops.io.load(" in b and "skmlp." in b]
    return block


def _documented_trusted_list():
    tree = ast.parse(_documented_load_call())
    (call,) = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
               and getattr(node.func, "attr", None) == "load"]
    (keyword,) = [k for k in call.keywords if k.arg == "trusted"]
    return ast.literal_eval(keyword.value)


def test_documented_trusted_list_names_skmlp_classes():
    trusted = _documented_trusted_list()
    assert trusted == sorted(trusted)
    assert len(set(trusted)) == len(trusted)
    for name in trusted:
        assert name.startswith("skmlp.")
        module, _, attribute = name.rpartition(".")
        assert isinstance(getattr(importlib.import_module(module), attribute), type)


def test_documented_trusted_list_is_exactly_what_models_contain(skops_io, fitted):
    # Every model's untrusted types are in the list, and every listed type
    # occurs in some model: the docs list nothing stale.
    reported = set()
    for name in MODELS:
        est, _, _ = fitted(name)
        reported |= set(skops_io.get_untrusted_types(data=skops_io.dumps(est)))
    assert reported == set(_documented_trusted_list())


@pytest.mark.parametrize("name", list(MODELS))
def test_skops_reports_only_skmlp_types_and_round_trips(name, fitted, skops_io,
                                                        tmp_path):
    est, X, _ = fitted(name)
    path = tmp_path / "model.skops"
    skops_io.dump(est, path)
    untrusted = skops_io.get_untrusted_types(file=path)
    assert f"{type(est).__module__}.{type(est).__name__}" in untrusted
    assert all(t.startswith("skmlp.") for t in untrusted), untrusted
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        loaded = skops_io.load(path, trusted=_documented_trusted_list())
    assert type(loaded) is type(est)
    assert loaded.get_params() == est.get_params()
    assert np.array_equal(outputs(loaded, X), outputs(est, X))
    assert_array_equal(loaded.predict(X), est.predict(X))
    assert loaded.loss_curve_ == est.loss_curve_


def test_documented_call_runs_as_written(skops_io, fitted, tmp_path, monkeypatch):
    est, X, _ = fitted("multiclass-adam-dropout")
    monkeypatch.chdir(tmp_path)
    skops_io.dump(est, "model.skops")
    namespace = {}
    exec(_documented_load_call(), namespace)  # noqa: S102 (the docs' own code)
    model = namespace["model"]
    assert np.array_equal(outputs(model, X), outputs(est, X))


# One plain model of each estimator.
PLAIN_MODELS = ["binary-adam-dropout", "multiclass-adam-dropout",
                "regressor-adam-dropout"]


@pytest.mark.parametrize("name", PLAIN_MODELS)
def test_skops_refuses_skmlp_types_unless_trusted(name, skops_io, fitted):
    from skops.io.exceptions import UntrustedTypesFoundException

    est, _, _ = fitted(name)
    with pytest.raises(UntrustedTypesFoundException, match="skmlp"):
        skops_io.loads(skops_io.dumps(est))


def _with_version(data, version):
    """The skops file ``data`` with another recorded skmlp version."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "schema.json":
                schema = json.loads(content)
                node = schema["content"]["content"]["_skmlp_version"]
                assert json.loads(node["content"]) == skmlp.__version__
                node["content"] = json.dumps(version)
                content = json.dumps(schema).encode()
            target.writestr(info, content)
    return out.getvalue()


@pytest.mark.parametrize("other_version", ["0.0.1", "99.0.0"])
@pytest.mark.parametrize("name", PLAIN_MODELS)
def test_skops_file_of_another_version_warns_naming_both(name, skops_io, fitted,
                                                         other_version):
    est, X, _ = fitted(name)
    data = _with_version(skops_io.dumps(est), other_version)
    with pytest.warns(InconsistentVersionWarning) as record:
        loaded = skops_io.loads(data, trusted=_documented_trusted_list())
    messages = [str(w.message) for w in record
                if issubclass(w.category, InconsistentVersionWarning)]
    assert len(messages) == 1
    assert other_version in messages[0]
    assert skmlp.__version__ in messages[0]
    assert type(est).__name__ in messages[0]
    assert np.array_equal(outputs(loaded, X), outputs(est, X))


# -- continuing to train a loaded model -----------------------------------------
def _round_trip(est, fmt, skops_io, tmp_path):
    if fmt == "pickle":
        return pickle.loads(pickle.dumps(est))
    if fmt == "joblib":
        joblib.dump(est, tmp_path / "model.joblib")
        return joblib.load(tmp_path / "model.joblib")
    return skops_io.loads(skops_io.dumps(est), trusted=_documented_trusted_list())


def _continue(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.partial_fit(X, y)
        est.set_params(warm_start=True, max_iter=2).fit(X, y)
    return est


@pytest.mark.parametrize("fmt", ["pickle", "joblib", "skops"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_loaded_model_continues_training_like_the_original(
    AnyEstimator, optimizer, fmt, tmp_path, request
):
    Est = AnyEstimator
    skops_io = request.getfixturevalue("skops_io") if fmt == "skops" else None
    X, y = make_data(Est)
    # Momentum, moments, caches and the decaying step size all depend on the
    # optimizer state and step count: a loaded model that lost them would
    # take other steps.
    est = _fit(Est, X, y, hidden_layer_sizes=(6, 4), optimizer=optimizer,
               momentum=0.9, learning_rate=0.05, learning_rate_decay=0.1,
               dropout=0.2, batch_size=32, max_iter=3, tol=0.0)
    loaded = _round_trip(copy.deepcopy(est), fmt, skops_io, tmp_path)
    original = _continue(est, X, y)
    continued = _continue(loaded, X, y)
    for a, b in zip(original.coefs_ + original.intercepts_,
                    continued.coefs_ + continued.intercepts_, strict=True):
        assert_array_equal(a, b, strict=True)
    assert continued.loss_curve_ == original.loss_curve_
    assert continued.n_iter_ == original.n_iter_ == 2  # the last fit's epochs
    assert len(continued.loss_curve_) == 6
    assert continued.t_ == original.t_

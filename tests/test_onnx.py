"""skmlp.onnx: the exported graphs, run in onnxruntime, reproduce predict and
predict_proba for every output kind, dtype, label type and activation, and
the regressor's predict for every loss."""

import importlib
import sys

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier, MLPRegressor, MulticlassMLPClassifier

pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")

from skl2onnx import convert_sklearn, to_onnx  # noqa: E402
from skl2onnx.common.data_types import (  # noqa: E402
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
)

import skmlp.onnx  # noqa: E402  (importing registers the converters)

# Networks train for a few epochs only: the graphs, not the fits, are tested.
pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

ACTIVATIONS = ["relu", "tanh", "sigmoid", "identity"]
DTYPES = [np.float32, np.float64]
# Largest |onnxruntime - predict_proba|: float32 matrix products summed in
# another order differ by a few ulps; double ones agree to ~1e-16.
ATOL = {np.float32: 1e-5, np.float64: 1e-10}
TARGETS = {
    ("binary", "int"): np.array([3, 7]),
    ("binary", "str"): np.array(["cat", "dog"]),
    ("multiclass", "int"): np.array([10, 20, 30]),
    ("multiclass", "str"): np.array(["a", "b", "c"]),
}
ESTIMATOR = {
    "binary": BinaryMLPClassifier,
    "multilabel": BinaryMLPClassifier,
    "multiclass": MulticlassMLPClassifier,
}


def _data(kind, labels="int", dtype=np.float64, n_samples=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, 4).astype(dtype)
    if kind == "multilabel":
        y = (X[:, :3] + 0.5 * rng.randn(n_samples, 3) > 0).astype(int)
    else:
        values = TARGETS[kind, labels]
        score = X[:, 0] + X[:, 1] * X[:, 2] + 0.3 * rng.randn(n_samples)
        # Classes of equal size: cut the score at its quantiles.
        edges = np.quantile(score, np.linspace(0, 1, len(values) + 1)[1:-1])
        y = values[np.digitize(score, edges)]
    return X, y


def _model(kind, **params):
    params = {"hidden_layer_sizes": (6, 5), "learning_rate": 0.02, "max_iter": 8,
              "batch_size": 16, "random_state": 0, **params}
    return ESTIMATOR[kind](**params)


def _to_onnx(model, X, **options):
    """The ONNX model with the probabilities as a tensor (not skl2onnx's
    default ZipMap), plus any other option."""
    return to_onnx(model, X[:1], options={"zipmap": False, **options})


def _run(onx, X):
    onnx.checker.check_model(onx)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(
        onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def _assert_reproduces(model, X, onx, dtype):
    label, proba = _run(onx, X)
    expected = model.predict(X)
    assert label.shape == expected.shape
    np.testing.assert_array_equal(label, expected)
    assert proba.dtype == dtype
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=0,
                               atol=ATOL[dtype])


CASES = [
    (kind, labels)
    for kind in ("binary", "multiclass")
    for labels in ("int", "str")
] + [("multilabel", "int")]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize(("kind", "labels"), CASES)
def test_estimator_reproduces_predictions(kind, labels, dtype, activation):
    X, y = _data(kind, labels, dtype)
    model = _model(kind, activation=activation).fit(X, y)
    assert model.coefs_[0].dtype == dtype
    onx = _to_onnx(model, X)
    _assert_reproduces(model, X, onx, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize(("kind", "labels"), CASES)
def test_pipeline_with_scaler_reproduces_predictions(kind, labels, dtype):
    X, y = _data(kind, labels, dtype)
    X = X * [1.0, 10.0, 100.0, 0.1] + 5  # something for the scaler to do
    X = X.astype(dtype)
    pipe = make_pipeline(StandardScaler(), _model(kind)).fit(X, y)
    onx = _to_onnx(pipe, X)
    _assert_reproduces(pipe, X, onx, dtype)


@pytest.mark.parametrize("kind", ["binary", "multilabel", "multiclass"])
def test_no_hidden_layer_converts(kind):
    X, y = _data(kind)
    model = _model(kind, hidden_layer_sizes=()).fit(X, y)
    assert len(model.coefs_) == 1
    onx = _to_onnx(model, X)
    assert [node.op_type for node in onx.graph.node][:2] == ["MatMul", "Add"]
    _assert_reproduces(model, X, onx, np.float64)


def test_output_names_and_types():
    X, y = _data("multiclass", "str", np.float32)
    model = _model("multiclass").fit(X, y)
    onx = _to_onnx(model, X)
    label, proba = _run(onx, X)
    assert [o.name for o in onx.graph.output] == ["label", "probabilities"]
    assert label.dtype == object
    assert proba.shape == (len(X), 3)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_convert_sklearn_with_initial_types(dtype):
    X, y = _data("binary", "int", dtype)
    model = _model("binary").fit(X, y)
    tensor = FloatTensorType if dtype == np.float32 else DoubleTensorType
    onx = convert_sklearn(model, initial_types=[("features", tensor([None, 4]))],
                          options={id(model): {"zipmap": False}})
    assert onx.graph.input[0].name == "features"
    _assert_reproduces(model, X, onx, dtype)


def test_int64_input_is_cast_to_float():
    rng = np.random.RandomState(0)
    X = rng.randint(-3, 4, size=(60, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = _model("binary").fit(X.astype(np.float32), y)
    onx = convert_sklearn(model, initial_types=[("X", Int64TensorType([None, 4]))],
                          options={type(model): {"zipmap": False}})
    label, proba = _run(onx, X.astype(np.int64))
    np.testing.assert_array_equal(label, model.predict(X.astype(np.float32)))
    np.testing.assert_allclose(
        proba, model.predict_proba(X.astype(np.float32)), rtol=0, atol=1e-5
    )


def test_float32_model_with_double_input_agrees_to_float32_precision():
    X, y = _data("multiclass", "int", np.float32)
    model = _model("multiclass").fit(X, y)
    X64 = X.astype(np.float64)
    onx = _to_onnx(model, X64)  # a double graph with float32 weights
    label, proba = _run(onx, X64)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=0, atol=1e-5)


def test_dropout_has_no_node():
    # Dropout is inactive at prediction: the graph is the plain forward pass.
    X, y = _data("multiclass", "int")
    model = _model("multiclass", dropout=0.3).fit(X, y)
    onx = _to_onnx(model, X)
    assert "Dropout" not in {node.op_type for node in onx.graph.node}
    _assert_reproduces(model, X, onx, np.float64)


def test_the_fitted_activation_is_exported_not_a_later_set_params():
    X, y = _data("binary", "int")
    model = _model("binary", activation="tanh").fit(X, y)
    model.set_params(activation="relu")  # not refitted: predict still uses tanh
    _assert_reproduces(model, X, _to_onnx(model, X), np.float64)


@pytest.mark.parametrize(
    ("labels", "expected_dtype"),
    [(np.array([False, True]), np.int64), (np.array([1.0, 2.0]), np.int64)],
    ids=["bool", "whole-float"],
)
def test_bool_and_whole_float_labels_become_int64(labels, expected_dtype):
    X, y01 = _data("binary", "int")
    y = labels[(y01 == 7).astype(int)]
    model = _model("binary").fit(X, y)
    label, _ = _run(_to_onnx(model, X), X)
    assert label.dtype == expected_dtype
    np.testing.assert_array_equal(label, model.predict(X).astype(np.int64))


def test_unfitted_model_raises():
    X, _ = _data("binary")
    with pytest.raises(NotFittedError):
        to_onnx(BinaryMLPClassifier(), X[:1])


# -- options ----------------------------------------------------------------------
def _maps_to_array(maps, keys):
    return np.array([[row[key] for key in keys] for row in maps])


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize(("kind", "labels"), CASES)
def test_zipmap_is_the_default_as_in_skl2onnx(kind, labels, dtype):
    X, y = _data(kind, labels, dtype)
    model = _model(kind).fit(X, y)
    label, maps = _run(to_onnx(model, X[:1]), X)
    np.testing.assert_array_equal(label, model.predict(X))
    assert isinstance(maps, list)
    keys = range(3) if kind == "multilabel" else model.classes_.tolist()
    assert sorted(maps[0]) == sorted(keys)
    # ZipMap holds float32 values, also for a double graph.
    np.testing.assert_allclose(_maps_to_array(maps, keys), model.predict_proba(X),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_zipmap_columns(dtype):
    X, y = _data("multiclass", "str", dtype)
    model = _model("multiclass").fit(X, y)
    label, *columns = _run(to_onnx(model, X[:1], options={"zipmap": "columns"}), X)
    np.testing.assert_array_equal(label, model.predict(X))
    np.testing.assert_allclose(np.column_stack(columns), model.predict_proba(X),
                               rtol=0, atol=ATOL[dtype])


@pytest.mark.parametrize(("kind", "labels"), [c for c in CASES if c[0] != "multilabel"])
def test_nocl_gives_class_indices(kind, labels):
    X, y = _data(kind, labels)
    model = _model(kind).fit(X, y)
    label, _ = _run(_to_onnx(model, X, nocl=True), X)
    assert label.dtype == np.int64
    np.testing.assert_array_equal(
        label, np.searchsorted(model.classes_, model.predict(X))
    )


def test_options_by_class_inside_a_pipeline():
    X, y = _data("multiclass", "int", np.float32)
    pipe = make_pipeline(StandardScaler(), _model("multiclass")).fit(X, y)
    onx = to_onnx(pipe, X[:1], options={MulticlassMLPClassifier: {"zipmap": False}})
    _assert_reproduces(pipe, X, onx, np.float32)
    onx = to_onnx(pipe, X[:1], options={id(pipe[-1]): {"zipmap": "columns"}})
    assert len(_run(onx, X)) == 1 + 3


# -- the module itself ------------------------------------------------------------
def test_register_converters_is_idempotent():
    aliases = skmlp.onnx.register_converters()
    assert aliases == {
        BinaryMLPClassifier: "SkmlpBinaryMLPClassifier",
        MulticlassMLPClassifier: "SkmlpMulticlassMLPClassifier",
        MLPRegressor: "SkmlpMLPRegressor",
    }
    X, y = _data("binary")
    model = _model("binary").fit(X, y)
    _assert_reproduces(model, X, _to_onnx(model, X), np.float64)


def test_missing_skl2onnx_raises_an_import_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "skl2onnx", None)  # "not installed"
    monkeypatch.delitem(sys.modules, "skmlp.onnx")
    with pytest.raises(ImportError, match=r'pip install "skmlp\[onnx\]"'):
        importlib.import_module("skmlp.onnx")


# -- the regressor ----------------------------------------------------------------


def _regression_data(loss, n_targets, dtype):
    rng = np.random.RandomState(0)
    X = rng.randn(60, 4).astype(dtype)
    Y = X[:, :1] * X[:, 1:2] + np.sin(X[:, 2:2 + n_targets])
    if loss == "poisson":
        Y = rng.poisson(np.exp(0.5 * Y)).astype(float)
    return X, Y[:, 0] if n_targets == 1 else Y


@pytest.mark.parametrize("n_targets", [1, 2])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "poisson"])
def test_regressor_graph_reproduces_predict(loss, dtype, n_targets):
    X, y = _regression_data(loss, n_targets, dtype)
    model = MLPRegressor(loss=loss, hidden_layer_sizes=(6, 5), learning_rate=0.02,
                         max_iter=8, batch_size=16, random_state=0).fit(X, y)
    onx = to_onnx(model, X[:1])
    (variable,) = _run(onx, X)
    assert variable.dtype == dtype
    assert variable.shape == (len(X), n_targets)
    np.testing.assert_allclose(variable.reshape(model.predict(X).shape),
                               model.predict(X), rtol=1e-6, atol=ATOL[dtype])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_regressor_in_a_pipeline_with_every_activation(activation):
    X, y = _regression_data("poisson", 1, np.float32)
    pipe = make_pipeline(
        StandardScaler(),
        MLPRegressor(loss="poisson", activation=activation, hidden_layer_sizes=(7,),
                     max_iter=5, random_state=0),
    ).fit(X, y)
    (variable,) = _run(to_onnx(pipe, X[:1]), X)
    np.testing.assert_allclose(variable.ravel(), pipe.predict(X), rtol=1e-5)
    assert (variable > 0).all()

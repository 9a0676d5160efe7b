"""Export fitted skmlp estimators to ONNX with skl2onnx.

Importing this module registers, with `skl2onnx <https://onnx.ai/sklearn-onnx/>`_,
a shape calculator and a converter (and, for the classifiers, a parser) for
:class:`~skmlp.BinaryMLPClassifier`, :class:`~skmlp.MulticlassMLPClassifier`
and :class:`~skmlp.MLPRegressor`. After that, :func:`skl2onnx.to_onnx` and
:func:`skl2onnx.convert_sklearn` convert each estimator, alone or as the last
step of a :class:`~sklearn.pipeline.Pipeline`, like any scikit-learn
classifier or regressor.

The graph is the network's forward pass (``MatMul`` and ``Add`` per
:class:`~skmlp.layers.Dense` layer, the hidden activation as ``Relu``,
``Tanh`` or ``Sigmoid``, nothing for ``"identity"``; dropout is inactive at
inference and has no node), followed by the output layer and the labels:

- multiclass: ``Softmax``; the label is ``classes_[argmax]``;
- binary: ``Sigmoid`` gives :math:`p` of ``classes_[1]``, the probabilities
  are :math:`[1 - p, p]`, and the label is ``classes_[1]`` where
  :math:`p > 0.5`, exactly the rule of ``predict``;
- multilabel: ``Sigmoid`` per label, and the label output is the int64
  indicator matrix :math:`p > 0.5`;
- regression: nothing for ``loss="squared_error"`` or ``"absolute_error"``
  (identity output); ``Exp`` for ``"poisson"`` (after ``Min`` at the log of
  the largest float, as ``predict`` clamps).

The graph computes in the type of its input: float32 for
``FloatTensorType`` inputs, float64 for ``DoubleTensorType`` ones (the
weights are cast to it). ``to_onnx(model, X[:1])`` picks the type of ``X``.

The outputs are those of every skl2onnx classifier, ``label`` and
``probabilities``, with skl2onnx's options for classifiers:

- ``zipmap``: ``True`` (skl2onnx's default) turns the probabilities into a
  list of ``{label: probability}`` dictionaries, float32 even for a double
  graph (ONNX's ``ZipMap`` holds float only); ``False`` keeps the
  ``(n_samples, n_columns)`` tensor of ``predict_proba``, the fastest and the
  one to use with onnxruntime; ``"columns"`` gives one output per column.
- ``nocl``: ``True`` replaces the labels by class indices, so the class
  names are not stored in the graph.

Integer, boolean and string labels are supported (float labels too: scikit-learn
only accepts whole-number ones); integer, boolean and float labels come back as
int64, strings as strings.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> from skl2onnx import to_onnx
>>> from sklearn.datasets import load_iris
>>> from skmlp import MulticlassMLPClassifier
>>> import skmlp.onnx  # registers the converters
>>> X, y = load_iris(return_X_y=True)
>>> X = X.astype(np.float32)
>>> clf = MulticlassMLPClassifier(hidden_layer_sizes=(8,), learning_rate=0.01,
...                               tol=1e-3, max_iter=300, random_state=0)
>>> clf = clf.fit(X, y)
>>> onx = to_onnx(clf, X[:1], options={"zipmap": False})
>>> session = ort.InferenceSession(onx.SerializeToString(),
...                                providers=["CPUExecutionProvider"])
>>> [o.name for o in session.get_outputs()]
['label', 'probabilities']
>>> label, proba = session.run(None, {"X": X})
>>> bool(np.array_equal(label, clf.predict(X)))
True
>>> bool(np.allclose(proba, clf.predict_proba(X), atol=1e-5))
True
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

try:
    from onnx import numpy_helper
    from skl2onnx import update_registered_converter
    from skl2onnx._parse import _apply_zipmap
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
        guess_tensor_type,
    )
    from skl2onnx.common.utils import (
        check_input_and_output_numbers,
        check_input_and_output_types,
    )
    from skl2onnx.proto import onnx_proto
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "skmlp.onnx needs skl2onnx to export models to ONNX (and onnxruntime to "
        'run them). Install both with: pip install "skmlp[onnx]"'
    ) from error

from ._classifiers import BinaryMLPClassifier, MulticlassMLPClassifier
from ._regressor import MLPRegressor

__all__ = ["register_converters"]

# The skl2onnx alias (operator type) of each estimator.
_ALIASES = {
    BinaryMLPClassifier: "SkmlpBinaryMLPClassifier",
    MulticlassMLPClassifier: "SkmlpMulticlassMLPClassifier",
    MLPRegressor: "SkmlpMLPRegressor",
}

# The ONNX operator of each hidden activation; identity needs none.
_HIDDEN_ACTIVATIONS = {"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid",
                       "identity": None}

_OPTIONS = {"zipmap": [True, False, "columns"], "nocl": [False, True]}


# -- labels ---------------------------------------------------------------------
def _is_multilabel(model):
    return (isinstance(model, BinaryMLPClassifier)
            and model._label_binarizer.y_type_ == "multilabel-indicator")


def _onnx_classes(model, scope):
    """``classes_`` as the ONNX label tensor holds them: int64 or str.

    Returns ``(classes, is_string)``. Booleans and whole-number floats become
    int64, as in skl2onnx's own classifiers (ZipMap keys are int64 or
    strings, so no other label type could be mapped). With the option
    ``nocl=True`` the labels are the class indices, and the class names are
    not stored in the graph.
    """
    classes = np.asarray(model.classes_)
    if scope.get_options(model, {"nocl": False})["nocl"]:
        return np.arange(len(classes), dtype=np.int64), False
    if classes.dtype == np.bool_ or np.issubdtype(classes.dtype, np.number):
        # Float labels are whole numbers: scikit-learn rejects the others as
        # continuous targets.
        return classes.astype(np.int64), False
    return np.array([str(c) for c in classes], dtype=object), True


def _label_type(model, scope, n_samples=None):
    if _is_multilabel(model):
        return Int64TensorType([n_samples, len(model.classes_)])
    _, is_string = _onnx_classes(model, scope)
    return (StringTensorType if is_string else Int64TensorType)([n_samples])


# -- the three functions skl2onnx calls -------------------------------------------
def _parse_classifier(scope, model, inputs, custom_parsers=None):
    """Declare the operator and its outputs, ``label`` and ``probabilities``,
    then let skl2onnx add the ZipMap the ``zipmap`` option asks for."""
    check_is_fitted(model)
    zipmap = scope.get_options(model, {"zipmap": True})["zipmap"]
    if not isinstance(zipmap, str):
        zipmap = bool(zipmap)
    operator = scope.declare_local_operator(_ALIASES[type(model)], model)
    operator.inputs = inputs
    if zipmap is True:
        # ONNX's ZipMap maps float32 values only: a double graph hands it
        # probabilities cast to float32.
        proba_type = FloatTensorType()
    else:
        proba_type = guess_tensor_type(inputs[0].type)
    operator.outputs.append(
        scope.declare_local_variable("label", _label_type(model, scope))
    )
    operator.outputs.append(scope.declare_local_variable("probabilities", proba_type))
    if zipmap is False:
        return list(operator.outputs)
    return _apply_zipmap(zipmap, scope, model, inputs[0].type, operator.outputs)


def _calculate_output_shapes(operator):
    """Types and shapes of ``label`` and ``probabilities`` for one input."""
    check_input_and_output_numbers(
        operator, input_count_range=1, output_count_range=2
    )
    check_input_and_output_types(
        operator,
        good_input_types=[FloatTensorType, DoubleTensorType, Int64TensorType],
    )
    model = operator.raw_operator
    n_samples = operator.inputs[0].get_first_dimension()
    n_columns = len(model.classes_)
    operator.outputs[0].type = _label_type(model, operator.scope_inst, n_samples)
    # The parser chose the element type of the probabilities.
    tensor = type(operator.outputs[1].type)
    operator.outputs[1].type = tensor([n_samples, n_columns])


class _Graph:
    """Adds nodes and initializers with unique names to skl2onnx's container."""

    def __init__(self, scope, container, dtype):
        self.scope = scope
        self.container = container
        self.dtype = dtype

    def constant(self, name, value, dtype=None):
        array = np.asarray(value, dtype=self.dtype if dtype is None else dtype)
        unique = self.scope.get_unique_variable_name(name)
        if array.dtype == object:  # strings: the container encodes them
            self.container.add_initializer(
                unique, onnx_proto.TensorProto.STRING, list(array.shape),
                [s.encode("utf-8") for s in array.ravel()],
            )
        else:
            self.container.add_initializer(
                unique, None, None, numpy_helper.from_array(array, unique)
            )
        return unique

    def node(self, op_type, inputs, output=None, *, domain="", **attrs):
        if output is None:
            output = self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(
            op_type, inputs, output, op_domain=domain,
            name=self.scope.get_unique_operator_name(op_type), **attrs,
        )
        return output


def _forward(scope, operator, container):
    """The network's forward pass as ONNX nodes, in the input's float type.

    Returns the graph writer and the name of the logits.
    """
    model = operator.raw_operator
    input_type = operator.inputs[0].type
    if isinstance(input_type, DoubleTensorType):
        dtype, proto = np.float64, onnx_proto.TensorProto.DOUBLE
    else:
        dtype, proto = np.float32, onnx_proto.TensorProto.FLOAT
    graph = _Graph(scope, container, dtype)
    values = operator.inputs[0].full_name
    if not isinstance(input_type, (FloatTensorType, DoubleTensorType)):
        values = graph.node("Cast", [values], to=proto)

    # The activation the fitted network applies (the one of the last fit).
    hidden = _HIDDEN_ACTIVATIONS[model._network.activation]
    n_dense = len(model.coefs_)
    for i, (weights, biases) in enumerate(zip(model.coefs_, model.intercepts_)):
        values = graph.node("MatMul", [values, graph.constant("coefficient", weights)])
        values = graph.node("Add", [values, graph.constant("intercept", biases)])
        if i < n_dense - 1 and hidden is not None:
            values = graph.node(hidden, [values])
    return graph, values


def _convert_regressor(scope, operator, container):
    """Write the forward pass and the regression head's output activation."""
    model = operator.raw_operator
    graph, values = _forward(scope, operator, container)
    output = operator.outputs[0].full_name
    if model.loss != "poisson":
        graph.node("Identity", [values], output)
        return
    # predict's exponential: clamped at log(max float), so always finite.
    largest = np.log(np.finfo(graph.dtype).max)
    clamped = graph.node("Min", [values, graph.constant("log_max", largest)])
    graph.node("Exp", [clamped], output)


def _calculate_regressor_output_shapes(operator):
    """One output, ``variable``, of shape ``(n_samples, n_targets)``."""
    check_input_and_output_numbers(
        operator, input_count_range=1, output_count_range=1
    )
    check_input_and_output_types(
        operator,
        good_input_types=[FloatTensorType, DoubleTensorType, Int64TensorType],
    )
    n_samples = operator.inputs[0].get_first_dimension()
    tensor = (DoubleTensorType if isinstance(operator.inputs[0].type, DoubleTensorType)
              else FloatTensorType)
    operator.outputs[0].type = tensor([n_samples, operator.raw_operator.n_outputs_])


def _convert_classifier(scope, operator, container):
    """Write the forward pass, the output layer and the labels as ONNX nodes."""
    model = operator.raw_operator
    graph, values = _forward(scope, operator, container)
    label_out = operator.outputs[0].full_name
    classes, _ = _onnx_classes(model, scope)
    if model._output_head() == "softmax":
        proba = graph.node("Softmax", [values], axis=1)
        index = graph.node("ArgMax", [proba], axis=1, keepdims=0)
        _extract_labels(graph, classes, index, label_out)
        _output_probabilities(graph, proba, operator.outputs[1])
        return

    positive = graph.node("Sigmoid", [values])
    # predict's rule: a label is on where p > 0.5 (strictly). Thresholding p
    # rather than taking the argmax of [1 - p, p] says so directly.
    above = graph.node("Greater", [positive, graph.constant("half", 0.5)])
    on = graph.node("Cast", [above], to=onnx_proto.TensorProto.INT64)
    if _is_multilabel(model):
        graph.node("Identity", [on], label_out)
        _output_probabilities(graph, positive, operator.outputs[1])
        return
    index = graph.node("Reshape", [on, graph.constant("shape", [-1], np.int64)])
    _extract_labels(graph, classes, index, label_out)
    negative = graph.node("Sub", [graph.constant("one", 1.0), positive])
    proba = graph.node("Concat", [negative, positive], axis=1)
    _output_probabilities(graph, proba, operator.outputs[1])


def _output_probabilities(graph, proba, output):
    """Write ``proba`` to the output, cast to float32 for a ZipMap if needed."""
    if isinstance(output.type, DoubleTensorType) or graph.dtype == np.float32:
        graph.node("Identity", [proba], output.full_name)
    else:
        graph.node("Cast", [proba], output.full_name,
                   to=onnx_proto.TensorProto.FLOAT)


def _extract_labels(graph, classes, index, output):
    """``output = classes[index]`` for a 1-D int64 ``index``."""
    labels = graph.node(
        "ArrayFeatureExtractor", [graph.constant("classes", classes, classes.dtype),
                                  index],
        domain="ai.onnx.ml",
    )
    # ArrayFeatureExtractor returns shape (1, n_samples) for 1-D classes.
    graph.node("Reshape", [labels, graph.constant("shape", [-1], np.int64)], output)


# -- registration -----------------------------------------------------------------
def register_converters():
    """Register the skmlp estimators with skl2onnx.

    Importing :mod:`skmlp.onnx` already calls this function, so it is rarely
    needed; calling it again is harmless (the registration is replaced).

    Each estimator is registered under its own alias
    (``"SkmlpBinaryMLPClassifier"``, ``"SkmlpMulticlassMLPClassifier"``,
    ``"SkmlpMLPRegressor"``). The classifiers get a parser declaring the
    outputs ``label`` and ``probabilities``, a shape calculator, a converter
    and skl2onnx's options for classifiers, ``zipmap`` (``True``, the
    default, ``False`` or ``"columns"``) and ``nocl``; the regressor has one
    output, ``variable``, of shape ``(n_samples, n_targets)``, as every
    skl2onnx regressor.

    Returns
    -------
    aliases : dict
        The skl2onnx alias of each registered estimator class.

    Examples
    --------
    >>> from skmlp import BinaryMLPClassifier
    >>> from skmlp.onnx import register_converters
    >>> register_converters()[BinaryMLPClassifier]
    'SkmlpBinaryMLPClassifier'
    """
    for estimator, alias in _ALIASES.items():
        if estimator is MLPRegressor:
            # skl2onnx's own parser for regressors declares one output,
            # ``variable``.
            update_registered_converter(
                estimator, alias, _calculate_regressor_output_shapes,
                _convert_regressor,
            )
            continue
        update_registered_converter(
            estimator,
            alias,
            _calculate_output_shapes,
            _convert_classifier,
            parser=_parse_classifier,
            options=_OPTIONS,
        )
    return dict(_ALIASES)


register_converters()

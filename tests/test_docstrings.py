"""Docstrings: the estimators document the same shared sections, every
parameter and fitted attribute, and every public object has a docstring.

Sections are parsed with numpydoc (the ``docs`` extra, also needed by the
tests) rather than with regular expressions, so a section is compared as
numpydoc, and therefore the API reference, sees it.
"""

import ast
import importlib
import inspect
import pkgutil
import warnings

import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning

import skmlp
from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier

docscrape = pytest.importorskip("numpydoc.docscrape")
numpydoc_validate = pytest.importorskip("numpydoc.validate")

ESTIMATORS = [BinaryMLPClassifier, MulticlassMLPClassifier]

# API.md section 1, "Fitted attributes".
API_ATTRIBUTES = [
    "classes_",
    "n_features_in_",
    "feature_names_in_",
    "coefs_",
    "intercepts_",
    "n_layers_",
    "n_outputs_",
    "n_iter_",
    "t_",
    "loss_",
    "loss_curve_",
    "data_loss_curve_",
    "regularization_loss_curve_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
]


def _doc(obj):
    return docscrape.NumpyDocString(inspect.getdoc(obj) or "")


def _names(section):
    return [item.name for item in section]


# -- the two estimators ----------------------------------------------------------
def test_shared_parameters_section_is_identical():
    binary = _doc(BinaryMLPClassifier)["Parameters"]
    multiclass = _doc(MulticlassMLPClassifier)["Parameters"]
    assert binary, "BinaryMLPClassifier documents no parameters"
    # Name, type line and description, entry by entry.
    assert binary == multiclass


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_every_constructor_parameter_is_documented_in_order(Est):
    documented = _names(_doc(Est)["Parameters"])
    assert documented == list(inspect.signature(Est).parameters)


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_documented_defaults_match_the_signature(Est):
    # "default=..." at the end of the type line must be the real default.
    signature = inspect.signature(Est)
    for item in _doc(Est)["Parameters"]:
        assert "default=" in item.type, item.name
        documented = ast.literal_eval(item.type.rsplit("default=", 1)[1].strip())
        default = signature.parameters[item.name].default
        assert type(documented) is type(default), item.name
        assert documented == default, item.name


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_every_parameter_has_a_description(Est):
    for item in _doc(Est)["Parameters"]:
        assert item.type, item.name
        assert " ".join(item.desc).strip(), item.name


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_api_fitted_attributes_are_documented(Est):
    documented = _names(_doc(Est)["Attributes"])
    missing = [name for name in API_ATTRIBUTES if name not in documented]
    assert not missing


def test_shared_attributes_section_is_identical():
    # classes_ legitimately differs (labels vs. arange(n_labels) for
    # multilabel); every other attribute means the same on both.
    binary = [a for a in _doc(BinaryMLPClassifier)["Attributes"]
              if a.name != "classes_"]
    multiclass = [a for a in _doc(MulticlassMLPClassifier)["Attributes"]
                  if a.name != "classes_"]
    assert binary == multiclass


@pytest.fixture(scope="module", params=ESTIMATORS, ids=lambda e: e.__name__)
def fitted_with_everything(request):
    """A fitted model on which every attribute is set: string column names
    (feature_names_in_) and early stopping (the validation attributes)."""
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X = (X - X.mean()) / X.std()
    est = request.param(hidden_layer_sizes=(4,), max_iter=3, early_stopping=True,
                        random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # only 3 epochs
        est.fit(X.iloc[:200], y.iloc[:200])
    return est


def _public_fitted_attributes(est):
    return [
        name for name in dir(est)
        if name.endswith("_") and not name.startswith("_") and hasattr(est, name)
    ]


def test_documented_attributes_exist(fitted_with_everything):
    est = fitted_with_everything
    for name in _names(_doc(type(est))["Attributes"]):
        assert hasattr(est, name), name


def test_every_fitted_attribute_is_documented(fitted_with_everything):
    est = fitted_with_everything
    documented = set(_names(_doc(type(est))["Attributes"]))
    undocumented = set(_public_fitted_attributes(est)) - documented
    assert not undocumented


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_estimator_docstring_sections(Est):
    doc = _doc(Est)
    assert " ".join(doc["Summary"]).strip()
    assert doc["See Also"]
    assert ">>>" in "\n".join(doc["Examples"])
    # The sibling is referenced, so users find the other output layer.
    sibling = ({e.__name__ for e in ESTIMATORS} - {Est.__name__}).pop()
    assert sibling in {name for names, _ in doc["See Also"] for name, _ in names}


ESTIMATOR_METHODS = [
    "fit",
    "partial_fit",
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
]


@pytest.mark.parametrize("method", ESTIMATOR_METHODS)
@pytest.mark.parametrize("Est", ESTIMATORS)
def test_estimator_method_docstrings_document_their_signature(Est, method):
    # numpydoc's own validation: every parameter documented (PR01), none
    # documented that does not exist (PR02), a Returns section (RT01).
    result = numpydoc_validate.validate(f"skmlp.{Est.__name__}.{method}")
    errors = [
        (code, message) for code, message in result["errors"]
        if code in {"GL08", "PR01", "PR02", "RT01"}
    ]
    assert not errors


# -- every public object has a docstring -------------------------------------------
def _public_modules():
    names = ["skmlp"] + [
        f"skmlp.{info.name}" for info in pkgutil.iter_modules(skmlp.__path__)
        if not info.name.startswith("_")
    ]
    return sorted(names)


PUBLIC_MODULES = _public_modules()


def _import(name):
    # An optional extension (e.g. skmlp.onnx without skl2onnx) is skipped,
    # visibly, rather than failing here.
    try:
        return importlib.import_module(name)
    except ImportError as error:
        pytest.skip(f"{name} needs an optional dependency: {error}")


def _public_objects(module):
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            yield name, obj


def _own_public_members(cls):
    """Public methods and properties a user of ``cls`` sees that skmlp defines
    (inherited scikit-learn and builtin members are documented upstream)."""
    names = set()
    for klass in cls.__mro__:
        if not klass.__module__.startswith("skmlp"):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_"):
                continue
            if inspect.isfunction(value) or isinstance(
                value, (property, classmethod, staticmethod)
            ):
                names.add(name)
    return sorted(names)


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_public_module_has_docstring_and_all(module_name):
    module = _import(module_name)
    assert (module.__doc__ or "").strip()
    assert isinstance(module.__all__, list)
    for name in module.__all__:
        assert hasattr(module, name), name


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_public_classes_have_docstrings_with_examples(module_name):
    module = _import(module_name)
    missing = []
    for name, obj in _public_objects(module):
        doc = inspect.getdoc(obj)
        if not doc:
            missing.append(f"{name}: no docstring")
        elif inspect.isclass(obj) and ">>>" not in "\n".join(_doc(obj)["Examples"]):
            missing.append(f"{name}: no Examples section")
    assert not missing


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_public_methods_have_docstrings(module_name):
    module = _import(module_name)
    missing = []
    for name, obj in _public_objects(module):
        if not inspect.isclass(obj):
            continue
        for member in _own_public_members(obj):
            if not inspect.getdoc(getattr(obj, member)):
                missing.append(f"{name}.{member}")
    assert not missing


def test_public_modules_are_found():
    # Guard for the discovery above: the API.md modules are all there.
    expected = {"skmlp", "skmlp.layers", "skmlp.activations", "skmlp.losses",
                "skmlp.optimizers"}
    assert expected <= set(PUBLIC_MODULES)

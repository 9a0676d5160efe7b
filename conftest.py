# Root conftest: loaded before the doctests of skmlp/ import SciPy.
import importlib.util
import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

# skmlp/onnx.py imports skl2onnx at import time (it registers converters), so
# its doctests are collected only where the optional extra is installed.
collect_ignore = (
    []
    if all(importlib.util.find_spec(m) for m in ("skl2onnx", "onnxruntime"))
    else ["skmlp/onnx.py"]
)


def pytest_collection_modifyitems(config, items):
    """Docstring examples must run without a ConvergenceWarning: a reader who
    pastes one should not see a warning the example does not explain."""
    import pytest

    for item in items:
        if isinstance(item, pytest.DoctestItem):
            item.add_marker(pytest.mark.filterwarnings(
                "error::sklearn.exceptions.ConvergenceWarning"))

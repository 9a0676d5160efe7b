"""
================================
Export a trained network to ONNX
================================

`ONNX <https://onnx.ai>`_ is a file format for trained models that runtimes
such as `onnxruntime <https://onnxruntime.ai>`_ execute without Python,
NumPy or skmlp, from C++, C#, Java or JavaScript as well as from Python.
Importing :mod:`skmlp.onnx` registers converters for both skmlp classifiers
with `skl2onnx <https://onnx.ai/sklearn-onnx/>`_, so a fitted classifier, or a
:class:`~sklearn.pipeline.Pipeline` that ends with one, converts like any
scikit-learn model.

This example needs the ``onnx`` extra: ``pip install "skmlp[onnx]"``
(skl2onnx and onnxruntime).
"""

# %%
# Train a pipeline
# ----------------
# A scaler and a multiclass network on the digits, in float32: the network
# then trains, predicts and is exported in float32.
import tempfile
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as ort
from skl2onnx import to_onnx
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skmlp.onnx  # noqa: F401  (registers the converters with skl2onnx)
from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier

# A short training run keeps the example fast; it has not fully converged.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = X.astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, stratify=y, random_state=0
)
model = make_pipeline(
    StandardScaler(),
    MulticlassMLPClassifier(hidden_layer_sizes=(64,), weight_regularizer_l2=1e-4,
                            max_iter=30, random_state=0),
)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# Convert it
# ----------
# :func:`skl2onnx.to_onnx` takes the input type and the number of features from
# one row of data. ``zipmap=False`` keeps the probabilities a
# ``(n_samples, n_classes)`` tensor, as :meth:`predict_proba` returns them;
# skl2onnx's default (``zipmap=True``) turns them into a list of
# ``{label: probability}`` dictionaries, slower and only float32.
onx = to_onnx(model, X_train[:1], options={"zipmap": False})
print("nodes:", [node.op_type for node in onx.graph.node])

# %%
# The scaler became ``Scaler``; each :class:`~skmlp.layers.Dense` layer a
# ``MatMul`` and an ``Add``, the ReLU a ``Relu`` and the output layer a
# ``Softmax``; ``ArgMax`` and ``ArrayFeatureExtractor`` pick the label from
# ``classes_``. The file is a serialized protobuf:
folder = Path(tempfile.mkdtemp())
path = folder / "digits.onnx"
path.write_bytes(onx.SerializeToString())
print(f"{path.name}: {path.stat().st_size / 1024:.1f} KiB")

# %%
# Run it in onnxruntime
# ---------------------
# The session needs only the file. The input's first dimension is free, so
# any number of samples goes through at once. The outputs, the labels and the
# probabilities, match :meth:`predict` exactly and :meth:`predict_proba` to
# float32 rounding.
session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
path.unlink()  # the session holds the model in memory
folder.rmdir()
for kind, variables in [("input", session.get_inputs()),
                        ("output", session.get_outputs())]:
    for v in variables:
        print(f"{kind} {v.name!r}: {v.type}, shape {v.shape}")
label, proba = session.run(None, {"X": X_test})
print("labels equal predict:", np.array_equal(label, model.predict(X_test)))
print(f"largest probability difference: "
      f"{np.abs(proba - model.predict_proba(X_test)).max():.1e}")

# %%
# Latency of one prediction
# -------------------------
# A service often predicts one sample at a time. onnxruntime skips
# scikit-learn's input validation and Python's per-call overhead:
one = X_test[:1]


def per_call(function, repeat=200):
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat * 1e6


skmlp_us = per_call(lambda: model.predict_proba(one))
onnx_us = per_call(lambda: session.run(None, {"X": one}))
print(f"pipeline.predict_proba: {skmlp_us:6.0f} us per call")
print(f"onnxruntime:            {onnx_us:6.0f} us per call")

# %%
# Side by side: the time of one call, and how far the exported model's
# probabilities are from :meth:`predict_proba` over the whole test set (float32
# rounding, about :math:`10^{-7}`).
differences = np.abs(proba - model.predict_proba(X_test)).ravel()
fig, (ax_time, ax_diff) = plt.subplots(1, 2, figsize=(9, 4))
ax_time.barh(["onnxruntime", "pipeline.predict_proba"], [onnx_us, skmlp_us],
             color=["C1", "C0"])
ax_time.set_xlabel("microseconds per call, one sample")
ax_time.set_title("Latency of one prediction")
ax_diff.hist(np.log10(differences + 1e-12), bins=30, color="C2")
ax_diff.set_xlabel(r"$\log_{10}$ |ONNX probability - predict_proba|")
ax_diff.set_ylabel("count")
ax_diff.set_title("Probabilities agree to float32 rounding")
fig.tight_layout()
plt.show()

# %%
# Double precision and string labels
# -----------------------------------
# The graph computes in the type of its input. A network trained on float64
# data, exported with a float64 row, gives a double graph that agrees with
# :meth:`predict_proba` to about 1e-15. The labels here are strings, and a
# binary network's probabilities are :math:`[1 - p, p]` with :math:`p` the
# sigmoid output, the label being ``classes_[1]`` where :math:`p > 0.5`.
cancer = load_breast_cancer()
labels = cancer.target_names[cancer.target]  # "malignant" / "benign"
binary = make_pipeline(
    StandardScaler(),
    BinaryMLPClassifier(hidden_layer_sizes=(16,), activation="tanh",
                        max_iter=30, random_state=0),
).fit(cancer.data, labels)
onx64 = to_onnx(binary, cancer.data[:1], options={"zipmap": False})
session64 = ort.InferenceSession(onx64.SerializeToString(),
                                 providers=["CPUExecutionProvider"])
label64, proba64 = session64.run(None, {"X": cancer.data})
print("labels:", label64[:3], "dtype of probabilities:", proba64.dtype)
print("labels equal predict:", np.array_equal(label64, binary.predict(cancer.data)))
print(f"largest probability difference: "
      f"{np.abs(proba64 - binary.predict_proba(cancer.data)).max():.1e}")

# %%
# With the default ``zipmap=True`` the second output is a list of
# dictionaries, keyed by the labels:
session_zipmap = ort.InferenceSession(
    to_onnx(binary, cancer.data[:1].astype(np.float32)).SerializeToString(),
    providers=["CPUExecutionProvider"],
)
print(session_zipmap.run(None, {"X": cancer.data[:2].astype(np.float32)})[1])

# %%
# Multilabel networks (a :class:`~skmlp.BinaryMLPClassifier` fitted on an
# indicator matrix) export too: their label output is the 0/1 indicator matrix
# :math:`p > 0.5` and their probabilities one column per label. See
# :doc:`/onnx` for everything that is supported.

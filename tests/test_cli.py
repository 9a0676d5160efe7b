"""Tests of the ``skmlp`` command line (skmlp/_cli.py).

``main([...])`` runs in-process so each test costs only its training; one
subprocess run proves ``python -m skmlp`` works.  Apart from the default
``skmlp train`` (whose digits accuracy is a promise of the README), the
trainings are a few epochs on the small datasets.
"""

import io
import re
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

import skmlp
from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier
from skmlp._cli import main

EPOCH_LINE = re.compile(r"^epoch: \d+, acc: \d\.\d{3}, loss: ")
VALIDATION_LINE = re.compile(r"^Validation, acc: (\d\.\d{3}), loss: \d+\.\d{3}$")
FAST = ["--epochs", "3", "--quiet"]


def run(capsys, *argv):
    """``(status, stdout, stderr)`` of ``skmlp argv...``."""
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_error_line(status, out, err):
    assert status == 2
    assert "Traceback" not in out + err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("skmlp: error: ")


# -- data files --------------------------------------------------------------------


def _frame(loader):
    data = loader(as_frame=True)
    frame = data.frame.copy()
    # String labels, so the CSV path is tested with labels that are not ints.
    frame["label"] = np.asarray(data.target_names)[data.target]
    return frame.drop(columns=["target"])


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def wine_csv(data_dir):
    path = data_dir / "wine.csv"
    _frame(load_wine).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def cancer_csv(data_dir):
    path = data_dir / "cancer.csv"
    _frame(load_breast_cancer).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def iris_model(data_dir):
    """An iris model saved by ``skmlp train --save`` (bundled data, no names)."""
    path = data_dir / "iris.joblib"
    assert main(["train", "--dataset", "iris", *FAST, "--save", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def iris_csv(data_dir):
    """Iris as ``load_iris(as_frame=True).frame`` exports it, target included."""
    path = data_dir / "iris.csv"
    load_iris(as_frame=True).frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def cancer_model(data_dir, cancer_csv):
    path = data_dir / "cancer.joblib"
    argv = ["train", "--csv", str(cancer_csv), "--target", "label", *FAST]
    assert main([*argv, "--save", str(path)]) == 0
    return path


# -- train -------------------------------------------------------------------------


def test_default_train_prints_epochs_and_validation(capsys):
    status, out, err = run(capsys, "train")
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0].startswith("Training MulticlassMLPClassifier on digits")
    epochs = [line for line in lines if line.startswith("epoch:")]
    assert epochs
    assert all(EPOCH_LINE.match(line) for line in epochs)
    assert [int(line.split(",")[0].split()[1]) for line in epochs] == list(
        range(1, len(epochs) + 1)
    )
    match = VALIDATION_LINE.match(lines[-1])
    assert match, lines[-1]
    assert float(match.group(1)) >= 0.95


def test_quiet_prints_only_the_validation_line(capsys):
    status, out, err = run(capsys, "train", "--dataset", "iris", *FAST)
    assert status == 0
    assert err == ""
    assert len(out.splitlines()) == 1
    assert VALIDATION_LINE.match(out.strip())


@pytest.mark.parametrize(
    ("dataset", "estimator"),
    [
        ("digits", "MulticlassMLPClassifier"),
        ("iris", "MulticlassMLPClassifier"),
        ("wine", "MulticlassMLPClassifier"),
        ("breast_cancer", "BinaryMLPClassifier"),
    ],
)
def test_every_dataset(capsys, dataset, estimator):
    status, out, _ = run(capsys, "train", "--dataset", dataset, "--epochs", "2")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"Training {estimator} on {dataset}")
    assert sum(bool(EPOCH_LINE.match(line)) for line in lines) == 2
    assert VALIDATION_LINE.match(lines[-1])


def test_options_reach_the_estimator(capsys, tmp_path):
    path = tmp_path / "model.joblib"
    status, out, _ = run(
        capsys, "train", "--dataset", "wine", "--hidden", "8,4",
        "--activation", "tanh", "--l1", "1e-5", "--l2", "1e-4",
        "--bias-l1", "2e-5", "--bias-l2", "3e-5", "--dropout", "0.1",
        "--optimizer", "rmsprop", "--learning-rate", "0.01",
        "--learning-rate-decay", "1e-3", "--epochs", "4", "--batch-size", "16",
        "--early-stopping", "--random-state", "3", "--quiet", "--save", path,
    )  # fmt: skip
    assert status == 0
    model = joblib.load(path)
    params = model[-1].get_params()
    assert params["hidden_layer_sizes"] == (8, 4)
    assert params["activation"] == "tanh"
    assert params["weight_regularizer_l1"] == 1e-5
    assert params["weight_regularizer_l2"] == 1e-4
    assert params["bias_regularizer_l1"] == 2e-5
    assert params["bias_regularizer_l2"] == 3e-5
    assert params["dropout"] == 0.1
    assert params["optimizer"] == "rmsprop"
    assert params["learning_rate"] == 0.01
    assert params["learning_rate_decay"] == 1e-3
    assert params["max_iter"] == 4
    assert params["batch_size"] == 16
    assert params["early_stopping"] is True
    assert params["random_state"] == 3
    assert model[-1].validation_scores_ is not None


@pytest.mark.parametrize("hidden", ["", "0"])
def test_no_hidden_layer(capsys, tmp_path, hidden):
    path = tmp_path / "model.joblib"
    argv = ["train", "--dataset", "iris", "--hidden", hidden, *FAST, "--save", path]
    assert run(capsys, *argv)[0] == 0
    model = joblib.load(path)[-1]
    assert model.hidden_layer_sizes == ()
    assert model.n_layers_ == 2


def test_same_seed_same_result(capsys):
    argv = ["train", "--dataset", "wine", *FAST, "--random-state", "7"]
    assert run(capsys, *argv)[1] == run(capsys, *argv)[1]


def test_csv_with_string_labels(capsys, wine_csv, cancer_csv, cancer_model):
    status, out, _ = run(
        capsys, "train", "--csv", wine_csv, "--target", "label", "--epochs", "2"
    )
    assert status == 0
    assert out.startswith("Training MulticlassMLPClassifier on ")
    assert VALIDATION_LINE.match(out.splitlines()[-1])
    # Two classes: the binary estimator, with the user's labels and names kept.
    model = joblib.load(cancer_model)
    assert isinstance(model[-1], BinaryMLPClassifier)
    assert_array_equal(model.classes_, ["benign", "malignant"])
    columns = pd.read_csv(cancer_csv).columns.drop("label")
    assert_array_equal(model.feature_names_in_, columns)


def test_warnings_are_one_line(capsys):
    # 112 training samples: a batch of 500 is clipped, with a warning.
    status, out, err = run(
        capsys, "train", "--dataset", "iris", *FAST, "--batch-size", "500"
    )
    assert status == 0
    assert err.startswith("skmlp: warning: Got `batch_size` larger")
    assert len(err.splitlines()) == 1


# -- predict -----------------------------------------------------------------------


@pytest.mark.parametrize("proba", [False, True])
def test_predict_to_stdout(capsys, iris_model, iris_csv, proba):
    # The CSV holds the target column too: it is dropped by name.
    status, out, err = run(
        capsys, "predict", iris_model, iris_csv, *(["--proba"] if proba else [])
    )
    assert status == 0
    assert err == ""
    result = pd.read_csv(io.StringIO(out))
    model = joblib.load(iris_model)
    X = load_iris().data
    assert_array_equal(result["prediction"], model.predict(X))
    if proba:
        expected = ["prediction", *(f"proba_{label}" for label in model.classes_)]
        assert list(result.columns) == expected
        assert_allclose(result.iloc[:, 1:], model.predict_proba(X), atol=1e-12)
    else:
        assert list(result.columns) == ["prediction"]


def test_predict_to_file(capsys, tmp_path, cancer_model, cancer_csv):
    output = tmp_path / "predictions.csv"
    # Columns in another order and no target: selected by name.
    frame = pd.read_csv(cancer_csv).drop(columns=["label"])
    features = tmp_path / "features.csv"
    frame[frame.columns[::-1]].to_csv(features, index=False)
    status, out, err = run(
        capsys, "predict", cancer_model, features, "--output", output, "--proba"
    )
    assert status == 0
    assert out == err == ""
    result = pd.read_csv(output)
    model = joblib.load(cancer_model)
    assert list(result.columns) == [
        "prediction", "proba_benign", "proba_malignant"
    ]  # fmt: skip
    assert_array_equal(result["prediction"], model.predict(frame))
    assert_allclose(result.iloc[:, 1:], model.predict_proba(frame), atol=1e-12)


def test_predict_accepts_a_bare_estimator(capsys, tmp_path, iris_csv):
    X, y = load_iris(return_X_y=True)
    model = MulticlassMLPClassifier(hidden_layer_sizes=(4,), max_iter=2)
    path = tmp_path / "bare.joblib"
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        joblib.dump(model.fit(X, y), path)
    status, out, _ = run(capsys, "predict", path, iris_csv)
    assert status == 0
    assert_array_equal(pd.read_csv(io.StringIO(out))["prediction"], model.predict(X))


# -- grid --------------------------------------------------------------------------


def test_grid_prints_a_ranked_table(capsys, tmp_path):
    path = tmp_path / "best.joblib"
    status, out, err = run(
        capsys, "grid", "--dataset", "iris", "--l2", "0,1e-3", "--l1", "1e-4,0",
        "--cv", "3", "--epochs", "3", "--save", path,
    )  # fmt: skip
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("Grid search of MulticlassMLPClassifier on iris: 4")
    assert lines[1].split() == ["rank", "l1", "l2", "mean_test_score", "std_test_score"]
    rows = [line.split() for line in lines[2:6]]
    assert sorted((row[1], row[2]) for row in rows) == [
        ("0", "0"), ("0", "0.001"), ("0.0001", "0"), ("0.0001", "0.001")
    ]  # fmt: skip
    ranks = [int(row[0]) for row in rows]
    assert ranks == sorted(ranks)
    assert ranks[0] == 1
    scores = [float(row[3]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert re.match(r"^Best parameters: l1=\S+, l2=\S+ \(mean CV accuracy ", lines[6])
    assert VALIDATION_LINE.match(lines[7])
    assert len(lines) == 8
    best = joblib.load(path)[-1]
    assert f"l2={best.weight_regularizer_l2:g}" in lines[6]


def test_grid_defaults_to_an_l2_grid(capsys):
    status, out, _ = run(capsys, "grid", "--dataset", "wine", "--cv", "2", *FAST[:2])
    assert status == 0
    table = out.splitlines()[1:6]
    assert table[0].split()[:2] == ["rank", "l2"]
    assert sorted(float(line.split()[1]) for line in table[1:]) == [
        0, 1e-4, 1e-3, 1e-2
    ]  # fmt: skip


# -- version, help -----------------------------------------------------------------


def test_version(capsys):
    status, out, _ = run(capsys, "--version")
    assert status == 0
    assert out.strip() == f"skmlp {skmlp.__version__}"


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ([], ["train", "predict", "grid"]),
        (["train"], ["--dataset", "--csv", "--target", "--hidden", "--l1", "--l2",
                     "--bias-l1", "--bias-l2", "--dropout", "--optimizer",
                     "--learning-rate", "--learning-rate-decay", "--epochs",
                     "--batch-size", "--early-stopping", "--test-size",
                     "--random-state", "--quiet", "--save"]),
        (["predict"], ["MODEL", "CSV", "--output", "--proba"]),
        (["grid"], ["--l1", "--l2", "--bias-l1", "--bias-l2", "--cv", "--csv",
                    "--dataset", "--epochs", "--save"]),
    ],
)  # fmt: skip
def test_help(capsys, command, options):
    status, out, _ = run(capsys, *command, "--help")
    assert status == 0
    for option in options:
        assert option in out


# -- bad input ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_files(data_dir):
    """Files for the bad-input cases, by name."""
    files = {}
    files["text"] = data_dir / "notes.txt"
    files["text"].write_text("this is not a model\n")
    files["other_model"] = data_dir / "logistic.joblib"
    X, y = load_iris(return_X_y=True)
    joblib.dump(LogisticRegression(max_iter=200).fit(X, y), files["other_model"])
    files["strings"] = data_dir / "strings.csv"
    pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, 4.0], "b": ["x", "y", "x", "y"], "y": [0, 1, 0, 1]}
    ).to_csv(files["strings"], index=False)
    files["nan"] = data_dir / "nan.csv"
    pd.DataFrame({"a": [1.0, None, 3.0, 4.0], "y": [0, 1, 0, 1]}).to_csv(
        files["nan"], index=False
    )
    files["inf"] = data_dir / "inf.csv"
    files["inf"].write_text("a,y\n1,0\ninf,1\n2,0\n3,1\n")
    files["one_class"] = data_dir / "one_class.csv"
    pd.DataFrame({"a": [1.0, 2.0, 3.0], "y": ["u", "u", "u"]}).to_csv(
        files["one_class"], index=False
    )
    files["narrow"] = data_dir / "narrow.csv"
    pd.DataFrame({"a": [1.0], "b": [2.0]}).to_csv(files["narrow"], index=False)
    files["empty"] = data_dir / "empty.csv"
    files["empty"].write_text("")
    return files


BAD_INPUT = {
    "missing csv": ["train", "--csv", "{dir}/absent.csv", "--target", "y"],
    "unknown column": ["train", "--csv", "{wine}", "--target", "nope"],
    "non-numeric feature": ["train", "--csv", "{strings}", "--target", "y"],
    "missing values": ["train", "--csv", "{nan}", "--target", "y"],
    "infinite values": ["train", "--csv", "{inf}", "--target", "y"],
    "single class": ["train", "--csv", "{one_class}", "--target", "y"],
    "empty csv": ["train", "--csv", "{empty}", "--target", "y"],
    "csv without target": ["train", "--csv", "{wine}"],
    "target without csv": ["train", "--target", "label"],
    "csv and dataset": ["train", "--csv", "{wine}", "--dataset", "iris"],
    "unknown dataset": ["train", "--dataset", "mnist"],
    "bad hidden": ["train", "--hidden", "64,abc"],
    "negative hidden": ["train", "--hidden", "-3"],
    "negative l2": ["train", "--l2", "-1"],
    "nan l1": ["train", "--l1", "nan"],
    "dropout 1": ["train", "--dropout", "1"],
    "zero learning rate": ["train", "--learning-rate", "0"],
    "zero epochs": ["train", "--epochs", "0"],
    "bad batch size": ["train", "--batch-size", "big"],
    "test size 2": ["train", "--test-size", "2"],
    "tiny test size": ["train", "--dataset", "iris", "--test-size", "0.01"],
    "unknown optimizer": ["train", "--optimizer", "lbfgs"],
    "unknown option": ["train", "--layers", "3"],
    "save to missing directory": ["train", "--save", "{dir}/no/such/m.joblib"],
    "no command": [],
    "unknown command": ["fit"],
    "missing model": ["predict", "{dir}/absent.joblib", "{iris_csv}"],
    "model is a text file": ["predict", "{text}", "{iris_csv}"],
    "model is not skmlp": ["predict", "{other_model}", "{iris_csv}"],
    "predict csv missing": ["predict", "{iris_model}", "{dir}/absent.csv"],
    "predict wrong column count": ["predict", "{iris_model}", "{narrow}"],
    "predict wrong column names": ["predict", "{cancer_model}", "{iris_csv}"],
    "predict non-numeric": ["predict", "{cancer_model}", "{strings}"],
    "predict without csv": ["predict", "{iris_model}"],
    "grid bad list": ["grid", "--l2", "0,,1"],
    "grid negative": ["grid", "--l1", "0,-1"],
    "grid one fold": ["grid", "--cv", "1"],
    "grid too many folds": ["grid", "--dataset", "iris", "--cv", "200"],
}


@pytest.mark.parametrize("argv", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_one_error_line(
    capsys, argv, data_dir, bad_files, wine_csv, iris_csv, iris_model, cancer_model
):
    paths = {
        "dir": data_dir,
        "wine": wine_csv,
        "iris_csv": iris_csv,
        "iris_model": iris_model,
        "cancer_model": cancer_model,
        **bad_files,
    }
    assert_one_error_line(*run(capsys, *(arg.format(**paths) for arg in argv)))


def test_missing_pandas_says_how_to_install(capsys, monkeypatch, wine_csv):
    # None in sys.modules makes `import pandas` raise ImportError.
    monkeypatch.setitem(sys.modules, "pandas", None)
    status, out, err = run(capsys, "train", "--csv", wine_csv, "--target", "label")
    assert_one_error_line(status, out, err)
    assert "pip install pandas" in err
    assert 'pip install "skmlp[pandas]"' in err


# -- python -m skmlp ---------------------------------------------------------------


def test_python_dash_m(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "skmlp", "train", "--quiet", "--epochs", "3"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert VALIDATION_LINE.match(result.stdout.strip())
    assert result.stderr == ""

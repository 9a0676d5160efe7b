"""Tests of the ``skmlp`` command line (skmlp/_cli/).

``main([...])`` runs in-process so each test costs only its training.  What
only a real process shows runs in subprocesses: ``python -m skmlp``, the
imports of ``--help``, a closed output pipe, and Ctrl-C, sent as SIGINT once
the process prints that it reached the step to interrupt.  Apart from the
default ``skmlp train`` (whose digits accuracy is a promise of the README),
the trainings are a few epochs on the small datasets.
"""

import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time

import joblib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import datasets as sklearn_datasets
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split

import skmlp
from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier
from skmlp._cli import main
from skmlp._cli._data import detect_separator
from skmlp._cli._interrupts import temporary_file

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


PROGRESS_LINE = re.compile(
    r"^\[ ?\d+/\d+\] (?P<setting>.+), fold (?P<fold>\d+)/(?P<folds>\d+): "
    r"accuracy \d\.\d{3} in [\d.]+ s; (about .+ left|done)$"
)


def test_grid_prints_progress_then_a_ranked_table(capsys, tmp_path):
    path = tmp_path / "best.joblib"
    status, out, err = run(
        capsys, "grid", "--dataset", "iris", "--l2", "0,1e-3", "--l1", "1e-4,0",
        "--cv", "3", "--epochs", "3", "--save", path,
    )  # fmt: skip
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith(
        "Grid search of MulticlassMLPClassifier on iris: 4 settings x 3-fold CV "
        "= 12 fits"
    )
    # One line per finished fit, every (setting, fold) once, with the time left.
    progress = [PROGRESS_LINE.match(line) for line in lines if line.startswith("[")]
    assert len(progress) == 12
    assert all(progress), lines
    assert {(m["setting"], m["fold"]) for m in progress} == {
        (f"l1={l1}, l2={l2}", str(fold))
        for l1 in ("0", "0.0001") for l2 in ("0", "0.001") for fold in (1, 2, 3)
    }  # fmt: skip
    assert "left" in lines[lines.index(progress[0].string)]
    assert progress[-1].string.endswith("; done")
    start = next(i for i, line in enumerate(lines) if line.startswith("rank"))
    assert start > lines.index(progress[-1].string)
    assert lines[start].split() == [
        "rank", "l1", "l2", "mean_test_score", "std_test_score"
    ]  # fmt: skip
    rows = [line.split() for line in lines[start + 1 : start + 5]]
    assert sorted((row[1], row[2]) for row in rows) == [
        ("0", "0"), ("0", "0.001"), ("0.0001", "0"), ("0.0001", "0.001")
    ]  # fmt: skip
    ranks = [int(row[0]) for row in rows]
    assert ranks == sorted(ranks)
    assert ranks[0] == 1
    scores = [float(row[3]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    best_line = lines[start + 5]
    assert re.match(r"^Best parameters: l1=\S+, l2=\S+ \(mean CV accuracy ", best_line)
    assert lines[start + 6].startswith(
        "Refitted the best setting on all 112 training samples in "
    )
    assert VALIDATION_LINE.match(lines[start + 7])
    assert len(lines) == start + 8
    best = joblib.load(path)[-1]
    assert f"l2={best.weight_regularizer_l2:g}" in best_line


def test_grid_quiet_prints_only_the_results(capsys):
    status, out, err = run(
        capsys, "grid", "--dataset", "iris", "--l2", "0,1e-3", "--cv", "2",
        "--epochs", "2", "--quiet",
    )  # fmt: skip
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["rank", "l2"]
    assert lines[3].startswith("Best parameters: l2=")
    assert VALIDATION_LINE.match(lines[4])
    assert len(lines) == 5


def test_grid_ranks_as_grid_search_cv_does(capsys, tmp_path):
    # The search is written out to report each fit; it must still be
    # GridSearchCV's: same splits, scores, ranking and best setting.
    path = tmp_path / "best.joblib"
    status, out, _ = run(
        capsys, "grid", "--dataset", "wine", "--l2", "0,0.5", "--l1", "0,0.05",
        "--cv", "3", "--epochs", "4", "--quiet", "--save", path,
    )  # fmt: skip
    assert status == 0
    data = load_wine()
    y = data.target_names[data.target]
    X_train, _, y_train, _ = train_test_split(
        data.data, y, test_size=0.25, stratify=y, random_state=0
    )
    grid = {
        "estimator__weight_regularizer_l1": [0, 0.05],
        "estimator__weight_regularizer_l2": [0, 0.5],
    }
    with pytest.warns(ConvergenceWarning):
        search = GridSearchCV(joblib.load(path), grid, cv=3).fit(X_train, y_train)
    results = search.cv_results_
    expected = sorted(
        (
            int(results["rank_test_score"][i]),
            f"{params['estimator__weight_regularizer_l1']:g}",
            f"{params['estimator__weight_regularizer_l2']:g}",
            f"{results['mean_test_score'][i]:.3f}",
            f"{results['std_test_score'][i]:.3f}",
        )
        for i, params in enumerate(results["params"])
    )
    table = out.splitlines()[1:5]
    assert sorted(tuple(row.split()) for row in table) == [
        tuple(str(cell) for cell in row) for row in expected
    ]
    assert len({row[3] for row in expected}) > 1, "the settings must differ"
    best = search.best_params_
    assert out.splitlines()[5].startswith(
        f"Best parameters: l1={best['estimator__weight_regularizer_l1']:g}, "
        f"l2={best['estimator__weight_regularizer_l2']:g} "
    )


def test_grid_defaults_to_an_l2_grid(capsys):
    status, out, _ = run(capsys, "grid", "--dataset", "wine", "--cv", "2", *FAST)
    assert status == 0
    table = out.splitlines()[0:5]
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


# -- regression ----------------------------------------------------------------------
REGRESSION_LINE = re.compile(r"^Validation, r2: (-?\d\.\d{3}), loss: \S+$")
R2_EPOCH_LINE = re.compile(r"^epoch: \d+, r2: -?\d\.\d{3}, loss: ")


def _numbers_csv(path, y, n_features=3, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(len(y), n_features)),
                         columns=[f"x{i}" for i in range(n_features)])
    frame["y"] = y
    frame.to_csv(path, index=False)
    return path


def test_diabetes_trains_the_regressor(capsys, tmp_path):
    path = tmp_path / "diabetes.joblib"
    status, out, err = run(capsys, "train", "--dataset", "diabetes", "--epochs", "20",
                           "--save", path)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Training MLPRegressor on diabetes: loss=squared_error")
    assert "Task: regression (the target holds 214 distinct whole numbers" in out
    assert "Target: standardized for training" in out
    assert sum(bool(R2_EPOCH_LINE.match(line)) for line in lines) == 20
    r2 = float(REGRESSION_LINE.match(lines[-1]).group(1))
    assert r2 > 0.1
    # The saved model predicts in the target's units, not standardized ones.
    model = joblib.load(path)
    X, y = sklearn_datasets.load_diabetes(return_X_y=True)
    assert 50 < model.predict(X).mean() < 250


@pytest.mark.parametrize(
    ("y", "task", "reason"),
    [
        (np.linspace(0.5, 10.5, 60), "regression", "numbers that are not all whole"),
        (np.arange(60) * 1000, "regression", "60 distinct whole numbers"),
        (np.arange(60) % 4, "classification", "4 distinct whole numbers"),
        (np.array(["a", "b", "c"] * 20), "classification", "labels, not numbers"),
    ],
)
def test_auto_task_says_what_it_chose_and_why(capsys, tmp_path, y, task, reason):
    csv = _numbers_csv(tmp_path / "data.csv", y)
    status, out, err = run(capsys, "train", "--csv", csv, "--target", "y",
                           "--epochs", "2")
    assert status == 0, err
    (line,) = [line for line in out.splitlines() if line.startswith("Task: ")]
    assert line.startswith(f"Task: {task} (")
    assert reason in line
    final = out.splitlines()[-1]
    assert final.startswith("Validation, r2:" if task == "regression"
                            else "Validation, acc:")


def test_task_option_overrides_the_choice(capsys, tmp_path):
    csv = _numbers_csv(tmp_path / "data.csv", np.arange(60) % 4)
    status, out, _ = run(capsys, "train", "--csv", csv, "--target", "y",
                         "--task", "regression", *FAST)
    assert status == 0
    assert REGRESSION_LINE.match(out.strip())


def test_regression_predict_writes_numbers_and_refuses_proba(capsys, tmp_path):
    model = tmp_path / "reg.joblib"
    csv = _numbers_csv(tmp_path / "data.csv", np.linspace(100, 900, 80))
    assert run(capsys, "train", "--csv", csv, "--target", "y", "--save", model,
               *FAST)[0] == 0
    status, out, _ = run(capsys, "predict", model, csv, "--precision", "1")
    assert status == 0
    predictions = pd.read_csv(io.StringIO(out))
    assert list(predictions.columns) == ["prediction"]
    assert len(predictions) == 80
    assert predictions["prediction"].between(0, 2000).all()
    assert_one_error_line(*run(capsys, "predict", model, csv, "--proba"))


@pytest.mark.parametrize("loss", ["absolute_error", "poisson"])
def test_loss_option_reaches_the_regressor(capsys, tmp_path, loss):
    model = tmp_path / "reg.joblib"
    csv = _numbers_csv(tmp_path / "data.csv", np.linspace(1, 40, 80))
    status, out, _ = run(capsys, "train", "--csv", csv, "--target", "y",
                         "--loss", loss, "--save", model, *FAST)
    assert status == 0
    network = joblib.load(model)[-1]
    network = getattr(network, "regressor_", network)
    assert network.loss == loss
    # Poisson counts are trained on as they are; the others standardized.
    assert (type(joblib.load(model)[-1]).__name__ == "MLPRegressor") == (
        loss == "poisson")


def test_grid_ranks_regression_by_r2(capsys):
    status, out, _ = run(capsys, "grid", "--dataset", "diabetes", "--l2", "0,0.01",
                         "--cv", "2", "--epochs", "5")
    assert status == 0
    assert "mean CV r2" in out
    assert REGRESSION_LINE.match(out.splitlines()[-1])


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
    files["cancer_text"] = data_dir / "cancer_text.csv"
    frame = _frame(load_breast_cancer)
    frame["mean radius"] = frame["mean radius"].astype(str)
    frame.loc[3, "mean radius"] = "n.a."
    frame.to_csv(files["cancer_text"], index=False)
    files["cancer_bool"] = data_dir / "cancer_bool.csv"
    frame["mean radius"] = frame.index % 2 == 0
    frame.to_csv(files["cancer_bool"], index=False)
    files["negative"] = data_dir / "negative.csv"
    pd.DataFrame({"a": np.arange(30.0), "y": np.linspace(-3, 3, 30)}).to_csv(
        files["negative"], index=False
    )
    return files


BAD_INPUT = {
    "missing csv": ["train", "--csv", "{dir}/absent.csv", "--target", "y"],
    "unknown column": ["train", "--csv", "{wine}", "--target", "nope"],
    "infinite values": ["train", "--csv", "{inf}", "--target", "y"],
    "single class": ["train", "--csv", "{one_class}", "--target", "y"],
    "empty csv": ["train", "--csv", "{empty}", "--target", "y"],
    "csv without target": ["train", "--csv", "{wine}"],
    "target without csv": ["train", "--target", "label"],
    "csv and dataset": ["train", "--csv", "{wine}", "--dataset", "iris"],
    "regression of labels": ["train", "--csv", "{wine}", "--target", "label",
                             "--task", "regression"],
    "poisson of negative numbers": ["train", "--csv", "{negative}", "--target", "y",
                                    "--loss", "poisson"],
    "drop unknown column": ["train", "--csv", "{wine}", "--target", "label",
                            "--drop", "hue,nope"],
    "drop the target": ["train", "--csv", "{wine}", "--target", "label",
                        "--drop", "label"],
    "drop every feature": ["train", "--csv", "{nan}", "--target", "y", "--drop", "a"],
    "drop without csv": ["train", "--drop", "id"],
    "sep without csv": ["train", "--sep", ";"],
    "bad sep": ["train", "--csv", "{wine}", "--target", "label", "--sep", "ab"],
    "wrong sep": ["train", "--csv", "{wine}", "--target", "label", "--sep", ";"],
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
    "test size 1": ["train", "--test-size", "1"],
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
    "predict text in a numeric column": ["predict", "{cancer_model}",
                                         "{cancer_text}"],
    "predict booleans in a numeric column": ["predict", "{cancer_model}",
                                             "{cancer_bool}"],
    "predict unknown id column": ["predict", "{iris_model}", "{iris_csv}",
                                  "--id-column", "nope"],
    "predict negative precision": ["predict", "{iris_model}", "{iris_csv}",
                                   "--precision", "-1"],
    "predict bundled text column": ["predict", "{iris_model}", "{strings}"],
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


# -- real CSV files ----------------------------------------------------------------


def messy_frame(n_rows, seed):
    """Customers as exported by a spreadsheet: an id, text, gaps, yes/no labels.

    Churn depends on the fee, the visits, the plan and the region, so a
    network that reads the text columns has something to learn.
    """
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "east"], size=n_rows).astype(object)
    plan = rng.choice(["basic", "plus", "premium"], size=n_rows, p=[0.5, 0.3, 0.2])
    age = rng.integers(18, 80, size=n_rows).astype(float)
    fee = np.round(rng.normal(40, 12, size=n_rows), 2)
    visits = rng.poisson(4, size=n_rows)
    logit = (
        0.08 * (fee - 40) - 0.5 * visits + 2.0 * (plan == "basic")
        + 1.0 * (region == "south") + 0.5
    )  # fmt: skip
    churned = np.where(rng.random(n_rows) < 1 / (1 + np.exp(-logit)), "yes", "no")
    age[rng.random(n_rows) < 0.08] = np.nan
    region[rng.random(n_rows) < 0.05] = None
    return pd.DataFrame(
        {
            "customer_id": np.arange(10001, 10001 + n_rows),
            "region": region,
            "plan": plan,
            "age": age,
            "monthly_fee": fee,
            "visits": visits,
            "churned": churned,
        }
    )


@pytest.fixture(scope="module")
def messy_csv(data_dir):
    path = data_dir / "customers.csv"
    messy_frame(400, seed=0).to_csv(path, sep=";", index=False)
    return path


@pytest.fixture(scope="module")
def new_customers_csv(data_dir):
    """Rows to predict: a region never seen in training, gaps, no label."""
    frame = messy_frame(12, seed=1).drop(columns="churned")
    frame.loc[2, "region"] = "west"
    frame.loc[3, ["age", "region"]] = np.nan
    path = data_dir / "new_customers.csv"
    frame.to_csv(path, sep=";", index=False)
    return path


@pytest.fixture(scope="module")
def churn_model(data_dir, messy_csv):
    path = data_dir / "churn.joblib"
    argv = ["train", "--csv", str(messy_csv), "--target", "churned"]
    assert main([*argv, "--drop", "customer_id", *FAST, "--save", str(path)]) == 0
    return path


def test_messy_csv_is_preprocessed_and_reported(capsys, tmp_path, messy_csv):
    path = tmp_path / "churn.joblib"
    status, out, err = run(
        capsys, "train", "--csv", messy_csv, "--target", "churned",
        "--drop", "customer_id", "--epochs", "40", "--save", path,
    )  # fmt: skip
    assert status == 0
    assert err == ""
    frame = pd.read_csv(messy_csv, sep=";")
    lines = out.splitlines()
    assert lines[1] == (
        f"Read {messy_csv}: 400 rows, 7 columns, separated by ';' (detected); "
        "dropped 'customer_id' (--drop)"
    )
    assert lines[3].startswith("Task: classification (the target holds labels")
    assert lines[4] == (
        "Numeric columns (3: 'age', 'monthly_fee', 'visits'): missing values in "
        f"'age' ({frame['age'].isna().sum()} rows) imputed with the median; "
        "standardized"
    )
    assert lines[5] == (
        "Text columns (2: 'region' with 3 values, 'plan' with 3 values): missing "
        f"values in 'region' ({frame['region'].isna().sum()} rows) imputed with "
        "the most frequent value; one-hot encoded, values not seen in training "
        "as all zeros"
    )
    model = joblib.load(path)
    preprocess = model.named_steps["preprocess"]
    assert isinstance(preprocess, ColumnTransformer)
    assert {name: list(cols) for name, _, cols in preprocess.transformers[:2]} == {
        "numeric": ["age", "monthly_fee", "visits"],
        "text": ["region", "plan"],
    }
    assert "customer_id" not in model.feature_names_in_
    # The text columns carry most of the signal: learned, they beat the
    # majority class (about 0.55) clearly.
    assert float(VALIDATION_LINE.match(lines[-1]).group(1)) >= 0.7


def test_an_id_like_column_is_named_with_the_option_that_drops_it(
    capsys, messy_csv
):
    argv = ["train", "--csv", messy_csv, "--target", "churned", *FAST]
    status, _, err = run(capsys, *argv)
    assert status == 0
    assert err.splitlines() == [
        "skmlp: warning: column 'customer_id' holds a different whole number in "
        "every row, as an id does; it is used as a feature (exclude it with "
        "--drop customer_id)"
    ]
    assert run(capsys, *argv, "--drop", "customer_id")[2] == ""


def test_text_with_a_few_odd_cells_is_pointed_out(capsys, tmp_path):
    frame = messy_frame(60, seed=2)
    frame["age"] = frame["age"].astype(object)
    frame.loc[5, "age"] = "?"
    path = tmp_path / "odd.csv"
    frame.to_csv(path, index=False)
    status, _, err = run(
        capsys, "train", "--csv", path, "--target", "churned", "--drop",
        "customer_id", *FAST,
    )  # fmt: skip
    assert status == 0
    assert "column 'age' is read as text because of values such as '?'" in err


def test_separator_detection(tmp_path):
    cases = {
        "semicolon.csv": ("a;b;y\n1,5;2;x\n2,5;3;y\n", ";"),
        "tab.csv": ("a\tb\ty\n1\t2\tx\n", "\t"),
        "comma.csv": ('a,b,y\n1,"x; z",u\n2,"y; w",v\n', ","),
        "one_column.csv": ("y\nx\ny\n", ","),
    }
    for name, (text, expected) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        assert detect_separator(path) == expected, name


def test_sep_option_overrides_the_detection(capsys, messy_csv):
    argv = ["train", "--csv", messy_csv, "--target", "churned", "--drop",
            "customer_id", "--epochs", "2"]  # fmt: skip
    status, out, _ = run(capsys, *argv, "--sep", "semicolon")
    assert status == 0
    assert "separated by ';' (--sep)" in out.splitlines()[1]


def test_a_wrong_separator_is_suspected(capsys, messy_csv):
    status, out, err = run(
        capsys, "train", "--csv", messy_csv, "--target", "churned", "--sep", ","
    )
    assert_one_error_line(status, out, err)
    assert "has no column 'churned'" in err
    assert "(one column: is the separator right? see --sep)" in err


def test_missing_target_values_are_counted(capsys, tmp_path):
    frame = messy_frame(50, seed=3)
    frame.loc[[4, 9, 20], "churned"] = np.nan
    path = tmp_path / "gaps.csv"
    frame.to_csv(path, index=False)
    status, out, err = run(capsys, "train", "--csv", path, "--target", "churned")
    assert_one_error_line(status, out, err)
    assert "'churned' has missing values in 3 of 50 rows" in err


def test_test_size_zero_trains_on_every_row(capsys, tmp_path, messy_csv):
    path = tmp_path / "final.joblib"
    status, out, _ = run(
        capsys, "train", "--csv", messy_csv, "--target", "churned", "--drop",
        "customer_id", "--epochs", "3", "--test-size", "0", "--save", path,
    )  # fmt: skip
    assert status == 0
    lines = out.splitlines()
    assert "all 400 samples for training (--test-size 0)" in lines[2]
    assert re.match(
        r"^No held-out score \(--test-size 0\): trained on all 400 samples in ",
        lines[-1],
    )
    assert not any(line.startswith("Validation") for line in lines)
    estimator = joblib.load(path)[-1]
    assert estimator.t_ == 400 * estimator.n_iter_  # every row, every epoch
    quiet = run(capsys, "train", "--dataset", "iris", *FAST, "--test-size", "0")[1]
    assert quiet.startswith("No held-out score (--test-size 0): trained on all 150")
    assert len(quiet.splitlines()) == 1


def test_predict_applies_the_saved_preprocessing(
    capsys, churn_model, new_customers_csv
):
    status, out, err = run(
        capsys, "predict", churn_model, new_customers_csv, "--id-column",
        "customer_id", "--proba",
    )  # fmt: skip
    assert status == 0
    assert err == ""
    result = pd.read_csv(io.StringIO(out))
    assert list(result.columns) == [
        "customer_id", "prediction", "proba_no", "proba_yes"
    ]  # fmt: skip
    new = pd.read_csv(new_customers_csv, sep=";")
    assert_array_equal(result["customer_id"], new["customer_id"])
    model = joblib.load(churn_model)
    assert_array_equal(result["prediction"], model.predict(new))
    assert_allclose(result[["proba_no", "proba_yes"]], model.predict_proba(new))
    assert set(result["prediction"]) <= {"no", "yes"}


def test_precision_rounds_only_when_given(capsys, churn_model, new_customers_csv):
    argv = ["predict", churn_model, new_customers_csv, "--proba"]
    full = run(capsys, *argv)[1]
    rounded = run(capsys, *argv, "--precision", "2")[1]
    decimals = [
        len(cell.split(".")[1])
        for line in rounded.splitlines()[1:]
        for cell in line.split(",")[1:]
        if "." in cell
    ]
    assert decimals
    assert max(decimals) <= 2
    assert max(len(cell) for cell in full.replace("\n", ",").split(",")) > 10
    assert_allclose(
        pd.read_csv(io.StringIO(rounded)).iloc[:, 1:],
        pd.read_csv(io.StringIO(full)).iloc[:, 1:],
        atol=0.005,
    )


@pytest.mark.parametrize(
    ("dataset", "names"),
    [
        ("breast_cancer", {"malignant", "benign"}),
        ("iris", {"setosa", "versicolor", "virginica"}),
    ],
)
def test_bundled_models_predict_class_names(capsys, tmp_path, dataset, names):
    path = tmp_path / "model.joblib"
    assert run(capsys, "train", "--dataset", dataset, *FAST, "--save", path)[0] == 0
    csv = tmp_path / "data.csv"
    frame = getattr(sklearn_datasets, f"load_{dataset}")(as_frame=True).frame
    frame.insert(0, "row", range(len(frame)))
    frame.to_csv(csv, index=False)
    status, out, _ = run(capsys, "predict", path, csv, "--id-column", "row")
    assert status == 0
    result = pd.read_csv(io.StringIO(out))
    assert list(result.columns) == ["row", "prediction"]
    assert set(result["prediction"]) == names


def test_settings_line_states_what_is_used(capsys, tmp_path):
    status, out, _ = run(
        capsys, "train", "--dataset", "wine", "--hidden", "8,4", "--l1", "1e-5",
        "--bias-l2", "3e-5", "--dropout", "0.1", "--optimizer", "rmsprop",
        "--learning-rate", "0.01", "--epochs", "30", "--batch-size", "16",
        "--early-stopping", "--random-state", "3", "--save", tmp_path / "m.joblib",
    )  # fmt: skip
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Training MulticlassMLPClassifier on wine: hidden=8,4, activation=relu, "
        "l1=1e-05, l2=0, bias_l1=0, bias_l2=3e-05, dropout=0.1, "
        "optimizer=rmsprop, learning_rate=0.01, batch_size=16, epochs=30, "
        "early_stopping=on, random_state=3"
    )
    estimator = joblib.load(tmp_path / "m.joblib")[-1]
    best = int(np.argmax(estimator.validation_scores_)) + 1
    assert lines[-3] == (
        f"Early stopping kept the weights of epoch {best} of {estimator.n_iter_} "
        f"(validation accuracy {max(estimator.validation_scores_):.3f} on 10% of "
        "the training samples)"
    )
    assert re.match(
        r"^Held-out test split: 45 samples \(25%\), not used in training; training "
        rf"took [\d.]+ s \({estimator.n_iter_} epochs\)$",
        lines[-2],
    )


def test_temporary_file_leaves_the_target_complete_or_untouched(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old\n")

    def fail_half_way():
        with temporary_file(path) as handle:
            handle.write("half")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail_half_way()
    assert path.read_text() == "old\n"
    with temporary_file(path) as handle:
        handle.write("new\n")
    assert path.read_text() == "new\n"
    assert os.listdir(tmp_path) == ["out.csv"]


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


# -- a real process: --help imports, closed pipes, Ctrl-C ---------------------------

HEAVY_MODULES = ("sklearn", "numpy", "pandas", "scipy", "joblib")


@pytest.mark.parametrize("argv", [["--help"], ["train", "--help"]])
def test_help_imports_no_scikit_learn(argv):
    code = textwrap.dedent(
        f"""
        import contextlib, io, json, sys
        from skmlp._cli import main
        with contextlib.redirect_stdout(io.StringIO()) as out:
            status = main({argv!r})
        print(json.dumps([status, out.getvalue(), sorted(sys.modules)]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    status, help_text, modules = json.loads(result.stdout)
    assert status == 0
    heavy = {name.split(".")[0] for name in modules} & set(HEAVY_MODULES)
    assert not heavy, f"{argv} imported {sorted(heavy)}"
    # Still the complete help: the commands, or every option of train.
    expected = ["train", "predict", "grid"] if argv == ["--help"] else [
        "--csv", "--sep", "--drop", "--test-size", "--activation", "--optimizer",
        "--bias-l2", "--early-stopping", "--quiet", "--save",
    ]  # fmt: skip
    assert all(word in help_text for word in expected)


def _skmlp(*argv, **popen):
    """A running ``python -m skmlp argv...`` whose output arrives line by line."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "skmlp", *map(str, argv)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **popen,
    )  # fmt: skip


def test_closed_output_pipe_exits_0_quietly(data_dir, iris_model):
    # More rows than a pipe buffers, so the write meets the closed pipe.
    path = data_dir / "many_iris.csv"
    pd.concat([load_iris(as_frame=True).frame] * 300).to_csv(path, index=False)
    process = _skmlp("predict", iris_model, path, "--proba")
    assert process.stdout.readline().startswith("prediction,proba_setosa")
    process.stdout.close()  # what `| head -1` does
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == ""


def interrupt(process, *, after, stream="stdout", delay=0.0, group=False):
    """Send SIGINT once ``process`` prints a line containing ``after``.

    Returns ``(exit status, stdout, stderr, seconds from SIGINT to exit)``;
    the lines read while waiting are included in the output.
    """
    source = process.stdout if stream == "stdout" else process.stderr
    seen = []
    for line in source:
        seen.append(line)
        if after in line:
            break
    else:
        pytest.fail(f"never printed {after!r}: {''.join(seen)}")
    time.sleep(delay)
    sent = time.perf_counter()
    if group:  # as a terminal's Ctrl-C does: every process of the job
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    if stream == "stdout":
        out = "".join(seen) + out
    else:
        err = "".join(seen) + err
    return process.returncode, out, err, time.perf_counter() - sent


def assert_interrupted(status, err, *, after_marker=None):
    """Exit 130 and one line on stderr (after the driver's marker, if any)."""
    assert status == 130, err
    if after_marker is not None:
        err = err.split(after_marker, 1)[1]
    assert err == "skmlp: interrupted\n"


def test_ctrl_c_stops_train_and_saves_nothing(tmp_path):
    model = tmp_path / "model.joblib"
    process = _skmlp("train", "--epochs", "100000", "--save", model)
    status, out, err, seconds = interrupt(process, after="epoch: 3,")
    assert_interrupted(status, err)
    assert seconds < 5  # not the 100000 epochs
    assert "Validation" not in out
    assert os.listdir(tmp_path) == []  # no model, no temporary file


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_ctrl_c_stops_grid_at_the_first_interrupt(tmp_path, n_jobs):
    best = tmp_path / "best.joblib"
    process = _skmlp(
        "grid", "--dataset", "digits", "--epochs", "20", "--n-jobs", n_jobs,
        "--save", best, start_new_session=True,
    )  # fmt: skip
    status, out, err, seconds = interrupt(process, after="[ 1/20]", group=True)
    assert_interrupted(status, err)  # nothing from joblib or its workers
    assert seconds < 5
    assert "rank" not in out  # no ranking of a search cut short
    assert sum(line.startswith("[") for line in out.splitlines()) <= 1 + n_jobs
    assert os.listdir(tmp_path) == []


@pytest.fixture(scope="module")
def large_csv(data_dir):
    """Breast-cancer-like rows over 5 MB: pandas parses that with threads."""
    frame = load_breast_cancer(as_frame=True).frame
    rows = np.random.default_rng(0).integers(len(frame), size=30_000)
    path = data_dir / "large.csv"
    frame.iloc[rows].to_csv(path, index=False)
    assert path.stat().st_size > 5 * 2**20
    return path


def _driver(tmp_path, patch):
    """A script running ``main`` after ``patch`` (Python code) has run."""
    script = tmp_path / "driver.py"
    script.write_text(
        "import sys, time\nimport pandas\n"
        + textwrap.dedent(patch)
        + "\nfrom skmlp._cli import main\nsys.exit(main(sys.argv[1:]))\n"
    )
    return script


def test_ctrl_c_while_pandas_reads_never_crashes(tmp_path, large_csv):
    # Python's default KeyboardInterrupt, raised while pandas starts its
    # parser threads, had the buffers freed under a running thread: before
    # the fix, with the interrupt in the first 5 ms of the read (where the
    # threads start), about 3 runs in 10 ended in a segmentation fault, so
    # 8 runs catch it 19 times in 20.  `train` reads through the same
    # function as `predict` and gets there sooner (it imports scikit-learn
    # after the read), which keeps the runs cheap.
    driver = _driver(
        tmp_path,
        """
        read_csv = pandas.read_csv
        def announced(*args, **kwargs):
            print("READING", file=sys.stderr, flush=True)
            return read_csv(*args, **kwargs)
        pandas.read_csv = announced
        """,
    )
    rng = random.Random(0)
    for _ in range(8):
        process = subprocess.Popen(
            [sys.executable, driver, "train", "--csv", large_csv, "--target",
             "target"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        status, _, err, _ = interrupt(
            process, after="READING", stream="stderr", delay=rng.uniform(0, 0.005)
        )
        assert_interrupted(status, err, after_marker="READING\n")


def test_ctrl_c_while_predict_writes_leaves_no_file(tmp_path, cancer_model):
    # A writer slowed down after its first lines, so that the interrupt
    # lands in the middle of the file.
    driver = _driver(
        tmp_path,
        """
        class Slow:
            def __init__(self, handle):
                self.handle, self.lines = handle, 0
            def write(self, text):
                self.handle.write(text)
                self.lines += 1
                if self.lines == 10:
                    self.handle.flush()
                    print("WRITING", file=sys.stderr, flush=True)
                time.sleep(0.01 if self.lines >= 10 else 0)
        to_csv = pandas.DataFrame.to_csv
        def slow_to_csv(self, path_or_buf=None, **kwargs):
            if hasattr(path_or_buf, "write"):
                path_or_buf = Slow(path_or_buf)
            return to_csv(self, path_or_buf, **kwargs)
        pandas.DataFrame.to_csv = slow_to_csv
        """,
    )
    features = tmp_path / "features.csv"
    load_breast_cancer(as_frame=True).data.to_csv(features, index=False)
    output = tmp_path / "out" / "predictions.csv"
    output.parent.mkdir()
    process = subprocess.Popen(
        [sys.executable, driver, "predict", cancer_model, features, "--output", output],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    status, out, err, _ = interrupt(process, after="WRITING", stream="stderr")
    assert_interrupted(status, err, after_marker="WRITING\n")
    assert out == ""
    assert os.listdir(output.parent) == []  # no partial file, no temporary one

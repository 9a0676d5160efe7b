"""The estimators inside scikit-learn's machinery, and persistence.

Pipelines, cross-validation, grid search over the four regularization
lambdas, clone, pandas input with feature names, and pickle / joblib round
trips loaded in a fresh Python process (API.md section 4), including the skmlp
version recorded in every pickle.
"""

import json
import pickle
import subprocess
import sys
import textwrap
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_iris,
    load_wine,
    make_multilabel_classification,
)
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

import skmlp
from skmlp import (
    BinaryMLPClassifier,
    InconsistentVersionWarning,
    MulticlassMLPClassifier,
)

ESTIMATORS = [BinaryMLPClassifier, MulticlassMLPClassifier]

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

FAST = {"hidden_layer_sizes": (8,), "learning_rate": 0.01, "max_iter": 30,
        "random_state": 0}


@pytest.fixture(scope="module")
def breast_cancer():
    # Unscaled on purpose: the pipeline tests need the scaler to matter.
    return load_breast_cancer(return_X_y=True)


@pytest.fixture(scope="module")
def scaled_binary(breast_cancer):
    X, y = breast_cancer
    return StandardScaler().fit_transform(X)[:300], y[:300]


# -- pipelines and cross-validation -----------------------------------------
@pytest.mark.parametrize("Est", ESTIMATORS)
def test_pipeline_with_scaler(Est, breast_cancer):
    X, y = breast_cancer
    pipe = Pipeline([("scale", StandardScaler()), ("clf", Est(**FAST))])
    pipe.fit(X, y)
    assert_array_equal(pipe.classes_, [0, 1])
    assert pipe.predict_proba(X).shape == (X.shape[0], 2)
    assert pipe.decision_function(X).shape == (X.shape[0],)
    # Breast cancer features span five orders of magnitude; only scaled
    # inputs reach this accuracy in 30 epochs.
    assert pipe.score(X, y) > 0.95
    # Parameters of the step are reachable through the pipeline.
    pipe.set_params(clf__weight_regularizer_l2=[0.0, 0.1])
    assert pipe.named_steps["clf"].weight_regularizer_l2 == [0.0, 0.1]


@pytest.mark.parametrize(
    ("Est", "scoring"),
    [
        (BinaryMLPClassifier, "accuracy"),
        (BinaryMLPClassifier, "roc_auc"),  # uses decision_function
        (MulticlassMLPClassifier, "accuracy"),
        (MulticlassMLPClassifier, "neg_log_loss"),  # uses predict_proba
    ],
)
def test_cross_val_score_binary(Est, scoring, breast_cancer):
    X, y = breast_cancer
    scores = cross_val_score(
        make_pipeline(StandardScaler(), Est(**FAST)), X, y, cv=3, scoring=scoring
    )
    assert scores.shape == (3,)
    threshold = {"accuracy": 0.93, "roc_auc": 0.97, "neg_log_loss": -0.2}[scoring]
    assert np.all(scores > threshold)


@pytest.mark.parametrize("load", [load_iris, load_wine])
def test_cross_val_score_multiclass(load):
    X, y = load(return_X_y=True)
    clf = make_pipeline(
        StandardScaler(),
        MulticlassMLPClassifier(**{**FAST, "learning_rate": 0.05, "max_iter": 60}),
    )
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    scores = cross_val_score(clf, X, y, cv=cv, scoring="f1_macro")
    assert np.all(scores > 0.85)


def test_cross_val_score_multilabel():
    X, Y = make_multilabel_classification(
        n_samples=150, n_features=8, n_classes=3, random_state=0
    )
    clf = make_pipeline(StandardScaler(), BinaryMLPClassifier(**FAST))
    scores = cross_val_score(clf, X, Y, cv=3, scoring="f1_samples")
    assert scores.shape == (3,)
    assert np.all(scores > 0.6)


# -- grid search over the regularization lambdas -------------------------------
def _weights(est):
    return np.concatenate([W.ravel() for W in est.coefs_])


def _biases(est):
    return np.concatenate(est.intercepts_)


# For each lambda: its grid and the property of the fitted model it controls,
# which must grow strictly along the grid.  L2 shrinks the squared norm; L1
# drives parameters to (near) zero.  The threshold 1e-2 is about one Adam step
# at learning_rate=0.01: an L1-penalized parameter oscillates around zero
# within one step.
GRID_EFFECTS = {
    "weight_regularizer_l1": (
        [0.0, 0.003, 0.03],
        lambda est: np.mean(np.abs(_weights(est)) < 1e-2),
    ),
    "weight_regularizer_l2": (
        [0.0, 0.01, 0.1],
        lambda est: -np.sum(_weights(est) ** 2),
    ),
    "bias_regularizer_l1": (
        [0.0, 0.01, 0.1],
        lambda est: np.mean(np.abs(_biases(est)) < 1e-2),
    ),
    "bias_regularizer_l2": (
        [0.0, 0.01, 0.1],
        lambda est: -np.sum(_biases(est) ** 2),
    ),
}


@pytest.mark.parametrize("Est", ESTIMATORS)
@pytest.mark.parametrize("name", list(GRID_EFFECTS))
def test_grid_search_over_lambda(Est, name, scaled_binary):
    X, y = scaled_binary
    grid, effect = GRID_EFFECTS[name]

    def effect_scorer(est, X, y):
        # Evaluated on every model the search fits, so the cv results show
        # what each lambda did to the fitted parameters.
        return float(effect(est))

    search = GridSearchCV(
        Est(**FAST),
        {name: grid},
        scoring={"accuracy": "accuracy", "effect": effect_scorer},
        refit="accuracy",
        cv=2,
    )
    search.fit(X, y)

    assert list(search.cv_results_[f"param_{name}"]) == grid
    effects = search.cv_results_["mean_test_effect"]
    assert np.all(np.diff(effects) > 0), (name, effects)
    # Every setting still classifies: the lambdas are not absurdly large.
    assert np.all(search.cv_results_["mean_test_accuracy"] > 0.9)

    best = search.best_estimator_
    check_is_fitted(best)
    assert best.get_params()[name] == search.best_params_[name]
    assert best is not search.estimator
    with pytest.raises(NotFittedError):
        check_is_fitted(search.estimator)


# -- clone ---------------------------------------------------------------------
@pytest.mark.parametrize("Est", ESTIMATORS)
def test_clone_is_unfitted_with_same_params(Est, scaled_binary):
    X, y = scaled_binary
    est = Est(**FAST, weight_regularizer_l2=[0.01, 0.1], class_weight={0: 2, 1: 1})
    est.fit(X, y)
    cloned = clone(est)
    assert type(cloned) is Est
    assert cloned is not est
    assert cloned.get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(cloned)
    with pytest.raises(NotFittedError):
        cloned.predict(X)
    # Same parameters, same seed: the clone refits to the very same model.
    cloned.fit(X, y)
    for a, b in zip(cloned.coefs_, est.coefs_):
        assert_array_equal(a, b)


# -- pandas --------------------------------------------------------------------
@pytest.fixture(scope="module")
def frame_data(scaled_binary):
    X, y = scaled_binary
    columns = [f"feature {i}" for i in range(X.shape[1])]
    return pd.DataFrame(X, columns=columns), pd.Series(np.array(["no", "yes"])[y])


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_dataframe_sets_feature_names(Est, frame_data):
    X, y = frame_data
    est = Est(**FAST).fit(X, y)
    assert_array_equal(est.feature_names_in_, X.columns)
    assert est.feature_names_in_.dtype == object
    assert est.n_features_in_ == X.shape[1]
    assert_array_equal(est.classes_, ["no", "yes"])
    assert set(est.predict(X)) <= {"no", "yes"}


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_dataframe_with_other_column_names_raises(Est, frame_data):
    X, y = frame_data
    est = Est(**FAST).fit(X, y)
    renamed = X.rename(columns={X.columns[0]: "something else"})
    for method in ("predict", "predict_proba", "predict_log_proba",
                   "decision_function"):
        with pytest.raises(ValueError, match="feature names should match"):
            getattr(est, method)(renamed)
    reordered = X[X.columns[::-1]]
    with pytest.raises(ValueError, match="feature names should match"):
        est.predict(reordered)


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_feature_name_warnings_like_scikit_learn(Est, frame_data):
    X, y = frame_data
    fitted_on_frame = Est(**FAST).fit(X, y)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        fitted_on_frame.predict(X.to_numpy())

    fitted_on_array = Est(**FAST).fit(X.to_numpy(), y)
    assert not hasattr(fitted_on_array, "feature_names_in_")
    with pytest.warns(UserWarning, match="X has feature names"):
        fitted_on_array.predict(X)


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_dataframe_with_non_string_columns_has_no_feature_names(Est, frame_data):
    X, y = frame_data
    est = Est(**FAST).fit(X.set_axis(range(X.shape[1]), axis=1), y)
    assert not hasattr(est, "feature_names_in_")


# -- persistence in a fresh process ------------------------------------------------
# The fresh interpreter loads each file, predicts, and saves what it got; it
# turns every version warning into an error, since nothing changed in between.
LOADER = textwrap.dedent(
    """
    import json, pickle, sys, warnings
    import joblib, numpy as np
    import sklearn.exceptions
    import skmlp

    warnings.simplefilter("error", skmlp.InconsistentVersionWarning)
    warnings.simplefilter("error", sklearn.exceptions.InconsistentVersionWarning)
    loaded = {}
    for job in json.loads(sys.argv[1]):
        if job["format"] == "pickle":
            with open(job["model"], "rb") as f:
                model = pickle.load(f)
        else:
            model = joblib.load(job["model"])
        X = np.load(job["X"])
        np.save(job["proba"], model.predict_proba(X))
        np.save(job["predict"], model.predict(X))
        loaded[job["model"]] = [type(model).__module__, type(model).__name__]
    print(json.dumps(loaded))
    """
)

PERSISTED = {
    "binary": (BinaryMLPClassifier, "binary", np.float64),
    "multiclass": (MulticlassMLPClassifier, "multiclass", np.float64),
    "multiclass-float32": (MulticlassMLPClassifier, "multiclass", np.float32),
    "multilabel": (BinaryMLPClassifier, "multilabel", np.float64),
}
FORMATS = ["pickle", "joblib"]


def _problem(kind):
    if kind == "binary":
        X, y = load_breast_cancer(return_X_y=True)
        return StandardScaler().fit_transform(X), np.array(["neg", "pos"])[y]
    if kind == "multiclass":
        X, y = load_iris(return_X_y=True)
        return StandardScaler().fit_transform(X), y
    return make_multilabel_classification(
        n_samples=100, n_features=6, n_classes=3, random_state=0
    )


@pytest.fixture(scope="module")
def fresh_process_results(tmp_path_factory):
    """Fit, save, load and predict in one fresh interpreter for every case."""
    directory = tmp_path_factory.mktemp("persistence")
    jobs, expected = [], {}
    for case, (Est, kind, dtype) in PERSISTED.items():
        X, y = _problem(kind)
        X = X.astype(dtype)
        est = Est(**{**FAST, "dropout": 0.1}).fit(X, y)
        np.save(directory / f"{case}-X.npy", X)
        for fmt in FORMATS:
            model = directory / f"{case}.{fmt}"
            if fmt == "pickle":
                model.write_bytes(pickle.dumps(est))
            else:
                joblib.dump(est, model)
            stem = directory / f"{case}-{fmt}"
            jobs.append({
                "format": fmt,
                "model": str(model),
                "X": str(directory / f"{case}-X.npy"),
                "proba": f"{stem}-proba.npy",
                "predict": f"{stem}-predict.npy",
            })
            expected[case, fmt] = (est.predict_proba(X), est.predict(X), jobs[-1])
    completed = subprocess.run(
        [sys.executable, "-c", LOADER, json.dumps(jobs)],
        capture_output=True,
        text=True,
        cwd=directory,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return expected, json.loads(completed.stdout)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", list(PERSISTED))
def test_round_trip_in_fresh_process(fresh_process_results, case, fmt):
    expected, loaded_types = fresh_process_results
    proba, predicted, job = expected[case, fmt]
    module, name = loaded_types[job["model"]]
    assert module.split(".")[0] == "skmlp"
    assert name == PERSISTED[case][0].__name__
    loaded_proba = np.load(job["proba"])
    # Bit for bit: same weights, same forward pass, same dtype.
    assert loaded_proba.dtype == proba.dtype
    assert np.array_equal(loaded_proba, proba)
    assert_array_equal(np.load(job["predict"], allow_pickle=False), predicted)


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_pickle_round_trip_keeps_training_state(Est, scaled_binary):
    # In-process complement: a loaded model is a complete estimator, with its
    # curves and parameters, and it can be cloned and scored.
    X, y = scaled_binary
    est = Est(**FAST).fit(X, y)
    loaded = pickle.loads(pickle.dumps(est))
    assert loaded.get_params() == est.get_params()
    assert loaded.loss_curve_ == est.loss_curve_
    assert loaded.n_iter_ == est.n_iter_
    assert loaded.t_ == est.t_
    for a, b in zip(loaded.coefs_ + loaded.intercepts_,
                    est.coefs_ + est.intercepts_):
        assert_array_equal(a, b, strict=True)
    assert loaded.score(X, y) == est.score(X, y)


# -- version recorded in the pickle ---------------------------------------------
def _new(cls):
    return cls.__new__(cls)


class _Tampered:
    """Pickles as the estimator, but with a state of our choosing.

    ``pickle`` stores what ``__reduce__`` returns; loading creates a bare
    estimator and calls its own ``__setstate__`` on the given state, exactly
    as for a pickle written by another skmlp version.
    """

    def __init__(self, est, **changes):
        self._reduced = (_new, (type(est),), {**est.__getstate__(), **changes})

    def __reduce__(self):
        return self._reduced


@pytest.fixture(scope="module")
def fitted_binary(scaled_binary):
    X, y = scaled_binary
    return BinaryMLPClassifier(**FAST).fit(X, y)


def test_pickle_records_skmlp_version(fitted_binary):
    assert fitted_binary.__getstate__()["_skmlp_version"] == skmlp.__version__
    assert skmlp.__version__.encode() in pickle.dumps(fitted_binary)
    # The marker is pickling metadata, not an attribute of the live model.
    assert not hasattr(pickle.loads(pickle.dumps(fitted_binary)), "_skmlp_version")


def test_same_version_loads_silently(fitted_binary):
    data = pickle.dumps(fitted_binary)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        pickle.loads(data)


@pytest.mark.parametrize("other_version", ["0.0.1", "99.0.0"])
def test_other_version_warns_naming_both(fitted_binary, scaled_binary, other_version):
    X, _ = scaled_binary
    data = pickle.dumps(_Tampered(fitted_binary, _skmlp_version=other_version))
    with pytest.warns(InconsistentVersionWarning) as record:
        loaded = pickle.loads(data)
    messages = [str(w.message) for w in record
                if issubclass(w.category, InconsistentVersionWarning)]
    assert len(messages) == 1
    assert other_version in messages[0]
    assert skmlp.__version__ in messages[0]
    assert "BinaryMLPClassifier" in messages[0]
    assert issubclass(InconsistentVersionWarning, UserWarning)
    # It is a warning, not a refusal: the model still loads and predicts.
    assert type(loaded) is BinaryMLPClassifier
    assert_array_equal(loaded.predict_proba(X), fitted_binary.predict_proba(X))


def test_other_version_warns_for_joblib_too(fitted_binary, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(_Tampered(fitted_binary, _skmlp_version="0.0.1"), path)
    with pytest.warns(InconsistentVersionWarning, match="0.0.1"):
        loaded = joblib.load(path)
    assert type(loaded) is BinaryMLPClassifier

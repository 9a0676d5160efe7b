"""The estimators inside scikit-learn's machinery, and persistence.

Pipelines (fit parameters reaching a step), cross-validation, grid search
over the four regularization lambdas, clone, pandas input with feature names,
and pickle / joblib round trips loaded in a fresh Python process (API.md
section 4), including the skmlp version recorded in every pickle: all on the
three estimators.  Multiclass and multilabel scoring are the classifiers' own;
``test_regressor_integration.py`` has the regressor's target transformers and
several targets.
"""

import functools
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
from fitting import assert_same_weights, is_regressor, outputs, prediction_methods
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_iris,
    load_wine,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

import skmlp
from skmlp import (
    BinaryMLPClassifier,
    InconsistentVersionWarning,
    MLPRegressor,
    MulticlassMLPClassifier,
)

pytestmark = [
    pytest.mark.usefixtures("single_blas_thread"),
    pytest.mark.filterwarnings(
        "ignore::sklearn.exceptions.ConvergenceWarning"
    ),
]

FAST = {"hidden_layer_sizes": (8,), "learning_rate": 0.01, "max_iter": 30,
        "random_state": 0}


# -- data: a binary problem for both classifiers, a regression for the regressor --
@functools.cache
def unscaled(Est):
    """Features of very different scales, which a pipeline's scaler must fix:
    breast cancer (five orders of magnitude), or diabetes with its columns put
    on scales from 1e-3 to 1e3 and its target standardized (the regressor's
    outputs start near 0; test_regressor_integration.py scales raw targets)."""
    if is_regressor(Est):
        X, y = load_diabetes(return_X_y=True)
        return X * [1, 1e3, 1e-2, 1, 1e2, 1, 1, 1e-3, 1, 10], (y - y.mean()) / y.std()
    return load_breast_cancer(return_X_y=True)


@functools.cache
def scaled(Est):
    """Standardized features: 300 samples of breast cancer, or of a
    regression with 8 features and a target of unit scale."""
    if is_regressor(Est):
        X, y = make_regression(n_samples=300, n_features=8, n_informative=5,
                               noise=10.0, random_state=0)
        return StandardScaler().fit_transform(X), y / y.std()
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X)[:300], y[:300]


def _score(est, X, y):
    """The estimator's own score (accuracy or R²), as a scorer."""
    return est.score(X, y)


# -- pipelines and cross-validation -----------------------------------------
# The score each reaches in a scaled pipeline: diabetes is a noisy target.
PIPELINE_SCORES = {BinaryMLPClassifier: 0.95, MulticlassMLPClassifier: 0.95,
                   MLPRegressor: 0.4}


def test_pipeline_with_scaler(AnyEstimator):
    X, y = unscaled(AnyEstimator)
    pipe = Pipeline([("scale", StandardScaler()), ("mlp", AnyEstimator(**FAST))])
    pipe.fit(X, y)
    if is_regressor(AnyEstimator):
        assert pipe.predict(X).shape == y.shape
    else:
        assert_array_equal(pipe.classes_, [0, 1])
        assert pipe.predict_proba(X).shape == (X.shape[0], 2)
        assert pipe.decision_function(X).shape == (X.shape[0],)
    # Only scaled inputs reach this score in 30 epochs.
    assert pipe.score(X, y) > PIPELINE_SCORES[AnyEstimator]
    unscaled_fit = AnyEstimator(**FAST).fit(X, y)
    assert unscaled_fit.score(X, y) < pipe.score(X, y)
    # Parameters of the step are reachable through the pipeline.
    pipe.set_params(mlp__weight_regularizer_l2=[0.0, 0.1])
    assert pipe.named_steps["mlp"].weight_regularizer_l2 == [0.0, 0.1]


def test_make_pipeline_forwards_fit_params(AnyEstimator):
    # sample_weight reaches the estimator through its step's name.
    X, y = scaled(AnyEstimator)
    weights = np.where(y > 0, 3.0, 1.0)
    pipe = make_pipeline(StandardScaler(), AnyEstimator(**FAST))
    step = AnyEstimator.__name__.lower()
    pipe.fit(X, y, **{f"{step}__sample_weight": weights})
    direct = AnyEstimator(**FAST).fit(StandardScaler().fit_transform(X), y,
                                      sample_weight=weights)
    unweighted = AnyEstimator(**FAST).fit(StandardScaler().fit_transform(X), y)
    assert_same_weights(pipe[-1], direct)
    assert not np.array_equal(pipe[-1].coefs_[0], unweighted.coefs_[0])


@pytest.mark.parametrize(
    ("Est", "scoring", "threshold"),
    [
        (BinaryMLPClassifier, "accuracy", 0.93),
        (BinaryMLPClassifier, "roc_auc", 0.97),  # uses decision_function
        (MulticlassMLPClassifier, "accuracy", 0.93),
        (MulticlassMLPClassifier, "neg_log_loss", -0.2),  # uses predict_proba
        (MLPRegressor, "r2", 0.8),
        (MLPRegressor, "neg_mean_squared_error", -0.2),
        (MLPRegressor, "neg_mean_absolute_error", -0.4),
    ],
)
def test_cross_val_score(Est, scoring, threshold):
    if is_regressor(Est):
        # Not stratified: a plain KFold, as cross_val_score uses for regressors.
        X, y = scaled(Est)
        model = Est(**{**FAST, "max_iter": 60})
        cv = KFold(n_splits=3, shuffle=True, random_state=0)
    else:
        X, y = unscaled(Est)
        model = make_pipeline(StandardScaler(), Est(**FAST))
        cv = 3
    scores = cross_val_score(model, X, y, cv=cv, scoring=scoring)
    assert scores.shape == (3,)
    assert np.all(scores > threshold), scores


def test_cross_val_score_default_is_the_estimators_score(AnyEstimator):
    X, y = scaled(AnyEstimator)
    est = AnyEstimator(**FAST)
    scores = cross_val_score(est, X, y, cv=3)
    own = cross_val_score(est, X, y, cv=3, scoring="r2" if is_regressor(est)
                          else "accuracy")
    assert_array_equal(scores, own)


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


# For each lambda: its grid and the properties of the fitted model it
# controls, which must grow strictly along the grid.  L2 shrinks the squared
# norm; L1 shrinks the L1 norm and drives parameters to (near) zero.  The
# threshold 1e-2 is about one Adam step at learning_rate=0.01: an L1-penalized
# parameter oscillates around zero within one step.
GRID_EFFECTS = {
    "weight_regularizer_l1": (
        [0.0, 0.003, 0.03],
        {"share of weights near zero":
            lambda est: np.mean(np.abs(_weights(est)) < 1e-2)},
    ),
    "weight_regularizer_l2": (
        [0.0, 0.01, 0.1],
        {"minus squared weights": lambda est: -np.sum(_weights(est) ** 2)},
    ),
    "bias_regularizer_l1": (
        [0.0, 0.01, 0.1],
        {"minus L1 norm of biases": lambda est: -np.sum(np.abs(_biases(est))),
         "share of biases near zero":
            lambda est: np.mean(np.abs(_biases(est)) < 1e-2)},
    ),
    "bias_regularizer_l2": (
        [0.0, 0.01, 0.1],
        {"minus squared biases": lambda est: -np.sum(_biases(est) ** 2)},
    ),
}
# The score every setting still reaches: the lambdas are not absurdly large.
GRID_SCORES = {BinaryMLPClassifier: 0.9, MulticlassMLPClassifier: 0.9,
               MLPRegressor: 0.5}


@pytest.mark.parametrize("name", list(GRID_EFFECTS))
def test_grid_search_over_lambda(AnyEstimator, name):
    X, y = scaled(AnyEstimator)
    grid, effects = GRID_EFFECTS[name]
    if is_regressor(AnyEstimator):
        # The regressor's few biases fit targets of unit scale: at these
        # lambdas they shrink, but stay away from zero.
        effects = {k: v for k, v in effects.items() if "near zero" not in k
                   or "weights" in k}

    def scorer(effect):
        # Evaluated on every model the search fits, so the cv results show
        # what each lambda did to the fitted parameters.
        return lambda est, X, y: float(effect(est))

    search = GridSearchCV(
        AnyEstimator(**FAST),
        {name: grid},
        scoring={"score": _score,
                 **{label: scorer(effect) for label, effect in effects.items()}},
        refit="score",
        cv=2,
    )
    search.fit(X, y)

    assert list(search.cv_results_[f"param_{name}"]) == grid
    for label in effects:
        measured = search.cv_results_[f"mean_test_{label}"]
        assert np.all(np.diff(measured) > 0), (name, label, measured)
    assert np.all(search.cv_results_["mean_test_score"] > GRID_SCORES[AnyEstimator])

    best = search.best_estimator_
    check_is_fitted(best)
    assert best.get_params()[name] == search.best_params_[name]
    assert best is not search.estimator
    with pytest.raises(NotFittedError):
        check_is_fitted(search.estimator)


# -- clone ---------------------------------------------------------------------
def _own_parameter(Est):
    """A parameter only that kind of estimator has, at a non-default value."""
    return {"loss": "absolute_error"} if is_regressor(Est) else {
        "class_weight": {0: 2, 1: 1}}


def test_clone_is_unfitted_with_same_params(AnyEstimator):
    X, y = scaled(AnyEstimator)
    est = AnyEstimator(**FAST, weight_regularizer_l2=[0.01, 0.1],
                       **_own_parameter(AnyEstimator))
    est.fit(X, y)
    cloned = clone(est)
    assert type(cloned) is AnyEstimator
    assert cloned is not est
    assert cloned.get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(cloned)
    with pytest.raises(NotFittedError):
        cloned.predict(X)
    # Same parameters, same seed: the clone refits to the very same model.
    cloned.fit(X, y)
    assert_same_weights(cloned, est)


# -- pandas --------------------------------------------------------------------
def frame_data(Est):
    """``scaled(Est)`` as a DataFrame with string column names, and y as a
    Series: string labels for the classifiers."""
    X, y = scaled(Est)
    columns = [f"feature {i}" for i in range(X.shape[1])]
    y = pd.Series(y, name="target") if is_regressor(Est) else pd.Series(
        np.array(["no", "yes"])[y])
    return pd.DataFrame(X, columns=columns), y


def test_dataframe_sets_feature_names(AnyEstimator):
    X, y = frame_data(AnyEstimator)
    est = AnyEstimator(**FAST).fit(X, y)
    assert_array_equal(est.feature_names_in_, X.columns)
    assert est.feature_names_in_.dtype == object
    assert est.n_features_in_ == X.shape[1]
    predicted = est.predict(X)
    assert predicted.shape == (len(y),)
    if not is_regressor(AnyEstimator):
        assert_array_equal(est.classes_, ["no", "yes"])
        assert set(predicted) <= {"no", "yes"}
    # The same numbers as from the plain arrays.
    plain = AnyEstimator(**FAST).fit(X.to_numpy(), y.to_numpy())
    assert_array_equal(outputs(est, X), outputs(plain, X.to_numpy()))


def test_dataframe_with_other_column_names_raises(AnyEstimator):
    X, y = frame_data(AnyEstimator)
    est = AnyEstimator(**FAST).fit(X, y)
    renamed = X.rename(columns={X.columns[0]: "something else"})
    for method in prediction_methods(est):
        with pytest.raises(ValueError, match="feature names should match"):
            getattr(est, method)(renamed)
    reordered = X[X.columns[::-1]]
    with pytest.raises(ValueError, match="feature names should match"):
        est.predict(reordered)


def test_feature_name_warnings_like_scikit_learn(AnyEstimator):
    X, y = frame_data(AnyEstimator)
    fitted_on_frame = AnyEstimator(**FAST).fit(X, y)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        fitted_on_frame.predict(X.to_numpy())

    fitted_on_array = AnyEstimator(**FAST).fit(X.to_numpy(), y)
    assert not hasattr(fitted_on_array, "feature_names_in_")
    with pytest.warns(UserWarning, match="X has feature names"):
        fitted_on_array.predict(X)


def test_dataframe_with_non_string_columns_has_no_feature_names(AnyEstimator):
    X, y = frame_data(AnyEstimator)
    est = AnyEstimator(**FAST).fit(X.set_axis(range(X.shape[1]), axis=1), y)
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
        if hasattr(model, "predict_proba"):
            np.save(job["outputs"], model.predict_proba(X))
        np.save(job["predict"], model.predict(X))
        loaded[job["model"]] = [type(model).__module__, type(model).__name__]
    print(json.dumps(loaded))
    """
)

# case -> (estimator, problem, dtype, parameters)
PERSISTED = {
    "binary": (BinaryMLPClassifier, "binary", np.float64, {}),
    "multiclass": (MulticlassMLPClassifier, "multiclass", np.float64, {}),
    "multiclass-float32": (MulticlassMLPClassifier, "multiclass", np.float32, {}),
    "multilabel": (BinaryMLPClassifier, "multilabel", np.float64, {}),
    "squared_error": (MLPRegressor, "regression", np.float64, {}),
    "absolute_error": (MLPRegressor, "regression", np.float64,
                       {"loss": "absolute_error"}),
    "poisson": (MLPRegressor, "counts", np.float64, {"loss": "poisson"}),
    "two-targets-float32": (MLPRegressor, "two targets", np.float32, {}),
    "poisson-float32": (MLPRegressor, "counts", np.float32, {"loss": "poisson"}),
}
FORMATS = ["pickle", "joblib"]


def _problem(kind):
    if kind == "binary":
        X, y = load_breast_cancer(return_X_y=True)
        return StandardScaler().fit_transform(X), np.array(["neg", "pos"])[y]
    if kind == "multiclass":
        X, y = load_iris(return_X_y=True)
        return StandardScaler().fit_transform(X), y
    if kind == "multilabel":
        return make_multilabel_classification(
            n_samples=100, n_features=6, n_classes=3, random_state=0
        )
    X, y = make_regression(n_samples=120, n_features=5,
                           n_targets=2 if kind == "two targets" else 1,
                           random_state=0)
    y = y / y.std()
    return X, np.round(np.abs(y) * 3) if kind == "counts" else y


@pytest.fixture(scope="module")
def fresh_process_results(tmp_path_factory):
    """Fit, save, load and predict in one fresh interpreter for every case."""
    directory = tmp_path_factory.mktemp("persistence")
    jobs, expected = [], {}
    for case, (Est, kind, dtype, params) in PERSISTED.items():
        X, y = _problem(kind)
        X = X.astype(dtype)
        est = Est(**{**FAST, "dropout": 0.1, **params}).fit(X, y)
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
                "outputs": f"{stem}-outputs.npy",
                "predict": f"{stem}-predict.npy",
            })
            expected[case, fmt] = (outputs(est, X), est.predict(X), jobs[-1])
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
    expected_outputs, predicted, job = expected[case, fmt]
    Est, _, dtype, _ = PERSISTED[case]
    # The very class, from the module it lives in.
    assert loaded_types[job["model"]] == [Est.__module__, Est.__name__]
    assert Est.__module__.split(".")[0] == "skmlp"
    loaded_predict = np.load(job["predict"], allow_pickle=False)
    # The regressor's predictions are its outputs; a classifier's labels
    # come from its probabilities.
    loaded_outputs = loaded_predict if is_regressor(Est) else np.load(job["outputs"])
    # Bit for bit: same weights, same forward pass, same dtype and shape.
    assert loaded_outputs.dtype == expected_outputs.dtype == dtype
    assert loaded_outputs.shape == expected_outputs.shape
    assert np.array_equal(loaded_outputs, expected_outputs)
    assert_array_equal(loaded_predict, predicted)


def test_pickle_round_trip_keeps_training_state(AnyEstimator):
    # In-process complement: a loaded model is a complete estimator, with its
    # curves and parameters, and it can be cloned and scored.
    X, y = scaled(AnyEstimator)
    est = AnyEstimator(**FAST, early_stopping=True).fit(X, y)
    loaded = pickle.loads(pickle.dumps(est))
    assert loaded.get_params() == est.get_params()
    assert loaded.loss_curve_ == est.loss_curve_
    assert loaded.validation_scores_ == est.validation_scores_
    assert loaded.best_validation_score_ == est.best_validation_score_
    assert loaded.n_iter_ == est.n_iter_
    assert loaded.t_ == est.t_
    assert_same_weights(loaded, est)
    assert loaded.score(X, y) == est.score(X, y)
    assert clone(loaded).get_params() == est.get_params()


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


@functools.cache
def fitted(Est):
    X, y = scaled(Est)
    return Est(**FAST).fit(X, y)


def test_pickle_records_skmlp_version(AnyEstimator):
    est = fitted(AnyEstimator)
    assert est.__getstate__()["_skmlp_version"] == skmlp.__version__
    assert skmlp.__version__.encode() in pickle.dumps(est)
    # The marker is pickling metadata, not an attribute of the live model.
    assert not hasattr(pickle.loads(pickle.dumps(est)), "_skmlp_version")


def test_same_version_loads_silently(AnyEstimator):
    data = pickle.dumps(fitted(AnyEstimator))
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        pickle.loads(data)


@pytest.mark.parametrize("other_version", ["0.0.1", "99.0.0"])
def test_other_version_warns_naming_both(AnyEstimator, other_version):
    X, _ = scaled(AnyEstimator)
    est = fitted(AnyEstimator)
    data = pickle.dumps(_Tampered(est, _skmlp_version=other_version))
    with pytest.warns(InconsistentVersionWarning) as record:
        loaded = pickle.loads(data)
    messages = [str(w.message) for w in record
                if issubclass(w.category, InconsistentVersionWarning)]
    assert len(messages) == 1
    assert other_version in messages[0]
    assert skmlp.__version__ in messages[0]
    assert AnyEstimator.__name__ in messages[0]
    assert issubclass(InconsistentVersionWarning, UserWarning)
    # It is a warning, not a refusal: the model still loads and predicts.
    assert type(loaded) is AnyEstimator
    assert_array_equal(outputs(loaded, X), outputs(est, X))


def test_other_version_warns_for_joblib_too(AnyEstimator, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(_Tampered(fitted(AnyEstimator), _skmlp_version="0.0.1"), path)
    with pytest.warns(InconsistentVersionWarning, match="0.0.1"):
        loaded = joblib.load(path)
    assert type(loaded) is AnyEstimator

"""MLPRegressor inside scikit-learn's machinery, and persistence.

Pipelines, cross-validation, grid search over the four regularization
lambdas, TransformedTargetRegressor, MultiOutputRegressor, clone, pandas
input, pickle / joblib round trips loaded in a fresh Python process, and
skops with only skmlp types untrusted -- what ``test_sklearn_integration.py``
checks for the classifiers.
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
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from skmlp import InconsistentVersionWarning, MLPRegressor

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

FAST = {"hidden_layer_sizes": (8,), "learning_rate": 0.01, "max_iter": 30,
        "random_state": 0}


@pytest.fixture(autouse=True)
def _single_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def diabetes():
    # Features and target unscaled on purpose: the scalers must matter.
    return load_diabetes(return_X_y=True)


@pytest.fixture(scope="module")
def scaled_regression():
    X, y = make_regression(n_samples=300, n_features=8, n_informative=5,
                           noise=10.0, random_state=0)
    return StandardScaler().fit_transform(X), y / y.std()


# -- pipelines, target transformers and cross-validation ----------------------------


def test_pipeline_with_scaler_and_target_transformer(diabetes):
    X, y = diabetes
    model = TransformedTargetRegressor(
        regressor=Pipeline([("scale", StandardScaler()),
                            ("mlp", MLPRegressor(**FAST))]),
        transformer=StandardScaler(),
    )
    model.fit(X, y)
    inner = model.regressor_.named_steps["mlp"]
    check_is_fitted(inner)
    # The network saw standardized targets; predictions are back in y's units.
    scaler = model.transformer_
    assert scaler.mean_[0] == pytest.approx(y.mean())
    Xt = model.regressor_.named_steps["scale"].transform(X)
    assert_allclose(model.predict(X),
                    scaler.inverse_transform(inner.predict(Xt).reshape(-1, 1)).ravel(),
                    rtol=1e-12)
    assert model.score(X, y) > 0.4
    # Parameters of the step are reachable through both wrappers.
    model.set_params(regressor__mlp__weight_regularizer_l2=[0.0, 0.1])
    assert model.regressor.named_steps["mlp"].weight_regularizer_l2 == [0.0, 0.1]


@pytest.mark.parametrize(
    ("scoring", "threshold"),
    [("r2", 0.8), ("neg_mean_squared_error", -0.2),
     ("neg_mean_absolute_error", -0.4)],
)
def test_cross_val_score(scoring, threshold, scaled_regression):
    X, y = scaled_regression
    # Not stratified: a plain KFold, as cross_val_score uses for regressors.
    cv = KFold(n_splits=3, shuffle=True, random_state=0)
    scores = cross_val_score(MLPRegressor(**{**FAST, "max_iter": 60}), X, y,
                             cv=cv, scoring=scoring)
    assert scores.shape == (3,)
    assert np.all(scores > threshold), scores


def test_cross_val_score_default_is_r2(scaled_regression):
    X, y = scaled_regression
    est = MLPRegressor(**FAST)
    scores = cross_val_score(est, X, y, cv=3)
    r2 = cross_val_score(est, X, y, cv=3, scoring="r2")
    assert_array_equal(scores, r2)


# -- grid search over the regularization lambdas ------------------------------------


def _weights(est):
    return np.concatenate([W.ravel() for W in est.coefs_])


def _biases(est):
    return np.concatenate(est.intercepts_)


# For each lambda: its grid and the property of the fitted model it controls,
# which must grow strictly along the grid.  L2 shrinks the squared norm; L1
# drives weights to (near) zero, within about one Adam step (0.01).  A network
# of 8 hidden units has only 9 biases, too few for a share: for them the L1
# norm itself, which their L1 penalty shrinks.
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
        lambda est: -np.sum(np.abs(_biases(est))),
    ),
    "bias_regularizer_l2": (
        [0.0, 0.01, 0.1],
        lambda est: -np.sum(_biases(est) ** 2),
    ),
}


@pytest.mark.parametrize("name", list(GRID_EFFECTS))
def test_grid_search_over_lambda(name, scaled_regression):
    X, y = scaled_regression
    grid, effect = GRID_EFFECTS[name]

    def effect_scorer(est, X, y):
        return float(effect(est))

    search = GridSearchCV(
        MLPRegressor(**FAST),
        {name: grid},
        scoring={"r2": "r2", "effect": effect_scorer},
        refit="r2",
        cv=2,
    )
    search.fit(X, y)

    assert list(search.cv_results_[f"param_{name}"]) == grid
    effects = search.cv_results_["mean_test_effect"]
    assert np.all(np.diff(effects) > 0), (name, effects)
    # Every setting still fits: the lambdas are not absurdly large.
    assert np.all(search.cv_results_["mean_test_r2"] > 0.5)

    best = search.best_estimator_
    check_is_fitted(best)
    assert best.get_params()[name] == search.best_params_[name]
    with pytest.raises(NotFittedError):
        check_is_fitted(search.estimator)


# -- MultiOutputRegressor, clone ----------------------------------------------------


def test_multi_output_regressor_fits_one_network_per_target(scaled_regression):
    X, y = scaled_regression
    Y = np.c_[y, -2 * y, y**2]
    wrapper = MultiOutputRegressor(MLPRegressor(**FAST)).fit(X, Y)
    assert len(wrapper.estimators_) == 3
    predicted = wrapper.predict(X)
    assert predicted.shape == Y.shape
    for k, est in enumerate(wrapper.estimators_):
        assert est.n_outputs_ == 1
        alone = MLPRegressor(**FAST).fit(X, Y[:, k])
        assert_array_equal(predicted[:, k], alone.predict(X))
    # One network with three outputs is another model with the same shape.
    native = MLPRegressor(**FAST).fit(X, Y)
    assert native.predict(X).shape == Y.shape


def test_clone_is_unfitted_with_same_params(scaled_regression):
    X, y = scaled_regression
    est = MLPRegressor(**FAST, loss="absolute_error",
                       weight_regularizer_l2=[0.01, 0.1]).fit(X, y)
    cloned = clone(est)
    assert type(cloned) is MLPRegressor
    assert cloned.get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        cloned.predict(X)
    # Same parameters, same seed: the clone refits to the very same model.
    cloned.fit(X, y)
    for a, b in zip(cloned.coefs_ + cloned.intercepts_,
                    est.coefs_ + est.intercepts_, strict=True):
        assert_array_equal(a, b)


# -- pandas -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frame_data(scaled_regression):
    X, y = scaled_regression
    columns = [f"feature {i}" for i in range(X.shape[1])]
    return pd.DataFrame(X, columns=columns), pd.Series(y, name="target")


def test_dataframe_sets_feature_names(frame_data):
    X, y = frame_data
    est = MLPRegressor(**FAST).fit(X, y)
    assert_array_equal(est.feature_names_in_, X.columns)
    assert est.n_features_in_ == X.shape[1]
    predicted = est.predict(X)
    assert predicted.shape == (len(y),)
    # The same numbers as from the plain arrays.
    plain = MLPRegressor(**FAST).fit(X.to_numpy(), y.to_numpy())
    assert_array_equal(predicted, plain.predict(X.to_numpy()))
    renamed = X.rename(columns={X.columns[0]: "something else"})
    with pytest.raises(ValueError, match="feature names should match"):
        est.predict(renamed)


def test_dataframe_targets_keep_their_width(frame_data):
    X, y = frame_data
    Y = pd.DataFrame({"a": y, "b": -y})
    est = MLPRegressor(**FAST).fit(X, Y)
    assert est.predict(X).shape == Y.shape
    assert est.score(X, Y) > 0.5


# -- persistence in a fresh process -------------------------------------------------
# The fresh interpreter loads each file, predicts, and saves what it got; every
# version warning is an error there, since nothing changed in between.
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
        np.save(job["predict"], model.predict(np.load(job["X"])))
        loaded[job["model"]] = [type(model).__module__, type(model).__name__]
    print(json.dumps(loaded))
    """
)

# case -> (loss, number of targets, dtype)
PERSISTED = {
    "squared_error": ("squared_error", 1, np.float64),
    "absolute_error": ("absolute_error", 1, np.float64),
    "poisson": ("poisson", 1, np.float64),
    "two-targets-float32": ("squared_error", 2, np.float32),
    "poisson-float32": ("poisson", 1, np.float32),
}
FORMATS = ["pickle", "joblib"]


def _persisted_problem(loss, n_targets, dtype):
    X, y = make_regression(n_samples=120, n_features=5, n_targets=n_targets,
                           random_state=0)
    y = y / y.std()
    if loss == "poisson":
        y = np.round(np.abs(y) * 3)
    return X.astype(dtype), y


@pytest.fixture(scope="module")
def fresh_process_results(tmp_path_factory):
    """Fit, save, load and predict in one fresh interpreter for every case."""
    directory = tmp_path_factory.mktemp("regressor-persistence")
    jobs, expected = [], {}
    for case, (loss, n_targets, dtype) in PERSISTED.items():
        X, y = _persisted_problem(loss, n_targets, dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = MLPRegressor(**{**FAST, "loss": loss, "dropout": 0.1}).fit(X, y)
        np.save(directory / f"{case}-X.npy", X)
        for fmt in FORMATS:
            model = directory / f"{case}.{fmt}"
            if fmt == "pickle":
                model.write_bytes(pickle.dumps(est))
            else:
                joblib.dump(est, model)
            jobs.append({
                "format": fmt,
                "model": str(model),
                "X": str(directory / f"{case}-X.npy"),
                "predict": str(directory / f"{case}-{fmt}-predict.npy"),
            })
            expected[case, fmt] = (est.predict(X), jobs[-1])
    completed = subprocess.run(
        [sys.executable, "-c", LOADER, json.dumps(jobs)],
        capture_output=True, text=True, cwd=directory, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return expected, json.loads(completed.stdout)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", list(PERSISTED))
def test_round_trip_in_fresh_process(fresh_process_results, case, fmt):
    expected, loaded_types = fresh_process_results
    predicted, job = expected[case, fmt]
    assert loaded_types[job["model"]] == ["skmlp._regressor", "MLPRegressor"]
    loaded = np.load(job["predict"], allow_pickle=False)
    # Bit for bit: same weights, same forward pass, same dtype and shape.
    assert loaded.dtype == predicted.dtype == PERSISTED[case][2]
    assert loaded.shape == predicted.shape
    assert np.array_equal(loaded, predicted)


def test_pickle_round_trip_keeps_training_state(scaled_regression):
    X, y = scaled_regression
    est = MLPRegressor(**FAST, early_stopping=True).fit(X, y)
    loaded = pickle.loads(pickle.dumps(est))
    assert loaded.get_params() == est.get_params()
    assert loaded.loss_curve_ == est.loss_curve_
    assert loaded.validation_scores_ == est.validation_scores_
    assert loaded.best_validation_score_ == est.best_validation_score_
    assert loaded.n_iter_ == est.n_iter_
    assert loaded.t_ == est.t_
    assert loaded.score(X, y) == est.score(X, y)


# -- skops --------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "poisson"])
def test_skops_with_only_skmlp_types_untrusted(loss, tmp_path):
    skops_io = pytest.importorskip("skops.io")
    X, y = _persisted_problem(loss, 1, np.float64)
    est = MLPRegressor(**{**FAST, "loss": loss}).fit(X, y)
    path = tmp_path / "model.skops"
    skops_io.dump(est, path)
    untrusted = skops_io.get_untrusted_types(file=path)
    assert "skmlp._regressor.MLPRegressor" in untrusted
    assert all(name.startswith("skmlp.") for name in untrusted), untrusted
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        loaded = skops_io.load(path, trusted=untrusted)
    assert type(loaded) is MLPRegressor
    assert loaded.get_params() == est.get_params()
    assert_array_equal(loaded.predict(X), est.predict(X))
    # And loading without trusting them refuses.
    from skops.io.exceptions import UntrustedTypesFoundException

    with pytest.raises(UntrustedTypesFoundException, match="skmlp"):
        skops_io.load(path)


def test_make_pipeline_forwards_fit_params(scaled_regression):
    # sample_weight reaches the regressor through a pipeline's step name.
    X, y = scaled_regression
    weights = np.where(y > 0, 3.0, 1.0)
    pipe = make_pipeline(StandardScaler(), MLPRegressor(**FAST))
    pipe.fit(X, y, mlpregressor__sample_weight=weights)
    direct = MLPRegressor(**FAST).fit(StandardScaler().fit_transform(X), y,
                                      sample_weight=weights)
    assert_array_equal(pipe[-1].coefs_[0], direct.coefs_[0])

"""fit(X, y, *, X_val, y_val, sample_weight_val): user-given validation data.

Run on all three estimators (API.md sections 5 and 6): the validation score
is accuracy for the classifiers and R² for the regressor, the validation loss
the data loss of each (log loss, or the regressor's squared error).  String
labels and multilabel targets are the classifiers' own; several targets the
regressor's.
"""

import math
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from fitting import (
    assert_same_state,
    assert_same_weights,
    fit_quiet,
    fitted_state,
    is_regressor,
    score_function,
    score_label,
    toy_data,
)
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning, UnsetMetadataPassedError
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier, MLPRegressor, MulticlassMLPClassifier

N_SAMPLES = 120
SMALL = {
    "hidden_layer_sizes": (8,),
    "learning_rate": 0.01,
    "batch_size": 32,
    "random_state": 0,
}


def _data(Est, n_classes=None, seed=0, n_targets=1):
    """Training and validation data: 120 and 40 samples, 6 features."""
    if is_regressor(Est):
        X, y = toy_data(Est, N_SAMPLES + 40, random_state=seed, n_targets=n_targets)
    else:
        if n_classes is None:
            n_classes = 2 if Est is BinaryMLPClassifier else 3
        X, y = make_classification(
            n_samples=N_SAMPLES + 40,
            n_features=6,
            n_informative=4,
            n_redundant=0,
            n_classes=n_classes,
            random_state=seed,
        )
    return X[:N_SAMPLES], y[:N_SAMPLES], X[N_SAMPLES:], y[N_SAMPLES:]


def _data_loss(est, X_val, y_val, sample_weight=None):
    """What validation_loss_curve_ holds: the log loss of the classifiers'
    probabilities, the squared error of the regressor's predictions."""
    if is_regressor(est):
        predicted = est.predict(X_val)
        return mean_squared_error(y_val, predicted, sample_weight=sample_weight)
    return log_loss(y_val, est.predict_proba(X_val), sample_weight=sample_weight)


# -- evaluated every epoch ----------------------------------------------------
@pytest.mark.parametrize("weighted", [False, True])
def test_one_epoch_matches_score_and_data_loss(AnyEstimator, weighted):
    X, y, X_val, y_val = _data(AnyEstimator)
    w_val = np.linspace(0.5, 2.0, len(y_val)) if weighted else None
    est = fit_quiet(
        AnyEstimator(**SMALL, max_iter=1), X, y,
        X_val=X_val, y_val=y_val, sample_weight_val=w_val,
    )
    assert len(est.validation_scores_) == len(est.validation_loss_curve_) == 1
    assert est.validation_scores_[0] == pytest.approx(
        est.score(X_val, y_val, sample_weight=w_val), abs=1e-12
    )
    assert est.validation_loss_curve_[0] == pytest.approx(
        _data_loss(est, X_val, y_val, w_val), rel=1e-9
    )
    assert est.best_validation_score_ == est.validation_scores_[0]


@pytest.mark.parametrize("weighted", [False, True])
def test_every_epoch_scores_that_epochs_model(AnyEstimator, weighted):
    X, y, X_val, y_val = _data(AnyEstimator)
    w_val = np.linspace(0.5, 2.0, len(y_val)) if weighted else None
    params = {**SMALL, "max_iter": 8, "n_iter_no_change": 100}
    est = fit_quiet(
        AnyEstimator(**params), X, y,
        X_val=X_val, y_val=y_val, sample_weight_val=w_val,
    )
    assert est.n_iter_ == 8
    assert len(est.validation_scores_) == est.n_iter_
    assert len(est.validation_loss_curve_) == est.n_iter_
    if not is_regressor(AnyEstimator):
        assert all(0.0 <= s <= 1.0 for s in est.validation_scores_)
    # Without early stopping: the best training loss and the best validation
    # score are both tracked, and the weights are those of the last epoch.
    assert est.best_loss_ == min(est.loss_curve_)
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.validation_scores_[-1] == pytest.approx(
        est.score(X_val, y_val, sample_weight=w_val), rel=1e-12
    )
    assert est.validation_loss_curve_[-1] == pytest.approx(
        _data_loss(est, X_val, y_val, w_val), rel=1e-9
    )
    # An earlier epoch's is the model of a shorter fit.
    shorter = fit_quiet(AnyEstimator(**{**params, "max_iter": 3}), X, y)
    assert est.validation_scores_[2] == pytest.approx(
        shorter.score(X_val, y_val, sample_weight=w_val), rel=1e-12
    )
    # All the training data is used, and validation data is only watched:
    # training is what it is without it.
    assert est.t_ == est.n_iter_ * N_SAMPLES
    assert_same_weights(est, fit_quiet(AnyEstimator(**params), X, y))


@pytest.mark.parametrize("weighted", [False, True])
def test_regressor_scores_several_targets(weighted):
    # R² and the squared error averaged over the targets, as score and
    # mean_squared_error do.
    X, y, X_val, y_val = _data(MLPRegressor, n_targets=2)
    w_val = np.linspace(0.5, 2.0, len(y_val)) if weighted else None
    est = fit_quiet(MLPRegressor(**SMALL, max_iter=3), X, y, X_val=X_val, y_val=y_val,
                    sample_weight_val=w_val)
    predicted = est.predict(X_val)
    assert predicted.shape == y_val.shape
    assert est.validation_scores_[-1] == pytest.approx(
        r2_score(y_val, predicted, sample_weight=w_val), rel=1e-9
    )
    assert est.validation_loss_curve_[-1] == pytest.approx(
        mean_squared_error(y_val, predicted, sample_weight=w_val), rel=1e-9
    )


def test_no_validation_data_no_validation_attributes(AnyEstimator):
    X, y, _, _ = _data(AnyEstimator)
    est = fit_quiet(AnyEstimator(**SMALL, max_iter=2), X, y)
    assert est.validation_scores_ is None
    assert est.validation_loss_curve_ is None
    assert est.best_validation_score_ is None


def test_sparse_and_float32_validation_data(AnyEstimator):
    X, y, X_val, y_val = _data(AnyEstimator)
    est = fit_quiet(
        AnyEstimator(**SMALL, max_iter=1), X.astype(np.float32), y,
        X_val=sp.csr_matrix(X_val), y_val=y_val,
    )
    assert est.coefs_[0].dtype == np.float32
    assert est.validation_scores_[0] == pytest.approx(est.score(X_val, y_val))


def test_string_labels(Estimator):
    X, y, X_val, y_val = _data(Estimator)
    names = np.array(["ant", "bee", "cat"])
    clf = fit_quiet(
        Estimator(**SMALL, max_iter=1), X, names[y],
        X_val=X_val, y_val=list(names[y_val]),
    )
    assert clf.validation_scores_[0] == clf.score(X_val, names[y_val])


def test_multilabel_validation_data():
    X, Y = make_multilabel_classification(
        n_samples=N_SAMPLES + 40, n_features=6, n_classes=3, random_state=0
    )
    X, X_val, Y, Y_val = X[:N_SAMPLES], X[N_SAMPLES:], Y[:N_SAMPLES], Y[N_SAMPLES:]
    clf = fit_quiet(BinaryMLPClassifier(**SMALL, max_iter=1), X, Y,
                    X_val=X_val, y_val=Y_val)
    # Subset accuracy, as score; the loss is the mean over labels, then samples.
    assert clf.validation_scores_[0] == accuracy_score(Y_val, clf.predict(X_val))
    proba = np.clip(clf.predict_proba(X_val), 1e-7, 1 - 1e-7)
    expected = -np.mean(Y_val * np.log(proba) + (1 - Y_val) * np.log(1 - proba))
    assert clf.validation_loss_curve_[0] == pytest.approx(expected, rel=1e-6)


# -- early stopping -------------------------------------------------------------
def test_early_stopping_uses_all_training_data(AnyEstimator):
    X, y, X_val, y_val = _data(AnyEstimator)
    params = {**SMALL, "max_iter": 5, "early_stopping": True, "n_iter_no_change": 100}
    given = fit_quiet(AnyEstimator(**params), X, y, X_val=X_val, y_val=y_val)
    assert given.t_ == given.n_iter_ * N_SAMPLES
    assert len(given.validation_scores_) == given.n_iter_
    assert given.best_loss_ is None
    assert given.best_validation_score_ == max(given.validation_scores_)
    # The model kept is the one that scored best on the given data.
    assert score_function(AnyEstimator)(
        y_val, given.predict(X_val)
    ) == pytest.approx(given.best_validation_score_, rel=1e-9)

    # The internal split holds out ceil(validation_fraction * n_samples).
    internal = fit_quiet(AnyEstimator(**params), X, y)
    n_val = math.ceil(0.1 * N_SAMPLES)
    assert internal.t_ == internal.n_iter_ * (N_SAMPLES - n_val)
    assert len(internal.validation_scores_) == internal.n_iter_
    assert len(internal.validation_loss_curve_) == internal.n_iter_
    assert all(np.isfinite(internal.validation_loss_curve_))


def test_early_stopping_restores_best_epoch(AnyEstimator):
    X, y, X_val, y_val = _data(AnyEstimator)
    params = {**SMALL, "learning_rate": 0.05, "n_iter_no_change": 3}
    est = AnyEstimator(**params, early_stopping=True, max_iter=200)
    est.fit(X, y, X_val=X_val, y_val=y_val)
    scores = est.validation_scores_
    best = int(np.argmax(scores)) + 1  # a new best must be strictly better
    assert best < est.n_iter_  # training went on past the best epoch
    assert est.best_validation_score_ == scores[best - 1]
    assert est.score(X_val, y_val) == scores[best - 1]

    # The same training run cut at the best epoch: the same weights, bit for bit.
    # (tol=0: the cut run, without early stopping, must not stop on its
    # training loss before then.)
    at_best = fit_quiet(
        AnyEstimator(**params, tol=0, max_iter=best), X, y, X_val=X_val, y_val=y_val
    )
    assert at_best.validation_scores_ == scores[:best]
    assert_same_weights(est, at_best)


# -- errors, raised before anything changes --------------------------------------
def _bad_fit_params(Est, X_val, y_val):
    n_val = len(y_val)
    nan_X = X_val.copy()
    nan_X[0, 0] = np.nan
    if is_regressor(Est):
        # Targets of another width than y's.
        bad_targets = ({"X_val": X_val, "y_val": np.c_[y_val, y_val]},
                       "y_val has 2 target column")
    else:
        # A label that is not a class of y.
        bad_targets = ({"X_val": X_val, "y_val": np.where(y_val == y_val[0], y_val, 7)},
                       re.escape("[7]"))
    return [
        ({"X_val": X_val}, "X_val and y_val must be given together"),
        ({"y_val": y_val}, "X_val and y_val must be given together"),
        ({"sample_weight_val": np.ones(n_val)}, "sample_weight_val was given"),
        ({"X_val": X_val[:, :4], "y_val": y_val}, "4 features"),
        bad_targets,
        ({"X_val": X_val, "y_val": y_val[:-1]}, "different numbers of samples"),
        (
            {"X_val": X_val, "y_val": y_val, "sample_weight_val": np.ones(n_val - 1)},
            re.escape(f"({n_val - 1},)"),
        ),
        (
            {"X_val": X_val, "y_val": y_val, "sample_weight_val": -np.ones(n_val)},
            "[Nn]egative",
        ),
        (
            {"X_val": X_val, "y_val": y_val, "sample_weight_val": np.zeros(n_val)},
            "non-zero|positive sum",
        ),
        ({"X_val": nan_X, "y_val": y_val}, "NaN"),
    ]


ERROR_CASES = range(len(_bad_fit_params(MLPRegressor, np.zeros((3, 6)), np.zeros(3))))


@pytest.mark.parametrize("case", ERROR_CASES)
def test_invalid_validation_data_leaves_fitted_model_unchanged(AnyEstimator, case):
    X, y, X_val, y_val = _data(AnyEstimator)
    est = fit_quiet(AnyEstimator(**SMALL, max_iter=2), X, y, X_val=X_val, y_val=y_val)
    before = fitted_state(est, X_val)
    fit_params, match = _bad_fit_params(AnyEstimator, X_val, y_val)[case]
    with pytest.raises(ValueError, match=match):
        est.fit(X, y, **fit_params)
    assert_same_state(before, fitted_state(est, X_val))


def test_invalid_validation_data_on_new_feature_count_rolls_back(AnyEstimator):
    # The failed fit would have reset n_features_in_ to 5.
    X, y, X_val, y_val = _data(AnyEstimator)
    est = fit_quiet(AnyEstimator(**SMALL, max_iter=2), X, y)
    before = fitted_state(est, X_val)
    with pytest.raises(ValueError, match="6 features"):
        est.fit(X[:, :5], y, X_val=X_val, y_val=y_val)
    assert_same_state(before, fitted_state(est, X_val))


def test_invalid_validation_data_on_unfitted_model(AnyEstimator):
    X, y, X_val, y_val = _data(AnyEstimator)
    est = AnyEstimator(**SMALL)
    with pytest.raises(ValueError, match="given together"):
        est.fit(X, y, X_val=X_val)
    assert not hasattr(est, "n_features_in_")
    assert not est.__sklearn_is_fitted__()


# -- verbose ----------------------------------------------------------------------
def test_verbose_appends_the_validation_score(AnyEstimator, capsys):
    X, y, X_val, y_val = _data(AnyEstimator)
    est = fit_quiet(
        AnyEstimator(**SMALL, max_iter=3, verbose=1), X, y, X_val=X_val, y_val=y_val
    )
    lines = capsys.readouterr().out.splitlines()
    epoch_lines = [line for line in lines if line.startswith("epoch: ")]
    assert len(epoch_lines) == est.n_iter_ == 3
    label = score_label(AnyEstimator)  # acc or r2
    for line, score in zip(epoch_lines, est.validation_scores_, strict=True):
        assert re.fullmatch(rf"epoch: \d+, {label}: .*, val_{label}: -?\d+\.\d{{3}}",
                            line), line
        assert line.endswith(f", val_{label}: {score:.3f}")


def test_verbose_without_validation_data(AnyEstimator, capsys):
    X, y, _, _ = _data(AnyEstimator)
    fit_quiet(AnyEstimator(**SMALL, max_iter=2, verbose=1), X, y)
    out = capsys.readouterr().out
    assert out.count("epoch: ") == 2
    assert f"val_{score_label(AnyEstimator)}" not in out


# -- meta-estimators -------------------------------------------------------------
def test_pipeline_step_parameters(AnyEstimator):
    X, y, X_val, y_val = _data(AnyEstimator)
    X, X_val = 10 * X + 3, 10 * X_val + 3  # so that scaling matters
    pipe = Pipeline(
        [("scale", StandardScaler()), ("clf", AnyEstimator(**SMALL, max_iter=3))]
    )
    # A Pipeline hands `clf__X_val` to the final step as it is: the preceding
    # steps do NOT transform X_val.  Raw X_val is therefore scored by a network
    # trained on scaled data...
    fit_quiet(pipe, X, y, clf__X_val=X_val, clf__y_val=y_val)
    # (R² is summed in another order than score's: equal to the last bits.)
    assert pipe[-1].validation_scores_[-1] == pytest.approx(
        pipe[-1].score(X_val, y_val), rel=1e-12)
    # ...so users must pass already transformed validation data (or fit the
    # estimator directly on transformed data).
    X_val_t = StandardScaler().fit(X).transform(X_val)
    fit_quiet(pipe, X, y, clf__X_val=X_val_t, clf__y_val=y_val)
    assert pipe[-1].validation_scores_[-1] == pytest.approx(
        pipe.score(X_val, y_val), rel=1e-12)


def test_pipeline_metadata_routing(AnyEstimator):
    X, y, X_val, y_val = _data(AnyEstimator)
    w_val = np.linspace(0.5, 2.0, len(y_val))
    with sklearn.config_context(enable_metadata_routing=True):
        # Without a request the validation data cannot be routed.
        pipe = make_pipeline(StandardScaler(), AnyEstimator(**SMALL, max_iter=2))
        with pytest.raises(UnsetMetadataPassedError, match="X_val"):
            pipe.fit(X, y, X_val=X_val, y_val=y_val)

        clf = AnyEstimator(**SMALL, max_iter=2).set_fit_request(
            X_val=True, y_val=True, sample_weight_val=True
        )
        pipe = fit_quiet(
            make_pipeline(StandardScaler(), clf), X, y,
            X_val=X_val, y_val=y_val, sample_weight_val=w_val,
        )
        # Routing does not transform X_val either.
        assert clf.validation_scores_[-1] == pytest.approx(
            clf.score(X_val, y_val, sample_weight=w_val)
        )


# Records the sizes of the training and validation data of every fit.
SEEN_SIZES = []


class _RecordingClassifier(MulticlassMLPClassifier):
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None,
            sample_weight_val=None):
        SEEN_SIZES.append((len(y), None if y_val is None else len(y_val)))
        return super().fit(
            X, y, sample_weight,
            X_val=X_val, y_val=y_val, sample_weight_val=sample_weight_val,
        )


@pytest.mark.parametrize("routing", [False, True])
def test_grid_search_validation_data(routing):
    X, y, X_val, y_val = _data(MulticlassMLPClassifier)
    clf = _RecordingClassifier(**SMALL, max_iter=1)
    grid = {"learning_rate": [0.01]}
    SEEN_SIZES.clear()
    with sklearn.config_context(enable_metadata_routing=routing):
        if routing:
            clf.set_fit_request(X_val=True, y_val=True)
        search = GridSearchCV(clf, grid, cv=3, n_jobs=1)
        # Validation data of another length than X reaches every fit whole:
        # 3 fits on 2/3 of X, then the refit on all of X.
        fit_quiet(search, X, y, X_val=X_val, y_val=y_val)
        assert SEEN_SIZES == [(80, 40)] * 3 + [(120, 40)]
        assert len(search.best_estimator_.validation_scores_) == 1

        # scikit-learn indexes every fit parameter with as many rows as X by
        # the CV split (`_check_method_params`): validation data that happens
        # to have len(X) rows is silently cut to the training fold's rows.
        SEEN_SIZES.clear()
        X_same, y_same = np.tile(X_val, (3, 1)), np.tile(y_val, 3)
        assert len(y_same) == len(y)
        fit_quiet(search, X, y, X_val=X_same, y_val=y_same)
        assert SEEN_SIZES == [(80, 80)] * 3 + [(120, 120)]

        SEEN_SIZES.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            cross_validate(
                clf, X, y, cv=3, params={"X_val": X_same, "y_val": y_same}
            )
        assert SEEN_SIZES == [(80, 80)] * 3

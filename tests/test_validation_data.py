"""fit(X, y, *, X_val, y_val, sample_weight_val): user-given validation data."""

import math
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from fitting import fit_quiet
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning, UnsetMetadataPassedError
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier

N_SAMPLES = 120
SMALL = {
    "hidden_layer_sizes": (8,),
    "learning_rate": 0.01,
    "batch_size": 32,
    "random_state": 0,
}


def _data(Estimator, n_classes=None, seed=0):
    if n_classes is None:
        n_classes = 2 if Estimator is BinaryMLPClassifier else 3
    X, y = make_classification(
        n_samples=N_SAMPLES + 40,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        random_state=seed,
    )
    return X[:N_SAMPLES], y[:N_SAMPLES], X[N_SAMPLES:], y[N_SAMPLES:]


def _state(clf):
    """Every fitted quantity a failed fit must leave untouched."""
    return {
        "keys": sorted(vars(clf)),
        "coefs_": [w.copy() for w in clf.coefs_],
        "intercepts_": [b.copy() for b in clf.intercepts_],
        "n_iter_": clf.n_iter_,
        "t_": clf.t_,
        "loss_curve_": list(clf.loss_curve_),
        "validation_scores_": clf.validation_scores_,
        "validation_loss_curve_": clf.validation_loss_curve_,
        "best_loss_": clf.best_loss_,
        "best_validation_score_": clf.best_validation_score_,
        "n_features_in_": clf.n_features_in_,
        "classes_": clf.classes_.copy(),
    }


def _assert_same_state(before, after):
    assert before.keys() == after.keys()
    for key in before:
        if key in ("coefs_", "intercepts_"):
            for a, b in zip(before[key], after[key], strict=True):
                assert_array_equal(a, b)
        else:
            assert_array_equal(before[key], after[key], err_msg=key)


# -- evaluated every epoch ----------------------------------------------------
@pytest.mark.parametrize("weighted", [False, True])
def test_one_epoch_matches_score_and_log_loss(Estimator, weighted):
    X, y, X_val, y_val = _data(Estimator)
    w_val = np.linspace(0.5, 2.0, len(y_val)) if weighted else None
    clf = fit_quiet(
        Estimator(**SMALL, max_iter=1), X, y,
        X_val=X_val, y_val=y_val, sample_weight_val=w_val,
    )
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == 1
    assert clf.validation_scores_[0] == pytest.approx(
        clf.score(X_val, y_val, sample_weight=w_val), abs=1e-12
    )
    expected = log_loss(y_val, clf.predict_proba(X_val), sample_weight=w_val)
    assert clf.validation_loss_curve_[0] == pytest.approx(expected, rel=1e-6)
    assert clf.best_validation_score_ == clf.validation_scores_[0]


def test_every_epoch(Estimator):
    X, y, X_val, y_val = _data(Estimator)
    clf = fit_quiet(
        Estimator(**SMALL, max_iter=8, n_iter_no_change=100), X, y,
        X_val=X_val, y_val=y_val,
    )
    assert clf.n_iter_ == 8
    assert len(clf.validation_scores_) == clf.n_iter_
    assert len(clf.validation_loss_curve_) == clf.n_iter_
    assert all(0.0 <= s <= 1.0 for s in clf.validation_scores_)
    # Without early stopping: the best training loss and the best validation
    # score are both tracked, and the weights are those of the last epoch.
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.validation_scores_[-1] == clf.score(X_val, y_val)
    assert clf.validation_loss_curve_[-1] == pytest.approx(
        log_loss(y_val, clf.predict_proba(X_val)), rel=1e-6
    )
    # All the training data is used.
    assert clf.t_ == clf.n_iter_ * N_SAMPLES


def test_no_validation_data_no_validation_attributes(Estimator):
    X, y, _, _ = _data(Estimator)
    clf = fit_quiet(Estimator(**SMALL, max_iter=2), X, y)
    assert clf.validation_scores_ is None
    assert clf.validation_loss_curve_ is None
    assert clf.best_validation_score_ is None


def test_sparse_and_float32_validation_data(Estimator):
    X, y, X_val, y_val = _data(Estimator)
    clf = fit_quiet(
        Estimator(**SMALL, max_iter=1), X.astype(np.float32), y,
        X_val=sp.csr_matrix(X_val), y_val=y_val,
    )
    assert clf.coefs_[0].dtype == np.float32
    assert clf.validation_scores_[0] == pytest.approx(clf.score(X_val, y_val))


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
def test_early_stopping_uses_all_training_data(Estimator):
    X, y, X_val, y_val = _data(Estimator)
    params = {**SMALL, "max_iter": 5, "early_stopping": True, "n_iter_no_change": 100}
    given = fit_quiet(Estimator(**params), X, y, X_val=X_val, y_val=y_val)
    assert given.t_ == given.n_iter_ * N_SAMPLES
    assert len(given.validation_scores_) == given.n_iter_
    assert given.best_loss_ is None
    assert given.best_validation_score_ == max(given.validation_scores_)

    # The internal split holds out ceil(validation_fraction * n_samples).
    internal = fit_quiet(Estimator(**params), X, y)
    n_val = math.ceil(0.1 * N_SAMPLES)
    assert internal.t_ == internal.n_iter_ * (N_SAMPLES - n_val)
    assert len(internal.validation_scores_) == internal.n_iter_
    assert len(internal.validation_loss_curve_) == internal.n_iter_
    assert all(np.isfinite(internal.validation_loss_curve_))


def test_early_stopping_restores_best_epoch(Estimator):
    X, y, X_val, y_val = _data(Estimator)
    params = {**SMALL, "learning_rate": 0.05, "n_iter_no_change": 3}
    clf = Estimator(**params, early_stopping=True, max_iter=200)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    scores = clf.validation_scores_
    best = int(np.argmax(scores)) + 1  # a new best must be strictly better
    assert best < clf.n_iter_  # training went on past the best epoch
    assert clf.best_validation_score_ == scores[best - 1]
    assert clf.score(X_val, y_val) == scores[best - 1]

    # The same training run cut at the best epoch: the same weights, bit for bit.
    at_best = fit_quiet(
        Estimator(**params, max_iter=best), X, y, X_val=X_val, y_val=y_val
    )
    assert at_best.validation_scores_ == scores[:best]
    for a, b in zip(clf.coefs_ + clf.intercepts_,
                    at_best.coefs_ + at_best.intercepts_, strict=True):
        assert_array_equal(a, b)


# -- errors, raised before anything changes --------------------------------------
def _bad_fit_params(X_val, y_val):
    n_val = len(y_val)
    other_label = np.where(y_val == y_val[0], y_val, 7)
    nan_X = X_val.copy()
    nan_X[0, 0] = np.nan
    return [
        ({"X_val": X_val}, "X_val and y_val must be given together"),
        ({"y_val": y_val}, "X_val and y_val must be given together"),
        ({"sample_weight_val": np.ones(n_val)}, "sample_weight_val was given"),
        ({"X_val": X_val[:, :4], "y_val": y_val}, "4 features"),
        ({"X_val": X_val, "y_val": other_label}, re.escape("[7]")),
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


ERROR_CASES = range(len(_bad_fit_params(np.zeros((3, 6)), np.zeros(3))))


@pytest.mark.parametrize("case", ERROR_CASES)
def test_invalid_validation_data_leaves_fitted_model_unchanged(Estimator, case):
    X, y, X_val, y_val = _data(Estimator)
    clf = fit_quiet(Estimator(**SMALL, max_iter=2), X, y, X_val=X_val, y_val=y_val)
    before = _state(clf)
    proba = clf.predict_proba(X_val)
    fit_params, match = _bad_fit_params(X_val, y_val)[case]
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y, **fit_params)
    _assert_same_state(before, _state(clf))
    assert_array_equal(clf.predict_proba(X_val), proba)


def test_invalid_validation_data_on_new_feature_count_rolls_back(Estimator):
    # The failed fit would have reset n_features_in_ to 5.
    X, y, X_val, y_val = _data(Estimator)
    clf = fit_quiet(Estimator(**SMALL, max_iter=2), X, y)
    before = _state(clf)
    with pytest.raises(ValueError, match="6 features"):
        clf.fit(X[:, :5], y, X_val=X_val, y_val=y_val)
    _assert_same_state(before, _state(clf))


def test_invalid_validation_data_on_unfitted_model(Estimator):
    X, y, X_val, y_val = _data(Estimator)
    clf = Estimator(**SMALL)
    with pytest.raises(ValueError, match="given together"):
        clf.fit(X, y, X_val=X_val)
    assert not hasattr(clf, "n_features_in_")
    assert not clf.__sklearn_is_fitted__()


# -- verbose ----------------------------------------------------------------------
def test_verbose_appends_validation_accuracy(Estimator, capsys):
    X, y, X_val, y_val = _data(Estimator)
    clf = fit_quiet(
        Estimator(**SMALL, max_iter=3, verbose=1), X, y, X_val=X_val, y_val=y_val
    )
    lines = capsys.readouterr().out.splitlines()
    epoch_lines = [line for line in lines if line.startswith("epoch: ")]
    assert len(epoch_lines) == clf.n_iter_ == 3
    for line, score in zip(epoch_lines, clf.validation_scores_, strict=True):
        assert re.fullmatch(r"epoch: \d+, acc: .*, val_acc: \d\.\d{3}", line), line
        assert line.endswith(f", val_acc: {score:.3f}")


def test_verbose_without_validation_data(Estimator, capsys):
    X, y, _, _ = _data(Estimator)
    fit_quiet(Estimator(**SMALL, max_iter=2, verbose=1), X, y)
    out = capsys.readouterr().out
    assert out.count("epoch: ") == 2
    assert "val_acc" not in out


# -- meta-estimators -------------------------------------------------------------
def test_pipeline_step_parameters(Estimator):
    X, y, X_val, y_val = _data(Estimator)
    X, X_val = 10 * X + 3, 10 * X_val + 3  # so that scaling matters
    pipe = Pipeline(
        [("scale", StandardScaler()), ("clf", Estimator(**SMALL, max_iter=3))]
    )
    # A Pipeline hands `clf__X_val` to the final step as it is: the preceding
    # steps do NOT transform X_val.  Raw X_val is therefore scored by a network
    # trained on scaled data...
    fit_quiet(pipe, X, y, clf__X_val=X_val, clf__y_val=y_val)
    assert pipe[-1].validation_scores_[-1] == pipe[-1].score(X_val, y_val)
    # ...so users must pass already transformed validation data (or fit the
    # estimator directly on transformed data).
    X_val_t = StandardScaler().fit(X).transform(X_val)
    fit_quiet(pipe, X, y, clf__X_val=X_val_t, clf__y_val=y_val)
    assert pipe[-1].validation_scores_[-1] == pipe.score(X_val, y_val)


def test_pipeline_metadata_routing(Estimator):
    X, y, X_val, y_val = _data(Estimator)
    w_val = np.linspace(0.5, 2.0, len(y_val))
    with sklearn.config_context(enable_metadata_routing=True):
        # Without a request the validation data cannot be routed.
        pipe = make_pipeline(StandardScaler(), Estimator(**SMALL, max_iter=2))
        with pytest.raises(UnsetMetadataPassedError, match="X_val"):
            pipe.fit(X, y, X_val=X_val, y_val=y_val)

        clf = Estimator(**SMALL, max_iter=2).set_fit_request(
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

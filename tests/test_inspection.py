"""LossCurveDisplay: the lines it draws are the estimator's curves, exactly.

On all three estimators; the validation score is labelled as each one's score
(accuracy, or R²).
"""

import sys
import warnings

import numpy as np
import pytest
from fitting import ESTIMATORS, is_regressor, toy_data
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier, MulticlassMLPClassifier
from skmlp.inspection import LossCurveDisplay

plt = pytest.importorskip("matplotlib.pyplot")

SMALL = {
    "hidden_layer_sizes": (8,),
    "learning_rate": 0.01,
    "batch_size": 50,
    "random_state": 0,
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _data(Estimator):
    if is_regressor(Estimator):
        X, y = toy_data(Estimator, 150)
        return X[:120], y[:120], X[120:], y[120:]
    n_classes = 2 if Estimator is BinaryMLPClassifier else 3
    X, y = make_classification(
        n_samples=150,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        random_state=0,
    )
    return X[:120], y[:120], X[120:], y[120:]


def _fit(Estimator, *, validation=False, **params):
    X, y, X_val, y_val = _data(Estimator)
    fit_params = {"X_val": X_val, "y_val": y_val} if validation else {}
    clf = Estimator(**{**SMALL, "max_iter": 12, **params})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y, **fit_params)


@pytest.fixture(scope="module", params=ESTIMATORS, ids=lambda e: e.__name__)
def fitted(request):
    """A fit with L2 and no validation data."""
    return _fit(request.param, weight_regularizer_l2=1e-3)


@pytest.fixture(scope="module", params=ESTIMATORS, ids=lambda e: e.__name__)
def fitted_val(request):
    """A fit with L2 and X_val, evaluated every epoch."""
    return _fit(request.param, validation=True, weight_regularizer_l2=1e-3)


def _score_name(est):
    return "R²" if is_regressor(est) else "accuracy"


def test_lines_are_the_training_curves(fitted):
    disp = LossCurveDisplay.from_estimator(fitted)
    assert set(disp.lines_) == {
        "loss", "data_loss", "regularization_loss", "best_epoch"
    }
    curves = {
        "loss": fitted.loss_curve_,
        "data_loss": fitted.data_loss_curve_,
        "regularization_loss": fitted.regularization_loss_curve_,
    }
    epochs = np.arange(1, fitted.n_iter_ + 1)
    for key, curve in curves.items():
        line = disp.lines_[key]
        assert_array_equal(line.get_ydata(), curve)
        assert_array_equal(line.get_xdata(), epochs)
        assert line.axes is disp.ax_
    assert len(epochs) == 12


def test_without_validation_data_no_validation_lines(fitted):
    disp = LossCurveDisplay.from_estimator(fitted)
    assert "validation_loss" not in disp.lines_
    assert "validation_score" not in disp.lines_
    assert disp.ax_val_ is None
    assert disp.figure_.axes == [disp.ax_]


def test_best_epoch_without_validation_is_lowest_training_loss(fitted):
    disp = LossCurveDisplay.from_estimator(fitted)
    best = int(np.argmin(fitted.loss_curve_)) + 1
    assert disp.best_epoch == best
    assert fitted.loss_curve_[best - 1] == fitted.best_loss_
    assert_array_equal(disp.lines_["best_epoch"].get_xdata(), [best, best])
    assert disp.lines_["best_epoch"].get_label() == f"best epoch ({best})"


def test_validation_lines(fitted_val):
    disp = LossCurveDisplay.from_estimator(fitted_val)
    epochs = np.arange(1, fitted_val.n_iter_ + 1)
    loss_line = disp.lines_["validation_loss"]
    score_line = disp.lines_["validation_score"]
    assert_array_equal(loss_line.get_ydata(), fitted_val.validation_loss_curve_)
    assert_array_equal(score_line.get_ydata(), fitted_val.validation_scores_)
    assert_array_equal(loss_line.get_xdata(), epochs)
    assert_array_equal(score_line.get_xdata(), epochs)
    # The loss on the loss axes, the accuracy on its twin.
    assert loss_line.axes is disp.ax_
    assert score_line.axes is disp.ax_val_
    assert disp.ax_val_ is not disp.ax_
    assert disp.ax_val_.get_shared_x_axes().joined(disp.ax_, disp.ax_val_)
    assert disp.ax_val_.get_ylabel() == f"Validation {_score_name(fitted_val)}"


def test_best_epoch_with_validation_is_best_score(fitted_val):
    disp = LossCurveDisplay.from_estimator(fitted_val)
    best = int(np.argmax(fitted_val.validation_scores_)) + 1
    assert disp.best_epoch == best
    assert fitted_val.validation_scores_[best - 1] == fitted_val.best_validation_score_
    assert_array_equal(disp.lines_["best_epoch"].get_xdata(), [best, best])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_best_epoch_with_early_stopping_is_the_restored_one(Estimator):
    X, y, X_val, y_val = _data(Estimator)
    clf = Estimator(
        **{**SMALL, "learning_rate": 0.05},
        early_stopping=True,
        n_iter_no_change=3,
        max_iter=200,
    ).fit(X, y, X_val=X_val, y_val=y_val)
    disp = LossCurveDisplay.from_estimator(clf)
    best = disp.best_epoch
    assert best < clf.n_iter_  # the marker is not simply the last epoch
    # The restored weights are those of the marked epoch.
    assert clf.score(X_val, y_val) == clf.validation_scores_[best - 1]
    assert clf.validation_scores_[best - 1] == clf.best_validation_score_
    assert "validation_score" in disp.lines_


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_early_stopping_internal_split_draws_validation(Estimator):
    clf = _fit(Estimator, early_stopping=True, n_iter_no_change=50)
    disp = LossCurveDisplay.from_estimator(clf)
    assert_array_equal(disp.lines_["validation_score"].get_ydata(),
                       clf.validation_scores_)
    assert_array_equal(disp.lines_["validation_loss"].get_ydata(),
                       clf.validation_loss_curve_)


def test_ax_argument_is_used(fitted_val):
    fig, ax = plt.subplots()
    disp = LossCurveDisplay.from_estimator(fitted_val, ax=ax)
    assert disp.ax_ is ax
    assert disp.figure_ is fig
    assert disp.ax_val_.figure is fig
    assert set(fig.axes) == {ax, disp.ax_val_}


def test_new_figure_without_ax(fitted):
    n_figures = len(plt.get_fignums())
    disp = LossCurveDisplay.from_estimator(fitted)
    assert len(plt.get_fignums()) == n_figures + 1
    assert disp.figure_ is disp.ax_.figure


def test_labels_legend_and_title(fitted_val):
    disp = LossCurveDisplay.from_estimator(fitted_val)
    assert disp.ax_.get_xlabel() == "Epoch"
    assert disp.ax_.get_ylabel() == "Loss"
    assert disp.ax_.get_title() == type(fitted_val).__name__
    legend = disp.ax_.get_legend()
    labels = [text.get_text() for text in legend.get_texts()]
    assert labels == [line.get_label() for line in disp.lines_.values()]
    assert f"validation {_score_name(fitted_val)}" in labels
    assert disp.lines_["validation_score"].get_label() == (
        f"validation {_score_name(fitted_val)}")
    assert disp.score_name == _score_name(fitted_val)
    assert "training loss" in labels


def test_name_and_kwargs(fitted):
    disp = LossCurveDisplay.from_estimator(
        fitted, name="my network", linewidth=4, color="black"
    )
    assert disp.ax_.get_title() == "my network"
    assert disp.lines_["loss"].get_linewidth() == 4
    assert disp.lines_["loss"].get_color() == "black"
    # An alias of color is accepted without a conflict with the default colour.
    disp = LossCurveDisplay.from_estimator(fitted, c="red")
    assert disp.lines_["loss"].get_color() == "red"


def test_plot_again_on_another_axes(fitted):
    disp = LossCurveDisplay.from_estimator(fitted)
    first_ax = disp.ax_
    fig, ax = plt.subplots()
    assert disp.plot(ax=ax, name="again") is disp
    assert disp.ax_ is ax
    assert disp.ax_ is not first_ax
    assert disp.ax_.get_title() == "again"


def test_constructor_stores_data_and_draws_only_what_is_given():
    disp = LossCurveDisplay(loss_curve=[1.0, 0.5, 0.25])
    assert disp.data_loss_curve is None
    assert disp.best_epoch is None
    assert disp.estimator_name is None
    disp.plot()
    assert list(disp.lines_) == ["loss"]
    assert disp.ax_.get_title() == ""
    assert disp.ax_val_ is None


def test_missing_validation_epochs_leave_a_gap():
    # A warm_start fit without validation data after one with it.
    disp = LossCurveDisplay(
        loss_curve=[1.0, 0.8, 0.6], validation_scores=[0.5, None, None]
    ).plot()
    ydata = disp.lines_["validation_score"].get_ydata()
    assert ydata[0] == 0.5
    assert np.isnan(ydata[1:]).all()


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_unfitted_estimator_raises(Estimator):
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(Estimator())
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(make_pipeline(StandardScaler(), Estimator()))


def test_estimator_without_loss_curve_raises():
    scaler = StandardScaler().fit([[0.0], [1.0]])
    with pytest.raises(TypeError, match="loss_curve_"):
        LossCurveDisplay.from_estimator(scaler)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pipeline(Estimator):
    X, y, X_val, y_val = _data(Estimator)
    pipe = make_pipeline(
        StandardScaler(), Estimator(**SMALL, max_iter=5, n_iter_no_change=50)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(X, y)
    disp = LossCurveDisplay.from_estimator(pipe)
    clf = pipe[-1]
    assert_array_equal(disp.lines_["loss"].get_ydata(), clf.loss_curve_)
    assert disp.estimator_name == Estimator.__name__
    assert disp.ax_.get_title() == Estimator.__name__


def test_scikit_learn_mlp_classifier():
    # Any estimator with a loss_curve_ works; MLPClassifier has no parts.
    from sklearn.neural_network import MLPClassifier

    X, y, _, _ = _data(MulticlassMLPClassifier)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
        clf.fit(X, y)
    disp = LossCurveDisplay.from_estimator(clf)
    assert set(disp.lines_) == {"loss", "best_epoch"}
    assert_array_equal(disp.lines_["loss"].get_ydata(), clf.loss_curve_)


def test_matplotlib_missing(fitted, monkeypatch):
    # A None entry in sys.modules makes `import matplotlib` raise ImportError.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="pip install matplotlib") as error:
        LossCurveDisplay.from_estimator(fitted)
    assert "skmlp[plot]" in str(error.value)
    assert "LossCurveDisplay.from_estimator requires matplotlib" in str(error.value)
    with pytest.raises(ImportError, match=r"LossCurveDisplay.plot requires"):
        LossCurveDisplay(loss_curve=[1.0]).plot()

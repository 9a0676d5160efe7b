"""Visual insight into a fitted network's training.

:class:`LossCurveDisplay` draws the per-epoch curves an skmlp estimator keeps
(``loss_curve_`` and its two parts, the validation loss and accuracy) and marks
the best epoch, following scikit-learn's Display conventions: the constructor
stores the data, :meth:`LossCurveDisplay.from_estimator` reads it from a fitted
estimator, and :meth:`LossCurveDisplay.plot` draws it and keeps the matplotlib
objects in ``figure_``, ``ax_`` and ``lines_``.

matplotlib is an optional dependency (``pip install "skmlp[plot]"``); it is
imported only when something is drawn.
"""

import numpy as np
from sklearn.base import is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

__all__ = ["LossCurveDisplay"]


def _check_matplotlib(caller_name):
    """Raise an ImportError that says how to install matplotlib."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"{caller_name} requires matplotlib. Install it with "
            '`pip install matplotlib` or `pip install "skmlp[plot]"`.'
        ) from error


def _as_curve(values):
    """A float array of a per-epoch curve; missing values (None) become NaN.

    After a ``warm_start`` fit without validation data that follows one with
    it, the validation curves hold ``None`` for the epochs that had none;
    matplotlib leaves a gap at NaN.
    """
    if values is None:
        return None
    return np.array([np.nan if v is None else v for v in values], dtype=float)


class LossCurveDisplay:
    """Training curves of a skmlp network, epoch by epoch.

    It is recommended to use :meth:`LossCurveDisplay.from_estimator` to create
    a display from a fitted estimator; all parameters are stored as attributes.

    The total training loss, its data and regularization parts and the
    validation data loss share the left y-axis (all are cross-entropies, the
    regularization part is the L1/L2 penalty added to the data loss); the
    validation accuracy, when given, has its own right y-axis.  A vertical line
    marks ``best_epoch``.  Epochs are counted from 1.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Total training loss of each epoch (data + regularization), as in
        ``loss_curve_``.
    data_loss_curve : array-like of shape (n_epochs,), default=None
        Sample-weighted mean data loss of each epoch (``data_loss_curve_``).
        Not drawn when None.
    regularization_loss_curve : array-like of shape (n_epochs,), default=None
        L1/L2 penalty of each epoch (``regularization_loss_curve_``).  Not
        drawn when None.
    validation_loss_curve : array-like of shape (n_epochs,), default=None
        Data loss on the validation data after each epoch
        (``validation_loss_curve_``).  Not drawn when None.
    validation_scores : array-like of shape (n_epochs,), default=None
        Score (accuracy or R²) on the validation data after each epoch
        (``validation_scores_``), drawn on a second y-axis.  Not drawn when
        None.
    score_name : str, default="accuracy"
        What the validation scores are, for the legend and the second
        y-axis's label.
    best_epoch : int, default=None
        The epoch (counted from 1) to mark with a vertical line; no line when
        None.
    estimator_name : str, default=None
        Name of the estimator, used as the title of the axes.  No title when
        None.

    Attributes
    ----------
    lines_ : dict of str to matplotlib Line2D
        The lines drawn, by name: ``"loss"`` always; ``"data_loss"``,
        ``"regularization_loss"``, ``"validation_loss"``,
        ``"validation_score"`` and ``"best_epoch"`` when the corresponding
        data was given.
    ax_ : matplotlib Axes
        Axes with the loss curves, the best-epoch line and the legend.
    ax_val_ : matplotlib Axes or None
        Second y-axis (a twin of ``ax_``) with the validation score; None
        when there are no validation scores.
    figure_ : matplotlib Figure
        Figure containing ``ax_``.

    See Also
    --------
    LossCurveDisplay.from_estimator : Plot the curves of a fitted estimator.

    Examples
    --------
    >>> from skmlp.inspection import LossCurveDisplay
    >>> disp = LossCurveDisplay(
    ...     loss_curve=[0.9, 0.6, 0.5, 0.45],
    ...     data_loss_curve=[0.85, 0.55, 0.44, 0.38],
    ...     regularization_loss_curve=[0.05, 0.05, 0.06, 0.07],
    ...     validation_scores=[0.7, 0.8, 0.85, 0.84],
    ...     best_epoch=3,
    ...     estimator_name="MulticlassMLPClassifier",
    ... )
    >>> disp = disp.plot()
    >>> sorted(disp.lines_)
    ['best_epoch', 'data_loss', 'loss', 'regularization_loss', 'validation_score']
    >>> disp.lines_["best_epoch"].get_xdata()
    [3, 3]
    """

    def __init__(
        self,
        *,
        loss_curve,
        data_loss_curve=None,
        regularization_loss_curve=None,
        validation_loss_curve=None,
        validation_scores=None,
        best_epoch=None,
        estimator_name=None,
        score_name="accuracy",
    ):
        self.loss_curve = loss_curve
        self.data_loss_curve = data_loss_curve
        self.regularization_loss_curve = regularization_loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.best_epoch = best_epoch
        self.estimator_name = estimator_name
        self.score_name = score_name

    def plot(self, ax=None, *, name=None, **kwargs):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes are created when None.  With
            validation scores, a twin axes sharing its x-axis is added.
        name : str, default=None
            Title of the axes; ``estimator_name`` when None.
        **kwargs : dict
            Keyword arguments passed to matplotlib's ``plot`` for the total
            training loss line (for example ``color`` or ``linewidth``).

        Returns
        -------
        display : LossCurveDisplay
            The display, with ``figure_``, ``ax_``, ``ax_val_`` and ``lines_``
            set.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skmlp.inspection import LossCurveDisplay
        >>> fig, ax = plt.subplots()
        >>> disp = LossCurveDisplay(loss_curve=[0.7, 0.5, 0.4]).plot(ax=ax, lw=3)
        >>> disp.ax_ is ax, disp.ax_val_ is None
        (True, True)
        >>> disp.lines_["loss"].get_xdata().tolist()
        [1, 2, 3]
        """
        _check_matplotlib(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        name = self.estimator_name if name is None else name
        lines = self._plot_losses(ax, kwargs)
        ax_val = self._plot_validation_scores(ax, lines)
        if self.best_epoch is not None:
            lines["best_epoch"] = ax.axvline(
                self.best_epoch,
                color="0.4",
                linestyle="-.",
                linewidth=1,
                label=f"best epoch ({self.best_epoch})",
            )

        handles = list(lines.values())
        # "best" placement sees only the artists of ax, not those of its twin;
        # losses fall towards the bottom and scores rise towards the top,
        # which leaves the middle of the right side free.
        ax.legend(
            handles=handles,
            labels=[h.get_label() for h in handles],
            loc="best" if ax_val is None else "center right",
        )
        if name is not None:
            ax.set_title(name)

        self.lines_ = lines
        self.ax_ = ax
        self.ax_val_ = ax_val
        self.figure_ = ax.figure
        return self

    def _epochs(self):
        return np.arange(1, len(self.loss_curve) + 1)

    def _plot_losses(self, ax, kwargs):
        """The total loss (styled by ``kwargs``) and its parts, on ``ax``."""
        epochs = self._epochs()
        lines = {}
        loss_kwargs = {"label": "training loss", **kwargs}
        if "color" not in kwargs and "c" not in kwargs:
            loss_kwargs["color"] = "C0"
        (lines["loss"],) = ax.plot(epochs, _as_curve(self.loss_curve), **loss_kwargs)
        parts = [
            ("data_loss", self.data_loss_curve, "training data loss",
             {"color": "C1", "linestyle": "--"}),
            ("regularization_loss", self.regularization_loss_curve,
             "regularization loss", {"color": "C2", "linestyle": ":"}),
            ("validation_loss", self.validation_loss_curve,
             "validation data loss", {"color": "C3"}),
        ]
        for key, curve, label, style in parts:
            if curve is not None:
                (lines[key],) = ax.plot(epochs, _as_curve(curve), label=label, **style)
        ax.set_xlabel("Epoch")
        ax.set_ylabel("Loss")
        return lines

    def _plot_validation_scores(self, ax, lines):
        """The validation scores on a twin of ``ax``; returns the twin."""
        if self.validation_scores is None:
            return None
        ax_val = ax.twinx()
        (lines["validation_score"],) = ax_val.plot(
            self._epochs(),
            _as_curve(self.validation_scores),
            label=f"validation {self.score_name}",
            color="C4",
        )
        ax_val.set_ylabel(f"Validation {self.score_name}")
        # Keep the loss axes (and so its legend) above its twin; its
        # background would otherwise hide the twin's line.
        ax.set_zorder(ax_val.get_zorder() + 1)
        ax.patch.set_visible(False)
        return ax_val

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None, **kwargs):
        """Plot the training curves of a fitted estimator.

        The curves are the estimator's ``loss_curve_``, ``data_loss_curve_``,
        ``regularization_loss_curve_``, ``validation_loss_curve_`` and
        ``validation_scores_`` (each drawn when the estimator has it and it is
        not None).  The best epoch is the first one with the best validation
        score when there are validation scores (``early_stopping=True`` or
        ``X_val`` given to ``fit``: with early stopping its weights are the
        ones kept), otherwise the first one with the lowest training loss.

        Parameters
        ----------
        estimator : estimator instance
            A fitted :class:`~skmlp.BinaryMLPClassifier`,
            :class:`~skmlp.MulticlassMLPClassifier` or
            :class:`~skmlp.MLPRegressor`, or a fitted
            :class:`~sklearn.pipeline.Pipeline` whose last step is one.  Any
            fitted estimator with a ``loss_curve_`` (such as scikit-learn's
            ``MLPClassifier`` and ``MLPRegressor``) works too.  The
            validation scores are labelled R² for a regressor, accuracy
            otherwise.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes are created when None.
        name : str, default=None
            Title of the axes; the class name of the estimator (of the last
            step of a pipeline) when None.
        **kwargs : dict
            Keyword arguments passed to matplotlib's ``plot`` for the total
            training loss line.

        Returns
        -------
        display : LossCurveDisplay
            The display, drawn.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from skmlp import MulticlassMLPClassifier
        >>> from skmlp.inspection import LossCurveDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MulticlassMLPClassifier(
        ...     hidden_layer_sizes=(8,), learning_rate=0.05, early_stopping=True,
        ...     max_iter=500, random_state=0,
        ... ).fit(X, y, X_val=X[::5], y_val=y[::5])
        >>> disp = LossCurveDisplay.from_estimator(clf)
        >>> type(disp.ax_val_).__name__
        'Axes'
        >>> len(disp.lines_["loss"].get_ydata()) == clf.n_iter_
        True
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        if isinstance(estimator, Pipeline):
            estimator = estimator[-1]
        if not hasattr(estimator, "loss_curve_"):
            raise TypeError(
                f"{cls.__name__}.from_estimator needs an estimator with a "
                f"loss_curve_ attribute, such as skmlp's classifiers; got "
                f"{type(estimator).__name__}."
            )
        curves = {
            "loss_curve": estimator.loss_curve_,
            "data_loss_curve": getattr(estimator, "data_loss_curve_", None),
            "regularization_loss_curve": getattr(
                estimator, "regularization_loss_curve_", None
            ),
            "validation_loss_curve": getattr(
                estimator, "validation_loss_curve_", None
            ),
            "validation_scores": getattr(estimator, "validation_scores_", None),
        }
        display = cls(
            **curves,
            best_epoch=_best_epoch(curves["loss_curve"], curves["validation_scores"]),
            estimator_name=type(estimator).__name__,
            score_name="R²" if is_regressor(estimator) else "accuracy",
        )
        return display.plot(ax=ax, name=name, **kwargs)


def _best_epoch(loss_curve, validation_scores):
    """First epoch (from 1) of the best validation score, else of the lowest
    training loss; None when there is no finite value to choose from.

    The first one because the early-stopping rule keeps a new best only when it
    is strictly better, so its restored weights are those of the first best.
    """
    curve = _as_curve(validation_scores)
    if curve is not None and np.isfinite(curve).any():
        return int(np.nanargmax(curve)) + 1
    curve = _as_curve(loss_curve)
    if curve.size and np.isfinite(curve).any():
        return int(np.nanargmin(curve)) + 1
    return None

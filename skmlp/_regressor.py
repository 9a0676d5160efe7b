"""The public regressor: numeric targets and a regression head."""

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import StrOptions

from ._base import BaseMLP
from ._docstrings import LOSS, REGRESSOR, compose
from ._plan import EncodedTargets
from ._registry import REGRESSION_LOSSES
from ._scores import R2


def _numeric_targets(y, dtype):
    """``y`` as a 2-D float array of ``dtype``, or a ValueError saying why not."""
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"MLPRegressor needs numeric targets, but y has dtype {y.dtype} "
                "with values that are not numbers. For class labels use "
                "BinaryMLPClassifier or MulticlassMLPClassifier."
            ) from None
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    # A value beyond float32's range becomes inf in the cast, which the check
    # below reports; the cast's own overflow warning would only repeat it.
    with np.errstate(over="ignore"):
        Y = y.astype(dtype, copy=False)
    if not np.all(np.isfinite(Y)):
        raise ValueError(
            "y contains NaN or infinity (or values too large for "
            f"{np.dtype(dtype).name}): every target must be a finite number."
        )
    return Y


class MLPRegressor(RegressorMixin, BaseMLP):
    _score = R2()

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions(set(REGRESSION_LOSSES))],
    }

    def __init__(
        self,
        *,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        weight_regularizer_l1=0.0,
        weight_regularizer_l2=0.0,
        bias_regularizer_l1=0.0,
        bias_regularizer_l2=0.0,
        dropout=0.0,
        optimizer="adam",
        learning_rate=0.001,
        learning_rate_decay=0.0,
        momentum=0.9,
        rho=0.9,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        batch_size="auto",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        shuffle=True,
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            weight_regularizer_l1=weight_regularizer_l1,
            weight_regularizer_l2=weight_regularizer_l2,
            bias_regularizer_l1=bias_regularizer_l1,
            bias_regularizer_l2=bias_regularizer_l2,
            dropout=dropout,
            optimizer=optimizer,
            learning_rate=learning_rate,
            learning_rate_decay=learning_rate_decay,
            momentum=momentum,
            rho=rho,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            batch_size=batch_size,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            shuffle=shuffle,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
        )
        self.loss = loss

    # -- public API ------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch over ``(X, y)``, continuing from the current state.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the data loss.

        Returns
        -------
        self : object
            The estimator.
        """
        return self._partial_fit(X, y, sample_weight)

    def predict(self, X):
        """Predict the target(s) of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            The shape of the ``y`` the model was fitted on; float32 for
            float32 ``X``.
        """
        predictions = self._outputs(X)
        return predictions.ravel() if self._y_ndim == 1 else predictions

    # -- hooks of the shared base --------------------------------------------------
    def _output_head(self):
        return self.loss

    def _encode_targets(self, y, classes, *, continuing, incremental, dtype):
        # The targets take X's dtype: float32 data trains in float32 without
        # a conversion per batch.
        Y = _numeric_targets(y, dtype)
        if self.loss == "poisson" and np.any(Y < 0):
            raise ValueError(
                "loss='poisson' needs non-negative targets (counts, rates, "
                f"amounts); y has {int(np.sum(Y < 0))} negative values, the "
                f"smallest {Y.min():g}."
            )
        if continuing and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} target column(s), but the model was fitted "
                f"on {self.n_outputs_}. Fit with warm_start=False to train a "
                "new network."
            )
        return EncodedTargets(
            Y=Y, n_outputs=Y.shape[1],
            fitted_attributes={"_y_ndim": np.ndim(y)},
        )

    def _encode_validation_targets(self, y, targets):
        Y = _numeric_targets(y, targets.Y.dtype)
        if Y.shape[1] != targets.n_outputs:
            raise ValueError(
                f"y_val has {Y.shape[1]} target column(s) and y has "
                f"{targets.n_outputs}."
            )
        return Y

    def _fit_warnings(self, plan, history):
        yield from super()._fit_warnings(plan, history)
        # Only for a fit that ran its course: after an interruption or a
        # callback's stop the user chose the epochs, and after divergence the
        # warning above already gives the remedy (to lower learning_rate,
        # where this one would say to raise it).
        if (not plan.incremental and history.records
                and history.end in ("max_iter", "converged")):
            yield from self._no_better_than_a_constant(plan)

    def _no_better_than_a_constant(self, plan):
        """A ConvergenceWarning, with the likely cause, when the trained
        network fits the training targets no better than the best constant."""
        train = plan.train
        if self.loss == "absolute_error":
            constant = np.median(train.Y, axis=0)
        else:
            constant = np.average(train.Y, axis=0, weights=train.sample_weight)
        if self.loss == "poisson":
            constant = np.maximum(constant, np.finfo(train.Y.dtype).tiny)
        # A loss object of its own: the model's would keep work buffers of the
        # training set's size after the fit.
        loss = type(self._network.head.loss)()
        baseline = float(loss.calculate(
            np.broadcast_to(constant, train.Y.shape).astype(train.Y.dtype),
            train.Y, sample_weight=train.sample_weight))
        final = self._log.records[-1]["data_loss"]
        if final < baseline:
            return
        scale = float(np.sqrt(np.mean(np.square(train.Y, dtype=np.float64))))
        advice = (
            f"The targets are large (root mean square {scale:.3g}) and the "
            "network's outputs start near 0: scale y, e.g. with "
            "TransformedTargetRegressor(regressor=..., "
            "transformer=StandardScaler()), or raise learning_rate or max_iter."
            if scale > 10 and self.loss != "poisson" else
            "Scale X (e.g. with StandardScaler), or raise learning_rate or "
            "max_iter."
        )
        yield (
            f"MLPRegressor fits the training targets no better than a constant "
            f"prediction (data loss {final:.4g} against {baseline:.4g} for the "
            f"best constant). {advice}",
            ConvergenceWarning,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags


MLPRegressor.__doc__ = compose(
    """Neural-network regressor: identity or exponential output with squared,
    absolute or Poisson loss.

    The network of the classifiers (:class:`~skmlp.layers.Dense` layers with a
    hidden activation and optional dropout, the same optimizers,
    regularization, stopping rules and curves) with a regression head chosen
    by ``loss``, trained on

    .. math::

        L = \\frac{\\sum_i w_i \\ell_i}{\\sum_i w_i}
            + \\sum_{\\text{layers}} \\left(\\lambda^w_1 \\sum |W|
            + \\lambda^w_2 \\sum W^2 + \\lambda^b_1 \\sum |b|
            + \\lambda^b_2 \\sum b^2\\right),

    where :math:`\\ell_i` is the mean over the targets of
    :math:`(y - p)^2`, :math:`|y - p|` or :math:`2 (y \\log(y/p) - y + p)`.
    ``y`` may have one column or several (one output unit each); ``predict``
    returns the shape ``y`` had. The network's outputs start near 0, and an
    Adam step moves each weight by about ``learning_rate``, so scale large
    targets (for example with
    :class:`~sklearn.compose.TransformedTargetRegressor` and a
    :class:`~sklearn.preprocessing.StandardScaler`), as you scale ``X``; see
    the user guide's regression page.

    Parameters
    ----------
%(loss)s%(parameters)s
    Attributes
    ----------
%(attributes)s
    See Also
    --------
    BinaryMLPClassifier : Sigmoid outputs for binary and multilabel targets.
    MulticlassMLPClassifier : Softmax outputs for exclusive classes.
    sklearn.neural_network.MLPRegressor : scikit-learn's MLP regressor.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.compose import TransformedTargetRegressor
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skmlp import MLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> model = TransformedTargetRegressor(
    ...     regressor=make_pipeline(
    ...         StandardScaler(),
    ...         MLPRegressor(hidden_layer_sizes=(32,), weight_regularizer_l2=1e-3,
    ...                      learning_rate=0.01, early_stopping=True,
    ...                      random_state=0)),
    ...     transformer=StandardScaler())
    >>> model.fit(X_train, y_train).score(X_test, y_test) > 0.3
    True
    >>> model.predict(X_test[:3]).shape
    (3,)
    """,
    {**REGRESSOR, "loss": LOSS},
)

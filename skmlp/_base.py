"""The shared base of the estimators: plan a fit, commit it, train, record.

The estimator holds no mathematics.  It validates and plans (``_plan_fit``,
leaving the model untouched), installs the targets, the
:class:`~skmlp._network.Network` of public building blocks and the optimizer
(``_commit``), hands them to :func:`~skmlp._training.run_epochs` with a stopping
rule and a score, and copies what it needs out of the returned history
(``_record``).  What differs between the estimators is a hook that returns a
value: the encoded targets, the output head, the per-epoch score, the weight
of each sample.
"""

import warnings
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from . import _params
from ._callbacks import CallbackSupportMixin, fit_callbacks
from ._network import Network
from ._persistence import VersionedPickleMixin
from ._plan import FitPlan, TrainingSet, ValidationSet, split_validation
from ._stopping import StoppingRule
from ._threads import blas_threads_for
from ._training import MAX_ABS_WEIGHT, Batches, EpochLog, run_epochs

# The output head -> scikit-learn's name of its activation (``out_activation_``).
_OUT_ACTIVATIONS = {
    "sigmoid": "logistic",
    "softmax": "softmax",
    "squared_error": "identity",
    "absolute_error": "identity",
    "poisson": "exp",
}

# Attributes validate_data sets on the estimator; a failed fit restores them.
_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")


class BaseMLP(VersionedPickleMixin, CallbackSupportMixin, BaseEstimator):
    """Everything the estimators share; subclasses supply the hooks
    ``_encode_targets``, ``_encode_validation_targets``, ``_output_head`` and
    ``_score``, and may weight samples (``_target_weights``)."""

    _parameter_constraints = dict(_params.PARAMETER_CONSTRAINTS)

    def __init__(
        self,
        *,
        hidden_layer_sizes,
        activation,
        weight_regularizer_l1,
        weight_regularizer_l2,
        bias_regularizer_l1,
        bias_regularizer_l2,
        dropout,
        optimizer,
        learning_rate,
        learning_rate_decay,
        momentum,
        rho,
        beta_1,
        beta_2,
        epsilon,
        batch_size,
        max_iter,
        tol,
        n_iter_no_change,
        early_stopping,
        validation_fraction,
        shuffle,
        random_state,
        verbose,
        warm_start,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.weight_regularizer_l1 = weight_regularizer_l1
        self.weight_regularizer_l2 = weight_regularizer_l2
        self.bias_regularizer_l1 = bias_regularizer_l1
        self.bias_regularizer_l2 = bias_regularizer_l2
        self.dropout = dropout
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.learning_rate_decay = learning_rate_decay
        self.momentum = momentum
        self.rho = rho
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    # -- fitted attributes derived from the network, the log and the rule -----
    @property
    def coefs_(self):
        """list of ndarray: weight matrix of each Dense layer, ``(n_in, n_out)``."""
        check_is_fitted(self)
        return [dense.weights for dense in self._network.dense_layers]

    @property
    def intercepts_(self):
        """list of ndarray: bias vector of each Dense layer, ``(n_out,)``."""
        check_is_fitted(self)
        return [dense.biases[0] for dense in self._network.dense_layers]

    @property
    def out_activation_(self):
        """str: the output activation, by scikit-learn's names: ``"logistic"``,
        ``"softmax"``, ``"identity"`` or ``"exp"``."""
        check_is_fitted(self)
        return _OUT_ACTIVATIONS[self._network.head_name]

    @property
    def loss_curve_(self):
        """list of float: total loss (data + regularization) of each epoch."""
        return self._log.curve("loss")

    @property
    def data_loss_curve_(self):
        """list of float: sample-weighted mean data loss of each epoch."""
        return self._log.curve("data_loss")

    @property
    def regularization_loss_curve_(self):
        """list of float: L1/L2 penalty of all layers, each epoch."""
        return self._log.curve("regularization_loss")

    @property
    def validation_scores_(self):
        """list of float or None: validation score of each epoch."""
        return self._validation_curve("validation_score")

    @property
    def validation_loss_curve_(self):
        """list of float or None: validation data loss of each epoch."""
        return self._validation_curve("validation_loss")

    @property
    def best_loss_(self):
        """float or None: lowest training loss (None with early stopping)."""
        best = self._stopping.best_loss
        return None if self._stopping.early_stopping or np.isinf(best) else best

    @property
    def best_validation_score_(self):
        """float or None: best validation score (None without validation)."""
        best = self._stopping.best_validation_score
        return None if np.isinf(best) else best

    def _validation_curve(self, key):
        # Epochs trained without validation data (a warm start or partial_fit
        # after a fit with X_val) are NaN, so the curve stays a list of floats.
        values = self._log.curve(key)
        if all(v is None for v in values):
            return None
        return [np.nan if v is None else v for v in values]

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_network")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # -- fitting ---------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None,
            sample_weight_val=None):
        """Train the network on ``(X, y)`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.  float32 data trains in float32; anything else is
            converted to float64.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values: class labels (or a multilabel indicator matrix)
            for the classifiers, numbers for the regressor.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the data loss.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            Validation data, evaluated after every epoch (score into
            ``validation_scores_``, data loss into ``validation_loss_curve_``).
            With ``early_stopping=True`` it replaces the internal
            ``validation_fraction`` split. It is used as given: inside a
            :class:`~sklearn.pipeline.Pipeline` the preceding steps do not
            transform it.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Targets of ``X_val``; required with it.
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation samples in the validation score and loss.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False,
                         validation=(X_val, y_val, sample_weight_val))

    def _partial_fit(self, X, y, sample_weight, classes=None):
        """One epoch over ``(X, y)`` from the current state (``partial_fit``)."""
        # scikit-learn skips parameter validation for partial_fit on a fitted
        # estimator, but every call here applies the current parameters.
        self._validate_params()
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: early "
                "stopping holds out part of the whole training data, which "
                "partial_fit never sees. Use fit, or set early_stopping=False."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _fit(self, X, y, sample_weight, *, incremental, classes=None,
             validation=(None, None, None)):
        with _restored_on_error(self, _INPUT_ATTRIBUTES):
            plan = self._plan_fit(X, y, sample_weight, incremental, classes,
                                  validation)
        self._commit(plan)
        history = self._train(plan)
        self._record(plan, history)
        for message, category in self._fit_warnings(plan, history):
            # stacklevel 4: _fit, fit (or partial_fit), scikit-learn's
            # _fit_context wrapper, then the caller's line.
            warnings.warn(message, category, stacklevel=4)
        return self

    def _plan_fit(self, X, y, sample_weight, incremental, classes, validation):
        """Validate everything and return the :class:`FitPlan`; changes
        nothing but the input attributes of ``validate_data``."""
        continuing = (incremental or self.warm_start) and self.__sklearn_is_fitted__()
        X, y = validate_data(
            self, X, y, reset=not continuing, accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32], multi_output=True, y_numeric=False,
        )
        if sp.issparse(X):
            X = X.tocsr()
        if continuing:
            X = X.astype(self._network.dtype, copy=False)
        targets = self._encode_targets(
            y, classes, continuing=continuing, incremental=incremental,
            dtype=X.dtype)
        train = TrainingSet(
            X=X, Y=targets.Y, y=y,
            sample_weight=self._loss_weights(sample_weight, X, targets, incremental),
            # What the user passed, for callbacks that score the model: class
            # weights shape the loss, not the reported scores.
            user_sample_weight=(
                None if sample_weight is None
                else _check_sample_weight(sample_weight, X, dtype=X.dtype)),
            class_codes=targets.class_codes,
        )
        hidden = _params.hidden_layer_sizes(self)
        layer_sizes = (X.shape[1], *hidden, targets.n_outputs)
        regularization = _params.layer_regularization(self, len(layer_sizes) - 1)
        if continuing and self._network.layer_sizes != layer_sizes:
            raise ValueError(
                f"Cannot continue training: the network has layer sizes "
                f"{self._network.layer_sizes}, but the parameters ask for "
                f"{layer_sizes}. Fit with warm_start=False to train a new network."
            )
        init_seed, split_seed, train_seed = check_random_state(
            self.random_state).randint(np.iinfo(np.int32).max, size=3)
        validation_set = self._check_validation_data(X, targets, *validation)
        early_stopping = self.early_stopping
        if early_stopping and validation_set is None:
            train, validation_set = split_validation(
                train, self.validation_fraction, split_seed)
        return FitPlan(
            train=train, targets=targets, validation=validation_set,
            layer_sizes=layer_sizes, regularization=regularization,
            batch_size=_params.batch_size(self, train.n_samples),
            init_seed=init_seed, train_seed=train_seed,
            continuing=continuing, incremental=incremental,
            early_stopping=early_stopping,
        )

    def _loss_weights(self, sample_weight, X, targets, incremental):
        """Each sample's weight in the loss (the user's ``sample_weight``
        times the hook ``_target_weights``), or None when all are equal."""
        weights = None
        if sample_weight is not None:
            weights = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
            if not np.all(np.isfinite(weights)):
                raise ValueError("sample_weight contains NaN or infinity.")
        target_weights = self._target_weights(targets, X.dtype)
        if target_weights is not None:
            weights = target_weights if weights is None else weights * target_weights
        if weights is None:
            return None
        if not weights.sum() > 0:
            raise ValueError(
                "sample_weight (times class_weight) sums to zero: no sample "
                "would contribute to the loss."
            )
        self._check_loss_weights(targets, weights, incremental)
        if np.all(weights == weights[0]):
            return None  # uniform weights: the unweighted mean is the same
        return weights

    def _target_weights(self, targets, dtype):
        """Hook: per-sample weights the targets call for (class weights)."""
        return None

    def _check_loss_weights(self, targets, weights, incremental):
        """Hook: reject weights that leave nothing to learn."""

    def _check_validation_data(self, X, targets, X_val, y_val, sample_weight_val):
        """User-given validation data, checked against the training data."""
        if X_val is None and y_val is None:
            if sample_weight_val is not None:
                raise ValueError("sample_weight_val was given without X_val, y_val.")
            return None
        if X_val is None or y_val is None:
            raise ValueError("X_val and y_val must be given together.")
        with _naming("X_val"):
            X_val = validate_data(
                self, X_val, reset=False, accept_sparse=["csr", "csc"],
                dtype=[np.float64, np.float32],
            )
        X_val = X_val.astype(X.dtype, copy=False)
        with _naming("y_val"):
            Y_val = self._encode_validation_targets(y_val, targets)
        if len(Y_val) != X_val.shape[0]:
            raise ValueError(
                f"X_val and y_val have different numbers of samples: "
                f"{X_val.shape[0]} and {len(Y_val)}."
            )
        weights = None
        if sample_weight_val is not None:
            with _naming("sample_weight_val"):
                weights = _check_sample_weight(
                    sample_weight_val, X_val, dtype=X_val.dtype,
                    ensure_non_negative=True,
                )
            if not (np.all(np.isfinite(weights)) and weights.sum() > 0):
                raise ValueError(
                    "sample_weight_val must be finite with a positive sum."
                )
        return ValidationSet(X_val, Y_val, weights)

    def _commit(self, plan):
        """Install targets, network, optimizer and stopping rule for the
        fit that follows (the first change the fit makes to the model)."""
        for key, value in plan.targets.fitted_attributes.items():
            setattr(self, key, value)
        if plan.continuing:
            self._network.configure(
                activation=self.activation, dropout=self.dropout,
                regularization=plan.regularization,
            )
            self._stopping.configure(
                self.tol, self.n_iter_no_change, plan.early_stopping)
        else:
            self._network = Network(
                plan.layer_sizes, self._output_head(), plan.train.X.dtype,
                np.random.RandomState(plan.init_seed),
                activation=self.activation, dropout=self.dropout,
                regularization=plan.regularization,
            )
            self._log = EpochLog()
            self._stopping = StoppingRule(
                self.tol, self.n_iter_no_change, plan.early_stopping)
            self._optimizer = None
            self.n_iter_ = 0
            self.t_ = 0
        self._optimizer = _params.optimizer_for(self, self._optimizer)
        self.n_layers_ = len(plan.layer_sizes)
        self.n_outputs_ = plan.targets.n_outputs

    def _train(self, plan):
        """Run the training loop on the committed model; return its history."""
        train = plan.train
        generator = np.random.default_rng(plan.train_seed)
        self._network.reseed_dropout(generator)
        batches = Batches(train.X, train.Y, train.sample_weight, plan.batch_size,
                          self.shuffle, generator)
        max_epochs = 1 if plan.incremental else self.max_iter
        callbacks = fit_callbacks(self, train.X, train.y, train.user_sample_weight,
                                  max_epochs)
        with blas_threads_for(plan.layer_sizes, plan.batch_size):
            return run_epochs(
                self._network, self._optimizer, batches,
                max_epochs=max_epochs,
                stopping=self._stopping,
                score=self._score,
                validation=(None if plan.validation is None
                            else plan.validation.as_tuple()),
                restore_best=plan.early_stopping,
                stop_when_converged=not plan.incremental,
                verbose=bool(self.verbose),
                callbacks=callbacks,
                # Epochs are numbered as loss_curve_ numbers them, counting the
                # epochs of earlier warm-started fits and partial_fit calls.
                first_epoch=len(self._log.records) + 1,
            )

    def _record(self, plan, history):
        """Copy what the estimator keeps out of the loop's history."""
        epochs = len(history.records)
        self._log.extend(record.as_dict() for record in history.records)
        # As in scikit-learn: the epochs of this call; t_ counts every sample.
        self.n_iter_ = epochs
        self.t_ += epochs * plan.train.n_samples
        self.loss_ = self._log.records[-1]["loss"] if self._log.records else None

    def _fit_warnings(self, plan, history):
        """Yield ``(message, category)`` of each warning this fit deserves."""
        if history.end == "diverged":
            yield (
                f"Training diverged in epoch {len(self._log.records) + 1}: the "
                "loss became non-finite or the weights exceeded "
                f"{MAX_ABS_WEIGHT:.0e} in magnitude. The weights from before "
                "that epoch are kept. Lower learning_rate (or add "
                "learning_rate_decay) and scale X, e.g. with StandardScaler.",
                ConvergenceWarning,
            )
        elif history.end == "interrupted":
            yield "Training interrupted by user.", UserWarning
        elif history.end == "max_iter" and not plan.incremental:
            yield (
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                "reached and the optimization hasn't converged yet.",
                ConvergenceWarning,
            )

    # -- prediction ------------------------------------------------------------
    def _logits(self, X):
        """The output layer's pre-activations of ``X``, always finite."""
        check_is_fitted(self)
        X = validate_data(
            self, X, reset=False, accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
        )
        X = X.astype(self._network.dtype, copy=False)
        # Inputs near the float range can overflow in the products; the logits
        # are then clamped to the finite range, so outputs stay defined.
        with np.errstate(over="ignore", invalid="ignore"):
            logits = self._network.logits(X)
        if not np.isfinite(logits).all():
            limit = np.finfo(logits.dtype).max
            np.nan_to_num(logits, copy=False, nan=0.0, posinf=limit, neginf=-limit)
        return logits

    def _outputs(self, X):
        """The output activation of ``X``: ``(n_samples, n_outputs)``."""
        logits = self._logits(X)
        # Into a new array rather than over the logits: the softmax takes its
        # faster route only when its output does not overlap its input.
        return self._network.head.activation.compute(logits)


@contextmanager
def _restored_on_error(estimator, names):
    """Restore the attributes ``names`` of ``estimator`` if the block fails
    (``validate_data`` sets ``n_features_in_`` before later checks fail)."""
    saved = {key: estimator.__dict__[key] for key in names if key in estimator.__dict__}
    try:
        yield
    except BaseException:
        for key in names:
            estimator.__dict__.pop(key, None)
        estimator.__dict__.update(saved)
        raise


@contextmanager
def _naming(name):
    """Prefix the message of a validation error with the argument it is about
    (scikit-learn's validators speak of X, y and sample_weight)."""
    try:
        yield
    except ValueError as error:
        raise ValueError(f"Invalid {name}: {error}") from error

"""The shared base of the two estimators: validation, fit orchestration, predict.

The estimator holds no mathematics.  It validates, encodes the targets (left to
the subclasses), builds a :class:`~skmlp._network.Network` of the public
building blocks, hands it with an optimizer to :func:`~skmlp._training.run_epochs`,
and reads predictions back from the same network.
"""

import warnings
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, compute_class_weight
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._callbacks import CallbackSupportMixin, fit_callbacks
from ._network import ACTIVATIONS, Network
from ._persistence import VersionedPickleMixin
from ._threads import blas_threads_for
from ._training import EpochLog, run_epochs
from .optimizers import SGD, Adagrad, Adam, RMSprop

REGULARIZERS = (
    "weight_regularizer_l1",
    "weight_regularizer_l2",
    "bias_regularizer_l1",
    "bias_regularizer_l2",
)

_LAMBDA = [Interval(Real, 0, None, closed="left"), "array-like"]


class _BaseMLPClassifier(
    VersionedPickleMixin, CallbackSupportMixin, ClassifierMixin, BaseEstimator
):
    """Everything the two classifiers share; subclasses encode the targets."""

    _parameter_constraints = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS))],
        **{name: list(_LAMBDA) for name in REGULARIZERS},
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "optimizer": [StrOptions({"sgd", "adagrad", "rmsprop", "adam"})],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_decay": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "rho": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "shuffle": ["boolean"],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        *,
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
        class_weight=None,
        random_state=None,
        verbose=0,
        warm_start=False,
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
        self.class_weight = class_weight
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    # -- public API ------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None,
            sample_weight_val=None):
        """Train the network on ``(X, y)`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.  float32 data trains in float32; anything else is
            converted to float64.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the data loss.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            Validation data, evaluated after every epoch (accuracy into
            ``validation_scores_``, data loss into ``validation_loss_curve_``).
            With ``early_stopping=True`` it replaces the internal
            ``validation_fraction`` split. It is used as given: inside a
            :class:`~sklearn.pipeline.Pipeline` the preceding steps do not
            transform it.
        y_val : array-like of shape (n_val,) or (n_val, n_labels), default=None
            Labels of ``X_val``; required with it.
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation samples in the validation score and loss.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(
            X, y, sample_weight, incremental=False, classes=None,
            validation_data=(X_val, y_val, sample_weight_val),
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch over ``(X, y)``, continuing from the current state.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Target labels, all of them in ``classes``.
        classes : array-like of shape (n_classes,), default=None
            Every label that will ever be seen; required on the first call,
            optional (and checked) afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the data loss.

        Returns
        -------
        self : object
            The estimator.
        """
        # scikit-learn skips parameter validation for partial_fit on a fitted
        # estimator, but every call here applies the current parameters.
        self._validate_params()
        return self._fit(
            X, y, sample_weight, incremental=True, classes=classes,
            validation_data=(None, None, None),
        )

    def predict(self, X):
        """Predict the label(s) of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The label of the largest probability (per label for multilabel).
        """
        return self._decode(self._probabilities(X))

    def predict_proba(self, X):
        """Probability of each class (or of each label, for multilabel).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or (n_samples, n_labels)
        """
        return self._to_class_proba(self._probabilities(X))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed stably from the logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of the shape of :meth:`predict_proba`
        """
        return self._log_proba_from_logits(self._logits(X))

    def decision_function(self, X):
        """Logits of the output layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            ``(n_samples,)`` for a two-class problem; otherwise one column per
            output unit.
        """
        return self._scores_from_logits(self._logits(X))

    # -- fitted attributes derived from the network and the epoch log ---------
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
    def loss_curve_(self):
        """list of float: total loss (data + regularization) of each epoch."""
        return self._log.curve("loss")

    @property
    def data_loss_curve_(self):
        """list of float: sample-weighted mean data loss of each epoch."""
        return self._log.curve("data_loss")

    @property
    def regularization_loss_curve_(self):
        """list of float: L1/L2 penalty of all layers at the end of each epoch."""
        return self._log.curve("regularization_loss")

    @property
    def validation_scores_(self):
        """list of float or None: validation accuracy of each epoch."""
        return self._validation_curve("validation_score")

    @property
    def validation_loss_curve_(self):
        """list of float or None: validation data loss of each epoch."""
        return self._validation_curve("validation_loss")

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

    # -- fitting -------------------------------------------------------------
    def _fit(self, X, y, sample_weight, *, incremental, classes, validation_data):
        # Everything that can fail runs before the model changes; the input
        # validation's own side effects (n_features_in_, feature_names_in_) are
        # rolled back if anything fails.
        saved = {
            key: self.__dict__[key]
            for key in ("n_features_in_", "feature_names_in_")
            if key in self.__dict__
        }
        try:
            plan = self._plan_fit(
                X, y, sample_weight, incremental, classes, validation_data
            )
        except BaseException:
            for key in ("n_features_in_", "feature_names_in_"):
                self.__dict__.pop(key, None)
            self.__dict__.update(saved)
            raise
        self._commit(plan)
        self._train(plan, incremental)
        return self

    def _plan_fit(self, X, y, sample_weight, incremental, classes, validation_data):
        continuing = (incremental or self.warm_start) and self.__sklearn_is_fitted__()
        X, y = validate_data(
            self,
            X,
            y,
            reset=not continuing,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
            multi_output=True,
            y_numeric=False,
        )
        if sp.issparse(X):
            X = X.tocsr()
        if continuing:
            X = X.astype(self._network.dtype, copy=False)
        plan = {"X": X, "y": y, "continuing": continuing, "incremental": incremental}

        if incremental and classes is None and not continuing:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        plan.update(self._encode_targets(y, classes, continuing=continuing))

        weights = None
        if sample_weight is not None:
            weights = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
            if not np.all(np.isfinite(weights)):
                raise ValueError("sample_weight contains NaN or infinity.")
        class_weight = self._sample_class_weights(plan, X.dtype)
        if class_weight is not None:
            weights = class_weight if weights is None else weights * class_weight
        if weights is not None:
            if not weights.sum() > 0:
                raise ValueError(
                    "sample_weight (times class_weight) sums to zero: no sample "
                    "would contribute to the loss."
                )
            self._check_weighted_classes(plan, weights)
            if np.all(weights == weights[0]):
                weights = None  # uniform weights: the unweighted mean is the same
        plan["sample_weight"] = weights
        # What the user passed, for callbacks that score the model: class
        # weights shape the loss, not the reported scores.
        plan["user_sample_weight"] = (
            None if sample_weight is None
            else _check_sample_weight(sample_weight, X, dtype=X.dtype)
        )

        plan["regularization"] = self._layer_regularization()
        hidden = self._hidden_sizes()
        layer_sizes = (X.shape[1], *hidden, plan["n_outputs"])
        if continuing and self._network.layer_sizes != layer_sizes:
            raise ValueError(
                f"Cannot continue training: the network has layer sizes "
                f"{self._network.layer_sizes}, but the parameters ask for "
                f"{layer_sizes}. Fit with warm_start=False to train a new network."
            )
        plan["layer_sizes"] = layer_sizes

        seeds = check_random_state(self.random_state).randint(
            np.iinfo(np.int32).max, size=3
        )
        plan["init_seed"], split_seed, plan["train_seed"] = seeds
        plan["validation"] = self._check_validation_data(plan, *validation_data)
        plan["early_stopping"] = self.early_stopping and not incremental
        if plan["early_stopping"] and plan["validation"] is None:
            plan.update(self._split_validation(plan, split_seed))
        n_train = plan["X"].shape[0]
        plan["batch_size"] = self._resolve_batch_size(n_train)
        return plan

    def _commit(self, plan):
        """Install targets, network and optimizer for the fit that follows."""
        for key, value in plan["fitted_targets"].items():
            setattr(self, key, value)
        if not plan["continuing"]:
            self._network = Network(
                plan["layer_sizes"],
                self._output,
                plan["X"].dtype,
                np.random.RandomState(plan["init_seed"]),
            )
            self._optimizer = None
            self._log = EpochLog()
            self.n_iter_ = 0
            self.t_ = 0
            self.best_loss_ = np.inf
            self.best_validation_score_ = None
            self._no_improvement_count = 0
        self._network.configure(
            activation=self.activation,
            dropout=self.dropout,
            regularization=plan["regularization"],
        )
        optimizer = self._make_optimizer()
        if self._optimizer is not None and type(self._optimizer) is type(optimizer):
            # Continue with the learned state (moments, caches, step count) but
            # the current hyper-parameters.
            for name in vars(optimizer):
                if not name.startswith("_") and name not in (
                        "iterations", "current_learning_rate"):
                    setattr(self._optimizer, name, getattr(optimizer, name))
        else:
            self._optimizer = optimizer
        self.n_layers_ = len(plan["layer_sizes"])
        self.n_outputs_ = plan["n_outputs"]

    def _train(self, plan, incremental):
        early_stopping = plan["early_stopping"]
        if early_stopping:
            self.best_loss_ = None
        elif self.best_loss_ is None:
            self.best_loss_ = np.inf
        if plan["validation"] is not None and self.best_validation_score_ is None:
            self.best_validation_score_ = -np.inf
        with blas_threads_for(plan["layer_sizes"], plan["batch_size"]):
            outcome = self._run_epochs(plan, incremental)
        if self.best_validation_score_ is not None and not np.isfinite(
                self.best_validation_score_):
            self.best_validation_score_ = None
        if not early_stopping and not np.isfinite(self.best_loss_):
            self.best_loss_ = None  # no epoch completed
        self.loss_ = self._log.records[-1]["loss"] if self._log.records else None
        return outcome

    def _run_epochs(self, plan, incremental):
        max_epochs = 1 if incremental else self.max_iter
        n_batches = -(-plan["X"].shape[0] // plan["batch_size"])
        callbacks = fit_callbacks(
            self,
            plan["X"],
            plan["y"],
            plan["user_sample_weight"],
            max_epochs,
            n_batches,
        )
        return run_epochs(
            self,
            network=self._network,
            optimizer=self._optimizer,
            X=plan["X"],
            Y=plan["Y"],
            sample_weight=plan["sample_weight"],
            validation=plan["validation"],
            early_stopping=plan["early_stopping"],
            batch_size=plan["batch_size"],
            max_epochs=max_epochs,
            shuffle=self.shuffle,
            generator=np.random.default_rng(plan["train_seed"]),
            stop_on_convergence=not incremental,
            callbacks=callbacks,
        )

    # -- helpers for planning --------------------------------------------------
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
        if not all(isinstance(s, Integral) and s >= 1 for s in sizes):
            raise InvalidParameterError(
                "The 'hidden_layer_sizes' parameter of "
                f"{type(self).__name__} must be a sequence of positive integers, "
                f"got {self.hidden_layer_sizes!r}."
            )
        return tuple(int(s) for s in sizes)

    def _layer_regularization(self):
        """The four lambdas of every Dense layer, as a list of 4-tuples."""
        n_layers = len(self._hidden_sizes()) + 1
        columns = []
        for name in REGULARIZERS:
            value = getattr(self, name)
            if isinstance(value, Real):
                values = [float(value)] * n_layers
            else:
                try:
                    values = np.asarray(value, dtype=float).ravel().tolist()
                except (TypeError, ValueError) as error:
                    raise InvalidParameterError(
                        f"The '{name}' parameter of {type(self).__name__} must be "
                        f"a number or a sequence of numbers, got {value!r}."
                    ) from error
                if len(values) != n_layers:
                    raise InvalidParameterError(
                        f"The '{name}' parameter of {type(self).__name__} must be "
                        f"a number or have one value per Dense layer "
                        f"({n_layers}, the output layer included), got "
                        f"{len(values)} values."
                    )
            if not all(np.isfinite(v) and v >= 0 for v in values):
                raise InvalidParameterError(
                    f"The '{name}' parameter of {type(self).__name__} must be "
                    f"finite and >= 0, got {value!r}."
                )
            columns.append(values)
        return list(zip(*columns))

    def _sample_class_weights(self, plan, dtype):
        if self.class_weight is None:
            return None
        if plan["multilabel"]:
            raise ValueError(
                "class_weight is not supported for multilabel targets; pass "
                "sample_weight instead."
            )
        classes = plan["fitted_targets"]["classes_"]
        codes = plan["class_codes"]
        labels = classes[codes]
        if self.class_weight == "balanced":
            # Only the classes present in this y can be balanced (partial_fit
            # may see a subset); absent ones keep weight 1.
            present = np.unique(codes)
            weight_per_class = np.ones(len(classes))
            weight_per_class[present] = compute_class_weight(
                "balanced", classes=classes[present], y=labels
            )
        else:
            unknown = [key for key in self.class_weight if key not in set(classes)]
            if unknown:
                raise ValueError(
                    f"class_weight names labels that are not classes of y: "
                    f"{unknown}; the classes are {classes.tolist()}."
                )
            values = np.asarray(list(self.class_weight.values()), dtype=float)
            if not (np.all(np.isfinite(values)) and np.all(values >= 0)):
                raise ValueError(
                    "class_weight values must be finite and non-negative, got "
                    f"{self.class_weight!r}."
                )
            weight_per_class = compute_class_weight(
                self.class_weight, classes=classes, y=labels
            )
        return weight_per_class[codes].astype(dtype)

    def _check_weighted_classes(self, plan, weights):
        # partial_fit declares its classes up front: a batch may hold only one.
        if plan["multilabel"] or plan["incremental"]:
            return
        codes = plan["class_codes"]
        if len(np.unique(codes[weights > 0])) < 2:
            raise ValueError(
                "Only one class has a positive sample_weight; a classifier needs "
                "samples of at least two classes."
            )

    def _check_validation_data(self, plan, X_val, y_val, sample_weight_val):
        """Validate user-given validation data against the training data."""
        if X_val is None and y_val is None:
            if sample_weight_val is not None:
                raise ValueError("sample_weight_val was given without X_val, y_val.")
            return None
        if X_val is None or y_val is None:
            raise ValueError("X_val and y_val must be given together.")
        with _naming("X_val"):
            X_val = validate_data(
                self,
                X_val,
                reset=False,
                accept_sparse=["csr", "csc"],
                dtype=[np.float64, np.float32],
            )
        X_val = X_val.astype(plan["X"].dtype, copy=False)
        with _naming("y_val"):
            Y_val = self._encode_known(y_val, plan["fitted_targets"])
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
        return X_val, Y_val, weights

    def _split_validation(self, plan, seed):
        X, Y, weights = plan["X"], plan["Y"], plan["sample_weight"]
        n_samples = X.shape[0]
        stratify = None if plan["multilabel"] else plan["class_codes"]
        try:
            train, val = train_test_split(
                np.arange(n_samples),
                test_size=self.validation_fraction,
                random_state=seed,
                stratify=stratify,
            )
        except ValueError as error:
            raise ValueError(
                f"early_stopping could not hold out validation_fraction="
                f"{self.validation_fraction} of {n_samples} samples with every "
                f"class in both parts: {str(error).rstrip('.')}. Use more data, "
                "a larger validation_fraction, or early_stopping=False."
            ) from error
        if len(train) < 1 or len(val) < 1:
            raise ValueError(
                f"early_stopping needs at least one training and one validation "
                f"sample; validation_fraction={self.validation_fraction} of "
                f"{n_samples} samples leaves none."
            )
        train.sort()
        val.sort()
        return {
            "X": X[train],
            "y": plan["y"][train],
            "Y": Y[train],
            "sample_weight": None if weights is None else weights[train],
            "user_sample_weight": (
                None if plan["user_sample_weight"] is None
                else plan["user_sample_weight"][train]
            ),
            "validation": (
                X[val],
                Y[val],
                None if weights is None else weights[val],
            ),
        }

    def _resolve_batch_size(self, n_samples):
        if self.batch_size is None:
            return n_samples
        if self.batch_size == "auto":
            return min(200, n_samples)
        if isinstance(self.batch_size, bool):
            raise InvalidParameterError(
                f"The 'batch_size' parameter of {type(self).__name__} must be an "
                f"int >= 1, 'auto' or None, got {self.batch_size!r}."
            )
        if self.batch_size > n_samples:
            warnings.warn(
                f"Got `batch_size` larger than the number of samples "
                f"({self.batch_size} > {n_samples}); it is clipped to "
                f"{n_samples}.",
                UserWarning,
                stacklevel=4,
            )
            return n_samples
        return self.batch_size

    def _make_optimizer(self):
        lr, decay = self.learning_rate, self.learning_rate_decay
        if self.optimizer == "sgd":
            return SGD(learning_rate=lr, decay=decay, momentum=self.momentum)
        if self.optimizer == "adagrad":
            return Adagrad(learning_rate=lr, decay=decay, epsilon=self.epsilon)
        if self.optimizer == "rmsprop":
            return RMSprop(learning_rate=lr, decay=decay, epsilon=self.epsilon,
                           rho=self.rho)
        return Adam(learning_rate=lr, decay=decay, epsilon=self.epsilon,
                    beta_1=self.beta_1, beta_2=self.beta_2)

    # -- prediction ------------------------------------------------------------
    def _probabilities(self, X):
        """Output-unit probabilities, ``(n_samples, n_outputs)``."""
        logits = self._logits(X)
        # Into a new array rather than over the logits: the softmax takes its
        # faster route only when its output does not overlap its input.
        return self._network.head.activation.compute(logits)

    def _logits(self, X):
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            reset=False,
            accept_sparse=["csr", "csc"],
            dtype=[np.float64, np.float32],
        )
        X = X.astype(self._network.dtype, copy=False)
        # Inputs near the float range can overflow in the products; the logits
        # are then clamped to the finite range, so probabilities stay defined.
        with np.errstate(over="ignore", invalid="ignore"):
            logits = self._network.logits(X)
        if not np.isfinite(logits).all():
            limit = np.finfo(logits.dtype).max
            np.nan_to_num(logits, copy=False, nan=0.0, posinf=limit, neginf=-limit)
        return logits


@contextmanager
def _naming(name):
    """Prefix the message of a validation error with the argument it is about
    (scikit-learn's validators speak of X, y and sample_weight)."""
    try:
        yield
    except ValueError as error:
        raise ValueError(f"Invalid {name}: {error}") from error

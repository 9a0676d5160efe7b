"""Docstring sections shared by the estimators.

Every estimator's docstring is built from these strings, so their common
parameter and attribute sections cannot drift apart (a test checks it).  What
differs is filled in by :func:`compose`: the score the estimator reports
(accuracy or R²), its name in the verbose line, and the parameters only
classifiers (``class_weight``) or the regressor (``loss``) have.
"""

PARAMETERS = """\
    hidden_layer_sizes : array-like of int, default=(100,)
        Number of units of each hidden Dense layer. ``()`` builds no hidden
        layer: a (multinomial) logistic regression.

    activation : {"relu", "tanh", "sigmoid", "identity"}, default="relu"
        Activation after every hidden layer: :math:`\\max(z, 0)`,
        :math:`\\tanh z`, :math:`1 / (1 + e^{-z})` or :math:`z`.
        scikit-learn's name ``"logistic"`` is accepted for ``"sigmoid"``.

    weight_regularizer_l1 : float or array-like of float, default=0.0
        :math:`\\lambda_1` on the weights: adds
        :math:`\\lambda_1 \\sum |W|` per Dense layer to the loss. A sequence
        gives one value per Dense layer, the output layer included.

    weight_regularizer_l2 : float or array-like of float, default=0.0
        :math:`\\lambda_2` on the weights: adds :math:`\\lambda_2 \\sum W^2`
        per Dense layer. Unlike scikit-learn's ``alpha`` (which adds
        :math:`\\frac{\\alpha}{2 n_{batch}} \\sum W^2`), the penalty does not
        depend on the batch size.

    bias_regularizer_l1 : float or array-like of float, default=0.0
        :math:`\\lambda_1` on the biases: adds :math:`\\lambda_1 \\sum |b|`.

    bias_regularizer_l2 : float or array-like of float, default=0.0
        :math:`\\lambda_2` on the biases: adds :math:`\\lambda_2 \\sum b^2`.

    dropout : float, default=0.0
        Inverted-dropout rate after every hidden activation, in ``[0, 1)``:
        during training each unit is zeroed with this probability and the
        others are scaled by :math:`1 / (1 - \\text{dropout})`; prediction is
        deterministic.

    optimizer : {"sgd", "adagrad", "rmsprop", "adam"}, default="adam"
        The update rule; see :mod:`skmlp.optimizers` for each formula.
        ``"sgd"`` uses ``momentum``.

    learning_rate : float, default=0.001
        Initial step size :math:`\\eta_0`.

    learning_rate_decay : float, default=0.0
        Step size after :math:`t` optimizer steps:
        :math:`\\eta_t = \\eta_0 / (1 + \\text{decay} \\cdot t)`.

    momentum : float, default=0.9
        SGD momentum :math:`\\mu`, in ``[0, 1]``.

    rho : float, default=0.9
        RMSprop cache decay, in ``[0, 1)``.

    beta_1 : float, default=0.9
        Adam's first-moment decay, in ``[0, 1)``.

    beta_2 : float, default=0.999
        Adam's second-moment decay, in ``[0, 1)``.

    epsilon : float, default=1e-7
        Denominator guard of Adagrad, RMSprop and Adam.

    batch_size : int, "auto" or None, default="auto"
        Minibatch size. ``"auto"`` is ``min(200, n_samples)``; ``None`` is the
        full batch; an int larger than the data is clipped with a warning.

    max_iter : int, default=200
        Maximum number of epochs (passes over the data) per call to ``fit``.

    tol : float, default=1e-4
        Improvement threshold: an epoch whose training loss (or validation
        score, with ``early_stopping``) does not improve on the best by
        ``tol`` counts towards ``n_iter_no_change``.

    n_iter_no_change : int, default=10
        Training stops when more than this many consecutive epochs did not
        improve by ``tol``.

    early_stopping : bool, default=False
        Hold out %(split)s ``validation_fraction`` of the training data,
        stop on its %(score)s and restore the weights of the best epoch.
        Not available in ``partial_fit``.

    validation_fraction : float, default=0.1
        Size of that hold-out, in ``(0, 1)``.

    shuffle : bool, default=True
        Reshuffle the samples every epoch.

%(extra_parameters)s    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling, the dropout masks and
        the validation split. An int gives reproducible, bit-identical fits.

    verbose : int, default=0
        ``>= 1`` prints one line per epoch:
        ``epoch: 12, %(score_name)s: 0.947, loss: 0.183 (data_loss: 0.171,
        reg_loss: 0.012), lr: 0.000994``, followed by ``, val_%(score_name)s:
        ...`` whenever there is validation data (``early_stopping`` or
        ``X_val``). Epochs are numbered as in ``loss_curve_``, counting those
        of earlier warm-started fits and ``partial_fit`` calls.

    warm_start : bool, default=False
        Continue from the previous fit's weights and optimizer state instead of
        initialising a new network.
"""

ATTRIBUTES = """\
    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during ``fit``, when ``X`` has string
        column names.

    coefs_ : list of ndarray of shape (n_in, n_out)
        Weight matrix of each Dense layer (the live arrays).

    intercepts_ : list of ndarray of shape (n_out,)
        Bias vector of each Dense layer.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        The output activation, by scikit-learn's names: ``"logistic"``
        (sigmoid), ``"softmax"``, ``"identity"`` or ``"exp"``.

    n_iter_ : int
        Number of epochs run by the last call to ``fit`` (1 after
        ``partial_fit``), as in scikit-learn.

    t_ : int
        Number of training samples seen, over all calls.

    loss_ : float
        Total loss (data + regularization) of the last epoch.

    loss_curve_ : list of float
        Total loss of each epoch, over all calls (warm starts and
        ``partial_fit`` append to it); exactly ``data_loss_curve_[i] +
        regularization_loss_curve_[i]``.

    data_loss_curve_ : list of float
        Sample-weighted mean %(data_loss)s of each epoch: each minibatch's
        loss at the weights its forward pass used, averaged over the epoch.

    regularization_loss_curve_ : list of float
        Sum over the Dense layers of
        :math:`\\lambda^w_1 \\sum|W| + \\lambda^w_2 \\sum W^2 +
        \\lambda^b_1 \\sum|b| + \\lambda^b_2 \\sum b^2`, measured like the
        data loss: at the weights of each minibatch's forward pass, averaged
        over the epoch. With one batch per epoch (``batch_size=None``) both
        are exactly what the design notebook's loop prints.

    best_loss_ : float or None
        Lowest training loss, or ``None`` with ``early_stopping``.

    validation_scores_ : list of float or None
        Validation %(score)s of each epoch (on the ``early_stopping`` split or on
        ``X_val``), or ``None`` without validation data. Epochs trained without
        validation data, e.g. by a later ``partial_fit``, are NaN.

    validation_loss_curve_ : list of float or None
        Sample-weighted mean %(data_loss)s on the validation data of each epoch
        (the internal ``early_stopping`` split or ``X_val``), or ``None``
        without validation data.

    best_validation_score_ : float or None
        Best validation %(score)s, or ``None`` without validation data.
"""


CLASS_WEIGHT = """    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the data loss, multiplied into
        ``sample_weight``. ``"balanced"`` uses
        ``n_samples / (n_classes * np.bincount(y))``.

"""

LOSS = """\
    loss : {"squared_error", "absolute_error", "poisson"}, default="squared_error"
        The data loss, and with it the output layer:
        ``"squared_error"`` and ``"absolute_error"`` have an identity output
        and the mean over the outputs of :math:`(y - p)^2` or
        :math:`|y - p|`; ``"poisson"`` has an exponential output (log link,
        so predictions are positive) and the Poisson deviance
        :math:`2 (y \\log(y / p) - y + p)`, for counts and other
        non-negative targets. Each equals scikit-learn's metric of the same
        name on the same predictions.

"""

CLASSIFIER = {
    "extra_parameters": CLASS_WEIGHT,
    "score": "accuracy",
    "score_name": "acc",
    "split": "a stratified",
    "data_loss": "cross-entropy",
}

REGRESSOR = {
    "extra_parameters": "",
    "score": "R²",
    "score_name": "r2",
    "split": "a random",
    "data_loss": "data loss",
}


def compose(template, fill=CLASSIFIER):
    """Insert the shared sections, filled in for one kind of estimator
    (:data:`CLASSIFIER` or :data:`REGRESSOR`), into an estimator's docstring
    template."""
    text = template.replace("%(parameters)s", PARAMETERS).replace(
        "%(attributes)s", ATTRIBUTES
    )
    for key, value in fill.items():
        text = text.replace(f"%({key})s", value)
    return text

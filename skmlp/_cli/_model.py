"""The model every command trains, and how it is saved and loaded.

A model is a scikit-learn :class:`~sklearn.pipeline.Pipeline` of the
preprocessing (:mod:`._preprocessing`) and the task's estimator
(:mod:`._tasks`), so a saved model applies to a new file everything it
learned from the training file.
"""

import os

from .. import __version__
from . import _interrupts
from ._errors import CLIError
from ._parser import LAMBDAS
from ._preprocessing import ColumnKinds, make_preprocessor
from ._tasks import task_of

PREPROCESS_STEP = "preprocess"
ESTIMATOR_STEP = "estimator"


def estimator_params(args, task, *, verbose, lambdas=True):
    """The estimator parameters the options set (the lambdas unless searched)."""
    params = {
        "hidden_layer_sizes": args.hidden,
        "activation": args.activation,
        "dropout": args.dropout,
        "optimizer": args.optimizer,
        "learning_rate": args.learning_rate,
        "learning_rate_decay": args.learning_rate_decay,
        "batch_size": args.batch_size,
        "max_iter": args.epochs,
        "early_stopping": args.early_stopping,
        "random_state": args.random_state,
        "verbose": verbose,
        **task.task_params(args),
    }
    if lambdas:
        for option, param in LAMBDAS.items():
            params[param] = getattr(args, option)
    return params


def make_model(task, y, kinds, params):
    """The preprocessing + estimator pipeline for the target ``y``."""
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            (PREPROCESS_STEP, make_preprocessor(kinds)),
            (ESTIMATOR_STEP, task.estimator(y, **params)),
        ]
    )


def network_path(model):
    """The prefix of the network's parameters in ``model``'s ``set_params``:
    ``estimator__``, or ``estimator__regressor__`` when a
    TransformedTargetRegressor wraps it."""
    step = model.named_steps[ESTIMATOR_STEP]
    inner = "regressor__" if "regressor" in step.get_params(deep=False) else ""
    return f"{ESTIMATOR_STEP}__{inner}"


def check_writable(path, what):
    """A CLIError now, rather than after the training, if ``path`` cannot be written."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CLIError(f"cannot write the {what} to {path}: no directory {directory}")
    if os.path.isdir(path):
        raise CLIError(f"cannot write the {what} to {path}: it is a directory")


def save_model(model, path):
    """``joblib.dump`` to a temporary file renamed over ``path`` when complete."""
    import joblib

    try:
        with _interrupts.temporary_file(path, "wb") as handle:
            joblib.dump(model, handle)
    except OSError as error:
        raise CLIError(f"cannot save the model to {path}: {error}") from None


def load_model(path):
    """A fitted skmlp model (pipeline or bare estimator) and its task."""
    import joblib
    from sklearn.exceptions import NotFittedError
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    if not os.path.isfile(path):
        raise CLIError(f"no such model file: {path}")
    try:
        model = joblib.load(path)
    except Exception as error:
        # Unpickling arbitrary bytes can fail with almost any exception type
        # (UnpicklingError, KeyError, EOFError, ImportError, ...); all of them
        # mean the same thing to the user.
        raise CLIError(
            f"cannot load a model from {path} ({type(error).__name__}: {error}); "
            "it must be a file saved by 'skmlp train --save' with this version "
            f"of skmlp ({__version__})"
        ) from None
    final = model[-1] if isinstance(model, Pipeline) and len(model) else model
    task = task_of(final)
    if task is None:
        raise CLIError(f"{path} holds a {type(model).__name__}, not an skmlp model")
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise CLIError(f"the model in {path} has not been fitted") from None
    return model, task


def column_kinds_of(model):
    """The columns a fitted model reads, by kind (all numeric for old models).

    Models saved before the CSV preprocessing scale every column, so each
    of their columns is numeric.
    """
    from sklearn.compose import ColumnTransformer

    first = model[0] if hasattr(model, "steps") else model
    names = getattr(model, "feature_names_in_", None)
    if isinstance(first, ColumnTransformer):
        columns = {name: list(cols) for name, _, cols in first.transformers_}
        return ColumnKinds(
            numeric=columns.get("numeric", []), text=columns.get("text", [])
        )
    if names is not None:
        return ColumnKinds(numeric=list(names), text=[])
    return ColumnKinds(numeric=list(range(model.n_features_in_)), text=[])

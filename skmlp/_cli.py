"""The ``skmlp`` command line: ``train``, ``predict`` and ``grid``.

Every command builds the same model, a :class:`~sklearn.pipeline.Pipeline` of
a :class:`~sklearn.preprocessing.StandardScaler` and one of the two
estimators, so a model saved by ``train`` or ``grid`` scales new data the way
it was trained.  User errors (a missing file, an unknown column, a bad option
value, ...) are reported as one ``skmlp: error: ...`` line on stderr with exit
status 2, never as a traceback.
"""

import argparse
import contextlib
import math
import os
import sys
import warnings

import joblib
import numpy as np
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from . import __version__
from ._classifiers import BinaryMLPClassifier, MulticlassMLPClassifier
from ._registry import HIDDEN_ACTIVATIONS as ACTIVATIONS

DATASETS = ("digits", "iris", "wine", "breast_cancer")

# The bundled datasets' target column, as scikit-learn names it in
# ``load_*(as_frame=True).frame``: a CSV exported that way can be fed to
# ``predict`` unchanged.
BUNDLED_TARGET = "target"

# Chosen on the bundled data: with Adam, a 64-unit hidden layer and minibatches
# of 32, 30 epochs reach ~0.97-0.98 held-out accuracy on digits in about a
# second, and learning_rate=0.003 (rather than the estimators' 0.001) is what
# lets the small datasets (iris: 112 training samples, 4 steps per epoch) get
# there within the same 30 epochs.
DEFAULT_HIDDEN = "64"
DEFAULT_EPOCHS = 30
DEFAULT_BATCH_SIZE = 32
DEFAULT_LEARNING_RATE = 0.003
DEFAULT_TEST_SIZE = 0.25
DEFAULT_RANDOM_STATE = 0
DEFAULT_CV = 5
DEFAULT_L2_GRID = "0,1e-4,1e-3,1e-2"

# command-line name -> estimator parameter of the four lambdas
LAMBDAS = {
    "l1": "weight_regularizer_l1",
    "l2": "weight_regularizer_l2",
    "bias_l1": "bias_regularizer_l1",
    "bias_l2": "bias_regularizer_l2",
}

CLASSIFIER_STEP = "classifier"


class CLIError(Exception):
    """A user error: printed as one ``skmlp: error:`` line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, like every other error.

    argparse prints the whole usage block before its message; with several
    dozen options that buries the one line that matters.
    """

    def error(self, message):
        raise CLIError(f"{message} (see '{self.prog} --help')")


# -- option value types ----------------------------------------------------------
# Each raises ArgumentTypeError so argparse names the option in the message.


def _number(parse, accepts, requirement):
    """An argparse ``type``: ``parse`` the text (``float`` or ``int``) and keep
    values for which ``accepts`` holds; otherwise say the ``requirement``."""
    kind = "an integer" if parse is int else "a number"

    def convert(text):
        try:
            value = parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}") from None
        if parse is float and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
        if not accepts(value):
            raise argparse.ArgumentTypeError(f"{requirement}, got {text!r}")
        return value

    return convert


_non_negative_float = _number(float, lambda v: v >= 0, "must be >= 0")
_positive_float = _number(float, lambda v: v > 0, "must be > 0")
_dropout_rate = _number(float, lambda v: 0 <= v < 1, "must be in [0, 1)")
_test_fraction = _number(
    float, lambda v: 0 < v < 1, "must be a fraction of the samples in (0, 1)"
)
_int = _number(int, lambda v: True, "")
_positive_int = _number(int, lambda v: v >= 1, "must be >= 1")
_cv_folds = _number(int, lambda v: v >= 2, "needs at least 2 folds")
_n_jobs = _number(int, lambda v: v != 0, "must be a positive number or -1 (all cores)")


def _random_state(text):
    if text.lower() == "none":
        return None
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 or 'none', got {text!r}")
    return value


def _batch_size(text):
    if text == "auto":
        return "auto"
    return _positive_int(text)


def _hidden_sizes(text):
    text = text.strip()
    # "" and "0" both mean no hidden layer: the network is then a logistic /
    # softmax regression.
    if text in ("", "0"):
        return ()
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(
            "expected comma-separated positive layer widths such as 64,32 "
            f"('' or 0 for no hidden layer), got {text!r}"
        )
    return sizes


def _lambda_list(text):
    values = [part.strip() for part in text.split(",")]
    if not values or "" in values:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers >= 0 such as 0,1e-4,1e-3, got {text!r}"
        )
    # A repeated value would only repeat a row of the results table.
    return sorted({_non_negative_float(value) for value in values})


# -- data ------------------------------------------------------------------------


def _import_pandas():
    try:
        import pandas
    except ImportError:
        raise CLIError(
            "reading CSV files needs pandas: pip install pandas "
            '(or pip install "skmlp[pandas]")'
        ) from None
    return pandas


def read_csv(path):
    """Read ``path`` into a DataFrame, turning every failure into a CLIError."""
    pandas = _import_pandas()
    if not os.path.exists(path):
        raise CLIError(f"no such file: {path}")
    try:
        frame = pandas.read_csv(path)
    except (OSError, ValueError) as error:
        # pandas' ParserError and EmptyDataError are ValueErrors; a directory
        # or an unreadable file is an OSError.
        raise CLIError(f"cannot read {path} as CSV: {error}") from None
    if frame.shape[0] == 0:
        raise CLIError(f"{path} has a header but no data rows")
    return frame


def _check_features(frame, path):
    """Numeric, complete feature columns as float64 (keeping their names)."""
    if frame.shape[1] == 0:
        raise CLIError(f"{path} has no feature columns")
    pandas = _import_pandas()
    not_numeric = [
        str(name)
        for name in frame.columns
        if not pandas.api.types.is_numeric_dtype(frame[name])
    ]
    if not_numeric:
        raise CLIError(
            f"feature columns must be numeric; in {path} these are not: "
            f"{_names(not_numeric)}"
        )
    missing = [str(name) for name in frame.columns if frame[name].isna().any()]
    if missing:
        raise CLIError(
            f"feature columns must not have missing values; in {path} these do: "
            f"{_names(missing)}"
        )
    frame = frame.astype(np.float64)
    # pandas reads "inf" as a number; name the column rather than leave it to
    # the scaler's generic "Input X contains infinity".
    infinite = [str(name) for name in frame.columns if np.isinf(frame[name]).any()]
    if infinite:
        raise CLIError(
            f"feature columns must be finite; in {path} these are not: "
            f"{_names(infinite)}"
        )
    return frame


def _names(names, limit=10):
    """A short, readable list of column names for an error message."""
    names = [str(name) for name in names]
    shown = ", ".join(repr(name) for name in names[:limit])
    if len(names) > limit:
        shown += f", ... ({len(names)} in all)"
    return shown


def load_csv(path, target):
    """Features (a DataFrame, so the model learns their names) and labels."""
    frame = read_csv(path)
    if target not in frame.columns:
        raise CLIError(
            f"target column {target!r} is not in {path}; its columns are "
            f"{_names(frame.columns)}"
        )
    y = frame[target]
    if y.isna().any():
        raise CLIError(f"target column {target!r} in {path} has missing values")
    X = _check_features(frame.drop(columns=[target]), path)
    return X, y.to_numpy()


def load_bundled(name):
    """Features and labels of one of scikit-learn's bundled datasets."""
    loader = getattr(datasets, f"load_{name}")
    return loader(return_X_y=True)


def load_data(args):
    """``(X, y, description)`` from ``--csv/--target`` or ``--dataset``."""
    if args.csv is not None:
        if args.dataset is not None:
            raise CLIError("give either --dataset or --csv, not both")
        if args.target is None:
            raise CLIError("--csv needs --target COLUMN, the name of the label column")
        X, y = load_csv(args.csv, args.target)
        return X, y, args.csv
    if args.target is not None:
        raise CLIError("--target only applies to --csv data")
    name = args.dataset or "digits"
    X, y = load_bundled(name)
    return X, y, name


def split_data(X, y, args):
    """Stratified train / held-out test split."""
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise CLIError(
            f"the target has a single class ({classes[0]!r}); a classifier needs "
            "at least two"
        )
    try:
        return train_test_split(
            X, y, test_size=args.test_size, stratify=y, random_state=args.random_state
        )
    except ValueError as error:
        raise CLIError(
            f"cannot split off a stratified test set of --test-size "
            f"{args.test_size} (the smallest class has {counts.min()} samples): "
            f"{error}"
        ) from None


# -- model -----------------------------------------------------------------------


def make_model(args, n_classes, *, verbose, **lambdas):
    """The scaler + classifier pipeline that every command trains."""
    estimator = BinaryMLPClassifier if n_classes == 2 else MulticlassMLPClassifier
    classifier = estimator(
        hidden_layer_sizes=args.hidden,
        activation=args.activation,
        dropout=args.dropout,
        optimizer=args.optimizer,
        learning_rate=args.learning_rate,
        learning_rate_decay=args.learning_rate_decay,
        batch_size=args.batch_size,
        max_iter=args.epochs,
        early_stopping=args.early_stopping,
        random_state=args.random_state,
        verbose=verbose,
        **lambdas,
    )
    return Pipeline([("scaler", StandardScaler()), (CLASSIFIER_STEP, classifier)])


def evaluate(model, X, y):
    """Accuracy and data log-loss (no regularization term) on ``(X, y)``."""
    proba = model.predict_proba(X)
    accuracy = float(np.mean(model.predict(X) == y))
    return accuracy, log_loss(y, proba, labels=model.classes_)


def _validation_line(model, X, y):
    accuracy, loss = evaluate(model, X, y)
    return f"Validation, acc: {accuracy:.3f}, loss: {loss:.3f}"


def _check_writable(path):
    # Checked before training so a typo in --save does not waste the training.
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CLIError(f"cannot save the model to {path}: no directory {directory}")
    if os.path.isdir(path):
        raise CLIError(f"cannot save the model to {path}: it is a directory")


def save_model(model, path):
    try:
        joblib.dump(model, path)
    except OSError as error:
        raise CLIError(f"cannot save the model to {path}: {error}") from None


def load_model(path):
    """A fitted skmlp model (pipeline or bare estimator) saved with joblib."""
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
    if not isinstance(final, (BinaryMLPClassifier, MulticlassMLPClassifier)):
        raise CLIError(
            f"{path} holds a {type(model).__name__}, not an skmlp classifier"
        )
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise CLIError(f"the model in {path} has not been fitted") from None
    return model


def _prediction_features(model, frame, path):
    """The columns of ``frame`` the model was trained on, in training order."""
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        # Trained on --csv data: select by name, so the target column and any
        # other extra column (an id, say) are simply left out.
        absent = [name for name in names if name not in frame.columns]
        if absent:
            raise CLIError(
                f"{path} lacks feature columns the model was trained on: "
                f"{_names(absent)}"
            )
        return _check_features(frame[list(names)], path)
    # Trained on a bundled dataset (a bare array): the columns carry no names,
    # so all of them except the target are the features, by position.
    if BUNDLED_TARGET in frame.columns:
        frame = frame.drop(columns=[BUNDLED_TARGET])
    n_features = model.n_features_in_
    if frame.shape[1] != n_features:
        raise CLIError(
            f"the model expects {n_features} feature columns, {path} has "
            f"{frame.shape[1]} (not counting a '{BUNDLED_TARGET}' column)"
        )
    # An array, because the model was fitted without feature names and
    # scikit-learn would warn about names it cannot check.
    return _check_features(frame, path).to_numpy()


# -- commands --------------------------------------------------------------------


def train(args):
    """``skmlp train``: fit, report per-epoch and held-out scores, save."""
    if args.save:
        _check_writable(args.save)
    X, y, source = load_data(args)
    X_train, X_test, y_train, y_test = split_data(X, y, args)
    n_classes = len(np.unique(y))
    model = make_model(
        args,
        n_classes,
        verbose=0 if args.quiet else 1,
        **{param: getattr(args, option) for option, param in LAMBDAS.items()},
    )
    if not args.quiet:
        print(
            f"Training {type(model[-1]).__name__} on {source}: "
            f"{len(y_train)} training and {len(y_test)} test samples, "
            f"{X.shape[1]} features, {n_classes} classes"
        )
    model.fit(X_train, y_train)
    line = _validation_line(model, X_test, y_test)
    if args.save:
        save_model(model, args.save)
    print(line)
    return 0


def predict(args):
    """``skmlp predict``: labels (and probabilities) of the rows of a CSV."""
    if args.output:
        _check_writable_output(args.output)
    model = load_model(args.model)
    frame = read_csv(args.csv)
    X = _prediction_features(model, frame, args.csv)
    pandas = _import_pandas()
    predictions = model.predict(X)
    classes = model.classes_
    if predictions.ndim == 2:
        # A multilabel BinaryMLPClassifier saved from Python: one 0/1 column
        # per label.
        out = pandas.DataFrame(
            predictions, columns=[f"prediction_{label}" for label in classes]
        )
    else:
        out = pandas.DataFrame({"prediction": predictions})
    if args.proba:
        proba = model.predict_proba(X)
        for label, column in zip(classes, proba.T):
            out[f"proba_{label}"] = column
    if args.output:
        try:
            out.to_csv(args.output, index=False)
        except OSError as error:
            raise CLIError(f"cannot write {args.output}: {error}") from None
    else:
        out.to_csv(sys.stdout, index=False)
    return 0


def _check_writable_output(path):
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CLIError(f"cannot write {path}: no directory {directory}")


def grid(args):
    """``skmlp grid``: cross-validated search over the regularization lambdas."""
    if args.save:
        _check_writable(args.save)
    grid_values = {
        option: getattr(args, option)
        for option in LAMBDAS
        if getattr(args, option) is not None
    }
    if not grid_values:
        grid_values = {"l2": _lambda_list(DEFAULT_L2_GRID)}
    X, y, source = load_data(args)
    X_train, X_test, y_train, y_test = split_data(X, y, args)
    n_classes = len(np.unique(y))
    # Per-epoch lines from every fold of every setting would drown the table.
    model = make_model(args, n_classes, verbose=0)
    param_grid = {
        f"{CLASSIFIER_STEP}__{LAMBDAS[option]}": values
        for option, values in grid_values.items()
    }
    search = GridSearchCV(
        model, param_grid, cv=args.cv, n_jobs=args.n_jobs, error_score="raise"
    )
    n_settings = math.prod(len(values) for values in grid_values.values())
    print(
        f"Grid search of {type(model[-1]).__name__} on {source}: {n_settings} "
        f"settings x {args.cv}-fold CV on {len(y_train)} training samples"
    )
    search.fit(X_train, y_train)
    print(format_results(search.cv_results_, list(grid_values)))
    best = ", ".join(
        f"{option}={search.best_params_[f'{CLASSIFIER_STEP}__{LAMBDAS[option]}']:g}"
        for option in grid_values
    )
    print(f"Best parameters: {best} (mean CV accuracy {search.best_score_:.3f})")
    line = _validation_line(search.best_estimator_, X_test, y_test)
    if args.save:
        save_model(search.best_estimator_, args.save)
    print(line)
    return 0


def format_results(cv_results, options):
    """The ranked table of a GridSearchCV: one row per parameter setting."""
    header = ["rank", *options, "mean_test_score", "std_test_score"]
    order = np.argsort(cv_results["rank_test_score"], kind="stable")
    rows = [
        [
            str(cv_results["rank_test_score"][i]),
            *(
                f"{cv_results[f'param_{CLASSIFIER_STEP}__{LAMBDAS[option]}'][i]:g}"
                for option in options
            ),
            f"{cv_results['mean_test_score'][i]:.3f}",
            f"{cv_results['std_test_score'][i]:.3f}",
        ]
        for i in order
    ]
    widths = [max(len(row[j]) for row in [header, *rows]) for j in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        for row in [header, *rows]
    )


# -- parser ----------------------------------------------------------------------


def _data_options():
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("data")
    # Not an argparse mutually exclusive group: nested in an argument group it
    # lists its options outside the group in --help; load_data checks instead.
    group.add_argument(
        "--dataset",
        choices=DATASETS,
        help="a dataset bundled with scikit-learn (default: digits); "
        "breast_cancer trains the BinaryMLPClassifier",
    )
    group.add_argument(
        "--csv",
        metavar="PATH",
        help="your own data: a CSV file with a header, numeric feature columns "
        "and a label column named by --target (needs pandas)",
    )
    group.add_argument(
        "--target",
        metavar="COLUMN",
        help="the label column of --csv; two classes train the "
        "BinaryMLPClassifier, more the MulticlassMLPClassifier",
    )
    group.add_argument(
        "--test-size",
        type=_test_fraction,
        default=DEFAULT_TEST_SIZE,
        metavar="FRACTION",
        help="fraction held out, stratified, for the final Validation line "
        "(default: %(default)s)",
    )
    group.add_argument(
        "--random-state",
        type=_random_state,
        default=DEFAULT_RANDOM_STATE,
        metavar="SEED",
        help="seed of the split, the initialisation, shuffling and dropout; "
        "'none' for a different run each time (default: %(default)s)",
    )
    return parent


def _model_options():
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("network and training")
    group.add_argument(
        "--hidden",
        type=_hidden_sizes,
        default=_hidden_sizes(DEFAULT_HIDDEN),
        metavar="SIZES",
        help="comma-separated widths of the hidden layers, e.g. 64,32; '' or 0 "
        f"for none (default: {DEFAULT_HIDDEN})",
    )
    group.add_argument(
        "--activation",
        choices=tuple(ACTIVATIONS),
        default="relu",
        help="hidden activation (default: %(default)s)",
    )
    group.add_argument(
        "--dropout",
        type=_dropout_rate,
        default=0.0,
        metavar="RATE",
        help="dropout rate after each hidden layer, in [0, 1) (default: %(default)s)",
    )
    group.add_argument(
        "--optimizer",
        choices=("sgd", "adagrad", "rmsprop", "adam"),
        default="adam",
        help="(default: %(default)s)",
    )
    group.add_argument(
        "--learning-rate",
        type=_positive_float,
        default=DEFAULT_LEARNING_RATE,
        metavar="LR",
        help="initial step size (default: %(default)s)",
    )
    group.add_argument(
        "--learning-rate-decay",
        type=_non_negative_float,
        default=0.0,
        metavar="DECAY",
        help="lr_t = lr / (1 + decay * t), t = optimizer steps (default: %(default)s)",
    )
    group.add_argument(
        "--epochs",
        type=_positive_int,
        default=DEFAULT_EPOCHS,
        metavar="N",
        help="maximum number of epochs; training may stop earlier when the loss "
        "stops improving (default: %(default)s)",
    )
    group.add_argument(
        "--batch-size",
        type=_batch_size,
        default=DEFAULT_BATCH_SIZE,
        metavar="N",
        help="minibatch size, or 'auto' for min(200, n_samples) (default: %(default)s)",
    )
    group.add_argument(
        "--early-stopping",
        action="store_true",
        help="hold out 10%% of the training data and stop when its accuracy "
        "stops improving, keeping the best weights",
    )
    return parent


def _lambda_options(parser, *, grid):
    group = parser.add_argument_group(
        "regularization (lists of values to search)" if grid else "regularization"
    )
    what = {
        "l1": "L1 penalty lambda on the weights",
        "l2": "L2 penalty lambda on the weights",
        "bias_l1": "L1 penalty lambda on the biases",
        "bias_l2": "L2 penalty lambda on the biases",
    }
    for option, text in what.items():
        flag = "--" + option.replace("_", "-")
        if grid:
            default_note = (
                f"default: {DEFAULT_L2_GRID} when no lambda is given"
                if option == "l2"
                else "default: 0"
            )
            group.add_argument(
                flag,
                dest=option,
                type=_lambda_list,
                metavar="VALUES",
                help=f"comma-separated values of the {text} ({default_note})",
            )
        else:
            group.add_argument(
                flag,
                dest=option,
                type=_non_negative_float,
                default=0.0,
                metavar="LAMBDA",
                help=f"{text} (default: %(default)s)",
            )


def _save_option(parser, what):
    parser.add_argument(
        "--save",
        metavar="PATH",
        help=f"save the fitted {what} (scaler + classifier pipeline) with joblib, "
        "for 'skmlp predict'",
    )


def build_parser():
    """The argument parser of the ``skmlp`` command and its subcommands."""
    parser = _Parser(
        prog="skmlp",
        description="Train, apply and tune skmlp neural-network classifiers "
        "from the shell.",
        epilog="examples:\n"
        "  skmlp train\n"
        "  skmlp train --dataset breast_cancer --hidden 32 --l2 1e-4 "
        "--save model.joblib\n"
        "  skmlp predict model.joblib new.csv --proba --output predictions.csv\n"
        "  skmlp grid --dataset wine --l2 0,1e-4,1e-3 --cv 5\n"
        "\nRun 'skmlp COMMAND --help' for the options of a command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title="commands"
    )
    data, model = _data_options(), _model_options()

    train_parser = commands.add_parser(
        "train",
        parents=[data, model],
        help="train on a bundled dataset or a CSV, report held-out accuracy",
        description="Train a network (a StandardScaler + skmlp classifier "
        "pipeline) and print one line per epoch, then the accuracy and log-loss "
        "on a held-out stratified test split.",
    )
    _lambda_options(train_parser, grid=False)
    train_parser.add_argument(
        "--quiet",
        action="store_true",
        help="print only the final Validation line",
    )
    _save_option(train_parser, "model")
    train_parser.set_defaults(func=train)

    predict_parser = commands.add_parser(
        "predict",
        help="apply a saved model to a CSV",
        description="Predict the rows of a CSV with a model saved by "
        "'skmlp train --save' or 'skmlp grid --save'. The CSV needs the "
        "model's feature columns: by name for a model trained with --csv "
        "(other columns, such as the target, are ignored), otherwise as many "
        f"numeric columns as the model has features (a '{BUNDLED_TARGET}' "
        "column is dropped). Only load model files you trust: joblib files "
        "can run code when loaded.",
    )
    predict_parser.add_argument("model", metavar="MODEL", help="saved model file")
    predict_parser.add_argument("csv", metavar="CSV", help="CSV file with a header")
    predict_parser.add_argument(
        "--output",
        metavar="PATH",
        help="write the predictions CSV here (default: standard output)",
    )
    predict_parser.add_argument(
        "--proba",
        action="store_true",
        help="add one probability column per class, named proba_<label>",
    )
    predict_parser.set_defaults(func=predict)

    grid_parser = commands.add_parser(
        "grid",
        parents=[data, model],
        help="cross-validated grid search over the L1/L2 lambdas",
        description="Grid-search the regularization lambdas with "
        "scikit-learn's GridSearchCV on the training split, print the ranked "
        "results and the best parameters, then the best model's accuracy and "
        "log-loss on the held-out test split.",
    )
    _lambda_options(grid_parser, grid=True)
    grid_parser.add_argument(
        "--cv",
        type=_cv_folds,
        default=DEFAULT_CV,
        metavar="FOLDS",
        help="number of stratified cross-validation folds (default: %(default)s)",
    )
    grid_parser.add_argument(
        "--n-jobs",
        type=_n_jobs,
        default=1,
        metavar="N",
        help="parallel fits; -1 uses all cores (default: %(default)s)",
    )
    _save_option(grid_parser, "best model")
    grid_parser.set_defaults(func=grid)
    return parser


# -- entry point -----------------------------------------------------------------


def _one_line(error):
    # Messages of pandas and scikit-learn sometimes span lines; the error
    # report is one line.
    return " ".join(str(error).split())


@contextlib.contextmanager
def _warnings_as_lines():
    """Show warnings as ``skmlp: warning: ...`` lines instead of source excerpts."""

    def show(message, category, filename, lineno, file=None, line=None):
        print(f"skmlp: warning: {_one_line(message)}", file=sys.stderr)

    with warnings.catch_warnings():
        # --epochs is the user's explicit budget: reaching it is not news.
        warnings.filterwarnings(
            "ignore",
            message="Stochastic Optimizer: Maximum iterations",
            category=ConvergenceWarning,
        )
        warnings.showwarning = show
        yield


def main(argv=None):
    """Run the ``skmlp`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 2 on a usage or input error (reported as one
        ``skmlp: error: ...`` line on stderr).

    Examples
    --------
    In a shell: ``skmlp train``, ``skmlp train --dataset iris --l2 1e-4``,
    ``skmlp grid --l2 0,1e-3``. From Python:

    >>> from skmlp._cli import main
    >>> main(["train", "--dataset", "iris", "--quiet", "--epochs", "5"])
    Validation, acc: ..., loss: ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        with _warnings_as_lines():
            return args.func(args)
    except SystemExit as exit:
        # --help and --version end argparse with SystemExit(0); returning the
        # status keeps main() callable in-process.
        return exit.code
    except BrokenPipeError:
        # The reader of stdout went away (``skmlp predict ... | head``).
        # Point stdout at devnull so the interpreter's final flush is silent.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (CLIError, ValueError, OSError) as error:
        # CLIError is ours; ValueError is how scikit-learn reports a bad
        # parameter or bad data; OSError a file that cannot be read or written.
        print(f"skmlp: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("skmlp: interrupted", file=sys.stderr)
        return 130

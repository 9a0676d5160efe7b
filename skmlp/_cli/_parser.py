"""The argument parser of ``skmlp`` and its commands.

Only the standard library and the name tables of :mod:`skmlp._registry` are
imported here: ``skmlp --help`` and ``skmlp train --help`` build this parser
and nothing else, so they answer at once instead of waiting a second for
scikit-learn.  A command is named by the module that runs it
(``args.command_module``), imported only once the arguments are parsed.
"""

import argparse

from .. import __version__
from .._registry import HIDDEN_ACTIVATIONS, OPTIMIZERS, REGRESSION_LOSSES
from . import _option_types as types
from ._errors import CLIError

# Bundled with scikit-learn, so ``skmlp train`` works without a download
# (diabetes has a numeric target: a regression).
DATASETS = ("digits", "iris", "wine", "breast_cancer", "diabetes")

# --task: what the target asks for; "auto" decides from the target.
TASK_CHOICES = ("auto", "classification", "regression")

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

# A numeric target of whole numbers with more distinct values than this is a
# quantity (a count, a price), not class labels.
MAX_CLASSES_OF_NUMBERS = 20

# command-line name -> estimator parameter of the four lambdas
LAMBDAS = {
    "l1": "weight_regularizer_l1",
    "l2": "weight_regularizer_l2",
    "bias_l1": "bias_regularizer_l1",
    "bias_l2": "bias_regularizer_l2",
}

_LAMBDA_HELP = {
    "l1": "L1 penalty lambda on the weights",
    "l2": "L2 penalty lambda on the weights",
    "bias_l1": "L1 penalty lambda on the biases",
    "bias_l2": "L2 penalty lambda on the biases",
}


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, like every other error.

    argparse prints the whole usage block before its message; with several
    dozen options that buries the one line that matters.
    """

    def error(self, message):
        raise CLIError(f"{message} (see '{self.prog} --help')")


def _data_options():
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("data")
    # Not an argparse mutually exclusive group: nested in an argument group it
    # lists its options outside the group in --help; the data loader checks.
    group.add_argument(
        "--dataset",
        choices=DATASETS,
        help="a dataset bundled with scikit-learn (default: digits); "
        "breast_cancer trains the BinaryMLPClassifier, diabetes the "
        "MLPRegressor",
    )
    group.add_argument(
        "--csv",
        metavar="PATH",
        help="your own data: a CSV file with a header row and a target column "
        "named by --target; text columns are one-hot encoded and missing "
        "feature values imputed (needs pandas)",
    )
    group.add_argument(
        "--target",
        metavar="COLUMN",
        help="the target column of --csv: class labels (two classes train "
        "the BinaryMLPClassifier, more the MulticlassMLPClassifier) or numbers "
        "(the MLPRegressor; see --task)",
    )
    group.add_argument(
        "--task",
        choices=TASK_CHOICES,
        default="auto",
        help="classification or regression; 'auto' chooses regression for a "
        "numeric target that is not all whole numbers or has more than "
        f"{MAX_CLASSES_OF_NUMBERS} distinct values, and says why "
        "(default: %(default)s)",
    )
    _separator_option(group)
    group.add_argument(
        "--drop",
        type=types.column_list,
        default=[],
        metavar="COL[,COL...]",
        help="columns of --csv that are not features, such as an id",
    )
    group.add_argument(
        "--test-size",
        type=types.test_fraction,
        default=DEFAULT_TEST_SIZE,
        metavar="FRACTION",
        help="fraction held out (stratified for classification) for the final "
        "Validation line; 0 "
        "trains on every row, with no held-out score (default: %(default)s)",
    )
    group.add_argument(
        "--random-state",
        type=types.random_state,
        default=DEFAULT_RANDOM_STATE,
        metavar="SEED",
        help="seed of the split, the initialisation, shuffling and dropout; "
        "'none' for a different run each time (default: %(default)s)",
    )
    return parent


def _separator_option(group):
    group.add_argument(
        "--sep",
        type=types.separator,
        metavar="CHAR",
        help="the field separator of the CSV file, e.g. ';' or tab (default: "
        "detected from the header among , ; tab |)",
    )


def _model_options():
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("network and training")
    group.add_argument(
        "--hidden",
        type=types.hidden_sizes,
        default=types.hidden_sizes(DEFAULT_HIDDEN),
        metavar="SIZES",
        help="comma-separated widths of the hidden layers, e.g. 64,32; '' or 0 "
        f"for none (default: {DEFAULT_HIDDEN})",
    )
    group.add_argument(
        "--activation",
        choices=tuple(HIDDEN_ACTIVATIONS),
        default="relu",
        help="hidden activation (default: %(default)s)",
    )
    group.add_argument(
        "--dropout",
        type=types.dropout_rate,
        default=0.0,
        metavar="RATE",
        help="dropout rate after each hidden layer, in [0, 1) (default: %(default)s)",
    )
    group.add_argument(
        "--optimizer",
        choices=tuple(OPTIMIZERS),
        default="adam",
        help="(default: %(default)s)",
    )
    group.add_argument(
        "--learning-rate",
        type=types.positive_float,
        default=DEFAULT_LEARNING_RATE,
        metavar="LR",
        help="initial step size (default: %(default)s)",
    )
    group.add_argument(
        "--learning-rate-decay",
        type=types.non_negative_float,
        default=0.0,
        metavar="DECAY",
        help="lr_t = lr / (1 + decay * t), t = optimizer steps (default: %(default)s)",
    )
    group.add_argument(
        "--epochs",
        type=types.positive_int,
        default=DEFAULT_EPOCHS,
        metavar="N",
        help="maximum number of epochs; training may stop earlier when the loss "
        "stops improving (default: %(default)s)",
    )
    group.add_argument(
        "--batch-size",
        type=types.batch_size,
        default=DEFAULT_BATCH_SIZE,
        metavar="N",
        help="minibatch size, or 'auto' for min(200, n_samples) (default: %(default)s)",
    )
    group.add_argument(
        "--early-stopping",
        action="store_true",
        help="hold out 10%% of the training data and stop when its accuracy "
        "(R² for regression) stops improving, keeping the best epoch's weights",
    )
    group.add_argument(
        "--loss",
        choices=tuple(REGRESSION_LOSSES),
        default="squared_error",
        help="the regression loss (regression only): squared_error and "
        "absolute_error train on the standardized target, poisson (for counts, "
        "non-negative) on the raw one (default: %(default)s)",
    )
    return parent


def _lambda_options(parser, *, grid):
    group = parser.add_argument_group(
        "regularization (lists of values to search)" if grid else "regularization"
    )
    for option, text in _LAMBDA_HELP.items():
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
                type=types.lambda_list,
                metavar="VALUES",
                help=f"comma-separated values of the {text} ({default_note})",
            )
        else:
            group.add_argument(
                flag,
                dest=option,
                type=types.non_negative_float,
                default=0.0,
                metavar="LAMBDA",
                help=f"{text} (default: %(default)s)",
            )


def _save_option(parser, what):
    parser.add_argument(
        "--save",
        metavar="PATH",
        help=f"save the fitted {what} (preprocessing + network pipeline) with "
        "joblib, for 'skmlp predict'",
    )


def _add_train(commands, data, model):
    parser = commands.add_parser(
        "train",
        parents=[data, model],
        help="train on a bundled dataset or a CSV, report the held-out score",
        description="Train a network (a scikit-learn Pipeline of the "
        "preprocessing and an skmlp classifier or regressor, chosen from the "
        "target): print the settings, one line per epoch, then the accuracy "
        "and log-loss (R² and the loss, for regression) on a held-out test "
        "split. Ctrl-C stops at once, with exit status 130 and no file "
        "written.",
    )
    _lambda_options(parser, grid=False)
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print only the final Validation line",
    )
    _save_option(parser, "model")
    parser.set_defaults(command_module="_train")


def _add_predict(commands):
    parser = commands.add_parser(
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
    parser.add_argument("model", metavar="MODEL", help="saved model file")
    parser.add_argument("csv", metavar="CSV", help="CSV file with a header")
    parser.add_argument(
        "--output",
        metavar="PATH",
        help="write the predictions CSV here, complete or not at all "
        "(default: standard output)",
    )
    parser.add_argument(
        "--proba",
        action="store_true",
        help="add one probability column per class, named proba_<label> "
        "(classifiers only)",
    )
    parser.add_argument(
        "--id-column",
        metavar="COLUMN",
        help="copy this column of the CSV into the output, as its first column",
    )
    parser.add_argument(
        "--precision",
        type=types.decimals,
        metavar="N",
        help="round the probabilities to N decimals (default: full precision)",
    )
    _separator_option(parser)
    parser.set_defaults(command_module="_predict")


def _add_grid(commands, data, model):
    parser = commands.add_parser(
        "grid",
        parents=[data, model],
        help="cross-validated grid search over the L1/L2 lambdas",
        description="Cross-validate every combination of the given "
        "regularization lambdas on the training split, printing one line per "
        "finished fit with an estimate of the time left; then the ranked "
        "results, the best parameters and the best model's accuracy and "
        "log-loss on the held-out test split.",
    )
    _lambda_options(parser, grid=True)
    parser.add_argument(
        "--cv",
        type=types.cv_folds,
        default=DEFAULT_CV,
        metavar="FOLDS",
        help="number of cross-validation folds, stratified for classification "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--n-jobs",
        type=types.n_jobs,
        default=1,
        metavar="N",
        help="parallel fits; -1 uses all cores (default: %(default)s)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print no progress, only the ranked table and the results",
    )
    _save_option(parser, "best model")
    parser.set_defaults(command_module="_grid")


def build_parser():
    """The argument parser of the ``skmlp`` command and its subcommands."""
    parser = _Parser(
        prog="skmlp",
        description="Train, apply and tune skmlp neural networks (classifiers "
        "and regressors) from the shell.",
        epilog="examples:\n"
        "  skmlp train\n"
        "  skmlp train --dataset breast_cancer --hidden 32 --l2 1e-4 "
        "--save model.joblib\n"
        "  skmlp train --csv data.csv --target label --drop id --save model.joblib\n"
        "  skmlp train --csv houses.csv --target price --loss absolute_error\n"
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
    _add_train(commands, data, model)
    _add_predict(commands)
    _add_grid(commands, data, model)
    return parser

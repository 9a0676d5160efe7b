"""Where the commands' rows come from: bundled datasets and CSV files.

pandas is an optional extra (``skmlp[pandas]``): it is imported here, only
when a CSV is read, with a message saying how to install it when missing.
"""

import csv
import os
from dataclasses import dataclass, field

import numpy as np

from . import _interrupts
from ._errors import CLIError, quoted_names

# Separators tried when --sep is not given, in order of preference on a tie.
CANDIDATE_SEPARATORS = (",", ";", "\t", "|")
_SEPARATOR_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
# Enough lines to see that a separator splits every line alike, few enough to
# read instantly from a file of any size.
_SNIFF_LINES = 50


def import_pandas():
    """pandas, or a CLIError saying how to install it."""
    try:
        import pandas
    except ImportError:
        raise CLIError(
            "reading CSV files needs pandas: pip install pandas "
            '(or pip install "skmlp[pandas]")'
        ) from None
    return pandas


def separator_name(sep):
    """How a separator is named in messages: ``';'``, ``tab``."""
    return _SEPARATOR_NAMES.get(sep, repr(sep))


def detect_separator(path):
    """The candidate separator that splits the header into the most fields.

    Only a separator that gives the data lines the header's number of fields
    counts, so a ``;`` file with decimal commas in its data (common where
    ``;`` is the custom) is still read with ``;``.  Falls back to ``,`` (a
    file with a single column has no separator to find).
    """
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        lines = [line for _, line in zip(range(_SNIFF_LINES + 1), handle)]
    if len(lines) > _SNIFF_LINES:
        lines = lines[:-1]  # possibly cut in the middle of a quoted field
    best, best_fields = ",", 1
    for sep in CANDIDATE_SEPARATORS:
        rows = [row for row in csv.reader(lines, delimiter=sep) if row]
        if not rows:
            continue
        n_fields = len(rows[0])
        consistent = sum(len(row) == n_fields for row in rows[1:])
        if n_fields > best_fields and consistent >= 0.9 * (len(rows) - 1):
            best, best_fields = sep, n_fields
    return best


def read_table(path, sep=None):
    """Read ``path`` into a DataFrame, turning every failure into a CLIError.

    Returns
    -------
    frame : DataFrame
    how : str
        How the separator was chosen, for the user: ``';' (detected)``.
    """
    pandas = import_pandas()
    if not os.path.exists(path):
        raise CLIError(f"no such file: {path}")
    try:
        how = f"{separator_name(sep)} (--sep)" if sep else None
        if sep is None:
            sep = detect_separator(path)
            how = f"{separator_name(sep)} (detected)"
        # pandas parses large files in threads that no exception may
        # interrupt (see _interrupts): Ctrl-C here ends the process at once.
        with _interrupts.exiting_at_once():
            frame = pandas.read_csv(path, sep=sep)
    except (OSError, ValueError, csv.Error) as error:
        # pandas' ParserError and EmptyDataError are ValueErrors; a directory
        # or an unreadable file is an OSError.
        raise CLIError(f"cannot read {path} as CSV: {error}") from None
    if frame.shape[0] == 0:
        raise CLIError(f"{path} has a header but no data rows")
    return frame, how


@dataclass
class Data:
    """The rows a command trains on.

    Attributes
    ----------
    X : DataFrame or ndarray
        Features: a DataFrame for a CSV (so the model learns the column
        names), an array for a bundled dataset.
    y : ndarray
        The target, with the user's labels (class names for bundled data).
    source : str
        The dataset's name or the CSV's path.
    target : str
        The target as messages name it: ``column 'label'``, ``of iris``.
    notes : list of str
        Lines telling the user how the file was read.
    """

    X: object
    y: np.ndarray
    source: str
    target: str
    notes: list = field(default_factory=list)


def load_training_data(args):
    """The :class:`Data` of ``--csv/--target`` or ``--dataset``."""
    if args.csv is not None:
        if args.dataset is not None:
            raise CLIError("give either --dataset or --csv, not both")
        if args.target is None:
            raise CLIError("--csv needs --target COLUMN, the name of the label column")
        return load_csv(args.csv, args.target, sep=args.sep, drop=args.drop)
    for option, value in (("--target", args.target), ("--sep", args.sep)):
        if value is not None:
            raise CLIError(f"{option} only applies to --csv data")
    if args.drop:
        raise CLIError("--drop only applies to --csv data")
    return load_bundled(args.dataset or "digits")


def load_bundled(name):
    """One of scikit-learn's bundled datasets, its targets as class names.

    The names (``malignant``/``benign``, the iris species) make the saved
    model predict them, rather than codes the user would have to look up.
    """
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{name}")()
    names = getattr(bunch, "target_names", None)  # none for a numeric target
    y = bunch.target if names is None else np.asarray(names)[bunch.target]
    return Data(X=bunch.data, y=y, source=name, target=f"of {name}")


def load_csv(path, target, *, sep=None, drop=()):
    """Features and target of a CSV file, without the ``drop`` columns."""
    frame, how = read_table(path, sep)
    absent = [name for name in [target, *drop] if name not in frame.columns]
    if absent:
        columns = _columns(frame)
        raise CLIError(f"{path} has no column {quoted_names(absent)}; {columns}")
    if target in drop:
        raise CLIError(f"--drop names the target column {target!r}")
    y = frame[target]
    missing = int(y.isna().sum())
    if missing:
        raise CLIError(
            f"the target column {target!r} has missing values in {missing} of "
            f"{len(y)} rows of {path}; remove those rows or fill them in"
        )
    X = frame.drop(columns=[target, *drop])
    if X.shape[1] == 0:
        raise CLIError(f"{path} has no feature columns besides {target!r}")
    note = (
        f"Read {path}: {frame.shape[0]} rows, {frame.shape[1]} columns, "
        f"separated by {how}"
    )
    if drop:
        note += f"; dropped {quoted_names(drop)} (--drop)"
    return Data(
        X=X, y=y.to_numpy(), source=path, target=f"column {target!r}", notes=[note]
    )


def _columns(frame):
    """``its columns are ...``, with a hint when the separator looks wrong."""
    text = f"its columns are {quoted_names(frame.columns)}"
    if frame.shape[1] == 1:
        text += " (one column: is the separator right? see --sep)"
    return text


@dataclass
class Split:
    """Training rows and held-out test rows (``None`` with ``--test-size 0``)."""

    X_train: object
    y_train: np.ndarray
    X_test: object = None
    y_test: np.ndarray = None

    @property
    def has_test(self):
        return self.y_test is not None


def split_data(data, *, test_size, stratify, random_state):
    """Split off the held-out test rows, stratified for classification."""
    if test_size == 0:
        return Split(data.X, data.y)
    from sklearn.model_selection import train_test_split

    try:
        X_train, X_test, y_train, y_test = train_test_split(
            data.X,
            data.y,
            test_size=test_size,
            stratify=data.y if stratify else None,
            random_state=random_state,
        )
    except ValueError as error:
        if not stratify:
            message = f"cannot split off --test-size {test_size}: {error}"
            raise CLIError(message) from None
        smallest = np.unique(data.y, return_counts=True)[1].min()
        raise CLIError(
            f"cannot split off a stratified test set of --test-size {test_size} "
            f"(the smallest class has {smallest} samples): {error}"
        ) from None
    return Split(X_train, y_train, X_test, y_test)

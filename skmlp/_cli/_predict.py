"""``skmlp predict``: apply a saved model to the rows of a CSV file."""

import sys

from . import _interrupts
from ._data import import_pandas, read_table
from ._errors import CLIError, quoted_names
from ._model import check_writable, column_kinds_of, load_model
from ._parser import BUNDLED_TARGET
from ._preprocessing import ColumnKinds, check_finite


def run(args):
    """Write one row of predictions per row of the CSV; return the exit status.

    The output file, if given, is written complete or not at all.
    """
    if args.output:
        check_writable(args.output, "predictions")
    model, task = load_model(args.model)
    frame, _ = read_table(args.csv, args.sep)
    if args.id_column is not None and args.id_column not in frame.columns:
        raise CLIError(
            f"{args.csv} has no column {args.id_column!r} (--id-column); its "
            f"columns are {quoted_names(frame.columns)}"
        )
    X = prediction_features(model, frame, args.csv, id_column=args.id_column)
    pandas = import_pandas()
    out = pandas.DataFrame(task.prediction_columns(model, X, proba=args.proba))
    if args.precision is not None:
        numbers = out.select_dtypes("floating").columns
        out[numbers] = out[numbers].round(args.precision)
    if args.id_column is not None:
        out.insert(0, args.id_column, frame[args.id_column].to_numpy())
    write_csv(out, args.output)
    return 0


def prediction_features(model, frame, path, *, id_column=None):
    """The columns of ``frame`` the model reads, as it was trained on them."""
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        # Trained on --csv data: select by name, so the target column and any
        # other extra column (an id, say) are simply left out.
        absent = [name for name in names if name not in frame.columns]
        if absent:
            raise CLIError(
                f"{path} lacks feature columns the model was trained on: "
                f"{quoted_names(absent)}"
            )
        X = frame[list(names)]
        kinds = column_kinds_of(model)
        _check_numeric(X, kinds.numeric, path)
        check_finite(X, kinds, path)
        return X
    # Trained on a bundled dataset (a bare array): the columns carry no names,
    # so all of them except the target and the id are the features, by position.
    extra = [name for name in (BUNDLED_TARGET, id_column) if name in frame.columns]
    frame = frame.drop(columns=extra)
    n_features = model.n_features_in_
    if frame.shape[1] != n_features:
        besides = f" besides {quoted_names(extra)}" if extra else ""
        raise CLIError(
            f"the model expects {n_features} feature columns, {path} has "
            f"{frame.shape[1]}{besides}"
        )
    _check_numeric(frame, frame.columns, path)
    check_finite(frame, ColumnKinds(numeric=list(frame.columns), text=[]), path)
    # An array, because the model was fitted without feature names and
    # scikit-learn would warn about names it cannot check.
    return frame.to_numpy(dtype=float)


def _check_numeric(frame, columns, path):
    from pandas import to_numeric
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    not_numeric = [
        name
        for name in columns
        if not is_numeric_dtype(frame[name]) or is_bool_dtype(frame[name])
    ]
    if not_numeric:
        values = frame[not_numeric[0]].dropna()
        odd = values[to_numeric(values, errors="coerce").isna()]
        example = f" (such as {odd.iloc[0]!r})" if len(odd) else ""
        raise CLIError(
            f"the model reads these columns as numbers, but in {path} they hold "
            f"text or booleans{example}: {quoted_names(not_numeric)}"
        )


def write_csv(frame, output):
    """Write ``frame`` to ``output``, a path or None for stdout.

    A file is written complete or not at all.  The standard output gets the
    whole CSV once it is rendered, so an interrupt while rendering writes
    nothing; the write itself stays interruptible, like any stream (a long
    listing in a terminal can be stopped).
    """
    if output is None:
        text = frame.to_csv(index=False, lineterminator="\n")
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with _interrupts.temporary_file(output, "w") as handle:
            frame.to_csv(handle, index=False, lineterminator="\n")
    except OSError as error:
        raise CLIError(f"cannot write {output}: {error}") from None

"""How the columns of a CSV become the network's inputs.

Numeric columns are imputed with their median and standardized; every other
column (text, booleans) is imputed with its most frequent value and one-hot
encoded, ignoring categories it did not see in training.  The steps are a
scikit-learn :class:`~sklearn.compose.ColumnTransformer` saved with the model,
so ``predict`` applies to new files exactly what ``train`` learned.
"""

from dataclasses import dataclass

import numpy as np

from ._errors import CLIError, quoted_names, warn

# Below this many rows a column that differs in every row is unremarkable.
_MIN_ROWS_FOR_ID_CHECK = 20
# A text column is suspected of being numbers spoilt by a few odd cells when
# at least this share of its values parse as numbers.
_MOSTLY_NUMBERS = 0.9


@dataclass
class ColumnKinds:
    """The feature columns by the preprocessing they get.

    Names for a DataFrame; positions for a bundled dataset's array.
    """

    numeric: list
    text: list


def column_kinds(X):
    """Numeric columns and the others (text, categories, booleans)."""
    if not hasattr(X, "columns"):
        return ColumnKinds(numeric=list(range(X.shape[1])), text=[])
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    numeric = [
        name
        for name in X.columns
        if is_numeric_dtype(X[name]) and not is_bool_dtype(X[name])
    ]
    text = [name for name in X.columns if name not in numeric]
    return ColumnKinds(numeric=numeric, text=text)


def make_preprocessor(kinds):
    """The ColumnTransformer of ``kinds``: imputation, scaling, one-hot."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    transformers = []
    if kinds.numeric:
        numeric = Pipeline(
            [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
        )
        transformers.append(("numeric", numeric, kinds.numeric))
    if kinds.text:
        text = Pipeline(
            [
                ("impute", SimpleImputer(strategy="most_frequent")),
                ("one_hot", OneHotEncoder(handle_unknown="ignore")),
            ]
        )
        transformers.append(("text", text, kinds.text))
    return ColumnTransformer(transformers)


def check_finite(X, kinds, path):
    """A CLIError naming the numeric columns that hold an infinity.

    pandas reads ``inf`` as a number; the imputer would stop on it with a
    message that names no column.
    """
    if not hasattr(X, "columns"):
        return
    infinite = [name for name in kinds.numeric if np.isinf(X[name].to_numpy()).any()]
    if infinite:
        raise CLIError(
            f"numeric columns must be finite; in {path} these are not: "
            f"{quoted_names(infinite)}"
        )


def describe(X, kinds):
    """One line per column kind saying what the preprocessing does to it.

    For example ``Numeric columns (2: 'age', 'fee'): missing values in 'age'
    (5 rows) imputed with the median; standardized``.
    """
    lines = []
    named = hasattr(X, "columns")
    if kinds.numeric:
        names = quoted_names(kinds.numeric) if named else ""
        lines.append(
            f"Numeric columns ({_count_and(kinds.numeric, names)}): "
            f"{_imputation(X, kinds.numeric, 'the median')}; standardized"
        )
    if kinds.text:
        names = ", ".join(
            f"{name!r} with {X[name].nunique()} values" for name in kinds.text[:10]
        ) + (", ..." if len(kinds.text) > 10 else "")
        lines.append(
            f"Text columns ({_count_and(kinds.text, names)}): "
            f"{_imputation(X, kinds.text, 'the most frequent value')}; one-hot "
            "encoded, values not seen in training as all zeros"
        )
    return lines


def _count_and(columns, names):
    return f"{len(columns)}: {names}" if names else str(len(columns))


def _imputation(X, columns, value):
    if hasattr(X, "columns"):
        counts = X[columns].isna().sum().to_numpy()
    else:
        counts = np.isnan(X[:, columns]).sum(axis=0)
    missing = [
        f"{name!r} ({count} {'row' if count == 1 else 'rows'})"
        for name, count in zip(columns, counts)
        if count
    ]
    if not missing:
        return "no missing values"
    shown = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
    return f"missing values in {shown} imputed with {value}"


def warn_about_suspicious_columns(X, kinds):
    """Warn about columns that are most likely not features as they stand.

    An id column used as a feature lets the network memorise rows instead of
    learning anything that carries to new ones; it is the user's decision,
    so it is named with the option that excludes it rather than dropped
    behind their back.
    """
    if not hasattr(X, "columns"):
        return
    n_rows = len(X)
    for name in kinds.numeric:
        values = X[name].dropna().to_numpy()
        if (
            n_rows >= _MIN_ROWS_FOR_ID_CHECK
            and len(values) == n_rows
            and np.all(values == np.round(values))
            and len(np.unique(values)) == n_rows
        ):
            warn(
                f"column {name!r} holds a different whole number in every row, "
                "as an id does; it is used as a feature (exclude it with "
                f"--drop {name})"
            )
    for name in kinds.text:
        _warn_about_text_column(X[name], name, n_rows)


def _warn_about_text_column(column, name, n_rows):
    from pandas import to_numeric

    values = column.dropna()
    if n_rows >= _MIN_ROWS_FOR_ID_CHECK and values.nunique() == n_rows:
        warn(
            f"column {name!r} holds a different text in every row, as an id or "
            "a free-text note does; one-hot encoded it gives the network nothing "
            f"that carries over to new rows (exclude it with --drop {name})"
        )
        return
    as_numbers = to_numeric(values, errors="coerce")
    not_numbers = values[as_numbers.isna()]
    if len(values) and 0 < len(not_numbers) <= (1 - _MOSTLY_NUMBERS) * len(values):
        examples = quoted_names(not_numbers.unique(), limit=3)
        warn(
            f"column {name!r} is read as text because of values such as "
            f"{examples}; if they mean 'missing', leave those cells empty so "
            "that the column is numeric"
        )

"""From the data options to rows ready to fit: what ``train`` and ``grid`` share."""

from dataclasses import dataclass

from ._data import Data, Split, load_training_data, split_data
from ._output import percent
from ._preprocessing import (
    ColumnKinds,
    check_finite,
    column_kinds,
    describe,
    warn_about_suspicious_columns,
)
from ._tasks import choose_task


@dataclass
class Prepared:
    """The data, its task (and why), its column kinds and its split."""

    data: Data
    task: object
    task_reason: str
    target_note: str | None
    kinds: ColumnKinds
    split: Split
    test_size: float


def prepare(args):
    """Load, check and split the data the options name.

    Every check that can fail runs here, before any training, and warnings
    about suspicious columns are printed once, before the split.
    """
    data = load_training_data(args)
    task, reason = choose_task(data.y, data.target, args.task, args.loss)
    kinds = column_kinds(data.X)
    check_finite(data.X, kinds, data.source)
    warn_about_suspicious_columns(data.X, kinds)
    split = split_data(
        data,
        test_size=args.test_size,
        stratify=task.stratified,
        random_state=args.random_state,
    )
    note = task.target_note(data.y, args.loss)
    return Prepared(data, task, reason, note, kinds, split, args.test_size)


def data_lines(prepared):
    """How the file was read, the rows used, the target and the preprocessing."""
    data, split = prepared.data, prepared.split
    if split.has_test:
        how = "stratified" if prepared.task.stratified else "random"
        rows = (
            f"{len(split.y_train)} training and {len(split.y_test)} test samples "
            f"({percent(prepared.test_size)} held out, {how})"
        )
    else:
        rows = f"all {len(split.y_train)} samples for training (--test-size 0)"
    target = f"target {data.target}: {prepared.task.describe_target(data.y)}"
    return [
        *data.notes,
        f"Data: {rows}, {data.X.shape[1]} feature columns; {target}",
        f"Task: {prepared.task.name} ({prepared.task_reason})",
        *([prepared.target_note] if prepared.target_note else []),
        *describe(data.X, prepared.kinds),
    ]

"""The training loop: a driver that takes its inputs and returns its history.

:func:`run_epochs` walks epochs and minibatches and calls small named steps:
:func:`train_epoch` (the minibatch steps of
:meth:`~skmlp._network.Network.train_step`), :func:`diverged`,
:func:`evaluate` (the validation data) and the stopping rule
(:class:`~skmlp._stopping.StoppingRule`).  It reads nothing from and writes
nothing into an estimator: what it learned comes back as a :class:`History`
of one :class:`EpochRecord` per completed epoch and the reason training
ended, from which the estimators derive their attributes and curves.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._callbacks import NoCallbacks

# Initial weights are below 1 in magnitude; a weight beyond this bound means
# the steps have run away (the clipped loss can stay finite while they do), and
# products of such weights with the data soon overflow at prediction time.
MAX_ABS_WEIGHT = 1e8


class EpochLog:
    """An estimator's record of its epochs over all calls: one dict of plain
    floats per completed epoch, from which every curve is read."""

    def __init__(self):
        self.records = []

    def extend(self, records):
        self.records.extend(records)

    def curve(self, key):
        return [record[key] for record in self.records]


class Batches:
    """Minibatches of ``(X, Y, sample_weight)``, reshuffled every epoch.

    Shuffling permutes an index vector, never the data; a shuffled batch is
    gathered into a reused buffer with ``np.take(..., out=...)``, an unshuffled
    one is a view.  No epoch copies ``X``.
    """

    def __init__(self, X, Y, sample_weight, batch_size, shuffle, generator):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        self.n_samples = X.shape[0]
        self.indices = np.arange(self.n_samples)
        self._gatherers = None

    def __len__(self):
        return -(-self.n_samples // self.batch_size)

    def _gatherer(self, array):
        """A function returning the rows ``index`` of ``array``, into one
        buffer reused by every batch (decided once: this runs per batch)."""
        if sp.issparse(array):
            return array.__getitem__
        buffer = np.empty((min(self.batch_size, self.n_samples), *array.shape[1:]),
                          dtype=array.dtype)
        take = array.take

        def gather(index):
            out = buffer if len(index) == len(buffer) else buffer[: len(index)]
            # mode="clip" because the default "raise" buffers the output again.
            return take(index, axis=0, out=out, mode="clip")

        return gather

    def __iter__(self):
        X, Y, weights = self.X, self.Y, self.sample_weight
        batch_size = self.batch_size
        starts = range(0, self.n_samples, batch_size)
        if not self.shuffle:
            for start in starts:
                stop = start + batch_size
                yield (X[start:stop], Y[start:stop],
                       None if weights is None else weights[start:stop])
            return
        self.generator.shuffle(self.indices)
        if self._gatherers is None:
            self._gatherers = self._gatherer(X), self._gatherer(Y)
        gather_X, gather_Y = self._gatherers
        for start in starts:
            index = self.indices[start:start + batch_size]
            yield (gather_X(index), gather_Y(index),
                   None if weights is None else weights[index])


@dataclass
class EpochRecord:
    """The numbers of one completed epoch (plain floats)."""

    data_loss: float
    regularization_loss: float
    learning_rate: float
    train_score: float | None = None
    validation_score: float | None = None
    validation_loss: float | None = None

    @property
    def loss(self):
        """The total loss: data loss plus regularization."""
        return self.data_loss + self.regularization_loss

    def as_dict(self):
        """The record as a dict of plain values, the total loss included."""
        # Built by hand: dataclasses.asdict deep-copies, a cost small fits
        # pay every epoch.
        return {**vars(self), "loss": self.loss}


@dataclass
class History:
    """What one call of :func:`run_epochs` did.

    ``end`` says why it ended: ``"max_iter"`` (every epoch asked for ran),
    ``"converged"`` (the stopping rule), ``"callback"`` (a callback asked),
    ``"diverged"`` (the epoch after the last record was undone) or
    ``"interrupted"`` (``KeyboardInterrupt``).
    """

    records: list = field(default_factory=list)
    end: str = "max_iter"


@dataclass
class EpochTotals:
    """Sums over the minibatches of one epoch, each weighted like its data
    loss."""

    loss: float = 0.0
    penalty: float = 0.0
    weight: float = 0.0
    score_statistics: object = 0.0


def train_epoch(network, optimizer, batches, score=None):
    """One pass of minibatch steps; returns the epoch's :class:`EpochTotals`.

    The data loss is the mean of the batches' (weighted) mean losses, each
    weighted by its number of samples (or its weights' sum); the penalty, at
    the weights each batch's forward pass used, is averaged the same way, so
    both parts of an epoch's loss describe the same weights.  With a
    ``score``, its statistics are summed over the batches' outputs, each at
    the weights its forward pass used.
    """
    totals = EpochTotals()
    for X_batch, Y_batch, w_batch in batches:
        loss, penalty = network.train_step(X_batch, Y_batch, w_batch, optimizer)
        weight = len(Y_batch) if w_batch is None else float(w_batch.sum())
        totals.loss += float(loss) * weight
        totals.penalty += penalty * weight
        totals.weight += weight
        if score is not None:
            totals.score_statistics = totals.score_statistics + score.statistics(
                network.head.output, Y_batch, w_batch)
    return totals


def diverged(record, params):
    """Whether an epoch left a non-finite loss or runaway weights."""
    if not (math.isfinite(record.data_loss)
            and math.isfinite(record.regularization_loss)):
        return True
    if not params.size:
        return False
    # max and min instead of abs().max(): no temporary the size of the model
    peak = max(params.max(), -params.min())
    return not peak <= MAX_ABS_WEIGHT  # also true for NaN


def evaluate(network, score, validation):
    """Score and data loss of the network on ``(X, Y, weights)``."""
    X_val, Y_val, w_val = validation
    outputs = network.outputs(X_val)
    return (
        score.score(outputs, Y_val, w_val),
        float(network.head.loss.calculate(outputs, Y_val, sample_weight=w_val)),
    )


def format_epoch(record, epoch, score_name):
    """The design notebook's per-epoch line."""
    line = (
        f"epoch: {epoch}, {score_name}: {record.train_score:.3f}, "
        f"loss: {record.loss:.3f} "
        f"(data_loss: {record.data_loss:.3f}, "
        f"reg_loss: {record.regularization_loss:.3f}), "
        f"lr: {record.learning_rate:.3g}"
    )
    if record.validation_score is not None:
        line += f", val_{score_name}: {record.validation_score:.3f}"
    return line


def run_epochs(
    network,
    optimizer,
    batches,
    *,
    max_epochs,
    stopping,
    score,
    validation=None,
    restore_best=False,
    stop_when_converged=True,
    verbose=False,
    callbacks=None,
    first_epoch=1,
):
    """Train ``network`` for up to ``max_epochs`` epochs; return a :class:`History`.

    Parameters
    ----------
    network : Network
    optimizer : Optimizer
    batches : iterable
        Yields ``(X, Y, sample_weight)`` minibatches, anew every epoch.
    max_epochs : int
    stopping : StoppingRule
        Updated after every epoch; its state carries over to the next call.
    score : score of :mod:`skmlp._scores`
        Scores the validation data every epoch (and the training batches,
        when ``verbose``).
    validation : tuple (X, Y, sample_weight) or None
    restore_best : bool
        End with the weights of the epoch of the best validation score (early
        stopping).
    stop_when_converged : bool
        Stop when the stopping rule says so (``partial_fit`` runs its epoch
        regardless).
    verbose : bool
        Print the notebook's line after every epoch, numbered from
        ``first_epoch``.
    callbacks : NoCallbacks or FitCallbacks, optional
        Hear every epoch, and may ask to stop after it.

    Never leaves non-finite weights: an epoch whose loss or weights are not
    finite is undone (and the optimizer's state reset).  ``KeyboardInterrupt``
    ends training with the weights it has.
    """
    callbacks = NoCallbacks() if callbacks is None else callbacks
    history = History()
    best_params = network.params.copy() if restore_best else None
    # The weights at the start of the epoch, to undo an epoch that diverges.
    start_params = np.empty_like(network.params)
    # Overflow inside a diverging epoch is detected and undone below, so the
    # floating-point warnings it would print carry no information.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        try:
            for epoch in range(first_epoch, first_epoch + max_epochs):
                np.copyto(start_params, network.params)
                callbacks.epoch_begin()
                totals = train_epoch(network, optimizer, batches,
                                     score if verbose else None)
                record = EpochRecord(
                    data_loss=totals.loss / totals.weight,
                    regularization_loss=totals.penalty / totals.weight,
                    learning_rate=float(optimizer.current_learning_rate),
                    train_score=(score.from_statistics(totals.score_statistics)
                                 if verbose else None),
                )
                if diverged(record, network.params):
                    network.params[...] = start_params
                    optimizer.reset()
                    history.end = "diverged"
                    break
                if validation is not None:
                    record.validation_score, record.validation_loss = evaluate(
                        network, score, validation)
                history.records.append(record)
                if verbose:
                    print(format_epoch(record, epoch, score.name))
                converged, new_best = stopping.update(
                    record.loss, record.validation_score)
                if new_best and restore_best:
                    best_params[...] = network.params
                if callbacks.epoch_end():
                    history.end = "callback"
                    break
                if converged and stop_when_converged:
                    if verbose:
                        print(stopping.message())
                    history.end = "converged"
                    break
        except KeyboardInterrupt:
            history.end = "interrupted"
    if restore_best:
        network.params[...] = best_params
    network.release_buffers()
    callbacks.fit_end()
    return history

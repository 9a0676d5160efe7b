"""The training loop: epochs of minibatch steps, stopping rules and the log.

It is a thin driver: batching is :class:`Batches`, one step is
:meth:`skmlp._network.Network.train_step`, the stopping rule is
:func:`update_no_improvement` (scikit-learn's ``MLPClassifier`` semantics) and
every per-epoch number goes into one :class:`EpochLog` record, from which the
estimators derive their curves.
"""

import math
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ._callbacks import NoCallbacks


class EpochLog:
    """One record (a dict of plain floats) per completed epoch."""

    def __init__(self):
        self.records = []

    def append(self, record):
        self.records.append(record)

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


# Initial weights are below 1 in magnitude; a weight beyond this bound means
# the steps have run away (the clipped loss can stay finite while they do), and
# products of such weights with the data soon overflow at prediction time.
MAX_ABS_WEIGHT = 1e8


def diverged(data_loss, regularization, params):
    """Whether an epoch left a non-finite loss or runaway weights."""
    if not (math.isfinite(data_loss) and math.isfinite(regularization)):
        return True
    if not params.size:
        return False
    # max and min instead of abs().max(): no temporary the size of the model
    peak = max(params.max(), -params.min())
    return not peak <= MAX_ABS_WEIGHT  # also true for NaN


def update_no_improvement(model, record, early_stopping):
    """Advance ``model``'s no-improvement counter; return whether to stop.

    Without early stopping an epoch counts as no improvement when its loss is
    not below ``best_loss_ - tol``; with it, when its validation score is not
    above ``best_validation_score_ + tol``.  Training stops once the counter
    exceeds ``n_iter_no_change``, exactly as in scikit-learn's MLP.  Returns
    ``(stop, improved)``; ``improved`` says the validation score is a new best.
    """
    improved = False
    if early_stopping:
        score = record["validation_score"]
        if score < model.best_validation_score_ + model.tol:
            model._no_improvement_count += 1
        else:
            model._no_improvement_count = 0
        if score > model.best_validation_score_:
            model.best_validation_score_ = score
            improved = True
    else:
        loss = record["loss"]
        if loss > model.best_loss_ - model.tol:
            model._no_improvement_count += 1
        else:
            model._no_improvement_count = 0
        if loss < model.best_loss_:
            model.best_loss_ = loss
    return model._no_improvement_count > model.n_iter_no_change, improved


def evaluate(model, network, validation):
    """Accuracy and data loss of the network on ``(X, Y, weights)``."""
    X_val, Y_val, w_val = validation
    proba = network.predict_proba(X_val)
    return {
        "validation_score": model._accuracy(proba, Y_val, w_val),
        "validation_loss": float(
            network.head.loss.calculate(proba, Y_val, sample_weight=w_val)
        ),
    }


def format_epoch(record, epoch):
    """The design notebook's per-epoch line."""
    accuracy = record["accuracy"]
    line = (
        f"epoch: {epoch}, acc: {accuracy:.3f}, loss: {record['loss']:.3f} "
        f"(data_loss: {record['data_loss']:.3f}, "
        f"reg_loss: {record['regularization_loss']:.3f}), "
        f"lr: {record['learning_rate']:.3g}"
    )
    if record["validation_score"] is not None:
        line += f", val_acc: {record['validation_score']:.3f}"
    return line


def run_epochs(
    model,
    *,
    network,
    optimizer,
    X,
    Y,
    sample_weight,
    validation,
    early_stopping,
    batch_size,
    max_epochs,
    shuffle,
    generator,
    stop_on_convergence,
    callbacks=None,
):
    """Train ``network`` for up to ``max_epochs`` epochs, logging into ``model``.

    ``model`` is the estimator: it supplies the stopping parameters and
    ``_accuracy``, and receives ``n_iter_``, ``t_``, the best scores and one
    :class:`EpochLog` record per epoch.  ``validation`` is ``(X, Y, weights)``
    or ``None``; it is scored every epoch, and with ``early_stopping`` it
    decides when to stop and which weights to keep.  ``callbacks`` (see
    :mod:`skmlp._callbacks`) hears every epoch and batch and may ask to stop.

    Never leaves non-finite weights: an epoch whose loss or weights are not
    finite is undone.  ``Ctrl-C`` ends training with a warning and a usable
    model.
    """
    callbacks = NoCallbacks() if callbacks is None else callbacks
    network.seed_dropout(generator)
    batches = Batches(X, Y, sample_weight, batch_size, shuffle, generator)
    best_params = network.params.copy() if early_stopping else None
    # The weights at the start of the epoch, to undo an epoch that diverges.
    start_params = np.empty_like(network.params)
    track_accuracy = bool(model.verbose)
    epochs_run = 0
    stopped = False
    # Overflow inside a diverging epoch is detected and undone below, so the
    # floating-point warnings it would print carry no information.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        try:
            for _ in range(max_epochs):
                np.copyto(start_params, network.params)
                loss_sum = weight_sum = correct = 0.0
                stop_requested = False
                callbacks.epoch_begin()
                for X_batch, Y_batch, w_batch in batches:
                    loss = network.train_step(X_batch, Y_batch, w_batch, optimizer)
                    stop_requested |= callbacks.batch_end()
                    weight = len(Y_batch) if w_batch is None else float(w_batch.sum())
                    loss_sum += float(loss) * weight
                    weight_sum += weight
                    if track_accuracy:
                        correct += weight * model._accuracy(
                            network.head.output, Y_batch, w_batch
                        )
                data_loss = loss_sum / weight_sum
                regularization = float(network.regularization_loss())
                if diverged(data_loss, regularization, network.params):
                    network.params[...] = start_params
                    optimizer.reset()
                    warnings.warn(
                        f"Training diverged in epoch {model.n_iter_ + 1}: the loss "
                        "became non-finite or the weights exceeded "
                        f"{MAX_ABS_WEIGHT:.0e} in magnitude. The weights from "
                        "before that epoch are kept. Lower learning_rate (or add "
                        "learning_rate_decay) and scale X, e.g. with "
                        "StandardScaler.",
                        ConvergenceWarning,
                        stacklevel=7,
                    )
                    stopped = True
                    break
                epochs_run += 1
                model.n_iter_ += 1
                model.t_ += X.shape[0]
                record = {
                    "data_loss": data_loss,
                    "regularization_loss": regularization,
                    "loss": data_loss + regularization,
                    "accuracy": correct / weight_sum if track_accuracy else None,
                    "learning_rate": float(optimizer.current_learning_rate),
                    "validation_score": None,
                    "validation_loss": None,
                }
                if validation is not None:
                    record.update(evaluate(model, network, validation))
                    if not early_stopping:
                        # With early stopping the stopping rule keeps the best.
                        model.best_validation_score_ = max(
                            model.best_validation_score_, record["validation_score"]
                        )
                model._log.append(record)
                if model.verbose:
                    print(format_epoch(record, model.n_iter_))
                stop, improved = update_no_improvement(model, record, early_stopping)
                if improved:
                    best_params[...] = network.params
                stop_requested |= callbacks.epoch_end()
                if stop_requested:
                    stopped = True
                    break
                if stop and stop_on_convergence:
                    if model.verbose:
                        what = "Validation score" if early_stopping else "Training loss"
                        print(
                            f"{what} did not improve more than tol={model.tol} for "
                            f"{model.n_iter_no_change} consecutive epochs. Stopping."
                        )
                    stopped = True
                    break
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=7)
            stopped = True
    if early_stopping and model._log.records:
        network.params[...] = best_params
    network.release_buffers()
    callbacks.fit_end()
    if stop_on_convergence and not stopped and epochs_run == max_epochs:
        warnings.warn(
            f"Stochastic Optimizer: Maximum iterations ({max_epochs}) reached and "
            "the optimization hasn't converged yet.",
            ConvergenceWarning,
            stacklevel=7,
        )
    return epochs_run

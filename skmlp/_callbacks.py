"""scikit-learn's callback framework (``sklearn.callback``, scikit-learn >= 1.9).

A fit is one task with one subtask per epoch, as scikit-learn's own iterative
estimators have one per iteration: a :class:`sklearn.callback.ProgressBar`
shows one bar that advances epoch by epoch, and a
:class:`sklearn.callback.ScoringMonitor` scores the model after every epoch.
A callback whose ``on_fit_task_end`` returns True at an epoch ends training
cleanly after that epoch.  (Minibatches are not tasks: the progress bar draws
a bar for every task that has subtasks, which would leave one finished bar per
epoch on the screen.)

On older scikit-learn the estimators have no ``set_callbacks`` and train as
before.
"""

import copy

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:
        """Stand-in: callbacks need scikit-learn >= 1.9."""


def callbacks_supported():
    """Whether this scikit-learn has the callback framework."""
    return hasattr(CallbackSupportMixin, "set_callbacks")


class NoCallbacks:
    """The hooks of a fit without callbacks: nothing to do, nothing to pay."""

    def epoch_begin(self):
        pass

    def epoch_end(self):
        return False

    def fit_end(self):
        pass


class FitCallbacks(NoCallbacks):
    """Drives the callback contexts of one ``fit`` or ``partial_fit`` call.

    Parameters
    ----------
    estimator : estimator
        The estimator being fitted; it must have initialised nothing yet.
    X, y : arrays
        The training data, as validated, with the user's targets.
    metadata : dict or None
        ``{"sample_weight": ...}`` when weights were given.
    max_epochs : int
        The number of epoch subtasks at most.
    """

    def __init__(self, estimator, X, y, metadata, max_epochs):
        self.estimator = estimator
        self.data = {"X": X, "y": y, "metadata": metadata}
        self.root = estimator._init_callback_context(max_subtasks=max_epochs)
        self.root.call_on_fit_task_begin(estimator=estimator, **self.data)
        self.epoch = None

    def _snapshot(self):
        # Evaluated only when a callback asks for a fitted estimator: a copy of
        # the network as it is now, so later steps do not change what is scored.
        return {"_network": copy.deepcopy(self.estimator._network)}

    def epoch_begin(self):
        self.epoch = self.root.subcontext(task_name="epoch")
        self.epoch.call_on_fit_task_begin(estimator=self.estimator, **self.data)

    def epoch_end(self):
        stop = self.epoch.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=self._snapshot,
            **self.data,
        )
        self.epoch = None
        return stop

    def fit_end(self):
        if self.epoch is not None:  # interrupted inside the epoch
            self.epoch_end()
        self.root.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=self._snapshot,
            **self.data,
        )


def fit_callbacks(estimator, X, y, sample_weight, max_epochs):
    """The hooks for this fit: real ones when callbacks are set (or propagated
    by a meta-estimator), free no-ops otherwise."""
    if not callbacks_supported():
        return NoCallbacks()
    if not (
        getattr(estimator, "_skl_callbacks", None)
        or hasattr(estimator, "_parent_callback_ctx")
    ):
        return NoCallbacks()
    metadata = None if sample_weight is None else {"sample_weight": sample_weight}
    return FitCallbacks(estimator, X, y, metadata, max_epochs)

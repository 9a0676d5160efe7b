"""When training stops: scikit-learn's ``tol`` / ``n_iter_no_change`` rule.

One :class:`StoppingRule` lives with a fitted estimator, so its best values
and its patience carry over ``warm_start`` fits and ``partial_fit`` calls, as
scikit-learn's ``MLPClassifier`` carries ``best_loss_`` and its
no-improvement count.
"""

import math


class StoppingRule:
    """Stop after more than ``n_iter_no_change`` epochs without improvement.

    Without early stopping an epoch improves when its training loss is below
    the best loss so far minus ``tol``; with it, when its validation score is
    at least the best score so far plus ``tol``.  The rule also keeps the best
    validation score whenever a validation score is given, early stopping or
    not.

    Parameters
    ----------
    tol : float
    n_iter_no_change : int
    early_stopping : bool
        Monitor the validation score instead of the training loss.

    Attributes
    ----------
    best_loss : float
        Lowest training loss seen while monitoring the loss (``inf`` before
        any epoch, and while early stopping).
    best_validation_score : float
        Highest validation score seen (``-inf`` before any).
    no_improvement_count : int
        Consecutive epochs without improvement.
    """

    def __init__(self, tol, n_iter_no_change, early_stopping):
        self.best_loss = math.inf
        self.best_validation_score = -math.inf
        self.no_improvement_count = 0
        self.configure(tol, n_iter_no_change, early_stopping)

    def configure(self, tol, n_iter_no_change, early_stopping):
        """Adopt the settings of the next fit; the best values and the count
        carry on.  Early stopping forgets the best training loss, which it
        does not monitor (scikit-learn's ``best_loss_`` is then None)."""
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        if early_stopping:
            self.best_loss = math.inf

    def update(self, loss, validation_score=None):
        """Take one epoch's numbers into account.

        Returns
        -------
        stop : bool
            Whether more than ``n_iter_no_change`` epochs in a row did not
            improve.
        new_best_validation : bool
            Whether ``validation_score`` is the best so far (the weights worth
            keeping, with early stopping).
        """
        new_best_validation = False
        if validation_score is not None:
            new_best_validation = validation_score > self.best_validation_score
        if self.early_stopping:
            improved = validation_score >= self.best_validation_score + self.tol
        else:
            improved = loss <= self.best_loss - self.tol
            self.best_loss = min(self.best_loss, loss)
        if new_best_validation:
            self.best_validation_score = validation_score
        self.no_improvement_count = 0 if improved else self.no_improvement_count + 1
        return self.no_improvement_count > self.n_iter_no_change, new_best_validation

    def message(self):
        """The line printed when the rule stops a verbose fit."""
        what = "Validation score" if self.early_stopping else "Training loss"
        return (
            f"{what} did not improve more than tol={self.tol} for "
            f"{self.n_iter_no_change} consecutive epochs. Stopping."
        )

"""The per-epoch scores of the training loop: accuracy and R².

A score is computed from sums that add up over minibatches
(:meth:`statistics`), so the training loop can report the score of a whole
epoch, each batch measured at the weights its forward pass used, without
keeping any batch's outputs.  The same two methods score validation data in
one go (:meth:`score`).
"""

import numpy as np


class _Score:
    """Base: ``name`` is what the verbose line prints before the value."""

    name = "score"

    def statistics(self, outputs, Y, sample_weight):
        """Sums over the samples of ``(outputs, Y)``: a float array that
        adds up over batches."""
        raise NotImplementedError

    def from_statistics(self, totals):
        """The score of the samples whose statistics add up to ``totals``."""
        raise NotImplementedError

    def score(self, outputs, Y, sample_weight=None):
        """The score of ``outputs`` against the encoded targets ``Y``."""
        return self.from_statistics(self.statistics(outputs, Y, sample_weight))


def _weighted_sum(values, sample_weight):
    """``(sum of w * values, sum of w)`` in float64, as ``np.average`` sums."""
    if sample_weight is None:
        return float(np.sum(values)), float(len(values))
    return (
        float(np.multiply(values, sample_weight, dtype=np.float64).sum()),
        float(sample_weight.sum(dtype=np.float64)),
    )


class _Accuracy(_Score):
    name = "acc"

    def statistics(self, outputs, Y, sample_weight):
        return np.array(_weighted_sum(self._correct(outputs, Y), sample_weight))

    def from_statistics(self, totals):
        correct, weight = totals
        return float(correct / weight)


class BinaryAccuracy(_Accuracy):
    """Share of samples whose every label is right (p > 0.5 means on)."""

    @staticmethod
    def _correct(outputs, Y):
        return np.all((outputs > 0.5) == (Y > 0.5), axis=1)


class MulticlassAccuracy(_Accuracy):
    """Share of samples whose most probable class is the true one."""

    @staticmethod
    def _correct(outputs, Y):
        return outputs.argmax(axis=1) == Y


class R2(_Score):
    """Coefficient of determination, averaged uniformly over the outputs,
    as :func:`sklearn.metrics.r2_score` computes it.

    A constant target (zero total sum of squares) scores 1 when predicted
    exactly and 0 otherwise, as in scikit-learn.
    """

    name = "r2"

    def statistics(self, outputs, Y, sample_weight):
        Y = Y.reshape(len(Y), -1)
        outputs = outputs.reshape(Y.shape)
        w = (np.ones(len(Y)) if sample_weight is None
             else np.asarray(sample_weight, dtype=float))
        residual = (Y - outputs) ** 2
        return np.concatenate([
            [w.sum()],
            w @ Y,
            w @ (Y * Y),
            w @ residual,
        ]).astype(float)

    def from_statistics(self, totals):
        n_outputs = (len(totals) - 1) // 3
        weight = totals[0]
        sums, squares, residual = totals[1:].reshape(3, n_outputs)
        total = squares - sums * sums / weight
        # Round-off can leave a tiny negative total for a constant target.
        total = np.maximum(total, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_output = np.where(
                total > 0, 1.0 - residual / np.where(total > 0, total, 1.0),
                np.where(residual == 0, 1.0, 0.0),
            )
        return float(per_output.mean())

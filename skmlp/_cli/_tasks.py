"""What the command line learns from a target: the task.

A task holds everything that differs between predicting classes and
predicting numbers: the checks on the target, the estimator, whether the
held-out split is stratified, the score grid search ranks by, the final
``Validation`` line and the columns ``predict`` writes.  The commands ask
the task and never test which one it is.

Today there is one, :data:`CLASSIFICATION`.  The regressor (``MLPRegressor``,
API.md section 6) plugs in as a second object with the same attributes:
``task_params`` returns ``{"loss": args.loss}``, ``estimator`` an
``MLPRegressor(**params)``, ``validation_line`` prints ``Validation, r2:
..., loss: ...``, ``scoring`` is ``"r2"``, ``stratified`` is False, and
``prediction_columns`` refuses ``--proba``; :func:`choose_task` then picks
it for ``--task regression``, or for ``--task auto`` when the target looks
continuous (where it raises an error today), and :data:`TASKS` lists it so
that :func:`task_of` knows its estimator.
"""

import numpy as np

from ._errors import CLIError

# A target of more classes is listed with its first few only.
_CLASSES_SHOWN = 10


class Classification:
    """Class labels: the binary or the multiclass network."""

    name = "classification"
    # The scikit-learn scorer grid search ranks by, and how lines call it.
    scoring = "accuracy"
    score_name = "accuracy"
    stratified = True

    def task_params(self, args):
        """Estimator parameters only this task has: none for the classifiers."""
        return {}

    def check_target(self, y, column):
        """A CLIError unless ``y`` holds at least two classes."""
        classes = np.unique(y)
        if len(classes) < 2:
            raise CLIError(
                f"the target {column} has a single class ({classes[0]!r}); a "
                "classifier needs at least two"
            )

    def describe_target(self, y):
        """``3 classes: 'setosa', 'versicolor', 'virginica'``."""
        classes = [str(label) for label in np.unique(y)]
        shown = ", ".join(repr(label) for label in classes[:_CLASSES_SHOWN])
        if len(classes) > _CLASSES_SHOWN:
            shown += ", ..."
        return f"{len(classes)} classes: {shown}"

    def estimator_types(self):
        from .._classifiers import BinaryMLPClassifier, MulticlassMLPClassifier

        return BinaryMLPClassifier, MulticlassMLPClassifier

    def estimator(self, y, **params):
        """The binary network for two classes, the multiclass one for more."""
        binary, multiclass = self.estimator_types()
        return (binary if len(np.unique(y)) == 2 else multiclass)(**params)

    def validation_line(self, model, X, y):
        """Accuracy and data log-loss (no regularization term) on ``(X, y)``."""
        from sklearn.metrics import log_loss

        proba = model.predict_proba(X)
        accuracy = float(np.mean(model.predict(X) == y))
        loss = log_loss(y, proba, labels=model.classes_)
        return f"Validation, acc: {accuracy:.3f}, loss: {loss:.3f}"

    def prediction_columns(self, model, X, *, proba):
        """The output columns: the predicted label, then one per class."""
        predictions = model.predict(X)
        classes = model.classes_
        if predictions.ndim == 2:
            # A multilabel BinaryMLPClassifier saved from Python: one 0/1
            # column per label.
            columns = {
                f"prediction_{label}": column
                for label, column in zip(classes, predictions.T)
            }
        else:
            columns = {"prediction": predictions}
        if proba:
            for label, column in zip(classes, model.predict_proba(X).T):
                columns[f"proba_{label}"] = column
        return columns


CLASSIFICATION = Classification()
TASKS = (CLASSIFICATION,)


def choose_task(y, column):
    """The task for the target ``y`` (named ``column`` in messages).

    A target of numbers that are not all whole looks continuous: today that
    is an error, because every estimator behind the command line is a
    classifier; it is where regression will be chosen.
    """
    if np.issubdtype(y.dtype, np.floating) and not np.all(y == np.round(y)):
        example = y[y != np.round(y)][0]
        raise CLIError(
            f"the target {column} holds numbers that are not whole (such as "
            f"{example:g}), so it looks continuous; the skmlp command line "
            "trains classifiers, which need class labels"
        )
    CLASSIFICATION.check_target(y, column)
    return CLASSIFICATION


def task_of(estimator):
    """The task whose estimator ``estimator`` is, or None if it is not skmlp's."""
    for task in TASKS:
        if isinstance(estimator, task.estimator_types()):
            return task
    return None

"""What the command line learns from a target: the task.

A task holds everything that differs between predicting classes and
predicting numbers: the checks on the target, the estimator, whether the
held-out split is stratified, the score grid search ranks by, the final
``Validation`` line and the columns ``predict`` writes.  The commands ask
the task and never test which one it is.
"""

import numpy as np

from ._errors import CLIError
from ._parser import MAX_CLASSES_OF_NUMBERS

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

    def target_note(self, y, loss):
        """How the target is prepared for training: as it is, for labels."""
        return None

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

    def network(self, step):
        """The skmlp estimator of the model's estimator step: the step itself."""
        return step

    def owns(self, step):
        """Whether ``step`` is this task's estimator."""
        return isinstance(step, self.estimator_types())

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


class Regression:
    """Numbers: the MLPRegressor, on the standardized target for the squared
    and absolute errors (the network's outputs start near 0 and move by about
    the learning rate per step, so a target in the hundreds would train a
    near-constant model), on the raw counts for the Poisson loss (whose log
    link handles their scale)."""

    name = "regression"
    scoring = "r2"
    score_name = "r2"
    stratified = False

    def task_params(self, args):
        return {"loss": args.loss}

    def check_target(self, y, column, *, loss="squared_error"):
        """A CLIError unless ``y`` holds finite numbers (non-negative for
        the Poisson loss) that are not all equal."""
        if not np.all(np.isfinite(y)):
            raise CLIError(f"the target {column} holds values that are not finite")
        if loss == "poisson" and np.any(y < 0):
            raise CLIError(
                f"--loss poisson needs a non-negative target, but {column} has "
                f"{int(np.sum(y < 0))} negative values (the smallest {y.min():g})"
            )
        if np.ptp(y) == 0:
            raise CLIError(f"the target {column} has the same value in every row")

    def target_note(self, y, loss):
        """How :meth:`estimator` prepares the target for training."""
        if loss == "poisson":
            return ("Target: trained on as it is (Poisson loss, log link: "
                    "predictions are positive)")
        return (f"Target: standardized for training (mean {y.mean():.4g}, "
                f"standard deviation {y.std():.4g}); predictions are in its units")

    def describe_target(self, y):
        """``numbers from 25 to 346, mean 152``."""
        return f"numbers from {y.min():g} to {y.max():g}, mean {y.mean():.4g}"

    def estimator_types(self):
        from .._regressor import MLPRegressor

        return (MLPRegressor,)

    def estimator(self, y, **params):
        """The regressor; wrapped to train on the standardized target, and
        predict in its units, unless the loss is Poisson."""
        (regressor,) = self.estimator_types()
        network = regressor(**params)
        if params.get("loss") == "poisson":
            return network
        from sklearn.compose import TransformedTargetRegressor
        from sklearn.preprocessing import StandardScaler

        return TransformedTargetRegressor(regressor=network,
                                          transformer=StandardScaler())

    def network(self, step):
        """The MLPRegressor of the model's estimator step (the fitted one
        inside a TransformedTargetRegressor once fitted)."""
        inner = getattr(step, "regressor_", None) or getattr(step, "regressor", None)
        return step if inner is None else inner

    def owns(self, step):
        return isinstance(self.network(step), self.estimator_types())

    def validation_line(self, model, X, y):
        """R² and the data loss of the network's ``loss`` on ``(X, y)``, in
        the target's units."""
        from sklearn.metrics import (
            mean_absolute_error,
            mean_poisson_deviance,
            mean_squared_error,
            r2_score,
        )

        predictions = model.predict(X)
        loss = self.network(model[-1] if hasattr(model, "steps") else model).loss
        metric = {
            "squared_error": mean_squared_error,
            "absolute_error": mean_absolute_error,
            "poisson": mean_poisson_deviance,
        }[loss]
        return (f"Validation, r2: {r2_score(y, predictions):.3f}, "
                f"loss: {metric(y, predictions):.4g}")

    def prediction_columns(self, model, X, *, proba):
        """One ``prediction`` column (one per target for several targets)."""
        if proba:
            raise CLIError(
                "--proba needs a classifier; this model is a regressor and "
                "predicts numbers"
            )
        predictions = model.predict(X)
        if predictions.ndim == 2:
            return {f"prediction_{i}": column
                    for i, column in enumerate(predictions.T)}
        return {"prediction": predictions}


CLASSIFICATION = Classification()
REGRESSION = Regression()
TASKS = (CLASSIFICATION, REGRESSION)


def choose_task(y, column, requested="auto", loss="squared_error"):
    """The task for the target ``y`` (named ``column`` in messages), and the
    reason it was chosen.

    ``auto`` chooses regression for a numeric target whose values are not all
    whole numbers, or that has more than ``MAX_CLASSES_OF_NUMBERS`` distinct
    values (counts and prices are often whole numbers); classification
    otherwise.
    """
    numeric = np.issubdtype(y.dtype, np.number) and not np.issubdtype(
        y.dtype, np.bool_)
    if requested == "regression" and not numeric:
        raise CLIError(
            f"--task regression needs a numeric target, but {column} holds "
            f"values such as {y[0]!r}"
        )
    if requested == "auto":
        requested, reason = _auto_task(y, numeric)
    else:
        reason = f"--task {requested}"
    task = REGRESSION if requested == "regression" else CLASSIFICATION
    if task is REGRESSION:
        task.check_target(y.astype(float), column, loss=loss)
    else:
        task.check_target(y, column)
    return task, reason


def _auto_task(y, numeric):
    if not numeric:
        return "classification", "the target holds labels, not numbers"
    n_values = len(np.unique(y))
    if not np.all(y == np.round(y)):
        return "regression", "the target holds numbers that are not all whole"
    if n_values > MAX_CLASSES_OF_NUMBERS:
        return "regression", (
            f"the target holds {n_values} distinct whole numbers, more than "
            f"{MAX_CLASSES_OF_NUMBERS}; use --task classification for labels")
    return "classification", (
        f"the target holds {n_values} distinct whole numbers; use --task "
        "regression for a quantity")


def task_of(estimator):
    """The task whose estimator ``estimator`` is, or None if it is not skmlp's."""
    for task in TASKS:
        if task.owns(estimator):
            return task
    return None

"""What the two classifiers share: class weights, partial_fit with declared
classes, and the prediction methods of a scikit-learn classifier."""

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils import compute_class_weight
from sklearn.utils._param_validation import StrOptions

from ._base import BaseMLP


def single_class_error(classes):
    return ValueError(
        f"y contains only one class ({classes[0]!r}); a classifier needs samples "
        "of at least two classes."
    )


def reject_missing_labels(y):
    if y.dtype == object and np.any(np.equal(y, None)):
        raise ValueError(
            "y contains None: every sample needs a label. Drop or impute the "
            "samples with missing labels."
        )


def check_known_labels(y, classes):
    unknown = np.setdiff1d(np.unique(y), classes)
    if unknown.size:
        raise ValueError(
            f"y contains labels that are not in classes_ {classes.tolist()}: "
            f"{unknown.tolist()}. (partial_fit needs every label in `classes` on "
            "its first call.)"
        )


def check_first_partial_fit(classes, *, continuing, incremental):
    if incremental and classes is None and not continuing:
        raise ValueError("classes must be passed on the first call to partial_fit.")


def check_warm_start_classes(fitted_classes, y_classes):
    """A warm ``fit`` continues the same output units: ``y`` must have the
    classes of the previous fit, as in scikit-learn."""
    if not np.array_equal(fitted_classes, y_classes):
        raise ValueError(
            "warm_start can only be used where `y` has the same classes as in "
            f"the previous call to fit. Previously got {fitted_classes.tolist()}, "
            f"`y` has {y_classes.tolist()}. Fit with warm_start=False to train "
            "a new network."
        )


class MLPClassifierBase(ClassifierMixin, BaseMLP):
    """Shared by the classifiers; subclasses encode the targets and turn the
    output layer into probabilities, labels and scores."""

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch over ``(X, y)``, continuing from the current state.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Target labels, all of them in ``classes``.
        classes : array-like of shape (n_classes,), default=None
            Every label that will ever be seen; required on the first call,
            optional (and checked) afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples in the data loss.

        Returns
        -------
        self : object
            The estimator.
        """
        return self._partial_fit(X, y, sample_weight, classes=classes)

    def predict(self, X):
        """Predict the label(s) of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The label of the largest probability (per label for multilabel).
        """
        return self._decode(self._outputs(X))

    def predict_proba(self, X):
        """Probability of each class (or of each label, for multilabel).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or (n_samples, n_labels)
        """
        return self._to_class_proba(self._outputs(X))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed stably from the logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of the shape of :meth:`predict_proba`
        """
        return self._log_proba_from_logits(self._logits(X))

    def decision_function(self, X):
        """Logits of the output layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            ``(n_samples,)`` for a two-class problem; otherwise one column per
            output unit.
        """
        return self._scores_from_logits(self._logits(X))

    # -- sample weights ----------------------------------------------------------
    def _target_weights(self, targets, dtype):
        """``class_weight`` as one weight per sample, or None."""
        if self.class_weight is None:
            return None
        if targets.class_codes is None:
            raise ValueError(
                "class_weight is not supported for multilabel targets; pass "
                "sample_weight instead."
            )
        classes = targets.fitted_attributes["classes_"]
        codes = targets.class_codes
        labels = classes[codes]
        if self.class_weight == "balanced":
            # Only the classes present in this y can be balanced (partial_fit
            # may see a subset); absent ones keep weight 1.
            present = np.unique(codes)
            weight_per_class = np.ones(len(classes))
            weight_per_class[present] = compute_class_weight(
                "balanced", classes=classes[present], y=labels
            )
        else:
            unknown = [key for key in self.class_weight if key not in set(classes)]
            if unknown:
                raise ValueError(
                    f"class_weight names labels that are not classes of y: "
                    f"{unknown}; the classes are {classes.tolist()}."
                )
            values = np.asarray(list(self.class_weight.values()), dtype=float)
            if not (np.all(np.isfinite(values)) and np.all(values >= 0)):
                raise ValueError(
                    "class_weight values must be finite and non-negative, got "
                    f"{self.class_weight!r}."
                )
            weight_per_class = compute_class_weight(
                self.class_weight, classes=classes, y=labels
            )
        return weight_per_class[codes].astype(dtype)

    def _check_loss_weights(self, targets, weights, incremental):
        # partial_fit declares its classes up front: a batch may hold only one.
        if targets.class_codes is None or incremental:
            return
        if len(np.unique(targets.class_codes[weights > 0])) < 2:
            raise ValueError(
                "Only one class has a positive sample_weight; a classifier needs "
                "samples of at least two classes."
            )

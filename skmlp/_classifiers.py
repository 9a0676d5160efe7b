"""The two public classifiers: target encoding and output shapes only."""

import numpy as np
import scipy.sparse as sp
from scipy.special import log_expit, log_softmax
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import column_or_1d

from ._classification import (
    MLPClassifierBase,
    check_first_partial_fit,
    check_known_labels,
    check_warm_start_classes,
    reject_missing_labels,
    single_class_error,
)
from ._docstrings import compose
from ._plan import EncodedTargets
from ._scores import BinaryAccuracy, MulticlassAccuracy


class BinaryMLPClassifier(MLPClassifierBase):
    _score = BinaryAccuracy()

    def __init__(
        self,
        *,
        hidden_layer_sizes=(100,),
        activation="relu",
        weight_regularizer_l1=0.0,
        weight_regularizer_l2=0.0,
        bias_regularizer_l1=0.0,
        bias_regularizer_l2=0.0,
        dropout=0.0,
        optimizer="adam",
        learning_rate=0.001,
        learning_rate_decay=0.0,
        momentum=0.9,
        rho=0.9,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        batch_size="auto",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        shuffle=True,
        class_weight=None,
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            weight_regularizer_l1=weight_regularizer_l1,
            weight_regularizer_l2=weight_regularizer_l2,
            bias_regularizer_l1=bias_regularizer_l1,
            bias_regularizer_l2=bias_regularizer_l2,
            dropout=dropout,
            optimizer=optimizer,
            learning_rate=learning_rate,
            learning_rate_decay=learning_rate_decay,
            momentum=momentum,
            rho=rho,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            batch_size=batch_size,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            shuffle=shuffle,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
        )
        self.class_weight = class_weight

    def _output_head(self):
        return "sigmoid"

    # -- targets ---------------------------------------------------------------
    @staticmethod
    def _prepare_targets(y):
        if sp.issparse(y):
            y = y.toarray()
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        reject_missing_labels(y)
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y")
        if y_type not in ("binary", "multilabel-indicator"):
            raise ValueError(
                "Only binary classification is supported. The type of the target "
                f"is {y_type}. Use MulticlassMLPClassifier for targets with more "
                "than two classes."
            )
        return y, y_type

    def _encode_targets(self, y, classes, *, continuing, incremental, dtype):
        check_first_partial_fit(classes, continuing=continuing, incremental=incremental)
        y, y_type = self._prepare_targets(y)
        multilabel = y_type == "multilabel-indicator"
        if continuing:
            binarizer = self._label_binarizer
            if classes is not None and not np.array_equal(
                unique_labels(classes), binarizer.classes_
            ):
                raise ValueError(
                    f"classes={list(classes)!r} is not the same as on the first "
                    f"call, {binarizer.classes_.tolist()}."
                )
            fitted_multilabel = binarizer.y_type_ == "multilabel-indicator"
            if not (incremental or multilabel or fitted_multilabel):
                check_warm_start_classes(binarizer.classes_, unique_labels(y))
        else:
            binarizer = LabelBinarizer()
            if classes is not None and not multilabel:
                classes = unique_labels(classes)
                if len(classes) > 2:
                    raise ValueError(
                        "Only binary classification is supported. The type of the "
                        f"target is multiclass: classes={classes.tolist()}. Use "
                        "MulticlassMLPClassifier for more than two classes."
                    )
                binarizer.fit(classes)
            else:
                binarizer.fit(y)
            if not multilabel and len(binarizer.classes_) < 2:
                raise single_class_error(binarizer.classes_)
        Y = self._binarize(binarizer, y, y_type)
        return EncodedTargets(
            Y=Y,
            n_outputs=Y.shape[1],
            class_codes=None if multilabel else Y[:, 0].astype(np.intp),
            fitted_attributes={
                "classes_": binarizer.classes_,
                "_label_binarizer": binarizer,
            },
        )

    def _encode_validation_targets(self, y, targets):
        y, y_type = self._prepare_targets(y)
        binarizer = targets.fitted_attributes["_label_binarizer"]
        return self._binarize(binarizer, y, y_type)

    @staticmethod
    def _binarize(binarizer, y, y_type):
        """0/1 targets of ``y`` under a fitted binarizer, checking that ``y``
        is of the kind and the labels it was fitted on."""
        if hasattr(binarizer, "y_type_"):
            fitted_multilabel = binarizer.y_type_ == "multilabel-indicator"
            multilabel = y_type == "multilabel-indicator"
            if multilabel != fitted_multilabel or (
                multilabel and y.shape[1] != len(binarizer.classes_)
            ):
                raise ValueError(
                    f"y is {y_type} with shape {y.shape}, but the model was "
                    f"trained on {binarizer.y_type_} targets with classes "
                    f"{binarizer.classes_.tolist()}."
                )
            if not multilabel:
                check_known_labels(y, binarizer.classes_)
        return binarizer.transform(y).astype(np.float64)

    # -- outputs -------------------------------------------------------------
    @property
    def _multilabel(self):
        return self._label_binarizer.y_type_ == "multilabel-indicator"

    def _decode(self, proba):
        return self._label_binarizer.inverse_transform(proba, threshold=0.5)

    def _to_class_proba(self, proba):
        if self._multilabel:
            return proba
        return np.hstack([1 - proba, proba])

    def _log_proba_from_logits(self, logits):
        if self._multilabel:
            return log_expit(logits)
        return np.hstack([log_expit(-logits), log_expit(logits)])

    def _scores_from_logits(self, logits):
        return logits if self._multilabel else logits.ravel()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.multi_label = True
        return tags


BinaryMLPClassifier.__doc__ = compose(
    """Binary and multilabel neural-network classifier: sigmoid outputs and
    binary cross-entropy.

    A stack of :class:`~skmlp.layers.Dense` layers with a hidden activation
    (and optional dropout), one sigmoid unit per label, trained on the binary
    cross-entropy averaged over the labels and over the samples,

    .. math::

        L = \\frac{\\sum_i w_i \\ell_i}{\\sum_i w_i}
            + \\sum_{\\text{layers}} \\left(\\lambda^w_1 \\sum |W|
            + \\lambda^w_2 \\sum W^2 + \\lambda^b_1 \\sum |b|
            + \\lambda^b_2 \\sum b^2\\right),
        \\qquad
        \\ell_i = -\\frac{1}{K} \\sum_k \\left[y_{ik} \\log p_{ik}
            + (1 - y_{ik}) \\log (1 - p_{ik})\\right].

    ``y`` may hold any two labels (ints, strings, bools) or be a multilabel
    indicator matrix of shape ``(n_samples, n_labels)``. For more than two
    classes use :class:`MulticlassMLPClassifier`.

    Parameters
    ----------
%(parameters)s
    Attributes
    ----------
    classes_ : ndarray of shape (2,) or (n_labels,)
        The two labels (the second one is the positive class), or
        ``arange(n_labels)`` for multilabel targets.

%(attributes)s
    See Also
    --------
    MulticlassMLPClassifier : Softmax outputs for two or more exclusive
        classes.
    sklearn.neural_network.MLPClassifier : scikit-learn's MLP.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skmlp import BinaryMLPClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, stratify=y, random_state=0)
    >>> clf = make_pipeline(
    ...     StandardScaler(),
    ...     BinaryMLPClassifier(hidden_layer_sizes=(32,), weight_regularizer_l2=1e-4,
    ...                         learning_rate=0.01, random_state=0))
    >>> clf.fit(X_train, y_train).score(X_test, y_test) > 0.95
    True
    >>> clf.predict_proba(X_test[:2]).shape
    (2, 2)
    """
)


class MulticlassMLPClassifier(MLPClassifierBase):
    _score = MulticlassAccuracy()

    def __init__(
        self,
        *,
        hidden_layer_sizes=(100,),
        activation="relu",
        weight_regularizer_l1=0.0,
        weight_regularizer_l2=0.0,
        bias_regularizer_l1=0.0,
        bias_regularizer_l2=0.0,
        dropout=0.0,
        optimizer="adam",
        learning_rate=0.001,
        learning_rate_decay=0.0,
        momentum=0.9,
        rho=0.9,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        batch_size="auto",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        shuffle=True,
        class_weight=None,
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            weight_regularizer_l1=weight_regularizer_l1,
            weight_regularizer_l2=weight_regularizer_l2,
            bias_regularizer_l1=bias_regularizer_l1,
            bias_regularizer_l2=bias_regularizer_l2,
            dropout=dropout,
            optimizer=optimizer,
            learning_rate=learning_rate,
            learning_rate_decay=learning_rate_decay,
            momentum=momentum,
            rho=rho,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            batch_size=batch_size,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            shuffle=shuffle,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
        )
        self.class_weight = class_weight

    def _output_head(self):
        return "softmax"

    # -- targets ---------------------------------------------------------------
    @staticmethod
    def _prepare_targets(y):
        if sp.issparse(y):
            raise ValueError(
                "MulticlassMLPClassifier expects a 1-D y of class labels, got a "
                "sparse matrix. For multilabel targets use BinaryMLPClassifier."
            )
        y = np.asarray(y)
        if y.ndim == 2:
            if y.shape[1] != 1:
                raise ValueError(
                    "MulticlassMLPClassifier expects a 1-D y of class labels, got "
                    f"a 2-D y of shape {y.shape}. For multilabel targets (one "
                    "0/1 column per label) use BinaryMLPClassifier."
                )
            y = column_or_1d(y, warn=True)
        reject_missing_labels(y)
        check_classification_targets(y)
        return y

    def _encode_targets(self, y, classes, *, continuing, incremental, dtype):
        check_first_partial_fit(classes, continuing=continuing, incremental=incremental)
        y = self._prepare_targets(y)
        if continuing:
            known = self.classes_
            same = classes is None or np.array_equal(unique_labels(classes), known)
            if not same:
                raise ValueError(
                    f"classes={list(classes)!r} is not the same as on the first "
                    f"call, {known.tolist()}."
                )
            if not incremental:
                check_warm_start_classes(known, unique_labels(y))
        elif classes is not None:
            known = unique_labels(classes)
        else:
            known = unique_labels(y)
        if len(known) < 2:
            raise single_class_error(known)
        codes = self._codes(y, known)
        return EncodedTargets(
            Y=codes,
            n_outputs=len(known),
            class_codes=codes,
            fitted_attributes={"classes_": known},
        )

    def _encode_validation_targets(self, y, targets):
        classes = targets.fitted_attributes["classes_"]
        return self._codes(self._prepare_targets(y), classes)

    @staticmethod
    def _codes(y, classes):
        check_known_labels(y, classes)
        return np.searchsorted(classes, y).astype(np.intp)

    # -- outputs -------------------------------------------------------------
    def _decode(self, proba):
        return self.classes_[proba.argmax(axis=1)]

    def _to_class_proba(self, proba):
        return proba

    def _log_proba_from_logits(self, logits):
        return log_softmax(logits, axis=1)

    def _scores_from_logits(self, logits):
        if logits.shape[1] == 2:
            return logits[:, 1] - logits[:, 0]
        return logits


MulticlassMLPClassifier.__doc__ = compose(
    """Multiclass neural-network classifier: softmax outputs and categorical
    cross-entropy.

    A stack of :class:`~skmlp.layers.Dense` layers with a hidden activation
    (and optional dropout), one softmax unit per class, trained on

    .. math::

        L = \\frac{\\sum_i w_i \\ell_i}{\\sum_i w_i}
            + \\sum_{\\text{layers}} \\left(\\lambda^w_1 \\sum |W|
            + \\lambda^w_2 \\sum W^2 + \\lambda^b_1 \\sum |b|
            + \\lambda^b_2 \\sum b^2\\right),
        \\qquad
        \\ell_i = -\\log p_{i, y_i}.

    ``y`` holds one label per sample, with two or more classes. For multilabel
    targets use :class:`BinaryMLPClassifier`.

    Parameters
    ----------
%(parameters)s
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.

%(attributes)s
    See Also
    --------
    BinaryMLPClassifier : Sigmoid outputs for binary and multilabel targets.
    sklearn.neural_network.MLPClassifier : scikit-learn's MLP.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skmlp import MulticlassMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(
    ...     StandardScaler(),
    ...     MulticlassMLPClassifier(hidden_layer_sizes=(16,), learning_rate=0.01,
    ...                             max_iter=300, random_state=0))
    >>> float(cross_val_score(clf, X, y, cv=3).mean()) > 0.9
    True
    """
)

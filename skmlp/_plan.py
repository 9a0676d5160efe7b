"""The typed plan of one fit: everything checked, nothing changed yet.

An estimator's ``fit`` first builds a :class:`FitPlan` (validating the data
and the parameters, encoding the targets, splitting off validation data);
only when the plan is complete does it change the model.  A fit that fails
therefore fails before the fitted model is touched.  Each step returns new
values (splitting off validation data returns a new training set and a
validation set); nothing is patched in place.
"""

from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import train_test_split


@dataclass(frozen=True)
class EncodedTargets:
    """What an estimator's target encoding returns.

    Attributes
    ----------
    Y : ndarray
        The targets as the output head trains on them (0/1 columns, class
        codes, or numbers).
    n_outputs : int
        Units of the output layer.
    class_codes : ndarray of int or None
        One class index per sample for single-label classification (used to
        stratify a split and to weight classes), None otherwise.
    fitted_attributes : dict
        Attributes the estimator sets when the fit is committed
        (``classes_``, a fitted label binarizer, ...).
    """

    Y: np.ndarray
    n_outputs: int
    class_codes: np.ndarray | None = None
    fitted_attributes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TrainingSet:
    """The samples a fit trains on.

    ``sample_weight`` is the weight of each sample in the loss (class weights
    included); ``user_sample_weight`` what the caller passed, and ``y`` the
    targets as given, for callbacks that score the model.
    """

    X: object
    Y: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    user_sample_weight: np.ndarray | None
    class_codes: np.ndarray | None

    @property
    def n_samples(self):
        return self.X.shape[0]

    def take(self, index):
        """The samples at ``index``, as a new TrainingSet."""

        def rows(array):
            return None if array is None else array[index]

        return TrainingSet(
            X=self.X[index], Y=self.Y[index], y=self.y[index],
            sample_weight=rows(self.sample_weight),
            user_sample_weight=rows(self.user_sample_weight),
            class_codes=rows(self.class_codes),
        )


@dataclass(frozen=True)
class ValidationSet:
    """Validation samples, scored after every epoch."""

    X: object
    Y: np.ndarray
    sample_weight: np.ndarray | None = None

    def as_tuple(self):
        return self.X, self.Y, self.sample_weight


@dataclass(frozen=True)
class FitPlan:
    """Everything one ``fit`` or ``partial_fit`` call will do."""

    train: TrainingSet
    targets: EncodedTargets
    validation: ValidationSet | None
    layer_sizes: tuple
    regularization: tuple  # of Regularization, one per Dense layer
    batch_size: int
    init_seed: int
    train_seed: int
    continuing: bool
    incremental: bool
    early_stopping: bool


def split_validation(train, validation_fraction, seed):
    """Hold out ``validation_fraction`` of the training samples.

    The split is stratified by class where the samples have classes.

    Returns
    -------
    train : TrainingSet
        The samples left to train on.
    validation : ValidationSet
        The samples held out.

    Raises
    ------
    ValueError
        When the split cannot keep every class on both sides, or leaves one
        side empty.
    """
    n_samples = train.n_samples
    try:
        kept, held_out = train_test_split(
            np.arange(n_samples),
            test_size=validation_fraction,
            random_state=seed,
            stratify=train.class_codes,
        )
    except ValueError as error:
        where = (" with every class in both parts"
                 if train.class_codes is not None else "")
        raise ValueError(
            f"early_stopping could not hold out validation_fraction="
            f"{validation_fraction} of {n_samples} samples{where}: "
            f"{str(error).rstrip('.')}. Use more data, a larger "
            "validation_fraction, or early_stopping=False."
        ) from error
    if len(kept) < 1 or len(held_out) < 1:
        raise ValueError(
            f"early_stopping needs at least one training and one validation "
            f"sample; validation_fraction={validation_fraction} of "
            f"{n_samples} samples leaves none."
        )
    kept.sort()
    held_out.sort()
    validation = train.take(held_out)
    return train.take(kept), ValidationSet(
        validation.X, validation.Y, validation.sample_weight)

"""Helpers for tests that fit estimators."""

import warnings

from sklearn.exceptions import ConvergenceWarning


def fit_quiet(estimator, X, y, **fit_params):
    """Fit, ignoring the ConvergenceWarning of runs cut short on purpose."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **fit_params)

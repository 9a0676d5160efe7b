"""Pickles that carry the skmlp version, and the warning when it differs."""

import warnings

from . import __version__


class InconsistentVersionWarning(UserWarning):
    """Warning raised when a model pickled by another skmlp version is loaded.

    Examples
    --------
    >>> import warnings
    >>> from skmlp import InconsistentVersionWarning
    >>> issubclass(InconsistentVersionWarning, UserWarning)
    True
    """


class VersionedPickleMixin:
    """Store the skmlp version in the pickle; warn when loading another's."""

    def __getstate__(self):
        state = super().__getstate__()
        state["_skmlp_version"] = __version__
        return state

    def __setstate__(self, state):
        saved = state.pop("_skmlp_version", None)
        if saved is not None and saved != __version__:
            warnings.warn(
                f"Trying to unpickle {type(self).__name__} from skmlp version "
                f"{saved} when using version {__version__}. This might lead to "
                "breaking code or invalid results. Use at your own risk.",
                InconsistentVersionWarning,
                stacklevel=2,
            )
        super().__setstate__(state)

"""Bookkeeping shared by every building block: reusable work buffers.

The blocks follow the design notebook's protocol (``forward`` sets ``.output``,
``backward`` sets ``.dinputs``).  To keep training free of per-batch allocation,
each block writes those arrays into buffers it owns and reuses from call to call;
the arrays a block exposes are therefore overwritten by its next call, exactly as
the notebook's attributes are replaced.  Copy them to keep them.
"""

import numpy as np

# Attributes that are scratch space or references to the last batch: they are
# recreated on the next call and never belong in a pickle.
_TRANSIENT = ("_buffers", "inputs", "output", "dinputs")


class _Block:
    """Mixin giving a block row-resizable work buffers and lean pickles."""

    def _workspace(self, name, shape, dtype):
        """Return a C-contiguous array of ``shape`` backed by a reused buffer.

        The buffer keeps the largest row count asked for so far; smaller
        requests (the last, short batch of an epoch) are served by a leading
        row slice, which is still C-contiguous, so no epoch reallocates.
        """
        buffers = self.__dict__.get("_buffers")
        if buffers is None:
            buffers = self._buffers = {}
        buffer = buffers.get(name)
        if buffer is not None and buffer.dtype == dtype:
            # The hot path of every training step, checked first because it
            # runs thousands of times per fit: the exact shape.
            if buffer.shape == shape:
                return buffer
            n_rows = shape[0]
            if buffer.shape[1:] == shape[1:] and buffer.shape[0] >= n_rows:
                return buffer[:n_rows]
        buffer = buffers[name] = np.empty(shape, dtype=dtype)
        return buffer

    def release_buffers(self):
        """Free the work buffers and the references to the last batch."""
        self.__dict__.pop("_buffers", None)
        self.inputs = self.output = self.dinputs = None

    def __init_transient__(self):
        self.inputs = None
        self.output = None
        self.dinputs = None

    def __getstate__(self):
        state = self.__dict__.copy()
        for key in (*_TRANSIENT, *getattr(self, "_transient_extra", ())):
            state.pop(key, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__init_transient__()
        for key in getattr(self, "_transient_extra", ()):
            self.__dict__.setdefault(key, None)

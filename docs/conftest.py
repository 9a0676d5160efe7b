"""Run the code of the user guide and of the building blocks page as doctests.

pytest collects the ``>>>`` examples of these pages (``testpaths`` and
``--doctest-glob`` in pyproject.toml), so the documentation cannot drift from
what skmlp does. Each example must also run without a warning: a reader who
copies it should see exactly the output shown, nothing more.
"""

import sys
import warnings

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def _one_blas_thread_and_no_warnings():
    # The pages train small networks, whose matrix products are far too
    # small to gain from BLAS threads; on a busy machine the threads mostly
    # wait for each other, and the notebook's loop ran 70 times slower.
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    # Pages that draw leave their figures open; close them between pages.
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")

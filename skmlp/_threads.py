"""How many BLAS threads a fit should use.

On a quiet machine two BLAS threads speed up even the small products of a
digits-sized network.  But when another process holds a core, two-thread
OpenBLAS collapses on small products (measured: a digits fit went from 0.6 s
to 9 s), because its threads spin waiting for each other.  So a fit uses one
BLAS thread when its largest per-batch product is tiny, or when it is small
and the machine is already busy; otherwise it keeps the user's setting.
"""

import os
from contextlib import contextmanager

# Largest per-batch GEMM, in floating-point operations, for which a second
# thread never pays off, and for which it collapses under contention.  Measured
# on the project's reference machine (2 cores, OpenBLAS Haswell kernels).
TINY_GEMM_FLOPS = 2 * 64 * 64 * 64
SMALL_GEMM_FLOPS = 2 * 256 * 256 * 256

_controller = None


def largest_gemm_flops(layer_sizes, batch_size):
    """FLOPs of the largest matrix product one training step performs."""
    return max(
        2 * batch_size * n_in * n_out
        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])
    )


def machine_is_busy():
    """Whether other processes already keep (nearly) every core running."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not available on this platform
        return False
    # This process counts for about one in the load while it trains.
    return load > (os.cpu_count() or 1) - 0.5


def single_thread_fits(layer_sizes, batch_size):
    """Whether a fit of this size should run its BLAS on one thread."""
    flops = largest_gemm_flops(layer_sizes, batch_size)
    if flops <= TINY_GEMM_FLOPS:
        return True
    return flops <= SMALL_GEMM_FLOPS and machine_is_busy()


@contextmanager
def blas_threads_for(layer_sizes, batch_size):
    """Limit BLAS to one thread where a second would only cost (see above)."""
    global _controller
    if not single_thread_fits(layer_sizes, batch_size):
        yield
        return
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield

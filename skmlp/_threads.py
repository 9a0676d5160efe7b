"""How many BLAS threads a fit should use.

Small matrix products finish before a second BLAS thread has anything useful
to do: the threads spend the step spinning and synchronising, and when another
process holds a core, two-thread OpenBLAS collapses by orders of magnitude.  A
fit whose largest per-batch product is small therefore runs its BLAS on one
thread; larger fits keep whatever the user (or the environment) chose.
"""

from contextlib import contextmanager

# Largest per-batch GEMM, in floating-point operations, that one thread handles
# at least as fast as two on this project's reference machine (2 cores, OpenBLAS
# Haswell kernels); see the benchmarks page.
SINGLE_THREAD_MAX_FLOPS = 2 * 256 * 256 * 256

_controller = None


def largest_gemm_flops(layer_sizes, batch_size):
    """FLOPs of the largest matrix product one training step performs."""
    return max(
        2 * batch_size * n_in * n_out
        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])
    )


@contextmanager
def blas_threads_for(layer_sizes, batch_size):
    """Limit BLAS to one thread while training a network of small products."""
    global _controller
    if largest_gemm_flops(layer_sizes, batch_size) > SINGLE_THREAD_MAX_FLOPS:
        yield
        return
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield

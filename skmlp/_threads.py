"""How many BLAS threads a fit should use.

On a quiet machine two BLAS threads speed up even the products of a
digits-sized network (measured on the project's 2-core reference machine:
48 against 26 GFLOP/s for 200x64 by 64x100 in float64).  Only products of a
few hundred thousand operations gain nothing from a second thread, which
then spends the step waiting; a fit whose largest per-batch product is that
small runs its BLAS on one thread.  Other fits keep the user's setting (limit
it with threadpoolctl on a machine where other processes hold the cores: two
OpenBLAS threads slow down many times when one of their cores is taken).
"""

from contextlib import contextmanager

# Largest per-batch GEMM, in floating-point operations, for which a second
# thread does not pay off on the reference machine.
SINGLE_THREAD_MAX_FLOPS = 2 * 64 * 64 * 64

_controller = None


def largest_gemm_flops(layer_sizes, batch_size):
    """FLOPs of the largest matrix product one training step performs."""
    return max(
        2 * batch_size * n_in * n_out
        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])
    )


@contextmanager
def blas_threads_for(layer_sizes, batch_size):
    """Limit BLAS to one thread for a network of tiny products."""
    global _controller
    if largest_gemm_flops(layer_sizes, batch_size) > SINGLE_THREAD_MAX_FLOPS:
        yield
        return
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield

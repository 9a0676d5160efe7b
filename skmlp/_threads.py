"""How many BLAS threads a fit should use.

Two BLAS threads make each matrix product of a digits-sized network faster
(measured on the project's 2-core reference machine: 48 against 26 GFLOP/s for
200x64 by 64x100 in float64), yet the whole fit is slower (0.28 s against
0.25 s): every one of the thousands of small products pays the threads'
hand-over.  From products of about ten million operations on (the 20000x100
benchmark, (256, 128) hidden units) the second thread wins clearly (0.85 s
against 1.10 s).  So a fit whose largest per-batch product is below the
threshold runs its BLAS on one thread; larger fits keep the user's setting
(limit it with threadpoolctl on a machine where other processes hold the
cores: two OpenBLAS threads slow down many times when one core is taken).
"""

from contextlib import contextmanager

# Largest per-batch GEMM, in floating-point operations, below which one
# thread trains faster than two on the reference machine.
SINGLE_THREAD_MAX_FLOPS = 2 * 128 * 128 * 128

_controller = None


def largest_gemm_flops(layer_sizes, batch_size):
    """FLOPs of the largest matrix product one training step performs."""
    return max(
        2 * batch_size * n_in * n_out
        for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])
    )


@contextmanager
def blas_threads_for(layer_sizes, batch_size):
    """Limit BLAS to one thread for a network of small products."""
    global _controller
    if largest_gemm_flops(layer_sizes, batch_size) > SINGLE_THREAD_MAX_FLOPS:
        yield
        return
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield

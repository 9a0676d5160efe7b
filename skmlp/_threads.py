"""How many BLAS threads a fit uses, without changing anyone else's.

The matrix products of a small network are far too small for two BLAS
threads: each one pays the threads' hand-over, and when another process holds
a core, OpenBLAS's spinning threads make a small fit many times slower.  So a
fit whose largest per-batch product is below ``SINGLE_THREAD_MAX_FLOPS`` runs
its BLAS on one thread; larger fits keep the process's setting.  (The
measurements are on the documentation's benchmarks page.)

The number of threads of OpenBLAS (built with its own threads, as NumPy's
wheels are) is one process-wide value, not a per-thread one, and
threadpoolctl lets only one Python thread at a time control it: a limit set
or restored from another thread is silently ignored, and a limiter that reads
the "original" value while another thread's limit is in force restores that
limit for good.  Concurrent fits that each limited BLAS could therefore leave
the whole process at one thread.  Hence the rule: only a fit running in the
process's main thread limits BLAS, and it restores the setting when it ends
(also on Ctrl-C).  Fits in other threads (joblib's threading backend, Dask
workers with ``processes=False``, ``threading``) never touch it; their
products run with the process's setting.  joblib's process workers, the
usual way to run fits in parallel, are each their own main thread.
"""

import threading
from contextlib import contextmanager

# Largest per-batch GEMM, in floating-point operations, below which one
# thread trains faster than two.
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
    """Limit BLAS to one thread for a network of small products, when
    called from the main thread (see the module's docstring)."""
    global _controller
    if (largest_gemm_flops(layer_sizes, batch_size) > SINGLE_THREAD_MAX_FLOPS
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    with _controller.limit(limits=1, user_api="blas"):
        yield

"""
=====================================================
Scale a grid search from one laptop to a Dask cluster
=====================================================

:class:`~sklearn.model_selection.GridSearchCV` runs its fits through
`joblib <https://joblib.readthedocs.io>`_. On one machine ``n_jobs=-1`` spreads
them over local processes; under joblib's Dask backend the same search, with
no other change, sends them to the workers of a
`Dask <https://distributed.dask.org>`_ cluster, which may span many machines.
skmlp needs nothing special for either: its estimators pickle, and every
random draw comes from ``random_state``, so the results are the same
wherever each fit runs.

The cluster part needs the ``dask`` extra, ``pip install "skmlp[dask]"``;
without it, this example prints a note and skips that part.
"""

# %%
# The search
# ----------
# The four lambdas of skmlp's penalty are ordinary hyper-parameters. The data
# and the search are defined at the top level, the searches themselves run
# under ``if __name__ == "__main__":`` (see below why).
import os
import time
import warnings

import joblib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import BinaryMLPClassifier

# Short training runs keep the example fast; they have not fully converged.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_classification(n_samples=300, n_features=20, n_informative=5,
                           flip_y=0.05, random_state=0)


def make_search():
    model = make_pipeline(
        StandardScaler(),
        BinaryMLPClassifier(hidden_layer_sizes=(32,), learning_rate=0.01,
                            max_iter=30, random_state=0),
    )
    param_grid = {
        "binarymlpclassifier__weight_regularizer_l2": [0.0, 1e-3, 1e-2],
        "binarymlpclassifier__weight_regularizer_l1": [0.0, 1e-3, 1e-2],
    }
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    return GridSearchCV(model, param_grid, cv=cv)


def report(name, search, seconds):
    print(f"{name}: {len(search.cv_results_['params']) * search.n_splits_} fits "
          f"in {seconds:.1f} s; best {search.best_params_}, "
          f"accuracy {search.best_score_:.3f}")


# %%
# On one laptop
# -------------
# ``n_jobs=-1`` gives every core a process of its own (joblib's default
# ``loky`` backend). The time includes starting those processes, each of which
# imports scikit-learn and skmlp: on a small machine that is most of it.
if __name__ == "__main__":
    start = time.perf_counter()
    laptop = make_search().set_params(n_jobs=-1).fit(X, y)
    report("laptop", laptop, time.perf_counter() - start)

# %%
# The search's result: the mean cross-validated accuracy of each pair of
# lambdas. Wherever the fits run, this table is the same (checked below).
L1 = "param_binarymlpclassifier__weight_regularizer_l1"
L2 = "param_binarymlpclassifier__weight_regularizer_l2"


def plot_scores(search):
    results = search.cv_results_
    l1_values = sorted(set(results[L1]))
    l2_values = sorted(set(results[L2]))
    scores = np.empty((len(l1_values), len(l2_values)))
    for l1, l2, score in zip(results[L1], results[L2], results["mean_test_score"]):
        scores[l1_values.index(l1), l2_values.index(l2)] = score
    fig, ax = plt.subplots(figsize=(5, 4))
    image = ax.imshow(scores, cmap="viridis", origin="lower")
    middle = (scores.min() + scores.max()) / 2
    for (i, j), score in np.ndenumerate(scores):
        # Dark text on the bright (high) cells, light text on the dark ones.
        ax.text(j, i, f"{score:.3f}", ha="center", va="center",
                color="k" if score > middle else "w")
    ax.set_xticks(range(len(l2_values)), [f"{v:g}" for v in l2_values])
    ax.set_yticks(range(len(l1_values)), [f"{v:g}" for v in l1_values])
    ax.set_xlabel("weight_regularizer_l2")
    ax.set_ylabel("weight_regularizer_l1")
    ax.set_title("Mean cross-validated accuracy")
    fig.colorbar(image, ax=ax)
    fig.tight_layout()
    plt.show()


if __name__ == "__main__":
    plot_scores(laptop)

# %%
# Why ``if __name__ == "__main__":``
# ----------------------------------
# Worker processes are *spawned*: each starts a fresh Python that imports the
# script it was started from, as a module named ``__mp_main__``, to find the
# functions it is sent. Without the guard every worker would run the searches
# again, and start a cluster of its own. With it, a worker only defines
# ``make_search`` and the data. sphinx-gallery, which built this page, runs
# the file with ``__name__ == "__main__"``, so the guarded code runs here as it
# does from ``python plot_dask_grid_search.py``. In a notebook no guard is
# needed: the workers do not re-run its cells.

# %%
# On a Dask cluster
# -----------------
# With a cluster already running (``dask scheduler`` on one machine,
# ``dask worker tcp://scheduler:8786`` on the others, each with skmlp and the
# same versions of scikit-learn and NumPy installed), connect to its scheduler
# and run the search under the Dask backend::
#
#     from dask.distributed import Client
#
#     client = Client("tcp://scheduler:8786")
#     with joblib.parallel_backend("dask"):
#         search = make_search().set_params(n_jobs=-1).fit(X, y)
#
# ``X`` and ``y`` are sent to the workers; scoring and the refit of the best
# model happen as usual, and the fitted search comes back to this process.
#
# Here a :class:`~dask.distributed.LocalCluster` stands in for it: a
# scheduler and two worker processes on this machine, each worker with one
# thread.
try:
    from dask.distributed import Client, LocalCluster
except ImportError:
    LocalCluster = None

# One BLAS thread per worker: the workers are the parallelism (see the end).
ONE_THREAD = {name: "1" for name in
              ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}

if __name__ == "__main__":
    if LocalCluster is None:
        print('dask.distributed is not installed (pip install "skmlp[dask]"): '
              "the cluster part is skipped.")
    else:
        start = time.perf_counter()
        with (
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         dashboard_address=None, env=ONE_THREAD) as cluster,
            Client(cluster) as client,
        ):
            print(f"cluster started in {time.perf_counter() - start:.1f} s; "
                  f"threads of each worker: {client.nthreads()}")
            start = time.perf_counter()
            with joblib.parallel_backend("dask"):
                on_dask = make_search().set_params(n_jobs=-1).fit(X, y)
            report("Dask  ", on_dask, time.perf_counter() - start)

        # Same data, same random_state: the same numbers, fit by fit.
        same = all(
            np.array_equal(on_dask.cv_results_[key], laptop.cv_results_[key])
            for key in ("mean_test_score", "std_test_score", "rank_test_score")
        )
        print("same cv_results_ as on the laptop:", same)

# %%
# What to expect on few cores
# ---------------------------
# Dask does not make a search faster on the machine that already ran it with
# ``n_jobs=-1``: both use every core, and Dask adds a scheduler and network
# messages, and a few seconds to start its processes. It pays off with more
# machines, or to share one long search between several users' jobs.
#
# Match the workers to the cores. This page was built on a small machine:
if __name__ == "__main__":
    print(f"{os.cpu_count()} cores")

# %%
# hence 2 workers of 1 thread each. Each worker's BLAS (the library that
# NumPy's matrix products call) must then use one thread too, or
# ``workers x BLAS threads`` compete for the cores and every fit slows down.
# Dask's nanny sees to it: it sets ``OMP_NUM_THREADS``,
# ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS`` to 1 in every worker process
# it spawns (``env=`` above only says so explicitly). On a real cluster start
# as many one-thread workers as cores, e.g. ``dask worker
# tcp://scheduler:8786 --nworkers 8 --nthreads 1`` on an 8-core machine.
#
# Small networks like these gain nothing from BLAS threads (skmlp runs such
# fits on one thread by itself). For large layers, fewer workers with more
# BLAS threads each can be faster, e.g. 2 workers of 4 BLAS threads on 8
# cores: raise the three variables in the ``distributed.nanny.pre-spawn-environ``
# section of the workers' Dask configuration, since the nanny overrides the
# shell's values.

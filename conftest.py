# Root conftest: loaded before the doctests of skmlp/ import SciPy.
import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

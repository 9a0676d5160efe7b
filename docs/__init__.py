"""Not a package to import: this file only gives docs/conftest.py a name of its own.

pytest runs the documentation's doctests with ``--doctest-modules``, which
imports every conftest.py it collects under its directory's name. Without this
file, docs/conftest.py and tests/conftest.py would both be ``conftest`` and
collide; with it, this one is ``docs.conftest``.
"""

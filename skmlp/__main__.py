"""``python -m skmlp``: the same command line as the ``skmlp`` script."""

from ._cli import main

# The guard matters: pytest's --doctest-modules imports this module, and an
# unguarded main() would then parse pytest's own arguments.
if __name__ == "__main__":
    raise SystemExit(main())

"""The ``skmlp`` command line: ``train``, ``predict`` and ``grid``.

This module is the entry point: it parses the arguments, runs the command and
turns every way a command can end into an exit status.  The rest, one job
per module:

``_option_types``, ``_parser``
    the options and their values (standard library only, so that ``--help``
    answers at once);
``_data``, ``_preprocessing``, ``_prepare``
    bundled datasets and CSV files, the column preprocessing saved with the
    model, the checks and the training / test split;
``_tasks``, ``_model``
    what is learned from a target (classes today) and the pipeline that
    learns it, saved and loaded;
``_train``, ``_predict``, ``_grid``
    the commands, each imported only when it runs;
``_output``, ``_interrupts``, ``_errors``
    lines and tables; what Ctrl-C does; how errors are reported.
"""

import contextlib
import importlib
import os
import sys
import warnings

from ._errors import CLIError, one_line
from ._interrupts import EXIT_STATUS, MESSAGE, Interrupted, handling_interrupts
from ._parser import build_parser

__all__ = ["main"]


@contextlib.contextmanager
def _warnings_as_lines():
    """Show warnings as ``skmlp: warning: ...`` lines instead of source excerpts."""

    def show(message, category, filename, lineno, file=None, line=None):
        print(f"skmlp: warning: {one_line(message)}", file=sys.stderr)

    with warnings.catch_warnings():
        # --epochs is the user's explicit budget: reaching it is not news.
        warnings.filterwarnings(
            "ignore", message="Stochastic Optimizer: Maximum iterations"
        )
        warnings.showwarning = show
        yield


def _silence_stdout():
    # The reader of stdout went away (``skmlp predict ... | head``).  Point
    # stdout at devnull so that the interpreter's final flush is silent too.
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv=None):
    """Run the ``skmlp`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success (also when the reader of the output went away, as
        ``skmlp predict ... | head`` does), 2 on a usage or input error
        (reported as one ``skmlp: error: ...`` line on stderr), 130 when
        interrupted by Ctrl-C (one ``skmlp: interrupted`` line, no file
        written).

    Examples
    --------
    In a shell: ``skmlp train``, ``skmlp train --dataset iris --l2 1e-4``,
    ``skmlp grid --l2 0,1e-3``. From Python:

    >>> from skmlp._cli import main
    >>> main(["train", "--dataset", "iris", "--quiet", "--epochs", "5"])
    Validation, acc: ..., loss: ...
    0
    """
    with handling_interrupts():
        try:
            args = build_parser().parse_args(argv)
            command = importlib.import_module(f".{args.command_module}", __name__)
            with _warnings_as_lines():
                return command.run(args)
        except SystemExit as exit:
            # --help and --version end argparse with SystemExit(0); returning
            # the status keeps main() callable in-process.
            return exit.code
        except BrokenPipeError:
            _silence_stdout()
            return 0
        except (Interrupted, KeyboardInterrupt):
            # KeyboardInterrupt: a Ctrl-C before the handler was installed.
            print(MESSAGE, file=sys.stderr)
            return EXIT_STATUS
        except (CLIError, ValueError, OSError) as error:
            # CLIError is ours; ValueError is how scikit-learn reports a bad
            # parameter or bad data; OSError a file that cannot be read or
            # written.
            print(f"skmlp: error: {one_line(error)}", file=sys.stderr)
            return 2

"""What Ctrl-C does to a command: stop at once, write nothing, exit 130.

Python's own SIGINT handler raises :class:`KeyboardInterrupt` wherever the
main thread happens to be.  That is wrong for the command line twice over:

* the estimators catch :class:`KeyboardInterrupt` to end training with a
  warning and a usable model (scikit-learn's behaviour, right in Python), so
  ``train`` would save a half-trained model and ``grid`` go on with the next
  fold;
* an exception raised at an arbitrary bytecode of a library that was not
  written for it can leave that library's C state inconsistent.  pandas reads
  a large CSV with a pool of threads, each parsing into a C buffer.  An
  interrupt that lands in ``Thread.start`` (which waits, interruptibly, for
  the new thread) leaves a running thread the pool never registered and so
  never joins: the reader's cleanup frees the buffers that thread still
  parses into, a segmentation fault.

So while a command runs, :func:`handling_interrupts` installs a handler that
follows one of three modes:

``raise`` (the default)
    raise :class:`Interrupted`, which no estimator catches: it unwinds through
    ``fit`` and scikit-learn to ``main``, which prints one line and returns
    130.  Files being written are removed on the way (:func:`temporary_file`).
``exit``
    inside code that must not be unwound (:func:`exiting_at_once`, around
    pandas' reader): print the line, remove the temporary files and end the
    process with :func:`os._exit`, which runs no cleanup that could touch the
    parser's buffers.
``ignore``
    once the command has begun to commit its output (:func:`committing`): an
    interrupt is then too late to undo it, and the command completes.

A second Ctrl-C while the first one is unwinding ends the process at once,
so a slow cleanup can always be cut short.
"""

import contextlib
import os
import secrets
import signal
import sys
import threading

EXIT_STATUS = 130
MESSAGE = "skmlp: interrupted"


class Interrupted(BaseException):
    """Ctrl-C in a command: unwinds to ``main``, which exits with status 130.

    A ``BaseException`` like :class:`KeyboardInterrupt`, so that ``except
    Exception`` clauses let it through, but not a subclass of it, so that the
    estimators' own interrupt handling (end training, keep the model) does
    not swallow it.
    """


class _Policy:
    """The handler's state; one per process, changed by the main thread only."""

    def __init__(self):
        self.mode = "raise"
        self.interrupted = False
        self.temporary_paths = set()


_policy = _Policy()


def _exit_now():
    for path in list(_policy.temporary_paths):
        with contextlib.suppress(OSError):
            os.unlink(path)
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    # os.write, not print: stderr's buffer may be in use by the interrupted code.
    os.write(sys.stderr.fileno(), f"{MESSAGE}\n".encode())
    os._exit(EXIT_STATUS)


def _on_sigint(signum, frame):
    if _policy.mode == "ignore":
        return
    if _policy.interrupted or _policy.mode == "exit":
        _exit_now()
    _policy.interrupted = True
    raise Interrupted


@contextlib.contextmanager
def handling_interrupts():
    """Install the command line's SIGINT handler for the duration of a command.

    Outside the main thread (``main`` called from a worker thread) signals
    cannot be handled, and Python's default behaviour stays.
    """
    global _policy
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _policy = _Policy()
    previous = signal.signal(signal.SIGINT, _on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def exiting_at_once():
    """Within this block, Ctrl-C ends the process without unwinding.

    For library code that an exception raised at an arbitrary moment can
    corrupt: pandas' multi-threaded CSV reader (see the module docstring).
    """
    previous, _policy.mode = _policy.mode, "exit"
    try:
        yield
    finally:
        _policy.mode = previous


def leave_to_parent(parent_pid):
    """In a worker process of ``parent_pid``, ignore Ctrl-C: the parent handles it.

    A Ctrl-C typed in a terminal reaches every process of the job, joblib's
    workers included.  Left to Python's default, it would interrupt the
    worker's fit, which ends with the estimator's "Training interrupted"
    warning printed by the worker; the parent, interrupted too, stops the
    search and ends its workers anyway.
    """
    if os.getpid() != parent_pid and (
        threading.current_thread() is threading.main_thread()
    ):
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def committing():
    """From here on the command completes: Ctrl-C is too late and is ignored.

    Call it right before the step that makes the output visible (the rename
    of a finished file, the printing of computed results), so that an
    interrupt either comes before it and leaves nothing, or after it and
    changes nothing.
    """
    _policy.mode = "ignore"


@contextlib.contextmanager
def temporary_file(path, mode="w"):
    """Write to a temporary file beside ``path``; rename it over ``path`` at the end.

    The rename is atomic, so ``path`` is either untouched or complete.  The
    temporary file is removed when the block raises, :class:`Interrupted`
    included, and by the handler itself when it ends the process at once:
    its name is registered before the file exists, so no interrupt can leave
    it behind.  The rename is the command's commit point (:func:`committing`).

    Parameters
    ----------
    path : str
        The file to write.
    mode : {"w", "wb"}
        Text or binary.

    Yields
    ------
    handle : file object
        The open temporary file.
    """
    directory, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.part")
    _policy.temporary_paths.add(temporary)
    try:
        # "x": never clobber a file that happens to have the name; newline="":
        # the csv writers choose their own line endings.
        text = {} if "b" in mode else {"newline": "", "encoding": "utf-8"}
        with open(temporary, mode.replace("w", "x"), **text) as handle:
            yield handle
        committing()
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        _policy.temporary_paths.discard(temporary)

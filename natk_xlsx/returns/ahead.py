"""The opener of a single file, and its start ahead of the command line.

A single file is read on two cores (``batch``): a worker opens it (``open_one``: the gate and
the native reader) while the main process loads the toolkit. For a command that may read one
workbook the ``natk`` command forks that worker first of all (``start``), before it imports
the command line, so that the worker imports what opening needs while the main process imports
the rest. The file is named to it later (``batch`` takes it); a command that has no use for it
stops it (``dismiss``), and one that ends before either kills it as it exits (``forked``).

At module level this imports nothing of natk-xlsx but ``forked``, so that the worker starts
as early as it can.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from natk_xlsx.forked import Child, End, can_fork, collect_from_here, pipe

if TYPE_CHECKING:
    from natk_xlsx.returns.outcome import FileResult

#: The commands that may read a single workbook beside the toolkit.
READING_COMMANDS = frozenset({"check", "import"})

_started: tuple[End, Child] | None = None


def open_one(path: str, target: str | None = None) -> FileResult:
    """In a worker: the file opened and its book frozen, to be read on by the process that
    holds the toolkit. A book that cannot be frozen comes back with neither a book nor an
    error: then the file is read as in a batch."""
    from natk_xlsx.returns.outcome import FileResult, describe_failure, show_traceback
    from natk_xlsx.returns.reader import open_return

    start = time.perf_counter()
    try:
        opened = open_return(path)
    except Exception as exc:  # the same failures as ``batch``'s reading, at the same step
        code, message = describe_failure(path, exc)
        show_traceback()
        return FileResult(path, None, message, code, time.perf_counter() - start)
    try:
        frozen = opened.frozen()
    except Exception:  # a sheet the reader might never have asked for: let it judge
        show_traceback()
        frozen = None
    return FileResult(path, seconds=time.perf_counter() - start, opened=frozen)


def _ready_and_serve(end: End) -> None:
    """In the worker started ahead: what opening a file needs, imported now, then the loop of
    every worker (under the default memory limit: a caller with another does not take it).
    The collector waits meanwhile, and then sets aside what was imported, as what the worker
    was forked with: it stays to the end."""
    gc.disable()
    from natk_xlsx.returns.workers import DEFAULT_MEMORY_MB, serve

    try:  # a failure here is met again, and reported, when the file is opened
        import python_calamine  # noqa: F401

        from natk_xlsx.returns import fastread, gate, outcome, reader  # noqa: F401
    except Exception:
        pass
    collect_from_here()
    serve(open_one, end, DEFAULT_MEMORY_MB)


def start(argv: Sequence[str]) -> bool:
    """Fork the opener when the command in ``argv`` (the arguments after the program's name)
    may read a single workbook; whether it was forked now."""
    global _started
    if _started is not None or not argv or argv[0] not in READING_COMMANDS or not can_fork():
        return False
    mine, theirs = pipe()
    _started = mine, Child(_ready_and_serve, (theirs,), theirs)
    return True


def take() -> tuple[End, Child] | None:
    """The opener started ahead (its side of the pipe, and the child), now the caller's; None
    when there is none."""
    global _started
    taken, _started = _started, None
    return taken


def dismiss() -> None:
    """Stop the opener started ahead, when the command has no use for it."""
    taken = take()
    if taken is not None:
        end, child = taken
        child.kill()
        child.join(1)
        end.close()

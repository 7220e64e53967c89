"""The opener of a single file, and its start ahead of the command line.

A single file is read on two cores (``batch``): a worker opens it (``open_one``: the gate and
the native reader) while the main process loads the toolkit. For a command that may read one
workbook the ``natk`` command forks that worker first of all (``start``), before it imports
the command line, so that the worker imports what opening needs while the main process imports
the rest. When the arguments name one workbook that is there, it is sent that file at once,
to open as soon as it is ready (``guessed``): the command line, parsed later, decides whether
that was the file to read; ``batch`` takes the opener with its file, or the opener alone when
the file is named to it later. A command that has no use for it stops it (``dismiss``), and one
that ends before either kills it as it exits (``forked``). Opening is reading only: a file
opened on a wrong guess is merely not used.

At module level this imports nothing of natk-xlsx but ``forked``: a command that reads no
workbook pays nothing for it. One that may read imports, before the fork, only what both
processes would import (``_import_shared``): the opener then imports the gate and the native
reader, the command the reader of answers, each on its own core.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from natk_xlsx.forked import Child, End, can_fork, collect_from_here, pipe

if TYPE_CHECKING:
    from natk_xlsx.returns.outcome import FileResult

#: The commands that may read a single workbook beside the toolkit.
READING_COMMANDS = frozenset({"check", "import"})

#: The files it is sent before the command line is parsed (``sniff.WORKBOOK_SUFFIXES``, not
#: imported here: this module must load fast).
SUFFIXES = (".xlsx", ".xlsm")

_started: tuple[End, Child] | None = None
#: The file sent to the opener started ahead, and when (``time.monotonic``).
_guess: tuple[str, float] | None = None


def open_one(path: str, target: str | None = None) -> FileResult:
    """In a worker: the file opened and its book frozen, to be read on by the process that
    holds the toolkit. A book that cannot be frozen comes back with neither a book nor an
    error: then the file is read as in a batch."""
    from natk_xlsx.returns.opening import open_return
    from natk_xlsx.returns.outcome import FileResult, describe_failure, show_traceback

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

        from natk_xlsx.returns import fastread, gate  # noqa: F401
    except Exception:
        pass
    collect_from_here()
    serve(open_one, end, DEFAULT_MEMORY_MB)


def start(argv: Sequence[str]) -> bool:
    """Fork the opener when the command in ``argv`` (the arguments after the program's name)
    may read a single workbook; whether it was forked now."""
    global _started, _guess
    if _started is not None or not argv or argv[0] not in READING_COMMANDS or not can_fork():
        return False
    _import_shared()
    mine, theirs = pipe()
    _started = mine, Child(_ready_and_serve, (theirs,), theirs)
    named = _named_workbooks(argv[1:])
    if len(named) == 1:
        try:
            mine.send((named[0], None))
            _guess = named[0], time.monotonic()
        except OSError:  # it has gone already: ``batch`` starts another
            pass
    return True


def _import_shared() -> None:
    """What both the opener and the command import (the opening of a book and the workers'
    loop, and the standard library's modules they use), imported once before the fork, not once
    on each core. The opener is ready no later for it: it would import them first. The reader
    of answers is not among them: the opener has no use for it, and imports the gate meanwhile
    (a check of one file took 12 ms less when this changed alone)."""
    # a failure here is met again, and reported, where they are used
    with contextlib.suppress(Exception):
        from natk_xlsx.returns import opening, outcome, sniff, workers  # noqa: F401


def _named_workbooks(args: Sequence[str]) -> list[str]:
    """The arguments that name a workbook file that is there (before the command line is
    parsed, any of them may yet be an option's value: ``guessed`` settles it)."""
    return [a for a in args if not a.startswith("-") and a.lower().endswith(SUFFIXES)
            and os.path.isfile(a)]


def guessed(path: str) -> float | None:
    """When the opener started ahead was sent ``path`` to open (``time.monotonic``), if it was;
    then its result is the next thing it sends. None when it was sent no file, or another."""
    if _guess is None or _started is None:
        return None
    try:
        return _guess[1] if os.path.samefile(_guess[0], path) else None
    except OSError:
        return None


def named() -> bool:
    """Whether the opener started ahead was sent a file to open."""
    return _guess is not None and _started is not None


def take() -> tuple[End, Child] | None:
    """The opener started ahead (its side of the pipe, and the child), now the caller's; None
    when there is none. An opener sent a file the caller does not read (``guessed``) is of no
    use to it: the caller dismisses it."""
    global _started, _guess
    taken, _started, _guess = _started, None, None
    return taken


def dismiss() -> None:
    """Stop the opener started ahead, when the command has no use for it."""
    taken = take()
    if taken is not None:
        end, child = taken
        child.kill()
        child.join(1)
        end.close()

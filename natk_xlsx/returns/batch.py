"""Reading many workbooks safely: each in a worker process (``workers``), up to ``jobs`` at a
time, with a memory limit and a timeout. A file that crashes, hangs or floods memory becomes one
clear line in the report (``outcome``), and the batch goes on. The hand-back copy
(``annotate``) is made in the worker too, under the same limits.

A single file uses both cores: a worker opens it (the gate and the native reader, which stay
isolated) and sends back its book frozen, while this process loads the toolkit and then reads
the answers from that book.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from natk_xlsx.errors import InputError
from natk_xlsx.forked import can_fork
from natk_xlsx.returns import ahead
from natk_xlsx.returns.outcome import (
    INTERNAL,
    FileResult,
    describe_failure,
    one_line,
    show_traceback,
)
from natk_xlsx.returns.sniff import WORKBOOK_SUFFIXES, held_returns, sent_file
from natk_xlsx.returns.workers import DEFAULT_MEMORY_MB, Job, Worker, receive, run_pool

__all__ = ["INTERNAL", "Annotate", "FileResult", "collector_paused", "describe_failure",
           "expand_workbooks", "folder_entries", "iter_files", "read_files"]

if TYPE_CHECKING:  # the model is imported by whoever loads the toolkit, while a file opens
    from natk_xlsx.spec.model import Toolkit

    Loader = Toolkit | Callable[[], Toolkit]  # the toolkit, or how to load it when needed

#: A questionnaire reads in about 0.1 s, and the gate refuses what would take far longer: a
#: file still being read after this many seconds is stopped.
DEFAULT_TIMEOUT = 20.0


class Annotate(NamedTuple):
    """Write a hand-back copy into ``folder`` for each return with errors (and, with
    ``warnings``, for each return with warnings only)."""

    folder: str
    warnings: bool = False


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _read_one(path: str, toolkit: Toolkit, records_only: bool = False,
              annotate: Annotate | None = None, target: str | None = None,
              opened: Any = None) -> FileResult:
    """One file read and checked (``opened``: the file as a worker opened it)."""
    from natk_xlsx.returns.importer import read_opened, read_workbook

    start = time.perf_counter()
    try:
        submission = (read_workbook(path, toolkit) if opened is None
                      else read_opened(opened, toolkit))
    except Exception as exc:  # every failure becomes a line in the report
        code, message = describe_failure(path, exc)
        show_traceback()
        return FileResult(path, None, message, code, time.perf_counter() - start)
    result = FileResult(path, submission, errors=len(submission.errors))
    if annotate is not None and target is not None and _wants_copy(submission, annotate):
        _annotate(result, target)
    if records_only:  # what consolidation needs, without the cell map
        result.record, result.submission = submission.record(), None
    result.seconds = time.perf_counter() - start
    return result


def _wants_copy(submission: Any, annotate: Annotate) -> bool:
    return bool(submission.errors or (annotate.warnings and submission.issues))


def _retire_copy(result: FileResult, target: str | None, annotate: Annotate,
                 inputs: AbstractSet[str]) -> None:
    """Remove the copy an earlier check wrote for this return, now that it needs none: a copy
    handed back would ask again for what was corrected since. Only the return's own copy (its
    workbook id) that lists an error (or any, with warnings asked for: none is left), never a
    file read in this run."""
    from natk_xlsx.returns.annotate import handback_of

    if (target is None or result.annotated or result.annotate_error
            or result.status != "valid" or not os.path.isfile(target)
            or os.path.realpath(target) in inputs):
        return
    sub = result.submission
    if sub is None or (annotate.warnings and sub.issues):
        return
    found = handback_of(target)
    if found is None or found[0] != sub.workbook_id or not (found[1] or annotate.warnings):
        return
    with contextlib.suppress(OSError):
        os.remove(target)
        result.annotated_before = target


def _annotate(result: FileResult, target: str) -> None:
    from natk_xlsx.returns.annotate import annotate_workbook

    try:
        result.annotated = str(annotate_workbook(result.submission, target))
    except InputError as exc:
        result.annotate_error = str(exc)
    except Exception as exc:  # the copy is a courtesy: the file's result stands without it
        show_traceback()
        code, _ = describe_failure(result.path, exc)
        result.annotate_bug = code == INTERNAL
        why = ("internal error, a bug in natk-xlsx: " + one_line(f"{type(exc).__name__} {exc}")
               if code == INTERNAL else "the workbook holds something the copy cannot keep")
        result.annotate_error = f"{result.path}: no annotated copy could be written ({why})"


def annotated_targets(paths: Sequence[str], folder: str) -> dict[str, str]:
    """The hand-back copy's path for each file: ``NAME-checked.xlsx`` in ``folder``, safe and
    distinct (files of one name from different folders are named apart by a hash)."""
    from natk_xlsx.returns.annotate import annotated_name
    from natk_xlsx.safeio import inside, safe_file_name

    targets: dict[str, str] = {}
    taken: set[str] = set()
    for path in paths:
        name = annotated_name(path)
        if name.casefold() in taken:
            name = safe_file_name(f"{Path(name).stem}~{_digest(path)}", ".xlsx")
        taken.add(name.casefold())
        targets[path] = str(inside(folder, name))
    return targets


def _digest(path: str) -> str:
    import hashlib

    return hashlib.sha256(os.path.abspath(path).encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _reading(toolkit: Toolkit, records_only: bool, annotate: Annotate | None) -> Job:
    """The job of a worker of a batch: read and check each file (``_read_one``)."""
    def job(path: str, target: str | None) -> FileResult:
        return _read_one(path, toolkit, records_only, annotate, target)

    return job


def in_workers(isolate: bool = True) -> bool:
    """Whether files are read in worker processes (asked for, and possible here), not in this
    one."""
    return isolate and can_fork()


def _loaded(toolkit: Loader) -> Toolkit:
    return toolkit() if callable(toolkit) else toolkit


def iter_files(
    paths: Sequence[str | Path],
    toolkit: Loader,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    isolate: bool = True,
    records_only: bool = False,
    annotate: Annotate | None = None,
) -> Iterator[tuple[int, FileResult]]:
    """Read every file; each result comes back as soon as it is ready, with its index in
    ``paths``, so that a caller can fold it in and let it go. With ``records_only`` each result
    keeps only the submission's canonical record (less to hold and to send); with ``annotate``
    the hand-back copies are written as the files are read. ``toolkit`` may be a function that
    loads it: a single file is then opened in a worker while the toolkit loads."""
    names = [str(p) for p in paths]
    if annotate is None:
        yield from _results(names, {}, toolkit, jobs, timeout, memory_mb, isolate,
                            records_only, None)
        return
    targets = annotated_targets(names, annotate.folder)
    inputs = {os.path.realpath(name) for name in names}
    for index, result in _results(names, targets, toolkit, jobs, timeout, memory_mb, isolate,
                                  records_only, annotate):
        _retire_copy(result, targets.get(names[index]), annotate, inputs)
        yield index, result


def _results(names: list[str], targets: dict[str, str], toolkit: Loader, jobs: int | None,
             timeout: float, memory_mb: int, isolate: bool, records_only: bool,
             annotate: Annotate | None) -> Iterator[tuple[int, FileResult]]:
    tasks = [(name, targets.get(name)) for name in names]
    if len(tasks) == 1 and annotate is None and in_workers(isolate):
        yield 0, _read_beside(names[0], toolkit, timeout, memory_mb, records_only)
        return
    ahead.dismiss()  # started for a single file: of no use here
    if not in_workers(isolate):
        loaded = _loaded(toolkit)
        for index, (name, target) in enumerate(tasks):
            yield index, _read_one(name, loaded, records_only, annotate, target)
        return
    yield from run_pool(tasks, _reading(_loaded(toolkit), records_only, annotate),
                         jobs or default_jobs(), timeout, memory_mb)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's collector of reference cycles paused (and resumed as it was), in a process that
    keeps what it reads to the end: each pass of the collector over it frees nothing. At 1,000
    returns a summary's passes cost 2-4 s of CPU; a check of one file, about 5 ms. Memory is
    freed as before (by reference counting); the worker processes, forked meanwhile, collect
    as usual (``workers``)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_files(paths: Sequence[str | Path], toolkit: Loader,
               progress: Callable[[FileResult], None] | None = None,
               **options: Any) -> list[FileResult]:
    """Every file's result, in the order of ``paths`` (``iter_files`` with ``options``,
    collected), each passed to ``progress`` as it arrives. While workers read, this process
    only loads the toolkit and keeps the results: its collector is paused."""
    done: dict[int, FileResult] = {}
    reading_here = not in_workers(options.get("isolate", True))
    with contextlib.nullcontext() if reading_here else collector_paused():
        for index, result in iter_files(paths, toolkit, **options):
            done[index] = result
            if progress:
                progress(result)
    return [done[i] for i in range(len(paths))]


def _opener(path: str, memory_mb: int) -> Worker:
    """A worker opening ``path``: the one started ahead (``ahead``) when there is one, limited
    as asked and still there (already opening the file when it was named to it), else a new
    one."""
    sent = ahead.guessed(path)
    started = ahead.take() if memory_mb == DEFAULT_MEMORY_MB and (
        sent is not None or not ahead.named()) else None
    ahead.dismiss()
    if started is not None:
        worker = Worker(ahead.open_one, memory_mb, started)
        if sent is not None:  # opening it since the command started
            worker.task = (0, path, sent)
            return worker
        try:
            worker.send(0, (path, None))
            return worker
        except OSError:  # it has gone: start another
            worker.stop(kill=True)
    worker = Worker(ahead.open_one, memory_mb)
    worker.send(0, (path, None))
    return worker


#: How a process stopped from outside ends (killed, or told to end).
_KILLED = (-signal.SIGKILL, -signal.SIGTERM)


def _read_beside(path: str, toolkit: Loader, timeout: float, memory_mb: int,
                 records_only: bool) -> FileResult:
    """One file, on two cores: a worker opens it (the gate and the native reader, under the
    worker's limits) while this process loads the toolkit and the reading code, then this
    process reads the answers from the frozen book (plain data, bounded by the gate). A book
    that cannot be frozen is read by a worker as in a batch."""
    early = ahead.guessed(path) is not None and memory_mb == DEFAULT_MEMORY_MB  # opening it
    worker = _opener(path, memory_mb)
    try:
        loaded = _loaded(toolkit)
        import natk_xlsx.returns.importer  # noqa: F401  (while the worker works)
        from natk_xlsx.i18n.interface import strings

        strings()  # the texts of the messages, read while the worker works

        opening = receive(worker, timeout)
        if early and worker.crashed and worker.proc.exitcode in _KILLED:
            # stopped from outside while it waited or opened, not by the file (which would
            # crash it with a signal of its own): open it once more
            worker = _opener(path, memory_mb)
            opening = receive(worker, timeout)
        worker.tell_stop()  # it ends while the answers are read here
        if opening.opened is not None:
            result = _read_one(path, loaded, records_only, opened=opening.opened)
            result.seconds += opening.seconds
            return result
    finally:
        worker.stop(kill=worker.task is not None)
    if opening.error is not None:
        return opening
    return next(run_pool([(path, None)], _reading(loaded, records_only, None), 1, timeout,
                          memory_mb))[1]


def folder_entries(folder: Path, suffixes: Sequence[str], given: Sequence[str | Path] = ()
                   ) -> list[str]:
    """What a folder gives to read (sorted, not recursive): its files with ``suffixes``, and
    those in another spreadsheet format, each to get its line; and each subfolder holding such
    files (``sniff.held_returns``), which is not read but gets a line saying so (``gate``), so
    that no return in it is passed over in silence, unless it is among the paths ``given``.
    Lock files and hidden files are left out."""
    named = {Path(p).resolve() for p in given}
    return [str(p) for p in sorted(folder.iterdir())
            if sent_file(p, suffixes) or _unread_subfolder(p, suffixes, named)]


def _unread_subfolder(path: Path, suffixes: Sequence[str], named: AbstractSet[Path]) -> bool:
    """A subfolder that may hold returns and is not itself among the paths named."""
    return (path.is_dir() and not path.name.startswith(".") and path.resolve() not in named
            and held_returns(path, suffixes) > 0)


def expand_workbooks(paths: Sequence[str | Path]) -> list[str]:
    """Files as given; a folder gives its workbooks (``folder_entries``). A folder without any
    stays in the list, for the gate to report."""
    found: list[str] = []
    for item in paths:
        path = Path(item)
        if not path.is_dir():
            found.append(str(item))
            continue
        try:
            inner = folder_entries(path, WORKBOOK_SUFFIXES, paths)
        except OSError:
            inner = []
        found += inner or [str(item)]
    return found

"""Reading many workbooks safely: each in its own worker process, with a memory limit and a
timeout, up to ``jobs`` at a time. A file that crashes, hangs or floods memory becomes one clear
line in the report, and the batch goes on. Workers write nothing to the screen: what a native
library prints as it aborts (allocator messages, backtraces) is discarded unless ``NATK_DEBUG``
is set. The hand-back copy (``annotate``) is made in the worker too, under the same limits.

A failure is the file's fault (a damaged or hostile file: a library refused it) or natk's (an
unexpected exception in natk's own code): the latter is code ``INTERNAL``, a bug to report,
and still one line naming the file.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from natk_xlsx.alongside import can_fork
from natk_xlsx.errors import InputError

if TYPE_CHECKING:  # the model is imported by whoever loads the toolkit, while a file opens
    from natk_xlsx.spec.model import Toolkit

    Loader = Toolkit | Callable[[], Toolkit]  # the toolkit, or how to load it when needed

#: A questionnaire reads in about 0.1 s, and the gate refuses what would take far longer: a
#: file still being read after this many seconds is stopped.
DEFAULT_TIMEOUT = 20.0
DEFAULT_MEMORY_MB = 2048


@dataclass
class FileResult:
    """What became of one file: a submission, or why the file could not be used."""

    path: str
    submission: Any = None  # importer.Submission (None when only the record was kept)
    error: str | None = None
    code: str | None = None
    seconds: float = 0.0
    record: dict[str, Any] | None = None  # the canonical submission JSON, when asked for
    errors: int = 0
    annotated: str | None = None  # the hand-back copy written, when asked for
    annotate_error: str | None = None  # why no hand-back copy could be written
    annotate_bug: bool = False  # ... because of a bug in natk
    opened: Any = None  # reader.Opened, frozen: the file opened in a worker, read on here

    @property
    def internal(self) -> bool:
        """A bug in natk, not a problem of the file."""
        return self.code == INTERNAL

    @property
    def status(self) -> str:
        if self.submission is None and self.record is None:
            return "unusable"
        return "invalid" if self.errors else "valid"


INTERNAL = "INTERNAL"


@dataclass(frozen=True)
class Annotate:
    """Write a hand-back copy into ``folder`` for each return with errors (and, with
    ``warnings``, for each return with warnings only)."""

    folder: str
    warnings: bool = False


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def describe_failure(path: str, exc: BaseException) -> tuple[str, str]:
    """(code, one-line message) for an exception raised while reading ``path``."""
    code = getattr(exc, "code", None)
    if isinstance(exc, InputError):
        return code or "FILE-UNUSABLE", str(exc)
    if isinstance(exc, MemoryError):
        return "FILE-TOO-BIG", (f"{path}: reading it needs more memory than any questionnaire "
                                "could; it cannot be read safely")
    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return "FILE-TRUNCATED", (f"{path}: the file is damaged or incomplete; send the file "
                                  "again")
    if _caused_by_hostile_xml(exc):
        return "FILE-HOSTILE-XML", (f"{path}: the file contains XML constructs that are never "
                                    "found in a spreadsheet (entity definitions); it was not "
                                    "read. Save the workbook again from Excel or LibreOffice")
    if not raised_by_library(exc):
        name = type(exc).__name__
        detail = _one_line(str(exc))
        return INTERNAL, (f"{path}: internal error while reading this file ({name}"
                          f"{': ' + detail if detail else ''}); this is a bug in natk-xlsx, "
                          "please report it with the file (NATK_DEBUG=1 shows the details)")
    return "FILE-CORRUPT", (f"{path}: its contents are damaged or not what a spreadsheet "
                            "application writes, so it cannot be read as a workbook; open it in "
                            "Excel or LibreOffice, save it again as .xlsx and send it again")


#: Modules whose exceptions mean "this file cannot be parsed": the readers and what they use.
LIBRARIES = ("openpyxl", "python_calamine", "pyo3_runtime", "defusedxml", "et_xmlfile", "lxml",
             "xml", "zipfile", "zlib", "xlsxwriter")


def _top_module(name: str) -> str:
    return name.split(".", 1)[0].lstrip("_")


def raised_by_library(exc: BaseException) -> bool:
    """True when a reader library raised ``exc`` (the file's fault); False when natk's own code
    did (a bug). Decided by the exception's type, then by the innermost frame that belongs to
    natk or to one of ``LIBRARIES`` (frames of the rest of the standard library are skipped)."""
    if _top_module(type(exc).__module__) in LIBRARIES:
        return True
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        module = _top_module(str(frame.f_globals.get("__name__", "")))
        if module == "natk_xlsx":
            return False
        if module in LIBRARIES:
            return True
    return False


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 160 else line[:159] + "…"


def _caused_by_hostile_xml(exc: BaseException) -> bool:
    """openpyxl wraps defusedxml's refusal in a ValueError: walk the chain of causes."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if any(cls.__module__.startswith("defusedxml") for cls in type(current).__mro__):
            return True
        current = current.__cause__ or current.__context__
    return False


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
        if os.environ.get("NATK_DEBUG"):
            traceback.print_exc()
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


def _annotate(result: FileResult, target: str) -> None:
    from natk_xlsx.returns.annotate import annotate_workbook

    try:
        result.annotated = str(annotate_workbook(result.submission, target))
    except InputError as exc:
        result.annotate_error = str(exc)
    except Exception as exc:  # the copy is a courtesy: the file's result stands without it
        if os.environ.get("NATK_DEBUG"):
            traceback.print_exc()
        code, _ = describe_failure(result.path, exc)
        result.annotate_bug = code == INTERNAL
        why = ("internal error, a bug in natk-xlsx: " + _one_line(f"{type(exc).__name__} {exc}")
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


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource

        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _quiet() -> None:
    """Send what this worker (and any native library in it) writes to the screen nowhere."""
    if os.environ.get("NATK_DEBUG"):
        return
    import faulthandler

    faulthandler.disable()  # it writes to a file of its own, not to standard error
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def _open_one(path: str, target: str | None = None) -> FileResult:
    """In a worker: the file opened and its book frozen, to be read on by the process that
    holds the toolkit. A book that cannot be frozen comes back with neither a book nor an
    error: then the file is read as in a batch."""
    from natk_xlsx.returns.reader import open_return

    start = time.perf_counter()
    try:
        opened = open_return(path)
    except Exception as exc:  # the same failures as ``_read_one``'s, at the same step
        code, message = describe_failure(path, exc)
        if os.environ.get("NATK_DEBUG"):
            traceback.print_exc()
        return FileResult(path, None, message, code, time.perf_counter() - start)
    try:
        frozen = opened.frozen()
    except Exception:  # a sheet the reader might never have asked for: let it judge
        if os.environ.get("NATK_DEBUG"):
            traceback.print_exc()
        frozen = None
    return FileResult(path, seconds=time.perf_counter() - start, opened=frozen)


Job = Callable[[str, "str | None"], FileResult]  # a file and its hand-back copy → its result


def _reading(toolkit: Toolkit, records_only: bool, annotate: Annotate | None) -> Job:
    """The job of a worker of a batch: read and check each file (``_read_one``)."""
    def job(path: str, target: str | None) -> FileResult:
        return _read_one(path, toolkit, records_only, annotate, target)

    return job


def _serve(job: Job, conn: Connection, memory_mb: int) -> None:
    """A worker: do ``job`` on each file it is sent, one at a time, until told to stop."""
    _quiet()
    _limit_memory(memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        path, target = task
        try:
            result = job(path, target)
        except BaseException as exc:  # MemoryError, or an error escaping the handlers
            code, message = describe_failure(path, exc)
            result = FileResult(path, None, message, code)
        try:
            conn.send(result)
        except Exception as exc:  # the result could not be sent back (pickling, memory)
            code, message = describe_failure(path, exc)
            conn.send(FileResult(path, None, message, code))


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
    targets = annotated_targets(names, annotate.folder) if annotate else {}
    tasks = [(name, targets.get(name)) for name in names]
    if not isolate or not can_fork():
        loaded = _loaded(toolkit)
        for index, (name, target) in enumerate(tasks):
            yield index, _read_one(name, loaded, records_only, annotate, target)
        return
    if len(tasks) == 1 and annotate is None:
        yield 0, _read_beside(names[0], toolkit, timeout, memory_mb, records_only)
        return
    yield from _run_pool(tasks, _reading(_loaded(toolkit), records_only, annotate),
                         jobs or default_jobs(), timeout, memory_mb)


def read_files(paths: Sequence[str | Path], toolkit: Loader,
               progress: Callable[[FileResult], None] | None = None,
               **options: Any) -> list[FileResult]:
    """Every file's result, in the order of ``paths`` (``iter_files`` with ``options``,
    collected), each passed to ``progress`` as it arrives."""
    done: dict[int, FileResult] = {}
    for index, result in iter_files(paths, toolkit, **options):
        done[index] = result
        if progress:
            progress(result)
    return [done[i] for i in range(len(paths))]


def _read_beside(path: str, toolkit: Loader, timeout: float, memory_mb: int,
                 records_only: bool) -> FileResult:
    """One file, on two cores: a worker opens it (the gate and the native reader, under the
    worker's limits) while this process loads the toolkit and the reading code, then this
    process reads the answers from the frozen book (plain data, bounded by the gate). A book
    that cannot be frozen is read by a worker as in a batch."""
    worker = _Worker(mp.get_context("fork"), _open_one, memory_mb)
    try:
        worker.send(0, (path, None))
        loaded = _loaded(toolkit)
        import natk_xlsx.returns.importer  # noqa: F401  (while the worker works)

        opening = _receive(worker, timeout)
        worker.tell_stop()  # it ends while the answers are read here
        if opening.opened is not None:
            result = _read_one(path, loaded, records_only, opened=opening.opened)
            result.seconds += opening.seconds
            return result
    finally:
        worker.stop(kill=worker.task is not None)
    if opening.error is not None:
        return opening
    return next(_run_pool([(path, None)], _reading(loaded, records_only, None), 1, timeout,
                          memory_mb))[1]


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def expand_workbooks(paths: Sequence[str | Path]) -> list[str]:
    """Files as given; a folder gives its workbooks (.xlsx, .xlsm; sorted, not recursive,
    without the lock files spreadsheet applications leave). A folder without any stays in the
    list, for the gate to report."""
    found: list[str] = []
    for item in paths:
        path = Path(item)
        if not path.is_dir():
            found.append(str(item))
            continue
        try:
            inner = sorted(str(p) for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES
                           and not p.name.startswith(("~$", ".~lock", ".")))
        except OSError:
            inner = []
        found += inner or [str(item)]
    return found


Task = tuple[str, str | None]  # a file, and where its hand-back copy goes


class _Worker:
    def __init__(self, ctx: Any, job: Job, memory_mb: int) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(job, child, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[int, str, float] | None = None
        self.crashed = False
        self.told = False  # told to stop

    def send(self, index: int, task: Task) -> None:
        self.task = (index, task[0], time.monotonic())
        self.conn.send(task)

    def result(self) -> FileResult:
        """The result of its task, which is ready; a crash becomes a line of its own."""
        assert self.task is not None
        _, name, started = self.task
        self.task = None
        try:
            return self.conn.recv()  # type: ignore[no-any-return]
        except (EOFError, OSError):
            self.crashed = True
            self.stop(kill=True)
            return _crashed(name, self.proc.exitcode, time.monotonic() - started)

    def overdue(self, now: float, timeout: float) -> FileResult | None:
        """Stopped, and the line that says so, when its task has run longer than ``timeout``."""
        if self.task is None or now - self.task[2] <= timeout:
            return None
        _, name, started = self.task
        self.stop(kill=True)
        self.task = None
        return FileResult(name, None, f"{name}: reading took longer than {timeout:.0f} s and "
                          "was stopped; the file is far larger or more complex than a "
                          "questionnaire. Open it in Excel or LibreOffice, save it again as "
                          ".xlsx and send it again", "FILE-TIMEOUT", now - started)

    def tell_stop(self) -> None:
        """Ask it to end once it is idle, without waiting for it (``stop`` waits)."""
        if not self.told:
            self.told = True
            with contextlib.suppress(OSError, ValueError):
                self.conn.send(None)

    def stop(self, kill: bool = False) -> None:
        if kill:
            with contextlib.suppress(OSError, ValueError):
                self.proc.kill()
        else:
            self.tell_stop()
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()


def _crashed(name: str, exitcode: int | None, seconds: float) -> FileResult:
    how = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit {exitcode}"
    return FileResult(name, None, f"{name}: the reader stopped while reading this file ({how}); "
                      "it is probably damaged or far too large. Open it in Excel or LibreOffice, "
                      "save it again as .xlsx and send it again", "FILE-CRASH", seconds)


def _receive(worker: _Worker, timeout: float) -> FileResult:
    """The result of a worker's one task, waiting no longer than ``timeout`` from its start."""
    while True:
        assert worker.task is not None
        left = worker.task[2] + timeout - time.monotonic()
        if worker.conn.poll(max(0.0, min(left, 0.2))):
            return worker.result()
        late = worker.overdue(time.monotonic(), timeout)
        if late is not None:
            return late


def _run_pool(tasks: list[Task], job: Job, jobs: int, timeout: float, memory_mb: int
              ) -> Iterator[tuple[int, FileResult]]:
    """A few long-lived forked workers (started while this process is still small), each
    doing ``job`` on one file at a time; a worker that crashes or overruns is replaced."""
    ctx = mp.get_context("fork")
    pending = list(enumerate(tasks))
    pending.reverse()
    workers = [_Worker(ctx, job, memory_mb) for _ in range(min(jobs, len(tasks)))]
    try:
        while pending or any(w.task for w in workers):
            for w in workers:
                if w.task is None and pending:
                    w.send(*pending.pop())
            busy = {w.conn: w for w in workers if w.task is not None}
            for conn in wait(list(busy), timeout=0.2):
                w = busy[conn]
                assert w.task is not None
                index = w.task[0]
                result = w.result()
                if w.crashed:
                    workers[workers.index(w)] = _Worker(ctx, job, memory_mb)
                yield index, result
            now = time.monotonic()
            for i, w in enumerate(workers):
                index = w.task[0] if w.task is not None else -1
                late = w.overdue(now, timeout)
                if late is not None:
                    workers[i] = _Worker(ctx, job, memory_mb)
                    yield index, late
    finally:
        for w in workers:
            w.stop()

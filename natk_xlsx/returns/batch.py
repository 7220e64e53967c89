"""Reading many workbooks safely: each in its own worker process, with a memory limit and a
timeout, up to ``jobs`` at a time. A file that crashes, hangs or floods memory becomes one clear
line in the report, and the batch goes on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from natk_xlsx.errors import InputError
from natk_xlsx.spec.model import Toolkit

DEFAULT_TIMEOUT = 120.0
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

    @property
    def status(self) -> str:
        if self.submission is None and self.record is None:
            return "unusable"
        return "invalid" if self.errors else "valid"


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
    name = type(exc).__name__
    if _caused_by_hostile_xml(exc):
        return "FILE-HOSTILE-XML", (f"{path}: the file contains XML constructs that are never "
                                    "found in a spreadsheet (entity definitions); it was not "
                                    "read. Save the workbook again from Excel or LibreOffice")
    detail = str(exc).splitlines()[0][:160] if str(exc) else name
    return "FILE-CORRUPT", (f"{path}: cannot be read as a workbook ({name}: {detail}); open it "
                            "in Excel or LibreOffice, save it again as .xlsx and send it again")


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


def _read_one(path: str, toolkit: Toolkit, records_only: bool = False) -> FileResult:
    from natk_xlsx.returns.importer import read_workbook

    start = time.perf_counter()
    try:
        submission = read_workbook(path, toolkit)
        errors = len(submission.errors)
        if records_only:  # what consolidation needs, without the cell map
            return FileResult(path, None, seconds=time.perf_counter() - start,
                              record=submission.record(), errors=errors)
        return FileResult(path, submission, seconds=time.perf_counter() - start, errors=errors)
    except Exception as exc:  # every failure becomes a line in the report
        code, message = describe_failure(path, exc)
        if os.environ.get("NATK_DEBUG"):
            traceback.print_exc()
        return FileResult(path, None, message, code, time.perf_counter() - start)


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource

        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _serve(toolkit: Toolkit, conn: Connection, memory_mb: int, records_only: bool) -> None:
    """A worker: read the files it is sent, one at a time, until told to stop."""
    _limit_memory(memory_mb)
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        try:
            result = _read_one(path, toolkit, records_only)
        except MemoryError as exc:
            code, message = describe_failure(path, exc)
            result = FileResult(path, None, message, code)
        try:
            conn.send(result)
        except Exception as exc:  # the result could not be sent back (pickling, memory)
            code, message = describe_failure(path, exc)
            conn.send(FileResult(path, None, message, code))


def _can_fork() -> bool:
    return sys.platform != "win32" and "fork" in mp.get_all_start_methods()


def read_files(
    paths: Sequence[str | Path],
    toolkit: Toolkit,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    isolate: bool = True,
    progress: Callable[[FileResult], None] | None = None,
    records_only: bool = False,
) -> list[FileResult]:
    """Read every file; results come back in the order of ``paths``. With ``records_only``
    each result keeps only the submission's canonical record (less to hold and to send)."""
    names = [str(p) for p in paths]
    if not isolate or not _can_fork():
        results = []
        for name in names:
            result = _read_one(name, toolkit, records_only)
            if progress:
                progress(result)
            results.append(result)
        return results
    done: dict[int, FileResult] = {}
    for index, result in _run_pool(names, toolkit, jobs or default_jobs(), timeout, memory_mb,
                                   records_only):
        done[index] = result
        if progress:
            progress(result)
    return [done[i] for i in range(len(names))]


class _Worker:
    def __init__(self, ctx: Any, toolkit: Toolkit, memory_mb: int, records_only: bool) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(toolkit, child, memory_mb, records_only),
                                daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[int, str, float] | None = None

    def send(self, index: int, name: str) -> None:
        self.task = (index, name, time.monotonic())
        self.conn.send(name)

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.kill()
            else:
                self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()


def _run_pool(names: list[str], toolkit: Toolkit, jobs: int, timeout: float, memory_mb: int,
              records_only: bool) -> Iterator[tuple[int, FileResult]]:
    """A few long-lived forked workers (started while this process is still small), each
    reading one file at a time; a worker that crashes or overruns is replaced."""
    ctx = mp.get_context("fork")
    pending = list(enumerate(names))
    pending.reverse()
    workers = [_Worker(ctx, toolkit, memory_mb, records_only)
               for _ in range(min(jobs, len(names)))]
    try:
        while pending or any(w.task for w in workers):
            for w in workers:
                if w.task is None and pending:
                    w.send(*pending.pop())
            busy = {w.conn: w for w in workers if w.task is not None}
            for conn in wait(list(busy), timeout=0.2):
                w = busy[conn]
                assert w.task is not None
                index, name, started = w.task
                w.task = None
                try:
                    result = w.conn.recv()
                except (EOFError, OSError):
                    w.stop(kill=True)
                    code = w.proc.exitcode
                    workers[workers.index(w)] = _Worker(ctx, toolkit, memory_mb, records_only)
                    result = FileResult(name, None, f"{name}: the reader stopped while reading "
                                        f"this file (exit {code}); it is probably damaged or far "
                                        "too large. Save it again as .xlsx and send it again",
                                        "FILE-CRASH", time.monotonic() - started)
                yield index, result
            now = time.monotonic()
            for i, w in enumerate(workers):
                if w.task is not None and now - w.task[2] > timeout:
                    index, name, started = w.task
                    w.stop(kill=True)
                    workers[i] = _Worker(ctx, toolkit, memory_mb, records_only)
                    yield index, FileResult(name, None, f"{name}: reading took longer than "
                                            f"{timeout:.0f} s and was stopped; the file is far "
                                            "larger or more complex than a questionnaire",
                                            "FILE-TIMEOUT", now - started)
    finally:
        for w in workers:
            w.stop()

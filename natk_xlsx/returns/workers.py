"""Worker processes: each does a job on one file at a time, under a memory limit and a
timeout, and writes nothing to the screen (what a native library prints as it aborts is
discarded unless ``NATK_DEBUG`` is set). A worker that crashes or overruns becomes one line,
``FILE-CRASH`` or ``FILE-TIMEOUT``, and is replaced; the others go on.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable, Iterator

from natk_xlsx.forked import Child, End, pipe, wait
from natk_xlsx.returns.outcome import FileResult, describe_failure

Job = Callable[[str, "str | None"], FileResult]  # a file and its hand-back copy → its result

Task = tuple[str, str | None]  # a file, and where its hand-back copy goes

#: The memory a worker may use: a questionnaire needs a few tens of MiB.
DEFAULT_MEMORY_MB = 2048
#: A worker's collector of reference cycles looks at its youngest objects once this many more
#: have been made than freed (Python's default: 700). Reading a return makes thousands of
#: objects that live together for a moment (its rows and cells): at 700 the collector ran a
#: dozen times a return, walking them and moving them to older generations to be walked again,
#: 5-6 % of a worker's time; at 10,000 it runs about once every seven returns. The cycles the
#: openpyxl reader leaves (some 16,000 objects a return) are still collected, at most this
#: many objects late.
YOUNG_COLLECTION = 10_000


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


def serve(job: Job, conn: End, memory_mb: int) -> None:
    """A worker: do ``job`` on each file it is sent, one at a time, until told to stop."""
    # it collects (``forked``): reading makes cycles (openpyxl's books), which must not pile up
    # to the memory limit
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
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


class Worker:
    def __init__(self, job: Job, memory_mb: int, started: tuple[End, Child] | None = None
                 ) -> None:
        """A new worker doing ``job``; or the one ``started`` already (its side of the pipe and
        the child), which serves the same way (``ahead``)."""
        if started is None:
            self.conn, child = pipe()
            self.proc = Child(serve, (job, child, memory_mb), child)
        else:
            self.conn, self.proc = started
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


def receive(worker: Worker, timeout: float) -> FileResult:
    """The result of a worker's one task, waiting no longer than ``timeout`` from its start."""
    while True:
        assert worker.task is not None
        left = worker.task[2] + timeout - time.monotonic()
        if worker.conn.poll(max(0.0, min(left, 0.2))):
            return worker.result()
        late = worker.overdue(time.monotonic(), timeout)
        if late is not None:
            return late


def run_pool(tasks: list[Task], job: Job, jobs: int, timeout: float, memory_mb: int
              ) -> Iterator[tuple[int, FileResult]]:
    """A few long-lived forked workers (started while this process is still small), each
    doing ``job`` on one file at a time; a worker that crashes or overruns is replaced."""
    pending = list(enumerate(tasks))
    pending.reverse()
    workers = [Worker(job, memory_mb) for _ in range(min(jobs, len(tasks)))]
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
                    workers[workers.index(w)] = Worker(job, memory_mb)
                yield index, result
            now = time.monotonic()
            for i, w in enumerate(workers):
                index = w.task[0] if w.task is not None else -1
                late = w.overdue(now, timeout)
                if late is not None:
                    workers[i] = Worker(job, memory_mb)
                    yield index, late
    finally:
        for w in workers:
            w.stop()

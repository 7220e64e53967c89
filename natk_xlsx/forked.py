"""Forked processes and the pipes that join them to this one, without ``multiprocessing``
(whose import alone is about a twentieth of a ``natk check`` of one file).

A child is a forked copy of this process that runs one function and ends with ``os._exit``
(it runs none of this process's exit handlers and flushes none of its buffers). Each side of
a ``pipe`` sends and receives pickled values, each sent whole with its length first. A child
holds no pipe of any other child, so that each sees the end of this process on its own pipe;
children still running when this process exits are killed. Where ``fork`` does not exist
(Windows) nothing here is used: the callers check ``can_fork`` and do the work in-process.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

_HEADER = 8  # the length of each message, big-endian


def can_fork() -> bool:
    """Whether processes can be forked here (not on Windows)."""
    return sys.platform != "win32" and hasattr(os, "fork")


class End:
    """One side of a ``pipe``: what the other side sends is received here, and back."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._read, self._write = read_fd, write_fd
        self.closed = False
        _OPEN.add(self)

    def fileno(self) -> int:
        return self._read

    def send(self, value: Any) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
        while view:
            view = view[os.write(self._write, view):]

    def recv(self) -> Any:
        """The next value sent; ``EOFError`` when the other side has gone."""
        size = int.from_bytes(self._exactly(_HEADER), "big")
        return pickle.loads(self._exactly(size))

    def _exactly(self, size: int) -> bytes:
        parts, left = [], size
        while left:
            part = os.read(self._read, min(left, 1 << 20))
            if not part:
                raise EOFError("the other process closed its side of the pipe")
            parts.append(part)
            left -= len(part)
        return b"".join(parts)

    def poll(self, timeout: float = 0.0) -> bool:
        """Whether something can be received (or the other side has gone) within ``timeout``."""
        return bool(select.select([self._read], [], [], timeout)[0])

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            _OPEN.discard(self)
            for fd in (self._read, self._write):
                with contextlib.suppress(OSError):
                    os.close(fd)


#: Every side of a pipe this process holds open (a child closes those it does not own).
_OPEN: set[End] = set()
#: Children started here and not yet waited for.
_LIVE: dict[int, Child] = {}


def pipe() -> tuple[End, End]:
    """Two sides joined both ways: one for this process, one for a child."""
    down_read, down_write = os.pipe()
    up_read, up_write = os.pipe()
    return End(up_read, down_write), End(down_read, up_write)


def wait(ends: Sequence[End], timeout: float) -> list[End]:
    """The sides among ``ends`` with something to receive (or whose child has gone)."""
    return list(select.select(list(ends), [], [], timeout)[0]) if ends else []


class Child:
    """``target(*args)`` run in a forked process that owns ``end`` (of a ``pipe``); its exit
    code is 0 when it returned, 1 when it raised, and minus the signal that stopped it."""

    def __init__(self, target: Callable[..., Any], args: tuple[Any, ...], end: End) -> None:
        for stream in (sys.stdout, sys.stderr):  # nothing written here is written twice
            with contextlib.suppress(Exception):
                stream.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            _run_child(target, args, end)
        self.pid = pid
        self.exitcode: int | None = None
        _LIVE[pid] = self
        end.close()  # the child's side stays with the child

    def _reap(self, flags: int) -> bool:
        if self.exitcode is None:
            try:
                pid, status = os.waitpid(self.pid, flags)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid == 0:
                return False
            self.exitcode = os.waitstatus_to_exitcode(status)
            _LIVE.pop(self.pid, None)
        return True

    def is_alive(self) -> bool:
        return not self._reap(os.WNOHANG)

    def join(self, timeout: float | None = None) -> None:
        """Wait for it to end, at most ``timeout`` seconds (None: as long as it takes)."""
        if timeout is None:
            self._reap(0)
            return
        deadline, pause = time.monotonic() + timeout, 0.0005
        while not self._reap(os.WNOHANG) and time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def kill(self) -> None:
        if self.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


def collect_from_here() -> None:
    """Set aside what this process holds now (it stays to the end: the collector never walks
    it) and collect what it makes from here on, whatever was paused before."""
    gc.freeze()
    gc.enable()


def _run_child(target: Callable[..., Any], args: tuple[Any, ...], end: End) -> None:
    code = 1
    try:
        for other in list(_OPEN):  # the other children's pipes, and this process's sides
            if other is not end:
                other.close()
        _LIVE.clear()
        # a child collects what it makes, not what it was forked with: walking that (a
        # summary's returns, kept by a parent whose collector is paused) cost the CSV beside
        # a summary of 1,000 returns 0.3 s and made it copy 86 MiB of its parent's pages
        collect_from_here()
        with contextlib.suppress(Exception):  # as multiprocessing does: no reading the terminal
            sys.stdin.close()
            sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115
        target(*args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os._exit(code)


def children() -> list[Child]:
    """The children started here that are still running."""
    return [child for child in list(_LIVE.values()) if child.is_alive()]


@atexit.register
def _kill_children() -> None:
    """Children still running as this process exits are not left behind."""
    for child in list(_LIVE.values()):
        child.kill()
        child.join(1)

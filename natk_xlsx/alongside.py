"""Work done in a second process while this one does other work.

On a machine of two cores two independent outputs can be written at once: the summary's CSV of
every answer beside its workbook, or half of a set of questionnaires beside the other half. The
second process is a forked copy of this one, so it shares everything already computed and
nothing is sent to it; what it returns (a small value) and any error come back through a pipe,
and an error is raised here as if the work had been done here. Each file is still written
atomically by its own writer. Where ``fork`` does not exist (Windows), or on one core, the work
is simply done here, after the rest.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from natk_xlsx.errors import NatkError
from natk_xlsx.forked import Child, End, can_fork, pipe

T = TypeVar("T")


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@dataclass
class Later(Generic[T]):
    """What the second process returned, set when the ``with`` block has ended."""

    value: T | None = None


def _run(work: Callable[[], Any], report: End) -> None:
    try:
        value = work()
    except BaseException as exc:  # sent back, and raised by the parent
        report.send((_portable(exc), None))
        report.close()
        sys.exit(1)
    report.send((None, value))
    report.close()


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it comes through a pipe whole; else an error of its kind with its message (an
    exception whose constructor takes other arguments than its message does not unpickle)."""
    import pickle
    import traceback

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        if isinstance(exc, NatkError):
            return NatkError(str(exc))
        return RuntimeError("".join(traceback.format_exception_only(exc)).strip())


@contextmanager
def alongside(work: Callable[[], T]) -> Iterator[Later[T]]:
    """Run ``work`` in a forked process while the ``with`` block runs here; on leaving, wait
    for it, raise what it raised or keep what it returned (the ``Later`` given to the block).
    The block's own error wins, after ``work`` has ended."""
    later: Later[T] = Later()
    if not can_fork():
        yield later
        later.value = work()
        return
    receive, report = pipe()
    process = Child(_run, (work, report), report)
    try:
        yield later
    finally:
        try:
            error, value = receive.recv()
        except EOFError:  # the process ended without a word (killed)
            error, value = RuntimeError("the second process stopped before it finished; run "
                                        "the command again"), None
        process.join()
        receive.close()
    if error is not None:
        raise error
    later.value = value


def in_two(calls: Sequence[Callable[[], T]]) -> list[T]:
    """The result of each call, in order: the second half made in a second process while this
    one makes the first half (all here on one core, without ``fork``, or for a single call)."""
    if len(calls) < 2 or cores() < 2 or not can_fork():
        return [call() for call in calls]
    half = (len(calls) + 1) // 2
    with alongside(lambda: [call() for call in calls[half:]]) as rest:
        first = [call() for call in calls[:half]]
    return first + list(rest.value or [])

"""One output written in a second process while this one writes another.

The summary's CSV of every answer (hundreds of thousands of rows at 1,000 returns) takes longer to
write than the summary workbook itself, and neither needs the other: on a machine of two cores
the CSV is written by a forked copy of this process (it shares the consolidation, nothing is
sent), while this process writes the workbook. Each file is still written atomically by its own
writer; an error in the copy comes back here and is raised as if the writing had been done
here. Where ``fork`` does not exist (Windows) the work is simply done here, after the rest.
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from natk_xlsx.returns.batch import can_fork


def _run(write: Callable[[], Any], report: Connection) -> None:
    try:
        write()
    except BaseException as exc:  # sent back whole, and raised by the parent
        try:
            report.send(exc)
        except Exception:  # an exception that does not pickle: its text
            report.send(RuntimeError("".join(traceback.format_exception_only(exc)).strip()))
        report.close()
        sys.exit(1)
    report.send(None)
    report.close()


@contextmanager
def alongside(write: Callable[[], Any]) -> Iterator[None]:
    """Run ``write`` in a forked process while the ``with`` block runs here; on leaving, wait
    for it and raise what it raised. The block's own error wins, after ``write`` has ended."""
    if not can_fork():
        yield
        write()
        return
    ctx = mp.get_context("fork")
    receive, report = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_run, args=(write, report), daemon=True)
    process.start()
    report.close()
    try:
        yield
    finally:
        try:
            outcome: BaseException | None = receive.recv()
        except EOFError:  # the process ended without a word (killed)
            outcome = RuntimeError("the process writing beside the summary stopped before it "
                                   "finished; run the command again")
        process.join()
        receive.close()
    if outcome is not None:
        raise outcome

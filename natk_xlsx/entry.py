"""Entry point of the ``natk`` command (and of ``python -m natk_xlsx``).

A command that reads workbooks has its reader forked first (``returns.ahead``), so that the
reader gets ready while this process imports the command line and loads the toolkit; then the
command line runs (``cli``). Such a command reads in workers, and its own process keeps what
they send back and ends as soon as it is done: its collector of reference cycles is paused from
the start (the workers collect, ``returns.workers``). A check of one file is so spared some 25
passes over what it imports and loads, and one over everything it holds at the end: 10-13 ms.
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """Run the ``natk`` command given by ``sys.argv``."""
    from natk_xlsx.returns import ahead

    if ahead.start(sys.argv[1:]):
        gc.disable()
    from natk_xlsx.cli import main as run

    run()

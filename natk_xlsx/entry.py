"""Entry point of the ``natk`` command (and of ``python -m natk_xlsx``).

A command that reads workbooks has its reader forked first (``returns.ahead``), so that the
reader gets ready while this process imports the command line and loads the toolkit; then the
command line runs (``cli``).
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the ``natk`` command given by ``sys.argv``."""
    from natk_xlsx.returns import ahead

    ahead.start(sys.argv[1:])
    from natk_xlsx.cli import main as run

    run()

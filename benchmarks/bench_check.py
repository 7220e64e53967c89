"""Benchmark: ``natk check`` of one filled complete-toolkit return, beside its floor.

Both are timed as commands in their own process, as a user runs them (start-up included):
- natk-xlsx: ``python -m natk_xlsx check -q FILE``, once with no remembered lint verdict (the
  first command after the specs change) and then warm;
- the floor: python-calamine reading every cell of the same file, in a process of its own;
- for reference, the same behind natk's gate (the checks that refuse a hostile or damaged file
  before any parser sees it, which every read must pass), and after what every natk command
  pays first in this design (importing click, parsing the spec files).
Reports the median of each, the ratio (goal: 3x) and the peak memory of each process, and which
heavy libraries the warm command imported (``-X importtime``).

    python benchmarks/bench_check.py [--runs 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from common import environment, line, median_runs, run

from natk_xlsx.demo import fill_complete
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

#: Every non-empty cell of the book ``wb``, counted (what both floors do once they have it).
_COUNT = """
cells = 0
for name in wb.sheet_names:
    for row in wb.get_sheet_by_name(name).to_python():
        cells += sum(1 for v in row if v not in ("", None))
"""

CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
""" + _COUNT

#: The floor behind natk's gate: the checks every read must pass first (for reference).
GUARDED = """
import io, sys
from python_calamine import CalamineWorkbook
from natk_xlsx.returns.gate import open_checked
wb = CalamineWorkbook.from_filelike(io.BytesIO(open_checked(sys.argv[1]).data))
""" + _COUNT

#: What every natk command pays before any work of its own, in this design: importing the
#: command-line library it is built on and parsing the spec files (for reference).
BEFORE_NATK = """
import click, json, sys
from pathlib import Path
specs = [json.loads(p.read_bytes()) for p in sorted(Path(sys.argv[2]).glob("*.json"))]
""" + CALAMINE

HEAVY = ("openpyxl", "jsonschema", "xlsxwriter", "numpy")


def imported(command: list[str], env: dict[str, str]) -> list[str]:
    """The heavy libraries a command imports (``-X importtime``, worker processes included)."""
    done = subprocess.run([sys.executable, "-X", "importtime", *command[1:]], env=env,
                          capture_output=True, text=True, check=False)
    names = {row.rsplit("|", 1)[-1].strip() for row in done.stderr.splitlines()}
    return [name for name in HEAVY if name in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    toolkit = load_toolkit()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        blank = generate_workbook(toolkit, folder / "blank.xlsx", GenerateOptions()).path
        filled = fill_complete(toolkit, blank, folder / "filled.xlsx", seed=1)
        env = environment(folder / "cache")
        natk = [sys.executable, "-m", "natk_xlsx", "check", "-q", str(filled)]
        floor_cmd = [sys.executable, "-c", CALAMINE, str(filled)]
        run(natk, environment(folder / "warm-up"))  # bytecode compiled, as when installed
        cold = run(natk, env)
        guarded_cmd = [sys.executable, "-c", GUARDED, str(filled)]
        before_cmd = [sys.executable, "-c", BEFORE_NATK, str(filled), toolkit.directory]
        warm, floor, guarded, before = median_runs([natk, floor_cmd, guarded_cmd, before_cmd],
                                                   env, args.runs)
        heavy = imported(natk, env)
        size = filled.stat().st_size
    print(f"check of one complete return ({size / 1024:.0f} KiB, "
          f"{sum(len(c.questions) for c in toolkit.components)} questions), median of "
          f"{args.runs}, each in its own process, natk and the floors taking turns")
    print(line("natk check, first run (specs linted)", *cold))
    print(line("natk check (lint verdict remembered)", *warm))
    print(line("floor: python-calamine reads every cell", *floor))
    print(f"ratio: {warm[0] / floor[0]:.2f}x the floor (goal 3x), in CPU time "
          f"{warm[1] / floor[1]:.2f}x; first run {cold[0] / floor[0]:.1f}x")
    print(line("for reference: the same behind natk's gate", *guarded))
    print(f"  natk check {warm[0] / guarded[0]:.2f}x it, in CPU time {warm[1] / guarded[1]:.2f}x")
    print(line("for reference: floor + click + specs parsed", *before))
    print(f"  what any natk command pays first: {before[0] / floor[0]:.2f}x the floor; natk "
          f"check takes {(warm[0] - before[0]) * 1000:.0f} ms more")
    print(f"heavy libraries imported by natk check: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()

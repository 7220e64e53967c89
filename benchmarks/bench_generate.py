"""Benchmark: ``natk generate --lang all`` beside bare xlsxwriter writing the same six workbooks.

Both are timed as commands in their own process:
- natk-xlsx: ``python -m natk_xlsx generate --lang all -o DIR`` (the lint verdict remembered);
- the floor: xlsxwriter writing the same cells (every value and formula of every sheet of the
  six workbooks natk wrote, as plain cells: no formats, validations, names or protection).
Reports the median of each, the ratio (goal: 1.5x) and the peak memory of each process, and
the data validations of one workbook: how many, and how many would remain if identical ones
were merged into multi-range validations (one of the ways to close the gap).

    python benchmarks/bench_generate.py [--runs 3]
"""

from __future__ import annotations

import argparse
import html
import pickle
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from common import environment, line, median_runs, run

FLOOR = """
import pickle, sys
import xlsxwriter
books = pickle.load(open(sys.argv[1], "rb"))
for path, sheets in books:
    wb = xlsxwriter.Workbook(path, {"strings_to_urls": False})
    for name, rows, formulas in sheets:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in formulas:
                    ws.write_formula(r, c, formulas[(r, c)])
                elif value not in ("", None):
                    ws.write(r, c, value)
    wb.close()
"""

_VALIDATION = re.compile(rb"<dataValidation\b([^>]*)>(.*?)</dataValidation>", re.S)
_SQREF = re.compile(rb'\s*sqref="[^"]*"')


_FORMULA = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f>([^<]*)</f>')
_RELS = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_SHEETS = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def cells_of(path: Path) -> list[tuple[str, list[list[Any]], dict[tuple[int, int], str]]]:
    """Every sheet's values (python-calamine) and formulas (from the sheet XML, as xlsxwriter
    writes them)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    with zipfile.ZipFile(path) as archive:
        targets = dict(_RELS.findall(archive.read("xl/_rels/workbook.xml.rels")))
        parts = {html.unescape(name.decode()): "xl/" + targets[rid].decode()
                 for name, rid in _SHEETS.findall(archive.read("xl/workbook.xml"))}
        sheets = []
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            formulas = {(int(row) - 1, _column(col)): html.unescape(text.decode())
                        for col, row, text in _FORMULA.findall(archive.read(parts[name]))}
            sheets.append((name, rows, formulas))
    return sheets


def validations(path: Path) -> tuple[int, int]:
    """(data validations, distinct ones once their ranges are set aside), over all sheets."""
    total = distinct = 0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                found = [(_SQREF.sub(b"", attrs), body)
                         for attrs, body in _VALIDATION.findall(archive.read(name))]
                total += len(found)
                distinct += len(set(found))
    return total, distinct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = environment(folder / "cache")
        out = folder / "natk"
        natk = [sys.executable, "-m", "natk_xlsx", "generate", "--lang", "all", "-o", str(out)]
        run(natk, environment(folder / "warm-up"))  # bytecode compiled, as when installed
        cold = run(natk, env)
        books = sorted(out.glob("*.xlsx"))
        floor_dir = folder / "floor"
        floor_dir.mkdir()
        plan = folder / "cells.pickle"
        with plan.open("wb") as f:
            pickle.dump([(str(floor_dir / b.name), cells_of(b)) for b in books], f)
        warm, floor = median_runs([natk, [sys.executable, "-c", FLOOR, str(plan)]], env,
                                  args.runs)
        total, distinct = validations(books[0])
        sizes = sum(b.stat().st_size for b in books), sum(
            b.stat().st_size for b in floor_dir.glob("*.xlsx"))
    print(f"generate --lang all: {len(books)} workbooks, {sizes[0] / 2**20:.1f} MiB "
          f"(bare: {sizes[1] / 2**20:.1f} MiB), median of {args.runs}, each in its own process, "
          "natk and the floor taking turns")
    print(line("natk generate, first run (specs linted)", *cold))
    print(line("natk generate (lint verdict remembered)", *warm))
    print(line("floor: bare xlsxwriter, same cells", *floor))
    print(f"ratio: {warm[0] / floor[0]:.2f}x the floor (goal 1.5x), in CPU time "
          f"{warm[1] / floor[1]:.2f}x")
    print(f"data validations in one workbook: {total}, of which {distinct} distinct once "
          "their ranges are set aside (merging identical ones into multi-range validations "
          f"would write {total - distinct} fewer)")


if __name__ == "__main__":
    main()

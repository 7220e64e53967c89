"""Benchmark: read + validate one filled complete-toolkit workbook.

Reports, per workbook, the time natk-xlsx needs to read and validate it (gate, openpyxl read,
coercion, JSON Schema validation, checks), beside the time python-calamine (the fastest xlsx reader
available) needs only to read the same cells, as a ratio, and the peak memory of each.

    python benchmarks/bench_import.py [--runs 15]

Set NATK_READER=openpyxl to measure the careful openpyxl reader instead of the fast one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from natk_xlsx.demo import fill_complete
from natk_xlsx.returns.importer import read_workbook
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook


def calamine_read(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            cells += sum(1 for v in row if v not in ("", None))
    return cells


def timed(funcs, runs: int) -> list[tuple[float, float]]:
    """For each function: (median seconds, peak MiB of one run under tracemalloc). The
    functions take turns, run after run, so that a slow spell of a shared machine falls on
    each alike."""
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(runs):
        for func, done in zip(funcs, times, strict=True):
            start = time.perf_counter()
            func()
            done.append(time.perf_counter() - start)
    peaks = []
    for func in funcs:
        tracemalloc.start()
        func()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peaks.append(peak / 2**20)
    return [(statistics.median(done), peak) for done, peak in zip(times, peaks, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    toolkit = load_toolkit()
    with tempfile.TemporaryDirectory() as tmp:
        blank = generate_workbook(toolkit, Path(tmp) / "blank.xlsx", GenerateOptions()).path
        filled = fill_complete(toolkit, blank, Path(tmp) / "filled.xlsx", seed=1)
        sub = read_workbook(filled, toolkit)
        cells = calamine_read(filled)
        (natk, natk_mem), (cal, cal_mem) = timed(
            [lambda: read_workbook(filled, toolkit), lambda: calamine_read(filled)], args.runs)
    print(f"complete toolkit: {sum(len(c.questions) for c in toolkit.components)} questions, "
          f"{len(sub.answers)} answered, {cells} non-empty cells, {len(sub.issues)} issues")
    print(f"natk-xlsx read + validate: {natk * 1000:8.1f} ms   peak {natk_mem:6.1f} MiB")
    print(f"python-calamine read only: {cal * 1000:8.1f} ms   peak {cal_mem:6.1f} MiB")
    print(f"ratio: {natk / cal:.1f}x the read floor  (python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()

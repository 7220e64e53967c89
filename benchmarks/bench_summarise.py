"""Benchmark: summarise N filled complete-toolkit workbooks (default 1,000).

Builds the returns once (a few distinct fillings, copied with distinct workbook ids), then in the
same run measures:
- natk-xlsx: ``summarise`` over all files (read and validate in worker processes on every core,
  consolidate, write the summary workbook);
- the read floor: python-calamine reading every cell of the same files, in this process;
and reports the ratio and the peak memory (this process, and the largest worker).

    python benchmarks/bench_summarise.py [--count 1000] [--jobs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from natk_xlsx.demo import fill_complete
from natk_xlsx.outputs.summarise import summarise
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

DISTINCT = 12


def with_new_id(source: Path, target: Path, old_id: str) -> None:
    """A copy of ``source`` whose workbook id is new (as another institution's return)."""
    new = str(uuid.uuid4()).encode()
    old = old_id.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".xml"):
                data = data.replace(old, new)
            zout.writestr(info, data)
    target.write_bytes(buffer.getvalue())


def calamine_floor(files: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    for path in files:
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            for row in wb.get_sheet_by_name(name).to_python():
                for _ in row:
                    pass
    return time.perf_counter() - start


def build(folder: Path, count: int) -> list[Path]:
    toolkit = load_toolkit()
    blank = generate_workbook(toolkit, folder / "blank.xlsx", GenerateOptions()).path
    from natk_xlsx.returns.importer import read_workbook

    seeds = []
    for i in range(DISTINCT):
        path = fill_complete(toolkit, blank, folder / f"seed-{i}.xlsx", seed=i)
        seeds.append((path, read_workbook(path, toolkit).workbook_id))
    returns = folder / "returns"
    returns.mkdir()
    files = []
    for n in range(count):
        source, old = seeds[n % DISTINCT]
        target = returns / f"return-{n:04d}.xlsx"
        with_new_id(source, target, old)
        files.append(target)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in this folder")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="natk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    files = build(folder, args.count)
    print(f"built {len(files)} returns in {time.perf_counter() - start:.0f} s")
    toolkit = load_toolkit()
    floor = calamine_floor(files)
    start = time.perf_counter()
    result = summarise(files, toolkit, folder / "needs_summary.xlsx", jobs=args.jobs)
    natk = time.perf_counter() - start
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    c = result.consolidation
    print(f"summarise: {len(c.respondents)} returns, {len(c.needs)} needs, {len(c.conflicts)} "
          f"conflicts, summary {(folder / 'needs_summary.xlsx').stat().st_size / 2**20:.1f} MiB")
    print(f"natk-xlsx summarise ({args.jobs} workers): {natk:7.1f} s  "
          f"({natk / len(files) * 1000:.1f} ms per workbook)")
    print(f"python-calamine read only (1 process):  {floor:7.1f} s  "
          f"({floor / len(files) * 1000:.1f} ms per workbook)")
    print(f"ratio: {natk / floor:.2f}x the read floor")
    print(f"peak memory: main process {self_kib / 1024:.0f} MiB, largest worker "
          f"{child_kib / 1024:.0f} MiB")
    if args.keep is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()

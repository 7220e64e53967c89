"""Benchmark: write the assessment report for N filled complete-toolkit returns (default 40).

Builds the returns once (``bench_summarise.build``: each from an institution of a stated kind:
ministry, police, prosecution, courts, social services, NGO, so that the answers settle and the
needs fill recommendation packages as in a real assessment), then in the same run measures:
- natk-xlsx ``report`` from the workbooks (read and validate in worker processes, consolidate,
  build the view-model, lay out, write the .docx), the reading alone, and ``report`` from their
  submission JSON files (what ``natk import`` writes);
- each stage of the report alone: consolidate, view-model and layout, Word file;
- two floors: consolidating the same records alone, and python-docx writing a document with the
  same number of tables, rows and paragraphs but no content of ours.

    python benchmarks/bench_report.py [--count 40] [--jobs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench_summarise import build

from natk_xlsx.analysis.consolidate import consolidate
from natk_xlsx.outputs.docx_writer import write_docx
from natk_xlsx.outputs.draft_report import write_report
from natk_xlsx.outputs.report_content import build as build_report
from natk_xlsx.outputs.report_text import Para, Table, blocks
from natk_xlsx.returns.batch import read_files
from natk_xlsx.spec.lint import load_toolkit


def timed(func):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


def docx_floor(path: Path, parts: list[object]) -> float:
    """python-docx alone: the same number of paragraphs and tables of the same shape."""
    import docx

    start = time.perf_counter()
    doc = docx.Document()
    for block in parts:
        if isinstance(block, Table):
            doc.add_table(rows=1 + len(block.rows), cols=len(block.headers))
        else:
            doc.add_paragraph("x")
    doc.save(str(path))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in this folder")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="natk-bench-report-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = build(folder, args.count, small=False)
    toolkit = load_toolkit()
    # submission JSON of the same returns
    submissions = folder / "submissions"
    submissions.mkdir(exist_ok=True)
    records = []
    results, reading = timed(lambda: read_files(files, toolkit, jobs=args.jobs,
                                                records_only=True))
    for result in results:
        assert result.record is not None
        target = submissions / (Path(result.path).stem + ".json")
        target.write_text(json.dumps(result.record), "utf-8")
        records.append((str(target), result.record))

    _, whole = timed(lambda: write_report(files, toolkit, folder / "report.docx", jobs=args.jobs))
    report, from_json = timed(lambda: write_report([submissions], toolkit,
                                                   folder / "report-json.docx"))
    c, consolidation = timed(lambda: consolidate(toolkit, records))
    parts, layout = timed(lambda: blocks(build_report(c, "en")))
    _, word = timed(lambda: write_docx(folder / "report-only.docx", parts, "en"))
    floor = docx_floor(folder / "floor.docx", [b for b in parts if isinstance(b, Table | Para)])

    r = report.report
    size = (folder / "report.docx").stat().st_size / 1024
    print(f"report: {len(r.institutions)} returns, {len(r.findings)} components, "
          f"{len(r.recommendations)} recommendation packages ({len(r.top)} in the top ten), "
          f"{len(r.chains)} justice chains, {sum(isinstance(b, Table) for b in parts)} "
          f"tables, {len(parts)} blocks, {size:.0f} KiB")
    print(f"natk report from {len(files)} workbooks ({args.jobs} workers): {whole:6.2f} s")
    print(f"  of which reading the workbooks:       {reading:6.2f} s  (natk check, summarise)")
    print(f"natk report from {len(files)} submission files:        {from_json:6.2f} s")
    print(f"  consolidate:                    {consolidation:6.2f} s  (floor: the analysis alone)")
    print(f"  view-model and layout:          {layout:6.2f} s")
    print(f"  Word file (python-docx):        {word:6.2f} s")
    print(f"  python-docx, same tables empty: {floor:6.2f} s  (floor: the library alone)")
    print(f"ratio: the Word file takes {word / floor:.1f}x the python-docx floor")
    if args.keep is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()

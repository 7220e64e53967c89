"""Benchmark: summarise N filled returns (default 1,000 complete ones) beside its floor.

Builds the returns once (a few distinct fillings by institutions of six kinds, copied with
distinct workbook ids), then in the same run measures, each in a fresh process:
- the floor: python-calamine reading every cell of the same files, in ``--jobs`` processes,
  once before natk-xlsx and once after (natk is held to their mean);
- for reference, the same floor behind natk's gate (``gate.open_checked``: the checks that
  refuse a hostile or damaged file before any parser sees it), which every read must pass;
- natk-xlsx: ``summarise`` over all files (read and validate in ``--jobs`` worker processes,
  each return folded in as it arrives, consolidate, write the summary workbook and the CSV of
  every answer beside it), with the time of each phase;
and reports the ratio (goal: 3x) and the peak memory (the main process, and the largest worker).

    python benchmarks/bench_summarise.py [--count 1000] [--jobs 2] [--small] [--keep DIR]

``--small`` builds returns of a few components each (for a run of 10,000); ``--keep DIR`` keeps
the returns in DIR, and a later run with the same DIR, count, size and specs reuses them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import environment

DISTINCT = 12
#: The components of a small return.
SMALL = ["data", "capacity", "prevention"]


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


#: The kinds of institution the returns come from, in turn: without a kind no answer is
#: authoritative, and no need would be derived (the summary would be nearly empty).
KINDS = ("ministry_justice", "police", "prosecution", "judiciary", "social_services", "ngo")


def build(folder: Path, count: int, small: bool) -> list[Path]:
    """``count`` returns, copies (with new ids) of a few filled by institutions of ``KINDS``."""
    from natk_xlsx.demo import fill_complete
    from natk_xlsx.returns.importer import read_workbook
    from natk_xlsx.spec.lint import load_toolkit
    from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

    returns = folder / "returns"
    stamp = folder / "built.json"
    toolkit = load_toolkit()
    # returns kept from other specs would be read against these: a question since changed
    # (an answer no longer offered) makes every copy fail validation, and the run measure that
    wanted = {"count": count, "small": small, "kinds": list(KINDS), "specs": toolkit.spec_hash}
    if stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        return sorted(returns.glob("*.xlsx"))
    shutil.rmtree(returns, ignore_errors=True)
    blanks = {kind: generate_workbook(toolkit, folder / f"blank-{kind}.xlsx", GenerateOptions(
        components=SMALL if small else [], extra_metadata={"respondent_kind": kind})).path
        for kind in KINDS}
    seeds = []
    for i in range(DISTINCT):
        blank = blanks[KINDS[i % len(KINDS)]]
        path = fill_complete(toolkit, blank, folder / f"seed-{i}.xlsx", seed=i)
        seeds.append((path, read_workbook(path, toolkit).workbook_id))
    returns.mkdir()
    files = []
    for n in range(count):
        source, old = seeds[n % DISTINCT]
        target = returns / f"return-{n:05d}.xlsx"
        with_new_id(source, target, old)
        files.append(target)
    stamp.write_text(json.dumps(wanted))
    return files


def _count_cells(wb: Any) -> int:
    cells = 0
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            cells += len(row)
    return cells


def _read_every_cell(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    return _count_cells(CalamineWorkbook.from_path(str(path)))


def _read_every_cell_guarded(path: Path) -> int:
    """``_read_every_cell`` of a file the gate has let through (from the bytes it checked)."""
    import io

    from python_calamine import CalamineWorkbook

    from natk_xlsx.returns.gate import open_checked

    return _count_cells(CalamineWorkbook.from_filelike(io.BytesIO(open_checked(path).data)))


def _cpu() -> float:
    """CPU seconds of this process and its finished workers."""
    own, workers = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                          resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def measure_floor(folder: Path, jobs: int, read: Callable[[Path], int] = _read_every_cell
                  ) -> dict[str, Any]:
    import multiprocessing as mp

    files = sorted((folder / "returns").glob("*.xlsx"))
    start, cpu = time.perf_counter(), _cpu()
    with mp.get_context("fork").Pool(jobs) as pool:
        sum(pool.imap_unordered(read, files, chunksize=8))
    return {"seconds": time.perf_counter() - start, "cpu": _cpu() - cpu}


def measure_guarded(folder: Path, jobs: int) -> dict[str, Any]:
    return measure_floor(folder, jobs, _read_every_cell_guarded)


def _timed(phases: dict[str, float], name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def _waited(phases: dict[str, float], manager: Callable[..., Any]) -> Callable[..., Any]:
    """``alongside`` timed: what its block does not time itself is the wait for the CSV."""
    @contextlib.contextmanager
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, before = time.perf_counter(), sum(phases.values())
        with manager(*args, **kwargs):
            yield
        waited = time.perf_counter() - start - (sum(phases.values()) - before)
        phases["responses CSV (2nd process, waited)"] = waited

    return wrapper


def measure_natk(folder: Path, jobs: int) -> dict[str, Any]:
    """summarise, with each phase timed where the functions of today's code can be found."""
    from natk_xlsx.outputs import summarise as module
    from natk_xlsx.spec.lint import load_toolkit

    phases: dict[str, float] = {}
    for owner, name, phase in ((module, "consolidate_respondents", "consolidate"),
                               (module, "consolidate_gathered", "consolidate"),
                               (module, "consolidate", "consolidate")):
        if hasattr(owner, name):
            setattr(owner, name, _timed(phases, phase, getattr(owner, name)))
    try:
        from natk_xlsx.outputs import summary, summary_data

        summary.write_summary = _timed(phases, "write summary", summary.write_summary)
        if hasattr(summary_data, "write_responses_csv"):
            summary_data.write_responses_csv = _timed(phases, "responses CSV",
                                                      summary_data.write_responses_csv)
    except (ImportError, AttributeError):
        pass
    try:  # the CSV written in a second process beside the summary: the time waited for it
        from natk_xlsx import alongside
    except ImportError:
        from natk_xlsx.outputs import alongside
    alongside.alongside = _waited(phases, alongside.alongside)
    start, cpu = time.perf_counter(), _cpu()
    toolkit = load_toolkit()
    files = sorted((folder / "returns").glob("*.xlsx"))
    output = folder / "needs_summary.xlsx"
    result = module.summarise(files, toolkit, output, jobs=jobs)
    seconds = time.perf_counter() - start
    # reading and validating in the workers, folded in as they arrive: the rest of the time
    phases = {"load, read + validate": seconds - sum(phases.values()), **phases}
    c = result.consolidation
    return {"seconds": seconds, "cpu": _cpu() - cpu, "phases": phases, "returns": len(c.respondents),
            "with_errors": sum(1 for s in result.sources if s.get("errors")),
            "needs": len(getattr(c, "needs", ())), "summary_mib": output.stat().st_size / 2**20,
            "main_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def warm_up(folder: Path, jobs: int) -> dict[str, Any]:
    """What a second run of a command finds ready: the lint verdict, compiled bytecode, the
    returns in the file cache."""
    from natk_xlsx.outputs import summarise  # noqa: F401 (compiled and cached)
    from natk_xlsx.returns import importer  # noqa: F401
    from natk_xlsx.spec.lint import load_toolkit

    load_toolkit()
    size = sum(len(f.read_bytes()) for f in (folder / "returns").glob("*.xlsx"))
    return {"bytes": size, "jobs": jobs}


def in_process(mode: str, folder: Path, jobs: int) -> dict[str, Any]:
    """Run a measurement in a fresh process (so that its peak memory is its own)."""
    env = environment(folder / "cache")
    done = subprocess.run([sys.executable, __file__, f"--{mode}", str(folder), "--jobs",
                           str(jobs)], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{mode} failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--small", action="store_true", help=f"returns of {', '.join(SMALL)}")
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in this folder")
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--guarded", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--natk", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--warm", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    modes = {"floor": measure_floor, "guarded": measure_guarded, "natk": measure_natk,
             "warm": warm_up}
    for mode, measure in modes.items():
        if getattr(args, mode):
            print(json.dumps(measure(getattr(args, mode), args.jobs)))
            return
    folder = Path(args.keep or tempfile.mkdtemp(prefix="natk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    files = build(folder, args.count, args.small)
    print(f"{len(files)} {'small' if args.small else 'complete'} returns ready in "
          f"{time.perf_counter() - start:.0f} s")
    in_process("warm", folder, args.jobs)  # the lint verdict, bytecode, the files in memory
    # the floor runs before and after natk, and natk is held to their mean, so that a slow
    # spell of a shared machine during one of them does not decide the ratio
    floors = [in_process("floor", folder, args.jobs)]
    guarded = in_process("guarded", folder, args.jobs)
    natk = in_process("natk", folder, args.jobs)
    floors.append(in_process("floor", folder, args.jobs))
    floor_run = {key: sum(f[key] for f in floors) / len(floors) for key in ("seconds", "cpu")}
    floor = floor_run["seconds"]
    n = len(files)
    print(f"summarise: {natk['returns']} returns ({natk['with_errors']} with errors), "
          f"{natk['needs']} needs, summary {natk['summary_mib']:.1f} MiB")
    print(f"natk-xlsx summarise ({args.jobs} workers): {natk['seconds']:7.1f} s  "
          f"({natk['seconds'] / n * 1000:.1f} ms per return)")
    for name, seconds in natk["phases"].items():
        print(f"  {name:<20} {seconds:7.1f} s  ({seconds / natk['seconds'] * 100:.0f} %)")
    print(f"floor: python-calamine reads every cell ({args.jobs} processes): {floor:7.1f} s  "
          f"({floor / n * 1000:.1f} ms per return; the mean of a run before natk, "
          f"{floors[0]['seconds']:.1f} s, and one after, {floors[1]['seconds']:.1f} s)")
    print(f"ratio: {natk['seconds'] / floor:.2f}x the floor (goal 3x); in CPU time "
          f"{natk['cpu']:.1f} s against {floor_run['cpu']:.1f} s, "
          f"{natk['cpu'] / floor_run['cpu']:.2f}x")
    print(f"for reference, the floor behind natk's gate (hostile and damaged files refused "
          f"first): {guarded['seconds']:.1f} s, natk {natk['seconds'] / guarded['seconds']:.2f}x "
          f"it; in CPU time {natk['cpu'] / guarded['cpu']:.2f}x")
    print(f"peak memory: main process {natk['main_mib']:.0f} MiB, largest worker "
          f"{natk['worker_mib']:.0f} MiB")
    if args.keep is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()

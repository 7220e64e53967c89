"""Shared by the benchmarks: timing a command in its own process, with its peak memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import natk_xlsx

#: The checkout whose natk_xlsx is measured (the one imported here, so that PYTHONPATH decides).
REPO = Path(natk_xlsx.__file__).resolve().parent.parent

#: Starts a command from a small process and reports its wall time and peak memory: a process
#: forked from this (large) one would report this one's peak as its own.
_LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
      os.waitstatus_to_exitcode(status))
"""


def environment(cache: Path) -> dict[str, str]:
    """The measured checkout first on the path, and the lint's verdicts and compiled bytecode
    in a folder of this run."""
    path = os.environ.get("PYTHONPATH", "")
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{path}" if path else str(REPO),
           "NATK_CACHE_DIR": str(cache),
           # compiled once, as an installed package is, not on every start
           "PYTHONPYCACHEPREFIX": str(cache.parent / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(command: Sequence[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of the process and its workers, peak resident MiB of the
    process or of its largest worker) of one run. CPU time is the steadier figure on a machine
    shared with other work."""
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, *command], env=env,
                          capture_output=True, text=True, check=False)
    try:
        seconds, cpu, kib, code = done.stdout.split()[-4:]
    except ValueError:
        sys.exit(f"{' '.join(command)} could not be run: {done.stderr[-500:]}")
    if int(code) not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({code}): {done.stderr[-500:]}")
    return float(seconds), float(cpu), int(kib) / 1024


def median_runs(commands: Sequence[Sequence[str]], env: dict[str, str], runs: int
                ) -> list[tuple[float, float, float]]:
    """For each command: (median wall seconds, median CPU seconds, largest peak MiB) over
    ``runs`` runs. The commands take turns, round after round, so that a slow spell of a shared
    machine falls on each of them alike rather than on whichever ran during it."""
    results: list[list[tuple[float, float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for done, command in zip(results, commands, strict=True):
            done.append(run(command, env))
    return [(statistics.median(r[0] for r in done), statistics.median(r[1] for r in done),
             max(r[2] for r in done)) for done in results]


def line(label: str, seconds: float, cpu: float, mib: float) -> str:
    return (f"{label:<44} {seconds * 1000:8.0f} ms  (CPU {cpu * 1000:6.0f} ms)   "
            f"peak {mib:5.0f} MiB")

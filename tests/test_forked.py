"""Forked children and their pipes (``natk_xlsx.forked``): what the workers and the second
process of ``alongside`` stand on. A value larger than a pipe holds arrives whole; a child that
is killed is seen as gone, with its signal; a child holds no other child's pipe, so each sees
the end of its own; a child still running when its parent exits is not left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from natk_xlsx import forked

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="no fork here")


def _echo(end: forked.End) -> None:
    while True:
        try:
            value = end.recv()
        except EOFError:
            return
        end.send(value)


def test_a_value_larger_than_a_pipe_holds_goes_and_comes_back_whole():
    mine, theirs = forked.pipe()
    child = forked.Child(_echo, (theirs,), theirs)
    value = {"rows": [[i, str(i) * 7] for i in range(200_000)], "bytes": os.urandom(3 << 20)}
    mine.send(value)
    assert mine.poll(10)
    assert mine.recv() == value
    mine.close()  # the child sees the end of its pipe and returns
    child.join(10)
    assert child.exitcode == 0 and not child.is_alive()
    assert child not in forked.children()


def _sleep(end: forked.End) -> None:
    time.sleep(60)


def test_a_killed_child_is_gone_with_its_signal():
    mine, theirs = forked.pipe()
    child = forked.Child(_sleep, (theirs,), theirs)
    assert child.is_alive() and child in forked.children()
    child.kill()
    child.join(10)
    assert child.exitcode == -signal.SIGKILL
    with pytest.raises(EOFError):
        mine.recv()
    mine.close()


def _raise(end: forked.End) -> None:
    raise ValueError("in the child")


def test_a_child_that_raises_ends_with_code_1_and_writes_nothing_twice(capfd):
    print("written once, before the fork", end="")
    mine, theirs = forked.pipe()
    child = forked.Child(_raise, (theirs,), theirs)
    child.join(10)
    mine.close()
    assert child.exitcode == 1
    assert capfd.readouterr().out == "written once, before the fork"


def test_each_child_sees_the_end_of_its_own_pipe_while_others_run():
    first_mine, first_theirs = forked.pipe()
    first = forked.Child(_echo, (first_theirs,), first_theirs)
    second_mine, second_theirs = forked.pipe()
    second = forked.Child(_echo, (second_theirs,), second_theirs)  # forked while first's pipe
    # was open here: had it kept this process's side, the first would never see its end
    first_mine.close()
    first.join(10)
    assert first.exitcode == 0
    assert second.is_alive()
    second_mine.send("still here")
    assert second_mine.recv() == "still here"
    second_mine.close()
    second.join(10)
    assert second.exitcode == 0


def test_a_child_still_running_when_its_parent_exits_is_killed(tmp_path):
    code = (
        "import time\n"
        "from natk_xlsx import forked\n"
        "def sleep(end): time.sleep(60)\n"
        "mine, theirs = forked.pipe()\n"
        "child = forked.Child(sleep, (theirs,), theirs)\n"
        "print(child.pid, flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30, check=True)
    pid = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running(pid):
        time.sleep(0.05)
    assert not _running(pid)


def _running(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        try:
            state = next(line for line in status.read_text().splitlines()
                         if line.startswith("State:"))
        except (OSError, StopIteration):
            return False
        return "Z" not in state.split()[1]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True

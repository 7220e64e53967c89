"""The opener started ahead of the command line (``returns.ahead``): forked only for a command
that may read one workbook, before click is imported; taken by the reading of a single file
instead of a new worker; stopped by any other use; replaced when it has gone; and never left
running."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner

from natk_xlsx.cli import cli
from natk_xlsx.forked import children
from natk_xlsx.returns import ahead, workers
from natk_xlsx.returns.batch import read_files
from natk_xlsx.returns.importer import read_workbook


@pytest.fixture(autouse=True)
def _nothing_left() -> Any:
    yield
    ahead.dismiss()
    assert not children()


def _same(a: Any, b: Any) -> None:
    assert a.record() == b.record()
    assert [(i.code, i.cell, i.message) for i in a.issues] == \
        [(i.code, i.cell, i.message) for i in b.issues]


@pytest.mark.parametrize("argv", [[], ["--help"], ["generate", "-o", "x"], ["summarise", "a"],
                                  ["specs", "check"], ["--version"]])
def test_only_a_command_that_reads_a_workbook_starts_it(argv: list[str]) -> None:
    ahead.start(argv)
    assert ahead.take() is None and not children()


@pytest.mark.parametrize("command", ["check", "import"])
def test_a_command_that_may_read_one_workbook_starts_it(command: str) -> None:
    ahead.start([command, "return.xlsx"])
    ahead.start([command, "return.xlsx"])  # once only
    assert len(children()) == 1
    taken = ahead.take()
    assert taken is not None and taken[1].is_alive()
    assert ahead.take() is None
    workers.Worker(ahead.open_one, workers.DEFAULT_MEMORY_MB, taken).stop()
    assert not taken[1].is_alive()


def test_a_single_file_is_opened_by_it_and_by_no_new_worker(small, monkeypatch):
    ahead.start(["check", str(small.filled)])
    (started,) = children()

    def no_new_pipe() -> Any:
        raise AssertionError("a new worker was forked")

    monkeypatch.setattr(workers, "pipe", no_new_pipe)
    (result,) = read_files([small.filled], small.toolkit)
    assert result.error is None
    _same(result.submission, read_workbook(small.filled, small.toolkit))
    assert not started.is_alive() and started.exitcode == 0  # told to stop once done


def test_the_one_workbook_named_is_opened_before_the_command_line_is_parsed(small, monkeypatch):
    """The file is sent with the fork; the reading of that file takes the opener with its task
    under way, sending it nothing more."""
    ahead.start(["check", "-q", "--specs", str(small.specs), str(small.filled)])
    assert ahead.named() and ahead.guessed(str(small.filled)) is not None
    assert ahead.guessed(str(small.root / "blank.xlsx")) is None

    def nothing_sent(*_: Any) -> None:
        raise AssertionError("the opener was sent the file again")

    monkeypatch.setattr(workers.Worker, "send", nothing_sent)
    (result,) = read_files([small.filled], small.toolkit)
    assert result.error is None
    _same(result.submission, read_workbook(small.filled, small.toolkit))


@pytest.mark.parametrize("argv", [["check", "a.xlsx"], ["check", "folder"],
                                  ["check", "--resolutions", "decisions.csv", "x.xlsx"]])
def test_nothing_is_sent_unless_one_workbook_there_is_named(tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "decisions.csv").write_text("x")
    ahead.start(argv)
    assert not ahead.named() and len(children()) == 1


def test_a_wrong_guess_is_dropped_and_the_file_read_is_the_one_named_later(small):
    """Two workbooks named, or an option's value taken for the file: the opener sent the other
    one is stopped, and the file the command line names is read by a new worker."""
    other = small.root / "blank.xlsx"
    ahead.start(["check", str(other)])
    (guessed,) = children()
    (result,) = read_files([small.filled], small.toolkit)
    assert result.error is None
    _same(result.submission, read_workbook(small.filled, small.toolkit))
    assert not guessed.is_alive() and ahead.take() is None


@pytest.mark.parametrize("use", ["two files", "in this process", "another memory limit"])
def test_any_other_reading_stops_it(small, use):
    ahead.start(["check", str(small.filled)])
    (started,) = children()
    files, options = [small.filled], {}
    if use == "two files":
        files = [small.filled, small.filled]
    elif use == "in this process":
        options = {"isolate": False}
    else:
        options = {"memory_mb": 1024}
    results = read_files(files, small.toolkit, **options)
    assert all(r.error is None for r in results)
    assert ahead.take() is None and not started.is_alive()


def test_one_that_has_gone_is_replaced(small):
    ahead.start(["check", str(small.filled)])
    (started,) = children()
    started.kill()
    started.join(5)
    (result,) = read_files([small.filled], small.toolkit)
    assert result.error is None and result.submission is not None


def test_an_opener_the_file_crashed_is_not_tried_again(small, monkeypatch):
    """A signal of its own (here SIGSEGV, as a native reader's crash) is the file's doing: one
    FILE-CRASH line, and the file is not opened a second time. Killed from outside, the
    opener is replaced (``test_one_that_has_gone_is_replaced``)."""
    import faulthandler
    import signal
    import sys

    # forked without pytest's crash handler, so that the crash made here prints no traceback
    # into the test run's output (it would read as a crash of the tests)
    enabled = faulthandler.is_enabled()
    faulthandler.disable()
    try:
        ahead.start(["check", str(small.filled)])
    finally:
        if enabled:
            faulthandler.enable(sys.__stderr__)
    (started,) = children()
    os.kill(started.pid, signal.SIGSEGV)
    started.join(5)

    def no_new_pipe() -> Any:
        raise AssertionError("the file was opened again")

    monkeypatch.setattr(workers, "pipe", no_new_pipe)
    (result,) = read_files([small.filled], small.toolkit)
    assert result.code == "FILE-CRASH" and "(signal 11)" in result.error


def test_the_natk_command_starts_it_before_importing_click(small):
    """The entry point, in a process of its own: the opener is forked while click is not yet
    imported, and the check says what it says without it."""
    script = (
        "import sys\n"
        "from natk_xlsx.returns import ahead\n"
        "real = ahead.start\n"
        "def spy(argv):\n"
        "    real(argv)\n"
        "    print('started', ahead._started is not None, 'click' in sys.modules, "
        "file=sys.stderr)\n"
        "ahead.start = spy\n"
        "sys.argv = ['natk', 'check', '-q', '--specs', sys.argv[1], sys.argv[2]]\n"
        "from natk_xlsx.entry import main\n"
        "main()\n")
    done = subprocess.run([sys.executable, "-c", script, str(small.specs), str(small.filled)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert "started True False" in done.stderr
    without = CliRunner().invoke(cli, ["check", "-q", "--specs", str(small.specs),
                                       str(small.filled)])
    assert ": INVALID: " in without.output
    assert (done.returncode, done.stdout) == (without.exit_code, without.output)


_COUNTING = (
    "import atexit, gc, os, sys\n"
    "from natk_xlsx.returns import ahead\n"
    "real, pid, passes = ahead.start, os.getpid(), []\n"
    "def spy(argv):\n"
    "    started = real(argv)\n"
    "    gc.callbacks.append(lambda phase, info: phase == 'start' and os.getpid() == pid\n"
    "                        and passes.append(info))\n"
    "    return started\n"
    "ahead.start = spy\n"
    "atexit.register(lambda: os.getpid() == pid and print('passes', len(passes), gc.isenabled(),\n"
    "                                                     file=sys.stderr))\n"
    "sys.argv = ['natk', *sys.argv[1:]]\n"
    "from natk_xlsx.entry import main\n"
    "main()\n")


def test_a_command_that_reads_in_workers_never_collects_cycles_in_its_own_process(small):
    """Its process keeps only what the workers send back, and ends at once: the collector's
    passes over what it imports and loads (some 25 for a check) would free nothing. Another
    command collects as usual."""
    def run(*argv: str) -> str:
        done = subprocess.run([sys.executable, "-c", _COUNTING, *argv], capture_output=True,
                              text=True, timeout=60, check=False)
        return done.stderr.strip().splitlines()[-1]

    assert run("check", "-q", "--specs", str(small.specs), str(small.filled)) == \
        "passes 0 False"
    assert run("specs", "check", str(small.specs)).endswith(" True")


def test_the_opener_makes_no_pass_of_the_collector_over_what_it_imports():
    """The opener imports what opening needs with the collector waiting; the worker's loop then
    sets all it holds aside for good and starts the collector for what reading makes."""
    script = (
        "import gc, os\n"
        "os.environ['NATK_DEBUG'] = '1'  # the worker keeps its standard error\n"
        "from natk_xlsx.returns import ahead\n"
        "passes = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and passes.append(info))\n"
        "class Gone:\n"
        "    def recv(self):\n"
        "        raise EOFError\n"
        "ahead._ready_and_serve(Gone())\n"
        "print(len(passes), gc.get_freeze_count() > 0, gc.isenabled())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.split() == ["0", "True", "True"]

"""One file read on two cores: a worker opens it (the gate, the native reader) while this
process loads the toolkit, then this process reads the answers from the book the worker froze.

What must hold: the frozen book reads exactly as the book itself, through a pickle, for every
kind of return the reader knows; the worker's failures (a refusal, a native crash, a hang) are
the same one line as in a batch; a book that cannot be frozen is still read; and a toolkit that
cannot be loaded leaves no worker behind."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from natk_xlsx.errors import SpecError
from natk_xlsx.forked import children
from natk_xlsx.returns import opening
from natk_xlsx.returns.batch import read_files
from natk_xlsx.returns.books import FrozenBook
from natk_xlsx.returns.fastread import CalamineBook
from natk_xlsx.returns.importer import read_opened, read_workbook


def _variants(small: Any, folder: Path) -> dict[str, Path]:
    """Returns the reader treats differently: filled, blank, a formula and an inserted row, a
    renamed sheet without its metadata, and a far cell that sends it to openpyxl."""
    found = {"filled": small.filled, "blank": small.root / "blank.xlsx"}
    wb = load_workbook(small.filled)
    ws = wb[wb.sheetnames[2]]
    ws["D8"] = "=1+1"
    ws.insert_rows(9)
    ws["D9"] = "typed into an inserted row"
    wb.save(folder / "edited.xlsx")
    found["edited"] = folder / "edited.xlsx"
    wb = load_workbook(small.filled)
    wb[wb.sheetnames[2]].title = "Renamed"
    del wb["natk_meta"]
    wb.save(folder / "renamed.xlsx")
    found["renamed"] = folder / "renamed.xlsx"
    wb = load_workbook(small.filled)
    wb[wb.sheetnames[2]]["BZ900"] = "far away"
    wb.save(folder / "far.xlsx")
    found["far"] = folder / "far.xlsx"
    return found


def _same(a: Any, b: Any) -> None:
    assert a.record() == b.record()
    assert [(i.code, i.severity, i.sheet, i.cell, i.message) for i in a.issues] == \
        [(i.code, i.severity, i.sheet, i.cell, i.message) for i in b.issues]


def test_a_frozen_book_reads_as_the_book_itself(small, tmp_path):
    variants = _variants(small, tmp_path)
    kinds, codes = set(), set()
    for name, path in variants.items():
        opened = opening.open_return(path)
        kinds.add(type(opened.book).__name__)
        sent = pickle.loads(pickle.dumps(opened.frozen()))
        assert isinstance(sent.book, FrozenBook), name
        direct = read_workbook(path, small.toolkit)
        _same(read_opened(sent, small.toolkit), direct)
        codes |= {issue.code for issue in direct.issues}
    assert kinds == {"CalamineBook", "OpenpyxlBook"}  # both readers were frozen
    assert {"FORMULA", "ROW-INSERTED", "METADATA-MISSING"} <= codes  # and what they report


def test_a_frozen_grid_with_smaller_bounds_is_the_grid_read_with_them(small):
    book = opening.open_book(small.filled.read_bytes())
    assert isinstance(book, CalamineBook)
    frozen = FrozenBook(opening.open_book(small.filled.read_bytes()))
    for name in book.sheetnames:
        for rows, cols in ((40, 1), (40, 6), (60, 2), (200, 21)):
            want, got = book.grid(name, rows, cols), frozen.grid(name, rows, cols)
            assert got.max_row == want.max_row
            assert [got.get(r, c) for r in range(1, rows + 1) for c in range(cols)] == \
                [want.get(r, c) for r in range(1, rows + 1) for c in range(cols)]


def test_one_file_is_read_as_in_a_batch_and_the_toolkit_loads_meanwhile(small):
    started = []

    def load() -> Any:
        started.append(len(children()))
        return small.toolkit

    (alone,) = read_files([small.filled], load)
    assert started == [1]  # loaded once, while the worker was opening the file
    batch = read_files([small.filled, small.filled], small.toolkit, jobs=2)
    _same(alone.submission, batch[0].submission)
    assert alone.seconds > 0


def test_the_workers_failures_are_the_same_lines(small, tmp_path, monkeypatch):
    shutil.copy(small.filled, tmp_path / "abort.xlsx")
    shutil.copy(small.filled, tmp_path / "slow.xlsx")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    real = opening.open_return

    def misbehaving(path: Any) -> Any:
        name = Path(path).name
        if name.startswith("abort"):
            os.abort()
        if name.startswith("slow"):
            time.sleep(30)
        return real(path)

    monkeypatch.setattr(opening, "open_return", misbehaving)
    (crash,) = read_files([tmp_path / "abort.xlsx"], small.toolkit)
    assert crash.code == "FILE-CRASH" and crash.error.startswith(f"{tmp_path / 'abort.xlsx'}: ")
    (late,) = read_files([tmp_path / "slow.xlsx"], small.toolkit, timeout=1)
    assert late.code == "FILE-TIMEOUT" and late.submission is None
    (empty,) = read_files([tmp_path / "empty.xlsx"], small.toolkit)
    (empty_in_batch, _) = read_files([tmp_path / "empty.xlsx", small.filled], small.toolkit)
    assert (empty.code, empty.error) == (empty_in_batch.code, empty_in_batch.error)
    assert empty.code == "FILE-EMPTY"
    assert not children()


def test_a_book_that_cannot_be_frozen_is_read_by_a_worker(small, monkeypatch):
    def refuse(self: Any) -> Any:
        raise ValueError("a sheet calamine cannot give")

    monkeypatch.setattr(opening.Opened, "frozen", refuse)
    (result,) = read_files([small.filled], small.toolkit)
    assert result.error is None
    _same(result.submission, read_workbook(small.filled, small.toolkit))


def test_a_toolkit_that_cannot_load_stops_the_worker(small):
    def load() -> Any:
        raise SpecError(str(small.specs), [])

    with pytest.raises(SpecError):
        read_files([small.filled], load)
    assert not children()


def test_the_opener_imports_nothing_of_the_reader_of_answers(small):
    """The worker started ahead opens the file while the command imports the reader of answers:
    what it imports before the fork and to open a file leaves that reader out, so that it
    starts opening sooner."""
    script = (
        "import sys\n"
        "from natk_xlsx.returns import ahead\n"
        "ahead._import_shared()\n"
        "from natk_xlsx.returns.ahead import open_one\n"
        "result = open_one(sys.argv[1])\n"
        "assert result.opened is not None, result.error\n"
        "print(' '.join(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", script, str(small.filled)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    imported = set(done.stdout.split())
    assert {"natk_xlsx.returns.opening", "natk_xlsx.returns.gate"} <= imported
    assert not {"natk_xlsx.returns.reader", "natk_xlsx.returns.coerce", "natk_xlsx.returns.stray",
                "natk_xlsx.spec.model", "click"} & imported, imported


def test_the_process_that_reads_a_frozen_book_imports_no_scan_of_the_fast_reader(small, tmp_path):
    """The main process reads the frozen book with what it has loaded already: unpickling the
    book and reading its answers import none of the fast reader's scans."""
    from natk_xlsx.returns.ahead import open_one

    opened = open_one(str(small.filled))
    assert opened.opened is not None
    (tmp_path / "opened.pickle").write_bytes(pickle.dumps(opened.opened))
    script = (
        "import pickle, sys\n"
        "from natk_xlsx.returns.importer import read_opened\n"
        "from natk_xlsx.spec.lint import load_toolkit\n"
        "toolkit = load_toolkit(sys.argv[2])\n"
        "before = set(sys.modules)\n"
        "book = pickle.loads(open(sys.argv[1], 'rb').read())\n"
        "print(len(read_opened(book, toolkit).answers))\n"
        "print(' '.join(sorted(set(sys.modules) - before)))\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "opened.pickle"),
                           str(small.specs)], capture_output=True, text=True, timeout=60,
                          check=False)
    count, imported = [*done.stdout.splitlines(), "", ""][:2]
    assert done.returncode == 0, done.stderr
    assert int(count) == len(read_workbook(small.filled, small.toolkit).answers)
    assert not {"natk_xlsx.returns.fastread", "natk_xlsx.returns.partscan"} & \
        set(imported.split()), imported


def test_a_check_imports_nothing_of_the_consolidation(small):
    """``natk check`` of one file, as a user runs it: what it says is rendered without the
    consolidation's modules (importing them cost a check some 20 ms)."""
    script = ("import atexit, sys\n"
              "from natk_xlsx.entry import main\n"
              "atexit.register(lambda: print('LOADED=' + ' '.join(sorted(m for m in sys.modules "
              "if m.startswith(('natk_xlsx.analysis', 'natk_xlsx.outputs.summar'))))))\n"
              "main()\n")
    done = subprocess.run([sys.executable, "-c", script, "check", "--specs", str(small.specs),
                           str(small.filled)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert "VALID" in done.stdout, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "LOADED=", done.stdout

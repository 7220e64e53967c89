"""An output that cannot be written (a full disk, a file larger than the disk or a limit allows):
one line naming the output and saying what to do, exit code 3, never a traceback or "a bug in
natk-xlsx", and nothing left half-written."""

from __future__ import annotations

import errno
import gc
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from factory import REPO

from natk_xlsx.safeio import TEMP_SUFFIX, write_failure

resource = pytest.importorskip("resource")  # the limit on file sizes: POSIX only

#: ``natk`` with every file it writes limited to 1 KiB (its outputs are all larger): a write
#: past it fails with EFBIG, as a write to a full disk fails with ENOSPC.
LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not the process
resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))
sys.argv = ["natk", *sys.argv[1:]]
from natk_xlsx.entry import main
main()
"""


def _limited(*args: str) -> subprocess.CompletedProcess[str]:
    # no bytecode written under the limit: a compiled module cut at 1 KiB would be renamed into
    # place (a short write is not an error) and break every later import of that module
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-c", LIMITED, *args], capture_output=True, text=True,
                          env=env, check=False, timeout=120)


@pytest.mark.parametrize("command, name, what", [
    (["generate", "-o", "{out}/w.xlsx"], "w.xlsx", "the workbook"),
    (["summarise", "{filled}", "-o", "{out}/s.xlsx"], "s.xlsx", "the summary"),
    (["report", "{filled}", "-o", "{out}/r.docx"], "r.docx", "the report"),
    (["specs", "export-texts", "fr", "-o", "{out}/t.csv"], "t.csv", "the texts"),
])
def test_an_output_that_cannot_be_written_is_one_line_and_exit_3(small: Any, tmp_path: Path,
                                                                 command: list[str], name: str,
                                                                 what: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args = [a.format(out=out, filled=small.filled) for a in command]
    done = _limited(*args, "--specs", str(small.specs))
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith(f"natk: error: {out / name}: cannot write {what} (File too "
                                  "large); write to another disk")
    assert done.stderr.count("\n") == 1 and "bug" not in done.stderr
    assert list(out.iterdir()) == []  # neither the output nor a temporary file is left


def test_copies_and_submissions_that_cannot_be_written_are_said_and_exit_3(
        small: Any, filled: tuple[Any, Path, Path], tmp_path: Path) -> None:
    """``check --annotate`` and ``import`` go on past the file they cannot write, each named
    on its own line."""
    out = tmp_path / "out"
    done = _limited("check", "--specs", str(small.specs), str(small.filled), "--annotate",
                    str(out), "--annotate-warnings")
    assert done.returncode == 3, done.stderr
    assert f"{out / 'filled-checked.xlsx'}: cannot write the annotated copy (File too large)" \
        in done.stdout
    assert done.stderr == "" and not [p for p in out.iterdir() if p.name.endswith(TEMP_SUFFIX)]
    done = _limited("import", "--specs", str(REPO / "workbook_specs"), str(filled[2] / "filled.xlsx"),
                    "-o", str(out))  # a valid return
    assert done.returncode == 3, done.stderr
    assert "not imported: cannot write" in done.stdout + done.stderr
    assert "(File too large); write to another disk" in done.stdout + done.stderr
    assert [p.suffix for p in out.iterdir()] == []


@pytest.mark.parametrize("code, advice", [
    (errno.ENOSPC, "free some space on the disk"),
    (errno.EACCES, "check that the folder is writable"),
    (errno.ENOENT, "check that the folder exists"),
    (errno.EROFS, "(this disk is read-only)"),
    (errno.ENAMETOOLONG, "choose a shorter name"),
    (errno.EIO, "check that the folder exists, is writable and has room"),
])
def test_the_advice_fits_the_failure(code: int, advice: str) -> None:
    text = write_failure(OSError(code, os.strerror(code)))
    assert text.startswith(f"({os.strerror(code)}); ") and advice in text


@pytest.mark.parametrize("code", [errno.EEXIST, errno.ENOTDIR])
def test_a_file_in_the_way_is_named_not_the_systems_words(code: int, tmp_path: Path) -> None:
    """"(File exists)" read as if the output itself were there: the file in the way is named,
    in the words every output uses."""
    (tmp_path / "notes.txt").write_text("", "utf-8")
    text = write_failure(OSError(code, os.strerror(code), str(tmp_path / "notes.txt" / "s")))
    assert text == f"({tmp_path / 'notes.txt'} is a file, not a folder); choose another folder"
    assert write_failure(OSError(code, os.strerror(code))) == (
        "(a file stands where a folder of the path should be); choose another folder")


class _FullDisk(io.BytesIO):
    """A file on a disk that fills after ``room`` bytes."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(data)


def _write_on_a_full_disk() -> int | None:
    """The errno of the ``OSError`` a workbook's writing raises on a full disk."""
    from natk_xlsx.workbook.xlsx import OPTIONS, _Workbook

    wb = _Workbook(_FullDisk(4096), OPTIONS)
    sheet = wb.add_worksheet()
    for row in range(2000):
        sheet.write_string(row, 0, f"answer {row} " * 4)
    try:
        wb.close()
    except OSError as exc:
        return exc.errno
    return None


def test_a_workbook_on_a_full_disk_fails_once_and_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    """xlsxwriter leaves its zip file open when writing fails; freed later, it would try to
    write its end again and print the failure as a traceback. The writer closes it at once, and
    the failure is the ``OSError`` it is."""
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    assert _write_on_a_full_disk() == errno.ENOSPC
    gc.collect()  # what the failure held is freed
    assert unraisable == []


@pytest.mark.parametrize(("command", "name", "what"), [
    ("summarise", "summary.xlsx", "the summary"),
    ("import", "submissions", "the submissions"),  # was an internal error
])
def test_a_file_where_the_output_s_folder_should_be_is_said_so(small: Any, tmp_path: Path,
                                                              command: str, name: str,
                                                              what: str) -> None:
    """``-o report.txt/summary.xlsx`` where report.txt is a file: the line says that a file
    stands in the way ("File exists" alone read as if the summary itself were there)."""
    (tmp_path / "report.txt").write_text("", "utf-8")
    target = tmp_path / "report.txt" / name
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "natk_xlsx", command, str(small.filled),
                           "--specs", str(small.specs), "-o", str(target)],
                          capture_output=True, text=True, env=env, check=False, timeout=120)
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith(f"natk: error: {target}: cannot write {what} (")
    assert f"({tmp_path / 'report.txt'} is a file, not a folder); choose another folder" \
        in done.stderr
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize(("command", "output"), [("summarise", "s.xlsx"), ("report", "r.docx")])
def test_a_misspelt_input_folder_writes_nothing(small: Any, tmp_path: Path, command: str,
                                                output: str) -> None:
    """A folder that does not exist gave an empty summary (or report) that looked like a
    result; now it is one line, exit 3, and nothing is written. A folder named beside it that
    exists is read as before: a batch goes past what it cannot read."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    missing = tmp_path / "retruns"
    done = subprocess.run([sys.executable, "-m", "natk_xlsx", command, str(missing),
                           "--specs", str(small.specs), "-o", str(tmp_path / "out" / output)],
                          capture_output=True, text=True, env=env, check=False, timeout=120)
    assert done.returncode == 3
    assert done.stderr == (f"natk: error: {missing}: no such file or folder; check the name and "
                           "the folder\n")
    assert not (tmp_path / "out").exists()
    done = subprocess.run([sys.executable, "-m", "natk_xlsx", command, str(missing),
                           str(small.filled), "--specs", str(small.specs), "-o",
                           str(tmp_path / "out" / output)],
                          capture_output=True, text=True, env=env, check=False, timeout=120)
    assert done.returncode == 3 and (tmp_path / "out" / output).exists()


@pytest.mark.parametrize(("args", "what"), [
    (["import", "{filled}", "-o", "{folder}"], "the submissions"),
    (["check", "{filled}", "--annotate", "{folder}"], "the annotated copies"),
    (["summarise", "{filled}", "-o", "{tmp}/s.xlsx", "--csv", "{folder}"], "the CSV files"),
    (["demo", "-o", "{folder}"], "the demo"),
])
def test_an_output_folder_that_is_a_file_is_said_in_the_same_words(small: Any, tmp_path: Path,
                                                                     args: list[str],
                                                                     what: str) -> None:
    """Where the output folder itself is a file, natk says so before any work, as it says a file
    further up the path, not in click's words with exit code 2."""
    from click.testing import CliRunner

    from natk_xlsx.cli import cli

    folder = tmp_path / "notes.txt"
    folder.write_text("", "utf-8")
    filled = {"filled": str(small.filled), "folder": str(folder), "tmp": str(tmp_path)}
    done = CliRunner().invoke(cli, [a.format(**filled) for a in args]
                              + (["--specs", str(small.specs)] if args[0] != "demo" else []))
    assert done.exit_code == 3, done.output
    assert done.output.strip() == (f"natk: error: {folder}: cannot write {what} ({folder} is a "
                                   "file, not a folder); choose another folder")
    assert folder.read_text("utf-8") == ""

"""Whatever a reader does (abort natively, raise from a library, hit a bug in natk), the batch
finishes, each file gets one line naming it, and nothing of a native crash reaches the screen.
And whatever a return calls itself or its sheets, every output lands inside its folder with a
distinct, valid name."""

from __future__ import annotations

import hashlib
import os
import shutil
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import hostile
import pytest
from click.testing import CliRunner
from conftest_helpers import SMALL_ANSWERS, write_toolkit
from factory import default_components
from fill import fill_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_safeio import assert_valid_name

from natk_xlsx.cli import cli
from natk_xlsx.outputs.submissions import write_submissions
from natk_xlsx.returns import importer
from natk_xlsx.returns.annotate import annotate_workbook, sheet_link
from natk_xlsx.returns.batch import (
    INTERNAL,
    FileResult,
    annotated_targets,
    describe_failure,
    read_files,
)
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import generate_workbook


def _misbehaving(real: Any) -> Any:
    def read(path: str, toolkit: Any) -> Any:
        name = Path(path).name
        if name.startswith("abort"):  # what python-calamine does when an allocation fails
            os.write(2, b"memory allocation of 51539607552 bytes failed\n"
                        b"note: Some details are omitted, run with RUST_BACKTRACE=full\n")
            os.abort()
        if name.startswith("bug"):
            meta: Any = 3.5
            return meta.get("sheets")  # the masked bug of the issue, in natk's code path
        if name.startswith("library"):
            from openpyxl.utils.exceptions import InvalidFileException

            raise InvalidFileException("'D-' is not a valid column name")
        return real(path, toolkit)

    return read


@pytest.fixture
def files(small, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "read_workbook", _misbehaving(importer.read_workbook))
    names = ["abort.xlsx", "good1.xlsx", "bug.xlsx", "library.xlsx", "good2.xlsx"]
    for name in names:
        shutil.copy(small.filled, tmp_path / name)
    return [tmp_path / n for n in names]


def test_a_native_abort_is_one_line_and_nothing_reaches_the_screen(small, files, capfd):
    results = read_files(files, small.toolkit, jobs=2, timeout=30)
    captured = capfd.readouterr()
    assert "memory allocation" not in captured.err + captured.out
    assert "RUST_BACKTRACE" not in captured.err + captured.out
    abort, good1, bug, library, good2 = results
    assert abort.code == "FILE-CRASH" and abort.error.startswith(f"{files[0]}: ")
    assert "\n" not in abort.error
    assert good1.submission is not None and good2.submission is not None
    assert bug.code == INTERNAL and bug.internal and "bug in natk-xlsx" in bug.error
    assert library.code == "FILE-CORRUPT" and "D-" not in library.error  # no library detail


def test_the_cli_finishes_the_batch_and_exits_4_on_a_bug(small, files):
    result = CliRunner().invoke(cli, ["check", "-q", *map(str, files), "--specs",
                                      str(small.specs)])
    assert result.exit_code == 4
    lines = [line for line in result.stdout.splitlines() if line]
    assert sum(1 for line in lines if line.startswith(str(files[2]) + ": INTERNAL ERROR: ")) == 1
    assert sum(1 for line in lines if ": INVALID: " in line) == 2  # both good ones were read
    assert "Traceback" not in result.output


def test_summarise_finishes_and_exits_4_on_a_bug(small, files, tmp_path):
    out = tmp_path / "out" / "needs.xlsx"
    result = CliRunner().invoke(cli, ["summarise", *map(str, files), "-o", str(out), "--specs",
                                      str(small.specs)])
    assert result.exit_code == 4
    assert out.is_file()
    assert "2 returns consolidated" in result.stdout or "1 return consolidated" in result.stdout
    assert f"{files[2]}: " in result.stdout and "Traceback" not in result.output


def test_a_bug_while_annotating_is_one_line(small, tmp_path, monkeypatch):
    from natk_xlsx.returns import annotate

    def broken(submission: Any, out: Any) -> Any:
        raise KeyError("oops")

    monkeypatch.setattr(annotate, "annotate_workbook", broken)
    out = tmp_path / "back"
    result = CliRunner().invoke(cli, ["check", "-q", str(small.filled), "--annotate", str(out),
                                      "--specs", str(small.specs)])
    assert result.exit_code == 4  # a bug, even if the return itself was read
    assert "no annotated copy could be written (internal error" in result.stdout
    assert not out.exists() or list(out.iterdir()) == []


def test_a_return_zipped_or_without_its_suffix_in_a_folder_gets_its_line(small, tmp_path):
    """A return sent zipped, one whose name lost its suffix and one whose name ends in a space
    were passed over without a word when their folder was read. A zip gets its line (unzip it),
    the others are read; a text file without a suffix is still left aside."""
    import zipfile

    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(small.filled, folder / "07-prosecutor")
    shutil.copy(small.filled, folder / "r.xlsx ")
    with zipfile.ZipFile(folder / "courts.zip", "w") as z:
        z.write(small.filled, "08.xlsx")
    (folder / "README").write_text("returns of the week", "utf-8")
    result = CliRunner().invoke(cli, ["check", "-q", str(folder), "--specs", str(small.specs)])
    lines = [line for line in result.stdout.splitlines()
             if line and not line.startswith("note: ")]  # one return, sent twice: a note
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        str(folder / n) for n in ("07-prosecutor", "courts.zip", "r.xlsx ")]
    assert "zip archive holding 08.xlsx; unzip it" in lines[1]
    assert "UNUSABLE" not in lines[0] + lines[2]


def test_a_folder_read_accounts_for_every_return_in_it(small, tmp_path):
    """A return saved in another format, or put in a subfolder, gets a line of its own and
    counts: a folder read never passes over a return in silence. Lock files do not."""
    folder = tmp_path / "returns"
    (folder / "late").mkdir(parents=True)
    shutil.copy(small.filled, folder / "a.xlsx")
    shutil.copy(small.filled, folder / "late" / "b.xlsx")
    (folder / "c.csv").write_text("institution;answer\n", "utf-8")
    (folder / "d.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    shutil.copy(small.filled, folder / "~$a.xlsx")
    (folder / "notes.txt").write_text("sent on Monday", "utf-8")
    result = CliRunner().invoke(cli, ["check", "-q", str(folder), "--specs", str(small.specs)])
    lines = [line for line in result.stdout.splitlines() if line]
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        str(folder / n) for n in ("a.xlsx", "c.csv", "d.xls", "late")]
    assert lines[-1] == "4 files: 0 valid, 1 invalid, 3 unusable."
    assert lines[3].endswith("holds 1 file that was not read (folders are not read within "
                             "folders); name it on the command line as well, or move its files up")
    assert result.exit_code == 3
    out = tmp_path / "s.xlsx"
    result = CliRunner().invoke(cli, ["summarise", str(folder), "-o", str(out), "--specs",
                                      str(small.specs)])
    assert "1 return consolidated" in result.stdout and "3 unusable" in result.stdout
    assert f"{folder / 'late'}: " in result.stdout
    # named as the line advises, the subfolder is read, and no longer said to be passed over;
    # a folder of CSV files (a summary's) is not taken for returns
    (folder / "csv").mkdir()
    (folder / "csv" / "needs.csv").write_text("need_key,package_id\n", "utf-8")
    result = CliRunner().invoke(cli, ["check", "-q", str(folder), str(folder / "late"),
                                      "--specs", str(small.specs)])
    lines = [line for line in result.stdout.splitlines() if line]
    assert [line.split(": ", 1)[0] for line in lines if not line.startswith("note: ")][:-1] == [
        str(folder / n) for n in ("a.xlsx", "c.csv", "d.xls", "late/b.xlsx")]
    # submission files given to check, which reads workbooks: said so, not 'a folder inside'
    (tmp_path / "json").mkdir()
    (tmp_path / "json" / "w.json").write_text("{}", "utf-8")
    result = CliRunner().invoke(cli, ["check", "-q", str(tmp_path / "json"),
                                      "--specs", str(small.specs)])
    assert "holds submission files (.json), which 'natk summarise'" in result.stdout


def test_describe_failure_tells_bugs_from_damaged_files() -> None:
    import zipfile

    from openpyxl.utils import column_index_from_string

    from natk_xlsx import layout

    with pytest.raises(AttributeError) as natk_bug:
        layout.parse_row_key(None)  # type: ignore[arg-type]
    assert describe_failure("f.xlsx", natk_bug.value)[0] == INTERNAL
    with pytest.raises(ValueError) as refused:
        column_index_from_string("D-")
    code, message = describe_failure("f.xlsx", refused.value)
    assert code == "FILE-CORRUPT" and "D-" not in message
    with pytest.raises(zipfile.BadZipFile) as damaged:
        zipfile.ZipFile(__file__)
    assert describe_failure("f.xlsx", damaged.value)[0] == "FILE-TRUNCATED"


def test_annotate_warnings_option(small, tmp_path):
    clean = tmp_path / "warn.xlsx"
    fill_workbook(Path(small.root / "blank.xlsx"), clean, small.toolkit, {"ALP.01": "Yes"})
    out = tmp_path / "back"
    args = ["check", "-q", str(clean), "--annotate", str(out), "--specs", str(small.specs)]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and not out.exists()  # warnings only: no copy
    second = CliRunner().invoke(cli, [*args, "--annotate-warnings"])
    assert second.exit_code == 0
    assert [p.name for p in out.iterdir()] == ["warn-checked.xlsx"]


# -- names from untrusted text -------------------------------------------------------------------

any_text = st.text(st.characters(codec=None, categories=None), max_size=400)


def _fake(path: str, wid: str, sha: str) -> FileResult:
    record = {"workbook_id": wid, "answers": {"Q.01": sha},  # another file, other answers
              "source": {"sha256": sha}}
    sub = SimpleNamespace(valid=True, errors=[], warnings=[], answers={}, workbook_id=wid,
                          file_sha256=sha, record=lambda: record)
    return FileResult(path, sub)


def test_a_copy_saved_again_with_the_same_answers_is_imported_once(tmp_path):
    """"natk check" said of a copy re-saved by LibreOffice that it gives the same answers and
    counts once; "natk import" said "2 different returns carry workbook id …; check which one is
    the return to use" and wrote both. Same answers, other bytes: imported once, and said so."""
    first, again = _fake("a.xlsx", "w1", "1" * 64), _fake("b.xlsx", "w1", "2" * 64)
    again.submission.record = first.submission.record  # what it says: the same
    done = write_submissions([first, again], tmp_path)
    assert [d.target is not None for d in done] == [True, False]
    assert done[1].reason == "the same answers (the workbook saved again) as a.xlsx; imported once"
    assert done[0].note == ""


def test_a_copy_of_a_return_that_could_not_be_written_is_not_said_imported(tmp_path,
                                                                          monkeypatch):
    """Into a folder that refused the first copy, the second was said "imported once"."""
    from natk_xlsx.outputs import submissions

    def refuse(path, text):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(submissions, "write_text", refuse)
    first, again = _fake("a.xlsx", "w1", "1" * 64), _fake("b.xlsx", "w1", "1" * 64)
    done = write_submissions([first, again], tmp_path)
    assert done[0].write_failed and done[1].reason == "the same file as a.xlsx; not imported either"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(any_text, st.sampled_from("abcd")), min_size=1, max_size=8))
def test_import_names_are_safe_and_distinct(tmp_path_factory, returns):
    out = tmp_path_factory.mktemp("out")
    results = [_fake(f"r{i}.xlsx", wid, hashlib.sha256((wid + sha).encode("utf-8",
                     "surrogatepass")).hexdigest()) for i, (wid, sha) in enumerate(returns)]
    done = write_submissions(results, out)
    written = [d.target for d in done if d.target is not None]
    shas = {r.submission.file_sha256 for r in results}
    assert len(written) == len(shas)  # every different return kept, the same one once
    names = [p.name for p in written]
    assert len({n.casefold() for n in names}) == len(names)
    for path in written:
        assert path.parent == out.resolve() and path.is_file()
        assert_valid_name(path.name)
    assert sorted(p.name for p in out.iterdir()) == sorted(names)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c/d"]),
                          st.text(st.characters(codec="utf-8"), min_size=1, max_size=300)
                          .filter(lambda s: "/" not in s and "\x00" not in s)),
                min_size=1, max_size=6))
def test_annotated_copies_are_named_safely_and_apart(files):
    folder = "/tmp/natk-handback"
    paths = list(dict.fromkeys(f"/in/{d}/{stem}.xlsx" for d, stem in files))
    targets = annotated_targets(paths, folder)
    names = [Path(t).name for t in targets.values()]
    assert len({n.casefold() for n in names}) == len(paths)
    for target in targets.values():
        assert Path(target).parent == Path(folder).resolve()
        assert_valid_name(Path(target).name)


TAKEN = {"cover", "instructions", "beta", "natk_lists", "natk_meta", "issues", "history"}
excel_sheet_name = st.text(
    st.characters(codec="utf-8", exclude_characters="[]:*?/\\",
                  exclude_categories=("Cc", "Cs", "Cn", "Co")),
    min_size=1, max_size=31).filter(lambda s: not s.startswith("'") and not s.endswith("'")
                                    and s.strip() and s.casefold() not in TAKEN)
_SMALL: dict[str, Any] = {}


def _small_return() -> SimpleNamespace:
    """Built once for the property test below (a fixture's repr would be huge in reports)."""
    if not _SMALL:
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="natk-sheet-names-"))
        toolkit = load_toolkit(write_toolkit(root / "specs", default_components()))
        blank = generate_workbook(toolkit, root / "blank.xlsx").path
        _SMALL.update(root=root, toolkit=toolkit,
                      filled=fill_workbook(blank, root / "filled.xlsx", toolkit, SMALL_ANSWERS))
    return SimpleNamespace(**_SMALL)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(excel_sheet_name)
def test_any_sheet_name_gives_links_and_no_formula(name):
    import tempfile

    import openpyxl

    small = _small_return()
    folder = Path(tempfile.mkdtemp(dir=small.root))
    source = hostile.rename_sheet(small.filled, folder / "renamed.xlsx", "Alpha", name)
    submission = importer.read_workbook(source, small.toolkit)
    assert submission.errors
    copy = annotate_workbook(submission, folder / "back")
    assert copy.parent == (folder / "back").resolve()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(copy)["Issues"]
    cells = [c for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    links = [c.hyperlink.location for c in cells if c.hyperlink is not None]
    assert any(link.startswith(sheet_link(name, "")) for link in links)
    assert all(link.startswith((sheet_link(name, ""), sheet_link("Beta", ""))) for link in links)


def test_the_issues_sheet_reads_well_for_the_respondent(small, tmp_path):
    import openpyxl

    from natk_xlsx.i18n.interface import ui

    submission = importer.read_workbook(small.filled, small.toolkit)
    assert submission.errors and submission.warnings
    copy = annotate_workbook(submission, tmp_path / "back")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(copy)
    ws = wb.worksheets[0]
    assert ws.title == "Issues"
    assert ws["A1"].value == ui("issues.title", "en") and ws["A1"].font.b
    assert ws["A2"].value == ui("issues.todo", "en")
    assert [c.value for c in ws[4]][:5] == ["Severity", "Cell", "Question", "What to do", None]
    assert ws.column_dimensions["BL"].hidden  # the marks of natk's rows, not shown
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_col=4)]
    severities = [r[0] for r in rows]
    assert severities == sorted(severities, key=["Error", "Warning"].index)
    assert len(rows) == len(submission.issues)
    for _, _, question, message in rows:
        assert not message.startswith("[") and not (question and message.startswith(question))
    fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
    assert fonts == {"Calibri"}  # the font of the rest of the workbook


def test_every_record_natk_import_writes_reads_back(small, tmp_path):
    import json

    from natk_xlsx.outputs.submissions import record_problem

    filled = fill_workbook(Path(small.root / "blank.xlsx"), tmp_path / "mc.xlsx", small.toolkit,
                           {"ALP.01": "Yes", "ALP.02": "12", "BET.02": {"forced_labour": "maybe"},
                            "ALP.04": {2021: {"female": 2, "male": "x"}}},
                           details={"ALP.01": {"comment": "=1+1", "priority": "urgent"}})
    record = json.loads(json.dumps(importer.read_workbook(filled, small.toolkit).record()))
    assert record["issues"] and record["tables"] is not None
    assert record_problem(record) is None
    assert record_problem({**record, "details": {"ALP.01": ["x"]}}) is not None


def test_a_later_import_never_overwrites_another_return(tmp_path):
    first = write_submissions([_fake("a.xlsx", "wb-1", "1" * 64)], tmp_path)
    again = write_submissions([_fake("a.xlsx", "wb-1", "1" * 64)], tmp_path)  # same file: same
    later = write_submissions([_fake("b.xlsx", "wb-1", "2" * 64)], tmp_path)  # corrected copy
    assert first[0].target == again[0].target == tmp_path.resolve() / "wb-1.json"
    assert later[0].target != first[0].target and "imported before" in later[0].note
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wb-1-222222222222.json", "wb-1.json"]


def test_an_output_that_cannot_be_written_is_one_line_and_keeps_the_old_one(tmp_path, monkeypatch):
    from natk_xlsx import safeio

    write_submissions([_fake("a.xlsx", "wb-1", "1" * 64)], tmp_path)
    before = (tmp_path / "wb-1.json").read_text("utf-8")

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safeio.os, "replace", full_disk)
    done = write_submissions([_fake("a.xlsx", "wb-1", "1" * 64), _fake("b.xlsx", "wb-2", "2" * 64)],
                             tmp_path)
    assert [d.write_failed for d in done] == [True, True]
    assert "No space left on device" in done[0].reason
    assert (tmp_path / "wb-1.json").read_text("utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wb-1.json"]


def test_of_identical_files_the_one_that_arrived_first_is_imported(tmp_path):
    import os

    original = tmp_path / "01-office.xlsx"
    again = tmp_path / "01-office (sent again).xlsx"  # its name sorts first
    for path, when in ((original, 1_000_000), (again, 2_000_000)):
        path.write_bytes(b"same")
        os.utime(path, (when, when))
    out = tmp_path / "out"
    done = write_submissions([_fake(str(again), "wb-1", "3" * 64),
                              _fake(str(original), "wb-1", "3" * 64)], out)
    by_path = {Path(item.path).name: item for item in done}
    assert by_path["01-office.xlsx"].target == out.resolve() / "wb-1.json"
    assert by_path["01-office (sent again).xlsx"].target is None
    assert "the same file as" in by_path["01-office (sent again).xlsx"].reason

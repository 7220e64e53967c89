"""The hostile corpus through all four commands, each in one batch with good returns mixed in:
the good returns are processed, each bad one gets one line naming it, no traceback, nothing is
written outside the output folder, no input changes, no output is overwritten."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import hostile
import pytest
from click.testing import CliRunner
from conftest_helpers import write_toolkit
from factory import default_components
from fill import fill_workbook

from natk_xlsx.cli import cli
from natk_xlsx.i18n.interface import ui
from natk_xlsx.layout import COVER_FIELDS
from natk_xlsx.outputs.report import clean
from natk_xlsx.returns.annotate import sheet_link
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import generate_workbook

ANSWERS = {"ALP.01": "Yes", "ALP.02": 12, "ALP.03": "Often", "BET.01": "No",
           "BET.02": ["forced_labour"]}
INVALID = {**ANSWERS, "ALP.03": "Every Tuesday"}
LONG_ID = "../" * 5 + "CON\t\x7f\\" + "é" * 400 + ":*?"
DDE = "=cmd|' -C calc'!A0"

#: name in the corpus → (status in `natk check`, what its line says)
VALID = "VALID"
INVALID_ = "INVALID"
UNUSABLE = "UNUSABLE"


def _blank(toolkit, folder: Path, name: str) -> Path:
    return generate_workbook(toolkit, folder / f"{name}.xlsx").path


def _move(path: Path, inbox: Path, name: str) -> Path:
    target = inbox / name
    shutil.move(str(path), target)
    return target


def _hostile(builder, work: Path, inbox: Path, name: str, *args) -> Path:
    folder = work / name
    folder.mkdir()
    return _move(builder(folder, *args), inbox, name)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    specs = write_toolkit(root / "specs", default_components())
    toolkit = load_toolkit(specs)
    work, inbox = root / "work", root / "inbox"
    work.mkdir()
    inbox.mkdir()
    blanks = [_blank(toolkit, work, f"blank{i}") for i in range(6)]
    expect: dict[str, str] = {}

    def fill(blank: Path, name: str, answers=ANSWERS, status=VALID) -> Path:
        path = fill_workbook(blank, inbox / name, toolkit, answers)
        expect[name] = status
        return path

    good = fill(blanks[0], "good.xlsx")
    fill(blanks[0], "corrected.xlsx", {**ANSWERS, "ALP.02": 13})  # same workbook id
    fill(blanks[1], "other.xlsx")
    fill(blanks[2], "invalid.xlsx", INVALID, INVALID_)
    shutil.copy(good, inbox / "good-again.xlsx")
    expect["good-again.xlsx"] = VALID
    hostile.set_metadata(fill_workbook(blanks[3], work / "l.xlsx", toolkit, ANSWERS),
                         inbox / "long-id.xlsx", "workbook_id", LONG_ID)
    expect["long-id.xlsx"] = VALID
    hostile.set_metadata(fill_workbook(blanks[4], work / "m.xlsx", toolkit, ANSWERS),
                         inbox / "meta-type.xlsx", "sheets", "3.5")
    expect["meta-type.xlsx"] = VALID
    hostile.rename_sheet(fill_workbook(blanks[5], work / "d.xlsx", toolkit, INVALID),
                         inbox / "dde.xlsx", "Alpha", DDE)
    expect["dde.xlsx"] = INVALID_
    hostile.rename_sheet(fill_workbook(blanks[5], work / "s.xlsx", toolkit, INVALID),
                         inbox / "slash.xlsx", "Alpha", "Al/pha*[1]")
    expect["slash.xlsx"] = INVALID_
    hostile.rewrite(good, inbox / "macros.xlsm", add={
        "xl/vbaProject.bin": hostile.OLE2_SIGNATURE + bytes(504),
        "xl/externalLinks/externalLink1.xml": "<externalLink/>"})
    expect["macros.xlsm"] = VALID
    shutil.copy(good, inbox / "evil\nforged.xlsx: VALID: x.xlsx")
    expect["evil\nforged.xlsx: VALID: x.xlsx"] = VALID
    labels = [ui(f"cover.{f}", "en") for f in COVER_FIELDS]
    _hostile(hostile.lookalike, work, inbox, "lookalike.xlsx", labels, "Alpha")
    for builder, name, *args in [
        (hostile.shared_strings_count, "sst-count.xlsx"),
        (hostile.styles_count, "styles-count.xlsx"),
        (hostile.sheets_sharing_a_part, "thousand-sheets.xlsx", 1000),
        (hostile.cell_reference, "bad-ref.xlsx", "D-"),
        (hostile.cell_reference, "far-ref.xlsx", "U99999999999"),
        (hostile.duplicate_sheet_member, "twice.xlsx"),
        (hostile.encrypted_in_the_middle, "protected.xlsx"),
        (hostile.truncated, "truncated.xlsx"),
        (hostile.empty_file, "empty.xlsx"),
        (hostile.old_xls, "old.xls"),
        (hostile.billion_laughs, "laughs.xlsx"),
        (hostile.ods_like, "sheet.ods"),
        (hostile.csv_text, "text.xlsx"),
        (hostile.high_ratio, "ratio.xlsx"),
    ]:
        _hostile(builder, work, inbox, name, *args)
    for name in ("lookalike.xlsx", "sst-count.xlsx", "styles-count.xlsx", "thousand-sheets.xlsx",
                 "bad-ref.xlsx", "far-ref.xlsx", "twice.xlsx", "protected.xlsx", "truncated.xlsx",
                 "empty.xlsx", "old.xls", "laughs.xlsx", "sheet.ods", "text.xlsx", "ratio.xlsx"):
        expect[name] = UNUSABLE
    sub = inbox / "folder"
    sub.mkdir()
    shutil.copy(inbox / "other.xlsx", sub / "inner.xlsx")
    (inbox / "empty-folder").mkdir()
    files = sorted(str(p) for p in inbox.iterdir() if p.is_file())
    inputs = [*files, str(sub), str(inbox / "empty-folder")]
    expect["folder/inner.xlsx"] = VALID
    expect["empty-folder"] = UNUSABLE
    sums = _hashes(inbox)
    return {"root": root, "specs": specs, "inbox": inbox, "inputs": inputs, "expect": expect,
            "sums": sums}


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(corpus, *args):
    before = _tree(corpus["root"])
    result = CliRunner().invoke(cli, [*args, "--specs", str(corpus["specs"]), "-j", "2"])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert _hashes(corpus["inbox"]) == corpus["sums"]  # the inputs are never changed
    return result, before


def _tree(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*")}


def _written_only_under(corpus, before: set[str], *outputs: Path) -> None:
    new = _tree(corpus["root"]) - before
    outside = [p for p in new if not any(Path(p).is_relative_to(o) for o in outputs)]
    assert outside == []


def _file_lines(corpus, output: str) -> dict[str, str]:
    """The line of each input, by its name relative to the inbox."""
    inbox = str(corpus["inbox"]) + "/"
    lines = [line for line in output.splitlines() if line.startswith(clean(inbox))]
    found = {}
    for name in corpus["expect"]:
        start = clean(inbox + name) + ": "
        mine = [line for line in lines if line.startswith(start)
                and not line.startswith((start + "annotated copy", start + "note:"))
                and ": no annotated copy" not in line]
        assert len(mine) == 1, (name, mine)
        found[name] = mine[0][len(start):]
    return found


def test_check_with_annotate(corpus):
    out = corpus["root"] / "handback"
    result, before = _run(corpus, "check", *corpus["inputs"], "--annotate", str(out))
    assert result.exit_code == 3
    lines = _file_lines(corpus, result.stdout)
    for name, status in corpus["expect"].items():
        assert lines[name].startswith(status + ":"), (name, lines[name])
    # every file is one line, and a name with a newline forges none
    per_file = [line for line in result.stdout.splitlines() if line and not line.startswith(" ")
                and "annotated copy" not in line and not line.startswith(f"{len(lines)} file")
                and not line.startswith("note: ")]  # copies of one workbook, said once
    assert len(per_file) == len(corpus["expect"])
    assert not any(line.startswith("forged") for line in result.stdout.splitlines())
    # what the gate noticed is a warning of the return
    assert "FILE-MACROS" in result.stdout and "FILE-LINKS" in result.stdout
    # copies only for returns with errors; one line for the copy that could not be made
    copies = sorted(p.name for p in out.iterdir())
    assert copies == ["dde-checked.xlsx", "invalid-checked.xlsx"]
    assert "slash.xlsx: no annotated copy could be written" in result.stdout
    _written_only_under(corpus, before, out)
    issues = hostile_copy_issues(out / "dde-checked.xlsx")
    assert issues["formulas"] == []
    assert issues["links"] and all(link.startswith(sheet_link(DDE, "")) for link in
                                   issues["links"])
    assert issues["severities"] == sorted(issues["severities"], key=["Error", "Warning"].index)


def hostile_copy_issues(path: Path) -> dict[str, list[str]]:
    """The Issues sheet of a hand-back copy: its formulas, link locations, severities."""
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(path)["Issues"]
    cells = [c for row in ws.iter_rows() for c in row]
    return {"formulas": [c.coordinate for c in cells if c.data_type == "f"],
            "links": [c.hyperlink.location for c in cells if c.hyperlink is not None],
            "severities": [c.value for c in ws["A"][4:] if c.value]}


def test_check_json_codes(corpus):
    result, before = _run(corpus, "check", "--format", "json", *corpus["inputs"])
    assert result.exit_code == 3
    files = {Path(f["file"]).name: f for f in json.loads(result.stdout)["files"]}
    codes = {name: f.get("code") for name, f in files.items()}
    assert codes["sst-count.xlsx"] == "FILE-MALFORMED"
    assert codes["bad-ref.xlsx"] == codes["far-ref.xlsx"] == "FILE-MALFORMED"
    assert codes["thousand-sheets.xlsx"] == "FILE-MALFORMED"
    assert codes["twice.xlsx"] == "FILE-AMBIGUOUS"
    assert codes["protected.xlsx"] == "FILE-ENCRYPTED"
    assert codes["lookalike.xlsx"] == "WORKBOOK-OTHER"
    assert codes["laughs.xlsx"] == "FILE-HOSTILE-XML"
    assert files["meta-type.xlsx"]["status"] == "valid"
    _written_only_under(corpus, before)


def test_import(corpus):
    out = corpus["root"] / "submissions"
    out.mkdir()
    (out / "keep-me.json").write_text('{"mine": true}', "utf-8")
    result, before = _run(corpus, "import", *corpus["inputs"], "-o", str(out))
    assert result.exit_code == 3
    lines = _file_lines(corpus, result.stdout)
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == len(set(n.casefold() for n in written))
    assert (out / "keep-me.json").read_text("utf-8") == '{"mine": true}'
    records = [json.loads((out / n).read_text("utf-8")) for n in written if n != "keep-me.json"]
    by_file = {r["source"]["file"]: r for r in records}
    # two returns with one workbook id: both kept, named apart, flagged
    # (good.xlsx, its two copies, corrected.xlsx and macros.xlsm share it; the copies and
    # macros.xlsm, which says the same in other bytes, are one)
    shared = by_file["corrected.xlsx"]["workbook_id"]
    # of the identical copies, the one that arrived first (modification time) is imported
    good = (corpus["root"] / "inbox" / "good.xlsx").read_bytes()
    copies = [p for p in corpus["inputs"] if Path(p).is_file() and Path(p).read_bytes() == good]
    first = min(copies, key=lambda p: (Path(p).stat().st_mtime, str(p)))
    assert sorted(r["source"]["file"] for r in records if r["workbook_id"] == shared) == sorted([
        "corrected.xlsx", Path(first).name])
    assert "corrected.xlsx: note: 2 different returns carry workbook id" in result.stdout
    # macros.xlsm says what good.xlsx says, in other bytes: the same return, imported once
    assert "the same answers (the workbook saved again) as" in lines["macros.xlsm"]
    # the same file read twice: once
    assert len(copies) == 3
    for copy in copies:
        if copy != first:
            assert "the same file as" in lines[Path(copy).name]
    assert by_file["long-id.xlsx"]["workbook_id"] == LONG_ID
    for name in written:
        assert len(name.encode()) <= 120 and "\\" not in name and not name.startswith(".")
    for name, status in corpus["expect"].items():
        if status != VALID:
            assert "not imported" in lines[name], name
    _written_only_under(corpus, before, out)


def test_summarise(corpus):
    out = corpus["root"] / "summary"
    summary = out / "needs.xlsx"
    result, before = _run(corpus, "summarise", *corpus["inputs"], "-o", str(summary),
                          "--json", str(out / "needs.json"), "--csv", str(out / "csv"))
    assert result.exit_code == 3, result.output
    assert zipfile.is_zipfile(summary)
    for name, status in corpus["expect"].items():
        if status == UNUSABLE and name != "empty-folder":
            assert clean(str(corpus["inbox"] / name)) + ": " in result.stdout, name
    assert "counted once" in result.stdout
    _written_only_under(corpus, before, out)


def test_summarise_submission_files_forged_or_not(corpus, tmp_path):
    from natk_xlsx.returns.submission_schema import SUBMISSION_FORMAT

    subs = tmp_path / "subs"
    _run(corpus, "import", *corpus["inputs"], "-o", str(subs))
    written = sorted(p.name for p in subs.iterdir())
    forged = {"wrong-type.json": {"format": SUBMISSION_FORMAT, "workbook_id": "x", "answers": 5},
              "no-id.json": {"format": SUBMISSION_FORMAT, "answers": {}},
              "odd-answer.json": {"format": SUBMISSION_FORMAT, "workbook_id": "y",
                                  "answers": {"ALP.01": [{"a": 1}]}}}
    for name, data in forged.items():
        (subs / name).write_text(json.dumps(data), "utf-8")
    (subs / "deep.json").write_text("[" * 100_000, "utf-8")
    result, _ = _run(corpus, "summarise", str(subs), "-o", str(tmp_path / "s.xlsx"))
    assert result.exit_code == 3
    not_read = [line for line in result.stdout.splitlines() if ": UNUSABLE: " in line]
    assert sorted(Path(line.split(": UNUSABLE: ")[0]).name for line in not_read) == sorted(
        [*forged, "deep.json"])
    assert all(name in result.stdout for name in forged)
    assert len(written) > 3 and (tmp_path / "s.xlsx").is_file()


def test_report_lines_keep_spaces_but_escape_what_could_forge_a_line():
    assert clean("«\u00a0Parfois\u00a0» ; 1\u202f000") == "«\u00a0Parfois\u00a0» ; 1\u202f000"
    assert clean("a\nb\u2028c\u202ed") == "a\\nb\\u2028c\\u202ed"

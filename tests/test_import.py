"""Reading real-world workbooks: moved rows, missing sheets, other versions, the hand-back copy,
the command line, and LibreOffice."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner
from factory import default_components
from fill import fill_workbook
from libreoffice import convert

from natk_xlsx import layout
from natk_xlsx.cli import cli
from natk_xlsx.outputs.summarise import summarise
from natk_xlsx.returns.annotate import annotate_workbook
from natk_xlsx.returns.batch import read_files
from natk_xlsx.returns.importer import read_workbook
from natk_xlsx.returns.reader import WorkbookError
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.textwidth import wrapped_lines
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

ANSWERS = {"ALP.01": "Yes", "ALP.02": 12, "ALP.03": "Often",
           "ALP.04": {2021: {"female": 2, "male": 5}, 2022: {"female": 1}},
           "BET.01": "No", "BET.02": ["forced_labour", "forced_begging"]}
EXPECTED = {"ALP.01": "yes", "ALP.02": 12, "ALP.03": "often",
            "ALP.04": {"2021": {"female": 2, "male": 5}, "2022": {"female": 1}},
            "BET.01": "no", "BET.02": ["forced_labour", "forced_begging"]}


def load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


@pytest.fixture
def small(write_specs, tmp_path):
    toolkit = load_toolkit(write_specs())
    blank = generate_workbook(toolkit, tmp_path / "blank.xlsx", GenerateOptions(country="Veridia")).path
    filled = fill_workbook(blank, tmp_path / "filled.xlsx", toolkit, ANSWERS)
    return toolkit, filled, tmp_path


def codes(sub, severity=None):
    return [(i.code, i.question) for i in sub.issues if severity in (None, i.severity)]


def test_filled_workbook_reads_back(small):
    toolkit, filled, _ = small
    sub = read_workbook(filled, toolkit)
    assert sub.answers == EXPECTED
    assert sub.valid and sub.warnings == []
    assert sub.respondent["country"] == "Veridia"


def test_inserted_rows_do_not_lose_answers_and_typed_text_is_kept(small):
    toolkit, filled, tmp = small
    wb = load(filled)
    ws = wb["Alpha"]
    ws.insert_rows(6, 2)  # openpyxl moves the cells (and so the id column) but not the names
    ws.cell(row=6, column=layout.COL_ANSWER + 1, value="an extra note from the ministry")
    wb.save(tmp / "inserted.xlsx")
    sub = read_workbook(tmp / "inserted.xlsx", toolkit)
    assert sub.answers == EXPECTED
    assert ("ROW-INSERTED", None) in codes(sub, "warning")
    assert sub.unplaced == [{"sheet": "Alpha", "cell": "D6", "value": "an extra note from the ministry"}]
    # the names openpyxl left behind: one line for the sheet, not one per question
    (moved,) = [i for i in sub.issues if i.code == "NAME-MISMATCH"]
    assert moved.sheet == "Alpha" and moved.cell is None and moved.severity == "warning"
    assert moved.message.startswith("[Alpha] answer cells of this sheet whose name no longer "
                                    "points to their question's row: 2 (for ALP.02, ")
    assert "nothing needs to be done" in moved.message


def test_deleted_question_row_is_reported_and_the_rest_read(small):
    toolkit, filled, tmp = small
    wb = load(filled)
    ws = wb["Alpha"]
    row = next(r for r in range(1, 40) if ws.cell(r, layout.COL_KEY + 1).value == "ALP.03")
    ws.delete_rows(row)
    wb.save(tmp / "deleted.xlsx")
    sub = read_workbook(tmp / "deleted.xlsx", toolkit)
    assert ("QUESTION-MISSING", "ALP.03") in codes(sub, "warning")
    assert "ALP.03" not in sub.answers
    assert sub.answers["BET.02"] == EXPECTED["BET.02"]
    assert sub.answers["ALP.04"] == EXPECTED["ALP.04"]


def test_copied_question_row_is_a_duplicate_error(small):
    toolkit, filled, tmp = small
    wb = load(filled)
    ws = wb["Beta"]
    ws.cell(row=30, column=layout.COL_KEY + 1, value="BET.01")
    ws.cell(row=30, column=layout.COL_ANSWER + 1, value="Yes")
    wb.save(tmp / "dup.xlsx")
    sub = read_workbook(tmp / "dup.xlsx", toolkit)
    assert ("DUPLICATE-ID", "BET.01") in codes(sub, "error")
    assert sub.answers["BET.01"] == "no"  # the first row wins, the copy is reported


def test_reordered_and_renamed_sheets_are_found(small):
    toolkit, filled, tmp = small
    wb = load(filled)
    wb.move_sheet("Beta", offset=-3)
    wb["Alpha"].title = "Alpha (done)"
    wb.save(tmp / "moved.xlsx")
    sub = read_workbook(tmp / "moved.xlsx", toolkit)
    assert sub.answers == EXPECTED


def test_workbook_without_metadata_sheet_is_identified(small):
    toolkit, filled, tmp = small
    wb = load(filled)
    del wb[layout.META_SHEET]
    wb.custom_doc_props.props.clear() if hasattr(wb.custom_doc_props, "props") else None
    wb.save(tmp / "nometa.xlsx")
    sub = read_workbook(tmp / "nometa.xlsx", toolkit)
    assert ("METADATA-MISSING", None) in codes(sub, "warning")
    assert sub.answers == EXPECTED


@pytest.mark.parametrize("reader", ["fast", "openpyxl"])
def test_without_the_hidden_sheet_the_properties_identify_it_and_the_sheets_are_read(
        small, reader, monkeypatch):
    """A respondent who unhides and deletes the hidden sheet: the document properties (which a
    re-save by openpyxl writes with a namespace on each value) still identify the workbook,
    and its component sheets say which components it holds; no answer is lost."""
    if reader == "openpyxl":
        monkeypatch.setenv("NATK_READER", "openpyxl")
    toolkit, filled, tmp = small
    wb = load(filled)
    del wb[layout.META_SHEET]
    wb.save(tmp / "nosheet.xlsx")
    with zipfile.ZipFile(tmp / "nosheet.xlsx") as z:
        assert b"natk_workbook_id" in z.read("docProps/custom.xml")  # the properties remain
    sub = read_workbook(tmp / "nosheet.xlsx", toolkit)
    assert ("METADATA-MISSING", None) in codes(sub, "warning")
    assert sub.answers == EXPECTED
    assert sub.workbook_id == read_workbook(filled, toolkit).workbook_id
    # a row deleted as well cannot be told from a question left out of the workbook: one
    # warning says how many are taken as not asked, none asks to restore a row
    ws = wb["Alpha"]
    ws.delete_rows(next(r for r in range(1, 40) if ws.cell(r, layout.COL_KEY + 1).value == "ALP.03"))
    wb.save(tmp / "norow.xlsx")
    sub = read_workbook(tmp / "norow.xlsx", toolkit)
    assert ("ROWS-NOT-CHECKED", None) in codes(sub, "warning")
    assert not [c for c in codes(sub) if c[0] == "QUESTION-MISSING"]
    assert next(i for i in sub.issues if i.code == "ROWS-NOT-CHECKED").message.startswith(
        "questions of this workbook's components not found in its sheets: 1.")
    assert "ALP.03" not in sub.asked and sub.answers["BET.02"] == EXPECTED["BET.02"]


def test_a_figure_far_out_of_scale_is_to_be_checked(small):
    """10000 typed for 100, a billion in a count: a warning at the cell, the figure kept."""
    toolkit, _, tmp = small
    blank = generate_workbook(toolkit, tmp / "blank2.xlsx", GenerateOptions()).path
    table = {"2021": {"female": 12, "male": 9}, "2022": {"female": 14, "male": 8},
             "2023": {"female": 11, "male": 100000}}
    filled = fill_workbook(blank, tmp / "outlier.xlsx", toolkit, {**ANSWERS, "ALP.04": table})
    sub = read_workbook(filled, toolkit)
    (issue,) = [i for i in sub.issues if i.code == "FIGURE-OUTLIER"]
    assert issue.severity == "warning" and issue.question == "ALP.04" and issue.cell
    assert "(100000)" in issue.message and "(9)" in issue.message  # its column: 9, 8
    assert sub.answers["ALP.04"]["2023"]["male"] == 100000
    table["2023"]["male"] = 900  # large, but not out of scale for its table's kind of figure
    filled = fill_workbook(blank, tmp / "large.xlsx", toolkit, {**ANSWERS, "ALP.04": table})
    assert not [i for i in read_workbook(filled, toolkit).issues if i.code == "FIGURE-OUTLIER"]


def _set_meta(path, out, **values):
    wb = load(path)
    ws = wb[layout.META_SHEET]
    for row in ws.iter_rows(max_col=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    wb.save(out)
    return out


def test_other_toolkit_is_refused_with_a_clear_message(small):
    toolkit, filled, tmp = small
    path = _set_meta(filled, tmp / "other.xlsx", toolkit_id="someone-else")
    with pytest.raises(WorkbookError, match="belongs to the toolkit 'someone-else'"):
        read_workbook(path, toolkit)


def test_older_compatible_version_is_read_with_differences_reported(small):
    toolkit, filled, tmp = small
    path = _set_meta(filled, tmp / "old.xlsx", toolkit_version="1.0.0-rc1")
    sub = read_workbook(path, toolkit)
    assert ("VERSION-DIFFERS", None) in codes(sub, "warning")
    assert sub.answers == EXPECTED
    path = _set_meta(filled, tmp / "new.xlsx", toolkit_version="2.0.0")
    with pytest.raises(WorkbookError, match="version 2.0.0"):
        read_workbook(path, toolkit)


def test_a_different_edition_of_the_same_version(small):
    toolkit, filled, tmp = small
    path = _set_meta(filled, tmp / "hash.xlsx", spec_hash="0" * 64)
    sub = read_workbook(path, toolkit)
    assert ("SPEC-DIFFERS", None) in codes(sub, "warning")


def test_annotated_copy_marks_cells_and_leaves_the_original_alone(small):
    toolkit, filled, tmp = small
    wb = load(filled)
    row = next(r for r in range(1, 40) if wb["Alpha"].cell(r, layout.COL_KEY + 1).value == "ALP.03")
    wb["Alpha"].cell(row, layout.COL_ANSWER + 1, "Every Tuesday")
    wb.save(tmp / "bad.xlsx")
    before = hashlib.sha256((tmp / "bad.xlsx").read_bytes()).hexdigest()
    sub = read_workbook(tmp / "bad.xlsx", toolkit)
    out = annotate_workbook(sub, tmp / "back")
    assert hashlib.sha256((tmp / "bad.xlsx").read_bytes()).hexdigest() == before
    copy = load(out)
    assert copy.sheetnames[0] == "Issues"
    cell = copy["Alpha"].cell(row, layout.COL_ANSWER + 1)
    assert cell.value == "Every Tuesday"
    assert "is not one of the allowed answers" in cell.comment.text
    assert cell.fill.start_color.rgb.endswith("FFC7CE")
    issues = copy["Issues"]
    assert int(issues.page_setup.paperSize) == 9  # A4, as the questionnaire's sheets
    links = [c.hyperlink.location if c.hyperlink and c.hyperlink.location else
             (c.hyperlink.target if c.hyperlink else None) for c in issues["B"][1:]]
    assert f"'Alpha'!D{row}" in " ".join(str(x) for x in links)
    # everything else the respondent entered is untouched
    again = read_workbook(out, toolkit)
    assert again.answers == {**EXPECTED, "ALP.03": "Every Tuesday"}


def test_each_issue_row_of_the_copy_is_as_tall_as_its_message(small):
    """A long message wraps in its cell; its row grows with it, or its second line would spill
    over the next issue, on screen and on paper."""
    toolkit, filled, tmp = small
    wb = load(filled)
    row = next(r for r in range(1, 40) if wb["Alpha"].cell(r, layout.COL_KEY + 1).value == "ALP.03")
    wb["Alpha"].cell(row, layout.COL_ANSWER + 1, "Every Tuesday")
    wb["Alpha"].cell(row, 10, "see the annex sent with this workbook")  # a long message
    wb.save(tmp / "long.xlsx")
    issues = load(annotate_workbook(read_workbook(tmp / "long.xlsx", toolkit),
                                    tmp / "back-long"))["Issues"]
    heights = {r: issues.row_dimensions[r].height for r in range(5, issues.max_row + 1)}
    lines = {r: wrapped_lines(str(issues.cell(r, 4).value), 110) for r in heights}
    assert max(lines.values()) >= 2
    assert all(heights[r] and heights[r] >= 12 * lines[r] for r in heights)


@pytest.mark.parametrize("lang", ["ru", "fr", "ar", "zh"])
def test_the_copys_headers_and_severities_are_whole_in_every_language(small, lang):
    """Not wrapped, they were cut by the next cell: "Предупрежден", "Степень серьез" in the
    Russian copy, the Arabic header of severity run into the next one. Each fits its column
    on one line, bold where it is (a tenth wider)."""
    from natk_xlsx.i18n.interface import ui
    from natk_xlsx.textwidth import BOLD_WIDTH

    toolkit, filled, tmp = small
    wb = load(filled)
    row = next(r for r in range(1, 40) if wb["Alpha"].cell(r, layout.COL_KEY + 1).value == "ALP.03")
    wb["Alpha"].cell(row, layout.COL_ANSWER + 1, "Every Tuesday")  # an error
    wb.save(tmp / f"severities-{lang}.xlsx")
    sub = read_workbook(tmp / f"severities-{lang}.xlsx", toolkit)
    sub.language = lang  # the copy speaks the respondent's language
    sheet = load(annotate_workbook(sub, tmp / f"back-{lang}")).worksheets[0]
    width = {col: sheet.column_dimensions[col].width for col in "ABC"}
    texts = [(col, ui(f"issues.col_{key}", lang), True)
             for col, key in zip("ABC", ("severity", "place", "question"), strict=True)]
    texts += [("A", ui(f"issues.{s}", lang), False) for s in ("error", "warning")]
    assert {sheet.cell(4, 1).value, sheet.cell(5, 1).value} <= {t for _, t, _ in texts}
    # Arabic set right to left: in the "context" order LibreOffice put each message's full stop
    # at its start and the headers against their neighbours
    orders = {sheet.cell(r, c).alignment.readingOrder for r in (1, 2, 4, 5) for c in (1, 2, 3, 4)
              if sheet.cell(r, c).value}
    assert orders == {2 if lang == "ar" else 0}
    assert [(col, text) for col, text, bold in texts
            if wrapped_lines(text, width[col] / (BOLD_WIDTH if bold else 1.0)) > 1] == []
    # a long sheet's name: the French copy showed "Politique et coordination!D10" for D103
    from natk_xlsx.returns.annotate import column_widths

    place = "Politique et coordination!D103"
    assert wrapped_lines(place, column_widths(lang, [place])[1]) == 1


def test_libreoffice_resave_of_a_filled_workbook_returns_the_same_answers(small):
    toolkit, filled, tmp = small
    resaved = convert(filled, tmp / "lo")
    sub = read_workbook(resaved, toolkit)
    assert sub.answers == EXPECTED
    assert sub.valid


def test_batch_goes_on_past_bad_files_and_keeps_order(small):
    toolkit, filled, tmp = small
    (tmp / "notes.txt").write_text("hello", "utf-8")
    results = read_files([filled, tmp / "notes.txt", tmp / "missing.xlsx", filled], toolkit, jobs=2)
    assert [r.status for r in results] == ["valid", "unusable", "unusable", "valid"]
    assert results[1].error.startswith(str(tmp / "notes.txt"))
    assert results[3].submission.answers == EXPECTED


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_check_text_and_exit_codes(small, write_specs):
    toolkit, filled, tmp = small
    specs = toolkit.directory
    code, out, _ = run("check", "--specs", specs, filled)
    assert code == 0, out
    assert "VALID" in out and "1 valid" in out
    (tmp / "junk.xlsx").write_bytes(b"not a workbook at all")
    code, out, _ = run("check", "--specs", specs, filled, tmp / "junk.xlsx")
    assert code == 3
    assert "junk.xlsx: UNUSABLE" in out


def test_cli_check_text_lists_errors_before_warnings(small):
    """The screen lists a file's errors first, as the Issues sheet of a copy handed back does:
    they are what must be corrected."""
    toolkit, filled, tmp = small
    wb = load(filled)
    alpha = wb["Alpha"]
    row = next(c.row for c in alpha["A"] if c.value == "ALP.02")
    alpha.cell(row=row, column=layout.COL_ANSWER, value="12 people")  # a warning, first sheet
    wb["Beta"]["D5"] = "Nope"  # an error, on the second
    wb.save(tmp / "mixed.xlsx")
    code, out, _ = run("check", "--specs", toolkit.directory, tmp / "mixed.xlsx")
    assert code == 1
    issues = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert issues[0] == "error" and "warning" in issues, out
    assert issues == sorted(issues), out  # "error" < "warning"


def test_cli_check_json_gives_every_file_the_same_keys(small):
    """A table of the entries (pandas.json_normalize, R's jsonlite) has one shape: a file that
    could not be read has the keys of one that could, null; a readable one has "error": null."""
    toolkit, filled, tmp = small
    (tmp / "junk.xlsx").write_bytes(b"not a workbook at all")
    code, out, _ = run("check", "--specs", toolkit.directory, "--format", "json", filled,
                       tmp / "junk.xlsx")
    assert code == 3
    read, unusable = json.loads(out)["files"]
    assert list(read) == list(unusable)
    assert read["error"] is None and read["code"] is None and read["answers"]
    assert unusable["status"] == "unusable" and unusable["code"] and unusable["error"]
    assert unusable["answers"] is None and unusable["issues"] is None
    assert read["annotated"] is None and unusable["annotate_error"] is None


def test_cli_check_json_and_annotate(small):
    toolkit, filled, tmp = small
    wb = load(filled)
    wb["Beta"]["D5"] = "Nope"
    wb.save(tmp / "bad.xlsx")
    code, out, _ = run("check", "--specs", toolkit.directory, "--format", "json",
                       "--annotate", tmp / "back", tmp / "bad.xlsx")
    assert code == 1
    data = json.loads(out)
    (entry,) = data["files"]
    assert entry["status"] == "invalid"
    issue = next(i for i in entry["issues"] if i["severity"] == "error")
    assert {k: issue[k] for k in ("code", "sheet", "cell", "question", "value")} == {
        "code": "ANSWER-NOT-ALLOWED", "sheet": "Beta", "cell": "D5", "question": "BET.01",
        "value": "Nope"}
    assert entry["answers"]["ALP.02"] == 12
    assert (tmp / "back" / "bad-checked.xlsx").exists()


def test_check_removes_the_copy_of_an_earlier_check_once_the_return_is_corrected(small):
    """A nightly job hands back whatever the hand-back folder holds: the copy of an earlier
    check stayed there after the return was corrected, and would have asked the institution
    again for what it had corrected. It is removed, and said; a file of that name that is no
    copy of natk's is left alone."""
    toolkit, filled, tmp = small
    wb = load(filled)
    wb["Beta"]["D5"] = "Nope"
    wb.save(tmp / "ret.xlsx")
    code, out, _ = run("check", "--specs", toolkit.directory, "--annotate", tmp / "back",
                       tmp / "ret.xlsx")
    copy = tmp / "back" / "ret-checked.xlsx"
    assert code == 1 and copy.exists()
    shutil.copy(filled, tmp / "ret.xlsx")  # corrected and sent again
    code, out, _ = run("check", "--specs", toolkit.directory, "--annotate", tmp / "back",
                       tmp / "ret.xlsx")
    assert code == 0 and not copy.exists()
    assert f"the annotated copy of an earlier check, {copy}, was removed" in out
    shutil.copy(filled, copy)  # the officer's own file of that name: not natk's copy
    code, out, _ = run("check", "--specs", toolkit.directory, "--annotate", tmp / "back",
                       tmp / "ret.xlsx")
    assert code == 0 and copy.exists() and "removed" not in out


def test_check_keeps_every_copy_that_is_not_the_corrected_return_s_own(small):
    """Only the corrected return's own copy goes: not another institution's return of the same
    file name (its copy still lists its errors), not a file read in the same run (the hand-back
    folder being the folder read), not a copy of warnings when warnings were not asked for."""
    toolkit, filled, tmp = small
    for folder in ("north", "south", "in"):
        (tmp / folder).mkdir()
    wb = load(filled)
    wb["Beta"]["D5"] = "Nope"
    wb.save(tmp / "north" / "ret.xlsx")
    bad_id = read_workbook(tmp / "north" / "ret.xlsx", toolkit).workbook_id
    other = load(filled)
    meta = other["natk_meta"]
    for row in meta.iter_rows():
        if row[0].value == "workbook_id":
            row[1].value = "f" * 32  # another institution's workbook
    other.save(tmp / "south" / "ret.xlsx")
    assert read_workbook(tmp / "south" / "ret.xlsx", toolkit).workbook_id != bad_id
    run("check", "--specs", toolkit.directory, "--annotate", tmp / "back", tmp / "north" /
        "ret.xlsx")
    copy = tmp / "back" / "ret-checked.xlsx"
    assert copy.exists()
    code, out, _ = run("check", "--format", "json", "--specs", toolkit.directory, "--annotate",
                       tmp / "back", tmp / "south" / "ret.xlsx")
    assert code == 0 and copy.exists(), out  # north's copy, still to hand back
    assert json.loads(out)["files"][0]["annotated_removed"] is None
    shutil.copy(tmp / "north" / "ret.xlsx", tmp / "in" / "ret.xlsx")  # copies beside returns
    run("check", "--specs", toolkit.directory, "--annotate", tmp / "in", tmp / "in")
    assert (tmp / "in" / "ret-checked.xlsx").exists()
    shutil.copy(filled, tmp / "in" / "ret.xlsx")  # corrected; its old copy is read as well
    code, out, _ = run("check", "--specs", toolkit.directory, "--annotate", tmp / "in",
                       tmp / "in")
    assert (tmp / "in" / "ret-checked.xlsx").exists() and "removed" not in out
    warned = load(filled)
    row = next(c.row for c in warned["Alpha"]["A"] if c.value == "ALP.02")
    warned["Alpha"].cell(row=row, column=layout.COL_ANSWER + 1, value="12 people")
    warned.save(tmp / "warned.xlsx")
    run("check", "--specs", toolkit.directory, "--annotate", tmp / "wb", "--annotate-warnings",
        tmp / "warned.xlsx")
    assert (tmp / "wb" / "warned-checked.xlsx").exists()
    code, out, _ = run("check", "--specs", toolkit.directory, "--annotate", tmp / "wb",
                       tmp / "warned.xlsx")
    assert (tmp / "wb" / "warned-checked.xlsx").exists() and "removed" not in out


def test_cli_check_says_which_files_carry_one_workbook(small):
    """Before summarising, the data officer learns of a return sent twice, and of one corrected
    and sent again (whose answers differ: the summary will use the later one)."""
    toolkit, filled, tmp = small
    (tmp / "in").mkdir()
    shutil.copy(filled, tmp / "in" / "a.xlsx")
    shutil.copy(filled, tmp / "in" / "b.xlsx")
    code, out, _ = run("check", "-q", "--specs", toolkit.directory, tmp / "in")
    assert code == 0
    assert f"note: {tmp / 'in' / 'a.xlsx'}, {tmp / 'in' / 'b.xlsx'} give the same answers" in out
    wb = load(filled)
    wb["Beta"]["D5"] = "Yes"
    wb.save(tmp / "in" / "b.xlsx")
    code, out, _ = run("check", "-q", "--specs", toolkit.directory, tmp / "in")
    assert code == 0 and "with different answers: a corrected return sent again?" in out
    assert "give the same answers" not in out


def test_a_summary_of_the_submissions_uses_the_corrected_copy_as_one_of_the_returns_does(small):
    """The submission files keep the arrival time of their workbooks: the copy imported last is
    not taken for the copy that arrived last."""
    toolkit, filled, tmp = small
    (tmp / "in").mkdir()
    shutil.copy(filled, tmp / "in" / "b-first.xlsx")
    wb = load(filled)
    wb["Beta"]["D5"] = "Yes"  # BET.01, corrected
    wb.save(tmp / "in" / "a-corrected.xlsx")  # sorts, and so is imported, first
    os.utime(tmp / "in" / "b-first.xlsx", (1_700_000_000, 1_700_000_000))
    os.utime(tmp / "in" / "a-corrected.xlsx", (1_700_000_600, 1_700_000_600))
    code, _, _ = run("import", "--specs", toolkit.directory, "-o", tmp / "json", tmp / "in")
    assert code == 0 and len(list((tmp / "json").glob("*.json"))) == 2
    for folder in ("in", "json"):
        result = summarise([tmp / folder], toolkit, None)
        assert [r.answers["BET.01"] for r in result.consolidation.respondents] == ["yes"], folder


def test_cli_import_writes_valid_workbooks_only(small):
    toolkit, filled, tmp = small
    wb = load(filled)
    wb["Beta"]["D5"] = "Nope"
    wb.save(tmp / "bad.xlsx")
    code, out, _ = run("import", "--specs", toolkit.directory, "-o", tmp / "json", filled,
                       tmp / "bad.xlsx")
    assert code == 1
    files = list((tmp / "json").glob("*.json"))
    assert len(files) == 1
    record = json.loads(files[0].read_text("utf-8"))
    assert record["format"] == "natk-submission/1"
    assert record["answers"] == EXPECTED
    assert files[0].stem == record["workbook_id"]
    assert "bad.xlsx: not imported" in out
    assert f"({len(EXPECTED)} answers, 0 warnings)" in out  # counted as English counts
    code, out, err = run("summarise", "--specs", toolkit.directory, "-o", tmp / "summary.txt",
                         filled)
    assert code == 2 and "give a name ending in .xlsx" in out + err
    assert not (tmp / "summary.txt").exists()


def test_cli_schema_validates_an_imported_record(small):
    import jsonschema

    toolkit, filled, _tmp = small
    code, out, _ = run("schema", "--specs", toolkit.directory)
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    record = read_workbook(filled, toolkit).record()
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(record)) == []
    record["answers"]["ALP.01"] = "perhaps"
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(record))


def test_cli_schema_refuses_a_choice_that_excludes_the_others_with_another(write_specs):
    """The printed schema says that "None of these" stands alone, for a validator outside natk."""
    import jsonschema

    comps = default_components()
    comps["beta"]["choice_lists"] = {"kinds": {"description": "Kinds.", "choices": [
        {"code": "one", "label": {"en": "One kind"}},
        {"code": "none", "label": {"en": "None of these"}, "exclusive": True}]}}
    beta = next(q for q in comps["beta"]["questions"] if q["type"] == "multiple_choice")
    beta["choices"] = "kinds"
    code, out, _ = run("schema", "--specs", str(write_specs(comps)))
    assert code == 0
    answer = jsonschema.Draft202012Validator(
        json.loads(out)["properties"]["answers"]["properties"][beta["id"]])
    assert list(answer.iter_errors(["one", "none"]))
    assert not list(answer.iter_errors(["none"])) and not list(answer.iter_errors(["one"]))

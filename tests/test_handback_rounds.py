"""A copy handed back, returned, and handed back again.

What a respondent types on the Issues sheet of a copy: a reply beside a message ("the figure is
right"), a line of their own below the list. The copy is made to be sent back, so both were read
as natk's own sheet and lost without a word; and the next copy deleted them with the sheet. Now
they are kept (``unplaced``, with the question of the message they stand beside) and said once
(``ISSUES-TYPED``); the next copy keeps that sheet.

A cell corrected since the last copy kept that copy's colour and message ("not one of the allowed
answers" over the answer the respondent had put right); the next copy now takes them off."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fill import fill_workbook
from openpyxl.comments import Comment

from natk_xlsx.analysis.respondents import respondent_from_record
from natk_xlsx.i18n.interface import ui
from natk_xlsx.returns.annotate import ERROR_FILL, annotate_workbook
from natk_xlsx.returns.books import OpenpyxlBook
from natk_xlsx.returns.cellnotes import SEPARATOR
from natk_xlsx.returns.importer import read_workbook
from natk_xlsx.returns.reader import read_book
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

CODES = ("ISSUES-TYPED", "SHEET-ADDED", "CELL-NOT-READ", "ROW-INSERTED")


def _copy(folder: Path, lang: str) -> tuple[Any, Path, Any]:
    """A copy handed back of a policy return in ``lang`` with two wrong answers (two messages
    on its Issues sheet, each about a question)."""
    from factory import BUNDLED_SPECS

    toolkit = load_toolkit(BUNDLED_SPECS)
    blank = generate_workbook(toolkit, folder / f"blank-{lang}.xlsx",
                              GenerateOptions(components=["policy"], lang=lang)).path
    yes_no = [q.id for q in toolkit.component("policy").questions if q.type == "yes_no"][:2]
    filled = fill_workbook(blank, folder / f"filled-{lang}.xlsx", toolkit,
                           dict.fromkeys(yes_no, "perhaps"), lang=lang)
    sub = read_workbook(filled, toolkit)
    return toolkit, annotate_workbook(sub, folder / f"copy-{lang}.xlsx"), sub


def _typed(sub: Any) -> list[tuple[str, Any]]:
    return [(i.code, i.cell) for i in sub.issues if i.code in CODES]


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, Any]:
    return _copy(tmp_path_factory.mktemp("typed"), "en")


def test_a_reply_beside_a_message_and_a_line_below_are_kept_with_their_question(english,
                                                                                 tmp_path):
    toolkit, copy, first = english
    wb, ws, listed = _issues_rows(copy)
    assert len(listed) >= 2
    row = listed[1]  # the second message, about a question
    about = ws.cell(row, 3).value
    ws.cell(row, 5, "The answer is right: the law was amended in 2023.")
    ws.cell(ws.max_row + 2, 1, "We will send the 2024 figures in March.")
    wb.save(tmp_path / "replied.xlsx")
    sub = read_workbook(tmp_path / "replied.xlsx", toolkit)
    said = [i for i in sub.issues if i.code == "ISSUES-TYPED"]
    assert [(i.sheet, i.cell, i.question, i.severity) for i in said] == [
        (ws.title, f"E{row}", about, "warning")]
    assert "(cells with text: 2;" in said[0].message
    kept = [u for u in sub.record()["unplaced"] if u["sheet"] == ws.title]
    assert kept == [
        {"sheet": ws.title, "cell": f"E{row}", "question": about,
         "value": "The answer is right: the law was amended in 2023."},
        {"sheet": ws.title, "cell": f"A{ws.max_row}",
         "value": "We will send the 2024 figures in March."}]
    # the summary's Remarks (and remarks.csv, the report's annex) name the question
    remarks = respondent_from_record(sub.record(), str(sub.file)).remarks
    assert (ws.title, f"E{row}", about, kept[0]["value"]) in remarks
    assert (ws.title, f"A{ws.max_row}", None, kept[1]["value"]) in remarks
    # the careful reader finds the same
    slow = read_book(tmp_path / "replied.xlsx", OpenpyxlBook(tmp_path / "replied.xlsx"), toolkit)
    assert [(c.sheet, c.cell, c.value) for c in slow.unplaced] == [
        (u["sheet"], u["cell"], u["value"]) for u in kept]
    # the next copy keeps the sheet they wrote on, with natk's note on the reply, and lists
    # this round's issues on a sheet of its own
    again = openpyxl.load_workbook(annotate_workbook(sub, tmp_path / "round2.xlsx"))
    assert again.sheetnames[:2] == [f"{ws.title} 2", ws.title]
    assert again[ws.title].cell(row, 5).value == kept[0]["value"]
    # and prints what they typed, beside the list (as far as it spills) and below it
    area = again[ws.title].print_area
    assert area.startswith(f"'{ws.title}'!$A$1:$") and area.endswith(f"${ws.max_row}")
    assert "$E$" not in area and "$BL$" not in area and "$BK$" not in area
    assert "is not read as answers" in again[ws.title].cell(row, 5).comment.text
    assert len(first.issues) < len(sub.issues)


def test_what_natk_wrote_on_its_issues_sheet_is_not_taken_for_typed_text(english, tmp_path):
    """The copy returned untouched, and with rows inserted above the headers, gives nothing."""
    toolkit, copy, _ = english
    assert _typed(read_workbook(copy, toolkit)) == []
    wb = openpyxl.load_workbook(copy)
    wb.worksheets[0].insert_rows(1, 2)
    wb.save(tmp_path / "moved.xlsx")
    assert _typed(read_workbook(tmp_path / "moved.xlsx", toolkit)) == []


def test_text_typed_in_the_message_column_is_the_respondent_s(english, tmp_path):
    """A reply typed in the wide message column, in a row inserted inside the list or just
    below it, and a message of natk's rewritten, are kept: each row of natk's list carries a
    hidden mark of the message natk wrote there."""
    toolkit, copy, _ = english
    wb, ws, listed = _issues_rows(copy)
    ws.cell(listed[1], 4, "We disagree: the plan was adopted in 2022.")  # over natk's message
    below = ws.max_row + 1
    ws.cell(below, 4, "Figures for 2024 follow in March.")
    ws.insert_rows(listed[0] + 1)
    ws.cell(listed[0] + 1, 4, "See the annex for the budget.")
    wb.save(tmp_path / "replied.xlsx")
    sub = read_workbook(tmp_path / "replied.xlsx", toolkit)
    about = ws.cell(listed[1] + 1, 3).value
    assert [(u["cell"], u["value"], u.get("question")) for u in sub.record()["unplaced"]
            if u["sheet"] == ws.title] == [
        (f"D{listed[0] + 1}", "See the annex for the budget.", None),
        (f"D{listed[1] + 1}", "We disagree: the plan was adopted in 2022.", about),
        (f"D{below + 1}", "Figures for 2024 follow in March.", None)]


@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_a_copy_in_any_language_is_told_and_a_reply_is_said_in_it(lang, tmp_path):
    toolkit, copy, _ = _copy(tmp_path, lang)
    assert _typed(read_workbook(copy, toolkit)) == []
    wb = openpyxl.load_workbook(copy)
    wb.worksheets[0]["F6"] = "OK"
    wb.save(tmp_path / "replied.xlsx")
    sub = read_workbook(tmp_path / "replied.xlsx", toolkit)
    said = [i for i in sub.issues if i.code == "ISSUES-TYPED"]
    assert [i.cell for i in said] == ["F6"]
    assert ui("col.comment", lang) in said[0].message
    assert wb.worksheets[0].title in said[0].message


OWN = "We are checking this with the ministry."


def _corrected(copy: Path, out: Path, toolkit: Any) -> tuple[Path, str, str]:
    """The copy with its first wrong answer put right, and a note of the respondent's on the
    second, before natk's message: (the file, the corrected cell, the cell still wrong)."""
    wb = openpyxl.load_workbook(copy)
    ws = wb[toolkit.component("policy").sheet_name["en"]]
    wrong = [c.coordinate for row in ws.iter_rows() for c in row if c.value == "perhaps"]
    fixed, still = wrong[:2]
    assert ws[fixed].comment is not None and "perhaps" in ws[fixed].comment.text
    ws[fixed] = "Yes"
    ours = ws[still].comment.text
    ws[still].comment = Comment(f"{OWN}{SEPARATOR}{ours}", "A. Official")
    wb.save(out)
    return out, fixed, still


def test_the_next_copy_takes_its_marks_off_a_corrected_cell(english, tmp_path):
    toolkit, copy, _ = english
    returned, fixed, still = _corrected(copy, tmp_path / "returned.xlsx", toolkit)
    sheet = toolkit.component("policy").sheet_name["en"]
    blank = openpyxl.load_workbook(copy.parent / "blank-en.xlsx")[sheet]
    was = blank[fixed].fill.fgColor.rgb  # as the questionnaire has it
    assert blank[still].fill.fgColor.rgb == was
    again = openpyxl.load_workbook(annotate_workbook(read_workbook(returned, toolkit),
                                                     tmp_path / "round2.xlsx"))
    ws = again[sheet]
    assert ws[fixed].value == "Yes"
    assert ws[fixed].fill.fgColor.rgb == was and ws[fixed].comment is None
    assert ws[still].fill.fgColor.rgb.endswith(ERROR_FILL)
    # the respondent's note first, then this round's messages, the error once
    note = ws[still].comment.text
    assert note.startswith(OWN + SEPARATOR) and note.count('"perhaps"') == 1
    # and a third round takes the second's off as well, the respondent's note kept
    ws[still] = "No"
    again.save(tmp_path / "returned2.xlsx")
    third = openpyxl.load_workbook(annotate_workbook(
        read_workbook(tmp_path / "returned2.xlsx", toolkit), tmp_path / "round3.xlsx"))[sheet]
    assert '"perhaps"' not in third[still].comment.text
    assert third[still].comment.text.startswith(OWN)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_a_copy_libreoffice_saved_gives_nothing_typed_and_is_unmarked_alike(english, tmp_path):
    from libreoffice import convert

    toolkit, copy, _ = english
    saved = convert(copy, tmp_path / "lo")
    assert _typed(read_workbook(saved, toolkit)) == []
    returned, fixed, _ = _corrected(saved, tmp_path / "returned.xlsx", toolkit)
    sheet = toolkit.component("policy").sheet_name["en"]
    again = openpyxl.load_workbook(annotate_workbook(read_workbook(returned, toolkit),
                                                     tmp_path / "round2.xlsx"))[sheet]
    assert not again[fixed].fill.fgColor.rgb.endswith(ERROR_FILL)
    assert again[fixed].comment is None


def _wrong_cells(ws: Any) -> list[str]:
    return [c.coordinate for row in ws.iter_rows() for c in row if c.value == "perhaps"]


def _issues_rows(copy: Path) -> tuple[Any, Any, list[int]]:
    """A copy's workbook, its Issues sheet and the rows of its messages about a question."""
    wb = openpyxl.load_workbook(copy)
    ws = wb.worksheets[0]
    return wb, ws, [row for row in range(5, ws.max_row + 1) if ws.cell(row, 3).value]


def test_a_fill_of_any_kind_comes_back_and_a_moved_cell_is_found(english, tmp_path):
    """The fill a respondent gave a cell (a theme colour, a gradient) is put back as it was, not
    as solid black or a crash; a corrected cell moved down by an inserted row is unmarked where
    it now is; and one on a sheet renamed since, found by its row's key."""
    from openpyxl.styles import GradientFill, PatternFill
    from openpyxl.styles.colors import Color

    toolkit, copy, _ = english
    sheet = toolkit.component("policy").sheet_name["en"]
    wb = openpyxl.load_workbook(copy.parent / "filled-en.xlsx")
    first, second = _wrong_cells(wb[sheet])[:2]
    theme = PatternFill("solid", fgColor=Color(theme=4, tint=0.4))
    gradient = GradientFill(stop=("FF0000", "0000FF"))
    wb[sheet][first].fill, wb[sheet][second].fill = theme, gradient
    wb.save(tmp_path / "coloured.xlsx")
    marked = annotate_workbook(read_workbook(tmp_path / "coloured.xlsx", toolkit),
                               tmp_path / "marked.xlsx")
    wb = openpyxl.load_workbook(marked)
    ws = wb[sheet]
    assert ws[first].fill != theme and ws[second].fill != gradient  # natk's marks on both
    ws[first], ws[second] = "Yes", "No"
    ws.insert_rows(ws[second].row)  # the second goes one row down
    moved = f"{second[0]}{ws[second].row + 1}"
    ws.title = "Policy (2025)"
    wb.save(tmp_path / "corrected.xlsx")
    ws = openpyxl.load_workbook(annotate_workbook(
        read_workbook(tmp_path / "corrected.xlsx", toolkit), tmp_path / "round2.xlsx"))[ws.title]
    assert ws[first].fill == theme and ws[first].comment is None
    assert ws[moved].value == "No" and ws[moved].fill == gradient and ws[moved].comment is None


@pytest.mark.parametrize("after", [True, False])
def test_a_reply_typed_into_natk_s_note_is_kept_and_natk_s_message_is_not_repeated(
        english, tmp_path, after):
    """Below natk's message in its note (the note still natk's), or above it (the author now
    the respondent's): the reply is theirs, natk's message is not, and the next copy writes the
    reply first, then this round's message once."""
    toolkit, copy, _ = english
    sheet = toolkit.component("policy").sheet_name["en"]
    wb = openpyxl.load_workbook(copy)
    cell = wb[sheet][_wrong_cells(wb[sheet])[0]]
    reply = "The answer is right: see the annex."
    ours = cell.comment.text
    cell.comment = (Comment(f"{ours}\n{reply}", cell.comment.author) if after
                    else Comment(f"{reply}\n{ours}", "A. Official"))
    wb.save(tmp_path / "replied.xlsx")
    sub = read_workbook(tmp_path / "replied.xlsx", toolkit)
    assert [(i.cell, i.value) for i in sub.issues if i.code == "CELL-NOTE"] == [
        (cell.coordinate, reply)]
    note = openpyxl.load_workbook(annotate_workbook(sub, tmp_path / "round2.xlsx"))[sheet][
        cell.coordinate].comment.text
    assert note.startswith(reply + SEPARATOR) and note.count('"perhaps"') == 1


@pytest.mark.parametrize("marked", [
    '{"Policy": {"<fill><patternFill patternType=\\"bogus\\"/></fill>": [["#5", "D"]]}}',
    '{"Policy": {"<fill": [["#5", "D"], ["#0", "D"], ["#9999999", "D"], ["POL.01", "?"], ["#5"],'
    ' 3], "x": "D5"}, "Nowhere": {"<fill/>": [["#5", "D"]]}, "Lists": [1]}',
    '[1, 2]', "not json", "[" * 20000,
    '{"Policy": {"<!DOCTYPE x [<!ENTITY a \\"b\\">]><x>&a;</x>": [["POL.01", "D"]]}}'])
def test_a_damaged_list_of_marks_is_passed_over(english, tmp_path, marked):
    """What the metadata sheet holds is the respondent's file: a list of marks damaged or made
    up gives a copy all the same, with this round's marks, and a corrected cell whose fill
    cannot be read back loses natk's colour all the same."""
    from natk_xlsx import layout

    toolkit, copy, _ = english
    sheet = toolkit.component("policy").sheet_name["en"]
    wb = openpyxl.load_workbook(copy)
    meta = wb[layout.META_SHEET]
    rows = [r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == layout.META_MARKED]
    meta.cell(rows[0], 2, marked)
    fixed, still = _wrong_cells(wb[sheet])[:2]
    wb[sheet][fixed] = "Yes"
    wb.save(tmp_path / "damaged.xlsx")
    out = annotate_workbook(read_workbook(tmp_path / "damaged.xlsx", toolkit),
                            tmp_path / "round2.xlsx")
    ws = openpyxl.load_workbook(out)[sheet]
    assert ws[still].fill.fgColor.rgb.endswith(ERROR_FILL)
    if "bogus" in marked:  # D5, found, its fill unreadable: no colour rather than natk's
        assert fixed == "D5" and ws[fixed].fill.fill_type is None and ws[fixed].comment is None


def test_a_long_list_of_marks_is_kept_over_rows_of_its_own(tmp_path):
    """Thousands of marked cells are remembered whole over several rows, each within a cell;
    a list past those rows keeps its first marks (errors come first)."""
    from natk_xlsx import layout
    from natk_xlsx.returns.annotate import MARKED_CHARS, MARKED_ROWS, _remember

    def kept(marks: list[Any]) -> list[str]:
        wb = openpyxl.Workbook()
        meta = wb.create_sheet(layout.META_SHEET)
        meta["A1"], meta["B1"] = "toolkit_id", "t"
        _remember(wb, marks)
        _remember(wb, marks)  # a second round replaces the first's rows
        assert meta["A1"].value == "toolkit_id"
        return [meta.cell(r, 2).value for r in range(1, meta.max_row + 1)
                if meta.cell(r, 1).value == layout.META_MARKED]

    marks = [(f"<fill>{i % 7}</fill>", ("Policy", f"POL.{i:04d}", "D")) for i in range(3000)]
    chunks = kept(marks)
    assert len(chunks) > 1 and all(len(chunk) <= MARKED_CHARS for chunk in chunks)
    grouped = json.loads("".join(chunks))["Policy"]
    assert sum(len(places) for places in grouped.values()) == 3000
    # cut anywhere, even just before an "=", each row's part is text, never a formula
    fill = '<fill a="1"/>'
    text = json.dumps({"Policy": {fill: [["#0", "D"]]}}, separators=(",", ":"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("natk_xlsx.returns.annotate.MARKED_CHARS", text.index("="))
        wb = openpyxl.Workbook()
        meta = wb.create_sheet(layout.META_SHEET)
        _remember(wb, [(fill, ("Policy", "#0", "D"))])
        parts = [meta.cell(r, 2) for r in range(1, meta.max_row + 1)
                 if meta.cell(r, 1).value == layout.META_MARKED]
        assert any(str(c.value).startswith("=") for c in parts)
        assert {c.data_type for c in parts} == {"s"}
    many = kept([(f"<fill>{i}</fill>", ("Policy", f"#{i}", "D")) for i in range(80_000)])
    assert MARKED_ROWS - 1 <= len(many) <= MARKED_ROWS  # as many as the rows hold
    assert '"<fill>0</fill>":[["#0","D"]]' in many[0]


@pytest.mark.parametrize("marked", [True, False])
def test_done_typed_over_a_severity_is_the_respondent_s_and_the_message_natk_s(english,
                                                                               tmp_path, marked):
    """A message ticked off by typing "Done" over its severity, or its severity cleared, stays
    natk's but for that word; so does one about no cell (its place empty) ticked off alike. In
    a copy of an earlier version, whose rows carry no mark, too."""
    from natk_xlsx import layout

    toolkit, copy, _ = english
    wb, ws, listed = _issues_rows(copy)
    if not marked:
        for row in range(1, ws.max_row + 1):
            ws.cell(row, layout.ISSUES_MARK_COLUMN + 1).value = None
    ws.cell(listed[0], 1, "Done")
    ws.cell(listed[1], 1).value = None
    ws.cell(listed[2], 1, "OK")
    ws.cell(listed[2], 2).value = None  # as a message about no cell has it
    wb.save(tmp_path / "ticked.xlsx")
    sub = read_workbook(tmp_path / "ticked.xlsx", toolkit)
    assert [(u["cell"], u["value"], u.get("question")) for u in sub.record()["unplaced"]
            if u["sheet"] == ws.title] == [
        (f"A{listed[0]}", "Done", ws.cell(listed[0], 3).value),
        (f"A{listed[2]}", "OK", ws.cell(listed[2], 3).value)]


def test_a_cell_far_down_a_sheet_does_not_swell_the_copy(english, tmp_path):
    """Row keys are looked for as far as the reader reads (20,000 rows): a value left in the
    sheet's last row made the copy write a million empty rows (23 MB) and take 15 s."""
    import zipfile

    toolkit, copy, _ = english
    sheet = toolkit.component("policy").sheet_name["en"]
    wb = openpyxl.load_workbook(copy.parent / "filled-en.xlsx")
    wb[sheet]["A1048576"] = "x"
    wb.save(tmp_path / "far.xlsx")
    out = annotate_workbook(read_workbook(tmp_path / "far.xlsx", toolkit), tmp_path / "c.xlsx")
    with zipfile.ZipFile(out) as archive:
        assert max(i.file_size for i in archive.infolist()) < 2 * 2**20


def test_a_sorted_list_is_natk_s_and_a_list_emptied_keeps_the_reply(english, tmp_path):
    """Sorting the list (its columns A-D, not the hidden marks) leaves each cell natk's; a place
    or question rewritten is the respondent's; with every message deleted, a reply typed in
    the first row is kept (the headers' row says the list was marked)."""
    toolkit, copy, _ = english
    wb, ws, listed = _issues_rows(copy)
    first, last = listed[0], ws.max_row
    values = [[ws.cell(r, c).value for c in range(1, 5)] for r in range(first, last + 1)]
    for r, row in zip(range(first, last + 1), reversed(values), strict=True):
        for c, value in enumerate(row, 1):
            ws.cell(r, c).value = value
    ws.cell(first, 2, "Policy, the whole sheet")
    wb.save(tmp_path / "sorted.xlsx")
    sub = read_workbook(tmp_path / "sorted.xlsx", toolkit)
    assert [(u["cell"], u["value"]) for u in sub.record()["unplaced"]
            if u["sheet"] == ws.title] == [(f"B{first}", "Policy, the whole sheet")]
    wb, ws, listed = _issues_rows(copy)
    ws.delete_rows(listed[0], ws.max_row)
    ws.cell(listed[0], 4, "All corrected; see the annex.")
    wb.save(tmp_path / "emptied.xlsx")
    sub = read_workbook(tmp_path / "emptied.xlsx", toolkit)
    assert [(u["cell"], u["value"]) for u in sub.record()["unplaced"]
            if u["sheet"] == ws.title] == [(f"D{listed[0]}", "All corrected; see the annex.")]


def test_the_issues_sheet_prints_its_four_columns_not_the_hidden_marks(english):
    from printed import print_scale

    _, copy, _ = english
    ws = openpyxl.load_workbook(copy).worksheets[0]
    assert print_scale(ws).scale > 0.7  # the marks' column BL made it 0.2 in Excel's model


def test_a_message_is_one_line_whatever_line_break_a_value_holds():
    from natk_xlsx.returns.issues import shown

    assert shown("a\rb\r\nc\u2028d\ne") == "a b c d e"

"""Text written where no answer is read (``returns.stray``): a remark beside a question, a note
in an inserted row's first columns, a reply typed over an instruction, a table's year or header
rewritten. Each is kept in ``unplaced`` and reported with its cell, by both readers; what the
generator wrote itself is never reported (after LibreOffice re-saves the file too:
``test_libreoffice_roundtrip``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

from natk_xlsx import layout
from natk_xlsx.returns.books import OpenpyxlBook, SheetGrid
from natk_xlsx.returns.importer import read_workbook
from natk_xlsx.returns.opening import open_book
from natk_xlsx.returns.reader import read_book
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

CODES = {"CELL-NOT-READ", "PROMPT-OVERWRITTEN", "LABEL-CHANGED", "ROW-INSERTED",
         "TOTAL-OVERWRITTEN", "SHEET-ADDED", "TEXT-OUTSIDE", "TEXT-FAR"}


def _rows(ws: Any) -> dict[str, int]:
    """Row key → its (1-based) row."""
    return {str(ws.cell(row=r, column=layout.COL_KEY + 1).value): r
            for r in range(1, ws.max_row + 1)
            if ws.cell(row=r, column=layout.COL_KEY + 1).value is not None}


def _edited(filled: tuple[Any, Path, Path], name: str, edits: list[tuple[str, str, int, Any]]
            ) -> tuple[Any, Path]:
    """A copy of the return with ``edits``: (sheet, row key, 0-based column, value)."""
    toolkit, path, folder = filled
    wb = openpyxl.load_workbook(path)
    for sheet, key, col, value in edits:
        ws = wb[sheet]
        ws.cell(row=_rows(ws)[key], column=col + 1, value=value)
    out = folder / name
    wb.save(out)
    return toolkit, out


def _found(sub: Any) -> list[tuple[str, str | None, str | None, Any]]:
    return sorted((i.code, i.cell, i.question, i.value) for i in sub.issues if i.code in CODES)


def _questions(toolkit: Any, kind: str, components: tuple[str, ...] = ("legal", "victims",
                                                                         "data")) -> list[Any]:
    return [q for c in toolkit.components if c.id in components for q in c.questions
            if q.type == kind]


def _sheet(toolkit: Any, qid: str) -> str:
    return next(c.sheet_name["en"] for c in toolkit.components
                if any(q.id == qid for q in c.questions))


def test_a_generated_return_holds_nothing_out_of_place(filled):
    toolkit, path, _ = filled
    assert _found(read_workbook(path, toolkit)) == []
    assert read_workbook(path, toolkit).unplaced == []


def test_the_id_shown_again_on_a_page_s_first_row_is_the_generator_s(filled, monkeypatch):
    """A list of answers carried over to a printed page shows its question's id again in its
    first row there: not reported, by either reader; anything else typed there still is."""
    toolkit, path, _ = filled
    wb = openpyxl.load_workbook(path)
    again = [(ws.title, r, ws.cell(r, layout.COL_ID + 1).value) for ws in wb.worksheets
             if ws.title in {c.sheet_name["en"] for c in toolkit.components}
             for r in range(layout.FIRST_BODY_ROW + 1, ws.max_row + 1)
             if layout.KEY_SEPARATOR in str(ws.cell(r, layout.COL_KEY + 1).value or "")
             and ws.cell(r, layout.COL_ID + 1).value]
    assert again, "no list of answers of this return is carried over to a page"
    sheet, row, qid = again[0]
    assert _found(read_workbook(path, toolkit)) == []
    monkeypatch.setenv("NATK_READER", "openpyxl")
    assert _found(read_workbook(path, toolkit)) == []
    monkeypatch.delenv("NATK_READER")
    wb[sheet].cell(row, layout.COL_ID + 1, value=f"{qid}: see page 4")
    wb.save(filled[2] / "id-again.xlsx")
    assert [(c, cell, v) for c, cell, _, v in _found(read_workbook(filled[2] / "id-again.xlsx",
                                                                   toolkit))] == [
        ("CELL-NOT-READ", f"A{row}", f"{qid}: see page 4")]


def test_text_beside_a_question_and_under_it_is_kept_and_reported(filled):
    toolkit = filled[0]
    text = _questions(toolkit, "short_text")[0]
    choice = _questions(toolkit, "multiple_choice")[0]
    code = toolkit.answer_codes(choice)[0]
    table = _questions(toolkit, "stats_table")[0]
    year = toolkit.years()[0]
    edits = [
        (_sheet(toolkit, text.id), text.id, 9, "see the attached note"),  # J
        (_sheet(toolkit, text.id), text.id, 19, "and annex 3"),  # T, the last looked at
        (_sheet(toolkit, choice.id), layout.row_key(choice.id, code), 4, "mostly online"),
        (_sheet(toolkit, table.id), layout.row_key(table.id, layout.KEY_SOURCE), 1, "police"),
        (_sheet(toolkit, table.id), layout.row_key(table.id, year), 18, "estimate"),
    ]
    toolkit, path = _edited(filled, "beside.xlsx", edits)
    sub = read_workbook(path, toolkit)
    found = _found(sub)
    assert sorted((c, q, v) for c, _, q, v in found) == sorted(
        ("CELL-NOT-READ", qid, value) for qid, value in [
            (text.id, "see the attached note"), (text.id, "and annex 3"),
            (choice.id, "mostly online"), (table.id, "police"), (table.id, "estimate")])
    assert sorted(u["value"] for u in sub.unplaced) == sorted(e[3] for e in edits)
    assert all(i.severity == "warning" for i in sub.issues if i.code in CODES)
    assert sub.answers == read_workbook(filled[1], toolkit).answers  # nothing else changed


def test_a_note_in_an_inserted_rows_first_columns_is_kept(filled):
    toolkit, path, folder = filled
    sheet = _sheet(toolkit, _questions(toolkit, "short_text")[0].id)
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    row = _rows(ws)[_questions(toolkit, "short_text")[0].id] + 1
    ws.insert_rows(row)
    ws.cell(row=row, column=2, value="Note: data for the capital only")
    ws.cell(row=row, column=12, value="see annex")
    wb.save(folder / "inserted-note.xlsx")
    sub = read_workbook(folder / "inserted-note.xlsx", toolkit)
    assert [(c, cell, v) for c, cell, _, v in _found(sub)] == [
        ("ROW-INSERTED", f"B{row}", "Note: data for the capital only"),
        ("ROW-INSERTED", f"L{row}", "see annex")]
    assert [u["cell"] for u in sub.unplaced] == [f"B{row}", f"L{row}"]


def test_a_reply_typed_over_an_instruction_is_kept_and_reported(filled):
    toolkit = filled[0]
    choice = _questions(toolkit, "multiple_choice")[0]
    table = _questions(toolkit, "stats_table")[0]
    edits = [(_sheet(toolkit, choice.id), choice.id, layout.COL_ANSWER, "manual and indicators"),
             (_sheet(toolkit, table.id), table.id, layout.COL_ANSWER, "No data kept by form")]
    toolkit, path = _edited(filled, "prompts.xlsx", edits)
    sub = read_workbook(path, toolkit)
    assert sorted((c, q, v) for c, _, q, v in _found(sub)) == sorted([
        ("PROMPT-OVERWRITTEN", choice.id, "manual and indicators"),
        ("PROMPT-OVERWRITTEN", table.id, "No data kept by form")])
    message = next(i.message for i in sub.issues if i.code == "PROMPT-OVERWRITTEN")
    assert "is not read as an answer" in message and 'its "Comments" cell (column E)' in message


def test_the_same_reply_over_two_instructions_is_kept_twice(filled):
    """"No data kept" typed over two tables' instructions is two replies, each reported."""
    toolkit = filled[0]
    tables = _questions(toolkit, "stats_table", ("victims",))[:2]
    assert len(tables) == 2
    edits = [(_sheet(toolkit, q.id), q.id, layout.COL_ANSWER, "No data kept") for q in tables]
    toolkit, path = _edited(filled, "same-reply.xlsx", edits)
    sub = read_workbook(path, toolkit)
    assert sorted(q for c, _, q, _ in _found(sub)) == sorted(q.id for q in tables)
    assert [u["value"] for u in sub.unplaced] == ["No data kept"] * 2


def test_a_header_is_compared_in_a_workbook_of_another_edition_too(filled, tmp_path):
    """Its figures are read by position under this edition's columns: a header that differs
    is worth a word whatever edition the workbook is of."""
    toolkit = filled[0]
    table = _questions(toolkit, "stats_table")[0]
    sheet = _sheet(toolkit, table.id)
    toolkit, path = _edited(filled, "old-edition.xlsx", [
        (sheet, layout.row_key(table.id, layout.KEY_HEADER), layout.COL_ANSWER, "Spent (USD)")])
    wb = openpyxl.load_workbook(path)
    meta = wb[layout.META_SHEET]
    for row in meta.iter_rows():
        if row[0].value == "spec_hash":
            row[1].value = "0" * 64  # another edition of the same version
    wb.save(tmp_path / "other.xlsx")
    sub = read_workbook(tmp_path / "other.xlsx", toolkit)
    assert "SPEC-DIFFERS" in {i.code for i in sub.issues}
    assert [(c, v) for c, _, _, v in _found(sub)] == [("LABEL-CHANGED", "Spent (USD)")]
    assert sub.unplaced == []  # a label, not an answer: said, not kept as one


def test_a_header_an_earlier_edition_wrote_is_not_a_change(filled, tmp_path):
    """The Russian "not recorded" headers were reworded ("Нет данных" became "Пол не указан"):
    in a workbook of the earlier edition they are what the generator wrote, and a blank one
    stays blank."""
    toolkit = filled[0]
    table = _questions(toolkit, "stats_table", ("victims",))[0]
    wb = openpyxl.load_workbook(generate_workbook(
        toolkit, tmp_path / "blank.xlsx", GenerateOptions(components=["victims"])).path)
    ws = wb[_sheet(toolkit, table.id)]
    width = len(toolkit.breakdowns[table.breakdown].columns)
    ws.cell(row=_rows(ws)[layout.row_key(table.id, layout.KEY_HEADER)],
            column=layout.COL_ANSWER + width, value="Нет данных")  # the last column's label
    assert ws.cell(row=_rows(ws)[layout.row_key(table.id, layout.KEY_HEADER)],
                   column=layout.COL_ANSWER + width).value == "Нет данных"
    for row in wb[layout.META_SHEET].iter_rows():
        if row[0].value == "spec_hash":
            row[1].value = "0" * 64
    wb.save(tmp_path / "earlier.xlsx")
    sub = read_workbook(tmp_path / "earlier.xlsx", toolkit)
    assert _found(sub) == [] and sub.unplaced == []
    assert "RETURN-BLANK" in {i.code for i in sub.issues}


def test_a_year_or_header_rewritten_is_reported_with_the_label_its_figures_keep(filled):
    toolkit = filled[0]
    table = _questions(toolkit, "stats_table")[0]
    year = toolkit.years()[0]
    first = toolkit.breakdowns[table.breakdown].columns[0].label["en"]
    sheet = _sheet(toolkit, table.id)
    edits = [(sheet, layout.row_key(table.id, year), layout.COL_GUIDANCE, 7),
             (sheet, layout.row_key(table.id, layout.KEY_HEADER), layout.COL_ANSWER,
              "Sexual and labour exploitation")]
    toolkit, path = _edited(filled, "labels.xlsx", edits)
    sub = read_workbook(path, toolkit)
    changed = {i.value: i.message for i in sub.issues if i.code == "LABEL-CHANGED"}
    assert set(changed) == {7, "Sexual and labour exploitation"}
    assert f'still read as "{year}"' in changed[7]
    assert f'still read as "{first}"' in changed["Sexual and labour exploitation"]
    assert sub.tables == read_workbook(filled[1], toolkit).tables  # read as before


def test_a_figure_typed_over_a_total_is_kept_and_said_to_be_one(filled):
    """The totals row adds up the years: a figure typed over it is kept, and the message says
    where a total over several years goes."""
    toolkit = filled[0]
    table = _questions(toolkit, "stats_table")[0]
    toolkit, path = _edited(filled, "total.xlsx", [
        (_sheet(toolkit, table.id), layout.row_key(table.id, layout.KEY_TOTAL),
         layout.COL_ANSWER, 140)])
    sub = read_workbook(path, toolkit)
    (total,) = [i for i in sub.issues if i.code in CODES]
    assert (total.code, total.question, total.value) == ("TOTAL-OVERWRITTEN", table.id, 140)
    assert 'if only a total over several years is known, write it in the "Comments" cell' \
        in total.message
    assert [u["value"] for u in sub.unplaced] == [140]
    assert sub.tables == read_workbook(filled[1], toolkit).tables


def test_the_same_header_in_another_language_is_not_a_change(filled):
    toolkit = filled[0]
    table = _questions(toolkit, "stats_table")[0]
    french = toolkit.breakdowns[table.breakdown].columns[0].label["fr"]
    edits = [(_sheet(toolkit, table.id), layout.row_key(table.id, layout.KEY_HEADER),
              layout.COL_ANSWER, f"  {french.upper()} ")]
    toolkit, path = _edited(filled, "header-fr.xlsx", edits)
    assert _found(read_workbook(path, toolkit)) == []


def test_both_readers_find_the_same(filled, monkeypatch):
    toolkit = filled[0]
    text = _questions(toolkit, "short_text")[0]
    choice = _questions(toolkit, "multiple_choice")[0]
    edits = [(_sheet(toolkit, text.id), text.id, 11, "remark in L"),
             (_sheet(toolkit, text.id), text.id, 12, 2020),
             (_sheet(toolkit, text.id), text.id, 13, dt.datetime(2025, 1, 15)),
             (_sheet(toolkit, choice.id), choice.id, layout.COL_ANSWER, "typed over")]
    toolkit, path = _edited(filled, "readers.xlsx", edits)
    fast_record = read_workbook(path, toolkit)
    monkeypatch.setenv("NATK_READER", "openpyxl")
    slow_record = read_workbook(path, toolkit)
    monkeypatch.delenv("NATK_READER")
    assert sorted(map(str, (u["value"] for u in fast_record.record()["unplaced"]))) == [
        "2020", "2025-01-15", "remark in L", "typed over"]  # a date as a date by both readers
    # a number as typed (2020, not 2020.0), whichever reader read it
    assert [u["value"] for u in fast_record.unplaced] == [
        u["value"] for u in slow_record.unplaced]
    assert 2020 in [u["value"] for u in fast_record.unplaced]
    assert all(not isinstance(u["value"], float) for u in fast_record.unplaced)
    assert [i.to_dict() for i in fast_record.issues] == [i.to_dict() for i in slow_record.issues]
    fast = read_book(path, open_book(path), toolkit)
    slow = read_book(path, OpenpyxlBook(path), toolkit)
    from natk_xlsx.returns.importer import _as_typed  # a date: calamine's date, openpyxl's midnight

    assert [(c.sheet, c.cell, _as_typed(c.value)) for c in fast.unplaced] == \
        [(c.sheet, c.cell, _as_typed(c.value)) for c in slow.unplaced] != []
    assert [(n.code, n.cell) for n in fast.notes] == [(n.code, n.cell) for n in slow.notes]
    sheet = _sheet(toolkit, text.id)
    a, b = open_book(path).grid(sheet, 2000), OpenpyxlBook(path).grid(sheet, 2000)
    for first, last in ((0, 20), (9, 19), (3, 3), (20, 40)):
        assert [a.filled(r, first, last) for r in range(1, a.max_row + 3)] == \
            [b.filled(r, first, last) for r in range(1, a.max_row + 3)] == \
            [SheetGrid.filled(a, r, first, last) for r in range(1, a.max_row + 3)]
        assert [a.blank(r, first, last) for r in range(1, a.max_row + 3)] == \
            [b.blank(r, first, last) for r in range(1, a.max_row + 3)]
    bands = ((0, 1), (4, 8), (9, 19))
    assert a.occupied_rows(*bands) == b.occupied_rows(*bands) == \
        a.occupied_by_value(*bands) == b.occupied_by_value(*bands)  # and cell by cell
    assert a.occupied_rows(*bands)[2]  # the remark in L and the 2020 in M


def test_a_sheet_the_respondent_added_is_kept_and_said_once(filled, tmp_path):
    """A sheet of notes added to the return ("the 2024 figures are provisional") was passed
    over without a word. What it holds is kept, in its order, and said once for the sheet, by
    both readers and in the respondent's language; the copy handed back marks its first text,
    and that copy's own Issues sheet, returned again, is not taken for one the respondent
    added."""
    from natk_xlsx.returns.annotate import annotate_workbook

    toolkit, path, _ = filled
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Notes")
    ws["B2"] = "Additional information"
    ws["A4"] = "The 2024 figures are provisional."
    ws["C4"] = 2024
    ws["D6"] = "   "  # only spaces: nothing typed
    wb.create_sheet("Empty")
    out = tmp_path / "added.xlsx"
    wb.save(out)
    sub = read_workbook(out, toolkit)
    added = [i for i in sub.issues if i.code == "SHEET-ADDED"]
    assert [(i.sheet, i.cell, i.value, i.severity) for i in added] == [
        ("Notes", "B2", "Additional information", "warning")]
    assert "Notes" in added[0].message and ": 3;" in added[0].message  # three cells of text
    assert [(u["sheet"], u["cell"], u["value"]) for u in sub.record()["unplaced"]] == [
        ("Notes", "B2", "Additional information"), ("Notes", "A4",
                                                    "The 2024 figures are provisional."),
        ("Notes", "C4", 2024)]
    slow = read_book(out, OpenpyxlBook(out), toolkit)
    assert [(c.sheet, c.cell, c.value) for c in slow.unplaced] == [
        ("Notes", "B2", "Additional information"),
        ("Notes", "A4", "The 2024 figures are provisional."), ("Notes", "C4", 2024)]
    copy = annotate_workbook(sub, tmp_path / "handback")
    again = read_workbook(copy, toolkit)
    assert [i.sheet for i in again.issues if i.code == "SHEET-ADDED"] == ["Notes"]


def test_an_answer_typed_over_a_question_its_guidance_or_a_label_is_kept(filled, tmp_path):
    """An answer typed in the wide cells beside the answer cell, over the question (B), its
    guidance (C), an "Other" option's label ("Other sector: street vending") or a table's
    source label, was lost without a word. Each is kept and reported, by both readers; what
    the generator wrote there is not, nor is its wording in a workbook of another edition,
    which may have been reworded since."""
    toolkit = filled[0]
    text = _questions(toolkit, "short_text")[0]
    yes_no = next(q for q in _questions(toolkit, "yes_no") if q.guidance)
    choice = _questions(toolkit, "multiple_choice")[0]
    code = toolkit.answer_codes(choice)[-1]
    table = _questions(toolkit, "stats_table")[0]
    label = toolkit.answer_label(choice, code, "en")
    edits = [
        (_sheet(toolkit, text.id), text.id, layout.COL_QUESTION, "we have no such office"),
        (_sheet(toolkit, yes_no.id), yes_no.id, layout.COL_GUIDANCE, "Yes, since 2019"),
        (_sheet(toolkit, choice.id), layout.row_key(choice.id, code), layout.COL_GUIDANCE,
         f"{label}: street vending"),
        (_sheet(toolkit, table.id), layout.row_key(table.id, layout.KEY_SOURCE),
         layout.COL_GUIDANCE, "Police records"),
        # what the generator wrote, written again in another language: not typed
        (_sheet(toolkit, choice.id), layout.row_key(choice.id, toolkit.answer_codes(choice)[0]),
         layout.COL_GUIDANCE, toolkit.answer_label(choice, toolkit.answer_codes(choice)[0], "fr")),
    ]
    toolkit, path = _edited(filled, "typed-over.xlsx", edits)
    sub = read_workbook(path, toolkit)
    expected = sorted([("CELL-NOT-READ", text.id, "we have no such office"),
                       ("CELL-NOT-READ", yes_no.id, "Yes, since 2019"),
                       ("CELL-NOT-READ", choice.id, f"{label}: street vending"),
                       ("CELL-NOT-READ", table.id, "Police records")])
    assert sorted((c, q, v) for c, _, q, v in _found(sub)) == expected
    assert sorted(u["value"] for u in sub.unplaced) == sorted(v for _, _, v in expected)
    slow = read_book(path, OpenpyxlBook(path), toolkit)
    assert sorted(str(c.value) for c in slow.unplaced) == sorted(v for _, _, v in expected)
    wb = openpyxl.load_workbook(path)
    for row in wb[layout.META_SHEET].iter_rows():
        if row[0].value == "spec_hash":
            row[1].value = "0" * 64  # another edition of the same version
    wb.save(tmp_path / "other.xlsx")
    assert _found(read_workbook(tmp_path / "other.xlsx", toolkit)) == []


THREADED = ("[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; "
            "however, any edits to it will get removed if the file is opened in a newer version "
            "of Excel. Learn more: https://go.microsoft.com/fwlink/?linkid=870924\n\nComment:\n"
            "    Figures of the police only")


def test_a_note_on_a_cell_is_kept_and_reported_and_stays_in_the_copy(filled, tmp_path,
                                                                    monkeypatch):
    """An official's note on a cell ("see annex 2") was read by neither reader. Each note is
    kept and reported, under the question its row belongs to, by both readers and through the
    worker that opens a single file; the preamble Excel writes before a threaded comment is
    dropped. The copy handed back keeps the respondent's note (ours after it), and its own
    notes are not taken for the respondent's when it comes back."""
    from openpyxl.comments import Comment

    from natk_xlsx.returns.annotate import annotate_workbook
    from natk_xlsx.returns.batch import read_files

    toolkit = filled[0]
    text = _questions(toolkit, "short_text")[0]
    table = _questions(toolkit, "stats_table")[0]
    sheet, cover = _sheet(toolkit, text.id), "Cover"
    wb = openpyxl.load_workbook(filled[1])
    rows = _rows(wb[sheet])
    answer = f"D{rows[text.id]}"
    wb[sheet][answer].comment = Comment("see annex 2", "A. Official")
    year_row = _rows(wb[_sheet(toolkit, table.id)])[layout.row_key(table.id, toolkit.years()[0])]
    wb[_sheet(toolkit, table.id)][f"E{year_row}"].comment = Comment(THREADED, "tc=1")
    wb[cover]["B6"].comment = Comment("Department of criminal policy", "A. Official")
    wb.save(tmp_path / "noted.xlsx")
    expected = sorted([(sheet, answer, text.id, "see annex 2"),
                       (_sheet(toolkit, table.id), f"E{year_row}", table.id,
                        "Figures of the police only"),
                       (cover, "B6", None, "Department of criminal policy")])

    def noted(sub: Any) -> list[tuple[Any, ...]]:
        return sorted((i.sheet, i.cell, i.question, i.value) for i in sub.issues
                      if i.code == "CELL-NOTE")

    sub = read_workbook(tmp_path / "noted.xlsx", toolkit)
    assert noted(sub) == expected
    assert sorted(u["value"] for u in sub.record()["unplaced"]) == sorted(v[3] for v in expected)
    (beside,) = read_files([tmp_path / "noted.xlsx"], toolkit)  # frozen in a worker
    assert noted(beside.submission) == expected
    monkeypatch.setenv("NATK_READER", "openpyxl")
    assert noted(read_workbook(tmp_path / "noted.xlsx", toolkit)) == expected
    monkeypatch.delenv("NATK_READER")
    copy = annotate_workbook(sub, tmp_path / "back")
    kept = openpyxl.load_workbook(copy)[sheet][answer].comment
    assert kept.author == "A. Official" and kept.text.startswith("see annex 2\n\n")
    assert "see annex 2" in kept.text[len("see annex 2"):]  # our message, after it
    again = read_workbook(copy, toolkit)  # our notes on the cells flagged are not counted
    assert sorted(i.cell for i in again.issues if i.code == "CELL-NOTE") == sorted(
        [answer, "B6", f"E{year_row}"])


def test_natk_s_own_sheets_are_told_by_what_they_hold_not_their_names(filled, tmp_path,
                                                                      monkeypatch):
    """A renamed cover (its names follow it, as Excel makes them) and renamed instructions
    are natk's, not sheets added: the cover's personal details went to the Remarks sheet. A
    sheet of the respondent's named like natk's Issues sheet (in Russian "Замечания") is the
    respondent's: it was passed over, and the copy handed back deleted it. A chart sheet
    stopped the careful reader. A copy of a component sheet gives only what was typed in it."""
    from natk_xlsx.returns.annotate import annotate_workbook

    toolkit, path, _ = filled
    wb = openpyxl.load_workbook(path)
    cover = wb.worksheets[0]
    old = cover.title
    cover.title = "Cover page"
    for name in list(wb.defined_names):
        defined = wb.defined_names[name]
        defined.attr_text = defined.attr_text.replace(f"'{old}'!", "'Cover page'!").replace(
            f"{old}!", "'Cover page'!")
    wb.worksheets[1].title = "Read me"
    sheet = _sheet(toolkit, _questions(toolkit, "yes_no")[0].id)
    draft = wb.copy_worksheet(wb[sheet])
    draft.title = "Draft"
    qid = _questions(toolkit, "yes_no")[0].id
    draft.cell(_rows(draft)[qid], layout.COL_ANSWER + 1, "Draft answer: partly")
    wb.create_sheet("Issues")["A1"] = "our own list"
    wb.create_sheet("Замечания")["Z3"] = "far to the right"
    chart = wb.create_chartsheet("Chart")
    from openpyxl.chart import BarChart, Reference

    bars = BarChart()
    bars.add_data(Reference(wb[sheet], min_col=4, min_row=5, max_row=8))
    chart.add_chart(bars)
    wb.save(tmp_path / "named.xlsx")

    def added(sub: Any) -> list[str]:
        return sorted(i.sheet for i in sub.issues if i.code == "SHEET-ADDED")

    sub = read_workbook(tmp_path / "named.xlsx", toolkit)
    expected = ["Draft", "Issues", "Замечания"]
    assert added(sub) == expected
    values = {(u["sheet"], u["value"]) for u in sub.record()["unplaced"]}
    assert {("Issues", "our own list"), ("Замечания", "far to the right"),
            ("Draft", "Draft answer: partly")} <= values
    assert not {v for s, v in values if s == "Draft"} & {
        "ID", toolkit.question(qid).text["en"]}  # the answers the copy holds, not its text
    monkeypatch.setenv("NATK_READER", "openpyxl")
    assert added(read_workbook(tmp_path / "named.xlsx", toolkit)) == expected
    monkeypatch.delenv("NATK_READER")
    copy = openpyxl.load_workbook(annotate_workbook(sub, tmp_path / "back"))
    assert copy.sheetnames[0] == "Issues 2" and copy["Issues"]["A1"].value == "our own list"
    again = read_workbook(tmp_path / "back" / "named-checked.xlsx", toolkit)
    assert added(again) == expected  # the copy's own Issues sheet is natk's, whatever its name


def test_an_answer_typed_after_a_question_or_its_guidance_is_kept(filled):
    """Text added after the question's wording, or after its guidance, in the same edition:
    the generator's own additions (the answers offered, the instruments cited) are not."""
    toolkit = filled[0]
    text = _questions(toolkit, "short_text")[0]
    yes_no = next(q for q in _questions(toolkit, "yes_no") if q.guidance and q.standards)
    sheet_t, sheet_y = _sheet(toolkit, text.id), _sheet(toolkit, yes_no.id)
    wb = openpyxl.load_workbook(filled[1])
    b = wb[sheet_t].cell(_rows(wb[sheet_t])[text.id], layout.COL_QUESTION + 1).value
    c = wb[sheet_y].cell(_rows(wb[sheet_y])[yes_no.id], layout.COL_GUIDANCE + 1).value
    assert "\n[" in c  # the instruments cited, after the guidance
    toolkit, path = _edited(filled, "after.xlsx", [
        (sheet_t, text.id, layout.COL_QUESTION, b + " We have none."),
        (sheet_y, yes_no.id, layout.COL_GUIDANCE, c + "\nYes, since 2019")])
    assert sorted(v for _, _, _, v in _found(read_workbook(path, toolkit))) == sorted(
        [b + " We have none.", c + "\nYes, since 2019"])


def test_natk_s_notes_on_a_copy_stay_natk_s_after_libreoffice_saves_it(small, tmp_path):
    """LibreOffice drops a note's author: natk's messages on a copy handed back, re-saved there
    and sent back, were read as the respondent's notes, and grew with each round. They are
    told by what they say; the respondent's note keeps its text alone, round after round."""
    from libreoffice import convert
    from openpyxl.comments import Comment

    from natk_xlsx.returns.annotate import annotate_workbook

    toolkit = small.toolkit
    wb = openpyxl.load_workbook(small.filled)
    sheet = wb.sheetnames[2]  # the first component's
    row = min(r for key, r in _rows(wb[sheet]).items() if layout.KEY_SEPARATOR not in key)
    cell = wb[sheet].cell(row, layout.COL_ANSWER + 1)
    cell.comment = Comment("see annex 2", "A. Official")
    wb.save(tmp_path / "noted.xlsx")
    first = annotate_workbook(read_workbook(tmp_path / "noted.xlsx", toolkit), tmp_path / "r1")
    resaved = convert(first, tmp_path / "lo")
    sub = read_workbook(resaved, toolkit)
    assert [(i.cell, i.value) for i in sub.issues if i.code == "CELL-NOTE"] == [
        (cell.coordinate, "see annex 2")]
    second = annotate_workbook(sub, tmp_path / "r2")
    note = openpyxl.load_workbook(second)[sheet][cell.coordinate].comment.text
    assert note.startswith("see annex 2\n\n") and note.count("see annex 2\n\n") == 1


def test_the_generators_additions_are_compared_whole_and_spaces_forgiven(filled, tmp_path):
    """Text added to the answers a question lists after its wording, or a bracket added after
    a guidance that cites nothing, was taken for the generator's; a trailing space made the
    whole wording a remark. A workbook that lost its identification is still compared, by the
    start of each text."""
    toolkit = filled[0]
    wb = openpyxl.load_workbook(filled[1])

    def wording(q: Any) -> str:
        ws = wb[_sheet(toolkit, q.id)]
        return str(ws.cell(_rows(ws)[q.id], layout.COL_QUESTION + 1).value)

    listed = next(q for kind in ("single_choice", "yes_no") for q in _questions(toolkit, kind)
                  if layout.CHOICE_MARK in wording(q))
    bare = next(q for q in _questions(toolkit, "yes_no") if not q.standards and q.guidance)
    spaced = _questions(toolkit, "short_text")[0]
    cells = {}
    for q, col in ((listed, layout.COL_QUESTION), (bare, layout.COL_GUIDANCE),
                   (spaced, layout.COL_QUESTION)):
        ws = wb[_sheet(toolkit, q.id)]
        cells[q.id] = ws.cell(_rows(ws)[q.id], col + 1).value
    assert layout.CHOICE_MARK in cells[listed.id]
    edits = [(_sheet(toolkit, listed.id), listed.id, layout.COL_QUESTION,
              cells[listed.id] + " - we use it since 2021"),
             (_sheet(toolkit, bare.id), bare.id, layout.COL_GUIDANCE,
              cells[bare.id] + "\n[law of 2019, art. 5]"),
             (_sheet(toolkit, spaced.id), spaced.id, layout.COL_QUESTION, cells[spaced.id] + " ")]
    toolkit, path = _edited(filled, "whole.xlsx", edits)
    assert sorted(q for _, _, q, _ in _found(read_workbook(path, toolkit))) == sorted(
        [listed.id, bare.id])
    wb = openpyxl.load_workbook(path)
    del wb[layout.META_SHEET]
    wb.custom_doc_props.props.clear()
    ws = wb[_sheet(toolkit, spaced.id)]
    ws.cell(_rows(ws)[spaced.id], layout.COL_QUESTION + 1, "we have no such office")
    wb.save(tmp_path / "anonymous.xlsx")
    found = _found(read_workbook(tmp_path / "anonymous.xlsx", toolkit))
    assert ("CELL-NOT-READ", spaced.id, "we have no such office") in [
        (c, q, v) for c, _, q, v in found]


def test_the_copys_issues_sheet_is_natk_s_round_after_round(small, tmp_path):
    """Beside a respondent's sheet named "Issues", each round added one more ("Issues 2", 3,
    4...); with rows inserted above its headers natk's list was read as a sheet added. natk's
    sheet is told by its headers in the first rows, whatever its name, and replaced."""
    from natk_xlsx.returns.annotate import annotate_workbook

    toolkit = small.toolkit
    wb = openpyxl.load_workbook(small.filled)
    wb.create_sheet("Issues")["A1"] = "our own list"
    wb.save(tmp_path / "r0.xlsx")
    current = tmp_path / "r0.xlsx"
    for n in (1, 2):
        current = annotate_workbook(read_workbook(current, toolkit), tmp_path / f"r{n}.xlsx")
    wb = openpyxl.load_workbook(current)
    assert sorted(name for name in wb.sheetnames if name.startswith("Issues")) == [
        "Issues", "Issues 2"]
    wb["Issues 2"].insert_rows(1, 2)
    wb["Issues 2"].title = "Problems"
    wb.save(tmp_path / "moved.xlsx")
    sub = read_workbook(tmp_path / "moved.xlsx", toolkit)
    assert [i.sheet for i in sub.issues if i.code == "SHEET-ADDED"] == ["Issues"]
    again = openpyxl.load_workbook(annotate_workbook(sub, tmp_path / "r3.xlsx"))
    assert "Problems" not in again.sheetnames and again.sheetnames[0] == "Issues 2"


def test_a_line_break_in_a_value_natk_quotes_keeps_its_note_natk_s():
    from natk_xlsx.returns.cellnotes import respondents_text

    assert respondents_text(
        '[Law!D5] LAW.01: "a\rb\u2028c" is not a number\n[Law!D5] LAW.01: more') == ""
    # a note of the respondent's that cites a cell as natk does is theirs whole
    assert respondents_text("see annex 2\r\n[Law!D5] LAW.01: more") == (
        "see annex 2\r\n[Law!D5] LAW.01: more")


def test_text_typed_away_from_the_questions_is_kept_and_said_once_a_sheet(filled, tmp_path,
                                                                          monkeypatch):
    """A remark typed a few screens below the last question, or right of the columns used
    (past the hidden ones), was passed over without a word: the reader looked 50 rows below the
    last question and up to column T. Now each is kept, in reading order, and said once for its
    sheet, by both readers; the rows right below the questions still read as inserted rows."""
    toolkit, path, _ = filled
    wb = openpyxl.load_workbook(path)
    sheet = _sheet(toolkit, _questions(toolkit, "short_text")[0].id)
    ws = wb[sheet]
    last = max(_rows(ws).values())
    ws.cell(row=last + 2, column=2, value="near the end")  # an inserted row, as before
    ws.cell(row=last + 300, column=1, value="General remark: figures are provisional.")
    ws.cell(row=last + 301, column=3, value=2024)
    ws.cell(row=8, column=layout.COL_ANSWERED + 2, value="remark in X")  # past the hidden W
    ws.cell(row=9, column=layout.ADDED_COLUMNS, value="remark in BL")  # the last column read
    ws.cell(row=10, column=layout.COL_ANSWERED + 5, value="   ")  # only spaces: nothing typed
    other = wb[next(c.sheet_name["en"] for c in toolkit.components
                    if c.id in ("legal", "victims") and c.sheet_name["en"] != sheet)]
    other.cell(row=12, column=30, value="on another sheet")
    out = tmp_path / "away.xlsx"
    wb.save(out)
    from natk_xlsx.returns.books import cell_ref

    far, x, bl = (f"A{last + 300}", cell_ref(8, layout.COL_ANSWERED + 1),
                  cell_ref(9, layout.ADDED_COLUMNS - 1))
    for reader in ("calamine", "openpyxl"):
        monkeypatch.setenv("NATK_READER", reader)
        sub = read_workbook(out, toolkit)
        said = [(i.sheet, i.cell, i.value) for i in sub.issues if i.code == "TEXT-OUTSIDE"]
        assert sorted(said) == sorted([(sheet, x, "remark in X"),
                                       (other.title, "AD12", "on another sheet")]), reader
        message = next(i.message for i in sub.issues if i.code == "TEXT-OUTSIDE"
                       and i.sheet == sheet)
        assert ": 4;" in message and '"Comments"' in message  # four cells, one line
        kept = [(u["sheet"], u["cell"], u["value"]) for u in sub.record()["unplaced"]
                if u["sheet"] == sheet]
        assert kept == [(sheet, x, "remark in X"), (sheet, bl, "remark in BL"),
                        (sheet, f"B{last + 2}", "near the end"),
                        (sheet, far, "General remark: figures are provisional."),
                        (sheet, f"C{last + 301}", 2024)], reader
        assert [i.cell for i in sub.issues if i.code == "ROW-INSERTED"] == [f"B{last + 2}"]


def test_text_past_the_readers_bounds_is_said_not_passed_over(filled, tmp_path, monkeypatch):
    """Past row 20,000 or column BL no reader looks (a hostile file could hold a million rows);
    what a respondent put there was dropped without a word. It is now said, once a sheet, with
    how many cells and the first one's place, in the respondent's language; a cell there that
    holds only a format or a formula is not counted, and a sheet with nothing there says
    nothing."""
    toolkit, path, _ = filled
    wb = openpyxl.load_workbook(path)
    sheet = _sheet(toolkit, _questions(toolkit, "short_text")[0].id)
    wb[sheet].cell(row=10, column=78, value="far right")  # BZ
    wb[sheet].cell(row=11, column=90, value=7)
    wb[sheet].cell(row=12, column=91).font = openpyxl.styles.Font(bold=True)  # a format alone
    wb[sheet].cell(row=13, column=92, value="=1+1")
    notes = wb.create_sheet("Notes")
    notes.cell(row=25_000, column=1, value="far down")
    notes["B2"] = "near"
    for name, cells in (("Many", 1099), ("Thousand", 1000)):
        added = wb.create_sheet(name)
        for row in range(1, cells + 1):
            added.cell(row=row, column=80, value=row)
    wb[layout.META_SHEET].cell(row=25_000, column=1, value="natk's own sheet: not said")
    out = tmp_path / "far.xlsx"
    wb.save(out)
    for reader in ("calamine", "openpyxl"):
        monkeypatch.setenv("NATK_READER", reader)
        sub = read_workbook(out, toolkit)
        far = [(i.sheet, i.cell, i.severity) for i in sub.issues if i.code == "TEXT-FAR"]
        assert sorted(far) == sorted([("Notes", "A25000", "warning"), (sheet, "BZ10", "warning"),
                                      ("Many", "CB1", "warning"), ("Thousand", "CB1", "warning")])
        said = {i.sheet: i.message for i in sub.issues if i.code == "TEXT-FAR"}
        assert "(cells: 2)" in said[sheet] and "20,000" in said[sheet]
        assert "(cells: 1000+)" in said["Many"] and "(cells: 1000)" in said["Thousand"]
        assert [u["value"] for u in sub.record()["unplaced"]] == ["near"]  # what is read is kept
        assert [i.code for i in sub.issues if i.sheet == "Notes"] == ["SHEET-ADDED", "TEXT-FAR"]


def test_text_typed_on_the_cover_the_instructions_or_beside_the_headers_is_kept(
        filled, tmp_path, monkeypatch):
    """The cover, the instructions and a component sheet's title and headers were not looked
    at: a contact typed below the cover, a remark beside the instructions or the column headers
    (in Google Sheets the owner of a copy types anywhere) was dropped without a word."""
    toolkit, path, _ = filled
    wb = openpyxl.load_workbook(path)
    cover, instructions = wb.worksheets[0], wb.worksheets[1]
    sheet = _sheet(toolkit, _questions(toolkit, "short_text")[0].id)
    cover.cell(row=cover.max_row + 3, column=1, value="Second contact: the deputy director")
    cover.cell(row=5, column=layout.COVER_COLUMNS + 2, value="see letter")
    instructions.cell(row=3, column=4, value="read")
    instructions.cell(row=instructions.max_row + 2, column=2, value="Questions: call the desk")
    wb[sheet].cell(row=layout.HEADER_ROW + 1, column=layout.COL_PROVIDER + 3, value="ours")
    wb[sheet].cell(row=1, column=3, value="beside the title")
    progress = next(r for r in range(1, cover.max_row + 1)
                    if str(cover.cell(row=r, column=2).value or "").startswith("=SUM("))
    cover.cell(row=progress, column=layout.COVER_COLUMNS, value="estimated")  # E, beside it
    cover.cell(row=progress - 1, column=layout.COVER_COLUMNS, value="beside the headers")
    cover.cell(row=progress + 1, column=2, value="see annex")  # over a figure's formula
    cover.cell(row=progress - 3, column=2, value="in an empty row")  # above its heading
    instructions.cell(row=2, column=2, value="in the empty row under the heading")
    legend = next(r for r in range(1, instructions.max_row + 1)
                  if instructions.cell(row=r, column=2).value == "Legend")
    instructions.cell(row=legend - 1, column=2, value="in the empty row above the legend")
    out = tmp_path / "own.xlsx"
    wb.save(out)
    for reader in ("calamine", "openpyxl"):
        monkeypatch.setenv("NATK_READER", reader)
        sub = read_workbook(out, toolkit)
        said = sorted((i.sheet, i.cell, i.value) for i in sub.issues if i.code == "TEXT-OUTSIDE")
        assert said == sorted([("Cover", "G5", "see letter"), (
            "Instructions", "B2", "in the empty row under the heading"), (
            sheet, "C1", "beside the title")]), reader
        kept = {(u["sheet"], u["value"]) for u in sub.record()["unplaced"]}
        assert kept == {
            ("Cover", "see letter"), ("Cover", "Second contact: the deputy director"),
            ("Cover", "estimated"), ("Cover", "beside the headers"), ("Cover", "see annex"),
            ("Cover", "in an empty row"), ("Instructions", "read"),
            ("Instructions", "Questions: call the desk"),
            ("Instructions", "in the empty row under the heading"),
            ("Instructions", "in the empty row above the legend"),
            (sheet, "ours"), (sheet, "beside the title")}, reader
        assert sub.record()["respondent"] == read_workbook(path, toolkit).record()["respondent"]


def test_no_blank_workbook_holds_text_out_of_place_in_any_language(tmp_path):
    """What natk writes on the cover (the core questions' line too), the instructions and the
    headers, in every language, is natk's."""
    from natk_xlsx.spec.lint import load_toolkit

    toolkit = load_toolkit()
    for lang in toolkit.languages:
        for depth in ("full", "core"):
            path = generate_workbook(toolkit, tmp_path / f"{lang}-{depth}.xlsx", GenerateOptions(
                components=["policy"], lang=lang, depth=depth, country="Veridia")).path
            sub = read_workbook(path, toolkit)
            assert sub.unplaced == [], (lang, depth)
            assert not {i.code for i in sub.issues} & CODES, (lang, depth)

"""The fast reader (python-calamine) and the careful one (openpyxl) read the same answers, and
the fast one steps aside for files it cannot read safely."""

from __future__ import annotations

import warnings

import hostile
import openpyxl
import pytest

from natk_xlsx.returns.books import OpenpyxlBook
from natk_xlsx.returns.fastread import CalamineBook, open_fast
from natk_xlsx.returns.gate import UnusableFile
from natk_xlsx.returns.importer import read_workbook
from natk_xlsx.returns.opening import open_book, open_return


def test_both_readers_give_the_same_submission(filled, monkeypatch):
    toolkit, path, _ = filled
    assert isinstance(open_book(path), CalamineBook)
    fast = read_workbook(path, toolkit)
    monkeypatch.setenv("NATK_READER", "openpyxl")
    assert isinstance(open_book(path), OpenpyxlBook)
    careful = read_workbook(path, toolkit)
    assert fast.answers == careful.answers and len(fast.answers) > 80
    assert fast.details == careful.details
    assert fast.respondent == careful.respondent
    assert [i.to_dict() for i in fast.issues] == [i.to_dict() for i in careful.issues]


def _with_answer(filled, value, name):
    """The filled workbook with DAT.02's answer cell set to ``value``, saved as ``name``."""
    toolkit, path, folder = filled
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    ws = wb[toolkit.component("data").sheet_name["en"]]
    row = next(r for r in range(1, 200) if ws.cell(r, 21).value == "DAT.02")
    ws.cell(row, 4).value = value
    wb.save(folder / name)
    return folder / name


def test_formulas_are_seen_by_the_fast_reader_too(filled):
    toolkit = filled[0]
    sub = read_workbook(_with_answer(filled, '=IF(1=1,"Yes","No")', "formula.xlsx"), toolkit)
    issue = next(i for i in sub.errors if i.question == "DAT.02")
    assert issue.code == "FORMULA" and 'IF(1=1,"Yes","No")' in issue.message


def test_both_readers_name_the_error_a_cell_shows(filled, monkeypatch):
    """An answer cell showing #N/A: the respondent is told which error (calamine gives an
    error cell's value as empty; the fast reader takes it from the XML)."""
    toolkit = filled[0]
    # openpyxl writes an error code as an error cell
    path = _with_answer(filled, "#N/A", "error.xlsx")
    messages = []
    for reader in ("fast", "openpyxl"):
        if reader == "openpyxl":
            monkeypatch.setenv("NATK_READER", "openpyxl")
        issue = next(i for i in read_workbook(path, toolkit).errors if i.question == "DAT.02")
        assert issue.code == "CELL-ERROR" and "#N/A" in issue.message
        messages.append(issue.message)
    assert messages[0] == messages[1]


def test_fast_reader_steps_aside_for_far_cells_and_entities(filled, tmp_path):
    _toolkit, path, _ = filled
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    wb["Data"]["XFD1048576"] = "far"
    wb.save(tmp_path / "far.xlsx")
    assert open_fast(tmp_path / "far.xlsx") is None
    assert open_fast(hostile.billion_laughs(tmp_path)) is None
    assert open_fast(path) is not None


def test_entities_are_refused_before_the_fast_reader_that_trusts_the_gate(tmp_path):
    # open_fast does not look for entity declarations again in bytes the gate has passed
    for part in ("xl/sharedStrings.xml", "xl/workbook.xml", "docProps/app.xml"):
        for build in (hostile.billion_laughs, hostile.external_entity):
            with pytest.raises(UnusableFile) as refused:
                open_return(build(tmp_path, part))
            assert refused.value.code == "FILE-HOSTILE-XML"


def test_fast_reader_steps_aside_when_a_formula_cell_has_no_address(filled, tmp_path):
    import re
    import zipfile

    _, path, _ = filled
    target = tmp_path / "noref.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                # drop the address of the first cell that holds a formula
                data = re.sub(rb'<c r="[A-Z]+\d+"([^>]*>\s*<f)', rb"<c\1", data, count=1)
            zout.writestr(info, data)
    assert open_fast(target) is None


def test_both_books_give_the_same_cells_where_the_first_rows_are_empty(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet"
    ws["C5"] = "x"
    ws["D7"] = 3
    ws["E8"] = "=1+2"
    wb.save(tmp_path / "offset.xlsx")
    fast = open_fast(tmp_path / "offset.xlsx")
    assert fast is not None
    grids = [fast.grid("Sheet", 100, 10), OpenpyxlBook(tmp_path / "offset.xlsx").grid("Sheet", 100, 10)]
    for grid in grids:
        assert (grid.get(5, 2).value, grid.get(5, 2).cell) == ("x", "C5")
        assert grid.get(7, 3).value == 3 and grid.max_row == 8
        assert grid.get(8, 4).is_formula and grid.get(8, 4).value == "=1+2"
        assert grid.get(4, 2).value is None and grid.value(9, 2) is None
    assert [g.column(2) for g in grids] == [[None] * 4 + ["x", None, None, None]] * 2
    assert [g.column(4)[7] for g in grids] == ["=1+2", "=1+2"]


def test_the_fast_grid_and_the_careful_one_hold_the_same_values(filled):
    toolkit, path, _ = filled
    fast = open_book(path)
    careful = OpenpyxlBook(path)
    name = toolkit.component("legal").sheet_name["en"]
    a, b = fast.grid(name, 2000), careful.grid(name, 2000)
    assert a.max_row == b.max_row > 100
    for col in range(21):
        assert [_plain(v) for v in a.column(col)] == [_plain(v) for v in b.column(col)], col
    cells = [(r, c) for r in range(1, a.max_row + 1) for c in range(21)]
    assert [(a.get(*rc).cell, a.get(*rc).is_formula) for rc in cells] == [
        (b.get(*rc).cell, b.get(*rc).is_formula) for rc in cells]


def test_a_row_read_at_once_is_the_row_read_cell_by_cell(filled, tmp_path):
    """``row_values``/``row_cells`` (the fast grid reads a plain row from calamine's list) give
    what ``value``/``get`` give one cell at a time, beside formulas, errors, a time of day, and
    past the grid's bounds."""
    import datetime as dt

    toolkit, path, folder = filled
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    name = toolkit.component("legal").sheet_name["en"]
    ws = wb[name]
    ws["F20"] = "=1/0"  # a formula among the details
    ws["G21"] = "#N/A"  # text, not an error
    ws["E22"] = dt.time(9, 30)
    ws["H23"] = "=NA()"
    wb.save(folder / "rows.xlsx")
    fast = open_book(folder / "rows.xlsx")
    assert isinstance(fast, CalamineBook)
    for grid in (fast.grid(name, 2000), fast.grid(name, 22, 7), OpenpyxlBook(
            folder / "rows.xlsx").grid(name, 2000)):
        for row in range(1, grid.max_row + 3):
            for cols in ((4, 5, 6, 7, 8), (0, 3), (6, 7, 8, 9)):
                assert grid.row_values(row, cols) == [grid.value(row, c) for c in cols], row
            for col, count in ((3, 1), (3, 4), (5, 3), (19, 3)):
                assert grid.row_cells(row, col, count) == [
                    grid.get(row, c) for c in range(col, col + count)], (row, col)
    plain = fast.grid(name, 2000)
    assert plain.row_values(22, (4,)) == ["09:30:00"]
    assert plain.row_cells(20, 5, 1)[0].is_formula


def _plain(value):
    """calamine reads every number as a float, openpyxl a whole number as an int."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


@pytest.mark.parametrize("change", ["error-without-place", "prefixed"])
def test_fast_reader_steps_aside_for_cells_it_cannot_place(filled, tmp_path, change):
    import re
    import zipfile

    _, path, _ = filled
    target = tmp_path / f"{change}.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                if change == "error-without-place":
                    data = re.sub(rb'<c r="[A-Z]+\d+"', b'<c t="e"', data, count=1)
                else:
                    data = data.replace(b"<sheetData", b"<x:sheetData").replace(
                        b"</sheetData", b"</x:sheetData")
            zout.writestr(info, data)
    assert open_fast(target) is None


def test_an_answer_that_reads_like_xml_stays_an_answer(filled, tmp_path):
    toolkit, path, _ = filled
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    q = next(q for cid in ("legal", "victims", "data") for q in toolkit.component(cid).questions
             if q.type in ("short_text", "long_text") and q.relevant is None)
    ws = wb[toolkit.component(q.component).sheet_name["en"]]
    text_row = next(r for r in range(1, 2000) if ws.cell(r, 21).value == q.id)
    qid = q.id
    ws.cell(text_row, 4).value = 'see <c r="A1" t="e"> and t="e"'
    wb.save(tmp_path / "xmlish.xlsx")
    sub = read_workbook(tmp_path / "xmlish.xlsx", toolkit)
    assert open_fast(tmp_path / "xmlish.xlsx") is not None
    assert sub.answers[qid] == 'see <c r="A1" t="e"> and t="e"'
    assert not [i for i in sub.issues if i.question == qid and i.code == "CELL-ERROR"]

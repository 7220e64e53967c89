"""The quick checks that make reading a return cheap give what the careful ones give: the gate's
one-match check of a chunk of rows, the formula cells found by one pattern, the sheets the gate
inflated handed to the reader, the CSV written in a second process beside the summary, and the
questionnaires written half in a second process."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from functools import partial
from pathlib import Path

import pytest
from factory import BUNDLED_SPECS
from hypothesis import given, settings
from hypothesis import strategies as st

from natk_xlsx import alongside as alongside_module
from natk_xlsx.alongside import alongside, in_two
from natk_xlsx.errors import InputError, NatkError
from natk_xlsx.returns import books, fastread, partscan
from natk_xlsx.returns.books import Cell, cell_ref
from natk_xlsx.returns.gate import inspect_file, open_checked
from natk_xlsx.returns.importer import read_workbook
from natk_xlsx.returns.outcome import FileResult
from natk_xlsx.returns.reader import read_raw
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook


def _sheets(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def _rows(xml: bytes) -> tuple[int, int]:
    start = xml.find(partscan.ROW)
    return start, len(xml)


# -- the gate: one match for a chunk of rows, the row-by-row check where it does not match ------

def test_the_quick_row_check_accepts_and_counts_a_questionnaire_as_the_careful_one(filled):
    _toolkit, path, _folder = filled
    for name, xml in _sheets(path).items():
        start, end = _rows(xml)
        if start < 0:
            continue
        assert partscan._plain_rows(xml, start, end), name
        careful = partscan._scan_pieces(xml[start:end], name, True, 10**9)
        assert xml.count(b"<c ", start, end) == careful > 0


ROW = b'<row r="7" spans="1:4"><c r="A7" t="inlineStr"><is><t>a &lt;b&gt;</t></is></c>' \
      b'<c r="D7"><v>3</v></c></row>'


@pytest.mark.parametrize(("row", "quick"), [
    (ROW, True),
    (ROW.replace(b'r="D7"', b'r="D8"'), False),  # a cell placed in another row
    (ROW.replace(b'r="D7"', b'r="D77"'), False),  # the row's number as a prefix only
    (ROW.replace(b'<c r="D7">', b"<c>"), False),  # a cell without a place
    (ROW.replace(b'<c r="D7">', b'<c s="1" r="D7">'), False),  # the place not first
    (ROW.replace(b'r="D7"', b'r="XFE7"'), False),  # past Excel's last column: looked at closely
    (ROW.replace(b'r="7"', b'r="1048577"').replace(b'7"', b'1048577"'), False),
    (ROW.replace(b'<row r="7"', b"<row"), False),  # a row without a number
    (ROW.replace(b'r="D7"', b'r="WZZ7"'), True),  # the quick match's last column
    (ROW.replace(b'r="D7"', b'r="XAA7"'), False),  # near the grid's last column: looked at closely
    (ROW.replace(b"7", b"999999"), True),  # the quick match's last row
    (ROW.replace(b"7", b"1000000"), False),  # near the grid's last row: looked at closely
])
def test_the_quick_row_check_leaves_every_doubtful_row_to_the_careful_one(row, quick):
    segment = ROW + row + ROW.replace(b"7", b"9")
    assert partscan._plain_rows(segment, 0, len(segment)) is quick


@pytest.mark.parametrize(("place", "refused"), [
    (b"XFD1048576", False), (b"XAA1000000", False), (b"XFE1000000", True), (b"XFD1048577", True)])
def test_places_near_the_grids_limits_are_bounded_by_the_careful_check(place, refused):
    """What the quick match leaves aside near the grid's limits, the row-by-row check bounds:
    the last cell of Excel's grid passes, one past it is refused."""
    row = place.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    xml = (b"<worksheet><sheetData>" + ROW + b'<row r="' + row + b'"><c r="' + place
           + b'"><v>1</v></c></row></sheetData></worksheet>')
    if refused:
        with pytest.raises(partscan.StructureProblem, match=row.decode()):  # named
            _scan(xml)
    else:
        assert _scan(xml) == 3


def _scan(xml: bytes, kept: partscan.Kept | None = None) -> int:
    """The gate's check of a worksheet part holding ``xml``: its count of cells."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("s.xml", xml)
    with zipfile.ZipFile(buffer) as z:
        return partscan._scan_cells(z, z.getinfo("s.xml"), 0, 10**9, kept)


def _kept_scan(xml: bytes) -> partscan.Kept:
    kept = partscan.Kept()
    _scan(xml, kept)
    assert kept.sheets == {"s.xml": xml}
    return kept


def test_the_gates_near_bounds_are_the_fast_readers():
    from natk_xlsx.returns.books import MAX_SCAN_ROWS

    assert partscan.NEAR_ROWS == fastread.MAX_ROW == MAX_SCAN_ROWS
    assert partscan.NEAR_COLUMNS == fastread.MAX_COLUMN == 64  # column BL


@pytest.mark.parametrize(("row", "place"), [
    (b"7", b"D7"), (b"20000", b"BL20000"), (b"9", b"BM9"), (b"20001", b"A20001"),
    (b"7", b"AAA7"), (b"123456", b"B123456"), (b"99999", b"A99999"), (b"19999", b"BK19999")])
def test_a_sheet_is_proved_near_exactly_when_the_fast_reader_finds_no_far_cell(row, place):
    """The gate's proof that every cell lies near lets the fast reader skip its own search for
    far cells: it must hold exactly where that search would find none."""
    xml = (b"<worksheet><sheetData>" + ROW + b'<row r="' + row + b'"><c r="' + place
           + b'"><v>1</v></c></row></sheetData></worksheet>')
    kept = _kept_scan(xml)
    searched = fastread.scan_sheet(xml) is not None  # the fast reader's own search
    assert ("s.xml" in kept.near) is searched
    if "s.xml" in kept.near:
        assert fastread.scan_sheet(xml, near=True) == fastread.scan_sheet(xml)


@pytest.mark.parametrize("far", [None, b"BM14000", b"A20001"])
def test_a_sheet_read_in_several_chunks_is_proved_near_only_if_every_chunk_is(far):
    rows = b"".join(ROW.replace(b"7", str(r).encode()) for r in range(1, 16000))
    if far is not None:  # one far cell or row, in the second chunk
        row = far.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        rows += b'<row r="' + row + b'"><c r="' + far + b'"><v>1</v></c></row>'
    xml = b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"
    assert len(xml) > 1.5 * partscan.CHUNK
    assert ("s.xml" in _kept_scan(xml).near) is (far is None)


@pytest.mark.parametrize("xml", [
    b'<worksheet><sheetData><c r="A1"><v>1</v></c>' + ROW + b"</sheetData></worksheet>",
    b"<x:worksheet><x:sheetData>" + ROW.replace(b"<row", b"<x:row") + b"</x:sheetData>",
    b"<worksheet><sheetData></sheetData></worksheet>",
])
def test_a_sheet_the_quick_check_does_not_cover_is_not_proved_near(xml):
    """A cell outside any row, prefixed tags, no rows at all: the fast reader looks itself."""
    assert "s.xml" not in _kept_scan(xml).near


def test_a_questionnaires_sheets_are_proved_near_where_the_fast_reader_finds_no_far_cell(filled):
    _toolkit, path, _folder = filled
    checked = open_checked(path)
    assert len(checked.near) >= 3 and checked.near <= checked.sheets.keys()
    for part, xml in checked.sheets.items():
        assert (part in checked.near) is (fastread.scan_sheet(xml) is not None), part


@pytest.mark.parametrize("tag", [b'<c\tr="D8">', b'<c\nr="D8">', b'<c\r\nr="D8">', b'<c  r="D8">',
                                 b'<x:c r="D8">', b"<x:c r='D8'>"])
def test_a_misplaced_cell_in_any_tag_form_is_refused(tag):
    """XML lets any white space end a tag's name, and a tag have a prefix (calamine reads
    ``<x:c>`` as a cell): a cell written so is checked like any other. Such cells escaped the
    quick check (which passed a prefixed tag over) and the row-by-row one (which counted '<c '
    tags only)."""
    row = ROW.replace(b'<c r="D7">', tag)
    xml = b"<worksheet><sheetData>" + ROW.replace(b"7", b"5") + row + b"</sheetData></worksheet>"
    with pytest.raises(partscan.StructureProblem, match="D8"):
        _scan(xml)


FAR = b'<row r="1048576"><c r="XFD1048576"><v>7</v></c></row>'


@pytest.mark.parametrize("cell", [
    b'<c\tr="XFD1048576">', b'<c\nr="XFD1048576">', b"<c r='XFD1048576'>",
    b'<c r = "XFD1048576">', b'<c s="0" r="XFD1048576">', b"<c>", b'<x:c r="XFD1048576">',
    b"<x:c r='XFD1048576'>"])
def test_the_fast_reader_steps_aside_for_a_cell_whose_place_it_cannot_read(cell):
    """The last cell of Excel's grid, written in a form the search for far cells does not read
    (or with no place, which calamine would set after the one before): calamine, which sizes a
    sheet by its farthest cell, must not read it, so the careful reader does."""
    sheet = (b"<worksheet><sheetData>" + ROW + FAR.replace(b'<c r="XFD1048576">', cell)
             + b"</sheetData></worksheet>")
    assert fastread.scan_sheet(sheet) is None
    assert fastread.scan_sheet(b"<worksheet><sheetData>" + ROW + b"</sheetData></worksheet>")
    assert "s.xml" not in _kept_scan(sheet).near


@settings(max_examples=200, deadline=None)
@given(prefix=st.sampled_from([b"", b"x:"]), gap=st.sampled_from([b" ", b"\t", b"\n", b"\r\n", b"  "]),
       before=st.sampled_from([b"", b's="1" ', b"s='1' "]), quote=st.sampled_from([b'"', b"'"]),
       equals=st.sampled_from([b"=", b" = "]), far=st.sampled_from(
           [(b"1048576", b"XFD1048576"), (b"5", b"BM5"), (b"20001", b"A20001"), (b"5", b"XFD5")]))
def test_a_far_cell_in_any_tag_form_never_reaches_calamine(prefix, gap, before, quote, equals,
                                                           far):
    """Whatever form XML lets a cell tag take, a cell beyond the fast reader's bounds is refused
    by the gate, or leaves the sheet unproved and the fast reader's own scan refuses it: calamine,
    which sizes a sheet by its farthest cell, never reads it."""
    row, ref = far
    cell = (b"<" + prefix + b"c" + gap + before + b"r" + equals + quote + ref + quote + b"><"
            + prefix + b"v>7</" + prefix + b"v></" + prefix + b"c>")
    xml = (b"<worksheet><sheetData>" + ROW + b'<row r="' + row + b'">' + cell
           + b"</row></sheetData></worksheet>")
    try:
        kept = _kept_scan(xml)  # scanned whole
    except partscan.StructureProblem:
        return  # refused by the gate
    assert "s.xml" not in kept.near
    assert fastread.scan_sheet(xml) is None


def test_a_workbook_with_a_far_cell_in_a_tab_separated_tag_is_not_read_by_calamine(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    path = tmp_path / "far.xlsx"
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", FAR.replace(b"<c r=", b"<c\tr=")
                                    + b"</sheetData>")
            zout.writestr(info, data)
    checked = open_checked(path)  # a place within Excel's grid: the gate lets it through
    assert not checked.near
    assert fastread.open_fast(checked.data, checked.sheets, checked.near) is None


def test_a_misplaced_cell_among_thousands_of_good_rows_is_still_refused():
    rows = b"".join(ROW.replace(b"7", str(r).encode()) for r in range(1, 5000))
    bad = rows.replace(b'<c r="D2345">', b'<c r="D2346">')
    for xml, refused in ((rows, False), (bad, True)):
        sheet = b"<worksheet><sheetData>" + xml + b"</sheetData></worksheet>"
        if refused:
            with pytest.raises(partscan.StructureProblem, match="D2346"):
                _scan(sheet)
        else:
            assert _scan(sheet) == 2 * 4999


# -- the fast reader: formula cells in one pattern ----------------------------------------------

def test_formula_cells_found_by_one_pattern_are_those_found_one_by_one(filled):
    _toolkit, path, _folder = filled
    found = 0
    for name, xml in _sheets(path).items():
        quick = fastread._formula_cells(xml)
        careful = fastread._formulas_one_by_one(xml)
        assert quick is not None and careful is not None, name
        assert quick.keys() == careful.keys()
        for place, text in quick.items():  # the text where the reader can look
            assert text == (careful[place] if place[1] < fastread.READ_COLUMNS else "=")
        found += len(quick)
    assert found > 50


@pytest.mark.parametrize(("xml", "placed"), [
    (b'<c r="B2"><v>1</v><f>A1+1</f></c>', True),  # the formula after the value
    (b'<c r="B2"><f>A1</f><f>A2</f></c>', True),  # two formulas in one cell
    (b'<c r="B2"/><f>A1+1</f>', False),  # a formula outside any cell: the fast path steps aside
])
def test_an_unusual_formula_is_placed_one_by_one(xml, placed):
    assert fastread._formula_cells(xml) is None
    marks = fastread.scan_sheet(xml)
    if placed:
        assert marks is not None and (2, 1) in marks[0]
    else:
        assert marks is None


@pytest.mark.parametrize("tag", [b"<f>", b"<f >", b"<f\n>", b"<f\t>", b"<f\r\n>",
                                 b'<f\nt="normal">', b'<f\tt="shared" si="0">'])
def test_a_formula_tag_ended_by_any_white_space_is_a_formula(tag):
    """XML lets any white space end a tag's name: each such formula is found, so that its cached
    value (7) is never read as the answer."""
    for xml in (b'<c r="B2">' + tag + b"A1+1</f><v>7</v></c>",
                b'<c r="B2"><v>7</v>' + tag + b"A1+1</f></c>"):  # placed one by one
        marks = fastread.scan_sheet(xml)
        assert marks is not None and marks[0].get((2, 1)) == "=A1+1", xml


# -- the gate's bytes and sheets are what the reader reads ----------------------------------------

def test_the_reader_reads_the_sheets_the_gate_inflated(filled):
    toolkit, path, _folder = filled
    checked = open_checked(path)
    assert checked.info == inspect_file(path)
    assert checked.data == path.read_bytes()
    assert checked.sheets == _sheets(path)
    with_sheets = read_raw(path, toolkit, checked.data, checked.sheets)
    without = read_raw(path, toolkit, checked.data)
    assert with_sheets.questions == without.questions and len(with_sheets.questions) > 80
    sub = read_workbook(path, toolkit)
    assert sub.answers and not sub.errors


def test_the_reader_sees_only_the_sheets_it_was_given_from_the_gate(filled, monkeypatch):
    """The XML the gate checked is the XML scanned for formulas: a sheet is not read again."""
    toolkit, path, _folder = filled
    checked = open_checked(path)
    calls: list[str] = []
    original = zipfile.ZipFile.read

    def read(self, member, pwd=None):
        calls.append(str(member))
        return original(self, member, pwd)

    monkeypatch.setattr(zipfile.ZipFile, "read", read)
    read_raw(path, toolkit, checked.data, checked.sheets)
    assert calls and not [c for c in calls if c in checked.sheets]


# -- a cell built in one step -------------------------------------------------------------------

def _cell_by_value(grid: books.RowGrid, row: int, col: int) -> Cell:
    """A cell the plain way: its value (``RowGrid.value``), then the marks of its place."""
    value = grid.value(row, col)
    if value is None:
        return Cell(None, grid.title, cell_ref(row, col))
    place = (row, col)
    return Cell(value, grid.title, cell_ref(row, col), place in grid._formulas,
                place in grid._errors)


def test_a_cell_is_what_its_value_and_marks_make_it(filled):
    """``RowGrid.get`` builds a cell in one step; it gives, for every place of every sheet of a
    filled return and past its edges, the cell its value and its marks make."""
    _, path, _ = filled
    book = fastread.open_fast(path.read_bytes())
    assert book is not None
    seen = 0
    for name in book.sheetnames:
        grid = book.grid(name, 400)
        for row in range(1, grid.max_row + 3):
            for col in range(fastread.READ_COLUMNS + 2):
                assert grid.get(row, col) == _cell_by_value(grid, row, col), (name, row, col)
                seen += grid.get(row, col).value is not None
    assert seen > 1000


def test_a_cell_in_error_a_time_and_a_formula_are_built_as_their_value_and_marks_say():
    rows = [["", "", dt.time(9, 30)], ["x", "", 3.0]]
    marks = ({(2, 1): "=A2&\"!\"", (1, 0): "=1/0"}, {(1, 0): "#DIV/0!", (1, 1): "#N/A"})
    grid = books.RowGrid("S", rows, (0, 0), marks, 10, 3)
    for row in range(0, 5):
        for col in range(0, 5):
            assert grid.get(row, col) == _cell_by_value(grid, row, col), (row, col)
    assert grid.get(1, 1) == Cell("#N/A", "S", "B1", False, True)  # what the cell shows
    assert grid.get(1, 0) == Cell("=1/0", "S", "A1", True, True)
    assert grid.get(1, 2).value == "09:30:00"


# -- the CSV beside the summary, written in a second process -------------------------------------

def test_what_the_second_process_writes_is_there_when_the_block_ends(tmp_path):
    target = tmp_path / "beside.txt"
    with alongside(lambda: target.write_text("every answer", "utf-8")):
        (tmp_path / "here.txt").write_text("summary", "utf-8")
    assert target.read_text("utf-8") == "every answer"


def test_an_error_in_the_second_process_is_raised_here(tmp_path):
    def fails() -> None:
        raise PermissionError(13, "Permission denied", str(tmp_path / "x.csv"))

    with pytest.raises(PermissionError, match="x.csv"), alongside(fails):
        pass


def test_the_blocks_own_error_wins_after_the_second_process_ended(tmp_path):
    target = tmp_path / "beside.txt"
    with pytest.raises(KeyError), alongside(lambda: target.write_text("done", "utf-8")):
        raise KeyError("workbook")
    assert target.read_text("utf-8") == "done"


def test_without_fork_the_work_is_done_here_after_the_block(tmp_path, monkeypatch):
    monkeypatch.setattr(alongside_module, "can_fork", lambda: False)
    order: list[str] = []
    with alongside(lambda: order.append("csv")):
        order.append("summary")
    assert order == ["summary", "csv"]


def test_what_the_second_process_returns_is_kept(tmp_path):
    with alongside(lambda: (os.getpid(), "rows")) as later:
        here = os.getpid()
    assert later.value is not None and later.value[1] == "rows"
    assert later.value[0] != here  # made in another process


def test_in_two_gives_every_result_in_order_half_made_elsewhere(monkeypatch):
    monkeypatch.setattr(alongside_module, "cores", lambda: 2)
    results = in_two([partial(lambda i: (i, os.getpid()), i) for i in range(5)])
    assert [i for i, _ in results] == [0, 1, 2, 3, 4]
    pids = {pid for _, pid in results}
    assert len(pids) == 2 and os.getpid() in pids
    assert {pid for i, pid in results if i < 3} == {os.getpid()}


def test_in_two_brings_back_an_error_that_does_not_unpickle(monkeypatch, tmp_path):
    monkeypatch.setattr(alongside_module, "cores", lambda: 2)
    path = str(tmp_path / "fr.xlsx")

    def fails() -> int:
        raise InputError(path, "cannot write the workbook; check the folder")

    with pytest.raises(NatkError) as caught:
        in_two([lambda: 1, fails])
    assert str(caught.value) == f"{path}: cannot write the workbook; check the folder"


def test_in_two_on_one_core_makes_everything_here(monkeypatch):
    monkeypatch.setattr(alongside_module, "cores", lambda: 1)
    assert {pid for pid in in_two([os.getpid, os.getpid, os.getpid])} == {os.getpid()}


# -- formulas passed on as xlsxwriter would leave them -----------------------------------------

@pytest.mark.parametrize("expand", [False, True])
def test_xlsxwriter_leaves_every_classic_function_as_it_is(expand):
    from xlsxwriter.worksheet import Worksheet

    from natk_xlsx.workbook.xlsx import CLASSIC_FUNCTIONS

    base = Worksheet()
    for name in sorted(CLASSIC_FUNCTIONS):
        formula = f"{name}(A1,(B2+1),$C$3)"
        assert base._prepare_formula("=" + formula, expand) == formula


@pytest.mark.parametrize("formula", [
    "=IF(AND(V5=1,COUNTA($D$6:$D$9)>0),1,0)", "{=SUM(A1:A3)}", "=(A1+B1)*2", "=A1",
    "=IF(XLOOKUP(A1,B:B,C:C)>0,1,0)", "=CONCAT(A1,B1)", "=_xlfn.STDEV.S(A1:A9)",
    "=IFS(A1>0,1)", "=ISOWEEKNUM(A1)",
])
@pytest.mark.parametrize("expand", [False, True])
def test_a_formula_comes_out_as_xlsxwriter_writes_it(formula, expand):
    from xlsxwriter.worksheet import Worksheet

    from natk_xlsx.workbook.xlsx import _Worksheet

    assert _Worksheet()._prepare_formula(formula, expand) == \
        Worksheet()._prepare_formula(formula, expand)


def test_the_questionnaire_is_the_same_file_as_xlsxwriter_alone_writes(tmp_path, monkeypatch):
    from xlsxwriter.worksheet import Worksheet

    from natk_xlsx.workbook import xlsx

    toolkit = load_toolkit(BUNDLED_SPECS)
    options = GenerateOptions(components=["legal", "data"], lang="ar", reproducible=True)
    quick = generate_workbook(toolkit, tmp_path / "quick.xlsx", options).path
    monkeypatch.setattr(xlsx._Workbook, "worksheet_class", Worksheet)
    plain = generate_workbook(toolkit, tmp_path / "plain.xlsx", options).path
    assert quick.read_bytes() == plain.read_bytes()


def test_labels_of_other_languages_are_indexed_only_when_an_answer_needs_them(filled):
    from natk_xlsx.returns import coerce

    toolkit, path, _ = filled
    coerce._INDEXES.clear()
    coerce._BY_QUESTION.clear()
    read_workbook(path, toolkit)  # every answer typed as the workbook's own labels
    assert coerce._INDEXES and not any("other" in vars(i) for i in coerce._INDEXES.values())
    q = next(q for q in toolkit.questions() if q.type == "yes_no")
    index = coerce.label_index(toolkit, q, "en")
    french = toolkit.answer_label(q, "partly", "fr")
    assert index.other[coerce.normalise_text(french)] == "partly"  # built when asked


# -- settling: a severity remembered per distinct answer is the one worked out each time --------

def test_a_remembered_severity_is_the_one_worked_out_for_each_respondent():
    import random

    from natk_xlsx.analysis.respondents import Respondent
    from natk_xlsx.analysis.settle import settle_question, view_severity
    from natk_xlsx.spec.model import DONT_KNOW

    toolkit = load_toolkit(BUNDLED_SPECS)
    rng = random.Random(12)
    pool: dict[str, list] = {}
    for q in toolkit.questions():
        values: list = [None, "", "  ", DONT_KNOW]
        if q.type in ("yes_no", "single_choice"):
            values += list(toolkit.answer_codes(q))
        elif q.type == "multiple_choice":
            codes = list(toolkit.answer_codes(q))
            values += [[], codes[:1], codes[-2:], codes]
        elif q.type in ("integer", "decimal", "year", "percentage"):
            values += [0, 1, 7, 250, 2020, 99.5]
        else:
            values += ["some text"]
        pool[q.id] = values
    respondents = [
        Respondent(key=f"R{i}", institution=f"I{i}", kind=None, file=f"r{i}.xlsx", version="1",
                   language="en", answers={qid: rng.choice(v) for qid, v in pool.items()},
                   details={qid: {"evidence": rng.choice([None, "", "Decree 4/2019"])}
                            for qid in pool}, tables={}, asked=tuple(pool), completion_date=None)
        for i in range(60)]
    checked = fired = 0
    for q in toolkit.questions():
        if not q.needs:
            continue
        settled = settle_question(toolkit, q, respondents)
        stating = [r for r in respondents if r.answers[q.id] is not None
                   and (not isinstance(r.answers[q.id], str)
                        or r.answers[q.id].strip() not in ("", DONT_KNOW, "not_applicable"))
                   and r.answers[q.id] != []]
        assert [v.respondent for v in settled.views] == stating, q.id
        for view in settled.views:
            assert view.severity == view_severity(q, view.respondent.answers), q.id
            evidence = view.respondent.details[q.id]["evidence"]
            assert view.documented == bool(evidence), q.id
            checked += 1
            fired += view.severity > 0
    assert checked > 1000 and fired > 100  # the answers drawn reach the rules


# -- the collector of reference cycles, paused while a summary is made ---------------------------

def _collecting(path: str, target: str | None) -> FileResult:
    import gc

    return FileResult(path, error=f"collecting={gc.isenabled()} set aside={gc.get_freeze_count() > 0}")


def test_a_worker_collects_young_objects_seldom_and_still_collects_cycles(filled):
    """A worker reads a return with few passes of the cycle collector over its young objects
    (at Python's default threshold, a dozen a return: 5-6 % of reading), yet cycles made there
    are still collected without being asked (openpyxl's books leave thousands a return)."""
    import gc

    from natk_xlsx.returns.batch import _read_one
    from natk_xlsx.returns.workers import YOUNG_COLLECTION, run_pool

    toolkit, path, _ = filled

    def job(name: str, target: str | None) -> FileResult:
        _read_one(name, toolkit, records_only=True)  # what a first read builds once
        before = gc.get_stats()[0]["collections"]
        reads = [_read_one(name, toolkit, records_only=True) for _ in range(4)]
        passes = gc.get_stats()[0]["collections"] - before
        collected = sum(generation["collected"] for generation in gc.get_stats())
        for _ in range(3 * YOUNG_COLLECTION):
            cycle: list[object] = []
            cycle.append(cycle)
        del cycle
        collected = sum(generation["collected"] for generation in gc.get_stats()) - collected
        read = all(r.record is not None for r in reads)
        return FileResult(name, error=f"{read} {passes} {collected}")

    [(_, result)] = run_pool([(str(path), None)], job, 1, 60, 2048)
    assert result.error is not None
    read, passes, collected = result.error.split()
    assert read == "True"
    assert int(passes) <= 2  # four reads: 11 passes at Python's default
    assert int(collected) >= YOUNG_COLLECTION


def test_a_check_pauses_the_collector_only_while_workers_read(tmp_path):
    """While workers read (one file or many), the process that keeps the results pauses the
    collector and resumes it after; read here, with no worker, it collects as usual (the
    careful reader's books make cycles)."""
    import gc

    from natk_xlsx.returns.batch import read_files

    toolkit = load_toolkit()
    blank = generate_workbook(toolkit, tmp_path / "blank.xlsx", GenerateOptions(
        components=["data"])).path
    seen: list[bool] = []

    def loading() -> object:
        seen.append(gc.isenabled())
        return toolkit

    for files in ([blank], [blank, blank]):
        results = read_files(files, loading, progress=lambda _: seen.append(gc.isenabled()))
        assert all(r.error is None for r in results)
    assert seen == [False] * 5 and gc.isenabled()
    seen.clear()
    read_files([blank], toolkit, isolate=False, progress=lambda _: seen.append(gc.isenabled()))
    assert seen == [True]


def test_a_summary_pauses_the_cycle_collector_and_its_workers_do_not(tmp_path):
    """``summarise`` pauses the collector (its passes over every return kept cost seconds at
    1,000 returns) and resumes it after, even when it fails; a worker or a second process
    forked meanwhile collects, so that cycles made in reading never pile up there, but sets
    aside what it was forked with."""
    import gc

    from natk_xlsx.outputs.summarise import summarise
    from natk_xlsx.returns.batch import collector_paused
    from natk_xlsx.returns.workers import run_pool

    toolkit = load_toolkit()
    blank = generate_workbook(toolkit, tmp_path / "blank.xlsx", GenerateOptions(
        components=["data"])).path
    seen: list[bool] = []
    assert gc.isenabled()
    summarise([blank], toolkit, tmp_path / "s.xlsx", progress=lambda _: seen.append(
        gc.isenabled()))
    assert seen == [False] and gc.isenabled()
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError):  # no workbooks in the folder
        summarise([tmp_path / "empty"], toolkit)
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        results = [r for _, r in run_pool([("a", None), ("b", None)], _collecting, 2, 30, 512)]
        with alongside(lambda: (gc.isenabled(), gc.get_freeze_count() > 0)) as beside:
            pass
        assert not gc.isenabled()
    # they collect what they make, not what they were forked with (set aside: never walked)
    assert [r.error for r in results] == ["collecting=True set aside=True"] * 2
    assert beside.value == (True, True) and gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # resumed as it was: paused
    finally:
        gc.enable()


def _worksheet(rows: bytes) -> bytes:
    return (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
            b'2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")


def test_cells_past_the_bounds_are_counted_however_they_are_written():
    """``far_cells`` counts a value past row 20,000 or column BL however its cell is written
    (placed by its own place or after the one before, the place in single quotes or amid
    spaces, prefixed), passes over formats, formulas, blanks and places within bounds, and
    what looks like a cell in a comment or a text; it stops counting past ``FAR_COUNTED``."""
    rows = (b'<row r="1"><c r="BM1" t="s"><v>0</v></c><c r="BL1" t="s"><v>0</v></c></row>'
            b'<row r="2"><c r="BK2"><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>'  # BL, BM
            b"<row r='20000'><c r='A20000'><v>1</v></c></row>"  # the last row read
            b'<row r="20001"><x:c s="1" r="A20001"><x:v>2</x:v></x:c></row>'  # counted
            b'<row r="20002"><c\tr="A20002" t="inlineStr"><is><t>x</t></is></c>'
            b'<c r = "B20002"><v>4</v></c></row>'  # both counted
            b'<row><c t="inlineStr"><is><t>no place</t></is></c></row>'  # A20003: counted
            b'<row r="20004"><c r="A20004" s="3"/><c r="B20004"><f>1+1</f><v>2</v></c>'
            b'<c r="C20004" t="inlineStr"><is><t>  </t></is></c><c r="D20004"><v></v></c></row>'
            b'<!-- <c r="ZZ1"><v>1</v></c> --><!--< r="ZZ1"--><row r="20005"><c r="A20005" t="inlineStr">'
            b'<is><t><![CDATA[< r="ZZ1"]]></t></is></c></row>')  # A20005: counted
    assert fastread.far_cells(_worksheet(rows)) == (7, "BM1")
    assert fastread.far_cells(_worksheet(b'<row r="9"><c r="BL9"><v>1</v></c></row>')) is None
    many = b"".join(b'<row r="%d"><c r="ZZ%d"><v>1</v></c></row>' % (r, r)
                    for r in range(1, books.FAR_COUNTED + 50))
    assert fastread.far_cells(_worksheet(many)) == (books.FAR_COUNTED + 1, "ZZ1")
    assert fastread.far_cells(b"<worksheet><sheetData><row r='1'><c r='ZZ1'><v>1</v></c>"
                              b"<c r='ZZ2'><v>") == (1, "ZZ1")  # cut off: what came before


def test_what_lies_past_the_bounds_of_a_file_that_cannot_be_mapped_is_not_a_crash():
    far = {"xl/worksheets/sheet1.xml": _worksheet(b'<row r="1"><c r="ZZ1"><v>1</v></c></row>')}
    assert fastread.far_text(b"not a zip", far, frozenset()) == {}


def test_xml_text_is_read_as_a_parser_reads_it():
    """A sheet's name written with a character reference is the name calamine gives (else its
    formulas and errors would be looked for under another name), and each reference is read
    once."""
    assert fastread._unescape(b"O&apos;Brien &#233;&#x4E2D; &amp;lt; &#0; &#1114112;") == \
        "O'Brien é中 &lt; &#0; &#1114112;"
    # characters XML does not allow stay as written (a lone surrogate cannot even be printed)
    assert fastread._unescape(b"Ye&#xD800;s &#1; &#xFFFE; &#9;") == "Ye&#xD800;s &#1; &#xFFFE; \t"


def test_a_sheet_is_named_by_its_part_as_the_gate_names_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", b'<workbook><sheets><sheet name="Data" sheetId="1" '
                                      b'r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", b'<Relationships><Relationship Id="rId1" '
                                                 b'Target="../xl/./worksheets/sheet1.xml"/>'
                                                 b'</Relationships>')
    with zipfile.ZipFile(buffer) as z:
        assert fastread.sheet_paths(z) == {"Data": "xl/worksheets/sheet1.xml"}


_FAR_COLUMNS = st.sampled_from(["A", "BL", "BM", "ZZ", "AAA"])
_FAR_ROWS = st.sampled_from([1, 19_999, 20_000, 20_001, 99_999])
_CONTENT = st.sampled_from([
    b"", b"<v>1</v>", b"<v> </v>", b"<v></v>", b"<f>1+1</f><v>2</v>", b"<f/>",
    b'<is><t xml:space="preserve">  </t></is>', b"<is><t>far &amp; away</t></is>",
    b"<is><r><t>rich</t></r></is>", b"<v>&#160;</v>", b"<v>&#x41;</v>"])


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(_FAR_ROWS, _FAR_COLUMNS, _CONTENT), min_size=1, max_size=12,
                unique_by=lambda cell: cell[:2]))
def test_a_plainly_written_sheet_s_far_cells_are_matched_as_they_are_parsed(cells):
    """The one-pass match of a sheet written as common writers write it finds the far cells
    the parser finds: values counted, formulas, formats and blanks passed over."""
    rows: dict[int, list[bytes]] = {}
    for row, col, content in sorted(cells):
        attrs = b' t="inlineStr"' if content.startswith(b"<is>") else b""
        cell = (b'<c r="%s%d"%s s="1"/>' % (col.encode(), row, attrs) if not content else
                b'<c r="%s%d"%s>%s</c>' % (col.encode(), row, attrs, content))
        rows.setdefault(row, []).append(cell)
    xml = _worksheet(b"".join(b'<row r="%d">%s</row>' % (r, b"".join(c))
                              for r, c in sorted(rows.items())))
    assert fastread._plain(xml) and not fastread.ODD_CELL.search(xml)
    assert fastread._plain_far_cells(xml) == fastread._parsed_far_cells(xml)

"""The rows of a statistics table on a component sheet: its own heading band, one row per year,
the totals, and the rows for the figures' source and reliability."""

from __future__ import annotations

from natk_xlsx import layout
from natk_xlsx.spec.model import Question
from natk_xlsx.textwidth import BOLD_WIDTH
from natk_xlsx.workbook.common import WRITING_LINES, check, fitted_height
from natk_xlsx.workbook.plan import (
    TABLE_HEADER,
    TABLE_RELIABILITY,
    TABLE_SOURCE,
    TABLE_TOTAL,
    TABLE_YEAR,
    Row,
)
from natk_xlsx.workbook.sheet_base import SheetBase

#: Height of a year row: a figure written by hand needs more than one line of type.
YEAR_ROW_HEIGHT = 18.0


def table_width(sheet: SheetBase, q: Question) -> int:
    """Columns of the table's grid, the total column included."""
    labels, additive = sheet.breakdown(q)
    return len(labels) + (1 if additive else 0)


def write_table_row(sheet: SheetBase, row: Row, q: Question) -> None:
    writers = {TABLE_HEADER: _header, TABLE_YEAR: _year, TABLE_TOTAL: _total,
               TABLE_SOURCE: _source, TABLE_RELIABILITY: _reliability}
    writers[row.kind](sheet, row.index, row, q)
    sheet.skip_format(row.index, q)


def _header(sheet: SheetBase, r: int, row: Row, q: Question) -> None:
    """The table's own heading band: what the figures are, the year, then its categories, so the
    table does not sit under the sheet's Comments / Evidence / Priority headers."""
    ws, s = sheet.ws, sheet.s
    labels, additive = sheet.breakdown(q)
    if additive:
        labels = [*labels, sheet.ui("row.total")]
    title = sheet.ui("row.table_heading")
    check(ws.write_blank(r, layout.COL_ID, None, s.blank), q.id)
    check(ws.write_string(r, layout.COL_QUESTION, title, s.table_title), q.id)
    check(ws.write_string(r, layout.COL_GUIDANCE, sheet.ui("row.year"), s.table_head), q.id)
    texts: list[tuple[str, float]] = [(title, sheet.width(layout.COL_QUESTION)),
                                      (sheet.ui("row.year"), sheet.width(
                                          layout.COL_GUIDANCE))]
    for i, label in enumerate(labels):
        col = layout.COL_ANSWER + i
        check(ws.write_string(r, col, label, s.table_head), q.id)
        texts.append((label, sheet.width(col)))
    for col in range(layout.COL_ANSWER + len(labels), layout.COL_PROVIDER + 1):
        check(ws.write_blank(r, col, None, s.table_head), q.id)
    # bold text is about a tenth wider than the measure's
    sheet.set_height(r, fitted_height([(t, w / BOLD_WIDTH) for t, w in texts]), q.id)


def _year(sheet: SheetBase, r: int, row: Row, q: Question) -> None:
    ws, s = sheet.ws, sheet.s
    labels, additive = sheet.breakdown(q)
    sheet.side(r, q)
    check(ws.write_number(r, layout.COL_GUIDANCE, row.year, s.year), q.id)
    first, last = layout.COL_ANSWER, layout.COL_ANSWER + len(labels) - 1
    for col in range(first, last + 1):
        check(ws.write_blank(r, col, None, s.count), q.id)
    sheet.validate(r, first, q.id, {"validate": "integer", "criteria": ">=", "value": 0,
                                    "error_message": sheet.ui("validation.count")}, (r, last))
    if additive:
        span = f"{layout.cell_name(r, first, False)}:{layout.cell_name(r, last, False)}"
        formula = f"=IF(COUNT({span})=0,\"\",SUM({span}))"
        check(ws.write_formula(r, last + 1, formula, s.total, ""), q.id)
    sheet.set_height(r, YEAR_ROW_HEIGHT, q.id)


def _total(sheet: SheetBase, r: int, row: Row, q: Question) -> None:
    ws, s = sheet.ws, sheet.s
    grid = sheet.plan.answers[q.id]
    sheet.side(r, q)
    check(ws.write_string(r, layout.COL_GUIDANCE, sheet.ui("row.total"), s.table_head), q.id)
    for i in range(table_width(sheet, q)):
        col = layout.COL_ANSWER + i
        span = f"{layout.cell_name(grid.first_row, col, False)}:" \
               f"{layout.cell_name(grid.last_row, col, False)}"
        check(ws.write_formula(r, col, f"=IF(COUNT({span})=0,\"\",SUM({span}))", s.total, ""),
              q.id)
    label = sheet.ui("row.total")
    sheet.set_height(r, fitted_height([(label, sheet.width(layout.COL_GUIDANCE))]), q.id)


def _source(sheet: SheetBase, r: int, row: Row, q: Question) -> None:
    ws, s = sheet.ws, sheet.s
    sheet.side(r, q)
    label = sheet.ui("row.source")
    check(ws.write_string(r, layout.COL_GUIDANCE, label, s.option), q.id)
    check(ws.merge_range(r, layout.COL_ANSWER, r, layout.COL_EVIDENCE, "", s.answer_text), q.id)
    check(sheet.wb.define_name(f"{q.id}_source", "=" + sheet.plan.table_source[q.id].ref(
        sheet.plan.sheet_name)), f"defined name {q.id}_source")
    sheet.set_height(r, fitted_height([(label, _option_width(sheet))], min_lines=WRITING_LINES),
                     q.id)


def _reliability(sheet: SheetBase, r: int, row: Row, q: Question) -> None:
    ws, s = sheet.ws, sheet.s
    sheet.side(r, q)
    label = sheet.ui("row.reliability")
    check(ws.write_string(r, layout.COL_GUIDANCE, label, s.option), q.id)
    check(ws.write_blank(r, layout.COL_ANSWER, None, s.answer_general), q.id)
    sheet.list_validation(r, layout.COL_ANSWER, sheet.lists.shared("reliability"), q.id)
    check(sheet.wb.define_name(f"{q.id}_reliability", "=" + sheet.plan.table_reliability[
        q.id].ref(sheet.plan.sheet_name)), f"defined name {q.id}_reliability")
    sheet.set_height(r, fitted_height([(label, _option_width(sheet))]), q.id)


def _option_width(sheet: SheetBase) -> float:
    """The guidance column less its indent (a label written with the option format)."""
    return sheet.width(layout.COL_GUIDANCE) - OPTION_INDENT


#: Width units an indent of one level takes from a cell (Excel indents by about three spaces).
OPTION_INDENT = 2.0

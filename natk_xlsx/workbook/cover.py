"""The cover sheet: who answers, what the assessment is for, and the live progress per component.
Printed on one A4 portrait page at full size."""

from __future__ import annotations

import datetime as dt

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from natk_xlsx import layout
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import RTL_LANGUAGES, left_to_right, tr
from natk_xlsx.textwidth import BOLD_WIDTH
from natk_xlsx.workbook.common import PAPER_A4, SIDE_MARGIN, WorkbookSpec, check, fitted_height
from natk_xlsx.workbook.formulas import applicable_when_blank
from natk_xlsx.workbook.plan import QUESTION
from natk_xlsx.workbook.styles import TITLE_SIZE, Styles

#: Column widths: the labels, three progress figures, and the rest of the answer fields.
WIDTHS = (36, 14, 14, 14, 24)
assert len(WIDTHS) == layout.COVER_COLUMNS  # the reader takes what lies past them as typed


def _span(first: int, last: int) -> float:
    return float(sum(WIDTHS[first:last + 1]))


def identity_line(spec: WorkbookSpec) -> str:
    """'Toolkit … version …; workbook …', with the ids kept left to right in RTL languages."""
    values = {"id": spec.toolkit.id, "version": spec.toolkit.version,
              "workbook_id": spec.metadata["workbook_id"]}
    values = {k: left_to_right(v, spec.lang) for k, v in values.items()}
    return ui("cover.version", spec.lang, **values)


def write_cover(wb: xlsxwriter.Workbook, spec: WorkbookSpec, s: Styles) -> None:
    lang = spec.lang
    ws = wb.add_worksheet(ui("sheet.cover", lang))
    if lang in RTL_LANGUAGES:
        ws.right_to_left()
    for col, width in enumerate(WIDTHS):
        check(ws.set_column(col, col, width), "cover column")
    last = len(WIDTHS) - 1
    # across the page and wrapped: the Russian title (95 letters) ran past the printed page
    title = tr(spec.toolkit.title, lang)
    check(ws.merge_range(0, 0, 0, last, title, s.title_wrapped), "cover title")
    check(ws.set_row(0, max(28.0, fitted_height([(title, _span(0, last) / BOLD_WIDTH)],
                                                TITLE_SIZE))), "cover")
    check(ws.merge_range(1, 0, 1, last, ui("cover.fill_in", lang), s.subtitle), "cover")
    check(ws.set_row(1, fitted_height([(ui("cover.fill_in", lang), _span(0, last))])), "cover")
    row = _fields(wb, ws, spec, s, 3) + 1
    row = _paragraph(ws, row, ui("cover.purpose_heading", lang),
                     ui("cover.purpose_text", lang), s) + 1
    row = _progress(ws, spec, s, row) + 2
    line = identity_line(spec)
    check(ws.merge_range(row, 0, row, last, line, s.subtitle), "cover")
    check(ws.set_row(row, fitted_height([(line, _span(0, last))])), "cover")
    if spec.metadata.get("depth") == "core":  # a full questionnaire is the default
        core = ui("cover.depth_core", lang)
        check(ws.merge_range(row + 1, 0, row + 1, last, core, s.subtitle), "cover")
        check(ws.set_row(row + 1, fitted_height([(core, _span(0, last))])), "cover")
    ws.set_portrait()
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN)
    check(ws.print_area(0, 0, row, last), "cover print area")
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.activate()


def _fields(wb: xlsxwriter.Workbook, ws: Worksheet, spec: WorkbookSpec, s: Styles,
            row: int) -> int:
    """The cover fields (label, then a merged white cell to write in); returns the next row."""
    lang = spec.lang
    last = len(WIDTHS) - 1
    values = {f: getattr(spec.cover, f, "") for f in layout.COVER_FIELDS}
    for fld in layout.COVER_FIELDS:
        label = ui(f"cover.{fld}", lang)
        check(ws.write_string(row, 0, label, s.cover_label), "cover")
        if fld == "completion_date":
            check(ws.merge_range(row, 1, row, last, "", s.cover_date), "cover")
            check(ws.data_validation(row, 1, row, 1, {
                "validate": "date", "criteria": "between",
                "minimum": dt.datetime(2000, 1, 1), "maximum": dt.datetime(2100, 12, 31),
                "input_title": label[:layout.VALIDATION_TITLE_MAX],
                "input_message": ui("validation.cover_date", lang),
                "error_title": ui("validation.error_title", lang),
                "error_message": ui("validation.date", lang, min="2000-01-01",
                                    max="2100-12-31", example="2024-03-15")}), "cover date")
        else:
            check(ws.merge_range(row, 1, row, last, values[fld], s.cover_value), "cover")
        # room to write by hand on the printed cover, and for a long label or pre-filled value
        check(ws.set_row(row, fitted_height([(label, WIDTHS[0]), (values.get(fld, ""),
                                                                  _span(1, last))],
                                            min_lines=2)), "cover")
        check(wb.define_name(layout.cover_name(fld),
                             f"={layout.quote_sheet(ui('sheet.cover', lang))}!"
                             f"{layout.cell_name(row, 1)}"), "cover name")
        row += 1
    return row


def _paragraph(ws: Worksheet, row: int, heading: str, text: str, s: Styles) -> int:
    last = len(WIDTHS) - 1
    check(ws.merge_range(row, 0, row, last, heading, s.bold), "cover")
    check(ws.set_row(row, fitted_height([(heading, _span(0, last))])), "cover")
    check(ws.merge_range(row + 1, 0, row + 1, last, text, s.paragraph), "cover")
    check(ws.set_row(row + 1, fitted_height([(text, _span(0, last))])), "cover")
    return row + 2


def _progress(ws: Worksheet, spec: WorkbookSpec, s: Styles, row: int) -> int:
    """The live progress table; returns its last row."""
    lang = spec.lang
    heading = ui("cover.progress_heading", lang)
    check(ws.merge_range(row, 0, row, len(WIDTHS) - 1, heading, s.bold), "cover")
    check(ws.set_row(row, fitted_height([(heading, _span(0, len(WIDTHS) - 1))])), "cover")
    row += 1
    labels = [ui(key, lang) for key in ("cover.progress_component", "cover.progress_answered",
                                        "cover.progress_applicable", "cover.progress_percent")]
    for col, label in enumerate(labels):
        check(ws.write_string(row, col, label, s.header), "cover")
    check(ws.set_row(row, fitted_height([(t, WIDTHS[c]) for c, t in enumerate(labels)])),
          "cover")
    first = row + 1
    total_applicable = 0
    for plan in spec.plans:
        row += 1
        rows = [r.index for r in plan.rows if r.kind == QUESTION]
        sheet = layout.quote_sheet(plan.sheet_name)
        span_a = f"{sheet}!{layout.cell_name(rows[0], layout.COL_ANSWERED)}:" \
                 f"{layout.cell_name(rows[-1], layout.COL_ANSWERED)}"
        span_b = f"{sheet}!{layout.cell_name(rows[0], layout.COL_APPLICABLE)}:" \
                 f"{layout.cell_name(rows[-1], layout.COL_APPLICABLE)}"
        applicable = applicable_when_blank(plan)
        total_applicable += applicable
        title = tr(plan.component.title, lang)
        check(ws.write_string(row, 0, title, s.cell), "cover")
        check(ws.write_formula(row, 1, f"=SUM({span_a})", s.number, 0), "cover")
        check(ws.write_formula(row, 2, f"=SUM({span_b})", s.number, applicable), "cover")
        check(ws.write_formula(row, 3, f"=IF(C{row + 1}=0,0,B{row + 1}/C{row + 1})", s.percent,
                               0), "cover")
        check(ws.set_row(row, fitted_height([(title, WIDTHS[0])])), "cover")
    row += 1
    total = ui("cover.progress_total", lang)
    check(ws.write_string(row, 0, total, s.cover_label), "cover")
    check(ws.write_formula(row, 1, f"=SUM(B{first + 1}:B{row})", s.number, 0), "cover")
    check(ws.write_formula(row, 2, f"=SUM(C{first + 1}:C{row})", s.number, total_applicable),
          "cover")
    check(ws.write_formula(row, 3, f"=IF(C{row + 1}=0,0,B{row + 1}/C{row + 1})", s.percent, 0),
          "cover")
    check(ws.set_row(row, fitted_height([(total, WIDTHS[0])])), "cover")
    return row

"""The instructions sheet: how to answer, the legend, how to send the workbook back.
Printed on A4 portrait at full size."""

from __future__ import annotations

import xlsxwriter

from natk_xlsx import layout
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import RTL_LANGUAGES, join_parts, tr
from natk_xlsx.workbook.common import (
    PAPER_A4,
    PROVIDED_ANSWERS,
    SIDE_MARGIN,
    USUAL_YES_NO,
    WorkbookSpec,
    check,
    fitted_height,
)
from natk_xlsx.workbook.styles import Styles

#: A narrow column for the legend's coloured cells, and one for the text (the reader takes what
#: lies elsewhere as typed by the respondent).
WIDTHS = (4, 96)
TEXT = layout.INSTRUCTIONS_COLUMN


def write_instructions(wb: xlsxwriter.Workbook, spec: WorkbookSpec, s: Styles) -> None:
    lang = spec.lang
    ws = wb.add_worksheet(ui("sheet.instructions", lang))
    if lang in RTL_LANGUAGES:
        ws.right_to_left()
    for col, width in enumerate(WIDTHS):
        check(ws.set_column(col, col, width), "instructions column")
    text_width = WIDTHS[1]
    check(ws.write_string(0, TEXT, ui("instructions.heading", lang), s.title), "instructions")
    check(ws.set_row(0, 28), "instructions")
    row = 2  # the row under the heading is left empty: the reader takes text there as typed
    items = ui("instructions.items", lang).split("\n")
    items.append(f"{len(items) + 1}. {_on_paper(spec)}")
    if spec.metadata.get("return_to"):  # where the team wants the returns, paper ones too
        items.append(f"{len(items) + 1}. " + ui("instructions.return_to", lang,
                                                return_to=spec.metadata["return_to"]))
    for item in items:
        check(ws.write_string(row, TEXT, item, s.paragraph), "instructions")
        check(ws.set_row(row, fitted_height([(item, text_width)])), "instructions")
        row += 1
    row += 1  # so is the row above the legend (``returns.stray.typed_on_instructions``)
    legend = ui("instructions.legend", lang)
    check(ws.write_string(row, TEXT, legend, s.bold), "instructions")
    check(ws.set_row(row, fitted_height([(legend, text_width)])), "instructions")
    for fmt, key in ((s.legend_answer, "instructions.legend_answer"),
                     (s.legend_skipped, "instructions.legend_skipped")):
        row += 1
        text = ui(key, lang)
        check(ws.write_blank(row, 0, None, fmt), "instructions")
        check(ws.write_string(row, TEXT, text, s.paragraph), "instructions")
        check(ws.set_row(row, fitted_height([(text, text_width)])), "instructions")
    ws.set_portrait()
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN)
    check(ws.print_area(0, 0, row, len(WIDTHS) - 1), "instructions print area")
    ws.protect("", {"format_columns": True, "format_rows": True})


def _on_paper(spec: WorkbookSpec) -> str:
    """What to write where a drop-down list offers the answers, for a workbook printed to be
    filled by hand (on paper no list shows its choices)."""
    lang, lists = spec.lang, spec.toolkit.choice_lists

    def labels(list_id: str, codes: tuple[str, ...] | None = None) -> str:
        return join_parts((tr(c.label, lang) for c in lists[list_id].choices
                           if codes is None or c.code in codes), lang)

    # the reliability's answers explain themselves ("High: complete and verified data"): one
    # a line, not strung together with their own colons
    reliability = "".join(f"\n   – {tr(c.label, lang)}" for c in lists["reliability"].choices)
    return ui("instructions.on_paper", lang, answer=ui("col.answer", lang),
              yes_no=labels("yes_no", USUAL_YES_NO), priority_col=ui("col.priority", lang),
              priority=labels("priority"), provided_col=ui("col.provided", lang),
              provided=labels("yes_no", PROVIDED_ANSWERS),
              reliability_row=ui("row.reliability", lang), reliability=reliability)

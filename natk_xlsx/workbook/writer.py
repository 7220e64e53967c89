"""Writing the questionnaire workbook with xlsxwriter: the sheets in their order.

Each kind of sheet has its module (``cover``, ``instructions``, ``component_sheet`` with
``stats_table``, ``lists``, ``metadata``); ``common`` holds what they share. Only these modules of
the workbook stage use xlsxwriter.
"""

from __future__ import annotations

from collections.abc import Sequence

from natk_xlsx.i18n.languages import tr
from natk_xlsx.workbook.common import (
    Cover,
    WorkbookSpec,
    WriterError,
    check,
    fitted_height,
)
from natk_xlsx.workbook.component_sheet import ComponentSheet
from natk_xlsx.workbook.cover import write_cover
from natk_xlsx.workbook.instructions import write_instructions
from natk_xlsx.workbook.lists import Lists
from natk_xlsx.workbook.metadata import write_metadata
from natk_xlsx.workbook.styles import Styles
from natk_xlsx.workbook.xlsx import new_workbook

__all__ = ["Cover", "WorkbookSpec", "WriterError", "write_workbook"]

#: Older names, still used by the summary workbook's writer.
_check = check


def _row_height(texts: Sequence[tuple[str, float]]) -> float:
    """The height a row of wrapped 10 pt texts needs, by display width (see ``textwidth``)."""
    return fitted_height(texts)


def write_workbook(path: str, spec: WorkbookSpec) -> None:
    """Write the workbook described by ``spec`` to ``path``."""
    wb = new_workbook(path)
    wb.set_properties({
        "title": tr(spec.toolkit.title, spec.lang),
        "subject": spec.cover.country,
        "author": "natk-xlsx",
        "company": spec.cover.institution,
        "created": spec.created,
        "comments": f"{spec.toolkit.id} {spec.toolkit.version}",
    })
    wb.set_calc_mode("auto")
    styles = Styles(wb, spec.lang)
    write_cover(wb, spec, styles)
    write_instructions(wb, spec, styles)
    # Sheet order: cover, instructions, components, then the hidden lists and metadata sheets
    # (a hidden sheet cannot be the first). The lists sheet is filled while the components are
    # written, so every component sheet is created before it.
    sheets = [(plan, wb.add_worksheet(plan.sheet_name)) for plan in spec.plans]
    lists = Lists(wb, spec.toolkit, spec.lang)
    for plan, ws in sheets:
        ComponentSheet(wb, spec, plan, styles, lists, ws).write()
    lists.sheet.hide()
    write_metadata(wb, spec, styles)
    wb.close()

"""The hidden metadata sheet (``layout.META_SHEET``) and the document properties: the workbook's
identity, read back by the importer."""

from __future__ import annotations

import xlsxwriter

from natk_xlsx import layout
from natk_xlsx.workbook.common import WorkbookSpec, check
from natk_xlsx.workbook.styles import Styles


def write_metadata(wb: xlsxwriter.Workbook, spec: WorkbookSpec, s: Styles) -> None:
    ws = wb.add_worksheet(layout.META_SHEET)
    for row, key in enumerate(layout.META_KEYS):
        value = spec.metadata.get(key, "")
        check(ws.write_string(row, 0, key, s.meta), "metadata")
        check(ws.write_string(row, 1, value, s.meta), "metadata")
        if key in layout.PROPERTY_KEYS:
            check(wb.set_custom_property(f"natk_{key}", value or "-"), "document property")
    ws.hide()
    ws.protect("")

"""Describe a workbook's meaning as plain data, for golden tests that compare meaning, not bytes.

Opens the file with openpyxl in normal mode (read-only mode has no data validations).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import coordinate_to_tuple


def _validations(ws: Any) -> list[dict[str, Any]]:
    """One entry per range a validation applies to, in the order of the cells (the writer
    may merge identical validations into one over many ranges: the meaning is the same)."""
    entries = [_validation(dv, cells) for dv in ws.data_validations.dataValidation
               for cells in str(dv.sqref).split()]
    return sorted(entries, key=lambda e: coordinate_to_tuple(e["cells"].split(":")[0]))


def _validation(dv: Any, cells: str) -> dict[str, Any]:
    return {
        "cells": cells,
        "type": dv.type,
        "operator": dv.operator,
        "formula1": dv.formula1,
        "formula2": dv.formula2,
        "allow_blank": bool(dv.allow_blank),
        "prompt_title": dv.promptTitle,
        "prompt": dv.prompt,
        "error_title": dv.errorTitle,
        "error": dv.error,
    }


def describe_workbook(path: str | Path) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {"sheets": [], "defined_names": {}, "properties": {}}
    for name, dn in sorted(wb.defined_names.items()):
        out["defined_names"][name] = dn.attr_text
    for prop in wb.custom_doc_props.props:
        out["properties"][prop.name] = prop.value
    for ws in wb.worksheets:
        sheet: dict[str, Any] = {
            "name": ws.title,
            "state": ws.sheet_state,
            "protected": bool(ws.protection.sheet),
            "format_columns_allowed": not ws.protection.formatColumns,
            "format_rows_allowed": not ws.protection.formatRows,
            "freeze_panes": ws.freeze_panes,
            "right_to_left": bool(ws.sheet_view.rightToLeft),
            "hidden_columns": sorted({n for d in ws.column_dimensions.values() if d.hidden
                                      for n in range(d.min, d.max + 1)}),
            "validations": _validations(ws),
            "conditional_formats": sorted(
                f"{rng.sqref}: {rule.formula[0] if rule.formula else rule.type}"
                for rng in ws.conditional_formatting for rule in rng.rules),
            "cells": {},
        }
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=min(ws.max_column, 23)):
            for cell in row:
                if cell.value is not None or not cell.protection.locked:
                    sheet["cells"][cell.coordinate] = {
                        "value": None if cell.value is None else str(cell.value),
                        "locked": bool(cell.protection.locked),
                        "format": cell.number_format,
                    }
        out["sheets"].append(sheet)
    return out

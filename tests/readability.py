"""Measure how a written workbook reads and prints: cell lengths, header widths, row heights and
the print scale, from the file itself (openpyxl, normal mode)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from natk_xlsx.outputs.sheetkit import PAGE_UNITS, longest_word
from natk_xlsx.textwidth import CHARS_PER_UNIT, MAX_ROW_HEIGHT, display_width, row_height

DEFAULT_WIDTH = 8.43
DEFAULT_HEIGHT = 15.0
#: xlsxwriter stores a column of width w as about w + 0.71 (the cell padding).
PADDING_UNITS = 0.71


@dataclass
class SheetFigures:
    name: str
    longest_cell: int = 0
    tallest_row: float = 0.0
    rows: int = 0
    print_scale: float = 1.0
    problems: list[str] = field(default_factory=list)


def _widths(ws: Any) -> dict[int, float]:
    out: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        if dim.width and dim.min:
            for col in range(dim.min, (dim.max or dim.min) + 1):
                out[col] = max(0.0, dim.width - PADDING_UNITS)
    return out


def _fits_on_one_line(text: str, width: float, size: float) -> bool:
    return display_width(text) <= width * CHARS_PER_UNIT * 10.0 / size


def measure(path: str | Path) -> list[SheetFigures]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    out = []
    for ws in wb.worksheets:
        fig = SheetFigures(ws.title)
        widths = _widths(ws)
        def width(c: int, widths: dict[int, float] = widths) -> float:
            return widths.get(c, DEFAULT_WIDTH)

        merged = {}
        for rng in ws.merged_cells.ranges:
            merged[(rng.min_row, rng.min_col)] = sum(width(c) for c in range(rng.min_col,
                                                                            rng.max_col + 1))
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    merged.setdefault((r, c), 0.0)
        used = 0
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                used = max(used, cell.column)
                height = ws.row_dimensions[cell.row].height or DEFAULT_HEIGHT
                fig.tallest_row = max(fig.tallest_row, height)
                if not isinstance(cell.value, str):
                    continue
                text = cell.value
                fig.longest_cell = max(fig.longest_cell, len(text))
                size = float(cell.font.sz or 11)
                w = merged.get((cell.row, cell.column)) or width(cell.column)
                place = f"{ws.title}!{cell.coordinate}"
                if len(text) > 1000:
                    fig.problems.append(f"{place}: {len(text)} characters")
                if cell.alignment.wrap_text and cell.font.b:  # a header: no word broken
                    capacity = w * CHARS_PER_UNIT * 10.0 / size / 1.1
                    if longest_word(text) > capacity:
                        fig.problems.append(f"{place}: '{text[:30]}' has a word broken across "
                                            "lines")
                if cell.alignment.wrap_text:
                    need = row_height([(text, w)], font_size=size)
                    if height + 0.5 < need:
                        fig.problems.append(f"{place}: row {height} pt, text needs {need} pt")
                elif not _fits_on_one_line(text, w, size):
                    right = ws.cell(cell.row, cell.column + 1).value
                    if right is not None:
                        fig.problems.append(f"{place}: '{text[:30]}' clipped by the next cell")
        for r, dim in ws.row_dimensions.items():
            if dim.height is not None and dim.height >= MAX_ROW_HEIGHT:
                fig.problems.append(f"{ws.title} row {r}: at Excel's maximum height")
        fig.rows = ws.max_row
        total = sum(width(c) for c in range(1, used + 1))
        setup = ws.page_setup
        page = PAGE_UNITS["landscape" if setup.orientation == "landscape" else "portrait"]
        if ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage:
            fig.print_scale = min(1.0, page / total) if total else 1.0
        else:
            fig.print_scale = (setup.scale or 100) / 100
        out.append(fig)
    return out


def column_letter(col: int) -> str:
    return get_column_letter(col)

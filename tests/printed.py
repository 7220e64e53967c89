"""Measures of a written workbook, read back with openpyxl: does every row hold its text, and at
what size does a sheet print. Independent of the writer: only the file and ``textwidth``."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import openpyxl
from openpyxl.utils import column_index_from_string, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from natk_xlsx.textwidth import BOLD_WIDTH, LINE_HEIGHT, wrapped_lines

DEFAULT_ROW_HEIGHT = 15.0
#: Paper sizes (points) by the OOXML paperSize code: A4 and Letter.
PAPER = {9: (595.3, 841.9), 1: (612.0, 792.0)}
#: Width units an indent level takes (Excel indents by about three spaces of the default font).
INDENT_UNITS = 2.0


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def column_pixels(ws: Worksheet, col: int) -> int:
    """The width of 1-based column ``col`` in pixels, by Excel's rule for the stored width W
    (at the default 11 pt Calibri, 7 pixels a character): trunc((256 W + trunc(128/7)) / 256 * 7)."""
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.min <= col <= dim.max and dim.width:
            return math.trunc((256 * float(dim.width) + math.trunc(128 / 7)) / 256 * 7)
    return 64  # Excel's default column


def column_width(ws: Worksheet, col: int) -> float:
    """The width of 1-based column ``col`` in character units (the pixels less the 5 of padding,
    7 a character), as a spreadsheet application shows it."""
    return (column_pixels(ws, col) - 5) / 7


def column_points(ws: Worksheet, col: int) -> float:
    """Printed width of a column at 100 %: 0.75 pt a pixel."""
    return column_pixels(ws, col) * 0.75


def row_height(ws: Worksheet, row: int) -> float:
    dim = ws.row_dimensions.get(row)
    return float(dim.height) if dim is not None and dim.height else DEFAULT_ROW_HEIGHT


@dataclass(frozen=True)
class ShortRow:
    sheet: str
    cell: str
    height: float
    needed: float
    text: str


def short_rows(ws: Worksheet) -> list[ShortRow]:
    """Every wrapped text whose row is too short for the lines it takes in its (merged) width."""
    merged = {}
    for rng in ws.merged_cells.ranges:
        c1, r1, c2, r2 = range_boundaries(str(rng))
        merged[(r1, c1)] = (c1, c2, r2 - r1 + 1)
    found = []
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or not value or value.startswith("="):
                continue
            if not cell.alignment.wrap_text or ws.column_dimensions[cell.column_letter].hidden:
                continue
            c1, c2, spans = merged.get((cell.row, cell.column), (cell.column, cell.column, 1))
            width = sum(column_width(ws, c) for c in range(c1, c2 + 1))
            width -= INDENT_UNITS * (cell.alignment.indent or 0)
            size = float(cell.font.sz or 11)
            lines = wrapped_lines(value, width, size)
            needed = lines * LINE_HEIGHT * size / 10
            height = sum(row_height(ws, cell.row + i) for i in range(spans))
            if height + 0.05 < needed:
                found.append(ShortRow(ws.title, cell.coordinate, height, needed, value[:60]))
    return found


def past_the_page(ws: Worksheet) -> list[ShortRow]:
    """Every text not wrapped that runs past the last column of the sheet's print area (what
    does not print: the Russian cover's title was cut at "по борьбе с тор"), measured from its
    cell to that column's right edge, in bold letters' width where the cell is bold."""
    area = ws.print_area
    if not area:
        return []
    ref = (area[0] if isinstance(area, list) else area).split("!")[-1].replace("$", "")
    _, _, last_col, _ = range_boundaries(ref)
    found = []
    for row in ws.iter_rows(max_col=last_col):
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or not value or value.startswith("=") \
                    or cell.alignment.wrap_text:
                continue
            room = sum(column_width(ws, c) for c in range(cell.column, last_col + 1))
            bold = BOLD_WIDTH if cell.font.b else 1.0
            if wrapped_lines(value, room / bold, float(cell.font.sz or 11)) > 1:
                found.append(ShortRow(ws.title, cell.coordinate, room, 0.0, value[:60]))
    return found


@dataclass(frozen=True)
class PrintScale:
    sheet: str
    scale: float
    smallest_font: float

    @property
    def printed_size(self) -> float:
        return self.scale * self.smallest_font


def print_scale(ws: Worksheet) -> PrintScale:
    """The scale a sheet prints at: its explicit scale, or the width fit of its print area's
    columns on its paper between its margins; and the smallest font in the print area."""
    setup = ws.page_setup
    area = ws.print_area
    if isinstance(area, list):
        area = area[0]
    ref = str(area).split("!")[-1].replace("$", "") if area else ws.dimensions
    c1, r1, c2, r2 = range_boundaries(ref)
    fit = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    if fit and (setup.fitToWidth or 1) >= 1:
        short, long = PAPER[int(setup.paperSize or 9)]
        paper = long if setup.orientation == "landscape" else short
        printable = paper - 72 * (ws.page_margins.left + ws.page_margins.right)
        pages = int(setup.fitToWidth or 1)
        total = sum(column_points(ws, c) for c in range(c1, c2 + 1))
        scale = min(1.0, pages * printable / total)
    else:
        scale = (setup.scale or 100) / 100
    sizes = [float(cell.font.sz or 11) for row in ws.iter_rows(min_row=r1, max_row=r2,
                                                            min_col=c1, max_col=c2)
             for cell in row if cell.value not in (None, "")]
    return PrintScale(ws.title, scale, min(sizes, default=11.0))


def page_room(ws: Worksheet) -> float:
    """The height of the sheet, in its points, that one printed page holds between its top and
    bottom margins, at the scale ``print_scale`` gives (Excel's width fit)."""
    setup = ws.page_setup
    short, long = PAPER[int(setup.paperSize or 9)]
    down = short if setup.orientation == "landscape" else long
    margins = 72 * (ws.page_margins.top + ws.page_margins.bottom)
    return (down - margins) / print_scale(ws).scale


def printed_pages(ws: Worksheet) -> list[list[int]]:
    """The rows (1-based) of each printed page of the print area, as the sheet's own page breaks
    part them (a break's id is the last row before it)."""
    area = ws.print_area
    if isinstance(area, list):
        area = area[0]
    last = range_boundaries(str(area).split("!")[-1].replace("$", ""))[3]
    bounds = [0, *sorted(b.id for b in ws.row_breaks.brk), last]
    return [list(range(a + 1, b + 1)) for a, b in pairwise(bounds)]


def letters_to_index(letters: str) -> int:
    return column_index_from_string(letters)

"""The books the reader reads from: a bounded grid of cells per sheet, and the openpyxl book,
the safe and complete reader (``fastread.CalamineBook`` has the same interface).

openpyxl is imported only when its book is opened (it costs ~100 ms to import)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, NamedTuple

from natk_xlsx import layout


class Cell(NamedTuple):
    """A raw cell as the reader found it (a named tuple: the reader builds thousands a return,
    and a tuple is built four times faster than a frozen dataclass)."""

    value: Any
    sheet: str
    cell: str
    is_formula: bool = False
    is_error: bool = False
    number_format: str = "General"



#: Rows scanned per sheet at most, whatever the file claims.
MAX_SCAN_ROWS = 20_000

#: Columns read from a component sheet (0-based): the id, the answer and detail columns with the
#: widest statistics grid and its total, and the hidden key column.
READ_COLUMNS = layout.COL_KEY + 1


#: Column letters of the first columns (0-based index → "A", "B", ...).
_LETTERS = [layout.cell_name(0, c, absolute=False)[:-1] for c in range(64)]


def cell_ref(row: int, col: int) -> str:
    """(1-based row, 0-based column) → ``D14``."""
    if col < len(_LETTERS):
        return f"{_LETTERS[col]}{row}"
    letters = layout.cell_name(0, col, False)[:-1]
    return f"{letters}{row}"


class SheetGrid:
    """The cells of one sheet that the reader needs, bounded in rows and columns whatever the
    file claims. Built by a ``Book``; this one holds its cells in a dict, ``fastread.RowGrid``
    builds them on demand from calamine's rows."""

    def __init__(self, title: str, cells: dict[tuple[int, int], Cell]) -> None:
        self.title = title
        self.cells = cells
        self.max_row = max((r for r, _ in cells), default=0)

    def value(self, row: int, col: int) -> Any:
        """The raw value at (1-based row, 0-based column), None where nothing is; a formula is
        its text (``=...``), never its result."""
        found = self.cells.get((row, col))
        return None if found is None else found.value

    def column(self, col: int) -> list[Any]:
        """The values of a column from row 1 to ``max_row`` (index 0 is row 1)."""
        return [self.value(row, col) for row in range(1, self.max_row + 1)]

    def get(self, row: int, col: int) -> Cell:
        """The cell at (1-based row, 0-based column); an empty one where nothing is."""
        found = self.cells.get((row, col))
        if found is not None:
            return found
        return Cell(None, self.title, cell_ref(row, col))

    def row_values(self, row: int, cols: tuple[int, ...]) -> list[Any]:
        """``value`` of each of these columns of a row."""
        return [self.value(row, col) for col in cols]

    def row_cells(self, row: int, col: int, count: int) -> list[Cell]:
        """``get`` of ``count`` cells of a row from column ``col``."""
        return [self.get(row, c) for c in range(col, col + count)]

    def within(self, max_rows: int, max_cols: int) -> SheetGrid:
        """The same sheet as if it had been read with these (smaller) bounds."""
        return SheetGrid(self.title, {place: cell for place, cell in self.cells.items()
                                      if place[0] <= max_rows and place[1] < max_cols})


class FrozenBook:
    """A book read to its reader's bounds in one process, to be read on in another: every
    sheet's grid, the document properties and the defined names, as plain data that pickles.
    A grid asked for with smaller bounds is the one the book itself would have given."""

    def __init__(self, book: Any) -> None:
        self.sheetnames: list[str] = list(book.sheetnames)
        self._grids: dict[str, SheetGrid] = {name: book.grid(name, MAX_SCAN_ROWS)
                                             for name in self.sheetnames}
        self._properties: dict[str, str] = book.properties()
        self._names: dict[str, str] = book.defined_names()

    def grid(self, name: str, max_rows: int, max_cols: int = READ_COLUMNS) -> SheetGrid:
        return self._grids[name].within(max_rows, max_cols)

    def properties(self) -> dict[str, str]:
        return self._properties

    def defined_names(self) -> dict[str, str]:
        return self._names

    def close(self) -> None:
        pass


def file_bytes(source: str | Path | bytes) -> bytes:
    """A workbook's bytes: read once (the gate has already bounded the size) and passed on."""
    return source if isinstance(source, bytes) else Path(source).read_bytes()


def open_workbook(source: str | Path | bytes) -> Any:
    """Load from bytes held in memory: the file is opened read-only and closed at once, and
    openpyxl does not judge the file by its extension."""
    import io

    import openpyxl

    data = file_bytes(source)
    with warnings.catch_warnings():
        # Every LibreOffice file triggers warnings about extensions openpyxl does not support.
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False,
                                      keep_vba=False, keep_links=False, rich_text=False)


class OpenpyxlBook:
    """A workbook read with openpyxl in read-only (streaming) mode: the safe, complete reader."""

    def __init__(self, source: str | Path | bytes) -> None:
        self.wb = open_workbook(source)
        self.sheetnames: list[str] = list(self.wb.sheetnames)

    def grid(self, name: str, max_rows: int, max_cols: int = READ_COLUMNS) -> SheetGrid:
        ws = self.wb[name]
        cells: dict[tuple[int, int], Cell] = {}
        for row in ws.iter_rows(min_row=1, max_row=max_rows, max_col=max_cols):
            for c in row:
                value = getattr(c, "value", None)
                if value is None:
                    continue
                r, col = c.row, c.column - 1
                kind = getattr(c, "data_type", "n")
                cells[(r, col)] = Cell(
                    value=value, sheet=name, cell=cell_ref(r, col),
                    is_formula=kind == "f", is_error=kind == "e",
                    number_format=getattr(c, "number_format", None) or "General")
        return SheetGrid(name, cells)

    def properties(self) -> dict[str, str]:
        props: dict[str, str] = {}
        try:
            for prop in self.wb.custom_doc_props.props:
                if prop.name.startswith("natk_"):
                    props[prop.name[5:]] = "" if prop.value in (None, "-") else str(prop.value)
        except AttributeError:
            pass
        return props

    def defined_names(self) -> dict[str, str]:
        return {name: str(getattr(d, "attr_text", "") or "")
                for name, d in self.wb.defined_names.items()}

    def close(self) -> None:
        self.wb.close()



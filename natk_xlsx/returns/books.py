"""The books the reader reads from: a bounded grid of cells per sheet (a dict of cells, or
calamine's rows as they came: ``RowGrid``), the book frozen to be sent to another process, and
the openpyxl book, the safe and complete reader (``fastread.CalamineBook`` has the same
interface). The process that reads a frozen book imports only this module, not the fast
reader's scans.

openpyxl is imported only when its book is opened (it costs ~100 ms to import)."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from functools import partial
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
#: Cells past the readers' bounds counted at most, to be said (a hostile sheet may hold a
#: million): ``fastread.far_cells``.
FAR_COUNTED = 1000

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


def place(cell: Cell) -> tuple[int, int]:
    """A cell's place: (1-based row, 0-based column)."""
    letters = cell.cell.rstrip("0123456789")
    return int(cell.cell[len(letters):]), layout.column_number(letters) - 1


class SheetGrid:
    """The cells of one sheet that the reader needs, bounded in rows and columns whatever the
    file claims. Built by a ``Book``; this one holds its cells in a dict, ``RowGrid`` builds
    them on demand from calamine's rows."""

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

    def filled(self, row: int, first: int, last: int) -> list[int]:
        """The columns from ``first`` to ``last`` of a row where a value is, not a formula."""
        found = (self.get(row, col) for col in range(first, last + 1))
        return [first + k for k, cell in enumerate(found)
                if cell.value is not None and not cell.is_formula]

    def blank(self, row: int, first: int, last: int) -> bool:
        """Whether nothing at all (not even a formula) is in the columns from ``first`` to
        ``last`` of a row."""
        return all(self.value(row, col) is None for col in range(first, last + 1))

    def occupied_rows(self, *bands: tuple[int, int]) -> list[set[int]]:
        """For each band of columns (first, last), the rows with something there (a formula
        too): from the cells held, each of which holds a value."""
        return [{r for (r, c), cell in self.cells.items()
                 if first <= c <= last and cell.value is not None} for first, last in bands]

    def occupied_by_value(self, *bands: tuple[int, int]) -> list[set[int]]:
        """``occupied_rows`` from ``value``, cell by cell: what any grid gives (slow on a deep
        sheet)."""
        return [{r for r in range(1, self.max_row + 1)
                 if any(self.value(r, c) is not None for c in range(first, last + 1))}
                for first, last in bands]

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


#: (formula cells with their text, error cells with what they show) of a sheet, keyed by (1-based
#: row, 0-based column).
Marks = tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]


#: A ``Cell`` from its six fields in order, without its constructor's keyword handling.
_cell: Callable[[tuple[Any, ...]], Cell] = partial(tuple.__new__, Cell)
GENERAL = Cell._field_defaults["number_format"]


def _as_read(value: Any) -> Any:
    """A plain cell's value from calamine as the reader takes it: empty is None, a time of day
    its ISO text."""
    if value == "":
        return None
    return value.isoformat() if isinstance(value, dt.time) else value


class RowGrid(SheetGrid):
    """A sheet as calamine's rows: a value is looked up where the reader asks, and a ``Cell``
    built only then. Formulas and error cells come from the XML scan."""

    def __init__(self, title: str, rows: list[list[Any]], start: tuple[int, int], marks: Marks,
                 max_rows: int, max_cols: int) -> None:
        self.title = title
        self.cells = {}
        self._rows = rows
        self._row0, self._col0 = start
        self._formulas, self._errors = marks
        self._max_rows = max_rows
        self._max_cols = max_cols
        self._marked: dict[int, list[int]] | None = None  # row → its formula and error columns
        last = 0
        for r in range(min(len(rows) + self._row0, max_rows), 0, -1):
            if any(self._raw(r, c) not in ("", None) for c in range(max_cols)):
                last = r
                break
        marked = [r for (r, c) in (*self._formulas, *self._errors)
                  if r <= max_rows and c < max_cols]
        self.max_row = max(last, *marked) if marked else last

    def _by_row(self) -> dict[int, list[int]]:
        """Row → its formula and error columns."""
        if self._marked is None:
            self._marked = {}
            for r, c in (*self._formulas, *self._errors):
                self._marked.setdefault(r, []).append(c)
        return self._marked

    def _plain_line(self, row: int, first: int, last: int) -> list[Any] | None:
        """Calamine's row ``row`` when its cells from column ``first`` to ``last`` read as they
        stand (within bounds, none a formula or an error), else None."""
        i = row - 1 - self._row0
        if (row > self._max_rows or last >= self._max_cols or self._col0 or i < 0
                or i >= len(self._rows)):
            return None
        marked = self._by_row().get(row)
        if marked and any(first <= c <= last for c in marked):
            return None
        return self._rows[i]

    def filled(self, row: int, first: int, last: int) -> list[int]:
        # most rows hold nothing there: told at C speed from calamine's row
        last = min(last, self._max_cols - 1)
        i = row - 1 - self._row0
        if self._col0 or row > self._max_rows or i < 0 or first > last:
            return super().filled(row, first, last) if first <= last else []
        found: list[int] = []
        if i < len(self._rows):
            part = self._rows[i][first:last + 1]
            if part.count("") + part.count(None) < len(part):
                found = [first + k for k, v in enumerate(part) if v != "" and v is not None]
        marked = self._by_row().get(row)
        if not marked:
            return found
        errors = [c for c in marked if first <= c <= last and (row, c) not in self._formulas]
        found = [c for c in found if (row, c) not in self._formulas]
        return sorted(set(found + errors))

    def blank(self, row: int, first: int, last: int) -> bool:
        i = row - 1 - self._row0
        if self._col0 or i < 0 or row > self._max_rows:
            return super().blank(row, first, last)
        marked = self._by_row().get(row)
        if marked and any(first <= c <= last for c in marked):
            return False
        if i >= len(self._rows):
            return True
        part = self._rows[i][first:min(last, self._max_cols - 1) + 1]
        return part.count("") == len(part)

    def occupied_rows(self, *bands: tuple[int, int]) -> list[set[int]]:
        # one pass over calamine's rows, each band of each told at C speed
        if self._col0:
            return self.occupied_by_value(*bands)
        lines = self._rows[:max(0, self._max_rows - self._row0)]
        found: list[set[int]] = []
        for first, last in bands:
            start, stop, row0 = first, min(last, self._max_cols - 1) + 1, self._row0 + 1
            rows = {i + row0 for i, line in enumerate(lines)
                    if (part := line[start:stop]) and part.count("") < len(part)}
            rows.update(r for r, c in self._formulas if start <= c < stop)
            rows.update(r for r, c in self._errors if start <= c < stop)
            found.append({r for r in rows if r <= self._max_rows})
        return found

    def row_values(self, row: int, cols: tuple[int, ...]) -> list[Any]:
        line = self._plain_line(row, min(cols), max(cols))
        if line is None:
            return [self.value(row, col) for col in cols]
        return [_as_read(line[col] if col < len(line) else None) for col in cols]

    def row_cells(self, row: int, col: int, count: int) -> list[Cell]:
        line = self._plain_line(row, col, col + count - 1)
        if line is None:
            return [self.get(row, c) for c in range(col, col + count)]
        title = self.title
        return [_cell((_as_read(line[c] if c < len(line) else None), title, cell_ref(row, c),
                       False, False, GENERAL)) for c in range(col, col + count)]

    def within(self, max_rows: int, max_cols: int) -> RowGrid:
        return RowGrid(self.title, self._rows, (self._row0, self._col0),
                       (self._formulas, self._errors), max_rows, max_cols)

    def _raw(self, row: int, col: int) -> Any:
        i, j = row - 1 - self._row0, col - self._col0
        if i < 0 or j < 0 or i >= len(self._rows):
            return None
        line = self._rows[i]
        return line[j] if j < len(line) else None

    def value(self, row: int, col: int) -> Any:
        if row > self._max_rows or col >= self._max_cols:
            return None
        formula = self._formulas.get((row, col))
        if formula is not None:
            return formula  # the formula, never its cached value
        i = row - 1 - self._row0
        j = col - self._col0
        if i < 0 or j < 0 or i >= len(self._rows):
            return None
        line = self._rows[i]
        value = line[j] if j < len(line) else None
        if value == "":
            return self._errors.get((row, col))
        if isinstance(value, dt.time):
            return value.isoformat()
        return value

    def column(self, col: int) -> list[Any]:
        if col >= self._max_cols:
            return [None] * self.max_row
        j = col - self._col0
        first = self._row0  # rows above calamine's first row are empty
        found: list[Any] = [None] * min(first, self.max_row)
        for line in self._rows[:max(0, self.max_row - first)]:
            value = line[j] if 0 <= j < len(line) else None
            found.append(None if value == "" else value)
        found += [None] * (self.max_row - len(found))  # rows past calamine's last one
        for row, c in (*self._formulas, *self._errors):
            if c == col and row <= self.max_row:
                found[row - 1] = self.value(row, col)
        for i, value in enumerate(found):
            if isinstance(value, dt.time):
                found[i] = value.isoformat()
        return found

    def get(self, row: int, col: int) -> Cell:
        # ``value`` and the ``Cell`` built in one step: the reader asks for ~3,000 a return
        ref = cell_ref(row, col)
        i, j = row - 1 - self._row0, col - self._col0
        if row > self._max_rows or col >= self._max_cols or i < 0 or j < 0:
            return _cell((None, self.title, ref, False, False, GENERAL))
        place = (row, col)
        formula = self._formulas.get(place)
        if formula is not None:  # the formula, never its cached value
            return _cell((formula, self.title, ref, True, place in self._errors, GENERAL))
        if i >= len(self._rows):
            return _cell((None, self.title, ref, False, False, GENERAL))
        line = self._rows[i]
        value = line[j] if j < len(line) else None
        if value == "" or value is None:
            error = value == "" and place in self._errors
            return _cell((self._errors[place] if error else None, self.title, ref, False, error,
                          GENERAL))
        if isinstance(value, dt.time):
            value = value.isoformat()
        return _cell((value, self.title, ref, False, place in self._errors, GENERAL))


class FrozenBook:
    """A book read to its reader's bounds in one process, to be read on in another: every
    sheet's grid, the document properties and the defined names, as plain data that pickles.
    A grid asked for with smaller bounds is the one the book itself would have given."""

    def __init__(self, book: Any) -> None:
        self.sheetnames: list[str] = list(book.sheetnames)
        # as wide as a sheet the respondent added is read (the component sheets' bounds within)
        self._grids: dict[str, SheetGrid] = {
            name: book.grid(name, MAX_SCAN_ROWS, layout.ADDED_COLUMNS) for name in self.sheetnames}
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
        if not hasattr(ws, "iter_rows"):  # a chart sheet: no cells, as calamine reads it
            return SheetGrid(name, cells)
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



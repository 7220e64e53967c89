"""The fast reader: python-calamine for cell values, plus a light scan of the sheet XML for what
calamine does not say (which cells hold formulas or errors, defined names, document properties).

It is used only when python-calamine is installed and every cell of the file lies where a
questionnaire's can (a hostile file with a cell in the far corner would make calamine allocate
without bound): otherwise ``open_fast`` returns None and the reader falls back to openpyxl.
Formulas are never evaluated, and their cached values are never used as answers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from openpyxl.utils import get_column_letter

from natk_xlsx import layout
from natk_xlsx.returns.books import MAX_SCAN_ROWS, SheetGrid, file_bytes
from natk_xlsx.returns.coerce import Cell

#: Columns the reader uses: the id, the answer, details and statistics grid with its total, the
#: hidden key (the question text and guidance are not needed to read answers).
_READ_COLUMNS = [layout.COL_ID, *range(layout.COL_ANSWER,
                                       layout.COL_ANSWER + layout.MAX_BREAKDOWN_COLUMNS + 1),
                 layout.COL_KEY]

#: The fast path is refused for any sheet with a cell beyond these bounds.
MAX_COLUMN = 64
MAX_ROW = MAX_SCAN_ROWS

_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_SHEET_ALT = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', re.S)
_REL_ALT = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"', re.S)
_NAME = re.compile(rb'<definedName\b([^>]*)>([^<]*)</definedName>', re.S)
_NAME_ATTR = re.compile(rb'\bname="([^"]*)"')
_CELL = re.compile(rb'<c\b([^>]*?)(/>|>(.*?)</c>)', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_FORMULA_CELL = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>\s*(?:<v>[^<]*</v>\s*)?<f\b[^>]*?(?:/>|>([^<]*)</f>)')
_FORMULA_TAG = re.compile(rb"<f[ >/]")
_ERROR_CELL = re.compile(rb'<c\b(?=[^>]*?\bt="e")[^>]*?\br="([A-Z]{1,3})(\d+)"')
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
_PROP = re.compile(rb'<property\b[^>]*?\bname="([^"]*)"[^>]*>\s*<vt:[a-zA-Z0-9]+>([^<]*)</vt:',
                   re.S)
_ENTITIES = {b"&amp;": b"&", b"&lt;": b"<", b"&gt;": b">", b"&quot;": b'"', b"&apos;": b"'"}


def _unescape(raw: bytes) -> str:
    for entity, char in _ENTITIES.items():
        raw = raw.replace(entity, char)
    return raw.decode("utf-8", "replace")


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


class CalamineBook:
    """The same interface as ``reader.OpenpyxlBook``, read with python-calamine."""

    def __init__(self, data: bytes, workbook: Any, sheet_paths: dict[str, str],
                 archive: zipfile.ZipFile) -> None:
        self.data = data
        self.workbook = workbook
        self.sheet_paths = sheet_paths
        self.archive = archive
        self.sheetnames = list(workbook.sheet_names)
        self._names: dict[str, str] | None = None
        self._marks: dict[str, tuple[dict[tuple[int, int], str], set[tuple[int, int]]]] = {}

    def marks(self, name: str) -> tuple[dict[tuple[int, int], str], set[tuple[int, int]]]:
        """(formula cells with their text, error cells) of a sheet, keyed by (1-based row,
        0-based column). Formulas are kept as text, never evaluated."""
        if name not in self._marks:
            formulas: dict[tuple[int, int], str] = {}
            errors: set[tuple[int, int]] = set()
            xml = self.archive.read(self.sheet_paths[name]) if name in self.sheet_paths else b""
            if b"<f" in xml:
                for letters, digits, text in _FORMULA_CELL.findall(xml):
                    formulas[(int(digits), _column(letters) - 1)] = "=" + (
                        _unescape(text) if text else "…")
            if b't="e"' in xml:
                for letters, digits in _ERROR_CELL.findall(xml):
                    errors.add((int(digits), _column(letters) - 1))
            self._marks[name] = (formulas, errors)
        return self._marks[name]

    def grid(self, name: str, max_rows: int, max_cols: int = layout.COL_KEY + 1) -> SheetGrid:
        sheet = self.workbook.get_sheet_by_name(name)
        formulas, errors = self.marks(name)
        cells: dict[tuple[int, int], Cell] = {}
        start_row, start_col = sheet.start or (0, 0)
        # a component sheet: only the columns the reader uses; small sheets: every column
        wanted = _READ_COLUMNS if max_cols == layout.COL_KEY + 1 else list(range(max_cols))
        letters = {c: get_column_letter(c + 1) for c in wanted}
        for i, row in enumerate(sheet.iter_rows()):
            r = start_row + i + 1
            if r > max_rows:
                break
            width = len(row)
            for col in wanted:
                j = col - start_col
                if j < 0 or j >= width:
                    continue
                value = row[j]
                if (r, col) in formulas:
                    value = formulas[(r, col)]  # the formula, never its cached value
                elif (value == "" or value is None) and (r, col) not in errors:
                    continue
                if isinstance(value, dt.time):
                    value = value.isoformat()
                cells[(r, col)] = Cell(
                    value=value, sheet=name, cell=f"{letters[col]}{r}",
                    is_formula=(r, col) in formulas, is_error=(r, col) in errors,
                    number_format="General")
        return SheetGrid(name, cells)

    def properties(self) -> dict[str, str]:
        try:
            xml = self.archive.read("docProps/custom.xml")
        except KeyError:
            return {}
        props = {}
        for name, value in _PROP.findall(xml):
            key = _unescape(name)
            if key.startswith("natk_"):
                text = _unescape(value)
                props[key[5:]] = "" if text == "-" else text
        return props

    def defined_names(self) -> dict[str, str]:
        if self._names is None:
            xml = self.archive.read("xl/workbook.xml")
            names: dict[str, str] = {}
            for attrs, body in _NAME.findall(xml):
                found = _NAME_ATTR.search(attrs)
                if found and b"localSheetId" not in attrs:
                    names[_unescape(found.group(1))] = _unescape(body)
            self._names = names
        return self._names

    def close(self) -> None:
        self.archive.close()


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {rid: target for rid, target in _REL.findall(rels)}
    targets.update({rid: target for target, rid in _REL_ALT.findall(rels) if rid not in targets})
    sheets = {name: rid for name, rid in _SHEET.findall(workbook)}
    sheets.update({name: rid for rid, name in _SHEET_ALT.findall(workbook) if name not in sheets})
    paths = {}
    for name, rid in sheets.items():
        target = targets.get(rid)
        if target is None:
            continue
        text = target.decode("utf-8", "replace")
        path = text.lstrip("/") if text.startswith("/") else str(PurePosixPath("xl") / text)
        paths[_unescape(name)] = path
    return paths


def _within_bounds(archive: zipfile.ZipFile, paths: dict[str, str]) -> bool:
    """Every cell of every sheet the reader may open lies within MAX_ROW × MAX_COLUMN, and every
    formula sits in a cell that names its place (so the scan can tell which cell it is in); the
    hidden lists sheet, never read on import, is exempt."""
    for name, path in paths.items():
        if name == layout.LISTS_SHEET:
            continue
        try:
            xml = archive.read(path)
        except KeyError:
            return False
        if len(_FORMULA_TAG.findall(xml)) != len(_FORMULA_CELL.findall(xml)):
            return False
        for ref in _FAR_REF.findall(xml):  # only references of 2+ letters or 5+ digits
            letters = ref.rstrip(b"0123456789")
            if _column(letters) > MAX_COLUMN or int(ref[len(letters):]) > MAX_ROW:
                return False
    return True


_FAR_REF = re.compile(rb' r="([A-Z]{2,3}\d+|[A-Z]\d{5,})"')


def _declares_entities(archive: zipfile.ZipFile) -> bool:
    """Any XML part with a document type declaration (entity definitions): never in a real
    spreadsheet."""
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as f:
                head = f.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                return True
    return False


def open_fast(source: str | Path | bytes) -> CalamineBook | None:
    """A ``CalamineBook``, or None where the fast path cannot be used safely."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    data = file_bytes(source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        paths = _sheet_paths(archive)
        if not paths or not _within_bounds(archive, paths):
            archive.close()
            return None
        if _declares_entities(archive):
            archive.close()
            return None  # the careful reader refuses these with a clear message
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # anything odd: let the careful reader judge the file
        return None
    return CalamineBook(data, workbook, paths, archive)

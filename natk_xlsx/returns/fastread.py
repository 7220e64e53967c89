"""The fast reader: python-calamine for cell values, plus one scan of each sheet's XML for what
calamine does not say (which cells hold formulas or errors), defined names and document
properties.

It is used only when python-calamine is installed and every cell of the file lies where a
questionnaire's can (a hostile file with a cell in the far corner would make calamine allocate
without bound): otherwise ``open_fast`` returns None and the reader falls back to openpyxl.
Each sheet's XML is inflated once, by the gate, which also proves most sheets free of far cells
as it checks their rows (``partscan.NEAR_ROWS``); one pass over each sheet then finds far cells
(where the gate proved nothing), formulas and error cells (and refuses a formula or error it
cannot place). Cells are built only for the places the reader asks for (``books.RowGrid``), not
for every non-empty cell. Formulas are never evaluated, and their cached values are never used
as answers.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import re
import zipfile
from collections.abc import Mapping, Set
from pathlib import Path
from typing import Any

from natk_xlsx import layout
from natk_xlsx.returns.books import (
    FAR_COUNTED,
    MAX_SCAN_ROWS,
    READ_COLUMNS,
    Marks,
    RowGrid,
    SheetGrid,
    cell_ref,
    file_bytes,
)
from natk_xlsx.returns.partscan import NEAR_COLUMNS, ODD_CELL, root_offset

#: The fast path is refused for any sheet with a cell beyond these bounds (the rows the reader
#: scans; the gate proves most sheets within them as it checks them, ``partscan.NEAR_ROWS``).
MAX_COLUMN = NEAR_COLUMNS
MAX_ROW = MAX_SCAN_ROWS

_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_SHEET_ALT = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', re.S)
_REL_ALT = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"', re.S)
_NAME = re.compile(rb'<definedName\b([^>]*)>([^<]*)</definedName>', re.S)
_NAME_ATTR = re.compile(rb'\bname="([^"]*)"')
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_FORMULA_TAG = re.compile(rb"<f[ \t\r\n>/]")  # any XML white space may end the name
#: Cell references of 2+ letters or 5+ digits: the only ones that can lie out of bounds.
_FAR_REF = re.compile(rb' r="([A-Z]{2,3}\d+|[A-Z]\d{5,})"')
_CELL_TAG_END = (b" ", b"\t", b"\n", b"\r")
_PROP = re.compile(rb'<property\b[^>]*?\bname="([^"]*)"[^>]*>\s*<vt:[a-zA-Z0-9]+(?:\s[^>]*)?>([^<]*)</vt:',
                   re.S)
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_REFERENCE = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos);")


def _unescape(raw: bytes) -> str:
    """XML text as a parser gives it: each entity and character reference read once
    (``&amp;lt;`` is ``&lt;``, ``&#233;`` is é)."""
    text = raw.decode("utf-8", "replace")
    return _REFERENCE.sub(_referenced, text) if "&" in text else text


def _referenced(match: re.Match[str]) -> str:
    name = match.group(1)
    if not name.startswith("#"):
        return _ENTITIES[name]
    code = int(name[2:], 16) if name[1] == "x" else int(name[1:])
    allowed = (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
               or 0x10000 <= code <= 0x10FFFF)  # the characters XML allows
    return chr(code) if allowed else match.group(0)


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _cell_at(xml: bytes, pos: int) -> tuple[int, int] | None:
    """The (row, column) of the cell whose element holds the position ``pos`` (a formula or an
    attribute), or None when it is not inside a cell that names its place."""
    start = xml.rfind(b"<c", 0, pos)
    while start >= 0 and xml[start + 2:start + 3] not in _CELL_TAG_END:
        start = xml.rfind(b"<c", 0, start)  # <col>, <cfRule>...: not a cell
    if start < 0:
        return None
    tag_end = xml.find(b">", start)
    if tag_end < 0 or (tag_end < pos and (xml[tag_end - 1:tag_end] == b"/"
                                          or xml.find(b"</c>", tag_end, pos) >= 0)):
        return None  # the cell closed before ``pos``
    ref = _REF.search(xml, start, tag_end)
    if ref is None:
        return None
    return int(ref.group(2)), _column(ref.group(1)) - 1


#: A cell whose first child is its formula, as every common writer puts it.
_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*+(?<!/)><f(?:[ \t\r\n][^>]*+)?(?:/>|>([^<]*+)</f>)')


def _formula_cells(xml: bytes) -> dict[tuple[int, int], str] | None:
    """The formula cells of a sheet in one match each, or None when some formula is not the
    first child of a cell naming its place (then each is placed by ``_cell_at``)."""
    cells = _FORMULA_CELL.findall(xml)
    if len(cells) != len(_FORMULA_TAG.findall(xml)):
        return None
    found = {}
    for letters, row, text in cells:
        place = (int(row), _column(letters) - 1)
        if place in found:
            return None
        # the text only where the reader can look (the helper formulas past it are many)
        found[place] = ("=" + (_unescape(text) if text else "…") if place[1] < READ_COLUMNS
                        else "=")
    return found


def _formulas_one_by_one(xml: bytes) -> dict[tuple[int, int], str] | None:
    """Each formula placed by the cell that holds it, or None when one is not in a cell that
    names its place."""
    formulas: dict[tuple[int, int], str] = {}
    for match in _FORMULA_TAG.finditer(xml):
        place = _cell_at(xml, match.start())
        if place is None:
            return None
        end = xml.find(b">", match.start())
        close = xml.find(b"</f>", end) if end >= 0 and xml[end - 1:end] != b"/" else -1
        text = xml[end + 1:close] if close >= 0 else b""
        formulas[place] = "=" + (_unescape(text) if text else "…")
    return formulas


def scan_sheet(xml: bytes, near: bool = False) -> Marks | None:
    """One pass over a sheet's XML: its formula and error cells, or None when the sheet cannot
    be read safely by the fast path (a cell out of bounds, a formula or error that is not in a
    cell naming its place, namespace-prefixed cells that the formula scan would not see, a cell
    whose place the far-cell search cannot read). ``near``: the gate has proved every row and
    cell within bounds, and written as every common writer writes it, so none is looked for."""
    if not near and ODD_CELL.search(xml):  # a cell ``_FAR_REF`` cannot place
        return None
    for ref in () if near else _FAR_REF.findall(xml):
        letters = ref.rstrip(b"0123456789")
        if _column(letters) > MAX_COLUMN or int(ref[len(letters):]) > MAX_ROW:
            return None
    data = xml.find(b"sheetData")  # the first one: near the start, so this costs little
    if data > 0 and xml[data - 1:data] == b":":
        return None
    formulas = _formula_cells(xml)
    if formulas is None:
        formulas = _formulas_one_by_one(xml)
        if formulas is None:
            return None
    errors: dict[tuple[int, int], str] = {}
    at = xml.find(b't="e"')
    while at >= 0:
        start = xml.rfind(b"<", 0, at)
        # only an attribute of a cell's start tag (an answer's text may say t="e" too)
        if xml.find(b">", start, at) < 0 and xml.startswith(b"<c", start) and \
                xml[start + 2:start + 3] in _CELL_TAG_END and xml[at - 1:at] in _CELL_TAG_END:
            place = _cell_at(xml, at)
            if place is None:
                return None
            errors[place] = _error_text(xml, at)
        at = xml.find(b't="e"', at + 5)
    return formulas, errors


_ERROR_VALUE = re.compile(rb"<v>([^<]{1,40})</v>")


def _error_text(xml: bytes, at: int) -> str:
    """What an error cell (its ``t="e"`` at ``at``) shows, such as ``#N/A``: its cached value,
    which calamine does not give."""
    end = xml.find(b">", at)
    if end < 0 or xml[end - 1:end] == b"/":
        return ""
    close = xml.find(b"</c>", end)
    found = _ERROR_VALUE.search(xml, end, close if close >= 0 else end + 200)
    return _unescape(found.group(1)) if found else ""


def far_cells(xml: bytes) -> tuple[int, str] | None:
    """The cells of a sheet past ``MAX_ROW`` or ``MAX_COLUMN``, where no reader looks, that hold
    a value (not a formula, not only a format, not only spaces): how many (past
    ``FAR_COUNTED``, one more), and the place of the first; None where there is none. A sheet
    written as common writers write it is matched in one pass; any other is parsed as XML (the
    gate has refused entity declarations in every part it inflates), so that a cell is placed
    however it is written: by its place, or after the cell or row before it."""
    odd = ODD_CELL.search(xml) is not None  # a cell the place search cannot place
    if not odd and not _placed_far(xml):  # most such sheets: told at C speed
        return None
    if not odd and _plain(xml):  # every cell written as common writers write it: matched
        return _plain_far_cells(xml)
    return _parsed_far_cells(xml)


def _parsed_far_cells(xml: bytes) -> tuple[int, str] | None:
    """``far_cells`` of any sheet, parsed."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    far = _FarCells(parser)
    parser.StartElementHandler = far.start
    parser.EndElementHandler = far.end
    # enough counted, or a sheet no parser reads: what was found so far is said
    with contextlib.suppress(expat.ExpatError, _Enough, ValueError):
        parser.Parse(xml, True)
    return (far.count, far.first) if far.count else None


def _placed_far(xml: bytes) -> bool:
    """Whether a place past the bounds is written in a sheet (in a cell, or in a text)."""
    for match in _FAR_REF.finditer(xml):
        ref = match.group(1)
        letters = ref.rstrip(b"0123456789")
        if _column(letters) > MAX_COLUMN or int(ref[len(letters):]) > MAX_ROW:
            return True
    return False


def _plain(xml: bytes) -> bool:
    """Whether nothing but tags and text lies between a sheet's tags (no comment, CDATA
    section or processing instruction past the prolog), each cell beginning with its place
    (no ``ODD_CELL``, which the caller has looked for)."""
    return b"<!--" not in xml and b"<![CDATA[" not in xml and xml.count(b"<?") <= 1


#: A cell that may lie past the bounds (two letters or more, five digits or more), written as
#: common writers write it, with what it holds: not an empty one, nor one whose formula comes
#: first (most formulas; one that comes later is told by what the cell holds); and a value.
_PLAIN_FAR_CELL = re.compile(
    rb'<c r="([A-Z]{2,3}[0-9]+|[A-Z][0-9]{5,})"[^>]*+(?<!/)>(?!<f[\s>/])(.*?)</c>', re.S)
_PLAIN_VALUE = re.compile(rb"<v>([^<]*)</v>|<is>(.*?)</is>", re.S)
_TAGS = re.compile(rb"<[^>]*>")


def _plain_far_cells(xml: bytes) -> tuple[int, str] | None:
    """``far_cells`` of a sheet written plainly (``_plain``), matched in one pass."""
    count, first = 0, ""
    for match in _PLAIN_FAR_CELL.finditer(xml):
        ref, body = match.groups()
        letters = ref.rstrip(b"0123456789")
        if (_column(letters) <= MAX_COLUMN and int(ref[len(letters):]) <= MAX_ROW) \
                or not body or b"<f" in body:
            continue
        value = _PLAIN_VALUE.search(body)
        text = b"" if value is None else (
            value.group(1) if value.group(1) is not None else _TAGS.sub(b"", value.group(2)))
        if _unescape(text).strip():
            count += 1
            first = first or ref.decode("ascii")
            if count > FAR_COUNTED:
                break
    return (count, first) if count else None


class _Enough(Exception):
    pass


class _FarCells:
    """The state of ``far_cells`` as the parser goes: the place of the cell it is in, and, in
    a cell past the bounds, whether it holds a formula and the text of its value."""

    def __init__(self, parser: Any) -> None:
        self.row = self.col = self.count = 0
        self.first = ""
        self.cell: tuple[bool, list[str]] | None = None  # (formula, value's text) of a far cell
        self.parser = parser  # its text is asked for only within a far cell's value

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            text = attrs.get("r", "")
            self.row, self.col = int(text) if text.isdigit() else self.row + 1, 0
        elif local == "c":
            place = _CELL_PLACE.fullmatch(attrs.get("r", ""))
            self.col = _column(place.group(1).encode()) if place else self.col + 1
            self.row = int(place.group(2)) if place else self.row
            self.cell = (False, []) if self.row > MAX_ROW or self.col > MAX_COLUMN else None
        elif self.cell is not None:
            if local == "f":
                self.cell = (True, self.cell[1])
            elif local in ("v", "t"):
                self.parser.CharacterDataHandler = self.cell[1].append

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local in ("v", "t"):
            self.parser.CharacterDataHandler = None
        elif local == "c" and self.cell is not None:
            formula, text = self.cell
            self.cell = None
            if not formula and "".join(text).strip():
                self.count += 1
                self.first = self.first or cell_ref(self.row, self.col - 1)
                if self.count > FAR_COUNTED:
                    raise _Enough


_CELL_PLACE = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")


def far_text(data: bytes, inflated: Mapping[str, bytes], near: Set[str]
             ) -> dict[str, tuple[int, str]]:
    """Sheet name → (cells holding a value past the readers' bounds, the first's place), for
    the worksheets the gate inflated (``inflated``) and could not prove near (``near``): said
    to the respondent, as they are not read."""
    if all(part in near for part in inflated):
        return {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            paths = sheet_paths(archive)
    except Exception:  # a workbook part the fast reader cannot map: nothing can be said
        return {}
    found = {}
    for name, path in paths.items():
        xml = inflated.get(path)
        if xml is not None and path not in near and name not in (layout.LISTS_SHEET,
                                                                  layout.META_SHEET):
            far = far_cells(xml)
            if far is not None:
                found[name] = far
    return found


class CalamineBook:
    """The same interface as ``books.OpenpyxlBook``, read with python-calamine."""

    def __init__(self, data: bytes, workbook: Any, marks: dict[str, Marks],
                 archive: zipfile.ZipFile) -> None:
        self.data = data
        self.workbook = workbook
        self.archive = archive
        self.sheetnames = list(workbook.sheet_names)
        self._names: dict[str, str] | None = None
        self._marks = marks
        self._rows: dict[str, tuple[list[list[Any]], tuple[int, int]]] = {}

    def marks(self, name: str) -> Marks:
        """(formula cells with their text, error cells) of a sheet, keyed by (1-based row,
        0-based column). Formulas are kept as text, never evaluated."""
        return self._marks.get(name, ({}, {}))

    def grid(self, name: str, max_rows: int, max_cols: int = layout.COL_KEY + 1) -> SheetGrid:
        if name not in self._rows:
            sheet = self.workbook.get_sheet_by_name(name)
            # rows from A1 (not from the first non-empty cell), so that places are absolute
            self._rows[name] = (sheet.to_python(skip_empty_area=False, nrows=MAX_SCAN_ROWS),
                                (0, 0))
        rows, start = self._rows[name]
        return RowGrid(name, rows, start, self.marks(name), max_rows, max_cols)

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


def sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part (``xl/worksheets/sheet1.xml``), in the workbook's order."""
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
        # as the gate names the part ("xl/../xl/worksheets/…" is "xl/worksheets/…")
        path = text.lstrip("/") if text.startswith("/") else posixpath.normpath("xl/" + text)
        paths[_unescape(name)] = path
    return paths


def _scan_sheets(archive: zipfile.ZipFile, paths: dict[str, str],
                 inflated: Mapping[str, bytes], near: Set[str]) -> dict[str, Marks] | None:
    """Every sheet the reader may open, scanned once (``scan_sheet``); None as soon as one
    cannot be read safely. The hidden lists sheet, never read on import, is not scanned."""
    marks: dict[str, Marks] = {}
    for name, path in paths.items():
        if name == layout.LISTS_SHEET:
            continue
        xml = inflated.get(path)
        try:
            xml = archive.read(path) if xml is None else xml
        except KeyError:
            return None
        found = scan_sheet(xml, path in near)
        if found is None:
            return None
        marks[name] = found
    return marks


def _declares_entities(archive: zipfile.ZipFile) -> bool:
    """Any XML part whose prolog declares a document type (entity definitions), however long
    the prolog: never in a real spreadsheet."""
    return any(root_offset(archive, info) < 0 for info in archive.infolist()
               if info.filename.endswith((".xml", ".rels")))


def open_fast(source: str | Path | bytes, inflated: Mapping[str, bytes] | None = None,
              near: Set[str] = frozenset()) -> CalamineBook | None:
    """A ``CalamineBook``, or None where the fast path cannot be used safely. ``inflated``:
    worksheets' XML already inflated from these very bytes by the gate, by part name (the gate
    has then refused entity declarations in every part, so they are not looked for again);
    ``near``: those of them the gate proved to lie within ``MAX_ROW`` and ``MAX_COLUMN``."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    data = file_bytes(source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        paths = sheet_paths(archive)
        marks = _scan_sheets(archive, paths, inflated or {}, near) if paths else None
        if marks is None:
            archive.close()
            return None
        if inflated is None and _declares_entities(archive):
            archive.close()
            return None  # the careful reader refuses these with a clear message
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # anything odd: let the careful reader judge the file
        return None
    return CalamineBook(data, workbook, marks, archive)

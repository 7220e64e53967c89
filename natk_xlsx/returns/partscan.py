"""The gate's look inside the parts a reader will parse, before any reader does.

A reader trusts what a part declares: python-calamine reserves memory for the number of shared
strings a ``sharedStrings.xml`` claims, and openpyxl walks row by row to a cell's stated place.
A hostile or damaged file can therefore make a reader abort or run for minutes. This module
checks, with bounded work and without building any XML tree:

- the counts declared in shared strings and styles against the size of their part;
- the sheets listed in ``xl/workbook.xml``: not absurdly many, each its own part;
- every cell's reference (``<c r="...">``) in every worksheet: a well-formed reference within
  Excel's grid, in the row that holds it, and not absurdly many cells.

Each refusal is a ``StructureProblem`` (a stable code and a sentence); the gate names the file.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from posixpath import normpath

#: Excel's grid.
MAX_ROW = 1_048_576
MAX_COLUMN = 16_384

#: The smallest XML one declared item can take (``<si/>``, ``<xf/>``): a count beyond the part's
#: size divided by this is a lie.
MIN_ITEM_BYTES = 5
#: Bytes read from the head of a shared-strings part (its count is on the root element).
HEAD_BYTES = 4096
#: Bytes read from a styles part at most (a real one is tens of KB).
STYLES_BYTES = 4 * 2**20
#: A single start tag longer than this is not a spreadsheet's.
MAX_TAG_BYTES = 64 * 1024
CHUNK = 2**20

DAMAGED = ("open it in Excel or LibreOffice, save it again as .xlsx and send it again")


class StructureProblem(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def check_parts(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo], max_sheets: int,
                max_cells: int, max_workbook_bytes: int) -> None:
    """Refuse (``StructureProblem``) what would make a reader abort, loop or lie."""
    try:
        for key, info in by_name.items():
            if key.endswith((".xml", ".rels", ".vml")) and _declares_entities(archive, info):
                raise StructureProblem(
                    "FILE-HOSTILE-XML",
                    "the file contains XML constructs that are never found in a spreadsheet "
                    "(entity definitions); it was not read. Save the workbook again from Excel "
                    "or LibreOffice and send it again")
            if key.endswith("sharedstrings.xml"):
                _check_declared(info, _read(archive, info, HEAD_BYTES), "shared texts")
            elif key.endswith("styles.xml"):
                _check_declared(info, _read(archive, info, STYLES_BYTES), "cell styles")
        sheets = _sheet_parts(archive, by_name, max_sheets, max_workbook_bytes)
        cells = 0
        for key in sorted(sheets | {k for k in by_name if _is_worksheet(k)}):
            sheet = by_name.get(key)
            if sheet is not None:
                cells = _scan_cells(archive, sheet, cells, max_cells)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise StructureProblem(
            "FILE-TRUNCATED",
            "the file is damaged or incomplete (perhaps cut off while sending); send the file "
            "again") from exc


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as member:
        return member.read(limit)


def _declares_entities(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """A document type declaration (entity definitions) in the part's head: never in a real
    spreadsheet, the start of entity expansion and external entity attacks."""
    head = _read(archive, info, HEAD_BYTES)
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


_COUNT = re.compile(rb'\b(?:count|uniqueCount)\s*=\s*["\'](\d+)["\']')


def _check_declared(info: zipfile.ZipInfo, head: bytes, what: str) -> None:
    cap = info.file_size // MIN_ITEM_BYTES + 16
    for raw in _COUNT.findall(head):
        if len(raw) > 12 or int(raw) > cap:
            raise StructureProblem(
                "FILE-MALFORMED",
                f"it declares {int(raw) if len(raw) <= 12 else 'billions of'} {what} in a part "
                f"that can hold at most {cap}; it is damaged or was not written by a spreadsheet "
                f"application; {DAMAGED}")


_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_SHEET_ID = re.compile(rb'\b(?:\w+:)?id\s*=\s*"([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_REL_ID = re.compile(rb'\bId\s*=\s*"([^"]*)"')
_REL_TARGET = re.compile(rb'\bTarget\s*=\s*"([^"]*)"')


def _sheet_parts(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo], max_sheets: int,
                 max_workbook_bytes: int) -> set[str]:
    """The (lower-cased) part of every sheet listed in the workbook, after refusing too many
    sheets and several sheets sharing one part."""
    info = by_name["xl/workbook.xml"]
    if info.file_size > max_workbook_bytes:
        raise StructureProblem(
            "FILE-MALFORMED", f"its list of sheets and names is {info.file_size // 2**20} MB, far "
            f"beyond a questionnaire; {DAMAGED}")
    workbook = _read(archive, info, max_workbook_bytes)
    ids: list[bytes] = [m.group(1) for attrs in _SHEET.findall(workbook)
                        if (m := _SHEET_ID.search(attrs)) is not None]
    if len(ids) > max_sheets:
        raise StructureProblem(
            "FILE-MALFORMED", f"it lists {len(ids)} sheets, far beyond a questionnaire (at most "
            f"{max_sheets}); send the questionnaire workbook alone")
    rels_info = by_name.get("xl/_rels/workbook.xml.rels")
    rels = _read(archive, rels_info, max_workbook_bytes) if rels_info is not None else b""
    targets: dict[bytes, str] = {}
    for attrs in _REL.findall(rels):
        rid, target = _REL_ID.search(attrs), _REL_TARGET.search(attrs)
        if rid and target:
            text = target.group(1).decode("utf-8", "replace")
            part = text.lstrip("/") if text.startswith("/") else normpath("xl/" + text)
            targets[rid.group(1)] = part.lower()
    parts: dict[str, int] = {}
    for sheet_id in ids:
        part = targets.get(sheet_id)
        if part is None:
            continue
        parts[part] = parts.get(part, 0) + 1
        if parts[part] > 1:
            raise StructureProblem(
                "FILE-MALFORMED", "several of its sheets point at one and the same part, which "
                f"no spreadsheet application writes; {DAMAGED}")
    return set(parts)


def _is_worksheet(key: str) -> bool:
    return key.startswith("xl/worksheets/") and key.endswith(".xml") and key.count("/") == 2


_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_R = re.compile(rb"""\br\s*=\s*["']([^"']*)["']""")
_CELL_REF = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})")


def _scan_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cells: int,
                max_cells: int) -> int:
    """Check every row and cell reference of one worksheet part; the running count of cells."""
    row = 0
    carry = b""
    with archive.open(info) as member:
        while True:
            chunk = member.read(CHUNK)
            buffer = carry + chunk
            cut = buffer.rfind(b"<") if chunk else len(buffer)
            if cut < 0:
                cut = len(buffer)
            for match in _TAG.finditer(buffer, 0, cut):
                found = _R.search(match.group(2))
                if match.group(1) == b"row":
                    row = 0 if found is None else _row_number(found.group(1), info.filename)
                    continue
                cells += 1
                if cells > max_cells:
                    raise StructureProblem(
                        "FILE-TOO-LARGE", f"its sheets hold more than {max_cells:,} cells, far "
                        "beyond a questionnaire; send the questionnaire workbook alone")
                if found is not None:
                    _check_cell(found.group(1), row, info.filename)
            carry = buffer[cut:]
            if len(carry) > MAX_TAG_BYTES:
                raise StructureProblem(
                    "FILE-MALFORMED", f"a sheet holds a tag far longer than any spreadsheet "
                    f"writes; {DAMAGED}")
            if not chunk:
                return cells


def _row_number(raw: bytes, part: str) -> int:
    if not raw.isdigit() or len(raw) > 7 or not 1 <= int(raw) <= MAX_ROW:
        raise StructureProblem(
            "FILE-MALFORMED", f"a row of the sheet part {_shown(part)} has the number "
            f"'{_shown(raw)}', which is not a row of a spreadsheet; {DAMAGED}")
    return int(raw)


def _check_cell(raw: bytes, row: int, part: str) -> None:
    match = _CELL_REF.fullmatch(raw)
    ok = False
    if match is not None:
        col = 0
        for ch in match.group(1):
            col = col * 26 + ch - 64
        number = int(match.group(2))
        ok = col <= MAX_COLUMN and 1 <= number <= MAX_ROW and (row == 0 or number == row)
    if not ok:
        raise StructureProblem(
            "FILE-MALFORMED", f"a cell of the sheet part {_shown(part)} has the place "
            f"'{_shown(raw)}', which is not a cell of its row; {DAMAGED}")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")


def _shown(text: bytes | str) -> str:
    value = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    value = _CONTROL.sub(" ", value).strip()
    return value if len(value) <= 40 else value[:39] + "…"

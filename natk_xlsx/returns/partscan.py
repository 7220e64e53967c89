"""The gate's look inside the parts a reader will parse, before any reader does.

A reader trusts what a part declares: python-calamine reserves memory for the number of shared
strings a ``sharedStrings.xml`` claims, and openpyxl walks row by row to a cell's stated place.
A hostile or damaged file can therefore make a reader abort or run for minutes. This module
checks, with bounded work and without building any XML tree:

- the counts declared in shared strings and styles against the size of their part;
- the sheets listed in ``xl/workbook.xml``: not absurdly many, each its own part;
- every cell's reference (``<c r="...">``) in every worksheet: a well-formed reference within
  Excel's grid, in the row that holds it, and not absurdly many cells.

On the way it can keep (``Kept``) what the reader needs next: each worksheet's XML, inflated once,
and which worksheets have every cell where a questionnaire's cells lie (``NEAR_ROWS``,
``NEAR_COLUMNS``), so that the fast reader need not look for far cells again.

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


#: Where a questionnaire's cells lie: the fast reader reads only a sheet whose cells all do
#: (``fastread.MAX_ROW``, ``fastread.MAX_COLUMN``: column BL).
NEAR_ROWS = 20_000
NEAR_COLUMNS = 64


class Kept:
    """What the scan keeps for the reader: each worksheet's XML by part name, and the parts
    whose every row and cell lies within ``NEAR_ROWS`` and ``NEAR_COLUMNS``."""

    def __init__(self) -> None:
        self.sheets: dict[str, bytes] = {}
        self.near: set[str] = set()


class StructureProblem(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def check_parts(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo], max_sheets: int,
                max_cells: int, max_workbook_bytes: int, keep: Kept | None = None) -> None:
    """Refuse (``StructureProblem``) what would make a reader abort, loop or lie. With ``keep``,
    the XML of every worksheet scanned is kept there, under its part's name, with the parts
    whose cells all lie near."""
    try:
        for key, info in by_name.items():
            if not key.endswith((".xml", ".rels", ".vml")):
                continue
            root = root_offset(archive, info)
            if root < 0:
                raise StructureProblem(
                    "FILE-HOSTILE-XML",
                    "the file contains XML constructs that are never found in a spreadsheet "
                    "(entity definitions); it was not read. Save the workbook again from Excel "
                    "or LibreOffice and send it again")
            if key.endswith("sharedstrings.xml"):
                # count: the cells that use a shared text (one text may serve thousands),
                # at most one per cell; uniqueCount: the texts the part holds
                _check_declared(info, _root_tag(archive, info, root), "shared texts",
                                references=max_cells)
            elif key.endswith("styles.xml"):
                _check_declared(info, _head(archive, info, root + STYLES_BYTES)[0], "cell styles")
        sheets = _sheet_parts(archive, by_name, max_sheets, max_workbook_bytes)
        cells = 0
        for key in sorted(sheets | {k for k in by_name if _is_worksheet(k)}):
            sheet = by_name.get(key)
            if sheet is not None:
                cells = _scan_cells(archive, sheet, cells, max_cells, keep)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise StructureProblem(
            "FILE-TRUNCATED",
            "the file is damaged or incomplete (perhaps cut off while sending); send the file "
            "again") from exc


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as member:
        return member.read(limit)


def root_offset(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Where the part's root element starts (in ``_head``'s text), after its prolog (the XML
    declaration, comments, processing instructions), read whole however long; -1 when the
    prolog declares a document type (entity definitions: never in a real spreadsheet, the start
    of entity expansion and external entity attacks) or holds anything else a prolog cannot."""
    size = HEAD_BYTES
    while True:
        head, whole = _head(archive, info, size)
        found = _root_at(head)
        if found is None and not whole:
            size *= 4
            continue
        root = len(head) if found is None else found  # None: no root element, not XML at all
        seen = head[:max(root, HEAD_BYTES)]  # and, as ever, the part's first bytes
        return -1 if root < 0 or b"<!DOCTYPE" in seen or b"<!ENTITY" in seen else root


def _head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> tuple[bytes, bool]:
    """About the first ``size`` characters of the part, as UTF-8 (a part in UTF-16, which XML
    allows, transcoded), and whether that is the whole part."""
    raw = _read(archive, info, size)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        raw = _read(archive, info, 2 * size)
        encoding = ("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff")
                    else "utf-16-le" if raw[:1] == b"<" else "utf-16-be")
        return raw.decode(encoding, "ignore").encode("utf-8"), len(raw) < 2 * size
    return raw, len(raw) < size


_NAME_START = re.compile(rb"[A-Za-z_:\x80-\xff]")


def _root_at(head: bytes) -> int | None:
    """``root_offset`` in ``head``, or None when ``head`` ends within the prolog."""
    pos = 0
    while True:
        start = head.find(b"<", pos)
        if start < 0 or len(head) - start < 4:
            return None
        if head.startswith(b"<?", start):  # the XML declaration, a processing instruction
            closing = b"?>"
        elif head.startswith(b"<!--", start):  # a comment
            closing = b"-->"
        elif _NAME_START.match(head, start + 1):  # the root element
            return start
        else:  # a document type, or anything else no prolog holds
            return -1
        end = head.find(closing, start + 2)
        if end < 0:
            return None
        pos = end + len(closing)


#: An element's start tag, its attribute values quoted (where ">" may stand).
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")


def _root_tag(archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: int) -> bytes:
    """The root element's start tag, where a part declares its counts, however long its prolog
    (a start tag longer than ``MAX_TAG_BYTES`` is not a spreadsheet's)."""
    head, whole = _head(archive, info, root + HEAD_BYTES)
    found = _START_TAG.match(head, root)
    if found is None and not whole:  # a long tag: read as far as one may go
        head, whole = _head(archive, info, root + MAX_TAG_BYTES)
        found = _START_TAG.match(head, root)
    if found is None:
        if whole and head[root:].strip() == b"":
            return b""  # no root element: the parsers say it is not XML
        raise StructureProblem(
            "FILE-MALFORMED", f"the first tag of its part {_shown(info.filename)} is not one a "
                              f"spreadsheet application writes; {DAMAGED}")
    return found.group(0)


_COUNT = re.compile(rb'\b(count|uniqueCount)\s*=\s*["\'](\d+)["\']')


def _check_declared(info: zipfile.ZipInfo, head: bytes, what: str,
                    references: int | None = None) -> None:
    """Refuse a count of items the part cannot hold; with ``references``, a ``count`` counts
    uses of the items (the cells of the workbook), not items, and may reach that many."""
    cap = info.file_size // MIN_ITEM_BYTES + 16
    for name, raw in _COUNT.findall(head):
        uses = references is not None and name == b"count"
        limit = max(cap, references or 0) if uses else cap
        if len(raw) > 12 or int(raw) > limit:
            held = (f"a workbook of at most {references} cells" if uses
                    else f"a part that can hold at most {cap}")
            raise StructureProblem(
                "FILE-MALFORMED",
                f"it declares {int(raw) if len(raw) <= 12 else 'billions of'} {what} in {held}; "
                f"it is damaged or was not written by a spreadsheet application; {DAMAGED}")


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


#: What every common writer (Excel, LibreOffice, Google Sheets, xlsxwriter) emits: no namespace
#: prefix, the place as the first attribute. Rows written so are checked quickly, a row at a
#: time; others tag by tag.
_FAST_CELL = re.compile(rb'<c r="([^"]*)"')
#: A cell tag not written ``<c r="``: its name ended by other white space than one space, "/" or
#: ">", another attribute (or its place in single quotes) first, or a prefix (calamine reads
#: ``<x:c>`` as a cell too). The quick checks here and the fast reader's far-cell search cannot
#: place such a cell; the tag-by-tag check and openpyxl can.
ODD_CELL = re.compile(rb'<(?:c(?:[\t\r\n/>]| (?!r="))|\w+:c[\s/>])')
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_R = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
_CELL_REF = re.compile(rb"([A-Z]{1,3})([1-9][0-9]{0,6})")
_REFS = re.compile(rb"(?:[A-Z]{1,3}[1-9][0-9]{0,6} )+")
_LETTERS = bytes(range(ord("A"), ord("Z") + 1))
_WIDE = re.compile(rb"[X-Z][A-Z]{2}")
_LETTER_RUN = re.compile(rb"[A-Z]+")
#: A row of more bytes than this is not a spreadsheet's (Excel's widest: about 2 MB of XML).
MAX_ROW_BYTES = 16 * 2**20
ROW = b"<row "


def _scan_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cells: int,
                max_cells: int, keep: Kept | None = None) -> int:
    """Check every row and cell reference of one worksheet part; the running count of cells.
    The part is read in chunks cut where a row starts, so that each row is checked whole."""
    carry = b""
    plain: bool | None = None  # no namespace prefixes: the quick check applies
    near = True  # every row and cell so far lies near (proved by the quick check)
    chunks: list[bytes] = []
    with archive.open(info) as member:
        while True:
            chunk = member.read(CHUNK)
            if keep is not None:
                chunks.append(chunk)
            buffer = carry + chunk
            if plain is None:
                plain = b"<worksheet" in buffer[:4096]
            cut = buffer.rfind(ROW) if chunk else len(buffer)
            cut = 0 if cut < 0 else cut
            first = buffer.find(ROW, 0, cut)
            quick = bool(plain) and first >= 0
            near = near and quick and _plain_rows(buffer, first, cut, _NEAR_ROWS)
            if near or (quick and _plain_rows(buffer, first, cut)):
                ahead = _scan_tags(buffer[:first], info.filename) if first else 0
                near = near and not ahead  # cells before any row: not proved near
                cells += ahead + buffer.count(b"<c ", first, cut)
            else:
                cells += _scan_pieces(buffer[:cut], info.filename, bool(plain), max_cells - cells)
            if cells > max_cells:
                raise StructureProblem(
                    "FILE-TOO-LARGE", f"its sheets hold more than {max_cells:,} cells, far "
                    "beyond a questionnaire; send the questionnaire workbook alone")
            carry = buffer[cut:]
            if len(carry) > MAX_ROW_BYTES:
                raise StructureProblem(
                    "FILE-MALFORMED", f"a row of a sheet is far longer than any spreadsheet "
                    f"writes; {DAMAGED}")
            if not chunk:
                if keep is not None:
                    keep.sheets[info.filename] = b"".join(chunks)
                    if near:
                        keep.near.add(info.filename)
                return cells


#: Whole rows as every common writer emits them, each cell placed in its own row (``\\1``): the
#: rows of a chunk are checked by one match, in C. Possessive, so a row that does not match ends
#: the match at once, without backtracking; the chunk is then checked row by row. Only places
#: that always lie within Excel's grid match (rows up to 999,999, columns up to WZZ), so a place
#: near the grid's limits is left to the row-by-row check, which bounds it. A row or cell tag with
#: a prefix (``<x:c>``, which calamine reads as a cell) is not passed over as another tag.
_OTHER_TAG = rb'</|<(?!c[\s>/]|row[\s>/]|\w++:(?:c|row)[\s>/])'  # not a row's or cell's start
_PLAIN_ROWS = re.compile(
    rb'(?:<row r="([1-9][0-9]{0,5})"(?:[^<]++|' + _OTHER_TAG +
    rb'|<c r="(?:[A-Z]{1,2}|[A-W][A-Z]{2})\1")*+)*+')


#: The same, where every row and cell also lies near (rows up to ``NEAR_ROWS``, 20,000, columns
#: up to ``NEAR_COLUMNS``, BL): a questionnaire's sheets, tried first.
_NEAR_ROWS = re.compile(
    rb'(?:<row r="([1-9][0-9]{0,3}|1[0-9]{4}|20000)"(?:[^<]++|' + _OTHER_TAG +
    rb'|<c r="(?:[A-Z]|A[A-Z]|B[A-L])\1")*+)*+')


def _plain_rows(buffer: bytes, start: int, end: int, rows: re.Pattern[bytes] = _PLAIN_ROWS
                ) -> bool:
    """Whether ``buffer[start:end]`` (from a row's start) is plain rows whose cells all lie in
    their own row, within Excel's grid (with ``_NEAR_ROWS``: near)."""
    found = rows.match(buffer, start, end)
    return found is not None and found.end() == end


def _scan_pieces(segment: bytes, part: str, plain: bool, room: int) -> int:
    """The cells of ``segment``, row by row, naming the first misplaced one."""
    cells = 0
    for index, piece in enumerate(segment.split(ROW)):
        row_tag = index > 0
        cells += (_scan_row(piece, part) if plain and row_tag else
                  _scan_tags(ROW + piece if row_tag else piece, part))
        if cells > room:
            break
    return cells


def _scan_row(piece: bytes, part: str) -> int:
    """One row (what follows ``<row ``): its cells, after checking their places."""
    refs = _FAST_CELL.findall(piece)
    if (piece.count(b"<c ") != len(refs) or ODD_CELL.search(piece)
            or not piece.startswith(b'r="')):
        return _scan_tags(ROW + piece, part)  # every cell, in whatever form, checked
    row = _row_number(piece[3:piece.find(b'"', 3)], part)
    if refs:
        joined = b" ".join(refs) + b" "
        if (_REFS.fullmatch(joined) is None
                or joined.translate(None, _LETTERS) != (row + b" ") * len(refs)
                or (_WIDE.search(joined) and any(len(c) == 3 and c > b"XFD"
                                                  for c in _LETTER_RUN.findall(joined)))):
            _refuse_cell(next((r for r in refs if not _is_cell(r, row)), refs[0]), part)
    return len(refs)


def _scan_tags(segment: bytes, part: str) -> int:
    """Any XML, tag by tag: rows and cells with or without prefixes or places."""
    row = b""
    count = 0
    for match in _TAG.finditer(segment):
        found = _R.search(match.group(2))
        value = found.group(1) if found is not None else b""
        if match.group(1) == b"row":
            row = _row_number(value, part) if value else b""
            continue
        count += 1
        if value and not _is_cell(value, row):
            _refuse_cell(value, part)
    return count


def _is_cell(ref: bytes, row: bytes) -> bool:
    """A well-formed place within Excel's grid, in row ``row`` when it is known."""
    match = _CELL_REF.fullmatch(ref)
    return (match is not None and (len(match.group(1)) < 3 or match.group(1) <= b"XFD")
            and int(match.group(2)) <= MAX_ROW and (not row or match.group(2) == row))


def _refuse_cell(ref: bytes, part: str) -> None:
    raise StructureProblem(
        "FILE-MALFORMED", f"a cell of the sheet part {_shown(part)} has the place "
        f"'{_shown(ref)}', which is not a cell of its row; {DAMAGED}")


def _row_number(raw: bytes, part: str) -> bytes:
    if not raw.isdigit() or raw.startswith(b"0") or len(raw) > 7 or int(raw) > MAX_ROW:
        raise StructureProblem(
            "FILE-MALFORMED", f"a row of the sheet part {_shown(part)} has the number "
            f"'{_shown(raw)}', which is not a row of a spreadsheet; {DAMAGED}")
    return raw


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")


def _shown(text: bytes | str) -> str:
    value = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    value = _CONTROL.sub(" ", value).strip()
    return value if len(value) <= 40 else value[:39] + "…"

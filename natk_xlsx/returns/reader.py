"""Reading a filled workbook from the book ``opening`` gives (python-calamine where it is safe,
``fastread``; openpyxl otherwise, ``books``).

It finds each answer by its question id (the hidden key column, then the defined name, then the
visible id column), never by a fixed address, and never evaluates formulas or trusts their cached
values. It bounds every scan by what the spec says a sheet holds, so a hostile file with a cell in
the far corner cannot make it iterate a million rows. The result is plain data (``RawWorkbook``):
raw cells with their places, for ``importer`` to coerce and check.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from natk_xlsx import layout
from natk_xlsx.errors import InputError
from natk_xlsx.i18n.interface import strings
from natk_xlsx.i18n.languages import UN_LANGUAGES, tr
from natk_xlsx.returns import stray
from natk_xlsx.returns.books import FAR_COUNTED, MAX_SCAN_ROWS, Cell, SheetGrid, place
from natk_xlsx.returns.issues import ISSUES_COLUMNS, ISSUES_ROWS_SEARCHED, is_issues_sheet
from natk_xlsx.returns.opening import open_book

if TYPE_CHECKING:
    from natk_xlsx.spec.model import Toolkit

#: Rows scanned past the last known question row, for answers typed into inserted rows.
SCAN_MARGIN = 50
META_MAX_ROWS = 60


class WorkbookError(InputError):
    """The file is a workbook, but not one this toolkit can read."""

    def __init__(self, path: str, code: str, message: str) -> None:
        self.code = code
        super().__init__(path, message)


@dataclass
class QuestionCells:
    """The raw cells of one question."""

    qid: str
    sheet: str
    row: int  # 1-based row of the question
    answer: Cell | None = None
    options: dict[str, Cell] = field(default_factory=dict)  # multiple choice: code → tick cell
    table: dict[int, list[Cell]] = field(default_factory=dict)  # year → cells in column order
    totals: dict[int, Cell] = field(default_factory=dict)  # year → the row-total cell
    table_source: Cell | None = None
    table_reliability: Cell | None = None
    details: dict[str, Cell] = field(default_factory=dict)  # comment, evidence, priority, ...


@dataclass
class Located:
    """A note about where something was (or was not) found, for the importer to report."""

    code: str
    sheet: str | None
    cell: str | None
    question: str | None
    value: Any = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class RawWorkbook:
    """What the reader found in a return before coercion: its metadata, and the raw cells of
    each question and of the cover, with their places."""

    path: str
    metadata: dict[str, str]
    metadata_source: str  # "sheet", "properties" or "detected"
    language: str
    components: list[str]
    sheets: dict[str, str]  # component id → sheet name found
    questions: dict[str, QuestionCells]
    cover: dict[str, Cell]
    notes: list[Located]
    unplaced: list[Cell]
    application: str | None = None
    #: The question a kept text is about, where its place says it but no issue does (sheet,
    #: cell → question id): a reply on the Issues sheet, beside a message about a question.
    about: dict[tuple[str, str], str] = field(default_factory=dict)


DETAIL_COLUMNS = {
    "comment": layout.COL_COMMENT,
    "evidence": layout.COL_EVIDENCE,
    "priority": layout.COL_PRIORITY,
    "provided": layout.COL_PROVIDED,
    "provider": layout.COL_PROVIDER,
}
_DETAILS = tuple(DETAIL_COLUMNS)
_DETAIL_COLS = tuple(DETAIL_COLUMNS.values())


def read_metadata(book: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(metadata sheet, document properties), each as strings; empty where absent."""
    sheet: dict[str, str] = {}
    if layout.META_SHEET in book.sheetnames:
        grid = book.grid(layout.META_SHEET, META_MAX_ROWS, 2)
        for row in range(1, grid.max_row + 1):
            key = grid.get(row, 0).value
            if key is None:
                continue
            value = grid.get(row, 1).value
            sheet[str(key)] = "" if value is None else str(value)
    return sheet, book.properties()


def _sheet_names_by_component(toolkit: Toolkit) -> dict[str, str]:
    """Any language's sheet name (case-folded) → component id."""
    names: dict[str, str] = {}
    for component in toolkit.components:
        for name in component.sheet_name.values():
            names.setdefault(name.casefold(), component.id)
    return names


def _detect_language(wb: Any, toolkit: Toolkit) -> str:
    cover = strings()["sheet.cover"]
    for lang in UN_LANGUAGES:
        if lang in cover and cover[lang] in wb.sheetnames:
            return lang
    for lang in UN_LANGUAGES:
        for component in toolkit.components:
            if component.sheet_name.get(lang) in wb.sheetnames:
                return lang
    return toolkit.source_language


def _index_keys(grid: SheetGrid) -> tuple[dict[str, list[int]], int]:
    """Key → rows where it appears, from the hidden key column (and the visible id column where
    the key cell was cleared)."""
    found: dict[str, list[int]] = defaultdict(list)
    ids = grid.column(layout.COL_ID)
    for row, key in enumerate(grid.column(layout.COL_KEY), start=1):
        if not isinstance(key, str) or not key.strip():
            visible = ids[row - 1]
            key = visible if isinstance(visible, str) else None
        if key:
            found[key.strip()].append(row)
    return found, grid.max_row


def read_raw(path: str | Path, toolkit: Toolkit, data: bytes | None = None,
             inflated: Mapping[str, bytes] | None = None) -> RawWorkbook:
    """Read a filled workbook's raw answers and their places (``data``: its bytes, when the
    caller has them already; ``inflated``: its worksheets' XML, as the gate inflated them)."""
    from natk_xlsx.returns.books import file_bytes
    from natk_xlsx.returns.cellnotes import cell_notes

    data = file_bytes(path if data is None else data)
    return read_book(path, open_book(data, inflated), toolkit, cell_notes(data))


def read_book(path: str | Path, wb: Any, toolkit: Toolkit,
              cell_notes: Sequence[tuple[str, str, str]] = (),
              far: Mapping[str, tuple[int, str]] | None = None) -> RawWorkbook:
    """``read_raw`` from a book already opened (``open_book``, or a ``books.FrozenBook`` read in
    another process), with the notes attached to its cells (``cellnotes``) and what lies past
    the readers' bounds (``fastread.far_text``); the book is closed when done."""
    notes: list[Located] = []
    sheet_meta, props = read_metadata(wb)
    if sheet_meta.get("toolkit_id"):
        metadata, source = dict(sheet_meta), "sheet"
        for key, value in props.items():
            if key in metadata and value and metadata[key] and value != metadata[key]:
                notes.append(Located("METADATA-DIFFERS", None, None, None, value,
                                     {"key": key, "found": value, "expected": metadata[key]}))
    elif props.get("toolkit_id"):
        metadata, source = dict(props), "properties"
        notes.append(Located("METADATA-MISSING", None, None, None))
    else:
        metadata, source = {}, "detected"
    by_name = _sheet_names_by_component(toolkit)
    if source == "detected" and _is_summary(wb):  # its sheets cite question ids too
        wb.close()
        raise WorkbookError(str(path), "WORKBOOK-OTHER",
                            "this is a needs summary written by natk-xlsx, not a return; keep "
                            "summaries out of the folder of returns")
    if not metadata.get("components"):  # no hidden sheet: the component sheets present say
        present = [c.id for c in toolkit.components
                   if _find_sheet(wb, c.id, {}, by_name, toolkit) is not None]
        if not present and source == "detected":
            raise WorkbookError(str(path), "WORKBOOK-OTHER",
                                "this is not a natk-xlsx questionnaire of this toolkit (no "
                                "identification sheet and no component sheet was found); send "
                                "back the workbook you received, filled in")
        if source == "detected":
            notes.append(Located("METADATA-MISSING", None, None, None))
            metadata = {"toolkit_id": toolkit.id}
        metadata["components"] = ",".join(c.id for c in toolkit.components if c.id in present)
    lang = metadata.get("language") or _detect_language(wb, toolkit)
    if lang not in UN_LANGUAGES:
        lang = toolkit.source_language
    components = [c for c in metadata.get("components", "").split(",") if c]
    try:
        meta_sheets = json.loads(metadata.get("sheets") or "{}")
    except json.JSONDecodeError:
        meta_sheets = {}
    if not isinstance(meta_sheets, dict):  # a value of the wrong type: as if absent
        meta_sheets = {}
    sheets: dict[str, str] = {}
    named = _named_rows(wb)
    questions: dict[str, QuestionCells] = {}
    unplaced: list[Cell] = []
    known = {c.id for c in toolkit.components}
    for cid in components:
        name = _find_sheet(wb, cid, meta_sheets, by_name, toolkit if cid in known else None)
        if name is None:
            notes.append(Located("SHEET-MISSING", None, None, None, None, {"component": cid}))
            continue
        sheets[cid] = name
        _read_component_sheet(wb, name, toolkit, cid, questions, notes, unplaced, named, lang,
                              metadata.get("spec_hash", toolkit.spec_hash) == toolkit.spec_hash,
                              # wording compared whole only in a workbook known to be of this
                              # edition; by its start in one that lost its identification
                              metadata.get("spec_hash") == toolkit.spec_hash)
    if source != "sheet" and not questions:  # a lookalike: sheet names, but no question ids
        wb.close()
        raise WorkbookError(str(path), "WORKBOOK-OTHER",
                            "this is not a natk-xlsx questionnaire of this toolkit (no "
                            "identification sheet and no question ids were found); send back "
                            "the workbook you received, filled in")
    about = _read_other_sheets(wb, _other_sheets(wb, sheets), toolkit,
                               metadata.get("workbook_id", ""), questions, notes, unplaced)
    for sheet, (count, ref) in (far or {}).items():  # not read: said, once for the sheet
        if sheet in wb.sheetnames:
            shown = f"{FAR_COUNTED}+" if count > FAR_COUNTED else count
            notes.append(Located("TEXT-FAR", sheet, ref, None, None, {"count": shown}))
    for sheet, ref, text in cell_notes:  # kept, and said where they are
        if sheet in wb.sheetnames:
            unplaced.append(Cell(text, sheet, ref))
            notes.append(Located("CELL-NOTE", sheet, ref, _question_at(questions, sheet, ref),
                                 text))
    cover = _read_cover(wb, lang)
    wb.close()
    return RawWorkbook(str(path), metadata, source, lang, components, sheets, questions, cover,
                       notes, unplaced, about=about)


def _question_at(questions: dict[str, QuestionCells], sheet: str, ref: str) -> str | None:
    """The question a cell's row belongs to: the last one that starts at or above it."""
    row = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    above = [(q.row, q.qid) for q in questions.values() if q.sheet == sheet and q.row <= row]
    return max(above)[1] if above else None


def _read_other_sheets(wb: Any, others: _Others, toolkit: Toolkit, workbook_id: str,
                       questions: dict[str, QuestionCells], notes: list[Located],
                       unplaced: list[Cell]) -> dict[tuple[str, str], str]:
    """What was typed on the sheets besides the components': kept in ``unplaced`` and said once
    a sheet, at its first text. Returns the question each reply on an Issues sheet stands
    beside, by its place."""
    def grid(name: str) -> SheetGrid:
        read: SheetGrid = wb.grid(name, MAX_SCAN_ROWS, layout.ADDED_COLUMNS)
        return read

    for name in others.added:
        _said_once("SHEET-ADDED", stray.typed_anywhere(grid(name), stray.texts(toolkit)),
                   notes, unplaced, added=name)
    for name in others.covers:
        _said_once("TEXT-OUTSIDE", stray.typed_on_cover(grid(name), workbook_id), notes,
                   unplaced)
    for name in others.instructions:
        _said_once("TEXT-OUTSIDE", stray.typed_on_instructions(grid(name)), notes, unplaced)
    about: dict[tuple[str, str], str] = {}
    for name in others.listed:  # a reply beside a message of a copy handed back
        typed = stray.typed_on_issues_sheet(grid(name))
        for cell, qid in typed:
            unplaced.append(cell)
            if isinstance(qid, str) and qid in questions:
                about[(name, cell.cell)] = qid
        if typed:
            first = typed[0][0]
            notes.append(Located("ISSUES-TYPED", name, first.cell,
                                 about.get((name, first.cell)), first.value,
                                 {"listed": name, "count": len(typed)}))
    return about


def _said_once(code: str, found: list[Cell], notes: list[Located], unplaced: list[Cell],
               **fields: Any) -> None:
    """What was typed on one sheet where nothing is read: kept, and said once for the sheet,
    at its first text, with how many cells hold text."""
    if found:
        unplaced.extend(found)
        notes.append(Located(code, found[0].sheet, found[0].cell, None, found[0].value,
                             {**fields, "count": len(found)}))


class _Others(NamedTuple):
    """The sheets besides the components': the ones the respondent added, the Issues sheets of
    copies handed back, the cover and the instructions."""

    added: list[str]
    listed: list[str]
    covers: list[str]
    instructions: list[str]


def _other_sheets(wb: Any, components: dict[str, str]) -> _Others:
    """The sheets besides the components', told by what they hold rather than by their names,
    which a respondent may change or give a sheet of their own: the cover (its fields' defined
    names point to it), the instructions (their heading, in any language), the Issues sheet of a
    copy handed back (its column headers); the hidden lists and identification apart. Added:
    any other sheet."""
    names = strings()
    headings = {stray.loose(text) for text in names["instructions.heading"].values()}
    known = {*components.values(), layout.LISTS_SHEET, layout.META_SHEET}
    found = _Others([], [], [], [])
    for fld in layout.COVER_FIELDS:  # the cover, renamed or not
        match = _NAME_REF.match(wb.defined_names().get(layout.cover_name(fld), ""))
        if match is None:
            continue
        sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
        if sheet in wb.sheetnames and sheet not in known:
            known.add(sheet)
            found.covers.append(sheet)
    for name in wb.sheetnames:
        if name in known:
            continue
        top = wb.grid(name, ISSUES_ROWS_SEARCHED, len(ISSUES_COLUMNS))
        heading = top.value(1, 1)
        if is_issues_sheet(top.value):
            found.listed.append(name)
        elif heading is not None and stray.loose(heading) in headings:
            found.instructions.append(name)
        else:
            found.added.append(name)
    return found


def _is_summary(wb: Any) -> bool:
    """Whether the book is a needs summary natk-xlsx wrote (its first sheets, in any language)."""
    names = strings()
    firsts = [[tr(names[f"summary.sheet.{key}"], lang)[:31] for key in ("executive", "packages")]
              for lang in UN_LANGUAGES]
    return list(wb.sheetnames[:2]) in firsts


def _find_sheet(wb: Any, cid: str, meta_sheets: dict[str, str], by_name: dict[str, str],
                toolkit: Toolkit | None) -> str | None:
    name = meta_sheets.get(cid)
    if name in wb.sheetnames:
        return str(name)
    for sheet in wb.sheetnames:
        if by_name.get(sheet.casefold()) == cid:
            return str(sheet)
    if toolkit is None:
        return None
    prefix = toolkit.component(cid).prefix + "."
    for sheet in wb.sheetnames:  # renamed sheet: recognise it by its question ids
        if sheet in (layout.LISTS_SHEET, layout.META_SHEET):
            continue
        grid = wb.grid(sheet, 40, 1)
        for row in range(layout.FIRST_BODY_ROW + 1, grid.max_row + 1):
            value = grid.get(row, layout.COL_ID).value
            if isinstance(value, str) and value.startswith(prefix):
                return str(sheet)
    return None


_NAME_REF = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!\$?[A-Z]{1,3}\$?(\d+)")


def _named_rows(wb: Any) -> dict[str, dict[str, int]]:
    """Sheet → question id → the first row its defined name points to (names whose target was
    deleted, ``#REF!``, are left out)."""
    rows: dict[str, dict[str, int]] = defaultdict(dict)
    for name, text in wb.defined_names().items():
        match = _NAME_REF.match(text)
        if match and "#REF" not in text:
            sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
            rows[sheet][name] = int(match.group(3))
    return rows


class _Plan(NamedTuple):
    """What reading a sheet needs of a toolkit: each grid question's width and whether it has
    row totals."""

    grids: dict[str, tuple[int, bool]]  # question id → (breakdown columns, additive)


#: Plans by specs edition, worked out once (as ``coerce`` keeps its label indexes).
_PLANS: dict[str, _Plan] = {}


def _plan(toolkit: Toolkit) -> _Plan:
    plan = _PLANS.get(toolkit.spec_hash)
    if plan is not None:
        return plan
    grids = {}
    for q in toolkit.questions():
        if q.type in ("multiple_choice", "stats_table"):
            breakdown = toolkit.breakdowns[q.breakdown] if q.breakdown else None
            grids[q.id] = ((len(breakdown.columns), bool(breakdown.additive)) if breakdown
                           else (0, False))
    plan = _PLANS[toolkit.spec_hash] = _Plan(grids)
    return plan


def _read_component_sheet(book: Any, name: str, toolkit: Toolkit, cid: str,
                          questions: dict[str, QuestionCells], notes: list[Located],
                          unplaced: list[Cell], named_rows: dict[str, dict[str, int]],
                          lang: str, same_edition: bool = True, exact: bool = True) -> None:
    """The cells of a component's questions, found by their keys; and what was typed where no
    answer is read (``stray``: kept in ``unplaced`` and noted, in the workbook's ``lang``). A
    label changed is noted, not kept: it is no answer, and a blank return stays blank."""
    plan = _plan(toolkit)
    texts = stray.texts(toolkit)
    before = len(unplaced)
    # as wide and as far down as any sheet is read, so that text typed away is found too
    ws = book.grid(name, MAX_SCAN_ROWS, layout.ADDED_COLUMNS)
    seen = stray.busy(ws)
    keys, last = _index_keys(ws)
    named = named_rows.get(name, {})
    placed_rows: set[int] = set()
    parts: list[tuple[str, str, list[int]]] = []
    moved: list[tuple[str, int, int]] = []  # names no longer on their question's row
    get, title = ws.get, ws.title
    for key, rows in keys.items():
        qid, _, part = key.partition(layout.KEY_SEPARATOR)
        if part:
            parts.append((qid, part, rows))
            continue
        if not _looks_like_id(qid):
            continue
        if len(rows) > 1:
            notes.append(Located("DUPLICATE-ID", title, f"A{rows[1]}", qid, None,
                                 {"rows": ", ".join(str(r) for r in rows)}))
        row = rows[0]
        q = QuestionCells(qid, title, row)
        if qid in named and named[qid] != row and qid not in plan.grids:
            moved.append((qid, named[qid], row))
        q.answer = get(row, layout.COL_ANSWER)
        _outside(stray.question_row(ws, row, seen), qid, notes, unplaced)
        if same_edition:  # the question's text and guidance as this edition words them
            _outside(stray.question_typed_over(ws, row, qid, texts, lang, exact), qid, notes,
                     unplaced)
        given = ws.row_values(row, _DETAIL_COLS)
        for detail, col, value in zip(_DETAILS, _DETAIL_COLS, given, strict=True):
            if value is not None:  # only the details given
                q.details[detail] = get(row, col)
        questions.setdefault(qid, q)
        placed_rows.update(rows)
    for qid, part, rows in parts:
        if qid not in questions:
            continue
        q = questions[qid]
        row = rows[0]
        placed_rows.update(rows)
        found = stray.part_row(ws, row, qid, part, texts, seen, lang, same_edition)
        _outside(found.outside, qid, notes, unplaced)
        for cell, label in found.changed:
            notes.append(Located("LABEL-CHANGED", title, cell.cell, qid, cell.value,
                                 {"label": label}))
        for cell in found.totals:
            unplaced.append(cell)
            notes.append(Located("TOTAL-OVERWRITTEN", title, cell.cell, qid, cell.value))
        if part in (layout.KEY_HEADER, layout.KEY_TOTAL):
            continue
        if part == layout.KEY_SOURCE:
            q.table_source = get(row, layout.COL_ANSWER)
        elif part == layout.KEY_RELIABILITY:
            q.table_reliability = get(row, layout.COL_ANSWER)
        elif part.isdigit() and len(part) == 4:
            width, additive = plan.grids.get(qid, (0, False))
            q.table[int(part)] = ws.row_cells(row, layout.COL_ANSWER, width)
            if width and additive:
                q.totals[int(part)] = get(row, layout.COL_ANSWER + width)
        else:
            q.options[part] = get(row, layout.COL_ANSWER)
    if moved:  # one line for the sheet: the rows were found by id, nothing is to be done
        qid, was, row = moved[0]
        notes.append(Located("NAME-MISMATCH", title, None, None, None, {
            "count": len(moved), "first": qid, "named": f"D{was}", "found": f"D{row}"}))
    for qid, cell in stray.prompts_typed_over(
            ws, {qid: q.row for qid, q in questions.items() if q.sheet == title}, texts):
        unplaced.append(cell)
        notes.append(Located("PROMPT-OVERWRITTEN", title, cell.cell, qid, cell.value))
    below = MAX_SCAN_ROWS + 1
    if placed_rows:
        below = min(max(placed_rows) + SCAN_MARGIN, last) + 1
        _find_unplaced(ws, placed_rows, below - 1, unplaced, notes, cid, texts)
    _said_once("TEXT-OUTSIDE", stray.typed_away(ws, below), notes, unplaced)
    unplaced[before:] = sorted(unplaced[before:], key=place)  # reading order


def _outside(cells: list[Cell], qid: str, notes: list[Located], unplaced: list[Cell]) -> None:
    """Text typed beside a question's cells, where no answer is read: kept, and noted."""
    for cell in cells:
        unplaced.append(cell)
        notes.append(Located("CELL-NOT-READ", cell.sheet, cell.cell, qid, cell.value))


def _looks_like_id(text: str) -> bool:
    head, _, number = text.partition(".")
    return len(head) == 3 and head.isupper() and number.isdigit()


def _find_unplaced(ws: Any, placed: set[int], last: int, unplaced: list[Cell],
                   notes: list[Located], cid: str, texts: stray.Texts) -> None:
    """Rows without a question id (a section's title, or rows the respondent inserted): what
    was typed in them (``stray.loose_row``). Kept, and reported."""
    first = min(min(placed), layout.FIRST_BODY_ROW + 1)  # from the first row under the headers
    for row in range(first, last + 1):
        if row in placed:
            continue
        for cell in stray.loose_row(ws, row, cid, texts):
            unplaced.append(cell)
            notes.append(Located("ROW-INSERTED", ws.title, cell.cell, None, cell.value))


def _read_cover(wb: Any, lang: str) -> dict[str, Cell]:
    cover: dict[str, Cell] = {}
    grids: dict[str, SheetGrid] = {}

    def grid(sheet: str) -> SheetGrid:
        if sheet not in grids:
            grids[sheet] = wb.grid(sheet, 40, 6)
        return grids[sheet]

    names = wb.defined_names()
    for fld in layout.COVER_FIELDS:
        text = names.get(layout.cover_name(fld), "")
        match = _NAME_REF.match(text)
        if not match:
            continue
        sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
        col_letters = re.search(r"!\$?([A-Z]{1,3})", text)
        if sheet in wb.sheetnames and col_letters:
            col = layout.column_number(col_letters.group(1)) - 1
            cover[fld] = grid(sheet).get(int(match.group(3)), col)
    if not cover:  # names lost: find the cover's labels in its first rows
        cover_name = tr(strings()["sheet.cover"], lang)
        if cover_name in wb.sheetnames:
            g = grid(cover_name)
            labels = {tr(strings()[f"cover.{f}"], lang): f for f in layout.COVER_FIELDS}
            for row in range(1, 30):
                label = g.get(row, 0).value
                if label in labels:
                    cover[labels[label]] = g.get(row, 1)
    return cover

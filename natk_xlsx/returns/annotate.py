"""Handing a workbook back: a copy with every problem marked where it is.

The offending cells are highlighted and carry the message as a note; an "Issues" sheet, first,
lists every problem, errors first, with a link to its cell. Nothing in the copy is a formula built
from the respondent's text: every value written is text, and links are hyperlink objects whose
location quotes the sheet's name. Everything else the respondent entered stays as it was, and the
original file is never modified (the copy goes to another folder).

A copy of a copy (a workbook handed back, returned, and still not right) first takes the earlier
copy's marks off the cells it marked, which the metadata sheet lists (``layout.META_MARKED``): a
cell corrected since shows clean.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from natk_xlsx import layout
from natk_xlsx.errors import InputError
from natk_xlsx.i18n.interface import strings, ui
from natk_xlsx.returns.books import MAX_SCAN_ROWS
from natk_xlsx.returns.cellnotes import OURS, SEPARATOR, holds_ours, respondents_note
from natk_xlsx.returns.issues import (
    ERROR,
    ISSUES_COLUMNS,
    LIST_MARK,
    SEVERITY_ORDER,
    Issue,
    errors_first,
    is_issues_sheet,
    list_mark,
)
from natk_xlsx.returns.partscan import MAX_COLUMN, MAX_ROW
from natk_xlsx.safeio import atomic_path, safe_file_name, writing
from natk_xlsx.textwidth import line_units, row_height

if TYPE_CHECKING:
    from natk_xlsx.returns.submission import Submission

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
TITLE_COLOR = "1F3864"
#: The header row of the problem list (a title and what to do come above it).
HEADER_ROW = layout.ISSUES_HEADER_ROW
#: The widths of the issues sheet's columns: severity, cell, question, what to do.
COLUMN_WIDTHS = (12, 22, 10, 110)
_CELL_REF = re.compile(r"[A-Z]{1,3}[0-9]{1,7}")


def annotated_name(path: str | Path) -> str:
    """``NAME-checked.xlsx``, as a safe file name."""
    return safe_file_name(f"{Path(path).stem}-checked", ".xlsx")


def handback_of(path: str | Path) -> tuple[str, bool] | None:
    """What a copy ``annotate_workbook`` wrote is of: the workbook id of the return it marks,
    and whether its Issues sheet lists an error; None for any other file. Its list of sheets
    is looked at first, so that no other workbook is parsed."""
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > _SHEET_LIST_MAX:
                return None
            first = _FIRST_SHEET.search(archive.read(info))
        titles = tuple(strings()["sheet.issues"].values())
        if first is None or not first.group(1).decode("utf-8", "replace").startswith(titles):
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True)
        try:
            error = set(strings()["issues.error"].values())
            listed = wb.worksheets[0].iter_rows(min_row=HEADER_ROW + 1, max_col=1,
                                                values_only=True)
            errors = any(row and row[0] in error for row in listed)
            meta = ({str(k): str(v) for k, v in wb[layout.META_SHEET].iter_rows(
                max_col=2, values_only=True) if k is not None}
                if layout.META_SHEET in wb.sheetnames else {})
        finally:
            wb.close()
    except Exception:  # a file that cannot be read so is no copy of ours
        return None
    workbook = meta.get("workbook_id", "")
    return (workbook, errors) if workbook else None


#: A workbook's list of sheets larger than this is no copy of a questionnaire.
_SHEET_LIST_MAX = 2**20
_FIRST_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')


def message_body(issue: Issue) -> str:
    """The message without the place and question it starts with (the list has columns for
    those)."""
    text = issue.message
    if issue.sheet and issue.cell:
        prefix = f"[{issue.sheet}!{issue.cell}] "
    elif issue.sheet:
        prefix = f"[{issue.sheet}] "
    else:
        prefix = ""
    if prefix and text.startswith(prefix):
        text = text[len(prefix):]
    if issue.question and text.startswith(f"{issue.question}: "):
        text = text[len(issue.question) + 2:]
    return text[:1].upper() + text[1:]  # now the start of a sentence


def _text(cell: Any, value: str) -> None:
    """Put ``value`` in ``cell`` as text, never as a formula, whatever it starts with."""
    cell.value = value
    cell.data_type = "s"


def sheet_link(sheet: str, cell: str) -> str:
    """An internal link's location: the sheet's name quoted, its quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


def annotate_workbook(submission: Submission, out_dir: str | Path) -> Path:
    """Write the annotated copy of ``submission.file`` into ``out_dir`` (a folder, or the
    ``.xlsx`` path of the copy); return its path. The copy is written atomically."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    from natk_xlsx.i18n.languages import DEFAULT_FONT, FONTS, RTL_LANGUAGES

    source = Path(submission.file).resolve()
    given = Path(out_dir)
    target = (given if given.suffix.lower() == ".xlsx" else given / annotated_name(source)
              ).resolve()
    if target == source:
        raise InputError(str(target), "the annotated copy would overwrite the original; choose "
                         "another --annotate folder")
    lang = submission.language
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(source)
    _unmark(wb)
    fills = {sev: PatternFill("solid", start_color=color, end_color=color)
             for sev, color in ((ERROR, ERROR_FILL), ("warning", WARNING_FILL))}
    marked: list[tuple[str, tuple[str, str, str]]] = []  # each cell marked: its fill, place
    keys: dict[str, dict[str, int]] = {}  # a sheet's row keys → their rows
    font_name = FONTS.get(lang, DEFAULT_FONT)
    issues = errors_first(submission.issues)
    notes: dict[tuple[str, str], list[str]] = {}
    worst: dict[tuple[str, str], str] = {}
    for issue in issues:
        if _placed(issue, wb.sheetnames):
            key = (str(issue.sheet), str(issue.cell))
            notes.setdefault(key, []).append(issue.message)
            if worst.get(key) != ERROR:
                worst[key] = issue.severity
    for (sheet, cell), messages in notes.items():
        target_cell = wb[sheet][cell]
        if type(target_cell).__name__ == "MergedCell":
            continue
        marked.append((_fill_of(target_cell), _place(target_cell, keys)))
        target_cell.fill = fills[worst[(sheet, cell)]]
        text, author = "\n".join(messages), OURS
        own = respondents_note(target_cell.comment, _where(target_cell))
        if own:  # the respondent's own note stays theirs, ours after it: a cell holds one note
            text, author = f"{own}{SEPARATOR}{text}", target_cell.comment.author
        comment = Comment(text[:30000], author)
        comment.width, comment.height = 360, min(60 + 40 * len(messages), 400)
        target_cell.comment = comment
    title = _issues_title(wb, ui("sheet.issues", lang),
                          {str(kept.get("sheet")) for kept in submission.unplaced})
    ws = wb.create_sheet(title, 0)
    plain = Font(name=font_name, size=10)
    # Arabic text set right to left (the sentence's full stop at its end, on the left), as the
    # questionnaire's cells: LibreOffice reads the "context" order as left to right
    order = 2 if lang in RTL_LANGUAGES else 0
    _text(ws.cell(1, 1), ui("issues.title", lang))
    ws.cell(1, 1).font = Font(name=font_name, size=14, bold=True, color=TITLE_COLOR)
    ws.cell(1, 1).alignment = Alignment(readingOrder=order)
    _text(ws.cell(2, 1), ui("issues.todo", lang))
    ws.cell(2, 1).font = plain
    ws.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="top", readingOrder=order)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    ws.row_dimensions[2].height = 42
    headers = [ui(f"issues.col_{c}", lang) for c in ISSUES_COLUMNS]
    for col, header in enumerate(headers, 1):
        _text(ws.cell(HEADER_ROW, col), header)
        ws.cell(HEADER_ROW, col).font = Font(name=font_name, size=10, bold=True)
        ws.cell(HEADER_ROW, col).alignment = Alignment(readingOrder=order)
    _text(ws.cell(HEADER_ROW, layout.ISSUES_MARK_COLUMN + 1), LIST_MARK)  # a marked list
    link_font = Font(name=font_name, size=10, color="0563C1", underline="single")
    places = []
    for row, issue in enumerate(issues, HEADER_ROW + 1):
        place = f"{issue.sheet}!{issue.cell}" if issue.sheet and issue.cell else (issue.sheet or "")
        places.append(place)
        values = (ui(f"issues.{issue.severity}", lang), place, issue.question or "",
                  message_body(issue))
        for col, value in enumerate(values, 1):
            _text(ws.cell(row, col), value)
            ws.cell(row, col).font = plain
            ws.cell(row, col).alignment = Alignment(wrap_text=col == 4, vertical="top",
                                                    readingOrder=order)
        _text(ws.cell(row, layout.ISSUES_MARK_COLUMN + 1), list_mark(*values[1:]))
        ws.cell(row, 1).fill = fills[issue.severity]
        # a long message wraps: its row is made as tall as its lines, or they would spill
        # over the next one on screen and on paper
        ws.row_dimensions[row].height = row_height([(values[3], COLUMN_WIDTHS[3])], 10)
        if _placed(issue, wb.sheetnames):
            link = ws.cell(row, 2)
            link.hyperlink = Hyperlink(ref=link.coordinate,
                                       location=sheet_link(str(issue.sheet), str(issue.cell)))
            link.font = link_font
    _page_setup(ws, lang, places)
    _remember(wb, marked)
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    with writing(target, "the annotated copy"), atomic_path(target) as temp:
        wb.save(temp)
    return target


#: The metadata sheet keeps the list of the cells a copy marked in rows of its own, each cell
#: of them holding at most this many characters (a cell holds 32,767), in this many rows at most
#: (some 70,000 cells marked); marks past them, the last listed (warnings), are not remembered
#: and stay on the next copy.
MARKED_CHARS = 30_000
MARKED_ROWS = 40


def _where(cell: Any) -> str:
    """An openpyxl cell's place as natk's messages name it: ``Sheet!D5``."""
    return f"{cell.parent.title}!{cell.coordinate}"


def _ours(cell: Any) -> bool:
    """Whether a cell bears a note of natk's (alone, or after the respondent's own)."""
    return cell.comment is not None and holds_ours(str(cell.comment.text or ""), _where(cell))


def _mark_fill(cell: Any) -> bool:
    """Whether a cell's fill is one natk marks with."""
    fill = cell.fill
    color = getattr(fill, "fgColor", None)
    return (getattr(fill, "fill_type", None) == "solid" and color is not None
            and color.type == "rgb" and str(color.rgb)[-6:] in (ERROR_FILL, WARNING_FILL))


def _fill_of(cell: Any) -> str:
    """A cell's fill as the metadata sheet remembers it (its XML, whatever the fill: a theme
    colour, a pattern, a gradient). natk's own mark, on a cell of an earlier copy that did not
    remember it, counts as none."""
    from openpyxl.styles import PatternFill
    from openpyxl.xml.functions import tostring

    fill = PatternFill() if _mark_fill(cell) and _ours(cell) else cell.fill
    return str(tostring(fill.to_tree()).decode("utf-8"))


def _place(cell: Any, keys: dict[str, dict[str, int]]) -> tuple[str, str, str]:
    """Where a marked cell is, as found again after rows are inserted: its sheet, its row's key
    (a component sheet's hidden key column; ``#`` and its number where the row has none) and
    its column."""
    ws = cell.parent
    key = ws.cell(cell.row, layout.COL_KEY + 1).value
    keyed = key is not None and _rows(ws, keys).get(str(key)) == cell.row
    return ws.title, str(key) if keyed else f"#{cell.row}", cell.column_letter


def _rows(ws: Any, keys: dict[str, dict[str, int]]) -> dict[str, int]:
    """A sheet's row keys → their rows (a key found twice: its first row), read once, as far as
    the reader reads."""
    if ws.title not in keys:
        col = layout.COL_KEY + 1
        found: dict[str, int] = {}
        for row, (value,) in enumerate(ws.iter_rows(min_col=col, max_col=col, values_only=True,
                                                    max_row=min(ws.max_row, MAX_SCAN_ROWS)),
                                       start=1):
            if value is not None:
                found.setdefault(str(value), row)
        keys[ws.title] = found
    return keys[ws.title]


def _remember(wb: Any, marked: list[tuple[str, tuple[str, str, str]]]) -> None:
    """Keep in the metadata sheet the cells this copy marked (``_place``), sheet by sheet and by
    the fill each had: ``{sheet: {fill: [[row key, column], ...]}}``."""
    if layout.META_SHEET not in wb.sheetnames:
        return
    while True:
        grouped: dict[str, dict[str, list[list[str]]]] = {}
        for fill, (sheet, key, column) in marked:
            grouped.setdefault(sheet, {}).setdefault(fill, []).append([key, column])
        text = json.dumps(grouped, ensure_ascii=False, separators=(",", ":"))
        room = MARKED_CHARS * MARKED_ROWS
        if len(text) <= room:
            break
        marked = marked[:min(len(marked) - 1, len(marked) * room // len(text))]
    meta = wb[layout.META_SHEET]
    ours = _marked_rows(meta)
    for row in ours:
        meta.cell(row, 1).value = meta.cell(row, 2).value = None
    row = ours[0] if ours else meta.max_row + 1
    for start in range(0, len(text), MARKED_CHARS):
        while meta.cell(row, 1).value is not None:  # a row of the identification's
            row += 1
        meta.cell(row, 1, layout.META_MARKED)
        _text(meta.cell(row, 2), text[start:start + MARKED_CHARS])  # never a formula
        row += 1


def _marked_rows(meta: Any) -> list[int]:
    """The rows of the metadata sheet that hold the list of marks (``_remember``)."""
    return [row for row in range(1, meta.max_row + 1)
            if meta.cell(row, 1).value == layout.META_MARKED]


def _unmark(wb: Any) -> None:
    """Take an earlier copy's marks off the cells it marked (``_remember``), found by their
    row's key where rows were inserted since, and in whatever sheet the key now is where the
    sheet was renamed: natk's note goes (what the respondent wrote in it stays) and, where the
    cell still has natk's colour, its fill is put back (none where the fill remembered cannot
    be read). What the metadata sheet holds is the respondent's file: anything odd in it is
    passed over."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    if layout.META_SHEET not in wb.sheetnames:
        return
    meta = wb[layout.META_SHEET]
    text = "".join(str(meta.cell(row, 2).value or "") for row in _marked_rows(meta))
    try:
        marked = json.loads(text) if text else {}
    except (ValueError, RecursionError):
        return
    keys: dict[str, dict[str, int]] = {}
    for sheet, fills in marked.items() if isinstance(marked, dict) else ():
        for fill, places in fills.items() if isinstance(fills, dict) else ():
            was = _parsed_fill(fill) or PatternFill()
            for place in places if isinstance(places, list) else ():
                cell = _marked_cell(wb, sheet, place, keys)
                if cell is None:
                    continue
                if _mark_fill(cell):
                    cell.fill = was
                if _ours(cell):
                    own = respondents_note(cell.comment, _where(cell))
                    cell.comment = Comment(own, cell.comment.author) if own else None


def _parsed_fill(xml: Any) -> Any:
    """A fill remembered by ``_fill_of``; None where it is not one."""
    from openpyxl.styles.fills import Fill
    from openpyxl.xml.functions import fromstring  # openpyxl's parser: no entity expanded

    try:
        return Fill.from_tree(fromstring(str(xml)))
    except Exception:  # any text at all may be found there
        return None


def _marked_cell(wb: Any, sheet: str, place: Any, keys: dict[str, dict[str, int]]) -> Any:
    """The cell a remembered place (``_place``) is now; None where it is gone or not a cell."""
    from openpyxl.utils import column_index_from_string
    from openpyxl.worksheet.worksheet import Worksheet

    if not (isinstance(place, list) and len(place) == 2 and isinstance(place[0], str)
            and isinstance(place[1], str)):
        return None
    key, column = place
    sheets = [ws for ws in wb.worksheets if isinstance(ws, Worksheet)]
    if sheet in wb.sheetnames:
        sheets = [ws for ws in sheets if ws.title == sheet]
    elif key.startswith("#"):
        return None  # a row without a key, on a sheet no longer there
    row = None
    for ws in sheets:  # the sheet, or, renamed since, the one the key is now on
        row = int(key[1:]) if key[1:].isdigit() and key.startswith("#") else _rows(
            ws, keys).get(key)
        if row is not None:
            break
    try:
        col = column_index_from_string(column)
    except ValueError:
        return None
    if row is None or not 1 <= row <= MAX_ROW or not 1 <= col <= MAX_COLUMN:
        return None
    cell = ws.cell(row, col)
    return None if type(cell).__name__ == "MergedCell" else cell


def _issues_title(wb: Any, title: str, typed_on: set[str]) -> str:
    """The name of the copy's Issues sheet: ``title``, in place of the Issues sheet of an earlier
    copy (sent back, and handed back again: told by its column headers, whatever its name now
    and wherever rows were inserted above them) unless the respondent typed on it (one of
    ``typed_on``: a reply beside a message stays where they wrote it); never in place of a
    sheet of the respondent's that bears that name, beside which it takes a number."""
    for ws in list(wb.worksheets):
        if not is_issues_sheet(partial(_value, ws)):
            continue
        if ws.title not in typed_on:
            del wb[ws.title]
            continue
        ws.print_area = _typed_area(ws)
    name, n = title, 1
    while name in wb.sheetnames:
        n += 1
        name = f"{title[:28]} {n}"
    return name


def _typed_area(ws: Any) -> str:
    """The print area of an Issues sheet the respondent typed on: as far right as their text
    reaches, spilling over the empty cells beside it as it shows on screen (but for the hidden
    marks' column), and down to its last row."""
    mark = layout.ISSUES_MARK_COLUMN + 1
    last = len(ISSUES_COLUMNS)
    for row in ws.iter_rows(min_col=last + 1, max_col=mark - 1):
        for cell in row:
            if cell.value is not None:
                width = ws.column_dimensions[cell.column_letter].width or 8.43
                spill = int(line_units(str(cell.value)) // max(width, 1.0)) + 1  # a margin
                last = max(last, min(cell.column + spill, mark - 1))
    from openpyxl.utils import get_column_letter

    return f"A1:{get_column_letter(last)}{ws.max_row}"


def _value(ws: Any, row: int, col: int) -> Any:
    """An openpyxl cell's value at (1-based row, 0-based column), as the reader counts."""
    return ws.cell(row, col + 1).value


def _placed(issue: Issue, sheetnames: list[str]) -> bool:
    """True when the issue names a sheet of the workbook and a well-formed cell in it."""
    return (issue.sheet is not None and issue.sheet in sheetnames and issue.cell is not None
            and _CELL_REF.fullmatch(issue.cell) is not None)


def column_widths(lang: str, places: Iterable[str] = ()) -> list[float]:
    """The issues sheet's columns, each wide enough for its header and, the first, for the
    severities, in ``lang``, the second for each of ``places`` (the cells linked to): none is
    wrapped, and the next cell would cut it ("Предупрежден", "Politique et coordination!D10"
    for D103)."""
    widths: list[float] = list(COLUMN_WIDTHS)
    for col, key in enumerate(("severity", "place", "question")):
        widths[col] = max(widths[col], line_units(ui(f"issues.col_{key}", lang), bold=True))
    widths[0] = max(widths[0], *(line_units(ui(f"issues.{s}", lang)) for s in SEVERITY_ORDER))
    widths[1] = max(widths[1], *(line_units(place) for place in places), 0)
    return widths


def _page_setup(ws: Any, lang: str, places: Iterable[str]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    for col, width in zip("ABCD", column_widths(lang, places), strict=True):
        ws.column_dimensions[col].width = width
    ws.column_dimensions[get_column_letter(layout.ISSUES_MARK_COLUMN + 1)].hidden = True
    ws.print_area = f"A1:D{max(ws.max_row, HEADER_ROW)}"  # not to the hidden marks' column
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4  # as every sheet of the questionnaire
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if lang == "ar":
        ws.sheet_view.rightToLeft = True

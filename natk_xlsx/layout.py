"""The contract between the generator and the importer, and Excel's limits.

Every sheet name, column and defined-name rule lives here; nothing else hard-codes a cell address.
"""

from __future__ import annotations

import re

# -- Excel's limits ------------------------------------------------------------------------------
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")
SHEET_NAME_RESERVED = frozenset({"history"})
VALIDATION_TITLE_MAX = 32
VALIDATION_MESSAGE_MAX = 255
LIST_LABEL_MAX = 255
CELL_TEXT_MAX = 32767
DEFINED_NAME_MAX = 255
MAX_ROW = 1_048_576
MAX_COL = 16_384

_NAME_CHARS = re.compile(r"^[A-Za-z_\\][A-Za-z0-9_.\\]*$")
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")
_R1C1 = re.compile(r"^[Rr]([0-9]*)[Cc]?([0-9]*)$|^[Cc][0-9]*$")


def column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


def looks_like_cell(name: str) -> bool:
    """True when Excel would read ``name`` as a cell reference (``Q1``, ``LEG5``, ``R1C1``)."""
    a1 = _A1.match(name)
    if a1 and column_number(a1.group(1)) <= MAX_COL and 0 < int(a1.group(2)) <= MAX_ROW:
        return True
    return bool(_R1C1.match(name))


def defined_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an Excel defined name, or None when it can."""
    if not name or len(name) > DEFINED_NAME_MAX:
        return f"a defined name has 1 to {DEFINED_NAME_MAX} characters"
    if not _NAME_CHARS.match(name):
        return "a defined name starts with a letter or _ and holds only letters, digits, _ and ."
    if looks_like_cell(name):
        return "Excel would read it as a cell reference"
    if name.upper() in ("TRUE", "FALSE"):
        return "TRUE and FALSE are reserved"
    return None


def sheet_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a worksheet name, or None when it can."""
    if not name.strip():
        return "a sheet name cannot be blank"
    if len(name) > SHEET_NAME_MAX:
        return f"it has {len(name)} characters; Excel allows at most {SHEET_NAME_MAX}"
    bad = sorted(set(name) & SHEET_NAME_FORBIDDEN)
    if bad:
        return "it holds " + " ".join(bad) + ", which Excel does not allow in sheet names"
    if name.startswith("'") or name.endswith("'"):
        return "a sheet name cannot begin or end with an apostrophe"
    if name.lower() in SHEET_NAME_RESERVED:
        return f"'{name}' is reserved by Excel"
    return None


def input_title(question_id: str) -> str:
    """The title of an answer cell's input message (Excel allows 32 characters)."""
    return question_id


# -- the generated workbook ----------------------------------------------------------------------
#: Version of this layout; the importer refuses layouts it does not know.
LAYOUT_VERSION = "1"

#: Hidden sheets keep technical names in every language, so the importer finds them.
LISTS_SHEET = "natk_lists"
#: The box before each answer a question's cell lists after its text (a single-choice question
#: on paper): the reader tells the generator's list from text typed after the question by it.
CHOICE_MARK = "\u2610"
#: The row of the column headers of the Issues sheet a copy handed back begins with (by which
#: the reader tells that sheet, whatever its name, from one the respondent added).
ISSUES_HEADER_ROW = 4
#: The columns of a sheet the respondent added that are looked at (A to BL: the fast reader's
#: bound; a cell further right sends the file to the careful reader, which keeps this bound).
ADDED_COLUMNS = 64
#: The hidden column (0-based; BL, the last one read) where each row of that Issues sheet's
#: list carries a mark of the message natk wrote in it (``issues.list_mark``): by it the reader
#: tells natk's rows, and a message edited, from what the respondent typed.
ISSUES_MARK_COLUMN = ADDED_COLUMNS - 1
META_SHEET = "natk_meta"
#: A key of the metadata sheet that only a copy handed back has: the cells ``annotate`` marked,
#: with the fill each had, so that the next copy takes those marks off a corrected cell.
META_MARKED = "marked"

# Columns of a component sheet (0-based).
#: The question's id; on the row of a list of answers that begins a printed page, the id of the
#: question the list belongs to, again (the generator's, which readers pass over).
COL_ID = 0
COL_QUESTION = 1
COL_GUIDANCE = 2
COL_ANSWER = 3
COL_COMMENT = 4
COL_EVIDENCE = 5
COL_PRIORITY = 6
COL_PROVIDED = 7
COL_PROVIDER = 8
#: A statistics table's columns start at the answer column; a breakdown has at most 12 columns,
#: then the total, so the grid ends before the hidden columns.
MAX_BREAKDOWN_COLUMNS = 12
#: Hidden: the row key (question id, "ID|code" for a multiple-choice option, "ID|year" for a
#: statistics row, "ID|source" and "ID|reliability"), and two helper columns for the progress
#: figures (is the question applicable, is it answered).
COL_KEY = 20
COL_APPLICABLE = 21
COL_ANSWERED = 22

HEADER_ROW = 2  # 0-based row of the column headers; rows 0-1 hold the title and purpose
FIRST_BODY_ROW = HEADER_ROW + 1

#: Column header keys (interface strings) of a component sheet, in column order.
HEADERS = ("col.id", "col.question", "col.guidance", "col.answer", "col.comment", "col.evidence",
           "col.priority", "col.provided", "col.provider")
#: Widths chosen for print: the nine columns and the widest statistics table fit an A4 landscape
#: page at 83 % or more (a table of seven categories and its total included), so that 10 pt text
#: prints at 8 pt or more (see workbook/common.py); the priority and "already provided" columns
#: hold the longest word of their header in bold in every language ("оказывается?").
COLUMN_WIDTHS = (7, 34, 28, 18, 18, 16, 12, 12, 13)
#: Width of the further columns a wide statistics table uses, after the provider column.
GRID_COLUMN_WIDTH = 8


#: The question and guidance columns give up room to a sheet whose widest statistics table runs
#: past the provider column, down to these widths, so the printed page keeps its scale.
NARROWEST_QUESTION, NARROWEST_GUIDANCE = 24, 18


def column_width(col: int, extra: int = 0) -> float:
    """The width of a component sheet's column ``col`` (0-based), in Excel's units, on a sheet
    that prints ``extra`` grid columns beyond the provider column."""
    give = extra * GRID_COLUMN_WIDTH / 2
    if col == COL_QUESTION:
        return max(NARROWEST_QUESTION, COLUMN_WIDTHS[col] - give)
    if col == COL_GUIDANCE:
        return max(NARROWEST_GUIDANCE, COLUMN_WIDTHS[col] - give)
    return COLUMN_WIDTHS[col] if col < len(COLUMN_WIDTHS) else GRID_COLUMN_WIDTH

KEY_SEPARATOR = "|"
KEY_SOURCE = "source"
KEY_HEADER = "head"
KEY_TOTAL = "total"
KEY_RELIABILITY = "reliability"

# Defined names: one per answer cell (the question id) and these for the cover fields.
COVER_FIELDS = ("assessment", "country", "institution", "respondent_name", "role", "contact",
                "completion_date")
#: The columns the cover is written in (A-E), and the one the instructions' text is (B): what
#: lies past them was typed by the respondent.
COVER_COLUMNS = 5
INSTRUCTIONS_COLUMN = 1


def cover_name(field: str) -> str:
    return f"natk_cover_{field}"


#: Marks of an option left unticked, beside the "no" labels of every language: the reader
#: reads an option so marked as not ticked, and the workbook's formulas take it so too.
UNTICK_MARKS = ("0", "false", "no", "n", "-")


def list_name(list_id: str) -> str:
    return f"natk_list_{list_id}"


def row_key(question_id: str, part: str | int | None = None) -> str:
    return question_id if part is None else f"{question_id}{KEY_SEPARATOR}{part}"


def parse_row_key(key: str) -> tuple[str, str | None]:
    qid, _, part = key.partition(KEY_SEPARATOR)
    return qid, part or None


#: Keys of the metadata sheet and of the custom document properties (all values are strings).
META_KEYS = ("toolkit_id", "toolkit_version", "spec_hash", "layout_version", "language",
             "components", "sheets", "workbook_id", "generator", "generator_version", "created",
             "reference_period", "percentage_storage", "country", "assessment", "institution",
             "respondent_kind", "omitted_questions")


#: The identity keys also stored as custom document properties (Excel caps their values at 255),
#: and how percentages are stored: what a workbook whose hidden sheet was deleted is read by.
PROPERTY_KEYS = ("toolkit_id", "toolkit_version", "spec_hash", "layout_version", "language",
                 "workbook_id", "generator_version", "created", "percentage_storage")


def cell_name(row: int, col: int, absolute: bool = True) -> str:
    """0-based (row, col) → ``$D$14`` (or ``D14``)."""
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"${letters}${row + 1}" if absolute else f"{letters}{row + 1}"


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"

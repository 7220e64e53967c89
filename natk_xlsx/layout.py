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

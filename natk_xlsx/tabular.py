"""Small tables that people write by hand: a CSV with a header row, or a JSON list of objects.

Used for the recipients file (``generate --recipients``) and the resolutions file
(``summarise --resolutions``). Every row comes back with where it was ("row 3", "item 2"), so that
an error can name it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from natk_xlsx.errors import InputError


def read_rows(path: str | Path, what: str, list_key: str, required: str
              ) -> list[tuple[str, dict[str, Any]]]:
    """Rows of the file at ``path`` (a ``what`` file, e.g. "recipients"): CSV with a header row
    that has at least the column ``required``, or JSON holding a list of objects (or an object
    with that list under ``list_key``)."""
    file = Path(path)
    try:
        text = file.read_text("utf-8-sig")
    except FileNotFoundError:
        raise InputError(str(file), f"no such file; name the {what} file (CSV or JSON)") from None
    except UnicodeDecodeError:
        raise InputError(str(file), _not_text(file, what)) from None
    except OSError as exc:
        raise InputError(str(file), f"cannot be read ({exc.strerror or exc}); name the {what} "
                         "file (CSV or JSON)") from None
    if file.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(str(file), f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
        if isinstance(data, dict):
            data = data.get(list_key)
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise InputError(str(file), f"a JSON {what} file holds a list of objects, each with "
                             f"at least \"{required}\"")
        return [(f"item {i + 1}", d) for i, d in enumerate(data)]
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames is None or required not in [f.strip() for f in reader.fieldnames]:
        raise InputError(str(file), f"the CSV needs a header row with at least the column "
                         f"'{required}'")
    return [(f"row {i + 2}", {(k or "").strip(): v for k, v in r.items()})
            for i, r in enumerate(reader)]


def _not_text(file: Path, what: str) -> str:
    """Why a file that is not UTF-8 text cannot be the ``what`` file, and what to do."""
    try:
        with open(file, "rb") as handle:
            head = handle.read(8)
    except OSError:
        head = b""
    if head.startswith((b"PK\x03\x04", bytes.fromhex("D0CF11E0A1B11AE1"))):
        return (f"this is a spreadsheet workbook, not the {what} file as CSV; save the sheet as "
                "CSV in UTF-8 (in Excel: File > Save As > CSV UTF-8) and name that file")
    return f"not UTF-8 text; save the {what} file as CSV in UTF-8, or as JSON"

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
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(file), f"cannot be read as UTF-8 text ({exc}); save it as UTF-8 "
                         "CSV or JSON") from None
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
        raise InputError(str(file), f"the CSV needs a header row with at least a '{required}' "
                         "column")
    return [(f"row {i + 2}", {(k or "").strip(): v for k, v in r.items()})
            for i, r in enumerate(reader)]

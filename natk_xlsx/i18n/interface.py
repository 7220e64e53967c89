"""The texts of the workbook's own interface (cover, instructions, headers, validation messages).

They live in ``i18n/interface.json`` as maps from language code to text, like the specs' texts, so
translating them is pure data.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from natk_xlsx.i18n.languages import tr


@cache
def strings() -> dict[str, dict[str, str]]:
    # read beside this module: importlib.resources costs 10-25 ms to import, more than the
    # file takes to read, on the start of every command
    text = (Path(__file__).parent / "interface.json").read_text("utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


#: A word that follows a count, in its two English forms: ``{open:|need|needs}`` is "need" when
#: ``open`` is 1, else "needs". A sentence with several counts needs one for each; a language
#: whose plural has more forms is written as "needs: {open}", as the translations are.
_PLURAL = re.compile(r"\{(\w+):\|([^{}|]*)\|([^{}|]*)\}")


def ui(key: str, lang: str, **values: Any) -> str:
    """The interface text ``key`` in ``lang`` (English where not yet translated). Where the
    ``count`` is 1 and the text has a singular form (``<key>.one``) in ``lang``, that form; a
    word marked ``{name:|one|many}`` agrees with the value ``name``."""
    texts = strings()
    one = texts.get(f"{key}.one") if values.get("count") == 1 else None
    text = tr(one if one is not None and lang in one else texts[key], lang)
    if ":|" in text:
        text = _PLURAL.sub(lambda m: m[2] if values.get(m[1]) == 1 else m[3], text)
    return text.format(**values) if values else text


def counted(n: int, noun: str) -> str:
    """"1 error", "2 errors": a count of a regular English noun, for the command line's own
    lines (which are in English)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"

"""Translating the specs as data: export every text to a CSV a translator fills in, then import it.

The CSV has one row per text: its place (``file::JSON path``), the source-language text, and the
translation (empty where there is none yet). It opens in Excel or LibreOffice (UTF-8 with BOM).
The workbook's own interface texts (``natk_xlsx/i18n/interface.json``) come after the specs' texts,
keyed ``interface.json::KEY``, so a translator never edits JSON. Importing checks that each row's
source text is still the current one, so a translation of an outdated text is reported instead of
being applied, and writes only into the folder named (never into an installed copy).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from natk_xlsx.errors import InputError, UsageError
from natk_xlsx.i18n.interface import counted, strings
from natk_xlsx.i18n.languages import UN_LANGUAGES
from natk_xlsx.safeio import atomic_open, write_text, writing
from natk_xlsx.spec.lint_translations import text_maps
from natk_xlsx.spec.loading import resolve_specs_dir

#: A step of a text's path: a key, a list's item by its place ("[3]") or by its id or code
#: ("[DAT.16]", as export-texts writes it, so that a question moved keeps its translations).
_TOKEN = re.compile(r"\.([^.\[]+)|\[([^\]]+)\]")
#: The file name that keys the interface texts' rows.
INTERFACE_FILE = "interface.json"
#: Where the interface texts live in a checkout, relative to the folder above the specs folder.
INTERFACE_PATH = Path("natk_xlsx") / "i18n" / INTERFACE_FILE
ORDER = ("en", "ar", "zh", "fr", "ru", "es")


@dataclass
class ImportResult:
    applied: int = 0
    unchanged: int = 0
    not_applied: int = 0  # texts: a row with a problem, or each interface text without its file
    problems: list[str] = field(default_factory=list)


def _documents(directory: Path) -> Iterator[tuple[str, Any]]:
    for file in sorted(directory.glob("*.json")):
        yield file.name, json.loads(file.read_text("utf-8-sig"))


def export_texts(directory: str | Path | None, lang: str, target: str | Path,
                 missing_only: bool = False) -> int:
    """Write the texts of the specs in ``directory`` for translation into ``lang``."""
    if lang not in UN_LANGUAGES:
        raise UsageError(f"unknown language '{lang}'; use one of {', '.join(UN_LANGUAGES)}")
    folder = resolve_specs_dir(directory)
    rows = 0
    with writing(target, "the texts"), \
            atomic_open(target, "w", newline="", encoding="utf-8-sig") as f:
        out = csv.writer(f)
        out.writerow(["key", "en", lang])
        for name, doc in _documents(folder):
            for path, text in text_maps(doc):
                if missing_only and text.get(lang, "").strip():
                    continue
                out.writerow([f"{name}::{stable_path(doc, path)}", text.get("en", ""),
                              text.get(lang, "")])
                rows += 1
        for key, text in strings().items():
            if missing_only and text.get(lang, "").strip():
                continue
            out.writerow([f"{INTERFACE_FILE}::{key}", text.get("en", ""), text.get(lang, "")])
            rows += 1
    return rows


def is_installed(folder: Path) -> bool:
    """True for a folder inside an installed package (site-packages), which pip owns."""
    parts = set(folder.resolve().parts)
    return bool(parts & {"site-packages", "dist-packages"})


def _locate(doc: Any, path: str) -> Any:
    node = doc
    for match in _TOKEN.finditer(path[1:]):
        key, item = match.groups()
        if key is not None:
            node = node[key]
        elif item.isdigit():
            node = node[int(item)]
        else:
            (node,) = [each for each in node if _name(each) == item]  # else: not one, refused
    return node


def _name(item: Any) -> str | None:
    """A list item's id or code: what a text's path names it by."""
    if isinstance(item, dict):
        name = item.get("id", item.get("code"))
        if isinstance(name, str) and name and not name.isdigit() and "]" not in name:
            return name
    return None


def stable_path(doc: Any, path: str) -> str:
    """``path`` with each list item named by its id or code where it has one that no other
    item of its list has ("$.questions[DAT.16].text", not "$.questions[9].text")."""
    node, out = doc, "$"
    for match in _TOKEN.finditer(path[1:]):
        key, item = match.groups()
        if key is not None:
            node, out = node[key], f"{out}.{key}"
            continue
        items, node = node, node[int(item)]
        name = _name(node)
        named = name is not None and sum(_name(each) == name for each in items) == 1
        out += f"[{name}]" if named else f"[{item}]"
    return out


def _ordered(value: Any) -> Any:
    if isinstance(value, dict):
        if value and all(k in ORDER for k in value) and all(isinstance(v, str)
                                                            for v in value.values()):
            return {k: value[k] for k in ORDER if k in value}
        return {k: _ordered(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def import_texts(directory: str | Path | None, source: str | Path, lang: str) -> ImportResult:
    """Write the translations of a filled CSV into the spec files of ``directory`` (and the
    interface texts into the checkout's ``natk_xlsx/i18n/interface.json`` beside it)."""
    if lang not in UN_LANGUAGES or lang == "en":
        raise UsageError(f"choose the language of the translations: {', '.join(UN_LANGUAGES[:2])}"
                         ", fr, ru or es")
    if directory is None:
        raise UsageError("name the specs folder to write the translations into: --specs DIR "
                         "(in a checkout: --specs workbook_specs)")
    folder = resolve_specs_dir(directory)
    if is_installed(folder):
        raise UsageError(f"{folder} is an installed copy of the specs; import into a checkout "
                         "or a copy of the folder (--specs DIR)")
    try:
        with Path(source).open(newline="", encoding="utf-8-sig") as f:
            header = f.readline()
            f.seek(0)
            # Excel in French, Spanish, Russian and other locales saves a CSV with semicolons
            parted = ";" if header.count(";") > header.count(",") else ","
            rows = list(csv.DictReader(f, delimiter=parted))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(source), f"cannot be read as a UTF-8 CSV ({exc})") from None
    if rows and not {"key", "en", lang} <= set(rows[0]):
        raise InputError(str(source), f"needs the columns key, en and {lang} (as exported)")
    docs = dict(_documents(folder))
    interface_file = folder.resolve().parent / INTERFACE_PATH
    if interface_file.is_file() and not is_installed(interface_file):
        docs[INTERFACE_FILE] = json.loads(interface_file.read_text("utf-8"))
    result = ImportResult()
    changed: set[str] = set()
    skipped_interface = 0
    for i, row in enumerate(rows, start=2):
        given = row.get(lang) or ""
        if not given.strip():
            continue
        name, _, path = (row.get("key") or "").partition("::")
        # an interface text's spaces are part of it (" ou " joins two answers); a spec's are not
        text = given if name == INTERFACE_FILE else given.strip()
        if name == INTERFACE_FILE and name not in docs:
            if (strings().get(path) or {}).get(lang) == text:  # as natk-xlsx has it already
                result.unchanged += 1
            else:
                skipped_interface += 1
            continue
        try:
            node = docs[name][path] if name == INTERFACE_FILE else _locate(docs[name], path)
        except (KeyError, IndexError, TypeError, ValueError):
            result.problems.append(f"row {i}: no text at {row.get('key')}; export again")
            result.not_applied += 1
            continue
        if not isinstance(node, dict) or node.get("en") != row.get("en"):
            result.problems.append(f"row {i}: the English text at {row.get('key')} has changed "
                                   "since the export; translate the current text")
            result.not_applied += 1
            continue
        if node.get(lang) == text:
            result.unchanged += 1
            continue
        node[lang] = text
        changed.add(name)
        result.applied += 1
    if skipped_interface:
        result.not_applied += skipped_interface
        result.problems.append(f"{counted(skipped_interface, 'interface text')} changed, not "
                               f"applied: there is no {INTERFACE_PATH} beside {folder}; import "
                               "them in a checkout of natk-xlsx")
    for done, name in enumerate(sorted(changed)):
        target = interface_file if name == INTERFACE_FILE else folder / name
        with writing(target, f"the translations ({done} of {len(changed)} files written "
                              "before it; import again once it can be written)"):
            write_text(target, json.dumps(_ordered(docs[name]), indent=2,
                                          ensure_ascii=False) + "\n")
    return result


"""Notes (comments) a respondent attached to cells, read so that what they say is not lost.

An official often answers in a note on the answer cell ("see the annex", "figures for 2024 are
provisional") rather than in the Comments column. Neither reader sees notes: they live in parts
of their own (``xl/commentsN.xml``, tied to a sheet by its relationships), which Excel,
LibreOffice and Google Sheets all write, Excel's threaded comments too (with a text for older
versions, whose preamble is dropped here). This module reads them from the bytes the gate let
through, with defusedxml, for ``reader`` to keep and report (``CELL-NOTE``).

The notes natk-xlsx writes on a copy handed back (``annotate``) are natk's own, not the
respondent's, and are left out: told by what they say, as LibreOffice drops a note's author when
it saves (lines of natk's messages, after a fixed separator where they follow a respondent's own
note). A line a respondent typed into natk's note, a reply to its message, is theirs. Notes
are a courtesy: a part that cannot be read, or larger than a questionnaire's notes could be,
gives none, never a refusal of the file.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any

# defusedxml ships no type information; it is a hard dependency so hostile XML cannot expand.
from defusedxml import ElementTree as DefusedET  # type: ignore[import-untyped]

#: The author of the notes natk-xlsx writes on a copy handed back.
OURS = "natk-xlsx"
#: What parts a respondent's own note from the messages natk-xlsx adds after it on a copy
#: handed back (a cell holds one note): what follows it is natk's, whoever the author is now.
SEPARATOR = "\n\n\u2014 natk-xlsx \u2014\n"
#: A line of natk's messages: "[Sheet!D12] VIC.01: ..." (LibreOffice drops a note's author when
#: it saves the copy again, so natk's notes are also told by what they say).
_OUR_LINE = re.compile(r"\[[^\]\n]*![A-Z]{1,3}[0-9]{1,7}\] ")
#: Notes read from one file at most (a questionnaire's notes are a handful).
MAX_NOTES = 2000
#: A note's text kept at most, as a cell holds at most this many characters.
MAX_TEXT = 32767
#: A part of notes larger than this is not read (a questionnaire's notes take kilobytes; a
#: larger one would only slow the file past its time limit, and the file is still read).
MAX_PART_BYTES = 4 * 2**20

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COMMENTS = "/comments"  # the end of the relationship type of a sheet's notes
_CELL = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")
#: What Excel writes before a threaded comment's text for versions that cannot show it.
_THREADED = re.compile(r"^\[Threaded comment\].*?\nComment:\s*", re.S)


def cell_notes(data: bytes) -> list[tuple[str, str, str]]:
    """(sheet, cell, text) of every note of the respondent's in ``data`` (a workbook the gate
    let through), sheet by sheet in the workbook's order, each sheet's in the order of its
    part."""
    from natk_xlsx.returns.fastread import sheet_paths

    found: list[tuple[str, str, str]] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return found
    with archive:
        names = set(archive.namelist())
        if not any("comments" in name.lower() for name in names):
            return found  # most returns: no part of notes at all
        try:
            sheets = sheet_paths(archive)
        except Exception:  # a workbook part the fast reader cannot map: no notes from it
            return found
        seen: set[str] = set()
        for sheet, path in sheets.items():
            part = _notes_part(archive, names, path)
            if part is None or part in seen:  # a part two sheets point to: read once
                continue
            seen.add(part)
            found += [(sheet, cell, text) for cell, text in _read(archive, part, sheet,
                                                                   MAX_NOTES - len(found))]
            if len(found) >= MAX_NOTES:
                break
    return found


def _notes_part(archive: zipfile.ZipFile, names: set[str], sheet_path: str) -> str | None:
    """The part holding the notes of the sheet at ``sheet_path``, from its relationships."""
    folder, base = posixpath.split(sheet_path)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    root = _parse(archive, rels) if rels in names else None
    if root is None:
        return None
    for rel in root.iter(_RELS + "Relationship"):
        if str(rel.get("Type", "")).endswith(_COMMENTS) and rel.get("TargetMode") != "External":
            target = str(rel.get("Target", ""))
            path = (target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target)))
            return path if path in names else None
    return None


def _read(archive: zipfile.ZipFile, part: str, sheet: str, room: int) -> list[tuple[str, str]]:
    """The notes of one part, at most ``room`` of them."""
    if archive.getinfo(part).file_size > MAX_PART_BYTES:
        return []
    root = _parse(archive, part)
    if root is None:
        return []
    notes = []
    for comment in root.iter(_MAIN + "comment"):
        cell = str(comment.get("ref", "")).replace("$", "").upper()
        if not _CELL.fullmatch(cell):
            continue
        text = respondents_text(
            _THREADED.sub("", "".join(t.text or "" for t in comment.iter(_MAIN + "t"))),
            f"{sheet}!{cell}")
        if text:  # not natk's own, nor nothing
            notes.append((cell, text[:MAX_TEXT]))
            if len(notes) >= room:
                break
    return notes


def respondents_note(comment: Any, place: str = "") -> str:
    """The respondent's part of an openpyxl note on the cell ``place`` (``Sheet!D5``): empty
    for none, or for natk's own."""
    return "" if comment is None else respondents_text(str(comment.text or ""), place)


def respondents_text(text: str, place: str = "") -> str:
    """A note's text but natk's messages: what a respondent wrote before them (the line that
    parts the two, ``SEPARATOR``, and what follows it are natk's) and any line they typed among,
    before or after them (a reply added to natk's note, whoever its author is now). natk's
    messages are told line by line: each, as natk parts them (every line break in a value it
    quotes is folded), begins with the place it is about: a line that begins with the note's
    own place (``place``) is natk's wherever it is; one about another place only in a note of
    natk's (one that begins with such a line, or after the separator), so that a respondent's
    own note citing a cell that way ("[Budget!D12] provisional") is theirs whole. Empty for a
    note of natk's alone."""
    before, mark, after = text.partition(SEPARATOR.strip())
    own = f"[{place}] " if place else None
    natk = bool(mark) or _begins_ours(text)
    lines = [line for line in (after if mark else text).split("\n")
             if not ((own and line.startswith(own)) or (natk and _OUR_LINE.match(line)))]
    if mark:
        lines = [before, *lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _begins_ours(text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    return _OUR_LINE.match(first) is not None


def holds_ours(text: str, place: str = "") -> bool:
    """Whether a note on ``place`` holds natk's messages (alone, before or after the
    respondent's own)."""
    own = f"[{place}] " if place else None
    return (SEPARATOR.strip() in text or _begins_ours(text)
            or bool(own and any(line.startswith(own) for line in text.split("\n"))))


def _parse(archive: zipfile.ZipFile, part: str) -> Any:
    try:
        return DefusedET.fromstring(archive.read(part), forbid_dtd=True)
    except Exception:  # a part the gate let through but no parser can read: no notes from it
        return None

"""Writing the canonical submission JSON of each valid return (``natk import``).

Each file is named after the workbook id read from inside the return, which is untrusted: the
name is made safe (``safeio.safe_file_name``) and always lands inside the output folder. Two
different returns that carry one workbook id (a corrected copy, or a forged id) are both kept,
named apart by their content's SHA-256, and flagged; the same file read twice is written once.
A JSON already in the folder from another return is never overwritten. Every file is written
atomically.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from natk_xlsx.i18n.interface import counted
from natk_xlsx.safeio import inside, safe_file_name, write_failure, write_text, writing


@dataclass(frozen=True)
class Imported:
    """What became of one file read: ``target`` is the JSON written, else ``reason`` says why
    nothing was; ``note`` flags what the assessor should know (a shared workbook id)."""

    path: str
    target: Path | None = None
    answers: int = 0
    warnings: int = 0
    reason: str = ""
    note: str = ""
    write_failed: bool = False


def submission_file_name(workbook_id: str, sha256: str = "") -> str:
    """The JSON's name: the workbook id made safe, or with ``sha256`` the id and the content's
    hash (for returns that share one id)."""
    if sha256:
        return safe_file_name(f"{workbook_id}-{sha256[:12]}", ".json")
    return safe_file_name(workbook_id, ".json")


def _recorded_sha(path: Path) -> str | None:
    """The SHA-256 recorded in an existing submission JSON; '' when it cannot be told."""
    try:
        data = json.loads(path.read_text("utf-8"))
        return str(data["source"]["sha256"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _reason(result: Any) -> str:
    error = result.error or "cannot be read"
    prefix = f"{result.path}: "
    return error[len(prefix):] if error.startswith(prefix) else error


def _arrival(path: str) -> tuple[float, str]:
    """When a file arrived (its modification time), then its name, for a stable order."""
    try:
        return os.stat(path).st_mtime, path
    except OSError:
        return math.inf, path


def write_submissions(results: Iterable[Any], folder: str | Path) -> list[Imported]:
    """One JSON per valid submission among ``results`` (``batch.FileResult``), in ``folder``."""
    out = Path(folder)
    with writing(out, "the submissions"):
        out.mkdir(parents=True, exist_ok=True)
    results = list(results)
    valid = [r for r in results if r.submission is not None and r.submission.valid]
    said = {r.path: _said(r.submission) for r in valid}
    sha_of = {r.path: r.submission.file_sha256 for r in valid}
    contents: dict[str, set[str]] = {}
    for r in valid:
        contents.setdefault(r.submission.workbook_id, set()).add(said[r.path])
    # Of copies that say the same (identical files, or one saved again by another application),
    # the one that arrived first is imported and the later ones are the copies sent again,
    # whatever the order of their names.
    first_by_said: dict[str, str] = {}
    for r in sorted(valid, key=lambda r: _arrival(r.path)):
        first_by_said.setdefault(said[r.path], r.path)
    written: set[str] = set()
    failed: set[str] = set()  # written and refused (a full disk, a read-only folder)
    taken: set[str] = set()  # names written in this run, case-folded (macOS, Windows)
    done: list[Imported] = []
    for result in results:
        sub = result.submission
        if sub is None:
            done.append(Imported(result.path, reason=_reason(result)))
            continue
        if not sub.valid:
            done.append(Imported(result.path, reason=f"{counted(len(sub.errors), 'error')}; run "
                                 f"'natk check {result.path}' to see what to correct"))
            continue
        same = said[result.path]
        first = first_by_said[same]
        if same in written or first != result.path:
            kind = ("file" if sha_of[first] == sub.file_sha256
                    else "answers (the workbook saved again)")
            said_of = "not imported either" if same in failed else "imported once"
            done.append(Imported(result.path, reason=f"the same {kind} as {first}; {said_of}"))
            continue
        written.add(same)
        imported = _write_one(result, out, contents[sub.workbook_id], taken)
        if imported.write_failed:
            failed.add(same)
        done.append(imported)
    return done


def _said(sub: Any) -> str:
    """A digest of what a return says (who, the answers, their details and tables, the text
    kept outside them), not of its bytes: a copy saved again by LibreOffice says the same."""
    record = sub.record()
    kept = {k: record.get(k) for k in ("workbook_id", "respondent", "answers", "details",
                                       "tables", "unplaced")}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()


def _write_one(result: Any, out: Path, versions: set[str], taken: set[str]) -> Imported:
    sub = result.submission
    wid, sha = str(sub.workbook_id), sub.file_sha256
    note = ""
    name = submission_file_name(wid)
    if len(versions) > 1:  # returns of one workbook id that say different things
        name = submission_file_name(wid, sha)
        note = (f"{len(versions)} different returns carry workbook id {wid!r}; each is kept, named "
                "by its contents: check which one is the return to use")
    else:
        recorded = _recorded_sha(inside(out, name))
        if (recorded is not None and recorded != sha) or name.casefold() in taken:
            name = submission_file_name(wid, sha)
            note = (f"a different return with workbook id {wid!r} was imported before; both "
                    "are kept, this one named by its contents: check which one is the return "
                    "to use")
    taken.add(name.casefold())
    target = inside(out, name)
    text = json.dumps(sub.record(), indent=1, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate read from the file: escape it as JSON does
        text = json.dumps(sub.record(), indent=1, ensure_ascii=True) + "\n"
    try:
        write_text(target, text)
    except OSError as exc:
        return Imported(result.path, reason=f"cannot write {target} {write_failure(exc)}",
                        write_failed=True)
    _arrived_with(target, result.path)
    return Imported(result.path, target, len(sub.answers), len(sub.warnings), note=note)


def _arrived_with(target: Path, source: str) -> None:
    """Give the submission file the modification time of the workbook it was read from: when
    copies of one workbook differ, a summary of the submissions then uses the copy that arrived
    last, as a summary of the workbooks does (not the one imported last)."""
    try:
        when = os.stat(source)
        os.utime(target, (when.st_atime, when.st_mtime))
    except OSError:
        pass


# -- reading a submission JSON back (natk summarise) ----------------------------------------------

_SCALAR = (str, int, float, bool, type(None))


def _scalar_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, _SCALAR) for k, v in value.items())


def _answer(value: Any) -> bool:
    """An answer as ``natk import`` writes it: a value, a list of codes, or a table
    ``{year: {column: count}}``."""
    if isinstance(value, list):
        return all(isinstance(v, _SCALAR) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _scalar_map(v) for k, v in value.items())
    return isinstance(value, _SCALAR)


#: field → test of its value, for every field consolidation reads.
_FIELDS: dict[str, Any] = {
    "workbook_id": lambda v: isinstance(v, str) and bool(v),
    "toolkit": _scalar_map,
    "language": lambda v: isinstance(v, str),
    "components": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "respondent": _scalar_map,
    "answers": lambda v: isinstance(v, dict) and all(_answer(a) for a in v.values()),
    "details": lambda v: isinstance(v, dict) and all(_scalar_map(d) for d in v.values()),
    "tables": lambda v: isinstance(v, dict) and all(
        isinstance(t, dict) and all(isinstance(x, _SCALAR) or _scalar_map(x)
                                    for x in t.values()) for t in v.values()),
    "asked": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "issues": lambda v: isinstance(v, list) and all(
        isinstance(i, dict) and isinstance(i.get("severity", ""), str) for i in v),
}


def record_problem(data: dict[str, Any]) -> str | None:
    """What makes a submission JSON unusable (a field of the wrong shape), or None. A file
    written by ``natk import`` always passes; a hand-edited or forged one may not."""
    for key, test in _FIELDS.items():
        if key in data and not test(data[key]):
            return (f"its field \"{key}\" does not hold what 'natk import' writes; import the "
                    "workbook again")
    if "workbook_id" not in data:
        return "it has no workbook id; import the workbook again"
    return None

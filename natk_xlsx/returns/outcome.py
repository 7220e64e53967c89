"""What became of one file read: a ``FileResult``, and a failure told as one line with its code.

A failure is the file's fault (a damaged or hostile file: a library refused it) or natk's (an
unexpected exception in natk's own code): the latter is code ``INTERNAL``, a bug to report,
and still one line naming the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from natk_xlsx.errors import InputError


@dataclass
class FileResult:
    """What became of one file: a submission, or why the file could not be used."""

    path: str
    submission: Any = None  # importer.Submission (None when only the record was kept)
    error: str | None = None
    code: str | None = None
    seconds: float = 0.0
    record: dict[str, Any] | None = None  # the canonical submission JSON, when asked for
    errors: int = 0
    annotated: str | None = None  # the hand-back copy written, when asked for
    annotate_error: str | None = None  # why no hand-back copy could be written
    annotate_bug: bool = False  # ... because of a bug in natk
    annotated_before: str | None = None  # a copy of an earlier check, removed: none is needed
    opened: Any = None  # opening.Opened, frozen: the file opened in a worker, read on here

    @property
    def internal(self) -> bool:
        """A bug in natk, not a problem of the file."""
        return self.code == INTERNAL

    @property
    def status(self) -> str:
        if self.submission is None and self.record is None:
            return "unusable"
        return "invalid" if self.errors else "valid"


INTERNAL = "INTERNAL"


def describe_failure(path: str, exc: BaseException) -> tuple[str, str]:
    """(code, one-line message) for an exception raised while reading ``path``."""
    code = getattr(exc, "code", None)
    if isinstance(exc, InputError):
        return code or "FILE-UNUSABLE", str(exc)
    if isinstance(exc, MemoryError):
        return "FILE-TOO-BIG", (f"{path}: reading it needs more memory than any questionnaire "
                                "could; it cannot be read safely")
    import zipfile  # here: a check of one file forks before it needs zipfile

    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return "FILE-TRUNCATED", (f"{path}: the file is damaged or incomplete; send the file "
                                  "again")
    if _caused_by_hostile_xml(exc):
        return "FILE-HOSTILE-XML", (f"{path}: the file contains XML constructs that are never "
                                    "found in a spreadsheet (entity definitions); it was not "
                                    "read. Save the workbook again from Excel or LibreOffice")
    if not raised_by_library(exc):
        name = type(exc).__name__
        detail = one_line(str(exc))
        return INTERNAL, (f"{path}: internal error while reading this file ({name}"
                          f"{': ' + detail if detail else ''}); this is a bug in natk-xlsx, "
                          "please report it with the file (NATK_DEBUG=1 shows the details)")
    return "FILE-CORRUPT", (f"{path}: its contents are damaged or not what a spreadsheet "
                            "application writes, so it cannot be read as a workbook; open it in "
                            "Excel or LibreOffice, save it again as .xlsx and send it again")


#: Modules whose exceptions mean "this file cannot be parsed": the readers and what they use.
LIBRARIES = ("openpyxl", "python_calamine", "pyo3_runtime", "defusedxml", "et_xmlfile", "lxml",
             "xml", "zipfile", "zlib", "xlsxwriter")


def _top_module(name: str) -> str:
    return name.split(".", 1)[0].lstrip("_")


def raised_by_library(exc: BaseException) -> bool:
    """True when a reader library raised ``exc`` (the file's fault); False when natk's own code
    did (a bug). Decided by the exception's type, then by the innermost frame that belongs to
    natk or to one of ``LIBRARIES`` (frames of the rest of the standard library are skipped)."""
    if _top_module(type(exc).__module__) in LIBRARIES:
        return True
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        module = _top_module(str(frame.f_globals.get("__name__", "")))
        if module == "natk_xlsx":
            return False
        if module in LIBRARIES:
            return True
    return False


def one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 160 else line[:159] + "…"


def _caused_by_hostile_xml(exc: BaseException) -> bool:
    """openpyxl wraps defusedxml's refusal in a ValueError: walk the chain of causes."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if any(cls.__module__.startswith("defusedxml") for cls in type(current).__mro__):
            return True
        current = current.__cause__ or current.__context__
    return False


def show_traceback() -> None:
    """With ``NATK_DEBUG`` set, the traceback of the exception being handled, on standard
    error (a worker's is shown too: it keeps the screen then)."""
    if os.environ.get("NATK_DEBUG"):
        import traceback

        traceback.print_exc()

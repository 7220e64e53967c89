"""Problems found in filled-in data: values, not exceptions.

Each issue has a stable code, a severity, the place (sheet, cell, question id, JSON path), the value
found and a message in the workbook's language that starts with the place and ends with what to do:

    [Legislation!D14] LEG.05: "Perhaps" is not one of the allowed answers; choose Yes, Partly, No or
    Don't know.

The message templates are interface strings (``issue.<CODE>``), so they are translated as data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from natk_xlsx.i18n.interface import strings
from natk_xlsx.i18n.languages import UN_LANGUAGES, decimal_text, join_quoted, quoted, tr

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """A problem of a return, in the workbook's language, with its sheet, cell and question
    where it has them."""

    code: str
    severity: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    question: str | None = None
    path: str | None = None
    value: Any = None
    #: What the message was made of (the value as found, and the template's fields), to tell
    #: it in another language (``told_in``); not part of the record.
    made_of: tuple[Any, Mapping[str, Any]] | None = field(default=None, compare=False,
                                                           repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "sheet": self.sheet, "cell": self.cell, "question": self.question,
                "path": self.path, "value": json_safe(self.value)}

    def told_in(self, lang: str) -> str:
        """The message in ``lang``: the same template and fields, so the answers a cell takes
        and the workbook's column names stay as the workbook words them. An issue read back
        from a record, without what it was made of, keeps its message."""
        if self.made_of is None:
            return self.message
        value, fields = self.made_of
        return make_issue(self.code, self.severity, lang, sheet=self.sheet, cell=self.cell,
                          question=self.question, path=self.path, value=value,
                          **fields).message

    @property
    def place(self) -> str:
        if self.sheet and self.cell:
            return f"[{self.sheet}!{self.cell}]"
        if self.sheet:
            return f"[{self.sheet}]"
        return ""


def json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


#: The fields of a message that give a number natk worked out (a bound, a reading, a usual
#: figure), written with the language's decimal comma; the others quote a text as it is (a
#: version "1.0" stays "1.0").
NUMBER_FIELDS = frozenset({"min", "max", "number", "alternative", "median"})


class Allowed(tuple[str, ...]):
    """The answers a cell takes, as the workbook words them and in the order offered: a field
    of a message, written in the message's language (``told``)."""

    def told(self, lang: str) -> str:
        """Each in quotation marks, the last after "or": «Ensemble du pays, avec antennes
        régionales ou points focaux» ou «Capitale …»."""
        marked = [quoted(label, lang) for label in self]
        if len(marked) <= 1:
            return "".join(marked)
        return join_quoted(marked[:-1], lang) + tr(strings()["issue.or"], lang) + marked[-1]


def shown(value: Any, limit: int = 60) -> str:
    """A value as a respondent would recognise it in a message."""
    if isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = _BREAKS.sub(" ", text)  # a message is one line (a note's lines are told apart)
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Every line break a spreadsheet application may write or rewrite (LibreOffice turns "\r"
#: into "\n").
_BREAKS = re.compile("\r\n|[\n\r\v\f\x85\u2028\u2029]")


def make_issue(
    code: str,
    severity: str,
    lang: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    question: str | None = None,
    path: str | None = None,
    value: Any = None,
    wording: str | None = None,
    **fields: Any,
) -> Issue:
    """Build an issue whose message comes from the catalogue in ``lang``: the code's, or the
    ``wording`` it is said in for one kind of answer (``NUMBER-INVALID.whole``)."""
    template = tr(strings()[f"issue.{wording or code}"], lang)
    typed = shown(value) if value is not None else ""
    body = template.format(
        value=decimal_text(typed, lang) if isinstance(value, float) else typed,
        **{k: decimal_text(v, lang) if k in NUMBER_FIELDS
           else v.told(lang) if isinstance(v, Allowed) else v for k, v in fields.items()})
    prefix = ""
    if sheet and cell:
        prefix = f"[{sheet}!{cell}] "
    elif sheet:
        prefix = f"[{sheet}] "
    if question:
        prefix += f"{question}: "
    return Issue(code, severity, prefix + body, sheet, cell, question, path,
                 json_safe(value), (value, fields))


SEVERITY_ORDER = {ERROR: 0, WARNING: 1}


def errors_first(issues: list[Issue]) -> list[Issue]:
    """Errors first, then warnings, each in the order found (sheet, row, column): the Issues
    sheet of a copy handed back and the screen's report of a check list them so."""
    return sorted(issues, key=lambda i: SEVERITY_ORDER.get(i.severity, 2))


#: The columns of the Issues sheet a copy handed back begins with.
ISSUES_COLUMNS = ("severity", "place", "question", "message")


#: The first rows searched for its column headers (a respondent may insert rows above them).
ISSUES_ROWS_SEARCHED = 10


@lru_cache(maxsize=1)
def issues_headers() -> frozenset[tuple[str, ...]]:
    """The column headers of that Issues sheet in each language, as ``annotate`` writes them (on
    ``layout.ISSUES_HEADER_ROW``)."""
    return frozenset(tuple(tr(strings()[f"issues.col_{c}"], lang) for c in ISSUES_COLUMNS)
                     for lang in UN_LANGUAGES)


#: What a mark of natk's on the Issues sheet begins with (``list_mark``); the headers' row
#: carries it alone, so that a list whose rows were all deleted is still known to be marked.
LIST_MARK = "natk-xlsx:"


def list_mark(*texts: str) -> str:
    """The mark a row of the Issues sheet's list carries, hidden, of what natk wrote in its
    place, question and message columns: one short digest of each, so that each cell is told
    natk's wherever sorting took it, and an edited one the respondent's."""
    return LIST_MARK + ".".join(text_digest(text) for text in texts)


def text_digest(text: str) -> str:
    """A short digest of a text natk wrote on the Issues sheet (``list_mark``)."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def issues_header_row(value: Callable[[int, int], Any]) -> int | None:
    """The row of the column headers of the Issues sheet of a copy handed back, when a sheet
    whose cells ``value(row, col)`` gives (1-based row, 0-based column) is one: its headers in
    one of its first rows. By them ``annotate`` replaces an earlier copy's, and the reader tells
    it from a respondent's sheet. None for any other sheet."""
    headers = issues_headers()
    return next((row for row in range(1, ISSUES_ROWS_SEARCHED + 1)
                 if tuple(value(row, col) for col in range(len(ISSUES_COLUMNS))) in headers),
                None)


def is_issues_sheet(value: Callable[[int, int], Any]) -> bool:
    """Whether a sheet is the Issues sheet of a copy handed back (``issues_header_row``)."""
    return issues_header_row(value) is not None

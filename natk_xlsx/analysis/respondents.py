"""Who answered: respondents from submission records, duplicates and returns of one institution.

No I/O here. A respondent's kind (a code of lists.json's ``respondent_kinds``) places it in one of
three groups, which the evidence of a need counts: government, civil society, international.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from sys import intern
from typing import Any

from natk_xlsx.spec.model import Toolkit

GROUPS = ("government", "civil_society", "international")
#: Kinds outside government when lists.json does not say (an entry's ``group`` overrides).
DEFAULT_GROUPS = {"ngo": "civil_society", "legal_profession": "civil_society",
                  "international_org": "international"}


@dataclass(eq=False)  # one respondent is one return: compared by identity
class Respondent:
    key: str  # workbook id
    institution: str
    kind: str | None
    file: str
    version: str
    language: str
    answers: Mapping[str, Any]
    details: Mapping[str, Mapping[str, Any]]
    tables: Mapping[str, Mapping[str, Any]]
    asked: Sequence[str]
    completion_date: str | None
    issues: int = 0
    country: str | None = None
    received: float = 0.0  # when the file arrived (its modification time), 0 when unknown
    superseded: tuple[str, ...] = ()  # earlier copies of this workbook with other answers
    group: str = "government"  # government, civil_society or international (``group_of``)
    #: What was written outside the answer cells, kept: (sheet, cell, question or None, text)
    remarks: tuple[tuple[str, str, str | None, str], ...] = ()

    def detail(self, qid: str, key: str) -> Any:
        return (self.details.get(qid) or {}).get(key)

    @property
    def institution_key(self) -> str:
        """Who answered, whatever the return: the returns of one institution share it."""
        return f"{norm(self.country or '')}|{norm(self.institution)}"


def one_per_institution(respondents: Iterable[Respondent]) -> list[Respondent]:
    """The first return of each institution: an institution that sent two different returns
    (kept, with ``--same-institution all``) is one voice, counted once."""
    seen: dict[str, Respondent] = {}
    for r in respondents:
        seen.setdefault(r.institution_key, r)
    return list(seen.values())


def group_of(toolkit: Toolkit, kind: str | None) -> str:
    """government, civil_society or international."""
    for entry in toolkit.vocabularies.get("respondent_kinds", ()):
        if entry.code == kind and entry.extra.get("group") in GROUPS:
            return str(entry.extra["group"])
    return DEFAULT_GROUPS.get(kind or "", "government")


def _shared(value: Any) -> Any:
    """The value with its keys and short texts (question ids, codes, years, categories) made
    one string for all returns instead of one per return: a thousand returns repeat them
    millions of times, and the main process holds them all."""
    kind = type(value)
    if kind is str:
        return intern(value) if len(value) <= 40 else value
    if kind is dict:
        return {_shared(k): _shared(v) for k, v in value.items()}
    if kind is list:
        return [_shared(v) for v in value]
    return value


def respondent_from_record(record: Mapping[str, Any], file: str, received: float = 0.0
                           ) -> Respondent:
    resp = record.get("respondent") or {}
    wrong = [i for i in record.get("issues", []) if i.get("severity") == "error"]
    answers = {_shared(q): _shared(v)
               for q, v in _without_errors(record.get("answers") or {}, wrong).items()}
    return Respondent(
        key=str(record.get("workbook_id") or file),
        institution=str(resp.get("institution") or "(institution not given)"),
        kind=resp.get("kind"),
        file=file,
        version=str((record.get("toolkit") or {}).get("version") or ""),
        language=str(record.get("language") or "en"),
        answers=answers,  # an answer with an error (to correct) is left out
        details=_shared(record.get("details") or {}),
        tables=_shared(record.get("tables") or {}),
        asked=[_shared(q) for q in record.get("asked") or (record.get("answers") or {})],
        completion_date=resp.get("completion_date"),
        issues=len(wrong),
        country=resp.get("country"),
        received=received,
        remarks=_remarks(record),
    )


def _remarks(record: Mapping[str, Any]) -> tuple[tuple[str, str, str | None, str], ...]:
    """The text kept outside the answer cells (``unplaced``), each with the question it is
    about where the record says (its own ``question``, else its issue's)."""
    asked = {(i.get("sheet"), i.get("cell")): i.get("question") for i in record.get("issues", [])
             if isinstance(i, Mapping) and i.get("question")}
    return tuple((str(u.get("sheet") or ""), str(u.get("cell") or ""),
                  str(u.get("question") or "") or asked.get((u.get("sheet"), u.get("cell"))),
                  str(u.get("value")))
                 for u in record.get("unplaced") or () if isinstance(u, Mapping))


def _without_errors(answers: Mapping[str, Any], wrong: Iterable[Mapping[str, Any]]
                    ) -> dict[str, Any]:
    """The answers without those an error is about: of a statistics table only the year whose
    figure is wrong (its other figures may not add up without it), the other years kept; of any
    other question the whole answer."""
    kept = dict(answers)
    for issue in wrong:
        qid = str(issue.get("question") or "")
        value = kept.get(qid)
        if value is None:
            continue
        parts = str(issue.get("path") or "").split("/")
        if len(parts) >= 4 and parts[:2] == ["answers", qid] and isinstance(value, dict):
            kept[qid] = {year: row for year, row in value.items() if year != parts[2]}
            if kept[qid]:
                continue
        del kept[qid]
    return kept


def norm(name: str) -> str:
    """A name as it is compared: case and runs of spaces aside."""
    return " ".join(name.casefold().split())


def _arrival(r: Respondent) -> tuple[str, float, str]:
    """The order in which copies of one workbook arrived: completion date, then the file's
    modification time, then its name (only when nothing else tells them apart)."""
    return (str(r.completion_date or ""), r.received, r.file)


def same_answers(a: Respondent, b: Respondent) -> bool:
    """Whether two copies of one workbook say the same (``select``, and the note of
    ``natk check``): answers, details, figures' sources, errors, and who answered."""
    def said(r: Respondent) -> tuple[Any, ...]:
        return (r.answers, r.details, r.tables, r.issues, r.institution, r.kind, r.country)

    return said(a) == said(b)


def select(respondents: Iterable[Respondent], same_institution: str
           ) -> tuple[list[Respondent], list[tuple[str, str]], list[list[Respondent]]]:
    """Drop the same workbook read twice: copies with the same answers count once (the copy
    that arrived later is the duplicate); when the answers differ, the copy that arrived last is
    the respondent's last word (a corrected return sent back) and replaces the earlier ones
    (``superseded``). Group different returns of one institution and keep ``all`` of them
    (flagged), or only the ``latest`` or ``first`` by completion date."""
    by_key: dict[str, list[Respondent]] = defaultdict(list)
    order: list[str] = []
    for r in respondents:
        if r.key not in by_key:
            order.append(r.key)
        by_key[r.key].append(r)
    seen: dict[str, Respondent] = {}
    duplicates: list[tuple[str, str]] = []
    for key in order:
        copies = sorted(by_key[key], key=_arrival)
        keep = copies[0]
        if any(not same_answers(keep, r) for r in copies[1:]):
            keep = copies[-1]
            keep.superseded = tuple(r.file for r in copies[:-1] if not same_answers(keep, r))
        seen[key] = keep
        duplicates += [(r.file, key) for r in copies if r is not keep]
    groups: dict[str, list[Respondent]] = defaultdict(list)
    for r in seen.values():
        groups[r.institution_key].append(r)
    multiple = [g for g in groups.values() if len(g) > 1]
    kept = list(seen.values())
    if same_institution in ("latest", "first"):
        drop: set[str] = set()
        for group in multiple:
            ordered = sorted(group, key=lambda r: (r.completion_date or "", r.file))
            keep = ordered[-1] if same_institution == "latest" else ordered[0]
            drop |= {r.key for r in group if r is not keep}
        kept = [r for r in kept if r.key not in drop]
    return kept, duplicates, multiple

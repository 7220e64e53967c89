"""Consolidation: many returns of one assessment → needs, conflicts, figures and a ranked plan.

Works on submission records (the canonical JSON of ``natk import``), whether they were read from
workbooks a moment ago or from files. No I/O here.

Ranking (domain brief section 5): severity and urgency first, breadth of agreement next, needs
already covered by other providers lower, and a need that depends on another (a law before training
on it) never ranked above what it depends on. The formula is ``RANKING_FORMULA``, written on the
summary's Needs sheet.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from natk_xlsx.spec.conditions import evaluate, is_answered, numeric_value
from natk_xlsx.spec.model import DONT_KNOW, NOT_APPLICABLE, Question, Toolkit

SEVERITY_POINTS = {"critical": 40, "high": 30, "medium": 20, "low": 10}
PRIORITY_POINTS = {"urgent": 20, "high": 15, "medium": 10, "low": 5, "not_needed": 0}
DEFAULT_PRIORITY_POINTS = 10
BREADTH_POINTS = 10
COVERED_PENALTY = 15
RANKING_FORMULA = (
    "score = severity (critical 40, high 30, medium 20, low 10) + respondents' urgency (mean of "
    "urgent 20, high 15, medium 10, low 5, not needed 0; 10 where none was given) + 10 × the share "
    "of the respondents who answered the question and revealed the gap − 15 when another "
    "organisation already provides assistance on it. A need that depends on another need is placed "
    "just below it. Rank 1 is the most urgent."
)
CHAIN = ("victims_identified", "investigations_opened", "persons_prosecuted", "convictions")


@dataclass
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


@dataclass
class Finding:
    respondent: Respondent
    answer: Any


@dataclass
class Need:
    question: Question
    rule_index: int
    severity: str
    assistance: tuple[str, ...]
    action: Mapping[str, str]
    gap: Mapping[str, str] | None
    horizon: str | None
    depends_on: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)
    answered_by: int = 0
    score: float = 0.0
    rank: int = 0
    after: list[str] = field(default_factory=list)
    status: str = "open"  # "open" or "addressed" (by a resolution)
    resolution: str | None = None

    @property
    def key(self) -> str:
        return f"{self.question.id}#{self.rule_index + 1}"

    @property
    def priorities(self) -> list[str]:
        return [p for f in self.findings
                if (p := f.respondent.details.get(self.question.id, {}).get("priority"))
                and p in PRIORITY_POINTS]

    @property
    def providers(self) -> list[tuple[str, str]]:
        """(respondent institution, provider named) for each respondent that named one."""
        out = []
        for r in self._all_respondents:
            d = r.details.get(self.question.id, {})
            if d.get("provided") == "yes" or d.get("provider"):
                out.append((r.institution, str(d.get("provider") or "")))
        return out

    _all_respondents: list[Respondent] = field(default_factory=list, repr=False)

    @property
    def urgency(self) -> float:
        points = [PRIORITY_POINTS[p] for p in self.priorities]
        return statistics.mean(points) if points else DEFAULT_PRIORITY_POINTS

    @property
    def breadth(self) -> float:
        return len(self.findings) / self.answered_by if self.answered_by else 0.0


@dataclass
class Conflict:
    question: Question
    answers: list[tuple[Respondent, Any]]
    resolved: Any = None
    resolution: str | None = None

    @property
    def strength(self) -> str:
        values = {a for _, a in self.answers if isinstance(a, str)}
        return "opposite" if {"yes", "no"} <= values else "partial"


@dataclass
class Figure:
    """One indicator in one year as each respondent reported it."""

    indicator: str
    year: int
    reports: list[tuple[Respondent, str, float, str | None]]  # respondent, question, total, reliability
    resolved: float | None = None
    resolution: str | None = None

    @property
    def values(self) -> list[float]:
        return [v for _, _, v, _ in self.reports]

    @property
    def disagree(self) -> bool:
        return len(set(self.values)) > 1

    @property
    def consolidated(self) -> float | None:
        if self.resolved is not None:
            return self.resolved
        if not self.reports:
            return None
        order = {"high": 0, "medium": 1, "low": 2, None: 3, "unknown": 3}
        best = min(self.reports, key=lambda r: (order.get(r[3], 3), -r[2]))
        return best[2]


@dataclass
class Decision:
    kind: str  # answer | figure | need
    target: str
    value: Any
    reason: str
    decided_by: str
    decided_on: str
    year: int | None = None
    applied: bool = False
    note: str = ""
    original: str = ""


@dataclass
class Consolidation:
    toolkit: Toolkit
    respondents: list[Respondent]
    duplicates: list[tuple[str, str]]  # (file, workbook id it duplicates)
    same_institution: list[list[Respondent]]
    needs: list[Need]
    conflicts: list[Conflict]
    figures: dict[str, dict[int, Figure]]
    decisions: list[Decision]
    asked: dict[str, int]  # question id → respondents asked
    not_in_toolkit: dict[str, list[str]]  # workbook id → question ids unknown to these specs


def respondent_from_record(record: Mapping[str, Any], file: str) -> Respondent:
    resp = record.get("respondent") or {}
    errors = sum(1 for i in record.get("issues", []) if i.get("severity") == "error")
    return Respondent(
        key=str(record.get("workbook_id") or file),
        institution=str(resp.get("institution") or "(institution not given)"),
        kind=resp.get("kind"),
        file=file,
        version=str((record.get("toolkit") or {}).get("version") or ""),
        language=str(record.get("language") or "en"),
        answers=record.get("answers") or {},
        details=record.get("details") or {},
        tables=record.get("tables") or {},
        asked=list(record.get("asked") or list((record.get("answers") or {}).keys())),
        completion_date=resp.get("completion_date"),
        issues=errors,
        country=resp.get("country"),
    )


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def select_respondents(records: Iterable[tuple[str, Mapping[str, Any]]], same_institution: str
                       ) -> tuple[list[Respondent], list[tuple[str, str]], list[list[Respondent]]]:
    """Drop the same workbook read twice; group different returns of one institution and keep
    ``all`` of them (flagged), or only the ``latest`` or ``first`` by completion date."""
    seen: dict[str, Respondent] = {}
    duplicates: list[tuple[str, str]] = []
    for file, record in records:
        r = respondent_from_record(record, file)
        if r.key in seen:
            duplicates.append((file, r.key))
            continue
        seen[r.key] = r
    groups: dict[str, list[Respondent]] = defaultdict(list)
    for r in seen.values():
        groups[f"{_norm(r.country or '')}|{_norm(r.institution)}"].append(r)
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


def _known(toolkit: Toolkit, qid: str) -> Question | None:
    try:
        return toolkit.question(qid)
    except KeyError:
        return None


def find_needs(toolkit: Toolkit, respondents: Sequence[Respondent]) -> list[Need]:
    needs: dict[tuple[str, int], Need] = {}
    answered: Counter[str] = Counter()
    for r in respondents:
        for qid, value in r.answers.items():
            q = _known(toolkit, qid)
            if q is None or not is_answered(value):
                continue
            answered[qid] += 1
            for i, rule in enumerate(q.needs):
                if evaluate(rule.when, r.answers, qid):
                    need = needs.get((qid, i))
                    if need is None:
                        need = needs[(qid, i)] = Need(
                            q, i, rule.severity, rule.assistance, rule.action, rule.gap,
                            rule.horizon, rule.depends_on)
                    need.findings.append(Finding(r, value))
    for need in needs.values():
        need.answered_by = answered[need.question.id]
        need._all_respondents = list(respondents)
    return list(needs.values())


def rank_needs(needs: list[Need]) -> None:
    """Score and rank the open needs (``RANKING_FORMULA``); addressed ones go last, unranked."""
    for need in needs:
        covered = bool(need.providers)
        need.score = round(SEVERITY_POINTS[need.severity] + need.urgency
                           + BREADTH_POINTS * need.breadth - (COVERED_PENALTY if covered else 0), 1)
    open_by_question: dict[str, list[Need]] = defaultdict(list)
    for need in needs:
        if need.status == "open":
            open_by_question[need.question.id].append(need)
    for _ in range(len(needs)):  # place each dependent need just below what it depends on
        changed = False
        for need in needs:
            for dep in need.depends_on:
                for first in open_by_question.get(dep, ()):
                    if first is need:
                        continue
                    if dep not in need.after:
                        need.after.append(dep)
                    if need.score >= first.score:
                        need.score = round(first.score - 0.1, 1)
                        changed = True
        if not changed:
            break
    ordered = sorted((n for n in needs if n.status == "open"),
                     key=lambda n: (-n.score, -SEVERITY_POINTS[n.severity], n.question.id,
                                    n.rule_index))
    for i, need in enumerate(ordered, start=1):
        need.rank = i
    needs.sort(key=lambda n: (n.rank == 0, n.rank, n.question.id))


def find_conflicts(toolkit: Toolkit, respondents: Sequence[Respondent]) -> list[Conflict]:
    by_question: dict[str, list[tuple[Respondent, Any]]] = defaultdict(list)
    for r in respondents:
        for qid, value in r.answers.items():
            q = _known(toolkit, qid)
            if q is None or q.type not in ("yes_no", "single_choice"):
                continue
            if value in (DONT_KNOW, NOT_APPLICABLE) or not isinstance(value, str):
                continue
            by_question[qid].append((r, value))
    conflicts = []
    for qid, answers in by_question.items():
        if len({a for _, a in answers}) > 1:
            conflicts.append(Conflict(toolkit.question(qid), answers))
    order = {q.id: i for i, q in enumerate(toolkit.questions())}
    conflicts.sort(key=lambda c: (c.strength != "opposite", order[c.question.id]))
    return conflicts


def table_total(toolkit: Toolkit, q: Question, table: Mapping[str, Any], year: str
                ) -> float | None:
    """A respondent's figure for one year: the sum over an additive breakdown, else the first
    column (e.g. requests sent)."""
    row = table.get(year)
    if not isinstance(row, Mapping):
        return None
    assert q.breakdown is not None
    breakdown = toolkit.breakdowns[q.breakdown]
    if breakdown.additive:
        return numeric_value({year: row})
    first = row.get(breakdown.codes[0])
    return float(first) if isinstance(first, int | float) else None


def collect_figures(toolkit: Toolkit, respondents: Sequence[Respondent]
                    ) -> dict[str, dict[int, Figure]]:
    """Per indicator and year, the figure each respondent gave (one table per respondent and
    indicator: the first that has the year, so that the same count broken down two ways is not
    added up)."""
    figures: dict[str, dict[int, Figure]] = defaultdict(dict)
    for r in respondents:
        used: set[tuple[str, int]] = set()
        for qid, value in r.answers.items():
            q = _known(toolkit, qid)
            if q is None or q.type != "stats_table" or not q.indicator or not isinstance(value, dict):
                continue
            for year_text in value:
                try:
                    year = int(year_text)
                except ValueError:
                    continue
                if (q.indicator, year) in used:
                    continue
                total = table_total(toolkit, q, value, year_text)
                if total is None:
                    continue
                used.add((q.indicator, year))
                fig = figures[q.indicator].setdefault(year, Figure(q.indicator, year, []))
                reliability = (r.tables.get(qid) or {}).get("reliability")
                fig.reports.append((r, qid, total, reliability))
    return figures


def attrition(figures: Mapping[str, Mapping[int, Figure]], years: Iterable[int]
              ) -> list[tuple[int, list[float | None], list[float | None]]]:
    """Per year: the chain's consolidated values and each stage as a share of the one before."""
    out = []
    for year in years:
        found = [figures.get(ind, {}).get(year) for ind in CHAIN]
        values = [fig.consolidated if fig is not None else None for fig in found]
        ratios: list[float | None] = [None]
        for prev, cur in pairwise(values):
            ratios.append(cur / prev if prev and cur is not None else None)
        out.append((year, values, ratios))
    return out


def apply_decisions(decisions: list[Decision], needs: list[Need], conflicts: list[Conflict],
                    figures: Mapping[str, Mapping[int, Figure]], toolkit: Toolkit) -> None:
    """Apply the assessor's resolutions; originals are kept, unmatched decisions are noted."""
    for d in decisions:
        if d.kind == "need":
            matched = [n for n in needs if n.key == d.target or n.question.id == d.target]
            for n in matched:
                n.status = "addressed"
                n.resolution = f"{d.reason} ({d.decided_by}, {d.decided_on})"
            d.applied = bool(matched)
            d.original = ", ".join(f"{n.key}: {n.severity}" for n in matched)
            d.note = "" if matched else "no need was found for this question in these returns"
        elif d.kind == "answer":
            matched_c = [c for c in conflicts if c.question.id == d.target]
            for c in matched_c:
                c.resolved = d.value
                c.resolution = f"{d.reason} ({d.decided_by}, {d.decided_on})"
                d.original = "; ".join(f"{r.institution}: {a}" for r, a in c.answers)
            d.applied = bool(matched_c)
            d.note = "" if matched_c else "the respondents do not disagree on this question"
        elif d.kind == "figure":
            indicator = d.target
            q = _known(toolkit, d.target)
            if q is not None and q.indicator:
                indicator = q.indicator
            fig = figures.get(indicator, {}).get(d.year or -1)
            if fig is not None:
                d.original = "; ".join(f"{r.institution}: {v:g}" for r, _, v, _ in fig.reports)
                try:
                    fig.resolved = float(d.value)
                    fig.resolution = f"{d.reason} ({d.decided_by}, {d.decided_on})"
                    d.applied = True
                except (TypeError, ValueError):
                    d.note = f"'{d.value}' is not a number"
            else:
                d.note = f"no figure for {d.target} in {d.year}"
        else:
            d.note = f"unknown kind of decision '{d.kind}' (use answer, figure or need)"


def consolidate(toolkit: Toolkit, records: Iterable[tuple[str, Mapping[str, Any]]],
                same_institution: str = "all", decisions: list[Decision] | None = None
                ) -> Consolidation:
    respondents, duplicates, multiple = select_respondents(records, same_institution)
    if len({r.country for r in respondents if r.country}) > 1:  # a regional view
        for r in respondents:
            if r.country:
                r.institution = f"{r.institution} ({r.country})"
    needs = find_needs(toolkit, respondents)
    conflicts = find_conflicts(toolkit, respondents)
    figures = collect_figures(toolkit, respondents)
    decisions = decisions or []
    apply_decisions(decisions, needs, conflicts, figures, toolkit)
    rank_needs(needs)
    asked: Counter[str] = Counter()
    unknown: dict[str, list[str]] = {}
    for r in respondents:
        for qid in r.asked:
            if _known(toolkit, qid) is not None:
                asked[qid] += 1
        extra = [q for q in r.answers if _known(toolkit, q) is None]
        if extra:
            unknown[r.key] = extra
    return Consolidation(toolkit, respondents, duplicates, multiple, needs, conflicts,
                         dict(figures), decisions, dict(asked), unknown)


def scorecard(c: Consolidation) -> list[dict[str, Any]]:
    """Per component: questions asked, answered, unknown; gaps by severity; readiness 0-100.

    Readiness = 100 × (1 − Σ severity points of the open needs ÷ Σ the highest severity points of
    every answered question that carries a needs rule), per component."""
    rows = []
    for comp in c.toolkit.components:
        qs = [q for q in comp.questions if c.asked.get(q.id)]
        if not qs:
            continue
        answered = [q for q in qs if any(is_answered(r.answers.get(q.id)) for r in c.respondents)]
        unknown = [q for q in answered
                   if all(r.answers.get(q.id) in (DONT_KNOW, None) for r in c.respondents)]
        open_needs = [n for n in c.needs if n.question.component == comp.id and n.status == "open"]
        by_severity = Counter(n.severity for n in open_needs)
        possible = sum(max(SEVERITY_POINTS[r.severity] for r in q.needs) for q in answered
                       if q.needs)
        # a question counts once, at its worst open need
        worst: dict[str, int] = {}
        for n in open_needs:
            worst[n.question.id] = max(worst.get(n.question.id, 0), SEVERITY_POINTS[n.severity])
        readiness = 100 * (1 - sum(worst.values()) / possible) if possible else None
        rows.append({"component": comp, "asked": len(qs), "answered": len(answered),
                     "unknown": len(unknown), "critical": by_severity["critical"],
                     "high": by_severity["high"], "medium": by_severity["medium"],
                     "low": by_severity["low"],
                     "readiness": None if readiness is None else round(readiness)})
    return rows

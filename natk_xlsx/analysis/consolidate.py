"""Consolidation: many returns of one assessment → settled answers, needs, packages, figures.

The steps, each in its own module: ``respondents`` (who answered, duplicates), ``settle`` (one
answer per question before any need), ``needs`` (exactly one rule per question, with its evidence),
``packages`` (needs of one theme form one ranked, phased package), ``chains`` (figures and justice
chains). The assessor's resolutions are applied here, each audited. No I/O here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from natk_xlsx.analysis.chains import CHAIN, Figure, attrition, collect_figures
from natk_xlsx.analysis.chains import RESOLVED as FIGURE_RESOLVED
from natk_xlsx.analysis.needs import Need, derive_needs
from natk_xlsx.analysis.packages import Package, build_packages
from natk_xlsx.analysis.respondents import Respondent, group_of, respondent_from_record, select
from natk_xlsx.analysis.settle import PERCEPTION, RESOLVED, Settled, settle
from natk_xlsx.analysis.weights import Weights, load_weights
from natk_xlsx.spec.conditions import is_answered
from natk_xlsx.spec.model import DONT_KNOW, SEVERITIES, Question, Toolkit

#: A conflict is a settled question whose respondents disagree.
Conflict = Settled
#: Severity codes in order, with their points (the scorecard's readiness uses them).
SEVERITY_POINTS = {"critical": 4, "high": 3, "medium": 2, "low": 1}
__all__ = ["CHAIN", "SEVERITY_POINTS", "Conflict", "Consolidation", "Decision", "Figure",
           "Gathered", "Need", "Package", "Respondent", "attrition", "consolidate",
           "consolidate_gathered", "consolidate_respondents", "gather", "scorecard"]

#: Answer types whose disagreements are listed as conflicts.
CONFLICT_TYPES = ("yes_no", "single_choice")


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
    where: str = ""  # the decision's row (CSV) or item (JSON) in the resolutions file


@dataclass
class Consolidation:
    toolkit: Toolkit
    weights: Weights
    respondents: list[Respondent]
    duplicates: list[tuple[str, str]]  # (file, workbook id it duplicates)
    same_institution: list[list[Respondent]]
    settled: dict[str, Settled]
    needs: list[Need]
    packages: list[Package]
    conflicts: list[Settled]
    figures: dict[str, dict[int, Figure]]
    decisions: list[Decision]
    asked: dict[str, int]  # question id → respondents asked
    not_in_toolkit: dict[str, list[str]]  # workbook id → question ids unknown to these specs

    @property
    def open_packages(self) -> list[Package]:
        return [p for p in self.packages if p.rank]


def _by(d: Decision) -> str:
    who = ", ".join(x for x in (d.decided_by, d.decided_on) if x)
    return f"{d.reason} ({who})" if who else d.reason


def _apply_answers(decisions: Iterable[Decision], settled: Mapping[str, Settled],
                   toolkit: Toolkit) -> None:
    index = {q.id: q for q in toolkit.questions()}
    for d in decisions:
        q = index.get(d.target)
        if q is None:
            d.note = f"no question {d.target} in the toolkit"
            continue
        value, problem = decided_answer(toolkit, q, d.value)
        if problem:
            d.note = problem
            continue
        s = settled.get(d.target)
        if s is None or not (s.disagree or s.basis == PERCEPTION):
            d.note = "the respondents do not disagree on this question"
            continue
        d.original = "; ".join(f"{v.respondent.institution}: {v.value}" for v in s.views)
        s.value, s.basis, s.resolution = value, RESOLVED, _by(d)
        s.settled_by = [v.respondent for v in s.views if v.value == value]
        d.applied = True


def _words(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def decided_answer(toolkit: Toolkit, q: Question, raw: Any) -> tuple[Any, str]:
    """The assessor's answer as the question's answers are held (a code, a list of codes, a
    number, a text), or why it cannot be one: a decision never settles a question to a value
    no respondent could have given, which no needs rule would then read."""
    if q.type == "stats_table":
        return None, f"{q.id} is a table: decide its figures year by year (kind 'figure')"
    codes = toolkit.answer_codes(q)
    if codes:
        known: dict[str, str] = {}
        for code in codes:
            known.setdefault(_words(code), code)
            for lang in toolkit.languages:
                known.setdefault(_words(toolkit.answer_label(q, code, lang)), code)
        items = raw if isinstance(raw, list) else (
            str(raw).split(";") if q.type == "multiple_choice" and raw is not None else [raw])
        found = [known.get(_words(item)) for item in items if item is not None and str(item).strip()]
        if found and None not in found and (q.type == "multiple_choice" or len(found) == 1):
            chosen = set(found)
            return ([c for c in codes if c in chosen] if q.type == "multiple_choice"
                    else found[0]), ""
        many = "; one or more of" if q.type == "multiple_choice" else "; one of"
        return None, f"'{'' if raw is None else raw}' is not an answer to {q.id}{many}: " + \
            ", ".join(codes)
    if q.type in ("integer", "decimal", "percentage", "year"):
        try:
            number = float(str(raw).strip().rstrip("%").replace(",", "."))
        except ValueError:
            return None, f"'{'' if raw is None else raw}' is not a number; {q.id} takes a number"
        return (int(number) if number.is_integer() else number), ""
    text = "" if raw is None else str(raw).strip()
    return (text, "") if text else (None, f"no value given for {q.id}")


def _apply_needs(decisions: Iterable[Decision], needs: Iterable[Need]) -> None:
    needs = list(needs)
    for d in decisions:
        matched = [n for n in needs if d.target in (n.key, n.question.id)]
        for n in matched:
            n.status, n.resolution = "addressed", _by(d)
        d.applied = bool(matched)
        d.original = ", ".join(f"{n.key}: {n.severity}" for n in matched)
        d.note = "" if matched else "no need was found for this question in these returns"


def _apply_figures(decisions: Iterable[Decision], figures: Mapping[str, Mapping[int, Figure]],
                   toolkit: Toolkit) -> None:
    index = {q.id: q for q in toolkit.questions()}
    for d in decisions:
        q = index.get(d.target)
        indicator = q.indicator if q is not None and q.indicator else d.target
        fig = figures.get(indicator, {}).get(d.year or -1)
        if fig is None:
            d.note = f"no figure for {d.target} in {d.year}"
            continue
        d.original = "; ".join(f"{r.respondent.institution}: {r.value:g}" for r in fig.reports)
        try:
            fig.resolved = float(d.value)
        except (TypeError, ValueError):
            d.note = f"'{d.value}' is not a number"
            continue
        fig.resolution, fig.rule, d.applied = _by(d), FIGURE_RESOLVED, True


def consolidate(toolkit: Toolkit, records: Iterable[tuple[str, Mapping[str, Any]]],
                same_institution: str = "all", decisions: list[Decision] | None = None,
                weights: Weights | None = None, received: Mapping[str, float] | None = None
                ) -> Consolidation:
    """Consolidate submission records given as (file, record)."""
    return consolidate_respondents(
        toolkit, [respondent_from_record(record, file, (received or {}).get(file, 0.0))
                  for file, record in records], same_institution, decisions, weights)


@dataclass(frozen=True)
class Gathered:
    """Who answered, before anything is consolidated: each return once (``duplicates``: the
    same workbook read again, as (file, key)), the returns of one institution grouped
    (``multiple``), each respondent named and grouped as the summary shows it."""

    respondents: list[Respondent]
    duplicates: list[tuple[str, str]]
    multiple: list[list[Respondent]]


def gather(toolkit: Toolkit, returns: Iterable[Respondent],
           same_institution: str = "all") -> Gathered:
    """The respondents to consolidate, and whose answers the responses CSV lists."""
    respondents, duplicates, multiple = select(returns, same_institution)
    for r in respondents:
        r.group = group_of(toolkit, r.kind)
    if len({r.country for r in respondents if r.country}) > 1:  # a regional view
        for r in respondents:
            if r.country:
                r.institution = f"{r.institution} ({r.country})"
    return Gathered(respondents, duplicates, multiple)


def consolidate_respondents(toolkit: Toolkit, returns: Iterable[Respondent],
                            same_institution: str = "all",
                            decisions: list[Decision] | None = None,
                            weights: Weights | None = None) -> Consolidation:
    """Consolidate returns already folded into respondents (``respondent_from_record``, as
    each arrives: only what the summary needs is kept of a return)."""
    return consolidate_gathered(toolkit, gather(toolkit, returns, same_institution), decisions,
                                weights)


def consolidate_gathered(toolkit: Toolkit, gathered: Gathered,
                         decisions: list[Decision] | None = None,
                         weights: Weights | None = None) -> Consolidation:
    """Consolidate the respondents ``gather`` gave."""
    w = weights or load_weights()
    respondents, duplicates, multiple = (gathered.respondents, gathered.duplicates,
                                         gathered.multiple)
    decisions = decisions or []
    for d in decisions:
        if d.kind not in ("answer", "figure", "need"):
            d.note = f"unknown kind of decision '{d.kind}' (use answer, figure or need)"
    settled = settle(toolkit, respondents)
    _apply_answers([d for d in decisions if d.kind == "answer"], settled, toolkit)
    needs = derive_needs(toolkit, settled, respondents, w)
    _apply_needs([d for d in decisions if d.kind == "need"], needs)
    packages = build_packages(toolkit, needs, w)
    figures = collect_figures(toolkit, respondents)
    _apply_figures([d for d in decisions if d.kind == "figure"], figures, toolkit)
    order = {p.id: (p.rank or 10**6, p.id) for p in packages}
    position = {q.id: i for i, q in enumerate(toolkit.questions())}
    needs.sort(key=lambda n: (n.status != "open", order.get(n.package, (10**6, "")),
                              SEVERITIES.index(n.severity), position[n.question.id]))
    conflicts = [s for s in settled.values()
                 if s.question.type in CONFLICT_TYPES and s.disagree]
    conflicts.sort(key=lambda s: s.strength != "opposite")
    asked: Counter[str] = Counter()
    unknown: dict[str, list[str]] = {}
    index = {q.id for q in toolkit.questions()}
    for r in respondents:
        asked.update(qid for qid in r.asked if qid in index)
        extra = [q for q in r.answers if q not in index]
        if extra:
            unknown[r.key] = extra
    return Consolidation(toolkit, w, respondents, duplicates, multiple, settled, needs, packages,
                         conflicts, figures, decisions, dict(asked), unknown)


def scorecard(c: Consolidation) -> list[dict[str, Any]]:
    """Per component: questions asked, answered, unknown; open needs by severity; readiness 0-100.

    Readiness = 100 × (1 − Σ severity points of the open needs ÷ Σ the highest severity points of
    every answered question that carries a needs rule), per component (severity points: critical
    4, high 3, medium 2, low 1)."""
    from natk_xlsx.analysis.settle import severity_points

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
        possible = sum(max(severity_points(r.severity) for r in q.needs) for q in answered
                       if q.needs)
        gaps = sum(severity_points(n.severity) for n in open_needs)
        readiness = 100 * (1 - gaps / possible) if possible else None
        rows.append({"component": comp, "asked": len(qs), "answered": len(answered),
                     "unknown": len(unknown), "critical": by_severity["critical"],
                     "high": by_severity["high"], "medium": by_severity["medium"],
                     "low": by_severity["low"],
                     "readiness": None if readiness is None else round(readiness)})
    return rows

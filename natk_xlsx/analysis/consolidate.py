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
from natk_xlsx.analysis.decisions import Decision, apply_answers, apply_figures, apply_needs
from natk_xlsx.analysis.needs import Need, derive_needs
from natk_xlsx.analysis.packages import Package, build_packages, lead_order
from natk_xlsx.analysis.respondents import (
    Respondent,
    group_of,
    norm,
    respondent_from_record,
    select,
)
from natk_xlsx.analysis.settle import PERCEPTION, Settled, settle
from natk_xlsx.analysis.weights import Weights, load_weights
from natk_xlsx.spec.conditions import is_answered
from natk_xlsx.spec.model import DONT_KNOW, Question, Toolkit

#: A conflict is a settled question whose respondents disagree.
Conflict = Settled
#: Severity codes in order, with their points (the scorecard's readiness uses them).
SEVERITY_POINTS = {"critical": 4, "high": 3, "medium": 2, "low": 1}
__all__ = ["CHAIN", "SEVERITY_POINTS", "Conflict", "Consolidation", "Decision", "Figure",
           "Gathered", "Need", "Package", "Respondent", "attrition", "consolidate",
           "consolidate_gathered", "consolidate_respondents", "gather", "scorecard"]

#: Answer types whose disagreements are listed as conflicts: every answer that states a fact the
#: needs rules may read (the options ticked, a number), not free text, where no two answers are
#: alike, nor statistics tables, whose disputed figures the justice chains set out.
CONFLICT_TYPES = ("yes_no", "single_choice", "multiple_choice", "integer", "decimal",
                  "percentage", "year")


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
    spelt: dict[str, str] = {}  # each country as its first cover spells it
    for r in respondents:
        if r.country:
            spelt.setdefault(norm(r.country), r.country.strip())
    if len(spelt) > 1:  # a regional view ("veridia" on one cover, "Veridia" on others: one)
        for r in respondents:
            if r.country:
                r.institution = f"{r.institution} ({spelt[norm(r.country)]})"
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
    apply_answers([d for d in decisions if d.kind == "answer"], settled, toolkit)
    needs = derive_needs(toolkit, settled, respondents, w)
    apply_needs([d for d in decisions if d.kind == "need"], needs)
    packages = build_packages(toolkit, needs, w)
    figures = collect_figures(toolkit, respondents)
    apply_figures([d for d in decisions if d.kind == "figure"], figures, toolkit)
    order = {p.id: (p.rank or 10**6, p.id) for p in packages}
    position = {q.id: i for i, q in enumerate(toolkit.questions())}
    needs.sort(key=lambda n: (n.status != "open", order.get(n.package, (10**6, "")),
                              *lead_order(n, position)))
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


def perception_only(c: Consolidation, questions: Iterable[Question]) -> list[Question]:
    """The ``questions`` answered only by respondents who do not settle them (their
    authoritative respondents have not answered, and no assessor decided): no need is derived
    from them."""
    return [q for q in questions
            if (s := c.settled.get(q.id)) is not None and s.basis == PERCEPTION]


def scorecard(c: Consolidation) -> list[dict[str, Any]]:
    """Per component: questions asked, answered, unknown, perceptions only; open needs by
    severity; the questions readiness is scored on, and readiness 0-100 (None when they are
    fewer than the weights' ``readiness_min_questions``, or than their ``readiness_min_share``
    of the component's questions with a needs rule asked: one settled answer made a component
    100 or 0).

    Readiness = 100 × (1 − Σ severity points of the open needs ÷ Σ the highest severity points of
    every settled question that carries a needs rule), per component (severity points: critical
    4, high 3, medium 2, low 1). A question answered only by respondents who do not settle it
    (perceptions, while its authoritative respondents have not answered), or only "don't know"
    or "not applicable", derives no need: counted as settled it would make a component whose
    authoritative institution did not reply look ready (100)."""
    from natk_xlsx.analysis.settle import severity_points

    rows = []
    for comp in c.toolkit.components:
        qs = [q for q in comp.questions if c.asked.get(q.id)]
        if not qs:
            continue
        answered = [q for q in qs if any(is_answered(r.answers.get(q.id)) for r in c.respondents)]
        unknown = [q for q in answered
                   if all(r.answers.get(q.id) in (DONT_KNOW, None) for r in c.respondents)]
        perceived = perception_only(c, answered)
        open_needs = [n for n in c.needs if n.question.component == comp.id and n.status == "open"]
        by_severity = Counter(n.severity for n in open_needs)
        # settled: an answer stands (not perceptions only, nor "don't know" or "not
        # applicable" alone, which say nothing of a gap either way)
        scored = [q for q in answered if q.needs and (s := c.settled.get(q.id)) is not None
                  and s.value is not None]
        possible = sum(max(severity_points(r.severity) for r in q.needs) for q in scored)
        gaps = sum(severity_points(n.severity) for n in open_needs)
        enough = (len(scored) >= c.weights.readiness_min_questions and len(scored)
                  >= c.weights.readiness_min_share * sum(1 for q in qs if q.needs))
        readiness = 100 * (1 - gaps / possible) if possible and enough else None
        rows.append({"component": comp, "asked": len(qs), "answered": len(answered),
                     "unknown": len(unknown), "perception": len(perceived),
                     "perception_ids": [q.id for q in perceived],
                     "critical": by_severity["critical"],
                     "high": by_severity["high"], "medium": by_severity["medium"],
                     "low": by_severity["low"], "scored": len(scored),
                     "readiness": None if readiness is None else round(readiness)})
    return rows

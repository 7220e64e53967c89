"""Needs derived once from the settled answers: exactly one rule per question, the worst that
applies, with the strength of the evidence behind it. No I/O here.

Evidence strength: the respondents supporting a need (whose own answers reveal the gap, and those
whose answer settled the question), by group (government, civil society, international); whether it
rests on documents (the evidence column) or on perception; and a confidence level from both:
high with documents and an authoritative respondent or several respondents, medium with documents,
an authoritative respondent or two respondents, low when it rests on one perception. Where the
authoritative respondents disagree among themselves, it is medium at most until the assessor
decides.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from natk_xlsx.analysis.respondents import GROUPS, Respondent, one_per_institution
from natk_xlsx.analysis.settle import (
    AUTHORITATIVE,
    RESOLVED,
    Settled,
    settled_answers,
    severity_points,
)
from natk_xlsx.analysis.weights import Weights
from natk_xlsx.spec.conditions import evaluate
from natk_xlsx.spec.model import NeedsRule, Question, Text, Toolkit


@dataclass
class Finding:
    """One respondent's answer behind a need."""

    respondent: Respondent
    answer: Any


@dataclass
class Need:
    question: Question
    rule_index: int
    rule: NeedsRule
    settled: Settled
    supporters: list[Respondent]
    groups: Mapping[str, int]
    documented: bool
    confidence: str
    providers: list[tuple[str, str]] = field(default_factory=list)  # (who said, provider named)
    status: str = "open"  # "open" or "addressed" (by a resolution)
    resolution: str | None = None
    package: str = ""  # the id of the package it belongs to
    rank: int = 0  # its package's rank (0 when addressed)

    @property
    def key(self) -> str:
        return f"{self.question.id}#{self.rule_index + 1}"

    @property
    def severity(self) -> str:
        return self.rule.severity

    @property
    def assistance(self) -> tuple[str, ...]:
        return self.rule.assistance

    @property
    def action(self) -> Text:
        return self.rule.action

    @property
    def gap(self) -> Text | None:
        return self.rule.gap

    @property
    def horizon(self) -> str | None:
        return self.rule.horizon

    @property
    def depends_on(self) -> tuple[str, ...]:
        return self.rule.depends_on

    @property
    def findings(self) -> list[Finding]:
        """The supporting respondents with their answers."""
        return [Finding(r, r.answers.get(self.question.id)) for r in self.supporters]

    @property
    def after(self) -> list[str]:
        """The questions whose needs must be met first."""
        return list(self.depends_on)

    @property
    def priorities(self) -> list[str]:
        return [str(p) for r in self.supporters if (p := r.detail(self.question.id, "priority"))]

    def urgency(self, w: Weights) -> float:
        points = [w.urgency[p] for p in self.priorities if p in w.urgency]
        return statistics.mean(points) if points else w.urgency_default


def confidence_of(documented: bool, authoritative: bool, respondents: int, w: Weights,
                  disputed: bool = False) -> str:
    if documented and (authoritative or respondents >= w.confidence_high_respondents):
        return "medium" if disputed else "high"
    if documented or authoritative or respondents >= 2:
        return "medium"
    return "low"


def providers_of(q: Question, respondents: Sequence[Respondent]) -> list[tuple[str, str]]:
    """(respondent institution, provider named) for each respondent that said someone already
    provides assistance on ``q``."""
    out = []
    for r in respondents:
        if r.detail(q.id, "provided") == "yes" or r.detail(q.id, "provider"):
            out.append((r.institution, str(r.detail(q.id, "provider") or "")))
    return out


def worst_rule(q: Question, answers: Mapping[str, Any]) -> int | None:
    """The index of the most severe rule of ``q`` that fires (the first of equals), or None."""
    fired = [i for i, rule in enumerate(q.needs) if evaluate(rule.when, answers, q.id)]
    return max(fired, key=lambda i: (severity_points(q.needs[i].severity), -i), default=None)


def derive_needs(toolkit: Toolkit, settled: Mapping[str, Settled],
                 respondents: Sequence[Respondent], w: Weights) -> list[Need]:
    answers = settled_answers(settled)
    needs = []
    for qid, s in settled.items():
        if s.value is None:
            continue
        q = s.question
        index = worst_rule(q, answers)
        if index is None:
            continue
        rule = q.needs[index]
        supporters = list(s.settled_by)
        keys = {r.key for r in supporters}
        for r in respondents:
            if r.key not in keys and qid in r.answers and evaluate(rule.when, r.answers, qid):
                supporters.append(r)
        voices = one_per_institution(supporters)  # two returns of one institution: one
        groups = Counter(r.group for r in voices)
        documented = any(str(r.detail(qid, "evidence") or "").strip() for r in supporters)
        authoritative = s.basis in (AUTHORITATIVE, RESOLVED) or any(
            r.kind in s.authoritative for r in supporters)
        confidence = ("high" if s.basis == RESOLVED
                      else confidence_of(documented, authoritative, len(voices), w, s.disputed))
        needs.append(Need(q, index, rule, s, supporters,
                          {g: groups[g] for g in GROUPS if groups[g]}, documented, confidence,
                          providers_of(q, respondents)))
    return needs

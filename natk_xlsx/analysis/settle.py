"""Settle each question to one answer before any need is derived.

For each question: the answer of the respondents authoritative for it (``Question.authoritative``;
until the specs say, the justice ministry for the legal component); when a question has
authoritative respondents and none of them answered, the others' answers are perceptions and settle
nothing. Otherwise the most severe view that is credible: one backed by documents (the evidence
column) or shared by two respondents; when no view is credible, the most severe of them all. Every
disagreement stays visible (Conflicts), and an answer no view corroborates is said to be one.
The assessor's resolutions override the settled answer.
No I/O here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from natk_xlsx.analysis.respondents import Respondent
from natk_xlsx.spec.conditions import evaluate, is_answered, is_mapping, referenced_questions
from natk_xlsx.spec.model import DONT_KNOW, NOT_APPLICABLE, SEVERITIES, Question, Toolkit

#: Fallback until the specs name authoritative respondents: component → respondent kinds.
FALLBACK_AUTHORITATIVE = {"legal": ("ministry_justice",)}

# How the settled answer was reached (a code; the summary shows its label).
AGREED = "agreed"  # every respondent gave the same answer
AUTHORITATIVE = "authoritative"  # the authoritative respondents' answer
MOST_SEVERE = "most_severe"  # the most severe credible view
UNCORROBORATED = "uncorroborated"  # no view is credible: the most severe of them all
PERCEPTION = "perception"  # only non-authoritative respondents answered: no need is derived
RESOLVED = "resolved"  # the assessor's decision


@dataclass
class View:
    respondent: Respondent
    value: Any
    severity: int  # 0 when no needs rule fires on this respondent's answers, 4 for critical
    documented: bool  # the respondent cited a document (the evidence column)


@dataclass
class Settled:
    question: Question
    value: Any  # None when nothing settles the question (no answer, or perceptions only)
    basis: str
    views: list[View]
    authoritative: tuple[str, ...]
    resolution: str | None = None
    settled_by: list[Respondent] = field(default_factory=list)
    #: "Don't know" and "Not applicable": no view of the question, but said, and listed
    unstated: list[View] = field(default_factory=list)

    @property
    def disagree(self) -> bool:
        return len({_hashable(v.value) for v in self.views}) > 1

    @property
    def disputed(self) -> bool:
        """Whether the respondents authoritative for the question gave different answers (two
        returns of the justice ministry, "No" and "Partly"): the answer retained is theirs, but
        not one they agree on."""
        mine = {_hashable(v.value) for v in self.views if v.respondent.kind in self.authoritative}
        return len(mine) > 1

    @property
    def shown_basis(self) -> str:
        """The basis as the summary and the report name it: the authoritative respondents' answer
        says when they do not agree among themselves."""
        disputed = self.basis == AUTHORITATIVE and self.disputed
        return "authoritative_disputed" if disputed else self.basis

    @property
    def answers(self) -> list[tuple[Respondent, Any]]:
        return [(v.respondent, v.value) for v in self.views]

    @property
    def strength(self) -> str:
        values = {v.value for v in self.views if isinstance(v.value, str)}
        return "opposite" if {"yes", "no"} <= values else "partial"


def _hashable(value: Any) -> Any:
    if isinstance(value, str):  # most answers: no need to ask whether a text is a mapping
        return value
    if isinstance(value, list):
        return tuple(sorted(map(str, value)))
    if is_mapping(value):
        return repr(sorted(value.items(), key=lambda kv: str(kv[0])))
    return value


def authoritative_kinds(toolkit: Toolkit, q: Question) -> tuple[str, ...]:
    """The respondent kinds whose answer settles ``q`` (the spec's, else the fallback)."""
    if q.authoritative:
        return q.authoritative
    known = {e.code for e in toolkit.vocabularies.get("respondent_kinds", ())}
    return tuple(k for k in FALLBACK_AUTHORITATIVE.get(q.component, ()) if k in known)


def severity_points(severity: str) -> int:
    return len(SEVERITIES) - SEVERITIES.index(severity)


def view_severity(q: Question, answers: Mapping[str, Any]) -> int:
    """How severe the gap a set of answers reveals on ``q`` is: the worst rule that fires."""
    return max((severity_points(rule.severity) for rule in q.needs
                if evaluate(rule.when, answers, q.id)), default=0)


#: Answers that state nothing about the question.
_NOT_STATED = (DONT_KNOW, NOT_APPLICABLE)


def _counts(value: Any) -> bool:
    """An answer that states something (not blank, not "don't know", not "not applicable")."""
    return is_answered(value) and value not in _NOT_STATED


def _choose(views: Sequence[View]) -> tuple[list[View], bool]:
    """The most severe credible view (all views holding it): credible when documented or shared
    by two respondents; when none is, the most severe of all. And whether it is credible."""
    shared: dict[Any, list[View]] = {}
    for v in views:
        shared.setdefault(_hashable(v.value), []).append(v)
    credible = [group for group in shared.values()
                if len(group) > 1 or any(v.documented for v in group)]
    pool = credible or list(shared.values())
    return max(pool, key=lambda group: (group[0].severity, len(group))), bool(credible)


def _rule_inputs(q: Question) -> tuple[str, ...]:
    """The questions whose answers ``q``'s needs rules look at."""
    return tuple(sorted(set().union(*(referenced_questions(rule.when, q.id) for rule in q.needs))))


def _severities(q: Question) -> Callable[[Mapping[str, Any]], int]:
    """``view_severity`` for ``q``, worked out once per distinct set of the answers its rules look
    at (a thousand respondents give a handful of distinct answers to a question); figures,
    which seldom repeat, are evaluated each time."""
    inputs = _rule_inputs(q)
    known: dict[Any, int] = {}

    def severity(answers: Mapping[str, Any]) -> int:
        values = [answers.get(qid) for qid in inputs]
        if not all(v is None or type(v) is str
                   or (type(v) is list and all(type(x) is str for x in v)) for v in values):
            return view_severity(q, answers)
        key = tuple(tuple(v) if type(v) is list else v for v in values)
        found = known.get(key)
        if found is None:
            found = known[key] = view_severity(q, answers)
        return found

    if len(inputs) != 1:
        return severity
    only = inputs[0]

    def one_input(answers: Mapping[str, Any]) -> int:
        # the rules of most questions look at one answer: a text is its own key (the general
        # key of one value is a tuple, so the two never meet in ``known``)
        value = answers.get(only)
        if value is None or type(value) is str:
            found = known.get(value)
            if found is None:
                found = known[value] = view_severity(q, answers)
            return found
        return severity(answers)

    return one_input


def settle_question(toolkit: Toolkit, q: Question, respondents: Sequence[Respondent]) -> Settled:
    severity = _severities(q)
    qid = q.id
    views = []
    unstated = []
    for r in respondents:  # a thousand respondents and hundreds of questions: kept plain
        value = r.answers.get(qid)
        if value is None:
            continue
        if type(value) is str:
            if value in _NOT_STATED:
                unstated.append(View(r, value, 0, False))
                continue
            if not value.strip():
                continue
        elif not _counts(value):
            continue
        details = r.details.get(qid)
        evidence = details.get("evidence") if details else None
        views.append(View(r, value, severity(r.answers), bool(evidence and str(evidence).strip())))
    kinds = authoritative_kinds(toolkit, q)
    if not views:
        return Settled(q, None, AGREED, views, kinds, unstated=unstated)
    if len({_hashable(v.value) for v in views}) == 1:
        chosen, basis = views, AGREED
        if kinds and not any(v.respondent.kind in kinds for v in views):
            return Settled(q, None, PERCEPTION, views, kinds, unstated=unstated)
    elif kinds:
        mine = [v for v in views if v.respondent.kind in kinds]
        if not mine:
            return Settled(q, None, PERCEPTION, views, kinds, unstated=unstated)
        chosen, basis = _choose(mine)[0] if len(mine) > 1 else mine, AUTHORITATIVE
    else:
        chosen, credible = _choose(views)
        basis = MOST_SEVERE if credible else UNCORROBORATED
    return Settled(q, chosen[0].value, basis, views, kinds,
                   settled_by=[v.respondent for v in chosen], unstated=unstated)


def settle(toolkit: Toolkit, respondents: Sequence[Respondent]) -> dict[str, Settled]:
    """Question id → its settled answer, for every question someone answered."""
    answered = {qid for r in respondents for qid in r.answers}
    return {q.id: settle_question(toolkit, q, respondents) for q in toolkit.questions()
            if q.id in answered}


def settled_answers(settled: Mapping[str, Settled]) -> dict[str, Any]:
    """The answers the needs rules are evaluated on: one per question."""
    return {qid: s.value for qid, s in settled.items() if s.value is not None}

"""What the assessment report shows, as a plain view-model built from the consolidation.

``build`` is the one adapter between the analysis and the report: everything after it (the
report's text, the charts, the Word file) reads only the dataclasses below. Texts from the specs
and the respondents are already in the report's language here; the fixed texts of the report are
added later (``report_text``).

The report says what the needs summary says: its recommendations are the consolidation's
packages in their rank order (``analysis.packages``), the executive summary's are the summary's
top ten (``top_ten``), the responsible body is the one the summary's action plan proposes, the
findings rest on the settled answers (``analysis.settle``) with their evidence strength, and the
justice chains are the three chains of ``analysis.chains``, one unit each.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from natk_xlsx.analysis.chains import (
    CHAINS,
    TIED,
    TIED_BY_NAME,
    chain_steps,
    indicator_label,
)
from natk_xlsx.analysis.consolidate import Conflict, Consolidation, Need, perception_only
from natk_xlsx.analysis.packages import Package, top_ten
from natk_xlsx.analysis.respondents import Respondent, norm, one_per_institution
from natk_xlsx.analysis.settle import Settled
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import join_parts, labelled, tr
from natk_xlsx.outputs.sheetkit import (
    answer_text,
    answers_said,
    evidence_text,
    finding_text,
    ranking_text,
    source_line,
)
from natk_xlsx.outputs.summary import responsible_kinds
from natk_xlsx.spec.conditions import is_answered
from natk_xlsx.spec.model import SEVERITIES, Question, Toolkit

#: Answers quoted in the findings are cut to this length.
ANSWER_CHARS = 160


@dataclass(frozen=True)
class Cited:
    """One line of the report that the assessor can trace to the workbook."""

    text: str
    question_ids: tuple[str, ...]
    note: str = ""
    basis: str = ""  # how the answer was settled (a code of analysis.settle)
    confidence: str = ""
    evidence: str = ""  # evidence strength; for a disagreement, the answer retained


@dataclass(frozen=True)
class Recommendation:
    rank: int
    title: str
    component: str  # component title
    priority: str  # severity code of the package's band: critical, high, medium, low
    confidence: str  # high, medium, low
    actions: tuple[str, ...]
    question_ids: tuple[str, ...]
    needs: int
    first: tuple[str, ...] = ()  # package ids of the recommendations that must come first
    responsible: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    timeframe: str | None = None  # the package's phase: short, medium, long
    assistance: tuple[str, ...] = ()
    id: str = ""  # the package id (P01), as in the needs summary
    score: float = 0.0
    components: int = 1  # how many components the package spans (``component`` names them)
    evidence: str = ""  # respondents per group; documents or perception


@dataclass(frozen=True)
class StatRow:
    indicator: str
    values: tuple[float | None, ...]
    disputed: tuple[bool, ...]


@dataclass(frozen=True)
class Statistics:
    years: tuple[int, ...]
    rows: tuple[StatRow, ...]
    sources: tuple[str, ...] = ()  # where sources disagree: the figure retained and its source


@dataclass(frozen=True)
class ComponentFindings:
    id: str
    title: str
    purpose: str
    respondents: int
    questions_asked: int
    questions_answered: int
    strengths: tuple[Cited, ...]
    gaps: tuple[Cited, ...]  # open needs, most severe first; note = severity code
    disagreements: tuple[Cited, ...]
    statistics: Statistics | None
    needs_by_severity: Mapping[str, int]
    #: questions answered only by respondents who do not settle them: no need derived
    perceived: int = 0


@dataclass(frozen=True)
class Chain:
    """One justice chain (one unit): the figure retained for each stage per year."""

    key: str  # victims, cases, persons
    name: str
    years: tuple[int, ...]
    stages: tuple[str, ...]  # indicator labels, in chain order
    values: tuple[tuple[float | None, ...], ...]  # per stage, per year
    ratios: tuple[tuple[float | None, ...], ...]  # per stage (first is empty), per year, each
    # stage as a share of the stage before ``lag`` years earlier
    lag: int = 0
    alert: float = 0.0  # shares under this are marked
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Institution:
    name: str
    kind: str  # label of the respondent kind
    components: int


@dataclass(frozen=True)
class Decision:
    kind: str
    target: str
    value: str
    reason: str
    decided_by: str
    decided_on: str
    applied: bool


@dataclass(frozen=True)
class ReturnRead:
    file: str
    institution: str
    language: str
    state: str  # read, duplicate, unusable
    status: str


@dataclass
class Report:
    lang: str
    title: str
    country: str
    assessment: str
    date: str
    returns_from: str | None
    returns_to: str | None
    reference_period: tuple[int, int]
    components: tuple[str, ...]  # titles of the components covered
    components_not_covered: tuple[str, ...]
    comprehensive: bool
    full_depth: bool
    files_received: int
    asked: int | None  # institutions sent a questionnaire (None: not known)
    not_answered: tuple[str, ...]
    files_unusable: int
    duplicates: int
    files_blank: int  # sent back without any answer
    files_invalid: int  # read with errors still to correct (their answers in error left out)
    figures_tied: int  # disputed figures nothing in the returns chose: for the assessor
    glance: tuple[int | None, tuple[tuple[str, float], ...]]  # ``at_a_glance``
    institutions: tuple[Institution, ...]
    recommendations: tuple[Recommendation, ...]  # the open packages, in rank order
    top: tuple[Recommendation, ...]  # the summary's top ten
    open_needs: int
    addressed_needs: int
    conflicts: int
    findings: tuple[ComponentFindings, ...]
    chains: tuple[Chain, ...]
    ranking_formula: str
    documents: tuple[tuple[str, tuple[str, ...]], ...]  # component title, documents to collect
    decisions: tuple[Decision, ...]
    returns: tuple[ReturnRead, ...]
    low_confidence: int
    severity_labels: dict[str, str] = field(default_factory=dict)
    #: What the institutions wrote outside the answer cells: (institution, question, cell, text)
    remarks: tuple[tuple[str, str, str, str], ...] = ()


#: The figures the executive summary gives, one or two of each justice chain.
GLANCE = ("victims_identified", "investigations_opened", "persons_prosecuted", "convictions")


def at_a_glance(c: Consolidation, lang: str
                ) -> tuple[int | None, tuple[tuple[str, float], ...]]:
    """The latest year that has two or more of the ``GLANCE`` figures, and those figures (the
    ones retained, labelled), for the reader who asks first how many victims and convictions
    there were; (None, ()) when no year has two."""
    years = sorted({y for ind in GLANCE for y in c.figures.get(ind, {})}, reverse=True)
    for year in years:
        found = [(indicator_label(c.toolkit, ind, lang), value) for ind in GLANCE
                 if (fig := c.figures.get(ind, {}).get(year)) is not None
                 and (value := fig.consolidated) is not None]
        if len(found) >= 2:
            return year, tuple(found)
    return None, ()


# -- recommendations: the packages ------------------------------------------------------------
def recommendation(tk: Toolkit, p: Package, listed: Set[str], lang: str
                   ) -> Recommendation:
    return Recommendation(
        rank=p.rank, title=tr(p.title, lang),
        # parts, not items: a component's title may hold a comma
        component=join_parts((tr(tk.component(cid).title, lang) for cid in p.components), lang),
        components=len(p.components),
        priority=p.severity, confidence=p.confidence,
        actions=tuple(dict.fromkeys(tr(n.action, lang) for n in p.needs)),
        question_ids=tuple(p.questions), needs=len(p.needs),
        first=tuple(pid for pid in p.after if pid in listed),
        responsible=tuple(tk.vocabulary_label("respondent_kinds", k, lang)
                          for k in responsible_kinds(p)),
        partners=tuple(p.providers), timeframe=p.phase,
        assistance=tuple(tk.vocabulary_label("assistance", a, lang) for a in p.assistance),
        id=p.id, score=p.score, evidence=evidence_text(p.groups, p.documented, lang))


def recommendations(c: Consolidation, lang: str) -> list[Recommendation]:
    """The open packages, in their rank order."""
    listed = {p.id for p in c.open_packages}
    return [recommendation(c.toolkit, p, listed, lang) for p in c.open_packages]


# -- findings per component ----------------------------------------------------------------------
def _answer_label(toolkit: Toolkit, qid: str, value: Any, lang: str) -> str:
    text = answer_text(toolkit, toolkit.question(qid), value, lang)
    return text if len(text) <= ANSWER_CHARS else text[: ANSWER_CHARS - 1] + "…"


def _strengths(tk: Toolkit, settled: Mapping[str, Settled], answered: Sequence[Question],
               skip: set[str], lang: str) -> list[Cited]:
    """Choice questions with needs rules whose settled answer reveals no gap; the note is how
    many respondents gave that answer, the basis how it was settled."""
    out = []
    for q in answered:
        s = settled.get(q.id)
        if (q.type not in ("yes_no", "single_choice") or not q.needs or q.id in skip
                or s is None or s.value is None or not isinstance(s.value, str)):
            continue
        agree = sum(1 for v in s.views if v.value == s.value)
        out.append(Cited(f"{tr(q.text, lang)} — {_answer_label(tk, q.id, s.value, lang)}",
                         (q.id,), note=str(agree), basis=s.shown_basis))
    return out


def _gaps(tk: Toolkit, needs: Sequence[Need], lang: str) -> list[Cited]:
    out = []
    for need in sorted(needs, key=lambda n: (SEVERITIES.index(n.severity), n.rank)):
        text = finding_text(tk, need, lang)  # as the summary's Needs sheet says it
        if not need.gap and need.question.type != "stats_table" and \
                need.settled.value is not None:  # the question, and the answer that revealed it
            text += f" — {_answer_label(tk, need.question.id, need.settled.value, lang)}"
        out.append(Cited(text, (need.question.id,), note=need.severity,
                         basis=need.settled.shown_basis,
                         confidence=need.confidence,
                         evidence=evidence_text(need.groups, need.documented, lang)))
    return out


def _disagreements(tk: Toolkit, answered: Sequence[Question],
                   conflicts: Mapping[str, Conflict], lang: str) -> list[Cited]:
    out = []
    for q in answered:
        x = conflicts.get(q.id)
        if x is None:
            continue
        who_said = answers_said(x, partial(_answer_label, tk, q.id, lang=lang), lang)
        retained = "—" if x.value is None else _answer_label(tk, q.id, x.value, lang)
        out.append(Cited(tr(q.text, lang), (q.id,), note=who_said, basis=x.shown_basis,
                         evidence=labelled(retained, x.resolution, lang) if x.resolution
                         else retained))
    return out


def _findings(c: Consolidation, lang: str) -> list[ComponentFindings]:
    tk = c.toolkit
    conflicts = {x.question.id: x for x in c.conflicts}
    open_needs: dict[str, list[Need]] = defaultdict(list)
    for n in c.needs:
        if n.status == "open":
            open_needs[n.question.component].append(n)
    with_needs = {n.question.id for n in c.needs}
    years = sorted({y for per in c.figures.values() for y in per} | set(tk.years()))
    out = []
    for comp in tk.components:
        asked = [q for q in comp.questions if c.asked.get(q.id)]
        if not asked:
            continue
        who = [r for r in c.respondents if any(is_answered(r.answers.get(q.id)) for q in asked)]
        answered = [q for q in asked if any(is_answered(r.answers.get(q.id)) for r in who)]
        mine = open_needs.get(comp.id, [])
        out.append(ComponentFindings(
            id=comp.id, title=tr(comp.title, lang), purpose=tr(comp.purpose, lang),
            respondents=len(one_per_institution(who)), questions_asked=len(asked),
            questions_answered=len(answered),
            strengths=tuple(_strengths(tk, c.settled, answered, with_needs | set(conflicts),
                                       lang)),
            gaps=tuple(_gaps(tk, mine, lang)),
            disagreements=tuple(_disagreements(tk, answered, conflicts, lang)),
            statistics=_statistics(c, [q.indicator for q in comp.questions if q.indicator],
                                   years, lang),
            needs_by_severity=dict(Counter(n.severity for n in mine)),
            perceived=len(perception_only(c, answered))))
    return out


def _sources(c: Consolidation, indicators: Sequence[str], years: Sequence[int], lang: str
             ) -> tuple[str, ...]:
    return tuple(source_line(c, f, lang) for i in indicators for y in years
                 if (f := c.figures.get(i, {}).get(y)) is not None and f.disagree)


def _statistics(c: Consolidation, indicators: Sequence[str | None], years: Sequence[int],
                lang: str) -> Statistics | None:
    rows = []
    shown = list(dict.fromkeys(i for i in indicators if i and i in c.figures))
    for indicator in shown:
        per = c.figures[indicator]
        figs = [per.get(y) for y in years]
        rows.append(StatRow(indicator_label(c.toolkit, indicator, lang),
                            tuple(f.consolidated if f else None for f in figs),
                            tuple(bool(f and f.disagree and f.resolved is None) for f in figs)))
    if not rows:
        return None
    used = [j for j, _ in enumerate(years) if any(r.values[j] is not None for r in rows)]
    return Statistics(tuple(years[j] for j in used),
                      tuple(StatRow(r.indicator, tuple(r.values[j] for j in used),
                                    tuple(r.disputed[j] for j in used)) for r in rows),
                      _sources(c, shown, [years[j] for j in used], lang))


def chains(c: Consolidation, lang: str) -> list[Chain]:
    """The justice chains that have figures, one unit each, in ``CHAINS`` order."""
    lag = c.weights.chain_lag_years
    years = sorted({y for stages in CHAINS.values() for ind in stages
                    for y in c.figures.get(ind, {})})
    out = []
    for key in CHAINS:
        steps = chain_steps(c.figures, key, years, lag)
        if not steps:
            continue
        used = [j for j in range(len(years)) if any(row[j].value is not None for row in steps)]
        indicators = [row[0].indicator for row in steps]
        out.append(Chain(
            key=key, name=ui(f"summary.chain.{key}", lang),
            years=tuple(years[j] for j in used),
            stages=tuple(indicator_label(c.toolkit, i, lang) for i in indicators),
            values=tuple(tuple(row[j].value for j in used) for row in steps),
            ratios=tuple(tuple(row[j].ratio if k else None for j in used)
                         for k, row in enumerate(steps)),
            lag=lag, alert=c.weights.attrition_alert,
            sources=_sources(c, indicators, [years[j] for j in used], lang)))
    return out


# -- the whole report ----------------------------------------------------------------------------
def build(c: Consolidation, lang: str, sources: Sequence[Mapping[str, Any]] = (), *,
          country: str = "", assessment: str = "",
          date: dt.date | None = None, recipients: Sequence[str] | None = None) -> Report:
    """The report's view-model, from the consolidation (and the list of returns read, and the
    institutions that were sent a questionnaire, where known)."""
    tk = c.toolkit
    findings = _findings(c, lang)
    covered = {f.id for f in findings}
    kept = {r.key for r in c.respondents}  # not a return --same-institution left out
    recs = recommendations(c, lang)
    top_ids = {p.id for p in top_ten(c.packages, c.weights)}
    # each institution once (two returns of one, kept with --same-institution all, are one
    # institution that answered), with the components either answered
    returns_of: dict[str, list[Respondent]] = defaultdict(list)
    for r in c.respondents:
        returns_of[r.institution_key].append(r)
    institutions = tuple(sorted((Institution(
        rs[0].institution,
        tk.vocabulary_label("respondent_kinds", rs[0].kind, lang) if rs[0].kind else "",
        sum(1 for comp in tk.components if any(is_answered(r.answers.get(q.id))
                                               for r in rs for q in comp.questions)))
        for rs in returns_of.values()), key=lambda i: (i.kind, i.name)))
    dates = sorted(r.completion_date for r in c.respondents if r.completion_date)
    countries = Counter(r.country for r in c.respondents if r.country)
    asked_questions = [tk.question(q) for q in c.asked]
    return Report(
        lang=lang, title=tr(tk.title, lang),
        country=country or (countries.most_common(1)[0][0] if countries else ""),
        assessment=assessment, date=(date or dt.date.today()).isoformat(),
        returns_from=dates[0] if dates else None, returns_to=dates[-1] if dates else None,
        reference_period=tk.reference_period,
        components=tuple(f.title for f in findings),
        components_not_covered=tuple(tr(comp.title, lang) for comp in tk.components
                                     if comp.id not in covered),
        comprehensive=all(comp.id in covered for comp in tk.components if comp.category == "core"),
        full_depth=any(q.depth == "full" for q in asked_questions),
        files_received=len(sources) or len(c.respondents) + len(c.duplicates),
        asked=None if recipients is None else len(recipients),
        not_answered=tuple(name for name in recipients or ()
                           if norm(name) not in {norm(r.institution) for r in c.respondents}),
        files_unusable=sum(1 for s in sources if s.get("state") == "unusable"),
        duplicates=len(c.duplicates), institutions=institutions, recommendations=tuple(recs),
        files_blank=sum(1 for s in sources if s.get("state") == "blank"),
        files_invalid=sum(1 for s in sources if s.get("state") == "read" and s.get("errors")
                          and (s.get("workbook") or s.get("file")) in kept),
        figures_tied=sum(1 for per in c.figures.values() for f in per.values()
                         if f.rule in (TIED, TIED_BY_NAME)),
        glance=at_a_glance(c, lang),
        top=tuple(r for r in recs if r.id in top_ids),
        open_needs=sum(1 for n in c.needs if n.status == "open"),
        addressed_needs=sum(1 for n in c.needs if n.status == "addressed"),
        conflicts=len(c.conflicts), findings=tuple(findings), chains=tuple(chains(c, lang)),
        ranking_formula=ranking_text(c.weights, lang),
        documents=tuple((tr(comp.title, lang), tuple(tr(d, lang) for d in comp.documents))
                        for comp in tk.components if comp.id in covered and comp.documents),
        decisions=tuple(Decision(d.kind, d.target if d.year is None else f"{d.target} ({d.year})",
                                 "" if d.value is None else str(d.value), d.reason, d.decided_by,
                                 d.decided_on, d.applied) for d in c.decisions),
        returns=tuple(ReturnRead(str(s.get("file", "")).replace("\\", "/").rsplit("/", 1)[-1],
                                 str(s.get("institution") or ""), str(s.get("language") or ""),
                                 str(s.get("state") or ""), str(s.get("status") or ""))
                      for s in sources),
        low_confidence=sum(1 for r in recs if r.confidence == "low"),
        severity_labels={s: tk.vocabulary_label("severities", s, lang) for s in SEVERITIES},
        remarks=tuple((r.institution, qid or "", f"{sheet}!{cell}", text)
                      for r in c.respondents for sheet, cell, qid, text in r.remarks),
    )

"""What the assessment report shows, as a plain view-model built from the consolidation.

``build`` is the one adapter between the analysis and the report: everything after it (the
report's text, the charts, the Word file) reads only the dataclasses below. Texts from the specs
and the respondents are already in the report's language here; the fixed texts of the report are
added later (``report_text``).

Until the needs analysis groups needs into recommendation packages, ``build`` makes provisional
packages: the open needs of one theme (where the needs rule names one) or else of one section of a
component form a package; its priority is its most severe need; packages are ranked by priority,
then by their best-ranked need; its timeframe is the shortest horizon of its needs, its partners
the providers respondents named, its responsible body the kinds of institution authoritative for
its questions (else the first two national bodies among the component's respondents).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from natk_xlsx.analysis.consolidate import (
    CHAIN,
    SEVERITY_POINTS,
    Conflict,
    Consolidation,
    Need,
    Respondent,
    attrition,
)
from natk_xlsx.i18n.languages import tr
from natk_xlsx.outputs.sheetkit import answer_text
from natk_xlsx.spec.conditions import is_answered
from natk_xlsx.spec.model import DONT_KNOW, NOT_APPLICABLE, Question, Toolkit

HORIZON_ORDER = {"short": 0, "medium": 1, "long": 2}
#: Kinds of respondent that are not national bodies able to carry out a recommendation.
NOT_RESPONSIBLE = frozenset({"ngo", "international_org", "legal_profession", "national_rapporteur"})
CONFIDENCES = ("high", "medium", "low")
#: Answers quoted in the findings are cut to this length.
ANSWER_CHARS = 160


@dataclass(frozen=True)
class Cited:
    """One line of the report that the assessor can trace to the workbook."""

    text: str
    question_ids: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Recommendation:
    rank: int
    title: str
    component: str  # component title
    priority: str  # severity code: critical, high, medium, low
    confidence: str  # high, medium, low
    actions: tuple[str, ...]
    question_ids: tuple[str, ...]
    needs: int
    first: tuple[int, ...] = ()  # ranks of the recommendations that must come first
    responsible: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    timeframe: str | None = None  # short, medium, long
    assistance: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatRow:
    indicator: str
    values: tuple[float | None, ...]
    disputed: tuple[bool, ...]


@dataclass(frozen=True)
class Statistics:
    years: tuple[int, ...]
    rows: tuple[StatRow, ...]


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


@dataclass(frozen=True)
class Chain:
    """The justice chain: the consolidated figure of each stage per year."""

    years: tuple[int, ...]
    stages: tuple[str, ...]  # indicator labels, in chain order
    values: tuple[tuple[float | None, ...], ...]  # per stage, per year
    ratios: tuple[tuple[float | None, ...], ...]  # per stage (first is empty), per year


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
    institutions: tuple[Institution, ...]
    recommendations: tuple[Recommendation, ...]
    open_needs: int
    addressed_needs: int
    conflicts: int
    findings: tuple[ComponentFindings, ...]
    chain: Chain | None
    ranking_formula: str
    documents: tuple[tuple[str, tuple[str, ...]], ...]  # component title, documents to collect
    decisions: tuple[Decision, ...]
    returns: tuple[ReturnRead, ...]
    low_confidence: int
    severity_labels: dict[str, str] = field(default_factory=dict)


# -- provisional packages ------------------------------------------------------------------------
def _package_key(need: Need) -> tuple[str, str]:
    rule = need.question.needs[need.rule_index]
    if rule.theme:
        return ("theme", rule.theme)
    return (need.question.component, need.question.section)


def confidence(needs: Sequence[Need]) -> str:
    """High: two or more respondents revealed the gap and one cited a document; medium: either;
    low: one respondent's perception."""
    revealed = {f.respondent.key for n in needs for f in n.findings}
    documented = any(f.respondent.details.get(n.question.id, {}).get("evidence")
                     for n in needs for f in n.findings)
    if len(revealed) >= 2 and documented:
        return "high"
    if len(revealed) >= 2 or documented:
        return "medium"
    return "low"


def _package_title(toolkit: Toolkit, key: tuple[str, str], lang: str) -> str:
    if key[0] == "theme":
        return toolkit.vocabulary_label("themes", key[1], lang)
    component = toolkit.component(key[0])
    for section in component.sections:
        if section.id == key[1]:
            return tr(section.title, lang)
    return tr(component.title, lang)


def recommendations(c: Consolidation, lang: str) -> list[Recommendation]:
    tk = c.toolkit
    groups: dict[tuple[str, str], list[Need]] = defaultdict(list)
    for need in c.needs:
        if need.status == "open" and need.rank:
            groups[_package_key(need)].append(need)
    def order(item: tuple[tuple[str, str], list[Need]]) -> tuple[int, int]:
        worst = max(SEVERITY_POINTS[n.severity] for n in item[1])
        return (-worst, min(n.rank for n in item[1]))

    # priority band first (a critical recommendation is never below a high one), then the rank
    # of the best-ranked need; what must come first is shown, not used to reorder
    ordered = sorted(groups.items(), key=order)
    rank_of_question = {n.question.id: i for i, (_, ns) in enumerate(ordered, start=1) for n in ns}
    out = []
    for i, (key, needs) in enumerate(ordered, start=1):
        needs.sort(key=lambda n: n.rank)
        actions = list(dict.fromkeys(tr(n.action, lang) for n in needs))
        qids = tuple(dict.fromkeys(n.question.id for n in needs))
        first = sorted({rank_of_question[d] for n in needs for d in n.after
                        if rank_of_question.get(d, i) != i})
        authoritative = dict.fromkeys(k for n in needs for k in n.question.authoritative)
        if not authoritative:  # the component's first two national bodies
            comp = tk.component(needs[0].question.component)
            authoritative = dict.fromkeys(
                [k for k in comp.respondents if k not in NOT_RESPONSIBLE][:2])
        partners = dict.fromkeys(p.strip() for n in needs for _, p in n.providers if p.strip())
        horizons = [n.horizon for n in needs if n.horizon in HORIZON_ORDER]
        assistance = dict.fromkeys(a for n in needs for a in n.assistance)
        out.append(Recommendation(
            rank=i, title=_package_title(tk, key, lang),
            component=tr(tk.component(needs[0].question.component).title, lang),
            priority=max((n.severity for n in needs), key=lambda s: SEVERITY_POINTS[s]),
            confidence=confidence(needs), actions=tuple(actions), question_ids=qids,
            needs=len(needs), first=tuple(first),
            responsible=tuple(tk.vocabulary_label("respondent_kinds", k, lang)
                              for k in authoritative),
            partners=tuple(partners),
            timeframe=min(horizons, key=lambda h: HORIZON_ORDER[h]) if horizons else None,
            assistance=tuple(tk.vocabulary_label("assistance", a, lang) for a in assistance)))
    return out


# -- findings per component ----------------------------------------------------------------------
def _answer_label(toolkit: Toolkit, qid: str, value: Any, lang: str) -> str:
    text = answer_text(toolkit, toolkit.question(qid), value, lang)
    return text if len(text) <= ANSWER_CHARS else text[: ANSWER_CHARS - 1] + "…"


def _strengths(tk: Toolkit, who: Sequence[Respondent], answered: Sequence[Question],
               skip: set[str], lang: str) -> list[Cited]:
    """Choice questions with needs rules on which every respondent who answered agrees, and
    whose answer reveals no gap."""
    out = []
    for q in answered:
        if q.type not in ("yes_no", "single_choice") or not q.needs or q.id in skip:
            continue
        given = [r.answers.get(q.id) for r in who]
        values = {v for v in given if isinstance(v, str) and v not in (DONT_KNOW, NOT_APPLICABLE)}
        if len(values) == 1:
            value = values.pop()
            agree = sum(1 for v in given if v == value)
            out.append(Cited(f"{tr(q.text, lang)} — {_answer_label(tk, q.id, value, lang)}",
                             (q.id,), note=str(agree)))
    return out


def _gaps(tk: Toolkit, needs: Sequence[Need], lang: str) -> list[Cited]:
    out = []
    for need in sorted(needs, key=lambda n: (-SEVERITY_POINTS[n.severity], n.rank)):
        if need.gap:
            text = tr(need.gap, lang)
        else:  # the question and the answers that revealed the gap
            answers = dict.fromkeys(_answer_label(tk, need.question.id, f.answer, lang)
                                    for f in need.findings)
            text = f"{tr(need.question.text, lang)} — {', '.join(answers)}"
        out.append(Cited(text, (need.question.id,), note=need.severity))
    return out


def _disagreements(tk: Toolkit, answered: Sequence[Question],
                   conflicts: Mapping[str, Conflict], lang: str) -> list[Cited]:
    out = []
    for q in answered:
        x = conflicts.get(q.id)
        if x is None:
            continue
        said: dict[str, list[str]] = defaultdict(list)
        for r, a in x.answers:
            said[_answer_label(tk, q.id, a, lang)].append(r.institution)
        who_said = "; ".join(f"{', '.join(names)}: {label}" for label, names in said.items())
        out.append(Cited(tr(q.text, lang), (q.id,), note=who_said))
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
            respondents=len(who), questions_asked=len(asked), questions_answered=len(answered),
            strengths=tuple(_strengths(tk, who, answered, with_needs | set(conflicts), lang)),
            gaps=tuple(_gaps(tk, mine, lang)),
            disagreements=tuple(_disagreements(tk, answered, conflicts, lang)),
            statistics=_statistics(c, [q.indicator for q in comp.questions if q.indicator],
                                   years, lang),
            needs_by_severity=dict(Counter(n.severity for n in mine))))
    return out


def _statistics(c: Consolidation, indicators: Sequence[str | None], years: Sequence[int],
                lang: str) -> Statistics | None:
    rows = []
    for indicator in dict.fromkeys(i for i in indicators if i and i in c.figures):
        per = c.figures[indicator]
        figs = [per.get(y) for y in years]
        rows.append(StatRow(c.toolkit.vocabulary_label("indicators", indicator, lang),
                            tuple(f.consolidated if f else None for f in figs),
                            tuple(bool(f and f.disagree and f.resolved is None) for f in figs)))
    if not rows:
        return None
    used = [j for j, _ in enumerate(years) if any(r.values[j] is not None for r in rows)]
    return Statistics(tuple(years[j] for j in used),
                      tuple(StatRow(r.indicator, tuple(r.values[j] for j in used),
                                    tuple(r.disputed[j] for j in used)) for r in rows))


def _chain(c: Consolidation, lang: str) -> Chain | None:
    years = sorted({y for ind in CHAIN for y in c.figures.get(ind, {})})
    if not years:
        return None
    table = attrition(c.figures, years)
    values = tuple(tuple(vals[k] for _, vals, _ in table) for k in range(len(CHAIN)))
    ratios = tuple(tuple(rs[k] for _, _, rs in table) for k in range(len(CHAIN)))
    return Chain(tuple(years), tuple(c.toolkit.vocabulary_label("indicators", i, lang)
                                     for i in CHAIN), values, ratios)


# -- the whole report ----------------------------------------------------------------------------
def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def build(c: Consolidation, lang: str, sources: Sequence[Mapping[str, Any]] = (), *,
          country: str = "", assessment: str = "", ranking_formula: str = "",
          date: dt.date | None = None, recipients: Sequence[str] | None = None) -> Report:
    """The report's view-model, from the consolidation (and the list of returns read, and the
    institutions that were sent a questionnaire, where known)."""
    tk = c.toolkit
    findings = _findings(c, lang)
    covered = {f.id for f in findings}
    recs = recommendations(c, lang)
    kinds = {r.key: tk.vocabulary_label("respondent_kinds", r.kind, lang) if r.kind else ""
             for r in c.respondents}
    comps_of = {r.key: sum(1 for comp in tk.components
                           if any(is_answered(r.answers.get(q.id)) for q in comp.questions))
                for r in c.respondents}
    institutions = tuple(sorted((Institution(r.institution, kinds[r.key], comps_of[r.key])
                                 for r in c.respondents), key=lambda i: (i.kind, i.name)))
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
                           if _norm(name) not in {_norm(r.institution) for r in c.respondents}),
        files_unusable=sum(1 for s in sources if s.get("state") == "unusable"),
        duplicates=len(c.duplicates), institutions=institutions, recommendations=tuple(recs),
        open_needs=sum(1 for n in c.needs if n.status == "open"),
        addressed_needs=sum(1 for n in c.needs if n.status == "addressed"),
        conflicts=len(c.conflicts), findings=tuple(findings), chain=_chain(c, lang),
        ranking_formula=ranking_formula,
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
        severity_labels={s: tk.vocabulary_label("severities", s, lang) for s in SEVERITY_POINTS},
    )

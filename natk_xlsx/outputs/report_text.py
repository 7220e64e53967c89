"""The assessment report as a list of blocks (headings, paragraphs, lists, tables, charts), with
every fixed text in the report's language. Pure: reads the view-model of ``report_content``, knows
nothing of Word; ``docx_writer`` renders the blocks.

The order follows the usual structure of an assessment report (domain brief, section 5): front
matter, executive summary, method, findings per component, recommendations, annexes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from natk_xlsx.analysis.chains import marked
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import (
    after_colon,
    as_typed,
    aside,
    date_text,
    flagged,
    grouped_text,
    join_codes,
    join_items,
    join_parts,
    join_sentences,
    labelled,
    left_to_right,
    lower_first,
    number_text,
    share_text,
)
from natk_xlsx.outputs.report_content import Chain, Cited, ComponentFindings, Recommendation, Report
from natk_xlsx.spec.model import SEVERITIES

#: How many items of each kind a component's findings show; the rest are counted, and listed in
#: the needs summary workbook.
SHOWN_STRENGTHS = 8
SHOWN_GAPS = 12
SHOWN_DISAGREEMENTS = 8
#: Recommendations described in full (the matrix lists all of them).
DETAILED_RECOMMENDATIONS = 10
SEVERITY_COLOURS = {"critical": "C00000", "high": "ED7D31", "medium": "FFC000", "low": "A9D08E"}
#: Light tints of the same colours, behind text.
SEVERITY_TINTS = {"critical": "F4CCCC", "high": "FCE4D6", "medium": "FFF2CC", "low": "E2EFDA"}
CHAIN_COLOURS = ("1F3864", "2E75B6", "9DC3E6", "A9D08E")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0 = the title, 1 and 2 appear in the table of contents


@dataclass(frozen=True)
class Para:
    text: str
    lead: str = ""  # bold words before the text
    style: str = ""  # "", "subtitle", "note", "caption"


@dataclass(frozen=True)
class Bullets:
    items: tuple[tuple[str, str], ...]  # (bold lead, text)
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()  # columns aligned as numbers
    shade: tuple[str | None, ...] = ()  # per row: a colour for the first cell, or None


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    colour: str


@dataclass(frozen=True)
class Chart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool = False  # bars (True) or columns (False)
    stacked: bool = False
    height_cm: float = 7.5
    #: the title shown above the chart; False where the heading just above says it (the title
    #: stays the chart's description, for a reader of the document's text)
    shows_title: bool = True


@dataclass(frozen=True)
class Contents:
    title: str
    placeholder: str


@dataclass(frozen=True)
class PageBreak:
    """What follows starts a page; on landscape pages (a wide table), or portrait ones."""

    landscape: bool = False


Block = Heading | Para | Bullets | Table | Chart | Contents | PageBreak


@dataclass
class _Writer:
    report: Report
    blocks: list[Block] = field(default_factory=list)

    def t(self, key: str, **values: object) -> str:
        return ui(f"report.{key}", self.report.lang, **values)

    def s(self, key: str, **values: object) -> str:
        return ui(key, self.report.lang, **values)

    def items(self, texts: Iterable[str]) -> str:
        """Names of one list ("Police, Courts"), as the report's language separates them."""
        return join_items(texts, self.report.lang)

    def codes(self, codes: Iterable[str]) -> str:
        """Question or package ids, as the report's language lists codes."""
        return join_codes(codes, self.report.lang)

    def label(self, text: str) -> str:
        """``text`` followed by the language's colon, as the bold lead of a line (the colon of
        every "label: value" pair, ``labelled``)."""
        return labelled(text, "", self.report.lang)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def number(value: float | None, lang: str) -> str:
    return "–" if value is None else grouped_text(value, lang)


def percent(value: float | None, lang: str) -> str:
    return "–" if value is None else share_text(value, lang)


def blocks(report: Report) -> list[Block]:
    """The whole report, block by block."""
    w = _Writer(report)
    front_matter(w)
    executive_summary(w)
    method(w)
    findings(w)
    recommendations(w)
    annexes(w)
    return w.blocks


# -- front matter ---------------------------------------------------------------------------------
def front_matter(w: _Writer) -> None:
    r = w.report
    w.add(Heading(r.title, 0))
    w.add(Para(w.t("draft"), style="subtitle"))
    if r.country:
        w.add(Para(r.country, lead=w.label(w.t("country"))))
    if r.assessment:
        w.add(Para(r.assessment, lead=w.label(w.t("assessment"))))
    w.add(Para(date_text(r.date, r.lang), lead=w.label(w.t("date"))))
    if r.returns_from and r.returns_to:
        w.add(Para(w.t("returns_period", first=date_text(r.returns_from, r.lang),
                       last=date_text(r.returns_to, r.lang)),
                   lead=w.label(w.t("returns"))))
    w.add(Para(f"{r.reference_period[0]}–{r.reference_period[1]}",
               lead=w.label(w.t("reference_period"))))
    w.add(Para("", lead=w.label(w.t("components_covered"))))
    w.add(Bullets(tuple(("", title) for title in r.components)))
    w.add(Para(w.t("draft_note"), style="note"))
    w.add(PageBreak())
    w.add(Contents(w.t("contents"), w.t("contents_note")))
    w.add(PageBreak())


# -- executive summary ----------------------------------------------------------------------------
def _rec_line(w: _Writer, rec: Recommendation) -> str:
    return w.t("rec.line", priority=after_colon(_severity(w, rec.priority), w.report.lang),
               confidence=after_colon(w.t(f"confidence.{rec.confidence}"), w.report.lang),
               timeframe=after_colon(_timeframe(w, rec), w.report.lang))


def _severity(w: _Writer, code: str) -> str:
    return w.report.severity_labels.get(code, code)


def _timeframe(w: _Writer, rec: Recommendation) -> str:
    return w.s(f"summary.horizon.{rec.timeframe}") if rec.timeframe else w.t("to_agree")


def executive_summary(w: _Writer) -> None:
    r = w.report
    w.add(Heading(w.t("h.summary"), 1))
    w.add(Para(w.t("summary.intro", count=len(r.institutions), country=r.country or "–")))
    w.add(Heading(w.t("h.response"), 2))
    if r.asked:
        w.add(Para(w.t("summary.asked", asked=r.asked, answered=r.asked - len(r.not_answered),
                       rate=round(100 * (r.asked - len(r.not_answered)) / r.asked))))
    lost = [w.t(f"summary.{key}", **{key: count})  # what did not happen goes unsaid
            for key, count in (("unusable", r.files_unusable), ("blank", r.files_blank),
                               ("duplicates", r.duplicates))
            if count]
    noted = w.t("summary.aside", parts=join_parts(lost, r.lang)) if lost else ""
    covered = {"covered": len(r.components),
               "total": len(r.components) + len(r.components_not_covered)}
    if r.asked and not lost and r.files_received == len(r.institutions) == r.asked - len(
            r.not_answered):  # one questionnaire from each institution: said just above
        w.add(Para(w.t("summary.covered", **covered)))
    else:
        w.add(Para(w.t("summary.response", files=r.files_received, answered=len(r.institutions),
                       count=len(r.institutions), aside=noted, **covered)))
    year, figures = r.glance
    if figures:  # how many victims and convictions: what an official asks first
        w.add(Para(w.t("summary.figures", year=year, figures=join_parts(
            (labelled(lower_first(label), number_text(value, r.lang), r.lang)
             for label, value in figures), r.lang))))
    w.add(Para(w.t("summary.needs", open=r.open_needs, packages=len(r.recommendations),
                   conflicts=r.conflicts)))
    kinds = Counter(i.kind or "–" for i in r.institutions)
    if all(n == 1 for n in kinds.values()):  # one of each: the count would say nothing
        w.add(Bullets(tuple(("", kind) for kind in kinds)))
    else:
        w.add(Bullets(tuple((w.label(kind), str(n)) for kind, n in kinds.most_common())))
    w.add(Heading(w.t("h.top"), 2))
    top = r.top  # the summary's top ten
    if not top:
        w.add(Para(w.t("no_recommendations")))
    else:
        w.add(Para(w.t("top_note", count=len(top)), style="note"))
    w.add(Bullets(tuple((_rec_title(w, rec),
                         join_sentences((_rec_line(w, rec), rec.actions[0]), r.lang))
                        for rec in top), numbered=True))
    chart = _needs_chart(w)
    if chart is not None:
        w.add(chart)


def _rec_title(w: _Writer, rec: Recommendation) -> str:
    """The title, with its component where the package has one (a package spanning several
    names them in the Recommendations chapter)."""
    if rec.component and rec.components == 1:
        return w.t("fmt.title", title=rec.title, component=rec.component)
    return w.t("fmt.sentence", text=rec.title)


def _needs_chart(w: _Writer) -> Chart | None:
    """Open needs by component and severity: every component assessed, those without an open
    need too (a component left out looked unassessed beside the summary's scorecard)."""
    rows = list(w.report.findings)
    if not any(sum(f.needs_by_severity.values()) for f in rows):
        return None
    return Chart(w.t("chart.needs"), tuple(f.title for f in rows),
                 tuple(Series(_severity(w, s), tuple(float(f.needs_by_severity.get(s, 0))
                                                     for f in rows), SEVERITY_COLOURS[s])
                       for s in SEVERITIES),
                 horizontal=True, stacked=True, height_cm=max(6.0, 1.5 + 0.9 * len(rows)))


# -- method ---------------------------------------------------------------------------------------
def method(w: _Writer) -> None:
    r = w.report
    w.add(Heading(w.t("h.method"), 1))
    w.add(Heading(w.t("h.scope"), 2))
    if r.comprehensive:
        w.add(Para(w.t("method.comprehensive")))
    else:
        w.add(Para(w.t("method.selected", components=w.items(r.components))))
    w.add(Para(w.t("method.full" if r.full_depth else "method.core")))
    w.add(Heading(w.t("h.who"), 2))
    w.add(Para(w.t("method.who", count=len(r.institutions))))
    w.add(Heading(w.t("h.ranking"), 2))
    w.add(Para(w.t("method.needs")))
    w.add(Para(r.ranking_formula, lead=w.label(w.s("summary.ranking")), style="note"))
    w.add(Para(join_sentences((w.t("method.packages"), w.s("summary.phases")), r.lang)))
    w.add(Para(w.t("method.confidence")))
    w.add(Heading(w.t("h.limits"), 2))
    limits = []
    if r.components_not_covered:
        limits.append(("", w.t("limits.not_covered",
                                components=join_parts(r.components_not_covered, r.lang))))
    if r.not_answered:
        limits.append(("", w.t("limits.not_answered", institutions=w.items(r.not_answered))))
    if r.low_confidence:
        limits.append(("", w.t("limits.low", count=r.low_confidence)))
    if r.files_unusable:
        limits.append(("", w.t("limits.unusable", count=r.files_unusable)))
    if r.files_blank:
        limits.append(("", w.t("limits.blank", count=r.files_blank)))
    if r.files_invalid:
        limits.append(("", w.t("limits.invalid", count=r.files_invalid)))
    if r.figures_tied:
        limits.append(("", w.t("limits.tied", count=r.figures_tied)))
    limits.append(("", w.t("limits.self_reported")))
    w.add(Bullets(tuple(limits)))


# -- findings -------------------------------------------------------------------------------------
def findings(w: _Writer) -> None:
    r = w.report
    w.add(PageBreak())
    w.add(Heading(w.t("h.findings"), 1))
    w.add(Para(w.t("findings.intro")))
    if r.chains:
        w.add(Heading(w.t("h.chain"), 2))
        w.add(Para(join_sentences([w.t("chain.intro", count=r.chains[0].lag,
                                       alert=percent(r.chains[0].alert, r.lang)),
                                   w.s("summary.chain.over")], r.lang)))
        for chain in r.chains:
            justice_chain(w, chain)
    for comp in r.findings:
        component(w, comp)


def justice_chain(w: _Writer, chain: Chain) -> None:
    """One chain: a heading, a column chart of its stages per year, the table of figures and
    shares, and where sources disagree the source retained."""
    w.add(Heading(chain.name, 3))
    years = tuple(str(y) for y in chain.years)
    w.add(Chart(chain.name, years,
                tuple(Series(stage, values, colour) for stage, values, colour
                      in zip(chain.stages, chain.values, CHAIN_COLOURS, strict=False)),
                shows_title=False))  # the heading above names it
    rows = [(stage, *(number(v, w.report.lang) for v in values))
            for stage, values in zip(chain.stages, chain.values, strict=True)]
    for k in range(1, len(chain.stages)):
        rows.append((w.s("summary.chain.attrition_lag", stage=chain.stages[k],
                         previous=chain.stages[k - 1], count=chain.lag),
                     *(flagged(percent(v, w.report.lang), w.report.lang)
                       if marked(v, chain.alert) else percent(v, w.report.lang)
                       for v in chain.ratios[k])))
    w.add(Table((w.s("summary.col.indicator"), *years), tuple(rows),
                numeric=frozenset(range(1, len(years) + 1))))
    for line in chain.sources:
        w.add(Para(line, style="note"))


def _cited(item: Cited) -> str:
    return f"{item.text} [{', '.join(item.question_ids)}]"


def _more(w: _Writer, shown: int, items: Sequence[Cited]) -> None:
    if len(items) > shown:
        w.add(Para(w.t("findings.more", count=len(items) - shown), style="note"))


def component(w: _Writer, comp: ComponentFindings) -> None:
    w.add(Heading(comp.title, 2))
    w.add(Para(comp.purpose, style="note"))
    w.add(Para(w.t("findings.response", respondents=comp.respondents, count=comp.respondents,
                   answered=comp.questions_answered, asked=comp.questions_asked)))
    w.add(Heading(w.t("h.strengths"), 3))
    if comp.strengths:
        w.add(Bullets(tuple(("", _cited(s) + " " + (w.t("findings.agreed", n=s.note)
                                                     if s.note != "1" else w.t("findings.one"))
                             + ("" if s.basis == "agreed" else
                                f" — {w.s(f'summary.basis.{s.basis}')}"))
                            for s in comp.strengths[:SHOWN_STRENGTHS])))
        _more(w, SHOWN_STRENGTHS, comp.strengths)
    else:
        w.add(Para(w.t("findings.no_strengths")))
    w.add(Heading(w.t("h.gaps"), 3))
    if comp.perceived:  # first: "No open need was found" read as good news before it
        w.add(Para(w.t("findings.perceived", count=comp.perceived), style="note"))
    if comp.gaps:
        w.add(Table((w.s("summary.col.severity"), w.s("summary.col.need"),
                     w.s("summary.col.confidence"), w.s("summary.col.question_id")),
                    tuple((_severity(w, g.note), g.text,
                           aside(w.s(f"summary.confidence.{g.confidence}"), g.evidence, w.report.lang),
                           w.codes(g.question_ids)) for g in comp.gaps[:SHOWN_GAPS]),
                    shade=tuple(SEVERITY_TINTS.get(g.note) for g in comp.gaps[:SHOWN_GAPS])))
        _more(w, SHOWN_GAPS, comp.gaps)
    else:
        w.add(Para(w.t("findings.no_gaps")))
    if comp.disagreements:
        w.add(Heading(w.t("h.disagreements"), 3))
        w.add(Bullets(tuple((w.label(_cited(d)),
                             w.t("fmt.sentence", text=d.note)
                             + w.label(w.s("summary.col.settled"))
                             + aside(d.evidence, w.s(f"summary.basis.{d.basis}"), w.report.lang))
                            for d in comp.disagreements[:SHOWN_DISAGREEMENTS])))
        _more(w, SHOWN_DISAGREEMENTS, comp.disagreements)
    stats = comp.statistics
    if stats is not None and stats.years:
        w.add(Heading(w.t("h.statistics"), 3))
        rows = tuple((row.indicator, *(number(v, w.report.lang) + ("*" if d else "")
                                       for v, d in zip(row.values, row.disputed, strict=True)))
                     for row in stats.rows)
        w.add(Table((w.s("summary.col.indicator"), *(str(y) for y in stats.years)), rows,
                    numeric=frozenset(range(1, len(stats.years) + 1))))
        if any(any(row.disputed) for row in stats.rows):
            w.add(Para(w.t("findings.disputed"), style="note"))
        for line in stats.sources:
            w.add(Para(line, style="note"))


# -- recommendations ------------------------------------------------------------------------------
def recommendations(w: _Writer) -> None:
    r = w.report
    w.add(PageBreak())
    w.add(Heading(w.t("h.recommendations"), 1))
    if not r.recommendations:
        w.add(Para(w.t("no_recommendations")))
        return
    some = len(r.recommendations) > DETAILED_RECOMMENDATIONS  # else all are described in full
    w.add(Para(w.t("rec.intro" if some else "rec.intro.all", count=len(r.recommendations))))
    w.add(Heading(w.t("h.priority_recs" if some else "h.all_recs"), 2))
    for rec in r.recommendations[:DETAILED_RECOMMENDATIONS]:
        w.add(Heading(f"{rec.rank}. {rec.title}", 3))
        w.add(Para(_rec_line(w, rec), lead=w.t("fmt.sentence", text=rec.component)))
        w.add(Bullets(tuple(("", a) for a in rec.actions)))
        details = [
            (w.label(w.s("summary.col.responsible")), w.items(rec.responsible) or w.t("to_agree")),
            (w.label(w.t("rec.partners")), w.items(rec.partners) or w.t("rec.no_partners")),
            (w.label(w.t("rec.first")), w.codes(rec.first) or w.t("rec.nothing")),
            (w.label(w.s("summary.col.support")), rec.evidence),
            (w.label(w.s("summary.col.assistance")),  # kinds of help, not names: lower case
             w.items(after_colon(a, r.lang) for a in rec.assistance)),
            (w.label(w.s("summary.col.package")),
             aside(rec.id, f"{w.s('summary.col.score')} {number_text(rec.score, r.lang)}",
                   r.lang)),
            (w.label(w.t("rec.questions")), w.codes(rec.question_ids)),
        ]
        w.add(Bullets(tuple(details)))
    w.add(PageBreak(landscape=True))  # seven columns: a portrait page left each a word a line
    w.add(Heading(w.t("h.matrix"), 2))
    w.add(Table(
        (w.s("summary.col.rank"), w.t("col.recommendation"), w.t("col.priority"),
         w.s("summary.col.responsible"), w.t("rec.partners"), w.s("summary.col.phase"),
         w.t("rec.first")),
        tuple((str(rec.rank),
               f"{rec.id} {aside(rec.title, rec.component, r.lang)} [{w.codes(rec.question_ids)}]",
               _severity(w, rec.priority), w.items(rec.responsible) or w.t("to_agree"),
               w.items(rec.partners), _timeframe(w, rec),
               w.codes(rec.first))
              for rec in r.recommendations),
        numeric=frozenset({0}),
        shade=tuple(None for _ in r.recommendations)))


# -- annexes --------------------------------------------------------------------------------------
def annexes(w: _Writer) -> None:
    r = w.report
    w.add(PageBreak())
    w.add(Heading(w.t("h.annexes"), 1))
    w.add(Heading(w.t("h.annex_institutions"), 2))
    w.add(Para(w.t("annex.institutions")))
    w.add(Table((w.s("summary.col.kind"), w.s("summary.col.institution"),
                 w.t("col.components")),
                tuple((i.kind, i.name, str(i.components)) for i in r.institutions),
                numeric=frozenset({2})))
    w.add(Heading(w.t("h.annex_documents"), 2))
    w.add(Para(w.t("annex.documents")))
    for title, documents in r.documents:
        w.add(Para("", lead=title))
        w.add(Bullets(tuple(("", d) for d in documents)))
    w.add(Heading(w.t("h.annex_decisions"), 2))
    # the decisions applied, for the reader of the report; those the resolutions file held that
    # matched nothing are the assessor's to mend (the summary's Audit sheet says why), not the
    # ministry's to read as rows marked "no"
    applied = [d for d in r.decisions if d.applied]
    if applied:
        w.add(Table((w.s("summary.col.decision_kind"), w.s("summary.col.target"),
                     w.s("summary.col.value"), w.s("summary.col.reason"),
                     w.s("summary.col.decided_by"), w.s("summary.col.decided_on")),
                    tuple((w.s(f"summary.decision.{d.kind}"), d.target, d.value, d.reason,
                           d.decided_by, d.decided_on) for d in applied)))
    elif not r.decisions:
        w.add(Para(w.t("annex.no_decisions")))
    if len(applied) < len(r.decisions):
        w.add(Para(w.t("annex.not_applied", count=len(r.decisions) - len(applied),
                       sheet=w.s("summary.sheet.audit")), style="note"))
    w.add(Heading(w.t("h.annex_returns"), 2))
    w.add(Table((w.s("summary.col.file"), w.s("summary.col.institution"),
                 w.s("summary.col.language"), w.s("summary.col.status")),
                tuple((x.file, x.institution, x.language, x.status) for x in r.returns)))
    w.add(Heading(w.t("h.annex_remarks"), 2))
    intro = w.s("summary.remarks.intro" if r.remarks else "summary.remarks.none")
    listed = _in_turn(r.remarks, REPORT_REMARKS)
    if len(r.remarks) > len(listed):
        intro += " " + w.s("summary.remarks.partial", shown=grouped_text(len(listed), r.lang),
                           total=grouped_text(len(r.remarks), r.lang))
    elif any(len(text) > REMARK_CHARS for *_, text in listed):
        intro += " " + w.t("annex.remarks_cut")
    w.add(Para(intro))
    if listed:
        w.add(Table((w.s("summary.col.institution"), w.s("summary.col.question_id"),
                     w.s("summary.col.place"), w.s("summary.col.remark")),
                    tuple((who, qid, left_to_right(place, r.lang),
                           as_typed(_shortened(text), r.lang))
                          for who, qid, place, text in listed)))


#: Remarks the report lists at most, and the characters of each (the rest are in remarks.csv).
REPORT_REMARKS = 200
REMARK_CHARS = 600


def _in_turn(remarks: tuple[tuple[str, str, str, str], ...], limit: int
             ) -> list[tuple[str, str, str, str]]:
    """At most ``limit`` remarks, each institution's in turn (one's pasted register would
    otherwise fill the annex and hide every other's), each institution's in its order."""
    if len(remarks) <= limit:
        return list(remarks)
    by_who: dict[str, list[int]] = {}
    for index, remark in enumerate(remarks):
        by_who.setdefault(remark[0], []).append(index)
    chosen: set[int] = set()
    depth = 0
    while len(chosen) < limit:
        for indices in by_who.values():
            if depth < len(indices) and len(chosen) < limit:
                chosen.add(indices[depth])
        depth += 1
    return [remarks[index] for index in sorted(chosen)]


def _shortened(text: str) -> str:
    """A remark cut after ``REMARK_CHARS`` characters, at a word's end where one is near, with
    an ellipsis."""
    if len(text) <= REMARK_CHARS:
        return text
    cut = text[:REMARK_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space >= REMARK_CHARS - 100 else cut) + "…"

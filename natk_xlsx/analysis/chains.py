"""Figures and justice chains: one unit per chain (victims, cases, persons), several years side by
side, the lag between stages stated, and where sources disagree the source chosen and the rule
that chose it. No I/O here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from natk_xlsx.analysis.respondents import Respondent
from natk_xlsx.analysis.settle import authoritative_kinds
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import lower_first, tr, without_marks
from natk_xlsx.spec.conditions import is_mapping, numeric_value
from natk_xlsx.spec.model import Question, Toolkit

#: Each chain counts one unit from stage to stage; a ratio is only taken within one chain.
CHAINS: Mapping[str, tuple[str, ...]] = {
    "victims": ("victims_identified", "victims_referred", "victims_assisted",
                "victims_compensated"),
    "cases": ("investigations_opened", "cases_referred", "cases_decided"),
    "persons": ("suspects_identified", "suspects_arrested", "persons_prosecuted", "convictions"),
}
RELIABILITY_ORDER = {"high": 0, "medium": 1, "low": 2}

# Which rule chose the figure shown (a code; the summary shows its label).
ONLY_SOURCE = "only_source"
AGREE = "agree"
AUTHORITATIVE = "authoritative"
MAJORITY = "majority"
MOST_RELIABLE = "most_reliable"
TIED = "tied"
TIED_BY_NAME = "tied_by_name"
RESOLVED = "resolved"


@dataclass
class Report:
    respondent: Respondent
    question: str
    value: float
    reliability: str | None


@dataclass
class Figure:
    """One indicator in one year as each respondent reported it, and the figure retained."""

    indicator: str
    year: int
    reports: list[Report]
    resolved: float | None = None
    resolution: str | None = None
    chosen: Report | None = None
    rule: str = ONLY_SOURCE

    @property
    def values(self) -> list[float]:
        return [r.value for r in self.reports]

    @property
    def disagree(self) -> bool:
        return len(set(self.values)) > 1

    @property
    def consolidated(self) -> float | None:
        if self.resolved is not None:
            return self.resolved
        return self.chosen.value if self.chosen else None


def indicator_label(toolkit: Toolkit, indicator: str, lang: str) -> str:
    """An indicator's label, with the column its figure is where the table's columns do not
    add up to a total ("Mutual legal assistance requests (sent)": the figure is the first
    column's, ``chains.table_total``, not a sum of requests sent, received and refused)."""
    label = toolkit.vocabulary_label("indicators", indicator, lang)
    for q in toolkit.questions():
        if q.indicator == indicator and q.breakdown:
            breakdown = toolkit.breakdowns[q.breakdown]
            if not breakdown.additive and breakdown.columns:
                column = tr(breakdown.columns[0].label, lang)
                if lang in _LOWER_IN_BRACKETS:
                    column = lower_first(column)
                return ui("summary.indicator_column", lang, indicator=label, column=column)
            break
    return label


#: Languages whose column name is set in lower case after an indicator ("(sent)"); Russian
#: quotes it as it stands, its short form not agreeing with every indicator's noun.
_LOWER_IN_BRACKETS = frozenset({"en", "fr", "es"})


def table_total(toolkit: Toolkit, q: Question, table: Mapping[str, Any], year: str
                ) -> float | None:
    """A respondent's figure for one year: the sum over an additive breakdown, else the first
    column (e.g. requests sent)."""
    row = table.get(year)
    if not is_mapping(row):
        return None
    assert q.breakdown is not None
    breakdown = toolkit.breakdowns[q.breakdown]
    if breakdown.additive:
        return numeric_value({year: row})
    first = row.get(breakdown.codes[0])
    return float(first) if isinstance(first, int | float) else None


def _choose(toolkit: Toolkit, fig: Figure) -> None:
    """The figure retained: the one every source gives; else the authoritative respondent's;
    else the one most sources give, when two or more give it and no other as many; else the
    most reliable (by the respondent's own rating), the one most of them give when they
    differ. Where the most reliable sources still disagree nothing in the returns chooses: the
    return completed first is shown, else the institution first by name among those the dates
    do not tell apart (completed the same first day; all of them when one is undated), never
    the order the files were read in; the rule says which."""
    if len(fig.reports) == 1 or not fig.disagree:
        fig.chosen, fig.rule = fig.reports[0], ONLY_SOURCE if len(fig.reports) == 1 else AGREE
        return
    authoritative = [r for r in fig.reports
                     if r.respondent.kind in authoritative_kinds(toolkit,
                                                                 toolkit.question(r.question))]
    if len(authoritative) == 1:
        fig.chosen, fig.rule = authoritative[0], AUTHORITATIVE
        return
    pool = authoritative or fig.reports
    agreed = _most_given(pool)
    if agreed is not None:  # sources that agree, one aside
        fig.chosen, fig.rule = next(r for r in pool if r.value == agreed), MAJORITY
        return
    best = min(_reliability(r) for r in pool)
    rated = sorted((r for r in pool if _reliability(r) == best), key=_by_name)
    agreed = rated[0].value if len({r.value for r in rated}) == 1 else _most_given(rated)
    if agreed is not None:
        fig.chosen, fig.rule = next(r for r in rated if r.value == agreed), MOST_RELIABLE
        return
    dates = [r.respondent.completion_date or "" for r in rated]
    # the returns completed first (all of them when one has no date: the dates do not tell)
    first = [r for r, date in zip(rated, dates, strict=True) if date == min(dates)] \
        if all(dates) else rated
    fig.chosen, fig.rule = first[0], TIED if len(first) == 1 else TIED_BY_NAME


def _most_given(reports: Sequence[Report]) -> float | None:
    """The figure two or more of ``reports`` give and no other figure as many; else None."""
    (top, given), *others = Counter(r.value for r in reports).most_common()
    return top if given >= 2 and (not others or others[0][1] < given) else None


def _reliability(report: Report) -> int:
    return RELIABILITY_ORDER.get(report.reliability or "", 3)


def _by_name(report: Report) -> tuple[str, float]:
    """The institution's name in the order of the alphabet ("Église" beside "Eglise", not after
    "Z"), then the figure."""
    return without_marks(report.respondent.institution.casefold()), report.value


def collect_figures(toolkit: Toolkit, respondents: Sequence[Respondent]
                    ) -> dict[str, dict[int, Figure]]:
    """Per indicator and year, the figure each respondent gave (one table per respondent and
    indicator: the first that has the year, so that the same count broken down two ways is not
    added up), and the figure retained."""
    index = {q.id: q for q in toolkit.questions()}
    figures: dict[str, dict[int, Figure]] = defaultdict(dict)
    for r in respondents:
        used: set[tuple[str, int]] = set()
        for qid, value in r.answers.items():
            q = index.get(qid)
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
                fig.reports.append(Report(r, qid, total, reliability))
    for per_year in figures.values():
        for fig in per_year.values():
            _choose(toolkit, fig)
    return dict(figures)


@dataclass
class Step:
    """One stage of a chain in one year, compared with the stage before it ``lag`` years
    earlier."""

    indicator: str
    year: int
    value: float | None
    previous: float | None
    ratio: float | None


#: The chain other outputs (the draft report) show: persons, one unit from suspect to conviction.
CHAIN = CHAINS["persons"]


def attrition(figures: Mapping[str, Mapping[int, Figure]], years: Iterable[int]
              ) -> list[tuple[int, list[float | None], list[float | None]]]:
    """Per year: the values of ``CHAIN`` and each stage as a share of the one before (same
    year)."""
    out = []
    for year in years:
        found = [figures.get(ind, {}).get(year) for ind in CHAIN]
        values = [fig.consolidated if fig is not None else None for fig in found]
        ratios: list[float | None] = [None]
        for prev, cur in pairwise(values):
            ratios.append(cur / prev if prev and cur is not None else None)
        out.append((year, values, ratios))
    return out


def marked(ratio: float | None, alert: float) -> bool:
    """Whether a stage's share of the stage before deserves attention: under ``alert`` (cases
    lost along the chain), or over 100% (a stage counting more than the one before it, which
    usually means the two count differently or the earlier figure is incomplete)."""
    return ratio is not None and (ratio < alert or ratio > 1.0)


def chain_steps(figures: Mapping[str, Mapping[int, Figure]], chain: str, years: Iterable[int],
                lag: int) -> list[list[Step]]:
    """Rows of steps, one row per stage of ``chain`` that has figures, one step per year."""
    stages = [s for s in CHAINS[chain] if s in figures]
    rows = []
    for k, stage in enumerate(stages):
        row = []
        for year in years:
            fig = figures[stage].get(year)
            value = fig.consolidated if fig else None
            previous = None
            if k:
                before = figures[stages[k - 1]].get(year - lag)
                previous = before.consolidated if before else None
            ratio = value / previous if value is not None and previous else None
            row.append(Step(stage, year, value, previous, ratio))
        rows.append(row)
    return rows

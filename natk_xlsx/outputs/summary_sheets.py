"""The summary's reference sheets: Scorecard, Justice chains, Assistance map, Conflicts,
Responses, Sources, Audit (written into the workbook ``summary`` opens)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from xlsxwriter.worksheet import Worksheet

from natk_xlsx.analysis.chains import CHAINS, chain_steps, marked
from natk_xlsx.analysis.consolidate import Consolidation, scorecard
from natk_xlsx.analysis.decisions import Decision
from natk_xlsx.analysis.respondents import Respondent
from natk_xlsx.i18n.languages import (
    as_typed,
    grouped_text,
    join_codes,
    join_items,
    join_parts,
    join_said,
    join_sentences,
    labelled,
    left_to_right,
    names_said,
    number_text,
    share_text,
    tr,
)
from natk_xlsx.outputs.sheetkit import (
    MAX_LINES,
    SEVERITY_COLOURS,
    Out,
    answer_text,
    settled_text,
    source_line,
    who_said,
)
from natk_xlsx.spec.model import SEVERITIES, Question, Toolkit


# -- Scorecard -----------------------------------------------------------------------------
def _scorecard_labels(o: Out, keys: Sequence[str]) -> list[str]:
    return [o.vocab("severities", k) if k in SEVERITIES else o.ui(f"summary.col.{k}")
            for k in keys]


#: The Scorecard's columns: how far each component was answered, its open needs by severity
#: (the first of them at ``SEVERITY_COLUMN``), the questions its readiness is scored on and its
#: readiness.
SCORECARD_KEYS = ("component", "asked", "answered", "unknown", "perception", *SEVERITIES,
                  "scored", "readiness", "perception_ids")
SEVERITY_COLUMN = SCORECARD_KEYS.index(SEVERITIES[0])


def write_scorecard(o: Out) -> list[dict[str, Any]]:
    keys = SCORECARD_KEYS
    base = (34, 10, 10, 12, 12, 10, 10, 10, 10, 11, 11, 30)
    ws, widths = o.sheet("scorecard", base, _scorecard_labels(o, keys))
    rows = scorecard(o.c)
    o.s(ws, 0, 0, o.ui("summary.sheet.scorecard"), o.title)
    w = o.c.weights
    scored = o.ui("summary.scorecard.scored", count=w.readiness_min_questions,
                  share=round(100 * w.readiness_min_share))
    o.note_row(ws, 1, join_sentences((o.ui("summary.scorecard.note"), scored), o.lang),
               len(keys) - 1, widths)
    head = 3
    labels = _scorecard_labels(o, keys)
    o.headers(ws, head, labels, widths)
    for i, row in enumerate(rows, start=head + 1):
        # the questions resting on perceptions by id: what a decision (--resolutions) names
        o.row(ws, i, [tr(row["component"].title, o.lang), *(row[k] for k in keys[1:-1]),
                      join_codes(row["perception_ids"], o.lang)], widths,
              max_lines=max(MAX_LINES, len(row["perception_ids"])))  # every id, never cut
    last = head + len(rows)
    if rows:
        sheet = ws.get_name()
        chart = o.wb.add_chart({"type": "bar", "subtype": "stacked"})
        for col, severity in enumerate(SEVERITIES, start=SEVERITY_COLUMN):
            chart.add_series({
                "name": [sheet, head, col],
                "categories": [sheet, head + 1, 0, last, 0],
                "values": [sheet, head + 1, col, last, col],
                "fill": {"color": SEVERITY_COLOURS[severity]},
            })
        chart.set_title({"name": o.ui("summary.chart.gaps")})
        # every component named (Arabic and Chinese labels are taller: without a fixed
        # interval, a spreadsheet shows only every other one)
        chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 8},
                          **({"crossing": "max"} if o.rtl else {})})
        if o.rtl:  # bars grow from the right, as the sheet reads
            chart.set_x_axis({"reverse": True})
        # each chart whole on one printed page: the two large ones on the page after the
        # table, the small ones three rows of three a page (charts stay within the columns,
        # so they print at the sheet's scale)
        charts = last + 2
        chart.set_size({"width": 600, "height": LARGE_CHART_ROWS * ROW_PX})
        ws.insert_chart(charts + 1, 0, chart)  # a row below the break: no border on the page above
        radar = o.wb.add_chart({"type": "radar", "subtype": "filled"})
        ready = keys.index("readiness")
        radar.add_series({"name": [sheet, head, ready], "categories": [sheet, head + 1, 0, last, 0],
                          "values": [sheet, head + 1, ready, last, ready],
                          "fill": {"color": "#4472C4", "transparency": 40}})
        radar.set_title({"name": o.ui("summary.chart.readiness")})
        radar.set_y_axis({"min": 0, "max": 100})
        radar.set_size({"width": 600, "height": LARGE_CHART_ROWS * ROW_PX})
        ws.insert_chart(charts + LARGE_CHART_ROWS + 2, 0, radar)
        small = charts + PAGE_ROWS
        breaks = [charts, small]
        breaks += _component_charts(o, ws, rows, head, small)
        ws.set_h_pagebreaks(breaks)
    return rows


#: Rows below the table keep the default height (15 pt, 20 px); a landscape A4 page holds 33 of
#: them at 100 % (508 pt between the margins), more at the fitted scale.
ROW_PX = 20
PAGE_ROWS = 33
LARGE_CHART_ROWS = 15
SMALL_CHART_ROWS = 9


def _component_charts(o: Out, ws: Worksheet, rows: list[dict[str, Any]], head: int,
                      top: int) -> list[int]:
    """One small bar chart per component (its open needs by severity), three in a row, three
    rows a page; the rows where a new page starts."""
    sheet = ws.get_name()
    per_page = PAGE_ROWS // (SMALL_CHART_ROWS + 1)
    breaks = []
    # one scale for all, in whole needs, so that the components compare at a glance
    top_count = max([1, *(row[sev] for row in rows for sev in SEVERITIES)])
    step = max(1, math.ceil(top_count / 5))
    top_count = step * math.ceil(top_count / step)
    last_severity = SEVERITY_COLUMN + len(SEVERITIES) - 1
    for i, row in enumerate(rows):
        r = head + 1 + i
        chart = o.wb.add_chart({"type": "column"})
        chart.add_series({
            "name": [sheet, r, 0],
            "categories": [sheet, head, SEVERITY_COLUMN, head, last_severity],
            "values": [sheet, r, SEVERITY_COLUMN, r, last_severity],
            "points": [{"fill": {"color": SEVERITY_COLOURS[sev]}} for sev in SEVERITIES],
        })
        chart.set_title({"name": tr(row["component"].title, o.lang),
                         "name_font": {"size": 10}})
        chart.set_legend({"none": True})
        chart.set_y_axis({"min": 0, "max": top_count, "major_unit": step,
                          "major_gridlines": {"visible": False}})
        if o.rtl:  # critical to low from right to left, as the table reads, the scale on the right
            chart.set_x_axis({"reverse": True, "crossing": "max"})
        chart.set_size({"width": 260, "height": SMALL_CHART_ROWS * ROW_PX})
        line = i // 3
        page, place = divmod(line, per_page)
        at = top + page * PAGE_ROWS + place * (SMALL_CHART_ROWS + 1)
        if place == 0 and page:
            breaks.append(at)
        ws.insert_chart(at + 1, 0, chart, {"x_offset": (i % 3) * 270})
    return breaks


# -- Justice chains ------------------------------------------------------------------------
def write_chains(o: Out) -> None:
    c = o.c
    years = sorted({y for per in c.figures.values() for y in per} | set(o.tk.years()))
    ws, widths = o.sheet("chain", [44.0] + [10.0] * len(years))
    lag = c.weights.chain_lag_years
    o.s(ws, 0, 0, o.ui("summary.sheet.chain"), o.title)
    note = join_sentences([o.ui("summary.chain.note", count=lag,
                                alert=share_text(c.weights.attrition_alert, o.lang)),
                           o.ui("summary.chain.over")], o.lang)
    o.note_row(ws, 1, note, len(widths) - 1, widths)
    row = 3
    for chain in CHAINS:
        steps = chain_steps(c.figures, chain, years, lag)
        if not steps:
            continue
        o.s(ws, row, 0, o.ui(f"summary.chain.{chain}"), o.subtitle)
        row += 1
        # a year stands over its figures, right-aligned
        o.headers(ws, row, [o.ui("summary.col.indicator")] + [str(y) for y in years], widths,
                  [None] + [o.header_figure] * len(years))
        for stage_row in steps:
            row += 1
            o.row(ws, row, [o.vocab("indicators", stage_row[0].indicator)], widths)
            for j, step in enumerate(stage_row, start=1):
                fig = c.figures[step.indicator].get(step.year)
                o.n(ws, row, j, step.value, o.flag if fig is not None and fig.disagree
                    else o.number)
        for k in range(1, len(steps)):
            row += 1
            label = o.ui("summary.chain.attrition_lag", stage=o.vocab("indicators",
                                                                  steps[k][0].indicator),
                         previous=o.vocab("indicators", steps[k - 1][0].indicator), count=lag)
            o.row(ws, row, [label], widths)
            for j, step in enumerate(steps[k], start=1):
                o.n(ws, row, j, step.ratio,
                    o.alert if marked(step.ratio, c.weights.attrition_alert) else o.percent)
        row += 2
    _figure_sources(o, ws, row, widths)


def _figure_sources(o: Out, ws: Worksheet, row: int, widths: Sequence[float]) -> None:
    """Where sources disagree: who said what, the figure retained and the rule that chose it,
    one line each across the sheet."""
    disputed = [f for per in o.c.figures.values() for f in per.values() if f.disagree]
    if not disputed:
        return
    o.s(ws, row, 0, o.ui("summary.chain.sources"), o.subtitle)
    for f in sorted(disputed, key=lambda f: (f.indicator, f.year)):
        row += 1
        o.note_row(ws, row, source_line(o.c, f, o.lang), len(widths) - 1, widths)


# -- Assistance map ------------------------------------------------------------------------
def write_map(o: Out) -> None:
    keys = ("package", "priority", "assistance", "partners", "coverage", "who_said")
    base = (30, 9, 22, 22, 22, 28)
    ws, widths = o.sheet("map", base, o.cols(keys), severity_col=1)
    packages = o.c.open_packages
    none = [p for p in packages if not p.providers]
    several = [p for p in packages if len(p.providers) > 1]
    o.s(ws, 0, 0, o.ui("summary.sheet.map"), o.title)
    o.note_row(ws, 1, o.ui("summary.map.note"), len(keys) - 1, widths)
    o.note_row(ws, 2, o.ui("summary.map.counts", none=len(none), several=len(several),
                           total=len(packages)), len(keys) - 1, widths)
    head = 4
    labels = o.cols(keys)
    o.headers(ws, head, labels, widths)
    row = head
    for p in packages:
        row += 1
        coverage = ("summary.coverage.none" if not p.providers else "summary.coverage.one"
                    if len(p.providers) == 1 else "summary.coverage.several")
        named: dict[str, list[str]] = {}  # each institution once, with every partner it named
        for who, provider in p.provider_sources:
            named.setdefault(who, []).append(provider or "?")
        sources = names_said((([who], join_items(providers, o.lang))
                              for who, providers in named.items()), o.lang)
        o.row(ws, row, [f"{p.id} {tr(p.title, o.lang)}", o.vocab("severities", p.severity),
                        join_items((o.vocab("assistance", a) for a in p.assistance), o.lang),
                        join_items(p.providers, o.lang), o.ui(coverage), sources], widths,
              [None, o.severity[p.severity], None, None, None, None])
    o.table(ws, head, row - head, labels, "AssistanceMap")
    ws.freeze_panes(head + 1, 1)


# -- Conflicts -----------------------------------------------------------------------------
def write_conflicts(o: Out) -> None:
    keys = ("question_id", "question", "strength", "who_said", "resolved")
    base = (9, 40, 12, 44, 28)
    ws, widths = o.sheet("conflicts", base, o.cols(keys),
                         words={2: o.labels("summary.strength", ("opposite", "partial"))})
    o.s(ws, 0, 0, o.ui("summary.sheet.conflicts"), o.title)
    o.note_row(ws, 1, o.ui("summary.conflicts.note"), len(keys) - 1, widths)
    head = 3
    labels = o.cols(keys)
    o.headers(ws, head, labels, widths)
    row = head
    for s in o.c.conflicts:
        row += 1
        o.row(ws, row, [s.question.id, o.question(s.question),
                        o.ui(f"summary.strength.{s.strength}"), who_said(o, s),
                        settled_text(o, s)], widths)
    o.table(ws, head, row - head, labels, "Conflicts")
    ws.freeze_panes(head + 1, 1)


# -- Responses, Sources, Audit --------------------------------------------------------------
#: The Responses sheet's columns: keys of ``response_records`` (labels where a code has one;
#: the workbook id and the "provided" answer are in responses.csv and the JSON).
RESPONSE_KEYS = ("institution", "kind_label", "component_label", "question_id", "question",
                 "value_label", "comment", "evidence_source", "priority_label", "provider")
RESPONSE_WIDTHS = (14, 12, 11, 8, 24, 14, 16, 13, 10, 12)
#: Their header labels (``summary.col.<key>``).
RESPONSE_LABELS = ("institution", "kind", "component", "question_id", "question", "value_label",
                   "comment", "evidence_source", "priority_label", "provider")
#: Every key of a response record, codes beside their labels (responses.csv, the JSON).
RESPONSE_FIELDS = ("workbook_id", "institution", "kind", "kind_label", "component",
                   "component_label", "question_id", "question", "value", "value_label",
                   "comment", "evidence_source", "priority", "priority_label", "provided",
                   "provided_label", "provider")


def code_text(value: Any) -> str:
    """An answer as the CSV holds it: a code, codes parted by semicolons, a number, or a
    table as JSON."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


#: The Responses sheet holds at most this many answers (about 70 complete returns): a sheet
#: serves browsing and filtering; every answer is in the CSV beside the summary, so the sheet can
#: never pass a spreadsheet's row limit (1,048,576) nor make the summary slow to open.
RESPONSE_SHEET_ROWS = 20_000


def _answered(tk: Toolkit, respondents: Iterable[Respondent]
              ) -> Iterator[tuple[Respondent, Question, Any, Mapping[str, Any]]]:
    """Every answer of every respondent: (respondent, question, value, details)."""
    for r in respondents:
        for qid in r.asked:
            value = r.answers.get(qid)
            d = r.details.get(qid) or {}
            if value is None and not d:
                continue
            try:
                q = tk.question(qid)
            except KeyError:
                continue
            yield r, q, value, d


def response_count(c: Consolidation) -> int:
    return sum(1 for _ in _answered(c.toolkit, c.respondents))


def response_records(c: Consolidation, lang: str) -> Iterator[dict[str, Any]]:
    """Every answer of every respondent, with codes and labels, keyed by ``RESPONSE_FIELDS``
    (one at a time: at 1,000 returns they are over 250,000), for JSON: the answer as the
    submission holds it (a code, a list of codes, a number, a table), null where a field is
    empty."""
    for row in response_rows(c.toolkit, c.respondents, lang, typed=True):
        yield json_row(RESPONSE_FIELDS, row)


def json_row(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    """A row of a CSV twin as its JSON has it: keyed by ``columns``, null where the CSV leaves
    a field empty."""
    return {key: None if value == "" else value for key, value in zip(columns, row, strict=True)}


def response_rows(tk: Toolkit, respondents: Iterable[Respondent], lang: str,
                  typed: bool = False) -> Iterator[tuple[Any, ...]]:
    """``response_records`` as rows of the ``RESPONSE_FIELDS`` in order (the CSV's rows,
    without a dictionary built for each of hundreds of thousands; each answer as text,
    ``code_text``, unless ``typed``). They need only who answered (``consolidate.gather``), so
    they can be written while the answers are consolidated."""
    kinds: dict[str | None, str] = {}
    components = {comp.id: tr(comp.title, lang) for comp in tk.components}
    questions: dict[str, str] = {}
    labels: dict[tuple[str, Any], str] = {}  # the few answers that repeat, labelled once
    priorities, yes_no = tk.choice_lists["priority"], tk.choice_lists["yes_no"]
    for r, q, value, d in _answered(tk, respondents):
        if r.kind not in kinds:
            kinds[r.kind] = tk.vocabulary_label("respondent_kinds", r.kind, lang) if r.kind else ""
        if q.id not in questions:
            questions[q.id] = tr(q.text, lang)
        # one answer a row: its items apart as the codes are (labels may hold commas, so a
        # list is split by semicolons, as in ``value``)
        if type(value) is str or (type(value) is list and all(type(v) is str for v in value)):
            key = (q.id, value if type(value) is str else tuple(value))
            label = labels.get(key)
            if label is None:
                label = labels[key] = answer_text(tk, q, value, lang, join_parts)
        else:
            label = answer_text(tk, q, value, lang, join_parts)
        priority = str(d.get("priority") or "")
        provided = str(d.get("provided") or "")
        yield (r.key, r.institution, r.kind or "", kinds[r.kind], q.component,
               components[q.component], q.id, questions[q.id],
               value if typed else code_text(value), label,
               str(d.get("comment") or ""), str(d.get("evidence") or ""), priority,
               priorities.label(priority, lang) if priority else "", provided,
               yes_no.label(provided, lang) if provided in ("yes", "no", "dont_know")
               else provided, str(d.get("provider") or ""))


def write_responses(o: Out, csv_name: str | None = None) -> None:
    """Answers, one row each (the one function that writes the sheet): all of them up to
    ``RESPONSE_SHEET_ROWS``; past that the first ones, under a note that names ``csv_name``,
    the CSV beside the summary that holds every answer."""
    labels = o.cols(RESPONSE_LABELS)
    ws, widths = o.sheet("responses", RESPONSE_WIDTHS, labels)
    total = response_count(o.c)
    head = 0
    if total > RESPONSE_SHEET_ROWS:
        o.note_row(ws, 0, o.ui("summary.responses.partial", shown=f"{RESPONSE_SHEET_ROWS:,}",
                               total=f"{total:,}", file=csv_name or "responses.csv"),
                   len(labels) - 1, widths)
        head = 1
    o.headers(ws, head, labels, widths)
    rows = 0
    for record in islice(response_records(o.c, o.lang), RESPONSE_SHEET_ROWS):
        rows += 1
        o.row(ws, head + rows, [record[k] for k in RESPONSE_KEYS], widths)
    o.table(ws, head, rows, labels, "Responses")
    ws.freeze_panes(head + 1, 0)


REMARK_KEYS = ("institution", "question_id", "question", "place", "remark")
REMARK_WIDTHS = (18, 12, 30, 16, 48)
#: Lines a remark may take in its row: a remark is read whole where it can be.
REMARK_LINES = 25


def write_remarks(o: Out) -> None:
    """What the institutions wrote outside the answer cells (a note on a cell, a remark beside
    a question, a sheet added): kept by the reader, and here to be read, under a note that says
    what it is; the first ``RESPONSE_SHEET_ROWS`` of them."""
    labels = o.cols(REMARK_KEYS)
    ws, widths = o.sheet("remarks", REMARK_WIDTHS, labels)
    remarks = [(r, *remark) for r in o.c.respondents for remark in r.remarks]
    intro = o.ui("summary.remarks.intro" if remarks else "summary.remarks.none")
    if len(remarks) > RESPONSE_SHEET_ROWS:
        intro += " " + o.ui("summary.remarks.partial",
                            shown=grouped_text(RESPONSE_SHEET_ROWS, o.lang),
                            total=grouped_text(len(remarks), o.lang))
    o.note_row(ws, 0, intro, len(labels) - 1, widths)
    o.headers(ws, 1, labels, widths)
    rows = 0
    for r, sheet, cell, qid, text in remarks[:RESPONSE_SHEET_ROWS]:
        rows += 1
        o.row(ws, 1 + rows, [r.institution, qid or "", _question_text(o, qid),
                             left_to_right(f"{sheet}!{cell}", o.lang), as_typed(text, o.lang)],
              widths, max_lines=REMARK_LINES)
    o.table(ws, 1, rows, labels, "Remarks")
    ws.freeze_panes(2, 0)


def _question_text(o: Out, qid: str | None) -> str:
    try:
        return o.question(o.tk.question(qid)) if qid else ""
    except KeyError:  # a question of another edition
        return ""


def write_sources(o: Out, sources: Sequence[dict[str, Any]]) -> None:
    keys = ("file", "workbook", "institution", "kind", "language", "version", "answers_count",
            "errors", "status")
    base = (24, 20, 18, 14, 8, 8, 8, 7, 29)
    ws, widths = o.sheet("sources", base, o.cols(keys))
    labels = o.cols(keys)
    o.headers(ws, 0, labels, widths)
    for i, src in enumerate(sources, start=1):
        values = [src.get(k) for k in keys]
        values[0] = left_to_right(str(values[0] or ""), o.lang)  # a path: whole, in its order
        values[3] = o.vocab("respondent_kinds", str(values[3])) if values[3] else ""
        o.row(ws, i, ["" if v is None else v for v in values], widths)
    o.table(ws, 0, len(sources), labels, "Sources")


def _original(o: Out, d: Decision) -> str:
    """What a decision replaced, in the summary's language: each institution's answer or
    figure, or each need's severity, as the other sheets say them (not the codes)."""
    q = o.tk.question(d.target) if d.kind == "answer" and d.original else None  # applied

    def shown(value: Any) -> str:
        if d.kind == "need" and value in SEVERITIES:
            return o.vocab("severities", value)
        if d.kind == "figure" and isinstance(value, int | float):
            return number_text(value, o.lang)
        return o.answer(q, value) if q is not None else str(value)

    return join_said((labelled(who, shown(value), o.lang) for who, value in d.original), o.lang)


def write_audit(o: Out) -> None:
    keys = ("decision_kind", "target", "year", "value", "reason", "decided_by", "decided_on",
            "applied", "original", "note")
    base = (9, 9, 6, 12, 24, 12, 10, 8, 26, 20)
    ws, widths = o.sheet("audit", base, o.cols(keys))
    labels = o.cols(keys)
    o.headers(ws, 0, labels, widths)
    for i, d in enumerate(o.c.decisions, start=1):
        o.row(ws, i, [o.ui(f"summary.decision.{d.kind}"), d.target,
                      "" if d.year is None else str(d.year), "" if d.value is None else str(d.value),
                      d.reason, d.decided_by, d.decided_on,
                      o.ui("summary.yes" if d.applied else "summary.no"), _original(o, d),
                      d.note], widths)
    o.table(ws, 0, len(o.c.decisions), labels, "Audit")
    if not o.c.decisions:  # say so, and how to record them, rather than print a bare header
        o.note_row(ws, 1, o.ui("summary.audit.none"), len(labels) - 1, widths)

"""Writing the needs summary workbook (xlsxwriter), and its JSON and CSV twins.

Respondent text is always written as a string (never a formula: ``=``, ``+``, ``-``, ``@`` stay
text) and codes keep their leading zeros.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from natk_xlsx import __version__
from natk_xlsx.analysis.consolidate import CHAIN, Consolidation, Need, attrition, scorecard
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import RTL_LANGUAGES, tr
from natk_xlsx.safeio import atomic_open, csv_writer
from natk_xlsx.spec.model import ASSISTANCE_TYPES, SEVERITIES, Question, Toolkit
from natk_xlsx.workbook.writer import DEFAULT_FONT, FONTS, WriterError, _check, _row_height

SEVERITY_COLOURS = {"critical": "#C00000", "high": "#ED7D31", "medium": "#FFC000",
                    "low": "#A9D08E"}


class _Out:
    """Helpers bound to one summary workbook and language."""

    def __init__(self, wb: xlsxwriter.Workbook, c: Consolidation, lang: str) -> None:
        self.wb, self.c, self.lang, self.tk = wb, c, lang, c.toolkit
        font = FONTS.get(lang, DEFAULT_FONT)
        base = {"font_name": font, "font_size": 10, "valign": "top"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 14, "font_color": "#1F3864"})
        self.note = wb.add_format({**base, "italic": True, "text_wrap": True,
                                   "font_color": "#404040"})
        self.wrap = wb.add_format({**base, "text_wrap": True})
        self.text = wb.add_format({**base, "num_format": "@"})
        self.header = wb.add_format({**base, "bold": True, "text_wrap": True, "bg_color": "#1F3864",
                                     "font_color": "#FFFFFF", "border": 1})
        self.number = wb.add_format({**base, "num_format": "#,##0"})
        self.decimal = wb.add_format({**base, "num_format": "0.0"})
        self.percent = wb.add_format({**base, "num_format": "0%"})
        self.flag = wb.add_format({**base, "num_format": "#,##0", "bg_color": "#FFEB9C"})
        self.input = wb.add_format({**base, "text_wrap": True, "bg_color": "#FFFFFF", "border": 1,
                                    "border_color": "#BFBFBF"})
        self.severity = {s: wb.add_format({**base, "bold": True, "font_color": "#FFFFFF"
                                           if s in ("critical", "high") else "#000000",
                                           "bg_color": colour})
                         for s, colour in SEVERITY_COLOURS.items()}

    def ui(self, key: str, **kw: Any) -> str:
        return ui(key, self.lang, **kw)

    def sheet(self, key: str) -> Worksheet:
        ws = self.wb.add_worksheet(self.ui(f"summary.sheet.{key}")[:31])
        if self.lang in RTL_LANGUAGES:
            ws.right_to_left()
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        return ws

    def s(self, ws: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Write respondent or spec text as a string, always."""
        text = "" if value is None else str(value)
        _check(ws.write_string(row, col, text[:32767], fmt or self.text), "summary text")

    def n(self, ws: Worksheet, row: int, col: int, value: float | None, fmt: Any = None) -> None:
        if value is None:
            _check(ws.write_blank(row, col, None, fmt), "summary blank")
        else:
            _check(ws.write_number(row, col, value, fmt or self.number), "summary number")

    def headers(self, ws: Worksheet, row: int, keys: Sequence[str], widths: Sequence[int]) -> None:
        for col, (key, width) in enumerate(zip(keys, widths, strict=True)):
            self.s(ws, row, col, self.ui(f"summary.col.{key}"), self.header)
            ws.set_column(col, col, width)

    def table(self, ws: Worksheet, first_row: int, rows: int, keys: Sequence[str],
              name: str) -> None:
        """Make the block an Excel table with filters (header row included)."""
        if rows == 0:
            return
        columns = [{"header": self.ui(f"summary.col.{k}")} for k in keys]
        seen: Counter[str] = Counter()
        for col in columns:  # table headers must be unique
            seen[col["header"]] += 1
            if seen[col["header"]] > 1:
                col["header"] += f" {seen[col['header']]}"
        _check(ws.add_table(first_row, 0, first_row + rows, len(keys) - 1, {
            "name": name, "columns": columns, "style": "Table Style Light 9",
            "autofilter": True, "header_row": True}), f"table {name}")

    # labels
    def question(self, q: Question) -> str:
        return tr(q.text, self.lang)

    def component(self, cid: str) -> str:
        return tr(self.tk.component(cid).title, self.lang)

    def vocab(self, name: str, code: str) -> str:
        return self.tk.vocabulary_label(name, code, self.lang)

    def answer(self, q: Question, value: Any) -> str:
        return answer_text(self.tk, q, value, self.lang)


def answer_text(toolkit: Toolkit, q: Question, value: Any, lang: str) -> str:
    """An answer as a person reads it, in ``lang``."""
    if value is None:
        return ""
    if q.type in ("yes_no", "single_choice") and isinstance(value, str):
        try:
            return toolkit.answer_label(q, value, lang)
        except (KeyError, AssertionError):
            return value
    if q.type == "multiple_choice" and isinstance(value, list):
        return "; ".join(toolkit.answer_label(q, v, lang) for v in value)
    if q.type == "stats_table" and isinstance(value, dict):
        parts = []
        for year, row in sorted(value.items()):
            if isinstance(row, dict):
                total = sum(v for v in row.values() if isinstance(v, int | float))
                parts.append(f"{year}: {total:g}")
        return "; ".join(parts)
    if q.type == "percentage" and isinstance(value, int | float):
        return f"{value:g}%"
    return str(value)


# -- sheets ----------------------------------------------------------------------------------------
NEED_COLUMNS = ("rank", "score", "component", "question_id", "question", "answers", "severity",
                "priority", "assistance", "action", "horizon", "depends", "evidence", "providers",
                "breadth", "status")
NEED_WIDTHS = (6, 7, 22, 10, 50, 30, 10, 18, 22, 50, 16, 10, 50, 24, 10, 10)


def _need_row(o: _Out, n: Need) -> list[Any]:
    q = n.question
    answers = "; ".join(f"{o.answer(q, f.answer)} ({f.respondent.institution})" for f in n.findings)
    priorities = Counter(n.priorities)
    priority = ", ".join(f"{o.tk.choice_lists['priority'].label(p, o.lang)} ×{k}"
                         for p, k in priorities.most_common())
    quotes = []
    for f in n.findings:
        d = f.respondent.details.get(q.id, {})
        for key in ("evidence", "comment"):
            if d.get(key):
                quotes.append(f"“{d[key]}” ({f.respondent.institution})")
    providers = "; ".join(f"{p or '?'} ({who})" for who, p in n.providers)
    return [
        n.rank or None, n.score, o.component(q.component), q.id, o.question(q), answers,
        o.vocab("severities", n.severity), priority,
        ", ".join(o.vocab("assistance", a) for a in n.assistance), tr(n.action, o.lang),
        o.ui(f"summary.horizon.{n.horizon}") if n.horizon else "", ", ".join(n.after),
        " ".join(quotes), providers,
        o.ui("summary.of", n=len(n.findings), m=n.answered_by),
        o.ui(f"summary.status.{n.status}") + (f": {n.resolution}" if n.resolution else ""),
    ]


def write_needs(o: _Out) -> None:
    ws = o.sheet("needs")
    o.s(ws, 0, 0, o.ui("summary.title", count=len(o.c.respondents)), o.title)
    o.s(ws, 1, 0, o.ui("summary.generated", version=__version__, date=dt.date.today().isoformat(),
                       count=len(o.c.respondents), files=len(o.c.respondents)
                       + len(o.c.duplicates)), o.note)
    ws.set_row(2, 45)
    first = 4
    o.headers(ws, first, NEED_COLUMNS, NEED_WIDTHS)
    for i, need in enumerate(o.c.needs, start=first + 1):
        values = _need_row(o, need)
        ws.set_row(i, _row_height([(str(v), w) for v, w in zip(values, NEED_WIDTHS, strict=True)
                                   if isinstance(v, str)]))
        for col, value in enumerate(values):
            if col in (0, 1):
                o.n(ws, i, col, value, o.decimal if col == 1 else o.number)
            elif col == 6:
                o.s(ws, i, col, value, o.severity[need.severity])
            else:
                o.s(ws, i, col, value, o.wrap)
    o.table(ws, first, len(o.c.needs), NEED_COLUMNS, "Needs")
    ws.freeze_panes(first + 1, 0)
    ws.merge_range(2, 0, 2, 9, o.ui("summary.ranking") + ": " + o.ui("summary.ranking_formula"),
                   o.note)


def write_scorecard(o: _Out) -> list[dict[str, Any]]:
    ws = o.sheet("scorecard")
    rows = scorecard(o.c)
    o.s(ws, 0, 0, o.ui("summary.sheet.scorecard"), o.title)
    ws.merge_range(1, 0, 1, 8, o.ui("summary.scorecard.note"), o.note)
    ws.set_row(1, 30)
    keys = ("component", "asked", "answered", "unknown", "critical", "high", "medium", "low",
            "readiness")
    head = 3
    for col, key in enumerate(keys):
        label = o.vocab("severities", key) if key in SEVERITIES else o.ui(f"summary.col.{key}")
        o.s(ws, head, col, label, o.header)
        ws.set_column(col, col, 36 if col == 0 else 12)
    for i, row in enumerate(rows, start=head + 1):
        o.s(ws, i, 0, tr(row["component"].title, o.lang))
        for col, key in enumerate(keys[1:], start=1):
            o.n(ws, i, col, row[key])
    last = head + len(rows)
    if rows:
        sheet = ws.get_name()
        chart = o.wb.add_chart({"type": "bar", "subtype": "stacked"})
        for col, severity in enumerate(SEVERITIES, start=4):
            chart.add_series({
                "name": [sheet, head, col],
                "categories": [sheet, head + 1, 0, last, 0],
                "values": [sheet, head + 1, col, last, col],
                "fill": {"color": SEVERITY_COLOURS[severity]},
            })
        chart.set_title({"name": o.ui("summary.chart.gaps")})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 720, "height": 420})
        ws.insert_chart(last + 2, 0, chart)
        radar = o.wb.add_chart({"type": "radar", "subtype": "filled"})
        radar.add_series({"name": [sheet, head, 8], "categories": [sheet, head + 1, 0, last, 0],
                          "values": [sheet, head + 1, 8, last, 8],
                          "fill": {"color": "#4472C4", "transparency": 40}})
        radar.set_title({"name": o.ui("summary.chart.readiness")})
        radar.set_y_axis({"min": 0, "max": 100})
        radar.set_size({"width": 560, "height": 420})
        ws.insert_chart(last + 2, 6, radar)
        _component_charts(o, ws, rows, head, last + 25)
    return rows


def _component_charts(o: _Out, ws: Worksheet, rows: list[dict[str, Any]], head: int,
                      top: int) -> None:
    """One small bar chart per component: its open needs by severity."""
    sheet = ws.get_name()
    for i, row in enumerate(rows):
        r = head + 1 + i
        chart = o.wb.add_chart({"type": "column"})
        chart.add_series({
            "name": [sheet, r, 0],
            "categories": [sheet, head, 4, head, 7],
            "values": [sheet, r, 4, r, 7],
            "points": [{"fill": {"color": SEVERITY_COLOURS[sev]}} for sev in SEVERITIES],
        })
        chart.set_title({"name": tr(row["component"].title, o.lang),
                         "name_font": {"size": 10}})
        chart.set_legend({"none": True})
        chart.set_y_axis({"min": 0, "major_gridlines": {"visible": False}})
        chart.set_size({"width": 320, "height": 220})
        ws.insert_chart(top, 0, chart, {"x_offset": (i % 4) * 330, "y_offset": (i // 4) * 230})


def write_chain(o: _Out) -> None:
    ws = o.sheet("chain")
    tk = o.tk
    years = sorted({y for per in o.c.figures.values() for y in per} | set(tk.years()))
    o.s(ws, 0, 0, o.ui("summary.sheet.chain"), o.title)
    o.s(ws, 2, 0, o.ui("summary.col.indicator"), o.header)
    o.s(ws, 2, 1, o.ui("summary.col.stage"), o.header)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 18)
    for j, year in enumerate(years, start=2):
        o.n(ws, 2, j, year, o.header)
        ws.set_column(j, j, 11)
    stage_of = {e.code: e.extra["stage"] for e in tk.vocabularies["indicators"]}
    order = [e.code for e in tk.vocabularies["indicators"] if e.code in o.c.figures]
    row = 3
    chain_rows: dict[str, int] = {}
    for indicator in order:
        o.s(ws, row, 0, o.vocab("indicators", indicator))
        o.s(ws, row, 1, o.vocab("stages", stage_of[indicator]))
        for j, year in enumerate(years, start=2):
            fig = o.c.figures[indicator].get(year)
            if fig is None:
                continue
            o.n(ws, row, j, fig.consolidated, o.flag if fig.disagree else o.number)
            if fig.disagree:
                reports = "; ".join(f"{r.institution}: {v:g}" for r, _, v, _ in fig.reports)
                resolved = f" ({fig.resolution})" if fig.resolution else ""
                ws.write_comment(row, j, o.ui("summary.chain.disagree", reports=reports,
                                              resolved=resolved)[:30000],
                                 {"x_scale": 3, "y_scale": 2})
        if indicator in CHAIN:
            chain_rows[indicator] = row
        row += 1
    row += 1
    table = attrition(o.c.figures, years)
    for k in range(1, len(CHAIN)):
        o.s(ws, row, 0, o.ui("summary.chain.attrition", stage=o.vocab("indicators", CHAIN[k]),
                             previous=o.vocab("indicators", CHAIN[k - 1])), o.wrap)
        for j, (_, _, ratios) in enumerate(table, start=2):
            o.n(ws, row, j, ratios[k], o.percent)
        row += 1
    if chain_rows:
        sheet = ws.get_name()
        chart = o.wb.add_chart({"type": "column"})
        for indicator in CHAIN:
            if indicator in chain_rows:
                r = chain_rows[indicator]
                chart.add_series({"name": [sheet, r, 0], "categories": [sheet, 2, 2, 2,
                                                                        1 + len(years)],
                                  "values": [sheet, r, 2, r, 1 + len(years)]})
        chart.set_title({"name": o.ui("summary.chart.chain")})
        chart.set_size({"width": 720, "height": 380})
        ws.insert_chart(row + 1, 0, chart)


def write_map(o: _Out) -> None:
    ws = o.sheet("map")
    o.s(ws, 0, 0, o.ui("summary.sheet.map"), o.title)
    ws.merge_range(1, 0, 1, 10, o.ui("summary.map.note"), o.note)
    o.s(ws, 3, 0, o.ui("summary.col.component"), o.header)
    ws.set_column(0, 0, 36)
    for j, a in enumerate(ASSISTANCE_TYPES, start=1):
        o.s(ws, 3, j, o.vocab("assistance", a), o.header)
        ws.set_column(j, j, 14)
    o.s(ws, 3, len(ASSISTANCE_TYPES) + 1, o.ui("summary.col.no_provider"), o.header)
    ws.set_row(3, 45)
    row = 4
    open_needs = [n for n in o.c.needs if n.status == "open"]
    for comp in o.tk.components:
        mine = [n for n in open_needs if n.question.component == comp.id]
        if not mine:
            continue
        o.s(ws, row, 0, tr(comp.title, o.lang))
        for j, a in enumerate(ASSISTANCE_TYPES, start=1):
            o.n(ws, row, j, sum(1 for n in mine if a in n.assistance) or None)
        o.n(ws, row, len(ASSISTANCE_TYPES) + 1, sum(1 for n in mine if not n.providers))
        row += 1
    if row > 4:
        ws.conditional_format(4, 1, row - 1, len(ASSISTANCE_TYPES), {
            "type": "2_color_scale", "min_color": "#FFF2CC", "max_color": "#C00000"})
    row += 2
    keys = ("component", "question_id", "question", "assistance", "providers", "severity")
    o.headers(ws, row, keys, (36, 14, 50, 30, 40, 12))
    start = row
    for n in open_needs:
        if not n.providers:
            continue
        row += 1
        o.s(ws, row, 0, o.component(n.question.component))
        o.s(ws, row, 1, n.question.id)
        o.s(ws, row, 2, o.question(n.question), o.wrap)
        o.s(ws, row, 3, ", ".join(o.vocab("assistance", a) for a in n.assistance), o.wrap)
        o.s(ws, row, 4, "; ".join(f"{p or '?'} ({who})" for who, p in n.providers), o.wrap)
        o.s(ws, row, 5, o.vocab("severities", n.severity), o.severity[n.severity])
    o.table(ws, start, row - start, keys, "Providers")


def write_conflicts(o: _Out) -> None:
    ws = o.sheet("conflicts")
    o.s(ws, 0, 0, o.ui("summary.sheet.conflicts"), o.title)
    ws.merge_range(1, 0, 1, 5, o.ui("summary.conflicts.note"), o.note)
    keys = ("question_id", "component", "question", "strength", "who_said", "resolved")
    o.headers(ws, 3, keys, (10, 28, 55, 16, 70, 30))
    row = 3
    for c in o.c.conflicts:
        row += 1
        q = c.question
        o.s(ws, row, 0, q.id)
        o.s(ws, row, 1, o.component(q.component))
        o.s(ws, row, 2, o.question(q), o.wrap)
        o.s(ws, row, 3, o.ui(f"summary.strength.{c.strength}"))
        said = "; ".join(f"{r.institution}: {o.answer(q, a)}" for r, a in c.answers)
        o.s(ws, row, 4, said, o.wrap)
        ws.set_row(row, _row_height([(said, 70), (o.question(q), 55)]))
        o.s(ws, row, 5, "" if c.resolved is None else
            f"{o.answer(q, c.resolved)} — {c.resolution}", o.wrap)
    o.table(ws, 3, row - 3, keys, "Conflicts")


def write_plan(o: _Out) -> None:
    ws = o.sheet("plan")
    o.s(ws, 0, 0, o.ui("summary.sheet.plan"), o.title)
    ws.merge_range(1, 0, 1, 10, o.ui("summary.plan.note"), o.note)
    keys = ("rank", "need", "action", "severity", "horizon", "depends", "responsible", "partners",
            "timeframe", "resources", "indicator_plan")
    o.headers(ws, 3, keys, (6, 50, 50, 10, 16, 10, 24, 24, 14, 16, 24))
    row = 3
    for n in o.c.needs:
        if n.status != "open":
            continue
        row += 1
        gap = tr(n.gap, o.lang) if n.gap else o.question(n.question)
        ws.set_row(row, _row_height([(gap, 50), (tr(n.action, o.lang), 50)]))
        o.n(ws, row, 0, n.rank)
        o.s(ws, row, 1, f"{n.question.id}: {gap}", o.wrap)
        o.s(ws, row, 2, tr(n.action, o.lang), o.wrap)
        o.s(ws, row, 3, o.vocab("severities", n.severity), o.severity[n.severity])
        o.s(ws, row, 4, o.ui(f"summary.horizon.{n.horizon}") if n.horizon else "", o.wrap)
        o.s(ws, row, 5, ", ".join(n.after))
        for col in range(6, 11):
            _check(ws.write_blank(row, col, None, o.input), "plan")
    o.table(ws, 3, row - 3, keys, "ActionPlan")
    ws.freeze_panes(4, 2)


RESPONSE_COLUMNS = ("respondent", "institution", "kind", "component", "question_id", "question",
                    "value", "comment", "evidence_col", "priority", "provided", "provider")


def response_rows(c: Consolidation, lang: str) -> list[list[str]]:
    tk = c.toolkit
    rows = []
    for r in c.respondents:
        for qid in r.asked:
            try:
                q = tk.question(qid)
            except KeyError:
                continue
            value = r.answers.get(qid)
            d = r.details.get(qid, {})
            if value is None and not d:
                continue
            priority = d.get("priority")
            rows.append([
                r.key, r.institution, tk.vocabulary_label("respondent_kinds", r.kind, lang)
                if r.kind else "", tr(tk.component(q.component).title, lang), q.id,
                tr(q.text, lang), answer_text(tk, q, value, lang), str(d.get("comment") or ""),
                str(d.get("evidence") or ""),
                tk.choice_lists["priority"].label(priority, lang) if priority else "",
                tk.choice_lists["yes_no"].label(d["provided"], lang) if d.get("provided")
                in ("yes", "no", "dont_know") else str(d.get("provided") or ""),
                str(d.get("provider") or "")])
    return rows


def write_responses(o: _Out) -> None:
    ws = o.sheet("responses")
    o.headers(ws, 0, RESPONSE_COLUMNS, (12, 30, 20, 24, 10, 50, 30, 30, 24, 12, 12, 20))
    rows = response_rows(o.c, o.lang)
    for i, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            if value:  # empty cells stay empty: most comments and sources are
                o.s(ws, i, col, value)
    o.table(ws, 0, len(rows), RESPONSE_COLUMNS, "Responses")
    ws.freeze_panes(1, 0)


def write_sources(o: _Out, sources: Sequence[dict[str, Any]]) -> None:
    ws = o.sheet("sources")
    keys = ("file", "workbook", "institution", "kind", "language", "version", "answers_count",
            "errors", "status")
    o.headers(ws, 0, keys, (40, 38, 30, 20, 8, 12, 9, 8, 60))
    for i, src in enumerate(sources, start=1):
        for col, key in enumerate(keys):
            value = src.get(key)
            if key in ("answers_count", "errors") and isinstance(value, int):
                o.n(ws, i, col, value)
            else:
                o.s(ws, i, col, value, o.wrap)
    o.table(ws, 0, len(sources), keys, "Sources")


def write_audit(o: _Out) -> None:
    ws = o.sheet("audit")
    keys = ("decision_kind", "target", "year", "value", "reason", "decided_by", "decided_on",
            "applied", "original", "note")
    o.headers(ws, 0, keys, (12, 14, 8, 20, 40, 18, 12, 8, 50, 40))
    for i, d in enumerate(o.c.decisions, start=1):
        values = [d.kind, d.target, "" if d.year is None else str(d.year), str(d.value), d.reason,
                  d.decided_by, d.decided_on, o.ui("summary.yes" if d.applied else "summary.no"),
                  d.original, d.note]
        for col, value in enumerate(values):
            o.s(ws, i, col, value, o.wrap)
    o.table(ws, 0, len(o.c.decisions), keys, "Audit")


def write_summary(path: str | Path, c: Consolidation, sources: Sequence[dict[str, Any]],
                  lang: str = "en") -> None:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": ui("summary.title", lang, count=len(c.respondents)),
                       "comments": f"natk-xlsx {__version__}"})
    o = _Out(wb, c, lang)
    write_needs(o)
    write_scorecard(o)
    write_chain(o)
    write_map(o)
    write_conflicts(o)
    write_plan(o)
    write_responses(o)
    write_sources(o, sources)
    write_audit(o)
    try:
        wb.close()
    except OSError as exc:
        raise WriterError(f"{path}: cannot write the summary ({exc})") from None


# -- JSON and CSV ----------------------------------------------------------------------------------
def needs_records(c: Consolidation, lang: str) -> list[dict[str, Any]]:
    out = []
    for n in c.needs:
        q = n.question
        out.append({
            "rank": n.rank or None, "score": n.score, "key": n.key, "component": q.component,
            "question_id": q.id, "question": tr(q.text, lang), "severity": n.severity,
            "assistance": list(n.assistance), "action": tr(n.action, lang),
            "horizon": n.horizon, "after": n.after, "status": n.status,
            "resolution": n.resolution,
            "revealed_by": [{"institution": f.respondent.institution,
                             "workbook_id": f.respondent.key, "answer": f.answer}
                            for f in n.findings],
            "answered_by": n.answered_by,
            "priorities": n.priorities,
            "providers": [{"institution": who, "provider": p} for who, p in n.providers],
        })
    return out


def write_json(path: str | Path, c: Consolidation, lang: str) -> None:
    data = {
        "needs": needs_records(c, lang),
        "responses": [dict(zip(RESPONSE_COLUMNS, row, strict=True))
                      for row in response_rows(c, lang)],
        "conflicts": [{"question_id": x.question.id, "answers": [
            {"institution": r.institution, "workbook_id": r.key, "answer": a}
            for r, a in x.answers], "decision": x.resolved} for x in c.conflicts],
    }
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")


def write_csv(folder: str | Path, c: Consolidation, lang: str) -> list[Path]:
    """needs.csv and responses.csv (UTF-8 with BOM, so that Excel opens them right)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    needs = out / "needs.csv"
    with atomic_open(needs, "w", newline="", encoding="utf-8-sig") as f:
        w = csv_writer(f)
        w.writerow(["rank", "score", "component", "question_id", "question", "severity",
                    "assistance", "action", "horizon", "after", "status", "revealed_by",
                    "answered_by", "providers"])
        for n in needs_records(c, lang):
            w.writerow([n["rank"], n["score"], n["component"], n["question_id"], n["question"],
                        n["severity"], ";".join(n["assistance"]), n["action"], n["horizon"] or "",
                        ";".join(n["after"]), n["status"],
                        ";".join(x["institution"] for x in n["revealed_by"]), n["answered_by"],
                        ";".join(p["provider"] for p in n["providers"])])
    responses = out / "responses.csv"
    with atomic_open(responses, "w", newline="", encoding="utf-8-sig") as f:
        w = csv_writer(f)
        w.writerow(RESPONSE_COLUMNS)
        w.writerows(response_rows(c, lang))
    return [needs, responses]

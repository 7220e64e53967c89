"""What every sheet of the summary workbook shares: formats, safe writing, sized rows and print.

Respondent text is always written as a string (never a formula: ``=``, ``+``, ``-``, ``@`` stay
text) and codes keep their leading zeros. Every row is sized by the display width of its texts
(``textwidth``), every text is cut to fit a bounded number of lines (no row needs Excel's maximum
height, no cell holds more than ``MAX_CELL`` characters), and every sheet prints at ``MIN_SCALE``
or more of its 10 pt text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from natk_xlsx.analysis.chains import Figure, indicator_label
from natk_xlsx.analysis.consolidate import Consolidation
from natk_xlsx.analysis.needs import Need
from natk_xlsx.analysis.packages import Package
from natk_xlsx.analysis.respondents import GROUPS
from natk_xlsx.analysis.settle import Settled
from natk_xlsx.analysis.weights import Weights
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import (
    DEFAULT_FONT,
    FONTS,
    RTL_LANGUAGES,
    SPACED_PERCENT,
    UPRIGHT,
    aside,
    join_items,
    join_parts,
    join_said,
    labelled,
    names_said,
    number_text,
    percent_text,
    tr,
)
from natk_xlsx.spec.model import SEVERITIES, Question, Toolkit
from natk_xlsx.textwidth import (
    BOLD_WIDTH,
    CHARS_PER_UNIT,
    LATIN_IN_CJK_WEIGHT,
    display_width,
    has_wide,
    row_height,
    wrapped_lines,
)
from natk_xlsx.workbook.writer import _check
from natk_xlsx.workbook.xlsx import page_footer, page_header

SEVERITY_COLOURS = {"critical": "#C00000", "high": "#ED7D31", "medium": "#FFC000",
                    "low": "#A9D08E"}
#: How much wider than Carlito's the Latin glyphs are in the font a language's summary is set
#: in: Chinese (Microsoft YaHei, Noto Sans CJK) about a fifth, Arabic (Arial, Liberation Sans)
#: about a seventh. A code list such as "PRV.17, PRV.20" printed on two lines in the Arabic
#: summary where the measure counted one.
LATIN_WIDTH = {"zh": LATIN_IN_CJK_WEIGHT, "ar": 1.15}
#: Longest text in one cell, and the most lines a wrapped cell shows.
MAX_CELL = 1000
MAX_LINES = 16
#: The most lines a row may need and still fit Excel's tallest row (409 pt) in any script
#: (a line of Chinese text takes 15 pt).
MOST_LINES = 26
#: Smallest print scale (10 pt text prints at 8 pt or more).
MIN_SCALE = 0.8
#: Column width units that fit across a printed A4 page at 100 % with the margins set here, as
#: measured on LibreOffice's PDF of the summary (10 pt text of a sheet fitted to a page width of
#: 136 units printed 0.86 times as tall as unfitted text: 117 units; Excel fits a little more).
PAGE_UNITS = {"portrait": 75.0, "landscape": 112.0}


def fit(text: str, width: float, max_lines: int = MAX_LINES) -> str:
    """``text`` cut (with "…") so that it wraps to at most ``max_lines`` lines in a cell
    ``width`` units wide and holds at most ``MAX_CELL`` characters."""
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL - 1] + "…"
    if wrapped_lines(text, width) <= max_lines:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits
        mid = (low + high + 1) // 2
        if wrapped_lines(text[:mid] + "…", width) <= max_lines:
            low = mid
        else:
            high = mid - 1
    ended = _word_end(text, low)
    kept = (_closed(ended).rstrip(_TRAILING) or ended.rstrip(_TRAILING))
    return (kept or text[:low].rstrip()) + "…"


#: How far back a cut looks for the end of a word or of an item, in characters.
WORD_BACK = 20
#: Where Chinese text ends an item or a clause: a cut goes back to the last one near it.
_CJK_BREAKS = "、，；。"
#: Brackets and quotation marks that a cut must not leave open, with what closes each.
_PAIRS = {"(": ")", "（": "）", "《": "》", "«": "»", "“": "”", "[": "]"}
_CLOSERS = frozenset(_PAIRS.values())
#: What a cut drops before its ellipsis: spaces and the separators of every language.
_TRAILING = " \u00a0,;:،؛、，；：。–-"


def _word_end(text: str, cut: int) -> str:
    """``text[:cut]``, moved back to the end of a word when the cut falls inside one ("Защита
    чл…" read as a word of its own), or in Chinese to the end of an item or clause, unless that
    lies more than ``WORD_BACK`` characters back."""
    head = text[:cut]
    if cut >= len(text) or not head or text[cut].isspace():
        return head
    if display_width(head[-1]) == 2:
        at = max(head.rfind(mark) for mark in _CJK_BREAKS)
        return head[:at + 1] if at > 0 and cut - at <= WORD_BACK else head
    space = max(head.rfind(" "), head.rfind("\n"))  # a line's end is a word's end too
    return head[:space] if space > 0 and cut - space <= WORD_BACK else head


def _closed(head: str) -> str:
    """``head`` without a bracket or quotation it opens near its end and does not close
    ("… adaptées aux enfants (tous…", "《儿童权利公约关于…"): cut before it."""
    for i in range(len(head) - 1, max(-1, len(head) - 1 - 2 * WORD_BACK), -1):
        if head[i] in _CLOSERS:
            return head
        if head[i] in _PAIRS:
            return head[:i]
    return head


def longest_word(text: str) -> int:
    """The display width of the longest piece of ``text`` that cannot be broken across lines
    (a word; a wide character is a piece of its own, as CJK text breaks between any two)."""
    longest = run = 0
    for ch in text:
        width = display_width(ch)
        if ch.isspace() or width == 2:
            longest, run = max(longest, run, width if width == 2 else 0), 0
        else:
            run += width
    return max(longest, run)


def _word_width(label: str, bold: bool = True) -> float:
    """The column width that holds the longest word of a label on one line (a header's label
    is bold: a tenth wider)."""
    longest = longest_word(label)
    return math.ceil(longest * (BOLD_WIDTH if bold else 1.0) / CHARS_PER_UNIT) + 1 if longest else 0.0


def _shrink(widths: list[float], floors: list[float], limit: float) -> list[float]:
    """Narrow the wide text columns (never below their floor) until the total is ``limit``."""
    excess = sum(widths) - limit
    room = [max(0.0, w - max(f, 12.0)) for w, f in zip(widths, floors, strict=True)]
    if excess <= 0 or sum(room) <= 0:
        return widths
    share = min(1.0, excess / sum(room))
    return [math.floor(w - r * share) if r else w for w, r in zip(widths, room, strict=True)]


class Out:
    """Helpers bound to one summary workbook and language."""

    def __init__(self, wb: xlsxwriter.Workbook, c: Consolidation, lang: str) -> None:
        self.wb, self.c, self.lang, self.tk = wb, c, lang, c.toolkit
        self.rtl = lang in RTL_LANGUAGES  # sheets, and the charts on them, read right to left
        font = FONTS.get(lang, DEFAULT_FONT)
        base: dict[str, Any] = {"font_name": font, "font_size": 10, "valign": "top"}
        if self.rtl:  # a cell's text runs right to left: Latin names and figures
            base["reading_order"] = 2  # inside Arabic sentences keep their places
        self.title = wb.add_format({**base, "bold": True, "font_size": 14, "font_color": "#1F3864"})
        self.subtitle = wb.add_format({**base, "bold": True, "font_size": 11,
                                       "font_color": "#1F3864"})
        self.note = wb.add_format({**base, "italic": lang not in UPRIGHT, "text_wrap": True,
                                   "font_color": "#404040"})
        self.wrap = wb.add_format({**base, "text_wrap": True})
        self.text = wb.add_format({**base, "num_format": "@"})
        self.header = wb.add_format({**base, "bold": True, "text_wrap": True, "bg_color": "#1F3864",
                                     "font_color": "#FFFFFF", "border": 1})
        self.header_figure = wb.add_format({**base, "bold": True, "bg_color": "#1F3864",
                                            "font_color": "#FFFFFF", "border": 1, "align": "right"})
        self.number = wb.add_format({**base, "num_format": "#,##0"})
        self.decimal = wb.add_format({**base, "num_format": "0.0"})
        # a share as the language writes it: "20 %" in French, Spanish and Russian
        share = '0"\u00a0"%' if lang in SPACED_PERCENT else "0%"
        self.percent = wb.add_format({**base, "num_format": share})
        self.flag = wb.add_format({**base, "num_format": "#,##0", "bg_color": "#FFEB9C"})
        self.alert = wb.add_format({**base, "num_format": share, "bg_color": "#F4B084"})
        self.mark = wb.add_format({**base, "align": "center", "bg_color": "#8EA9DB"})
        self.input = wb.add_format({**base, "text_wrap": True, "bg_color": "#FFFFFF", "border": 1,
                                    "border_color": "#BFBFBF"})
        # white only on the dark red: on the orange of "high" it had a contrast of 3:1,
        # faint on paper (black there has 7:1)
        self.severity = {s: wb.add_format({**base, "bold": True, "text_wrap": True,
                                           "font_color": "#FFFFFF" if s == "critical"
                                           else "#000000", "bg_color": colour})
                         for s, colour in SEVERITY_COLOURS.items()}

    def ui(self, key: str, **kw: Any) -> str:
        return ui(key, self.lang, **kw)

    def sheet(self, key: str, widths: Sequence[float], labels: Sequence[str] = (),
              severity_col: int | None = None, words: Mapping[int, Iterable[str]] | None = None
              ) -> tuple[Worksheet, list[float]]:
        """A new sheet on A4 and its column widths: each column at least as wide as the longest
        word of its header (so that no word is broken), landscape when the columns need it,
        fitted to one page width only when that keeps the print scale at ``MIN_SCALE`` or
        more. ``severity_col`` holds severity labels (bold, never broken either), and ``words``
        the labels other columns show (a phase, a status: "краткосрочная" was broken in two)."""
        widths = self.widths(widths, labels, severity_col, words=words)
        ws = self.wb.add_worksheet(self.ui(f"summary.sheet.{key}")[:31])
        if self.rtl:
            ws.right_to_left()
        ws.set_paper(9)
        total = sum(widths)
        if total > PAGE_UNITS["portrait"]:
            ws.set_landscape()
        else:
            ws.set_portrait()
        page = PAGE_UNITS["landscape" if total > PAGE_UNITS["portrait"] else "portrait"]
        if total and page / total >= MIN_SCALE + 0.02:  # stored widths round up
            ws.fit_to_pages(1, 0)
        ws.set_margins(0.5, 0.5, 0.6, 0.6)
        # on paper every page says which sheet it is, of which summary, and its number, so
        # that a page can be cited in a meeting (the questionnaire's pages do the same)
        ws.set_header(page_header(self.lang), {"margin": 0.25})
        summary = self.ui("summary.title", count=len(self.c.respondents))
        ws.set_footer(page_footer(summary, self.lang), {"margin": 0.25})
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        return ws, widths

    def s(self, ws: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Write respondent or spec text as a string, always."""
        text = "" if value is None else str(value)
        _check(ws.write_string(row, col, text[:MAX_CELL], fmt or self.text), "summary text")

    def n(self, ws: Worksheet, row: int, col: int, value: float | None, fmt: Any = None) -> None:
        if value is None:
            _check(ws.write_blank(row, col, None, fmt), "summary blank")
        else:
            _check(ws.write_number(row, col, value, fmt or self.number), "summary number")

    def headers(self, ws: Worksheet, row: int, labels: Sequence[str],
                widths: Sequence[float], formats: Sequence[Any] | None = None) -> None:
        """A header row, tall enough for every label wrapped in its column (``formats``: one
        per column where it is not the plain header's)."""
        for col, label in enumerate(labels):
            self.s(ws, row, col, label, formats[col] if formats and formats[col] else self.header)
        self.height(ws, row, list(zip(labels, widths, strict=True)), bold=True)

    def height(self, ws: Worksheet, row: int, texts: Sequence[tuple[str, float]],
               bold: bool = False) -> None:
        """Size ``row`` for its wrapped texts (bold text is about a tenth wider)."""
        sized = [(t, self.room(t, w / BOLD_WIDTH if bold else w)) for t, w in texts if t]
        _check(ws.set_row(row, max(15.0, row_height(sized))), "row height")

    def room(self, text: str, width: float) -> float:
        """The width ``text`` can use in a column ``width`` wide, in the measure's narrow
        characters: a Chinese or Arabic summary sets Latin-only text (codes, names of
        institutions and partners) in its own font, whose Latin glyphs are wider."""
        factor = LATIN_WIDTH.get(self.lang)
        if factor is None or _in_own_script(self.lang, text):
            return width
        return width / factor

    def row(self, ws: Worksheet, row: int, values: Sequence[Any], widths: Sequence[float],
            formats: Sequence[Any] | None = None, max_lines: int = MAX_LINES) -> None:
        """One row of a table: texts fitted to their column (at most ``max_lines`` lines),
        numbers as numbers."""
        texts = []
        for col, value in enumerate(values):
            fmt = formats[col] if formats and formats[col] is not None else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.n(ws, row, col, value, fmt)
            elif value is None or value == "":
                if fmt is not None:
                    _check(ws.write_blank(row, col, None, fmt), "summary blank")
            else:
                text = fit(str(value), self.room(str(value), widths[col]), max_lines)
                self.s(ws, row, col, text, fmt or self.wrap)
                texts.append((text, widths[col]))
        self.height(ws, row, texts)

    def note_row(self, ws: Worksheet, row: int, text: str, last_col: int,
                 widths: Sequence[float]) -> None:
        """A note across columns 0..``last_col`` (merged), tall enough for its text."""
        width = sum(widths[: last_col + 1])
        text = fit(text, width)
        if last_col:
            _check(ws.merge_range(row, 0, row, last_col, text, self.note), "note")
        else:
            self.s(ws, row, 0, text, self.note)
        self.height(ws, row, [(text, width)])

    def table(self, ws: Worksheet, first_row: int, rows: int, labels: Sequence[str],
              name: str) -> None:
        """Make the block an Excel table with filters (header row included); its header row is
        printed again at the top of every page."""
        _check(ws.repeat_rows(first_row), "header row repeated")
        if rows == 0:
            return
        _check(ws.add_table(first_row, 0, first_row + rows, len(labels) - 1, {
            "name": name, "columns": [{"header": h, "header_format": self.header} for h in labels],
            "style": "Table Style Light 9", "autofilter": True, "header_row": True}),
            f"table {name}")

    def cols(self, keys: Sequence[str], lang: str | None = None) -> list[str]:
        return [ui(f"summary.col.{k}", lang or self.lang) for k in keys]

    def widths(self, widths: Sequence[float], labels: Sequence[str] = (),
               severity_col: int | None = None, lang: str | None = None,
               words: Mapping[int, Iterable[str]] | None = None) -> list[float]:
        """The column widths ``sheet`` gives (``lang``: those of the same sheet in another
        language of the summary)."""
        floors = [_word_width(label) for label in
                  [*labels, *[""] * (len(widths) - len(labels))]]
        if severity_col is not None:  # severity labels are bold words too
            floors[severity_col] = max(floors[severity_col], *(
                _word_width(self.tk.vocabulary_label("severities", sev, lang or self.lang))
                for sev in SEVERITY_COLOURS))
        for col, texts in (words or {}).items():
            floors[col] = max([floors[col], *(_word_width(t, bold=False) for t in texts)])
        widths = [max(w, f) for w, f in zip(widths, floors, strict=True)]
        if sum(widths) > PAGE_UNITS["portrait"]:  # landscape: keep it printable at MIN_SCALE
            widths = _shrink(widths, floors, PAGE_UNITS["landscape"] / (MIN_SCALE + 0.02))
        return widths

    # labels
    def question(self, q: Question) -> str:
        return tr(q.text, self.lang)

    def component(self, cid: str) -> str:
        return tr(self.tk.component(cid).title, self.lang)

    def labels(self, prefix: str, codes: Iterable[str], **kw: Any) -> list[str]:
        """The interface's labels ``prefix.code`` of each code, for a column's ``words``."""
        return [self.ui(f"{prefix}.{code}", **kw) for code in codes]

    def vocab(self, name: str, code: str) -> str:
        return self.tk.vocabulary_label(name, code, self.lang)

    def answer(self, q: Question, value: Any) -> str:
        return answer_text(self.tk, q, value, self.lang)

    def width_of(self, text: str) -> int:
        return display_width(text)


def _in_own_script(lang: str, text: str) -> bool:
    """Whether ``text`` holds letters of ``lang``'s script (measured as they are)."""
    if lang == "zh":
        return has_wide(text)
    return not text.isascii() and any("\u0600" <= ch <= "\u06ff" for ch in text)


def finding_text(toolkit: Toolkit, need: Need, lang: str) -> str:
    """What a need says was found, as the summary and the report both show it: its rule's gap
    (the question where the specs give none), with the figures where a statistics table
    revealed it."""
    q = need.question
    text = tr(need.gap, lang) if need.gap else tr(q.text, lang)
    if q.type == "stats_table" and need.settled.value is not None:
        text = aside(text, answer_text(toolkit, q, need.settled.value, lang), lang)
    return text


def answer_text(toolkit: Toolkit, q: Question, value: Any, lang: str,
                join: Callable[[Iterable[str], str], str] = join_items) -> str:
    """An answer as a person reads it, in ``lang`` (``join``: how the items of a multiple
    choice are put together)."""
    if value is None:
        return ""
    if q.type in ("yes_no", "single_choice") and isinstance(value, str):
        try:
            return toolkit.answer_label(q, value, lang)
        except (KeyError, AssertionError):
            return value
    if q.type == "multiple_choice" and isinstance(value, list):
        # ", " within one answer; "; " separates the answers of different respondents
        return join((toolkit.answer_label(q, v, lang) for v in value), lang)
    if q.type == "stats_table" and isinstance(value, dict):
        return figures_text(value, lang)
    if q.type == "percentage" and isinstance(value, int | float):
        return percent_text(value, lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_text(value, lang)  # 22,6 in French, as its figures are written
    return str(value)


def figures_text(table: Any, lang: str) -> str:
    """A statistics table as "2021: 0; 2022: 3" (each year's total), as ``lang`` writes it."""
    parts = []
    for year, row in sorted(table.items()):
        if isinstance(row, dict):
            total = sum(v for v in row.values() if isinstance(v, int | float))
            parts.append(labelled(year, number_text(total, lang), lang))
    return join_parts(parts, lang)


# -- shared phrases --------------------------------------------------------------------------
def evidence_text(groups: Mapping[str, int], documented: bool, lang: str) -> str:
    """"2 government, 1 civil society; documents" in ``lang``, as the summary and the report
    both say it."""
    parts = [ui(f"summary.group.{g}", lang, count=groups[g]) for g in GROUPS if groups.get(g)]
    return join_parts([join_items(parts, lang), ui(
        "summary.evidence.documents" if documented else "summary.evidence.perception", lang)],
        lang)


def who_said(o: Out, s: Settled) -> str:
    """"Ministry of Justice, Prosecution: No; Shelter network: Partly": each answer once."""
    return answers_said(s, lambda value: o.answer(s.question, value), o.lang)


def answers_said(s: Settled, label: Callable[[Any], str], lang: str) -> str:
    """Each answer once, after the institutions that gave it (``label``: an answer's text), as
    the summary and the report list them."""
    by_answer: dict[str, list[str]] = {}
    for v in (*s.views, *s.unstated):  # "Don't know" too: each answer given
        by_answer.setdefault(label(v.value), []).append(v.respondent.institution)
    return names_said(((names, answer) for answer, names in by_answer.items()), lang)


def settled_text(o: Out, s: Settled) -> str:
    value = o.answer(s.question, s.value) if s.value is not None else "—"
    text = aside(value, o.ui(f"summary.basis.{s.shown_basis}"), o.lang)
    return labelled(text, s.resolution, o.lang) if s.resolution else text


def source_line(c: Consolidation, f: Figure, lang: str) -> str:
    """Where sources disagree on a figure: who said what, the figure retained, its source named,
    and the rule that chose it (the summary's Justice chains sheet and the report say it alike)."""
    said = join_said((labelled(r.respondent.institution, number_text(r.value, lang), lang)
                      for r in f.reports), lang)
    source = f.chosen.respondent.institution if f.chosen and f.resolved is None else ""
    value = f.consolidated
    retained = "–" if value is None else number_text(value, lang)
    retained = aside(retained, source, lang) if source else retained
    rule = ui(f"summary.figure_rule.{f.rule}", lang)
    rule = labelled(rule, f.resolution, lang) if f.resolution else rule
    return ui("summary.chain.source_line", lang,
              indicator=indicator_label(c.toolkit, f.indicator, lang),
              year=f.year, reports=said, retained=retained, rule=rule)


def coordinate_text(o: Out, p: Package) -> str:
    return (o.ui("summary.coordinate", partners=join_items(p.providers, o.lang))
            if p.providers else "")


def ranking_text(w: Weights, lang: str) -> str:
    """The ranking formula with the weights used (the Plan sheet and the report's Method)."""
    source = ui("summary.weights.defaults", lang) if w.source == "defaults" else w.source
    def n(value: float) -> str:
        return number_text(value, lang)

    return ui("summary.ranking_weights", lang, **{
        **{f"sev_{s}": n(w.severity[s]) for s in SEVERITIES},
        **{f"urg_{p}": n(v) for p, v in w.urgency.items()},
        "urg_default": n(w.urgency_default),
        **{f"conf_{k}": n(v) for k, v in w.confidence.items()},
        "per_respondent": n(w.per_respondent), "respondents_max": n(w.respondents_max),
        "per_need": n(w.per_need), "needs_max": n(w.needs_max), "source": source})

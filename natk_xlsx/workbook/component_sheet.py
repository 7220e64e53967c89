"""One component sheet: title, purpose, column headers, and a row per question, option and
statistics-table line (the table rows are in ``stats_table``), laid out to print legibly."""

from __future__ import annotations

import datetime as dt
import re

from natk_xlsx import layout
from natk_xlsx.i18n.languages import (
    LRM,
    RTL_LANGUAGES,
    decimal_text,
    join_items,
    join_parts,
    left_to_right,
    tr,
)
from natk_xlsx.spec.model import LONG_TEXT_MAX, SHORT_TEXT_MAX, Question, plain_number
from natk_xlsx.textwidth import BOLD_WIDTH, MAX_ROW_HEIGHT
from natk_xlsx.workbook.common import (
    PAPER_A4,
    PROVIDED_ANSWERS,
    SIDE_MARGIN,
    USUAL_YES_NO,
    WRITING_LINES,
    check,
    fitted_height,
)
from natk_xlsx.workbook.formulas import number, progress_formulas
from natk_xlsx.workbook.pages import (
    ANSWER,
    ASKED,
    SAFETY,
    TABLE,
    TITLE,
    blocks,
    page_breaks,
    page_room,
)
from natk_xlsx.workbook.plan import OPTION, QUESTION, SECTION, Row
from natk_xlsx.workbook.sheet_base import SheetBase
from natk_xlsx.workbook.stats_table import OPTION_INDENT, table_width, write_table_row
from natk_xlsx.workbook.xlsx import page_footer, page_header

DEFAULT_MIN_DATE = dt.date(1900, 1, 1)
DEFAULT_MAX_DATE = dt.date(2100, 12, 31)
INTEGER_MAX = 999_999_999
#: Before each answer a single-choice question offers, listed under the question: a box to tick
#: on paper (a ballot box: the white circle ○ collided with a leading Arabic "لا" in the
#: fonts LibreOffice prints Arabic with).
CHOICE_MARK = layout.CHOICE_MARK
#: An article that is a named part of an instrument, not a number ("Principle 7").
_NAMED_ARTICLE = re.compile(r"(Principle|Guideline) (\d+(?:\.\d+)?)")
#: The top and bottom margins of a printed page, in inches (the header and footer lie in them).
END_MARGIN = 0.6
#: The most of a country's or an institution's name a page's footer shows (the footer, with
#: its fonts and the page number, holds 255 characters at most).
FOOTER_NAME_MAX = 80
#: Lines of room to write a long text answer by hand on the printed sheet.
LONG_TEXT_LINES = 4


def _cut(name: str) -> str:
    """A name as a page's footer shows it: at most ``FOOTER_NAME_MAX`` characters as the footer
    holds them ("&" doubled), for a footer longer than 255 is not written at all."""
    if len(name) + name.count("&") <= FOOTER_NAME_MAX:
        return name
    while len(name) + name.count("&") > FOOTER_NAME_MAX - 1:
        name = name[:-1]
    return name.rstrip() + "…"


class ComponentSheet(SheetBase):
    """Writes one component sheet from its plan."""

    def write(self) -> None:
        ws = self.ws
        comp = self.plan.component
        if self.lang in RTL_LANGUAGES:
            ws.right_to_left()
        self.extra = max(0, self.last_column() - layout.COL_PROVIDER)
        for col in range(layout.COL_KEY):
            check(ws.set_column(col, col, self.width(col)), "column width")
        check(ws.set_column(layout.COL_KEY, layout.COL_ANSWERED, 12, None, {"hidden": True}),
              "hidden columns")
        check(ws.write_string(0, 0, tr(comp.title, self.lang), self.s.title), "title")
        self.set_height(0, 24, "title row")
        purpose = tr(comp.purpose, self.lang)
        check(ws.merge_range(1, 0, 1, layout.COL_PROVIDER, purpose, self.s.subtitle), "purpose")
        self.set_height(1, fitted_height([(purpose, self._span(0, layout.COL_PROVIDER))]),
                        "purpose row")
        headers = [self.ui(key) for key in layout.HEADERS]
        for col, text in enumerate(headers):
            check(ws.write_string(layout.HEADER_ROW, col, text, self.s.header), "header")
        self.set_height(layout.HEADER_ROW, fitted_height(  # bold: about a tenth wider
            [(text, self.width(col) / BOLD_WIDTH) for col, text in enumerate(headers)]), "header row")
        for row in self.plan.rows:
            self._write_row(row)
        self.write_validations()
        self._page_setup()

    def _span(self, first: int, last: int) -> float:
        """The width of merged columns ``first`` to ``last``."""
        return sum(self.width(c) for c in range(first, last + 1))

    # -- rows --------------------------------------------------------------------------------
    def _write_row(self, row: Row) -> None:
        ws = self.ws
        if row.key is not None:
            check(ws.write_string(row.index, layout.COL_KEY, row.key), "row key")
        if row.kind == SECTION:
            assert row.section is not None
            title = tr(row.section.title, self.lang)
            check(ws.merge_range(row.index, 0, row.index, layout.COL_PROVIDER, title,
                                 self.s.section), "section")
            self.set_height(row.index, max(20.0, fitted_height(
                [(title, self._span(0, layout.COL_PROVIDER))], 11.0)), "section row")
            return
        q = row.question
        assert q is not None
        if row.kind == QUESTION:
            self._question_row(row.index, q)
        elif row.kind == OPTION:
            self._option_row(row, q)
        else:
            write_table_row(self, row, q)

    def _question_row(self, r: int, q: Question) -> None:
        ws, s = self.ws, self.s
        text = tr(q.text, self.lang)
        if not q.required:
            text += f" ({self.ui('row.optional')})"
        text = self._with_choices(q, text)
        guidance = tr(q.guidance, self.lang)
        refs = self._standards(q)
        if refs:
            guidance += f"\n［{refs}］" if self.lang == "zh" else f"\n[{refs}]"
        check(ws.write_string(r, layout.COL_ID, q.id, s.id), q.id)
        check(ws.write_string(r, layout.COL_QUESTION, text, s.text), q.id)
        check(ws.write_string(r, layout.COL_GUIDANCE, guidance, s.guidance), q.id)
        texts: list[tuple[str, float]] = [
            (text, self.width(layout.COL_QUESTION)),
            (guidance, self.width(layout.COL_GUIDANCE))]
        if q.type in ("multiple_choice", "stats_table"):
            note = self.ui("row.multiple" if q.type == "multiple_choice" else "row.table")
            check(ws.write_string(r, layout.COL_ANSWER, note, s.note), q.id)
            texts.append((note, self.width(layout.COL_ANSWER)))
        else:
            self._answer_cell(r, q)
        for col in (layout.COL_COMMENT, layout.COL_EVIDENCE, layout.COL_PROVIDER):
            check(ws.write_blank(r, col, None, s.answer_text), q.id)
        for col, list_name in ((layout.COL_PRIORITY, self.lists.shared("priority")),
                               (layout.COL_PROVIDED, self.lists.shared(
                                   "yes_no", PROVIDED_ANSWERS))):
            check(ws.write_blank(r, col, None, s.answer_general), q.id)
            self.list_validation(r, col, list_name, q.id)
        check(self.wb.define_name(q.id, "=" + self.plan.answers[q.id].ref(self.plan.sheet_name)),
              f"defined name {q.id}")
        self._progress_cells(r, q)
        self.skip_format(r, q)
        room = LONG_TEXT_LINES if q.type == "long_text" else WRITING_LINES
        self.set_height(r, fitted_height(texts, min_lines=room), q.id)

    def _standards(self, q: Question) -> str:
        """The instruments a question rests on, each named once with its articles, as the sheet's
        language cites them: "Trafficking Protocol, arts 3(c), 3(d); UNODC Model Law, art. 8". An
        instrument whose parts have names of their own ("Principle 7") is cited by its ``cite``
        form when it has one ("OHCHR Principle 7", not "OHCHR Principles Principle 7")."""
        articles: dict[str, list[str]] = {}
        for st in q.standards:
            articles.setdefault(st.instrument, [])
            if st.article:
                articles[st.instrument].append(st.article)
        known = {e.code: e.extra for e in self.toolkit.vocabularies["instruments"]}
        parts = []
        for code, cited in articles.items():
            extra = known.get(code, {})
            short = tr(extra.get("short"), self.lang) or code
            named = join_items((self._article(a) for a in cited), self.lang)
            if not cited:
                parts.append(short)
            elif extra.get("cite") and all(_NAMED_ARTICLE.fullmatch(a) for a in cited):
                parts.append(tr(extra["cite"], self.lang).replace("{parts}", named))
            else:  # "ILO C29, art. 25", not "ILO C29 25"
                parts.append(self.ui("row.articles", instrument=short, articles=named,
                                     count=len(cited)))
        return join_parts(parts, self.lang)

    def _with_choices(self, q: Question, text: str) -> str:
        """The question, then (for a single-choice question, and a yes-or-no question that does
        not offer the usual answers, whose drop-down lists show nothing on paper) each answer it
        offers after a box to tick, as a printed questionnaire lists them: one a line, or
        side by side where one a line would make the row taller than a row can be."""
        codes = self.toolkit.answer_codes(q)
        if q.type != "single_choice" and (q.type != "yes_no" or codes == USUAL_YES_NO):
            return text
        offered = [f"{CHOICE_MARK} {self.toolkit.answer_label(q, code, self.lang)}"
                   for code in codes]
        listed = text + "".join(f"\n{choice}" for choice in offered)
        if fitted_height([(listed, self.width(layout.COL_QUESTION))]) < MAX_ROW_HEIGHT:
            return listed
        return text + "\n" + "   ".join(offered)

    def _article(self, article: str) -> str:
        """An article as cited in the sheet's language: "3(c)" as it is, "Principle 7" and
        "Guideline 2.1" (the Recommended Principles and Guidelines) in words of that language."""
        named = _NAMED_ARTICLE.fullmatch(article)
        if named is not None:
            return self.ui(f"row.{named.group(1).lower()}", n=named.group(2))
        if self.lang in RTL_LANGUAGES:  # "3(a)" read as "(a)3" and "7(1)" as "(1)7" otherwise
            return f"{LRM}{article}{LRM}"
        return article

    def _answer_cell(self, r: int, q: Question) -> None:
        ws, s, c = self.ws, self.s, layout.COL_ANSWER
        con = q.constraints
        title = layout.input_title(q.id)
        prompt = tr(q.guidance, self.lang)
        if q.type in ("yes_no", "single_choice"):
            check(ws.write_blank(r, c, None, s.answer_general), q.id)
            self.list_validation(r, c, self.lists.for_question(q), q.id, prompt)
            return
        if q.type in ("short_text", "long_text"):
            limit = con.get("max_length", SHORT_TEXT_MAX if q.type == "short_text" else LONG_TEXT_MAX)
            check(ws.write_blank(r, c, None, s.answer_text), q.id)
            self.validate(r, c, q.id, {
                "validate": "length", "criteria": "<=", "value": limit,
                "input_title": title, "input_message": prompt,
                "error_message": self.ui("validation.length", max=limit)})
            return
        if q.type == "date":
            low = dt.date.fromisoformat(con["min_date"]) if "min_date" in con else DEFAULT_MIN_DATE
            high = dt.date.fromisoformat(con["max_date"]) if "max_date" in con else DEFAULT_MAX_DATE
            check(ws.write_blank(r, c, None, s.answer_date), q.id)
            self.validate(r, c, q.id, {
                "validate": "date", "criteria": "between",
                "minimum": dt.datetime.combine(low, dt.time()),
                "maximum": dt.datetime.combine(high, dt.time()),
                "input_title": title, "input_message": prompt,
                "error_message": self.ui("validation.date", min=low.isoformat(),
                                         max=high.isoformat(), example="2024-03-15")})
            return
        low_default, high_default, fmt, kind, key = {
            "integer": (0, INTEGER_MAX, s.answer_integer, "integer", "validation.integer"),
            "decimal": (0, 1e12, s.answer_decimal, "decimal", "validation.decimal"),
            "percentage": (0, 100, s.answer_percent, "decimal", "validation.percentage"),
            "year": (1900, 2100, s.answer_integer, "integer", "validation.year"),
        }[q.type]
        low = con.get("min", low_default)
        high = con.get("max", high_default)
        scale = 100 if q.type == "percentage" else 1
        check(ws.write_blank(r, c, None, fmt), q.id)
        open_ended = "max" not in con and q.type in ("integer", "decimal")  # no 999999999
        bounds = {"criteria": ">=", "value": plain_number(low)} if open_ended else {
            "criteria": "between", "minimum": plain_number(low / scale),
            "maximum": plain_number(high / scale)}
        self.validate(r, c, q.id, {
            "validate": kind, **bounds, "input_title": title, "input_message": prompt,
            "error_message": self.ui(key + (".open" if open_ended else ""),
                                     min=decimal_text(number(low), self.lang),
                                     max=decimal_text(number(high), self.lang))})

    def _option_row(self, row: Row, q: Question) -> None:
        ws, r, s = self.ws, row.index, self.s
        assert row.code is not None
        label = self.toolkit.answer_label(q, row.code, self.lang)
        self.side(r, q)
        check(ws.write_string(r, layout.COL_GUIDANCE, label, s.option), q.id)
        check(ws.write_blank(r, layout.COL_ANSWER, None, s.answer_general), q.id)
        tick = self.lists.shared("yes_no", ("yes",))
        self.list_validation(r, layout.COL_ANSWER, tick, q.id, tr(q.guidance, self.lang),
                             "validation.tick")
        for col in range(layout.COL_COMMENT, layout.COL_PROVIDER + 1):
            check(ws.write_blank(r, col, None, s.blank), q.id)
        width = self.width(layout.COL_GUIDANCE) - OPTION_INDENT
        self.set_height(r, fitted_height([(label, width)]), q.id)
        self.skip_format(r, q)

    # -- progress and print --------------------------------------------------------------------
    def _progress_cells(self, r: int, q: Question) -> None:
        (applicable, cached), (answered, zero) = progress_formulas(
            self.toolkit, self.plan, r, q, self.lists.labels)
        check(self.ws.write_formula(r, layout.COL_APPLICABLE, applicable, None, cached), q.id)
        check(self.ws.write_formula(r, layout.COL_ANSWERED, answered, None, zero), q.id)

    def last_column(self) -> int:
        """The rightmost printed column: the provider column, or the widest statistics grid."""
        last = layout.COL_PROVIDER
        for q in self.plan.component.questions:
            if q.type == "stats_table":
                last = max(last, layout.COL_ANSWER + table_width(self, q) - 1)
        return last

    def _page_setup(self) -> None:
        """A4 landscape, fit to the page's width only, header row on every page. The print area
        holds the columns a respondent fills in (never the hidden technical ones), narrow enough
        that 10 pt text prints at 8 pt or more (tests/test_print_layout.py measures it; a table
        wider than seven categories and a total would print smaller)."""
        ws = self.ws
        last = self.last_column()
        check(ws.freeze_panes(layout.FIRST_BODY_ROW, 1), "freeze panes")
        ws.set_landscape()
        ws.set_paper(PAPER_A4)
        ws.fit_to_pages(1, 0)
        check(ws.repeat_rows(layout.HEADER_ROW), "print titles")
        ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=END_MARGIN, bottom=END_MARGIN)
        ws.set_header(page_header(self.lang), {"margin": 0.25})
        ws.set_footer(page_footer(self._whose(), self.lang), {"margin": 0.25})
        check(ws.print_area(0, 0, self.plan.last_row, last), "print area")
        self._page_breaks(last)
        ws.protect("", {"format_columns": True, "format_rows": True,
                        "select_locked_cells": True, "select_unlocked_cells": True})

    def _whose(self) -> str:
        """Whose questionnaire a printed page is: the country, the institution and the
        workbook, so that a page come loose from a paper copy is matched to its return (the
        component sheets of every institution's copy have the same names)."""
        cover = self.spec.cover
        workbook = self.ui("page.workbook", workbook_id=left_to_right(
            self.spec.metadata["workbook_id"][:8], self.lang))
        return " · ".join(part for part in (_cut(cover.country), _cut(cover.institution),
                                            workbook) if part)

    def _page_breaks(self, last: int) -> None:
        """Pages that end between questions, with tables whole (``pages``)."""
        room = page_room([self.width(c) for c in range(last + 1)], True, SIDE_MARGIN,
                         END_MARGIN, END_MARGIN) * SAFETY - self.heights[layout.HEADER_ROW]
        rows = []
        for row in self.plan.rows:
            kind = ANSWER
            if row.kind == SECTION:
                kind = TITLE
            elif row.kind == QUESTION:
                assert row.question is not None
                kind = TABLE if row.question.type == "stats_table" else ASKED
            rows.append((row.index, self.heights[row.index], kind))
        breaks = page_breaks(blocks(rows, room), room, self.heights[0] + self.heights[1])
        if breaks:
            check(self.ws.set_h_pagebreaks(breaks), "page breaks")
        options = {row.index: row.question for row in self.plan.rows if row.kind == OPTION}
        for first in breaks:  # a list of answers carried over: whose they are, on paper
            q = options.get(first)
            if q is not None:
                check(self.ws.write_string(first, layout.COL_ID, q.id, self.s.id_again), q.id)

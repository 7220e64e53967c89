"""Writing the questionnaire workbook with xlsxwriter: the one module that uses it.

XlsxWriter fails softly (a -1 return code and a warning); every call here goes through ``_check``,
which turns a failure into ``WriterError``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from natk_xlsx import layout
from natk_xlsx.errors import NatkError
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import RTL_LANGUAGES, tr
from natk_xlsx.spec.conditions import evaluate, leaf_op
from natk_xlsx.spec.model import LONG_TEXT_MAX, SHORT_TEXT_MAX, Question, Toolkit, plain_number
from natk_xlsx.workbook.plan import (
    OPTION,
    QUESTION,
    SECTION,
    TABLE_HEADER,
    TABLE_RELIABILITY,
    TABLE_SOURCE,
    TABLE_TOTAL,
    TABLE_YEAR,
    Row,
    SheetPlan,
)

DATE_FORMAT = "yyyy-mm-dd"
DEFAULT_MIN_DATE = dt.date(1900, 1, 1)
DEFAULT_MAX_DATE = dt.date(2100, 12, 31)
INTEGER_MAX = 999_999_999
#: Fonts that cover the script of each language in Excel and LibreOffice.
FONTS = {"zh": "Microsoft YaHei", "ar": "Arial"}
DEFAULT_FONT = "Calibri"


class WriterError(NatkError):
    """XlsxWriter refused something; the message says what."""


def _check(result: Any, what: str) -> None:
    if isinstance(result, int) and result < 0:
        raise WriterError(f"cannot write the workbook: {what} (xlsxwriter returned {result})")


@dataclass(frozen=True)
class Cover:
    """What the cover sheet shows and which of its fields are pre-filled."""

    assessment: str = ""
    country: str = ""
    institution: str = ""
    respondent_name: str = ""
    role: str = ""
    contact: str = ""


@dataclass(frozen=True)
class WorkbookSpec:
    """Everything the writer needs, already decided by ``generate``."""

    toolkit: Toolkit
    plans: Sequence[SheetPlan]
    lang: str
    years: tuple[int, ...]
    cover: Cover
    metadata: Mapping[str, str]
    created: dt.datetime


class _Styles:
    """All cell formats, made once per workbook."""

    def __init__(self, wb: xlsxwriter.Workbook, lang: str) -> None:
        font = FONTS.get(lang, DEFAULT_FONT)
        rtl = lang in RTL_LANGUAGES
        base: dict[str, Any] = {"font_name": font, "font_size": 10, "valign": "top"}
        if rtl:
            base["reading_order"] = 2

        def fmt(**kw: Any) -> Format:
            return wb.add_format({**base, **kw})

        border = {"border": 1, "border_color": "#BFBFBF"}
        answer = {"locked": False, "bg_color": "#FFFFFF", "text_wrap": True, **border}
        self.title = fmt(bold=True, font_size=16, font_color="#1F3864", valign="vcenter")
        self.subtitle = fmt(italic=True, text_wrap=True, font_color="#404040")
        self.header = fmt(bold=True, text_wrap=True, bg_color="#1F3864", font_color="#FFFFFF",
                          valign="vcenter", **border)
        self.section = fmt(bold=True, font_size=11, bg_color="#D9E1F2", font_color="#1F3864",
                           valign="vcenter", **border)
        self.id = fmt(bold=True, font_color="#1F3864", bg_color="#F2F2F2", **border)
        self.text = fmt(text_wrap=True, bg_color="#F2F2F2", **border)
        self.guidance = fmt(text_wrap=True, italic=True, font_color="#404040", bg_color="#F2F2F2",
                            **border)
        self.note = fmt(text_wrap=True, italic=True, font_color="#7F7F7F", bg_color="#F2F2F2",
                        **border)
        self.option = fmt(text_wrap=True, bg_color="#F2F2F2", indent=1, **border)
        self.blank = fmt(bg_color="#F2F2F2", **border)
        self.answer_text = fmt(num_format="@", **answer)
        self.answer_general = fmt(**answer)
        self.answer_integer = fmt(num_format="0", **answer)
        self.answer_decimal = fmt(num_format="0.##", **answer)
        self.answer_percent = fmt(num_format="0%", **answer)
        self.answer_date = fmt(num_format=DATE_FORMAT, **answer)
        self.count = fmt(num_format="#,##0", **answer)
        self.table_head = fmt(bold=True, text_wrap=True, bg_color="#E7E6E6", align="center",
                              **border)
        self.year = fmt(bold=True, bg_color="#E7E6E6", align="center", num_format="0", **border)
        self.total = fmt(bold=True, bg_color="#E7E6E6", num_format="#,##0", **border)
        self.cover_label = fmt(bold=True, text_wrap=True, bg_color="#F2F2F2", **border)
        self.cover_value = fmt(num_format="@", **answer)
        self.cover_date = fmt(num_format=DATE_FORMAT, **answer)
        self.cover_prefilled = fmt(num_format="@", text_wrap=True, bg_color="#F2F2F2", **border)
        self.paragraph = fmt(text_wrap=True)
        self.bold = fmt(bold=True)
        self.percent = fmt(num_format="0%", **border)
        self.number = fmt(num_format="0", **border)
        self.cell = fmt(**border)
        self.legend_answer = fmt(**answer)
        self.legend_skipped = fmt(bg_color="#D9D9D9", font_color="#808080", **border)
        self.skipped = wb.add_format({"bg_color": "#D9D9D9", "font_color": "#808080"})
        self.meta = wb.add_format({"num_format": "@"})


class _Lists:
    """The hidden lists sheet: one named column of labels (and its codes) per list."""

    def __init__(self, wb: xlsxwriter.Workbook, toolkit: Toolkit, lang: str) -> None:
        self.wb = wb
        self.toolkit = toolkit
        self.lang = lang
        self.sheet = wb.add_worksheet(layout.LISTS_SHEET)
        self.columns: dict[str, int] = {}

    def add(self, key: str, codes: Sequence[str], labels: Sequence[str]) -> str:
        """Register a list once; return the defined name that refers to its labels."""
        name = layout.list_name(key)
        if key in self.columns:
            return name
        col = 2 * len(self.columns)
        self.columns[key] = col
        _check(self.sheet.write_string(0, col, key), f"list {key}")
        _check(self.sheet.write_string(0, col + 1, key), f"list {key}")
        for i, (code, label) in enumerate(zip(codes, labels, strict=True), start=1):
            _check(self.sheet.write_string(i, col, code), f"list {key}")
            _check(self.sheet.write_string(i, col + 1, label), f"list {key}")
        last = layout.cell_name(len(codes), col + 1)
        first = layout.cell_name(1, col + 1)
        _check(self.wb.define_name(name, f"={layout.LISTS_SHEET}!{first}:{last}"), f"name {name}")
        return name

    def for_question(self, q: Question) -> str:
        codes = self.toolkit.answer_codes(q)
        if q.type == "yes_no":
            key = "yes_no" + ("" if q.partly else "_nopartly") + ("_na" if q.allow_na else "")
        else:
            assert q.choices is not None
            key = q.choices + ("_na" if q.allow_na else "")
        labels = [self.toolkit.answer_label(q, c, self.lang) for c in codes]
        return self.add(key, codes, labels)

    def shared(self, list_id: str, codes: Sequence[str] | None = None) -> str:
        choice_list = self.toolkit.choice_lists[list_id]
        chosen = codes or choice_list.codes
        key = list_id if codes is None else f"{list_id}_{len(chosen)}"
        return self.add(key, chosen, [choice_list.label(c, self.lang) for c in chosen])


def _number(value: float) -> str:
    return str(plain_number(value))


def _row_height(texts: Sequence[tuple[str, int]]) -> float:
    """Estimate the height a row of wrapped texts needs (characters per width unit ≈ 1.15)."""
    lines = 1
    for text, width in texts:
        per_line = max(8, int(width * 1.15))
        count = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        lines = max(lines, count)
    return min(409.0, 13.5 * lines + 3)


class _ComponentWriter:
    """Writes one component sheet from its plan."""

    def __init__(self, wb: xlsxwriter.Workbook, spec: WorkbookSpec, plan: SheetPlan,
                 styles: _Styles) -> None:
        self.wb = wb
        self.spec = spec
        self.toolkit = spec.toolkit
        self.plan = plan
        self.lang = spec.lang
        self.s = styles
        self.ws: Worksheet = wb.add_worksheet(plan.sheet_name)

    def ui(self, key: str, **kw: Any) -> str:
        return ui(key, self.lang, **kw)

    def write(self, lists: _Lists) -> None:
        self.lists = lists
        ws = self.ws
        comp = self.plan.component
        if self.lang in RTL_LANGUAGES:
            ws.right_to_left()
        for col, width in enumerate(layout.COLUMN_WIDTHS):
            _check(ws.set_column(col, col, width), "column width")
        _check(ws.set_column(layout.COL_PROVIDER + 1, layout.COL_KEY - 1, 13), "grid columns")
        _check(ws.set_column(layout.COL_KEY, layout.COL_ANSWERED, 12, None, {"hidden": True}),
               "hidden columns")
        _check(ws.write_string(0, 0, tr(comp.title, self.lang), self.s.title), "title")
        _check(ws.set_row(0, 24), "title row")
        last_col = layout.COL_PROVIDER
        _check(ws.merge_range(1, 0, 1, last_col, tr(comp.purpose, self.lang), self.s.subtitle),
               "purpose")
        _check(ws.set_row(1, _row_height([(tr(comp.purpose, self.lang), 200)])), "purpose row")
        for col, key in enumerate(layout.HEADERS):
            _check(ws.write_string(layout.HEADER_ROW, col, self.ui(key), self.s.header), "header")
        _check(ws.set_row(layout.HEADER_ROW, 30), "header row")
        for row in self.plan.rows:
            self._write_row(row)
        self._page_setup()

    # -- rows --------------------------------------------------------------------------------
    def _write_row(self, row: Row) -> None:
        ws = self.ws
        if row.key is not None:
            _check(ws.write_string(row.index, layout.COL_KEY, row.key), "row key")
        if row.kind == SECTION:
            assert row.section is not None
            _check(ws.merge_range(row.index, 0, row.index, layout.COL_PROVIDER,
                                  tr(row.section.title, self.lang), self.s.section), "section")
            _check(ws.set_row(row.index, 20), "section row")
            return
        q = row.question
        assert q is not None
        writers = {
            QUESTION: self._question_row,
            OPTION: self._option_row,
            TABLE_HEADER: self._table_header,
            TABLE_YEAR: self._table_year,
            TABLE_TOTAL: self._table_total,
            TABLE_SOURCE: self._table_source,
            TABLE_RELIABILITY: self._table_reliability,
        }
        writers[row.kind](row, q)

    def _question_row(self, row: Row, q: Question) -> None:
        ws, r, s = self.ws, row.index, self.s
        text = tr(q.text, self.lang)
        if not q.required:
            text += f" ({self.ui('row.optional')})"
        guidance = tr(q.guidance, self.lang)
        refs = self._standards(q)
        if refs:
            guidance += f"\n[{refs}]"
        _check(ws.write_string(r, layout.COL_ID, q.id, s.id), q.id)
        _check(ws.write_string(r, layout.COL_QUESTION, text, s.text), q.id)
        _check(ws.write_string(r, layout.COL_GUIDANCE, guidance, s.guidance), q.id)
        if q.type == "multiple_choice":
            _check(ws.write_string(r, layout.COL_ANSWER, self.ui("row.multiple"), s.note), q.id)
        elif q.type == "stats_table":
            _check(ws.write_string(r, layout.COL_ANSWER, self.ui("row.table"), s.note), q.id)
        else:
            self._answer_cell(r, q)
        for col in (layout.COL_COMMENT, layout.COL_EVIDENCE, layout.COL_PROVIDER):
            _check(ws.write_blank(r, col, None, s.answer_text), q.id)
        for col, list_name in ((layout.COL_PRIORITY, self.lists.shared("priority")),
                               (layout.COL_PROVIDED, self.lists.shared(
                                   "yes_no", ("yes", "no", "dont_know")))):
            _check(ws.write_blank(r, col, None, s.answer_general), q.id)
            self._list_validation(r, col, list_name, q.id)
        _check(self.wb.define_name(q.id, "=" + self.plan.answers[q.id].ref(self.plan.sheet_name)),
               f"defined name {q.id}")
        self._progress_cells(r, q)
        self._skip_format(r, q)
        height = _row_height([(text, layout.COLUMN_WIDTHS[1]), (guidance, layout.COLUMN_WIDTHS[2])])
        _check(ws.set_row(r, height), q.id)

    def _side(self, r: int, q: Question) -> None:
        """The grey id and question cells of a row that belongs to a question above it."""
        _check(self.ws.write_blank(r, layout.COL_ID, None, self.s.blank), q.id)
        _check(self.ws.write_blank(r, layout.COL_QUESTION, None, self.s.blank), q.id)

    def _standards(self, q: Question) -> str:
        parts = []
        for st in q.standards:
            short = next((tr(e.extra["short"], self.lang) for e in
                          self.toolkit.vocabularies["instruments"] if e.code == st.instrument),
                         st.instrument)
            parts.append(f"{short} {st.article}" if st.article else short)
        return "; ".join(parts)

    def _answer_cell(self, r: int, q: Question) -> None:
        ws, s, c = self.ws, self.s, layout.COL_ANSWER
        con = q.constraints
        title = layout.input_title(q.id)
        prompt = tr(q.guidance, self.lang)
        if q.type in ("yes_no", "single_choice"):
            _check(ws.write_blank(r, c, None, s.answer_general), q.id)
            self._list_validation(r, c, self.lists.for_question(q), q.id, prompt)
            return
        if q.type in ("short_text", "long_text"):
            limit = con.get("max_length", SHORT_TEXT_MAX if q.type == "short_text" else LONG_TEXT_MAX)
            _check(ws.write_blank(r, c, None, s.answer_text), q.id)
            self._validate(r, c, q.id, {
                "validate": "length", "criteria": "<=", "value": limit,
                "input_title": title, "input_message": prompt,
                "error_message": self.ui("validation.length", max=limit)})
            return
        if q.type == "date":
            low = dt.date.fromisoformat(con["min_date"]) if "min_date" in con else DEFAULT_MIN_DATE
            high = dt.date.fromisoformat(con["max_date"]) if "max_date" in con else DEFAULT_MAX_DATE
            _check(ws.write_blank(r, c, None, s.answer_date), q.id)
            self._validate(r, c, q.id, {
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
        _check(ws.write_blank(r, c, None, fmt), q.id)
        self._validate(r, c, q.id, {
            "validate": kind, "criteria": "between", "minimum": plain_number(low / scale),
            "maximum": plain_number(high / scale), "input_title": title, "input_message": prompt,
            "error_message": self.ui(key, min=_number(low), max=_number(high))})

    def _validate(self, r: int, c: int, qid: str, options: dict[str, Any]) -> None:
        options.setdefault("error_title", self.ui("validation.error_title"))
        options["input_message"] = options["input_message"][: layout.VALIDATION_MESSAGE_MAX]
        options["error_message"] = options["error_message"][: layout.VALIDATION_MESSAGE_MAX]
        options["input_title"] = options["input_title"][: layout.VALIDATION_TITLE_MAX]
        _check(self.ws.data_validation(r, c, r, c, options), f"validation of {qid}")

    def _list_validation(self, r: int, c: int, list_name: str, qid: str,
                         prompt: str | None = None, message_key: str = "validation.list") -> None:
        options: dict[str, Any] = {"validate": "list", "source": f"={list_name}",
                                   "error_message": self.ui(message_key)}
        if prompt:
            options["input_title"] = layout.input_title(qid)
            options["input_message"] = prompt
        else:
            options["input_message"] = ""
            options["input_title"] = ""
            options["show_input"] = False
        self._validate(r, c, qid, options)

    def _option_row(self, row: Row, q: Question) -> None:
        ws, r, s = self.ws, row.index, self.s
        assert row.code is not None
        label = self.toolkit.answer_label(q, row.code, self.lang)
        self._side(r, q)
        _check(ws.write_string(r, layout.COL_GUIDANCE, label, s.option), q.id)
        _check(ws.write_blank(r, layout.COL_ANSWER, None, s.answer_general), q.id)
        tick = self.lists.shared("yes_no", ("yes",))
        self._list_validation(r, layout.COL_ANSWER, tick, q.id, tr(q.guidance, self.lang),
                              "validation.tick")
        for col in range(layout.COL_COMMENT, layout.COL_PROVIDER + 1):
            _check(ws.write_blank(r, col, None, s.blank), q.id)
        _check(ws.set_row(r, _row_height([(label, layout.COLUMN_WIDTHS[2])])), q.id)
        self._skip_format(r, q)

    def _breakdown(self, q: Question) -> tuple[list[str], bool]:
        assert q.breakdown is not None
        bd = self.toolkit.breakdowns[q.breakdown]
        return [tr(c.label, self.lang) for c in bd.columns], bd.additive

    def _table_header(self, row: Row, q: Question) -> None:
        ws, r, s = self.ws, row.index, self.s
        labels, additive = self._breakdown(q)
        self._side(r, q)
        _check(ws.write_string(r, layout.COL_GUIDANCE, self.ui("row.year"), s.table_head), q.id)
        for i, label in enumerate(labels):
            _check(ws.write_string(r, layout.COL_ANSWER + i, label, s.table_head), q.id)
        if additive:
            _check(ws.write_string(r, layout.COL_ANSWER + len(labels), self.ui("row.total"),
                                   s.table_head), q.id)
        widths = [layout.COLUMN_WIDTHS[min(layout.COL_ANSWER + i, len(layout.COLUMN_WIDTHS) - 1)]
                  for i in range(len(labels))]
        _check(ws.set_row(r, _row_height(list(zip(labels, widths, strict=True)))), q.id)
        self._skip_format(r, q)

    def _table_year(self, row: Row, q: Question) -> None:
        ws, r, s = self.ws, row.index, self.s
        labels, additive = self._breakdown(q)
        self._side(r, q)
        _check(ws.write_number(r, layout.COL_GUIDANCE, row.year, s.year), q.id)
        first, last = layout.COL_ANSWER, layout.COL_ANSWER + len(labels) - 1
        for col in range(first, last + 1):
            _check(ws.write_blank(r, col, None, s.count), q.id)
        self._validate_range(r, first, r, last, q.id)
        if additive:
            formula = f"=IF(COUNT({layout.cell_name(r, first, False)}:" \
                      f"{layout.cell_name(r, last, False)})=0,\"\"," \
                      f"SUM({layout.cell_name(r, first, False)}:{layout.cell_name(r, last, False)}))"
            _check(ws.write_formula(r, last + 1, formula, s.total, ""), q.id)
        self._skip_format(r, q)

    def _validate_range(self, r1: int, c1: int, r2: int, c2: int, qid: str) -> None:
        _check(self.ws.data_validation(r1, c1, r2, c2, {
            "validate": "integer", "criteria": ">=", "value": 0,
            "error_title": self.ui("validation.error_title"),
            "error_message": self.ui("validation.count")}), f"validation of {qid}")

    def _table_total(self, row: Row, q: Question) -> None:
        ws, r, s = self.ws, row.index, self.s
        labels, additive = self._breakdown(q)
        grid = self.plan.answers[q.id]
        self._side(r, q)
        _check(ws.write_string(r, layout.COL_GUIDANCE, self.ui("row.total"), s.table_head), q.id)
        width = len(labels) + (1 if additive else 0)
        for i in range(width):
            col = layout.COL_ANSWER + i
            span = f"{layout.cell_name(grid.first_row, col, False)}:" \
                   f"{layout.cell_name(grid.last_row, col, False)}"
            formula = f"=IF(COUNT({span})=0,\"\",SUM({span}))"
            _check(ws.write_formula(r, col, formula, s.total, ""), q.id)
        self._skip_format(r, q)

    def _table_source(self, row: Row, q: Question) -> None:
        ws, r, s = self.ws, row.index, self.s
        self._side(r, q)
        _check(ws.write_string(r, layout.COL_GUIDANCE, self.ui("row.source"), s.option), q.id)
        _check(ws.merge_range(r, layout.COL_ANSWER, r, layout.COL_EVIDENCE, "", s.answer_text),
               q.id)
        _check(self.wb.define_name(f"{q.id}_source",
                                   "=" + self.plan.table_source[q.id].ref(self.plan.sheet_name)),
               f"defined name {q.id}_source")
        _check(ws.set_row(r, 28), q.id)
        self._skip_format(r, q)

    def _table_reliability(self, row: Row, q: Question) -> None:
        ws, r, s = self.ws, row.index, self.s
        self._side(r, q)
        _check(ws.write_string(r, layout.COL_GUIDANCE, self.ui("row.reliability"), s.option), q.id)
        _check(ws.write_blank(r, layout.COL_ANSWER, None, s.answer_general), q.id)
        self._list_validation(r, layout.COL_ANSWER, self.lists.shared("reliability"), q.id)
        _check(self.wb.define_name(f"{q.id}_reliability", "=" + self.plan.table_reliability[
            q.id].ref(self.plan.sheet_name)), f"defined name {q.id}_reliability")
        self._skip_format(r, q)

    # -- skip logic and progress ---------------------------------------------------------------
    def _skip_format(self, r: int, q: Question) -> None:
        if q.relevant is None:
            return
        formula = "=NOT(" + self._excel_condition(q.relevant, q.id) + ")"
        _check(self.ws.conditional_format(r, 0, r, layout.COL_PROVIDER, {
            "type": "formula", "criteria": formula, "format": self.s.skipped}),
            f"skip logic of {q.id}")

    def _excel_condition(self, cond: Mapping[str, Any], self_id: str) -> str:
        if "all" in cond:
            return "AND(" + ",".join(self._excel_condition(c, self_id) for c in cond["all"]) + ")"
        if "any" in cond:
            return "OR(" + ",".join(self._excel_condition(c, self_id) for c in cond["any"]) + ")"
        if "not" in cond:
            return "NOT(" + self._excel_condition(cond["not"], self_id) + ")"
        qid = cond.get("question", self_id)
        target = self.toolkit.question(qid)
        cells = self.plan.answers[qid].ref()
        op = leaf_op(cond)
        if target.type == "multiple_choice":
            answered = f"COUNTA({cells})>0"
        elif target.type == "stats_table":
            answered = f"COUNT({cells})>0"
        else:
            answered = f"{cells}<>\"\""
        if op == "answered":
            return answered if cond["answered"] else f"NOT({answered})"
        if op in ("in", "not_in"):
            if target.type == "multiple_choice":
                yes = _quote(self.toolkit.choice_lists["yes_no"].label("yes", self.lang))
                hits = [f"{self.plan.options[(qid, c)].ref()}={yes}" for c in cond[op]]
            else:
                hits = [f"{cells}={_quote(self.toolkit.answer_label(target, c, self.lang))}"
                        for c in cond[op]]
            match = "OR(" + ",".join(hits) + ")"
            return match if op == "in" else f"AND({answered},NOT({match}))"
        symbol = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op]
        value = _number(cond[op])
        if target.type == "stats_table":
            return f"AND({answered},SUM({cells}){symbol}{value})"
        scaled = value if target.type != "percentage" else _number(float(cond[op]) / 100)
        return f"AND(ISNUMBER({cells}),{cells}{symbol}{scaled})"

    def _progress_cells(self, r: int, q: Question) -> None:
        applicable = "1" if q.relevant is None else \
            "IF(" + self._excel_condition(q.relevant, q.id) + ",1,0)"
        cached_applicable = 1 if q.relevant is None or evaluate(q.relevant, {}) else 0
        target_answered = self._excel_condition({"question": q.id, "answered": True}, q.id)
        apply_cell = layout.cell_name(r, layout.COL_APPLICABLE, False)
        _check(self.ws.write_formula(r, layout.COL_APPLICABLE, "=" + applicable, None,
                                     cached_applicable), q.id)
        _check(self.ws.write_formula(r, layout.COL_ANSWERED,
                                     f"=IF(AND({apply_cell}=1,{target_answered}),1,0)", None, 0),
               q.id)

    def _last_column(self) -> int:
        """The rightmost column in use: the comments columns, or the widest statistics grid."""
        last = layout.COL_PROVIDER
        for q in self.plan.component.questions:
            if q.type == "stats_table":
                labels, additive = self._breakdown(q)
                last = max(last, layout.COL_ANSWER + len(labels) - (0 if additive else 1))
        return last

    def _page_setup(self) -> None:
        ws = self.ws
        _check(ws.freeze_panes(layout.FIRST_BODY_ROW, 1), "freeze panes")
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        _check(ws.repeat_rows(layout.HEADER_ROW), "print titles")
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_header("&L&\"-,Bold\"&A", {"margin": 0.25})
        ws.set_footer("&L" + self.spec.cover.country.replace("&", "&&") + "&R&P / &N",
                      {"margin": 0.25})
        _check(ws.print_area(0, 0, self.plan.last_row, self._last_column()), "print area")
        ws.protect("", {"format_columns": True, "format_rows": True,
                        "select_locked_cells": True, "select_unlocked_cells": True})


def _applicable_when_blank(plan: SheetPlan) -> int:
    """Questions that apply in a blank workbook: the cover's figure before any recalculation."""
    return sum(1 for r in plan.rows if r.kind == QUESTION and r.question is not None
               and (r.question.relevant is None or evaluate(r.question.relevant, {})))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _write_cover(wb: xlsxwriter.Workbook, spec: WorkbookSpec, s: _Styles) -> None:
    lang = spec.lang
    ws = wb.add_worksheet(ui("sheet.cover", lang))
    if lang in RTL_LANGUAGES:
        ws.right_to_left()
    ws.set_column(0, 0, 44)
    ws.set_column(1, 3, 18)
    ws.set_column(4, 4, 30)
    _check(ws.write_string(0, 0, tr(spec.toolkit.title, lang), s.title), "cover title")
    _check(ws.set_row(0, 28), "cover")
    _check(ws.write_string(1, 0, ui("cover.fill_in", lang), s.subtitle), "cover")
    values = {f: getattr(spec.cover, f, "") for f in layout.COVER_FIELDS}
    row = 3
    for fld in layout.COVER_FIELDS:
        _check(ws.write_string(row, 0, ui(f"cover.{fld}", lang), s.cover_label), "cover")
        if fld == "completion_date":
            _check(ws.merge_range(row, 1, row, 4, "", s.cover_date), "cover")
            _check(ws.data_validation(row, 1, row, 1, {
                "validate": "date", "criteria": "between",
                "minimum": dt.datetime(2000, 1, 1), "maximum": dt.datetime(2100, 12, 31),
                "input_title": ui("cover.completion_date", lang)[:32],
                "input_message": ui("validation.cover_date", lang),
                "error_title": ui("validation.error_title", lang),
                "error_message": ui("validation.date", lang, min="2000-01-01",
                                    max="2100-12-31", example="2024-03-15")}), "cover date")
        else:
            _check(ws.merge_range(row, 1, row, 4, values[fld], s.cover_value), "cover")
        _check(wb.define_name(layout.cover_name(fld),
                              f"={layout.quote_sheet(ui('sheet.cover', lang))}!"
                              f"{layout.cell_name(row, 1)}"), "cover name")
        row += 1
    row += 1
    _check(ws.write_string(row, 0, ui("cover.purpose_heading", lang), s.bold), "cover")
    row += 1
    purpose = ui("cover.purpose_text", lang)
    _check(ws.merge_range(row, 0, row, 4, purpose, s.paragraph), "cover")
    _check(ws.set_row(row, _row_height([(purpose, 125)])), "cover")
    row += 2
    _check(ws.write_string(row, 0, ui("cover.progress_heading", lang), s.bold), "cover")
    row += 1
    for col, key in enumerate(("cover.progress_component", "cover.progress_answered",
                               "cover.progress_applicable", "cover.progress_percent")):
        _check(ws.write_string(row, col, ui(key, lang), s.header), "cover")
    first = row + 1
    total_applicable = 0
    for plan in spec.plans:
        row += 1
        rows = [r.index for r in plan.rows if r.kind == QUESTION]
        sheet = layout.quote_sheet(plan.sheet_name)
        span_a = f"{sheet}!{layout.cell_name(rows[0], layout.COL_ANSWERED)}:" \
                 f"{layout.cell_name(rows[-1], layout.COL_ANSWERED)}"
        span_b = f"{sheet}!{layout.cell_name(rows[0], layout.COL_APPLICABLE)}:" \
                 f"{layout.cell_name(rows[-1], layout.COL_APPLICABLE)}"
        applicable = _applicable_when_blank(plan)
        total_applicable += applicable
        _check(ws.write_string(row, 0, tr(plan.component.title, lang), s.cell), "cover")
        _check(ws.write_formula(row, 1, f"=SUM({span_a})", s.number, 0), "cover")
        _check(ws.write_formula(row, 2, f"=SUM({span_b})", s.number, applicable), "cover")
        _check(ws.write_formula(row, 3, f"=IF(C{row + 1}=0,0,B{row + 1}/C{row + 1})", s.percent,
                                0), "cover")
    row += 1
    _check(ws.write_string(row, 0, ui("cover.progress_total", lang), s.cover_label), "cover")
    _check(ws.write_formula(row, 1, f"=SUM(B{first + 1}:B{row})", s.number, 0), "cover")
    _check(ws.write_formula(row, 2, f"=SUM(C{first + 1}:C{row})", s.number, total_applicable),
           "cover")
    _check(ws.write_formula(row, 3, f"=IF(C{row + 1}=0,0,B{row + 1}/C{row + 1})", s.percent, 0),
           "cover")
    row += 2
    _check(ws.write_string(row, 0, ui("cover.version", lang, id=spec.toolkit.id,
                                      version=spec.toolkit.version,
                                      workbook_id=spec.metadata["workbook_id"]), s.subtitle),
           "cover")
    if spec.metadata.get("depth") == "core":  # a full questionnaire is the default
        _check(ws.write_string(row + 1, 0, ui("cover.depth_core", lang), s.subtitle), "cover")
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.activate()


def _write_instructions(wb: xlsxwriter.Workbook, spec: WorkbookSpec, s: _Styles) -> None:
    lang = spec.lang
    ws = wb.add_worksheet(ui("sheet.instructions", lang))
    if lang in RTL_LANGUAGES:
        ws.right_to_left()
    ws.set_column(0, 0, 4)
    ws.set_column(1, 1, 110)
    _check(ws.write_string(0, 1, ui("instructions.heading", lang), s.title), "instructions")
    _check(ws.set_row(0, 28), "instructions")
    row = 2
    for item in ui("instructions.items", lang).split("\n"):
        _check(ws.write_string(row, 1, item, s.paragraph), "instructions")
        _check(ws.set_row(row, _row_height([(item, 110)])), "instructions")
        row += 1
    row += 1
    _check(ws.write_string(row, 1, ui("instructions.legend", lang), s.bold), "instructions")
    row += 1
    _check(ws.write_blank(row, 0, None, s.legend_answer), "instructions")
    _check(ws.write_string(row, 1, ui("instructions.legend_answer", lang)), "instructions")
    row += 1
    _check(ws.write_blank(row, 0, None, s.legend_skipped), "instructions")
    _check(ws.write_string(row, 1, ui("instructions.legend_skipped", lang)), "instructions")
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"format_columns": True, "format_rows": True})


def _write_metadata(wb: xlsxwriter.Workbook, spec: WorkbookSpec, s: _Styles) -> None:
    ws = wb.add_worksheet(layout.META_SHEET)
    for row, key in enumerate(layout.META_KEYS):
        value = spec.metadata.get(key, "")
        _check(ws.write_string(row, 0, key, s.meta), "metadata")
        _check(ws.write_string(row, 1, value, s.meta), "metadata")
        if key in layout.PROPERTY_KEYS:
            _check(wb.set_custom_property(f"natk_{key}", value or "-"), "document property")
    ws.hide()
    ws.protect("")


def write_workbook(path: str, spec: WorkbookSpec) -> None:
    """Write the workbook described by ``spec`` to ``path``."""
    wb = xlsxwriter.Workbook(path, {
        "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
    })
    wb.set_properties({
        "title": tr(spec.toolkit.title, spec.lang),
        "subject": spec.cover.country,
        "author": "natk-xlsx",
        "company": spec.cover.institution,
        "created": spec.created,
        "comments": f"{spec.toolkit.id} {spec.toolkit.version}",
    })
    wb.set_calc_mode("auto")
    styles = _Styles(wb, spec.lang)
    _write_cover(wb, spec, styles)
    _write_instructions(wb, spec, styles)
    # Sheet order: cover, instructions, components, then the hidden lists and metadata sheets
    # (a hidden sheet cannot be the first). The lists sheet is filled while the components are
    # written, so every component sheet is created before it.
    writers = [_ComponentWriter(wb, spec, plan, styles) for plan in spec.plans]
    lists = _Lists(wb, spec.toolkit, spec.lang)
    for writer in writers:
        writer.write(lists)
    lists.sheet.hide()
    _write_metadata(wb, spec, styles)
    wb.close()

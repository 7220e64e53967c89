"""The layout plan of a workbook: which row holds what, before anything is written.

Spec model → plan → xlsx. The plan gives every question its answer cells, so that skip-logic
formulas and the cover's progress figures can point at cells that are written later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from natk_xlsx import layout
from natk_xlsx.i18n.languages import tr
from natk_xlsx.spec.model import Component, Question, Section, Toolkit

# Row kinds.
SECTION = "section"
QUESTION = "question"
OPTION = "option"
TABLE_HEADER = "table_header"
TABLE_YEAR = "table_year"
TABLE_TOTAL = "table_total"
TABLE_SOURCE = "table_source"
TABLE_RELIABILITY = "table_reliability"


@dataclass(frozen=True)
class Row:
    index: int
    kind: str
    key: str | None = None
    question: Question | None = None
    section: Section | None = None
    code: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class CellRange:
    first_row: int
    first_col: int
    last_row: int
    last_col: int

    def ref(self, sheet: str | None = None) -> str:
        first = layout.cell_name(self.first_row, self.first_col)
        last = layout.cell_name(self.last_row, self.last_col)
        body = first if first == last else f"{first}:{last}"
        return f"{layout.quote_sheet(sheet)}!{body}" if sheet else body


@dataclass(frozen=True)
class SheetPlan:
    component: Component
    sheet_name: str
    rows: tuple[Row, ...]
    #: question id → its answer cells (one cell, the option cells, or the statistics grid)
    answers: Mapping[str, CellRange]
    #: question id → the row of the question itself
    question_rows: Mapping[str, int]
    #: multiple choice: (question id, code) → the option's tick cell
    options: Mapping[tuple[str, str], CellRange] = field(default_factory=dict)
    #: statistics tables: question id → the source and the reliability cell
    table_source: Mapping[str, CellRange] = field(default_factory=dict)
    table_reliability: Mapping[str, CellRange] = field(default_factory=dict)

    @property
    def last_row(self) -> int:
        return self.rows[-1].index if self.rows else layout.HEADER_ROW


def plan_sheet(toolkit: Toolkit, component: Component, lang: str,
               years: tuple[int, ...]) -> SheetPlan:
    rows: list[Row] = []
    answers: dict[str, CellRange] = {}
    question_rows: dict[str, int] = {}
    options: dict[tuple[str, str], CellRange] = {}
    sources: dict[str, CellRange] = {}
    reliability: dict[str, CellRange] = {}
    r = layout.FIRST_BODY_ROW
    answer = layout.COL_ANSWER

    def add(kind: str, **kw: object) -> int:
        nonlocal r
        rows.append(Row(r, kind, **kw))  # type: ignore[arg-type]
        r += 1
        return r - 1

    for section in component.sections:
        questions = component.section_questions(section.id)
        if not questions:
            continue
        add(SECTION, section=section)
        for q in questions:
            row = add(QUESTION, key=layout.row_key(q.id), question=q)
            question_rows[q.id] = row
            if q.type == "multiple_choice":
                first = r
                for code in toolkit.answer_codes(q):
                    opt = add(OPTION, key=layout.row_key(q.id, code), question=q, code=code)
                    options[(q.id, code)] = CellRange(opt, answer, opt, answer)
                answers[q.id] = CellRange(first, answer, r - 1, answer)
            elif q.type == "stats_table":
                assert q.breakdown is not None
                width = len(toolkit.breakdowns[q.breakdown].columns)
                add(TABLE_HEADER, key=layout.row_key(q.id, layout.KEY_HEADER), question=q)
                first = r
                for year in years:
                    add(TABLE_YEAR, key=layout.row_key(q.id, year), question=q, year=year)
                answers[q.id] = CellRange(first, answer, r - 1, answer + width - 1)
                add(TABLE_TOTAL, key=layout.row_key(q.id, layout.KEY_TOTAL), question=q)
                src = add(TABLE_SOURCE, key=layout.row_key(q.id, layout.KEY_SOURCE), question=q)
                sources[q.id] = CellRange(src, answer, src, answer)
                rel = add(TABLE_RELIABILITY, key=layout.row_key(q.id, layout.KEY_RELIABILITY),
                          question=q)
                reliability[q.id] = CellRange(rel, answer, rel, answer)
            else:
                answers[q.id] = CellRange(row, answer, row, answer)
    return SheetPlan(component, tr(component.sheet_name, lang), tuple(rows), answers,
                     question_rows, options, sources, reliability)

"""Response burden: which questions each kind of respondent gets, at each depth, and how many.

A respondent of a kind receives the components whose ``respondents`` include the kind; within them,
the questions whose own ``respondents`` (if any) include it, plus the earlier questions their skip
logic looks at. A ``core`` assessment keeps only the questions marked ``depth: core`` (and, again,
what their skip logic needs). The burden counts the required questions a respondent gets and every
statistics table (one table counts as one question, required or not), in a blank workbook, so
before skip logic removes anything: the most a respondent can be asked.
"""

from __future__ import annotations

from collections.abc import Iterable

from natk_xlsx.spec.conditions import referenced_questions
from natk_xlsx.spec.lint_report import BurdenRow, Checker
from natk_xlsx.spec.model import Component, Question, Toolkit

DEPTHS = ("core", "full")
#: The most a respondent of one kind may be asked, per depth (a statistics table counts as one).
BURDEN_LIMITS = {"full": 100, "core": 40}


def select_questions(component: Component, kind: str | None, depth: str = "full") -> tuple[Question, ...]:
    """The questions of ``component`` a respondent of ``kind`` (None: anyone) gets at ``depth``,
    in the component's order, with the earlier questions their skip logic needs."""
    keep = {
        q.id for q in component.questions
        if (kind is None or not q.respondents or kind in q.respondents)
        and (depth == "full" or q.depth == "core")
    }
    by_id = {q.id: q for q in component.questions}
    todo = list(keep)
    while todo:  # a kept question needs the questions its skip logic looks at
        question = by_id[todo.pop()]
        if question.relevant is not None:
            for ref in referenced_questions(question.relevant):
                if ref in by_id and ref not in keep:
                    keep.add(ref)
                    todo.append(ref)
    return tuple(q for q in component.questions if q.id in keep)


def counts(questions: Iterable[Question]) -> tuple[int, int]:
    """(burden, tables): required questions plus every statistics table, and the tables."""
    burden = tables = 0
    for q in questions:
        if q.type == "stats_table":
            tables += 1
            burden += 1
        elif q.required:
            burden += 1
    return burden, tables


def burden_table(toolkit: Toolkit) -> list[BurdenRow]:
    """One row per respondent kind (in lists.json's order) and depth, for the kinds that get any
    component."""
    rows: list[BurdenRow] = []
    for entry in toolkit.vocabularies.get("respondent_kinds", ()):
        kind = entry.code
        components = [c for c in toolkit.components if kind in c.respondents]
        if not components:
            continue
        for depth in DEPTHS:
            burden = tables = 0
            for component in components:
                b, t = counts(select_questions(component, kind, depth))
                burden += b
                tables += t
            rows.append(BurdenRow(kind, depth, burden, tables, BURDEN_LIMITS[depth]))
    return rows


def check_burden(toolkit: Toolkit, check: Checker) -> list[BurdenRow]:
    """The burden table; an error for each kind asked more than the limit of its depth."""
    rows = burden_table(toolkit)
    for row in rows:
        if row.questions > row.limit:
            check.error("SPEC-BURDEN", "lists.json", f"$.respondent_kinds[{row.kind}]",
                        f"a respondent of kind '{row.kind}' gets {row.questions} required questions "
                        f"and tables in a {row.depth} assessment; the most is {row.limit}",
                        "narrow the questions' respondents to the institutions that own the answer"
                        + (", or mark fewer questions depth core" if row.depth == "core" else ""))
    return rows

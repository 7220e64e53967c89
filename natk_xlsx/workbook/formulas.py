"""The spreadsheet formulas of a component sheet: skip logic as an Excel condition, and the hidden
progress cells the cover adds up. Pure: a condition and a plan in, formula text out.

An answer is taken as the checker takes it, so that a question the workbook greys out is one the
checker does not ask for: a choice matches any language's label of it, in any case and with
spaces around it (MATCH over a named list of those labels); an option is ticked by anything but
a "no" of any language or a mark of an option left unticked (``layout.UNTICK_MARKS``). The lists
are named by the writer (``Names``: a key and its labels in, a defined name out), which keeps
the formulas short."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from natk_xlsx import layout
from natk_xlsx.i18n.languages import UN_LANGUAGES, without_marks
from natk_xlsx.spec.conditions import evaluate, leaf_op
from natk_xlsx.spec.model import Question, Toolkit, plain_number
from natk_xlsx.workbook.plan import QUESTION, SheetPlan


def number(value: float) -> str:
    return str(plain_number(value))


#: The writer's naming of a list of labels: (key, labels) → the defined name of the list.
Names = Callable[[str, Sequence[str]], str]


def _forms(label: str) -> list[str]:
    """A label as a respondent may type it and the checker reads it: as it is, without its
    accents and with plain punctuation ("Si" for "Sí", "是," for "是，"), and either with a final
    full stop ("Oui."): the checker reads each so."""
    bare = without_marks(unicodedata.normalize("NFKC", label))
    return [label, bare, label + ".", bare + "."]


def _every_label(toolkit: Toolkit, q: Question, codes: Sequence[str]) -> list[str]:
    """The labels of these answers of ``q`` in every language, in the forms the checker reads,
    each once; a yes-or-no question's "yes" and "no" also as a cell's TRUE and FALSE."""
    labels = [form for code in codes for lang in UN_LANGUAGES
              for form in _forms(toolkit.answer_label(q, code, lang))]
    if q.type == "yes_no":
        labels += [word for code, word in (("yes", "TRUE"), ("no", "FALSE")) if code in codes]
    return list(dict.fromkeys(labels))


def _unticked(toolkit: Toolkit) -> list[str]:
    """What leaves an option unticked: the "no" of every language, and the usual marks."""
    no = toolkit.choice_lists["yes_no"].choices
    labels = [form for choice in no if choice.code == "no" for text in choice.label.values()
              for form in _forms(text)]
    return list(dict.fromkeys([*labels, *layout.UNTICK_MARKS]))


def _typed(cell: str) -> str:
    """What was typed in ``cell``, for MATCH to compare exactly: spaces around it trimmed, and
    MATCH's wildcards (* ? ~) taken as the characters they are."""
    return f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM({cell}),"~","~~"),"*","~*"),"?","~?")'


def excel_condition(toolkit: Toolkit, plan: SheetPlan, cond: Mapping[str, Any], self_id: str,
                    names: Names) -> str:
    """A skip-logic or needs condition as an Excel formula over the plan's answer cells."""

    def sub(c: Mapping[str, Any]) -> str:
        return excel_condition(toolkit, plan, c, self_id, names)

    if "all" in cond:
        return "AND(" + ",".join(sub(c) for c in cond["all"]) + ")"
    if "any" in cond:
        return "OR(" + ",".join(sub(c) for c in cond["any"]) + ")"
    if "not" in cond:
        return "NOT(" + sub(cond["not"]) + ")"
    qid = cond.get("question", self_id)
    target = toolkit.question(qid)
    cells = plan.answers[qid].ref()
    op = leaf_op(cond)

    def ticked(codes: Sequence[str]) -> str:
        """Whether any of these options is ticked, as the checker reads a tick."""
        unticked = names("any_untick", _unticked(toolkit))
        hits = [f'AND(TRIM({cell})<>"",ISNA(MATCH({_typed(cell)},{unticked},0)))'
                for cell in (plan.options[(qid, c)].ref() for c in codes)]
        return hits[0] if len(hits) == 1 else "OR(" + ",".join(hits) + ")"

    if target.type == "multiple_choice":  # answered: some option ticked, not merely filled
        answered = ticked(toolkit.answer_codes(target))
    elif target.type == "stats_table":
        answered = f"COUNT({cells})>0"
    else:  # a cell of spaces is no answer
        answered = f"LEN(TRIM({cells}))>0"
    if op == "answered":
        return answered if cond["answered"] else f"NOT({answered})"
    if op in ("in", "not_in"):
        if target.type == "multiple_choice":
            match = ticked(cond[op])
        else:
            codes = list(cond[op])
            key = f"any_{target.choices or target.type}__{'__'.join(codes)}"
            match = (f"ISNUMBER(MATCH({_typed(cells)},"
                     f"{names(key, _every_label(toolkit, target, codes))},0))")
        return match if op == "in" else f"AND({answered},NOT({match}))"
    symbol = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op]
    value = number(cond[op])
    if target.type == "stats_table":
        return f"AND({answered},SUM({cells}){symbol}{value})"
    scaled = value if target.type != "percentage" else number(float(cond[op]) / 100)
    # a number typed as text ("3 ") is a number to the checker too
    return f"IFERROR(--TRIM({cells}){symbol}{scaled},FALSE)"


def excel_settled(toolkit: Toolkit, plan: SheetPlan, cond: Mapping[str, Any], self_id: str,
                  value: bool, names: Names) -> str:
    """An Excel formula true when the answers already given settle ``cond`` as ``value``. A
    blank answer settles nothing (the question may still be answered either way) but a leaf
    that asks whether it was answered: so a question whose earlier answer is still blank is
    not ruled out, and does not look, on paper or in a workbook not yet filled, as if it did
    not apply."""

    def sub(c: Mapping[str, Any], v: bool) -> str:
        return excel_settled(toolkit, plan, c, self_id, v, names)

    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        joined = "AND" if (key == "all") == value else "OR"
        return joined + "(" + ",".join(sub(c, value) for c in cond[key]) + ")"
    if "not" in cond:
        return sub(cond["not"], not value)
    holds = excel_condition(toolkit, plan, cond, self_id, names)
    if leaf_op(cond) == "answered":
        return holds if value else f"NOT({holds})"
    if value:  # every other leaf holds only once its question is answered
        return holds
    answered = excel_condition(toolkit, plan,
                               {"question": cond.get("question", self_id), "answered": True},
                               self_id, names)
    return f"AND({answered},NOT({holds}))"


def settled_when_blank(cond: Mapping[str, Any], value: bool) -> bool:
    """``excel_settled`` in a workbook with no answer at all."""
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        parts = (settled_when_blank(c, value) for c in cond[key])
        return all(parts) if (key == "all") == value else any(parts)
    if "not" in cond:
        return settled_when_blank(cond["not"], not value)
    return leaf_op(cond) == "answered" and evaluate(cond, {}) == value


def skip_formula(plan: SheetPlan, q: Question) -> str | None:
    """The conditional format's formula that greys out a row of a question that does not
    apply, given the answers already there: the question's hidden 'applicable' cell is 0
    (``progress_formulas``). One test for both, and a short format formula: Excel's own may
    refuse a long one, which the answers' matching in every language would make."""
    if q.relevant is None:
        return None
    cell = layout.cell_name(plan.question_rows[q.id], layout.COL_APPLICABLE)
    return f"={cell}=0"


def progress_formulas(toolkit: Toolkit, plan: SheetPlan, row: int, q: Question, names: Names
                      ) -> tuple[tuple[str, int], tuple[str, int]]:
    """(formula, value before recalculation) of the hidden 'applicable' and 'answered' cells:
    a question applies until the answers given rule it out."""
    applicable = "1" if q.relevant is None else \
        "IF(" + excel_settled(toolkit, plan, q.relevant, q.id, False, names) + ",0,1)"
    cached = 0 if q.relevant is not None and settled_when_blank(q.relevant, False) else 1
    answered = excel_condition(toolkit, plan, {"question": q.id, "answered": True}, q.id, names)
    apply_cell = layout.cell_name(row, layout.COL_APPLICABLE, False)
    return ("=" + applicable, cached), (f"=IF(AND({apply_cell}=1,{answered}),1,0)", 0)


def applicable_when_blank(plan: SheetPlan) -> int:
    """Questions that apply in a blank workbook: the cover's figure before any recalculation."""
    return sum(1 for r in plan.rows if r.kind == QUESTION and r.question is not None
               and (r.question.relevant is None
                    or not settled_when_blank(r.question.relevant, False)))

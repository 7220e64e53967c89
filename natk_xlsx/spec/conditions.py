"""Conditions on answers: skip logic (``relevant``) and needs rules (``needs[].when``).

A condition is a small JSON object (docs/spec-format.md). Answers are language-neutral values: a code
(yes_no, single_choice), a list of codes (multiple_choice), a number, a date or text, or for a
statistics table a mapping ``{year: {column: count}}``.

Needs rules may also look at the figures of statistics tables as a whole:

- ``{"question": "JUD.33", "total": "le", "value": 0}``: the grand total over the whole period
  compared with ``value`` (``lt``, ``le``, ``gt``, ``ge``, ``eq``);
- ``{"question": "JUD.33", "no_data": true}``: the table has no figure at all (unanswered, or every
  cell "not recorded");
- ``{"question": "PRS.35", "attrition_from": "PRS.34", "above": 0.8}``: the share lost between the
  earlier stage's total and this table's total is above 0.8 (only when the earlier total is above 0).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeGuard

Condition = Mapping[str, Any]

COMBINATORS = ("all", "any", "not")
CODE_OPS = ("in", "not_in")
NUMBER_OPS = ("lt", "le", "gt", "ge")
#: Leaves over a statistics table's figures as a whole (needs rules only).
STATS_OPS = ("total", "no_data", "attrition_from")
TOTAL_OPS = (*NUMBER_OPS, "eq")
LEAF_OPS = (*CODE_OPS, "answered", *NUMBER_OPS, *STATS_OPS)

_COMPARE: Mapping[str, Callable[[float, float], bool]] = {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "eq": lambda a, b: a == b,
}


def leaves(condition: Condition, path: str = "") -> Iterator[tuple[str, Condition]]:
    """Yield ``(json path suffix, leaf condition)`` for every leaf of ``condition``."""
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        for i, part in enumerate(condition[key]):
            yield from leaves(part, f"{path}.{key}[{i}]")
    elif "not" in condition:
        yield from leaves(condition["not"], f"{path}.not")
    else:
        yield path, condition


def leaf_op(leaf: Condition) -> str:
    for op in LEAF_OPS:
        if op in leaf:
            return op
    raise ValueError(f"not a leaf condition: {dict(leaf)!r}")


def referenced_questions(condition: Condition, default: str | None = None) -> set[str]:
    """Ids of the questions a condition looks at (``default`` for leaves that name none)."""
    found: set[str] = set()
    for _, leaf in leaves(condition):
        qid = leaf.get("question", default)
        if qid:
            found.add(qid)
        if "attrition_from" in leaf:
            found.add(leaf["attrition_from"])
    return found


def is_mapping(value: Any) -> TypeGuard[Mapping[Any, Any]]:
    """``isinstance(value, Mapping)``, a dict (nearly every case) found without the ABC's check,
    which costs ten times more: consolidation asks it hundreds of thousands of times."""
    return type(value) is dict or isinstance(value, Mapping)


def is_answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | tuple | set | frozenset):
        return len(value) > 0
    if is_mapping(value):
        return any(is_answered(v) for v in value.values())
    return True


def numeric_value(value: Any) -> float | None:
    """The number a comparison uses: the value itself, or a statistics table's grand total."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if is_mapping(value):
        total = 0.0
        seen = False
        for row in value.values():
            if is_mapping(row):
                for cell in row.values():
                    if isinstance(cell, int | float) and not isinstance(cell, bool):
                        total += cell
                        seen = True
        return total if seen else None
    return None


def evaluate(condition: Condition, answers: Mapping[str, Any], self_id: str | None = None) -> bool:
    """Whether ``condition`` holds for ``answers`` (question id → value).

    Leaves without ``question`` look at ``self_id``. An unanswered question makes ``in``,
    ``not_in`` and the comparisons false.
    """
    if "all" in condition:
        return all(evaluate(c, answers, self_id) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, answers, self_id) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers, self_id)
    qid = condition.get("question", self_id)
    value = answers.get(qid) if qid else None
    op = leaf_op(condition)
    if op in STATS_OPS:
        return _stats_leaf(op, condition, value, answers)
    if op == "answered":
        return is_answered(value) == bool(condition["answered"])
    if not is_answered(value):
        return False
    if op in CODE_OPS:
        chosen = set(value) if isinstance(value, list | tuple | set | frozenset) else {value}
        hit = bool(chosen & set(condition[op]))
        return hit if op == "in" else not hit
    number = numeric_value(value)
    if number is None:
        return False
    return _COMPARE[op](number, float(condition[op]))


def attrition(earlier: Any, later: Any) -> float | None:
    """The share lost between two stages' grand totals (0.75 when 100 became 25); None when either
    has no figure or the earlier one is 0."""
    first, second = numeric_value(earlier), numeric_value(later)
    if first is None or second is None or first <= 0:
        return None
    return 1.0 - second / first


def _stats_leaf(op: str, condition: Condition, value: Any, answers: Mapping[str, Any]) -> bool:
    if op == "no_data":
        return (numeric_value(value) is None) == bool(condition["no_data"])
    if op == "total":
        total = numeric_value(value)
        return total is not None and _COMPARE[condition["total"]](total, float(condition["value"]))
    lost = attrition(answers.get(condition["attrition_from"]), value)
    return lost is not None and lost > float(condition["above"])

"""Conditions decide skip logic and needs; unanswered questions never satisfy a match."""

from __future__ import annotations

import pytest

from natk_xlsx.spec.conditions import evaluate, numeric_value, referenced_questions

ANSWERS = {
    "LEG.01": "yes",
    "LEG.02": ["sexual_exploitation", "forced_labour"],
    "LEG.03": 3,
    "LEG.04": "",
    "LEG.05": {"2021": {"female": 2, "male": None}, "2022": {"female": 1, "male": 4}},
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"question": "LEG.01", "in": ["yes", "partly"]}, True),
        ({"question": "LEG.01", "in": ["no"]}, False),
        ({"question": "LEG.01", "not_in": ["no"]}, True),
        ({"question": "LEG.09", "not_in": ["no"]}, False),  # unanswered is not "not no"
        ({"question": "LEG.09", "in": ["no"]}, False),
        ({"question": "LEG.02", "in": ["forced_labour"]}, True),
        ({"question": "LEG.02", "not_in": ["organ_removal"]}, True),
        ({"question": "LEG.02", "not_in": ["forced_labour"]}, False),
        ({"question": "LEG.03", "lt": 4}, True),
        ({"question": "LEG.03", "ge": 4}, False),
        ({"question": "LEG.04", "answered": True}, False),  # blank text is not an answer
        ({"question": "LEG.04", "answered": False}, True),
        ({"question": "LEG.05", "ge": 7}, True),  # a table compares by its grand total
        ({"question": "LEG.05", "gt": 7}, False),
        ({"all": [{"question": "LEG.01", "in": ["yes"]}, {"question": "LEG.03", "gt": 1}]}, True),
        ({"any": [{"question": "LEG.01", "in": ["no"]}, {"question": "LEG.03", "gt": 5}]}, False),
        ({"not": {"question": "LEG.01", "in": ["no"]}}, True),
    ],
)
def test_evaluate(condition, expected):
    assert evaluate(condition, ANSWERS) is expected


def test_leaf_without_question_looks_at_the_owner():
    assert evaluate({"in": ["yes"]}, ANSWERS, self_id="LEG.01")
    assert not evaluate({"in": ["yes"]}, ANSWERS, self_id="LEG.09")


def test_referenced_questions():
    cond = {"all": [{"question": "A.01", "in": ["x"]}, {"not": {"lt": 3}}]}
    assert referenced_questions(cond, default="B.02") == {"A.01", "B.02"}


def test_numeric_value_ignores_booleans_and_empty_tables():
    assert numeric_value(True) is None
    assert numeric_value({"2021": {"a": None}}) is None
    assert numeric_value(2) == 2.0

"""Conditions decide skip logic and needs; unanswered questions never satisfy a match."""

from __future__ import annotations

import pytest

from natk_xlsx.spec.conditions import attrition, evaluate, numeric_value, referenced_questions

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


# -- needs from figures: totals over the period, no data, attrition between stages -----------------
FIGURES = {
    "PRS.34": {"2021": {"n": 40}, "2022": {"n": 60}},  # 100 cases received
    "PRS.35": {"2021": {"n": 5}, "2022": {"n": 10}},  # 15 indicted: 85 % lost
    "JUD.33": {"2021": {"female": 0, "male": 0}, "2022": {"female": 0, "male": None}},
    "JUD.38": {"2021": {"n": None}, "2022": {"n": None}},  # every cell "not recorded"
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"question": "JUD.33", "total": "le", "value": 0}, True),  # no conviction in the period
        ({"question": "PRS.35", "total": "le", "value": 0}, False),
        ({"question": "PRS.35", "total": "eq", "value": 15}, True),
        ({"question": "PRS.35", "total": "lt", "value": 15}, False),
        ({"question": "JUD.38", "total": "le", "value": 0}, False),  # no figure is not a zero
        ({"question": "JUD.38", "no_data": True}, True),
        ({"question": "JUD.99", "no_data": True}, True),  # unanswered
        ({"question": "JUD.33", "no_data": True}, False),  # zeros are figures
        ({"question": "JUD.33", "no_data": False}, True),
        ({"question": "PRS.35", "attrition_from": "PRS.34", "above": 0.8}, True),
        ({"question": "PRS.35", "attrition_from": "PRS.34", "above": 0.9}, False),
        ({"question": "PRS.35", "attrition_from": "JUD.38", "above": 0.1}, False),  # no base
        ({"question": "PRS.34", "attrition_from": "JUD.33", "above": 0.1}, False),  # base of 0
    ],
)
def test_statistics_leaves(condition, expected):
    assert evaluate(condition, FIGURES) is expected


def test_a_rule_without_question_judges_its_own_table():
    assert evaluate({"total": "le", "value": 0}, FIGURES, self_id="JUD.33")
    assert evaluate({"attrition_from": "PRS.34", "above": 0.5}, FIGURES, self_id="PRS.35")


def test_attrition_names_the_earlier_stage_as_a_reference():
    cond = {"attrition_from": "PRS.34", "above": 0.5}
    assert referenced_questions(cond, default="PRS.35") == {"PRS.34", "PRS.35"}
    assert attrition(FIGURES["PRS.34"], FIGURES["PRS.35"]) == pytest.approx(0.85)
    assert attrition(FIGURES["JUD.33"], FIGURES["PRS.35"]) is None


def _table(qid: str, indicator: str, **extra):
    from factory import question
    return question(qid, "stats_table", section="more", breakdown="single", indicator=indicator,
                    required=False, **extra)


@pytest.mark.parametrize(
    ("when", "code_path"),
    [
        ({"total": "le", "value": 0}, None),
        ({"no_data": True}, None),
        ({"attrition_from": "ALP.04", "above": 0.8}, None),
        ({"attrition_from": "ALP.05", "above": 0.8}, None),
        ({"attrition_from": "ALP.01", "above": 0.8}, "$.questions[5].needs[0].when.attrition_from"),
        ({"question": "ALP.02", "total": "le", "value": 0}, "$.questions[5].needs[0].when.total"),
    ],
)
def test_statistics_leaves_are_linted(write_specs, when, code_path):
    from factory import default_components

    from natk_xlsx.spec.lint import lint_specs
    comps = default_components()
    rule = {"when": when, "severity": "high", "assistance": ["data_systems"],
            "action": {"en": "Act."}, "theme": "training"}
    comps["alpha"]["questions"] += [_table("ALP.05", "victims_assisted"),
                                    _table("ALP.06", "victims_compensated", needs=[rule])]
    # ALP.04 (identified) and ALP.05 (assisted) count victims, as ALP.06 (compensated) does;
    # ALP.01 is a yes/no question and ALP.02 a number, not tables
    report = lint_specs(write_specs(comps))
    found = [(p.code, p.path) for p in report.errors]
    if code_path is None:
        assert not [f for f in found if f[0] == "SPEC-CONDITION"], found
    else:
        assert ("SPEC-CONDITION", code_path) in found


def test_attrition_between_different_units_is_an_error(write_specs):
    from factory import default_components

    from natk_xlsx.spec.lint import lint_specs
    comps = default_components()
    rule = {"when": {"attrition_from": "ALP.04", "above": 0.5}, "severity": "high",
            "assistance": ["data_systems"], "action": {"en": "Act."}, "theme": "training"}
    comps["alpha"]["questions"].append(_table("ALP.05", "convictions", needs=[rule]))
    report = lint_specs(write_specs(comps))
    (problem,) = [p for p in report.errors if p.code == "SPEC-CONDITION"]
    assert "same unit" in problem.message and problem.path.endswith("attrition_from")


def test_statistics_leaves_are_not_skip_logic(write_specs):
    from factory import default_components

    from natk_xlsx.spec.lint import lint_specs
    comps = default_components()
    comps["alpha"]["questions"].append(
        _table("ALP.05", "victims_assisted", relevant={"question": "ALP.04", "no_data": False}))
    found = [(p.code, p.path) for p in lint_specs(write_specs(comps)).errors]
    assert ("SPEC-CONDITION", "$.questions[4].relevant.no_data") in found


@pytest.mark.parametrize("condition, ruled_out, holds", [
    ({"question": "A", "in": ["x"]}, False, False),  # blank: may yet go either way
    ({"question": "A", "answered": True}, True, False),  # a blank settles this one
    ({"not": {"question": "A", "answered": True}}, False, True),
    ({"not": {"question": "A", "in": ["x"]}}, False, False),
    ({"all": [{"question": "A", "answered": True}, {"question": "B", "in": ["x"]}]}, True, False),
    ({"any": [{"question": "A", "answered": True}, {"question": "B", "in": ["x"]}]}, False, False),
])
def test_a_blank_workbook_rules_out_only_what_a_blank_settles(condition, ruled_out, holds):
    """The workbook greys a question out only once the answers given rule it out; before any
    answer, only a condition on whether a question was answered is settled."""
    from natk_xlsx.workbook.formulas import settled_when_blank

    assert settled_when_blank(condition, False) is ruled_out
    assert settled_when_blank(condition, True) is holds

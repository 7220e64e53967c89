"""Validation in two stages gives what the full walk gives: the compiled check (with the required
answers and their conditions in Python) and jsonschema's ``iter_errors`` agree on the verdict and
on every problem, for valid and invalid answers alike."""

from __future__ import annotations

from typing import Any

import pytest
from factory import BUNDLED_SPECS, default_components
from fill import fill_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from natk_xlsx import validation
from natk_xlsx.returns.importer import read_workbook
from natk_xlsx.returns.submission_schema import answers_schema
from natk_xlsx.schema_check import UnknownKeyword, compile_check, object_check
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.spec.model import Question, Toolkit
from natk_xlsx.workbook.generate import generate_workbook


def valid_answer(toolkit: Toolkit, q: Question) -> Any:
    c = q.constraints
    codes = toolkit.answer_codes(q)
    if q.type in ("yes_no", "single_choice"):
        return codes[0]
    if q.type == "multiple_choice":
        return list(codes[:max(1, c.get("min_items", 1))])
    if q.type in ("integer", "year"):
        return c.get("min", 0 if q.type == "integer" else 2000)
    if q.type in ("decimal", "percentage"):
        return float(c.get("min", 0)) + 0.5
    if q.type == "date":
        return c.get("min_date", "2020-02-29")
    if q.type in ("short_text", "long_text"):
        return "x" * max(1, c.get("min_length", 1))
    assert q.type == "stats_table" and q.breakdown
    return {str(toolkit.years()[0]): {toolkit.breakdowns[q.breakdown].codes[0]: 3, }}


@pytest.fixture(scope="module")
def toolkits(tmp_path_factory):
    from conftest_helpers import write_toolkit

    small = load_toolkit(write_toolkit(tmp_path_factory.mktemp("stages"), default_components()))
    return {"bundled": load_toolkit(BUNDLED_SPECS), "small": small}


odd_values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 3000), st.integers(-10**15, 10**15),
    st.floats(allow_nan=False), st.sampled_from([1.0, 2.5, -0.0, 1e308, 100.0, 100.5]),
    st.text(max_size=6), st.sampled_from(["yes", "no", "dont_know", "partly", "2024-02-30",
                                          "2024-02-29", "2023-1-1", "", "x" * 300]),
    st.lists(st.sampled_from(["yes", "a", "b", 1, None, "other"]), max_size=4),
    st.dictionaries(st.sampled_from(["2021", "2022", "1999", "x"]),
                    st.dictionaries(st.sampled_from(["female", "male", "total", "zzz"]),
                                    st.one_of(st.none(), st.integers(-2, 5), st.floats(-1, 2),
                                              st.just("3")), max_size=3), max_size=2),
)


def both_stages(schema: dict[str, Any], answers: dict[str, Any], key: str
                ) -> tuple[list[Any], list[Any]]:
    full = validation.submission_errors(answers, schema, "full:" + key)
    staged = validation.answer_errors(answers, "staged:" + key, lambda: schema)
    return full, staged


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(["bundled", "small"]), data=st.data())
def test_both_stages_report_the_same_problems(toolkits, which, data):
    toolkit = toolkits[which]
    questions = list(toolkit.questions())
    schema = answers_schema(toolkit, [q.id for q in questions], toolkit.years())
    answers = {q.id: valid_answer(toolkit, q) for q in questions}
    dropped = data.draw(st.lists(st.sampled_from(questions), max_size=8))
    for q in dropped:
        answers.pop(q.id, None)
    changed = data.draw(st.lists(st.tuples(st.sampled_from(questions), odd_values), max_size=6))
    for q, value in changed:
        answers[q.id] = value
    if data.draw(st.booleans()):
        answers["ZZZ.99"] = "stray"
    full, staged = both_stages(schema, answers, which)
    assert staged == full


def test_a_valid_return_passes_the_first_stage_alone(toolkits, monkeypatch):
    toolkit = toolkits["bundled"]
    questions = list(toolkit.questions())
    schema = answers_schema(toolkit, [q.id for q in questions], toolkit.years())
    answers = {q.id: valid_answer(toolkit, q) for q in questions}
    del answers[next(q.id for q in questions if q.required and q.relevant is None)]
    walks = []
    monkeypatch.setattr(validation, "submission_errors", lambda *a: walks.append(a) or [])
    found = validation.answer_errors(answers, "alone", lambda: schema)
    assert walks == [] and [e.validator for e in found] == ["required"]


def test_a_return_with_wrong_answers_is_walked_only_at_those_answers(toolkits, monkeypatch):
    toolkit = toolkits["bundled"]
    questions = list(toolkit.questions())
    schema = answers_schema(toolkit, [q.id for q in questions], toolkit.years())
    answers = {q.id: valid_answer(toolkit, q) for q in questions}
    yes_no = next(q.id for q in questions if q.type == "yes_no")
    number = next(q.id for q in questions if q.type == "integer")
    answers.update({yes_no: "perhaps", number: -3, "ZZZ.99": "stray"})
    del answers[next(q.id for q in questions if q.required and q.relevant is None)]
    full = validation.submission_errors(answers, schema, "walked-full")
    walked = []
    walk = validation.submission_errors
    monkeypatch.setattr(validation, "submission_errors",
                        lambda doc, *a: walked.append(doc) or walk(doc, *a))
    staged = validation.answer_errors(answers, "walked-staged", lambda: schema)
    assert walked == [{yes_no: "perhaps", number: -3, "ZZZ.99": "stray"}]
    assert staged == full
    assert {e.validator for e in staged} == {"enum", "minimum", "additionalProperties",
                                             "required"}


def test_a_schema_judging_the_answers_together_is_walked_whole(monkeypatch):
    schema = {"type": "object", "properties": {"a": {"type": "integer"}},
              "minProperties": 3, "required": ["b"]}
    walked = []
    walk = validation.submission_errors
    monkeypatch.setattr(validation, "submission_errors",
                        lambda doc, *a: walked.append(doc) or walk(doc, *a))
    found = validation.answer_errors({"a": "x", "c": 1}, "together", lambda: schema)
    assert walked == [{"a": "x", "c": 1}]
    assert [e.validator for e in found] == ["type", "minProperties", "required"]


_OBJECT_PARTS = {"a": {"type": "integer", "minimum": 0}, "b": {"enum": ["yes", "no"]},
                 "c": {"type": "array", "items": {"type": "string"}}}
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
                    st.sampled_from(["yes", "no", "x"]), st.lists(st.sampled_from(["y", 1])))


@pytest.mark.parametrize("typed", [True, False])
@pytest.mark.parametrize("extra", [None, False, {"type": "string"}])
@given(document=st.one_of(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), _VALUES),
                          _VALUES))
def test_an_object_check_from_compiled_parts_is_the_compiled_whole(typed, extra, document):
    """The plan compiles each answer once and makes the whole answers' check of those parts
    (``object_check``): it judges every document as ``compile_check`` of the whole does."""
    schema: dict[str, Any] = {"properties": _OBJECT_PARTS}
    if typed:
        schema["type"] = "object"
    if extra is not None:
        schema["additionalProperties"] = extra
    parts = {k: compile_check(v) for k, v in _OBJECT_PARTS.items()}
    whole = object_check(parts, compile_check(True if extra is None else extra), typed)
    assert whole(document) == compile_check(schema)(document)


def test_a_schema_with_an_unknown_keyword_is_always_walked():
    with pytest.raises(UnknownKeyword):
        compile_check({"type": "object", "patternProperties": {"^x": {}}})
    found = validation.answer_errors({"x": 1}, "unknown-keyword",
                                     lambda: {"type": "object", "maxProperties": 0})
    assert [e.validator for e in found] == ["maxProperties"]


def test_the_importer_reports_the_same_issues_with_and_without_the_first_stage(
        toolkits, tmp_path, monkeypatch):
    toolkit = toolkits["small"]
    blank = generate_workbook(toolkit, tmp_path / "blank.xlsx").path
    fills = {
        "valid": {"ALP.01": "Yes", "ALP.02": 3, "BET.02": ["servitude"]},
        "invalid": {"ALP.01": "Maybe", "ALP.02": -4, "ALP.04": {2021: {"female": -1}}},
        "missing": {"ALP.01": "Yes"},
    }
    for name, answers in fills.items():
        path = fill_workbook(blank, tmp_path / f"{name}.xlsx", toolkit, answers)
        staged = read_workbook(path, toolkit)
        with monkeypatch.context() as m:
            m.setattr(validation, "_plan", lambda schema: validation._Plan(schema, None, (), ()))
            m.setattr(validation, "_PLANS", {})
            full = read_workbook(path, toolkit)
        assert [i.to_dict() for i in staged.issues] == [i.to_dict() for i in full.issues], name
        assert staged.answers == full.answers
    assert not read_workbook(tmp_path / "invalid.xlsx", toolkit).valid


def test_a_choice_that_excludes_the_others_is_judged_alike_by_both_stages(toolkits):
    """"None of these" with another choice is an error of the schema itself (``not``), so a
    validator outside natk refuses it too; both stages report it, at that question only, for
    every multiple-choice question of the bundled toolkit with such a choice."""
    toolkit = toolkits["bundled"]
    questions = list(toolkit.questions())
    schema = answers_schema(toolkit, [q.id for q in questions], toolkit.years())
    exclusive = [(q, c.code) for q in questions if q.type == "multiple_choice"
                 for c in toolkit.choice_lists[str(q.choices)].choices if c.exclusive]
    assert len(exclusive) >= 40
    for q, code in exclusive:  # the answer alone: the others are missing alike in both stages
        other = next(c for c in toolkit.answer_codes(q) if c != code)
        for chosen, wrong in (([other, code], True), ([code], False), ([other], False)):
            full, staged = both_stages(schema, {q.id: chosen}, f"alone-{q.id}")
            assert staged == full, (q.id, chosen)
            assert [(e.path, e.validator) for e in full if e.path] == (
                [((q.id,), "not")] if wrong else []), (q.id, chosen)

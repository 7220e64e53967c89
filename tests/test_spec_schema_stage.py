"""The compiled check (``schema_check``) of the keywords of the spec format's schema judges as
jsonschema does, and never passes what jsonschema fails, even where it is unsure (``exact``)."""

from __future__ import annotations

import jsonschema
import pytest

from natk_xlsx import validation
from natk_xlsx.schema_check import compile_check, exact

# -- the keywords of the spec-format schema, one by one -----------------------------------------

CONDITION = {
    "$defs": {"condition": {
        "type": "object",
        "properties": {"all": {"type": "array", "items": {"$ref": "#/$defs/condition"}},
                       "question": {"type": "string", "pattern": "^[A-Z]{3}\\.[0-9]{2}$"},
                       "label": {"type": "string", "pattern": "\\S"}},
        "oneOf": [{"required": ["all"]}, {"required": ["question"]}],
        "dependentSchemas": {"label": {"required": ["question"]}},
    }},
    "$ref": "#/$defs/condition",
}


@pytest.mark.parametrize("document", [
    {"question": "ABC.01"},
    {"all": [{"question": "ABC.01"}, {"all": []}]},
    {"question": "ABC.1"},  # pattern
    {"question": "xABC.01"},
    {"question": "ABC.01", "label": " x"},  # a pattern is searched for, as jsonschema does
    {"question": "ABC.01", "label": "   "},
    {"all": [{"question": 3}]},  # a reference within a reference
    {"all": [{"all": [{}]}]},
    {},  # oneOf: none
    {"all": [], "question": "ABC.01"},  # oneOf: two
    {"all": [], "label": "x"},  # dependentSchemas
    [],
])
def test_references_patterns_one_of_and_dependent_schemas_judge_as_jsonschema(document):
    validator = jsonschema.Draft202012Validator(CONDITION)
    assert compile_check(CONDITION)(document) == validator.is_valid(document)


def test_a_reference_outside_the_schema_is_a_keyword_it_does_not_know():
    from natk_xlsx.schema_check import UnknownKeyword

    with pytest.raises(UnknownKeyword):
        compile_check({"$ref": "https://example.org/other.json"})
    with pytest.raises(UnknownKeyword):
        compile_check({"$ref": "#/$defs/missing"})


@pytest.mark.parametrize(("schema", "is_exact"), [
    ({"const": "yes"}, True),
    ({"enum": ["a", None, True]}, True),
    ({"const": 1}, False),  # jsonschema tells 1 and 1.0 equal
    ({"enum": ["a", [1]]}, False),
    ({"uniqueItems": True}, False),
    ({"format": "date"}, False),
    ({"not": {"required": ["x"]}}, True),
    ({"properties": {"x": {"not": {"const": 2}}}}, False),
    (CONDITION, True),
])
def test_a_check_is_exact_only_where_its_fails_are_certain(schema, is_exact):
    assert exact(schema) is is_exact


@pytest.mark.parametrize("document", [1, 1.0, 2, "1", None])
def test_not_of_an_unsure_check_never_passes_what_jsonschema_fails(document):
    """``{"const": 1}`` fails 1.0 where it is unsure (jsonschema calls them equal): turned round
    by ``not``, that would pass 1.0, which jsonschema fails."""
    schema = {"not": {"const": 1}}
    passed = compile_check(schema)(document)
    assert not passed or jsonschema.Draft202012Validator(schema).is_valid(document)


@pytest.mark.parametrize("document", [{"a": 1, "b": 1}, {"a": 1.0}, {"a": 1.0, "b": 0},
                                      {"a": 2}, {"a": 2, "b": 0}])
def test_an_if_on_an_unsure_condition_asks_both_branches(document):
    schema = {"if": {"properties": {"a": {"const": 1}}}, "then": {"required": ["b"]},
              "else": {"properties": {"b": {"const": 0}}}}
    passed = compile_check(schema)(document)
    assert not passed or jsonschema.Draft202012Validator(schema).is_valid(document)


def test_an_unsure_condition_of_required_answers_makes_the_answers_walked_whole():
    """The first stage reports the answers a condition requires only when the condition's
    check is exact; otherwise the return is walked whole."""
    schema = {"type": "object", "properties": {"a": {"type": "number"}, "b": {}},
              "allOf": [{"if": {"properties": {"a": {"const": 1}}, "required": ["a"]},
                         "then": {"required": ["b"]}}]}
    assert validation._plan(schema).core is None
    errors = validation.answer_errors({"a": 1.0}, "unsure-condition", lambda: schema)
    assert [e.validator for e in errors] == ["required"]

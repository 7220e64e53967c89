"""The lint checks spec files against the spec format's schema in two stages: the compiled check
first (``schema_check``), jsonschema's walk only for a file that fails it. The result is what
the walk alone gives, for valid and broken files alike; a compiled check never passes what
jsonschema fails, even where it is unsure (``exact``)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
from factory import BUNDLED_SPECS
from hypothesis import given, settings
from hypothesis import strategies as st

from natk_xlsx import validation
from natk_xlsx.schema_check import compile_check, exact

DOCUMENTS = {p.name: json.loads(p.read_text("utf-8")) for p in sorted(BUNDLED_SPECS.glob("*.json"))}


def walked(document: Any) -> list[validation.SchemaError]:
    """The lint's errors from the full walk alone (as when the schema cannot be compiled)."""
    compiled = validation._spec_check
    validation._spec_check = lambda: None  # type: ignore[assignment]
    try:
        return validation.spec_schema_errors(document)
    finally:
        validation._spec_check = compiled  # type: ignore[assignment]


def full_walk(document: Any) -> list[str]:
    schema = validation.spec_schema()
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(document)]


def test_every_bundled_spec_file_passes_the_compiled_check_as_it_passes_the_walk():
    check = validation._spec_check()
    assert check is not None, "the spec-format schema no longer compiles: every lint walks"
    for name, document in DOCUMENTS.items():
        assert check(document), name
        assert full_walk(document) == [], name


def test_the_spec_format_schema_is_a_valid_draft_2020_12_schema():
    """jsonschema checked it on every lint; now it does so only when a file fails."""
    jsonschema.Draft202012Validator.check_schema(validation.spec_schema())


def test_linting_valid_specs_does_not_import_jsonschema():
    code = ("import sys; from natk_xlsx.spec.lint import lint_specs; "
            f"r = lint_specs({str(BUNDLED_SPECS)!r}); "
            "print(len(r.errors), 'jsonschema' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["0", "False"]


_VALUES = [None, True, False, 0, 1, -1, 1.5, 2.0, "", " ", "x", "ABC.01", "yes", "en",
           "a_b", [], ["x"], {}, {"en": "x"}, {"question": "ABC.01"}, 2020, "2020-01-01",
           "2020-13-01"]
_KEYS = ["zz", "question", "all", "not", "value", "total", "above", "attrition_from", "any",
         "in", "en", "required"]


def _places(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, sub in value.items():
            found += _places(sub, (*at, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            found += _places(sub, (*at, index))
    return found


@st.composite
def broken_documents(draw: st.DrawFn) -> Any:
    """A bundled spec file (its lists cut to a few items), changed in one to three places: a
    value replaced, removed, moved from elsewhere in the file, or a key added."""
    name = draw(st.sampled_from(sorted(DOCUMENTS)))
    document = dict(DOCUMENTS[name])
    for key, value in document.items():  # each list cut to a few items, for speed
        if isinstance(value, list) and len(value) > 3:
            start = draw(st.integers(0, len(value) - 3))
            document[key] = value[start:start + 3]
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p in _places(document) if p]
        place = draw(st.sampled_from(places))
        parent = document
        for key in place[:-1]:
            parent = parent[key]
        key = place[-1]
        how = draw(st.sampled_from(["replace", "remove", "move", "add"]))
        if how == "replace":
            parent[key] = copy.deepcopy(draw(st.sampled_from(_VALUES)))
        elif how == "remove":
            del parent[key]
        elif how == "move":
            source = draw(st.sampled_from(places))
            value: Any = document
            for part in source:
                value = value[part]
            parent[key] = copy.deepcopy(value)
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(_KEYS))] = copy.deepcopy(draw(st.sampled_from(_VALUES)))
    return document


@settings(max_examples=150, deadline=None)
@given(document=broken_documents())
def test_the_lint_finds_what_the_walk_alone_finds(document):
    """Whichever way a spec file is broken (or left valid by the change), the two stages give
    jsonschema's errors, and the compiled check passes only a file the walk passes."""
    check = validation._spec_check()
    assert check is not None
    expected = walked(document)
    if check(document):
        assert expected == []
    assert validation.spec_schema_errors(document) == expected


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

"""JSON Schema validation: the one module that uses jsonschema.

Spec files are checked against the spec format's schema here; later, submissions against the
schema derived from the specs. Both are checked first by the compiled check (``schema_check``);
jsonschema walks only a document that fails it, and is imported only then (it costs ~75 ms to
import): linting valid specs, or reading returns that pass, never imports it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from natk_xlsx.schema_check import (
    ANNOTATIONS,
    Check,
    UnknownKeyword,
    compile_check,
    exact,
    object_check,
)

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError


class SchemaError(NamedTuple):
    """One schema violation: where (a JSON path as a list of keys) and what."""

    path: tuple[str | int, ...]
    message: str
    fix: str


@cache
def spec_schema() -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) of the spec format, shipped inside the package."""
    text = (Path(__file__).parent / "schemas" / "spec.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _spec_validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = spec_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def json_path(parts: Sequence[str | int]) -> str:
    """``('questions', 3, 'text')`` → ``$.questions[3].text``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _fix(error: ValidationError) -> str:
    kind = error.validator
    if kind == "required":
        return "add it (see docs/spec-format.md)"
    if kind == "additionalProperties":
        return "remove it or correct its spelling (see docs/spec-format.md)"
    if kind in ("enum", "const"):
        return "use one of the allowed values"
    if kind == "pattern":
        return "change it to match the required form (see docs/spec-format.md)"
    if kind in ("minLength", "minItems", "minProperties"):
        return "fill it in"
    if kind == "type":
        return f"give a value of type {error.validator_value}"
    return "correct it (see docs/spec-format.md)"


def _flatten(error: ValidationError) -> Iterator[ValidationError]:
    """Replace an ``if``/``then``/``allOf`` wrapper or a ``oneOf`` by its most telling cause."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        yield best_match(error.context)
    else:
        yield error


@cache
def _spec_check() -> Check | None:
    """The spec-format schema compiled (``schema_check``); None if it cannot be."""
    try:
        return compile_check(spec_schema())
    except UnknownKeyword:
        return None


def spec_schema_errors(document: Any) -> list[SchemaError]:
    """Every way ``document`` breaks the spec-format schema, in document order. A document
    that passes the compiled check has none; only one that fails it is walked by jsonschema,
    which finds every error and its place (the bundled toolkit's 3 MB are checked in 50-75 ms
    instead of two seconds)."""
    check = _spec_check()
    if check is not None and check(document):
        return []
    leaves = [leaf for error in _spec_validator().iter_errors(document)
              for leaf in _flatten(error)]
    places = [tuple(leaf.absolute_path) for leaf in leaves]
    found: list[SchemaError] = []
    for leaf, place in zip(leaves, places, strict=True):
        if leaf.validator in _WHOLE and any(len(other) > len(place) and other[:len(place)] == place
                                            for other in places):
            continue  # a rule over the whole object, broken by the error inside it said apart
        if leaf.validator == "pattern" and leaf.instance == "":
            continue  # an empty text: said once, as empty (minLength), not as a form
        said = SchemaError(place, _short(leaf), _fix(leaf))
        if said not in found:  # one shape broken for each branch of a choice: said once
            found.append(said)
    found.sort(key=lambda e: [str(p).zfill(6) if isinstance(p, int) else p for p in e.path])
    return found


#: Rules over a whole object (a question whose type calls for other keys): an error inside the
#: object (its type misspelt) is the cause, and said.
_WHOLE = frozenset({"not", "if", "then", "else", "allOf", "anyOf", "oneOf", "dependentRequired"})


def _short(error: ValidationError) -> str:
    """jsonschema's message, with a whole question written over in it named instead: a
    misspelt type gave a line of 2,000 characters."""
    message, shown = str(error.message), repr(error.instance)
    if len(shown) <= 80 or shown not in message:
        return message
    what = error.instance
    name = (f"the object with id {what['id']}" if isinstance(what, dict) and "id" in what
            else "the object" if isinstance(what, dict) else "the list")
    return message.replace(shown, name)


class DataError(NamedTuple):
    """One way a submission breaks its schema, with what the importer needs to place it."""

    path: tuple[str | int, ...]
    validator: str
    validator_value: Any
    instance: Any
    message: str


_VALIDATORS: dict[str, jsonschema.Draft202012Validator] = {}


def submission_errors(document: Any, schema: dict[str, Any], key: str) -> list[DataError]:
    """Every error of ``document`` against ``schema`` (cached under ``key``), not only the
    first. A ``required`` error points at its parent object; the importer works out which keys
    are missing from ``validator_value``."""
    validator = _VALIDATORS.get(key)
    if validator is None:
        import jsonschema

        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        if len(_VALIDATORS) > 64:
            _VALIDATORS.clear()
        _VALIDATORS[key] = validator
    found: list[DataError] = []
    for error in validator.iter_errors(document):
        stack = [error]
        while stack:
            err = stack.pop()
            if err.validator in ("allOf",) and err.context:
                stack.extend(err.context)
                continue
            found.append(DataError(tuple(err.absolute_path), str(err.validator),
                                   err.validator_value, err.instance, err.message))
    return found


#: The keywords of an object schema whose errors stay the same when the document holds only
#: the answers that fail: each answer is judged on its own.
_PER_ANSWER = frozenset({"type", "properties", "additionalProperties"})


class _Plan(NamedTuple):
    """A schema of answers split for the first stage: the compiled check of everything but the
    required answers, and the required answers (always, and under a condition). Where the check
    is made of answers judged one by one, each answer's own check, to find those that fail."""

    schema: dict[str, Any]
    core: Check | None  # None: cannot be compiled, walk every document
    required: tuple[str, ...]
    conditional: tuple[tuple[Check, tuple[str, ...]], ...]
    core_schema: dict[str, Any] | None = None  # None: walk the whole document when it fails
    answers: dict[str, Check] | None = None  # each answer's check, by question
    other: Check | None = None  # an answer to a question the schema does not list


def _plan(schema: dict[str, Any]) -> _Plan:
    core = {k: v for k, v in schema.items() if k not in ("required", "allOf")}
    required = tuple(schema.get("required", ()))
    # the full walk gives its errors keyword by keyword: the answers' must come first
    order = [k for k in schema if k not in ANNOTATIONS]
    last = [k for k in order if k in ("required", "allOf")]
    per_answer = (set(core) - ANNOTATIONS <= _PER_ANSWER and core.get("type", "object") == "object"
                  and order[len(order) - len(last):] == last)
    conditional = []
    try:
        for part in schema.get("allOf", ()):
            then = part.get("then") if isinstance(part, dict) else None
            if set(part) != {"if", "then"} or not isinstance(then, dict) or set(then) != {
                    "required"}:
                raise UnknownKeyword("allOf other than if/then required")
            if not exact(part["if"]):  # an unsure "fails" would hide a missing answer
                raise UnknownKeyword("a condition the first stage cannot judge exactly")
            conditional.append((compile_check(part["if"]), tuple(then["required"])))
        if not per_answer:
            return _Plan(schema, compile_check(core), required, tuple(conditional))
        # each answer compiled once: its own check, and a part of the whole one
        answers = {k: compile_check(v) for k, v in schema.get("properties", {}).items()}
        other = compile_check(schema.get("additionalProperties", True))
    except UnknownKeyword:
        return _Plan(schema, None, (), ())
    return _Plan(schema, object_check(answers, other, "type" in core), required,
                 tuple(conditional), core, answers, other)


def _missing(document: dict[str, Any], required: tuple[str, ...]) -> list[DataError]:
    """What jsonschema's ``required`` keyword reports: one error per missing key, each carrying
    the whole list."""
    listed = list(required)
    return [DataError((), "required", listed, document, f"{key!r} is a required property")
            for key in required if key not in document]


#: First-stage plans by schema key.
_PLANS: dict[str, _Plan] = {}


def answer_errors(document: Any, key: str, make_schema: Callable[[], dict[str, Any]]
                  ) -> list[DataError]:
    """Every error of ``document`` against the schema ``make_schema()`` (built and compiled
    once per ``key``), in two stages. First the compiled check of types, codes and ranges
    (``schema_check``) and the required answers, with their conditions, in Python; only a
    document that fails the compiled check is walked by jsonschema (``submission_errors``). The
    result is what the full walk alone would give: a missing answer is reported the same way."""
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) > 64:
            _PLANS.clear()
        plan = _PLANS[key] = _plan(make_schema())
    if plan.core is None or not isinstance(document, dict):
        return submission_errors(document, plan.schema, key)
    if plan.core(document):
        found = []
    elif plan.core_schema is None:
        return submission_errors(document, plan.schema, key)
    else:
        found = _failing(document, plan, key)
    found.extend(_missing(document, plan.required))
    for condition, required in plan.conditional:
        if condition(document):
            found.extend(_missing(document, required))
    return found


def _failing(document: dict[str, Any], plan: _Plan, key: str) -> list[DataError]:
    """The errors of the answers that fail their compiled check, as the full walk gives them:
    jsonschema walks only these answers (a return with one wrong answer costs a fraction of
    a millisecond, not the 15-20 ms of a walk over every answer)."""
    answers, other = plan.answers, plan.other
    assert plan.core_schema is not None and answers is not None and other is not None
    failing = {}
    for qid, value in document.items():
        check = answers.get(qid)
        if not (other(value) if check is None else check(value)):
            failing[qid] = value
    return [error if error.path else DataError((), error.validator, error.validator_value,
                                               document, error.message)  # as of the whole
            for error in submission_errors(failing, plan.core_schema, key + "#answers")]

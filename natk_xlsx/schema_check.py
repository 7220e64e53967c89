"""The fast first stage of validation: a JSON Schema compiled into plain Python checks.

Validating a return's answers with jsonschema's full ``iter_errors`` walk costs 7-17 ms, and
almost every return passes. ``compile_check`` turns a schema into nested closures that answer one
question, "does the document pass?", in well under a millisecond; only the answers that do not
pass are walked by jsonschema (``validation.submission_errors``), which lists every error with
its place, so every message a respondent sees stays the same.

It understands the keywords of the schemas natk-xlsx derives from its specs (types, enums,
ranges, lengths, arrays, objects, required answers, skip logic as ``if``/``then``). Its rule is
to never pass what jsonschema would fail: where it is unsure (a keyword it does not know, a
value of an unusual type, equality between numbers of different types) it says "fails", and
jsonschema decides. A schema with a keyword it does not know at all gives no check
(``UnknownKeyword``), and the caller walks every document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

#: Keywords that say nothing about validity.
ANNOTATIONS = frozenset({"title", "description", "$schema", "$id", "$comment", "default",
                         "examples"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


class UnknownKeyword(ValueError):
    """The schema uses a keyword this compiler does not know."""


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float)


_TYPES: dict[str, Check] = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": _is_integer,
    "number": _is_number,
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _same(a: Any, b: Any) -> bool:
    """Equal in JSON's sense, or unsure (False): strings and values of the same plain type."""
    if isinstance(a, str) or isinstance(b, str):
        return bool(a == b)
    if type(a) is not type(b) or isinstance(a, list | dict):
        return False
    return bool(a == b)


def _enum(values: list[Any]) -> Check:
    strings = frozenset(v for v in values if isinstance(v, str))
    others = [v for v in values if not isinstance(v, str)]

    def check(v: Any) -> bool:
        if isinstance(v, str):
            return v in strings
        return any(_same(v, e) for e in others)

    return check


def _type(expected: str | list[str]) -> Check:
    names = [expected] if isinstance(expected, str) else list(expected)
    try:
        checks = [_TYPES[n] for n in names]
    except KeyError as exc:
        raise UnknownKeyword(f"type {exc}") from None
    return _any_of(checks)


def _numeric(op: Callable[[Any, Any], bool], bound: Any) -> Check:
    return lambda v: not _is_number(v) or op(v, bound)


def _unique(v: Any) -> bool:
    if not isinstance(v, list):
        return True
    if all(isinstance(x, str) for x in v):
        return len(set(v)) == len(v)
    return False  # unsure: let jsonschema decide


def _properties(props: Mapping[str, Check], extra: Check | None) -> Check:
    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        for key, value in v.items():
            sub = props.get(key)
            if sub is not None:
                if not sub(value):
                    return False
            elif extra is not None and not extra(value):
                return False
        return True

    return check


def object_check(properties: Mapping[str, Check], extra: Check, typed: bool) -> Check:
    """The check of an object schema made of ``properties`` (``typed``: with ``"type":
    "object"``) from its parts compiled already: each property's check, and ``extra``, that of
    any other property. The same as ``compile_check`` of the whole."""
    check = _properties(properties, extra)
    return _all_of([_TYPES["object"], check]) if typed else check


def _keyword(name: str, value: Any, schema: Mapping[str, Any]) -> Check | None:
    """One keyword as a check (None where the keyword is handled with another)."""
    if name in ANNOTATIONS or name in ("then", "else", "additionalProperties"):
        return None
    if name == "type":
        return _type(value)
    if name == "enum":
        return _enum(list(value))
    if name == "const":
        return lambda v: _same(v, value)
    if name == "minimum":
        return _numeric(lambda a, b: not a < b, value)
    if name == "maximum":
        return _numeric(lambda a, b: not a > b, value)
    if name == "exclusiveMinimum":
        return _numeric(lambda a, b: a > b, value)
    if name == "exclusiveMaximum":
        return _numeric(lambda a, b: a < b, value)
    if name == "minLength":
        return lambda v: not isinstance(v, str) or len(v) >= value
    if name == "maxLength":
        return lambda v: not isinstance(v, str) or len(v) <= value
    if name == "minItems":
        return lambda v: not isinstance(v, list) or len(v) >= value
    if name == "maxItems":
        return lambda v: not isinstance(v, list) or len(v) <= value
    if name == "uniqueItems":
        return _unique if value else None
    if name == "minProperties":
        return lambda v: not isinstance(v, dict) or len(v) >= value
    if name == "required":
        keys = list(value)
        return lambda v: not isinstance(v, dict) or all(k in v for k in keys)
    if name == "format":
        if value != "date":
            raise UnknownKeyword(f"format {value}")
        return _is_date
    if name == "items":
        item = compile_check(value)
        return lambda v: not isinstance(v, list) or all(item(x) for x in v)
    if name == "contains":
        wanted = compile_check(value)
        return lambda v: not isinstance(v, list) or any(wanted(x) for x in v)
    if name == "propertyNames":
        names = compile_check(value)
        return lambda v: not isinstance(v, dict) or all(names(k) for k in v)
    if name == "properties":
        props = {k: compile_check(s) for k, s in value.items()}
        extra = schema.get("additionalProperties")
        return _properties(props, None if extra is None else compile_check(extra))
    if name == "allOf":
        return _all_of([compile_check(s) for s in value])
    if name == "anyOf":
        return _any_of([compile_check(s) for s in value]) if value else (lambda v: False)
    if name == "not":
        inner = compile_check(value)
        return lambda v: not inner(v)
    if name == "if":
        cond = compile_check(value)
        then = compile_check(schema.get("then", True))
        other = compile_check(schema.get("else", True))
        return lambda v: then(v) if cond(v) else other(v)
    raise UnknownKeyword(name)


def compile_check(schema: Mapping[str, Any] | bool) -> Check:
    """A function telling whether a document passes ``schema`` (False also where unsure).

    Raises ``UnknownKeyword`` when the schema uses a keyword this module does not know."""
    if schema is True:
        return lambda v: True
    if schema is False:
        return lambda v: False
    if not isinstance(schema, Mapping):
        raise UnknownKeyword(f"schema of type {type(schema).__name__}")
    if "additionalProperties" in schema and "properties" not in schema:
        extra = compile_check(schema["additionalProperties"])
        checks = [_properties({}, extra)]
    else:
        checks = []
    for name, value in schema.items():
        check = _keyword(name, value, schema)
        if check is not None:
            checks.append(check)
    return _all_of(checks)


def _all_of(checks: list[Check]) -> Check:
    """All of the checks (without a generator per call: these run for every answer)."""
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)
    if len(checks) == 3:
        first, second, third = checks
        return lambda v: first(v) and second(v) and third(v)

    def check(v: Any) -> bool:
        for c in checks:  # noqa: SIM110 (a loop: all() would build a generator per call)
            if not c(v):
                return False
        return True

    return check


def _any_of(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) or second(v)

    def check(v: Any) -> bool:
        for c in checks:  # noqa: SIM110 (a loop: any() would build a generator per call)
            if c(v):
                return True
        return False

    return check

"""The fast first stage of validation: a JSON Schema compiled into plain Python checks.

Validating a return's answers with jsonschema's full ``iter_errors`` walk costs 7-17 ms, and
almost every return passes. ``compile_check`` turns a schema into nested closures that answer one
question, "does the document pass?", in well under a millisecond; only the answers that do not
pass are walked by jsonschema (``validation.submission_errors``), which lists every error with
its place, so every message a respondent sees stays the same.

It understands the keywords of the schemas natk-xlsx derives from its specs (types, enums,
ranges, lengths, arrays, objects, required answers, skip logic as ``if``/``then``) and those of
the spec format's own schema (local ``$ref``, ``pattern``, ``oneOf``, ``dependentSchemas``), so
that the lint walks a spec file with jsonschema only when it breaks the format. Its rule is to
never pass what jsonschema would fail: where it is unsure (a value of an unusual type, equality
between numbers of different types, a date's form) it says "fails", and jsonschema decides. A
check that may say "fails" where it is unsure is not *exact* (``exact``), and is never turned
round: ``not`` of it fails every document, an ``if`` on it asks both branches, a ``oneOf`` of it
fails. A schema with a keyword it does not know at all gives no check (``UnknownKeyword``), and
the caller walks every document.
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
#: Keywords that hold schemas for others to use, and say nothing of the document themselves.
_HOLDERS = frozenset({"$defs", "definitions"})
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


def _plain(value: Any) -> bool:
    """A constant that ``_same`` compares exactly (jsonschema tells numbers of different types
    equal, and compares lists and objects item by item)."""
    return value is None or isinstance(value, str | bool)


class _Compiler:
    """Compiles the schemas within one root schema, which local references point into."""

    def __init__(self, root: Mapping[str, Any] | bool) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def target(self, pointer: Any) -> Any:
        """The schema a local reference (``#/$defs/name``) points to."""
        if not isinstance(pointer, str) or not (pointer == "#" or pointer.startswith("#/")):
            raise UnknownKeyword(f"$ref {pointer!r}")
        found: Any = self.root
        for part in pointer[2:].split("/") if pointer != "#" else ():
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(found, Mapping) or part not in found:
                raise UnknownKeyword(f"$ref {pointer!r}")
            found = found[part]
        return found

    def ref(self, pointer: str) -> Check:
        """The check of a referenced schema, compiled once; a schema that refers to itself
        (a condition made of conditions) calls its own check."""
        check = self.refs.get(pointer)
        if check is None:
            done: list[Check] = []
            self.refs[pointer] = lambda v: done[0](v)  # until compiled: for references within
            done.append(self.compile(self.target(pointer)))
            check = self.refs[pointer] = done[0]
        return check

    def exact(self, schema: Any, seen: set[str] | None = None) -> bool:
        """Whether the check of ``schema`` says "fails" only where jsonschema does."""
        if isinstance(schema, bool):
            return True
        if not isinstance(schema, Mapping):
            return False
        seen = set() if seen is None else seen
        return all(self._exact(name, value, seen) for name, value in schema.items())

    def _exact(self, name: str, value: Any, seen: set[str]) -> bool:
        if name in ("format", "uniqueItems"):
            return not value
        if name == "const":
            return _plain(value)
        if name == "enum":
            return all(_plain(v) for v in value)
        if name == "$ref":
            if value in seen:  # a schema that refers to itself: judged where it began
                return True
            seen.add(value)
            return self.exact(self.target(value), seen)
        return all(self.exact(sub, seen) for sub in _subschemas(name, value))

    def keyword(self, name: str, value: Any, schema: Mapping[str, Any]) -> Check | None:
        """One keyword as a check (None where the keyword is handled with another)."""
        if name in ANNOTATIONS or name in _HOLDERS or name in ("then", "else",
                                                                "additionalProperties"):
            return None
        simple = _simple(name, value)
        if simple is not None:
            return simple
        if name == "$ref":
            return self.ref(value)
        if name == "items":
            item = self.compile(value)
            return lambda v: not isinstance(v, list) or all(item(x) for x in v)
        if name == "contains":
            wanted = self.compile(value)
            return lambda v: not isinstance(v, list) or any(wanted(x) for x in v)
        if name == "propertyNames":
            names = self.compile(value)
            return lambda v: not isinstance(v, dict) or all(names(k) for k in v)
        if name == "properties":
            props = {k: self.compile(s) for k, s in value.items()}
            extra = schema.get("additionalProperties")
            return _properties(props, None if extra is None else self.compile(extra))
        if name == "dependentSchemas":
            return _dependent({k: self.compile(s) for k, s in value.items()})
        if name == "allOf":
            return _all_of([self.compile(s) for s in value])
        if name == "anyOf":
            return _any_of([self.compile(s) for s in value]) if value else (lambda v: False)
        if name == "oneOf":
            if not all(self.exact(s) for s in value):
                return lambda v: False  # one passing could not be told from two
            return _one_of([self.compile(s) for s in value])
        if name == "not":
            inner = self.compile(value)
            if not self.exact(value):
                return lambda v: False  # its "fails" may be unsure: never turned into a pass
            return lambda v: not inner(v)
        if name == "if":
            cond = self.compile(value)
            then = self.compile(schema.get("then", True))
            other = self.compile(schema.get("else", True))
            if not self.exact(value):  # an unsure "fails": either branch may apply
                return lambda v: then(v) if cond(v) else (then(v) and other(v))
            return lambda v: then(v) if cond(v) else other(v)
        raise UnknownKeyword(name)

    def compile(self, schema: Mapping[str, Any] | bool) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, Mapping):
            raise UnknownKeyword(f"schema of type {type(schema).__name__}")
        if "additionalProperties" in schema and "properties" not in schema:
            extra = self.compile(schema["additionalProperties"])
            checks = [_properties({}, extra)]
        else:
            checks = []
        for name, value in schema.items():
            check = self.keyword(name, value, schema)
            if check is not None:
                checks.append(check)
        return _all_of(checks)


def _simple(name: str, value: Any) -> Check | None:
    """A keyword that holds no schema, as a check (None for the others)."""
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
        return _unique if value else (lambda v: True)
    if name == "minProperties":
        return lambda v: not isinstance(v, dict) or len(v) >= value
    if name == "required":
        keys = list(value)
        return lambda v: not isinstance(v, dict) or all(k in v for k in keys)
    if name == "pattern":
        search = re.compile(value).search  # as jsonschema matches it (``re.search``)
        return lambda v: not isinstance(v, str) or search(v) is not None
    if name == "format":
        if value != "date":
            raise UnknownKeyword(f"format {value}")
        return _is_date
    return None


def _subschemas(name: str, value: Any) -> list[Any]:
    """The schemas a keyword holds (none for a keyword that holds values)."""
    if name in ("items", "contains", "propertyNames", "not", "if", "then", "else",
                "additionalProperties"):
        return [value]
    if name in ("properties", "dependentSchemas"):
        return list(value.values())
    if name in ("allOf", "anyOf", "oneOf"):
        return list(value)
    return []


def _dependent(schemas: Mapping[str, Check]) -> Check:
    """``dependentSchemas``: an object holding a key passes that key's schema too."""
    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        return all(sub(v) for key, sub in schemas.items() if key in v)

    return check


def _one_of(checks: list[Check]) -> Check:
    """Exactly one of the checks (each exact: see ``_Compiler.keyword``)."""
    def check(v: Any) -> bool:
        return sum(1 for c in checks if c(v)) == 1

    return check


def compile_check(schema: Mapping[str, Any] | bool) -> Check:
    """A function telling whether a document passes ``schema`` (False also where unsure).

    Raises ``UnknownKeyword`` when the schema uses a keyword this module does not know."""
    return _Compiler(schema).compile(schema)


def exact(schema: Mapping[str, Any] | bool) -> bool:
    """Whether ``compile_check(schema)`` fails only the documents jsonschema fails (it never
    passes one that jsonschema fails): then its "fails" can be trusted too, as a condition."""
    return _Compiler(schema).exact(schema)


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

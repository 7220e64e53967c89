"""JSON Schema validation: the one module that uses jsonschema.

Spec files are checked against the spec format's schema here; later, submissions against the
schema derived from the specs. jsonschema is imported only when a document is checked with it
(it costs ~75 ms to import): a command that loads specs whose verdict is cached, or reads returns
that pass the fast check (``submission_check``), never imports it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError


@dataclass(frozen=True)
class SchemaError:
    """One schema violation: where (a JSON path as a list of keys) and what."""

    path: tuple[str | int, ...]
    message: str
    fix: str


@cache
def spec_schema() -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) of the spec format, shipped inside the package."""
    text = resources.files("natk_xlsx").joinpath("schemas/spec.schema.json").read_text("utf-8")
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


def spec_schema_errors(document: Any) -> list[SchemaError]:
    """Every way ``document`` breaks the spec-format schema, in document order."""
    found: list[SchemaError] = []
    for error in _spec_validator().iter_errors(document):
        for leaf in _flatten(error):
            found.append(SchemaError(tuple(leaf.absolute_path), leaf.message, _fix(leaf)))
    found.sort(key=lambda e: [str(p).zfill(6) if isinstance(p, int) else p for p in e.path])
    return found


@dataclass(frozen=True)
class DataError:
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

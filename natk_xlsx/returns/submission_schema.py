"""The JSON Schema (Draft 2020-12) of a submission, derived from the specs.

Types, enums, ranges, required answers, relevance as if/then conditionals, statistics tables as
nested objects. ``natk schema`` prints it; import validates every workbook against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from natk_xlsx.spec.model import DONT_KNOW, LONG_TEXT_MAX, SHORT_TEXT_MAX, Question, Toolkit

SUBMISSION_FORMAT = "natk-submission/1"


def question_schema(toolkit: Toolkit, q: Question, years: Iterable[int]) -> dict[str, Any]:
    c = q.constraints
    title = q.text.get(toolkit.source_language, q.id)
    base: dict[str, Any] = {"title": f"{q.id} {title}"[:200]}
    if q.type in ("yes_no", "single_choice"):
        return {**base, "enum": list(toolkit.answer_codes(q))}
    if q.type == "multiple_choice":
        schema = {**base, "type": "array", "uniqueItems": True,
                  "items": {"enum": list(toolkit.answer_codes(q))},
                  "minItems": c.get("min_items", 1),
                  **({"maxItems": c["max_items"]} if "max_items" in c else {})}
        alone = exclusive_codes(toolkit, q)
        if alone:  # "None of these" with any other choice contradicts itself
            schema["not"] = {"contains": {"enum": list(alone)}, "minItems": 2}
        return schema
    if q.type in ("integer", "year"):
        low, high = (0, None) if q.type == "integer" else (1900, 2100)
        schema = {**base, "type": "integer", "minimum": c.get("min", low)}
        high = c.get("max", high)
        return schema if high is None else {**schema, "maximum": high}
    if q.type in ("decimal", "percentage"):
        low, high = (0, None) if q.type == "decimal" else (0, 100)
        schema = {**base, "type": "number", "minimum": c.get("min", low)}
        high = c.get("max", high)
        return schema if high is None else {**schema, "maximum": high}
    if q.type == "date":
        return {**base, "type": "string", "format": "date"}
    if q.type in ("short_text", "long_text"):
        default = SHORT_TEXT_MAX if q.type == "short_text" else LONG_TEXT_MAX
        return {**base, "type": "string", "minLength": c.get("min_length", 1),
                "maxLength": c.get("max_length", default)}
    if q.type == "stats_table":
        assert q.breakdown is not None
        columns = list(toolkit.breakdowns[q.breakdown].codes)
        return {**base, "type": "object", "minProperties": 1,
                "propertyNames": {"enum": [str(y) for y in years]},
                "additionalProperties": {
                    "type": "object", "propertyNames": {"enum": columns},
                    "additionalProperties": {"type": ["integer", "null"], "minimum": 0}}}
    raise ValueError(q.type)


def exclusive_codes(toolkit: Toolkit, q: Question) -> tuple[str, ...]:
    """The choices of a multiple-choice question that exclude every other: those the list marks
    ("None of these"), and "Don't know", which cannot stand beside what is known."""
    listed = toolkit.choice_lists.get(str(q.choices)) if q.choices else None
    return tuple(c.code for c in listed.choices if c.exclusive or c.code == DONT_KNOW
                 ) if listed else ()


def condition_schema(toolkit: Toolkit, cond: Mapping[str, Any]) -> dict[str, Any] | bool:
    """A relevance condition as a schema on the answers object (``False`` where a statistics
    table's total would be needed, which a schema cannot add up)."""
    if "all" in cond:
        return {"allOf": [condition_schema(toolkit, c) for c in cond["all"]]}
    if "any" in cond:
        return {"anyOf": [condition_schema(toolkit, c) for c in cond["any"]]}
    if "not" in cond:
        return {"not": condition_schema(toolkit, cond["not"])}
    qid = cond["question"]
    target = toolkit.question(qid)
    if "answered" in cond:
        present: dict[str, Any] = {"required": [qid]}
        return present if cond["answered"] else {"not": present}
    if "in" in cond or "not_in" in cond:
        codes = cond.get("in", cond.get("not_in"))
        match: dict[str, Any] = (
            {"contains": {"enum": codes}} if target.type == "multiple_choice" else {"enum": codes})
        value = match if "in" in cond else {"not": match}
        return {"required": [qid], "properties": {qid: value}}
    if target.type == "stats_table":
        return False
    keyword = {"lt": "exclusiveMaximum", "le": "maximum", "gt": "exclusiveMinimum",
               "ge": "minimum"}
    op = next(k for k in keyword if k in cond)
    return {"required": [qid], "properties": {qid: {keyword[op]: cond[op]}}}


def answers_schema(toolkit: Toolkit, asked: Iterable[str], years: Iterable[int]
                   ) -> dict[str, Any]:
    years = tuple(years)
    asked = [qid for qid in asked]
    properties: dict[str, Any] = {}
    required: list[str] = []
    conditionals: list[dict[str, Any]] = []
    for qid in asked:
        q = toolkit.question(qid)
        properties[qid] = question_schema(toolkit, q, years)
        if not q.required:
            continue
        if q.relevant is None:
            required.append(qid)
        else:
            conditionals.append({"if": condition_schema(toolkit, q.relevant),
                                 "then": {"required": [qid]}})
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "additionalProperties": False}
    if required:
        schema["required"] = required
    if conditionals:
        schema["allOf"] = conditionals
    return schema


def submission_schema(toolkit: Toolkit, components: Iterable[str] | None = None,
                      years: Iterable[int] | None = None,
                      asked: Iterable[str] | None = None) -> dict[str, Any]:
    chosen = toolkit.select(list(components) if components else None)
    ids = list(asked) if asked is not None else [q.id for c in chosen for q in c.questions]
    period = tuple(years) if years is not None else toolkit.years()
    text = {"type": ["string", "null"]}
    detail = {"type": "object", "additionalProperties": False, "properties": {
        "comment": text, "evidence": text, "priority": text, "provided": text,
        "provider": text}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://natk-xlsx.example.org/schemas/submission/{toolkit.id}/{toolkit.version}",
        "title": f"Submission to {toolkit.title.get(toolkit.source_language, toolkit.id)} "
                 f"{toolkit.version}",
        "type": "object",
        "required": ["format", "workbook_id", "toolkit", "respondent", "answers"],
        "properties": {
            "format": {"const": SUBMISSION_FORMAT},
            "workbook_id": {"type": "string", "minLength": 1},
            "toolkit": {"type": "object", "required": ["id", "version"], "properties": {
                "id": {"const": toolkit.id}, "version": {"type": "string"},
                "spec_hash": {"type": "string"}}},
            "language": {"enum": ["ar", "zh", "en", "fr", "ru", "es"]},
            "components": {"type": "array", "items": {"enum": [c.id for c in toolkit.components]}},
            "reference_period": {"type": "array", "items": {"type": "integer"},
                                 "minItems": 2, "maxItems": 2},
            "respondent": {"type": "object", "properties": {
                "institution": {"type": "string", "minLength": 1},
                "respondent_name": text, "role": text, "contact": text,
                "completion_date": {"type": ["string", "null"], "format": "date"},
                "country": text, "assessment": text, "kind": text}},
            "answers": answers_schema(toolkit, ids, period),
            "details": {"type": "object", "additionalProperties": detail},
            "tables": {"type": "object", "additionalProperties": {
                "type": "object", "properties": {"source": text, "reliability": text}}},
        },
    }

"""Loading specs: a folder of JSON files → a ``Toolkit``.

Building trusts its input: ``lint.load_toolkit`` lints the folder first and raises ``SpecError``
with every problem when the specs are not valid, so the rest of the code can trust the model.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from natk_xlsx.errors import InputError
from natk_xlsx.spec.model import (
    Breakdown,
    Choice,
    ChoiceList,
    Component,
    Labelled,
    NeedsRule,
    Question,
    Section,
    Standard,
    Toolkit,
)

MANIFEST_FILE = "toolkit.json"
LISTS_FILE = "lists.json"
SPECS_ENV = "NATK_SPECS"


#: The specs folder of a checkout (or of any project laid out like one), used when present.
LOCAL_SPECS = "workbook_specs"


def default_specs_dir() -> Path:
    """The specs to use when none are named: $NATK_SPECS, else ``./workbook_specs`` when the
    current folder has one with a manifest (a checkout: its specs, not an installed copy), else
    the bundled toolkit."""
    env = os.environ.get(SPECS_ENV)
    if env:
        return Path(env)
    local = Path(LOCAL_SPECS)
    if (local / MANIFEST_FILE).is_file():
        return local
    here = Path(__file__).resolve().parent.parent  # the package folder
    for candidate in (here / "workbook_specs", here.parent / "workbook_specs"):
        if (candidate / MANIFEST_FILE).is_file():
            return candidate
    raise InputError(
        str(here / "workbook_specs"),
        "the bundled specs are missing; name a specs folder or reinstall natk-xlsx",
    )


def resolve_specs_dir(directory: str | os.PathLike[str] | None) -> Path:
    path = Path(directory) if directory is not None else default_specs_dir()
    if not path.exists():
        raise InputError(str(path), "no such folder; name the folder that holds toolkit.json")
    if not path.is_dir():
        raise InputError(str(path), "not a folder; name the folder that holds toolkit.json")
    if not (path / MANIFEST_FILE).is_file():
        raise InputError(
            str(path), f"no {MANIFEST_FILE} here; a specs folder starts with its manifest"
        )
    return path


def spec_hash(documents: Mapping[str, Any]) -> str:
    """A SHA-256 over the canonical JSON of every spec file, so that a workbook can say exactly
    which specs built it. Formatting and key order do not change it."""
    digest = hashlib.sha256()
    for name in sorted(documents):
        digest.update(name.encode("utf-8") + b"\0")
        canonical = json.dumps(documents[name], sort_keys=True, ensure_ascii=False,
                               separators=(",", ":"))
        digest.update(canonical.encode("utf-8") + b"\0")
    return digest.hexdigest()


# -- building the model from documents that passed the schema ------------------------------------
def _choices(items: list[dict[str, Any]]) -> tuple[Choice, ...]:
    return tuple(Choice(item["code"], item["label"], item.get("exclusive") is True)
                 for item in items)


def _needs(rule: dict[str, Any]) -> NeedsRule:
    return NeedsRule(
        when=rule["when"],
        severity=rule["severity"],
        assistance=tuple(rule["assistance"]),
        action=rule["action"],
        gap=rule.get("gap"),
        horizon=rule.get("horizon"),
        depends_on=tuple(rule.get("depends_on", ())),
        theme=rule.get("theme"),
    )


def _question(doc: dict[str, Any], component: str) -> Question:
    return Question(
        id=doc["id"],
        component=component,
        section=doc["section"],
        type=doc["type"],
        text=doc["text"],
        guidance=doc["guidance"],
        required=doc.get("required", True),
        allow_na=doc.get("allow_na", False),
        partly=doc.get("partly", True),
        choices=doc.get("choices"),
        breakdown=doc.get("breakdown"),
        indicator=doc.get("indicator"),
        unit=doc.get("unit"),
        constraints=doc.get("constraints", {}),
        relevant=doc.get("relevant"),
        standards=tuple(Standard(s["instrument"], s.get("article")) for s in doc.get("standards", ())),
        tags=tuple(doc.get("tags", ())),
        respondents=tuple(doc.get("respondents", ())),
        needs=tuple(_needs(r) for r in doc.get("needs", ())),
        authoritative=tuple(doc.get("authoritative", ())),
        depth=doc.get("depth", "full"),
    )


def build_component(doc: dict[str, Any]) -> Component:
    return Component(
        id=doc["id"],
        prefix=doc["prefix"],
        category=doc["category"],
        title=doc["title"],
        sheet_name=doc["sheet_name"],
        purpose=doc["purpose"],
        respondents=tuple(doc["respondents"]),
        documents=tuple(doc["documents"]),
        interviewees=tuple(doc["interviewees"]),
        sections=tuple(Section(s["id"], s["title"]) for s in doc["sections"]),
        questions=tuple(_question(q, doc["id"]) for q in doc["questions"]),
    )


VOCABULARIES = ("respondent_kinds", "instruments", "stages", "indicators", "tags", "assistance", "themes",
                "severities", "categories")


def build_toolkit(
    manifest: dict[str, Any],
    lists: dict[str, Any],
    components: Mapping[str, dict[str, Any]],
    directory: str,
    hash_: str,
) -> Toolkit:
    """Build the model; ``components`` maps id → document, for those that passed the schema."""
    choice_lists: dict[str, ChoiceList] = {}
    breakdowns: dict[str, Breakdown] = {}
    for source in (lists, *components.values()):
        for list_id, body in source.get("choice_lists", {}).items():
            choice_lists.setdefault(list_id, ChoiceList(list_id, _choices(body["choices"])))
        for bd_id, body in source.get("breakdowns", {}).items():
            breakdowns.setdefault(
                bd_id, Breakdown(bd_id, body["label"], body["additive"], _choices(body["columns"]))
            )
    vocabularies = {
        name: tuple(
            Labelled(e["code"], e["label"], {k: v for k, v in e.items() if k not in ("code", "label")})
            for e in lists.get(name, ())
        )
        for name in VOCABULARIES
    }
    period = manifest["reference_period"]
    return Toolkit(
        id=manifest["id"],
        title=manifest["title"],
        description=manifest["description"],
        version=manifest["version"],
        source_language=manifest["source_language"],
        languages=tuple(manifest["languages"]),
        reference_period=(period["first_year"], period["last_year"]),
        components=tuple(
            build_component(components[cid]) for cid in manifest["components"] if cid in components
        ),
        choice_lists=choice_lists,
        breakdowns=breakdowns,
        vocabularies=vocabularies,
        spec_hash=hash_,
        directory=directory,
    )

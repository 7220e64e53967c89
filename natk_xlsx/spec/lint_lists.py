"""Lint of the manifest and of the shared lists: vocabularies, choice lists, breakdowns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from natk_xlsx import layout
from natk_xlsx.i18n.languages import tr
from natk_xlsx.spec.lint_report import Checker
from natk_xlsx.spec.loading import LISTS_FILE, MANIFEST_FILE
from natk_xlsx.spec.model import ASSISTANCE_TYPES, CATEGORIES, SEVERITIES, YES_NO_CODES
from natk_xlsx.validation import spec_schema


def check_manifest(manifest: dict[str, Any], check: Checker) -> None:
    period = manifest["reference_period"]
    if period["first_year"] > period["last_year"]:
        check.error("SPEC-PERIOD", MANIFEST_FILE, "$.reference_period",
                    "the first year comes after the last", "swap them")
    elif period["last_year"] - period["first_year"] >= 20:
        check.error("SPEC-PERIOD", MANIFEST_FILE, "$.reference_period",
                    "a statistics table of more than 20 years cannot be filled reliably",
                    "choose a period of at most 20 years (3 to 5 is usual)")
    if manifest["source_language"] not in manifest["languages"]:
        check.error("SPEC-LANGUAGE", MANIFEST_FILE, "$.languages",
                    "the source language is not among the published languages",
                    f"add '{manifest['source_language']}'")


FIXED_VOCABULARIES = {
    "assistance": ASSISTANCE_TYPES,
    "severities": SEVERITIES,
    "categories": CATEGORIES,
    "tags": tuple(spec_schema()["$defs"]["tag"]["enum"]),
}


def check_vocabularies(lists: dict[str, Any], check: Checker) -> None:
    for name in ("respondent_kinds", "instruments", "stages", "indicators", "tags", "assistance",
                 "themes", "severities", "categories"):
        codes = [e["code"] for e in lists.get(name, ())]
        for code, n in Counter(codes).items():
            if n > 1:
                check.error("SPEC-DUPLICATE-ID", LISTS_FILE, f"$.{name}",
                            f"the code '{code}' appears {n} times", "keep one")
        fixed = FIXED_VOCABULARIES.get(name)
        if fixed is not None:
            missing = [c for c in fixed if c not in codes]
            extra = [c for c in codes if c not in fixed]
            if missing:
                check.error("SPEC-VOCABULARY", LISTS_FILE, f"$.{name}",
                            f"no label for {', '.join(missing)}", "add an entry for each")
            if extra:
                check.error("SPEC-VOCABULARY", LISTS_FILE, f"$.{name}",
                            f"{', '.join(extra)} not in the fixed vocabulary",
                            f"use only {', '.join(fixed)}")
    for i, instrument in enumerate(lists.get("instruments", ())):
        for lang, text in (instrument.get("cite") or {}).items():
            if isinstance(text, str) and text.count("{parts}") != 1:
                check.error("SPEC-STANDARD", LISTS_FILE, f"$.instruments[{i}].cite.{lang}",
                            "the citation form must hold {parts} once, where the cited parts go",
                            "write it as in 'OHCHR {parts}'")
    stages = {e["code"] for e in lists["stages"]}
    for i, indicator in enumerate(lists["indicators"]):
        if indicator["stage"] not in stages:
            check.error("SPEC-REF", LISTS_FILE, f"$.indicators[{i}].stage",
                        f"no stage '{indicator['stage']}'", f"use one of {', '.join(sorted(stages))}")
    _check_chains(lists["indicators"], check)
    yes_no = lists["choice_lists"].get("yes_no")
    if yes_no is None or tuple(c["code"] for c in yes_no["choices"]) != YES_NO_CODES:
        check.error("SPEC-VOCABULARY", LISTS_FILE, "$.choice_lists.yes_no",
                    "the yes_no list must hold exactly " + ", ".join(YES_NO_CODES) + " in order",
                    "restore the list")
    for required in ("priority", "reliability"):
        if required not in lists["choice_lists"]:
            check.error("SPEC-VOCABULARY", LISTS_FILE, f"$.choice_lists.{required}",
                        f"the '{required}' list is missing; every workbook uses it", "add it")


def _check_labelled(
    entries: list[dict[str, Any]], file: str, path: str, what: str, languages: list[str],
    check: Checker,
) -> None:
    for code, n in Counter(e["code"] for e in entries).items():
        if n > 1:
            check.error("SPEC-DUPLICATE-ID", file, path, f"the code '{code}' appears {n} times in {what}",
                        "give each entry its own code")
    for lang in languages:
        labels = Counter(tr(e["label"], lang).strip().casefold() for e in entries)
        for label, n in labels.items():
            if n > 1 and label:
                check.error("SPEC-DUPLICATE-LABEL", file, path,
                            f"the {lang} label '{label}' appears {n} times in {what}, so an answer "
                            "typed as that label could not be told apart",
                            "give each entry its own label")
    for i, entry in enumerate(entries):
        for lang, label in entry["label"].items():
            if len(label) > layout.LIST_LABEL_MAX:
                check.error("SPEC-EXCEL-LIMIT", file, f"{path}[{i}].label.{lang}",
                            f"a list label has {len(label)} characters; a dropdown shows at most "
                            f"{layout.LIST_LABEL_MAX}", "shorten it")


def check_lists(
    lists: dict[str, Any], components: Mapping[str, dict[str, Any]], manifest: dict[str, Any],
    check: Checker,
) -> None:
    languages = list(manifest["languages"])
    owners: dict[tuple[str, str], str] = {}
    for file, doc in ((LISTS_FILE, lists), *((f"{c}.json", d) for c, d in components.items())):
        for kind, entries_key in (("choice_lists", "choices"), ("breakdowns", "columns")):
            for list_id, body in doc.get(kind, {}).items():
                where = f"$.{kind}.{list_id}"
                if (kind, list_id) in owners:
                    check.error("SPEC-DUPLICATE-ID", file, where,
                                f"'{list_id}' is already defined in {owners[(kind, list_id)]}",
                                "reuse that one or give this one another id")
                    continue
                owners[(kind, list_id)] = file
                _check_labelled(body[entries_key], file, f"{where}.{entries_key}",
                                f"{kind[:-1].replace('_', ' ')} '{list_id}'", languages, check)




def _check_chains(indicators: list[dict[str, Any]], check: Checker) -> None:
    """Along a chain every stage counts the same unit, so each place is held once. An indicator
    with a chain but no place counts the chain's unit without being one of its stages."""
    places: dict[tuple[str, int], str] = {}
    for i, indicator in enumerate(indicators):
        chain, order = indicator.get("chain"), indicator.get("chain_order")
        if chain is None and order is not None:
            check.error("SPEC-CHAIN", LISTS_FILE, f"$.indicators[{i}].chain_order",
                        f"'{indicator['code']}' has a place along a chain but no chain",
                        "add \"chain\" (victims, cases or persons) or remove chain_order")
            continue
        if chain is None or order is None:
            continue  # outside the chains, or a measure in a chain's unit that is not a stage
        if (chain, order) in places:
            check.error("SPEC-CHAIN", LISTS_FILE, f"$.indicators[{i}].chain_order",
                        f"'{indicator['code']}' and '{places[(chain, order)]}' both hold place "
                        f"{order} of the {chain} chain", "give each stage its own place")
        places.setdefault((chain, order), indicator["code"])

"""Every check of a specs folder, as data (run by ``lint.lint_specs``).

The schema checks each file's shape; the ``lint_*`` modules check what a schema cannot: ids,
references, skip logic, Excel's limits, translation completeness, the method's rules (themes,
authoritative respondents, "Don't know") and the response burden. Each problem names the file, the
JSON path and what to do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from natk_xlsx.i18n.languages import tr
from natk_xlsx.spec.burden import check_burden
from natk_xlsx.spec.lint_components import check_components, check_dependencies, check_sheet_names
from natk_xlsx.spec.lint_lists import check_lists, check_manifest, check_vocabularies
from natk_xlsx.spec.lint_method import check_interface_labels, check_method
from natk_xlsx.spec.lint_report import Checker, ComponentStats, LanguageStats, LintReport
from natk_xlsx.spec.lint_translations import (
    check_translations,
    check_translations_published,
    text_maps,
)
from natk_xlsx.spec.loading import LISTS_FILE, MANIFEST_FILE, build_toolkit, resolve_specs_dir, spec_hash
from natk_xlsx.spec.model import Toolkit
from natk_xlsx.validation import json_path, spec_schema_errors

__all__ = ["ComponentStats", "LanguageStats", "LintReport", "lint_specs", "text_maps"]

#: The workbook's own interface texts (cover, instructions, messages, summary), counted with the
#: specs' texts: a published language must have them too.
INTERFACE_FILE = "natk_xlsx/i18n/interface.json"


# -- reading ---------------------------------------------------------------------------------------
#: What JSON's syntax most often trips on when edited by hand.
_HINT = (" (JSON has no comments, no comma after an object's or a list's last item, and its "
         "quotes are straight: \")")


class _TwiceSaid(ValueError):
    """A key given twice in one object: JSON keeps the last, silently."""


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _TwiceSaid(key, [k for k, _ in pairs])
        found[key] = value
    return found


def _read(path: Path, check: Checker) -> Any:
    try:  # "UTF-8 with BOM", as Notepad and PowerShell save it, is UTF-8 too
        return json.loads(path.read_text("utf-8-sig"), object_pairs_hook=_once)
    except UnicodeDecodeError:
        check.error("SPEC-JSON", path.name, "$", "the file is not UTF-8 text",
                    "save it as UTF-8")
    except json.JSONDecodeError as exc:
        check.error("SPEC-JSON", path.name, f"line {exc.lineno} column {exc.colno}",
                    f"not valid JSON ({exc.msg})", "correct the JSON syntax there" + _HINT)
    except _TwiceSaid as exc:
        key, keys = exc.args
        check.error("SPEC-JSON", path.name, "$",
                    f"the key \"{key}\" is given twice in one object (its keys: "
                    f"{', '.join(dict.fromkeys(keys))}); JSON would keep the last silently",
                    "delete the one that should not be there")
    except OSError as exc:
        check.error("SPEC-JSON", path.name, "$", f"cannot be read ({exc.strerror})",
                    "check the file's permissions")
    return None


def lint_specs(directory: str | Path | None = None) -> LintReport:
    """Check the specs in ``directory`` (default: the bundled toolkit) and report every problem.

    Raises ``InputError`` only when the folder itself cannot be used.
    """
    path = resolve_specs_dir(directory)
    report = LintReport(str(path))
    _run_checks(path, Checker(report))
    report.problems.sort(key=lambda p: _FIRST.get(p.code, len(_FIRST)))
    return report


def _run_checks(path: Path, check: Checker) -> None:
    report = check.report
    documents: dict[str, Any] = {}
    for file in sorted(path.glob("*.json")):
        report.files.append(file.name)
        doc = _read(file, check)
        if doc is not None:
            documents[file.name] = doc
    schema_valid: dict[str, bool] = {}
    for name, doc in documents.items():
        errors = spec_schema_errors(doc)
        for err in errors:
            check.error("SPEC-SCHEMA", name, json_path(err.path), err.message, err.fix)
        schema_valid[name] = not errors

    from natk_xlsx.i18n.interface import strings

    missing = check_translations({**documents, INTERFACE_FILE: strings()}, check)
    manifest = documents.get(MANIFEST_FILE)
    lists = documents.get(LISTS_FILE)
    if not _usable(manifest, "manifest", MANIFEST_FILE, schema_valid, check) or not _usable(
        lists, "lists", LISTS_FILE, schema_valid, check
    ):
        return
    assert isinstance(manifest, dict) and isinstance(lists, dict)
    components = _component_documents(documents, manifest, schema_valid, check)
    unused = [f"{cid}.json" for cid in manifest["components"]
              if cid not in components and f"{cid}.json" in report.files]
    if unused:  # its questions are unknown: those named elsewhere are not said to be missing
        check.partial = True
        check.warning("SPEC-PARTIAL", unused[0], "$",
                      f"{', '.join(unused)} could not be used, so the questions other files "
                      "name in it are not checked", "correct the errors above and check again")
    toolkit = build_toolkit(manifest, lists, components, str(path), spec_hash(documents))
    report.toolkit = toolkit
    check_manifest(manifest, check)
    check_vocabularies(lists, check)
    check_lists(lists, components, manifest, check)
    check_components(toolkit, components, lists, check)
    check_sheet_names(toolkit, check)
    check_dependencies(toolkit, components, check)
    check_method(toolkit, components, lists, check)
    check_interface_labels(strings(), INTERFACE_FILE, check)
    report.burden = check_burden(toolkit, check)
    report.components = [_stats(toolkit, cid, manifest) for cid in manifest["components"]
                         if cid in components]
    check_translations_published(report, manifest, missing, check)


#: Problems that others follow from, said first (the first error is what ``generate`` shows):
#: a question id given twice made a skip-logic condition of the first one look wrong.
_FIRST = {code: i for i, code in enumerate(("SPEC-JSON", "SPEC-MISSING-FILE", "SPEC-KIND",
                                            "SPEC-ID", "SPEC-SCHEMA", "SPEC-DUPLICATE-ID"))}


def _usable(doc: Any, kind: str, name: str, valid: Mapping[str, bool], check: Checker) -> bool:
    if doc is None:
        if name not in valid and name not in check.report.files:  # else: said as unreadable
            check.error("SPEC-MISSING-FILE", name, "$", f"the {kind} file is missing",
                        f"add {name} (see docs/spec-format.md)")
        return False
    if not isinstance(doc, dict) or doc.get("kind") != kind:
        check.error("SPEC-KIND", name, "$.kind", f"{name} must have \"kind\": \"{kind}\"",
                    f"set kind to {kind}")
        return False
    return valid.get(name, False)


def _component_documents(
    documents: Mapping[str, Any], manifest: dict[str, Any], valid: Mapping[str, bool],
    check: Checker,
) -> dict[str, dict[str, Any]]:
    """Component id → document, for the components the manifest lists and whose file is valid."""
    found: dict[str, dict[str, Any]] = {}
    listed = manifest["components"]
    for i, cid in enumerate(listed):
        name = f"{cid}.json"
        doc = documents.get(name)
        if doc is None and name in check.report.files:
            continue  # there, but not JSON: said as such
        if doc is None:
            check.error("SPEC-MISSING-FILE", MANIFEST_FILE, f"$.components[{i}]",
                        f"component '{cid}' has no file {name}",
                        f"add {name} beside {MANIFEST_FILE} or remove '{cid}' from the list")
            continue
        if not isinstance(doc, dict) or doc.get("kind") != "component":
            check.error("SPEC-KIND", name, "$.kind", f"{name} must have \"kind\": \"component\"",
                        "set kind to component")
            continue
        if doc.get("id") != cid:
            check.error("SPEC-ID", name, "$.id",
                        f"the id is '{doc.get('id')}' but the file and the manifest say '{cid}'",
                        f"set id to '{cid}' or rename the file")
            continue
        if valid.get(name):
            found[cid] = doc
    for name, doc in documents.items():
        if name in (MANIFEST_FILE, LISTS_FILE):
            continue
        if isinstance(doc, dict) and doc.get("kind") in ("manifest", "lists"):
            check.error("SPEC-KIND", name, "$.kind",
                        f"only {MANIFEST_FILE} and {LISTS_FILE} may be of kind {doc['kind']}",
                        "merge it into the right file or make it a component")
        elif name[: -len(".json")] not in listed:
            check.warning("SPEC-ORPHAN-FILE", name, "$",
                          f"{name} is not among the manifest's components and is ignored",
                          f"add '{name[:-5]}' to components in {MANIFEST_FILE} or remove the file")
    return found


# -- statistics ------------------------------------------------------------------------------------
def _stats(toolkit: Toolkit, cid: str, manifest: dict[str, Any]) -> ComponentStats:
    c = toolkit.component(cid)
    return ComponentStats(
        id=c.id,
        category=c.category,
        sheet_name=tr(c.sheet_name, manifest["source_language"]),
        sections=len(c.sections),
        questions=len(c.questions),
        tables=sum(q.type == "stats_table" for q in c.questions),
        with_needs=sum(bool(q.needs) for q in c.questions),
        rules=sum(len(q.needs) for q in c.questions),
        skip_logic=sum(q.relevant is not None for q in c.questions),
    )

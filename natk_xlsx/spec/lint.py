"""``natk specs check``: every check of a specs folder, as data.

The schema checks each file's shape; this module checks what a schema cannot: ids, references,
skip logic, Excel's limits and translation completeness. Each problem names the file, the JSON path
and what to do.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from natk_xlsx import layout
from natk_xlsx.errors import Problem, SpecError
from natk_xlsx.i18n.languages import UN_LANGUAGES, tr
from natk_xlsx.spec.conditions import CODE_OPS, NUMBER_OPS, leaf_op, leaves
from natk_xlsx.spec.loading import LISTS_FILE, MANIFEST_FILE, build_toolkit, resolve_specs_dir, spec_hash
from natk_xlsx.spec.model import (
    ASSISTANCE_TYPES,
    CATEGORIES,
    CHOICE_TYPES,
    NUMERIC_TYPES,
    SEVERITIES,
    TEXT_TYPES,
    YES_NO_CODES,
    Question,
    Toolkit,
)
from natk_xlsx.validation import json_path, spec_schema, spec_schema_errors

#: The workbook's own interface texts (cover, instructions, messages, summary), counted with the
#: specs' texts: a published language must have them too.
INTERFACE_FILE = "natk_xlsx/i18n/interface.json"

#: Least questions a component of each category should have.
MIN_QUESTIONS = {"core": 20, "cross_cutting": 8, "optional": 1}


@dataclass(frozen=True)
class ComponentStats:
    id: str
    category: str
    sheet_name: str
    sections: int
    questions: int
    tables: int
    with_needs: int
    rules: int
    skip_logic: int


@dataclass(frozen=True)
class LanguageStats:
    lang: str
    texts: int
    translated: int
    published: bool

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.texts if self.texts else 100.0


@dataclass
class LintReport:
    directory: str
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    toolkit: Toolkit | None = None
    components: list[ComponentStats] = field(default_factory=list)
    languages: list[LanguageStats] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        tk = self.toolkit
        return {
            "directory": self.directory,
            "valid": self.ok,
            "toolkit": None if tk is None else {
                "id": tk.id, "version": tk.version, "spec_hash": tk.spec_hash,
            },
            "files": self.files,
            "components": [asdict(c) for c in self.components],
            "languages": [
                {**asdict(lang), "percent": round(lang.percent, 1)} for lang in self.languages
            ],
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [asdict(p) for p in self.problems],
        }


class _Checker:
    """Collects problems while the checks run."""

    def __init__(self, report: LintReport) -> None:
        self.report = report

    def error(self, code: str, file: str, path: str, message: str, fix: str) -> None:
        self.report.problems.append(Problem("error", code, file, path, message, fix))

    def warning(self, code: str, file: str, path: str, message: str, fix: str) -> None:
        self.report.problems.append(Problem("warning", code, file, path, message, fix))


# -- reading ---------------------------------------------------------------------------------------
def _read(path: Path, check: _Checker) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except UnicodeDecodeError:
        check.error("SPEC-JSON", path.name, "$", "the file is not UTF-8 text",
                    "save it as UTF-8")
    except json.JSONDecodeError as exc:
        check.error("SPEC-JSON", path.name, f"line {exc.lineno} column {exc.colno}",
                    f"not valid JSON ({exc.msg})", "correct the JSON syntax there")
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
    check = _Checker(report)
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

    missing = _check_translations({**documents, INTERFACE_FILE: strings()}, check)
    manifest = documents.get(MANIFEST_FILE)
    lists = documents.get(LISTS_FILE)
    if not _usable(manifest, "manifest", MANIFEST_FILE, schema_valid, check) or not _usable(
        lists, "lists", LISTS_FILE, schema_valid, check
    ):
        return report
    assert isinstance(manifest, dict) and isinstance(lists, dict)
    components = _component_documents(documents, manifest, schema_valid, check)
    toolkit = build_toolkit(manifest, lists, components, str(path), spec_hash(documents))
    report.toolkit = toolkit
    _check_manifest(manifest, check)
    _check_vocabularies(lists, check)
    _check_lists(lists, components, manifest, check)
    _check_components(toolkit, components, lists, check)
    _check_sheet_names(toolkit, check)
    _check_dependencies(toolkit, components, check)
    report.components = [_stats(toolkit, cid, manifest) for cid in manifest["components"]
                         if cid in components]
    _check_translations_published(report, manifest, missing, check)
    return report


def _usable(doc: Any, kind: str, name: str, valid: Mapping[str, bool], check: _Checker) -> bool:
    if doc is None:
        if name not in valid:
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
    check: _Checker,
) -> dict[str, dict[str, Any]]:
    """Component id → document, for the components the manifest lists and whose file is valid."""
    found: dict[str, dict[str, Any]] = {}
    listed = manifest["components"]
    for i, cid in enumerate(listed):
        name = f"{cid}.json"
        doc = documents.get(name)
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


# -- manifest and shared lists ---------------------------------------------------------------------
def _check_manifest(manifest: dict[str, Any], check: _Checker) -> None:
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


def _check_vocabularies(lists: dict[str, Any], check: _Checker) -> None:
    for name in ("respondent_kinds", "instruments", "stages", "indicators", "tags", "assistance",
                 "severities", "categories"):
        codes = [e["code"] for e in lists[name]]
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
    stages = {e["code"] for e in lists["stages"]}
    for i, indicator in enumerate(lists["indicators"]):
        if indicator["stage"] not in stages:
            check.error("SPEC-REF", LISTS_FILE, f"$.indicators[{i}].stage",
                        f"no stage '{indicator['stage']}'", f"use one of {', '.join(sorted(stages))}")
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
    check: _Checker,
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


def _check_lists(
    lists: dict[str, Any], components: Mapping[str, dict[str, Any]], manifest: dict[str, Any],
    check: _Checker,
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


# -- components ------------------------------------------------------------------------------------
def _check_components(
    toolkit: Toolkit, components: Mapping[str, dict[str, Any]], lists: dict[str, Any],
    check: _Checker,
) -> None:
    kinds = {e["code"] for e in lists["respondent_kinds"]}
    instruments = {e["code"] for e in lists["instruments"]}
    indicators = {e["code"] for e in lists["indicators"]}
    seen_ids: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for component in toolkit.components:
        file = f"{component.id}.json"
        doc = components[component.id]
        if component.prefix in prefixes:
            check.error("SPEC-DUPLICATE-ID", file, "$.prefix",
                        f"the prefix {component.prefix} is already used by {prefixes[component.prefix]}",
                        "choose another three-letter prefix")
        prefixes.setdefault(component.prefix, component.id)
        for i, kind in enumerate(component.respondents):
            if kind not in kinds:
                check.error("SPEC-REF", file, f"$.respondents[{i}]", f"no respondent kind '{kind}'",
                            "use a code of respondent_kinds in lists.json")
        _check_sections(component.id, doc, check)
        minimum = MIN_QUESTIONS[component.category]
        if len(component.questions) < minimum:
            check.warning("SPEC-FEW-QUESTIONS", file, "$.questions",
                          f"a {component.category.replace('_', '-')} component has "
                          f"{len(component.questions)} questions",
                          f"write at least {minimum} to cover its sub-topics")
        position = {q.id: i for i, q in enumerate(component.questions)}
        for i, question in enumerate(component.questions):
            where = f"$.questions[{i}]"
            if question.id in seen_ids:
                check.error("SPEC-DUPLICATE-ID", file, f"{where}.id",
                            f"{question.id} is already a question of {seen_ids[question.id]}",
                            "give it the next free number")
            seen_ids.setdefault(question.id, file)
            if not question.id.startswith(component.prefix + "."):
                check.error("SPEC-PREFIX", file, f"{where}.id",
                            f"{question.id} does not start with the component's prefix {component.prefix}",
                            f"number it {component.prefix}.NN")
            name_problem = layout.defined_name_problem(question.id)
            if name_problem:
                check.error("SPEC-EXCEL-NAME", file, f"{where}.id",
                            f"{question.id} cannot be an Excel defined name: {name_problem}",
                            "use the form ABC.01")
            _check_references(question, where, file, toolkit, kinds, instruments, indicators, check)
            _check_constraints(question, where, file, check)
            _check_excel_texts(question, where, file, check)
            if question.relevant is not None:
                _check_condition(question.relevant, f"{where}.relevant", file, toolkit, component.id,
                                 question, position, relevance=True, check=check)
            for r, rule in enumerate(question.needs):
                _check_condition(rule.when, f"{where}.needs[{r}].when", file, toolkit, component.id,
                                 question, position, relevance=False, check=check)
            if question.type == "yes_no" and "needs" not in doc["questions"][i]:
                check.warning("SPEC-NO-NEEDS", file, where,
                              f"{question.id} is a yes/no question without needs rules",
                              "add the rule that says which answer reveals a gap, or "
                              "\"needs\": [] if no answer can")


def _check_sections(cid: str, doc: dict[str, Any], check: _Checker) -> None:
    file = f"{cid}.json"
    section_ids = [s["id"] for s in doc["sections"]]
    for sid, n in Counter(section_ids).items():
        if n > 1:
            check.error("SPEC-DUPLICATE-ID", file, "$.sections",
                        f"the section id '{sid}' appears {n} times", "give each section its own id")
    order = {sid: i for i, sid in enumerate(section_ids)}
    last = -1
    used: set[str] = set()
    for i, question in enumerate(doc["questions"]):
        sid = question["section"]
        if sid not in order:
            check.error("SPEC-REF", file, f"$.questions[{i}].section", f"no section '{sid}'",
                        f"use one of {', '.join(section_ids)}")
            continue
        if order[sid] < last or (sid in used and order[sid] != last):
            check.error("SPEC-SECTION-ORDER", file, f"$.questions[{i}].section",
                        f"{question['id']} belongs to section '{sid}', which came earlier",
                        "keep each section's questions together, in the order of the sections")
        last = max(last, order[sid])
        used.add(sid)
    for sid in section_ids:
        if sid not in used:
            check.warning("SPEC-EMPTY-SECTION", file, f"$.sections[{order[sid]}]",
                          f"section '{sid}' has no questions", "add questions or remove it")


def _check_references(
    q: Question, where: str, file: str, toolkit: Toolkit, kinds: set[str], instruments: set[str],
    indicators: set[str], check: _Checker,
) -> None:
    if q.choices is not None and q.choices not in toolkit.choice_lists:
        check.error("SPEC-REF", file, f"{where}.choices", f"no choice list '{q.choices}'",
                    "define it in lists.json or in this component's choice_lists")
    if q.breakdown is not None and q.breakdown not in toolkit.breakdowns:
        check.error("SPEC-REF", file, f"{where}.breakdown", f"no breakdown '{q.breakdown}'",
                    "define it in lists.json or in this component's breakdowns")
    if q.indicator is not None and q.indicator not in indicators:
        check.error("SPEC-REF", file, f"{where}.indicator", f"no indicator '{q.indicator}'",
                    "use a code of indicators in lists.json")
    for s, standard in enumerate(q.standards):
        if standard.instrument not in instruments:
            check.error("SPEC-REF", file, f"{where}.standards[{s}].instrument",
                        f"no instrument '{standard.instrument}'",
                        "use a code of instruments in lists.json")
    for r, kind in enumerate(q.respondents):
        if kind not in kinds:
            check.error("SPEC-REF", file, f"{where}.respondents[{r}]", f"no respondent kind '{kind}'",
                        "use a code of respondent_kinds in lists.json")
    for r, rule in enumerate(q.needs):
        for d, dep in enumerate(rule.depends_on):
            try:
                toolkit.question(dep)
            except KeyError:
                check.error("SPEC-REF", file, f"{where}.needs[{r}].depends_on[{d}]",
                            f"no question {dep}", "name an existing question")
            if dep == q.id:
                check.error("SPEC-CYCLE", file, f"{where}.needs[{r}].depends_on[{d}]",
                            f"{q.id} depends on itself", "remove it")


_CONSTRAINTS_BY_TYPE = {
    "min": NUMERIC_TYPES - {"stats_table"},
    "max": NUMERIC_TYPES - {"stats_table"},
    "min_length": TEXT_TYPES,
    "max_length": TEXT_TYPES,
    "min_items": {"multiple_choice"},
    "max_items": {"multiple_choice"},
    "min_date": {"date"},
    "max_date": {"date"},
}


def _check_constraints(q: Question, where: str, file: str, check: _Checker) -> None:
    c = q.constraints
    for key in c:
        if q.type not in _CONSTRAINTS_BY_TYPE[key]:
            check.error("SPEC-CONSTRAINT", file, f"{where}.constraints.{key}",
                        f"{key} does not apply to a {q.type} question", "remove it")
    for low, high in (("min", "max"), ("min_length", "max_length"), ("min_items", "max_items"),
                      ("min_date", "max_date")):
        if low in c and high in c and c[low] > c[high]:
            check.error("SPEC-CONSTRAINT", file, f"{where}.constraints",
                        f"{low} ({c[low]}) is above {high} ({c[high]})", "swap or correct them")
    if q.type == "percentage":
        for key in ("min", "max"):
            if key in c and not 0 <= c[key] <= 100:
                check.error("SPEC-CONSTRAINT", file, f"{where}.constraints.{key}",
                            "a percentage lies between 0 and 100", "correct the bound")
    if q.type == "short_text" and c.get("max_length", 0) > 255:
        check.error("SPEC-CONSTRAINT", file, f"{where}.constraints.max_length",
                    "a short text holds at most 255 characters", "make it a long_text question")
    if q.type in ("integer", "year") and any(
        isinstance(c.get(k), float) and not float(c[k]).is_integer() for k in ("min", "max")
    ):
        check.error("SPEC-CONSTRAINT", file, f"{where}.constraints",
                    "a whole-number question needs whole-number bounds", "round the bounds")


def _check_excel_texts(q: Question, where: str, file: str, check: _Checker) -> None:
    for lang, text in q.guidance.items():
        if len(text) > layout.VALIDATION_MESSAGE_MAX:
            check.error("SPEC-EXCEL-LIMIT", file, f"{where}.guidance.{lang}",
                        f"the guidance has {len(text)} characters; it is also the answer cell's "
                        f"input message, which Excel caps at {layout.VALIDATION_MESSAGE_MAX}",
                        "shorten it")
    for key, text_map in (("text", q.text), ("guidance", q.guidance)):
        for lang, text in text_map.items():
            if len(text) > layout.CELL_TEXT_MAX:
                check.error("SPEC-EXCEL-LIMIT", file, f"{where}.{key}.{lang}",
                            "longer than an Excel cell can hold", "shorten it")
    if len(layout.input_title(q.id)) > layout.VALIDATION_TITLE_MAX:
        check.error("SPEC-EXCEL-LIMIT", file, f"{where}.id",
                    f"the input title would exceed {layout.VALIDATION_TITLE_MAX} characters",
                    "shorten the id")


def _check_condition(
    condition: Mapping[str, Any], where: str, file: str, toolkit: Toolkit, component_id: str,
    owner: Question, position: Mapping[str, int], *, relevance: bool, check: _Checker,
) -> None:
    for suffix, leaf in leaves(condition):
        path = where + suffix
        qid = leaf.get("question")
        if qid is None:
            if relevance:
                check.error("SPEC-CONDITION", file, path,
                            "a relevance condition must name the question it looks at",
                            "add \"question\": \"<an earlier question id>\"")
                continue
            qid = owner.id
        if qid not in position:
            try:
                other = toolkit.question(qid)
                check.error("SPEC-CONDITION", file, f"{path}.question",
                            f"{qid} belongs to component '{other.component}'",
                            "a condition may only look at questions of its own component, so that "
                            "a workbook with some components still works")
            except KeyError:
                check.error("SPEC-REF", file, f"{path}.question", f"no question {qid}",
                            "name a question of this component")
            continue
        if relevance and position[qid] >= position[owner.id]:
            what = "itself" if qid == owner.id else f"{qid}, which comes later"
            check.error("SPEC-RELEVANCE-ORDER", file, f"{path}.question",
                        f"{owner.id} depends on {what}",
                        "a question may only depend on earlier questions; move it or change the rule")
            continue
        target = toolkit.question(qid)
        op = leaf_op(leaf)
        if op in CODE_OPS:
            if target.type not in CHOICE_TYPES:
                check.error("SPEC-CONDITION", file, f"{path}.{op}",
                            f"{qid} is a {target.type} question, which has no codes to match",
                            "use answered, lt, le, gt or ge")
                continue
            if target.choices is not None and target.choices not in toolkit.choice_lists:
                continue  # the missing list is reported on the question itself
            allowed = toolkit.answer_codes(target)
            bad = [code for code in leaf[op] if code not in allowed]
            if bad:
                check.error("SPEC-CONDITION", file, f"{path}.{op}",
                            f"{', '.join(bad)} {'is' if len(bad) == 1 else 'are'} not an answer of {qid}",
                            f"use {', '.join(allowed)}")
        elif op in NUMBER_OPS and target.type not in NUMERIC_TYPES:
            check.error("SPEC-CONDITION", file, f"{path}.{op}",
                        f"{qid} is a {target.type} question; only numbers compare",
                        "use in, not_in or answered")


def _check_sheet_names(toolkit: Toolkit, check: _Checker) -> None:
    for lang in UN_LANGUAGES:
        seen: dict[str, str] = {}
        for component in toolkit.components:
            if lang not in component.sheet_name:
                continue
            name = component.sheet_name[lang]
            file = f"{component.id}.json"
            problem = layout.sheet_name_problem(name)
            if problem:
                check.error("SPEC-EXCEL-SHEET-NAME", file, f"$.sheet_name.{lang}",
                            f"'{name}' cannot be a sheet name: {problem}", "choose another name")
            key = name.casefold()
            if key in seen:
                check.error("SPEC-DUPLICATE-ID", file, f"$.sheet_name.{lang}",
                            f"the sheet name '{name}' is already used by {seen[key]}",
                            "sheet names must differ (Excel ignores case)")
            seen.setdefault(key, component.id)


def _check_dependencies(
    toolkit: Toolkit, components: Mapping[str, dict[str, Any]], check: _Checker
) -> None:
    """``depends_on`` links between needs must not form a cycle."""
    graph: dict[str, set[str]] = defaultdict(set)
    for question in toolkit.questions():
        for rule in question.needs:
            graph[question.id].update(d for d in rule.depends_on if d != question.id)
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*trail[trail.index(nxt):], nxt] if nxt in trail else [node, nxt]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    owner = toolkit.question(cycle[0])
                    check.error("SPEC-CYCLE", f"{owner.component}.json",
                                f"questions {cycle[0]}", "needs depend on each other in a circle: "
                                + " → ".join(cycle), "remove one of the depends_on links")
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


# -- translations ----------------------------------------------------------------------------------
def _is_text(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(k in UN_LANGUAGES for k in value)
        and all(isinstance(v, str) for v in value.values())
    )


def text_maps(doc: Any, path: str = "$") -> Iterator[tuple[str, Mapping[str, str]]]:
    """Every text a person reads in a spec document, with its JSON path."""
    if _is_text(doc):
        yield path, doc
    elif isinstance(doc, dict):
        for key, value in doc.items():
            if key != "$schema":
                yield from text_maps(value, f"{path}.{key}")
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from text_maps(value, f"{path}[{i}]")


Missing = dict[str, dict[str, list[str]]]  # language → file → JSON paths of untranslated texts


def _check_translations(documents: Mapping[str, Any], check: _Checker) -> Missing:
    """Count translated texts per language; return what is missing, for the published check."""
    totals: Counter[str] = Counter()
    translated: Counter[str] = Counter()
    missing: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, doc in documents.items():
        for path, text in text_maps(doc):
            for lang in UN_LANGUAGES:
                totals[lang] += 1
                if text.get(lang, "").strip():
                    translated[lang] += 1
                else:
                    missing[lang][name].append(path)
    check.report.languages = [
        LanguageStats(lang, totals[lang], translated[lang], False) for lang in UN_LANGUAGES
    ]
    return missing


def _check_translations_published(
    report: LintReport, manifest: dict[str, Any], missing: Missing, check: _Checker
) -> None:
    published = set(manifest["languages"]) | {manifest["source_language"]}
    report.languages = [
        LanguageStats(s.lang, s.texts, s.translated, s.lang in published) for s in report.languages
    ]
    for lang in UN_LANGUAGES:
        if lang not in published:
            continue
        for file, paths in sorted(missing.get(lang, {}).items()):
            shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            check.error("SPEC-TRANSLATION", file, paths[0],
                        f"{len(paths)} text(s) have no {lang} version although {lang} is published: "
                        f"{shown}", f"translate them or remove '{lang}' from languages in "
                        f"{MANIFEST_FILE}")


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


def load_toolkit(directory: str | Path | None = None) -> Toolkit:
    """Load and check the specs in ``directory`` (default: the bundled toolkit). The lint runs
    only when no valid verdict is remembered for exactly these files (``spec.verdict``).

    Raises ``InputError`` when the folder cannot be used and ``SpecError`` (with every problem)
    when the specs are not valid. Warnings do not stop loading.
    """
    from natk_xlsx.spec.verdict import cached_toolkit, read_spec_files, remember

    files = read_spec_files(directory)
    toolkit = cached_toolkit(files)  # linted before, with exactly this content: trusted
    if toolkit is not None:
        return toolkit
    report = lint_specs(directory)
    if report.errors or report.toolkit is None:
        raise SpecError(report.directory, report.problems)
    remember(files, report.toolkit)
    return report.toolkit

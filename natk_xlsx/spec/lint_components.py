"""Lint of the components: ids, sections, references, constraints, conditions, Excel's limits,
sheet names and the ``depends_on`` graph."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from natk_xlsx import layout
from natk_xlsx.i18n.languages import UN_LANGUAGES
from natk_xlsx.spec.conditions import CODE_OPS, NUMBER_OPS, STATS_OPS, leaf_op, leaves
from natk_xlsx.spec.lint_report import Checker
from natk_xlsx.spec.model import CHOICE_TYPES, NUMERIC_TYPES, TEXT_TYPES, Question, Toolkit

#: Least questions a component of each category should have.
MIN_QUESTIONS = {"core": 20, "cross_cutting": 8, "optional": 1}


def check_components(
    toolkit: Toolkit, components: Mapping[str, dict[str, Any]], lists: dict[str, Any],
    check: Checker,
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


def _check_sections(cid: str, doc: dict[str, Any], check: Checker) -> None:
    file = f"{cid}.json"
    section_ids = [s["id"] for s in doc["sections"]]
    for sid, n in Counter(section_ids).items():
        if n > 1:
            check.error("SPEC-DUPLICATE-ID", file, "$.sections",
                        f"the section id '{sid}' appears {n} times", "give each section its own id")
    order = {sid: i for i, sid in enumerate(section_ids)}
    used: set[str] = set()
    placed: list[tuple[int, int]] = []  # (question's index, its section's place)
    for i, question in enumerate(doc["questions"]):
        sid = question["section"]
        if sid not in order:
            check.error("SPEC-REF", file, f"$.questions[{i}].section", f"no section '{sid}'",
                        f"use one of {', '.join(section_ids)}")
            continue
        placed.append((i, order[sid]))
        used.add(sid)
    in_order = _longest_in_order([where for _, where in placed])
    for n, (i, where) in enumerate(placed):
        if n in in_order:
            continue
        beside = [w for m, (_, w) in enumerate(placed) if m in in_order and m > n] or [
            w for m, (_, w) in enumerate(placed) if m in in_order and m < n][-1:]
        among = section_ids[beside[0]]
        question = doc["questions"][i]
        check.error("SPEC-SECTION-ORDER", file, f"$.questions[{i}].section",
                    f"{question['id']} belongs to section '{section_ids[where]}' but stands "
                    f"among the questions of section '{among}'",
                    f"move it to the questions of section '{section_ids[where]}'")
    for sid in section_ids:
        if sid not in used:
            check.warning("SPEC-EMPTY-SECTION", file, f"$.sections[{order[sid]}]",
                          f"section '{sid}' has no questions", "add questions or remove it")


def _longest_in_order(places: list[int]) -> set[int]:
    """The positions of the longest run of ``places`` that never goes back (not necessarily
    adjacent): the questions in their section's order; the others are the ones moved."""
    best = [1] * len(places)
    before = [-1] * len(places)
    for n in range(len(places)):
        for m in range(n):
            if places[m] <= places[n] and best[m] + 1 > best[n]:
                best[n], before[n] = best[m] + 1, m
    kept: set[int] = set()
    n = max(range(len(places)), key=lambda k: best[k], default=-1)
    while n >= 0:
        kept.add(n)
        n = before[n]
    return kept


def _check_references(
    q: Question, where: str, file: str, toolkit: Toolkit, kinds: set[str], instruments: set[str],
    indicators: set[str], check: Checker,
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
                if not check.partial:  # else it may be in a file that could not be used
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


def _check_constraints(q: Question, where: str, file: str, check: Checker) -> None:
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


def _check_excel_texts(q: Question, where: str, file: str, check: Checker) -> None:
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
    owner: Question, position: Mapping[str, int], *, relevance: bool, check: Checker,
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
                if not check.partial:
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
        if op in STATS_OPS:
            _check_stats_leaf(leaf, op, path, file, toolkit, target, position, relevance, check)
            continue
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


def _check_stats_leaf(
    leaf: Mapping[str, Any], op: str, path: str, file: str, toolkit: Toolkit, target: Question,
    position: Mapping[str, int], relevance: bool, check: Checker,
) -> None:
    """``total``, ``no_data`` and ``attrition_from`` look at a statistics table's figures as a
    whole: needs rules only, and an attrition only between two stages of one chain (one unit)."""
    if relevance:
        check.error("SPEC-CONDITION", file, f"{path}.{op}",
                    f"'{op}' judges figures, which skip logic cannot wait for",
                    "use it in a needs rule; skip logic uses in, not_in, answered or a comparison")
        return
    if target.type != "stats_table":
        check.error("SPEC-CONDITION", file, f"{path}.{op}",
                    f"'{op}' applies to statistics tables; {target.id} is a {target.type} question",
                    "use lt, le, gt or ge for a single number")
        return
    if op != "attrition_from":
        return
    earlier_id = leaf["attrition_from"]
    if earlier_id not in position:
        check.error("SPEC-CONDITION", file, f"{path}.attrition_from",
                    f"{earlier_id} is not a question of this component",
                    "compare two tables of the same component")
        return
    earlier = toolkit.question(earlier_id)
    if earlier.type != "stats_table":
        check.error("SPEC-CONDITION", file, f"{path}.attrition_from",
                    f"{earlier_id} is a {earlier.type} question, not a statistics table",
                    "name the table of the earlier stage")
        return
    chains = {e.code: e.extra.get("chain") for e in toolkit.vocabularies.get("indicators", ())}
    first, second = chains.get(earlier.indicator or ""), chains.get(target.indicator or "")
    if first is None or first != second:
        check.error("SPEC-CONDITION", file, f"{path}.attrition_from",
                    f"{earlier_id} and {target.id} do not count the same unit (chains "
                    f"{first or 'none'} and {second or 'none'}), so their ratio means nothing",
                    "compare two stages of one chain: victims, cases or persons")


def check_sheet_names(toolkit: Toolkit, check: Checker) -> None:
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


def check_dependencies(
    toolkit: Toolkit, components: Mapping[str, dict[str, Any]], check: Checker
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


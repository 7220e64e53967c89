"""Lint of the method's rules: what makes a question bank one an institution can answer.

- every needs rule names a theme of lists.json (the subject its recommendation package is about)
  and says the gap it reveals (the finding a reader sees, rather than the question);
- a theme's responsible bodies are respondent kinds of lists.json;
- every question names its authoritative respondents, among those it is asked of;
- a multiple-choice list whose unticked option can reveal a gap offers "Don't know";
- a yes/no question that offers "Partly" reads it wherever it reads "No" (or "Yes");
- guidance quotes only answer labels that exist;
- standards cite articles, OHCHR principles and guidelines in a form the reader can find;
- a question is asked only of kinds its component is meant for;
- no two interface labels of one group (one sheet's columns, say) read the same in any language.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from natk_xlsx.i18n.languages import UN_LANGUAGES, tr
from natk_xlsx.spec.conditions import evaluate, leaf_op, leaves
from natk_xlsx.spec.lint_report import Checker
from natk_xlsx.spec.model import DONT_KNOW, Question, Toolkit

#: Article forms per instrument beyond the plain number ("3(a)", "18(13)"): OHCHR's Principles
#: and Guidelines are cited as "Principle 7" or "Guideline 2.7".
OHCHR = "ohchr_principles"
_OHCHR_ARTICLE = re.compile(r"^(Principle [1-9][0-9]?|Guideline [1-9][0-9]?(\.[1-9][0-9]?)?)$")
_NUMBERED_ARTICLE = re.compile(r"^[0-9]")
#: A quoted answer label in English guidance: 'Partly', 'None of these'.
_QUOTED = re.compile(r"(?<![A-Za-z])'([A-Z][^']{0,60}?)'(?![A-Za-z])")


def check_method(
    toolkit: Toolkit, components: Mapping[str, dict[str, Any]], lists: dict[str, Any],
    check: Checker,
) -> None:
    themes = {e["code"] for e in lists.get("themes", ())}
    _check_responsible(lists, check)
    for component in toolkit.components:
        file = f"{component.id}.json"
        docs = components[component.id]["questions"]
        for i, question in enumerate(component.questions):
            where = f"$.questions[{i}]"
            _check_themes(question, where, file, themes, check)
            _check_respondents(question, component.respondents, docs[i], where, file, check)
            _check_dont_know(question, toolkit, where, file, check)
            _check_partly(question, where, file, check)
            _check_quoted_labels(question, toolkit, where, file, check)
            _check_standards(question, where, file, check)


def _check_responsible(lists: dict[str, Any], check: Checker) -> None:
    kinds = {e["code"] for e in lists.get("respondent_kinds", ())}
    for t, theme in enumerate(lists.get("themes", ())):
        named = theme.get("responsible", ())
        for k, kind in enumerate(named if isinstance(named, list) else ()):
            if kind not in kinds:
                check.error("SPEC-REF", "lists.json", f"$.themes[{t}].responsible[{k}]",
                            f"no respondent kind '{kind}'", "use a code of respondent_kinds")


def _check_themes(q: Question, where: str, file: str, themes: set[str], check: Checker) -> None:
    for r, rule in enumerate(q.needs):
        if rule.theme is None:
            check.warning("SPEC-NO-THEME", file, f"{where}.needs[{r}]",
                          f"a needs rule of {q.id} has no theme, so the needs analysis cannot put "
                          "it in a recommendation package", "add \"theme\": a code of themes in "
                          "lists.json")
        elif rule.theme not in themes:
            check.error("SPEC-REF", file, f"{where}.needs[{r}].theme", f"no theme '{rule.theme}'",
                        "use a code of themes in lists.json")
        if rule.gap is None:
            check.warning("SPEC-NO-GAP", file, f"{where}.needs[{r}]",
                          f"a needs rule of {q.id} does not say the gap it reveals, so the summary "
                          "and the report show the question where a finding belongs",
                          "add \"gap\": the finding in a few words, e.g. \"Victims are detained\"")


def _check_respondents(
    q: Question, component_kinds: tuple[str, ...], doc: dict[str, Any], where: str, file: str,
    check: Checker,
) -> None:
    outside = [k for k in q.respondents if k not in component_kinds]
    if outside:
        check.warning("SPEC-RESPONDENTS", file, f"{where}.respondents",
                      f"{q.id} is meant for {', '.join(outside)}, which the component is not sent to "
                      "unless a recipient names the component", "add the kind to the component's "
                      "respondents or remove it here")
    asked = set(q.respondents or component_kinds)
    if "authoritative" not in doc:
        check.warning("SPEC-NO-AUTHORITATIVE", file, where,
                      f"{q.id} does not say whose answer settles it, so every respondent's answer "
                      "counts as authoritative", "add \"authoritative\": the kinds that own the "
                      "answer (the law: ministry_justice, desk_review; figures: their producer)")
    bad = [k for k in q.authoritative if k not in asked]
    if bad:
        check.error("SPEC-AUTHORITATIVE", file, f"{where}.authoritative",
                    f"{', '.join(bad)} {'is' if len(bad) == 1 else 'are'} authoritative for {q.id} "
                    "but not asked it", "add the kind to the question's respondents or remove it")


def _check_partly(q: Question, where: str, file: str, check: Checker) -> None:
    """A yes/no question that offers "Partly" and has a rule on "No" (or "Yes") has one on
    "Partly" too: otherwise a respondent who answers "Partly" reveals nothing, though the
    question itself treats the answer as a gap of a lesser degree."""
    if q.type != "yes_no" or not q.partly or not q.needs:
        return

    def fires(answer: str) -> bool:
        return any(evaluate(rule.when, {q.id: answer}, q.id) for rule in q.needs)
    side = next((a for a in ("no", "yes") if fires(a)), None)
    if side is not None and not fires("partly"):
        check.warning("SPEC-PARTLY-UNREAD", file, f"{where}.needs",
                      f"{q.id} offers 'Partly' and a needs rule reads '{side.capitalize()}', but "
                      "none reads 'Partly', so that answer reveals nothing",
                      "add a rule for \"partly\" (usually one degree less severe), or set "
                      "\"partly\": false if the question has no middle answer")


def _check_dont_know(q: Question, toolkit: Toolkit, where: str, file: str, check: Checker) -> None:
    """A rule that fires on an unticked option needs "Don't know" in the list, so that a
    respondent who does not know is not read as reporting a gap."""
    if q.type != "multiple_choice" or q.choices is None or q.choices not in toolkit.choice_lists:
        return
    on_absence = any(  # "not_in", or "in" under a "not": an option left unticked
        (leaf_op(leaf) == "not_in" or (leaf_op(leaf) == "in" and ".not" in path))
        and leaf.get("question", q.id) == q.id
        for rule in q.needs for path, leaf in leaves(rule.when)
    )
    if on_absence and DONT_KNOW not in toolkit.choice_lists[q.choices].codes:
        check.error("SPEC-DONT-KNOW", file, f"{where}.choices",
                    f"a needs rule of {q.id} fires when an option is not ticked, but the list "
                    f"'{q.choices}' has no \"dont_know\"", "add a dont_know choice to the list")
    for r, rule in enumerate(q.needs):
        if DONT_KNOW in toolkit.choice_lists[q.choices].codes and \
                evaluate(rule.when, {q.id: [DONT_KNOW]}, q.id):
            check.error("SPEC-DONT-KNOW", file, f"{where}.needs[{r}].when",
                        f"this rule of {q.id} fires when a respondent ticks only \"Don't know\", "
                        "reading not knowing as a gap", "add \"dont_know\" to the codes whose "
                        "absence the rule tests")


def _answer_labels(q: Question, toolkit: Toolkit) -> set[str]:
    lang = toolkit.source_language
    if q.type == "stats_table" and q.breakdown is not None and q.breakdown in toolkit.breakdowns:
        return {tr(c.label, lang).casefold() for c in toolkit.breakdowns[q.breakdown].columns}
    labels = {tr(c.label, lang).casefold() for c in toolkit.choice_lists["yes_no"].choices}
    if q.choices is not None and q.choices in toolkit.choice_lists:
        labels |= {tr(c.label, lang).casefold() for c in toolkit.choice_lists[q.choices].choices}
    return labels


def _check_quoted_labels(q: Question, toolkit: Toolkit, where: str, file: str, check: Checker) -> None:
    if q.type not in ("yes_no", "single_choice", "multiple_choice", "stats_table"):
        return
    if "yes_no" not in toolkit.choice_lists:
        return
    labels = _answer_labels(q, toolkit)
    text = tr(q.guidance, toolkit.source_language)
    for quoted in _QUOTED.findall(text):
        if quoted.casefold() not in labels:
            check.error("SPEC-GUIDANCE-LABEL", file, f"{where}.guidance.{toolkit.source_language}",
                        f"the guidance of {q.id} quotes '{quoted}', which is not one of its answers",
                        "quote the answer's label exactly as the list gives it")


def _check_standards(q: Question, where: str, file: str, check: Checker) -> None:
    for s, standard in enumerate(q.standards):
        article = standard.article
        if article is None:
            continue
        ok = (_OHCHR_ARTICLE.match(article) if standard.instrument == OHCHR
              else _NUMBERED_ARTICLE.match(article))
        if not ok:
            form = ("'Principle 7' or 'Guideline 2.7'" if standard.instrument == OHCHR
                    else "an article number such as '3(a)'")
            check.error("SPEC-STANDARD", file, f"{where}.standards[{s}].article",
                        f"'{article}' is not a place in {standard.instrument}", f"write {form}")


def check_interface_labels(strings: Mapping[str, Mapping[str, str]], file: str, check: Checker) -> None:
    """Interface texts are grouped by key prefix (``summary.col.horizon`` → ``summary.col``);
    within a group, which shows on one sheet, no two may read the same in any language."""
    groups: dict[str, list[str]] = defaultdict(list)
    for key in strings:
        if "." in key:
            groups[key.rsplit(".", 1)[0]].append(key)
    for _, keys in sorted(groups.items()):
        for lang in UN_LANGUAGES:
            seen = Counter(strings[k].get(lang, "").strip().casefold() for k in keys)
            for label, n in seen.items():
                if n > 1 and label:
                    same = [k for k in keys if strings[k].get(lang, "").strip().casefold() == label]
                    check.error("SPEC-DUPLICATE-LABEL", file, same[0],
                                f"{', '.join(same)} all read '{label}' in {lang}, so the columns "
                                "cannot be told apart", "give each its own label")

"""The assessor's decisions (the resolutions file), applied to a consolidation and audited.

An answer decided settles a question the respondents disagree on; a figure decided replaces the
figures of an indicator for a year; a need decided is marked addressed. A decision is applied
only where it fits: a value is read as a respondent's answer would be (a code or a label in any
language, a number by the returns' own parser) and must be an answer the question accepts (its
schema: codes, whole numbers, ranges, choices that stand alone). Every decision not applied says
why, for the Audit sheet and the command line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from natk_xlsx.analysis.chains import RESOLVED as FIGURE_RESOLVED
from natk_xlsx.analysis.chains import Figure, indicator_label
from natk_xlsx.analysis.needs import Need
from natk_xlsx.analysis.settle import PERCEPTION, RESOLVED, Settled
from natk_xlsx.i18n.languages import UN_LANGUAGES
from natk_xlsx.returns.coerce import label_index, loose_text
from natk_xlsx.returns.submission_schema import question_schema
from natk_xlsx.returns.typed import normalise_text, parse_number, strip_percent
from natk_xlsx.spec.model import Question, Toolkit, plain_number
from natk_xlsx.validation import submission_errors


@dataclass
class Decision:
    kind: str  # answer | figure | need
    target: str
    value: Any
    reason: str
    decided_by: str
    decided_on: str
    year: int | None = None
    applied: bool = False
    note: str = ""
    #: What it replaced: (institution, answer) of each respondent for an answer, (need key,
    #: severity) for a need, (institution, figure) for a figure; the Audit sheet says them
    original: tuple[tuple[str, Any], ...] = ()
    where: str = ""  # the decision's row (CSV) or item (JSON) in the resolutions file


def _by(d: Decision) -> str:
    who = ", ".join(x for x in (d.decided_by, d.decided_on) if x)
    return f"{d.reason} ({who})" if who else d.reason


def _replaced(d: Decision, later: Decision | None) -> bool:
    """Whether a later decision on the same target replaces ``d`` (the file's last word, as a
    corrected return replaces the first); ``d`` then says so, and is not applied."""
    if later is None or later is d:
        return False
    d.note = f"a later decision on {d.target} replaces it ({later.where or later.value})"
    return True


def apply_answers(decisions: Iterable[Decision], settled: Mapping[str, Settled],
                  toolkit: Toolkit) -> None:
    index = {q.id: q for q in toolkit.questions()}
    ready: list[tuple[Decision, Any, Settled]] = []
    for d in decisions:
        q = index.get(d.target)
        if q is None:
            d.note = f"no question {d.target} in the toolkit"
            continue
        value, problem = decided_answer(toolkit, q, d.value)
        if problem:
            d.note = problem
            continue
        s = settled.get(d.target)
        if s is None or not (s.disagree or s.basis == PERCEPTION):
            d.note = "the respondents do not disagree on this question"
            continue
        ready.append((d, value, s))
    last = {d.target: d for d, _, _ in ready}
    for d, value, s in ready:
        if _replaced(d, last[d.target]):
            continue
        d.original = tuple((v.respondent.institution, v.value) for v in s.views)
        s.value, s.basis, s.resolution = value, RESOLVED, _by(d)
        s.settled_by = [v.respondent for v in s.views if v.value == value]
        d.applied = True


def decided_number(raw: Any) -> float | None:
    """A number as the returns read one ("1 500", "12,5", "35%"), finite; None otherwise."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        number: float | None = float(raw)
    else:
        number, _ = parse_number(strip_percent(str(raw or "")))
    return number if number is not None and math.isfinite(number) else None


def decided_answer(toolkit: Toolkit, q: Question, raw: Any) -> tuple[Any, str]:
    """The assessor's answer as the question's answers are held (a code, a list of codes, a
    number, a text), or why it cannot be one: a decision never settles a question to a value
    no respondent could have given, which no needs rule would then read."""
    if q.type == "stats_table":
        return None, f"{q.id} is a table: decide its figures year by year (kind 'figure')"
    shown = "" if raw is None else raw
    value: Any
    codes = toolkit.answer_codes(q)
    if codes:
        index = label_index(toolkit, q, toolkit.source_language)
        items = raw if isinstance(raw, list) else (
            str(raw).split(";") if q.type == "multiple_choice" and raw is not None else [raw])
        found = []
        for item in items:
            if item is None or not str(item).strip():
                continue
            key = normalise_text(str(item))
            found.append(index.own.get(key) or index.other.get(key)
                         or index.loose.get(loose_text(key)))
        if not found or None in found or (q.type != "multiple_choice" and len(found) > 1):
            many = "one or more of" if q.type == "multiple_choice" else "one of"
            return None, f"'{shown}' is not an answer to {q.id}; {many}: {', '.join(codes)}"
        value = [c for c in codes if c in found] if q.type == "multiple_choice" else found[0]
    elif q.type in ("integer", "decimal", "percentage", "year"):
        number = decided_number(raw)
        if number is None:
            return None, f"'{shown}' is not a number; {q.id} takes a number"
        value = plain_number(number)
    else:
        value = str(shown).strip()
        if not value:
            return None, f"no value given for {q.id}"
    schema = question_schema(toolkit, q, toolkit.years())
    errors = submission_errors(value, schema, f"decision:{toolkit.spec_hash}:{q.id}")
    if errors:  # a whole number, a range, a choice that stands alone
        return None, f"'{shown}' is not an answer {q.id} accepts: {errors[0].message}"
    return value, ""


def apply_needs(decisions: Iterable[Decision], needs: Iterable[Need]) -> None:
    needs = list(needs)
    for d in decisions:
        matched = [n for n in needs if d.target in (n.key, n.question.id)]
        for n in matched:
            n.status, n.resolution = "addressed", _by(d)
        d.applied = bool(matched)
        d.original = tuple((n.key, n.severity) for n in matched)
        d.note = "" if matched else _no_need(d.target, needs)


def _no_need(target: str, needs: list[Need]) -> str:
    """Why a need decided was found in no return: its question's needs have other keys (the
    rule that fires depends on the answers: LEG.09#1 asked for, LEG.09#4 found), or there are
    none."""
    qid = target.split("#", 1)[0]
    keys = [n.key for n in needs if n.question.id == qid]
    if keys:
        return (f"no need {target} in these returns; the need found for {qid} is "
                f"{', '.join(keys)}")
    return f"no need was found for {qid} in these returns"


def apply_figures(decisions: Iterable[Decision], figures: Mapping[str, Mapping[int, Figure]],
                  toolkit: Toolkit) -> None:
    decisions = list(decisions)
    if not decisions:  # every summary comes here: the names below only for a decision
        return
    index = {q.id: q for q in toolkit.questions()}
    # an indicator named as the Justice chains sheet names it, in any language, or by its code
    named = {normalise_text(label): code for code in figures for lang in UN_LANGUAGES
             for label in (toolkit.vocabulary_label("indicators", code, lang),
                           indicator_label(toolkit, code, lang))}
    ready: list[tuple[Decision, float, Figure, tuple[str, int]]] = []
    for d in decisions:
        q = index.get(d.target)
        indicator = (q.indicator if q is not None and q.indicator
                     else named.get(normalise_text(str(d.target)), d.target))
        fig = figures.get(indicator, {}).get(d.year or -1)
        if fig is None:
            that_year = sorted(code for code, years in figures.items() if d.year in years)
            d.note = f"no figure for {d.target} in {d.year}" + (
                f"; figures of {d.year}: {', '.join(that_year)}" if that_year else "")
            continue
        number = decided_number(d.value)
        if number is None or number < 0:
            d.note = f"'{'' if d.value is None else d.value}' is not a figure (a number of 0 or more)"
            continue
        ready.append((d, number, fig, (indicator, d.year or -1)))
    last = {key: d for d, _, _, key in ready}
    for d, number, fig, key in ready:
        if _replaced(d, last[key]):
            continue
        d.original = tuple((r.respondent.institution, r.value) for r in fig.reports)
        fig.resolved = number
        fig.resolution, fig.rule, d.applied = _by(d), FIGURE_RESOLVED, True

"""Checking a submission: the JSON Schema derived from the specs, mapped back to cells, and the
checks a schema cannot make (answers to questions that do not apply, tables of one indicator
that disagree)."""

from __future__ import annotations

from typing import Any

from natk_xlsx.i18n.interface import ui
from natk_xlsx.returns.books import Cell
from natk_xlsx.returns.coerce import (
    Context,
)
from natk_xlsx.returns.issues import ERROR, WARNING, Allowed, shown
from natk_xlsx.returns.submission import Submission
from natk_xlsx.returns.submission_schema import exclusive_codes, submission_schema
from natk_xlsx.spec.conditions import evaluate, is_answered, referenced_questions
from natk_xlsx.spec.model import DONT_KNOW, Question, Toolkit
from natk_xlsx.validation import answer_errors


def validate_submission(sub: Submission, toolkit: Toolkit, ctx: Context) -> None:
    """Validate the answers against the schema derived from the specs; map each error to its
    cell. Answers that coercion already reported are not reported twice. A compiled check runs
    first; jsonschema lists the errors only of answers that fail it (``validation``)."""
    years = range(sub.reference_period[0], sub.reference_period[1] + 1)
    key = f"{toolkit.spec_hash}:{sub.reference_period}:{','.join(sub.asked)}"

    def schema() -> dict[str, Any]:
        answers: dict[str, Any] = submission_schema(toolkit, None, years, sub.asked)[
            "properties"]["answers"]
        return answers

    reported = {i.path.split("/")[1] for i in ctx.issues
                if i.severity == ERROR and i.path and i.path.startswith("answers/")}
    missing_reported: set[str] = set()
    for err in answer_errors(sub.answers, key, schema):  # the full walk only if it fails
        if err.validator == "required":
            # jsonschema yields one error per missing key, each carrying the whole list
            present = set(err.instance) if isinstance(err.instance, dict) else set()
            for qid in err.validator_value:
                if qid not in present and qid not in reported and qid not in missing_reported:
                    missing_reported.add(qid)
                    _missing(ctx, sub, toolkit, qid)
            continue
        if not err.path:
            continue
        qid = str(err.path[0])
        if qid in reported:
            continue
        path = "answers/" + "/".join(str(p) for p in err.path)
        q = toolkit.question(qid)
        value = err.instance
        if err.validator in ("enum", "const"):
            allowed = _allowed_labels(toolkit, q, ctx.lang)
            _add_at(ctx, sub, "ANSWER-NOT-ALLOWED", ERROR, qid, value, path, allowed=allowed)
        elif err.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            low, high = _range(q, err)
            if high is None:  # no upper bound to give: "from 0 to …" read as cut off
                _add_at(ctx, sub, "NUMBER-TOO-SMALL", ERROR, qid, value, path, min=low)
            else:  # a percentage typed without its sign in a cell formatted as one: 3500 %
                code = "PERCENT-OUT-OF-RANGE" if q.type == "percentage" else "NUMBER-OUT-OF-RANGE"
                _add_at(ctx, sub, code, ERROR, qid, value, path, min=low, max=high)
        elif err.validator in ("maxLength", "minLength"):
            limit = q.constraints.get("max_length", 255 if q.type == "short_text" else 32767)
            _add_at(ctx, sub, "TEXT-TOO-LONG", ERROR, qid, value, path,
                    length=len(value) if isinstance(value, str) else 0, max=limit)
        elif err.validator in ("minItems", "maxItems"):
            _add_at(ctx, sub, "CHOICES-COUNT", ERROR, qid, None, path,
                    count=len(value) if isinstance(value, list) else 0,
                    min=q.constraints.get("min_items", 1),
                    max=q.constraints.get("max_items", len(toolkit.answer_codes(q))))
        elif err.validator == "type" and q.type in ("integer", "year"):
            _add_at(ctx, sub, "NUMBER-NOT-WHOLE", ERROR, qid, value, path)
        elif err.validator == "not" and q.type == "multiple_choice" and isinstance(value, list):
            # a choice that excludes every other ("None of these") chosen with others: the
            # answer contradicts itself, and which part holds is the respondent's to say
            for code in exclusive_codes(toolkit, q):
                if code in value:
                    _add_at(ctx, sub, "CHOICE-EXCLUSIVE", ERROR, qid, None, f"{path}/{code}",
                            choice=toolkit.answer_label(q, code, ctx.lang))
        else:
            _add_at(ctx, sub, "ANSWER-INVALID", ERROR, qid, value, path, detail=err.message)
        reported.add(qid)


def _allowed_labels(toolkit: Toolkit, q: Question, lang: str) -> Allowed:
    return Allowed([toolkit.answer_label(q, c, lang) for c in toolkit.answer_codes(q)])


def _range(q: Question, err: Any) -> tuple[str, str | None]:
    """The bounds a number must keep, the upper one None where there is none."""
    c = q.constraints
    defaults: tuple[float, float | None] = {
        "percentage": (0, 100), "year": (1900, 2100)}.get(q.type, (0, None))
    low = c.get("min", defaults[0])
    high = c.get("max", defaults[1])
    if err.validator in ("minimum", "exclusiveMinimum") and q.type == "stats_table":
        low = 0
    return shown(low), None if high is None else shown(high)


def _missing(ctx: Context, sub: Submission, toolkit: Toolkit, qid: str) -> None:
    """A required question left empty: choose "Don't know" where the question offers it; where
    it does not (a number, a text, some lists), say why in the Comments column, which then
    stands for the answer."""
    if DONT_KNOW in toolkit.answer_codes(toolkit.question(qid)):
        _add_at(ctx, sub, "ANSWER-MISSING", WARNING, qid, None, f"answers/{qid}",
                dont_know=toolkit.choice_lists["yes_no"].label(DONT_KNOW, ctx.lang))
    elif not (sub.details.get(qid) or {}).get("comment"):
        _add_at(ctx, sub, "ANSWER-MISSING-EXPLAIN", WARNING, qid, None, f"answers/{qid}",
                column=ui("col.comment", ctx.lang))


def _add_at(ctx: Context, sub: Submission, code: str, severity: str, qid: str, value: Any,
            path: str, **fields: Any) -> None:
    place = sub.source_map.get(path) or sub.source_map.get(f"answers/{qid}")
    cell = Cell(value, place[0], place[1]) if place else None
    ctx.add(code, severity, cell, qid, value, path, **fields)


def check_submission(sub: Submission, toolkit: Toolkit, ctx: Context) -> None:
    answers = sub.answers
    wrong = {i.question for i in ctx.issues if i.severity == ERROR and i.question}
    for qid in sub.asked:
        q = toolkit.question(qid)
        if q.relevant is not None and qid in answers:
            refs = referenced_questions(q.relevant)
            if all(is_answered(answers.get(r)) and r not in wrong for r in refs) and \
                    not evaluate(q.relevant, answers):
                _add_at(ctx, sub, "ANSWER-NOT-APPLICABLE", WARNING, qid, None, f"answers/{qid}",
                        depends=", ".join(sorted(refs)))
        if q.type == "date" and isinstance(answers.get(qid), str):
            value = answers[qid]
            low = q.constraints.get("min_date", "1900-01-01")
            high = q.constraints.get("max_date", "2100-12-31")
            if not low <= value <= high:
                _add_at(ctx, sub, "DATE-OUT-OF-RANGE", ERROR, qid, value, f"answers/{qid}",
                        min=low, max=high)
    _check_indicator_totals(sub, toolkit, ctx)
    _check_outliers(sub, toolkit, ctx)


#: A figure at least this many times the median of its column (the same category over the
#: years), and at least ``OUTLIER_FLOOR``, is most likely a slip (10000 typed for 100, a phone
#: number): the respondent is asked to check it. A column of fewer than ``OUTLIER_PEERS``
#: figures is too short to say what is usual; columns are not compared with each other (a
#: thousand nationals beside three foreigners is no slip).
OUTLIER_RATIO = 100
OUTLIER_FLOOR = 1000
OUTLIER_PEERS = 3


def _check_outliers(sub: Submission, toolkit: Toolkit, ctx: Context) -> None:
    for qid in sub.asked:
        table = sub.answers.get(qid)
        if not isinstance(table, dict) or toolkit.question(qid).type != "stats_table":
            continue
        columns: dict[str, list[tuple[str, float]]] = {}
        for year, row in table.items():
            for col, v in (row.items() if isinstance(row, dict) else ()):
                if isinstance(v, int | float) and v > 0:
                    columns.setdefault(col, []).append((year, v))
        for col, cells in columns.items():
            if len(cells) < OUTLIER_PEERS:
                continue
            values = sorted(v for _, v in cells)
            median = values[(len(values) - 1) // 2]
            for year, v in cells:
                if v >= max(OUTLIER_FLOOR, OUTLIER_RATIO * median):
                    _add_at(ctx, sub, "FIGURE-OUTLIER", WARNING, qid, v,
                            f"answers/{qid}/{year}/{col}", median=shown(median))


def _check_indicator_totals(sub: Submission, toolkit: Toolkit, ctx: Context) -> None:
    """Two tables of one workbook that count the same thing (e.g. convictions by sex and by
    nationality) should add up to the same total each year."""
    by_indicator: dict[str, list[Question]] = {}
    for qid in sub.asked:
        q = toolkit.question(qid)
        if q.type == "stats_table" and q.indicator and q.breakdown and \
                toolkit.breakdowns[q.breakdown].additive and qid in sub.answers:
            by_indicator.setdefault(q.indicator, []).append(q)
    for questions in by_indicator.values():
        if len(questions) < 2 or len({q.component for q in questions}) > 1:
            continue
        first = questions[0]
        for other in questions[1:]:
            for year, row in sub.answers[other.id].items():
                base = sub.answers[first.id].get(year)
                if not base:
                    continue
                a = sum(v for v in base.values() if v is not None)
                b = sum(v for v in row.values() if v is not None)
                if a != b:
                    _add_at(ctx, sub, "TOTALS-DIFFER", WARNING, other.id, b,
                            f"answers/{other.id}/{year}", year=year, other=first.id, expected=a)

"""Import: a filled workbook → a checked submission with every problem as an issue.

xlsx → raw cells + places (``reader``) → answers by the spec's types (``answers``, ``coerce``) →
JSON Schema validation mapped back to cells and the checks a schema cannot make (``checks``) →
``Submission`` (``submission``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from natk_xlsx.i18n.interface import ui
from natk_xlsx.returns.answers import coerce_multiple, coerce_single, coerce_table, detail_codes, read_details
from natk_xlsx.returns.books import Cell
from natk_xlsx.returns.checks import check_submission, validate_submission
from natk_xlsx.returns.coerce import (
    Context,
    coerce_date,
    coerce_text,
    loose_text,
    tick_labels,
)
from natk_xlsx.returns.issues import (
    ERROR,
    SEVERITY_ORDER,
    WARNING,
    Allowed,
    Issue,
    json_safe,
    make_issue,
)
from natk_xlsx.returns.opening import Opened, open_return
from natk_xlsx.returns.reader import QuestionCells, RawWorkbook, WorkbookError, read_book
from natk_xlsx.returns.submission import BLANK, Submission, blank_record
from natk_xlsx.returns.typed import normalise_text
from natk_xlsx.spec.model import Question, Toolkit, plain_number

REQUIRED_COVER = ("institution",)
EXPECTED_COVER = ("respondent_name", "completion_date")


# -- reading answers -------------------------------------------------------------------------------


#: Detail maps by (spec hash, list, codes, language): the same for every return of a batch.


# -- the whole workbook ----------------------------------------------------------------------------
def _semver_major(version: str) -> str:
    return version.split(".", 1)[0]


def _identity_checks(raw: RawWorkbook, toolkit: Toolkit, ctx: Context) -> None:
    meta = raw.metadata
    found_id = meta.get("toolkit_id", toolkit.id)
    if found_id != toolkit.id:
        raise WorkbookError(raw.path, "WORKBOOK-OTHER-TOOLKIT",
                            f"this workbook belongs to the toolkit '{found_id}', not "
                            f"'{toolkit.id}'; check it with the specs it was built from "
                            "(--specs)")
    version = meta.get("toolkit_version") or toolkit.version
    if _semver_major(version) != _semver_major(toolkit.version):
        raise WorkbookError(raw.path, "WORKBOOK-INCOMPATIBLE",
                            f"this workbook was built from version {version} of the toolkit, "
                            f"whose questions differ from version {toolkit.version}; read it "
                            f"with the specs of version {version} (--specs FOLDER), or send the "
                            f"institution a new workbook of version {toolkit.version} "
                            "(see the README on assessments started on an earlier version)")


def _asked(raw: RawWorkbook, toolkit: Toolkit) -> tuple[list[str], list[str], list[str]]:
    """(asked, expected but not found, found but unknown to these specs)."""
    omitted = {q for q in raw.metadata.get("omitted_questions", "").split(",") if q}
    expected = [q.id for cid in raw.components if cid in {c.id for c in toolkit.components}
                for q in toolkit.component(cid).questions if q.id not in omitted]
    asked = [qid for qid in expected if qid in raw.questions]
    missing = [qid for qid in expected if qid not in raw.questions]
    unknown = sorted(qid for qid in raw.questions if not _known(toolkit, qid))
    return asked, missing, unknown


def _known(toolkit: Toolkit, qid: str) -> bool:
    try:
        toolkit.question(qid)
    except KeyError:
        return False
    return True


def _period(raw: RawWorkbook, toolkit: Toolkit) -> tuple[int, int]:
    text = raw.metadata.get("reference_period", "")
    try:
        first, last = (int(x) for x in text.split("-"))
        if 1900 <= first <= last <= 2200:
            return first, last
    except ValueError:
        pass
    years = sorted({y for q in raw.questions.values() for y in q.table})
    return (years[0], years[-1]) if years else toolkit.reference_period


def build_submission(raw: RawWorkbook, toolkit: Toolkit, file_sha256: str = "") -> Submission:
    ctx = Context(raw.language,
                  percent_fraction=raw.metadata.get("percentage_storage") == "fraction")
    _identity_checks(raw, toolkit, ctx)
    for note in raw.notes:
        severity = ERROR if note.code in ("DUPLICATE-ID", "SHEET-MISSING") else WARNING
        cell = Cell(note.value, note.sheet, note.cell) if note.sheet and note.cell else None
        if cell is None and note.sheet:
            ctx.issues.append(_sheet_issue(note, ctx, severity))
            continue
        fields = dict(note.fields)
        if note.code in _TO_COMMENTS:  # the column as the workbook names it
            fields["comments"] = ui("col.comment", ctx.lang)
        ctx.add(note.code, severity, cell, note.question, _as_typed(note.value), **fields)
    asked, missing, unknown = _asked(raw, toolkit)
    same_version = raw.metadata.get("toolkit_version", toolkit.version) == toolkit.version
    same_hash = raw.metadata.get("spec_hash", toolkit.spec_hash) == toolkit.spec_hash
    if not same_version:
        ctx.add("VERSION-DIFFERS", WARNING, None, None, None,
                found=raw.metadata.get("toolkit_version"), expected=toolkit.version,
                differences=f"{len(missing)} not asked, {len(unknown)} unknown")
    elif not same_hash:
        ctx.add("SPEC-DIFFERS", WARNING, None, None, None, version=toolkit.version)
    if same_version and same_hash and raw.metadata_source == "sheet":
        for qid in missing:
            ctx.add("QUESTION-MISSING", WARNING, None, qid, None)
    elif missing and raw.metadata_source != "sheet":  # which were left out of the workbook is unknown
        ctx.add("ROWS-NOT-CHECKED", WARNING, None, None, None, count=len(missing))
    source: dict[str, tuple[str, str]] = {}
    answers: dict[str, Any] = {}
    details: dict[str, dict[str, Any]] = {}
    tables: dict[str, dict[str, Any]] = {}
    ticks = tick_labels(toolkit)
    detail_maps = {
        "priority": detail_codes(toolkit, "priority", toolkit.choice_lists["priority"].codes,
                                  raw.language),
        "provided": detail_codes(toolkit, "yes_no", ("yes", "no", "dont_know"), raw.language),
    }
    reliability = detail_codes(toolkit, "reliability", toolkit.choice_lists["reliability"].codes,
                                raw.language)
    for qid in asked:
        q = toolkit.question(qid)
        cells = raw.questions[qid]
        if cells.answer is not None:
            source[f"answers/{qid}"] = (cells.answer.sheet, cells.answer.cell)
        if cells.options:  # a multiple choice is answered in its options, not in its prompt
            first = next(iter(cells.options.values()))
            source[f"answers/{qid}"] = (first.sheet, first.cell)
        value: Any
        if q.type == "multiple_choice":
            value = coerce_multiple(q, cells, toolkit, ctx, ticks, source) or None
        elif q.type == "stats_table":
            value = coerce_table(q, cells, toolkit, ctx, source) or None
            first_row = next(iter(cells.table.values()), None)
            if first_row:
                source[f"answers/{qid}"] = (first_row[0].sheet, first_row[0].cell)
            table_info = _table_info(q, cells, reliability, ctx, toolkit)
            if table_info:
                tables[qid] = table_info
        else:
            assert cells.answer is not None
            value = coerce_single(q, cells.answer, toolkit, ctx)
        if value is not None:
            answers[qid] = value
        detail = read_details(q, cells, toolkit, ctx, detail_maps)
        if detail:
            details[qid] = detail
    unknown_answers: dict[str, Any] = {}
    for qid in unknown:
        found = raw.questions[qid].answer
        if found is not None and found.value is not None:
            unknown_answers[qid] = found.value
            ctx.add("QUESTION-UNKNOWN", WARNING, found, qid, found.value)
    respondent = _respondent(raw, ctx)
    period = _period(raw, toolkit)
    submission = Submission(
        file=raw.path, workbook_id=raw.metadata.get("workbook_id", "") or _fallback_id(file_sha256),
        toolkit_id=toolkit.id, toolkit_version=raw.metadata.get("toolkit_version", "") or "",
        spec_hash=raw.metadata.get("spec_hash", "") or "", language=raw.language,
        components=list(raw.components), reference_period=period, respondent=respondent,
        answers=answers, details=details, tables=tables, asked=asked, issues=ctx.issues,
        source_map=source,
        unplaced=[_kept(c, raw.about.get((c.sheet, c.cell))) for c in raw.unplaced],
        unknown_answers=unknown_answers, file_sha256=file_sha256,
        application=raw.application, metadata_source=raw.metadata_source)
    validate_submission(submission, toolkit, ctx)
    check_submission(submission, toolkit, ctx)
    if blank_record(submission.record()):
        # the questionnaire as it was sent: one line says so, not a warning for each question
        # or cover field
        ctx.issues = [i for i in ctx.issues
                      if not i.code.startswith("ANSWER-MISSING") and i.code != "COVER-MISSING"]
        ctx.add(BLANK, ERROR, None, None, None)
        submission.issues = ctx.issues
    submission.issues = sort_issues(ctx.issues, raw)
    return submission


def _sheet_issue(note: Any, ctx: Context, severity: str) -> Issue:
    from natk_xlsx.returns.issues import make_issue

    return make_issue(note.code, severity, ctx.lang, sheet=note.sheet, question=note.question,
                      value=note.value, **note.fields)


#: The notes whose message sends the text to the question's Comments cell.
_TO_COMMENTS = frozenset({"ROW-INSERTED", "CELL-NOT-READ", "PROMPT-OVERWRITTEN",
                          "TOTAL-OVERWRITTEN", "SHEET-ADDED", "CELL-NOTE",
                          "ISSUES-TYPED", "TEXT-OUTSIDE", "TEXT-FAR"})


def _kept(cell: Cell, question: str | None) -> dict[str, Any]:
    """A text kept outside the answer cells, as the record holds it; with the question it is
    about where its place says it and no issue does (a reply on the Issues sheet)."""
    kept = {"sheet": cell.sheet, "cell": cell.cell, "value": json_safe(_as_typed(cell.value))}
    return {**kept, "question": question} if question else kept


def _as_typed(value: Any) -> Any:
    """A cell's value as the respondent typed it, whichever reader read it: 2020, not the
    2020.0 that calamine gives for every number; a date, not the midnight of that day that
    openpyxl gives for one (calamine gives the date)."""
    if isinstance(value, float):
        return plain_number(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _fallback_id(file_sha256: str) -> str:
    return f"sha256:{file_sha256[:32]}" if file_sha256 else "unknown"


def _table_info(q: Question, cells: QuestionCells, reliability: Mapping[str, str],
                ctx: Context, toolkit: Toolkit) -> dict[str, Any]:
    info: dict[str, Any] = {}
    if cells.table_source is not None and cells.table_source.value is not None:
        text = coerce_text(cells.table_source, None, ctx, f"tables/{q.id}/source")
        if text:
            info["source"] = text
    if cells.table_reliability is not None and cells.table_reliability.value is not None:
        text = coerce_text(cells.table_reliability, None, ctx, f"tables/{q.id}/reliability")
        if text:
            key = normalise_text(text)
            code = reliability.get(key) or reliability.get(loose_text(key))
            if code is None:  # kept as typed, and said, as a detail of a question is
                listed = toolkit.choice_lists["reliability"]
                ctx.add("ROW-NOT-ALLOWED", WARNING, cells.table_reliability, q.id, text,
                        f"tables/{q.id}/reliability", row=ui("row.reliability", ctx.lang),
                        allowed=Allowed([listed.label(c, ctx.lang) for c in listed.codes]))
            info["reliability"] = code or text
    return info


def _respondent(raw: RawWorkbook, ctx: Context) -> dict[str, Any]:
    out: dict[str, Any] = {
        "institution": None, "respondent_name": None, "role": None, "contact": None,
        "completion_date": None, "country": raw.metadata.get("country") or None,
        "assessment": raw.metadata.get("assessment") or None,
        "kind": raw.metadata.get("respondent_kind") or None,
    }
    for fld, cell in raw.cover.items():
        if cell.value is None or cell.is_formula:
            continue
        if fld == "completion_date":
            out[fld] = coerce_date(cell, None, ctx, "respondent/completion_date")
        else:
            out[fld] = coerce_text(cell, None, ctx, f"respondent/{fld}")
    if not out["institution"] and raw.metadata.get("institution"):
        out["institution"] = raw.metadata["institution"]
    said = {i.path for i in ctx.issues}
    for fld in (*REQUIRED_COVER, *EXPECTED_COVER):
        cover_cell = raw.cover.get(fld)
        # a value refused is said already; a formula is not read, and the field is empty
        if not out.get(fld) and (fld in REQUIRED_COVER or f"respondent/{fld}" not in said):
            severity = ERROR if fld in REQUIRED_COVER else WARNING
            ctx.add("COVER-MISSING", severity, cover_cell, None, None, f"respondent/{fld}",
                    field=ui(f"cover.{fld}", ctx.lang))
    return out


# -- validation against the schema -----------------------------------------------------------------


# -- checks a schema cannot make -------------------------------------------------------------------


def sort_issues(issues: list[Issue], raw: RawWorkbook) -> list[Issue]:
    """Sheet order, then row, then column; issues without a place first."""
    order = {name: i for i, name in enumerate(raw.sheets.values())}

    def key(issue: Issue) -> tuple[int, int, int, int, str]:
        if not issue.cell:
            return (-1, 0, 0, SEVERITY_ORDER.get(issue.severity, 2), issue.code)
        letters = "".join(ch for ch in issue.cell if ch.isalpha())
        digits = "".join(ch for ch in issue.cell if ch.isdigit())
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch.upper()) - 64
        return (order.get(issue.sheet or "", len(order)), int(digits or 0), col,
                SEVERITY_ORDER.get(issue.severity, 2), issue.code)

    return sorted(issues, key=key)


def read_opened(opened: Opened, toolkit: Toolkit) -> Submission:
    """The rest of reading: the answers in the book, checked against the toolkit."""
    raw = read_book(opened.path, opened.book, toolkit, opened.cell_notes, opened.far)
    raw.application = opened.application
    submission = build_submission(raw, toolkit, opened.digest)
    submission.issues[:0] = [make_issue(code, WARNING, submission.language)
                             for code in opened.notices]
    return submission


def read_workbook(path: str | Path, toolkit: Toolkit) -> Submission:
    """Read and check one filled workbook (in this process; see ``batch`` for isolation).

    Raises ``UnusableFile``/``WorkbookError`` when the file cannot be used at all."""
    return read_opened(open_return(path), toolkit)

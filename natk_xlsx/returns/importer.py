"""Import: a filled workbook → a checked submission with every problem as an issue.

xlsx → raw cells + places (``reader``) → answers by the spec's types (``coerce``) → JSON Schema
validation mapped back to cells (``validation``) → checks a schema cannot make → ``Submission``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from natk_xlsx import __version__
from natk_xlsx.i18n.interface import ui
from natk_xlsx.returns.coerce import (
    Cell,
    Context,
    coerce_choice,
    coerce_count,
    coerce_date,
    coerce_decimal,
    coerce_integer,
    coerce_percentage,
    coerce_text,
    coerce_year,
    is_tick,
    label_index,
    normalise_text,
    yes_labels,
)
from natk_xlsx.returns.issues import (
    ERROR,
    SEVERITY_ORDER,
    WARNING,
    Issue,
    json_safe,
    make_issue,
    shown,
)
from natk_xlsx.returns.reader import QuestionCells, RawWorkbook, WorkbookError, read_raw
from natk_xlsx.returns.submission_schema import SUBMISSION_FORMAT, submission_schema
from natk_xlsx.spec.conditions import evaluate, is_answered, referenced_questions
from natk_xlsx.spec.model import Question, Toolkit
from natk_xlsx.validation import answer_errors

REQUIRED_COVER = ("institution",)
EXPECTED_COVER = ("respondent_name", "completion_date")


@dataclass
class Submission:
    """One workbook as read: its identity, answers, the places they came from, and issues."""

    file: str
    workbook_id: str
    toolkit_id: str
    toolkit_version: str
    spec_hash: str
    language: str
    components: list[str]
    reference_period: tuple[int, int]
    respondent: dict[str, Any]
    answers: dict[str, Any]
    details: dict[str, dict[str, Any]]
    tables: dict[str, dict[str, Any]]
    asked: list[str]
    issues: list[Issue]
    source_map: dict[str, tuple[str, str]] = field(default_factory=dict)
    unplaced: list[dict[str, Any]] = field(default_factory=list)
    unknown_answers: dict[str, Any] = field(default_factory=dict)
    file_sha256: str = ""
    application: str | None = None
    metadata_source: str = "sheet"

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def record(self) -> dict[str, Any]:
        """The canonical submission JSON (what consolidation works from)."""
        return {
            "format": SUBMISSION_FORMAT,
            "workbook_id": self.workbook_id,
            "toolkit": {"id": self.toolkit_id, "version": self.toolkit_version,
                        "spec_hash": self.spec_hash},
            "language": self.language,
            "components": self.components,
            "reference_period": list(self.reference_period),
            "respondent": self.respondent,
            "answers": self.answers,
            "details": self.details,
            "tables": self.tables,
            "asked": self.asked,
            "unplaced": self.unplaced,
            "unknown_answers": json_safe(self.unknown_answers),
            "source": {"file": Path(self.file).name, "sha256": self.file_sha256,
                       "application": self.application, "read_by": f"natk-xlsx {__version__}"},
            "issues": [i.to_dict() for i in self.issues],
        }


# -- reading answers -------------------------------------------------------------------------------
def _coerce_single(q: Question, cell: Cell, toolkit: Toolkit, ctx: Context) -> Any:
    path = f"answers/{q.id}"
    if cell.is_formula and q.type in ("short_text", "long_text"):
        ctx.add("FORMULA-TEXT", WARNING, cell, q.id, cell.value, path)
        return str(cell.value)
    if cell.is_formula:
        ctx.add("FORMULA", ERROR, cell, q.id, cell.value, path)
        return None
    if cell.is_error:
        ctx.add("CELL-ERROR", ERROR, cell, q.id, cell.value, path)
        return None
    if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
        return None
    if q.type in ("yes_no", "single_choice"):
        index = label_index(toolkit, q, ctx.lang)
        return coerce_choice(cell, q, index, ctx, path,
                             lambda code: toolkit.answer_label(q, code, ctx.lang))
    coercers = {
        "integer": coerce_integer, "decimal": coerce_decimal, "percentage": coerce_percentage,
        "year": coerce_year, "date": coerce_date, "short_text": coerce_text,
        "long_text": coerce_text,
    }
    return coercers[q.type](cell, q, ctx, path)


def _coerce_multiple(q: Question, cells: QuestionCells, toolkit: Toolkit, ctx: Context,
                     ticks: frozenset[str], source: dict[str, tuple[str, str]]) -> list[str]:
    chosen = []
    yes = toolkit.choice_lists["yes_no"].label("yes", ctx.lang)
    for code in toolkit.answer_codes(q):
        cell = cells.options.get(code)
        if cell is None:
            continue
        source[f"answers/{q.id}/{code}"] = (cell.sheet, cell.cell)
        if cell.is_formula:
            ctx.add("FORMULA", ERROR, cell, q.id, cell.value, f"answers/{q.id}")
            continue
        tick = is_tick(cell, ticks)
        if tick is None:
            ctx.add("TICK-NOT-ALLOWED", ERROR, cell, q.id, cell.value, f"answers/{q.id}", yes=yes)
        elif tick:
            chosen.append(code)
    return chosen


def _coerce_table(q: Question, cells: QuestionCells, toolkit: Toolkit, ctx: Context,
                  source: dict[str, tuple[str, str]]) -> dict[str, dict[str, int | None]]:
    assert q.breakdown is not None
    columns = toolkit.breakdowns[q.breakdown].codes
    table: dict[str, dict[str, int | None]] = {}
    for year, row in sorted(cells.table.items()):
        values: dict[str, int | None] = {}
        for code, cell in zip(columns, row, strict=False):
            path = f"answers/{q.id}/{year}/{code}"
            source[path] = (cell.sheet, cell.cell)
            if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                continue
            if cell.is_formula:
                ctx.add("FORMULA", ERROR, cell, q.id, cell.value, path)
                continue
            if cell.is_error:
                ctx.add("CELL-ERROR", ERROR, cell, q.id, cell.value, path)
                continue
            count = coerce_count(cell, q, ctx, path)
            if isinstance(count, int):
                values[code] = count
        _check_row_total(q, year, values, cells.totals.get(year), ctx)
        if values:
            table[str(year)] = values
    return table


def _check_row_total(q: Question, year: int, values: Mapping[str, int | None],
                     total: Cell | None, ctx: Context) -> None:
    """A total the respondent typed over (a number where the formula was) must match."""
    if total is None or total.is_formula or total.value in (None, ""):
        return
    if not isinstance(total.value, int | float) or isinstance(total.value, bool):
        return
    expected = sum(v for v in values.values() if v is not None)
    if abs(float(total.value) - expected) > 1e-9:
        ctx.add("TOTAL-MISMATCH", WARNING, total, q.id, total.value,
                f"answers/{q.id}/{year}", expected=expected)


#: Detail maps by (spec hash, list, codes, language): the same for every return of a batch.
_DETAIL_MAPS: dict[tuple[str, str, tuple[str, ...], str], dict[str, str]] = {}


def _detail_codes(toolkit: Toolkit, list_id: str, codes: Iterable[str], lang: str
                  ) -> dict[str, str]:
    """Every way to write each code (its labels in every language, the code), normalised →
    the code. Built once per toolkit, list and language."""
    key = (toolkit.spec_hash, list_id, tuple(codes), lang)
    found = _DETAIL_MAPS.get(key)
    if found is None:
        if len(_DETAIL_MAPS) > 256:
            _DETAIL_MAPS.clear()
        found = _DETAIL_MAPS[key] = _build_detail_codes(toolkit, list_id, key[2], lang)
    return found


def _build_detail_codes(toolkit: Toolkit, list_id: str, codes: Iterable[str], lang: str
                        ) -> dict[str, str]:
    out: dict[str, str] = {}
    choice_list = toolkit.choice_lists[list_id]
    for code in codes:
        for choice in choice_list.choices:
            if choice.code == code:
                for text in choice.label.values():
                    out.setdefault(normalise_text(text), code)
                out[normalise_text(code)] = code
                out.setdefault(normalise_text(choice_list.label(code, lang)), code)
    return out


def _read_details(q: Question, cells: QuestionCells, toolkit: Toolkit, ctx: Context,
                  maps: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    for name, cell in cells.details.items():
        if cell.value is None:
            continue
        if cell.is_formula:
            ctx.add("FORMULA-TEXT", WARNING, cell, q.id, cell.value, f"details/{q.id}/{name}")
        text = coerce_text(cell, None, ctx, f"details/{q.id}/{name}")
        if not text:
            continue
        if name in maps:
            code = maps[name].get(normalise_text(text))
            if code is None:
                column = ui(f"col.{name}", ctx.lang)
                allowed = ", ".join(sorted({toolkit.choice_lists[
                    "priority" if name == "priority" else "yes_no"].label(c, ctx.lang)
                    for c in maps[name].values()}))
                ctx.add("DETAIL-NOT-ALLOWED", WARNING, cell, q.id, cell.value,
                        f"details/{q.id}/{name}", column=column, allowed=allowed)
                details[name] = text
                continue
            details[name] = code
        else:
            details[name] = text
    return details


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
        ctx.add(note.code, severity, cell, note.question, note.value, **note.fields)
    asked, missing, unknown = _asked(raw, toolkit)
    same_version = raw.metadata.get("toolkit_version", toolkit.version) == toolkit.version
    same_hash = raw.metadata.get("spec_hash", toolkit.spec_hash) == toolkit.spec_hash
    if not same_version:
        ctx.add("VERSION-DIFFERS", WARNING, None, None, None,
                found=raw.metadata.get("toolkit_version"), expected=toolkit.version,
                differences=f"{len(missing)} not asked, {len(unknown)} unknown")
    elif not same_hash:
        ctx.add("SPEC-DIFFERS", WARNING, None, None, None, version=toolkit.version)
    if same_version and same_hash:
        for qid in missing:
            q = toolkit.question(qid)
            ctx.add("QUESTION-MISSING", WARNING, None, qid, None)
            del q
    source: dict[str, tuple[str, str]] = {}
    answers: dict[str, Any] = {}
    details: dict[str, dict[str, Any]] = {}
    tables: dict[str, dict[str, Any]] = {}
    ticks = yes_labels(toolkit)
    detail_maps = {
        "priority": _detail_codes(toolkit, "priority", toolkit.choice_lists["priority"].codes,
                                  raw.language),
        "provided": _detail_codes(toolkit, "yes_no", ("yes", "no", "dont_know"), raw.language),
    }
    reliability = _detail_codes(toolkit, "reliability", toolkit.choice_lists["reliability"].codes,
                                raw.language)
    for qid in asked:
        q = toolkit.question(qid)
        cells = raw.questions[qid]
        if cells.answer is not None:
            source[f"answers/{qid}"] = (cells.answer.sheet, cells.answer.cell)
        value: Any
        if q.type == "multiple_choice":
            value = _coerce_multiple(q, cells, toolkit, ctx, ticks, source) or None
        elif q.type == "stats_table":
            value = _coerce_table(q, cells, toolkit, ctx, source) or None
            first_row = next(iter(cells.table.values()), None)
            if first_row:
                source[f"answers/{qid}"] = (first_row[0].sheet, first_row[0].cell)
            table_info = _table_info(q, cells, reliability, ctx)
            if table_info:
                tables[qid] = table_info
        else:
            assert cells.answer is not None
            value = _coerce_single(q, cells.answer, toolkit, ctx)
        if value is not None:
            answers[qid] = value
        detail = _read_details(q, cells, toolkit, ctx, detail_maps)
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
        unplaced=[{"sheet": c.sheet, "cell": c.cell, "value": json_safe(c.value)}
                  for c in raw.unplaced],
        unknown_answers=unknown_answers, file_sha256=file_sha256,
        application=raw.application, metadata_source=raw.metadata_source)
    validate_submission(submission, toolkit, ctx)
    check_submission(submission, toolkit, ctx)
    submission.issues = sort_issues(ctx.issues, raw)
    return submission


def _sheet_issue(note: Any, ctx: Context, severity: str) -> Issue:
    from natk_xlsx.returns.issues import make_issue

    return make_issue(note.code, severity, ctx.lang, sheet=note.sheet, question=note.question,
                      value=note.value, **note.fields)


def _fallback_id(file_sha256: str) -> str:
    return f"sha256:{file_sha256[:32]}" if file_sha256 else "unknown"


def _table_info(q: Question, cells: QuestionCells, reliability: Mapping[str, str],
                ctx: Context) -> dict[str, Any]:
    info: dict[str, Any] = {}
    if cells.table_source is not None and cells.table_source.value is not None:
        text = coerce_text(cells.table_source, None, ctx, f"tables/{q.id}/source")
        if text:
            info["source"] = text
    if cells.table_reliability is not None and cells.table_reliability.value is not None:
        text = coerce_text(cells.table_reliability, None, ctx, f"tables/{q.id}/reliability")
        if text:
            info["reliability"] = reliability.get(normalise_text(text), text)
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
    for fld in (*REQUIRED_COVER, *EXPECTED_COVER):
        if not out.get(fld):
            cover_cell = raw.cover.get(fld)
            severity = ERROR if fld in REQUIRED_COVER else WARNING
            ctx.add("COVER-MISSING", severity, cover_cell, None, None, f"respondent/{fld}",
                    field=ui(f"cover.{fld}", ctx.lang))
    return out


# -- validation against the schema -----------------------------------------------------------------
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
                    _add_at(ctx, sub, "ANSWER-MISSING", WARNING, qid, None, f"answers/{qid}")
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
            _add_at(ctx, sub, "NUMBER-OUT-OF-RANGE", ERROR, qid, value, path, min=low, max=high)
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
        else:
            _add_at(ctx, sub, "ANSWER-INVALID", ERROR, qid, value, path, detail=err.message)
        reported.add(qid)


def _allowed_labels(toolkit: Toolkit, q: Question, lang: str) -> str:
    labels = [toolkit.answer_label(q, c, lang) for c in toolkit.answer_codes(q)]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + ui("issue.or", lang) + labels[-1]


def _range(q: Question, err: Any) -> tuple[str, str]:
    c = q.constraints
    defaults = {"integer": (0, "…"), "decimal": (0, "…"), "percentage": (0, 100),
                "year": (1900, 2100)}.get(q.type, (0, "…"))
    low = c.get("min", defaults[0])
    high = c.get("max", defaults[1])
    if err.validator in ("minimum", "exclusiveMinimum") and q.type == "stats_table":
        low = 0
    return shown(low), shown(high)


def _add_at(ctx: Context, sub: Submission, code: str, severity: str, qid: str, value: Any,
            path: str, **fields: Any) -> None:
    place = sub.source_map.get(path) or sub.source_map.get(f"answers/{qid}")
    cell = Cell(value, place[0], place[1]) if place else None
    ctx.add(code, severity, cell, qid, value, path, **fields)


# -- checks a schema cannot make -------------------------------------------------------------------
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


def read_workbook(path: str | Path, toolkit: Toolkit) -> Submission:
    """Read and check one filled workbook (in this process; see ``batch`` for isolation).

    Raises ``UnusableFile``/``WorkbookError`` when the file cannot be used at all."""
    from natk_xlsx.returns.gate import inspect_file, notices

    info = inspect_file(path)
    data = Path(path).read_bytes()
    raw = read_raw(path, toolkit, data)
    raw.application = info.application
    digest = hashlib.sha256(data).hexdigest()
    submission = build_submission(raw, toolkit, digest)
    submission.issues[:0] = [make_issue(code, WARNING, submission.language)
                             for code in notices(info)]
    return submission

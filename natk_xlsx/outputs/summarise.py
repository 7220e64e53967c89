"""``summarise``: read returns (workbooks and submission JSON), consolidate, write the summary."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from natk_xlsx.analysis.consolidate import (
    Consolidation,
    Decision,
    consolidate_gathered,
    gather,
)
from natk_xlsx.analysis.respondents import Respondent, respondent_from_record
from natk_xlsx.analysis.weights import load_weights
from natk_xlsx.errors import InputError, UsageError
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import aside, left_to_right
from natk_xlsx.outputs.report import unusable_text
from natk_xlsx.outputs.submissions import record_problem
from natk_xlsx.returns.batch import collector_paused, folder_entries
from natk_xlsx.returns.sniff import WORKBOOK_SUFFIXES
from natk_xlsx.returns.submission import blank_record
from natk_xlsx.returns.submission_schema import SUBMISSION_FORMAT
from natk_xlsx.safeio import staged, writing
from natk_xlsx.spec.model import Toolkit
from natk_xlsx.tabular import read_rows

SAME_INSTITUTION = ("all", "latest", "first")


@dataclass
class SummaryResult:
    consolidation: Consolidation
    sources: list[dict[str, Any]]
    outputs: list[Path] = field(default_factory=list)

    @property
    def unusable(self) -> list[dict[str, Any]]:
        return [s for s in self.sources if s["state"] == "unusable"]

    @property
    def blank(self) -> list[dict[str, Any]]:
        """Returns without any answer (the questionnaire as sent), left out of the summary."""
        return [s for s in self.sources if s["state"] == "blank"]


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders give their .xlsx, .xlsm and .json files, and what else each must
    account for (``batch.folder_entries``)."""
    found: list[Path] = []
    paths = list(paths)
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found += [Path(p) for p in folder_entries(path, (*WORKBOOK_SUFFIXES, ".json"),
                                                      paths)]
        else:
            found.append(path)
    return found


def _read_json(path: Path) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """A submission file's record, or why it cannot be used and the code of that reason."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None, "there is no such file", "FILE-MISSING"
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot be read ({exc})", "FILE-UNREADABLE"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON (line {exc.lineno}: {exc.msg})", "SUBMISSION-NOT-JSON"
    except RecursionError:
        return (None, "nested far deeper than a submission file; import the workbook again",
                "SUBMISSION-MALFORMED")
    if isinstance(data, dict) and "format" not in data and {"packages", "needs"} <= set(data):
        return (None, "this is the JSON of a needs summary written by natk-xlsx, not a "
                      "submission; keep summaries out of the folder of returns",
                "SUBMISSION-OTHER")
    if not isinstance(data, dict) or data.get("format") != SUBMISSION_FORMAT:
        return None, (f"not a submission file (expected \"format\": \"{SUBMISSION_FORMAT}\"); "
                      "write submissions with 'natk import'"), "SUBMISSION-OTHER"
    problem = record_problem(data)
    return (None, problem, "SUBMISSION-MALFORMED") if problem else (data, None, None)


def load_resolutions(path: str | Path) -> list[Decision]:
    """The assessor's decisions: CSV (header row) or JSON (a list of objects) with kind
    (answer, figure or need), target (question id or need key), year (figures), value, reason,
    decided_by, decided_on."""
    file = Path(path)
    items = read_rows(file, "resolutions", "decisions", "kind")
    decisions = []
    for where, row in items:
        if not isinstance(row, dict):
            raise InputError(str(file), f"{where}: not an object with kind, target, value, reason")
        kind = str(row.get("kind") or "").strip()
        target = str(row.get("target") or "").strip()
        if kind not in ("answer", "figure", "need") or not target:
            raise InputError(str(file), f"{where}: needs a kind (answer, figure or need) and a "
                             "target (a question id such as VIC.04, or a need such as VIC.04#1)")
        year = row.get("year")
        try:
            year_value = int(year) if year not in (None, "") else None
        except (TypeError, ValueError):
            raise InputError(str(file), f"{where}: the year '{year}' is not a year") from None
        if kind == "figure" and year_value is None:
            raise InputError(str(file), f"{where}: a figure decision needs a year")
        decisions.append(Decision(kind, target, row.get("value"),
                                  str(row.get("reason") or ""),
                                  str(row.get("decided_by") or ""),
                                  str(row.get("decided_on") or ""), year_value,
                                  where=where))
    return decisions


def _mark_sources(c: Consolidation, sources: list[dict[str, Any]], lang: str,
                  same_institution: str) -> None:
    """Each source read says what became of it: kept, a duplicate, one of an institution's
    several returns, or kept with invalid answers."""
    duplicate_of = dict(c.duplicates)
    kept = {r.key for r in c.respondents}
    replaced_by = {old: r.file for group in (c.respondents, *c.same_institution) for r in group
                   for old in r.superseded}
    grouped = {r.key for group in c.same_institution for r in group}
    kept_file = {r.key: Path(r.file).name for group in (c.respondents, *c.same_institution)
                 for r in group}
    for src in sources:
        if src["state"] != "read":
            continue
        if src["file"] in replaced_by:
            src["state"] = "duplicate"
            src["status"] = ui("summary.status.replaced", lang,
                               id=left_to_right(duplicate_of[src["file"]], lang),
                               file=left_to_right(Path(replaced_by[src["file"]]).name, lang))
        elif src["file"] in duplicate_of:
            # named by the file kept: both carry the same workbook id, which told them not apart
            src["state"] = "duplicate"
            wid = duplicate_of[src["file"]]
            src["status"] = ui("summary.status.duplicate", lang,
                               id=left_to_right(kept_file.get(wid, wid), lang))
        elif src["workbook"] in grouped:
            status = ui("summary.status.same_institution", lang)
            src["status"] = status if src["workbook"] in kept else aside(status,
                                                                           same_institution, lang)
        elif src["errors"]:
            src["status"] = ui("summary.status.invalid", lang, count=src["errors"])
        else:
            src["status"] = ui("summary.status.kept", lang)


@collector_paused()
def summarise(
    inputs: Sequence[str | Path],
    toolkit: Toolkit,
    output: str | Path | None = None,
    *,
    json_path: str | Path | None = None,
    csv_dir: str | Path | None = None,
    lang: str = "en",
    resolutions: str | Path | None = None,
    same_institution: str = "all",
    weights: str | Path | None = None,
    jobs: int | None = None,
    progress: Callable[[Any], None] | None = None,
) -> SummaryResult:
    from natk_xlsx.returns.batch import iter_files

    if same_institution not in SAME_INSTITUTION:
        raise UsageError(f"--same-institution must be one of {', '.join(SAME_INSTITUTION)}")
    if output is not None and Path(output).suffix.lower() != ".xlsx":
        raise UsageError(f"{output}: the summary is an Excel workbook; give a name ending in "
                         ".xlsx")
    from natk_xlsx.outputs.summary_data import responses_beside

    beside_output = [responses_beside(output)] if output is not None else []
    outputs = {Path(p).resolve() for p in (output, json_path, csv_dir, *beside_output)
               if p is not None}
    if inputs and not any(Path(p).exists() for p in inputs):
        # a misspelt folder must not give an empty summary that looks like a result
        raise InputError(", ".join(str(p) for p in inputs),
                         "no such file or folder; check the name and the folder")
    files = [f for f in expand_inputs(inputs) if f.resolve() not in outputs]
    if not files:
        raise InputError(", ".join(str(p) for p in inputs) or ".",
                         "no workbooks (.xlsx) or submission files (.json) found")
    decisions = load_resolutions(resolutions) if resolutions else []
    ranking = load_weights(weights)
    sources: list[dict[str, Any]] = [{} for _ in files]
    folded: list[Respondent | None] = [None] * len(files)

    def fold(i: int, record: dict[str, Any] | None, error: str | None, internal: bool,
             code: str | None) -> None:
        """Keep of one return only its source line and what the summary needs (its answers,
        details and figures, not its messages), so that memory stays flat past 1,000 returns."""
        name = str(files[i])
        if record is None:
            sources[i] = {"file": name, "state": "unusable", "internal": internal, "code": code,
                          "status": ui("summary.status.unusable", lang,
                                       error=unusable_text(code, error, lang)),
                          "error": error}  # the screen's line, as check gives it
            return
        if blank_record(record):
            # the questionnaire sent back as it was sent: received, not an institution's answer
            who = record.get("respondent") or {}
            sources[i] = {"file": name, "state": "blank", "workbook": record.get("workbook_id"),
                          "institution": who.get("institution"), "kind": who.get("kind"),
                          "language": record.get("language"),
                          "version": str((record.get("toolkit") or {}).get("version") or ""),
                          "answers_count": 0, "status": ui("summary.status.blank", lang),
                          "errors": sum(1 for i in record.get("issues") or ()
                                        if i.get("severity") == "error")}
            return
        try:
            received = Path(name).stat().st_mtime
        except OSError:
            received = 0.0
        r = folded[i] = respondent_from_record(record, name, received)
        sources[i] = {"file": name, "workbook": record.get("workbook_id"),
                      "institution": (record.get("respondent") or {}).get("institution"),
                      "kind": r.kind, "language": record.get("language"), "version": r.version,
                      # the answers used, as the By institution sheet counts them: an
                      # answer with an error is left out (and counted among the errors)
                      "answers_count": len(r.answers), "errors": r.issues,
                      "state": "read"}

    workbooks = [i for i, f in enumerate(files) if f.suffix.lower() != ".json"]
    for n, result in iter_files([files[i] for i in workbooks], toolkit, jobs=jobs,
                                records_only=True):
        fold(workbooks[n], result.record,
             None if result.record else (result.error or "").split(": ", 1)[-1],
             result.internal, result.code)
        if progress:
            progress(result)
    for i, f in enumerate(files):
        if f.suffix.lower() == ".json":
            record, error, code = _read_json(f)
            fold(i, record, error, False, code)
            if progress:
                progress(None)
    from natk_xlsx.alongside import alongside
    from natk_xlsx.outputs.summary import write_summary
    from natk_xlsx.outputs.summary_data import (
        responses_beside,
        write_csv,
        write_json,
        write_responses_csv,
    )

    gathered = gather(toolkit, [r for r in folded if r is not None], same_institution)

    def consolidated() -> Consolidation:
        c = consolidate_gathered(toolkit, gathered, decisions, ranking)
        _mark_sources(c, sources, lang, same_institution)
        return c

    # the summary, the CSV of every answer beside it, the JSON and the CSV files are one set:
    # each is written to a temporary file, and all replace the previous set only once every one
    # is complete, so a run that fails or is stopped half way leaves the previous set whole
    with staged() as stage:
        if output is not None:
            beside = responses_beside(output)
            with writing(output, "the summary"):
                csv_temp = stage.path(beside, "the summary")
                temp = stage.path(output, "the summary")
                # the CSV of every answer needs only who answered: a second process writes it
                # while this one consolidates and writes the workbook
                with alongside(lambda: write_responses_csv(csv_temp, toolkit,
                                                           gathered.respondents, lang)):
                    c = consolidated()
                    write_summary(temp, c, sources, lang, beside.name)
            summary = SummaryResult(c, sources, [Path(output), beside])
        else:
            summary = SummaryResult(consolidated(), sources)
        c = summary.consolidation
        if json_path is not None:
            with writing(json_path, "the JSON"):
                write_json(stage.path(json_path, "the JSON"), c, lang)
            summary.outputs.append(Path(json_path))
        if csv_dir is not None:
            with writing(csv_dir, "the CSV files"):
                summary.outputs += write_csv(csv_dir, c, lang, stage)
    return summary

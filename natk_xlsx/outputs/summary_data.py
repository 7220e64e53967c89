"""The summary's JSON and CSV twins: packages, needs, conflicts, responses and statistics.

Every CSV carries codes and their labels side by side (``severity`` and ``severity_label``), is
UTF-8 with a BOM (so Excel opens it right) and is written by ``_write_rows``, the one function
that writes a CSV file. needs.csv carries ``need_key``, the key the resolutions file uses, and
the ``finding`` (the rule's gap; empty where the specs give none, the question being beside it).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from natk_xlsx.analysis.consolidate import Consolidation
from natk_xlsx.analysis.respondents import GROUPS, Respondent
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import join_parts, tr
from natk_xlsx.outputs.sheetkit import answer_text
from natk_xlsx.outputs.summary_sheets import (
    RESPONSE_FIELDS,
    code_text,
    json_row,
    response_records,
    response_rows,
)
from natk_xlsx.safeio import Staged, csv_writer, staged
from natk_xlsx.spec.model import Toolkit

#: What ``--json`` holds, in order (the help of ``natk summarise`` says the same).
JSON_PARTS = ("packages", "needs", "conflicts", "statistics", "responses")


def _label(c: Consolidation, vocabulary: str, code: str | None, lang: str) -> str:
    return c.toolkit.vocabulary_label(vocabulary, code, lang) if code else ""


def package_records(c: Consolidation, lang: str) -> list[dict[str, Any]]:
    return [{
        "package_id": p.id, "rank": p.rank or None, "theme": p.theme,
        "title": tr(p.title, lang), "severity": p.severity,
        "severity_label": _label(c, "severities", p.severity, lang),
        "confidence": p.confidence, "confidence_label": ui(f"summary.confidence.{p.confidence}", lang),
        "phase": p.phase, "phase_label": ui(f"summary.horizon.{p.phase}", lang),
        "after": p.after, "score": p.score, "questions": p.questions,
        "need_keys": [n.key for n in p.needs], "components": p.components,
        "respondents_by_group": p.groups, "documented": p.documented,
        "partners": p.providers,
    } for p in c.packages]


def needs_records(c: Consolidation, lang: str) -> list[dict[str, Any]]:
    out = []
    for n in c.needs:
        q = n.question
        out.append({
            "need_key": n.key, "package_id": n.package, "component": q.component,
            "component_label": tr(c.toolkit.component(q.component).title, lang),
            "question_id": q.id, "question": tr(q.text, lang),
            "finding": tr(n.gap, lang) if n.gap else "", "severity": n.severity,
            "severity_label": _label(c, "severities", n.severity, lang),
            "assistance": list(n.assistance),
            "assistance_label": [_label(c, "assistance", a, lang) for a in n.assistance],
            "action": tr(n.action, lang), "horizon": n.horizon, "status": n.status,
            "resolution": n.resolution, "settled_answer": n.settled.value,
            "settled_answer_label": answer_text(c.toolkit, q, n.settled.value, lang, join_parts)
            if n.settled.value is not None else "",
            "settled_basis": n.settled.basis, "confidence": n.confidence,
            "confidence_label": ui(f"summary.confidence.{n.confidence}", lang),
            "documented": n.documented, "respondents_by_group": dict(n.groups),
            "supported_by": [{"institution": r.institution, "workbook_id": r.key,
                              "answer": r.answers.get(q.id)} for r in n.supporters],
            "priorities": n.priorities,
            "providers": [{"institution": who, "provider": p} for who, p in n.providers],
        })
    return out


def conflict_records(c: Consolidation) -> list[dict[str, Any]]:
    return [{"question_id": s.question.id, "strength": s.strength,
             "answers": [{"institution": v.respondent.institution,
                          "workbook_id": v.respondent.key, "answer": v.value} for v in s.views],
             "settled": s.value, "basis": s.basis, "decision": s.resolution}
            for s in c.conflicts]


STAT_COLUMNS = ("workbook_id", "institution", "kind", "kind_label", "question_id", "indicator",
                "indicator_label", "year", "category", "category_label", "additive", "value",
                "source", "reliability", "reliability_label")


def statistics_rows(c: Consolidation, lang: str) -> list[list[Any]]:
    """One row per respondent, question, indicator, year and category (a tidy long table)."""
    tk = c.toolkit
    index = {q.id: q for q in tk.questions()}
    rows: list[list[Any]] = []
    for r in c.respondents:
        for qid, value in r.answers.items():
            q = index.get(qid)
            if q is None or q.type != "stats_table" or not isinstance(value, dict):
                continue
            meta = r.tables.get(qid) or {}
            reliability = str(meta.get("reliability") or "")
            breakdown = tk.breakdowns[q.breakdown] if q.breakdown else None
            columns = {col.code: tr(col.label, lang)
                       for col in breakdown.columns} if breakdown else {}
            # whether a year's categories may be summed (requests sent, executed and pending
            # are not parts of one whole)
            additive = "" if breakdown is None else "TRUE" if breakdown.additive else "FALSE"
            for year, cells in sorted(value.items()):
                if not isinstance(cells, dict):
                    continue
                for category, number in cells.items():
                    rows.append([r.key, r.institution, r.kind or "",
                                 _label(c, "respondent_kinds", r.kind, lang), qid,
                                 q.indicator or "", _label(c, "indicators", q.indicator, lang),
                                 year, category, columns.get(category, category), additive,
                                 number,
                                 str(meta.get("source") or ""), reliability,
                                 tk.choice_lists["reliability"].label(reliability, lang)
                                 if reliability else ""])
    return rows


#: The columns of remarks.csv: what each institution wrote outside the answer cells.
REMARK_COLUMNS = ("workbook_id", "institution", "question_id", "sheet", "cell", "text")


def remark_rows(c: Consolidation) -> list[list[str]]:
    """What each return holds outside the answer cells (the summary's Remarks sheet), a row
    each."""
    return [[r.key, r.institution, qid or "", sheet, cell, text]
            for r in c.respondents for sheet, cell, qid, text in r.remarks]


def _typed_statistic(row: Sequence[Any]) -> dict[str, Any]:
    """A row of statistics.csv as JSON has it: the year a number, ``additive`` true or false,
    null where a field is empty."""
    record = json_row(STAT_COLUMNS, row)
    if isinstance(record["year"], str) and record["year"].isdigit():
        record["year"] = int(record["year"])
    record["additive"] = {"TRUE": True, "FALSE": False}.get(str(record["additive"]))
    return record


def write_json(path: str | Path, c: Consolidation, lang: str) -> None:
    data = {
        "packages": package_records(c, lang),
        "needs": needs_records(c, lang),
        "conflicts": conflict_records(c),
        "statistics": [_typed_statistic(row) for row in statistics_rows(c, lang)],
        "responses": list(response_records(c, lang)),
        "remarks": [json_row(REMARK_COLUMNS, row) for row in remark_rows(c)],
    }
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")


def write_csv_file(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]],
                   stage: Staged | None = None) -> Path:
    """A CSV file written atomically, or as part of ``stage``'s set of outputs."""
    with contextlib.nullcontext(stage) if stage else staged() as into:
        _write_rows(into.path(path, "the CSV files"), header, rows)
    return path


def _write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """The one function that writes CSV (UTF-8 with BOM), to the path it is given."""
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv_writer(f)  # respondent text that a spreadsheet would run is neutralised
        w.writerow(header)
        w.writerows(rows)


def write_responses_csv(path: str | Path, toolkit: Toolkit, respondents: Iterable[Respondent],
                        lang: str) -> None:
    """Every answer of every respondent, to ``path``: the temporary file of the CSV beside the
    summary, which the summary's set of outputs puts in place."""
    _write_rows(Path(path), RESPONSE_FIELDS, response_rows(toolkit, respondents, lang))


def responses_beside(summary: str | Path) -> Path:
    """Where the summary's CSV of every answer goes: ``<summary>-responses.csv``."""
    path = Path(summary)
    return path.with_name(f"{path.stem}-responses.csv")


def write_csv(folder: str | Path, c: Consolidation, lang: str,
              stage: Staged | None = None) -> list[Path]:
    """packages.csv, needs.csv, responses.csv, statistics.csv and remarks.csv (put in place with
    ``stage``'s set of outputs, or each as soon as it is written)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    packages = [[p["package_id"], p["rank"], p["theme"], p["title"], p["severity"],
                 p["severity_label"], p["confidence"], p["confidence_label"], p["phase"],
                 p["phase_label"], ";".join(p["after"]), p["score"], ";".join(p["questions"]),
                 ";".join(p["need_keys"]), ";".join(p["partners"])]
                for p in package_records(c, lang)]
    needs = [[n["need_key"], n["package_id"], n["component"], n["component_label"],
              n["question_id"], n["question"], n["finding"], n["severity"], n["severity_label"],
              ";".join(n["assistance"]), ";".join(n["assistance_label"]), n["action"],
              n["horizon"] or "", n["status"], n["settled_basis"],
              code_text(n["settled_answer"]), n["settled_answer_label"], n["confidence"],
              n["confidence_label"], "TRUE" if n["documented"] else "FALSE",
              *(n["respondents_by_group"].get(g, 0) for g in GROUPS),
              ";".join(x["institution"] for x in n["supported_by"]),
              ";".join(x["workbook_id"] for x in n["supported_by"]),
              ";".join(p["provider"] for p in n["providers"])]
             for n in needs_records(c, lang)]
    return [
        write_csv_file(out / "packages.csv", (
            "package_id", "rank", "theme", "title", "severity", "severity_label", "confidence",
            "confidence_label", "phase", "phase_label", "after", "score", "questions",
            "need_keys", "partners"), packages, stage),
        write_csv_file(out / "needs.csv", (
            "need_key", "package_id", "component", "component_label", "question_id", "question",
            "finding", "severity", "severity_label", "assistance", "assistance_label", "action", "horizon",
            "status", "settled_basis", "settled_answer", "settled_answer_label", "confidence",
            "confidence_label", "documented", *GROUPS, "supported_by", "supported_by_ids",
            "providers"), needs, stage),
        write_csv_file(out / "responses.csv", RESPONSE_FIELDS,
                       response_rows(c.toolkit, c.respondents, lang), stage),
        write_csv_file(out / "statistics.csv", STAT_COLUMNS, statistics_rows(c, lang), stage),
        write_csv_file(out / "remarks.csv", REMARK_COLUMNS, remark_rows(c), stage),
    ]

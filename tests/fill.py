"""Fill a generated workbook as a respondent would, from ``{question_id: value}``.

Values are written as typed: a choice as its label (or any text), a multiple choice as a list of
codes (each ticked with the workbook's "Yes") or a dict {code: raw cell value}, a statistics table
as {year: {column code: value}}. Writing goes through openpyxl to a new file.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import openpyxl

from natk_xlsx import layout
from natk_xlsx.spec.model import Toolkit


def _rows_by_key(ws) -> dict[str, int]:
    keys = {}
    for row in range(1, ws.max_row + 1):
        key = ws.cell(row=row, column=layout.COL_KEY + 1).value
        if isinstance(key, str):
            keys.setdefault(key, row)
    return keys


def fill_workbook(source: Path, target: Path, toolkit: Toolkit, answers: dict[str, Any],
                  cover: dict[str, Any] | None = None, details: dict[str, dict[str, Any]] | None = None,
                  lang: str = "en") -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(source)
    sheets = {}
    for qid, value in answers.items():
        q = toolkit.question(qid)
        name = toolkit.component(q.component).sheet_name.get(lang, toolkit.component(q.component).sheet_name["en"])
        ws = wb[name]
        if name not in sheets:
            sheets[name] = _rows_by_key(ws)
        keys = sheets[name]
        if q.type == "multiple_choice":
            yes = toolkit.choice_lists["yes_no"].label("yes", lang)
            ticks = value if isinstance(value, dict) else {code: yes for code in value}
            for code, raw in ticks.items():
                ws.cell(row=keys[f"{qid}|{code}"], column=layout.COL_ANSWER + 1, value=raw)
        elif q.type == "stats_table":
            columns = toolkit.breakdowns[q.breakdown].codes
            for year, row in value.items():
                for code, raw in row.items():
                    ws.cell(row=keys[f"{qid}|{year}"], column=layout.COL_ANSWER + 1 + columns.index(code),
                            value=raw)
        else:
            ws.cell(row=keys[qid], column=layout.COL_ANSWER + 1, value=value)
    for qid, fields in (details or {}).items():
        q = toolkit.question(qid)
        ws = wb[toolkit.component(q.component).sheet_name.get(lang, toolkit.component(q.component).sheet_name["en"])]
        row = _rows_by_key(ws)[qid]
        cols = {"comment": layout.COL_COMMENT, "evidence": layout.COL_EVIDENCE,
                "priority": layout.COL_PRIORITY, "provided": layout.COL_PROVIDED,
                "provider": layout.COL_PROVIDER}
        for name, raw in fields.items():
            ws.cell(row=row, column=cols[name] + 1, value=raw)
    for fld, raw in (cover if cover is not None else {"institution": "Ministry of Justice",
                                                       "respondent_name": "A. Official",
                                                       "completion_date": dt.datetime(2026, 3, 1)}).items():
        (sheet, ref), = list(wb.defined_names[layout.cover_name(fld)].destinations)
        wb[sheet][ref.replace("$", "")] = raw
    wb.save(target)
    return target

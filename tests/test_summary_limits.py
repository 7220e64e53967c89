"""The summary past a sheet's limits: every answer in the CSV beside the summary, the Responses
sheet only as long as a spreadsheet serves (shown here with the limit lowered), and returns
folded in as they arrive giving what consolidating them all at once gives."""

from __future__ import annotations

import csv
import json
import warnings

import openpyxl
import pytest
from test_consolidate import COMPONENTS, record

from natk_xlsx.analysis.consolidate import consolidate
from natk_xlsx.outputs import summary_sheets
from natk_xlsx.outputs.summarise import summarise
from natk_xlsx.spec.lint import load_toolkit

ANSWERS = {"LAW.01": "no", "LAW.02": "yes", "LAW.03": "no",
           "LAW.05": {"2021": {"number": 7}}}


@pytest.fixture
def toolkit(write_specs):
    return load_toolkit(write_specs(COMPONENTS))


def _returns(tmp_path, count):
    folder = tmp_path / "returns"
    folder.mkdir()
    records = []
    for i in range(count):
        answers = dict(ANSWERS)
        if i % 2:
            answers["LAW.01"] = "partly"
        details = {"LAW.02": {"comment": f"note {i}"}} if i % 3 == 0 else {}
        rec = record(f"w{i:02d}", f"Institution {i:02d}", answers, details)
        (folder / f"r{i:02d}.json").write_text(json.dumps(rec), "utf-8")
        records.append((str(folder / f"r{i:02d}.json"), rec))
    return folder, records


def _every_answer(records):
    return {(rec["workbook_id"], qid) for _, rec in records for qid in rec["asked"]
            if qid in rec["answers"] or qid in rec["details"]}


def _load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def _rows_of_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_lowered_sheet_limit_loses_no_answer(toolkit, tmp_path, monkeypatch):
    folder, records = _returns(tmp_path, 9)
    monkeypatch.setattr(summary_sheets, "RESPONSE_SHEET_ROWS", 5)
    out = tmp_path / "summary.xlsx"
    result = summarise([folder], toolkit, out)
    beside = tmp_path / "summary-responses.csv"
    assert beside in result.outputs
    rows = _rows_of_csv(beside)
    every = _every_answer(records)
    assert len(every) > 5
    assert {(r["workbook_id"], r["question_id"]) for r in rows} == every
    assert len(rows) == len(every)
    sheet = _load(out)["Responses"]
    note = sheet.cell(1, 1).value
    assert "summary-responses.csv" in note and f"first 5 of {len(every)}" in note
    assert sheet.cell(2, 1).value == "Institution"
    data = [r for r in sheet.iter_rows(min_row=3, values_only=True) if any(r)]
    assert len(data) == 5
    (table,) = sheet.tables.values()
    assert table.ref == "A2:J7"
    assert sheet.freeze_panes == "A3"


def test_under_the_limit_the_sheet_holds_every_answer(toolkit, tmp_path):
    folder, records = _returns(tmp_path, 4)
    out = tmp_path / "summary.xlsx"
    summarise([folder], toolkit, out)
    sheet = _load(out)["Responses"]
    assert sheet.cell(1, 1).value == "Institution"  # no note above the table
    data = [r for r in sheet.iter_rows(min_row=2, values_only=True) if any(r)]
    assert len(data) == len(_every_answer(records))
    assert len(_rows_of_csv(tmp_path / "summary-responses.csv")) == len(data)
    # no decisions: the Audit sheet says how to record them instead of printing a bare header
    assert "--resolutions" in _load(out)["Audit"].cell(2, 1).value


def test_folding_returns_as_they_arrive_equals_consolidating_them_at_once(toolkit, tmp_path):
    folder, records = _returns(tmp_path, 7)
    folded = summarise([folder], toolkit).consolidation
    at_once = consolidate(toolkit, records)
    assert [r.key for r in folded.respondents] == [r.key for r in at_once.respondents]
    assert [(n.key, n.package, n.severity) for n in folded.needs] == [
        (n.key, n.package, n.severity) for n in at_once.needs]
    assert [p.id for p in folded.packages] == [p.id for p in at_once.packages]
    assert {k: {y: f.consolidated for y, f in v.items()} for k, v in folded.figures.items()} == {
        k: {y: f.consolidated for y, f in v.items()} for k, v in at_once.figures.items()}


def test_a_multiple_choice_label_splits_as_its_codes_do():
    """responses.csv: one answer a row, so its labels are apart by semicolons like its codes
    (a label may itself hold a comma)."""
    from natk_xlsx.analysis.consolidate import consolidate
    from natk_xlsx.outputs.summary_sheets import RESPONSE_FIELDS, response_records, response_rows

    bundled = load_toolkit()
    q = next(q for q in bundled.questions() if q.type == "multiple_choice" and any(
        "," in bundled.answer_label(q, c, "en") for c in bundled.choice_lists[q.choices].codes))
    codes = list(bundled.choice_lists[q.choices].codes[:3])
    rec = record("w1", "Police", {q.id: codes}, asked=[q.id])
    rec["components"] = [q.component]
    done = consolidate(bundled, [("a.json", rec)])
    (line,) = response_rows(bundled, done.respondents, "en")  # the CSV's
    row = dict(zip(RESPONSE_FIELDS, line, strict=True))
    assert row["value"].split(";") == codes
    assert row["value_label"].split("; ") == [bundled.answer_label(q, c, "en") for c in codes]
    (record_,) = response_records(done, "en")  # the JSON's: the codes as a list
    assert record_["value"] == codes and record_["value_label"] == row["value_label"]


def test_what_was_written_outside_the_answers_is_on_the_remarks_sheet(toolkit, tmp_path,
                                                                     monkeypatch):
    """The text the reader keeps outside the answer cells (a note on a cell, a sheet added)
    was in the records only: an assessor reading the summary never saw "the 2025 figures are
    provisional". The Remarks sheet lists each with its institution, question and cell, under
    a note that says what it is; past the sheet's limit (lowered here) the first ones, with the
    count, and without any a note that says so."""
    folder, records = _returns(tmp_path, 3)
    for i, (path, rec) in enumerate(records):
        rec["unplaced"] = [{"sheet": "Law", "cell": f"D{5 + i}", "value": f"provisional {i}"},
                           {"sheet": "Notes", "cell": "A1", "value": "added sheet"}]
        rec["issues"] = [{"code": "CELL-NOTE", "severity": "warning", "sheet": "Law",
                          "cell": f"D{5 + i}", "question": "LAW.01", "message": "m"}]
        (folder / path.rsplit("/", 1)[-1]).write_text(json.dumps(rec), "utf-8")
    out = tmp_path / "summary.xlsx"
    summarise([folder], toolkit, out, json_path=tmp_path / "summary.json")
    remarks = json.loads((tmp_path / "summary.json").read_text("utf-8"))["remarks"]
    assert {(r["question_id"], r["text"]) for r in remarks if r["sheet"] == "Notes"} == {
        (None, "added sheet")}  # null where the CSV leaves the field empty
    sheet = _load(out)["Remarks"]
    assert "outside the cells where answers are read" in sheet.cell(1, 1).value
    assert [c.value for c in sheet[2]] == ["Institution", "Question ID", "Question", "Cell",
                                           "What was written"]
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if any(r)]
    question = toolkit.question("LAW.01").text["en"]
    assert rows == [row for i in range(3) for row in (
        (f"Institution {i:02d}", "LAW.01", question, f"Law!D{5 + i}", f"provisional {i}"),
        (f"Institution {i:02d}", None, None, "Notes!A1", "added sheet"))]
    monkeypatch.setattr(summary_sheets, "RESPONSE_SHEET_ROWS", 4)
    summarise([folder], toolkit, tmp_path / "cut.xlsx")
    cut = _load(tmp_path / "cut.xlsx")["Remarks"]
    assert "first 4 of 6" in cut.cell(1, 1).value
    assert len([r for r in cut.iter_rows(min_row=3, values_only=True) if any(r)]) == 4
    (tmp_path / "none").mkdir()
    folder_none, _ = _returns(tmp_path / "none", 2)
    summarise([folder_none], toolkit, tmp_path / "none.xlsx")
    empty = _load(tmp_path / "none.xlsx")["Remarks"]
    assert empty.cell(1, 1).value == "No institution wrote outside the cells where answers are read."

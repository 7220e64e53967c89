"""A generated workbook survives a LibreOffice save: names, validations, hidden sheets, metadata."""

from __future__ import annotations

import warnings

import openpyxl
import pytest
from factory import BUNDLED_SPECS
from fill import fill_workbook
from libreoffice import convert

from natk_xlsx import layout
from natk_xlsx.returns.importer import read_workbook
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook


def _load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def _validated_cells(ws):
    cells = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    cells[(r, c)] = (dv.type, (dv.formula1 or "").lstrip("="))
    return cells


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    toolkit = load_toolkit(BUNDLED_SPECS)
    folder = tmp_path_factory.mktemp("lo")
    original = generate_workbook(toolkit, folder / "toolkit.xlsx",
                                 GenerateOptions(country="Veridia")).path
    return toolkit, original, convert(original, folder / "resaved")


@pytest.fixture(scope="module")
def pair(files):
    toolkit, original, resaved = files
    return toolkit, _load(original), _load(resaved)


def test_nothing_the_generator_wrote_is_taken_for_text_out_of_place(files):
    """Every row of every component, as written and as LibreOffice saves it again: no title,
    label, instruction or header is reported as typed where no answer is read."""
    toolkit, original, resaved = files
    for path in (original, resaved):
        sub = read_workbook(path, toolkit)
        assert sub.unplaced == [], path
        assert not {i.code for i in sub.issues} & {
            "CELL-NOT-READ", "PROMPT-OVERWRITTEN", "LABEL-CHANGED", "ROW-INSERTED",
            "SHEET-ADDED", "TEXT-OUTSIDE", "TEXT-FAR"}, path


def test_sheets_and_hidden_states_survive(pair):
    _, before, after = pair
    assert [(ws.title, ws.sheet_state) for ws in after.worksheets] == [
        (ws.title, ws.sheet_state) for ws in before.worksheets]


def test_every_answer_name_survives(pair):
    toolkit, before, after = pair
    for q in toolkit.questions():
        assert q.id in after.defined_names, q.id
        assert list(after.defined_names[q.id].destinations) == list(
            before.defined_names[q.id].destinations), q.id


def test_every_validation_survives(pair):
    toolkit, before, after = pair
    for component in toolkit.components:
        name = component.sheet_name["en"]
        assert _validated_cells(after[name]) == _validated_cells(before[name]), name


def _meta(wb):
    # LibreOffice drops empty strings: an empty value reads back as None.
    return [tuple(c.value or "" for c in row) for row in wb[layout.META_SHEET].iter_rows(max_col=2)]


def test_metadata_and_protection_survive(pair):
    toolkit, before, after = pair
    assert _meta(after) == _meta(before)
    for component in toolkit.components:
        ws = after[component.sheet_name["en"]]
        assert ws.protection.sheet
        (_, ref), = list(after.defined_names[component.questions[0].id].destinations)
        answer = ws[ref.replace("$", "").split(":")[0]]
        assert answer.protection.locked is False
        assert ws.cell(answer.row, 1).protection.locked is True


def _applicable(path, toolkit, component, column=layout.COL_APPLICABLE):
    """Question id → the value of its hidden 'applicable' cell (or another hidden one), as
    LibreOffice calculated it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, data_only=True)  # the values calculated
    ws = book[toolkit.component(component).sheet_name["en"]]
    return {row[layout.COL_KEY].value: row[column].value
            for row in ws.iter_rows(min_row=layout.FIRST_BODY_ROW)
            if row[layout.COL_KEY].value in {q.id for q in toolkit.component(component).questions}}


def test_a_question_looks_ruled_out_only_once_an_answer_rules_it_out(tmp_path):
    """A blank workbook, and a blank one printed to fill by hand, shows every question as one to
    answer: the offence's definition follows a question on where the offence is defined, and
    while that is blank it may yet apply. LibreOffice's recalculation sets the hidden
    'applicable' cell (the grey format makes the same test) to 0 only once the answer given
    rules the question out."""
    toolkit = load_toolkit(BUNDLED_SPECS)
    blank = generate_workbook(toolkit, tmp_path / "legal.xlsx",
                              GenerateOptions(components=["legal"])).path
    gate = toolkit.question("LEG.06")
    gated = {q.id for q in toolkit.component("legal").questions
             if q.relevant and q.relevant.get("question") == gate.id}
    assert len(gated) >= 10
    ruling_out = next(c for c in toolkit.answer_codes(gate)
                      if c not in toolkit.question(min(gated)).relevant["in"])
    answered = fill_workbook(blank, tmp_path / "answered.xlsx", toolkit,
                             {gate.id: toolkit.answer_label(gate, ruling_out, "en")})
    before = _applicable(convert(blank, tmp_path / "blank"), toolkit, "legal")
    after = _applicable(convert(answered, tmp_path / "answered"), toolkit, "legal")
    assert set(before.values()) == {1}, before
    assert {qid for qid, value in after.items() if value == 0} >= gated
    assert all(after[q] == 1 for q in before if toolkit.question(q).relevant is None)


def test_a_question_is_greyed_out_only_where_the_checker_rules_it_out(tmp_path):
    """An answer the checker accepts rules questions in or out in the workbook too: a yes typed
    in another language, in lower case, with spaces and a full stop ('  oui. '), and an option
    ticked with an 'x' beside one marked 'No.', keep the questions they open as ones to answer (LibreOffice recalculates the hidden
    'applicable' cells, which the grey format and the cover's progress both read); a 'non'
    rules its questions out, as the checker reads it."""
    from natk_xlsx.returns.importer import read_workbook
    from natk_xlsx.spec.conditions import evaluate

    toolkit = load_toolkit(BUNDLED_SPECS)
    blank = generate_workbook(toolkit, tmp_path / "situation.xlsx",
                              GenerateOptions(components=["situation"])).path
    wb = _load(blank)
    ws = wb[toolkit.component("situation").sheet_name["en"]]
    rows = {ws.cell(r, layout.COL_KEY + 1).value: r for r in range(1, ws.max_row + 1)}
    first_trend = toolkit.answer_codes(toolkit.question("SIT.15"))[0]
    typed = {"SIT.02|forced_labour": "x", "SIT.11": "  oui. ", "SIT.13": "non",
             "SIT.02|domestic_servitude": "No.", f"SIT.15|{first_trend}": "No", "SIT.16": " "}
    for key, value in typed.items():
        ws.cell(rows[key], layout.COL_ANSWER + 1, value)
    wb.save(tmp_path / "typed.xlsx")
    recalculated = convert(tmp_path / "typed.xlsx", tmp_path / "lo")
    after = _applicable(recalculated, toolkit, "situation")
    assert (after["SIT.03"], after["SIT.12"], after["SIT.14"]) == (1, 1, 0)
    # the cover's progress counts as answered what the checker does: a tick, not a "No" or a
    # cell of spaces
    answered = _applicable(recalculated, toolkit, "situation", layout.COL_ANSWERED)
    assert (answered["SIT.02"], answered["SIT.11"], answered["SIT.15"], answered["SIT.16"]) == \
        (1, 1, 0, 0)
    sub = read_workbook(tmp_path / "typed.xlsx", toolkit)
    assert sub.answers["SIT.02"] == ["forced_labour"] and sub.answers["SIT.11"] == "yes"
    for qid in ("SIT.03", "SIT.12", "SIT.14"):
        assert evaluate(toolkit.question(qid).relevant, sub.answers) == (after[qid] == 1), qid

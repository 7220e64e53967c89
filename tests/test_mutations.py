"""Property test: whatever a respondent (or a bug) does to cells of a filled workbook, reading it
never raises and never produces a traceback: it gives a submission with issues, or one clear line."""

from __future__ import annotations

import datetime as dt
import json
import warnings

import openpyxl
import pytest
from factory import default_components
from fill import fill_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from natk_xlsx import layout
from natk_xlsx.returns.batch import read_files
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import generate_workbook

values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=80),
    st.sampled_from(["=1+2", "=A1", "Yes", "n/a", "1,234", "15/03/2024", "#N/A", "ALP.01",
                     "ALP.01|2021", "BET.02|servitude", "\u00a0yes ", "TRUE"]),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
)
mutation = st.tuples(st.sampled_from(["Alpha", "Beta", "Cover", layout.META_SHEET]),
                     st.integers(1, 40), st.integers(1, 24), values)
structural = st.sampled_from(["none", "insert", "delete", "drop_meta", "drop_sheet", "clear_keys"])


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    from conftest_helpers import write_toolkit

    folder = tmp_path_factory.mktemp("mut")
    toolkit = load_toolkit(write_toolkit(folder / "specs", default_components()))
    blank = generate_workbook(toolkit, folder / "blank.xlsx").path
    filled = fill_workbook(blank, folder / "filled.xlsx", toolkit,
                           {"ALP.01": "Yes", "ALP.02": 3, "BET.02": ["servitude"],
                            "ALP.04": {2021: {"female": 1}}})
    return toolkit, filled, folder


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(mutation, max_size=12), action=structural, where=st.integers(1, 30))
def test_mutated_workbooks_never_crash_the_reader(base, changes, action, where):
    toolkit, filled, folder = base
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(filled)
    for sheet, row, col, value in changes:
        cell = wb[sheet].cell(row, col)
        if type(cell).__name__ != "MergedCell":
            cell.value = value
    ws = wb["Alpha"]
    if action == "insert":
        ws.insert_rows(where, 2)
    elif action == "delete":
        ws.delete_rows(where, 2)
    elif action == "drop_meta":
        del wb[layout.META_SHEET]
    elif action == "drop_sheet":
        del wb["Beta"]
    elif action == "clear_keys":
        for r in range(1, 40):
            ws.cell(r, layout.COL_KEY + 1).value = None
    path = folder / "mutated.xlsx"
    wb.save(path)
    (result,) = read_files([path], toolkit, isolate=False)
    if result.submission is None:
        assert result.error and "\n" not in result.error
        assert result.code in {"WORKBOOK-OTHER", "WORKBOOK-OTHER-TOOLKIT", "WORKBOOK-INCOMPATIBLE"}, result.error
    else:
        for issue in result.submission.issues:
            assert issue.message and issue.code and issue.severity in ("error", "warning")
        json.dumps(result.submission.record())  # serialisable as it is

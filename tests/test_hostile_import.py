"""Every broken or hostile file gets one line naming it, a non-zero exit code and no traceback,
in bounded time, and the rest of the batch is still read."""

from __future__ import annotations

import time

import hostile
import pytest
from click.testing import CliRunner
from factory import BUNDLED_SPECS

from natk_xlsx.cli import cli
from natk_xlsx.returns.batch import read_files
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

CASES = {
    "empty_file": "FILE-EMPTY",
    "old_xls": "FILE-XLS",
    "encrypted": "FILE-ENCRYPTED",
    "ods_like": "FILE-ODS",
    "docx_like": "FILE-NOT-WORKBOOK",
    "csv_text": "FILE-NOT-WORKBOOK",
    "truncated": "FILE-TRUNCATED",
    "zip_bomb": "FILE-ZIP-BOMB",
    "billion_laughs": "FILE-HOSTILE-XML",
    "external_entity": "FILE-HOSTILE-XML",
}


def _build(name, folder):
    builder = getattr(hostile, name)
    return builder(folder)


@pytest.fixture(scope="module")
def toolkit():
    return load_toolkit(BUNDLED_SPECS)


@pytest.fixture(scope="module")
def good(toolkit, tmp_path_factory):
    return generate_workbook(toolkit, tmp_path_factory.mktemp("g") / "good.xlsx",
                             GenerateOptions(components=["data"])).path


@pytest.mark.parametrize(("case", "code"), sorted(CASES.items()))
def test_hostile_file_is_one_clear_line_and_the_batch_goes_on(toolkit, good, tmp_path, case, code):
    bad = _build(case, tmp_path)
    start = time.monotonic()
    results = read_files([bad, good], toolkit, jobs=2, timeout=60)
    assert time.monotonic() - start < 30
    first, second = results
    assert first.status == "unusable"
    assert first.code == code, first.error
    assert first.error.startswith(str(bad))
    assert "\n" not in first.error and "Traceback" not in first.error
    assert second.submission is not None


def test_macro_workbook_is_read_for_values_only(toolkit, tmp_path):
    path = _build("xlsm_with_macros", tmp_path)
    (result,) = read_files([path], toolkit, jobs=1)
    # not one of our questionnaires, but never run: a clear refusal, not a crash
    assert result.status == "unusable"
    assert result.code == "WORKBOOK-OTHER"


def test_cli_reports_every_bad_file_and_exits_3(toolkit, good, tmp_path):
    paths = [str(_build(case, tmp_path)) for case in ("empty_file", "truncated", "old_xls")]
    result = CliRunner().invoke(cli, ["check", "-q", *paths, str(good)])
    assert result.exit_code == 3
    lines = [line for line in result.stdout.splitlines() if ": UNUSABLE: " in line]
    assert len(lines) == 3
    assert "Traceback" not in result.output


def _load(path):
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def test_far_corner_cell_does_not_make_the_reader_scan_a_million_rows(toolkit, good, tmp_path):
    wb = _load(good)
    wb["Data"]["XFD1048576"] = "far away"
    wb.save(tmp_path / "corner.xlsx")
    start = time.monotonic()
    (result,) = read_files([tmp_path / "corner.xlsx"], toolkit, jobs=1, timeout=60)
    assert time.monotonic() - start < 20
    assert result.submission is not None


def test_long_and_control_character_text_is_read_safely(toolkit, good, tmp_path):
    wb = _load(good)
    ws = wb["Data"]
    row = next(r for r in range(1, 200) if ws.cell(r, 21).value == "DAT.01")
    long_text = ("x" * 32760) + "_x000B_end"
    target = None
    for q in toolkit.component("data").questions:
        if q.type == "long_text":
            target = next(r for r in range(1, 400) if ws.cell(r, 21).value == q.id)
            break
    ws.cell(row, 5).value = "comment with _x0007_ bell"
    if target:
        ws.cell(target, 4).value = long_text
    wb.save(tmp_path / "text.xlsx")
    (result,) = read_files([tmp_path / "text.xlsx"], toolkit, jobs=1)
    sub = result.submission
    assert sub.details["DAT.01"]["comment"] == "comment with  bell"
    assert "TEXT-CONTROL-CHARS" in {i.code for i in sub.issues}

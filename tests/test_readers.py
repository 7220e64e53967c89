"""The fast reader (python-calamine) and the careful one (openpyxl) read the same answers, and
the fast one steps aside for files it cannot read safely."""

from __future__ import annotations

import warnings

import hostile
import openpyxl
import pytest
from factory import BUNDLED_SPECS

from natk_xlsx.demo import fill_complete
from natk_xlsx.returns.books import OpenpyxlBook
from natk_xlsx.returns.fastread import CalamineBook, open_fast
from natk_xlsx.returns.importer import read_workbook
from natk_xlsx.returns.reader import open_book
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    toolkit = load_toolkit(BUNDLED_SPECS)
    folder = tmp_path_factory.mktemp("readers")
    blank = generate_workbook(toolkit, folder / "blank.xlsx",
                              GenerateOptions(components=["legal", "victims", "data"])).path
    return toolkit, fill_complete(toolkit, blank, folder / "filled.xlsx", seed=5), folder


def test_both_readers_give_the_same_submission(filled, monkeypatch):
    toolkit, path, _ = filled
    assert isinstance(open_book(path), CalamineBook)
    fast = read_workbook(path, toolkit)
    monkeypatch.setenv("NATK_READER", "openpyxl")
    assert isinstance(open_book(path), OpenpyxlBook)
    careful = read_workbook(path, toolkit)
    assert fast.answers == careful.answers and len(fast.answers) > 80
    assert fast.details == careful.details
    assert fast.respondent == careful.respondent
    assert [i.to_dict() for i in fast.issues] == [i.to_dict() for i in careful.issues]


def test_formulas_are_seen_by_the_fast_reader_too(filled):
    toolkit, path, folder = filled
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    ws = wb[toolkit.component("data").sheet_name["en"]]
    row = next(r for r in range(1, 200) if ws.cell(r, 21).value == "DAT.02")
    ws.cell(row, 4).value = '=IF(1=1,"Yes","No")'
    wb.save(folder / "formula.xlsx")
    sub = read_workbook(folder / "formula.xlsx", toolkit)
    issue = next(i for i in sub.errors if i.question == "DAT.02")
    assert issue.code == "FORMULA" and 'IF(1=1,"Yes","No")' in issue.message


def test_fast_reader_steps_aside_for_far_cells_and_entities(filled, tmp_path):
    _toolkit, path, _ = filled
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    wb["Data"]["XFD1048576"] = "far"
    wb.save(tmp_path / "far.xlsx")
    assert open_fast(tmp_path / "far.xlsx") is None
    assert open_fast(hostile.billion_laughs(tmp_path)) is None
    assert open_fast(path) is not None


def test_fast_reader_steps_aside_when_a_formula_cell_has_no_address(filled, tmp_path):
    import re
    import zipfile

    _, path, _ = filled
    target = tmp_path / "noref.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                # drop the address of the first cell that holds a formula
                data = re.sub(rb'<c r="[A-Z]+\d+"([^>]*>\s*<f)', rb"<c\1", data, count=1)
            zout.writestr(info, data)
    assert open_fast(target) is None

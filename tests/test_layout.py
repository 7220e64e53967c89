"""Excel's rules for defined names and sheet names."""

from __future__ import annotations

import pytest

from natk_xlsx import layout


@pytest.mark.parametrize("name", ["Q1", "LEG5", "xfd1048576", "A1", "R1C1", "R", "C", "rc", "R2"])
def test_names_that_excel_reads_as_cells(name):
    assert layout.looks_like_cell(name)
    assert layout.defined_name_problem(name) is not None


@pytest.mark.parametrize("name", ["LEG.05", "XFE1", "A1048577", "ENF.123", "_lists.yes_no"])
def test_names_that_are_safe(name):
    assert layout.defined_name_problem(name) is None


@pytest.mark.parametrize("name", ["", "1abc", "a b", "TRUE", "x" * 256])
def test_names_that_are_invalid(name):
    assert layout.defined_name_problem(name) is not None


@pytest.mark.parametrize(
    ("name", "ok"),
    [("Law enforcement", True), ("Intl cooperation", True), ("التعاون الدولي", True),
     ("x" * 31, True), ("x" * 32, False), ("A:B", False), ("'quoted", False), ("history", False),
     ("  ", False)],
)
def test_sheet_names(name, ok):
    assert (layout.sheet_name_problem(name) is None) is ok

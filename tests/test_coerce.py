"""Unit tests of the coercion rules that a filled workbook cannot easily show."""

from __future__ import annotations

import datetime as dt

import pytest

from natk_xlsx.returns.coerce import (
    Cell,
    Context,
    coerce_count,
    coerce_date,
    coerce_text,
    normalise_text,
    parse_date,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "value", "ambiguous"),
    [("12", 12, False), ("1,234", 1234, True), ("1.234", 1234, True), ("1,234.5", 1234.5, False),
     ("1.234,5", 1234.5, False), ("12,5", 12.5, False), ("0,123", 0.123, False),
     ("1 234 567", 1234567, False), ("1'234", 1234, False), ("-3.5", -3.5, False),
     ("1,234,567", 1234567, False), ("1,23,4", None, False), ("abc", None, False), ("", None, False),
     ("1.2.3", None, False)],
)
def test_parse_number(text, value, ambiguous):
    assert parse_number(text) == (value, ambiguous if value is not None else False)


@pytest.mark.parametrize(
    ("text", "date", "ambiguous"),
    [("2024-03-15", dt.date(2024, 3, 15), False), ("15/03/2024", dt.date(2024, 3, 15), False),
     ("3/15/2024", dt.date(2024, 3, 15), False), ("04/03/2024", dt.date(2024, 3, 4), True),
     ("05/05/2024", dt.date(2024, 5, 5), False), ("15.03.24", dt.date(2024, 3, 15), False),
     ("15 March 2024", dt.date(2024, 3, 15), False), ("15 mars 2024", dt.date(2024, 3, 15), False),
     ("15 марта 2024 г.", dt.date(2024, 3, 15), False), ("2024年3月15日", dt.date(2024, 3, 15), False),
     ("31/02/2024", None, False), ("soon", None, False)],
)
def test_parse_date(text, date, ambiguous):
    assert parse_date(text) == (date, ambiguous)


def test_date_serial_in_a_general_cell_is_read_with_a_warning():
    ctx = Context("en")
    assert coerce_date(Cell(45366, "S", "D5"), None, ctx, "p") == "2024-03-15"
    assert [i.code for i in ctx.issues] == ["DATE-FROM-NUMBER"]


def test_a_figure_the_spreadsheet_turned_into_a_date_says_so():
    """Typed "3-1" in a count, Excel stores the 1st of March: the respondent is told why."""
    ctx = Context("en")
    q = type("Q", (), {"id": "ENF.33"})()
    assert coerce_count(Cell(dt.datetime(2026, 3, 1), "S", "D5"), q, ctx, "p") is None
    (issue,) = ctx.issues
    assert issue.code == "NUMBER-IS-DATE" and issue.severity == "error"
    assert "2026-03-01" in issue.message and "Format the cell as a number" in issue.message


def test_control_characters_are_removed_with_a_warning():
    ctx = Context("en")
    assert coerce_text(Cell("a\x01b\x1f\tc", "S", "D5"), None, ctx, "p") == "ab\tc"
    assert [i.code for i in ctx.issues] == ["TEXT-CONTROL-CHARS"]


@pytest.mark.parametrize(
    ("typed", "folded"),
    [("  Don\u2019t\u00a0know ", "don't know"), ("\u201cYes\u201d", "yes"), ("ＹＥＳ", "yes"),
     ("'No'", "no")],
)
def test_normalise_text(typed, folded):
    assert normalise_text(typed) == folded

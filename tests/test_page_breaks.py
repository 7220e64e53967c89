"""Where a component sheet's printed pages end (``workbook.pages``), on rows of known heights."""

from __future__ import annotations

import pytest

from natk_xlsx.workbook.pages import (
    ANSWER,
    ASKED,
    TABLE,
    TITLE,
    Block,
    blocks,
    column_points,
    page_breaks,
    page_room,
)


def _rows(*spec: tuple[str, float]) -> list[tuple[int, float, str]]:
    return [(index, height, kind) for index, (kind, height) in enumerate(spec, start=3)]


def test_a_table_that_does_not_fit_what_is_left_starts_the_next_page():
    rows = _rows((ASKED, 300), (TABLE, 100), *[(ANSWER, 40)] * 5)
    found = blocks(rows, 500)
    assert [b.keep for b in found] == [1, 6]
    assert page_breaks(found, 500) == [4]  # the table's question, row 4, starts page 2


def test_a_short_list_of_answers_is_kept_whole_and_a_section_with_its_first_question():
    rows = _rows((ASKED, 320), (TITLE, 20), (ASKED, 60), *[(ANSWER, 30)] * 4)
    found = blocks(rows, 500)
    assert [(len(b.rows), b.keep) for b in found] == [(1, 1), (6, 6)]  # 200 <= 70% of 500
    assert page_breaks(found, 500) == [4]  # the title, its question and all four answers


def test_a_long_list_keeps_its_first_answer_and_never_leaves_its_last_alone():
    rows = _rows((ASKED, 400), (TITLE, 20), (ASKED, 60), *[(ANSWER, 50)] * 6)
    found = blocks(rows, 500)
    assert [(len(b.rows), b.keep) for b in found] == [(1, 2), (8, 3)]  # 380: over 70% of 500
    assert page_breaks(found, 500) == [4]  # 400 + 20 + 60 + 50 does not fit: title to page 2
    # a long list runs on past the page's end once its first rows are placed...
    rows = _rows((ASKED, 150), (ASKED, 50), *[(ANSWER, 45)] * 8)
    assert page_breaks(blocks(rows, 500), 500) == [11]  # 150 + 50 + 6 x 45 = 470
    # ...but not leaving its last answer alone at the top of the next page
    rows = _rows((ASKED, 150), (ASKED, 50), *[(ANSWER, 45)] * 7)
    assert page_breaks(blocks(rows, 500), 500) == [10]  # two answers on the next page, not one


def test_a_table_taller_than_a_page_with_its_question_is_kept_whole_on_its_own():
    rows = _rows((ASKED, 100), (TABLE, 300), *[(ANSWER, 40)] * 6)
    found = blocks(rows, 500)
    assert [(len(b.rows), b.keep) for b in found] == [(1, 1), (1, 1), (6, 6)]
    assert page_breaks(found, 500) == [5]  # 100 + 300 fit; the table's 240 start a new page


def test_a_block_taller_than_a_page_breaks_between_rows_and_no_page_overflows():
    heights = [120.0] * 12
    found = [Block(tuple((i, h) for i, h in enumerate(heights, start=3)), 12)]
    breaks = page_breaks(found, 500, first_used=60)
    assert breaks == [6, 10, 14]  # 60 + 3 rows, then 4 rows a page
    # never a page with the sheet's title alone
    assert page_breaks([Block(((3, 450.0),), 1)], 500, first_used=60) == []


@pytest.mark.parametrize(("width", "points"), [(7, 40.5), (36, 192.75), (0.5, 4.5)])
def test_columns_are_measured_as_excel_draws_them(width, points):
    assert column_points(width) == pytest.approx(points)


def test_a_wider_sheet_prints_smaller_so_a_page_holds_more_of_it():
    narrow = page_room([10] * 10, True, 0.3, 0.6, 0.6)
    wide = page_room([20] * 10, True, 0.3, 0.6, 0.6)
    assert narrow == pytest.approx(595.3 - 86.4)  # fits at 100 %: the page as it is
    assert wide == pytest.approx(narrow * 10 * 145 * 0.75 / (841.9 - 43.2))  # 145 px a column


def test_two_rows_taller_than_a_page_never_make_a_page_without_rows():
    """The last answer is not left alone, unless the answer before it already starts its page:
    then each has a page of its own."""
    block = Block(((3, 100.0), (4, 300.0), (5, 300.0), (6, 300.0)), 2)
    breaks = page_breaks([block], 500)
    assert breaks == [5, 6]
    assert len(set(breaks)) == len(breaks)

"""Where the printed pages of a component sheet end: a statistics table is never cut in two,
nor a short list of answers, nor a question parted from its first answer row, nor a section's
title from its first question.

A spreadsheet application breaks pages wherever the next row no longer fits, so a table of
figures per year printed its years on one page and the rest on the next, without its column
headings: on paper, a respondent could no longer tell which column was which. The sheet
therefore carries its own page breaks (``page_breaks``), chosen from the heights the writer gave
every row.

The breaks are computed for the page as Excel prints it: the sheet fitted to the page's width,
each column as wide as Excel draws it (7 pixels a character and 5 of padding, at the default
11 pt font). LibreOffice draws columns about 9 % wider, so it prints the same sheet smaller and
each page has room to spare; a page computed for LibreOffice would overflow in Excel, which
would then add a break of its own and a page holding a row or two. ``SAFETY`` leaves a little
more room for rounding (Excel draws row heights in whole pixels and scales in whole percents).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Points an inch.
INCH = 72.0
#: A4's sides in points.
A4 = (595.3, 841.9)
#: Of the room a page has, the share the breaks fill at most.
SAFETY = 0.98
#: Rows of a question kept together at the foot of a page: the question and its first answer.
FIRST_ROWS = 2
#: A question that takes, with its answer rows, at most this share of a page is kept whole on
#: one: every list of answers to tick but the longest. Keeping whole those up to half a page
#: left 20 of the English questionnaire's 71 lists cut where they could have been whole, this
#: share leaves 10, for 5 pages more in about 205; keeping whole every list that fits a page
#: would cost 8.
WHOLE_SHARE = 0.7


@dataclass(frozen=True)
class Block:
    """Rows that belong together: a question with its answer rows (and the title of a section it
    opens), as (0-based row, height in points), of which the first ``keep`` are kept on one
    page when they fit one: all of a statistics table's, else the section's title, the question
    and its first answer row."""

    rows: tuple[tuple[int, float], ...]
    keep: int


def column_points(width: float) -> float:
    """A column of ``width`` character units as Excel prints it at 100 %, in points (the pixels
    xlsxwriter gives it: 7 a character and 5 of padding, 0.75 pt each)."""
    pixels = int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)
    return pixels * 0.75


def page_room(widths: Sequence[float], landscape: bool, side_margin: float,
              top_margin: float, bottom_margin: float) -> float:
    """The height, in the sheet's points, that one A4 page holds of a sheet fitted to the page's
    width (``widths``: the printed columns, in character units; margins in inches)."""
    short, long = A4
    across, down = (long, short) if landscape else (short, long)
    printable = across - 2 * side_margin * INCH
    scale = min(1.0, printable / sum(column_points(w) for w in widths))
    return (down - (top_margin + bottom_margin) * INCH) / scale


#: What a row is, for ``blocks``: a section's title, a question, a question answered in a
#: statistics table, and a row of answers below its question.
TITLE, ASKED, TABLE, ANSWER = "title", "asked", "table", "answer"


def blocks(rows: Sequence[tuple[int, float, str]], room: float) -> list[Block]:
    """The sheet's rows, (0-based row, height, kind) in order, as blocks: each question with its
    answer rows and the section titles before it. A statistics table is kept whole with its
    question; when both do not fit a page, the question is a block of its own and the table,
    kept whole, another. Other questions are kept whole when they take at most ``WHOLE_SHARE``
    of a page; longer ones keep their titles, the question and its first answer together."""
    found: list[Block] = []
    start = 0
    while start < len(rows):
        titles = start
        while titles < len(rows) and rows[titles][2] == TITLE:
            titles += 1
        end = titles + 1
        while end < len(rows) and rows[end][2] == ANSWER:
            end += 1
        block = tuple((row, height) for row, height, _ in rows[start:end])
        held = titles - start
        if titles >= len(rows) or rows[titles][2] != TABLE:
            short = sum(h for _, h in block) <= WHOLE_SHARE * room
            found.append(Block(block, len(block) if short else held + FIRST_ROWS))
        elif sum(h for _, h in block) <= room:
            found.append(Block(block, len(block)))
        else:
            found += [Block(block[:held + 1], held + 1), Block(block[held + 1:], end - titles - 1)]
        start = end
    return found


def page_breaks(blocks: Sequence[Block], room: float, first_used: float = 0.0) -> list[int]:
    """The rows that start a new page (as ``set_h_pagebreaks`` takes them), for ``blocks`` laid
    one after another on pages holding ``room`` points each, the first page already holding
    ``first_used`` (the sheet's title). A block is moved to the next page when the rows it keeps
    together do not fit in what is left of this one but would on a fresh page; a longer block
    runs on from where it starts, breaking between rows, but never leaves its last row alone at
    the top of a page. A page always holds at least one row of the blocks."""
    breaks: list[int] = []
    used, placed = first_used, False
    for block in blocks:
        together = sum(h for _, h in block.rows[:block.keep])
        if placed and used + together > room and together <= room:
            breaks.append(block.rows[0][0])
            used, placed = 0.0, False
        last = len(block.rows) - 1
        for i, (row, height) in enumerate(block.rows):
            if placed and used + height > room:
                before, above = block.rows[i - 1] if i else (row, 0.0)
                if i == last and block.keep < i and breaks[-1:] != [before]:
                    breaks.append(before)  # not the last answer alone on a page
                    used = above
                else:
                    breaks.append(row)
                    used = 0.0
            used += height
            placed = True
    return breaks

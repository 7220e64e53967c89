"""What every part of the questionnaire writer shares: the workbook's description, the fonts,
row heights from the text's display width, and the printed page.

XlsxWriter fails softly (a -1 return code and a warning); every call goes through ``check``,
which turns a failure into ``WriterError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from natk_xlsx.errors import NatkError
from natk_xlsx.spec.model import Toolkit
from natk_xlsx.textwidth import LINE_HEIGHT, PADDING, row_height
from natk_xlsx.workbook.plan import SheetPlan

#: The body text size of every sheet, in points; nothing smaller is written.
BODY_SIZE = 10.0
#: A4 in xlsxwriter's paper codes, and the left and right margins in inches. With the column
#: widths of ``layout``, a component sheet fits an A4 landscape page's width at 83 % or more:
#: 10 pt text prints at 8.3 pt or more (tests/test_print_layout.py measures it).
PAPER_A4 = 9
#: The answers most yes-or-no questions offer, which the instructions name once; a question that
#: offers others (no "Partly", or "Not applicable" too) lists its own.
USUAL_YES_NO = ("yes", "partly", "no", "dont_know")
#: The answers of the column "Is assistance already provided?".
PROVIDED_ANSWERS = ("yes", "no", "dont_know")
SIDE_MARGIN = 0.3
#: Lines of room left to write by hand in the answer cells of a printed question.
WRITING_LINES = 2


class WriterError(NatkError):
    """XlsxWriter refused something; the message says what."""


def check(result: Any, what: str) -> None:
    if isinstance(result, int) and result < 0:
        raise WriterError(f"cannot write the workbook: {what} (xlsxwriter returned {result})")


@dataclass(frozen=True)
class Cover:
    """What the cover sheet shows and which of its fields are pre-filled."""

    assessment: str = ""
    country: str = ""
    institution: str = ""
    respondent_name: str = ""
    role: str = ""
    contact: str = ""


@dataclass(frozen=True)
class WorkbookSpec:
    """Everything the writer needs, already decided by ``generate``."""

    toolkit: Toolkit
    plans: Sequence[SheetPlan]
    lang: str
    years: tuple[int, ...]
    cover: Cover
    metadata: Mapping[str, str]
    created: dt.datetime


def fitted_height(texts: Sequence[tuple[str, float]], font_size: float = BODY_SIZE,
                  min_lines: int = 1) -> float:
    """The height in points a row needs so that every (text, column width) shows whole, in any
    script (display width: a wide character counts double), and at least ``min_lines`` lines."""
    floor = round(LINE_HEIGHT * font_size / 10.0 * min_lines + PADDING, 1)
    return max(floor, row_height(texts, font_size))

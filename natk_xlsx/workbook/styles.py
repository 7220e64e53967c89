"""The cell formats of the questionnaire, made once per workbook."""

from __future__ import annotations

from typing import Any

import xlsxwriter
from xlsxwriter.format import Format

from natk_xlsx.i18n.languages import DEFAULT_FONT, FONTS, RTL_LANGUAGES, UPRIGHT
from natk_xlsx.workbook.common import BODY_SIZE

DATE_FORMAT = "yyyy-mm-dd"
NAVY = "#1F3864"
GREY = "#F2F2F2"
#: Points of a sheet's title.
TITLE_SIZE = 16.0


class Styles:
    """All cell formats of one workbook, in the font of its language."""

    def __init__(self, wb: xlsxwriter.Workbook, lang: str) -> None:
        font = FONTS.get(lang, DEFAULT_FONT)
        base: dict[str, Any] = {"font_name": font, "font_size": BODY_SIZE, "valign": "top"}
        if lang in RTL_LANGUAGES:
            base["reading_order"] = 2

        def fmt(**kw: Any) -> Format:
            return wb.add_format({**base, **kw})

        border = {"border": 1, "border_color": "#BFBFBF"}
        slant = lang not in UPRIGHT  # guidance and notes in italics, where the script has them
        answer = {"locked": False, "bg_color": "#FFFFFF", "text_wrap": True, **border}
        self.title = fmt(bold=True, font_size=TITLE_SIZE, font_color=NAVY, valign="vcenter")
        #: The cover's title: across the page, on as many lines as it takes
        self.title_wrapped = fmt(bold=True, font_size=TITLE_SIZE, font_color=NAVY,
                                 valign="vcenter", text_wrap=True)
        self.subtitle = fmt(italic=slant, text_wrap=True, font_color="#404040")
        self.header = fmt(bold=True, text_wrap=True, bg_color=NAVY, font_color="#FFFFFF",
                          valign="vcenter", **border)
        self.section = fmt(bold=True, font_size=11, bg_color="#D9E1F2", font_color=NAVY,
                           valign="vcenter", text_wrap=True, **border)
        self.id = fmt(bold=True, font_color=NAVY, bg_color=GREY, **border)
        # the id again, on a list of answers carried over to a new printed page
        self.id_again = fmt(italic=slant, font_color="#595959", bg_color=GREY, **border)
        self.text = fmt(text_wrap=True, bg_color=GREY, **border)
        self.guidance = fmt(text_wrap=True, italic=slant, font_color="#404040", bg_color=GREY,
                            **border)
        self.note = fmt(text_wrap=True, italic=slant, font_color="#7F7F7F", bg_color=GREY,
                        **border)
        self.option = fmt(text_wrap=True, bg_color=GREY, indent=1, **border)
        self.blank = fmt(bg_color=GREY, **border)
        self.answer_text = fmt(num_format="@", **answer)
        self.answer_general = fmt(**answer)
        self.answer_integer = fmt(num_format="0", **answer)
        self.answer_decimal = fmt(num_format="General", **answer)  # "0.##" showed 6 as "6."
        self.answer_percent = fmt(num_format="0.0%", **answer)  # 12.5 % not shown as 13 %
        self.answer_date = fmt(num_format=DATE_FORMAT, **answer)
        self.count = fmt(num_format="#,##0", **answer)
        # A statistics table has its own heading band (not the sheet's column headers above it).
        self.table_title = fmt(bold=True, text_wrap=True, bg_color="#D6DCE4", font_color=NAVY,
                               **border)
        self.table_head = fmt(bold=True, text_wrap=True, bg_color="#D6DCE4", font_color=NAVY,
                              align="center", **border)
        self.year = fmt(bold=True, bg_color="#E7E6E6", align="center", num_format="0", **border)
        self.total = fmt(bold=True, bg_color="#E7E6E6", num_format="#,##0", **border)
        self.cover_label = fmt(bold=True, text_wrap=True, bg_color=GREY, **border)
        self.cover_value = fmt(num_format="@", **answer)
        self.cover_date = fmt(num_format=DATE_FORMAT, **answer)
        self.paragraph = fmt(text_wrap=True)
        self.bold = fmt(bold=True, text_wrap=True)
        self.percent = fmt(num_format="0%", **border)
        self.number = fmt(num_format="0", **border)
        self.cell = fmt(text_wrap=True, **border)
        self.legend_answer = fmt(**answer)
        self.legend_skipped = fmt(bg_color="#D9D9D9", font_color="#808080", **border)
        self.skipped = wb.add_format({"bg_color": "#D9D9D9", "font_color": "#808080"})
        self.meta = wb.add_format({"num_format": "@"})
        # The workbook id is read left to right in every language (an Arabic cover would
        # otherwise split and reorder it around its hyphens).
        self.identity = fmt(italic=slant, font_color="#404040", reading_order=1,
                            align="left")

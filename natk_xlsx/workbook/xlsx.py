"""The xlsxwriter workbook both writers open (the questionnaire and the summary).

xlsxwriter rewrites every formula it is given for the functions Excel added after 2010 (about
three hundred ``re.sub`` calls for a conditional format's formula, thirty for a cell's). The
questionnaire holds thousands of formulas that call only the classic functions below, and
rewriting them costs a third of its writing time. A formula whose every function is one of
these is therefore passed on as xlsxwriter would leave it; any other goes through xlsxwriter's
own rewriting. ``tests/test_fast_paths.py`` checks that xlsxwriter leaves each of these names
unchanged, so an xlsxwriter that began rewriting one would fail the tests, not the files.
"""

from __future__ import annotations

import re
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.worksheet import Worksheet

from natk_xlsx.i18n.languages import FONTS
from natk_xlsx.safeio import close_left_open

#: Functions every Excel since 2007 knows by these names, which xlsxwriter never rewrites ("" is a
#: bracket that follows no name).
CLASSIC_FUNCTIONS = frozenset({
    "", "ABS", "AND", "AVERAGE", "COLUMN", "COUNT", "COUNTA", "COUNTBLANK", "COUNTIF",
    "COUNTIFS", "DATE", "EXACT", "FIND", "IF", "IFERROR", "INDEX", "INDIRECT", "INT", "ISBLANK",
    "ISERROR", "ISNUMBER", "ISTEXT", "LEN", "LOWER", "MATCH", "MAX", "MIN", "MOD", "NOT",
    "OFFSET", "OR", "ROUND", "ROW", "SEARCH", "SUBSTITUTE", "SUM", "SUMPRODUCT", "TEXT", "TRIM",
    "UPPER", "VALUE", "YEAR"})
_CALL = re.compile(r"([\w.]*)\(")


class _Worksheet(Worksheet):  # type: ignore[misc]
    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        bare = formula[1:] if formula.startswith("{") else formula
        bare = bare[1:] if bare.startswith("=") else bare
        bare = bare[:-1] if bare.endswith("}") else bare
        if set(_CALL.findall(bare)) <= CLASSIC_FUNCTIONS:
            return bare
        return str(super()._prepare_formula(formula, expand_future_functions))


class _Workbook(xlsxwriter.Workbook):  # type: ignore[misc]
    worksheet_class = _Worksheet

    def close(self) -> None:
        """Write the file; a failure to write it (a full disk, a folder that is not writable)
        is the ``OSError`` it is, for the caller to report, rather than xlsxwriter's own
        exception, and leaves no zip file open to fail again, with a traceback, when freed."""
        try:
            super().close()
        except FileCreateError as exc:
            cause = exc.args[0] if exc.args else None
            if not isinstance(cause, OSError):
                raise
            close_left_open(cause)
            raise OSError(cause.errno, cause.strerror or str(cause), cause.filename) from None


def page_header(lang: str) -> str:
    """A printed page's header: the sheet's name, in bold, in the font of ``lang``'s script
    (LibreOffice measures a header set in the default font by that font, and cut off the foot
    of Chinese and Arabic letters)."""
    return f'&L&"{FONTS.get(lang, "-")},Bold"&A'


def page_footer(left: str, lang: str) -> str:
    """A printed page's footer: ``left`` on the left, the page and the pages on the right."""
    return f'&L&"{FONTS.get(lang, "-")},Regular"' + left.replace("&", "&&") + "&R&P / &N"


#: A text is written as the text it is: never turned into a number, a formula or a link.
OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


def new_workbook(path: str) -> Any:
    """An xlsxwriter workbook writing to ``path`` (its worksheets pass classic formulas on)."""
    return _Workbook(path, OPTIONS)

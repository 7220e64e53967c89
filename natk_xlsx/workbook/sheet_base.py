"""What the rows of a component sheet share: the worksheet, its plan and formats, the drop-down
lists, data validation, and the grey-out of questions that do not apply."""

from __future__ import annotations

from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_range
from xlsxwriter.worksheet import Worksheet

from natk_xlsx import layout
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import tr
from natk_xlsx.spec.model import Question
from natk_xlsx.workbook.common import WorkbookSpec, check
from natk_xlsx.workbook.formulas import skip_formula
from natk_xlsx.workbook.lists import Lists
from natk_xlsx.workbook.plan import SheetPlan
from natk_xlsx.workbook.styles import Styles


class SheetBase:
    """One component sheet being written: its worksheet and the helpers every row uses."""

    def __init__(self, wb: xlsxwriter.Workbook, spec: WorkbookSpec, plan: SheetPlan,
                 styles: Styles, lists: Lists, ws: Worksheet) -> None:
        self.wb = wb
        self.spec = spec
        self.toolkit = spec.toolkit
        self.plan = plan
        self.lang = spec.lang
        self.s = styles
        self.lists = lists
        self.ws = ws
        #: Grid columns printed beyond the provider column (a wide statistics table).
        self.extra = 0
        #: The height given to each row, in points (for the page breaks, ``pages``).
        self.heights: dict[int, float] = {}
        #: Validations to write, each distinct one with every range it applies to.
        self._validations: dict[tuple[tuple[str, str], ...], tuple[
            dict[str, Any], str, list[tuple[int, int, int, int]]]] = {}

    def width(self, col: int) -> float:
        """Column ``col``'s width on this sheet (see ``layout.column_width``)."""
        return layout.column_width(col, self.extra)

    def set_height(self, r: int, height: float, what: str) -> None:
        """Row ``r``'s height in points, kept for the page breaks."""
        check(self.ws.set_row(r, height), what)
        self.heights[r] = height

    def ui(self, key: str, **kw: Any) -> str:
        return ui(key, self.lang, **kw)

    def side(self, r: int, q: Question) -> None:
        """The grey id and question cells of a row that belongs to a question above it."""
        check(self.ws.write_blank(r, layout.COL_ID, None, self.s.blank), q.id)
        check(self.ws.write_blank(r, layout.COL_QUESTION, None, self.s.blank), q.id)

    def validate(self, r: int, c: int, qid: str, options: dict[str, Any],
                 last: tuple[int, int] | None = None) -> None:
        options.setdefault("error_title", self.ui("validation.error_title"))
        for key, limit in (("input_message", layout.VALIDATION_MESSAGE_MAX),
                           ("error_message", layout.VALIDATION_MESSAGE_MAX),
                           ("input_title", layout.VALIDATION_TITLE_MAX)):
            if key in options:
                options[key] = options[key][:limit]
        r2, c2 = last or (r, c)
        same = tuple(sorted((k, repr(v)) for k, v in options.items()))
        if same not in self._validations:
            self._validations[same] = (options, qid, [])
        self._validations[same][2].append((r, c, r2, c2))

    def write_validations(self) -> None:
        """Each distinct validation once, over all the cells it applies to (a sheet repeats the
        same few: 2,000 single-cell rules become a few hundred, and the file opens faster).
        Merging is safe because no rule's formula is relative to its cell."""
        for options, qid, ranges in self._validations.values():
            extra = ({"multi_range": " ".join(xl_range(*cells) for cells in ranges)}
                     if len(ranges) > 1 else {})
            check(self.ws.data_validation(*ranges[0], {**options, **extra}),
                  f"validation of {qid}")
        self._validations.clear()

    def list_validation(self, r: int, c: int, list_name: str, qid: str,
                        prompt: str | None = None, message_key: str = "validation.list") -> None:
        options: dict[str, Any] = {"validate": "list", "source": f"={list_name}",
                                   "error_message": self.ui(message_key)}
        if prompt:
            options["input_title"] = layout.input_title(qid)
            options["input_message"] = prompt
        else:
            options["input_message"] = ""
            options["input_title"] = ""
            options["show_input"] = False
        self.validate(r, c, qid, options)

    def skip_format(self, r: int, q: Question) -> None:
        formula = skip_formula(self.plan, q)
        if formula is None:
            return
        check(self.ws.conditional_format(r, 0, r, layout.COL_PROVIDER, {
            "type": "formula", "criteria": formula, "format": self.s.skipped}),
            f"skip logic of {q.id}")

    def breakdown(self, q: Question) -> tuple[list[str], bool]:
        """The column labels of a statistics table, and whether it has a total column."""
        assert q.breakdown is not None
        bd = self.toolkit.breakdowns[q.breakdown]
        return [tr(c.label, self.lang) for c in bd.columns], bd.additive

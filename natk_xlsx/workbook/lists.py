"""The hidden lists sheet: one named column of labels (and its codes) per drop-down list."""

from __future__ import annotations

from collections.abc import Sequence

import xlsxwriter

from natk_xlsx import layout
from natk_xlsx.spec.model import Question, Toolkit
from natk_xlsx.workbook.common import check


class Lists:
    """The lists sheet; each list is registered once and referred to by its defined name."""

    def __init__(self, wb: xlsxwriter.Workbook, toolkit: Toolkit, lang: str) -> None:
        self.wb = wb
        self.toolkit = toolkit
        self.lang = lang
        self.sheet = wb.add_worksheet(layout.LISTS_SHEET)
        self.columns: dict[str, int] = {}
        self.written: dict[str, list[str]] = {}  # the labels of each list named by ``labels``

    def add(self, key: str, codes: Sequence[str], labels: Sequence[str]) -> str:
        """Register a list once; return the defined name that refers to its labels."""
        name = layout.list_name(key)
        if key in self.columns:
            return name
        col = 2 * len(self.columns)
        self.columns[key] = col
        check(self.sheet.write_string(0, col, key), f"list {key}")
        check(self.sheet.write_string(0, col + 1, key), f"list {key}")
        for i, (code, label) in enumerate(zip(codes, labels, strict=True), start=1):
            check(self.sheet.write_string(i, col, code), f"list {key}")
            check(self.sheet.write_string(i, col + 1, label), f"list {key}")
        last = layout.cell_name(len(codes), col + 1)
        first = layout.cell_name(1, col + 1)
        check(self.wb.define_name(name, f"={layout.LISTS_SHEET}!{first}:{last}"), f"name {name}")
        return name

    def labels(self, key: str, labels: Sequence[str]) -> str:
        """A list of labels that no drop-down offers (each answer's labels in every language,
        for the skip-logic formulas to match): its defined name. A key is one list: asked again
        with other labels, it is a bug, not a list to reuse."""
        assert self.written.setdefault(key, list(labels)) == list(labels), key
        return self.add(key, [key] * len(labels), labels)

    def for_question(self, q: Question) -> str:
        codes = self.toolkit.answer_codes(q)
        if q.type == "yes_no":
            key = "yes_no" + ("" if q.partly else "_nopartly") + ("_na" if q.allow_na else "")
        else:
            assert q.choices is not None
            key = q.choices + ("_na" if q.allow_na else "")
        labels = [self.toolkit.answer_label(q, c, self.lang) for c in codes]
        return self.add(key, codes, labels)

    def shared(self, list_id: str, codes: Sequence[str] | None = None) -> str:
        choice_list = self.toolkit.choice_lists[list_id]
        chosen = codes or choice_list.codes
        key = list_id if codes is None else f"{list_id}_{len(chosen)}"
        return self.add(key, chosen, [choice_list.label(c, self.lang) for c in chosen])

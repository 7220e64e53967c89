"""One question's answer from its raw cells, by the spec's type: a single value, the ticks of a
multiple choice, a statistics table (with its row totals checked), and the detail columns."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import tr
from natk_xlsx.returns.books import Cell
from natk_xlsx.returns.coerce import (
    NOBODY,
    Context,
    coerce_choice,
    coerce_count,
    coerce_date,
    coerce_decimal,
    coerce_integer,
    coerce_percentage,
    coerce_text,
    coerce_year,
    is_tick,
    label_index,
    loose_text,
    not_recorded_words,
)
from natk_xlsx.returns.issues import ERROR, WARNING, Allowed, shown
from natk_xlsx.returns.reader import QuestionCells
from natk_xlsx.returns.typed import normalise_text, parse_number
from natk_xlsx.spec.model import Question, Toolkit

#: Label → code maps of the detail columns, per toolkit, list and language.
_DETAIL_MAPS: dict[tuple[str, str, tuple[str, ...], str], dict[str, str]] = {}


def coerce_single(q: Question, cell: Cell, toolkit: Toolkit, ctx: Context) -> Any:
    path = f"answers/{q.id}"
    if cell.is_formula and q.type in ("short_text", "long_text"):
        ctx.add("FORMULA-TEXT", WARNING, cell, q.id, cell.value, path)
        return str(cell.value)
    if cell.is_formula:
        ctx.add("FORMULA", ERROR, cell, q.id, cell.value, path)
        return None
    if cell.is_error:
        ctx.add("CELL-ERROR", ERROR, cell, q.id, cell.value, path)
        return None
    if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
        return None
    if q.type in ("yes_no", "single_choice"):
        index = label_index(toolkit, q, ctx.lang)
        return coerce_choice(cell, q, index, ctx, path,
                             lambda code: toolkit.answer_label(q, code, ctx.lang))
    coercers = {
        "integer": coerce_integer, "decimal": coerce_decimal, "percentage": coerce_percentage,
        "year": coerce_year, "date": coerce_date, "short_text": coerce_text,
        "long_text": coerce_text,
    }
    return coercers[q.type](cell, q, ctx, path)


def coerce_multiple(q: Question, cells: QuestionCells, toolkit: Toolkit, ctx: Context,
                     ticks: Mapping[str, bool], source: dict[str, tuple[str, str]]) -> list[str]:
    chosen = []
    yes = toolkit.choice_lists["yes_no"].label("yes", ctx.lang)
    for code in toolkit.answer_codes(q):
        cell = cells.options.get(code)
        if cell is None:
            continue
        source[f"answers/{q.id}/{code}"] = (cell.sheet, cell.cell)
        if cell.is_formula:
            ctx.add("FORMULA", ERROR, cell, q.id, cell.value, f"answers/{q.id}")
            continue
        tick = is_tick(cell, ticks)
        if tick is None:
            ctx.add("TICK-NOT-ALLOWED", ERROR, cell, q.id, cell.value, f"answers/{q.id}", yes=yes)
        elif tick:
            chosen.append(code)
    return chosen


def coerce_table(q: Question, cells: QuestionCells, toolkit: Toolkit, ctx: Context,
                  source: dict[str, tuple[str, str]]) -> dict[str, dict[str, int | None]]:
    assert q.breakdown is not None
    columns = toolkit.breakdowns[q.breakdown].codes
    words = not_recorded_words(toolkit)
    table: dict[str, dict[str, int | None]] = {}
    for year, row in sorted(cells.table.items()):
        values: dict[str, int | None] = {}
        typed = False  # anything in the row's columns, read or refused
        for code, cell in zip(columns, row, strict=False):
            path = f"answers/{q.id}/{year}/{code}"
            source[path] = (cell.sheet, cell.cell)
            if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                continue
            typed = True
            if cell.is_formula:
                ctx.add("FORMULA", ERROR, cell, q.id, cell.value, path)
                continue
            if cell.is_error:
                ctx.add("CELL-ERROR", ERROR, cell, q.id, cell.value, path)
                continue
            count = coerce_count(cell, q, ctx, path, words)
            if isinstance(count, int):
                values[code] = count
        total = cells.totals.get(year)
        if typed or not _only_total(q, year, total, toolkit, ctx, values, source):
            _check_row_total(q, year, values, total, ctx)
        if values:
            table[str(year)] = values
    return table


def _only_total(q: Question, year: int, total: Cell | None, toolkit: Toolkit, ctx: Context,
                values: dict[str, int | None], source: dict[str, tuple[str, str]]) -> bool:
    """A row with a figure only in its Total column: the one figure of a one-column table, or,
    where the breakdown is not known, the column of figures not broken down ("Not recorded").
    It was thrown away, with advice to clear it. False where neither column exists."""
    figure = _typed_total(total)
    if total is None or figure is None or figure < 0 or not float(figure).is_integer():
        return False
    assert q.breakdown is not None
    breakdown = toolkit.breakdowns[q.breakdown]
    if len(breakdown.columns) == 1:
        column, code = breakdown.columns[0], "TOTAL-AS-FIGURE"
    else:
        unbroken = [c for c in breakdown.columns if c.code.endswith("not_recorded")]
        if not breakdown.additive or not unbroken:
            return False
        column, code = unbroken[0], "TOTAL-ONLY"
    path = f"answers/{q.id}/{year}/{column.code}"
    values[column.code] = int(figure)
    source[path] = (total.sheet, total.cell)
    ctx.add(code, WARNING, total, q.id, total.value, path, column=tr(column.label, ctx.lang))
    return True


def _typed_total(total: Cell | None) -> float | None:
    """The figure typed over a row's Total formula, as a number or as text ("20"); None where
    the formula is still there, or nothing a number."""
    if total is None or total.is_formula or isinstance(total.value, bool):
        return None
    if isinstance(total.value, int | float):
        return float(total.value)
    return parse_number(str(total.value or ""))[0]


def _check_row_total(q: Question, year: int, values: Mapping[str, int | None],
                     total: Cell | None, ctx: Context) -> None:
    """A total the respondent typed over (a number where the formula was) must match."""
    figure = _typed_total(total)
    if total is None or figure is None:
        return
    expected = sum(v for v in values.values() if v is not None)
    if abs(figure - expected) > 1e-9:
        ctx.add("TOTAL-MISMATCH", WARNING, total, q.id, total.value,
                f"answers/{q.id}/{year}", expected=expected)


def detail_codes(toolkit: Toolkit, list_id: str, codes: Iterable[str], lang: str
                  ) -> dict[str, str]:
    """Every way to write each code (its labels in every language, the code), normalised →
    the code. Built once per toolkit, list and language."""
    key = (toolkit.spec_hash, list_id, tuple(codes), lang)
    found = _DETAIL_MAPS.get(key)
    if found is None:
        if len(_DETAIL_MAPS) > 256:
            _DETAIL_MAPS.clear()
        found = _DETAIL_MAPS[key] = _build_detail_codes(toolkit, list_id, key[2], lang)
    return found


def _build_detail_codes(toolkit: Toolkit, list_id: str, codes: Iterable[str], lang: str
                        ) -> dict[str, str]:
    out: dict[str, str] = {}
    choice_list = toolkit.choice_lists[list_id]
    for code in codes:
        for choice in choice_list.choices:
            if choice.code == code:
                for text in choice.label.values():
                    out.setdefault(normalise_text(text), code)
                out[normalise_text(code)] = code
                out.setdefault(normalise_text(choice_list.label(code, lang)), code)
    # the word before a label's colon ("Faible" for "Faible : données partielles"), and every
    # form without its accents, where it leads to one code
    shorter: dict[str, set[str]] = {}
    for text, code in out.items():
        for form in (_HEAD.split(text, maxsplit=1)[0], loose_text(text)):
            shorter.setdefault(form, set()).add(code)
    for form, found in shorter.items():
        if len(found) == 1 and form:
            out.setdefault(form, found.pop())
    return out


_HEAD = re.compile(r"\s*[:：]")


_NOBODY = frozenset({loose_text(normalise_text(word)).rstrip(".") for word in NOBODY})


def _nobody(text: str) -> bool:
    """Whether a provider typed is a word for nobody (``NOBODY``), case, accents and a final
    full stop aside."""
    return loose_text(normalise_text(text)).rstrip(".。") in _NOBODY


def read_details(q: Question, cells: QuestionCells, toolkit: Toolkit, ctx: Context,
                  maps: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    nobody: Cell | None = None
    for name, cell in cells.details.items():
        if cell.value is None:
            continue
        if cell.is_formula:
            ctx.add("FORMULA-TEXT", WARNING, cell, q.id, cell.value, f"details/{q.id}/{name}")
        text: str | None
        if name in maps and isinstance(cell.value, int | float) and not isinstance(
                cell.value, bool):
            text = shown(cell.value, limit=10**6)  # a choice from a list: no zero to lose
        else:
            text = coerce_text(cell, None, ctx, f"details/{q.id}/{name}")
        if not text:
            continue
        if name in maps:
            key = normalise_text(text)
            code = maps[name].get(key) or maps[name].get(loose_text(key))  # "Oui.", "Elevee"
            if code is None:
                column = ui(f"col.{name}", ctx.lang)
                listed = toolkit.choice_lists["priority" if name == "priority" else "yes_no"]
                allowed = Allowed([listed.label(c, ctx.lang) for c in dict.fromkeys(
                    maps[name].values())])
                ctx.add("DETAIL-NOT-ALLOWED", WARNING, cell, q.id, cell.value,
                        f"details/{q.id}/{name}", column=column, allowed=allowed)
                details[name] = text
                continue
            details[name] = code
        elif name == "provider" and _nobody(text):
            nobody = cell  # "None", "N/A", "-": no provider, as an empty cell says
        else:
            details[name] = text
    said = details.get("provided")
    if (said == "no" and details.get("provider")) or (said == "yes" and nobody is not None):
        # providers named beside "No", or nobody beside "Yes"
        where = nobody if said == "yes" else cells.details["provider"]
        assert where is not None
        ctx.add("DETAIL-CONFLICT", WARNING, where, q.id, where.value,
                f"details/{q.id}/provider", column=ui("col.provider", ctx.lang),
                asked=ui("col.provided", ctx.lang),
                answer=toolkit.choice_lists["yes_no"].label(said, ctx.lang))
    return details

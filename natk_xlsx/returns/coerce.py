"""Turning what a respondent typed into an answer of the spec's type.

Values are coerced by the spec's type, not by the cell's: numbers typed as text, dates as serials,
datetimes or text, choices typed by hand in any case with stray or non-breaking spaces and curly
quotes, labels in the workbook's language (or another one) mapped to language-neutral codes. Where
normalising was needed, a warning keeps the raw value. Ranges, lengths and required answers are
left to the JSON Schema (``validation``), which is the one place that decides validity.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from natk_xlsx import layout
from natk_xlsx.i18n.languages import UN_LANGUAGES, tr, without_marks
from natk_xlsx.returns.books import Cell
from natk_xlsx.returns.issues import ERROR, WARNING, Issue, make_issue, shown
from natk_xlsx.returns.typed import (
    ALSO_TYPED,
    DAY_FIRST,
    PERCENT_SIGNS,
    normalise_text,
    parse_date,
    parse_number,
    parse_year,
    strip_percent,
)
from natk_xlsx.spec.model import Question, Toolkit, plain_number

#: What a cell held: its value, and whether it was a formula or an error.
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: What respondents type in a statistics cell for a figure not recorded, in the six languages;
#: the tables' own "Not recorded" headers are added from the specs (``not_recorded_words``).
NOT_RECORDED = frozenset({
    "-", "–", "—", "n/a", "na", "n.a.", "nd", "n.d.", "n/d", "..", "...", "?", "x",
    "unknown", "not recorded", "not available", "no data",
    "non disponible", "inconnu", "nc", "n.c.", "s.o.",
    "s/d", "sin datos", "desconocido", "no disponible",
    "нет данных", "н/д", "неизвестно", "не указано",
    "不详", "无数据", "未知", "不清楚", "未记录", "غير معروف", "غير متوفر", "غير متاح",
    "لا توجد بيانات"})
#: What respondents write under "If so, by whom" for nobody, in the six languages: no
#: provider (the same as an empty cell), not one to coordinate with.
NOBODY = frozenset({
    "-", "–", "—", "--", "0", "n/a", "na", "n.a.", "nil", "none", "nobody", "no one",
    "not applicable", "no", "aucun", "aucune", "personne", "néant", "sans objet", "s.o.",
    "non", "ninguno", "ninguna", "nadie", "no aplica", "no procede", "нет", "никто", "н/д",
    "не применимо", "无", "没有", "不适用", "否", "لا يوجد", "لا أحد", "لا ينطبق", "لا"})
#: Marks of a ticked option, beside the "yes" labels of every language: the Cyrillic х is the
#: cross a Russian keyboard types, √ the tick a Chinese one types, v the tick typed as a letter.
TICKS = frozenset({"x", "х", "✓", "✔", "☑", "☒", "✅", "✗", "√", "v", "1", "true", "yes", "y"})
#: Marks of an option left unticked, beside the "no" labels of every language.
UNTICKS = frozenset({*layout.UNTICK_MARKS, ""})


@dataclass
class Context:
    """Collects issues for one workbook, in its language."""

    lang: str
    issues: list[Issue] = field(default_factory=list)
    #: The workbook formats percentage cells as percentages, so 35% is stored as 0.35.
    percent_fraction: bool = False

    def add(self, code: str, severity: str, cell: Cell | None, question: str | None,
            value: Any = None, path: str | None = None, **fields: Any) -> None:
        self.issues.append(make_issue(
            code, severity, self.lang, sheet=cell.sheet if cell else None,
            cell=cell.cell if cell else None, question=question, path=path, value=value,
            **fields))


def loose_text(key: str) -> str:
    """A folded answer (``normalise_text``) without its accents and marks or a full stop at the
    end: "si" for "Sí", "oui." for "Oui", "ещё" as "еще"; matched only where it is unique."""
    return without_marks(key).rstrip(" .;:!。").strip()


_ESCAPED = re.compile(r"_x00([01][0-9A-Fa-f]|7[Ff])_")


def clean_text(text: str) -> tuple[str, bool]:
    """Strip control characters (not tabs or line breaks), also in the ``_x000B_`` form that
    xlsx files escape them in; say whether any were found."""
    unescaped = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    cleaned = _CONTROL.sub("", unescaped)
    return cleaned, cleaned != text


# -- numbers ---------------------------------------------------------------------------------------
#: How "not a number" is said for each kind of number: with an example of its kind (a whole
#: number was offered "3.5"), and what to do when the figure is not known.
_NOT_A_NUMBER = {"integer": "NUMBER-INVALID.whole", "year": "NUMBER-INVALID.whole",
                 "percentage": "NUMBER-INVALID.percent"}


def to_number(cell: Cell, q: Question, ctx: Context, path: str) -> int | float | str | None:
    """A number, or the raw text when it cannot be read (the schema then reports it)."""
    value = cell.value
    if isinstance(value, bool):
        ctx.add("NUMBER-INVALID", ERROR, cell, q.id, value, path, wording=_NOT_A_NUMBER.get(q.type))
        return None
    if isinstance(value, int | float):
        return plain_number(value)
    if isinstance(value, dt.datetime | dt.date):  # what was typed, turned into a date
        ctx.add("NUMBER-IS-DATE", ERROR, cell, q.id, value, path)
        return None
    text = str(value).strip()
    number, ambiguous = parse_number(strip_percent(text) if q.type == "percentage" else text)
    if number is None:
        ctx.add("NUMBER-INVALID", ERROR, cell, q.id, value, path, wording=_NOT_A_NUMBER.get(q.type))
        return None
    code = "NUMBER-AMBIGUOUS" if ambiguous else "NUMBER-FROM-TEXT"
    said = f"{code}.percent" if code == "NUMBER-FROM-TEXT" and q.type == "percentage" else None
    ctx.add(code, WARNING, cell, q.id, value, path, number=shown(plain_number(number)),
            wording=said)  # "read as 45 %", not "as 45"
    return plain_number(number)


def coerce_integer(cell: Cell, q: Question, ctx: Context, path: str) -> int | None:
    number = to_number(cell, q, ctx, path)
    if number is None or isinstance(number, str):
        return None
    if isinstance(number, float):
        ctx.add("NUMBER-NOT-WHOLE", ERROR, cell, q.id, number, path)
        return None
    return number


def coerce_decimal(cell: Cell, q: Question, ctx: Context, path: str) -> int | float | None:
    number = to_number(cell, q, ctx, path)
    return None if isinstance(number, str) else number


def coerce_percentage(cell: Cell, q: Question, ctx: Context, path: str) -> int | float | None:
    """Percent (0-100). A percent-formatted cell stores 35% as 0.35 (and 50 pasted into it is
    5000 %, as the cell shows it); text may say "35%", and a share typed as text without it
    ("0,5") is read as the cell reads the number 0.5, with a warning that gives the other
    reading: one rule whatever the cell holds."""
    value = cell.value
    fraction = "%" in cell.number_format or ctx.percent_fraction
    if isinstance(value, int | float) and not isinstance(value, bool):
        if fraction:
            return plain_number(round(value * 100, 10))
        if 0 < value < 1:
            ctx.add("PERCENT-AMBIGUOUS", WARNING, cell, q.id, value, path,
                    number=shown(value), alternative=shown(plain_number(round(value * 100, 10))))
        return plain_number(value)
    number = to_number(cell, q, ctx, path)
    if isinstance(number, str):
        return None
    if number is not None and fraction and 0 < number < 1 and not any(
            sign in unicodedata.normalize("NFKC", str(value)) for sign in PERCENT_SIGNS):
        if ctx.issues and ctx.issues[-1].path == path:  # "read as 0.5": said again below
            ctx.issues.pop()
        points = plain_number(round(number * 100, 10))
        ctx.add("PERCENT-AMBIGUOUS", WARNING, cell, q.id, value, path, number=shown(points),
                alternative=shown(number))
        return points
    return number


#: Day 0 of a spreadsheet's date serials (1900 system, as Excel and LibreOffice count).
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def coerce_year(cell: Cell, q: Question, ctx: Context, path: str) -> int | None:
    value = cell.value
    if isinstance(value, dt.datetime | dt.date):
        serial = (dt.datetime(value.year, value.month, value.day) - _EXCEL_EPOCH).days
        if 1800 <= serial <= 2200 and not (isinstance(value, dt.datetime) and value.time()):
            return serial  # a year typed in a cell formatted as a date (2019 shown 11/07/1905)
        # a date, not text: only its year is kept
        ctx.add("YEAR-FROM-DATE", WARNING, cell, q.id, value, path, year=str(value.year))
        return value.year
    if isinstance(value, str):
        year = parse_year(value)
        if year is None:
            ctx.add("YEAR-INVALID", ERROR, cell, q.id, value, path)
            return None
        ctx.add("NUMBER-FROM-TEXT", WARNING, cell, q.id, value, path, number=str(year))
        return year
    number = coerce_integer(cell, q, ctx, path)
    return number


# -- dates -----------------------------------------------------------------------------------------
def coerce_date(cell: Cell, q: Question | None, ctx: Context, path: str) -> str | None:
    """An ISO date string (``2024-03-15``)."""
    qid = q.id if q else None
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            date = (EXCEL_EPOCH + dt.timedelta(days=int(value))).date()
            ctx.add("DATE-FROM-NUMBER", WARNING, cell, qid, value, path, date=date.isoformat())
            return date.isoformat()
        ctx.add("DATE-INVALID", ERROR, cell, qid, value, path)
        return None
    parsed, ambiguous = parse_date(str(value), ctx.lang in DAY_FIRST)
    if parsed is None:
        ctx.add("DATE-INVALID", ERROR, cell, qid, value, path)
        return None
    code = "DATE-AMBIGUOUS" if ambiguous else "DATE-FROM-TEXT"
    ctx.add(code, WARNING, cell, qid, value, path, date=parsed.isoformat())
    return parsed.isoformat()


# -- text ------------------------------------------------------------------------------------------
def coerce_text(cell: Cell, q: Question | None, ctx: Context, path: str) -> str | None:
    qid = q.id if q else None
    value = cell.value
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float):
        text = shown(value, limit=10**6)
        ctx.add("TEXT-FROM-NUMBER", WARNING, cell, qid, value, path, text=text)
    elif isinstance(value, dt.datetime | dt.date):
        text = value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
        ctx.add("TEXT-FROM-DATE", WARNING, cell, qid, value, path, text=text)
    else:
        text = str(value)
    text, had_control = clean_text(text)
    if had_control:
        ctx.add("TEXT-CONTROL-CHARS", WARNING, cell, qid, None, path)
    text = text.strip()
    return text or None


# -- choices ---------------------------------------------------------------------------------------
class LabelIndex:
    """Maps typed answers to codes: labels in the workbook's language first, then codes, then
    labels in the other languages. Those are indexed only when an answer is not found among the
    first (rarely), so that a new process reads its first return sooner."""

    def __init__(self, codes: Sequence[str], label: Callable[[str, str], str], lang: str) -> None:
        own: dict[str, str] = {}
        for code in codes:
            own.setdefault(normalise_text(label(code, lang)), code)
            own.setdefault(normalise_text(code), code)
            own.setdefault(normalise_text(code.replace("_", " ")), code)
        self.own: Mapping[str, str] = own
        self._codes, self._label, self._lang = codes, label, lang

    @cached_property
    def loose(self) -> Mapping[str, str]:
        """Labels of every language and codes without accents or a final full stop, each kept
        only where it leads to one code."""
        found: dict[str, set[str]] = {}
        for key, code in (*self.own.items(), *self.other.items()):
            found.setdefault(loose_text(key), set()).add(code)
        return {key: codes.pop() for key, codes in found.items() if len(codes) == 1}

    @cached_property
    def other(self) -> Mapping[str, str]:
        other: dict[str, str] = {}
        for code in self._codes:
            for other_lang in UN_LANGUAGES:
                if other_lang != self._lang:
                    key = normalise_text(self._label(code, other_lang))
                    if key not in self.own:
                        other.setdefault(key, code)
        return other


_INDEXES: dict[tuple[str, str, str, str], LabelIndex] = {}
_BY_QUESTION: dict[tuple[str, str, str], LabelIndex] = {}


def label_index(toolkit: Toolkit, q: Question, lang: str) -> LabelIndex:
    """The label index of a question in a language, built once per specs edition and list of
    codes (the 200 yes/no questions share one: a return is read ~30 ms sooner in a new
    process), and found again by the question."""
    key = (toolkit.spec_hash, q.id, lang)
    found = _BY_QUESTION.get(key)
    if found is None:
        source = "yes_no" if q.type == "yes_no" else str(q.choices)
        shared = (toolkit.spec_hash, source, "|".join(toolkit.answer_codes(q)), lang)
        found = _INDEXES.get(shared)
        if found is None:
            found = _INDEXES[shared] = _build_label_index(toolkit, q, lang)
        _BY_QUESTION[key] = found
    return found


def _build_label_index(toolkit: Toolkit, q: Question, lang: str) -> LabelIndex:
    codes = toolkit.answer_codes(q)

    def label(code: str, language: str) -> str:
        return toolkit.answer_label(q, code, language) if _has(toolkit, q, code, language) else ""

    return LabelIndex(codes, label, lang)


def _has(toolkit: Toolkit, q: Question, code: str, language: str) -> bool:
    list_id = "yes_no" if q.type == "yes_no" or code == "not_applicable" else q.choices
    assert list_id is not None
    for choice in toolkit.choice_lists[list_id].choices:
        if choice.code == code:
            return language in choice.label
    return False


def coerce_choice(cell: Cell, q: Question, index: LabelIndex, ctx: Context, path: str,
                  label_of: Callable[[str], str]) -> str | None:
    """A code, or the raw text when it matches nothing (the schema then reports it)."""
    value = cell.value
    if isinstance(value, bool):
        code = "yes" if value else "no"
        if code in index.own.values():
            ctx.add("ANSWER-BOOLEAN", WARNING, cell, q.id, value, path, label=label_of(code))
            return code
    raw = shown(value, limit=10**6) if not isinstance(value, str) else value
    raw, _ = clean_text(raw)
    if not raw.strip():
        return None
    key = normalise_text(raw)
    if key in index.own:
        code = index.own[key]
        if raw != label_of(code):
            ctx.add("ANSWER-NORMALISED", WARNING, cell, q.id, value, path, label=label_of(code))
        return code
    if key in index.other:
        code = index.other[key]
        ctx.add("ANSWER-OTHER-LANGUAGE", WARNING, cell, q.id, value, path, label=label_of(code))
        return code
    if loose_text(key) in index.loose:  # "si" for "Sí", "Oui." for "Oui"
        code = index.loose[loose_text(key)]
        ctx.add("ANSWER-NORMALISED", WARNING, cell, q.id, value, path, label=label_of(code))
        return code
    everyday = ALSO_TYPED.get(key.rstrip(" .。"))  # "是的" for 是, "n/a"
    if everyday is not None and everyday in index.own.values():
        ctx.add("ANSWER-NORMALISED", WARNING, cell, q.id, value, path, label=label_of(everyday))
        return everyday
    return raw.strip()


def is_tick(cell: Cell, labels: Mapping[str, bool]) -> bool | None:
    """True for a tick, False for an empty or "no" cell (in any language: "Non", "Нет"), None
    for anything else."""
    value = cell.value
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return True if value == 1 else False if value == 0 else None
    key = normalise_text(str(value))
    if key in labels:
        return labels[key]
    if loose_text(key) in labels:  # "si", "Non."
        return labels[loose_text(key)]
    if key in TICKS:
        return True
    if key in UNTICKS:
        return False
    return None


def tick_labels(toolkit: Toolkit) -> dict[str, bool]:
    """The "yes" labels of every language, a tick, and the "no" labels, none."""
    choices = {c.code: c for c in toolkit.choice_lists["yes_no"].choices}
    labels = {normalise_text(tr(choices[code].label, lang)): code == "yes"
              for code in ("no", "yes") for lang in choices[code].label}
    return {**{loose_text(key): tick for key, tick in labels.items()}, **labels}


def not_recorded_words(toolkit: Toolkit) -> frozenset[str]:
    """What stands for a figure not recorded: the usual words (``NOT_RECORDED``) and the
    headers of the tables' own not-recorded columns in every language ("Пол не указан",
    "Reason not recorded"), each as typed and without its accents."""
    found = _NOT_RECORDED_BY_SPECS.get(toolkit.spec_hash)
    if found is None:
        labels = {normalise_text(text) for breakdown in toolkit.breakdowns.values()
                  for column in breakdown.columns if column.code.endswith("not_recorded")
                  for text in column.label.values()}
        found = _NOT_RECORDED_BY_SPECS[toolkit.spec_hash] = frozenset(
            {*NOT_RECORDED, *labels, *(loose_text(word) for word in (*NOT_RECORDED, *labels))})
    return found


_NOT_RECORDED_BY_SPECS: dict[str, frozenset[str]] = {}


def coerce_count(cell: Cell, q: Question, ctx: Context, path: str,
                 not_recorded: frozenset[str] = NOT_RECORDED) -> int | str | None:
    """A statistics cell: a whole number of 0 or more, or None when not recorded (any of
    ``not_recorded``: ``not_recorded_words`` gives those of a toolkit)."""
    value = cell.value
    if isinstance(value, bool):
        ctx.add("COUNT-INVALID", ERROR, cell, q.id, value, path)
        return None
    if isinstance(value, int | float):
        if float(value).is_integer() and value >= 0:
            return int(value)
        ctx.add("COUNT-INVALID", ERROR, cell, q.id, value, path)
        return None
    if isinstance(value, dt.datetime | dt.date):  # what was typed, turned into a date
        ctx.add("NUMBER-IS-DATE", ERROR, cell, q.id, value, path)
        return None
    text = normalise_text(str(value))
    if text in not_recorded or loose_text(text) in not_recorded:
        ctx.add("COUNT-NOT-RECORDED", WARNING, cell, q.id, value, path)
        return None
    number, ambiguous = parse_number(str(value))
    if number is None or not float(number).is_integer() or number < 0:
        ctx.add("COUNT-INVALID", ERROR, cell, q.id, value, path)
        return None
    code = "NUMBER-AMBIGUOUS" if ambiguous else "NUMBER-FROM-TEXT"
    ctx.add(code, WARNING, cell, q.id, value, path, number=shown(int(number)))
    return int(number)

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
)
from natk_xlsx.returns.typed import normalise_text, parse_date, parse_number


@pytest.mark.parametrize(
    ("text", "value", "ambiguous"),
    [("12", 12, False), ("1,234", 1234, True), ("1.234", 1234, True), ("1,234.5", 1234.5, False),
     ("1.234,5", 1234.5, False), ("12,5", 12.5, False), ("0,123", 0.123, False),
     ("1 234 567", 1234567, False), ("1'234", 1234, False), ("-3.5", -3.5, False),
     ("1,234,567", 1234567, False), ("1,23,4", None, False), ("abc", None, False), ("", None, False),
     ("1.2.3", None, False),
     # Arabic-Indic digits, and the Arabic separators, which say which one is the decimal
     ("١٢٣", 123, False), ("٣٫٥", 3.5, False), ("١٬٢٣٤", 1234, False), ("١٫٢٣٤", 1.234, False),
     ("١٬٢٣٤٫٥", 1234.5, False), ("١٬٢٣", None, False), ("١٬٢٣٤.5", None, False),
     ("１２．５", 12.5, False), ("\u22125", -5, False),  # full-width; a typeset minus sign
     # the Arabic comma, read as the Latin one: grouping by three, or parting a decimal
     ("١،٢٣٤", 1234, True), ("٣،٥", 3.5, False), ("١٬٢٣٤،5", None, False)],
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
     ("31/02/2024", None, False), ("soon", None, False),
     ("15 de marzo de 2024", dt.date(2024, 3, 15), False),
     ("04.03.2024", dt.date(2024, 3, 4), False),  # dotted: no one writes the month first
     ("1er mars 2024", dt.date(2024, 3, 1), False),
     ("15 مارس 2024", dt.date(2024, 3, 15), False), ("15 آذار 2024", dt.date(2024, 3, 15), False),
     ("١٥ آذار/مارس ٢٠٢٤", dt.date(2024, 3, 15), False),
     ("2 كانون الثاني/يناير 2026م", dt.date(2026, 1, 2), False),
     ("15 شباط، 2024", dt.date(2024, 2, 15), False), ("3 اب 2025", dt.date(2025, 8, 3), False),
     ("15 janv. 2025", dt.date(2025, 1, 15), False), ("Sept. 15, 2025", dt.date(2025, 9, 15), False),
     ("3 авг. 2025", dt.date(2025, 8, 3), False), ("3 февр. 2025", dt.date(2025, 2, 3), False),
     ("3 нояб. 2025 г.", dt.date(2025, 11, 3), False),
     ("15 \u200fآذار/مارس 2024", dt.date(2024, 3, 15), False),  # a mark of direction in it
     ("15 آذار/أبريل 2024", None, False)],  # two months named: no date
)
def test_parse_date(text, date, ambiguous):
    assert parse_date(text) == (date, ambiguous)


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ru", "ar", "zh"])
def test_every_date_natk_writes_is_read_back(lang):
    """A completion date typed as natk-xlsx's own outputs write dates ("1er mars 2026",
    "2 كانون الثاني/يناير 2026") is read, in every language: it is an error otherwise, and the
    return goes back to its respondent for it."""
    from natk_xlsx.i18n.languages import date_text

    day = dt.date(2025, 1, 1)
    while day.year == 2025:
        assert parse_date(date_text(day.isoformat(), lang), lang in ("fr", "es", "ru", "ar")) == (
            day, False), date_text(day.isoformat(), lang)
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(("typed", "year"), [
    ("2019", 2019), (" 2019 ", 2019), ("٢٠١٩", 2019), ("２０１９", 2019), ("2019年", 2019),
    ("2019 г.", 2019), ("2019 год", 2019), ("2019г", 2019), ("عام 2019", 2019), ("2019م", 2019),
    ("19", None), ("2019-2020", None), ("about 2019", None), ("2019 ans", None)])
def test_a_year_is_read_with_the_word_its_language_writes_beside_it(bundled, typed, year):
    """"2019年" and "2019 г." were refused as no year, an error that sent the return back."""
    from natk_xlsx.returns.coerce import coerce_year

    q = next(q for q in bundled.questions() if q.type == "year")
    ctx = Context("zh")
    assert coerce_year(Cell(typed, "S", "D5"), q, ctx, "p") == year
    assert [i.code for i in ctx.issues] == (["NUMBER-FROM-TEXT"] if year else ["YEAR-INVALID"])
    if year:
        assert "2019" in ctx.issues[0].message


def test_a_language_that_writes_the_day_first_reads_a_slashed_date_without_doubt():
    assert parse_date("04/03/2024", day_first=True) == (dt.date(2024, 3, 4), False)
    ctx = Context("ru")
    assert coerce_date(Cell("03.04.2025", "S", "D5"), None, ctx, "p") == "2025-04-03"
    assert [i.code for i in ctx.issues] == ["DATE-FROM-TEXT"]


@pytest.mark.parametrize(("value", "fmt", "read", "codes"), [
    (0.5, "0%", 50, []),  # 50% typed in a percentage cell
    (1, "0%", 100, []),
    (50, "0%", 5000, []),  # as the cell shows it (5000 %): the schema says it is out of range
    ("0,5", "@", 50, ["PERCENT-AMBIGUOUS"]),  # text: as the cell reads the number 0.5
    ("0,5 %", "@", 0.5, ["NUMBER-FROM-TEXT"]),
    ("50", "@", 50, ["NUMBER-FROM-TEXT"]),
    ("45 %", "@", 45, ["NUMBER-FROM-TEXT"]),
    ("45％", "@", 45, ["NUMBER-FROM-TEXT"]),  # full width, as a Chinese keyboard types it
    ("٤٥٪", "@", 45, ["NUMBER-FROM-TEXT"]),  # the Arabic percent sign, and Arabic digits
    ("٠٫٥٪", "@", 0.5, ["NUMBER-FROM-TEXT"]),
])
def test_a_percentage_is_read_by_one_rule_whatever_the_cell_holds(value, fmt, read, codes):
    """The number 0.5 was read as 50 % and the text "0,5" as 0.5 %, a silent 100-fold error."""
    from factory import BUNDLED_SPECS

    from natk_xlsx.returns.coerce import coerce_percentage
    from natk_xlsx.spec.lint import load_toolkit

    q = load_toolkit(BUNDLED_SPECS).question("POL.10")
    assert q.type == "percentage"
    ctx = Context("fr", percent_fraction=True)
    assert coerce_percentage(Cell(value, "S", "D5", number_format=fmt), q, ctx, "p") == read
    assert [i.code for i in ctx.issues] == codes
    if value == "45 %":  # read as a percentage, said as one
        assert ctx.issues[0].message.endswith("interprété comme 45\u00a0%."), ctx.issues[0].message
    if codes == ["PERCENT-AMBIGUOUS"]:  # the other reading, in the respondent's words
        assert ctx.issues[0].message == ("[S!D5] POL.10: 0,5 a été interprété comme 50\u00a0%\u00a0; "
                                         "si vous vouliez indiquer 0,5\u00a0%, saisir 0,5\u00a0%.")


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
     ("'No'", "no"), ("نـعـم", "نعم")],  # the tatweel only stretches a word
)
def test_normalise_text(typed, folded):
    assert normalise_text(typed) == folded


@pytest.fixture(scope="module")
def bundled():
    from factory import BUNDLED_SPECS

    from natk_xlsx.spec.lint import load_toolkit

    return load_toolkit(BUNDLED_SPECS)


@pytest.mark.parametrize(("typed", "tick"), [
    ("Oui", True), ("x", True), ("х", True), ("Х", True),  # the Cyrillic cross of a Russian keyboard
    ("Non", False), ("нет", False), ("No", False), ("否", False), ("si", True), ("Non.", False),
    ("peut-être", None), ("√", True), ("V", True), ("✅", True),  # a Chinese tick; a letter
])
def test_an_option_is_ticked_or_left_in_the_words_of_any_language(bundled, typed, tick):
    """"Non" or "Нет" against an option that does not apply was an error where English "No"
    passed, and the Cyrillic х was not a cross."""
    from natk_xlsx.returns.coerce import is_tick, tick_labels

    assert is_tick(Cell(typed, "S", "D6"), tick_labels(bundled)) is tick


@pytest.mark.parametrize(("lang", "typed", "code"), [
    ("es", "si", "yes"), ("es", "Si.", "yes"), ("fr", "Oui.", "yes"), ("fr", "en partie", "partly"),
    ("ru", "Да.", "yes"), ("es", "quizás", "quizás"),  # nothing close: left for the schema
])
def test_an_answer_without_its_accent_or_with_a_full_stop_is_read_with_a_warning(
        bundled, lang, typed, code):
    from natk_xlsx.returns.coerce import coerce_choice, label_index

    q = bundled.question("POL.01")
    ctx = Context(lang)
    got = coerce_choice(Cell(typed, "S", "D5"), q, label_index(bundled, q, lang), ctx, "p",
                        lambda c: bundled.answer_label(q, c, lang))
    assert got == code
    assert [i.code for i in ctx.issues] == (["ANSWER-NORMALISED"] if code != typed else [])


@pytest.mark.parametrize(("lang", "qid", "typed", "code"), [
    ("zh", "POL.01", "是的", "yes"), ("zh", "POL.01", "有", "yes"), ("zh", "POL.01", "没有", "no"),
    ("zh", "POL.01", "不知道", "dont_know"), ("en", "POL.01", "Unknown.", "dont_know"),
    ("es", "POL.01", "No sé", "dont_know"), ("ar", "POL.01", "لا اعلم", "dont_know"),
    ("en", "POL.01", "N/A", "N/A"),  # not offered by POL.01: left for the schema to say so
])
def test_everyday_words_for_yes_no_and_dont_know_are_read_with_a_warning(bundled, lang, qid,
                                                                        typed, code):
    """"是的", "有" and "不知道" were errors where the list says 是 and 不清楚: each is the
    everyday word for an answer the question offers, read as it with a warning."""
    from natk_xlsx.returns.coerce import coerce_choice, label_index

    q = bundled.question(qid)
    ctx = Context(lang)
    got = coerce_choice(Cell(typed, "S", "D5"), q, label_index(bundled, q, lang), ctx, "p",
                        lambda c: bundled.answer_label(q, c, lang))
    assert got == code
    assert [i.code for i in ctx.issues] == (["ANSWER-NORMALISED"] if code != typed else [])


def test_loose_matching_never_joins_two_answers(bundled):
    """A label that folds to another answer's folded label is matched by neither."""
    from natk_xlsx.returns.coerce import LabelIndex

    index = LabelIndex(["a", "b"], lambda code, lang: {"a": "Élevé", "b": "élève"}[code], "fr")
    assert "eleve" not in index.loose and index.own["élevé"] == "a"


@pytest.mark.parametrize("typed", ["n/d", "нет данных", "н/д", "Non enregistre", "不清楚",
                                   "غير متوفر"])
def test_not_recorded_in_the_respondent_s_language_leaves_a_figure_blank(bundled, typed):
    from natk_xlsx.returns.coerce import coerce_count, not_recorded_words

    ctx = Context("fr")
    assert coerce_count(Cell(typed, "S", "F9"), bundled.question("ENF.33"), ctx, "p",
                        not_recorded_words(bundled)) is None
    assert [i.code for i in ctx.issues] == ["COUNT-NOT-RECORDED"]


def test_every_table_s_own_not_recorded_header_leaves_a_figure_blank(bundled):
    """The headers are taken from the specs, in every language: five Russian ones renamed
    this stop and 'Reason not recorded' were missing from a list written by hand."""
    from natk_xlsx.returns.coerce import coerce_count, not_recorded_words

    headers = {text for b in bundled.breakdowns.values() for c in b.columns
               if c.code.endswith("not_recorded") for text in c.label.values()}
    assert {"Возраст не указан", "Reason not recorded", "Пол не указан"} <= headers
    words = not_recorded_words(bundled)
    for header in headers:
        ctx = Context("ru")
        assert coerce_count(Cell(header, "S", "F9"), bundled.question("ENF.33"), ctx, "p",
                            words) is None, header
        assert [i.code for i in ctx.issues] == ["COUNT-NOT-RECORDED"], header

"""Generate → fill → import returns exactly the answers filled, for every answer type,
including the awkward values real respondents type."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from factory import component, question
from fill import fill_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from natk_xlsx.returns.importer import read_workbook
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

ALL_TYPES = {
    "omega": component("omega", "OMG", [
        question("OMG.01"),
        question("OMG.02", "single_choice", choices="frequency", allow_na=True),
        question("OMG.03", "multiple_choice", choices="exploitation_forms"),
        question("OMG.04", "integer", constraints={"max": 100000}),
        question("OMG.05", "decimal"),
        question("OMG.06", "percentage"),
        question("OMG.07", "year"),
        question("OMG.08", "date"),
        question("OMG.09", "short_text"),
        question("OMG.10", "long_text", section="more"),
        question("OMG.11", "stats_table", section="more", breakdown="sex", required=False),
    ]),
}
COVER = {"institution": "Ministry of Justice", "respondent_name": "A. Official",
         "completion_date": dt.datetime(2026, 3, 1)}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rt")
    from conftest_helpers import write_toolkit

    specs = write_toolkit(folder / "specs", ALL_TYPES)
    toolkit = load_toolkit(specs)
    blank = generate_workbook(toolkit, folder / "blank.xlsx", GenerateOptions()).path
    return toolkit, blank, folder


def roundtrip(setup, answers, name="filled.xlsx", **kw):
    toolkit, blank, folder = setup
    path = fill_workbook(blank, folder / name, toolkit, answers, cover=kw.pop("cover", COVER), **kw)
    return read_workbook(path, toolkit)


def codes_of(sub, severity=None):
    return [(i.code, i.question) for i in sub.issues if severity in (None, i.severity)]


FULL = {
    "OMG.01": "Partly",
    "OMG.02": "Often",
    "OMG.03": ["forced_labour", "organ_removal"],
    "OMG.04": 42,
    "OMG.05": 274.65999999999997,
    "OMG.06": 0.35,
    "OMG.07": 2019,
    "OMG.08": dt.datetime(2024, 3, 15),
    "OMG.09": "National Referral Mechanism",
    "OMG.10": "Line one\nLine two, with “quotes” and émigré text",
    "OMG.11": {2021: {"female": 3, "male": 0}, 2023: {"sex_not_recorded": 7}},
}
EXPECTED = {
    "OMG.01": "partly",
    "OMG.02": "often",
    "OMG.03": ["forced_labour", "organ_removal"],
    "OMG.04": 42,
    "OMG.05": 274.65999999999997,
    "OMG.06": 35,
    "OMG.07": 2019,
    "OMG.08": "2024-03-15",
    "OMG.09": "National Referral Mechanism",
    "OMG.10": "Line one\nLine two, with “quotes” and émigré text",
    "OMG.11": {"2021": {"female": 3, "male": 0}, "2023": {"sex_not_recorded": 7}},
}


def test_every_answer_type_comes_back_exactly(setup):
    sub = roundtrip(setup, FULL)
    # Spreadsheets keep 15-17 significant digits: floats compare with a tolerance.
    assert sub.answers.pop("OMG.05") == pytest.approx(EXPECTED["OMG.05"], rel=1e-14)
    assert sub.answers == {k: v for k, v in EXPECTED.items() if k != "OMG.05"}
    assert sub.valid, [i.message for i in sub.errors]
    assert codes_of(sub) == []
    assert sub.respondent["institution"] == "Ministry of Justice"
    assert sub.respondent["completion_date"] == "2026-03-01"


def test_a_blank_workbook_is_one_error_not_a_warning_for_each_question(setup):
    """The questionnaire sent back as it was sent was VALID with a warning per question, and
    imported; it is one error that says what it is."""
    sub = roundtrip(setup, {})
    assert sub.answers == {}
    assert codes_of(sub) == [("RETURN-BLANK", None)]
    assert not sub.valid
    assert sub.errors[0].message.startswith("no question is answered: this is the "
                                            "questionnaire as it was sent.")


def test_one_answer_is_enough_for_a_return_not_to_be_blank(setup):
    sub = roundtrip(setup, {"OMG.01": "Yes"})
    missing = {q for code, q in codes_of(sub) if code.startswith("ANSWER-MISSING")}
    assert missing == {f"OMG.{n:02d}" for n in range(2, 11)}  # the table is optional
    assert sub.valid


def test_a_required_question_without_dont_know_asks_for_a_reason_in_the_comments(
        write_specs, tmp_path):
    """Choosing "Don't know" is the way out only where the question offers it; a number, a
    text or a list without it asks for the reason in the Comments column, and a reason given
    there stands for the answer."""
    toolkit = load_toolkit(write_specs())
    blank = generate_workbook(toolkit, tmp_path / "b.xlsx").path
    sub = read_workbook(fill_workbook(blank, tmp_path / "y.xlsx", toolkit, {"ALP.01": "Yes"}),
                        toolkit)
    assert ("ANSWER-MISSING-EXPLAIN", "ALP.02") in codes_of(sub)
    assert toolkit.question("ALP.02").type != "yes_no"
    message = next(i.message for i in sub.issues if i.code == "ANSWER-MISSING-EXPLAIN")
    assert message.endswith('ALP.02: this question needs an answer; if you cannot give one, say '
                            'why in the column "Comments".')
    assert ("ANSWER-MISSING", "ALP.03") in codes_of(sub)  # a yes/no question: "Don't know"
    wb = openpyxl.load_workbook(tmp_path / "y.xlsx")
    ws = wb.worksheets[2]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "ALP.02")
    ws.cell(row, 5).value = "The ministry keeps no such figure."
    wb.save(tmp_path / "c.xlsx")
    sub = read_workbook(tmp_path / "c.xlsx", toolkit)
    assert not [c for c in codes_of(sub) if c[1] == "ALP.02"]


@pytest.mark.parametrize(
    ("qid", "typed", "expected", "code"),
    [
        ("OMG.01", "  yes\u00a0", "yes", "ANSWER-NORMALISED"),
        ("OMG.01", "YES", "yes", "ANSWER-NORMALISED"),
        ("OMG.01", "“Don’t know”", "dont_know", "ANSWER-NORMALISED"),
        ("OMG.01", True, "yes", "ANSWER-BOOLEAN"),
        ("OMG.01", "dont_know", "dont_know", "ANSWER-NORMALISED"),
        ("OMG.02", "not applicable", "not_applicable", "ANSWER-NORMALISED"),
        ("OMG.04", "1,234", 1234, "NUMBER-AMBIGUOUS"),
        ("OMG.04", " 77 ", 77, "NUMBER-FROM-TEXT"),
        ("OMG.04", 12.0, 12, None),
        ("OMG.05", "3,5", 3.5, "NUMBER-FROM-TEXT"),
        ("OMG.05", "1.234,5", 1234.5, "NUMBER-FROM-TEXT"),
        ("OMG.05", "1 234.5", 1234.5, "NUMBER-FROM-TEXT"),
        ("OMG.06", "35%", 35, "NUMBER-FROM-TEXT"),
        ("OMG.06", 1, 100, None),
        ("OMG.07", "2024", 2024, "NUMBER-FROM-TEXT"),
        ("OMG.07", dt.datetime(2021, 6, 1), 2021, "YEAR-FROM-DATE"),  # a date, not text
        ("OMG.07", dt.datetime(1905, 7, 11), 2019, None),  # 2019 in a cell shown as a date
        ("OMG.08", "15/03/2024", "2024-03-15", "DATE-FROM-TEXT"),
        ("OMG.08", "03/04/2024", "2024-04-03", "DATE-AMBIGUOUS"),
        ("OMG.08", "2024-03-15", "2024-03-15", "DATE-FROM-TEXT"),
        ("OMG.08", "15.03.2024", "2024-03-15", "DATE-FROM-TEXT"),
        ("OMG.08", "March 15, 2024", "2024-03-15", "DATE-FROM-TEXT"),
        ("OMG.08", 45366, "2024-03-15", None),  # a serial in a date cell is a date
        ("OMG.07", " 2021 ", 2021, "NUMBER-FROM-TEXT"),
        ("OMG.09", "00123", "00123", None),
        ("OMG.09", 123, "123", "TEXT-FROM-NUMBER"),
        ("OMG.09", "  padded  ", "padded", None),
        ("OMG.09", "=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")", "FORMULA-TEXT"),
    ],
)
def test_awkward_values_are_normalised_with_a_warning(setup, qid, typed, expected, code):
    sub = roundtrip(setup, {qid: typed})
    assert sub.answers.get(qid) == expected
    found = [c for c, q in codes_of(sub, "warning") if q == qid and c != "ANSWER-MISSING"]
    assert found == ([code] if code else [])
    assert not [i for i in sub.errors if i.question == qid]
    if code:
        issue = next(i for i in sub.issues if i.code == code)
        assert issue.value is not None or code == "TEXT-CONTROL-CHARS"


@pytest.mark.parametrize(
    ("qid", "typed", "code", "cell"),
    [
        ("OMG.01", "Perhaps", "ANSWER-NOT-ALLOWED", "D5"),
        ("OMG.02", "Sometimes not", "ANSWER-NOT-ALLOWED", "D6"),
        ("OMG.04", 12.5, "NUMBER-NOT-WHOLE", None),
        ("OMG.04", -3, "NUMBER-OUT-OF-RANGE", None),
        ("OMG.04", 100001, "NUMBER-OUT-OF-RANGE", None),
        ("OMG.04", "about ten", "NUMBER-INVALID", None),
        ("OMG.04", "=2+3", "FORMULA", None),
        ("OMG.06", 1.5, "PERCENT-OUT-OF-RANGE", None),
        ("OMG.07", "20x4", "YEAR-INVALID", None),
        ("OMG.07", 1850, "NUMBER-OUT-OF-RANGE", None),
        ("OMG.08", "next spring", "DATE-INVALID", None),
        ("OMG.09", "x" * 300, "TEXT-TOO-LONG", None),
    ],
)
def test_invalid_answers_are_errors_that_name_the_cell(setup, qid, typed, code, cell):
    sub = roundtrip(setup, {qid: typed})
    errors = [i for i in sub.errors if i.question == qid]
    assert [i.code for i in errors] == [code]
    issue = errors[0]
    assert issue.sheet == "Omega"
    assert issue.cell and issue.cell.startswith("D")
    if cell:
        assert issue.cell == cell
    assert issue.message.startswith(f"[Omega!{issue.cell}] {qid}: ")
    assert qid not in sub.answers or code in ("ANSWER-NOT-ALLOWED", "NUMBER-OUT-OF-RANGE",
                                               "PERCENT-OUT-OF-RANGE", "TEXT-TOO-LONG")
    assert not sub.valid


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "zh"])
def test_a_number_not_read_is_told_by_its_kind_and_what_to_do_when_unknown(setup, lang):
    """"Ne sait pas" in a whole-number cell was told to type "a number such as 12 or 3,5":
    the example is of the question's kind, and the message says what instruction 4 says, to
    leave the cell empty and say why in the Comments column. 35 typed without its sign in a
    cell formatted as a percentage shows as 3500 %; the message says it as a percentage and
    asks for the sign, with which the cell takes 35 % (a plain 35 again would not do)."""
    from natk_xlsx.i18n.interface import ui
    from natk_xlsx.returns.issues import make_issue

    sub = roundtrip(setup, {"OMG.04": "unknown", "OMG.05": "unknown", "OMG.06": "unknown"})
    told = {i.question: i for i in sub.errors}
    assert {told[q].code for q in ("OMG.04", "OMG.05", "OMG.06")} == {"NUMBER-INVALID"}
    assert "such as 12," in told["OMG.04"].message and "3.5" not in told["OMG.04"].message
    assert "such as 12 or 3.5," in told["OMG.05"].message
    assert "such as 35%," in told["OMG.06"].message
    for wording in ("NUMBER-INVALID", "NUMBER-INVALID.whole", "NUMBER-INVALID.percent"):
        message = make_issue("NUMBER-INVALID", "error", lang, value="x", wording=wording).message
        assert ui("col.comment", lang) in message
    whole = make_issue("NUMBER-INVALID", "error", lang, value="x", wording="NUMBER-INVALID.whole")
    assert ("3.5" not in whole.message and "3,5" not in whole.message)
    (over,) = roundtrip(setup, {"OMG.06": 35}, name="pct.xlsx").errors  # the cell shows 3500 %
    assert over.code == "PERCENT-OUT-OF-RANGE" and over.message.startswith(
        "[Omega!D21] OMG.06: 3500% is outside the allowed range; enter a percentage from 0% to "
        "100% with its % sign")


def test_message_lists_the_allowed_answers(setup):
    """Each in quotation marks, in the order offered: labels that hold commas and 'or' ("Whole
    country, with regional branches or focal points") read apart."""
    sub = roundtrip(setup, {"OMG.01": "Perhaps"})
    (issue,) = sub.errors
    assert issue.message == ('[Omega!D5] OMG.01: "Perhaps" is not one of the allowed answers; '
                             'choose "Yes", "Partly", "No" or "Don\'t know".')
    from factory import BUNDLED_SPECS

    from natk_xlsx.returns.checks import _allowed_labels

    toolkit = load_toolkit(BUNDLED_SPECS)
    assert _allowed_labels(toolkit, toolkit.question("ENF.06"), "fr").told("fr").startswith(
        "«\u00a0Ensemble du pays, avec antennes régionales ou points focaux\u00a0», «\u00a0Ensemble")
    assert _allowed_labels(toolkit, toolkit.question("ENF.06"), "zh").told("zh").count("”、“") == 2


@pytest.mark.parametrize("tick", ["Yes", "yes", "x", "X", "✓", True, 1])
def test_any_reasonable_tick_counts(setup, tick):
    sub = roundtrip(setup, {"OMG.03": {"sexual_exploitation": tick, "servitude": None}})
    assert sub.answers["OMG.03"] == ["sexual_exploitation"]


def test_a_tick_that_is_not_a_tick_is_an_error(setup):
    sub = roundtrip(setup, {"OMG.03": {"sexual_exploitation": "maybe"}})
    sheet, cell = sub.source_map["answers/OMG.03/sexual_exploitation"]
    assert [(i.code, i.sheet, i.cell) for i in sub.errors] == [("TICK-NOT-ALLOWED", sheet, cell)]


@pytest.mark.parametrize(
    ("typed", "expected", "code"),
    [("4", 4, "NUMBER-FROM-TEXT"), ("n/a", None, "COUNT-NOT-RECORDED"), ("–", None, "COUNT-NOT-RECORDED"),
     (-2, None, "COUNT-INVALID"), (2.5, None, "COUNT-INVALID"), ("many", None, "COUNT-INVALID"),
     ("1 200", 1200, "NUMBER-FROM-TEXT")],
)
def test_statistics_cells(setup, typed, expected, code):
    sub = roundtrip(setup, {"OMG.11": {2022: {"male": typed, "female": 1}}})
    assert sub.answers["OMG.11"]["2022"].get("male") == expected
    assert code in [c for c, _ in codes_of(sub)]


def test_details_are_read_as_codes(setup):
    sub = roundtrip(setup, {"OMG.01": "No"}, details={"OMG.01": {
        "comment": "See the 2023 report", "evidence": "Penal Code art. 123",
        "priority": "urgent", "provided": "Yes", "provider": "UNODC, IOM"}})
    assert sub.details["OMG.01"] == {"comment": "See the 2023 report",
                                     "evidence": "Penal Code art. 123", "priority": "urgent",
                                     "provided": "yes", "provider": "UNODC, IOM"}


def test_unknown_priority_is_kept_and_flagged(setup):
    sub = roundtrip(setup, {}, details={"OMG.01": {"priority": "ASAP!"}})
    assert sub.details["OMG.01"]["priority"] == "ASAP!"
    assert ("DETAIL-NOT-ALLOWED", "OMG.01") in codes_of(sub)


def test_a_number_in_a_list_detail_is_not_a_lost_zero(setup):
    """A priority typed as 3 is not one of the choices; there is no leading zero to check."""
    sub = roundtrip(setup, {}, details={"OMG.01": {"priority": 3}})
    assert sub.details["OMG.01"]["priority"] == "3"
    assert ("DETAIL-NOT-ALLOWED", "OMG.01") in codes_of(sub)
    assert ("TEXT-FROM-NUMBER", "OMG.01") not in codes_of(sub)


def test_providers_named_beside_no_assistance_are_flagged(setup):
    sub = roundtrip(setup, {}, details={"OMG.01": {"provided": "No", "provider": "IOM, UNODC"}})
    assert sub.details["OMG.01"] == {"provided": "no", "provider": "IOM, UNODC"}
    (issue,) = [i for i in sub.issues if i.code == "DETAIL-CONFLICT"]
    assert issue.severity == "warning" and issue.question == "OMG.01"
    assert issue.message == ('[Omega!I5] OMG.01: "IOM, UNODC" is given in the column "If so, by whom", but the '
                             'column "Assistance already provided?" says "No"; correct whichever '
                             'of the two is wrong.')
    sub = roundtrip(setup, {}, details={"OMG.01": {"provided": "Yes", "provider": "IOM"}})
    assert "DETAIL-CONFLICT" not in {i.code for i in sub.issues}


def test_nobody_beside_assistance_provided_is_a_conflict(setup):
    sub = roundtrip(setup, {}, details={"OMG.01": {"provided": "Yes", "provider": "None"}})
    assert sub.details["OMG.01"] == {"provided": "yes"}
    (issue,) = [i for i in sub.issues if i.code == "DETAIL-CONFLICT"]
    assert issue.message.endswith('"None" is given in the column "If so, by whom", but the '
                                  'column "Assistance already provided?" says "Yes"; correct '
                                  'whichever of the two is wrong.')


@pytest.mark.parametrize("nobody", ["None", "N/A", "-", "Nobody", "not applicable", "Néant",
                                    "нет", "无", "لا يوجد"])
def test_a_word_for_nobody_under_by_whom_is_no_provider(setup, nobody):
    """'No' and then 'None' under 'If so, by whom' agree: no warning, and no partner named in
    the plan's 'already at work on this'."""
    sub = roundtrip(setup, {}, details={"OMG.01": {"provided": "No", "provider": nobody}})
    assert sub.details["OMG.01"] == {"provided": "no"}
    assert "DETAIL-CONFLICT" not in {i.code for i in sub.issues}


def test_missing_institution_is_an_error(setup):
    sub = roundtrip(setup, FULL, cover={"respondent_name": "Someone"})
    codes = [(i.code, i.severity) for i in sub.issues if i.code == "COVER-MISSING"]
    assert ("COVER-MISSING", "error") in codes
    assert ("COVER-MISSING", "warning") in codes  # completion date


def test_answer_to_a_question_that_does_not_apply_is_a_warning(write_specs, tmp_path):
    toolkit = load_toolkit(write_specs())
    blank = generate_workbook(toolkit, tmp_path / "b.xlsx").path
    path = fill_workbook(blank, tmp_path / "f.xlsx", toolkit, {"ALP.01": "No", "ALP.02": 5})
    sub = read_workbook(path, toolkit)
    assert ("ANSWER-NOT-APPLICABLE", "ALP.02") in codes_of(sub, "warning")
    assert sub.answers["ALP.02"] == 5  # kept: the assessor decides


def test_skip_logic_makes_required_answers_conditional(write_specs, tmp_path):
    toolkit = load_toolkit(write_specs())
    blank = generate_workbook(toolkit, tmp_path / "b.xlsx").path
    no = read_workbook(fill_workbook(blank, tmp_path / "n.xlsx", toolkit, {"ALP.01": "No"}), toolkit)
    yes = read_workbook(fill_workbook(blank, tmp_path / "y.xlsx", toolkit, {"ALP.01": "Yes"}), toolkit)
    assert ("ANSWER-MISSING-EXPLAIN", "ALP.02") not in codes_of(no)
    assert ("ANSWER-MISSING-EXPLAIN", "ALP.02") in codes_of(yes)


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                max_size=200).filter(lambda s: s.strip() and not s.lstrip().startswith("="))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, spaces=st.sampled_from(["", " ", "\u00a0", "  \u00a0"]),
       number=st.integers(min_value=0, max_value=100000),
       ratio=st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False),
       day=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_round_trip_property(setup, text, spaces, number, ratio, day):
    sub = roundtrip(setup, {"OMG.04": number, "OMG.05": ratio, "OMG.08": dt.datetime.combine(day, dt.time()),
                            "OMG.10": spaces + text + spaces}, name="prop.xlsx")
    assert sub.answers["OMG.04"] == number
    assert sub.answers["OMG.05"] == pytest.approx(ratio, rel=1e-14, abs=1e-300)
    assert sub.answers["OMG.08"] == day.isoformat()
    assert sub.answers["OMG.10"] == (spaces + text + spaces).strip()
    assert not sub.errors


def test_none_of_these_with_another_option_is_an_error_at_its_row(write_specs, tmp_path):
    """A choice that excludes the others ("None of these", ``exclusive`` in the specs) ticked
    with another option contradicts itself: an error at the exclusive option's row, so that the
    respondent says which holds; the answer is left out of the summary meanwhile. Ticked alone,
    or the others without it, the answer stands."""
    from factory import default_components

    from natk_xlsx.analysis.respondents import respondent_from_record

    comps = default_components()
    comps["beta"]["questions"][1] = question(
        "BET.02", "multiple_choice", choices="beta_kinds", section="more")
    comps["beta"]["choice_lists"] = {"beta_kinds": {"description": "Kinds.", "choices": [
        {"code": "one", "label": {"en": "One kind"}},
        {"code": "two", "label": {"en": "Another kind"}},
        {"code": "none", "label": {"en": "None of these"}, "exclusive": True}]}}
    toolkit = load_toolkit(write_specs(comps))
    blank = generate_workbook(toolkit, tmp_path / "b.xlsx").path

    def read(name: str, chosen: list[str]):
        return read_workbook(fill_workbook(blank, tmp_path / name, toolkit,
                                           {"BET.02": chosen}), toolkit)

    both = read("both.xlsx", ["one", "none"])
    errors = [(i.code, i.question, i.cell, i.message) for i in both.errors]
    assert len(errors) == 1 and errors[0][:2] == ("CHOICE-EXCLUSIVE", "BET.02")
    assert '"None of these" cannot be chosen together with other options' in errors[0][3]
    assert errors[0][2] == both.source_map["answers/BET.02/none"][1]
    assert "BET.02" not in respondent_from_record(both.record(), "both.xlsx").answers
    for name, chosen in (("alone.xlsx", ["none"]), ("others.xlsx", ["one", "two"])):
        sub = read(name, chosen)
        assert not sub.errors and sorted(sub.answers["BET.02"]) == sorted(chosen)


def test_a_cover_date_refused_is_not_also_called_empty(setup):
    """"15 de marzo" refused was also 'the cover field is empty; fill it in', which
    contradicted what the respondent saw in the cell."""
    sub = roundtrip(setup, {"OMG.01": "Yes"}, cover={**COVER, "completion_date": "soon"})
    assert [c for c in codes_of(sub) if c[0] in ("DATE-INVALID", "COVER-MISSING")] == [
        ("DATE-INVALID", None)]
    sub = roundtrip(setup, {"OMG.01": "Yes"}, cover={**COVER, "completion_date": None})
    assert ("COVER-MISSING", None) in codes_of(sub)


def test_a_number_below_an_open_range_says_the_least_it_may_be(write_specs, tmp_path):
    """'enter a number from 0 to …' read as cut off; a range without an upper bound says only
    the lower one, in the check and in the cell's own alert."""
    toolkit = load_toolkit(write_specs())
    assert toolkit.question("ALP.02").type == "integer"
    assert "max" not in toolkit.question("ALP.02").constraints
    blank = generate_workbook(toolkit, tmp_path / "b.xlsx").path
    sub = read_workbook(fill_workbook(blank, tmp_path / "n.xlsx", toolkit,
                                      {"ALP.01": "Yes", "ALP.02": -3}), toolkit)
    (issue,) = [i for i in sub.errors if i.question == "ALP.02"]
    assert issue.code == "NUMBER-TOO-SMALL"
    assert issue.message.endswith("ALP.02: -3 is too small; enter a number of 0 or more.")


def test_numbers_in_messages_are_written_as_the_language_writes_them(tmp_path):
    """'entre 0.5 et 60' in a French alert: a French respondent types and reads 0,5."""
    from factory import BUNDLED_SPECS

    from natk_xlsx.returns.issues import make_issue

    toolkit = load_toolkit(BUNDLED_SPECS)
    assert toolkit.question("LEG.13").constraints.get("min") == 0.5
    path = generate_workbook(toolkit, tmp_path / "fr.xlsx",
                             GenerateOptions(lang="fr", components=["legal"])).path
    ws = openpyxl.load_workbook(path)[toolkit.component("legal").sheet_name["fr"]]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "LEG.13")
    (dv,) = [dv for dv in ws.data_validations.dataValidation if f"D{row}" in dv.sqref]
    assert dv.formula1 == "0.5" and "0,5" in dv.error and "0.5" not in dv.error
    assert make_issue("NUMBER-OUT-OF-RANGE", "error", "fr", value=0.2, min="0.5", max="60"
                      ).message.startswith("0,2 se situe en dehors")
    assert make_issue("NUMBER-OUT-OF-RANGE", "error", "en", value=0.2, min="0.5", max="60"
                      ).message.startswith("0.2 is outside")
    # what the respondent typed as text is quoted as typed
    assert "«\u00a01.234\u00a0»" in make_issue("NUMBER-AMBIGUOUS", "warning", "fr", value="1.234",
                                               number="1234").message


def test_a_figure_typed_only_in_the_total_column_is_kept(tmp_path):
    """Only the total known, or a one-column table's figure typed under 'Total': the figure was
    thrown away with advice to clear it. It is now the one figure of a one-column table, or the
    figure not broken down ('Not recorded') of a table whose columns add up."""
    from factory import BUNDLED_SPECS

    from natk_xlsx import layout

    toolkit = load_toolkit(BUNDLED_SPECS)
    qs = {qid: toolkit.question(qid) for qid in ("ENF.33", "ENF.38")}
    assert toolkit.breakdowns[qs["ENF.33"].breakdown].codes[-1] == "form_not_recorded"
    assert toolkit.breakdowns[qs["ENF.38"].breakdown].codes == ("number",)
    path = generate_workbook(toolkit, tmp_path / "b.xlsx",
                             GenerateOptions(components=["law_enforcement"])).path
    wb = openpyxl.load_workbook(path)
    ws = wb[toolkit.component("law_enforcement").sheet_name["en"]]
    for qid in qs:
        (_, ref), = list(wb.defined_names[qid].destinations)
        last_column = ws[ref.replace("$", "").split(":")[1]].column
        row = next(r for r in range(1, ws.max_row + 1)
                   if ws.cell(r, layout.COL_KEY + 1).value == f"{qid}|2024")
        ws.cell(row, last_column + 1).value = 25  # the Total column
    wb.save(tmp_path / "t.xlsx")
    sub = read_workbook(tmp_path / "t.xlsx", toolkit)
    assert sub.answers["ENF.33"] == {"2024": {"form_not_recorded": 25}}
    assert sub.answers["ENF.38"] == {"2024": {"number": 25}}
    codes = {(i.code, i.question) for i in sub.issues}
    assert {("TOTAL-ONLY", "ENF.33"), ("TOTAL-AS-FIGURE", "ENF.38")} <= codes
    assert not {c for c in codes if c[0] == "TOTAL-MISMATCH"}


@pytest.mark.parametrize(("typed", "stored", "warned"), [
    ("Faible", "low", False),  # the word before the label's colon, as typed from paper
    ("faible : données partielles ou estimées", "low", False),
    ("Moyenne", "medium", False),
    ("Faible.", "low", False),  # with a full stop, as ticks and choices are read
    ("Très faible", "Très faible", True),  # kept as typed, and said
])
def test_the_reliability_of_a_table_is_read_as_its_list_reads_it(tmp_path, typed, stored,
                                                                 warned):
    from factory import BUNDLED_SPECS

    toolkit = load_toolkit(BUNDLED_SPECS)
    path = generate_workbook(toolkit, tmp_path / "b.xlsx",
                             GenerateOptions(lang="fr", components=["law_enforcement"])).path
    wb = openpyxl.load_workbook(path)
    (sheet, ref), = list(wb.defined_names["ENF.33_reliability"].destinations)
    wb[sheet][ref.replace("$", "")] = typed
    wb.save(tmp_path / "r.xlsx")
    sub = read_workbook(tmp_path / "r.xlsx", toolkit)
    assert sub.tables["ENF.33"]["reliability"] == stored
    found = [i for i in sub.issues if i.code == "ROW-NOT-ALLOWED" and i.question == "ENF.33"]
    assert bool(found) == warned
    if warned:
        assert "dans la ligne «\u00a0Fiabilité de ces chiffres\u00a0»" in found[0].message
        assert "«\u00a0Faible\u00a0: données partielles ou estimées\u00a0»" in found[0].message


def test_a_multiple_choice_left_empty_links_to_its_first_option(setup):
    """Not to the locked prompt above the options, where nothing can be typed."""
    from natk_xlsx import layout

    sub = roundtrip(setup, {"OMG.01": "Yes"}, name="mc.xlsx")
    (issue,) = [i for i in sub.issues if i.question == "OMG.03"]
    assert issue.code.startswith("ANSWER-MISSING")
    ws = openpyxl.load_workbook(setup[2] / "mc.xlsx")[issue.sheet]
    keys = {ws.cell(r, layout.COL_KEY + 1).value: r for r in range(1, ws.max_row + 1)}
    first = min(r for k, r in keys.items() if str(k).startswith("OMG.03|"))
    assert first == keys["OMG.03"] + 1 and issue.cell == f"D{first}"


def test_a_return_whose_only_answer_was_refused_is_not_blank_for_check_or_summary(setup):
    """One test for both: the respondent told to correct a number must not be, for the
    assessor, a questionnaire sent back as it was sent."""
    from natk_xlsx.outputs.summarise import summarise

    toolkit, _, folder = setup
    sub = roundtrip(setup, {"OMG.04": "lots"}, name="refused.xlsx")
    assert ("NUMBER-INVALID", "OMG.04") in codes_of(sub)
    assert ("RETURN-BLANK", None) not in codes_of(sub)
    result = summarise([folder / "refused.xlsx"], toolkit)
    assert [s["state"] for s in result.sources] == ["read"] and result.blank == []
    # the questionnaire as sent, its cover empty too: still one error, not one per field
    blank = roundtrip(setup, {}, name="blank-cover.xlsx", cover={})
    assert codes_of(blank) == [("RETURN-BLANK", None)]
    assert [s["state"] for s in summarise([folder / "blank-cover.xlsx"], toolkit).sources] == [
        "blank"]


def test_a_formula_in_the_cover_date_is_still_called_empty(setup):
    """=TODAY() is not read (formulas never are), so the date is missing and said to be."""
    sub = roundtrip(setup, {"OMG.01": "Yes"}, name="today.xlsx",
                    cover={**COVER, "completion_date": "=TODAY()"})
    assert ("COVER-MISSING", None) in codes_of(sub)
    assert sub.respondent["completion_date"] is None


@pytest.mark.parametrize(("breakdown", "total", "read", "codes"), [
    ((), "20", {"2024": {"form_not_recorded": 20}}, {"TOTAL-ONLY"}),  # a total typed as text
    (("about 12", "about 8"), 20, None, {"COUNT-INVALID", "TOTAL-MISMATCH"}),  # refused, not absent
    (("n/d",), 20, None, {"COUNT-NOT-RECORDED", "TOTAL-MISMATCH"}),  # said not recorded
])
def test_a_total_is_the_only_figure_only_where_nothing_else_was_typed(tmp_path, breakdown,
                                                                      total, read, codes):
    from factory import BUNDLED_SPECS

    from natk_xlsx import layout

    toolkit = load_toolkit(BUNDLED_SPECS)
    path = generate_workbook(toolkit, tmp_path / "b.xlsx",
                             GenerateOptions(components=["law_enforcement"])).path
    wb = openpyxl.load_workbook(path)
    ws = wb[toolkit.component("law_enforcement").sheet_name["en"]]
    (_, ref), = list(wb.defined_names["ENF.33"].destinations)
    first, last = (ws[r] for r in ref.replace("$", "").split(":"))
    row = next(r for r in range(1, ws.max_row + 1)
               if ws.cell(r, layout.COL_KEY + 1).value == "ENF.33|2024")
    for offset, typed in enumerate(breakdown):
        ws.cell(row, first.column + offset).value = typed
    ws.cell(row, last.column + 1).value = total
    wb.save(tmp_path / "t.xlsx")
    sub = read_workbook(tmp_path / "t.xlsx", toolkit)
    assert sub.answers.get("ENF.33") == read
    assert codes <= {i.code for i in sub.issues if i.question == "ENF.33"}
    assert ("TOTAL-ONLY" in codes) == any(i.code == "TOTAL-ONLY" for i in sub.issues)


def test_only_numbers_take_the_decimal_comma_in_a_message():
    """A text quoted ('12.5' stored as text, a version '1.0') stays as it is."""
    from natk_xlsx.returns.issues import make_issue

    text = make_issue("TEXT-FROM-NUMBER", "warning", "fr", value=12.5, text="12.5").message
    assert "(12,5)" in text and "«\u00a012.5\u00a0»" in text
    meta = make_issue("METADATA-DIFFERS", "warning", "fr", key="generator_version", found="0.9",
                      expected="1.0").message
    assert "«\u00a00.9\u00a0»" in meta and "«\u00a01.0\u00a0»" in meta


def test_a_detail_is_read_with_a_full_stop_or_without_its_accents(setup):
    sub = roundtrip(setup, {"OMG.01": "Yes"}, name="detail.xlsx",
                    details={"OMG.01": {"provided": "Yes.", "priority": "high."}})
    assert sub.details["OMG.01"] == {"provided": "yes", "priority": "high"}
    assert not [i for i in sub.issues if i.code == "DETAIL-NOT-ALLOWED"]

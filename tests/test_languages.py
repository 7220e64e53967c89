"""The six UN languages: complete translations, workbooks in each, reading answers given in each,
and consolidating returns in several languages into a summary in the language asked for."""

from __future__ import annotations

import datetime as dt
import re
import warnings

import openpyxl
import pytest
from factory import BUNDLED_SPECS

from natk_xlsx.demo import sample_return, write_answers
from natk_xlsx.i18n import interface
from natk_xlsx.i18n.languages import UN_LANGUAGES
from natk_xlsx.outputs.summarise import summarise
from natk_xlsx.returns.importer import read_workbook
from natk_xlsx.spec.lint import lint_specs, load_toolkit
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

LANGS = ["ar", "zh", "en", "fr", "ru", "es"]
COMPONENTS = ["victims", "data"]


@pytest.fixture(scope="module")
def toolkit():
    return load_toolkit(BUNDLED_SPECS)


def _load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def _return(toolkit, tmp, lang, institution, seed):
    blank = generate_workbook(toolkit, tmp / f"blank-{lang}-{seed}.xlsx",
                              GenerateOptions(lang=lang, components=COMPONENTS,
                                              country="Veridia")).path
    answers, details, tables = sample_return(toolkit, COMPONENTS, set(), {}, institution, "ngo",
                                             seed)
    cover = {"institution": institution, "respondent_name": "X", "completion_date":
             dt.datetime(2026, 3, 1)}
    path = write_answers(blank, tmp / f"filled-{lang}-{seed}.xlsx", toolkit, lang, answers,
                         details, tables, cover)
    return path, answers


@pytest.mark.parametrize("lang", LANGS)
def test_round_trip_in_each_language(toolkit, tmp_path, lang):
    path, answers = _return(toolkit, tmp_path, lang, "Institution", seed=3)
    wb = _load(path)
    names = [ws.title for ws in wb.worksheets]
    assert names[0] == interface.ui("sheet.cover", lang)
    assert names[2] == toolkit.component("victims").sheet_name[lang]
    assert all(bool(ws.sheet_view.rightToLeft) == (lang == "ar") for ws in wb.worksheets[:4])
    sub = read_workbook(path, toolkit)
    assert sub.language == lang
    expected = {k: v for k, v in answers.items()}
    for key, value in expected.items():
        got = sub.answers.get(key)
        if isinstance(value, dict):  # statistics tables: years as text
            value = {str(y): row for y, row in value.items()}
        if isinstance(value, float):
            assert got == pytest.approx(value), key
        else:
            assert got == value, key
    assert not sub.errors, [i.message for i in sub.errors]
    issue_langs = {i.code for i in sub.issues}
    assert "ANSWER-NORMALISED" not in issue_langs


def test_issue_messages_are_in_the_workbooks_language(toolkit, tmp_path):
    blank = generate_workbook(toolkit, tmp_path / "fr.xlsx",
                              GenerateOptions(lang="fr", components=["data"])).path
    wb = _load(blank)
    ws = wb[toolkit.component("data").sheet_name["fr"]]
    row = next(r for r in range(1, 100) if ws.cell(r, 21).value == "DAT.02")
    ws.cell(row, 4).value = "Peut-être"
    wb.save(tmp_path / "fr-filled.xlsx")
    sub = read_workbook(tmp_path / "fr-filled.xlsx", toolkit)
    issue = next(i for i in sub.errors if i.question == "DAT.02")
    assert issue.message.startswith(f"[{ws.title}!D{row}] DAT.02: ")
    assert "Oui" in issue.message and "allowed answers" not in issue.message


def test_labels_of_another_language_are_read_with_a_warning(toolkit, tmp_path):
    blank = generate_workbook(toolkit, tmp_path / "en.xlsx",
                              GenerateOptions(components=["data"])).path
    wb = _load(blank)
    ws = wb["Data"]
    row = next(r for r in range(1, 100) if ws.cell(r, 21).value == "DAT.02")
    ws.cell(row, 4).value = toolkit.answer_label(toolkit.question("DAT.02"), "partly", "es")
    wb.save(tmp_path / "mixed.xlsx")
    sub = read_workbook(tmp_path / "mixed.xlsx", toolkit)
    assert sub.answers["DAT.02"] == "partly"
    assert ("ANSWER-OTHER-LANGUAGE", "DAT.02") in [(i.code, i.question) for i in sub.issues]


def test_returns_in_three_languages_consolidate_into_a_french_summary(toolkit, tmp_path):
    paths = [_return(toolkit, tmp_path, lang, f"Institution {lang}", seed)[0]
             for seed, lang in enumerate(["ar", "zh", "ru"], start=10)]
    out = tmp_path / "summary-fr.xlsx"
    result = summarise(paths, toolkit, out, lang="fr")
    assert len(result.consolidation.respondents) == 3
    wb = _load(out)
    assert wb.sheetnames[:3] == [interface.ui(f"summary.sheet.{key}", "fr")
                                 for key in ("executive", "packages", "needs")]
    responses = wb[interface.ui("summary.sheet.responses", "fr")]
    values = {c.value for row in responses.iter_rows(min_row=2) for c in row}
    yes_no = {toolkit.choice_lists["yes_no"].label(c, "fr") for c in ("yes", "partly", "no")}
    assert values & yes_no  # answers given in Arabic, Chinese and Russian, shown in French
    other = {toolkit.choice_lists["yes_no"].label(c, lang) for c in ("yes", "no")
             for lang in ("ar", "zh", "ru")}
    assert not values & other
    # French sets a no-break space before a colon: also where the summary pairs a name or a
    # year with what it said ("2021 : 41", « Institution ar : Oui »), not only in its texts
    loose = [(ws.title, c.coordinate, c.value) for ws in wb for row in ws.iter_rows()
             for c in row if isinstance(c.value, str) and re.search(r"\S: ", c.value)]
    assert loose == []
    assert any(isinstance(v, str) and re.match(r"2021\u00a0: \d", v) for v in values)


def test_a_published_language_with_a_missing_interface_text_fails(monkeypatch):
    texts = {k: dict(v) for k, v in interface.strings().items()}
    del texts["cover.country"]["ru"]
    monkeypatch.setattr(interface, "strings", lambda: texts)
    report = lint_specs(BUNDLED_SPECS)
    problems = [p for p in report.errors if p.code == "SPEC-TRANSLATION"]
    assert [(p.file, p.path) for p in problems] == [("natk_xlsx/i18n/interface.json",
                                                     "$.cover.country")]
    ru = next(s for s in report.languages if s.lang == "ru")
    assert ru.translated == ru.texts - 1


@pytest.mark.parametrize(("lang", "separator"), [("en", ", "), ("zh", "、"), ("ar", "، ")])
def test_a_multiple_choice_answer_is_listed_as_its_language_lists(toolkit, lang, separator):
    from natk_xlsx.outputs.sheetkit import answer_text

    q = next(q for q in toolkit.questions() if q.type == "multiple_choice")
    first, second = toolkit.choice_lists[q.choices].codes[:2]
    text = answer_text(toolkit, q, [first, second], lang)
    labels = [toolkit.answer_label(q, code, lang) for code in (first, second)]
    assert text == separator.join(labels)


@pytest.mark.parametrize(("items", "joined"), [
    (["GIZ", "US Department of State", "IOM"], "GIZ،\u200f US Department of State،\u200f IOM"),
    (["وزارة العدل: 12", "Ministry of Interior: 7", "الشرطة"],
     "وزارة العدل: 12،\u200f Ministry of Interior: 7،\u200f الشرطة"),
    (["وزارة العدل", "الشرطة"], "وزارة العدل، الشرطة"),
    (["Police (الشرطة)", "GIZ"], "Police (الشرطة)، GIZ"),
])
def test_an_arabic_list_marks_its_direction_only_after_a_left_to_right_item(items, joined):
    """A neutral comma between two Latin names joins them into one left-to-right run, shown
    the wrong way round in a right-to-left line; a right-to-left mark after it keeps the
    items in order. After an Arabic item (by its last letter) nothing is added."""
    from natk_xlsx.i18n.languages import join_items, join_parts

    assert join_items(items, "ar") == joined
    assert join_parts(items, "ar") == joined.replace("،", "؛")
    assert join_items(items, "en") == ", ".join(items) and "\u200f" not in join_items(items, "zh")


def test_what_each_source_said_is_one_a_line_in_arabic():
    """"Safe Haven, shelter network: OSCE" beside another Latin name and its value wrapped into
    fragments of both in a right-to-left cell: in Arabic each source says its part on a line of
    its own; the other languages list them as parts."""
    from natk_xlsx.i18n.languages import join_said

    said = ["National Police – Unit: 12", "Safe Haven, shelter network: OSCE"]
    assert join_said(said, "ar") == "\n".join(said)
    assert join_said(said, "en") == "; ".join(said)
    assert join_said(said, "zh") == "；".join(said)
    assert join_said(said[::-1], "zh") == "; ".join(said[::-1])  # two Latin names meet
    assert join_said(["警察：12", "法院：9"], "zh") == "警察：12；法院：9"


@pytest.mark.parametrize(("names", "lang", "joined"), [
    (["Ministry of Labour, Social Affairs and Family", "Police"], "en",
     "Ministry of Labour, Social Affairs and Family; Police"),
    (["Ministère du Travail, de la Famille", "Police"], "fr",
     "Ministère du Travail, de la Famille\u00a0; Police"),
    (["وزارة العمل، الشؤون الاجتماعية", "الشرطة"], "ar", "وزارة العمل، الشؤون الاجتماعية؛ الشرطة"),
    (["劳动、社会保障部", "公安部"], "zh", "劳动、社会保障部；公安部"),
    (["Police", "Courts"], "en", "Police, Courts"),
])
def test_names_holding_a_comma_are_listed_as_parts(names, lang, joined):
    """"Ministry of Labour, Social Affairs and Family, Police" read as three institutions: a
    list whose items hold the language's comma parts them as a longer list does. Where groups
    of names each say something, one name with a comma parts the names of every group, and
    each group says its part on a line ("Safe Haven, shelter network: No" is then one name)."""
    from natk_xlsx.i18n.languages import join_items, join_parts, labelled, names_said

    assert join_items(names, lang) == joined
    said = names_said([(names, "12"), (["Courts", "Prosecution"], "9")], lang)
    commas = joined != "Police, Courts"
    courts = (join_parts if commas else join_items)(["Courts", "Prosecution"], lang)
    if lang == "ar":  # Latin names in Arabic: one a line (test_latin_names_in_arabic_...)
        courts = courts.replace("\u200f ", "\u200f\n")
    parts = [labelled(joined, "12", lang), labelled(courts, "9", lang)]
    assert said == ("\n".join(parts) if commas or lang == "ar" else join_parts(parts, lang))
    alone = names_said([(["Police"], "Yes"), ([names[0]], "No")], lang)
    assert ("\n" in alone) == (commas or lang == "ar")


def test_latin_names_in_arabic_stand_each_on_a_line_of_their_own():
    """"National ؛National Anti-Trafficking Coordination Office": in a right-to-left cell two
    Latin names that said the same, wrapped at the cell's edge, were read as pieces of each
    other. Each stands on its own line, its separator kept; Arabic names flow as before."""
    from natk_xlsx.i18n.languages import RLM, names_said

    said = names_said([(["National Anti-Trafficking Coordination Office",
                         "National Police – Anti-Trafficking Unit"], "نعم"),
                       (["Safe Haven, shelter network"], "لا")], "ar")
    assert said.split("\n") == [f"National Anti-Trafficking Coordination Office؛{RLM}",
                                 f"National Police – Anti-Trafficking Unit:{RLM} نعم",
                                 f"Safe Haven, shelter network:{RLM} لا"]
    assert "\n" not in names_said([(["الشرطة", "المحاكم"], "نعم")], "ar")
    assert names_said([(["Police", "Courts"], "Yes")], "en") == "Police, Courts: Yes"


def test_a_note_in_brackets_is_set_as_the_language_sets_it():
    """Chinese sets a note in full-width brackets with no space ("否（各方一致）"); the
    summary's Chinese print test checks the written file."""
    from natk_xlsx.i18n.languages import aside

    assert aside("否", "各方一致", "zh") == "否（各方一致）"
    assert aside("No", "all agree", "en") == "No (all agree)"


def test_a_name_and_what_it_said_are_set_as_the_language_sets_a_colon():
    """The summary and the report pair a source with its answer and a year with its figure:
    French with a no-break space before the colon, Chinese with its full-width colon and no
    space, and the decimal comma where the language writes one."""
    from natk_xlsx.i18n.languages import (
        date_text,
        flagged,
        grouped_text,
        labelled,
        percent_text,
    )
    from natk_xlsx.outputs.sheetkit import figures_text

    assert labelled("Police", "12", "en") == "Police: 12"
    assert labelled("Police", "12", "fr") == "Police\u00a0: 12"
    assert labelled("警察", "12", "zh") == "警察：12"
    assert labelled("Police", "12", "ar") == "Police:\u200f 12"  # the colon stays Arabic's
    assert labelled("الشرطة", "12", "ar") == "الشرطة: 12"
    table = {"2022": {"men": 3}, "2021": {"men": 1, "women": 1.5}}
    assert figures_text(table, "en") == "2021: 2.5; 2022: 3"
    assert figures_text(table, "fr") == "2021\u00a0: 2,5\u00a0; 2022\u00a0: 3"
    assert figures_text(table, "zh") == "2021：2.5；2022：3"
    assert (percent_text(12.5, "en"), percent_text(12.5, "fr"), percent_text(12.5, "ru")) == \
        ("12.5%", "12,5\u00a0%", "12,5\u00a0%")
    # a share flagged for attention: no "!" alone at a line's start in French, Chinese's own
    assert [flagged("8%", lang) for lang in ("en", "fr", "zh", "ar")] == [
        "8% !", "8%\u00a0!", "8%！", "8%!"]
    # a date in a sentence, as each language writes one
    assert [date_text("2026-03-01", lang) for lang in ("en", "fr", "es", "ru", "zh")] == [
        "1 March 2026", "1er mars 2026", "1 de marzo de 2026", "01.03.2026", "2026年3月1日"]
    assert date_text("2026-12-07", "ar") == "7 كانون الأول/ديسمبر 2026"
    assert date_text("not a date", "fr") == "not a date"
    # a figure in a text: never in exponent form, the decimal comma where the language has it
    from natk_xlsx.i18n.languages import number_text

    assert [number_text(v, lang) for v, lang in ((1234567, "fr"), (467.6, "ru"), (12.0, "en"))] \
        == ["1234567", "467,6", "12"]
    # the report's tables of figures group thousands as the language does
    assert (grouped_text(12345.5, "en"), grouped_text(12345, "ru"), grouped_text(0.5, "es")) == \
        ("12,345.5", "12\u00a0345", "0,5")


def test_latin_names_in_a_chinese_list_are_parted_where_a_line_can_break():
    """"UNODC、OSCE、ILO" had nowhere to break but inside a name ("OSC" and "E" on two lines):
    two Latin items are parted by a comma and a space; Chinese items keep 、."""
    from natk_xlsx.i18n.languages import join_items

    assert join_items(["UNODC", "OSCE", "民政部", "ILO"], "zh") == "UNODC, OSCE、民政部、ILO"
    assert join_items(["公安部", "民政部"], "zh") == "公安部、民政部"


@pytest.mark.parametrize("key", ["summary.exec.why", "summary.group.government",
                                 "summary.group.civil_society", "summary.group.international",
                                 "summary.action.more", "summary.exec.more"])
def test_an_arabic_count_names_what_it_counts_in_a_form_every_number_takes(key):
    """An Arabic noun after a number agrees with it (dual for 2, plural for 3-10, singular
    for 11 and more): "5 احتياج" and "2 احتياج" were wrong, and "4 حكومية" named no noun. A
    count above one says "N of the <plural noun>" ("5 من الاحتياجات"), right for any N."""
    text = interface.strings()[key]["ar"]
    assert "{count} من ال" in text or "{count} من منظمات" in text or "{count} غيرها" in text, text
    # one is said in words where a number would read stiffly ("1 من منظمات المجتمع المدني")
    one = interface.ui(key, "ar", count=1, questions="", evidence="", codes="")
    if key != "summary.action.more":
        assert "1" not in one and ("واحد" in one or "آخر" in one), one


def test_a_count_of_one_reads_in_the_singular_in_every_language():
    """"1 questionnaires could not be read" no more: a text counting things has a singular form
    (``<key>.one``) in the six languages, with the placeholders of its English, used for 1."""
    import string

    texts = interface.strings()
    singular = [k for k in texts if k.endswith(".one") and k[:-len(".one")] in texts]
    assert "report.limits.unusable.one" in singular and len(singular) >= 5
    fields = string.Formatter()
    for key in singular:
        assert set(texts[key]) == set(LANGS), key
        english = {f for _, f, _, _ in fields.parse(texts[key]["en"]) if f}
        for lang, text in texts[key].items():
            found = {f for _, f, _, _ in fields.parse(text) if f}
            found |= english & {"count"}  # the singular may say "one" in words ("سنة واحدة")
            assert found == english, (key, lang)
    assert interface.ui("report.limits.unusable", "en", count=1).startswith(
        "One questionnaire could not be read and is")
    assert interface.ui("report.limits.unusable", "en", count=2).startswith(
        "2 questionnaires could not be read and are")
    assert interface.ui("report.limits.unusable", "fr", count=1).startswith("Un questionnaire")
    assert interface.ui("summary.title", "en", count=1).endswith("summary of 1 return")
    assert interface.ui("summary.title", "en", count=3).endswith("summary of 3 returns")
    # counts in the summary's narrow columns and notes: no "(s)" left to read around
    assert interface.ui("summary.group.government", "fr", count=1) == "1\u00a0administration"
    assert interface.ui("summary.group.government", "fr", count=2) == "2\u00a0administrations"
    assert interface.ui("summary.status.invalid", "en", count=1) == "read, with 1 error to correct"
    assert "(1 año antes)" in interface.ui("summary.chain.attrition_lag", "es", stage="A",
                                            previous="B", count=1)
    plural_marks = ("(s)", "(es)")
    for key in ("summary.group.government", "summary.group.international",
                "summary.status.invalid", "summary.exec.why", "summary.chain.attrition_lag",
                "summary.chain.note", "report.chain.intro"):
        for lang in ("en", "fr", "es"):
            for count in (1, 2):
                text = interface.ui(key, lang, count=count, stage="A", previous="B",
                                    questions="Q", evidence="E", alert="50%")
                assert not any(mark in text for mark in plural_marks), (key, lang, text)


def test_no_interface_text_leaves_a_plural_ending_in_parentheses():
    """"2 год(а) ранее", "article(s)": a reader reads around them; a count has its own form
    (``.one``) or a phrasing that agrees with any number ("лет: 2")."""
    import re

    ending = re.compile(r"[^\W\d_]\((?:s|es|e|а|ов|и|ы|ей|я|ев)\)")
    found = [(key, lang) for key, texts in interface.strings().items()
             for lang, text in texts.items() if ending.search(text)]
    assert found == []
    lag = interface.ui("summary.chain.attrition_lag", "ru", stage="A", previous="B", count=2)
    assert lag == "A: доля от показателя «B» (с отставанием, лет: 2)"
    assert "1 год ранее" in interface.ui("summary.chain.attrition_lag", "ru", stage="A",
                                         previous="B", count=1)
    # Arabic counts years in one form for 1, another for 2, 3-10 and 11 on: a lag other than 1
    # is given as a number ("عدد السنوات: 2"), never as "2 سنة"
    for key in ("summary.chain.attrition_lag", "summary.chain.note", "report.chain.intro"):
        text = interface.ui(key, "ar", stage="A", previous="B", count=2, alert="20%")
        assert "عدد السنوات: 2" in text and "2 سنة" not in text, key
        # and one year in words, as Arabic says it, not "1 سنة"
        text = interface.ui(key, "ar", stage="A", previous="B", count=1, alert="20%")
        assert "سنة واحدة" in text and "1 سنة" not in text, key


def _french_texts(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "fr" and isinstance(value, str):
                yield where, value
            else:
                yield from _french_texts(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _french_texts(value, f"{where}[{i}]")


def test_french_punctuation_keeps_its_space_on_the_same_line():
    """French sets a space before : ; ? ! and inside « »; an ordinary space lets a wrapped cell
    or paragraph start a line with the colon, so every French text, of the interface and of
    the specs, uses a no-break space there."""
    import json
    import re

    loose = re.compile(r" [:;?!»]|« ")
    found = [(where, text) for where, text in _french_texts(interface.strings())
             if loose.search(text)]
    for path in sorted(BUNDLED_SPECS.glob("*.json")):
        spec = json.loads(path.read_text("utf-8"))
        found += [(f"{path.name}{where}", text) for where, text in _french_texts(spec)
                  if loose.search(text)]
    assert found == []
    assert "\u00a0:" in interface.ui("summary.generated", "fr", version="1", date="d",
                                     toolkit="2", count=1, files=1)


def test_every_refusal_of_a_file_reads_in_six_languages():
    """Each code a file is refused with (the gate's, the reader's, the batch's, a submission
    file's) has a line in the six languages for the summary's Sources sheet and the report's
    annex."""
    import re
    from pathlib import Path

    import natk_xlsx

    package = Path(natk_xlsx.__file__).parent
    readers = [*(package / "returns").glob("*.py"), package / "outputs" / "summarise.py"]
    source = "".join(p.read_text("utf-8") for p in readers)
    notes = {"FILE-MACROS", "FILE-LINKS", "FILE-EMBEDDED"}  # read, with a note to the assessor
    codes = set(re.findall(r'"((?:FILE|WORKBOOK|SUBMISSION)-[A-Z-]+)"', source)) - notes
    assert len(codes) >= 20 and "SUBMISSION-NOT-JSON" in codes
    texts = interface.strings()
    for code in sorted(codes | {"INTERNAL"}):
        assert set(texts[f"unusable.{code}"]) == set(LANGS), code


def test_a_file_not_read_is_explained_in_the_language_of_the_summary(tmp_path, toolkit):
    import hostile

    bad = hostile.truncated(tmp_path)
    english = summarise([bad], toolkit, None, lang="en").sources[0]["status"]
    assert "cut off while sending" in english  # the reader's own, detailed message
    chinese = summarise([bad], toolkit, None, lang="zh").sources[0]["status"]
    assert chinese == interface.ui("summary.status.unusable", "zh", error=interface.ui(
        "unusable.FILE-TRUNCATED", "zh") + "（FILE-TRUNCATED）")
    assert "cut off" not in chinese
    other = tmp_path / "notes.json"
    other.write_text('{"title": "not a submission"}', "utf-8")
    (source,) = summarise([other], toolkit, None, lang="ar").sources
    assert interface.ui("unusable.SUBMISSION-OTHER", "ar") in source["status"]
    assert source["code"] == "SUBMISSION-OTHER"


def test_a_respondents_text_keeps_the_direction_it_was_typed_in():
    """An English remark in an Arabic summary showed its full stop at its start; Arabic text,
    and any text in a left-to-right language, is left as it is."""
    from natk_xlsx.i18n.languages import LTR_EMBED, POP, as_typed

    assert as_typed("2025 figures are provisional.", "ar") == (
        f"{LTR_EMBED}2025 figures are provisional.{POP}")
    assert as_typed("الأرقام أولية.", "ar") == "الأرقام أولية."
    assert as_typed("2025.", "ar") == "2025."  # no letter to say a direction
    assert as_typed("Figures provisional.", "fr") == "Figures provisional."


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_the_column_of_what_must_come_first_is_named_alike_in_the_summary_and_the_report(lang):
    """The summary headed it "Must come after" (Chinese 须在其后, where "P05" read as coming
    after) and the report "Must come first", for the same packages: one name, in both."""
    assert interface.ui("summary.col.after", lang) == interface.ui("report.rec.first", lang)


def test_a_number_answered_is_written_as_the_summary_s_language_writes_numbers():
    """"Ministry of Interior : 22.6" on the French Conflicts sheet, since numbers are compared:
    an answer that is a number reads 22,6 in French, 22.6 in English."""
    from natk_xlsx.outputs.sheetkit import answer_text

    toolkit = load_toolkit(BUNDLED_SPECS)
    q = next(q for q in toolkit.questions() if q.type == "decimal")
    assert answer_text(toolkit, q, 22.6, "fr") == "22,6"
    assert answer_text(toolkit, q, 22.6, "en") == "22.6"
    year = next(q for q in toolkit.questions() if q.type == "year")
    assert answer_text(toolkit, year, 2021, "fr") == "2021"


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_the_limit_on_tied_figures_points_to_where_they_are_shown(lang):
    """The English line said "(see where sources disagree)"; five translations did not say
    where the disputed figures are. Each names the label the report gives them."""
    import re

    label = re.split(r"\s?[:：]", interface.ui("summary.chain.sources", lang))[0]
    for key in ("report.limits.tied", "report.limits.tied.one"):
        assert label.lower() in interface.strings()[key][lang].lower(), (key, label)


def test_a_basis_in_brackets_holds_no_brackets_of_its_own():
    """Chinese 否（最严重的看法（均无佐证））: a basis set after an answer in brackets."""
    from natk_xlsx.i18n.languages import aside

    for key in ("summary.basis.uncorroborated", "summary.basis.authoritative_disputed"):
        for lang in UN_LANGUAGES:
            text = aside("No", interface.ui(key, lang), lang)
            assert text.count("(") + text.count("（") == 1, (key, lang, text)

"""The generated workbook: structure, validations, names, skip logic, metadata, protection."""

from __future__ import annotations

import hashlib
import json
import os
import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from describe import describe_workbook
from factory import BUNDLED_SPECS, REPO

from natk_xlsx import layout
from natk_xlsx.errors import InputError, NatkError
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import tr
from natk_xlsx.spec.conditions import referenced_questions
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import (
    GenerateOptions,
    build_generated,
    generate_for_recipients,
    generate_workbook,
    generated_file_name,
    load_recipients,
    safe_file_stem,
)

GOLDEN = Path(__file__).parent / "golden"


def open_wb(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def toolkit():
    return load_toolkit(BUNDLED_SPECS)


@pytest.fixture(scope="module")
def full(toolkit, tmp_path_factory):
    path = tmp_path_factory.mktemp("full") / "toolkit.xlsx"
    result = generate_workbook(toolkit, path, GenerateOptions(country="Veridia",
                                                              assessment="Test 2026"))
    return result, open_wb(path)


def test_small_workbook_matches_golden_description(write_specs, tmp_path):
    """Golden test: the meaning of a small generated workbook (set NATK_UPDATE_GOLDEN=1 to
    accept a deliberate change, then review the diff)."""
    toolkit = load_toolkit(write_specs())
    path = tmp_path / "small.xlsx"
    result = generate_workbook(toolkit, path, GenerateOptions(country="Veridia", reproducible=True))
    # the hash of the specs (and the workbook id made from it) change with lists.json: stand-ins
    text = json.dumps(describe_workbook(path), ensure_ascii=False)
    text = text.replace(toolkit.spec_hash, "<spec hash>").replace(result.workbook_id, "<workbook id>")
    described = json.loads(text)
    golden = GOLDEN / "small_workbook.json"
    if os.environ.get("NATK_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(json.dumps(described, indent=1, ensure_ascii=False) + "\n", "utf-8")
    expected = json.loads(golden.read_text("utf-8"))
    assert described == expected


def test_sheet_order_and_states(full, toolkit):
    _, wb = full
    names = [ws.title for ws in wb.worksheets]
    sheets = [c.sheet_name["en"] for c in toolkit.components]
    assert names == ["Cover", "Instructions", *sheets, layout.LISTS_SHEET, layout.META_SHEET]
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    assert states[layout.LISTS_SHEET] == "hidden"
    assert states[layout.META_SHEET] == "hidden"
    assert all(states[s] == "visible" for s in ["Cover", "Instructions", *sheets])
    assert wb.active.title == "Cover"


def test_every_question_is_found_by_its_defined_name(full, toolkit):
    _, wb = full
    for component in toolkit.components:
        sheet = component.sheet_name["en"]
        ws = wb[sheet]
        for q in component.questions:
            dn = wb.defined_names[q.id]
            (dest_sheet, ref), = list(dn.destinations)
            assert dest_sheet == sheet
            first = ref.replace("$", "").split(":")[0]
            assert first.startswith("D"), (q.id, ref)
            row = ws[first].row
            if q.type in ("multiple_choice", "stats_table"):
                key_row = row - (1 if q.type == "multiple_choice" else 2)
            else:
                key_row = row
            assert ws.cell(key_row, 1).value == q.id
            assert ws.cell(key_row, layout.COL_KEY + 1).value == q.id


def _validations_by_cell(ws):
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in ws.iter_rows(min_row=rng.min_row, max_row=rng.max_row,
                                    min_col=rng.min_col, max_col=rng.max_col):
                for cell in row:
                    found[cell.coordinate] = dv
    return found


def _list_labels(wb, name):
    (sheet, ref), = list(wb.defined_names[name].destinations)
    ws = wb[sheet]
    return [c.value for row in ws[ref.replace("$", "")] for c in row]


def test_answer_cells_carry_the_right_validation(full, toolkit):
    _, wb = full
    for component in toolkit.components:
        ws = wb[component.sheet_name["en"]]
        dvs = _validations_by_cell(ws)
        for q in component.questions:
            (_, ref), = list(wb.defined_names[q.id].destinations)
            first = ref.replace("$", "").split(":")[0]
            dv = dvs[first]
            assert ws[first].protection.locked is False, q.id
            if q.type in ("yes_no", "single_choice"):
                assert dv.type == "list"
                labels = _list_labels(wb, dv.formula1)
                assert labels == [toolkit.answer_label(q, c, "en") for c in toolkit.answer_codes(q)]
                assert dv.prompt == q.guidance["en"]
                assert dv.promptTitle == q.id
            elif q.type == "multiple_choice":
                assert dv.type == "list"
                assert _list_labels(wb, dv.formula1) == ["Yes"]
            elif q.type in ("integer", "year"):
                assert dv.type == "whole"
                if q.type == "integer" and "max" not in q.constraints:  # no 999999999 shown
                    assert (dv.operator, dv.formula1) == ("greaterThanOrEqual", "0")
                    assert dv.error == "Enter a whole number of 0 or more."
                else:
                    assert dv.operator in (None, "between")
            elif q.type in ("decimal", "percentage"):
                assert dv.type == "decimal"
            elif q.type == "date":
                assert dv.type == "date"
                assert ws[first].number_format == "yyyy-mm-dd"
            elif q.type in ("short_text", "long_text"):
                assert dv.type == "textLength"
                assert ws[first].number_format == "@"
            elif q.type == "stats_table":
                assert dv.type == "whole" and dv.operator == "greaterThanOrEqual"
            assert dv.error, q.id
            assert len(dv.prompt or "") <= 255 and len(dv.promptTitle or "") <= 32


def test_statistics_tables_have_one_row_per_year_and_totals(full, toolkit):
    _, wb = full
    years = list(toolkit.years())
    for q in toolkit.questions():
        if q.type != "stats_table":
            continue
        ws = wb[toolkit.component(q.component).sheet_name["en"]]
        (_, ref), = list(wb.defined_names[q.id].destinations)
        first, last = ref.replace("$", "").split(":")
        rows = range(ws[first].row, ws[last].row + 1)
        assert [ws.cell(r, layout.COL_GUIDANCE + 1).value for r in rows] == years
        assert [ws.cell(r, layout.COL_KEY + 1).value for r in rows] == [f"{q.id}|{y}" for y in years]
        width = ws[last].column - ws[first].column + 1
        assert width == len(toolkit.breakdowns[q.breakdown].columns)
        total_row = ws[last].row + 1
        assert str(ws.cell(total_row, ws[first].column).value).startswith("=IF(COUNT(")
        assert f"{q.id}_source" in wb.defined_names
        assert f"{q.id}_reliability" in wb.defined_names


def test_skip_logic_greys_out_rows_that_do_not_apply(full, toolkit):
    _, wb = full
    for component in toolkit.components:
        ws = wb[component.sheet_name["en"]]
        rules = {}
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                rules[str(rng.sqref).split(":")[0]] = rule.formula[0]
        for q in component.questions:
            row = next(r for r in range(1, ws.max_row + 1)
                       if ws.cell(r, layout.COL_KEY + 1).value == q.id)
            if q.relevant is None:
                assert f"A{row}" not in rules, q.id
                continue
            # grey when the hidden 'applicable' cell says the answers given rule it out: one
            # test for the grey and for the cover's progress, and a short format formula
            applicable = f"$V${row}"
            assert layout.cell_name(row - 1, layout.COL_APPLICABLE) == applicable
            assert rules[f"A{row}"] == f"{applicable}=0", q.id
            formula = ws.cell(row, layout.COL_APPLICABLE + 1).value
            assert formula.startswith("=IF(AND("), q.id
            for gate in referenced_questions(q.relevant, q.id):
                (_, ref), = list(wb.defined_names[gate].destinations)
                assert ref.split(":")[0] in formula, (q.id, gate)
    longest = max(len(rule.formula[0]) for ws in wb.worksheets
                  for rng in ws.conditional_formatting for rule in rng.rules)
    assert longest <= 255  # what Excel's own conditional formats take


def test_skip_logic_matches_the_answer_in_any_language_and_case(full, toolkit):
    """The controlling answer is matched as the checker reads it: its labels in every
    language, listed on the hidden lists sheet under a name, compared without case or
    surrounding spaces."""
    _, wb = full
    q = next(q for q in toolkit.questions() if q.relevant and "in" in q.relevant
             and toolkit.question(q.relevant["question"]).type == "yes_no")
    target = toolkit.question(q.relevant["question"])
    ws = wb[toolkit.component(q.component).sheet_name["en"]]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, layout.COL_KEY + 1).value == q.id)
    formula = ws.cell(row, layout.COL_APPLICABLE + 1).value
    (_, ref), = list(wb.defined_names[target.id].destinations)
    typed = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM({ref}),"~","~~"),"*","~*"),"?","~?")'
    name = formula.split(f"MATCH({typed},", 1)[1].split(",0)", 1)[0]  # wildcards as typed
    assert name.startswith("natk_list_any_") and name in wb.defined_names
    (sheet, cells), = list(wb.defined_names[name].destinations)
    listed = {c.value for row_ in wb[sheet][cells.replace("$", "")] for c in row_}
    codes = q.relevant["in"]
    labels = {tr(toolkit.choice_lists["yes_no"].choices[
        [c.code for c in toolkit.choice_lists["yes_no"].choices].index(code)].label, lang)
        for code in codes for lang in ("ar", "zh", "en", "fr", "ru", "es")}
    # each as typed, without its accents and with a final full stop, as the checker reads it
    assert labels | {label + "." for label in labels} | {"Si", "Si."} <= listed
    assert "TRUE" in listed and "FALSE" not in listed  # a TRUE cell reads as yes


def test_metadata_sheet_and_document_properties(full, toolkit):
    result, wb = full
    ws = wb[layout.META_SHEET]
    meta = {row[0].value: row[1].value for row in ws.iter_rows(max_col=2)}
    assert list(meta) == list(layout.META_KEYS)
    assert meta["toolkit_id"] == toolkit.id
    assert meta["spec_hash"] == toolkit.spec_hash
    assert meta["workbook_id"] == result.workbook_id
    assert meta["language"] == "en"
    assert meta["components"].split(",") == [c.id for c in toolkit.components]
    assert json.loads(meta["sheets"])["legal"] == "Legislation"
    assert meta["reference_period"] == "2021-2025"
    assert meta["country"] == "Veridia"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["natk_workbook_id"] == result.workbook_id
    assert props["natk_spec_hash"] == toolkit.spec_hash
    assert all(isinstance(v, str) for v in props.values())


def test_protection_without_password_and_print_setup(full, toolkit):
    _, wb = full
    for component in toolkit.components:
        ws = wb[component.sheet_name["en"]]
        assert ws.protection.sheet and not ws.protection.password
        assert not ws.protection.formatColumns and not ws.protection.formatRows
        assert ws.freeze_panes == "B4"
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$3:$3"
        assert ws["B5"].protection.locked  # question text
        hidden = {n for d in ws.column_dimensions.values() if d.hidden for n in range(d.min, d.max + 1)}
        assert {21, 22, 23} <= hidden


def test_cover_fields_are_named_and_prefilled(full):
    _, wb = full
    for fld in layout.COVER_FIELDS:
        assert layout.cover_name(fld) in wb.defined_names
    (sheet, ref), = list(wb.defined_names[layout.cover_name("country")].destinations)
    assert wb[sheet][ref.replace("$", "")].value == "Veridia"


def test_progress_formulas_have_correct_cached_values(full, toolkit):
    result, _ = full
    with zipfile.ZipFile(result.path) as z:
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
    # before any answer no question is ruled out: every one applies
    assert f"<v>{sum(1 for _ in toolkit.questions())}</v>" in sheet1


def test_builds_are_byte_reproducible(toolkit, tmp_path):
    a = generate_workbook(toolkit, tmp_path / "a.xlsx", GenerateOptions(reproducible=True))
    b = generate_workbook(toolkit, tmp_path / "b.xlsx", GenerateOptions(reproducible=True))
    assert a.workbook_id == b.workbook_id
    assert hashlib.sha256(a.path.read_bytes()).digest() == hashlib.sha256(b.path.read_bytes()).digest()
    c = generate_workbook(toolkit, tmp_path / "c.xlsx")
    assert c.workbook_id != a.workbook_id


def test_generated_folder_is_up_to_date(toolkit, tmp_path):
    """generated/ holds the blank toolkit per published language; rebuild it with
    `natk generate --lang all --reproducible -o generated/` when this fails."""
    built = build_generated(toolkit, tmp_path)
    for result in built:
        committed = REPO / "generated" / result.path.name
        assert committed.exists(), f"{committed} is missing"
        assert committed.read_bytes() == result.path.read_bytes(), f"{committed} is stale"
    names = {r.path.name for r in built}
    assert names == {generated_file_name(toolkit, lang) for lang in toolkit.languages}


def test_recipients_get_the_components_meant_for_them(toolkit, tmp_path):
    recipients = load_recipients(REPO / "examples" / "recipients.csv", toolkit)
    assert len(recipients) == 10
    results = generate_for_recipients(toolkit, recipients, tmp_path, GenerateOptions(country="Veridia"))
    assert len({r.path.name for r in results}) == 10
    for result in results:
        rec = result.recipient
        assert result.path.exists()
        if rec.components:
            assert set(result.components) <= set(rec.components)
        else:
            assert all(rec.kind in toolkit.component(c).respondents for c in result.components)
        wb = open_wb(result.path)
        meta = {r[0].value: r[1].value for r in wb[layout.META_SHEET].iter_rows(max_col=2)}
        assert meta["institution"] == rec.institution
        assert meta["respondent_kind"] == (rec.kind or "")
        for qid in filter(None, meta["omitted_questions"].split(",")):
            assert qid not in wb.defined_names
            assert rec.kind not in toolkit.question(qid).respondents
    judiciary = next(r for r in results if r.recipient.institution.startswith("Supreme Court"))
    assert judiciary.components == ("judiciary", "capacity")


def test_tailoring_keeps_questions_that_skip_logic_needs(write_specs, tmp_path):
    from factory import component, question

    comps = {"alpha": component("alpha", "ALP", [
        question("ALP.01", respondents=["ngo"]),
        question("ALP.02", "integer", relevant={"question": "ALP.01", "in": ["yes"]}),
        question("ALP.03", respondents=["ngo"]),
    ])}
    toolkit = load_toolkit(write_specs(comps))
    from natk_xlsx.workbook.generate import tailor

    kept = [q.id for q in tailor(toolkit.component("alpha"), "police").questions]
    assert kept == ["ALP.01", "ALP.02"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Ministry of Justice", "ministry-of-justice"), ("CON", "con"), ("../../etc/passwd", "etc-passwd"),
     ("وزارة العدل", "وزارة-العدل"), ("???", "recipient"), ("Police – Unit / 2", "police-unit-2")],
)
def test_safe_file_stems(text, expected):
    assert safe_file_stem(text) == expected


@pytest.mark.parametrize(
    ("content", "message"),
    [("name,kind\nX,police\n", "column 'institution'"),
     ("institution,kind\n,police\n", "row 2: the institution is missing"),
     ("institution,kind\nX,wizards\n", "row 2: unknown kind 'wizards'"),
     ("institution,components\nX,legal;magic\n", "row 2: unknown component(s) magic"),
     ("institution,language\nX,de\n", "unknown language 'de'"),
     ("institution,colour\nX,red\n", "unknown column(s) colour")],
)
def test_bad_recipients_files_name_the_row(toolkit, tmp_path, content, message):
    path = tmp_path / "r.csv"
    path.write_text(content, "utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        load_recipients(path, toolkit)


def test_recipients_json(toolkit, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps([{"institution": "Police", "kind": "police"},
                                {"institution": "Courts", "components": ["judiciary"]}]), "utf-8")
    recipients = load_recipients(path, toolkit)
    assert recipients[1].components == ("judiciary",)
    assert "law_enforcement" in recipients[0].components


def test_unpublished_language_and_unknown_component_are_refused(toolkit, write_specs, tmp_path):
    english_only = load_toolkit(write_specs())
    with pytest.raises(NatkError, match="not yet published in 'fr'"):
        generate_workbook(english_only, tmp_path / "x.xlsx", GenerateOptions(lang="fr"))
    with pytest.raises(NatkError, match="no component magic"):
        generate_workbook(toolkit, tmp_path / "x.xlsx", GenerateOptions(components=["magic"]))


def test_targeted_assessment_and_period(toolkit, tmp_path):
    result = generate_workbook(toolkit, tmp_path / "t.xlsx", GenerateOptions(
        components=["victims", "legal"], period=(2019, 2021)))
    assert result.components == ("legal", "victims")  # assessment order
    wb = open_wb(result.path)
    assert [ws.title for ws in wb.worksheets][2:4] == ["Legislation", "Victims"]
    meta = {r[0].value: r[1].value for r in wb[layout.META_SHEET].iter_rows(max_col=2)}
    assert meta["reference_period"] == "2019-2021"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_instrument_is_named_once_with_all_its_articles(tmp_path, lang):
    """LEG.12 rests on two articles of the Protocol and one of the Model Law: the guidance
    names each instrument once, in the workbook's language."""
    bundled = load_toolkit()
    short = {e.code: e.extra["short"][lang] for e in bundled.vocabularies["instruments"]}
    path = generate_workbook(bundled, tmp_path / "w.xlsx", GenerateOptions(lang=lang)).path
    ws = openpyxl.load_workbook(path)[bundled.component("legal").sheet_name[lang]]
    guidance = next(row[2].value for row in ws.iter_rows() if row[0].value == "LEG.12")
    cited = {"en": f"{short['tip_protocol']}, arts 3(c), 3(d); {short['model_law']}, art. 8",
             "zh": f"{short['tip_protocol']}第3(c)、3(d)条；{short['model_law']}第8条"}
    # Chinese sets the citation in its full-width brackets
    assert guidance.endswith(f"\n［{cited[lang]}］" if lang == "zh" else f"\n[{cited[lang]}]")


@pytest.mark.parametrize("lang, principle", [("en", "Principle 7"), ("zh", "原则7"),
                                             ("ar", "المبدأ 7"), ("fr", "Principe 7")])
def test_a_named_article_is_cited_in_the_sheet_s_language(toolkit, tmp_path, lang, principle):
    """The Recommended Principles and Guidelines are cited by principle and guideline: those
    words are in the sheet's language, as the instrument's name is ("Principle 7" stood in
    English in the Chinese and Arabic guidance)."""
    path = generate_workbook(toolkit, tmp_path / f"legal-{lang}.xlsx",
                             GenerateOptions(components=["legal"], lang=lang)).path
    ws = open_wb(path)[toolkit.component("legal").sheet_name[lang]]
    column, = ws.iter_cols(min_col=layout.COL_GUIDANCE + 1, max_col=layout.COL_GUIDANCE + 1)
    guidance = [str(cell.value or "") for cell in column]
    cited = [text for text in guidance if principle in text]
    assert cited, principle
    if lang != "en":
        assert not [text for text in guidance if "Principle " in text or "Guideline " in text]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_workbook_printed_to_fill_by_hand_shows_the_answers_its_lists_offer(toolkit, tmp_path,
                                                                             lang):
    """On paper no drop-down list shows its choices: a single-choice question, and a yes-or-no
    question that does not offer the usual four answers, lists the answers it offers under the
    question, each after a box to tick; the instructions say what to write for the other
    yes-or-no questions, the priority and the reliability of figures (they named "Not
    applicable" and "Partly" for questions that refuse them)."""
    path = generate_workbook(toolkit, tmp_path / f"legal-{lang}.xlsx",
                             GenerateOptions(components=["legal"], lang=lang)).path
    book = open_wb(path)
    ws = book[toolkit.component("legal").sheet_name[lang]]
    rows = {ws.cell(r, layout.COL_KEY + 1).value: r for r in range(1, ws.max_row + 1)}
    usual = ("yes", "partly", "no", "dont_know")  # the yes-or-no answers the instructions name
    listing = [q for q in toolkit.component("legal").questions if q.type == "single_choice"
               or (q.type == "yes_no" and toolkit.answer_codes(q) != usual)]
    assert any(q.type == "yes_no" for q in listing) and any(q.type != "yes_no" for q in listing)
    for q in toolkit.component("legal").questions:
        question = ws.cell(rows[q.id], layout.COL_QUESTION + 1).value
        offered = [toolkit.answer_label(q, code, lang) for code in toolkit.answer_codes(q)]
        ticks = [line[2:] for line in question.split("\n") if line.startswith("☐ ")]
        assert ticks == (offered if q in listing else []), q.id
    paper = next(str(c.value) for row in book[ui("sheet.instructions", lang)].iter_rows()
                 for c in row if str(c.value or "").startswith("13. "))
    for list_id, codes in (("yes_no", usual), ("priority", None), ("reliability", None)):
        for choice in toolkit.choice_lists[list_id].choices:
            if codes is None or choice.code in codes:
                assert tr(choice.label, lang) in paper, (list_id, choice.code)
            elif list_id == "yes_no":  # "Not applicable": offered by few, named by those
                assert tr(choice.label, lang) not in paper, choice.code


@pytest.mark.parametrize("lang", ["en", "ar", "es"])
def test_the_instructions_on_paper_say_what_paper_needs(toolkit, tmp_path, lang):
    """A respondent filling a printed copy was told to put a total in the "Not recorded"
    column, which many tables lack, that totals "are calculated" (not on paper), nothing of
    what the column "already provided?" takes, nor where to send the pages."""
    path = generate_workbook(toolkit, tmp_path / f"paper-{lang}.xlsx", GenerateOptions(
        components=["legal"], lang=lang, return_to="team@assessment.example by 31 January")).path
    lines = [str(c.value) for row in open_wb(path)[ui("sheet.instructions", lang)].iter_rows()
             for c in row if c.value]
    tables = next(line for line in lines if line.startswith("7. "))
    assert ui("col.comment", lang) in tables  # a total without its column: in the Comments
    paper = next(line for line in lines if line.startswith("13. "))
    provided = next(line for line in paper.split("\n") if ui("col.provided", lang) in line)
    labels = {c.code: tr(c.label, lang) for c in toolkit.choice_lists["yes_no"].choices}
    assert all(labels[code] in provided for code in ("yes", "no", "dont_know"))
    assert labels["partly"] not in provided
    assert lines[lines.index(paper) + 1].startswith("14. ")
    assert lines[lines.index(paper) + 1].endswith("team@assessment.example by 31 January")
    plain = generate_workbook(toolkit, tmp_path / f"plain-{lang}.xlsx",
                              GenerateOptions(components=["legal"], lang=lang)).path
    assert not any(str(c.value or "").startswith("14. ") for row in
                   open_wb(plain)[ui("sheet.instructions", lang)].iter_rows() for c in row)


def test_a_long_list_of_answers_sits_side_by_side_where_one_a_line_would_not_fit(write_specs,
                                                                                 tmp_path):
    """Listed one a line, these answers would make the row taller than a row can be (409 pt),
    and the last ones would be cut off on paper: they sit side by side instead, and the row
    holds them all."""
    from factory import component, default_components, question
    from printed import load, short_rows

    labels = [f"Answer {i:02d}" for i in range(40)]
    comps = default_components()
    comps["alpha"] = component("alpha", "ALP", [
        question("ALP.01", "single_choice", choices="alpha_many")],
        choice_lists={"alpha_many": {"description": "Many long answers.", "choices": [
            {"code": f"a{i}", "label": {"en": label}} for i, label in enumerate(labels)]}})
    toolkit = load_toolkit(write_specs(comps))
    path = generate_workbook(toolkit, tmp_path / "many.xlsx", GenerateOptions()).path
    ws = load(path)["Alpha"]
    question_cell = next(c for row in ws.iter_rows(min_col=layout.COL_QUESTION + 1,
                                                   max_col=layout.COL_QUESTION + 1)
                         for c in row if str(c.value or "").startswith("Question ALP.01"))
    assert "   ☐ " + labels[1] in question_cell.value and labels[-1] in question_cell.value
    assert short_rows(ws) == []


@pytest.mark.parametrize("lang, font", [("en", "-"), ("zh", "Microsoft YaHei"), ("ar", "Arial")])
def test_a_printed_page_s_header_is_set_in_its_script_s_font(toolkit, tmp_path, lang, font):
    """The sheet's name at the top of each printed page is set in the font of the sheet's
    script: in the default font LibreOffice cut off the foot of Chinese and Arabic letters."""
    path = generate_workbook(toolkit, tmp_path / f"legal-{lang}.xlsx",
                             GenerateOptions(components=["legal"], lang=lang)).path
    ws = open_wb(path)[toolkit.component("legal").sheet_name[lang]]
    assert (ws.oddHeader.left.text, ws.oddHeader.left.font) == ("&A", f"{font},Bold")
    assert ws.oddFooter.right.text == "&P / &N" and ws.oddFooter.left.font == f"{font},Regular"


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_a_printed_page_says_whose_questionnaire_it_is(toolkit, tmp_path, lang):
    """Every institution's copy has sheets of the same names: a page come loose from a paper
    copy is matched to its return by the country, the institution and the workbook in its
    footer."""
    from natk_xlsx.workbook.generate import Recipient

    who = Recipient("Ministry of Justice & Human Rights, " + "Directorate & Office " * 10, None,
                    "", "", "", ("legal",), lang)
    made = generate_workbook(toolkit, tmp_path / f"mj-{lang}.xlsx",
                             GenerateOptions(country="Veridia"), who)
    ws = open_wb(made.path)[toolkit.component("legal").sheet_name[lang]]
    footer = ws.oddFooter.left.text
    assert footer.startswith("Veridia · Ministry of Justice && Human Rights, Directorate")
    assert made.workbook_id[:8] in footer and "…" in footer  # the long name cut short
    # a country as long, with "&" to double: a footer past 255 characters is not written at all
    long = generate_workbook(toolkit, tmp_path / f"long-{lang}.xlsx",
                             GenerateOptions(country="Republic & Union " * 9), who)
    ws = open_wb(long.path)[toolkit.component("legal").sheet_name[lang]]
    assert long.workbook_id[:8] in ws.oddFooter.left.text
    assert ws.oddFooter.right.text == "&P / &N"


@pytest.mark.parametrize("lang, cited", [
    ("en", "OHCHR Principle 7; UNODC Model Law, art. 10"),
    ("zh", "人权高专办原则7；"),
    ("ar", "المفوضية السامية لحقوق الإنسان، المبدأ 7؛\u200f "),
    ("fr", "Principe 7 du HCDH\u00a0; "),
])
def test_an_instrument_of_named_parts_is_cited_without_saying_its_name_twice(toolkit, tmp_path,
                                                                             lang, cited):
    """"OHCHR Principles Principle 7" said "principle" twice ("人权高专办建议原则 原则7"): the
    Recommended Principles and Guidelines are cited by their own form, the parts in its place."""
    path = generate_workbook(toolkit, tmp_path / f"legal-{lang}.xlsx",
                             GenerateOptions(components=["legal"], lang=lang)).path
    ws = open_wb(path)[toolkit.component("legal").sheet_name[lang]]
    guidance = {row[0].value: str(row[layout.COL_GUIDANCE].value or "") for row in ws.iter_rows()}
    assert cited in guidance["LEG.23"]
    short = next(e.extra["short"][lang] for e in toolkit.vocabularies["instruments"]
                 if e.code == "ohchr_principles")
    assert not [qid for qid, text in guidance.items() if short in text]


def test_parts_of_one_instrument_are_listed_in_its_citation(tmp_path):
    """POL.35 rests on a principle and a guideline: both go where the citation form puts them."""
    bundled = load_toolkit()
    for lang, cited in (("en", "[OHCHR Principle 3, Guideline 1.5; "), ("zh", "［人权高专办原则3、准则1.5；")):
        path = generate_workbook(bundled, tmp_path / f"{lang}.xlsx",
                                 GenerateOptions(components=["policy"], lang=lang)).path
        ws = openpyxl.load_workbook(path)[bundled.component("policy").sheet_name[lang]]
        guidance = next(row[2].value for row in ws.iter_rows() if row[0].value == "POL.35")
        assert cited in guidance


def test_a_citation_form_must_say_where_the_parts_go(write_specs):
    from natk_xlsx.spec.lint import lint_specs

    lists = {"instruments": [{"code": "rpg", "label": {"en": "Principles"},
                              "short": {"en": "RPG"}, "cite": {"en": "RPG"}}]}
    report = lint_specs(write_specs(lists=lists))
    assert [p.path for p in report.problems if p.code == "SPEC-STANDARD"] == [
        "$.instruments[0].cite.en"]


@pytest.mark.parametrize("lang, cited", [
    ("en", "ILO P29, art. 2"), ("zh", "劳工组织第29号公约议定书第2条"), ("fr", "OIT P29, art. 2"),
    ("ar", "بروتوكول عام 2014 لاتفاقية العمل الجبري، المادة \u200e2\u200e")])
def test_a_numbered_article_is_cited_as_an_article(toolkit, tmp_path, lang, cited):
    """"ILO C29 25" read as one number after another: an article is cited as one, in the
    sheet's language ("art. 25", "第25条", "المادة 25"). In Arabic a reference is kept in its
    own order by a left-to-right mark on each side (the bidirectional rules show "3(a)" as
    "(a)3" and "7(1)" as "(1)7")."""
    qid = next(q.id for q in toolkit.questions() for s in q.standards
               if s.instrument == "ilo_p29" and s.article == "2")
    cid = qid.split(".")[0]
    component = next(c for c in toolkit.components if c.questions[0].id.startswith(cid))
    path = generate_workbook(toolkit, tmp_path / f"{lang}.xlsx",
                             GenerateOptions(components=[component.id], lang=lang)).path
    ws = open_wb(path)[component.sheet_name[lang]]
    guidance = next(str(row[layout.COL_GUIDANCE].value) for row in ws.iter_rows()
                    if row[0].value == qid)
    assert cited in guidance
    if lang == "ar":
        articles = re.findall(r"[\u200e]?\d+\([a-z0-9]+\)[\u200e]?", "".join(
            str(row[layout.COL_GUIDANCE].value or "") for row in ws.iter_rows()))
        assert articles and all(a.startswith("\u200e") and a.endswith("\u200e")
                                for a in articles)


def test_a_decimal_and_a_percentage_show_what_was_typed(full, toolkit):
    """'0.##' showed 6 as '6.' and '0%' showed 12.5 % as 13 %, as if the figure had been
    changed: a decimal is shown as typed, a percentage to a tenth."""
    _, wb = full
    for q in toolkit.questions():
        if q.type not in ("decimal", "percentage"):
            continue
        (sheet, ref), = list(wb.defined_names[q.id].destinations)
        expected = "General" if q.type == "decimal" else "0.0%"
        assert wb[sheet][ref.replace("$", "")].number_format == expected, q.id

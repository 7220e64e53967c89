"""Each class of broken spec is caught, with the file, the JSON path and a code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from factory import BUNDLED_SPECS, default_components

from natk_xlsx.errors import InputError, SpecError
from natk_xlsx.spec.lint import lint_specs, load_toolkit
from natk_xlsx.spec.lint_report import LintReport


def codes(report: LintReport, severity: str = "error") -> list[tuple[str, str, str]]:
    return [(p.code, p.file, p.path) for p in report.problems if p.severity == severity]


def with_question(cid: str, index: int, **changes: Any) -> dict[str, dict[str, Any]]:
    comps = default_components()
    comps[cid]["questions"][index].update(changes)
    return comps


def complete(comps: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The components as version 2 of the format wants them: a theme and a gap on every needs
    rule and the authoritative respondents of every question."""
    for comp in comps.values():
        for q in comp["questions"]:
            q.setdefault("authoritative", list(q.get("respondents", comp["respondents"]))[:1])
            for rule in q.get("needs", []):
                rule.setdefault("theme", "training")
                rule.setdefault("gap", {"en": f"{q['id']} reveals a gap"})
    return comps


def test_small_valid_toolkit_has_no_problems(write_specs):
    report = lint_specs(write_specs(complete(default_components())))
    assert report.problems == []
    assert report.ok
    toolkit = report.toolkit
    assert toolkit is not None
    assert [c.id for c in toolkit.components] == ["alpha", "beta"]
    assert toolkit.question("ALP.02").relevant == {"question": "ALP.01", "in": ["yes"]}
    stats = {c.id: c for c in report.components}
    assert stats["alpha"].questions == 4
    assert stats["alpha"].tables == 1
    assert stats["alpha"].skip_logic == 1
    assert stats["alpha"].with_needs == 1


def test_invalid_json_names_line_and_column(write_specs):
    folder = write_specs(raw={"alpha.json": '{"kind": "component",\n "id": }'})
    report = lint_specs(folder)
    (problem,) = [p for p in report.errors if p.code == "SPEC-JSON"]
    assert problem.file == "alpha.json"
    assert problem.path == "line 2 column 8"


def test_one_file_that_is_not_json_is_said_once_and_blames_no_other(write_specs):
    """A comma missing in one component's file was said, then followed by "component 'alpha'
    has no file alpha.json; add alpha.json" (it is there) and, in the other files, every
    question of it they name said missing."""
    comps = complete(default_components())
    comps["beta"]["questions"][0]["needs"] = [{**comps["alpha"]["questions"][0]["needs"][0],
                                               "depends_on": ["ALP.01"]}]
    assert codes(lint_specs(write_specs(comps))) == []  # beta names ALP.01, which is there
    folder = write_specs(comps)
    (folder / "alpha.json").write_text('{"kind": "component",\n "id": "alpha",,}', "utf-8")
    report = lint_specs(folder)
    assert codes(report) == [("SPEC-JSON", "alpha.json", "line 2 column 16")]
    assert "no comma after an object's or a list's last item" in report.errors[0].fix
    assert ("SPEC-PARTIAL", "alpha.json", "$") in codes(report, "warning")


def test_a_file_saved_with_a_byte_order_mark_is_utf8_too(write_specs):
    """Notepad's and PowerShell's "UTF-8 with BOM" was refused as "not valid JSON (Unexpected
    UTF-8 BOM (decode using utf-8-sig))", and toolkit.json so saved as missing."""
    folder = write_specs(complete(default_components()))
    for name in ("alpha.json", "toolkit.json"):
        (folder / name).write_bytes(b"\xef\xbb\xbf" + (folder / name).read_bytes())
    assert lint_specs(folder).problems == []
    assert load_toolkit(folder).question("ALP.01")


def test_a_key_given_twice_in_one_object_is_an_error(write_specs):
    """A translation added on a new line instead of replacing the old one: JSON keeps the last
    one silently, and the workbook showed the text meant to be deleted."""
    folder = write_specs(complete(default_components()))
    text = (folder / "alpha.json").read_text("utf-8")
    first = text.index('"en": ')
    (folder / "alpha.json").write_text(text[:first] + '"en": "OLD TEXT", ' + text[first:],
                                       "utf-8")
    report = lint_specs(folder)
    (problem,) = [p for p in report.errors if p.code == "SPEC-JSON"]
    assert problem.file == "alpha.json" and 'the key "en" is given twice' in problem.message


def test_schema_errors_name_the_json_path(write_specs):
    comps = default_components()
    del comps["alpha"]["questions"][1]["guidance"]
    comps["beta"]["questions"][0]["id"] = "Q1"
    report = lint_specs(write_specs(comps))
    found = codes(report)
    assert ("SPEC-SCHEMA", "alpha.json", "$.questions[1]") in found
    assert ("SPEC-SCHEMA", "beta.json", "$.questions[0].id") in found
    message = next(p.message for p in report.errors if p.path == "$.questions[1]")
    assert "guidance" in message


def test_a_misspelt_type_is_one_short_error_where_it_is(write_specs):
    """"single-choice" for single_choice gave, besides the error on the type, a line of 2,000
    characters writing out the whole question ("... should not be valid under {'required':
    ['choices']}")."""
    comps = default_components()
    (i, q), = [(i, q) for i, q in enumerate(comps["alpha"]["questions"]) if "choices" in q]
    q["guidance"] = {"en": "Count each case once, as the case file records it. " * 4}
    q["type"] = q["type"].replace("_", "-")
    report = lint_specs(write_specs(comps))
    schema = [p for p in report.errors if p.code == "SPEC-SCHEMA"]
    assert [p.path for p in schema] == [f"$.questions[{i}].type"]
    assert all(len(p.message) < 300 for p in report.problems)


def test_unknown_answer_type_and_tag_are_schema_errors(write_specs):
    comps = with_question("alpha", 0, type="maybe", tags=["weather"])
    found = codes(lint_specs(write_specs(comps)))
    assert ("SPEC-SCHEMA", "alpha.json", "$.questions[0].type") in found
    assert ("SPEC-SCHEMA", "alpha.json", "$.questions[0].tags[0]") in found


def test_duplicate_question_ids_across_components(write_specs):
    comps = default_components()
    comps["beta"]["prefix"] = "ALP"
    comps["beta"]["questions"][0]["id"] = "ALP.01"
    comps["beta"]["questions"][1]["id"] = "ALP.09"
    found = codes(lint_specs(write_specs(comps)))
    assert ("SPEC-DUPLICATE-ID", "beta.json", "$.questions[0].id") in found
    assert ("SPEC-DUPLICATE-ID", "beta.json", "$.prefix") in found


def test_question_id_must_carry_the_component_prefix(write_specs):
    found = codes(lint_specs(write_specs(with_question("alpha", 0, id="BET.07"))))
    assert ("SPEC-PREFIX", "alpha.json", "$.questions[0].id") in found


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"section": "nowhere"}, "$.questions[0].section"),
        ({"type": "single_choice", "choices": "no_such_list", "needs": []}, "$.questions[0].choices"),
        ({"standards": [{"instrument": "magna_carta", "article": "39"}]},
         "$.questions[0].standards[0].instrument"),
        ({"respondents": ["astronauts"]}, "$.questions[0].respondents[0]"),
    ],
)
def test_unresolved_references(write_specs, change, path):
    found = codes(lint_specs(write_specs(with_question("alpha", 0, **change))))
    assert ("SPEC-REF", "alpha.json", path) in found


def test_unresolved_breakdown_and_indicator(write_specs):
    comps = with_question("alpha", 3, breakdown="by_colour", indicator="happiness")
    found = codes(lint_specs(write_specs(comps)))
    assert ("SPEC-REF", "alpha.json", "$.questions[3].breakdown") in found
    assert ("SPEC-REF", "alpha.json", "$.questions[3].indicator") in found


def test_component_respondent_kind_must_exist(write_specs):
    comps = default_components()
    comps["beta"]["respondents"] = ["police", "wizards"]
    assert ("SPEC-REF", "beta.json", "$.respondents[1]") in codes(lint_specs(write_specs(comps)))


def test_relevance_may_only_point_to_earlier_questions(write_specs):
    comps = with_question("alpha", 0, relevant={"question": "ALP.02", "answered": True})
    comps["alpha"]["questions"][1]["relevant"] = {"question": "ALP.02", "gt": 3}
    found = codes(lint_specs(write_specs(comps)))
    assert ("SPEC-RELEVANCE-ORDER", "alpha.json", "$.questions[0].relevant.question") in found
    assert ("SPEC-RELEVANCE-ORDER", "alpha.json", "$.questions[1].relevant.question") in found


def test_relevance_codes_must_be_answers_of_the_named_question(write_specs):
    comps = with_question("alpha", 1, relevant={"question": "ALP.01", "in": ["perhaps"]})
    report = lint_specs(write_specs(comps))
    assert ("SPEC-CONDITION", "alpha.json", "$.questions[1].relevant.in") in codes(report)
    assert "perhaps is not an answer of ALP.01" in report.errors[0].message


def test_not_applicable_is_an_answer_only_where_allowed(write_specs):
    comps = with_question("alpha", 1, relevant={"question": "ALP.01", "in": ["not_applicable"]})
    assert codes(lint_specs(write_specs(comps)))
    comps["alpha"]["questions"][0]["allow_na"] = True
    assert codes(lint_specs(write_specs(comps))) == []


def test_partly_is_not_an_answer_when_switched_off(write_specs):
    comps = with_question("alpha", 1, relevant={"question": "ALP.01", "in": ["partly"]})
    comps["alpha"]["questions"][0]["partly"] = False
    assert ("SPEC-CONDITION", "alpha.json", "$.questions[1].relevant.in") in codes(
        lint_specs(write_specs(comps)))


def test_comparison_needs_a_numeric_question(write_specs):
    comps = with_question("alpha", 1, relevant={"question": "ALP.01", "ge": 2})
    assert ("SPEC-CONDITION", "alpha.json", "$.questions[1].relevant.ge") in codes(
        lint_specs(write_specs(comps)))


def test_relevance_in_nested_conditions_is_checked(write_specs):
    cond = {"all": [{"question": "ALP.01", "in": ["yes"]},
                    {"not": {"question": "ALP.99", "answered": True}}]}
    found = codes(lint_specs(write_specs(with_question("alpha", 1, relevant=cond))))
    assert ("SPEC-REF", "alpha.json", "$.questions[1].relevant.all[1].not.question") in found


def test_relevance_must_name_a_question_and_stay_in_its_component(write_specs):
    comps = with_question("beta", 1, relevant={"question": "ALP.01", "in": ["yes"]})
    comps["beta"]["questions"][0]["relevant"] = {"in": ["yes"]}
    found = codes(lint_specs(write_specs(comps)))
    assert ("SPEC-CONDITION", "beta.json", "$.questions[1].relevant.question") in found
    assert ("SPEC-CONDITION", "beta.json", "$.questions[0].relevant") in found


def test_needs_rule_codes_are_checked_against_the_question(write_specs):
    comps = default_components()
    comps["alpha"]["questions"][0]["needs"][0]["when"] = {"in": ["nope"]}
    assert ("SPEC-CONDITION", "alpha.json", "$.questions[0].needs[0].when.in") in codes(
        lint_specs(write_specs(comps)))


def test_needs_dependencies_must_not_form_a_cycle(write_specs):
    comps = default_components()
    comps["alpha"]["questions"][0]["needs"][0]["depends_on"] = ["BET.01"]
    comps["beta"]["questions"][0]["needs"][0]["depends_on"] = ["ALP.01"]
    report = lint_specs(write_specs(comps))
    cycles = [p for p in report.errors if p.code == "SPEC-CYCLE"]
    assert len(cycles) == 1
    assert "ALP.01 → BET.01 → ALP.01" in cycles[0].message


def test_needs_dependency_must_exist(write_specs):
    comps = default_components()
    comps["alpha"]["questions"][0]["needs"][0]["depends_on"] = ["ALP.77"]
    assert ("SPEC-REF", "alpha.json", "$.questions[0].needs[0].depends_on[0]") in codes(
        lint_specs(write_specs(comps)))


@pytest.mark.parametrize(
    "name", ["A name far too long for any Excel tab", "Police/Border", "Courts?", "History"]
)
def test_sheet_names_follow_excels_rules(write_specs, name):
    comps = default_components()
    comps["alpha"]["sheet_name"] = {"en": name}
    assert ("SPEC-EXCEL-SHEET-NAME", "alpha.json", "$.sheet_name.en") in codes(
        lint_specs(write_specs(comps)))


def test_sheet_names_must_differ_ignoring_case(write_specs):
    comps = default_components()
    comps["alpha"]["sheet_name"] = {"en": "Police"}
    comps["beta"]["sheet_name"] = {"en": "POLICE"}
    assert ("SPEC-DUPLICATE-ID", "beta.json", "$.sheet_name.en") in codes(
        lint_specs(write_specs(comps)))


def test_guidance_longer_than_an_input_message(write_specs):
    comps = with_question("alpha", 0, guidance={"en": "x" * 256})
    assert ("SPEC-EXCEL-LIMIT", "alpha.json", "$.questions[0].guidance.en") in codes(
        lint_specs(write_specs(comps)))
    comps = with_question("alpha", 0, guidance={"en": "x" * 255})
    assert codes(lint_specs(write_specs(comps))) == []


def test_published_language_must_be_complete(write_specs):
    folder = write_specs(manifest={"languages": ["en", "fr"]})
    report = lint_specs(folder)
    errors = [p for p in report.errors if p.code == "SPEC-TRANSLATION"]
    assert {p.file for p in errors} == {"alpha.json", "beta.json", "toolkit.json"}
    assert all("no fr version" in p.message for p in errors)
    fr = next(s for s in report.languages if s.lang == "fr")
    assert fr.published and fr.translated < fr.texts


def test_draft_language_is_counted_but_not_an_error(write_specs):
    before = next(s for s in lint_specs(write_specs()).languages if s.lang == "fr")
    comps = with_question("alpha", 0, text={"en": "Is it so?", "fr": "Est-ce ainsi ?"})
    report = lint_specs(write_specs(comps))
    assert report.ok
    fr = next(s for s in report.languages if s.lang == "fr")
    assert fr.translated == before.translated + 1 and not fr.published
    en = next(s for s in report.languages if s.lang == "en")
    assert en.translated == en.texts and en.percent == 100.0


def test_missing_component_file_and_orphan_file(write_specs):
    comps = default_components()
    folder = write_specs(comps, manifest={"components": ["alpha", "gamma"]})
    report = lint_specs(folder)
    assert ("SPEC-MISSING-FILE", "toolkit.json", "$.components[1]") in codes(report)
    assert ("SPEC-ORPHAN-FILE", "beta.json", "$") in codes(report, "warning")


def test_component_id_must_match_its_file(write_specs):
    comps = default_components()
    comps["beta"]["id"] = "gamma"
    assert ("SPEC-ID", "beta.json", "$.id") in codes(lint_specs(write_specs(comps)))


def test_duplicate_labels_in_a_list_cannot_be_mapped_back(write_specs):
    comps = default_components()
    comps["alpha"]["choice_lists"] = {"alpha_mood": {"choices": [
        {"code": "good", "label": {"en": "Fine"}}, {"code": "fine", "label": {"en": " fine"}}]}}
    comps["alpha"]["questions"][2]["choices"] = "alpha_mood"
    assert ("SPEC-DUPLICATE-LABEL", "alpha.json", "$.choice_lists.alpha_mood.choices") in codes(
        lint_specs(write_specs(comps)))


def test_list_defined_twice(write_specs):
    comps = default_components()
    comps["alpha"]["choice_lists"] = {"frequency": {"choices": [
        {"code": "a", "label": {"en": "A"}}, {"code": "b", "label": {"en": "B"}}]}}
    assert ("SPEC-DUPLICATE-ID", "alpha.json", "$.choice_lists.frequency") in codes(
        lint_specs(write_specs(comps)))


def test_sections_keep_their_questions_together(write_specs):
    comps = default_components()
    comps["alpha"]["questions"][3]["section"] = "basics"
    assert ("SPEC-SECTION-ORDER", "alpha.json", "$.questions[3].section") in codes(
        lint_specs(write_specs(comps)))


def test_a_question_moved_out_of_its_section_is_the_one_named(write_specs):
    """A question of the last section moved up among the first's: the questions after it were
    each said to be in a section that "came earlier", and the one moved was never named."""
    comps = complete(default_components())
    alpha = comps["alpha"]
    alpha["sections"].append({**alpha["sections"][1], "id": "last"})
    for q in alpha["questions"][2:]:
        q["section"] = "last"
    alpha["questions"][1]["section"] = "more"  # basics: ALP.01; more: ALP.02; last: ALP.03-04
    assert [c for c in codes(lint_specs(write_specs(comps))) if c[0] == "SPEC-SECTION-ORDER"] == []
    alpha["questions"].insert(0, alpha["questions"].pop(3))  # ALP.04 moved to the top
    report = lint_specs(write_specs(comps))
    found = [p for p in report.errors if p.code == "SPEC-SECTION-ORDER"]
    assert [(p.path, p.message) for p in found] == [(
        "$.questions[0].section", "ALP.04 belongs to section 'last' but stands among the "
        "questions of section 'basics'")]


def test_constraints_must_fit_the_type(write_specs):
    comps = with_question("alpha", 1, constraints={"min": 10, "max": 2, "max_length": 5})
    found = codes(lint_specs(write_specs(comps)))
    assert ("SPEC-CONSTRAINT", "alpha.json", "$.questions[1].constraints.max_length") in found
    assert ("SPEC-CONSTRAINT", "alpha.json", "$.questions[1].constraints") in found


def test_fixed_vocabulary_needs_every_label(write_specs):
    lists = {"assistance": [{"code": "training", "label": {"en": "Training"}}]}
    report = lint_specs(write_specs(lists=lists))
    assert ("SPEC-VOCABULARY", "lists.json", "$.assistance") in codes(report)


def test_warnings_for_yes_no_without_needs_and_thin_components(write_specs):
    comps = default_components()
    del comps["beta"]["questions"][0]["needs"]
    comps["beta"]["category"] = "core"
    report = lint_specs(write_specs(comps))
    assert report.ok
    warned = codes(report, "warning")
    assert ("SPEC-NO-NEEDS", "beta.json", "$.questions[0]") in warned
    assert ("SPEC-FEW-QUESTIONS", "beta.json", "$.questions") in warned


def test_reference_period_must_run_forwards(write_specs):
    folder = write_specs(manifest={"reference_period": {"first_year": 2024, "last_year": 2020}})
    assert ("SPEC-PERIOD", "toolkit.json", "$.reference_period") in codes(lint_specs(folder))


def test_load_toolkit_raises_with_every_problem(write_specs):
    folder = write_specs(with_question("alpha", 0, section="nowhere"))
    with pytest.raises(SpecError) as info:
        load_toolkit(folder)
    assert any(p.code == "SPEC-REF" for p in info.value.problems)
    assert "natk specs check" in str(info.value)


def test_returns_are_read_with_specs_that_break_only_a_rule_of_design(write_specs):
    """Returns of toolkit 1.x could not be read with the 1.x specs, as the README says to do:
    rules added since (the respondents' burden, "Don't know" where an unticked box fires a need,
    answers quoted in guidance) refused the specs. Those rules stop generating a questionnaire,
    not reading the returns of one already sent; any other error stops both."""
    quoting = write_specs(with_question("alpha", 0, guidance={"en": "Choose 'Perhaps' if unsure."}))
    with pytest.raises(SpecError) as info:
        load_toolkit(quoting)  # to generate
    assert {p.code for p in info.value.problems if p.severity == "error"} == {"SPEC-GUIDANCE-LABEL"}
    assert load_toolkit(quoting, reading=True).questions()  # to read returns
    broken = write_specs(with_question("alpha", 0, section="nowhere",
                                       guidance={"en": "Choose 'Perhaps' if unsure."}))
    with pytest.raises(SpecError) as info:
        load_toolkit(broken, reading=True)
    assert {p.code for p in info.value.problems if p.severity == "error"} == {"SPEC-REF"}


def test_folder_without_manifest_is_unusable(tmp_path: Path):
    with pytest.raises(InputError, match="no toolkit.json"):
        lint_specs(tmp_path)
    with pytest.raises(InputError, match="no such folder"):
        lint_specs(tmp_path / "missing")


def test_spec_hash_ignores_formatting_but_not_content(write_specs):
    a = lint_specs(write_specs()).toolkit
    b = lint_specs(write_specs()).toolkit
    c = lint_specs(write_specs(with_question("alpha", 0, text={"en": "Other?"}))).toolkit
    assert a is not None and b is not None and c is not None
    assert a.spec_hash == b.spec_hash != c.spec_hash


# -- the method's rules (format 2) -----------------------------------------------------------------
def test_needs_rule_without_theme_warns_and_unknown_theme_is_an_error(write_specs):
    comps = complete(default_components())
    del comps["alpha"]["questions"][0]["needs"][0]["theme"]
    comps["beta"]["questions"][0]["needs"][0]["theme"] = "weather"
    report = lint_specs(write_specs(comps))
    assert ("SPEC-NO-THEME", "alpha.json", "$.questions[0].needs[0]") in codes(report, "warning")
    assert ("SPEC-REF", "beta.json", "$.questions[0].needs[0].theme") in codes(report)


def test_a_themes_responsible_bodies_are_respondent_kinds(write_specs):
    lists = json.loads((BUNDLED_SPECS / "lists.json").read_text("utf-8"))
    themes = lists["themes"]
    themes[0]["responsible"] = ["ministry_justice", "ministry_of_magic"]
    themes[1]["responsible"] = "respondents"
    report = lint_specs(write_specs(lists={"themes": themes}))
    assert codes(report) == [("SPEC-REF", "lists.json", "$.themes[0].responsible[1]")]
    themes[1]["responsible"] = "everyone"  # neither a list of kinds nor "respondents"
    themes[0]["responsible"] = ["ministry_justice"]
    report = lint_specs(write_specs(lists={"themes": themes}))
    assert [c[1] for c in codes(report)] == ["lists.json"] and not report.ok


def test_needs_rule_without_a_gap_warns_that_the_question_stands_in_for_the_finding(write_specs):
    comps = complete(default_components())
    del comps["alpha"]["questions"][0]["needs"][0]["gap"]
    report = lint_specs(write_specs(comps))
    assert codes(report, "warning") == [("SPEC-NO-GAP", "alpha.json", "$.questions[0].needs[0]")]
    assert "ALP.01" in report.problems[0].render()


@pytest.mark.parametrize(("when", "partly", "warned"), [
    ({"in": ["no"]}, True, True),  # "Partly" offered, read nowhere
    ({"in": ["yes"]}, True, True),
    ({"in": ["no", "partly"]}, True, False),
    ({"in": ["no"]}, False, False),  # no middle answer offered
])
def test_a_partly_answer_offered_is_read_where_no_is(write_specs, when, partly, warned):
    comps = complete(default_components())
    q = comps["alpha"]["questions"][0]
    q["needs"][0]["when"] = when
    q["partly"] = partly
    report = lint_specs(write_specs(comps))
    found = ("SPEC-PARTLY-UNREAD", "alpha.json", "$.questions[0].needs") in codes(report, "warning")
    assert found is warned


def test_authoritative_respondents_must_be_asked_the_question(write_specs):
    comps = complete(default_components())
    comps["alpha"]["questions"][0]["authoritative"] = ["judiciary"]
    del comps["beta"]["questions"][0]["authoritative"]
    report = lint_specs(write_specs(comps))
    assert ("SPEC-AUTHORITATIVE", "alpha.json", "$.questions[0].authoritative") in codes(report)
    assert ("SPEC-NO-AUTHORITATIVE", "beta.json", "$.questions[0]") in codes(report, "warning")


def _absence_rule(code: str) -> dict[str, Any]:
    return {"when": {"not_in": [code]}, "severity": "high", "assistance": ["legislative_drafting"],
            "action": {"en": "Add it."}, "theme": "training"}


def test_a_rule_on_an_unticked_option_needs_dont_know_in_the_list(write_specs):
    comps = complete(default_components())
    choices = [{"code": "a", "label": {"en": "A"}}, {"code": "b", "label": {"en": "B"}}]
    comps["beta"]["choice_lists"] = {"beta_options": {"choices": choices}}
    comps["beta"]["questions"][1].update(choices="beta_options", needs=[_absence_rule("a")])
    found = codes(lint_specs(write_specs(comps)))
    assert ("SPEC-DONT-KNOW", "beta.json", "$.questions[1].choices") in found
    choices.append({"code": "dont_know", "label": {"en": "Don't know"}})
    comps["beta"]["questions"][1]["needs"][0]["when"]["not_in"].append("dont_know")
    assert lint_specs(write_specs(comps)).ok


def test_a_negated_tick_rule_also_needs_dont_know_and_must_not_fire_on_it(write_specs):
    """``{"not": {"in": [...]}}`` tests an unticked option as ``not_in`` does; and a respondent
    who ticks only "Don't know" reveals no gap."""
    comps = complete(default_components())
    choices = [{"code": "a", "label": {"en": "A"}}, {"code": "b", "label": {"en": "B"}}]
    comps["beta"]["choice_lists"] = {"beta_options": {"choices": choices}}
    rule = {**_absence_rule("a"), "when": {"all": [{"answered": True}, {"not": {"in": ["a"]}}]}}
    comps["beta"]["questions"][1].update(choices="beta_options", needs=[rule])
    found = codes(lint_specs(write_specs(comps)))
    assert ("SPEC-DONT-KNOW", "beta.json", "$.questions[1].choices") in found
    choices.append({"code": "dont_know", "label": {"en": "Don't know"}})
    found = codes(lint_specs(write_specs(comps)))
    assert ("SPEC-DONT-KNOW", "beta.json", "$.questions[1].needs[0].when") in found
    rule["when"]["all"][1]["not"]["in"].append("dont_know")
    assert lint_specs(write_specs(comps)).ok


def test_guidance_may_quote_only_labels_that_exist(write_specs):
    comps = complete(default_components())
    comps["alpha"]["questions"][0]["guidance"] = {"en": "Answer 'Partly' if only some apply."}
    assert lint_specs(write_specs(comps)).ok
    comps["alpha"]["questions"][0]["guidance"] = {"en": "Answer 'Mostly' if most apply."}
    report = lint_specs(write_specs(comps))
    assert ("SPEC-GUIDANCE-LABEL", "alpha.json", "$.questions[0].guidance.en") in codes(report)
    assert "'Mostly'" in report.errors[0].message


@pytest.mark.parametrize(
    ("instrument", "article", "ok"),
    [
        ("ohchr_principles", "Principle 7", True),
        ("ohchr_principles", "Guideline 2.7", True),
        ("ohchr_principles", "7", False),
        ("model_law", "8", True),
        ("tip_protocol", "Guideline 2", False),
    ],
)
def test_standards_cite_principles_guidelines_and_articles(write_specs, instrument, article, ok):
    comps = complete(default_components())
    comps["alpha"]["questions"][0]["standards"] = [{"instrument": instrument, "article": article}]
    report = lint_specs(write_specs(comps))
    assert report.ok is ok, [p.render() for p in report.errors]


def test_burden_table_counts_required_questions_and_tables_per_kind_and_depth(write_specs):
    comps = complete(default_components())
    comps["alpha"]["questions"][0]["depth"] = "core"
    comps["alpha"]["questions"][1]["depth"] = "core"  # its skip logic brings ALP.01 along anyway
    report = lint_specs(write_specs(comps))
    rows = {(b.kind, b.depth): (b.questions, b.tables) for b in report.burden}
    # police gets both components: ALP.01-03 required, ALP.04 a table, BET.01-02 required
    assert rows[("police", "full")] == (6, 1)
    assert rows[("police", "core")] == (2, 0)
    assert {b.kind for b in report.burden} == {"police"}


def test_burden_past_the_limit_is_an_error(write_specs):
    comps = complete(default_components())
    many = [{"id": f"ALP.{i:02d}", "section": "basics", "type": "integer",
             "text": {"en": f"How many {i}?"}, "guidance": {"en": "A number."},
             "authoritative": ["police"], "depth": "core"} for i in range(5, 46)]
    comps["alpha"]["questions"][3:3] = many
    report = lint_specs(write_specs(comps))
    burden = [p for p in report.errors if p.code == "SPEC-BURDEN"]
    assert len(burden) == 1 and "'police'" in burden[0].message and "core" in burden[0].message


def test_interface_labels_of_one_group_must_differ_in_every_language():
    from natk_xlsx.spec.lint_method import check_interface_labels
    from natk_xlsx.spec.lint_report import Checker

    report = LintReport("x")
    strings = {"summary.col.a": {"en": "Timeframe", "fr": "Échéance"},
               "summary.col.b": {"en": "Agreed timeframe", "fr": "échéance"},
               "other.c": {"en": "Timeframe", "fr": "Échéance"}}
    check_interface_labels(strings, "interface.json", Checker(report))
    assert [(p.code, p.path) for p in report.errors] == [("SPEC-DUPLICATE-LABEL", "summary.col.a")]
    assert "fr" in report.errors[0].message


def test_a_place_along_a_chain_is_held_once(write_specs):
    lists = json.loads((BUNDLED_SPECS / "lists.json").read_text("utf-8"))
    indicators = lists["indicators"]
    target = next(i for i in indicators if i["code"] == "convictions")
    target["chain_order"] = 2  # persons_prosecuted holds it
    found = codes(lint_specs(write_specs(complete(default_components()),
                                         lists={"indicators": indicators})))
    assert ("SPEC-CHAIN", "lists.json", f"$.indicators[{indicators.index(target)}].chain_order") in found


def test_specs_check_prints_the_burden_per_kind_and_depth(write_specs):
    from natk_xlsx.outputs.report import lint_json, lint_text
    report = lint_specs(write_specs(complete(default_components())))
    text = lint_text(report)
    assert "core (tables), max 40" in text and "full (tables), max 100" in text
    line = next(row for row in text.splitlines() if row.startswith("police "))
    assert line.split()[1:] == ["0", "(0)", "6", "(1)"]
    assert '"burden"' in lint_json(report)


def test_an_exclusive_choice_is_marked_true_or_false(write_specs):
    """``exclusive`` ("None of these": never with another option) is true or false."""
    comps = default_components()
    comps["beta"]["choice_lists"] = {"beta_kinds": {"choices": [
        {"code": "one", "label": {"en": "One"}},
        {"code": "none", "label": {"en": "None of these"}, "exclusive": "yes"}]}}
    found = codes(lint_specs(write_specs(comps)))
    assert ("SPEC-SCHEMA", "beta.json", "$.choice_lists.beta_kinds.choices[1].exclusive") in found
    comps["beta"]["choice_lists"]["beta_kinds"]["choices"][1]["exclusive"] = True
    assert not lint_specs(write_specs(comps)).errors


def test_specs_check_takes_the_folder_with_specs_as_every_command_does(write_specs):
    """README: every command that reads specs takes --specs; 'natk specs check --specs DIR'
    was "No such option"."""
    from click.testing import CliRunner

    from natk_xlsx.cli import cli

    folder = write_specs(complete(default_components()))
    done = CliRunner().invoke(cli, ["specs", "check", "--specs", str(folder)])
    assert done.exit_code == 0, done.output
    assert str(folder) in done.output


def test_a_question_id_given_twice_is_said_first(write_specs):
    """Renaming a question to the id of another made the first one's skip-logic condition look
    wrong ("no is not an answer of ALP.01"), said first, which is all 'generate' shows."""
    comps = complete(default_components())
    comps["alpha"]["questions"][2]["id"] = "ALP.01"  # a copy-paste: ALP.03 renamed ALP.01
    report = lint_specs(write_specs(comps))
    assert report.errors[0].code == "SPEC-DUPLICATE-ID", [p.code for p in report.errors]


def test_an_empty_translation_is_said_empty_once(write_specs):
    """'"fr": ""' was said twice by the schema: "should be non-empty" and "does not match
    '\\S'"."""
    comps = default_components()
    comps["alpha"]["questions"][0]["text"]["fr"] = ""
    report = lint_specs(write_specs(comps))
    found = [p.message for p in report.errors if p.code == "SPEC-SCHEMA"]
    assert len(found) == 1 and "non-empty" in found[0], found


def test_a_file_of_the_wrong_shape_is_said_so_once(write_specs):
    """'[]' as a component's file was "[] is not of type 'object'" four times, once for each
    branch of the schema's choice of documents."""
    folder = write_specs(complete(default_components()))
    (folder / "alpha.json").write_text("[]", "utf-8")
    found = [p.message for p in lint_specs(folder).errors if p.code == "SPEC-SCHEMA"]
    assert found == ["[] is not of type 'object'"], found

"""The needs analysis an assessor would sign, on small inline cases: settle each question, derive
one need per question, group needs into packages, rank them by priority band."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import openpyxl
import pytest
from factory import component, question

from natk_xlsx.analysis.consolidate import consolidate
from natk_xlsx.analysis.packages import top_ten
from natk_xlsx.analysis.respondents import respondent_from_record
from natk_xlsx.analysis.settle import AUTHORITATIVE, PERCEPTION
from natk_xlsx.analysis.weights import load_weights
from natk_xlsx.errors import InputError
from natk_xlsx.outputs.summarise import summarise
from natk_xlsx.outputs.summary import responsible_kinds
from natk_xlsx.spec.lint import load_toolkit

THEMES = [
    {"code": "offence_definition",
     "label": {"en": "Bring the trafficking offence into line with the Protocol"}},
    {"code": "referral", "label": {"en": "Identify and refer every victim"}},
    {"code": "shelters", "label": {"en": "Shelters for every victim"}},
    {"code": "prosecution_results", "label": {"en": "Convict traffickers"}},
]


def rule(when, severity, theme, **extra):
    return {"when": when, "severity": severity, "assistance": ["legislative_drafting"],
            "action": {"en": f"Act ({severity}, {theme})."}, "theme": theme, **extra}


def law(qid, **extra):
    """A definition question that the justice ministry answers with authority."""
    return question(qid, section="basics", authoritative=["ministry_justice"], needs=[
        rule({"in": ["no"]}, "critical", "offence_definition"),
        rule({"in": ["partly"]}, "medium", "offence_definition")], **extra)


COMPONENTS = {
    "legal": component("legal", "LEG", [law(f"LEG.0{i}") for i in range(1, 6)],
                       respondents=["ministry_justice", "ngo"]),
    "victims": component("victims", "VIC", [
        question("VIC.01", needs=[rule({"in": ["no"]}, "critical", "referral"),
                                  rule({"in": ["partly"]}, "medium", "referral")]),
        question("VIC.02", needs=[rule({"in": ["no", "partly"]}, "medium", "shelters")]),
    ], respondents=["social_services", "ngo"]),
    "courts": component("courts", "CRT", [
        question("CRT.01", "stats_table", breakdown="single", indicator="convictions",
                 authoritative=["judiciary"], needs=[
                     {"when": {"le": 0}, "severity": "high", "assistance": ["training"],
                      "action": {"en": "Train judges and prosecutors."},
                      "gap": {"en": "No convictions for trafficking in the period"},
                      "theme": "prosecution_results"}]),
    ], respondents=["judiciary"]),
}


@pytest.fixture
def toolkit(write_specs):
    return load_toolkit(write_specs(
        COMPONENTS, lists={"themes": THEMES},
        manifest={"reference_period": {"first_year": 2019, "last_year": 2023}}))


def record(wid, institution, kind, answers, details=None, tables=None):
    return {
        "format": "natk-submission/1", "workbook_id": wid,
        "toolkit": {"id": "test-toolkit", "version": "1.0.0", "spec_hash": "x"},
        "language": "en", "components": ["legal", "victims", "courts"],
        "reference_period": [2019, 2023],
        "respondent": {"institution": institution, "kind": kind, "completion_date": "2026-03-01",
                       "country": "Veridia"},
        "answers": answers, "details": details or {}, "tables": tables or {},
        "asked": list(answers), "issues": [],
    }


def needs_of(c, qid):
    return [n for n in c.needs if n.question.id == qid]


def test_authoritative_gap_contradicted_by_an_ngo_yields_one_need_from_the_authority(toolkit):
    c = consolidate(toolkit, [
        ("moj", record("moj", "Ministry of Justice", "ministry_justice", {"LEG.01": "no"})),
        ("ngo", record("ngo", "Shelter network", "ngo", {"LEG.01": "partly"})),
    ])
    (need,) = needs_of(c, "LEG.01")
    assert need.key == "LEG.01#1" and need.severity == "critical"
    assert need.settled.basis == AUTHORITATIVE and need.settled.value == "no"
    assert [r.institution for r in need.supporters] == ["Ministry of Justice"]
    # the disagreement is kept, on the Conflicts list
    assert [s.question.id for s in c.conflicts] == ["LEG.01"]


def test_authoritative_returns_that_disagree_give_a_need_of_medium_confidence_at_most(toolkit):
    """Two returns of the justice ministry, "No" and "Partly", each citing a law: the most
    severe credible of theirs settles LEG.01, and was said with high confidence, as if the
    authority had spoken with one voice. Medium until the assessor decides; one return alone
    (or two that agree) stays high."""
    law_cited = {"LEG.01": {"evidence": "Criminal Code, art. 181"}}

    def moj(wid, value):
        return (wid, record(wid, "Ministry of Justice", "ministry_justice", {"LEG.01": value},
                            details=law_cited))

    split = consolidate(toolkit, [moj("a", "no"), moj("b", "partly")])
    (need,) = needs_of(split, "LEG.01")
    assert need.settled.disputed and need.settled.basis == AUTHORITATIVE
    assert (need.severity, need.confidence) == ("critical", "medium")
    (agreed,) = needs_of(consolidate(toolkit, [moj("a", "no"), moj("b", "no")]), "LEG.01")
    assert not agreed.settled.disputed and agreed.confidence == "high"
    ngo = ("n", record("n", "Shelter network", "ngo", {"LEG.01": "partly"}))
    (one,) = needs_of(consolidate(toolkit, [moj("a", "no"), ngo]), "LEG.01")
    assert not one.settled.disputed and one.confidence == "high"  # a perception against it


def test_a_package_leads_with_the_need_that_gives_its_band_and_confidence(toolkit):
    """The package's first need is the one whose action the summary and the report lead with:
    it was the first question of the worst severity, of medium confidence, beside the
    package's "Confidence: high" (which another need of that severity gave it)."""
    c = consolidate(toolkit, [
        ("moj", record("moj", "Ministry of Justice", "ministry_justice",
                       {"LEG.02": "no"}, details={"LEG.02": {"evidence": "Criminal Code"}})),
        ("a", record("a", "Ministry of Justice, Legal Affairs", "ministry_justice",
                     {"LEG.01": "no"})),
    ])
    (package,) = c.packages
    assert [n.confidence for n in needs_of(c, "LEG.01") + needs_of(c, "LEG.02")] == \
        ["medium", "high"]
    assert package.confidence == "high" and package.needs[0].question.id == "LEG.02"


def test_two_returns_of_one_institution_are_one_voice_in_the_counts(toolkit):
    """Kept both (``--same-institution all``, the default), two different returns of the justice
    ministry counted as two institutions: "6 government" for five, a score and a confidence
    raised by the second copy, "40 institutions answered" for 39. Each return stays listed."""
    from natk_xlsx.outputs.report_content import build

    c = consolidate(toolkit, [
        ("a", record("a", "Ministry of Justice", "ministry_justice", {"LEG.01": "no"})),
        ("b", record("b", "ministry of  justice", "ministry_justice", {"LEG.01": "no",
                                                                       "LEG.02": "yes"})),
        ("n", record("n", "Shelter network", "ngo", {"LEG.01": "no"})),
    ], same_institution="all")
    (need,) = needs_of(c, "LEG.01")
    assert len(need.supporters) == 3  # every return, listed
    assert need.groups == {"government": 1, "civil_society": 1}
    (package,) = c.packages
    assert package.groups == {"government": 1, "civil_society": 1} and len(package.voices) == 2
    report = build(c, "en")
    assert sorted((i.name, i.components) for i in report.institutions) == [
        ("Ministry of Justice", 1), ("Shelter network", 1)]
    assert [f.respondents for f in report.findings] == [2]


def test_each_answer_given_is_listed_with_who_gave_it_dont_know_too(toolkit):
    """The Needs and Conflicts sheets list "each answer once, with who gave it": a "Don't know"
    was left out (10 of 11 answers shown). It is listed, and still settles nothing."""
    from natk_xlsx.outputs.sheetkit import answers_said

    c = consolidate(toolkit, [
        ("a", record("a", "Social services", "social_services", {"VIC.01": "no"})),
        ("b", record("b", "Shelter network", "ngo", {"VIC.01": "dont_know"})),
        ("c", record("c", "Police", "police", {"VIC.01": "partly"})),
    ])
    s = c.settled["VIC.01"]
    q = toolkit.question("VIC.01")
    said = answers_said(s, lambda value: toolkit.answer_label(q, value, "en"), "en")
    assert said == "Social services: No; Police: Partly; Shelter network: Don't know"
    assert [v.respondent.institution for v in s.views] == ["Social services", "Police"]


def test_an_ngo_unticked_legal_box_alone_yields_no_legal_need(toolkit):
    c = consolidate(toolkit, [("ngo", record("ngo", "Shelter network", "ngo",
                                             {"LEG.01": "no", "LEG.02": "partly"}))])
    assert c.needs == [] and c.packages == []
    assert c.settled["LEG.01"].basis == PERCEPTION and c.settled["LEG.01"].value is None


def test_no_and_partly_are_never_both_open_for_one_question(toolkit):
    c = consolidate(toolkit, [
        ("a", record("a", "Social services", "social_services", {"VIC.01": "partly"})),
        ("b", record("b", "Shelter network", "ngo", {"VIC.01": "no"})),
        ("c", record("c", "Ministry of Justice", "ministry_justice", {"LEG.01": "partly"})),
        ("d", record("d", "Prosecution", "prosecution", {"LEG.01": "no"})),
    ])
    for qid in ("VIC.01", "LEG.01"):
        assert len(needs_of(c, qid)) == 1
    # two single perceptions, no documents: the most severe view settles the question
    assert needs_of(c, "VIC.01")[0].severity == "critical"
    # the ministry is authoritative for the law: its "partly" stands against the prosecution's "no"
    assert needs_of(c, "LEG.01")[0].key == "LEG.01#2"


def test_a_documented_view_is_credible_against_a_lone_more_severe_one(toolkit):
    c = consolidate(toolkit, [
        ("a", record("a", "Social services", "social_services", {"VIC.01": "partly"},
                     details={"VIC.01": {"evidence": "Referral decree 12/2024"}})),
        ("b", record("b", "Shelter network", "ngo", {"VIC.01": "partly"})),
        ("c", record("c", "Police", "police", {"VIC.01": "no"})),
    ])
    (need,) = needs_of(c, "VIC.01")
    assert need.key == "VIC.01#2" and need.documented
    assert need.confidence == "medium"  # documents and two respondents, none authoritative
    assert need.groups == {"government": 1, "civil_society": 1}


def test_a_critical_need_a_partner_covers_ranks_above_every_medium_need(toolkit):
    c = consolidate(toolkit, [
        ("a", record("a", "Social services", "social_services",
                     {"VIC.01": "no", "VIC.02": "no"},
                     details={"VIC.01": {"provided": "yes", "provider": "IOM"},
                              "VIC.02": {"priority": "urgent", "evidence": "Audit 2025"}})),
        ("b", record("b", "Shelter network", "ngo", {"VIC.01": "no", "VIC.02": "no"},
                     details={"VIC.01": {"provider": "UNODC"},
                              "VIC.02": {"priority": "urgent"}})),
    ])
    referral = next(p for p in c.packages if p.theme == "referral")
    shelters = next(p for p in c.packages if p.theme == "shelters")
    assert referral.severity == "critical" and shelters.severity == "medium"
    assert referral.rank < shelters.rank
    assert referral.providers == ["IOM", "UNODC"]  # a fact to coordinate with, not a penalty
    assert referral.groups == {"government": 1, "civil_society": 1}
    w = load_weights()
    assert referral.score >= w.severity["critical"]


def test_five_definition_gaps_form_one_package(toolkit):
    answers = {f"LEG.0{i}": "no" for i in range(1, 6)}
    c = consolidate(toolkit, [("moj", record("moj", "Ministry of Justice", "ministry_justice",
                                             answers))])
    (package,) = c.packages
    assert package.title["en"] == "Bring the trafficking offence into line with the Protocol"
    assert package.questions == [f"LEG.0{i}" for i in range(1, 6)]
    assert {n.package for n in c.needs} == {package.id} and package.rank == 1


def test_no_convictions_over_five_years_yields_a_finding_with_the_figures(toolkit, tmp_path):
    zero = {str(y): {"number": 0} for y in range(2019, 2024)}
    path = tmp_path / "courts.json"
    path.write_text(json.dumps(record("crt", "Supreme Court", "judiciary", {"CRT.01": zero},
                                      tables={"CRT.01": {"source": "Court registry",
                                                         "reliability": "high"}})), "utf-8")
    result = summarise([path], toolkit, tmp_path / "s.xlsx", csv_dir=tmp_path / "csv")
    (need,) = result.consolidation.needs
    assert need.severity == "high" and need.question.id == "CRT.01"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["Needs"]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    said = ("No convictions for trafficking in the period (2019: 0; 2020: 0; 2021: 0; 2022: 0; "
            "2023: 0)")
    assert said in cells
    # the draft report says it the same way, figures included
    from natk_xlsx.outputs.report_content import build

    report = build(result.consolidation, "en")
    (courts,) = [f for f in report.findings if f.id == "courts"]
    assert [g.text for g in courts.gaps] == [said]
    stats = (tmp_path / "csv" / "statistics.csv").read_text("utf-8-sig").splitlines()
    assert stats[0].startswith("workbook_id,institution,kind,kind_label,question_id,indicator")
    assert len(stats) == 1 + 5 and "Court registry" in stats[1] and ",high,High" in stats[1]
    # whether a year's categories may be summed, from the table's breakdown
    import csv

    rows = list(csv.DictReader(stats))
    additive = toolkit.breakdowns[toolkit.question("CRT.01").breakdown].additive
    assert {r["additive"] for r in rows} == {"TRUE" if additive else "FALSE"}


def test_a_need_resting_on_one_perception_never_reaches_the_top_ten(toolkit):
    c = consolidate(toolkit, [("b", record("b", "Shelter network", "ngo", {"VIC.01": "no"}))])
    (package,) = c.packages
    assert package.confidence == "low" and package.rank == 1
    assert top_ten(c.packages, c.weights) == []


def test_dependencies_are_a_column_and_a_phase_never_a_change_of_rank(write_specs):
    comps = {"victims": component("victims", "VIC", [
        question("VIC.01", needs=[rule({"in": ["no"]}, "high", "referral", horizon="long")]),
        question("VIC.02", needs=[rule({"in": ["no"]}, "critical", "shelters",
                                       depends_on=["VIC.01"], horizon="short")]),
    ])}
    toolkit = load_toolkit(write_specs(comps, lists={"themes": THEMES}))
    c = consolidate(toolkit, [("a", record("a", "Police", "police",
                                           {"VIC.01": "no", "VIC.02": "no"}))])
    shelters, referral = c.packages
    assert (shelters.theme, shelters.rank, referral.rank) == ("shelters", 1, 2)
    assert shelters.after == [referral.id]
    assert (referral.phase, shelters.phase) == ("long", "long")


def test_a_quick_win_resting_on_one_perception_does_not_set_the_phase(write_specs):
    """A package's band comes from its credible needs; its phase came from every need of that
    band, so one institution's contested "no" made a critical package a "short term (quick
    win)" while its credible critical need was medium term."""
    comps = {"victims": component("victims", "VIC", [
        question("VIC.01", needs=[rule({"in": ["no"]}, "critical", "referral", horizon="short")]),
        question("VIC.02", needs=[rule({"in": ["no"]}, "critical", "referral",
                                       horizon="medium")]),
    ])}
    toolkit = load_toolkit(write_specs(comps, lists={"themes": THEMES}))
    c = consolidate(toolkit, [
        ("a", record("a", "Shelter network", "ngo", {"VIC.01": "no", "VIC.02": "no"})),
        ("b", record("b", "Police", "police", {"VIC.01": "yes", "VIC.02": "no"}))])
    (package,) = c.packages
    by_question = {n.question.id: n for n in package.needs}
    assert by_question["VIC.01"].confidence == "low" != by_question["VIC.02"].confidence
    assert (package.severity, package.phase) == ("critical", "medium")
    # with no credible need, the most severe perceptions set it as before
    c = consolidate(toolkit, [("a", record("a", "Shelter network", "ngo",
                                           {"VIC.01": "no", "VIC.02": "no"}))])
    assert c.packages[0].confidence == "low" and c.packages[0].phase == "short"


def test_weights_file_overrides_the_defaults_and_the_formula_shows_them(toolkit, tmp_path):
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"severity": {"critical": 1000}, "per_need": 7}), "utf-8")
    w = load_weights(path)
    assert w.severity["critical"] == 1000 and w.severity["high"] == 300 and w.per_need == 7
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.json").write_text(json.dumps(record(
        "a", "Ministry of Justice", "ministry_justice", {"LEG.01": "no"})), "utf-8")
    summarise([tmp_path / "in"], toolkit, tmp_path / "s.xlsx", weights=path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["Plan"]
    formula = " ".join(str(c.value) for row in ws.iter_rows(max_row=4) for c in row if c.value)
    assert "critical 1000" in formula and "+ 7 per need" in formula and "w.json" in formula
    path.write_text(json.dumps({"severty": {}}), "utf-8")
    with pytest.raises(InputError, match="unknown key 'severty'"):
        load_weights(path)
    # a weight Python's JSON reads but no figure is (NaN) is refused with the others
    path.write_text('{"attrition_alert": NaN}', "utf-8")
    with pytest.raises(InputError, match="weights must be numbers"):
        load_weights(path)


def test_the_copy_that_arrived_later_is_the_duplicate_whatever_its_name(toolkit, tmp_path):
    data = json.dumps(record("w1", "Police", "police", {"VIC.01": "no"}))
    original = tmp_path / "b-police.json"
    copy = tmp_path / "a-police (sent again).json"
    original.write_text(data, "utf-8")
    copy.write_text(data, "utf-8")
    os.utime(original, (1_700_000_000, 1_700_000_000))
    os.utime(copy, (1_700_000_600, 1_700_000_600))
    result = summarise([tmp_path], toolkit, tmp_path / "s.xlsx")
    assert result.consolidation.duplicates == [(str(copy), "w1")]
    assert [r.file for r in result.consolidation.respondents] == [str(original)]


def test_a_corrected_copy_sent_back_later_replaces_the_first(toolkit, tmp_path):
    """The hand-back loop: the return had an error, the respondent corrected the annotated copy
    and sent it back. Its answers differ, so it is not a copy sent twice: it is used."""
    first = record("w1", "Police", "police", {"VIC.01": "Sometimes", "VIC.02": "no"})
    first["issues"] = [{"code": "ANSWER-NOT-ALLOWED", "severity": "error", "question": "VIC.01",
                        "message": "not allowed", "path": "answers/VIC.01"}]
    corrected = record("w1", "Police", "police", {"VIC.01": "no", "VIC.02": "no"})
    (tmp_path / "in").mkdir()
    original = tmp_path / "in" / "b-police.json"
    again = tmp_path / "in" / "a-police corrected.json"
    original.write_text(json.dumps(first), "utf-8")
    again.write_text(json.dumps(corrected), "utf-8")
    os.utime(original, (1_700_000_000, 1_700_000_000))
    os.utime(again, (1_700_000_600, 1_700_000_600))
    result = summarise([tmp_path / "in"], toolkit, tmp_path / "s.xlsx")
    c = result.consolidation
    assert [r.file for r in c.respondents] == [str(again)]
    assert c.respondents[0].answers["VIC.01"] == "no" and c.duplicates == [(str(original), "w1")]
    status = {Path(s["file"]).name: s["status"] for s in result.sources}
    assert status["b-police.json"] == ("an earlier copy of w1 with other answers: replaced by the "
                                       "copy that arrived later, a-police corrected.json")
    assert status["a-police corrected.json"] == "read"
    # the answers used, as the By institution sheet counts them: VIC.01 had an error
    assert {Path(s["file"]).name: (s["answers_count"], s["errors"]) for s in result.sources} == {
        "b-police.json": (1, 1), "a-police corrected.json": (2, 0)}
    # the corrected copy sent twice: the second counts once, the first is the one replaced
    twice = tmp_path / "in" / "c-police corrected again.json"
    twice.write_text(json.dumps(corrected), "utf-8")
    os.utime(twice, (1_700_000_900, 1_700_000_900))
    result = summarise([tmp_path / "in"], toolkit, tmp_path / "s.xlsx")
    status = {Path(s["file"]).name: s["status"] for s in result.sources}
    # named by the file kept, not by the workbook id both copies carry
    assert status["a-police corrected.json"] == ("duplicate of c-police corrected again.json: "
                                                 "counted once")
    assert status["b-police.json"].endswith("replaced by the copy that arrived later, "
                                            "c-police corrected again.json")


def test_an_answer_with_an_error_is_left_out_and_the_return_still_counts(toolkit):
    bad = record("a", "Police", "police", {"VIC.01": "Sometimes", "VIC.02": "no"})
    bad["issues"] = [{"code": "ANSWER-NOT-ALLOWED", "severity": "error", "question": "VIC.01",
                      "message": "not allowed", "path": "answers/VIC.01"}]
    c = consolidate(toolkit, [("a", bad)])
    (respondent,) = c.respondents
    assert respondent.issues == 1 and "VIC.01" not in respondent.answers
    assert [n.question.id for n in c.needs] == ["VIC.02"]


def test_a_wrong_figure_leaves_out_its_year_not_the_whole_table(toolkit):
    """One figure typed wrong (12.5 victims) must not take the other years' figures with it."""
    table = {"2021": {"female": 4, "male": 6}, "2022": {"female": 5}, "2023": {"male": 2}}
    bad = record("a", "Police", "police", {"VIC.02": "no", "LEG.01": "yes"})
    bad["answers"]["STAT.01"] = table  # as the importer records it: the wrong figure left out
    bad["issues"] = [
        {"code": "COUNT-INVALID", "severity": "error", "question": "STAT.01",
         "message": "not a count", "path": "answers/STAT.01/2022/male", "value": "12.5"},
        {"code": "COUNT-INVALID", "severity": "error", "question": "STAT.01",
         "message": "not a count", "path": "answers/STAT.01/2024/male", "value": "-1"},
        {"code": "ANSWER-NOT-ALLOWED", "severity": "error", "question": "LEG.01",
         "message": "not allowed", "path": "answers/LEG.01"}]
    r = respondent_from_record(bad, "a.json")
    assert r.answers["STAT.01"] == {"2021": {"female": 4, "male": 6}, "2023": {"male": 2}}
    assert "LEG.01" not in r.answers and r.answers["VIC.02"] == "no" and r.issues == 3
    bad["issues"] = [dict(bad["issues"][0], path=f"answers/STAT.01/{y}/male")
                     for y in ("2021", "2022", "2023")]
    assert "STAT.01" not in respondent_from_record(bad, "a.json").answers  # nothing left


def test_summarise_help_says_what_json_holds_and_a_bad_weights_file_is_one_line(toolkit,
                                                                                tmp_path):
    from click.testing import CliRunner

    from natk_xlsx.cli import cli

    help_text = " ".join(CliRunner().invoke(cli, ["summarise", "--help"]).output.split())
    for part in ("packages", "needs", "conflicts", "statistics", "responses", "--weights"):
        assert part in help_text
    (tmp_path / "a.json").write_text(json.dumps(record(
        "a", "Police", "police", {"VIC.01": "no"})), "utf-8")
    (tmp_path / "w.json").write_text("{not json", "utf-8")
    result = CliRunner().invoke(cli, ["summarise", "--specs", toolkit.directory,
                                      str(tmp_path / "a.json"), "-o", str(tmp_path / "s.xlsx"),
                                      "--weights", str(tmp_path / "w.json")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"{tmp_path / 'w.json'}: not a readable JSON object" in result.output


def test_action_plan_prefills_the_responsible_body_and_partners(toolkit, tmp_path):
    answers = {f"LEG.0{i}": "no" for i in range(1, 6)}
    details = {"LEG.02": {"provided": "yes", "provider": "UNODC"}}
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "moj.json").write_text(json.dumps(record(
        "moj", "Ministry of Justice", "ministry_justice", answers, details)), "utf-8")
    summarise([tmp_path / "in"], toolkit, tmp_path / "s.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["Action plan"]
    header = [c.value for c in ws[4]]
    row = dict(zip(header, [c.value for c in ws[5]], strict=True))
    assert row["Responsible national body"] == "Ministry of Justice"  # legislative drafting
    assert row["Supporting partners"] == "UNODC"
    assert row["Phase"] == "short term" and row["Agreed timeframe"] is None
    assert len(set(header)) == len(header)  # one "Timeframe", beside the phase


def test_the_responsible_body_comes_from_the_packages_theme():
    """Document security is led by the interior and border services, not by the ministry of the
    component the questions sit in; staff and equipment by each institution that lacks them."""
    toolkit = load_toolkit()
    border = record("bip", "Border Police", "border_immigration", {"PRV.17": "no"})
    border["components"] = ["prevention"]
    police = record("pol", "Police", "police", {"CAP.12": ["staff_numbers"]})
    police["components"] = ["capacity"]
    c = consolidate(toolkit, [("bip", border), ("pol", police)])
    by_theme = {p.theme: p for p in c.open_packages}
    assert responsible_kinds(by_theme["document_security"]) == ["ministry_interior",
                                                                 "border_immigration"]
    assert responsible_kinds(by_theme["resources"]) == ["police"]


@pytest.mark.parametrize(("purposes", "key", "action"), [
    (["forced_labour", "slavery"], "LEG.09#4", "for the purpose of sexual exploitation."),
    (["sexual_exploitation"], "LEG.09#5", "for the purpose of forced labour or services."),
    (["slavery"], "LEG.09#1", "for sexual exploitation and for forced labour or services."),
])
def test_the_offences_missing_purpose_is_named_not_left_to_the_reader(purposes, key, action):
    """'whichever is missing' made the assessor work out what the answer already says."""
    rec = record("moj", "Ministry of Justice", "ministry_justice", {"LEG.09": purposes})
    rec["components"] = ["legal"]
    (need,) = [n for n in consolidate(load_toolkit(), [("moj", rec)]).needs
               if n.question.id == "LEG.09" and n.severity == "critical"]
    assert need.key == key and need.action["en"].endswith(action)
    assert "whichever" not in need.action["en"]


@pytest.mark.parametrize(("int20", "keys"), [
    ("yes", ["INT.20#1"]),  # the dedicated question says it: one finding, not two
    (None, ["INT.13#2"]),  # a core assessment does not ask INT.20: INT.13 says it alone
    ("no", ["INT.13#2"]),
])
def test_refusals_for_dual_criminality_make_one_finding_in_the_bundled_toolkit(int20, keys):
    toolkit = load_toolkit()
    answers = {"INT.13": ["dual_criminality"]}
    if int20 is not None:
        answers["INT.20"] = int20
    rec = record("moj", "Ministry of Justice", "ministry_justice", answers)
    rec["components"] = ["intl_coop"]
    c = consolidate(toolkit, [("moj", rec)])
    found = sorted(n.key for n in c.needs if n.question.id in ("INT.13", "INT.20"))
    assert found == keys

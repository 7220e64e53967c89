"""Needs ranking, conflicts, duplicates, version mixing and resolutions, on small inline cases,
and the summary workbook they make."""

from __future__ import annotations

import csv
import dataclasses
import json
import warnings
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from factory import component, question

from natk_xlsx.analysis.consolidate import Decision, consolidate, scorecard
from natk_xlsx.analysis.weights import load_weights
from natk_xlsx.cli import cli
from natk_xlsx.errors import InputError
from natk_xlsx.outputs.sheetkit import source_line
from natk_xlsx.outputs.summarise import summarise
from natk_xlsx.spec.lint import load_toolkit


def rule(when, severity, **extra):
    return {"when": when, "severity": severity, "assistance": ["training"],
            "action": {"en": f"Act ({severity})."}, **extra}


COMPONENTS = {
    "law": component("law", "LAW", [
        question("LAW.01", needs=[rule({"in": ["no"]}, "critical", horizon="medium",
                                       gap={"en": "No offence of the kind"}),
                                  rule({"in": ["partly"]}, "medium")]),
        question("LAW.02", needs=[rule({"in": ["no"]}, "low")]),
        question("LAW.03", needs=[rule({"in": ["no"]}, "high", depends_on=["LAW.01"])]),
        question("LAW.04", "stats_table", section="more", breakdown="sex",
                 indicator="convictions", required=False),
        question("LAW.05", "stats_table", section="more", breakdown="single",
                 indicator="victims_identified", required=False),
    ], category="optional"),
}


@pytest.fixture
def toolkit(write_specs):
    return load_toolkit(write_specs(COMPONENTS))


def record(wid, institution, answers, details=None, version="1.0.0", kind=None, asked=None,
           tables=None, date="2026-03-01", country="Veridia"):
    return {
        "format": "natk-submission/1", "workbook_id": wid,
        "toolkit": {"id": "test-toolkit", "version": version, "spec_hash": "x"},
        "language": "en", "components": ["law"], "reference_period": [2021, 2023],
        "respondent": {"institution": institution, "kind": kind, "completion_date": date,
                       "country": country},
        "answers": answers, "details": details or {}, "tables": tables or {},
        "asked": asked if asked is not None else ["LAW.01", "LAW.02", "LAW.03", "LAW.04", "LAW.05"],
        "issues": [],
    }


def keys(c):
    return [(n.key, n.package) for n in c.needs]


def test_a_package_takes_its_most_severe_credible_need_and_the_weights(toolkit):
    c = consolidate(toolkit, [
        ("a", record("a", "Police", {"LAW.01": "no", "LAW.02": "no"})),
        ("b", record("b", "Courts", {"LAW.01": "no", "LAW.02": "no"},
                     details={"LAW.02": {"priority": "urgent"}})),
    ])
    # no themes in these specs: a section with few needs joins its component's other gaps
    assert keys(c) == [("LAW.01#1", "P01"), ("LAW.02#1", "P01")]
    (package,) = c.packages
    assert package.title["en"] == "Component law: other gaps"
    w = c.weights
    # band + urgency (the one priority given) + medium confidence (two respondents)
    # + 2 respondents + 2 needs
    assert package.severity == "critical"
    assert package.score == w.severity["critical"] + w.urgency["urgent"] \
        + w.confidence["medium"] + 2 * w.per_respondent + 2 * w.per_need


def test_existing_assistance_is_shown_not_penalised(toolkit):
    base = [("a", record("a", "Police", {"LAW.02": "no", "LAW.03": "no"}))]
    plain = consolidate(toolkit, base)
    covered = consolidate(toolkit, [("a", record("a", "Police", {"LAW.02": "no", "LAW.03": "no"},
                                                  details={"LAW.03": {"provided": "yes",
                                                                      "provider": "UNODC"}}))])
    high_plain = next(n for n in plain.needs if n.question.id == "LAW.03")
    high_covered = next(n for n in covered.needs if n.question.id == "LAW.03")
    assert [p.score for p in covered.packages] == [p.score for p in plain.packages]
    assert high_covered.providers == [("Police", "UNODC")] and high_plain.providers == []


def test_a_dependency_is_a_column_not_a_change_of_rank(toolkit):
    c = consolidate(toolkit, [("a", record("a", "MoJ", {"LAW.01": "partly", "LAW.03": "no"},
                                            details={"LAW.03": {"priority": "urgent"}}))])
    law01 = next(n for n in c.needs if n.question.id == "LAW.01")
    law03 = next(n for n in c.needs if n.question.id == "LAW.03")
    # both fall back to the section's package (the specs give no theme): one package
    assert law01.package == law03.package
    assert law03.key == "LAW.03#1" and law01.key == "LAW.01#2"


def test_conflicts_ignore_dont_know_and_rank_opposites_first(toolkit):
    c = consolidate(toolkit, [
        ("a", record("a", "Police", {"LAW.01": "yes", "LAW.02": "yes"})),
        ("b", record("b", "NGO", {"LAW.01": "no", "LAW.02": "partly"})),
        ("c", record("c", "Courts", {"LAW.01": "dont_know", "LAW.03": "yes"})),
    ])
    assert [(x.question.id, x.strength) for x in c.conflicts] == [("LAW.01", "opposite"),
                                                                  ("LAW.02", "partial")]
    assert [(r.institution, a) for r, a in c.conflicts[0].answers] == [("Police", "yes"),
                                                                      ("NGO", "no")]
    # no one is authoritative: the most severe view settles, the disagreement stays listed;
    # one institution each, without a document: no view is corroborated, and the basis says so
    assert c.conflicts[0].value == "no" and c.conflicts[0].basis == "uncorroborated"
    c = consolidate(toolkit, [
        ("a", record("a", "Police", {"LAW.01": "yes"})),
        ("b", record("b", "NGO", {"LAW.01": "no"}, details={"LAW.01": {"evidence": "Act 3"}})),
    ])
    assert c.conflicts[0].value == "no" and c.conflicts[0].basis == "most_severe"


def test_same_workbook_twice_counts_once_and_same_institution_is_flagged(toolkit):
    recs = [("f1", record("w1", "Police", {"LAW.01": "no"})),
            ("f1 copy", record("w1", "Police", {"LAW.01": "no"})),
            ("f2", record("w2", " police ", {"LAW.01": "yes"}, date="2026-04-01"))]
    c = consolidate(toolkit, recs)
    assert c.duplicates == [("f1 copy", "w1")]
    assert len(c.respondents) == 2
    assert [[r.key for r in g] for g in c.same_institution] == [["w1", "w2"]]
    latest = consolidate(toolkit, recs, same_institution="latest")
    assert [r.key for r in latest.respondents] == ["w2"]
    first = consolidate(toolkit, recs, same_institution="first")
    assert [r.key for r in first.respondents] == ["w1"]


def test_different_versions_consolidate_on_shared_questions(toolkit):
    old = record("old", "Police", {"LAW.01": "no", "LAW.99": "yes"}, version="0.9.0",
                 asked=["LAW.01", "LAW.99"])
    new = record("new", "Courts", {"LAW.01": "no", "LAW.03": "no"})
    c = consolidate(toolkit, [("o", old), ("n", new)])
    assert c.not_in_toolkit == {"old": ["LAW.99"]}
    assert c.asked["LAW.01"] == 2 and c.asked["LAW.03"] == 1
    law01 = next(n for n in c.needs if n.key == "LAW.01#1")
    assert len(law01.supporters) == 2


def test_figures_disagree_and_the_most_reliable_wins(toolkit):
    c = consolidate(toolkit, [
        ("a", record("a", "Police", {"LAW.04": {"2021": {"female": 3, "male": 7}}},
                     tables={"LAW.04": {"reliability": "low"}})),
        ("b", record("b", "Courts", {"LAW.04": {"2021": {"female": 2, "male": 6}}},
                     tables={"LAW.04": {"reliability": "high"}})),
    ])
    fig = c.figures["convictions"][2021]
    assert fig.disagree and sorted(fig.values) == [8, 10]
    assert fig.consolidated == 8


def test_two_sources_that_agree_outweigh_one_that_rates_itself_highly(toolkit):
    def source(wid, inst, male, reliability):
        return (wid, record(wid, inst, {"LAW.04": {"2021": {"female": 2, "male": male}}},
                            tables={"LAW.04": {"reliability": reliability}}))

    c = consolidate(toolkit, [source("a", "Police", 7, "low"), source("b", "Courts", 6, "high"),
                              source("c", "NGO", 7, "medium")])
    fig = c.figures["convictions"][2021]
    assert fig.consolidated == 9 and fig.rule == "majority"
    # one source each: the most reliable, as before
    c = consolidate(toolkit, [source("a", "Police", 7, "low"), source("b", "Courts", 6, "high")])
    assert c.figures["convictions"][2021].rule == "most_reliable"


def test_equally_reliable_sources_that_disagree_do_not_follow_the_order_of_the_files(toolkit):
    """Two sources rated "high" gave 119 and 95: the figure of the file read first was kept "by
    the rule: the most reliable source", so renaming a file changed the justice chain. The
    return completed first is kept, whatever the order, and the rule says it is a tie."""
    def source(wid, inst, male, date):
        return (wid, record(wid, inst, {"LAW.04": {"2021": {"female": 0, "male": male}}},
                            tables={"LAW.04": {"reliability": "high"}}, date=date))

    sources = [source("a", "Police", 119, "2026-03-05"), source("b", "Courts", 95, "2026-03-02"),
               source("c", "NGO", 80, "2026-03-01")]
    sources[2][1]["tables"]["LAW.04"]["reliability"] = "medium"  # less reliable: never kept
    for order in (sources, sources[::-1], sources[1:] + sources[:1]):
        fig = consolidate(toolkit, order).figures["convictions"][2021]
        assert fig.consolidated == 95 and fig.rule == "tied"
        assert fig.chosen is not None and fig.chosen.respondent.institution == "Courts"
    line = source_line(consolidate(toolkit, sources), fig, "en")
    assert "Retained: 95 (Courts), by the rule: the return completed first, as no source rates " \
           "itself more reliable (for the assessor to decide)." in line
    # the same day, or a date missing: the dates do not tell, and the rule does not say they do
    for date in ("2026-03-05", None):
        sources[1][1]["respondent"]["completion_date"] = date
        fig = consolidate(toolkit, sources[::-1]).figures["convictions"][2021]
        assert fig.consolidated == 95 and fig.rule == "tied_by_name"  # Courts before Police
        assert "the institution first by name among the returns the dates do not tell apart" \
            in source_line(consolidate(toolkit, sources), fig, "en")
    # by name only among those completed first: a return completed later is never kept so
    sources[1][1]["respondent"]["completion_date"] = "2026-03-09"  # Courts, last
    sources.append(source("d", "Prosecution", 30, "2026-03-05"))  # Police's day
    fig = consolidate(toolkit, sources).figures["convictions"][2021]
    assert (fig.consolidated, fig.rule) == (119, "tied_by_name")  # Police before Prosecution
    # the order of the alphabet, not of the code points: "Église" before "Police"
    sources[-1][1]["respondent"]["institution"] = "Église"
    fig = consolidate(toolkit, sources).figures["convictions"][2021]
    assert fig.consolidated == 30
    # two equally reliable sources that agree, beside a less reliable one: no tie
    sources[0][1]["answers"]["LAW.04"]["2021"]["male"] = 95
    fig = consolidate(toolkit, sources[::-1]).figures["convictions"][2021]
    assert fig.consolidated == 95 and fig.rule in ("majority", "most_reliable")


def test_the_figure_most_of_the_most_reliable_sources_give_is_kept(toolkit):
    """High 10, high 20, high 20 and low 10: no figure has a majority of all four, but two of the
    three most reliable sources agree on 20; it was kept as a tie on 10 (completed first)."""
    def source(wid, inst, male, reliability, date):
        return (wid, record(wid, inst, {"LAW.04": {"2021": {"female": 0, "male": male}}},
                            tables={"LAW.04": {"reliability": reliability}}, date=date))

    fig = consolidate(toolkit, [source("a", "Police", 10, "high", "2026-03-01"),
                                source("b", "Courts", 20, "high", "2026-03-02"),
                                source("c", "Prosecution", 20, "high", "2026-03-03"),
                                source("d", "NGO", 10, "low", "2026-03-04")]
                      ).figures["convictions"][2021]
    assert (fig.consolidated, fig.rule) == (20, "most_reliable")


def test_resolutions_are_applied_audited_and_unmatched_ones_reported(toolkit):
    decisions = [
        Decision("answer", "LAW.01", "no", "court records checked", "Assessor", "2026-05-01"),
        Decision("need", "LAW.02#1", None, "EU project started", "Assessor", "2026-05-01"),
        Decision("figure", "LAW.04", "9", "court registry", "Assessor", "2026-05-01", 2021),
        Decision("answer", "LAW.03", "yes", "typo", "Assessor", "2026-05-01"),
    ]
    c = consolidate(toolkit, [
        ("a", record("a", "Police", {"LAW.01": "yes", "LAW.02": "no",
                                     "LAW.04": {"2021": {"female": 10}}})),
        ("b", record("b", "NGO", {"LAW.01": "no", "LAW.04": {"2021": {"female": 8}}})),
    ], decisions=decisions)
    assert [d.applied for d in decisions] == [True, True, True, False]
    assert c.conflicts[0].value == "no" and c.conflicts[0].basis == "resolved"
    # originals kept beside the decision
    assert decisions[0].original == (("Police", "yes"), ("NGO", "no"))
    assert decisions[2].original == (("Police", 10), ("NGO", 8))
    addressed = next(n for n in c.needs if n.key == "LAW.02#1")
    assert addressed.status == "addressed"
    assert all(addressed not in p.needs for p in c.open_packages)
    assert c.figures["convictions"][2021].consolidated == 9
    assert "do not disagree" in decisions[3].note


@pytest.mark.parametrize(("value", "settled", "note"), [
    ("yes", "yes", ""),
    (" Yes ", "yes", ""),  # a label, as the assessor reads it on the Conflicts sheet
    # not applied: the question stays settled as without a decision (the most severe view)
    ("maybe", "no", "'maybe' is not an answer to LAW.01; one of: yes, partly, no, dont_know"),
    ("", "no", "'' is not an answer to LAW.01"),
])
def test_a_decision_settles_a_question_only_to_an_answer_it_accepts(toolkit, value, settled,
                                                                   note):
    """An answer no respondent could give ('maybe') would settle the question to a value no
    needs rule reads, and its need would vanish without a word: it is not applied, and says
    why."""
    decision = Decision("answer", "LAW.01", value, "", "", "")
    c = consolidate(toolkit, [
        ("a", record("a", "Police", {"LAW.01": "yes"})),
        ("b", record("b", "NGO", {"LAW.01": "no"})),
    ], decisions=[decision])
    assert decision.applied == (note == "")
    assert decision.note.startswith(note)
    assert c.settled["LAW.01"].value == settled
    assert c.settled["LAW.01"].resolution == ("" if not note else None)  # no "(, )" left


def test_the_last_of_two_decisions_on_one_target_is_applied_and_the_first_says_so(toolkit):
    """Two decisions on LAW.01 ("yes", then "no") were both shown applied, the last silently
    winning; the same for two on one figure."""
    def decision(kind, target, value, where, year=None):
        return Decision(kind, target, value, "checked", "Assessor", "2026-05-01", year,
                        where=where)

    decisions = [decision("answer", "LAW.01", "yes", "row 2"),
                 decision("answer", "LAW.01", "no", "row 3"),
                 decision("figure", "LAW.04", "9", "row 4", 2021),
                 decision("figure", "LAW.04", "11", "row 5", 2021)]
    c = consolidate(toolkit, [
        ("a", record("a", "Police", {"LAW.01": "yes", "LAW.04": {"2021": {"female": 10}}})),
        ("b", record("b", "NGO", {"LAW.01": "no", "LAW.04": {"2021": {"female": 8}}})),
    ], decisions=decisions)
    assert [d.applied for d in decisions] == [False, True, False, True]
    assert decisions[0].note == "a later decision on LAW.01 replaces it (row 3)"
    assert decisions[2].note == "a later decision on LAW.04 replaces it (row 5)"
    assert c.settled["LAW.01"].value == "no" and c.figures["convictions"][2021].consolidated == 11


def test_a_figure_is_decided_by_the_name_the_sheet_shows_and_a_miss_lists_the_figures(toolkit):
    """The Justice chains sheet names indicators ("Persons convicted"); deciding a figure by
    that name failed with "no figure for ... in 2021", which was untrue, and named no code."""
    label = toolkit.vocabulary_label("indicators", "convictions", "en")
    named = Decision("figure", f" {label.upper()} ", "9", "", "", "", 2021)
    wrong = Decision("figure", "persons_convicted", "9", "", "", "", 2021)
    c = consolidate(toolkit, [
        ("a", record("a", "Police", {"LAW.04": {"2021": {"female": 10}}}))],
        decisions=[named, wrong])
    assert named.applied and c.figures["convictions"][2021].consolidated == 9
    assert not wrong.applied and wrong.note == (
        "no figure for persons_convicted in 2021; figures of 2021: convictions")


def test_a_need_decided_under_another_rule_number_names_the_need_found(toolkit):
    """The README's example "LEG.09#1" where the returns gave LEG.09#4: "no need was found for
    this question" was untrue."""
    wrong = Decision("need", "LAW.01#2", None, "", "", "")
    none = Decision("need", "LAW.02#1", None, "", "", "")
    consolidate(toolkit, [("a", record("a", "Police", {"LAW.01": "no", "LAW.02": "yes"}))],
                decisions=[wrong, none])
    assert wrong.note == "no need LAW.01#2 in these returns; the need found for LAW.01 is LAW.01#1"
    assert none.note == "no need was found for LAW.02 in these returns"


def test_a_decision_on_a_question_the_toolkit_lacks_says_so(toolkit):
    decision = Decision("answer", "LAW.99", "yes", "", "", "")
    consolidate(toolkit, [("a", record("a", "Police", {"LAW.01": "yes"}))],
                decisions=[decision])
    assert not decision.applied and decision.note == "no question LAW.99 in the toolkit"


#: Readiness scored on any settled question: the formula on cases of one or two questions.
ANY_BASIS = dataclasses.replace(load_weights(), readiness_min_questions=1, readiness_min_share=0)


def test_scorecard_readiness(toolkit):
    c = consolidate(toolkit, [("a", record("a", "Police", {"LAW.01": "no", "LAW.02": "yes",
                                                           "LAW.03": "yes"}))])
    (row,) = scorecard(c)
    assert row["answered"] == 3 and row["critical"] == 1 and row["scored"] == 3
    # possible = 4 + 1 + 3 (critical, low, high); open = 4
    assert row["readiness"] == round(100 * (1 - 4 / 8))


def test_readiness_is_not_scored_on_one_or_two_answers(toolkit, tmp_path):
    """One settled question of fourteen made a component 100, two made another 0, beside
    components scored on twenty: under the weights' minimum (3 questions, a third of those with
    a needs rule) the Scorecard shows none, and says why."""
    two = [("a", record("a", "Police", {"LAW.01": "no", "LAW.02": "yes"}))]
    (row,) = scorecard(consolidate(toolkit, two))
    assert (row["scored"], row["readiness"]) == (2, None)
    (row,) = scorecard(consolidate(toolkit, two, weights=ANY_BASIS))
    assert row["readiness"] == round(100 * (1 - 4 / 5))
    third = dataclasses.replace(ANY_BASIS, readiness_min_share=0.5)
    # LAW.01-03 carry a needs rule here: two of three is more than half
    assert scorecard(consolidate(toolkit, two, weights=third))[0]["readiness"] is not None
    (returns := tmp_path / "in").mkdir()
    (returns / "a.json").write_text(json.dumps(two[0][1]), "utf-8")
    summarise([returns], toolkit, tmp_path / "s.xlsx")
    ws = _load(tmp_path / "s.xlsx")["Scorecard"]
    header = [c.value for c in ws[4]]
    line = [c.value for c in ws[5]]
    assert line[header.index("Questions scored")] == 2
    assert line[header.index("Readiness (0-100)")] is None
    assert "at least 3 settled questions and on at least 33% of the component" in ws["A2"].value
    # a share is a share: 33 would hide every readiness
    weights = tmp_path / "w.json"
    weights.write_text(json.dumps({"readiness_min_share": 33}), "utf-8")
    with pytest.raises(InputError, match="readiness_min_share a share from 0 to 1"):
        load_weights(weights)


def test_questions_only_perceived_are_said_and_not_counted_as_ready(write_specs, tmp_path):
    """A component whose authoritative institution has not answered showed readiness 100: the
    others' answers are perceptions and derive no need, and were counted as settled questions
    without one. They are counted apart; readiness rests on the settled questions, and a
    component with none shows no readiness."""
    held = component("law", "LAW", [
        question("LAW.01", authoritative=["ministry_justice"],
                 needs=[rule({"in": ["no"]}, "critical")]),
        question("LAW.02", needs=[rule({"in": ["no"]}, "low")]),
    ], respondents=["police", "ministry_justice", "ngo"])
    tk = load_toolkit(write_specs({"law": held}))
    asked = ["LAW.01", "LAW.02"]
    ngo = record("a", "Shelter", {"LAW.01": "no", "LAW.02": "yes"}, kind="ngo", asked=asked)
    (row,) = scorecard(consolidate(tk, [("a", ngo)], weights=ANY_BASIS))
    assert (row["answered"], row["perception"], row["critical"]) == (2, 1, 0)
    assert row["readiness"] == 100  # LAW.02 alone is settled, and holds no need
    only = record("b", "Shelter", {"LAW.01": "no"}, kind="ngo", asked=asked)
    c = consolidate(tk, [("b", only)])
    (row,) = scorecard(c)
    assert (row["perception"], row["readiness"]) == (1, None)  # not 100: nothing settled
    # the report says it under the component's gaps, where "No open need was found" stood alone
    from natk_xlsx.outputs.report_content import build
    from natk_xlsx.outputs.report_text import Para, blocks

    texts = [b.text for b in blocks(build(c, "en")) if isinstance(b, Para)]
    said = [t for t in texts if t.startswith("Questions answered only by respondents")]
    assert len(said) == 1 and "have not answered): 1. No need is derived" in said[0]
    # said before "No open need was found", which read as good news on its own
    assert texts.index(said[0]) < texts.index("No open need was found.")
    moj = record("c", "Ministry of Justice", {"LAW.01": "no"}, kind="ministry_justice",
                 asked=asked)
    (row,) = scorecard(consolidate(tk, [("b", only), ("c", moj)], weights=ANY_BASIS))
    assert (row["perception"], row["critical"], row["readiness"]) == (0, 1, 0)
    # "don't know" alone settles nothing either: not a question without a gap (it was 20 here)
    unknown = record("d", "Shelter", {"LAW.02": "dont_know"}, kind="ngo", asked=asked)
    (row,) = scorecard(consolidate(tk, [("c", moj), ("d", unknown)], weights=ANY_BASIS))
    assert (row["unknown"], row["readiness"]) == (1, 0)
    # the questions resting on perceptions are named, for a decision to settle them
    (row,) = scorecard(c)
    assert row["perception_ids"] == ["LAW.01"]
    returns = tmp_path / "returns"
    returns.mkdir()
    (returns / "b.json").write_text(json.dumps(only), "utf-8")
    summarise([returns], tk, tmp_path / "s.xlsx")
    sheet = [r for r in _load(tmp_path / "s.xlsx")["Scorecard"].iter_rows(values_only=True)]
    header = next(r for r in sheet if r[0] == "Component")
    assert header[-1] == "Questions resting on perceptions"
    assert [r[-1] for r in sheet[sheet.index(header) + 1:] if r[0]] == ["LAW.01"]


def _load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def test_the_executive_summary_counts_an_institution_once_whatever_its_returns(toolkit,
                                                                               tmp_path):
    """Two different returns of the police, both kept: three returns, two institutions."""
    returns = tmp_path / "returns"
    returns.mkdir()
    for wid, inst, answer in [("w1", "Police", "no"), ("w2", "Police", "partly"),
                              ("w3", "NGO", "yes")]:
        (returns / f"{wid}.json").write_text(
            json.dumps(record(wid, inst, {"LAW.01": answer})), "utf-8")
    summarise([returns], toolkit, tmp_path / "summary.xlsx")
    rows = {r[1]: r[2] for r in _load(tmp_path / "summary.xlsx")["Executive summary"].iter_rows(
        values_only=True) if r[1]}
    assert (rows["Institutions that answered"], rows["Returns received"]) == (2, 3)


def test_summary_workbook_sheets_tables_charts_and_safe_text(toolkit, tmp_path):
    tmp_path = tmp_path / "in"  # the returns' folder, with the outputs written into it
    tmp_path.mkdir()
    inputs = []
    for wid, inst, answers, details in [
        ("w1", "Police", {"LAW.01": "no", "LAW.05": {"2021": {"number": 12}}},
         {"LAW.01": {"comment": "=HYPERLINK(\"http://x\")", "evidence": "00123"}}),
        ("w2", "NGO", {"LAW.01": "yes", "LAW.05": {"2021": {"number": 20}}}, {}),
    ]:
        path = tmp_path / f"{wid}.json"
        path.write_text(json.dumps(record(wid, inst, answers, details)), "utf-8")
        inputs.append(path)
    (tmp_path / "broken.json").write_text("{not json", "utf-8")
    out = tmp_path / "summary.xlsx"
    result = summarise([tmp_path], toolkit, out, json_path=tmp_path / "s.json",
                       csv_dir=tmp_path / "csv")
    assert [s["state"] for s in result.sources] == ["unusable", "read", "read"]
    wb = _load(out)
    assert wb.sheetnames == ["Executive summary", "Plan", "Needs", "Scorecard", "Justice chains",
                             "Assistance map", "Conflicts", "Action plan", "By institution",
                             "Responses", "Remarks", "Sources", "Audit"]
    assert "Needs" in wb["Needs"].tables and "Plan" in wb["Plan"].tables
    # stacked bars and a radar across components, then one bar chart per component
    assert len(wb["Scorecard"]._charts) == 2 + 1
    needs = wb["Needs"]
    header = [c.value for c in needs[4]]
    assert header[:4] == ["Package", "Severity", "Need key", "Finding"]
    first = [c.value for c in needs[5]]
    assert first[:3] == ["P01", "Critical", "LAW.01#1"]
    # each answer once, with who gave it
    assert first[header.index("Answers")] == "Police: No; NGO: Yes"
    responses = wb["Responses"]
    cells = [c for row in responses.iter_rows() for c in row]
    injected = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert injected and all(c.data_type == "s" for c in injected)
    assert any(c.value == "00123" and c.data_type == "s" for c in cells)
    chain = wb["Justice chains"]
    rows = [[c.value for c in row] for row in chain.iter_rows()]
    victims = next(r for r in rows if r[0] == "Victims formally identified")
    # disagreeing, equally reliable, completed the same day: by name, whatever the files' order
    assert victims[1] == 20
    line = next(r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("Victims formally "
                                                                               "identified, 2021"))
    assert "Police: 12; NGO: 20" in line and "Retained: 20 (NGO)" in line
    assert "the institution first by name" in line and "for the assessor to decide" in line
    data = json.loads((tmp_path / "s.json").read_text("utf-8"))
    assert list(data) == ["packages", "needs", "conflicts", "statistics", "responses",
                          "remarks"]
    assert data["needs"][0]["need_key"] == "LAW.01#1"
    assert data["conflicts"][0]["question_id"] == "LAW.01"
    # typed, as needs and packages are: not the CSV's text (an analyst cast "2021", "TRUE")
    (figure,) = [s for s in data["statistics"] if s["workbook_id"] == "w1"]
    assert (figure["year"], figure["value"], figure["source"]) == (2021, 12, None)
    assert figure["additive"] in (True, False, None) and figure["additive"] is not None
    table = next(r for r in data["responses"] if r["question_id"] == "LAW.05"
                 and r["workbook_id"] == "w1")
    assert table["value"] == {"2021": {"number": 12}} and table["provider"] is None
    with (tmp_path / "csv" / "responses.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert {r["institution"] for r in rows} == {"Police", "NGO"}
    assert {(r["value"], r["value_label"]) for r in rows if r["question_id"] == "LAW.01"} == {
        ("no", "No"), ("yes", "Yes")}
    assert data["needs"][0]["finding"] == "No offence of the kind"
    with (tmp_path / "csv" / "needs.csv").open(encoding="utf-8-sig") as f:
        needs = list(csv.DictReader(f))
    header = list(needs[0])
    assert header[0] == "need_key" and "severity_label" in header
    # what made the need fire, and the evidence behind it, as an analyst filters on them
    first = needs[0]
    assert (first["settled_answer"], first["settled_answer_label"], first["documented"],
            first["government"], first["civil_society"], first["confidence_label"]) == (
        "no", "No", "TRUE", "1", "0", first["confidence"].capitalize())
    # the finding beside the question it came from; empty where the specs give no gap
    assert [(n["need_key"], n["finding"]) for n in needs if n["question_id"] == "LAW.01"] == [
        ("LAW.01#1", "No offence of the kind")]
    assert all(n["finding"] == "" for n in needs if n["question_id"] != "LAW.01")
    assert not any("evidence_col" in name for name in header + list(rows[0]))


def test_cli_summarise_with_resolutions(toolkit, tmp_path):
    for wid, inst, value in [("w1", "Police", "yes"), ("w2", "NGO", "no")]:
        (tmp_path / f"{wid}.json").write_text(json.dumps(record(wid, inst, {"LAW.01": value})),
                                              "utf-8")
    res = tmp_path / "decisions.csv"
    res.write_text("kind,target,value,reason,decided_by,decided_on\n"
                   "answer,LAW.01,no,checked with the ministry,Team lead,2026-05-02\n"
                   "need,LAW.09,,not relevant,Team lead,2026-05-02\n"
                   "need,LAW.01#1,,under way,Team lead,2026-05-02\n", "utf-8")
    result = CliRunner().invoke(cli, ["summarise", "--specs", toolkit.directory, str(tmp_path / "w1.json"),
                                      str(tmp_path / "w2.json"), "-o", str(tmp_path / "s.xlsx"),
                                      "--resolutions", str(res)])
    assert result.exit_code == 0, result.output
    assert f"{res}: 2 of 3 decisions applied." in result.stdout
    # the screen counts the open needs, as the sheets do (an addressed one is not counted)
    assert "0 packages of 0 open needs" in result.stdout
    assert (f"{res}: row 3: not applied (need LAW.09): no need was found for LAW.09 in "
            "these returns") in result.stdout
    audit = _load(tmp_path / "s.xlsx")["Audit"]
    rows = [[c.value for c in r] for r in audit.iter_rows(min_row=2)]
    assert rows[0][:2] == ["Answer", "LAW.01"] and rows[0][7] == "yes"
    # what was replaced, as the other sheets say answers and priorities, not their codes
    assert rows[0][8] == "Police: Yes; NGO: No"
    assert rows[1][7] == "no" and "no need was found" in rows[1][9]
    assert rows[2][8] == "LAW.01#1: Critical"
    zh = tmp_path / "zh.xlsx"
    summarise([tmp_path / "w1.json", tmp_path / "w2.json"], toolkit, zh, lang="zh",
              resolutions=res)
    audit = [[c.value for c in r] for r in _load(zh).worksheets[-1].iter_rows(min_row=2)]
    assert audit[0][8] == "Police：是；NGO：否"


def test_bad_resolutions_file_names_the_row(toolkit, tmp_path):
    from natk_xlsx.errors import InputError
    from natk_xlsx.outputs.summarise import load_resolutions

    path = tmp_path / "r.csv"
    path.write_text("kind,target\nverdict,LAW.01\n", "utf-8")
    with pytest.raises(InputError, match="row 2: needs a kind"):
        load_resolutions(path)


def test_regional_view_names_each_country(toolkit):
    c = consolidate(toolkit, [("a", record("a", "Police", {"LAW.01": "no"}, country="Veridia")),
                              ("b", record("b", "Police", {"LAW.01": "no"}, country="Moravia"))])
    assert sorted(r.institution for r in c.respondents) == ["Police (Moravia)", "Police (Veridia)"]
    assert c.same_institution == []


def test_one_country_typed_in_two_cases_is_no_regional_view(toolkit):
    """A cover saying "veridia " beside others saying "Veridia" renamed every institution of
    the summary and its CSVs "… (Veridia)", as if two countries were assessed."""
    c = consolidate(toolkit, [("a", record("a", "Police", {"LAW.01": "no"}, country="Veridia")),
                              ("b", record("b", "Courts", {"LAW.01": "no"}, country="veridia "))])
    assert sorted(r.institution for r in c.respondents) == ["Courts", "Police"]
    c = consolidate(toolkit, [("a", record("a", "Police", {"LAW.01": "no"}, country="Veridia")),
                              ("b", record("b", "Courts", {"LAW.01": "no"}, country="veridia ")),
                              ("c", record("c", "Police", {"LAW.01": "no"}, country="Moravia"))])
    assert sorted(r.institution for r in c.respondents) == [  # one spelling of each country
        "Courts (Veridia)", "Police (Moravia)", "Police (Veridia)"]


def test_the_key_figures_account_for_every_file_read_as_the_report_does(toolkit, tmp_path):
    """Files received = answered + could not be read + received again: the executive summary
    and the report give the same counts (the report said 11 where the summary said 10)."""
    data = json.dumps(record("w1", "Police", {"LAW.01": "no"}))
    (tmp_path / "in").mkdir()
    for name in ("a.json", "a (sent again).json"):
        (tmp_path / "in" / name).write_text(data, "utf-8")
    (tmp_path / "in" / "w2.json").write_text(json.dumps(record("w2", "NGO", {"LAW.01": "yes"})),
                                             "utf-8")
    (tmp_path / "in" / "broken.json").write_text("{not json", "utf-8")
    # the questionnaire sent back unfilled: received, not an institution that answered
    (tmp_path / "in" / "blank.json").write_text(json.dumps(record("w9", "Courts", {})), "utf-8")
    result = summarise([tmp_path / "in"], toolkit, tmp_path / "s.xlsx")
    ws = _load(tmp_path / "s.xlsx")["Executive summary"]
    figures = {r[1]: r[2] for r in ws.iter_rows(min_row=5, max_row=14, values_only=True) if r[1]}
    assert [figures[k] for k in ("Returns received", "Institutions that answered",
                                 "Returns that could not be read",
                                 "Returns without any answer, not counted",
                                 "Received again, counted once")] == [5, 2, 1, 1, 1]
    assert ws["A2"].value.endswith("with the questionnaires of toolkit 1.0.0; returns: 2; files "
                                   "read: 5.")  # the tool's version and the specs' apart
    assert [s["file"] for s in result.blank] == [str(tmp_path / "in" / "blank.json")]
    assert "Courts" not in {r.institution for r in result.consolidation.respondents}
    sources = {Path(r[0]).name: r for r in _load(tmp_path / "s.xlsx")["Sources"].iter_rows(
        min_row=2, values_only=True) if r[0]}
    assert ("no question answered (the questionnaire as it was sent): not counted"
            in sources["blank.json"])
    from natk_xlsx.outputs.report_content import build
    from natk_xlsx.outputs.report_text import blocks

    report = build(result.consolidation, "en", result.sources)
    assert (report.files_received, report.files_blank) == (5, 1)
    text = " ".join(str(b) for b in blocks(report))
    assert "1 came back without any answer" in text
    assert "One questionnaire came back without any answer and is not reflected" in text
    # another return of the same institution, left out (--same-institution latest): still
    # accounted for
    (tmp_path / "in" / "w3.json").write_text(json.dumps(record("w3", "Police", {"LAW.01": "yes"},
                                                               date="2026-04-01")), "utf-8")
    summarise([tmp_path / "in"], toolkit, tmp_path / "s.xlsx", same_institution="latest")
    ws = _load(tmp_path / "s.xlsx")["Executive summary"]
    figures = {r[1]: r[2] for r in ws.iter_rows(min_row=5, max_row=14, values_only=True) if r[1]}
    assert [figures[k] for k in ("Returns received", "Institutions that answered",
                                 "Returns that could not be read",
                                 "Received again, counted once")] == [6, 2, 1, 2]


def test_a_summary_of_an_earlier_run_in_the_folder_is_named_as_one(toolkit, tmp_path):
    """Not 'send back the workbook you received': the respondent did nothing wrong."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "w1.json").write_text(json.dumps(record("w1", "Police", {"LAW.01": "no"})),
                                             "utf-8")
    (tmp_path / "in" / "w2.json").write_text(json.dumps(record("w2", "NGO", {"LAW.01": "yes"})),
                                             "utf-8")
    first = summarise([tmp_path / "in"], toolkit, tmp_path / "in" / "old.xlsx",
                      json_path=tmp_path / "in" / "old.json")
    assert first.consolidation.conflicts  # its Conflicts sheet cites question ids, as a return
    again = summarise([tmp_path / "in"], toolkit, tmp_path / "new.xlsx")
    assert len(again.consolidation.respondents) == 2
    status = {Path(s["file"]).name: s["status"] for s in again.unusable}
    assert set(status) == {"old.xlsx", "old.json", "old-responses.csv"}
    assert "a CSV file written by natk-xlsx with a summary" in status["old-responses.csv"]
    assert "a needs summary written by natk-xlsx, not a return" in status["old.xlsx"]
    assert "the JSON of a needs summary written by natk-xlsx" in status["old.json"]


def test_summary_written_into_the_input_folder_is_not_read_back(toolkit, tmp_path):
    tmp_path = tmp_path / "in"  # the returns' folder (the specs' folder is beside it)
    tmp_path.mkdir()
    (tmp_path / "w1.json").write_text(json.dumps(record("w1", "Police", {"LAW.01": "no"})), "utf-8")
    out = tmp_path / "summary.xlsx"
    summarise([tmp_path], toolkit, out, json_path=tmp_path / "summary.json")
    again = summarise([tmp_path], toolkit, out, json_path=tmp_path / "summary.json",
                      csv_dir=tmp_path / "csv")
    again = summarise([tmp_path], toolkit, out, json_path=tmp_path / "summary.json",
                      csv_dir=tmp_path / "csv")
    assert [s["file"] for s in again.sources] == [str(tmp_path / "w1.json")]
    assert again.unusable == []


def test_a_workbook_given_as_the_resolutions_file_is_named_as_one(tmp_path):
    from natk_xlsx.errors import InputError
    from natk_xlsx.outputs.summarise import load_resolutions

    path = tmp_path / "decisions.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x87\xc3")
    with pytest.raises(InputError, match=r"this is a spreadsheet workbook, not the resolutions "
                                         r"file as CSV; save the sheet as CSV in UTF-8"):
        load_resolutions(path)
    path.write_bytes("kind,target\nanswer,LAW.01\n".encode("utf-16"))
    with pytest.raises(InputError, match=r"not UTF-8 text; save the resolutions file as CSV"):
        load_resolutions(path)


@pytest.mark.parametrize(("qid", "value", "settled", "note"), [
    ("POL.24", "1 500", 1500, ""),  # read as the returns read it, not as 1.5
    ("POL.24", "12", 12, ""),
    ("POL.24", "nan", None, "'nan' is not a number"),
    ("POL.24", "-5", None, "'-5' is not an answer POL.24 accepts"),
    ("POL.24", "2.5", None, "'2.5' is not an answer POL.24 accepts"),
    ("POL.10", "150", None, "'150' is not an answer POL.10 accepts"),
    ("POL.10", "35%", 35, ""),
    ("VIC.04", "victims_own;dont_know", None, "is not an answer VIC.04 accepts"),
    ("POL.01", "En partie", "partly", ""),  # a label of another language
])
def test_a_decided_value_is_one_a_respondent_could_have_given(qid, value, settled, note):
    """Numbers, ranges, whole numbers and choices that stand alone, as the question's own
    schema has them; the returns' number parser, so that '1 500' is 1500 here as there."""
    from factory import BUNDLED_SPECS

    from natk_xlsx.analysis.decisions import decided_answer

    toolkit = load_toolkit(BUNDLED_SPECS)
    q = toolkit.question(qid)
    if qid == "VIC.04":
        assert q.type == "multiple_choice" and "dont_know" in toolkit.answer_codes(q)
        value = value.replace("victims_own", toolkit.answer_codes(q)[0])
    got, problem = decided_answer(toolkit, q, value)
    assert got == settled
    assert (note in problem) if note else problem == ""


def test_a_decided_figure_is_read_as_the_returns_read_one(toolkit):
    decisions = [Decision("figure", "LAW.04", "1 500", "", "", "", 2021),
                 Decision("figure", "LAW.04", "-3", "", "", "", 2021)]
    c = consolidate(toolkit, [("a", record("a", "Police", {"LAW.04": {"2021": {"female": 10}}}))],
                    decisions=decisions)
    assert c.figures["convictions"][2021].consolidated == 1500
    assert [d.applied for d in decisions] == [True, False]
    assert decisions[1].note == "'-3' is not a figure (a number of 0 or more)"


def test_the_screen_names_the_files_left_out_in_one_language(toolkit, tmp_path, capsys):
    """A summary in French still speaks English on the screen, as check does: a line for a
    file that could not be read (its reason, not the Sources sheet's French status), and one
    for a questionnaire sent back unfilled."""
    from natk_xlsx.cli import _say_left_out

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "w1.json").write_text(json.dumps(record("w1", "Police",
                                                                {"LAW.01": "no"})), "utf-8")
    (tmp_path / "in" / "broken.json").write_text("{not json", "utf-8")
    (tmp_path / "in" / "blank.json").write_text(json.dumps(record("w9", "Courts", {})), "utf-8")
    result = summarise([tmp_path / "in"], toolkit, tmp_path / "s.xlsx", lang="fr")
    (unread,) = result.unusable
    assert unread["status"].startswith("non lu")  # the Sources sheet's, in French
    _say_left_out(result)
    said = capsys.readouterr().out.splitlines()
    assert said == [
        f"{tmp_path / 'in' / 'broken.json'}: UNUSABLE: "
        f"{unread['error'].removeprefix(str(tmp_path / 'in' / 'broken.json') + ': ')}",
        f"{tmp_path / 'in' / 'blank.json'}: BLANK: the questionnaire came back without any "
        "answer; it is listed, not counted"]
    assert unread["error"] and "non lu" not in said[0]


def test_different_options_ticked_and_different_numbers_are_disagreements_too():
    """Only yes/no and single choices were conflicts: a need fired by one institution's
    options ("no psychological support") while another ticked that support, and staff counted
    16 and 18, were missing from the Conflicts sheet and the report's disagreements. Free texts
    never read alike and are not compared."""
    from factory import BUNDLED_SPECS

    toolkit = load_toolkit(BUNDLED_SPECS)
    choices = next(q for q in toolkit.questions() if q.type == "multiple_choice"
                   and len(toolkit.answer_codes(q)) > 2)
    number = next(q for q in toolkit.questions() if q.type == "integer")
    text = next(q for q in toolkit.questions() if q.type == "long_text")
    first, second, *_ = toolkit.answer_codes(choices)

    def source(wid, inst, picked, count, said):
        rec = record(wid, inst, {choices.id: picked, number.id: count, text.id: said})
        rec["components"] = sorted({choices.component, number.component, text.component})
        rec["asked"] = [choices.id, number.id, text.id]
        return (wid, rec)

    c = consolidate(toolkit, [source("a", "Police", [first, second], 16, "One view."),
                              source("b", "Shelter network", [first], 18, "Another view.")])
    assert {s.question.id for s in c.conflicts} == {choices.id, number.id}
    assert all(s.strength == "partial" for s in c.conflicts)
    # alike is no conflict, in whatever order the options were ticked
    c = consolidate(toolkit, [source("a", "Police", [first, second], 16, "x"),
                              source("b", "Courts", [second, first], 16, "x")])
    assert c.conflicts == []


def test_an_answer_no_view_corroborates_and_authorities_that_disagree_are_named_so(
        write_specs, tmp_path):
    """An NGO's undocumented "No" kept over the police's "Partly" was labelled "most severe
    credible view", though neither view was credible by the method's own rule; and a ministry
    and a shelter, both authoritative, that disagreed read as "authoritative respondent"."""
    graded = [rule({"in": ["no"]}, "critical"), rule({"in": ["partly"]}, "medium")]
    held = component("law", "LAW", [
        question("LAW.01", needs=graded),
        question("LAW.02", needs=graded, authoritative=["ministry_justice", "ngo"]),
    ], respondents=["police", "ministry_justice", "ngo"])
    tk = load_toolkit(write_specs({"law": held}))
    asked = ["LAW.01", "LAW.02"]
    recs = [("a", record("a", "Police", {"LAW.01": "partly"}, kind="police", asked=asked)),
            ("b", record("b", "Shelter", {"LAW.01": "no", "LAW.02": "no"}, kind="ngo",
                         asked=asked)),
            ("c", record("c", "Ministry of Justice", {"LAW.02": "partly"},
                         kind="ministry_justice", asked=asked))]
    c = consolidate(tk, recs)
    by_id = {s.question.id: s for s in c.conflicts}
    assert (by_id["LAW.01"].value, by_id["LAW.01"].shown_basis) == ("no", "uncorroborated")
    assert by_id["LAW.02"].basis == "authoritative"
    assert by_id["LAW.02"].shown_basis == "authoritative_disputed"
    returns = tmp_path / "in"
    returns.mkdir()
    for name, rec in recs:
        (returns / f"{name}.json").write_text(json.dumps(rec), "utf-8")
    summarise([returns], tk, tmp_path / "s.xlsx")
    decided = {row[0]: row[4] for row in _load(tmp_path / "s.xlsx")["Conflicts"].iter_rows(
        values_only=True) if row[0] in by_id}
    assert decided == {"LAW.01": "No (most severe view, none corroborated)",
                       "LAW.02": "No (authoritative respondents disagree)"}

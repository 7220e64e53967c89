"""The assessment report: a small inline scenario written to Word and read back with python-docx.

Two components, three institutions: a critical legal gap two of them report (one citing a
document), a dependent need, a victims' gap a partner already works on, a disagreement, and
statistics of the three justice chains (victims, cases, persons), one figure in dispute.
"""

from __future__ import annotations

import json
import re
import shutil
import string
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from factory import component, question

from natk_xlsx.cli import cli
from natk_xlsx.i18n.interface import strings, ui
from natk_xlsx.i18n.languages import UN_LANGUAGES
from natk_xlsx.outputs.docx_writer import CELL_PAD_CM, CHAR_CM, KEPT_WHOLE, column_widths
from natk_xlsx.outputs.draft_report import write_report
from natk_xlsx.outputs.report_content import build
from natk_xlsx.outputs.report_text import Table
from natk_xlsx.spec.lint import load_toolkit


def rule(when, severity, action, **extra):
    return {"when": when, "severity": severity, "assistance": ["legislative_drafting"],
            "action": {"en": action}, **extra}


#: The statistics questions LAW.04 to LAW.09: two stages of each justice chain.
STAGES = ("victims_identified", "convictions", "victims_referred", "investigations_opened",
          "cases_decided", "persons_prosecuted")
COMPONENTS = {
    "law": component("law", "LAW", [
        question("LAW.01", text={"en": "Is trafficking a crime?"},
                 needs=[rule({"in": ["no"]}, "critical", "Adopt a trafficking offence.",
                             horizon="medium", theme="offence_definition")]),
        question("LAW.02", text={"en": "Are penalties dissuasive?"},
                 needs=[rule({"in": ["no"]}, "low", "Raise the penalties.",
                             theme="penalties_sentencing")]),
        question("LAW.03", section="more", text={"en": "Are judges trained on the law?"},
                 needs=[rule({"in": ["no"]}, "high", "Train judges on the new offence.",
                             depends_on=["LAW.01"], horizon="short", theme="training")]),
        *(question(f"LAW.{k:02d}", "stats_table", section="more", breakdown="single",
                   indicator=indicator, required=False)
          for k, indicator in enumerate(STAGES, start=4)),
    ], title={"en": "Legislative framework"}, category="core",
        documents=[{"en": "The penal code"}, {"en": "Court statistics"}]),
    "victims": component("victims", "VIC", [
        question("VIC.01", text={"en": "Is there a referral mechanism?"},
                 needs=[rule({"in": ["no"]}, "medium", "Set up a referral mechanism.",
                             theme="referral_mechanism", assistance=["victim_services"])]),
        question("VIC.02", text={"en": "Are shelters open to men?"},
                 needs=[rule({"in": ["no"]}, "low", "Open shelters to men.",
                             theme="victim_assistance")]),
    ], title={"en": "Victim protection"}, category="core"),
}
INSTITUTIONS = ("Ministry of Justice", "Police", "Shelter network")


def record(i, answers, details=None, tables=None):
    institution = INSTITUTIONS[i]
    return {
        "format": "natk-submission/1", "workbook_id": f"wb-{i}",
        "toolkit": {"id": "test-toolkit", "version": "1.0.0", "spec_hash": "x"},
        "language": "en", "components": ["law", "victims"], "reference_period": [2021, 2023],
        "respondent": {"institution": institution, "respondent_name": f"Secret Person {i}",
                       "kind": ("ministry_justice", "police", "ngo")[i],
                       "completion_date": f"2026-03-0{i + 1}", "country": "Veridia"},
        "answers": answers, "details": details or {}, "tables": tables or {},
        "asked": [*(f"LAW.{k:02d}" for k in range(1, 10)), "VIC.01", "VIC.02"],
        "issues": [],
    }


RECORDS = [
    record(0, {"LAW.01": "no", "LAW.02": "yes", "LAW.03": "no", "VIC.01": "yes", "VIC.02": "yes",
               "LAW.04": {"2022": {"total": 120}, "2023": {"total": 150}},
               "LAW.05": {"2022": {"total": 9}, "2023": {"total": 12}},
               "LAW.06": {"2022": {"total": 60}, "2023": {"total": 90}},
               "LAW.07": {"2022": {"total": 50}, "2023": {"total": 70}},
               "LAW.08": {"2022": {"total": 20}, "2023": {"total": 4}},
               "LAW.09": {"2022": {"total": 30}, "2023": {"total": 40}}},
           details={"LAW.01": {"evidence": "Penal Code, art. 12"}}),
    record(1, {"LAW.01": "no", "LAW.02": "no", "VIC.01": "no", "VIC.02": "yes",
               "LAW.04": {"2022": {"total": 118}}},
           details={"VIC.01": {"provided": "yes", "provider": "IOM"}}),
    record(2, {"LAW.01": "yes", "VIC.02": "yes"}),
]


@pytest.fixture
def toolkit(write_specs):
    return load_toolkit(write_specs(COMPONENTS))


@pytest.fixture
def returns(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    for i, rec in enumerate(RECORDS):
        (folder / f"{i}.json").write_text(json.dumps(rec), "utf-8")
    return folder


def write(toolkit, returns, tmp_path, lang="en", **kw):
    out = tmp_path / f"report-{lang}.docx"
    result = write_report([returns], toolkit, out, lang=lang, assessment="Veridia 2026", **kw)
    return result, docx.Document(str(out))


def headings(doc, level):
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def all_text(doc):
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def table_after(doc, heading_text):
    """The first table after the heading ``heading_text`` (not its entry in the contents)."""
    body = doc.element.body
    seen = False
    for element in body.iterchildren():
        paragraph = Paragraph(element, doc) if element.tag == qn("w:p") else None
        if paragraph is not None and paragraph.text == heading_text \
                and paragraph.style.name.startswith("Heading"):
            seen = True
        elif seen and element.tag == qn("w:tbl"):
            return DocxTable(element, doc)
    raise AssertionError(f"no table after {heading_text!r}")


def rows(table):
    return [[c.text for c in row.cells] for row in table.rows]


# -- structure ---------------------------------------------------------------------------------
def test_chapters_components_and_contents(toolkit, returns, tmp_path):
    _, doc = write(toolkit, returns, tmp_path)
    assert [p.text for p in doc.paragraphs if p.style.name == "Title"] == ["Test toolkit"]
    assert headings(doc, 1) == ["Executive summary", "Method", "Findings by component",
                                "Recommendations", "Annexes"]
    level2 = headings(doc, 2)
    assert level2.index("The justice chain") < level2.index("Legislative framework") \
        < level2.index("Victim protection") < level2.index("Recommendations matrix")
    codes = [t.text for t in doc.element.body.iter(qn("w:instrText"))]
    assert any('TOC \\o "1-2"' in c for c in codes), codes  # a real table of contents field
    assert any(c.strip() == "PAGE" for p in doc.sections[0].footer.paragraphs
               for c in (t.text for t in p._p.iter(qn("w:instrText"))))
    toc = [p.text for p in doc.paragraphs if p.style.name.lower() in ("toc 1", "toc 2")]
    assert toc[:2] == ["Executive summary", "The response"]
    assert doc.settings.element.find(qn("w:updateFields")) is not None
    assert doc.core_properties.title == "Test toolkit"


def test_front_matter_and_response(toolkit, returns, tmp_path):
    result, doc = write(toolkit, returns, tmp_path)
    text = all_text(doc)
    assert "Country: Veridia" in text and "Assessment: Veridia 2026" in text
    assert "completed between 1 March 2026 and 3 March 2026" in text
    assert "3 questionnaires were received and 3 institutions answered" in text
    # a shelter network answered too: not called one of the "national institutions"
    assert "what 3 institutions in Veridia reported" in text and "national institution" not in text
    assert "covered 2 of the 2 components" in text
    assert result.report.comprehensive
    # institutions are named, the persons who filled in the questionnaires never are
    assert "Secret Person" not in text
    annex = rows(table_after(doc, "Annex 1. Institutions consulted"))
    assert [r[1] for r in annex[1:]] == ["Ministry of Justice", "Shelter network", "Police"]
    assert annex[0] == ["Kind of respondent", "Institution", "Components answered"]
    # one institution of each kind: the kinds, without a count of one after each
    texts = [p.text for p in doc.paragraphs]
    after = next(i for i, t in enumerate(texts) if t.endswith("answered, by kind:")) + 1
    kinds = texts[after:after + 3]
    assert kinds == ["Ministry of Justice", "Non-governmental organisations and service providers",
                     "Police"]


def test_one_institution_is_counted_in_the_singular(toolkit, returns, tmp_path):
    """"1 institutions answered 10 of the 10 questions asked on this component": where one
    institution answered, the English report says so in the singular."""
    for extra in sorted(returns.glob("*.json"))[1:]:
        extra.unlink()
    _, doc = write(toolkit, returns, tmp_path)
    text = all_text(doc)
    assert "1 institutions" not in text
    assert "; 1 institution answered (Annex 1)" in text
    assert "1 institution answered " in text and "of the" in text


#: A count of one before a plural noun: "disagreed on 1 questions", "1 open needs".
ONE_PLURAL = re.compile(r"(?<![\d.,])1 (?:open )?(?:needs|questions|recommendations|institutions|"
                        r"questionnaires|packages|components|returns)\b")


def test_every_count_in_a_sentence_of_several_agrees_with_its_noun():
    """A sentence of several counts made "Respondents disagreed on 1 questions" and "grouped into
    1 recommendations": each count has its own singular (``{name:|one|many}``)."""
    one = ui("report.summary.needs", "en", open=1, packages=1, conflicts=1)
    assert one.startswith("The answers reveal 1 open need, grouped into 1 recommendation below. "
                          "Respondents disagreed on 1 question.")
    many = ui("report.summary.needs", "en", open=2, packages=0, conflicts=3)
    assert many.startswith("The answers reveal 2 open needs, grouped into 0 recommendations "
                           "below. Respondents disagreed on 3 questions.")
    assert ui("report.summary.asked", "en", asked=1, answered=1, rate=100) == (
        "1 institution was sent a questionnaire and 1 answered (100%).")
    mixed = ui("report.summary.response", "en", files=1, answered=2, count=2, aside="",
               covered=1, total=1)
    assert mixed.startswith("1 questionnaire was received and 2 institutions answered. Together "
                            "they covered 1 of the 1 component of")
    assert ui("summary.map.counts", "en", none=1, total=1, several=0) == (
        "1 of 1 package has no partner; 0 have two or more partners at once.")
    assert ui("summary.map.counts", "en", none=1, total=3, several=1) == (
        "1 of 3 packages has no partner; 1 has two or more partners at once.")
    assert ui("summary.map.counts", "en", none=2, total=3, several=2).startswith(
        "2 of 3 packages have no partner; 2 have")
    assert "at least 1 settled question and" in ui("summary.scorecard.scored", "en", count=1,
                                                    share=0)
    # the other languages say "questions: 1", with no word to agree
    assert ui("report.summary.needs", "fr", open=1, packages=1, conflicts=1).startswith(
        "Besoins non satisfaits mis en évidence par les réponses\u00a0: 1\u00a0;")


def test_a_report_of_fewer_than_ten_recommendations_describes_each_in_full(
        toolkit, returns, tmp_path):
    """Four recommendations were introduced with "The first ten are described in full" under the
    heading "The ten most urgent"; and one return made "1 ..." sentences in the plural."""
    _, doc = write(toolkit, returns, tmp_path)
    text = all_text(doc)
    assert "The first ten" not in text and "The ten most urgent" not in headings(doc, 2)
    assert ("The 4 recommendations below are ranked, the most urgent first, and each is "
            "described in full;") in text
    assert "The recommendations in full" in headings(doc, 2)
    assert "The 1 most urgent package, as in the executive summary" in text
    assert not ONE_PLURAL.search(text), ONE_PLURAL.search(text)
    _, doc = write(toolkit, returns, tmp_path, lang="fr")
    assert "Les recommandations en détail" in headings(doc, 2)
    assert "Les dix premières" not in all_text(doc)
    for extra in sorted(returns.glob("*.json"))[1:]:  # one institution answered
        extra.unlink()
    result, doc = write(toolkit, returns, tmp_path)
    text = all_text(doc)
    assert not ONE_PLURAL.search(text), ONE_PLURAL.search(text)
    assert "1 institution answered" in text and "1 questionnaire" not in text
    assert len(result.report.recommendations) == 2
    assert "The 2 recommendations below are ranked, the most urgent first, and each" in text
    assert ui("report.rec.intro.all", "en", count=1).startswith(
        "The one recommendation below is described in full;")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_summary_of_fewer_than_ten_priorities_does_not_call_them_the_ten(
        toolkit, returns, tmp_path, lang):
    """The executive summary's heading said "The ten most urgent packages" above one."""
    import openpyxl

    from natk_xlsx.outputs.summarise import summarise

    out = tmp_path / f"summary-{lang}.xlsx"
    summarise([returns], toolkit, out, lang=lang, jobs=1)
    cells = [c for row in openpyxl.load_workbook(out, read_only=True).worksheets[0].iter_rows(
        values_only=True) for c in row if isinstance(c, str)]
    assert ui("summary.exec.top.few", lang) in cells
    assert ui("summary.exec.top", lang) not in cells


def test_a_core_component_no_one_answered_is_not_called_a_targeted_assessment(
        toolkit, returns, tmp_path):
    """Returns of institutions whose workbooks did not hold a core component made "The
    assessment was targeted at selected components", which no return can tell (the workbooks
    of the institutions that did not answer may have held it): the report says what the
    questionnaires received cover, and its limits which components none answered."""
    for extra in sorted(returns.glob("*.json")):
        extra.unlink()
    only_law = record(0, {"LAW.01": "no"})
    only_law["asked"] = [q for q in only_law["asked"] if q.startswith("LAW.")]
    (returns / "0.json").write_text(json.dumps(only_law), "utf-8")
    result, doc = write(toolkit, returns, tmp_path)
    text = all_text(doc)
    assert not result.report.comprehensive
    assert "targeted" not in text
    assert "The questionnaires received cover these components of the toolkit: Legislative " \
           "framework." in text
    assert "No questionnaire answered these components: Victim protection." in text


def test_a_return_read_with_errors_is_named_among_the_limits(toolkit, returns, tmp_path):
    """A return with an error still to correct is summarised without its answers in error, and
    its figures may be retained over another institution's: the report's limits said nothing
    of it (only Annex 4 did)."""
    _, doc = write(toolkit, returns, tmp_path)
    assert "still held errors" not in all_text(doc)
    rec = json.loads((returns / "1.json").read_text("utf-8"))
    rec["issues"] = [{"code": "ANSWER-NOT-ALLOWED", "severity": "error", "question": "VIC.02"}]
    (returns / "1.json").write_text(json.dumps(rec), "utf-8")
    result, doc = write(toolkit, returns, tmp_path)
    assert result.report.files_invalid == 1
    limits = [p.text for p in doc.paragraphs if "still held errors" in p.text]
    assert limits == ["One questionnaire still held errors when it was read: its other answers "
                      "are included, the answers in error are not (Annex 4)."]
    _, doc = write(toolkit, returns, tmp_path, lang="zh")
    assert "有1份问卷在读取时仍有错误" in all_text(doc)
    # a later, corrected return of the same institution replaces it (--same-institution latest)
    later = json.loads((returns / "1.json").read_text("utf-8"))
    later.update(workbook_id="wb-1b", issues=[])
    later["respondent"]["completion_date"] = "2026-04-01"
    (returns / "1b.json").write_text(json.dumps(later), "utf-8")
    result, doc = write(toolkit, returns, tmp_path, same_institution="latest")
    assert result.report.files_invalid == 0 and "still held errors" not in all_text(doc)


def test_findings_cite_question_ids_and_show_disagreement(toolkit, returns, tmp_path):
    _, doc = write(toolkit, returns, tmp_path)
    text = all_text(doc)
    assert "Are shelters open to men? — Yes [VIC.02] (3 in agreement)" in text
    gaps = rows(table_after(doc, "Legislative framework"))
    assert gaps[0] == ["Severity", "Need", "Confidence", "Question ID"]
    # the settled answer, with the evidence behind the need: two ministries, one document
    assert gaps[1] == ["Critical", "Is trafficking a crime? — No",
                       "Medium (2 government; documents)", "LAW.01"]
    assert [g[0] for g in gaps[1:]] == ["Critical", "High", "Low"]
    assert gaps[2][2] == "Low (1 government; no document cited)"  # not "perception": that
    # word names the answers of respondents who do not settle a question
    disagreement = next(p.text for p in doc.paragraphs if p.text.startswith("Is trafficking a"
                                                                           " crime? [LAW.01]: "))
    assert "Ministry of Justice, Police: No" in disagreement and "Shelter network: Yes" in disagreement
    assert disagreement.endswith("Answer retained: No (most severe credible view)")


def test_statistics_and_the_justice_chain(toolkit, returns, tmp_path):
    result, doc = write(toolkit, returns, tmp_path)
    assert [c.key for c in result.report.chains] == ["victims", "cases", "persons"]
    level3 = headings(doc, 3)
    assert level3[:3] == ["Victims (unit: victims)", "Cases (unit: cases)",
                          "Persons (unit: persons)"]
    victims = rows(table_after(doc, "Victims (unit: victims)"))
    assert victims[0] == ["Indicator", "2022", "2023"]
    assert victims[1] == ["Victims formally identified", "120", "150"]  # 120 and 118 reported
    assert victims[2] == ["Victims referred to assistance", "60", "90"]
    # each stage over the stage before it one year earlier: 90 of 120
    assert victims[3] == ["Victims referred to assistance as a share of Victims formally "
                          "identified (1 year earlier)", "–", "75%"]
    cases = {r[0]: r[1:] for r in rows(table_after(doc, "Cases (unit: cases)"))}
    assert cases["Cases decided"] == ["20", "4"]
    assert [v for k, v in cases.items() if "as a share" in k] == [["–", "8% !"]]  # under 20%
    persons = {r[0]: r[1:] for r in rows(table_after(doc, "Persons (unit: persons)"))}
    assert persons["Persons convicted"] == ["9", "12"] and persons["Persons prosecuted"] == [
        "30", "40"]
    # where the sources disagree, the source retained is named
    text = all_text(doc)
    line = ("Victims formally identified, 2022: Ministry of Justice: 120; Police: 118. Retained: "
            "120 (Ministry of Justice), by the rule: the return completed first, as no source "
            "rates itself more reliable (for the assessor to decide).")
    assert line in text and result.report.chains[0].sources == (line,)
    law_stats = next(t for t in doc.tables if rows(t)[0][0] == "Indicator"
                     and any(r[0] == "Victims formally identified" and r[1].endswith("*")
                             for r in rows(t)))
    assert rows(law_stats)[1][1] == "120*"  # two institutions gave 120 and 118 for 2022
    # the charts are native chart parts with the figures in them: one per chain, and the needs
    charts = [p for p in doc.part.package.iter_parts() if p.partname.startswith("/word/charts/")]
    assert len(charts) == 4
    xml = b"".join(p.blob for p in charts).decode("utf-8")
    assert "<c:v>Victims formally identified</c:v>" in xml and "<c:v>150</c:v>" in xml
    assert 'descr="Cases (unit: cases)"' in doc.element.xml  # shown by its heading
    assert "<a:t>Open needs by component and severity</a:t>" in xml


def test_recommendations_in_rank_order_with_what_comes_first(toolkit, returns, tmp_path):
    result, doc = write(toolkit, returns, tmp_path)
    recs = result.report.recommendations
    assert [(r.rank, r.id, r.question_ids, r.priority) for r in recs] == [
        (1, "P01", ("LAW.01",), "critical"),  # one package per theme
        (2, "P02", ("LAW.03",), "high"),
        (3, "P03", ("VIC.01",), "medium"),
        (4, "P04", ("LAW.02",), "low"),
    ]
    assert recs[0].confidence == "medium" and recs[0].evidence == "2 government; documents"
    assert recs[1].first == ("P01",)  # train judges after the offence exists
    # its own horizon is short, but it cannot start before what must come first
    assert recs[1].timeframe == "medium" and recs[0].timeframe == "medium"
    assert recs[2].partners == ("IOM",) and recs[2].confidence == "low"
    # the bodies the summary's action plan proposes: those the package's theme names
    assert recs[0].responsible == ("Ministry of Justice",)
    assert recs[2].responsible == ("National anti-trafficking coordinator or coordination body",
                                   "Social services and child protection")
    detailed = [h for h in (p.text for p in doc.paragraphs if p.style.name == "Heading 3")
                if re.match(r"\d+\. ", h)]
    assert detailed == [f"{r.rank}. {r.title}" for r in recs]
    assert detailed[0] == "1. Bring the trafficking offence into line with the Protocol"
    matrix = rows(table_after(doc, "Recommendations matrix"))
    assert matrix[0][5] == "Phase"
    assert [r[0] for r in matrix[1:]] == ["1", "2", "3", "4"]
    # a recommendation is named by its package id, as in the summary ("P01", not "#1")
    assert [r[1].split(" ", 1)[0] for r in matrix[1:]] == ["P01", "P02", "P03", "P04"]
    assert matrix[1][2] == "Critical" and matrix[2][6] == "P01" and matrix[3][4] == "IOM"
    assert matrix[3][3] == ("National anti-trafficking coordinator or coordination body, Social "
                            "services and child protection") and matrix[4][5] == "long term"
    # the executive summary lists the summary's top ten only: the packages resting on one
    # perception are not there
    summary_items = [p.text for p in doc.paragraphs if p.style.name == "List Number"]
    assert [r.id for r in result.report.top] == ["P01"]
    assert len(summary_items) == 1
    assert summary_items[0].startswith("Bring the trafficking offence into line with the Protocol "
                                       "(Legislative framework). Priority: Critical. "
                                       "Confidence: medium. Phase: medium term.")
    assert "Adopt a trafficking offence." in summary_items[0]


def _heading_at(doc, body, text):
    """The index in ``body`` of the heading ``text`` (not its entry in the contents)."""
    return next(i for i, el in enumerate(body) if el.tag == qn("w:p")
                and Paragraph(el, doc).text == text
                and Paragraph(el, doc).style.name.startswith("Heading"))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_recommendations_matrix_is_printed_across_a_landscape_page(toolkit, returns,
                                                                      tmp_path, lang):
    """Seven columns on a portrait page left the recommendation a word or two a line: the matrix
    has landscape pages of its own, between the portrait ones, its columns sharing their width;
    the pages go on being numbered (the section's footer is the first's) and the annexes are
    portrait again. No table's row is cut across two pages."""
    from docx.enum.section import WD_ORIENT

    _, doc = write(toolkit, returns, tmp_path, lang=lang)
    sections = doc.sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE,
                                                 WD_ORIENT.PORTRAIT]
    wide = sections[1]
    assert wide.page_width > wide.page_height and wide.footer.is_linked_to_previous
    assert (wide._sectPr.find(qn("w:bidi")) is not None) == (lang == "ar")
    body = list(doc.element.body.iterchildren())
    ends = [i for i, el in enumerate(body) if el.find(f".//{qn('w:sectPr')}") is not None]
    at = _heading_at(doc, body, ui("report.h.matrix", lang))
    table = next(i for i in range(at, len(body)) if body[i].tag == qn("w:tbl"))
    assert ends[0] < at < table < ends[1]  # the heading and the table: the second section
    text_width = (wide.page_width - wide.left_margin - wide.right_margin) / 360000
    widths = [c.width / 360000 for c in DocxTable(body[table], doc).columns]
    assert sum(widths) == pytest.approx(text_width, abs=0.05)
    assert _heading_at(doc, body, ui("report.h.annexes", lang)) > ends[1]
    # no row of any table is cut across two pages (the matrix's last row printed its last two
    # lines alone on a landscape page)
    rows = [tr for table in doc.tables for tr in table._tbl.tr_lst]
    assert len(rows) > 20
    assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)


def test_the_report_says_what_the_summary_says(toolkit, returns, tmp_path):
    """The recommendations are the summary's packages, in the same order; the executive
    summary's are the summary's top ten."""
    from natk_xlsx.analysis.packages import top_ten
    from natk_xlsx.outputs.summarise import summarise

    result, _ = write(toolkit, returns, tmp_path)
    summary = summarise([returns], toolkit, tmp_path / "summary.xlsx",
                        json_path=tmp_path / "summary.json")
    packages = json.loads((tmp_path / "summary.json").read_text("utf-8"))["packages"]
    ranked = sorted((p for p in packages if p["rank"]), key=lambda p: p["rank"])
    assert [(r.rank, r.id, r.title, r.priority, r.confidence, r.timeframe, list(r.question_ids),
             list(r.partners)) for r in result.report.recommendations] == [
        (p["rank"], p["package_id"], p["title"], p["severity"], p["confidence"], p["phase"],
         p["questions"], p["partners"]) for p in ranked]
    c = summary.consolidation
    assert [r.id for r in result.report.top] == [p.id for p in top_ten(c.packages, c.weights)]


def test_weights_file_ranks_and_is_stated_in_the_method(toolkit, returns, tmp_path):
    weights = tmp_path / "weights.json"
    weights.write_text(json.dumps({"severity": {"medium": 900}, "top_ten_min_confidence": "low"}),
                       "utf-8")
    result, doc = write(toolkit, returns, tmp_path, weights=weights)
    recs = result.report.recommendations
    # the weights change the scores, never the bands: critical stays above medium
    assert [r.priority for r in recs] == ["critical", "high", "medium", "low"]
    assert recs[2].score > 900 and recs[0].score < 900
    assert [r.id for r in result.report.top] == ["P01", "P02", "P03", "P04"]
    method = next(p.text for p in doc.paragraphs if p.text.startswith("How the rank is computed"))
    assert "medium 900" in method and method.endswith("Weights: weights.json.")
    _, default = write(toolkit, returns, tmp_path)
    # a ministry reads the report: the defaults are named as such, not by a path in a package
    assert any("medium 200" in p.text and p.text.endswith("Weights: the toolkit's defaults.")
               for p in default.paragraphs)
    assert "natk_xlsx" not in all_text(default)


def test_annexes_documents_and_returns(toolkit, returns, tmp_path):
    _, doc = write(toolkit, returns, tmp_path)
    text = all_text(doc)
    assert "The penal code" in text and "Court statistics" in text
    assert "The assessor made no decisions on these questionnaires." in text
    read = rows(table_after(doc, "Annex 4. Questionnaires read"))
    assert [r[0] for r in read[1:]] == ["0.json", "1.json", "2.json"]


def test_decisions_are_in_the_annex(toolkit, returns, tmp_path):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("kind,target,value,reason,decided_by,decided_on\n"
                         "need,VIC.01,,IOM covers it fully,Assessor,2026-04-01\n"
                         "answer,LAW.99,yes,a question of another edition,Assessor,2026-04-01\n",
                         "utf-8")
    result, doc = write(toolkit, returns, tmp_path, resolutions=decisions)
    assert [r.question_ids for r in result.report.recommendations] == [("LAW.01",), ("LAW.03",),
                                                                      ("LAW.02",)]
    annex = rows(table_after(doc, "Annex 3. The assessor's decisions"))
    # the decisions applied, in words; the one that matched nothing is counted, not listed
    # among them as a row marked "no" in a draft for the ministry
    assert annex[1:] == [["Need already addressed", "VIC.01", "", "IOM covers it fully",
                          "Assessor", "2026-04-01"]]
    note = next(p.text for p in doc.paragraphs if p.text.startswith("Decisions of the "
                                                                       "resolutions file not"))
    assert note.endswith(': 1. The "Audit" sheet of the needs summary workbook says why for each.')


def test_tables_reflow_and_nothing_is_locked(toolkit, returns, tmp_path):
    _, doc = write(toolkit, returns, tmp_path)
    assert doc.settings.element.find(qn("w:documentProtection")) is None
    for table in doc.tables:
        assert table.autofit
        width = table._tbl.tblPr.find(qn("w:tblW"))
        assert width.get(qn("w:type")) == "pct" and width.get(qn("w:w")) == "5000"
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None
        # a short table stays on one page: every row but the last keeps with the next (the
        # header and a row of figures stood at a page's foot, the rest on the next page); a long
        # one keeps its header with its first row
        kept = [all(cell.paragraphs[0].paragraph_format.keep_with_next for cell in row.cells)
                for row in table.rows]
        whole = len(table.rows) <= KEPT_WHOLE
        assert kept == ([True] * (len(table.rows) - 1) + [False] if whole
                        else [True] + [False] * (len(table.rows) - 1))


def test_column_widths_share_the_text_width():
    block = Table(("Rank", "Recommendation", "Priority"),
                  (("1", "A long recommendation that needs room to breathe " * 2, "High"),))
    widths = column_widths(block, total=16.0)
    assert sum(widths) == pytest.approx(16.0, abs=0.05)
    assert widths[1] > widths[0] and widths[1] > widths[2]
    wide = column_widths(Table(("A", "B"), (("贩运人口罪贩运人口罪", "abcdefghij"),)))
    assert wide[0] > wide[1]  # Chinese characters count double
    years = tuple(str(y) for y in range(2021, 2026))
    figures = column_widths(Table(("Indicator", *years),
                                  (("Victims referred as a share of victims identified " * 2,
                                    *("12% !",) * 5),), numeric=frozenset(range(1, 6))))
    assert min(figures[1:]) >= len("12% !x") * CHAR_CM + CELL_PAD_CM - 0.01  # never breaks


def test_the_column_that_says_most_in_a_row_gets_the_room():
    """The matrix's recommendation (200 characters a row) shared the room evenly with the body
    responsible (40): both were measured by their longest text, up to 45 characters, and the
    recommendations took nine lines a row. The room now goes by what a row says, on average; a
    short label without spaces (a Chinese phase) stays on one line."""
    rows = tuple((f"P{i:02d} " + "Protect victims and give them justice " * 5, "Ministry of Justice "
                  "and the Prosecution service", "medium term") for i in range(1, 9))
    rec, body, phase = column_widths(Table(("Recommendation", "Responsible", "Phase"), rows),
                                     total=24.7)
    assert rec > 3 * body and body > phase
    zh = column_widths(Table(("建议", "阶段"), (("保护儿童被害人并提供对儿童友好的司法程序" * 4, "短期（速效）"),)))
    assert zh[1] >= 12 * CHAR_CM + CELL_PAD_CM - 0.01


def test_a_short_header_stays_whole_and_chinese_text_breaks_anywhere():
    """The Chinese matrix broke its headers ("必须先 / 行", "极其严 / 重") and the Arabic one a
    header word ("يسبقه / ا"): a short header is as wide as it is in bold, a header's longest word
    too; a Chinese text, which may break between any two characters, no longer claims its
    whole length as one word (which left no room for the rest)."""
    from natk_xlsx.outputs.docx_writer import BOLD
    from natk_xlsx.textwidth import display_width

    zh = column_widths(Table(("建议", "必须先行"), (("通过、资助并协调国家战略" * 3, ""),)))
    assert zh[1] >= round(display_width("必须先行") * BOLD) * CHAR_CM + CELL_PAD_CM - 0.01
    assert zh[0] > zh[1]
    ar = column_widths(Table(("التوصية", "ما يجب أن يسبقها"), (("حماية الضحايا " * 20, "P04"),)))
    assert ar[1] >= round(display_width("يسبقها") * BOLD) * CHAR_CM + CELL_PAD_CM - 0.01


# -- languages ---------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_fixed_texts_are_in_the_report_language(toolkit, returns, tmp_path, lang):
    _, doc = write(toolkit, returns, tmp_path, lang=lang)
    expected = [ui(f"report.h.{k}", lang) for k in ("summary", "method", "findings",
                                                    "recommendations", "annexes")]
    assert headings(doc, 1) == expected
    assert ui("report.h.annex_institutions", lang) in headings(doc, 2)
    if lang != "en":
        assert "Executive summary" not in all_text(doc)


def test_arabic_is_right_to_left(toolkit, returns, tmp_path):
    _, doc = write(toolkit, returns, tmp_path, lang="ar")
    body = doc.element.body
    texts = [p for p in doc.paragraphs if p.text.strip()]
    assert all(p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in texts)
    runs = [r for p in texts for r in p.runs if re.search("[\u0600-\u06ff]", r.text)]
    assert runs and all(r._r.rPr.find(qn("w:rtl")) is not None for r in runs)
    assert all(r._r.rPr.find(qn("w:bCs")) is not None for r in runs if r.bold)
    latin = [r for p in texts for r in p.runs if r.text == "Veridia 2026"]  # the assessment
    assert latin and all(r._r.rPr is None or r._r.rPr.find(qn("w:rtl")) is None for r in latin)
    tables = list(body.iter(qn("w:tbl")))
    assert tables and all(t.tblPr.find(qn("w:bidiVisual")) is not None for t in tables)
    assert doc.sections[0]._sectPr.find(qn("w:bidi")) is not None
    _, english = write(toolkit, returns, tmp_path, lang="en")
    assert not list(english.element.body.iter(qn("w:bidiVisual")))
    assert not list(english.element.body.iter(qn("w:rtl")))


def test_chinese_text_is_tagged_for_east_asian_fonts(toolkit, returns, tmp_path):
    _, doc = write(toolkit, returns, tmp_path, lang="zh")
    normal = doc.styles["Normal"].element.rPr
    assert normal.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert normal.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Microsoft YaHei"
    assert "执行摘要" in headings(doc, 1)


def test_every_report_text_is_in_six_languages_with_the_same_placeholders():
    keys = [k for k in strings() if k.startswith("report.")]
    assert len(keys) > 60
    fields = string.Formatter()
    for key in keys:
        texts = strings()[key]
        assert set(texts) == set(UN_LANGUAGES), key
        english = {f for _, f, _, _ in fields.parse(texts["en"]) if f}
        for lang, text in texts.items():
            assert text.strip(), (key, lang)
            found = {f for _, f, _, _ in fields.parse(text) if f}
            if key.endswith(".one"):  # a singular form may say "one" in words ("سنة واحدة")
                found |= english & {"count"}
            assert found == english, (key, lang)


# -- the view-model alone ----------------------------------------------------------------------
def test_recipients_give_who_was_asked_and_who_did_not_answer(toolkit, returns, tmp_path):
    recipients = tmp_path / "recipients.csv"
    recipients.write_text("institution\nMinistry of Justice\npolice \nShelter network\n"
                          "Labour Inspectorate\n", "utf-8")  # names match whatever their case
    result, doc = write(toolkit, returns, tmp_path, recipients=recipients)
    assert result.report.asked == 4 and result.report.not_answered == ("Labour Inspectorate",)
    text = all_text(doc)
    assert "4 institutions were sent a questionnaire and 3 answered (75%)." in text
    assert "their answers are not in this report: Labour Inspectorate." in text
    # one questionnaire from each of the three: not said again ("3 questionnaires were received
    # and 3 institutions answered")
    assert "questionnaires were received" not in text
    assert "The answers covered 2 of the 2 components of the toolkit." in text



def test_build_without_returns_list(toolkit):
    from natk_xlsx.analysis.consolidate import consolidate

    c = consolidate(toolkit, [(f"{i}.json", r) for i, r in enumerate(RECORDS)])
    report = build(c, "en")
    assert report.files_received == 3 and report.returns == ()
    assert [f.id for f in report.findings] == ["law", "victims"]
    assert report.findings[0].needs_by_severity == {"critical": 1, "low": 1, "high": 1}
    assert report.country == "Veridia"


# -- command line ------------------------------------------------------------------------------
def test_cli_report(toolkit, returns, tmp_path):
    out = tmp_path / "r.docx"
    res = CliRunner().invoke(cli, ["report", str(returns), "-o", str(out), "--specs",
                                   str(toolkit.directory), "--country", "Veridia"])
    assert res.exit_code == 0, res.output
    assert "3 returns reported on: 2 components, 4 recommendations" in res.output
    assert out.exists()


def test_cli_report_usage_errors(toolkit, returns, tmp_path):
    res = CliRunner().invoke(cli, ["report", str(returns), "--specs", str(toolkit.directory),
                                   "-o", str(tmp_path / "r.pdf")])
    assert res.exit_code == 2 and "give a name ending in .docx" in res.output


def test_cli_report_weights(toolkit, returns, tmp_path):
    weights = tmp_path / "w.json"
    weights.write_text('{"per_need": 7}', "utf-8")
    out = tmp_path / "r.docx"
    args = ["report", str(returns), "--specs", str(toolkit.directory), "-o", str(out)]
    res = CliRunner().invoke(cli, [*args, "--weights", str(weights)])
    assert res.exit_code == 0, res.output
    assert "7 per need" in all_text(docx.Document(str(out)))
    weights.write_text('{"per_needs": 7}', "utf-8")  # a key the defaults do not have
    res = CliRunner().invoke(cli, [*args, "--weights", str(weights)])
    assert res.exit_code != 0 and "w.json" in res.output and "unknown key 'per_needs'" in res.output
    assert "Traceback" not in res.output


def test_cli_report_into_a_missing_folder(toolkit, returns, tmp_path):
    # a missing folder is made, as the summary's is; a file where it should be is one line
    res = CliRunner().invoke(cli, ["report", str(returns), "--specs", str(toolkit.directory),
                                   "-o", str(tmp_path / "new" / "folder" / "r.docx")])
    assert res.exit_code == 0 and (tmp_path / "new" / "folder" / "r.docx").is_file()
    (tmp_path / "notes.txt").write_text("", "utf-8")  # a file where the folder should be
    for out in (tmp_path / "notes.txt" / "r.docx", tmp_path / "notes.txt" / "sub" / "r.docx"):
        res = CliRunner().invoke(cli, ["report", str(returns), "--specs", str(toolkit.directory),
                                       "-o", str(out)])
        assert res.exit_code == 3 and "notes.txt is a file, not a folder" in res.output
    # nothing read, nothing made: a report that fails leaves no empty folder behind
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(cli, ["report", str(tmp_path / "empty"), "--specs",
                                   str(toolkit.directory), "-o", str(tmp_path / "out" / "r.docx")])
    assert res.exit_code != 0 and "no workbooks" in res.output
    assert not (tmp_path / "out").exists()


# -- LibreOffice -------------------------------------------------------------------------------
def _writer() -> str | None:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        return None
    program = Path(path).resolve().parent
    return path if any(program.glob("libswlo.*")) else None


@pytest.mark.skipif(_writer() is None, reason="LibreOffice Writer is not installed")
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_libreoffice_converts_the_report_to_pdf(toolkit, returns, tmp_path, lang):
    result, _ = write(toolkit, returns, tmp_path, lang=lang)
    out = tmp_path / "pdf"
    proc = subprocess.run(
        [_writer() or "soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--headless", "--convert-to", "pdf", "--outdir", str(out), str(result.path)],
        capture_output=True, text=True, timeout=180, check=False)
    pdf = out / f"report-{lang}.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stdout + proc.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") + data.count(b"/Type/Page") > 3
    if shutil.which("pdftotext"):  # no page left blank (a page number alone is blank)
        pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                               text=True, check=True).stdout.split("\f")
        blank = [i for i, page in enumerate(pages[:-1], start=1)
                 if len("".join(page.split()).strip("0123456789")) < 3]
        assert blank == [], f"blank pages: {blank}"
    if shutil.which("pdfinfo"):  # the matrix's pages, and only they, lie across
        def info(*pages: str) -> str:
            return subprocess.run(["pdfinfo", *pages, str(pdf)], capture_output=True, text=True,
                                  check=True).stdout

        total = re.search(r"Pages: +(\d+)", info()).group(1)
        across = [int(n) for n, w, h in re.findall(r"Page +(\d+) size: +([\d.]+) x ([\d.]+)",
                                                   info("-f", "1", "-l", total))
                  if float(w) > float(h)]
        assert across and across == list(range(across[0], across[-1] + 1))
        assert across[-1] < int(total)  # the annexes: portrait again


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_chapter_starts_its_page_without_a_paragraph_that_could_spill(toolkit, returns,
                                                                          tmp_path, lang):
    """A chapter starts a page by its heading's "page break before" (or a section of its own),
    not after a paragraph holding a break: after a table that filled its page, such a paragraph
    spilled onto a page of its own and left it blank (the demo's Arabic report had two). The
    spacing paragraph after the last table is one point high, for the same reason."""
    from docx.enum.section import WD_SECTION

    _, doc = write(toolkit, returns, tmp_path, lang=lang)
    assert not doc.element.body.xpath('.//w:br[@w:type="page"]')
    starts = [p for p in doc.paragraphs if p.paragraph_format.page_break_before]
    assert len(starts) == 4  # and two sections: the matrix's landscape pages, then the annexes
    assert [s.start_type for s in doc.sections[1:]] == [WD_SECTION.NEW_PAGE] * 2
    assert {p.style.name for p in starts} <= {"Heading 1", "TOC Heading"}
    last = doc.paragraphs[-1]
    if last._p.getprevious().tag.endswith("}tbl"):
        assert last.text == "" and last.paragraph_format.line_spacing == docx.shared.Pt(1)


def test_counts_of_none_and_of_one_read_as_words(toolkit, returns, tmp_path):
    """The response paragraph leaves out what did not happen ("0 could not be read; 0 received
    twice"), and a strength one institution stated is that institution's answer, not "(1 in
    agreement)"."""
    _, doc = write(toolkit, returns, tmp_path)
    text = "\n".join(p.text for p in doc.paragraphs)
    response = next(p for p in text.split("\n") if "questionnaires were received" in p)
    assert "could not be read" not in response and "received twice" not in response
    assert "(1 in agreement)" not in text
    assert "(one institution's answer)" in text or "in agreement)" in text
    (returns / "copy.json").write_text((returns / "0.json").read_text("utf-8"), "utf-8")
    _, doc = write(toolkit, returns, tmp_path)
    response = next(p.text for p in doc.paragraphs if "questionnaires were received" in p.text)
    assert "(1 received twice and counted once)" in response


def test_an_arabic_chart_runs_right_to_left_as_its_table_does(toolkit, returns, tmp_path):
    """In the Arabic report the years of a column chart run from right to left, as the table
    beside it does, with the scale on the right, and bars grow from the right (they ran left to
    right, against the table and the text)."""
    def charts(lang: str) -> list[tuple[list[str], str]]:
        _, doc = write(toolkit, returns, tmp_path / lang, lang=lang)
        found = []
        for part in doc.part.package.parts:
            if str(part.partname).startswith("/word/charts/"):
                xml = part.blob.decode("utf-8")
                cats = re.search(r"<c:cat>(.*?)</c:cat>", xml).group(1)
                crosses = re.search(r'<c:valAx>.*<c:crosses val="(\w+)"/>', xml).group(1)
                horizontal = '<c:barDir val="bar"/>' in xml
                scale = re.search(r'<c:valAx>.*?<c:orientation val="(\w+)"/>', xml).group(1)
                found.append((re.findall(r"<c:v>(.*?)</c:v>", cats), crosses, horizontal, scale))
        return found

    (tmp_path / "en").mkdir()
    (tmp_path / "ar").mkdir()
    english, arabic = charts("en"), charts("ar")
    columns = [(e, a) for e, a in zip(english, arabic, strict=True) if not e[2]]
    assert columns
    for (en_cats, en_crosses, *_), (ar_cats, ar_crosses, *_) in columns:
        assert len(ar_cats) == len(en_cats) > 1
        if all(c.isdigit() for c in en_cats):  # years: the same words in both
            assert ar_cats == en_cats[::-1]
        assert en_crosses == "autoZero" and ar_crosses == "max"
    bars = [(e, a) for e, a in zip(english, arabic, strict=True) if e[2]]
    assert bars
    for (en_cats, *_, en_scale), (ar_cats, *_, ar_scale) in bars:
        assert len(ar_cats) == len(en_cats)  # the first category on top in both
        assert (en_scale, ar_scale) == ("minMax", "maxMin")  # Arabic bars grow from the right


@pytest.mark.parametrize("lang", ["en", "zh", "ar"])
def test_a_priority_names_its_component_when_it_has_one(toolkit, returns, tmp_path, lang):
    """In the executive summary a priority names its component in brackets exactly when its
    package lies in one component. A comma in the joined titles was taken for several, so an
    English component with a comma in its name ("Victim identification, protection and
    assistance") went unnamed, and in Arabic and Chinese, which join with their own commas,
    packages spanning several components were named with all of them."""
    from natk_xlsx.i18n.languages import join_items
    from natk_xlsx.outputs.report_content import Recommendation
    from natk_xlsx.outputs.report_text import _rec_title, _Writer

    result, _ = write(toolkit, returns, tmp_path, lang=lang)
    w = _Writer(result.report)
    one = "Victim identification, protection and assistance"
    several = join_items(["Legislative framework", "Law enforcement"], lang)

    def rec(component: str, count: int) -> Recommendation:
        return Recommendation(1, "Title", component, "high", "high", ("Act.",), ("A.01",), 1,
                              components=count)

    assert _rec_title(w, rec(one, 1)) == ui("report.fmt.title", lang, title="Title",
                                            component=one)
    assert _rec_title(w, rec(several, 2)) == ui("report.fmt.sentence", lang, text="Title")


def test_a_chart_under_a_heading_that_names_it_shows_no_title_of_its_own(toolkit, returns,
                                                                        tmp_path):
    """A justice chain's chart sits under the chain's heading: its own title said the same
    again (in every language). It shows none; the name stays the chart's description."""
    result, doc = write(toolkit, returns, tmp_path)
    chains = [c.name for c in result.report.chains]
    assert chains
    parts = [p.blob.decode("utf-8") for p in doc.part.package.parts
             if str(p.partname).startswith("/word/charts/")]
    untitled = [xml for xml in parts if '<c:autoTitleDeleted val="1"/>' in xml]
    assert len(untitled) == len(chains) and all("<c:title>" not in x for x in untitled)
    assert len(parts) > len(untitled)  # the other charts keep their titles
    described = {d.get("descr") for d in doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")}
    assert set(chains) <= described


def test_chinese_sentences_follow_one_another_without_spaces(toolkit, returns, tmp_path):
    """A Chinese full stop takes no space after it: the executive summary's priorities had one
    between their line and their first action ("时限：中期。 通过…")."""
    _, doc = write(toolkit, returns, tmp_path, lang="zh")
    numbered = [p.text for p in doc.paragraphs if p.style.name.startswith("List Number")]
    assert numbered and not [t for t in numbered if "。 " in t]


def test_an_arabic_list_of_latin_names_keeps_its_order_and_its_commas(toolkit, returns, tmp_path):
    """The institutions that did not answer are listed with the Arabic comma (they stood after a
    Latin one), and a right-to-left mark after each comma that follows a Latin name keeps the
    names in reading order: without it "Labour Inspectorate، Border Police" is one left-to-right
    run, the first name shown on the left."""
    from natk_xlsx.i18n.languages import RLM

    recipients = tmp_path / "recipients.csv"
    recipients.write_text("institution\nMinistry of Justice\npolice\nShelter network\n"
                          "Labour Inspectorate\nBorder Police\n", "utf-8")
    _, doc = write(toolkit, returns, tmp_path, lang="ar", recipients=recipients)
    assert f"Labour Inspectorate،{RLM} Border Police" in all_text(doc)
    assert "Labour Inspectorate, Border Police" not in all_text(doc)


def test_the_needs_chart_shows_every_component_assessed(toolkit, returns, tmp_path):
    """A component without an open need was left out of the chart of open needs, and looked
    unassessed beside the summary's scorecard: every component assessed has its bar, if empty."""
    import dataclasses

    from natk_xlsx.outputs.report_text import _needs_chart, _Writer

    result, doc = write(toolkit, returns, tmp_path)
    findings = result.report.findings
    assert len(findings) > 1
    bars = [p.blob.decode("utf-8") for p in doc.part.package.parts
            if str(p.partname).startswith("/word/charts/")
            and b'<c:barDir val="bar"/>' in p.blob]
    assert len(bars) == 1
    categories = re.search(r"<c:cat>.*?</c:cat>", bars[0], re.S).group(0)
    shown = re.findall(r"<c:v>([^<]*)</c:v>", categories)  # bottom up: the first on top
    assert shown[::-1] == [f.title for f in findings]
    done = dataclasses.replace(findings[0], needs_by_severity={})
    report = dataclasses.replace(result.report, findings=(done, *findings[1:]))
    chart = _needs_chart(_Writer(report))
    assert chart is not None and chart.categories == tuple(f.title for f in findings)
    assert all(series.values[0] == 0 for series in chart.series)
    nothing = dataclasses.replace(result.report, findings=(done,))
    assert _needs_chart(_Writer(nothing)) is None


def test_a_disagreement_is_set_in_the_report_language_s_punctuation(toolkit, returns, tmp_path):
    """The Chinese report wrote "否. 采用的答复：是 (权威答复方)" with a Latin full stop and
    brackets, where the summary has "是（权威答复方）"; the Arabic one keeps a Latin source in
    its brackets with a right-to-left mark on each side."""
    from natk_xlsx.i18n.languages import RLM, aside

    _, doc = write(toolkit, returns, tmp_path, lang="zh")
    lines = [p.text for p in doc.paragraphs if "采用的答复" in p.text]
    assert lines and all("。" in t and "）" in t and ". " not in t and " (" not in t
                         for t in lines)
    assert aside("95", "Ministry of Justice", "ar") == f"95 {RLM}(Ministry of Justice){RLM}"


@pytest.mark.parametrize("lang", ["fr", "ru"])
def test_labels_after_a_colon_and_scores_are_written_as_the_language_writes_them(
        toolkit, returns, tmp_path, lang):
    """"Priorité : élevée", "Приоритет: высокий" in lower case (a label in a sentence, not a
    heading), kinds of assistance after their label too, a score with the decimal comma, and
    the date as the language writes it."""
    from natk_xlsx.i18n.languages import date_text, labelled
    from natk_xlsx.spec.model import SEVERITIES

    result, doc = write(toolkit, returns, tmp_path, lang=lang)
    text = all_text(doc)
    head = ui("report.rec.line", lang, priority="\0", confidence="\0",
              timeframe="\0").split("\0")[0]
    labels = [toolkit.vocabulary_label("severities", s, lang) for s in SEVERITIES]
    assert any(head + label[0].lower() + label[1:] in text for label in labels)
    assert not [label for label in labels if head + label in text]
    assert date_text(result.report.date, lang) in text and result.report.date not in text
    covered = labelled(ui("report.components_covered", lang), "", lang)
    assert covered.endswith("\u00a0: " if lang == "fr" else ": ")  # not "Volets couverts:"
    assert covered in text
    lead = labelled(ui("summary.col.assistance", lang), "", lang)
    listed = [line for line in text.split("\n") if line.startswith(lead)]
    assert listed and all(line[len(lead):].lstrip()[:1].islower() for line in listed), listed
    score = ui("summary.col.score", lang)
    scores = [rec.score for rec in result.report.recommendations]
    assert scores and all(f"{score} {rec:g}".replace(".", ",") in text for rec in scores)
    assert not re.search(re.escape(score) + r" \d+\.\d", text)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_notes_are_in_italics_only_where_the_script_has_them(toolkit, returns, tmp_path, lang):
    """Arabic and Chinese have no italics: a note is set upright there."""
    _, doc = write(toolkit, returns, tmp_path, lang=lang)
    assert bool(doc.styles["Note"].font.italic) is (lang == "en")
    subtitle = doc.styles["Subtitle"].element.rPr  # the draft's subtitle too, in both scripts
    assert (subtitle.find(qn("w:i")) is not None) is (lang == "en")
    assert (subtitle.find(qn("w:iCs")) is not None) is (lang == "en")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_annex_5_lists_what_was_written_outside_the_answers(toolkit, tmp_path, lang):
    """A note kept outside the answer cells ("figures provisional") reached the records only;
    the report's last annex lists each, with its institution, question and cell, an English
    remark left to right in an Arabic report (its full stop at its end); without any, the
    annex says so."""
    from natk_xlsx.i18n.languages import LTR_EMBED

    folder = tmp_path / "noted"
    folder.mkdir()
    for i, rec in enumerate(RECORDS):
        rec = json.loads(json.dumps(rec))
        if i == 1:
            rec["unplaced"] = [{"sheet": "Law", "cell": "D9", "value": "Figures provisional."}]
            rec["issues"] = [{"code": "CELL-NOTE", "severity": "warning", "sheet": "Law",
                              "cell": "D9", "question": "LAW.04", "message": "m"}]
        (folder / f"{i}.json").write_text(json.dumps(rec), "utf-8")
    _, doc = write(toolkit, folder, tmp_path, lang=lang)
    heading = ui("report.h.annex_remarks", lang)
    assert heading in headings(doc, 2)
    rows = [[c.text for c in row.cells] for row in table_after(doc, heading).rows]
    assert rows[0] == [ui(f"summary.col.{k}", lang) for k in ("institution", "question_id",
                                                                "place", "remark")]
    (remark,) = rows[1:]
    assert remark[1] == "LAW.04" and "Law!D9" in remark[2]
    assert remark[3] == (f"{LTR_EMBED}Figures provisional.\u202c" if lang == "ar"
                         else "Figures provisional.")
    _, plain = write(toolkit, returns_folder(tmp_path), tmp_path / "plain", lang=lang)
    assert ui("summary.remarks.none", lang) in all_text(plain)


def returns_folder(tmp_path):
    folder = tmp_path / "plain-returns"
    folder.mkdir()
    for i, rec in enumerate(RECORDS):
        (folder / f"{i}.json").write_text(json.dumps(rec), "utf-8")
    (tmp_path / "plain").mkdir()
    return folder


def test_annex_5_lists_the_first_remarks_each_cut_to_a_readable_length(toolkit, tmp_path,
                                                                       monkeypatch):
    """A pasted register of thousands of cells made a table of thousands of rows: the annex
    lists the first ones (the limit lowered here) and says where all of them are, and a very
    long remark ends at a word with an ellipsis."""
    from natk_xlsx.outputs import report_text

    monkeypatch.setattr(report_text, "REPORT_REMARKS", 2)
    folder = tmp_path / "many"
    folder.mkdir()
    long = "word " * 300
    for i, rec in enumerate(RECORDS):
        rec = json.loads(json.dumps(rec))
        rec["unplaced"] = [{"sheet": "Law", "cell": f"D{n}", "value": long if n == 1 else f"r{n}"}
                           for n in range(1, 4)]
        (folder / f"{i}.json").write_text(json.dumps(rec), "utf-8")
    _, doc = write(toolkit, folder, tmp_path)
    heading = ui("report.h.annex_remarks", "en")
    rows = table_after(doc, heading).rows
    assert len(rows) == 1 + 2
    first = rows[1].cells[3].text
    assert first.endswith("word…") and len(first) <= report_text.REMARK_CHARS + 1
    assert rows[1].cells[0].text != rows[2].cells[0].text  # each institution in turn
    assert report_text._shortened("x;" * 400).startswith("x;" * 250)  # no space: cut, not lost
    assert f"first 2 of {3 * len(RECORDS)}" in all_text(doc) and "remarks.csv" in all_text(doc)


def test_a_figure_of_one_column_is_labelled_with_that_column():
    """"Mutual legal assistance requests – 1 | 1 | 1": the figure is the requests sent (the
    first column of a table whose columns do not add up), and the row did not say so."""
    from factory import BUNDLED_SPECS

    from natk_xlsx.analysis.chains import indicator_label

    tk = load_toolkit(BUNDLED_SPECS)
    q = next(q for q in tk.questions() if q.indicator == "mla_requests")
    assert not tk.breakdowns[q.breakdown].additive
    assert indicator_label(tk, "mla_requests", "en") == "Mutual legal assistance requests (sent)"
    assert indicator_label(tk, "mla_requests", "zh").endswith("（发出）")
    assert indicator_label(tk, "victims_identified", "en") == "Victims formally identified"
    # the report's statistics of the component say it
    from natk_xlsx.analysis.consolidate import consolidate

    rec = record(0, {q.id: {"2022": {"sent": 3, "received": 2}}})
    rec.update(components=[q.component], asked=[q.id])
    report = build(consolidate(tk, [("a", rec)]), "en")
    (rows,) = [f.statistics.rows for f in report.findings if f.statistics]
    assert [(r.indicator, r.values) for r in rows] == [
        ("Mutual legal assistance requests (sent)", (3,))]
    # a decision may name the figure as the summary and the report now name it
    from natk_xlsx.analysis.consolidate import Decision

    for named in ("Mutual legal assistance requests (sent)", "司法协助请求（发出）",
                  "Mutual legal assistance requests"):
        decision = Decision("figure", named, "4", "registry", "Assessor", "2026-05-01", 2022)
        c = consolidate(tk, [("a", rec)], decisions=[decision])
        assert decision.applied, decision.note
        assert c.figures["mla_requests"][2022].consolidated == 4
    # Russian quotes the column's name as it stands: its short form fits no plural noun
    assert indicator_label(tk, "mla_requests", "ru").endswith("(графа «Направлено»)")


def test_the_phases_are_defined_where_they_are_used(toolkit, returns, tmp_path):
    """"Short term (quick win)" was put on laws to draft and spending to plan, and no page said
    what short, medium or long term meant: the phases are plain labels, defined in the report's
    method and in the note of the summary's Plan sheet."""
    import openpyxl

    from natk_xlsx.outputs.summarise import summarise

    _, doc = write(toolkit, returns, tmp_path)
    text = all_text(doc)
    assert "quick win" not in text
    assert ("Phases: short term, within a year; medium term, one to three years; long term, "
            "over three years.") in text
    out = tmp_path / "summary.xlsx"
    summarise([returns], toolkit, out, jobs=1)
    note = openpyxl.load_workbook(out, read_only=True)["Plan"]["A2"].value
    assert note.endswith("long term, over three years.")


def test_figures_nothing_in_the_returns_chose_are_named_among_the_limits(
        toolkit, returns, tmp_path):
    """A disputed figure shown by a rule of order (the return completed first) is the
    assessor's to decide; the report retained it in its chains without a word in its limits."""
    result, doc = write(toolkit, returns, tmp_path)
    assert result.report.figures_tied == 1  # victims identified in 2022: 120 and 118
    said = [p.text for p in doc.paragraphs if "rule of order" in p.text]
    assert said == ["One figure on which the sources disagree, with nothing in the returns to "
                    "choose between them, is shown by a rule of order (see where sources "
                    "disagree); decide it before this report is adopted (summarise "
                    "--resolutions)."]
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("kind,target,year,value,reason,decided_by,decided_on\n"
                         "figure,LAW.04,2022,119,registry checked,Assessor,2026-05-01\n", "utf-8")
    result, doc = write(toolkit, returns, tmp_path, resolutions=decisions)
    assert result.report.figures_tied == 0 and "rule of order" not in all_text(doc)


def test_the_executive_summary_gives_the_latest_figures_of_the_chains(toolkit, returns, tmp_path):
    """An official's first question, how many victims and convictions, had no answer before the
    findings: the executive summary gives the latest year's figures of each chain retained."""
    result, doc = write(toolkit, returns, tmp_path)
    assert result.report.glance[0] == 2023
    said = [p.text for p in doc.paragraphs if p.text.startswith("Figures of")]
    assert said == ["Figures of 2023, the latest year the returns give: victims formally "
                    "identified: 150; investigations opened: 70; persons prosecuted: 40; persons "
                    "convicted: 12. Earlier years, and where the institutions' figures differ, "
                    "are under \u201cThe justice chain\u201d."]
    _, doc = write(toolkit, returns, tmp_path, lang="zh")
    assert any(p.text.startswith("2023年（问卷所载最近一年）的数字：") for p in doc.paragraphs)
    for extra in sorted(returns.glob("*.json"))[:1]:  # the only return with statistics
        extra.unlink()
    result, doc = write(toolkit, returns, tmp_path)
    assert result.report.glance == (None, ())
    assert not any(p.text.startswith("Figures of") for p in doc.paragraphs)

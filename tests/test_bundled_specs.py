"""The bundled toolkit: complete, valid, and as the domain brief asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from factory import BUNDLED_SPECS

from natk_xlsx import layout
from natk_xlsx.spec.conditions import leaves
from natk_xlsx.spec.lint import lint_specs

CORE = ["situation", "policy", "legal", "law_enforcement", "prosecution", "judiciary", "victims",
        "intl_coop"]
CROSS_CUTTING = ["data", "capacity"]


@pytest.fixture(scope="module")
def report():
    return lint_specs(BUNDLED_SPECS)


def test_bundled_specs_are_valid_without_warnings(report):
    assert [p.render() for p in report.problems] == []


def test_all_eleven_components_in_order(report):
    assert [c.id for c in report.toolkit.components] == [*CORE, *CROSS_CUTTING, "prevention"]


def test_component_sizes_and_statistics(report):
    stats = {c.id: c for c in report.components}
    for cid in CORE:
        assert stats[cid].category == "core"
        assert stats[cid].questions >= 20, cid
        assert stats[cid].tables >= 1, f"{cid} has no statistics table"
    for cid in CROSS_CUTTING:
        assert stats[cid].category == "cross_cutting"
        assert stats[cid].questions >= 8, cid


def test_all_six_un_languages_are_published_and_complete(report):
    assert {s.lang for s in report.languages} == {"ar", "zh", "en", "fr", "ru", "es"}
    for lang in report.languages:
        assert lang.published, lang.lang
        assert lang.texts > 3000 and lang.translated == lang.texts, lang.lang


def test_guidance_fits_an_input_message_in_every_language(report):
    for q in report.toolkit.questions():
        for lang, text in q.guidance.items():
            assert len(text) <= layout.VALIDATION_MESSAGE_MAX, (q.id, lang)


def test_every_yes_no_question_can_reveal_a_gap(report):
    for q in report.toolkit.questions():
        if q.type == "yes_no":
            assert q.needs, f"{q.id} has no needs rule"


def test_every_question_has_guidance_that_fits_an_input_message(report):
    for q in report.toolkit.questions():
        assert q.guidance["en"].strip(), q.id
        assert len(q.guidance["en"]) <= layout.VALIDATION_MESSAGE_MAX, q.id


def test_justice_chain_stages_are_covered(report):
    tk = report.toolkit
    stage_of = {e.code: e.extra["stage"] for e in tk.vocabularies["indicators"]}
    stages = {stage_of[q.indicator] for q in tk.questions() if q.indicator}
    assert {"detection", "investigation", "prosecution", "adjudication", "cooperation",
            "victim_services"} <= stages


def test_needs_rules_use_every_kind_of_assistance(report):
    used = {a for q in report.toolkit.questions() for r in q.needs for a in r.assistance}
    assert len(used) == 10


def test_breakdowns_fit_the_sheet_layout(report):
    for bd in report.toolkit.breakdowns.values():
        assert len(bd.columns) <= layout.MAX_BREAKDOWN_COLUMNS, bd.id


# -- version 2: each subject asked once, of whoever knows ------------------------------------------
def test_every_needs_rule_belongs_to_a_theme_and_themes_are_a_few_dozen(report):
    tk = report.toolkit
    themes = {e.code for e in tk.vocabularies["themes"]}
    used = {r.theme for q in tk.questions() for r in q.needs}
    assert None not in used
    assert used == themes, f"themes without rules: {themes - used}"
    assert 25 <= len(themes) <= 45


def test_every_question_names_authoritative_respondents_it_is_asked_of(report):
    for component in report.toolkit.components:
        for q in component.questions:
            asked = set(q.respondents or component.respondents)
            assert q.authoritative or len(asked) >= 2, q.id  # [] means: triangulated
            assert set(q.authoritative) <= asked, q.id


#: Practices that the institution carrying them out would rate in its own favour (the content
#: review's self-report findings): no one settles them alone.
SELF_RATED = ("ENF.19", "ENF.20", "ENF.21", "ENF.30", "ENF.51", "PRS.08", "PRS.13", "PRS.43",
              "JUD.02", "JUD.12", "JUD.24", "JUD.40")


def test_self_rated_practices_are_triangulated(report):
    from natk_xlsx.analysis.respondents import group_of

    tk = report.toolkit
    for qid in SELF_RATED:
        q = tk.question(qid)
        asked = q.respondents or tk.component(q.component).respondents
        assert q.authoritative == (), qid
        if qid != "ENF.30":  # the police's performance indicators: police and their ministry
            assert any(group_of(tk, k) != "government" for k in asked), qid


def test_the_law_is_settled_by_the_justice_ministry_and_the_desk_review(report):
    legal = report.toolkit.component("legal")
    for q in legal.questions:
        if q.section in ("offence", "penalties", "procedure", "victims"):
            assert {"ministry_justice", "desk_review"} <= set(q.authoritative), q.id
            assert "ngo" not in (q.respondents or legal.respondents), q.id


def test_burden_within_limits_for_every_kind_and_depth(report):
    rows = {(b.kind, b.depth): b.questions for b in report.burden}
    for (kind, depth), n in rows.items():
        assert n <= (100 if depth == "full" else 40), (kind, depth, n)
    # the institutions that carry the response are asked enough to assess them
    for kind in ("ministry_justice", "police", "prosecution", "judiciary", "social_services"):
        assert rows[(kind, "full")] >= 40, kind
        assert rows[(kind, "core")] >= 15, kind


def test_missing_owners_now_answer_what_they_own(report):
    tk = report.toolkit
    assert "financial_intelligence" in tk.question("ENF.16").authoritative
    assert "financial_intelligence" in tk.question("LEG.21").authoritative
    assert "ministry_labour" in tk.question("LEG.30").authoritative
    assert "foreign_affairs" in tk.question("LEG.01").authoritative
    assert tk.question("CAP.14").respondents == ("training_institution",)
    assert "health_services" not in (tk.question("VIC.22").respondents or ())
    assert "judiciary" not in (tk.question("INT.07").respondents or ())


def test_absence_of_a_tick_never_counts_against_dont_know(report):
    tk = report.toolkit
    for q in tk.questions():
        if q.type != "multiple_choice":
            continue
        for rule in q.needs:
            for _, leaf in leaves(rule.when):
                if "not_in" in leaf and leaf.get("question", q.id) == q.id:
                    assert "dont_know" in tk.choice_lists[q.choices].codes, q.id
                    assert "dont_know" in leaf["not_in"], q.id


def test_duplicated_subjects_have_one_owner(report):
    ids = {q.id for q in report.toolkit.questions()}
    for gone in ("LEG.40", "LEG.41", "LEG.42", "ENF.17", "PRS.23", "SIT.30", "VIC.05", "JUD.14"):
        assert gone not in ids, gone


def test_three_chains_whose_stages_share_a_unit(report):
    tk = report.toolkit
    chains: dict[str, dict[int, str]] = {}
    for e in tk.vocabularies["indicators"]:
        if "chain_order" in e.extra:
            chains.setdefault(e.extra["chain"], {})[e.extra["chain_order"]] = e.code
    assert [chains["victims"][i] for i in range(1, 7)] == [
        "victims_presumed", "victims_identified", "victims_referred", "victims_assisted",
        "victims_testified", "victims_compensated"]
    assert [chains["cases"][i] for i in range(1, 5)] == [
        "investigations_opened", "cases_referred", "indictments", "cases_decided"]
    assert [chains["persons"][i] for i in range(1, 5)] == [
        "suspects_arrested", "persons_prosecuted", "convictions", "sentences"]
    fed = {q.indicator for q in tk.questions() if q.indicator}
    for chain in chains.values():
        assert set(chain.values()) <= fed


def test_distinct_definitions_have_distinct_indicators(report):
    tk = report.toolkit
    assert tk.question("ENF.36").indicator == "victims_identified_by_le"
    assert tk.question("JUD.39").indicator == "victims_testified_protected"
    assert tk.question("INT.30").indicator == "victims_returned_bilateral"
    assert tk.question("VIC.34").indicator == "victims_testified"


def test_prerequisites_cross_components(report):
    tk = report.toolkit
    deps = {q.id: {d for r in q.needs for d in r.depends_on} for q in tk.questions()}
    assert "LEG.07" in deps["JUD.02"]  # the law before training on it
    assert "POL.22" in deps["VIC.17"]  # the referral mechanism before shelter capacity
    assert "PRS.18" in deps["PRS.32"] and "DAT.06" in deps["DAT.10"]  # case management first
    crossing = sum(1 for q, ds in deps.items() for d in ds if d.split(".")[0] != q.split(".")[0])
    assert crossing >= 20


def test_core_depth_workbook_holds_only_core_questions_and_says_so(tmp_path, report):
    from openpyxl import load_workbook

    from natk_xlsx.workbook.generate import GenerateOptions, Recipient, generate_workbook
    tk = report.toolkit
    recipient = Recipient("Ministry of Justice", kind="ministry_justice")
    core = generate_workbook(tk, tmp_path / "core.xlsx", GenerateOptions(depth="core"), recipient)
    full = generate_workbook(tk, tmp_path / "full.xlsx", GenerateOptions(), recipient)
    assert 15 <= core.questions <= 40 < full.questions
    cover = [c.value for row in load_workbook(tmp_path / "core.xlsx")["Cover"].iter_rows()
             for c in row if isinstance(c.value, str)]
    assert any(v.startswith("Core questionnaire") for v in cover)
    cover_full = [c.value for row in load_workbook(tmp_path / "full.xlsx")["Cover"].iter_rows()
                  for c in row if isinstance(c.value, str)]
    assert not any(v.startswith("Core questionnaire") for v in cover_full)


def test_each_profession_of_the_chain_has_its_own_knowledge_rating(report):
    """Investigators, prosecutors and judges are each rated on the offence in their own
    component (the review's LEG.36), triangulated, with a training need when it is lacking."""
    tk = report.toolkit
    for qid, component in (("ENF.51", "law_enforcement"), ("PRS.43", "prosecution"),
                           ("JUD.02", "judiciary")):
        q = tk.question(qid)
        assert q.component == component and q.choices == "adequacy"
        assert {r.severity for r in q.needs} == {"high", "medium"}
        assert all(r.assistance == ("training",) for r in q.needs)



def theme_rows(tk) -> list[str]:
    """The table of docs/subject-ownership.md: each theme, its package, and the questions whose
    needs rules carry it, by component in the toolkit's order."""
    rows = []
    for theme in tk.vocabularies["themes"]:
        parts = []
        for comp in tk.components:
            ids = [q.id for q in comp.questions if any(r.theme == theme.code for r in q.needs)]
            if ids:
                parts.append(f"{comp.id}: {', '.join(ids)}")
        rows.append(f"| `{theme.code}` | {theme.label['en']} | {'; '.join(parts)} |")
    return rows


def test_the_themes_table_of_the_docs_is_the_specs(report):
    """Regenerate the table with: python -c "import sys; sys.path[:0] = ['tests'];
    from test_bundled_specs import theme_rows; from natk_xlsx.spec.lint import load_toolkit;
    print('\\n'.join(theme_rows(load_toolkit())))" """
    page = (Path(__file__).parent.parent / "docs" / "subject-ownership.md").read_text("utf-8")
    table = [line for line in page.splitlines() if line.startswith("| `")]
    assert table == theme_rows(report.toolkit)


def test_the_model_survives_a_pickle_and_its_empty_mappings_stay_empty(report):
    """The toolkit crosses to another process whole; a part built without constraints or extras
    shares one empty mapping, which pickles as itself and cannot be written to."""
    import pickle

    from natk_xlsx.spec.model import NO_MAPPING, Labelled, Question

    toolkit = report.toolkit
    again = pickle.loads(pickle.dumps(toolkit))
    assert again.components == toolkit.components
    assert again.vocabularies == toolkit.vocabularies
    bare = Question("TST.01", "test", "s", "integer", {"en": "How many?"}, {"en": ""})
    assert bare.constraints is NO_MAPPING and Labelled("x", {}).extra is NO_MAPPING
    assert pickle.loads(pickle.dumps(bare)) == bare
    assert pickle.loads(pickle.dumps(bare)).constraints is NO_MAPPING
    assert dict(bare.constraints) == {} and bare.constraints.get("max") is None
    with pytest.raises(TypeError):
        bare.constraints["max"] = 3  # type: ignore[index]

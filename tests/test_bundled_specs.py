"""The bundled toolkit: complete, valid, and as the domain brief asks."""

from __future__ import annotations

import pytest
from factory import BUNDLED_SPECS

from natk_xlsx import layout
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

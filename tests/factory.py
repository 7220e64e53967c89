"""Build small specs from dicts, so that each test shows its own input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BUNDLED_SPECS = REPO / "workbook_specs"


def question(qid: str, type_: str = "yes_no", section: str = "basics", **extra: Any) -> dict[str, Any]:
    """A minimal valid question; ``extra`` adds or overrides fields."""
    q: dict[str, Any] = {
        "id": qid,
        "section": section,
        "type": type_,
        "text": {"en": f"Question {qid}?"},
        "guidance": {"en": f"Guidance for {qid}."},
    }
    if type_ == "yes_no":
        q["needs"] = [{
            "when": {"in": ["no", "partly"]}, "severity": "high", "assistance": ["training"],
            "action": {"en": f"Act on {qid}."},
        }]
    q.update(extra)
    return q


def component(cid: str, prefix: str, questions: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    c: dict[str, Any] = {
        "kind": "component",
        "id": cid,
        "prefix": prefix,
        "category": "optional",
        "title": {"en": f"Component {cid}"},
        "sheet_name": {"en": cid.capitalize()},
        "purpose": {"en": "Purpose."},
        "respondents": ["police"],
        "documents": [{"en": "A document"}],
        "interviewees": [{"en": "Someone"}],
        "sections": [{"id": "basics", "title": {"en": "Basics"}},
                     {"id": "more", "title": {"en": "More"}}],
        "questions": questions,
    }
    c.update(extra)
    return c


def default_components() -> dict[str, dict[str, Any]]:
    return {
        "alpha": component("alpha", "ALP", [
            question("ALP.01"),
            question("ALP.02", "integer", relevant={"question": "ALP.01", "in": ["yes"]}),
            question("ALP.03", "single_choice", section="more", choices="frequency"),
            question("ALP.04", "stats_table", section="more", breakdown="sex",
                     indicator="victims_identified", required=False),
        ]),
        "beta": component("beta", "BET", [
            question("BET.01"),
            question("BET.02", "multiple_choice", choices="exploitation_forms", section="more"),
        ]),
    }



"""Write a toolkit folder from dicts outside the function-scoped fixture (for module fixtures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from factory import BUNDLED_SPECS

#: The answers of the ``small`` return (the ``small`` fixture).
SMALL_ANSWERS = {"ALP.01": "Yes", "ALP.02": 12, "ALP.03": "Every Tuesday", "BET.01": "No"}


def write_toolkit(folder: Path, components: dict[str, dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {
        "kind": "manifest", "format": 1, "id": "test-toolkit",
        "title": {"en": "Test toolkit"}, "description": {"en": "For tests."},
        "version": "1.0.0", "source_language": "en", "languages": ["en"],
        "components": list(components), "reference_period": {"first_year": 2021, "last_year": 2023},
    }
    (folder / "toolkit.json").write_text(json.dumps(manifest), "utf-8")
    (folder / "lists.json").write_text((BUNDLED_SPECS / "lists.json").read_text("utf-8"), "utf-8")
    for cid, doc in components.items():
        (folder / f"{cid}.json").write_text(json.dumps(doc), "utf-8")
    return folder

"""Shared fixtures: small toolkits written from dicts, so each test shows its own input."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from factory import BUNDLED_SPECS, default_components

# as natk_xlsx/__init__.py does, before any test module imports openpyxl
os.environ.setdefault("OPENPYXL_LXML", "False")

SpecWriter = Callable[..., Path]


@pytest.fixture(autouse=True, scope="session")
def _verdict_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The lint's remembered verdicts go to a folder of this test run, never the user's cache
    (worker processes and commands started by tests inherit it)."""
    import os

    os.environ["NATK_CACHE_DIR"] = str(tmp_path_factory.mktemp("natk-cache"))


@pytest.fixture
def write_specs(tmp_path: Path) -> SpecWriter:
    """Write a small toolkit to a temporary folder and return the folder.

    ``components`` maps id → component dict (default: two small valid components);
    ``manifest`` and ``lists`` are dicts merged over the defaults; ``raw`` maps file name → text
    written as is.
    """
    counter = {"n": 0}

    def write(
        components: dict[str, dict[str, Any]] | None = None,
        manifest: dict[str, Any] | None = None,
        lists: dict[str, Any] | None = None,
        raw: dict[str, str] | None = None,
    ) -> Path:
        counter["n"] += 1
        folder = tmp_path / f"specs{counter['n']}"
        folder.mkdir()
        comps = default_components() if components is None else components
        base_lists = json.loads((BUNDLED_SPECS / "lists.json").read_text("utf-8"))
        base_lists.update(lists or {})
        base_manifest: dict[str, Any] = {
            "kind": "manifest", "format": 1, "id": "test-toolkit",
            "title": {"en": "Test toolkit"}, "description": {"en": "For tests."},
            "version": "1.0.0", "source_language": "en", "languages": ["en"],
            "components": list(comps), "reference_period": {"first_year": 2021, "last_year": 2023},
        }
        base_manifest.update(manifest or {})
        files = {"toolkit.json": base_manifest, "lists.json": base_lists,
                 **{f"{cid}.json": copy.deepcopy(doc) for cid, doc in comps.items()}}
        for name, doc in files.items():
            (folder / name).write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
        for name, text in (raw or {}).items():
            (folder / name).write_text(text, "utf-8")
        return folder

    return write


@pytest.fixture(scope="session")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, Path]:
    """A return of three components filled completely (the readers' tests read it)."""
    from natk_xlsx.demo import fill_complete
    from natk_xlsx.spec.lint import load_toolkit
    from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

    toolkit = load_toolkit(BUNDLED_SPECS)
    folder = tmp_path_factory.mktemp("readers")
    blank = generate_workbook(toolkit, folder / "blank.xlsx",
                              GenerateOptions(components=["legal", "victims", "data"])).path
    return toolkit, fill_complete(toolkit, blank, folder / "filled.xlsx", seed=5), folder


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A two-component toolkit and a return of it with four answers (``SMALL_ANSWERS``): the
    batch's tests read it in many ways."""
    from types import SimpleNamespace

    from conftest_helpers import SMALL_ANSWERS, write_toolkit
    from fill import fill_workbook

    from natk_xlsx.spec.lint import load_toolkit
    from natk_xlsx.workbook.generate import generate_workbook

    root = tmp_path_factory.mktemp("small")
    specs = write_toolkit(root / "specs", default_components())
    toolkit = load_toolkit(specs)
    blank = generate_workbook(toolkit, root / "blank.xlsx").path
    filled = fill_workbook(blank, root / "filled.xlsx", toolkit, SMALL_ANSWERS)
    return SimpleNamespace(root=root, specs=specs, toolkit=toolkit, filled=filled)

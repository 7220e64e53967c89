"""Specs are linted once per content: a remembered verdict, keyed by the bytes of the spec files
and of the code that judges them, lets later loads skip the lint; any change lints again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from factory import BUNDLED_SPECS

from natk_xlsx.errors import SpecError
from natk_xlsx.spec import lint
from natk_xlsx.spec.verdict import cache_dir, cached_toolkit, read_spec_files


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("NATK_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def lints(monkeypatch):
    """Count the lint's runs."""
    runs = {"n": 0}
    real = lint.lint_specs

    def counting(directory=None):
        runs["n"] += 1
        return real(directory)

    monkeypatch.setattr(lint, "lint_specs", counting)
    return runs


def test_a_valid_toolkit_is_linted_once_then_loaded_from_its_verdict(write_specs, cache, lints):
    folder = write_specs()
    first = lint.load_toolkit(folder)
    assert lints["n"] == 1 and len(list((cache / "verdicts").glob("*.json"))) == 1
    second = lint.load_toolkit(folder)
    assert lints["n"] == 1
    assert second == first and second.spec_hash == first.spec_hash


def test_the_bundled_toolkit_from_its_verdict_is_the_linted_one(cache):
    linted = lint.lint_specs(BUNDLED_SPECS).toolkit
    assert linted is not None
    lint.load_toolkit(BUNDLED_SPECS)  # remembers the verdict
    cached = cached_toolkit(read_spec_files(BUNDLED_SPECS))
    assert cached is not None and cached == linted


def test_an_edited_spec_is_linted_again(write_specs, cache, lints):
    folder = write_specs()
    lint.load_toolkit(folder)
    manifest = folder / "toolkit.json"
    doc = json.loads(manifest.read_text("utf-8"))
    doc["version"] = "1.0.1"
    manifest.write_text(json.dumps(doc), "utf-8")
    assert lint.load_toolkit(folder).version == "1.0.1"
    assert lints["n"] == 2


def test_reformatting_a_spec_is_linted_again_but_keeps_its_hash(write_specs, cache, lints):
    folder = write_specs()
    before = lint.load_toolkit(folder).spec_hash
    manifest = folder / "toolkit.json"
    manifest.write_text(json.dumps(json.loads(manifest.read_text("utf-8")), indent=4), "utf-8")
    assert lint.load_toolkit(folder).spec_hash == before
    assert lints["n"] == 2


def test_specs_with_errors_are_never_remembered(write_specs, cache, lints):
    folder = write_specs(manifest={"components": ["alpha", "missing"]})
    for _ in range(2):
        with pytest.raises(SpecError):
            lint.load_toolkit(folder)
    assert lints["n"] == 2
    assert not list(cache.rglob("*.json"))


def test_a_forged_or_damaged_verdict_is_not_trusted(write_specs, cache, lints):
    folder = write_specs()
    lint.load_toolkit(folder)
    entry = next((cache / "verdicts").glob("*.json"))
    entry.write_text("{not json", "utf-8")
    lint.load_toolkit(folder)
    entry.write_text(json.dumps({"key": "other", "valid": True, "spec_hash": "0" * 64}), "utf-8")
    lint.load_toolkit(folder)
    assert lints["n"] == 3


def test_an_unwritable_cache_means_linting_every_time(write_specs, tmp_path, monkeypatch, lints):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    monkeypatch.setenv("NATK_CACHE_DIR", str(blocker))
    folder = write_specs()
    lint.load_toolkit(folder)
    lint.load_toolkit(folder)
    assert lints["n"] == 2


def test_an_empty_cache_setting_turns_the_cache_off(monkeypatch):
    monkeypatch.setenv("NATK_CACHE_DIR", "")
    assert cache_dir() is None
    monkeypatch.delenv("NATK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert cache_dir() == Path("/somewhere/natk-xlsx/verdicts")


def test_a_command_with_a_remembered_verdict_imports_neither_jsonschema_nor_openpyxl(cache):
    """Start-up of the bundled toolkit: the lint only when no verdict is kept, and jsonschema
    not even then (valid specs pass the compiled check of the spec format)."""
    code = ("import sys; from natk_xlsx.spec.lint import load_toolkit; load_toolkit(); "
            "print(sorted(m for m in ('jsonschema', 'openpyxl', 'natk_xlsx.spec.lint_run') "
            "if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(Path(lint.__file__).parents[2])}
    env.pop("NATK_SPECS", None)
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                           check=True).stdout.strip() for _ in range(2)]
    assert runs == ["['natk_xlsx.spec.lint_run']", "[]"]

"""A newcomer's first hour: the README's quick start and test command are what CI runs, in a
virtual environment; the checkout stays clean; the demo prints paths relative to where it ran."""

from __future__ import annotations

import re
from pathlib import Path

from factory import REPO

README = (REPO / "README.md").read_text("utf-8")


def _commands(section: str) -> list[str]:
    body = README.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for block in re.findall(r"```sh\n(.*?)```", body, re.S)
            for line in block.splitlines() if line.strip()]


def test_the_quick_start_is_two_commands_in_a_virtual_environment():
    commands = _commands("Quick start")
    assert len(commands) == 2
    assert all(c.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install ")
               for c in commands)
    assert commands[0].endswith("natk demo -o natk-demo")


def test_ci_runs_the_readmes_test_command_verbatim():
    test_command = _commands("Quick start")[1]
    assert re.search(r"&& python3 -m pytest( -|$)", test_command)
    assert test_command in (REPO / ".ci" / "run").read_text("utf-8").splitlines()


def test_the_test_commands_options_come_with_the_test_dependencies():
    import tomllib

    test_command = _commands("Quick start")[1]
    extra = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"]["test"]
    if " -n " in test_command or "--dist" in test_command:
        assert any(d.startswith("pytest-xdist") for d in extra), extra


def test_the_quick_start_leaves_the_checkout_clean():
    ignored = (REPO / ".gitignore").read_text("utf-8").splitlines()
    assert "/natk-demo/" in ignored
    assert ".venv/" in ignored


def test_the_demo_prints_every_path_as_its_folder_was_given(tmp_path, monkeypatch):
    from natk_xlsx.demo import run_demo
    from natk_xlsx.spec.lint import load_toolkit

    toolkit = load_toolkit()
    monkeypatch.chdir(tmp_path)
    lines: list[str] = []
    run_demo(toolkit, "natk-demo", say=lines.append, jobs=2)
    printed = "\n".join(lines)
    assert "natk-demo/handback/" in printed
    assert str(tmp_path) not in printed
    assert not re.search(r"(^|\s)/\S", printed), printed
    assert Path("natk-demo/needs_summary.xlsx").exists()
    # given an absolute folder: test_summary_readability's demo, which is given one

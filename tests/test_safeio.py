"""Outputs written safely: atomic replacement (a killed or failed run leaves the previous output
intact and nothing half-written), safe and distinct file names, CSV fields that stay text."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from natk_xlsx import safeio
from natk_xlsx.errors import InputError
from natk_xlsx.safeio import (
    TEMP_SUFFIX,
    atomic_open,
    atomic_path,
    csv_writer,
    inside,
    neutralise_csv,
    safe_file_name,
)

REPO = Path(__file__).resolve().parent.parent
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
            *(f"LPT{i}" for i in range(1, 10))}


def assert_valid_name(name: str) -> None:
    """Valid on Windows, macOS and Linux."""
    assert name and name not in (".", "..")
    assert len(name.encode("utf-8")) <= 255
    assert not any(ch in '<>:"/\\|?*' or ord(ch) < 32 or ord(ch) == 127 for ch in name)
    assert not name.startswith(".") and not name.endswith((" ", "."))
    assert name.split(".", 1)[0].strip().upper() not in RESERVED
    name.encode("utf-8")  # no lone surrogate


# -- atomic writing ------------------------------------------------------------------------------

def test_a_failure_inside_the_writer_keeps_the_previous_output(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    target.write_text("previous, good", "utf-8")
    with pytest.raises(RuntimeError), atomic_open(target, "w", encoding="utf-8") as f:
        f.write("half of the new one")
        raise RuntimeError("the disk is full, say")
    assert target.read_text("utf-8") == "previous, good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_a_completed_write_replaces_the_output(tmp_path: Path) -> None:
    target = tmp_path / "out" / "needs.csv"
    with atomic_path(target) as temp:
        assert temp.parent == target.parent and temp.name.endswith(TEMP_SUFFIX)
        temp.write_text("new", "utf-8")
    assert target.read_text("utf-8") == "new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["needs.csv"]


def test_a_writer_that_writes_nothing_fails(tmp_path: Path) -> None:
    target = tmp_path / "x.xlsx"
    with pytest.raises(OSError), atomic_path(target):
        pass
    assert not target.exists()


KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    from natk_xlsx.safeio import atomic_open
    with atomic_open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write("half of the new contents")
        f.flush()
        os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_killed_run_leaves_the_previous_output_and_the_next_run_cleans_up(
        tmp_path: Path) -> None:
    target = tmp_path / "submission.json"
    target.write_text("previous, good", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(target)], env=env,
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == -signal.SIGKILL
    assert target.read_text("utf-8") == "previous, good"
    left = [p for p in tmp_path.iterdir() if p.name.endswith(TEMP_SUFFIX)]
    assert len(left) == 1 and left[0].name.startswith(".")  # hidden, and never an input
    with atomic_open(target, "w", encoding="utf-8") as f:
        f.write("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["submission.json"]


@pytest.mark.parametrize("failing", ["writing", "consolidating", "answers beside", "JSON",
                                     "CSV files"])
def test_summarise_that_fails_while_writing_keeps_the_previous_set(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    """Whichever output of a summary fails (the workbook, the consolidation, the CSV of every
    answer that a second process writes meanwhile, the JSON, one of the CSV files), every output
    of the set stays as it was: no new summary beside an old JSON."""
    from natk_xlsx.outputs import summarise as summarise_module
    from natk_xlsx.outputs import summary, summary_data
    from natk_xlsx.outputs.summarise import summarise
    from natk_xlsx.spec.lint import load_toolkit

    submissions = tmp_path / "subs"
    submissions.mkdir()
    (submissions / "none.json").write_text("{}", "utf-8")
    previous = {"needs.xlsx": b"previous summary",
                "needs-responses.csv": b"previous answers",  # written by a second process
                "needs.json": b"previous JSON",
                "csv/packages.csv": b"previous packages", "csv/needs.csv": b"previous needs",
                "csv/responses.csv": b"previous responses",
                "csv/statistics.csv": b"previous statistics"}
    (tmp_path / "csv").mkdir()
    for name, content in previous.items():
        (tmp_path / name).write_bytes(content)

    def broken(path: str | Path, *args: object, **kwargs: object) -> None:
        Path(path).write_bytes(b"PK\x03\x04 half")
        raise OSError("killed half way")

    def stops(*args: object) -> None:
        raise OSError("out of memory half way")

    what = {"JSON": "JSON", "CSV files": "CSV files"}.get(failing, "summary")
    if failing == "writing":
        monkeypatch.setattr(summary, "write_summary", broken)
    elif failing == "consolidating":
        monkeypatch.setattr(summarise_module, "consolidate_gathered", stops)
    elif failing == "answers beside":
        monkeypatch.setattr(summary_data, "write_responses_csv", broken)
    elif failing == "JSON":
        monkeypatch.setattr(summary_data, "write_json", broken)
    else:
        real = summary_data._write_rows

        def last_fails(path: Path, *args: object) -> None:  # the last of the four files
            real(path, *args)  # type: ignore[arg-type]
            if path.name.startswith(".statistics.csv."):
                raise OSError("killed half way")

        monkeypatch.setattr(summary_data, "_write_rows", last_fails)
    toolkit = load_toolkit(REPO / "workbook_specs")
    target = {"JSON": "needs.json", "CSV files": "csv"}.get(failing, "needs.xlsx")
    with pytest.raises(InputError, match=rf"{target.replace('.', r'[.]')}: cannot write the "
                                         rf"{what} \(.* half way\)"):
        summarise([submissions], toolkit, tmp_path / "needs.xlsx",
                  json_path=tmp_path / "needs.json", csv_dir=tmp_path / "csv")
    assert {name: (tmp_path / name).read_bytes() for name in previous} == previous
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == sorted([*previous, "subs/none.json"])  # no temporary file either


def test_a_summary_that_succeeds_replaces_the_whole_set(tmp_path: Path) -> None:
    from natk_xlsx.outputs.summarise import summarise
    from natk_xlsx.spec.lint import load_toolkit

    submissions = tmp_path / "subs"
    submissions.mkdir()
    (submissions / "none.json").write_text("{}", "utf-8")
    names = ["needs.xlsx", "needs-responses.csv", "needs.json", "csv/packages.csv",
             "csv/needs.csv", "csv/responses.csv", "csv/statistics.csv", "csv/remarks.csv"]
    (tmp_path / "csv").mkdir()
    for name in names:
        (tmp_path / name).write_bytes(b"previous")
    done = summarise([submissions], load_toolkit(REPO / "workbook_specs"),
                     tmp_path / "needs.xlsx", json_path=tmp_path / "needs.json",
                     csv_dir=tmp_path / "csv")
    assert sorted(str(p.relative_to(tmp_path)) for p in done.outputs) == sorted(names)
    assert all((tmp_path / name).read_bytes() != b"previous" for name in names)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(TEMP_SUFFIX)]


# -- file names ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "CON", "con.txt", "LPT1", "COM9 ", "..", ".", "", "../../etc/passwd", "a\\b", "a/b",
    "x\x00y", "tab\there", "\u202eslx.exe", "name.", "  spaced  ", "é" * 300, "a:b*c?d",
    "\ud800lone", "NUL.tar.gz",
])
def test_hostile_names_become_safe(text: str, tmp_path: Path) -> None:
    name = safe_file_name(text, ".json")
    assert name.endswith(".json")
    assert_valid_name(name)
    target = inside(tmp_path, name)
    target.write_text("x", "utf-8")
    assert target.parent == tmp_path.resolve()


def test_safe_names_are_kept_as_they_are() -> None:
    assert safe_file_name("3f2a-11e9", ".json") == "3f2a-11e9.json"
    assert safe_file_name("Ministère", ".json") == "Ministère.json"


def test_inside_refuses_what_climbs_out(tmp_path: Path) -> None:
    for name in ("../x", "a/../../x", "/etc/passwd", "sub/x"):
        with pytest.raises(ValueError):
            inside(tmp_path, name)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(codec=None, categories=None), max_size=300),
                min_size=2, max_size=6, unique=True))
def test_different_texts_never_share_a_name(texts: list[str]) -> None:
    names = [safe_file_name(t, ".json") for t in texts]
    for name in names:
        assert_valid_name(name)
    assert len(set(names)) == len(names)


# -- CSV -----------------------------------------------------------------------------------------

def test_csv_fields_that_look_like_formulas_stay_text() -> None:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    row = ["=cmd|' /C calc'!A0", "+A1", "-2+3", "@SUM(A1)", "\tx", "\r5", "plain", 12, -3, 2.5,
           None, "", "-4", "+1.5", "-2e3"]
    writer.writerow(row)
    (back,) = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert back[:7] == ["'=cmd|' /C calc'!A0", "'+A1", "'-2+3", "'@SUM(A1)", "'\tx", "'\r5",
                        "plain"]
    assert back[7:] == ["12", "-3", "2.5", "", "", "-4", "+1.5", "-2e3"]  # numbers stay numbers
    assert neutralise_csv(-3) == -3


def test_summary_csv_keeps_respondent_text_as_text(write_specs, tmp_path: Path) -> None:
    from fill import fill_workbook

    from natk_xlsx.outputs.summarise import summarise
    from natk_xlsx.spec.lint import load_toolkit
    from natk_xlsx.workbook.generate import generate_workbook

    toolkit = load_toolkit(write_specs())
    blank = generate_workbook(toolkit, tmp_path / "blank.xlsx").path
    filled = fill_workbook(blank, tmp_path / "r.xlsx", toolkit, {"ALP.01": "Yes", "ALP.02": 4},
                           details={"ALP.01": {"comment": "-see the annex", "evidence": "@law"}},
                           cover={"institution": "+Ministry"})
    summarise([filled], toolkit, None, csv_dir=tmp_path / "csv")
    text = (tmp_path / "csv" / "responses.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    alp01 = next(r for r in rows if r["question_id"] == "ALP.01")
    assert (alp01["comment"], alp01["evidence_source"], alp01["institution"]) == (
        "'-see the annex", "'@law", "'+Ministry")
    assert next(r for r in rows if r["question_id"] == "ALP.02")["value"] == "4"  # a number
    assert not any(v.startswith(safeio.FORMULA_STARTS) for r in rows for v in r.values() if v)


@pytest.mark.parametrize("fails", ["a.csv", "b.json", "c.xlsx"])
def test_a_set_whose_last_move_fails_puts_every_previous_target_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: str) -> None:
    """Moving the outputs in is the step that fails when a target is locked (a summary open in
    Excel on Windows); the outputs moved in before it are taken back, so the set stays whole."""
    from natk_xlsx.safeio import staged

    (tmp_path / "a.csv").write_text("previous a", "utf-8")
    (tmp_path / "c.xlsx").write_text("previous c", "utf-8")  # b.json did not exist
    real = os.replace

    def locked(source: object, target: object) -> None:
        if Path(str(target)).name == fails and str(source).endswith(TEMP_SUFFIX):
            raise PermissionError(13, "Permission denied")
        real(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(safeio.os, "replace", locked)
    with pytest.raises(InputError, match=rf"{fails}: cannot write the set \(Permission denied\)"), \
            staged() as stage:
        for name in ("a.csv", "b.json", "c.xlsx"):
            stage.path(tmp_path / name, "the set").write_text(f"new {name}", "utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "c.xlsx"]
    assert (tmp_path / "a.csv").read_text("utf-8") == "previous a"
    assert (tmp_path / "c.xlsx").read_text("utf-8") == "previous c"
    monkeypatch.setattr(safeio.os, "replace", real)
    with staged() as stage:
        for name in ("a.csv", "b.json", "c.xlsx"):
            stage.path(tmp_path / name, "the set").write_text(f"new {name}", "utf-8")
    assert {p.name: p.read_text("utf-8") for p in tmp_path.iterdir()} == {
        n: f"new {n}" for n in ("a.csv", "b.json", "c.xlsx")}  # and nothing kept aside is left

"""The command line: help everywhere, documented exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from factory import REPO, default_components

from natk_xlsx import __version__
from natk_xlsx.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version():
    code, out, _ = run("--version")
    assert code == 0
    assert __version__ in out


@pytest.mark.parametrize("args", [[], ["specs"], ["specs", "check"], ["generate"]])
def test_every_command_has_help(args):
    code, out, _ = run(*args, "--help")
    assert code == 0
    assert "Usage:" in out


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text("utf-8")
    commands = ["natk specs check"]
    for name, command in cli.commands.items():
        sub = getattr(command, "commands", None)
        commands += [f"natk {name} {s}" for s in sub] if sub else [f"natk {name}"]
    for command in commands:
        assert command in readme, f"{command} is not documented in README.md"


def test_specs_check_valid_folder_exits_0(write_specs):
    code, out, _ = run("specs", "check", str(write_specs()))
    assert code == 0
    assert "0 errors" in out
    assert "alpha" in out and "English" in out


def test_specs_check_invalid_folder_exits_1_and_names_file_and_path(write_specs):
    comps = default_components()
    comps["alpha"]["questions"][0]["section"] = "nowhere"
    code, out, _ = run("specs", "check", str(write_specs(comps)))
    assert code == 1
    assert "alpha.json $.questions[0].section: no section 'nowhere'" in out


def test_specs_check_json_format(write_specs):
    code, out, _ = run("specs", "check", "--format", "json", str(write_specs()))
    assert code == 0
    data = json.loads(out)
    assert data["valid"] is True
    assert [c["id"] for c in data["components"]] == ["alpha", "beta"]
    assert {lang["lang"] for lang in data["languages"]} == {"ar", "zh", "en", "fr", "ru", "es"}


def test_specs_check_strict_fails_on_warnings(write_specs):
    comps = default_components()
    del comps["beta"]["questions"][0]["needs"]
    folder = str(write_specs(comps))
    assert run("specs", "check", folder)[0] == 0
    assert run("specs", "check", "--strict", folder)[0] == 1


def test_missing_folder_exits_3_with_one_line(tmp_path: Path):
    code, _, err = run("specs", "check", str(tmp_path / "nowhere"))
    assert code == 3
    assert err.strip().count("\n") == 0
    assert "no such folder" in err
    assert "Traceback" not in err


def test_usage_error_exits_2():
    assert run("specs", "check", "--format", "xml")[0] == 2


def test_python_dash_m_runs_the_same_command(write_specs):
    folder = str(write_specs())
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "natk_xlsx", "specs", "check", folder],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "the specs are valid" in proc.stdout


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from natk_xlsx.cli import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('openpyxl', 'xlsxwriter', 'jsonschema') if m in sys.modules]\n"
            "print('HEAVY=' + ','.join(heavy))")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          check=True)
    assert proc.stdout.strip().splitlines()[-1] == "HEAVY="


def test_an_interrupted_command_exits_130_not_as_invalid(small, monkeypatch):
    """Ctrl-C stops a command with one line and exit code 130, as a shell reports it; click
    alone would print "Aborted!" and exit with 1, which means "invalid" here."""
    from natk_xlsx.returns import batch

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "read_files", interrupted)
    code, out, err = run("check", str(small.filled))
    assert code == 130
    assert err.strip() == "natk: interrupted" and "Traceback" not in out + err


def test_a_closed_output_stops_the_command_quietly_with_141(small):
    """When the reader of the output goes away (``natk check f | head``), the command stops
    without a word and with 141, as a shell reports a command ended by a closed pipe; click
    alone would exit with 1, which means "invalid" here."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # gone before the command writes its report
    try:
        done = subprocess.run([sys.executable, "-m", "natk_xlsx", "check", str(small.filled)],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, check=False,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, "")


def test_a_broken_pipe_of_natk_s_own_is_an_internal_error(small, monkeypatch):
    """Only the command's output closing is taken quietly: a pipe of natk's own that breaks
    (to a worker) is a bug, reported as one, with its traceback under NATK_DEBUG."""
    from natk_xlsx.returns import batch

    def broken(*args: object, **kwargs: object) -> object:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(batch, "read_files", broken)
    code, out, err = run("check", str(small.filled))
    assert code == 4 and out == ""
    assert err.startswith("natk: error: internal error (BrokenPipeError") and "Traceback" not in err
    monkeypatch.setenv("NATK_DEBUG", "1")
    code, _, err = run("check", str(small.filled))
    assert code == 4 and "Traceback" in err and "in broken" in err


def _natk(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``script`` run in a process of its own with ``args`` as the command's arguments, then
    ``natk``'s entry point."""
    code = ("import sys\n" + script + "\nsys.argv = ['natk', *sys.argv[1:]]\n"
            "from natk_xlsx.entry import main\nmain()\nprint('main returned')\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, check=False, timeout=60)


def test_the_process_ends_with_the_commands_exit_code_and_all_its_output(small, tmp_path):
    """The command ends the process at once (``cli._end``): each exit code as documented, the
    output whole, the exit handlers run, and nothing after."""
    handler = "import atexit; atexit.register(lambda: print('handler ran', flush=True))"
    done = _natk(handler, "check", "--specs", str(small.specs), str(small.filled))
    expected = CliRunner().invoke(cli, ["check", "--specs", str(small.specs), str(small.filled)])
    assert (done.returncode, done.stdout) == (1, expected.output + "handler ran\n")
    done = _natk("", "--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"natk, version {__version__}")
    done = _natk("", "check", str(tmp_path / "missing.xlsx"))
    assert done.returncode == 3 and "missing.xlsx" in done.stdout + done.stderr
    assert _natk("", "specs", "check", "--format", "xml").returncode == 2


def test_under_a_profiler_the_process_ends_as_usual():
    """``python -m cProfile -m natk_xlsx ...`` still prints its profile once the command ends."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "cProfile", "-m", "natk_xlsx", "--version"],
                          capture_output=True, text=True, env=env, check=False, timeout=60)
    assert done.returncode == 0 and __version__ in done.stdout
    assert "function calls" in done.stdout


def test_a_bug_ends_the_process_with_one_line_and_exit_code_4():
    done = _natk("import natk_xlsx.cli as c\n"
                 "def boom(*a, **k):\n    raise RuntimeError('boom')\n"
                 "c.cli = boom", "--version")
    assert done.returncode == 4 and done.stdout == ""
    assert done.stderr.startswith("natk: error: internal error (RuntimeError: boom); this is a bug")
    assert "Traceback" not in done.stderr
    debug = _natk("import os; os.environ['NATK_DEBUG'] = '1'\nimport natk_xlsx.cli as c\n"
                  "def boom(*a, **k):\n    raise RuntimeError('boom')\n"
                  "c.cli = boom", "--version")  # the details the line promises
    assert debug.returncode == 4 and "Traceback" in debug.stderr and "in boom" in debug.stderr


def test_generate_one_workbook_to_a_file(tmp_path: Path):
    target = tmp_path / "legal.xlsx"
    code, out, err = run("generate", "-c", "legal,victims", "--country", "Veridia", "-o",
                         str(target))
    assert code == 0, err
    assert target.exists()
    assert "2 components" in out


def test_generate_into_a_folder_names_the_file(tmp_path: Path):
    code, _out, _ = run("generate", "-c", "data", "-o", str(tmp_path))
    assert code == 0
    assert len(list(tmp_path.glob("*.xlsx"))) == 1


def test_generate_for_recipients(tmp_path: Path):
    code, out, err = run("generate", "--recipients", str(REPO / "examples" / "recipients.csv"),
                         "--country", "Veridia", "-o", str(tmp_path))
    assert code == 0, err
    assert len(list(tmp_path.glob("*.xlsx"))) == 10
    assert "10 workbooks written." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [(["-c", "magic"], "no component magic"),
     (["--lang", "de"], "unknown language 'de'"),
     (["--period", "2025-2020"], "must run forwards")],
)
def test_generate_bad_options_exit_2_with_one_line(tmp_path: Path, args, message):
    code, _, err = run("generate", *args, "-o", str(tmp_path / "x.xlsx"))
    assert code == 2
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(("args", "output", "message"), [
    (["--recipients", str(REPO / "examples" / "recipients.csv"), "--lang", "all"], "out",
     "--lang all makes one blank workbook per language; with --recipients"),
    (["--recipients", str(REPO / "examples" / "recipients.csv")], "out.xlsx",
     "out.xlsx: with --recipients or --lang all, -o names a folder"),
    (["--lang", "all"], "out.xlsx", "out.xlsx: with --recipients or --lang all, -o names a folder"),
    ([], "report.docx", "report.docx: -o names a workbook ending in .xlsx, or a folder"),
])
def test_generate_refuses_an_output_that_would_become_a_folder_of_another_name(
        tmp_path: Path, args, output, message):
    """'-o rec.xlsx' with --recipients made a folder named rec.xlsx, '-o a.docx' one named
    a.docx, and '--lang all' with --recipients built only the source language, silently."""
    code, _, err = run("generate", *args, "-o", str(tmp_path / output))
    assert code == 2 and message in err, err
    assert list(tmp_path.iterdir()) == []


def test_generate_for_recipients_says_when_their_own_language_wins(tmp_path: Path):
    recipients = tmp_path / "r.csv"
    recipients.write_text("institution,kind,language\nPolice,police,en\nCourts,judiciary,\n",
                          "utf-8")
    code, out, err = run("generate", "--recipients", str(recipients), "--lang", "fr", "-o",
                         str(tmp_path / "out"))
    assert code == 0, err
    assert (f"note: the 'language' column of {recipients} gives 1 recipient another language "
            "than --lang fr; each keeps its own.") in out
    assert sorted(p.name[-8:] for p in (tmp_path / "out").glob("*.xlsx")) == ["-en.xlsx",
                                                                              "-fr.xlsx"]


def test_generate_for_recipients_limits_each_to_the_components_of_c(tmp_path: Path):
    """-c with --recipients was ignored: every institution got all its components. Each gets
    those of -c meant for it, keeps the file name it has in a full run, and one that none of
    them is meant for is named, without a workbook."""
    recipients = tmp_path / "r.csv"
    recipients.write_text("institution,kind,components\nCourts,judiciary,judiciary;capacity\n"
                          "Police,police,\nShelter,ngo,victims;prevention\n", "utf-8")
    code, out, err = run("generate", "--recipients", str(recipients), "-c", "victims,data",
                         "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert "note: no workbook for Courts: none of the components of -c victims,data" in out
    written = sorted(p.name for p in (tmp_path / "out").glob("*.xlsx"))
    assert written == ["02-police-en.xlsx", "03-shelter-en.xlsx"]
    assert "03-shelter-en.xlsx: 1 component, " in out  # victims alone, in the singular
    assert "2 workbooks written." in out


def test_generate_for_recipients_skips_one_left_without_questions_and_refuses_a_typo(
        tmp_path: Path):
    """At the core depth a recipient can be left no question at all: the run stopped at it,
    with the workbooks of others already written and unsaid. It gets no workbook and a note;
    the others are written. A component mistyped in -c was passed over unsaid."""
    recipients = tmp_path / "r.csv"
    recipients.write_text("institution,kind\nCoordination,coordination_body\nPolice,police\n",
                          "utf-8")
    code, out, err = run("generate", "--recipients", str(recipients), "-c", "situation",
                         "--depth", "core", "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert ("note: no workbook for Police: no question of the chosen components belongs to "
            "the core depth") in out
    assert [p.name for p in (tmp_path / "out").glob("*.xlsx")] == ["01-coordination-en.xlsx"]
    code, _, err = run("generate", "--recipients", str(recipients), "-c", "situation,victms",
                       "-o", str(tmp_path / "typo"))
    assert code == 2 and "no component victms in the toolkit" in err
    assert not (tmp_path / "typo").exists()


def test_generate_says_what_it_left_out_and_what_the_folder_held_before(tmp_path: Path):
    """At the core depth a component asked for can hold no question for the recipient's kind:
    it was dropped unsaid. A folder written again kept the workbooks of the earlier run beside
    the new ones, unsaid: sent as it was, it carried both."""
    recipients = tmp_path / "r.csv"
    recipients.write_text("institution,kind,components\nShelter,ngo,victims;prevention\n"
                          "Police,police,\n", "utf-8")
    out_dir = tmp_path / "out"
    code, out, err = run("generate", "--recipients", str(recipients), "--depth", "core", "-o",
                         str(out_dir))
    assert code == 0, err
    assert "01-shelter-en.xlsx: prevention left out: none of its questions is meant for kind " \
           "ngo at depth core." in out
    assert "also holds" not in out
    recipients.write_text("institution,kind,components\nShelter,ngo,victims;legal\n", "utf-8")
    code, out, err = run("generate", "--recipients", str(recipients), "-o", str(tmp_path / "f"))
    assert code == 0, err
    assert "01-shelter-en.xlsx: legal left out: none of its questions is meant for kind ngo." \
        in out  # at the full depth, the kind alone is why
    recipients.write_text("institution,kind\nPolice,police\n", "utf-8")
    code, out, err = run("generate", "--recipients", str(recipients), "-o", str(out_dir))
    assert code == 0, err
    assert (f"note: {out_dir} also holds 2 other workbooks, not written now "
            "(01-shelter-en.xlsx, 02-police-en.xlsx); remove them before sending the folder.") in out


@pytest.mark.parametrize("option", ["--json", "--csv"])
def test_summarise_refuses_a_dash_for_an_output(tmp_path: Path, option):
    """"--json -" made a file named "-" where a script expected the JSON on its screen."""
    code, _, err = run("summarise", str(tmp_path), "-o", str(tmp_path / "s.xlsx"), option, "-")
    assert code == 2 and f"{option} -: the summary's outputs are files" in err
    assert list(tmp_path.iterdir()) == []


def test_generate_missing_recipients_file_exits_3(tmp_path: Path):
    code, _, err = run("generate", "--recipients", str(tmp_path / "none.csv"), "-o", str(tmp_path))
    assert code == 3
    assert "none.csv: no such file" in err


def test_a_check_line_counts_in_the_singular_and_the_plural(small, tmp_path):
    """"22 answers read, 1 error, 2 warnings": each count agrees with its number."""
    import re

    from openpyxl import load_workbook

    wb = load_workbook(small.filled)
    ws = wb[wb.sheetnames[2]]
    ws["D5"] = "not an answer"  # an answer no list allows: errors, and one warning
    wb.save(tmp_path / "one.xlsx")
    code, out, _ = run("check", "-q", str(tmp_path / "one.xlsx"), "--specs", str(small.specs))
    assert code == 1  # invalid
    line = next(line for line in out.splitlines() if ": INVALID: " in line)
    assert re.search(r"\b1 (answer|error|warning)\b", line), line  # a count of one is in it
    for n, noun in re.findall(r"(\d+) (answers?|errors?|warnings?)\b", line):
        assert noun.endswith("s") == (n != "1"), line
    assert "\n1 file: 0 valid, 1 invalid, 0 unusable." in out  # never "1 file(s)"


def test_the_command_lines_count_without_parentheses(tmp_path: Path):
    """The closing line of a command says "1 workbook", "2 returns", never "workbook(s)"."""
    code, out, err = run("generate", "-c", "data", "-o", str(tmp_path))
    assert code == 0, err
    assert out.rstrip().endswith("\n1 workbook written."), out
    assert "(s)" not in out


def test_annotate_warnings_without_a_folder_for_the_copies_is_a_usage_error(small):
    """It was ignored without a word: no copy was written and none was said to be missing."""
    code, _, err = run("check", str(small.filled), "--specs", str(small.specs),
                       "--annotate-warnings")
    assert code == 2
    assert "--annotate-warnings goes with --annotate DIR" in err


def test_a_file_named_that_cannot_be_read_does_not_stop_the_others(small, monkeypatch):
    """click's own check of the paths named refused the whole command ("Path ... is not
    readable", exit 2) for one unreadable file among several; the reader gives such a file its
    line (permission refused), as in a folder, and reads the others."""
    import os

    refused = str(small.filled)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: (
        False if str(p) == refused else real(p, mode, *a, **k)))
    code, out, err = run("check", "-q", refused, str(small.filled), "--specs", str(small.specs))
    assert code != 2 and "is not readable" not in err
    assert out.count(refused) >= 1 and out.rstrip().endswith("unusable.")


@pytest.mark.parametrize(("command", "option"), [("check", "--annotate"),
                                                 ("summarise", "--csv")])
def test_an_output_folder_named_as_a_file_is_a_usage_error(small, tmp_path, command, option):
    """"--annotate back.xlsx" made a folder named back.xlsx, with the copy inside it, which the
    user took for the copy; "--csv out.csv" likewise. Said before any work, nothing made."""
    named = tmp_path / ("back.xlsx" if option == "--annotate" else "out.csv")
    extra = ["-o", str(tmp_path / "s.xlsx")] if command == "summarise" else []
    code, _, err = run(command, str(small.filled), "--specs", str(small.specs), option,
                       str(named), *extra)
    assert code == 2 and f"'{named}' is named as a file; name a folder" in err
    assert not named.exists() and not (tmp_path / "s.xlsx").exists()


def test_check_tells_the_issues_of_a_return_in_the_assessors_language(tmp_path):
    """A French return's issues, read by an assessor who reads English: the same issues at the
    same places, each message in English; the answers the cell takes are still named as the
    French workbook names them. Without --lang each stays in the workbook's language."""
    from factory import BUNDLED_SPECS
    from fill import fill_workbook

    from natk_xlsx.spec.lint import load_toolkit
    from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

    toolkit = load_toolkit(BUNDLED_SPECS)
    blank = generate_workbook(toolkit, tmp_path / "blank.xlsx",
                              GenerateOptions(components=["legal"], lang="fr")).path
    qid = next(q.id for q in toolkit.component("legal").questions if q.type == "yes_no")
    path = fill_workbook(blank, tmp_path / "fr.xlsx", toolkit, {qid: "Peut-être"}, lang="fr")
    runner = CliRunner()
    french = runner.invoke(cli, ["check", str(path)])
    english = runner.invoke(cli, ["check", "--lang", "en", str(path)])
    assert french.exit_code == english.exit_code == 1
    line = next(x for x in english.output.splitlines() if "ANSWER-NOT-ALLOWED" in x)
    assert (f'{qid}: "Peut-être" is not one of the allowed answers; choose "Oui", "En partie", '
            '"Non" or "Ne sait pas".') in line
    # the answer to choose, as the French workbook offers it
    assert 'choose "Ne sait pas" if you cannot answer it.' in english.output
    assert "Don't know" not in english.output
    assert "ne fait pas partie des réponses autorisées" in next(
        x for x in french.output.splitlines() if "ANSWER-NOT-ALLOWED" in x)
    places = [x.split()[:3] for x in french.output.splitlines() if x.startswith("  ")]
    assert places == [x.split()[:3] for x in english.output.splitlines() if x.startswith("  ")]
    as_json = json.loads(runner.invoke(cli, ["check", "--format", "json", "--lang", "en",
                                             str(path)]).output)
    (refused,) = [i for i in as_json["files"][0]["issues"] if i["code"] == "ANSWER-NOT-ALLOWED"]
    assert refused["message"] in line
    assert runner.invoke(cli, ["check", "--lang", "de", str(path)]).exit_code == 2


def test_check_in_another_language_says_every_line_in_it(small, tmp_path):
    """With --lang fr the status lines and the count are French too (counts as "label: n",
    which needs no plural forms); without, the English that scripts read is unchanged."""
    bad = tmp_path / "not-a-workbook.xlsx"
    bad.write_text("hello", "utf-8")
    runner = CliRunner()
    args = ["check", "-q", "--specs", str(small.specs), str(small.filled), str(bad)]
    french = runner.invoke(cli, [*args, "--lang", "fr"]).output.splitlines()
    english = runner.invoke(cli, args).output.splitlines()
    assert french[0].startswith(f"{small.filled}\u00a0: NON VALIDE\u00a0: ") or \
        french[0].startswith(f"{small.filled}\u00a0: VALIDE\u00a0: ")
    assert "réponses lues\u00a0: " in french[0] and "(classeur " in french[0]
    assert french[1].startswith(f"{bad}\u00a0: INUTILISABLE\u00a0: ")
    assert french[-1] == "fichiers\u00a0: 2\u00a0; valides\u00a0: {}\u00a0; non valides\u00a0: " \
        "{}\u00a0; inutilisables\u00a0: 1.".format(*(
            (1, 0) if ": VALIDE" in french[0].replace("\u00a0", " ") else (0, 1)))
    assert english[-1].startswith("2 files: ") and " answers read, " in english[0]

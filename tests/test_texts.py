"""Translators work on a CSV: export, fill in, import, and outdated rows are refused."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from natk_xlsx.cli import cli
from natk_xlsx.spec.lint import lint_specs


def test_export_translate_import_publish(write_specs, tmp_path):
    folder = write_specs()
    out = tmp_path / "de-fr.csv"
    result = CliRunner().invoke(cli, ["specs", "export-texts", "fr", "--missing", "--specs",
                                      str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["fr"] == "" for r in rows)
    assert {r["key"].split("::")[0] for r in rows} == {"alpha.json", "beta.json", "toolkit.json"}
    stale = rows[0]["key"]
    for r in rows:
        r["fr"] = "FR " + r["en"]
    rows[0]["en"] = "an older English text"
    with out.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, ["key", "en", "fr"])
        w.writeheader()
        w.writerows(rows)
    result = CliRunner().invoke(cli, ["specs", "import-texts", "fr", str(out), "--specs", str(folder)])
    assert result.exit_code == 1
    assert f"the English text at {stale} has changed" in result.stdout
    assert f"{len(rows) - 1} translations applied, 0 unchanged, 1 not applied." in result.stdout
    alpha = json.loads((folder / "alpha.json").read_text("utf-8"))
    assert alpha["questions"][0]["text"]["fr"] == "FR Question ALP.01?"
    fr = next(s for s in lint_specs(folder).languages if s.lang == "fr")
    assert fr.translated == fr.texts - 1


def test_export_includes_the_interface_texts_and_import_writes_them_back(write_specs, tmp_path):
    """Translators never edit JSON: the workbook's interface texts come with the specs' texts
    and go back into the checkout's natk_xlsx/i18n/interface.json."""
    import shutil

    from natk_xlsx.i18n.interface import strings

    checkout = tmp_path / "checkout"
    shutil.copytree(write_specs(), checkout / "workbook_specs")
    interface = checkout / "natk_xlsx" / "i18n" / "interface.json"
    interface.parent.mkdir(parents=True)
    interface.write_text(json.dumps(strings(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    out = tmp_path / "ru.csv"
    result = CliRunner().invoke(cli, ["specs", "export-texts", "ru", "--specs",
                                      str(checkout / "workbook_specs"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    ui_rows = [r for r in rows if r["key"].startswith("interface.json::")]
    assert len(ui_rows) == len(strings()) >= 199
    row = next(r for r in ui_rows if r["key"] == "interface.json::row.year")
    row["ru"] = "Год отчёта"
    joint = next(r for r in ui_rows if r["key"] == "interface.json::issue.or")
    joint["ru"] = joint["ru"].replace("или", "либо")  # " или " between two answers
    with out.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, ["key", "en", "ru"])
        w.writeheader()
        w.writerows([row, joint])
    result = CliRunner().invoke(cli, ["specs", "import-texts", "ru", str(out), "--specs",
                                      str(checkout / "workbook_specs")])
    assert result.exit_code == 0, result.output
    written = json.loads(interface.read_text("utf-8"))
    assert written["row.year"]["ru"] == "Год отчёта"
    assert written["issue.or"]["ru"] == " либо "  # its spaces kept: they part the answers


def test_a_copied_folder_takes_an_export_back_without_failing_on_the_interface(write_specs,
                                                                              tmp_path):
    """An export imported back, unedited, into a copy of the specs (no interface.json beside
    it) said "472 interface texts not applied" and exited 1; only those changed are said."""
    folder = write_specs()
    out = tmp_path / "fr.csv"
    CliRunner().invoke(cli, ["specs", "export-texts", "fr", "--specs", str(folder), "-o",
                             str(out)])
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert any(r["key"].startswith("interface.json::") and r["fr"] for r in rows)
    result = CliRunner().invoke(cli, ["specs", "import-texts", "fr", str(out), "--specs",
                                      str(folder)])
    assert result.exit_code == 0, result.output
    assert f"Run 'natk specs check --specs {folder}' next." in result.stdout
    row = next(r for r in rows if r["key"] == "interface.json::row.year")
    row["fr"] = "Année de référence"
    with out.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, ["key", "en", "fr"])
        w.writeheader()
        w.writerows(rows)
    result = CliRunner().invoke(cli, ["specs", "import-texts", "fr", str(out), "--specs",
                                      str(folder)])
    assert result.exit_code == 1 and "1 interface text changed, not applied" in result.stdout


def test_import_writes_only_where_it_is_told(write_specs, tmp_path):
    import shutil

    out = tmp_path / "fr.csv"
    out.write_text("key,en,fr\n", "utf-8-sig")
    result = CliRunner().invoke(cli, ["specs", "import-texts", "fr", str(out)])
    assert result.exit_code == 2
    assert "--specs DIR" in result.output
    help_text = CliRunner().invoke(cli, ["specs", "import-texts", "--help"]).output
    assert "default:" not in help_text and "required" in help_text  # no default it never takes
    installed = tmp_path / "lib" / "site-packages" / "natk_xlsx" / "workbook_specs"
    shutil.copytree(write_specs(), installed)
    result = CliRunner().invoke(cli, ["specs", "import-texts", "fr", str(out), "--specs",
                                      str(installed)])
    assert result.exit_code == 2
    assert "installed copy" in result.output


def test_a_checkout_uses_its_own_specs(write_specs, tmp_path, monkeypatch):
    """Run in a checkout (a ./workbook_specs with a manifest), the commands use those specs,
    not the installed copy, and say which folder they checked."""
    import shutil

    shutil.copytree(write_specs(), tmp_path / "workbook_specs")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NATK_SPECS", raising=False)
    result = CliRunner().invoke(cli, ["specs", "check"])
    assert result.exit_code == 0, result.output
    assert "in workbook_specs" in result.output


def _translated_in_french(folder, out, delimiter=","):
    """The texts of ``folder`` missing in French, exported to ``out`` and "translated" there
    ("FR " and the English), written back with ``delimiter``: the rows."""
    CliRunner().invoke(cli, ["specs", "export-texts", "fr", "--missing", "--specs", str(folder),
                             "-o", str(out)])
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["fr"] = "FR " + r["en"]
    with out.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, ["key", "en", "fr"], delimiter=delimiter)
        w.writeheader()
        w.writerows(rows)
    return rows


def test_a_csv_saved_with_semicolons_is_read_and_a_complete_language_is_said(write_specs,
                                                                             tmp_path):
    """Excel in French saves a CSV parted by semicolons: it was refused as lacking the columns
    key, en and fr. An export of the texts missing in a language that has them all wrote a
    header alone, and said to fill in its column."""
    folder = write_specs()
    out = tmp_path / "fr.csv"
    rows = _translated_in_french(folder, out, delimiter=";")
    result = CliRunner().invoke(cli, ["specs", "import-texts", "fr", str(out), "--specs",
                                      str(folder)])
    assert result.exit_code == 0, result.output
    assert f"{len(rows)} translations applied" in result.stdout
    result = CliRunner().invoke(cli, ["specs", "export-texts", "fr", "--missing", "--specs",
                                      str(folder), "-o", str(tmp_path / "none.csv")])
    assert result.exit_code == 0 and "nothing to fill in" in result.stdout
    assert "fill in the 'fr' column" not in result.stdout


def test_a_translation_follows_its_question_when_questions_are_reordered(write_specs, tmp_path):
    """The export named a text by its place ("$.questions[9].text"): two questions swapped
    after the export (which the docs allow) and their translations were refused as "the English
    text has changed". Questions, sections and choices are named by their id or code now; a CSV
    of the earlier form is still read."""
    folder = write_specs()
    out = tmp_path / "fr.csv"
    rows = _translated_in_french(folder, out)
    assert any(r["key"] == "alpha.json::$.questions[ALP.01].text" for r in rows)
    alpha = json.loads((folder / "alpha.json").read_text("utf-8"))
    alpha["questions"][2], alpha["questions"][3] = alpha["questions"][3], alpha["questions"][2]
    (folder / "alpha.json").write_text(json.dumps(alpha, indent=2), "utf-8")
    result = CliRunner().invoke(cli, ["specs", "import-texts", "fr", str(out), "--specs",
                                      str(folder)])
    assert result.exit_code == 0, result.output
    alpha = json.loads((folder / "alpha.json").read_text("utf-8"))
    assert all(q["text"]["fr"] == "FR " + q["text"]["en"] for q in alpha["questions"])
    old = tmp_path / "positional.csv"  # as an earlier version exported
    old.write_text("key,en,fr\nalpha.json::$.questions[0].text,"
                   f"{alpha['questions'][0]['text']['en']},Question un\n", "utf-8-sig")
    result = CliRunner().invoke(cli, ["specs", "import-texts", "fr", str(old), "--specs",
                                      str(folder)])
    assert result.exit_code == 0, result.output
    assert json.loads((folder / "alpha.json").read_text("utf-8"))["questions"][0]["text"][
        "fr"] == "Question un"

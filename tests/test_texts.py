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
    assert f"{len(rows) - 1} translation(s) applied" in result.stdout
    alpha = json.loads((folder / "alpha.json").read_text("utf-8"))
    assert alpha["questions"][0]["text"]["fr"] == "FR Question ALP.01?"
    fr = next(s for s in lint_specs(folder).languages if s.lang == "fr")
    assert fr.translated == fr.texts - 1

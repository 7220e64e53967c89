"""Rendering results for people (text) and programs (JSON). No business logic here."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from natk_xlsx.languages import LANGUAGE_NAMES

if TYPE_CHECKING:
    from natk_xlsx.lint import LintReport


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def lint_text(report: LintReport) -> str:
    out: list[str] = []
    tk = report.toolkit
    head = f"Checked {len(report.files)} files in {report.directory}"
    if tk is not None:
        head += f": toolkit {tk.id} {tk.version}, spec hash {tk.spec_hash[:12]}"
    out.append(head)
    if report.components:
        out.append("")
        rows = [
            [c.id, c.category.replace("_", "-"), c.sheet_name, str(c.sections), str(c.questions),
             str(c.tables), str(c.with_needs), str(c.rules), str(c.skip_logic)]
            for c in report.components
        ]
        total = [sum(int(r[i]) for r in rows) for i in range(3, 9)]
        rows.append(["total", "", "", *map(str, total)])
        out += _table(
            ["component", "category", "sheet", "sections", "questions", "tables",
             "with needs", "needs rules", "skip logic"],
            rows, right={3, 4, 5, 6, 7, 8},
        )
    if report.languages:
        out.append("")
        rows = [
            [lang.lang, LANGUAGE_NAMES[lang.lang][0], str(lang.texts), str(lang.translated),
             f"{lang.percent:.1f}%", "published" if lang.published else "draft"]
            for lang in report.languages
        ]
        out += _table(["lang", "language", "texts", "translated", "complete", "status"], rows,
                      right={2, 3, 4})
    if report.problems:
        out.append("")
        for p in report.problems:
            out.append(f"{p.severity} {p.code} {p.render()}")
    out.append("")
    verdict = "valid" if report.ok else "NOT valid"
    out.append(f"{len(report.errors)} errors, {len(report.warnings)} warnings: the specs are {verdict}.")
    return "\n".join(out)


def lint_json(report: LintReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)

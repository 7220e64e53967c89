"""The lint report as data: problems, per-component figures, translation and burden tables.

``Checker`` collects problems while the checks of the ``lint_*`` modules run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from natk_xlsx.errors import Problem
from natk_xlsx.spec.model import Toolkit


@dataclass(frozen=True)
class ComponentStats:
    id: str
    category: str
    sheet_name: str
    sections: int
    questions: int
    tables: int
    with_needs: int
    rules: int
    skip_logic: int


@dataclass(frozen=True)
class LanguageStats:
    lang: str
    texts: int
    translated: int
    published: bool

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.texts if self.texts else 100.0


@dataclass(frozen=True)
class BurdenRow:
    """What one kind of respondent is asked at one depth: required questions (a statistics table
    counting as one, required or not) and, among them, the tables."""

    kind: str
    depth: str
    questions: int
    tables: int
    limit: int


@dataclass
class LintReport:
    directory: str
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    toolkit: Toolkit | None = None
    components: list[ComponentStats] = field(default_factory=list)
    languages: list[LanguageStats] = field(default_factory=list)
    burden: list[BurdenRow] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        tk = self.toolkit
        return {
            "directory": self.directory,
            "valid": self.ok,
            "toolkit": None if tk is None else {
                "id": tk.id, "version": tk.version, "spec_hash": tk.spec_hash,
            },
            "files": self.files,
            "components": [asdict(c) for c in self.components],
            "languages": [
                {**asdict(lang), "percent": round(lang.percent, 1)} for lang in self.languages
            ],
            "burden": [asdict(b) for b in self.burden],
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [asdict(p) for p in self.problems],
        }


class Checker:
    """Collects problems while the checks run."""

    def __init__(self, report: LintReport) -> None:
        self.report = report
        #: Some component files could not be used: a question named elsewhere may be in one,
        #: so it is not said to be missing (``lint_run``).
        self.partial = False

    def error(self, code: str, file: str, path: str, message: str, fix: str) -> None:
        self.report.problems.append(Problem("error", code, file, path, message, fix))

    def warning(self, code: str, file: str, path: str, message: str, fix: str) -> None:
        self.report.problems.append(Problem("warning", code, file, path, message, fix))


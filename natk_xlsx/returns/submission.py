"""A submission: one returned workbook as read, its answers, their places and its issues, and
the canonical JSON record that consolidation works from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from natk_xlsx import __version__
from natk_xlsx.returns.issues import ERROR, WARNING, Issue, json_safe
from natk_xlsx.returns.submission_schema import SUBMISSION_FORMAT


@dataclass
class Submission:
    """One workbook as read: its identity, answers, the places they came from, and issues."""

    file: str
    workbook_id: str
    toolkit_id: str
    toolkit_version: str
    spec_hash: str
    language: str
    components: list[str]
    reference_period: tuple[int, int]
    respondent: dict[str, Any]
    answers: dict[str, Any]
    details: dict[str, dict[str, Any]]
    tables: dict[str, dict[str, Any]]
    asked: list[str]
    issues: list[Issue]
    source_map: dict[str, tuple[str, str]] = field(default_factory=dict)
    unplaced: list[dict[str, Any]] = field(default_factory=list)
    unknown_answers: dict[str, Any] = field(default_factory=dict)
    file_sha256: str = ""
    application: str | None = None
    metadata_source: str = "sheet"

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def record(self) -> dict[str, Any]:
        """The canonical submission JSON (what consolidation works from)."""
        return {
            "format": SUBMISSION_FORMAT,
            "workbook_id": self.workbook_id,
            "toolkit": {"id": self.toolkit_id, "version": self.toolkit_version,
                        "spec_hash": self.spec_hash},
            "language": self.language,
            "components": self.components,
            "reference_period": list(self.reference_period),
            "respondent": self.respondent,
            "answers": self.answers,
            "details": self.details,
            "tables": self.tables,
            "asked": self.asked,
            "unplaced": self.unplaced,
            "unknown_answers": json_safe(self.unknown_answers),
            "source": {"file": Path(self.file).name, "sha256": self.file_sha256,
                       "application": self.application, "read_by": f"natk-xlsx {__version__}"},
            "issues": [i.to_dict() for i in self.issues],
        }


#: The one error of a return without any answer: the questionnaire sent back as it was sent.
BLANK = "RETURN-BLANK"


def blank_record(record: Mapping[str, Any]) -> bool:
    """Nothing typed in any answer cell of a return (a submission record): no answer, detail,
    figure, text out of place or answer to an unknown question read, and no answer refused.
    The one test of the check, the import and the summary."""
    if any(record.get(key) for key in ("answers", "details", "tables", "unplaced",
                                        "unknown_answers")):
        return False
    return not any(i.get("severity") == ERROR and i.get("question") and i.get("code") != BLANK
                   for i in record.get("issues") or ())


"""``report``: read returns, consolidate them as ``summarise`` does, and write the assessment
report, a draft in Word in the assessment's language.

The stages: ``summarise`` (returns → consolidation and the list of returns read) →
``report_content.build`` (→ the view-model) → ``report_text.blocks`` (→ headings, paragraphs,
tables and charts in the report's language) → ``docx_writer.write_docx`` (→ the .docx file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from natk_xlsx.errors import UsageError
from natk_xlsx.outputs.report_content import Report, build
from natk_xlsx.outputs.summarise import SummaryResult, summarise
from natk_xlsx.safeio import blocking_file
from natk_xlsx.spec.model import Toolkit


@dataclass
class ReportResult:
    path: Path
    report: Report
    summary: SummaryResult


def write_report(
    inputs: Sequence[str | Path],
    toolkit: Toolkit,
    output: str | Path,
    *,
    lang: str = "en",
    resolutions: str | Path | None = None,
    weights: str | Path | None = None,
    recipients: str | Path | None = None,
    country: str = "",
    assessment: str = "",
    same_institution: str = "all",
    jobs: int | None = None,
    date: dt.date | None = None,
    progress: Callable[[Any], None] | None = None,
) -> ReportResult:
    """Write the report for the returns in ``inputs`` (files or folders) to ``output``;
    ``recipients`` is the recipients file the questionnaires were generated from (so the report
    can say who was asked and who did not answer); ``weights`` the ranking weights file, read as
    ``summarise`` reads it."""
    from natk_xlsx.outputs.docx_writer import ReportWriteError, write_docx
    from natk_xlsx.outputs.report_text import blocks

    if Path(output).suffix.lower() != ".docx":
        raise UsageError(f"{output}: the report is a Word document; give a name ending in .docx")
    folder = Path(output).resolve().parent
    nearest = next(p for p in (folder, *folder.parents) if p.exists())
    if not nearest.is_dir():  # say so before reading every return
        raise ReportWriteError(f"{output}: cannot write the report ({blocking_file(output)}); "
                               "choose another folder")
    asked = None
    if recipients is not None:
        from natk_xlsx.workbook.generate import load_recipients

        asked = [r.institution for r in load_recipients(recipients, toolkit)]
    summary = summarise(inputs, toolkit, None, lang=lang, resolutions=resolutions,
                        same_institution=same_institution, weights=weights, jobs=jobs,
                        progress=progress)
    report = build(summary.consolidation, lang, summary.sources, country=country,
                   assessment=assessment, date=date, recipients=asked)
    try:  # a missing folder is made, as the summary's is, once there is a report to put in it
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportWriteError(f"{output}: cannot write the report (the folder "
                               f"{Path(output).parent} cannot be made: {exc.strerror}); "
                               "choose another folder") from exc
    write_docx(output, blocks(report), lang, title=report.title)
    return ReportResult(Path(output), report, summary)

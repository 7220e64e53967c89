"""Handing a workbook back: a copy with every problem marked where it is.

The offending cells are highlighted and carry the message as a note; an "Issues" sheet lists every
problem with a link to its cell. Everything else the respondent entered stays as it was, and the
original file is never modified (the copy goes to another folder).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from natk_xlsx.errors import InputError
from natk_xlsx.i18n.interface import ui
from natk_xlsx.returns.issues import ERROR

if TYPE_CHECKING:
    from natk_xlsx.returns.importer import Submission

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"


def annotated_name(path: str | Path) -> str:
    p = Path(path)
    return f"{p.stem}-checked.xlsx"


def annotate_workbook(submission: Submission, out_dir: str | Path) -> Path:
    """Write the annotated copy of ``submission.file`` into ``out_dir``; return its path."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.properties import PageSetupProperties

    source = Path(submission.file).resolve()
    folder = Path(out_dir)
    target = (folder / annotated_name(source)).resolve()
    if target == source:
        raise InputError(str(target), "the annotated copy would overwrite the original; choose "
                         "another --annotate folder")
    lang = submission.language
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(source)
    fills = {sev: PatternFill("solid", start_color=color, end_color=color)
             for sev, color in ((ERROR, ERROR_FILL), ("warning", WARNING_FILL))}
    notes: dict[tuple[str, str], list[str]] = {}
    worst: dict[tuple[str, str], str] = {}
    for issue in submission.issues:
        if issue.sheet is not None and issue.sheet in wb.sheetnames and issue.cell:
            key = (issue.sheet, issue.cell)
            notes.setdefault(key, []).append(issue.message)
            if worst.get(key) != ERROR:
                worst[key] = issue.severity
    for (sheet, cell), messages in notes.items():
        target_cell = wb[sheet][cell]
        if type(target_cell).__name__ == "MergedCell":
            continue
        target_cell.fill = fills[worst[(sheet, cell)]]
        comment = Comment("\n".join(messages)[:30000], "natk-xlsx")
        comment.width, comment.height = 360, min(60 + 40 * len(messages), 400)
        target_cell.comment = comment
    title = ui("sheet.issues", lang)
    if title in wb.sheetnames:
        del wb[title]
    ws = wb.create_sheet(title, 0)
    headers = [ui(f"issues.col_{c}", lang) for c in
               ("severity", "place", "question", "message", "code")]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for issue in submission.issues:
        severity = ui(f"issues.{issue.severity}", lang)
        place = f"{issue.sheet}!{issue.cell}" if issue.sheet and issue.cell else (issue.sheet or "")
        ws.append([severity, place, issue.question or "", issue.message, issue.code])
        row = ws.max_row
        ws.cell(row, 4).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row, 1).fill = fills[issue.severity]
        if issue.sheet is not None and issue.sheet in wb.sheetnames and issue.cell:
            link = ws.cell(row, 2)
            link.hyperlink = f"#'{issue.sheet.replace(chr(39), chr(39) * 2)}'!{issue.cell}"
            link.font = Font(color="0563C1", underline="single")
    for col, width in zip("ABCDE", (12, 22, 10, 110, 24), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    if lang == "ar":
        ws.sheet_view.rightToLeft = True
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    folder.mkdir(parents=True, exist_ok=True)
    try:
        wb.save(target)
    except OSError as exc:
        raise InputError(str(target), f"cannot write the annotated copy ({exc.strerror or exc})"
                         ) from None
    return target

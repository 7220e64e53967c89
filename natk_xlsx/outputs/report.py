"""Rendering results for people (text) and programs (JSON). No business logic here."""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING, Any

from natk_xlsx.i18n.interface import counted, strings, ui
from natk_xlsx.i18n.languages import LANGUAGE_NAMES, SOURCE_LANGUAGE
from natk_xlsx.returns.issues import errors_first

if TYPE_CHECKING:
    from natk_xlsx.spec.lint_report import LintReport


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
    if report.burden:
        out.append("")
        by_kind: dict[str, dict[str, Any]] = {}
        for b in report.burden:
            by_kind.setdefault(b.kind, {})[b.depth] = b
        rows = [[kind, *(f"{d[depth].questions} ({d[depth].tables})" if depth in d else "-"
                         for depth in ("core", "full"))]
                for kind, d in by_kind.items()]
        limits = {b.depth: b.limit for b in report.burden}
        out += _table(["respondent kind", f"core (tables), max {limits.get('core', '-')}",
                       f"full (tables), max {limits.get('full', '-')}"], rows, right={1, 2})
    if report.problems:
        out.append("")
        for p in report.problems:
            out.append(f"{p.severity} {p.code} {p.render()}")
    out.append("")
    verdict = "valid" if report.ok else "NOT valid"
    out.append(f"{counted(len(report.errors), 'error')}, {counted(len(report.warnings), 'warning')}: "
               f"the specs are {verdict}.")
    return "\n".join(out)


def lint_json(report: LintReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


def clean(text: Any) -> str:
    """Text from a file (or a file's name) made safe for one line of a report: control and
    format characters (a newline, a carriage return, a bidi override) are shown escaped, so
    that no name or value can forge a line or reorder what is shown."""
    return "".join(map(_shown_char, str(text)))


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown_char(ch: str) -> str:
    category = unicodedata.category(ch)
    # spaces of every kind stay spaces: French puts a no-break space inside « » and before ";"
    if (ch.isprintable() and category not in ("Cf", "Cs")) or category == "Zs":
        return ch
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04x}"


def reason(path: str, error: str | None) -> str:
    """A failure's message without the file's name it starts with."""
    text = error or ""
    return text[len(path) + 2:] if text.startswith(f"{path}: ") else text


def unusable_text(code: str | None, detail: str | None, lang: str) -> str:
    """Why a file was not read, for a summary in ``lang``: the reader's own message in English
    (it names the part or the limit), else what is wrong and what to do in ``lang``, with the
    code that ``natk check`` prints beside the English detail."""
    key = f"unusable.{code}"
    if lang == SOURCE_LANGUAGE or key not in strings():
        return detail or ""
    return ui("unusable.coded", lang, text=ui(key, lang), code=code)


def check_text(results: list[Any], verbose: bool = True, lang: str | None = None
               ) -> str:  # batch.FileResult
    """The screen's report of a check: a line per file, its issues under it (each in the
    workbook's language, or in ``lang``), and the count of files. With ``lang`` other than
    English the lines around the issues are in it too (counts as "label: n", which needs no
    plural forms); without, they are the English that scripts may read."""
    say = lang or SOURCE_LANGUAGE  # the lines around the issues
    out: list[str] = []
    counts = {"valid": 0, "invalid": 0, "unusable": 0}
    internal = 0
    for result in results:
        counts[result.status] += 1
        path = clean(result.path)
        if result.submission is None:
            internal += result.internal
            status = ui("check.status." + ("internal" if result.internal else "unusable"), say)
            detail = reason(result.path, result.error)
            told = detail if result.internal else unusable_text(result.code, detail, say)
            out.append(ui("check.failed", say, file=path, status=status, reason=clean(told)))
            continue
        out.append(_file_line(result, path, say))
        if verbose:
            for issue in errors_first(result.submission.issues):
                message = issue.told_in(lang) if lang else issue.message
                out.append(f"  {issue.severity:<7} {issue.code:<22} {clean(message)}")
    out += _copies(results, say)
    out.append("")
    if say == SOURCE_LANGUAGE:
        bugs = f", {internal} of them by an internal error" if internal else ""
        out.append(f"{counted(len(results), 'file')}: {counts['valid']} valid, "
                   f"{counts['invalid']} invalid, {counts['unusable']} unusable{bugs}.")
    else:
        out.append(ui("check.total", say, files=len(results), **counts)
                   + (ui("check.total_internal", say, internal=internal) if internal else ""))
    return "\n".join(out)


def _file_line(result: Any, path: str, say: str) -> str:
    """A file read: its status, institution, workbook and counts, in ``say``."""
    sub = result.submission
    if say == SOURCE_LANGUAGE:
        who = sub.respondent.get("institution") or "institution not given"
        return (f"{path}: {result.status.upper()}: {clean(who)} (workbook "
                f"{clean(sub.workbook_id[:8])}, {sub.language}, toolkit "
                f"{clean(sub.toolkit_version or '?')}): {counted(len(sub.answers), 'answer')} "
                f"read, {counted(len(sub.errors), 'error')}, "
                f"{counted(len(sub.warnings), 'warning')}")
    who = sub.respondent.get("institution") or ui("check.no_institution", say)
    return ui("check.line", say, file=path, status=ui(f"check.status.{result.status}", say),
              who=clean(who), workbook=clean(sub.workbook_id[:8]), language=sub.language,
              version=clean(sub.toolkit_version or "?"), answers=len(sub.answers),
              errors=len(sub.errors), warnings=len(sub.warnings))


def _copies(results: list[Any], lang: str = SOURCE_LANGUAGE) -> list[str]:
    """A line for each workbook id that several files carry: copies of one file count once;
    different contents are a return corrected and sent again (or a mix-up), which the data
    officer should know before summarising."""
    by_id: dict[str, list[Any]] = {}
    for result in results:
        if result.submission is not None:
            by_id.setdefault(str(result.submission.workbook_id), []).append(result)
    lines: list[str] = []
    for wid, group in by_id.items():
        if len(group) < 2:
            continue
        from natk_xlsx.analysis.respondents import respondent_from_record, same_answers

        names = ", ".join(clean(r.path) for r in group)
        first, *others = [respondent_from_record(r.submission.record(), r.path) for r in group]
        same = all(same_answers(first, other) for other in others)  # as a summary judges
        lines.append(ui("check.copies." + ("same" if same else "different"), lang, names=names,
                        workbook=clean(wid[:8])))
    return lines


#: The keys of every file's entry in ``check --format json``, in order.
_CHECK_KEYS = ("file", "status", "seconds", "error", "code", "metadata", "respondent", "answers",
               "details", "tables", "unplaced", "issues", "annotated", "annotate_error",
               "annotated_removed")


def check_json(results: list[Any], lang: str | None = None) -> str:
    """The report of a check for programs; with ``lang``, each issue's message in it. Every
    file's entry has the same keys, null where they do not apply (what a file that could not be
    read would hold; the error of one that could), so that a table of them has one shape."""
    files = []
    for result in results:
        entry: dict[str, Any] = dict.fromkeys(_CHECK_KEYS)
        entry.update({"file": result.path, "status": result.status,
                      "seconds": round(result.seconds, 3)})
        if result.submission is None:
            entry.update({"error": result.error, "code": result.code})
        else:
            record = result.submission.record()
            entry.update({
                "metadata": {k: record[k] for k in ("workbook_id", "toolkit", "language",
                                                      "components", "reference_period")},
                "respondent": record["respondent"],
                "answers": record["answers"],
                "details": record["details"],
                "tables": record["tables"],
                "unplaced": record["unplaced"],
                "issues": record["issues"] if not lang else [
                    {**said, "message": issue.told_in(lang)}
                    for said, issue in zip(record["issues"], result.submission.issues,
                                            strict=True)],
            })
        entry["annotated"] = getattr(result, "annotated", None)
        entry["annotate_error"] = getattr(result, "annotate_error", None)
        entry["annotated_removed"] = getattr(result, "annotated_before", None)
        files.append(entry)
    summary = {s: sum(1 for r in results if r.status == s) for s in ("valid", "invalid",
                                                                      "unusable")}
    return json.dumps({"files": files, "summary": summary}, indent=2, ensure_ascii=False)

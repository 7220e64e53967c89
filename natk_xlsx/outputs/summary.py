"""The needs summary workbook (xlsxwriter): the one place that opens it, and the sheets a reader
meets first: Executive summary, Plan, Needs, Action plan, By institution. The other sheets are in
``summary_sheets``; the JSON and CSV twins in ``summary_data``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from natk_xlsx import __version__
from natk_xlsx.analysis.needs import Need
from natk_xlsx.analysis.packages import PHASES, TOP_TEN, Package, top_ten
from natk_xlsx.analysis.respondents import GROUPS, group_of, one_per_institution
from natk_xlsx.analysis.weights import CONFIDENCES
from natk_xlsx.i18n.interface import ui
from natk_xlsx.i18n.languages import date_text, join_codes, join_items, join_sentences, labelled, tr
from natk_xlsx.outputs import summary_sheets as more
from natk_xlsx.outputs.sheetkit import (
    MOST_LINES,
    Out,
    answer_text,  # noqa: F401 - other outputs (the draft report) take it from here
    coordinate_text,
    evidence_text,
    finding_text,
    ranking_text,
    settled_text,
    who_said,
)
from natk_xlsx.spec.model import SEVERITIES, Text
from natk_xlsx.textwidth import wrapped_lines
from natk_xlsx.workbook.xlsx import new_workbook

#: The national body responsible by default: by kind of assistance first, else by component
#: (codes of lists.json's respondent_kinds).
RESPONSIBLE_BY_ASSISTANCE = {"legislative_drafting": "ministry_justice",
                             "data_systems": "statistics_office"}
RESPONSIBLE_BY_COMPONENT = {
    "situation": "coordination_body", "policy": "coordination_body", "legal": "ministry_justice",
    "law_enforcement": "ministry_interior", "prosecution": "prosecution",
    "judiciary": "judiciary", "victims": "social_services", "intl_coop": "ministry_justice",
    "data": "statistics_office", "capacity": "training_institution",
    "prevention": "ministry_labour"}


def package_title(o: Out, p: Package) -> str:
    return tr(p.title, o.lang)


def finding(o: Out, n: Need) -> str:
    return finding_text(o.tk, n, o.lang)


def responsible_kinds(p: Package) -> list[str]:
    """The respondent kinds proposed as the responsible national body (the draft report shows
    the same): those its theme names, else from the main kind of assistance of its worst need
    or from its components."""
    if p.responsible:
        return list(p.responsible)
    main = p.needs[0].assistance[0] if p.needs and p.needs[0].assistance else ""
    kind = RESPONSIBLE_BY_ASSISTANCE.get(main)  # the main kind of assistance of its worst need
    return [kind] if kind else list(dict.fromkeys(
        RESPONSIBLE_BY_COMPONENT[c] for c in p.components if c in RESPONSIBLE_BY_COMPONENT))


def responsible(o: Out, p: Package) -> str:
    return join_items((o.vocab("respondent_kinds", k) for k in responsible_kinds(p)), o.lang)


def _generated(o: Out, files: int) -> str:
    return o.ui("summary.generated", version=__version__,
                date=date_text(dt.date.today().isoformat(), o.lang),
                toolkit=o.tk.version, count=len(o.c.respondents), files=files)


# -- Executive summary ---------------------------------------------------------------------
#: Question ids a priority of the executive summary names; the rest are counted.
SHOWN_QUESTIONS = 6
TOP_KEYS = ("rank", "package", "priority", "confidence", "phase", "why", "partners")
TOP_WIDTHS = (6, 32, 10, 10, 10, 38, 24)


def write_executive(o: Out, sources: Sequence[dict[str, Any]]) -> None:
    ws, widths = o.sheet("executive", TOP_WIDTHS, o.cols(TOP_KEYS), severity_col=2, words={
        3: o.labels("summary.confidence", CONFIDENCES), 4: o.labels("summary.horizon", PHASES)})
    c = o.c
    o.s(ws, 0, 0, o.ui("summary.title", count=len(c.respondents)), o.title)
    o.note_row(ws, 1, _generated(o, len(sources)), len(widths) - 1, widths)
    asked = sum(c.asked.values())
    answered = sum(1 for r in c.respondents for q in r.asked if q in r.answers)
    comps = {q.split(".")[0] for r in c.respondents for q in r.answers}
    covered = [comp for comp in c.toolkit.components if comp.prefix in comps]
    # every file read, as the report counts them: those that answered, could not be read, came
    # back without any answer, or were received again (a copy, or a corrected return replacing one)
    # (--same-institution latest or first: another return of one institution, left out)
    kept = {r.key for r in c.respondents}
    counts: list[tuple[str, float | None]] = [
        ("returns", len(sources)),
        ("institutions", len(one_per_institution(c.respondents))),  # two returns of one: one
        ("unusable", sum(1 for s in sources if s.get("state") == "unusable")),
        ("blank", sum(1 for s in sources if s.get("state") == "blank")),
        ("duplicates", sum(1 for s in sources if s.get("state") == "duplicate" or (
            s.get("state") == "read" and (s.get("workbook") or s.get("file")) not in kept))),
        ("components", len(covered)),
        ("response_rate", answered / asked if asked else None),
        ("needs", sum(1 for n in c.needs if n.status == "open")),
        ("packages", len(c.open_packages)),
    ] + [(f"band.{sev}", sum(1 for p in c.open_packages if p.severity == sev))
         for sev in SEVERITIES]
    row = 3
    o.s(ws, row, 0, o.ui("summary.exec.counts"), o.subtitle)
    for key, value in counts:
        row += 1
        label = o.ui(f"summary.exec.{key}")
        o.s(ws, row, 1, label, o.wrap)
        o.n(ws, row, 2, value, o.percent if key == "response_rate" else o.number)
        o.height(ws, row, [(label, widths[1])])
    row += 2
    top = top_ten(c.packages, c.weights)  # "the ten" only where there are ten
    o.s(ws, row, 0, o.ui("summary.exec.top" if len(top) == TOP_TEN else "summary.exec.top.few"),
        o.subtitle)
    row += 1
    o.note_row(ws, row, o.ui("summary.exec.top_note"), len(widths) - 1, widths)
    row += 1
    o.headers(ws, row, o.cols(TOP_KEYS), widths)
    ws.repeat_rows(row)  # the ten may run onto a second page
    for p in top:
        row += 1
        questions = join_codes(p.questions[:SHOWN_QUESTIONS], o.lang)
        if len(p.questions) > SHOWN_QUESTIONS:  # the Plan sheet lists them all
            questions = o.ui("summary.exec.more", codes=questions,
                             count=len(p.questions) - SHOWN_QUESTIONS)
        why = o.ui("summary.exec.why", count=len(p.needs), questions=questions,
                   evidence=evidence_text(p.groups, p.documented, o.lang))
        o.row(ws, row, [p.rank, f"{p.id} {package_title(o, p)}",
                        o.vocab("severities", p.severity), o.ui(f"summary.confidence.{p.confidence}"),
                        o.ui(f"summary.horizon.{p.phase}"), why, coordinate_text(o, p)],
              widths, [None, None, o.severity[p.severity], None, None, None, None])
    ws.activate()


# -- Plan ----------------------------------------------------------------------------------
PLAN_KEYS = ("rank", "package", "priority", "confidence", "short", "medium", "long", "after",
             "questions", "support", "existing", "score")
PLAN_WIDTHS = (5, 28, 9, 9, 7, 7, 7, 7, 14, 18, 19, 6)


def _plan_labels(o: Out) -> list[str]:
    return o.cols(PLAN_KEYS[:4]) + [o.ui(f"summary.phase.{p}") for p in PHASES] + o.cols(
        PLAN_KEYS[7:])


def write_packages(o: Out) -> None:
    ws, widths = o.sheet("packages", PLAN_WIDTHS, _plan_labels(o), severity_col=2,
                         words={3: o.labels("summary.confidence", CONFIDENCES)})
    o.s(ws, 0, 0, o.ui("summary.sheet.packages"), o.title)
    formula = ranking_text(o.c.weights, o.lang)
    o.note_row(ws, 1, join_sentences((o.ui("summary.plan.note"), o.ui("summary.phases")), o.lang),
               len(widths) - 1, widths)
    o.note_row(ws, 2, labelled(o.ui("summary.ranking"), formula, o.lang), len(widths) - 1, widths)
    head = 4
    labels = _plan_labels(o)
    o.headers(ws, head, labels, widths)
    row = head
    for p in o.c.open_packages:
        row += 1
        marks = ["■" if p.phase == phase else "" for phase in PHASES]
        o.row(ws, row, [p.rank, f"{p.id} {package_title(o, p)}", o.vocab("severities", p.severity),
                        o.ui(f"summary.confidence.{p.confidence}"), *marks, join_codes(p.after, o.lang),
                        join_codes(p.questions, o.lang), evidence_text(p.groups, p.documented, o.lang),
                        coordinate_text(o, p), p.score], widths,
              [None, None, o.severity[p.severity], None,
               *[o.mark if m else None for m in marks], None, None, None, None, o.decimal])
    o.table(ws, head, row - head, labels, "Plan")
    ws.freeze_panes(head + 1, 2)


# -- Needs ---------------------------------------------------------------------------------
NEED_KEYS = ("package", "severity", "need_key", "finding", "answers", "settled",
             "confidence", "support", "action", "status")
NEED_WIDTHS = (6, 9, 8, 23, 23, 14, 9, 13, 23, 8)


def write_needs(o: Out) -> None:
    ws, widths = o.sheet("needs", NEED_WIDTHS, o.cols(NEED_KEYS), severity_col=1, words={
        6: o.labels("summary.confidence", CONFIDENCES),
        7: o.labels("summary.group", GROUPS, count=2) + o.labels("summary.evidence",
                                                                  ("documents", "perception")),
        9: o.labels("summary.status", ("open", "addressed"))})
    o.s(ws, 0, 0, o.ui("summary.sheet.needs"), o.title)
    o.note_row(ws, 1, o.ui("summary.needs.note"), len(widths) - 1, widths)
    head = 3
    labels = o.cols(NEED_KEYS)
    o.headers(ws, head, labels, widths)
    row = head
    for n in o.c.needs:
        row += 1
        status = o.ui(f"summary.status.{n.status}")
        status = labelled(status, n.resolution, o.lang) if n.resolution else status
        o.row(ws, row, [n.package, o.vocab("severities", n.severity), n.key, finding(o, n),
                        who_said(o, n.settled), settled_text(o, n.settled),
                        o.ui(f"summary.confidence.{n.confidence}"),
                        evidence_text(n.groups, n.documented, o.lang), tr(n.action, o.lang), status],
              widths, [None, o.severity[n.severity]] + [None] * 8)
    o.table(ws, head, row - head, labels, "Needs")
    ws.freeze_panes(head + 1, 3)


# -- Action plan ---------------------------------------------------------------------------
ACTION_KEYS = ("rank", "package", "action", "priority", "phase", "after", "responsible",
               "partners", "timeframe", "resources", "indicator_plan")
ACTION_WIDTHS = (5, 22, 28, 9, 9, 7, 15, 15, 8, 8, 10)


def _actions_text(actions: Sequence[Text], shown: int, lang: str) -> str:
    lines = [tr(a, lang) for a in actions[:shown]]
    if shown < len(actions):
        lines.append(ui("summary.action.more", lang, count=len(actions) - shown))
    return "\n".join(lines)


def _actions(o: Out, p: Package, widths: dict[str, float]) -> str:
    """The package's actions, one a line, as many whole ones as its row can hold in every
    language of the toolkit (``widths``: the column's width in each; colleagues reading the
    summary in two languages see the same list); the count of the others, which the Needs
    sheet lists, after them."""
    actions = list({tuple(sorted(n.action.items())): n.action for n in p.needs}.values())
    shown = len(actions)
    for lang, width in widths.items():
        while shown > 1 and wrapped_lines(_actions_text(actions, shown, lang),
                                          width) > MOST_LINES:
            shown -= 1
    return _actions_text(actions, shown, o.lang)


def _plan_words(o: Out, lang: str) -> dict[int, list[str]]:
    """The labels the action plan's phase column shows, in ``lang``."""
    return {4: [ui(f"summary.horizon.{phase}", lang) for phase in PHASES]}


def write_action_plan(o: Out) -> None:
    ws, widths = o.sheet("plan", ACTION_WIDTHS, o.cols(ACTION_KEYS), severity_col=3,
                         words=_plan_words(o, o.lang))
    o.s(ws, 0, 0, o.ui("summary.sheet.plan"), o.title)
    o.note_row(ws, 1, o.ui("summary.action.note"), len(widths) - 1, widths)
    head = 3
    labels = o.cols(ACTION_KEYS)
    o.headers(ws, head, labels, widths)
    row = head
    # the Action column as wide as the sheet of each language sets it (its phase column too)
    action_widths = {lang: o.widths(ACTION_WIDTHS, o.cols(ACTION_KEYS, lang), 3, lang,
                                    words=_plan_words(o, lang))[2]
                     for lang in dict.fromkeys([o.lang, *o.tk.languages])}
    for p in o.c.open_packages:
        row += 1
        actions = _actions(o, p, action_widths)
        o.row(ws, row, [p.rank, f"{p.id} {package_title(o, p)}", actions,
                        o.vocab("severities", p.severity), o.ui(f"summary.horizon.{p.phase}"),
                        join_codes(p.after, o.lang), responsible(o, p), join_items(p.providers, o.lang),
                        "", "", ""], widths,
              [None, None, None, o.severity[p.severity], None, None, o.input, o.input,
               o.input, o.input, o.input], max_lines=MOST_LINES)  # every action of the package
    o.table(ws, head, row - head, labels, "ActionPlan")
    ws.freeze_panes(head + 1, 2)


# -- By institution ------------------------------------------------------------------------
INST_KEYS = ("institution", "kind", "group", "answers_count", "dont_know", "needs_supported",
             "packages_supported", "disagreements")
INST_WIDTHS = (28, 22, 14, 10, 10, 10, 30, 12)


def write_institutions(o: Out) -> None:
    ws, widths = o.sheet("institutions", INST_WIDTHS, o.cols(INST_KEYS))
    o.s(ws, 0, 0, o.ui("summary.sheet.institutions"), o.title)
    head = 2
    labels = o.cols(INST_KEYS)
    o.headers(ws, head, labels, widths)
    supported: dict[str, list[Need]] = {}
    for n in o.c.needs:
        if n.status == "open":
            for r in n.supporters:
                supported.setdefault(r.key, []).append(n)
    disputes = Counter(v.respondent.key for s in o.c.conflicts for v in s.views)
    row = head
    for r in o.c.respondents:
        row += 1
        mine = supported.get(r.key, [])
        packages = sorted(dict.fromkeys(n.package for n in mine))
        o.row(ws, row, [r.institution, o.vocab("respondent_kinds", r.kind) if r.kind else "",
                        o.ui(f"summary.group_name.{group_of(o.tk, r.kind)}"), len(r.answers),
                        sum(1 for v in r.answers.values() if v == "dont_know"), len(mine),
                        join_codes(packages, o.lang), disputes[r.key]], widths)
    o.table(ws, head, row - head, labels, "Institutions")
    ws.freeze_panes(head + 1, 1)


def write_summary(path: str | Path, c: Any, sources: Sequence[dict[str, Any]],
                  lang: str = "en", responses_csv: str | None = None) -> None:
    """The one place the summary workbook is opened and closed. ``responses_csv`` names the
    CSV beside it that holds every answer (the Responses sheet may hold only the first)."""
    wb = new_workbook(str(path))
    wb.set_properties({"title": ui("summary.title", lang, count=len(c.respondents)),
                       "comments": f"natk-xlsx {__version__}"})
    o = Out(wb, c, lang)
    write_executive(o, sources)
    write_packages(o)
    write_needs(o)
    more.write_scorecard(o)
    more.write_chains(o)
    more.write_map(o)
    more.write_conflicts(o)
    write_action_plan(o)
    write_institutions(o)
    more.write_responses(o, responses_csv)
    more.write_remarks(o)
    more.write_sources(o, sources)
    more.write_audit(o)
    wb.close()  # a failure to write is the caller's to report, naming the summary it makes

"""Text a respondent wrote where no answer is read, found so that nothing typed is lost.

The reader takes each question's answers from known cells (``layout``). A respondent also writes
elsewhere: a remark in column J beside a question, a note in an inserted row's first columns, a
reply typed over the question, its guidance or an option's label (an "Other" option specified
there), or over the instruction of a multiple-choice question or of a table, a figure typed over
a table's year or header. Each such cell is kept (the submission's ``unplaced``) and reported,
with the cell, by the reader: ``CELL-NOT-READ``, ``PROMPT-OVERWRITTEN``, ``LABEL-CHANGED`` or
``TOTAL-OVERWRITTEN`` (``ROW-INSERTED`` for a row that has no question id).

A sheet the respondent added is not read either: what it holds is kept the same way and said
once for the sheet (``SHEET-ADDED``); so is what they typed on the Issues sheet of a copy handed
back (a reply beside a message, a line added below the list: ``ISSUES-TYPED``).

What the generator writes on each kind of row (``workbook.plan``) is known here, so that only
what was typed is reported: on a question row, its id, text and guidance (A-C) and the answer
and details (D-I); on an option row, its label (C) and tick (D); on a table's rows, the header
and year labels and the grid with its total column; on a source or reliability row, the label
and the answer (C-D); on a section row, its title (A). The question, its guidance and the labels
are compared with this edition's wording in every language (in a workbook of another edition,
which may have been reworded, they are not). Columns up to T are looked at that way (U holds the
row keys; V and W, hidden, natk's formulas). What was typed away from the questions (beside
the headers, past W, below the questions) and on the cover or the instructions where natk writes
nothing is kept and said once for the sheet (``TEXT-OUTSIDE``). Formulas are left to the
reader's own checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from natk_xlsx import layout
from natk_xlsx.i18n.interface import strings
from natk_xlsx.i18n.languages import tr
from natk_xlsx.returns.books import MAX_SCAN_ROWS, Cell, cell_ref, place
from natk_xlsx.returns.coerce import NOT_RECORDED
from natk_xlsx.returns.issues import ISSUES_COLUMNS, LIST_MARK, issues_header_row, text_digest
from natk_xlsx.spec.model import NOT_APPLICABLE

if TYPE_CHECKING:
    from natk_xlsx.spec.model import Toolkit

#: The last column looked at (T): the next one holds the row keys.
LAST = layout.COL_KEY - 1


def loose(value: Any) -> str:
    """A label as compared here: spaces of any kind collapsed, case folded."""
    return " ".join(str(value).split()).casefold()


class Texts(NamedTuple):
    """What the generator writes that a typed text is told from, in every language."""

    prompts: frozenset[str]  # the instruction in D of a multiple-choice or table question row
    sections: dict[str, frozenset[str]]  # component id → its section titles
    tables: dict[str, tuple[int, bool]]  # table question → (its columns, whether additive)
    labels: dict[str, tuple[Mapping[str, str], ...]]  # table question → each column's label
    loose_labels: dict[str, tuple[frozenset[str], ...]]  # the same, as compared
    kinds: dict[str, str]  # question id → its type
    any_label: frozenset[str]  # every column's label of every table, and the words for "not
    # recorded": what a header of an earlier edition may read
    wording: dict[str, tuple[Mapping[str, str], Mapping[str, str]]]  # question → its text and
    # its guidance, which begin its cells in B and C
    options: dict[str, dict[str, Mapping[str, str]]]  # multiple choice → option → its label (C)
    row_labels: frozenset[str]  # a table's source and reliability rows' labels (C), as compared
    offered: dict[str, frozenset[str]]  # a question → the labels of its answers in every
    # language, which its cell in B may list after the question, each after a box
    cited: frozenset[str]  # the questions whose guidance cites instruments after it


_TEXTS: dict[str, Texts] = {}


def texts(toolkit: Toolkit) -> Texts:
    """The texts of a specs edition (worked out once, as the reader's plan)."""
    found = _TEXTS.get(toolkit.spec_hash)
    if found is not None:
        return found
    ui = strings()
    prompts = frozenset(loose(text) for key in ("row.multiple", "row.table")
                        for text in ui[key].values())
    sections = {c.id: frozenset(loose(t) for s in c.sections for t in s.title.values())
                for c in toolkit.components}
    tables: dict[str, tuple[int, bool]] = {}
    labels: dict[str, tuple[Mapping[str, str], ...]] = {}
    for q in toolkit.questions():
        breakdown = toolkit.breakdowns.get(q.breakdown or "")
        if q.type == "stats_table" and breakdown is not None:
            tables[q.id] = (len(breakdown.columns), bool(breakdown.additive))
            labels[q.id] = tuple(column.label for column in breakdown.columns)
    loose_labels = {qid: tuple(frozenset(loose(t) for t in label.values()) for label in each)
                    for qid, each in labels.items()}
    kinds = {q.id: q.type for q in toolkit.questions()}
    any_label = frozenset({loose(t) for b in toolkit.breakdowns.values() for c in b.columns
                           for t in c.label.values()} | {loose(w) for w in NOT_RECORDED})
    wording = {q.id: (q.text, q.guidance) for q in toolkit.questions()}
    options = {q.id: {c.code: c.label for c in toolkit.choice_lists[q.choices].choices}
               for q in toolkit.questions() if q.type == "multiple_choice" and q.choices}
    na = toolkit.choice_lists["yes_no"].choices
    for q in toolkit.questions():  # "Not applicable", where a question offers it among them
        if q.id in options and q.allow_na:
            options[q.id].update({c.code: c.label for c in na if c.code == NOT_APPLICABLE})
    row_labels = frozenset(loose(text) for key in ("row.source", "row.reliability")
                           for text in ui[key].values())
    by_list = {list_id: frozenset(text for c in body.choices for text in c.label.values())
               for list_id, body in toolkit.choice_lists.items()}
    not_applicable = frozenset(text for c in na if c.code == NOT_APPLICABLE
                               for text in c.label.values())
    offered = {q.id: by_list["yes_no" if q.type == "yes_no" else str(q.choices)]
               | (not_applicable if q.allow_na else frozenset())
               for q in toolkit.questions() if q.type in ("yes_no", "single_choice")
               and (q.type == "yes_no" or q.choices in by_list)}
    cited = frozenset(q.id for q in toolkit.questions() if q.standards)
    found = _TEXTS[toolkit.spec_hash] = Texts(prompts, sections, tables, labels, loose_labels,
                                              kinds, any_label, wording, options, row_labels,
                                              offered, cited)
    return found


#: Bands of columns, each looked at once for the whole sheet (``Busy``): the grey cells beside
#: the rows under a question (A-B), the details (E-I), and what lies past them (J-T).
_BANDS = ((layout.COL_ID, layout.COL_QUESTION), (layout.COL_COMMENT, layout.COL_PROVIDER),
          (layout.COL_PROVIDER + 1, LAST))


class Busy(NamedTuple):
    """The rows of a sheet with something in each band: a row with nothing there is passed
    over without looking at its cells (most rows)."""

    side: set[int]
    details: set[int]
    past: set[int]


def busy(ws: Any) -> Busy:
    side, details, past = ws.occupied_rows(*_BANDS)
    return Busy(side, details, past)


def typed(ws: Any, row: int, first: int, last: int) -> list[Cell]:
    """The cells of ``row`` from column ``first`` to ``last`` that hold a typed value (not a
    formula, not only spaces)."""
    columns = ws.filled(row, first, min(last, LAST))
    if not columns:
        return []
    return [c for c in (ws.get(row, col) for col in columns) if str(c.value).strip()]


class Found(NamedTuple):
    """What one row holds outside the cells read, labels changed (each with the label the
    workbook wrote, which its figures keep), and figures typed over the totals it adds up."""

    outside: list[Cell]
    changed: list[tuple[Cell, str]]
    totals: list[Cell]


NOTHING = Found([], [], [])


def part_row(ws: Any, row: int, qid: str, part: str, t: Texts, seen: Busy, lang: str,
             same_edition: bool = True) -> Found:
    """A row under question ``qid`` (its key's ``part``: an option's code, or a table's
    header, year, total, source or reliability row), in a workbook in ``lang``. A header is
    compared with this edition's labels of its column; in a workbook of another edition
    (``same_edition`` False), whose labels may have been reworded since ("Нет данных"), only
    a header that is no table's label and no word for "not recorded" is taken as changed."""
    if qid in t.tables and (part in (layout.KEY_HEADER, layout.KEY_TOTAL)
                            or (part.isdigit() and len(part) == 4)):
        return _table_row(ws, row, qid, part, t, seen, lang, same_edition)
    # an option, or a table's source or reliability row: its label in C and its answer in D
    over = _label_typed_over(ws, row, qid, part, t, lang) if same_edition else []
    if row not in seen.side and row not in seen.details and row not in seen.past:
        return Found(over, [], []) if over else NOTHING
    again = cell_ref(row, layout.COL_ID)  # the generator's, on a list carried over to a page
    side = [cell for cell in typed(ws, row, layout.COL_ID, layout.COL_QUESTION)
            if not (cell.cell == again and cell.value == qid)]
    return Found(side + over + typed(ws, row, layout.COL_COMMENT, LAST), [], [])


def _label_typed_over(ws: Any, row: int, qid: str, part: str, t: Texts, lang: str
                      ) -> list[Cell]:
    """An option's label, or a source or reliability row's, replaced or added to (an "Other"
    option specified there): the label in C, as written in any language, or nothing."""
    value = ws.value(row, layout.COL_GUIDANCE)
    if value is None:
        return []
    label = t.options[qid].get(part) if qid in t.options else None
    if label is not None:
        if value == label.get(lang) or loose(value) in {loose(text) for text in label.values()}:
            return []
    elif part not in (layout.KEY_SOURCE, layout.KEY_RELIABILITY) or loose(value) in t.row_labels:
        return []
    return typed(ws, row, layout.COL_GUIDANCE, layout.COL_GUIDANCE)


def question_typed_over(ws: Any, row: int, qid: str, t: Texts, lang: str, exact: bool = True
                        ) -> list[Cell]:
    """A question's own text (B) or guidance (C) replaced, or added to: an answer typed in the
    wide cells beside the answer cell. The generator writes in B the question, "(optional)"
    where it is, and the answers it offers one a line after a box; in C its guidance, then the
    instruments it cites in brackets on a line of their own (a guidance left empty leaves C
    empty, or holding the citation alone). In a workbook of this edition (``exact``) and in its
    language that is compared whole; a text in another language (a workbook whose language was
    changed), or in a workbook that lost its identification, only by its start."""
    found: list[Cell] = []
    wording = t.wording.get(qid, _UNKNOWN)
    for col, value, said in zip(_WORDED, ws.row_values(row, _WORDED), wording, strict=True):
        if value is None or value == said.get(lang) or (isinstance(value, str) and _as_written(
                value.rstrip(), said, lang, col, (qid, t) if exact else None)):
            continue  # most cells: exactly as the generator wrote them
        found += typed(ws, row, col, col)
    return found


#: The cells of a question's row that hold its wording, and the wording of a question these
#: specs do not know (nothing to compare with).
_WORDED = (layout.COL_QUESTION, layout.COL_GUIDANCE)
_UNKNOWN: tuple[Mapping[str, str], Mapping[str, str]] = ({}, {})


#: What may follow a question's guidance in its cell: the instruments it cites.
_CITATION = re.compile(r"\n[\[［][^\n]*[\]］]")


def _as_written(value: str, said: Mapping[str, str], lang: str, col: int,
                exact: tuple[str, Texts] | None) -> bool:
    own = said.get(lang, "").rstrip()
    if own and value.startswith(own) and exact is not None:  # what follows, the generator's too
        qid, t = exact
        rest = value[len(own):]
        if col == layout.COL_GUIDANCE:
            return not rest or (qid in t.cited and _CITATION.fullmatch(rest) is not None)
        optional = _optional(lang)
        rest = rest[len(optional):] if rest.startswith(optional) else rest
        return not rest or (rest.startswith("\n") and _offered(rest[1:], t.offered.get(qid)))
    if own and value.startswith(own):
        return True
    typed_text = loose(value)
    if not said:  # a question these specs do not know: nothing to compare with
        return True
    if not any(said.values()):
        return typed_text.startswith(("[", "［"))
    return any(typed_text.startswith(loose(text)) for text in said.values() if text)


@lru_cache(maxsize=8)
def _optional(lang: str) -> str:
    """What follows an optional question's wording in its cell: " (optional)"."""
    return f" ({tr(strings()['row.optional'], lang)})"


def _offered(lines: str, labels: frozenset[str] | None) -> bool:
    """Whether ``lines`` are the answers a question offers as the generator lists them: one a
    line, or side by side, each after a box, none with anything added."""
    if labels is None:
        return False
    mark = layout.CHOICE_MARK + " "
    return all(line.startswith(mark) and all(
        item in labels for item in line[len(mark):].split("   " + mark))
        for line in lines.split("\n"))


def _table_row(ws: Any, row: int, qid: str, part: str, t: Texts, seen: Busy, lang: str,
               same_edition: bool) -> Found:
    width, additive = t.tables[qid]
    end = layout.COL_ANSWER + width + (1 if additive else 0)  # the first column past the grid
    changed: list[tuple[Cell, str]] = []
    totals: list[Cell] = []
    if part == layout.KEY_HEADER:
        for i, allowed in enumerate(t.loose_labels[qid]):
            value = ws.value(row, layout.COL_ANSWER + i)
            if value is not None and loose(value) not in (allowed if same_edition
                                                          else t.any_label):
                cell = ws.get(row, layout.COL_ANSWER + i)
                if not cell.is_formula:
                    changed.append((cell, tr(t.labels[qid][i], lang)))
        outside = typed(ws, row, layout.COL_ID, layout.COL_ID) if row in seen.side else []
    else:
        outside = (typed(ws, row, layout.COL_ID, layout.COL_QUESTION) if row in seen.side
                   else [])
        if part == layout.KEY_TOTAL:  # sums the workbook wrote: a typed figure replaced one
            totals = typed(ws, row, layout.COL_ANSWER, end - 1)
        else:
            value = ws.value(row, layout.COL_GUIDANCE)
            if value is not None and value != int(part) and not _is_year(value, int(part)):
                changed.append((ws.get(row, layout.COL_GUIDANCE), part))
    if row in seen.past or (end <= layout.COL_PROVIDER and row in seen.details
                            and not ws.blank(row, end, layout.COL_PROVIDER)):
        outside += typed(ws, row, end, LAST)
    return Found(outside, changed, totals)


def _is_year(value: Any, year: int) -> bool:
    try:
        return float(str(value).strip()) == year
    except ValueError:
        return False


def typed_anywhere(ws: Any, t: Texts) -> list[Cell]:
    """What was typed in a sheet the respondent added, row by row, in every column the grid
    holds (``layout.ADDED_COLUMNS``). A copy of a component sheet (its rows keyed by question,
    a "draft" made to try answers) keeps the questionnaire's own text, which is not typed: of
    it, only what was typed in its answer and detail columns and in rows without a key (a
    section's title apart) is taken."""
    last = layout.ADDED_COLUMNS - 1
    keys = {row: str(value) for row, value in enumerate(ws.column(layout.COL_KEY), start=1)
            if value is not None}
    copy = any(key.partition(layout.KEY_SEPARATOR)[0] in t.kinds for key in keys.values())
    found: list[Cell] = []
    for row in sorted(ws.occupied_rows((0, last))[0]):
        first = 0
        if copy and row <= layout.FIRST_BODY_ROW:  # 1-based rows, the layout's 0-based
            continue  # the sheet's title and column headers
        if copy:
            key = keys.get(row)
            qid, _, part = (key or "").partition(layout.KEY_SEPARATOR)
            if qid in t.kinds and part in (layout.KEY_HEADER, layout.KEY_TOTAL):
                continue  # labels and sums the generator wrote
            if qid in t.kinds:
                first = layout.COL_ANSWER
            elif any(loose(ws.value(row, 0) or "") in titles for titles in t.sections.values()):
                first = layout.COL_QUESTION
        for col in ws.filled(row, first, last):
            cell = ws.get(row, col)
            if copy and (col == layout.COL_KEY or (col == layout.COL_ANSWER and loose(
                    cell.value) in t.prompts)):
                continue
            if str(cell.value).strip():
                found.append(cell)
    return found


#: The first column of a component sheet past natk's hidden ones (X).
PAST_HIDDEN = layout.COL_ANSWERED + 1


def typed_away(ws: Any, below: int) -> list[Cell]:
    """What was typed on a component sheet away from its questions, in reading order: beside
    its title, purpose and column headers (J onwards); in every row, past its hidden columns (X
    to ``layout.ADDED_COLUMNS``, the columns the reader holds); and, from row ``below`` (below
    the questions and the rows a respondent may insert under the last), in any column."""
    def first(row: int) -> int:
        if row >= below:
            return 0
        if row <= layout.HEADER_ROW:  # the title in A1, the purpose in A2 (merged to I)
            return layout.COL_QUESTION
        return layout.COL_PROVIDER + 1 if row <= layout.FIRST_BODY_ROW else PAST_HIDDEN

    # only the rows that may hold such text are looked at cell by cell (most hold none)
    rows = (ws.occupied_rows((PAST_HIDDEN, layout.ADDED_COLUMNS - 1))[0]
            | set(range(1, layout.FIRST_BODY_ROW + 1)) | set(range(below, ws.max_row + 1)))
    return _typed_from(ws, first, rows)


def typed_on_cover(ws: Any, workbook_id: str) -> list[Cell]:
    """What was typed on the cover where natk writes nothing: in column E and past it (natk's
    lines across the page are merged from A, so E holds nothing of natk's); in a row natk left
    empty (each of natk's rows has its text in A); over a figure of the progress table (its
    figures are formulas); and below its last line, the one naming the workbook by its id (and
    the line saying that only the core questions are asked, where it follows). Told by place,
    not by wording, so that the cover of a workbook made by an earlier version, worded
    otherwise, is natk's all the same."""
    end = _last_row(ws, 0, lambda value: bool(workbook_id) and workbook_id in value)
    core = {loose(text) for text in strings()["cover.depth_core"].values()}
    if end and loose(ws.value(end + 1, 0) or "") in core:
        end += 1
    figures = range(1, layout.COVER_COLUMNS - 1)  # B-D of the progress table

    def first(row: int) -> int:
        if (end and row > end) or ws.value(row, 0) is None:
            return 0
        if any(ws.get(row, col).is_formula for col in figures):
            return figures[0]  # a figure typed over: the formulas themselves are not typed
        return layout.COVER_COLUMNS - 1

    return _typed_from(ws, first)


def typed_on_instructions(ws: Any) -> list[Cell]:
    """What was typed on the instructions: natk writes its lines in one column (B), leaving
    empty the row under the heading and the one above the legend (told by its heading, in any
    language), and nothing after the legend's last line (told the same way); anything in
    another column, in those rows or after the legend is the respondent's. A line of natk's
    replaced is not told: the lines are worded differently by each version."""
    names = strings()
    legend = {loose(text) for text in names["instructions.legend"].values()}
    last = {loose(text) for text in names["instructions.legend_skipped"].values()}
    heading = _last_row(ws, layout.INSTRUCTIONS_COLUMN, lambda value: loose(value) in legend)
    end = _last_row(ws, layout.INSTRUCTIONS_COLUMN, lambda value: loose(value) in last)
    empty = {2, heading - 1} if heading else {2}

    def natk_s(cell: Cell) -> bool:
        row, col = place(cell)
        return col == layout.INSTRUCTIONS_COLUMN and row not in empty and not (end and row > end)

    return [cell for cell in _typed_from(ws, lambda row: 0) if not natk_s(cell)]


def _last_row(ws: Any, col: int, natk_s: Callable[[str], bool]) -> int:
    """The last row whose cell in ``col`` holds a line ``natk_s`` tells natk's, or 0."""
    rows = [row for row in ws.occupied_rows((col, col))[0]
            if isinstance(value := ws.value(row, col), str) and natk_s(value)]
    return max(rows, default=0)


def _typed_from(ws: Any, first: Callable[[int], int], rows: set[int] | None = None
                ) -> list[Cell]:
    """What was typed in each row (of ``rows``, else of every row) from its column
    ``first(row)`` to the last column the reader holds, in reading order."""
    last = layout.ADDED_COLUMNS - 1
    found: list[Cell] = []
    for row in sorted(ws.occupied_rows((0, last))[0] if rows is None else rows):
        found += [cell for cell in (ws.get(row, col) for col in ws.filled(row, first(row), last))
                  if str(cell.value).strip()]
    return found


def question_row(ws: Any, row: int, seen: Busy) -> list[Cell]:
    """A question's own row: what lies past its details (J onwards)."""
    return typed(ws, row, layout.COL_PROVIDER + 1, LAST) if row in seen.past else []


def prompts_typed_over(ws: Any, rows: dict[str, int], t: Texts) -> list[tuple[str, Cell]]:
    """The multiple-choice and table questions of a sheet (question → its row) whose
    instruction in D was replaced by a typed text (the instruction's wording has not changed
    since the first edition, but for spaces, which ``loose`` folds)."""
    found = []
    for qid, row in rows.items():
        if t.kinds.get(qid) in ("multiple_choice", "stats_table"):
            value = ws.value(row, layout.COL_ANSWER)
            if value is None or loose(value) in t.prompts or not str(value).strip():
                continue
            cell = ws.get(row, layout.COL_ANSWER)
            if not cell.is_formula:
                found.append((qid, cell))
    return found


def loose_row(ws: Any, row: int, cid: str, t: Texts) -> list[Cell]:
    """A row without a question id: a section's title row (its title in A), or a row the
    respondent inserted, of which everything typed is reported."""
    title = ws.value(row, layout.COL_ID)
    if title is not None and loose(title) in t.sections.get(cid, ()):
        return typed(ws, row, layout.COL_QUESTION, LAST)
    return typed(ws, row, layout.COL_ID, LAST)


#: What natk writes in the place column of its list: the cell a message is about.
_PLACE = re.compile(r".+![A-Z]{1,3}[0-9]{1,7}")


def typed_on_issues_sheet(ws: Any) -> list[tuple[Cell, Any]]:
    """What the respondent typed on the Issues sheet of a copy handed back, each with the
    question of the message it stands beside where it has one: anything beside the list (E
    onwards), in a row of their own, above the headers (but natk's title and instruction), in
    the severity column what is not a severity ("Done" typed over "Error"), and a place,
    question or message edited. Each row of natk's list carries, hidden, digests of what natk
    wrote in its place, question and message (``issues.list_mark``), so that each such cell is
    told natk's wherever sorting took it. In a copy made before lists were marked (no mark on
    the headers' row), a row of the list is told by its place in the rows of messages that
    follow the headers without a gap, or, below a gap, by its severity or its place."""
    header = issues_header_row(ws.value)
    if header is None:
        return []
    mark = layout.ISSUES_MARK_COLUMN
    if not str(ws.value(header, mark) or "").startswith(LIST_MARK):
        return _typed_on_unmarked_list(ws, header)
    ours, severities = _issues_sheet_texts()
    rows = sorted(ws.occupied_rows((0, layout.ADDED_COLUMNS - 1))[0])
    written: list[set[str]] = [set(), set(), set()]  # digests: places, questions, messages
    for row in rows:
        parts = str(ws.value(row, mark) or "").removeprefix(LIST_MARK).split(".")
        if row > header and len(parts) == len(written):
            for digests, digest in zip(written, parts, strict=True):
                digests.add(digest)

    def natk_wrote(row: int, col: int, value: Any) -> bool:
        if row < header:
            return loose(value) in ours
        if row == header:
            return col < len(ISSUES_COLUMNS) or col == mark
        if col == 0:
            return loose(value) in severities
        if col < len(ISSUES_COLUMNS):
            return text_digest(str(value)) in written[col - 1]
        return col == mark and str(value).startswith(LIST_MARK)

    found: list[tuple[Cell, Any]] = []
    for cell in _typed_from(ws, lambda row: 0):
        row, col = place(cell)
        if not natk_wrote(row, col, cell.value):
            about = ws.value(row, 2) if row > header else None
            found.append((cell, about if about is not None and natk_wrote(row, 2, about)
                          else None))
    return found


def _typed_on_unmarked_list(ws: Any, header: int) -> list[tuple[Cell, Any]]:
    """``typed_on_issues_sheet`` on the Issues sheet of a copy made before lists were marked."""
    severity, where, question, message = range(len(ISSUES_COLUMNS))
    ours, severities = _issues_sheet_texts()
    last = header  # the rows of messages right below the headers
    while last < MAX_SCAN_ROWS and ws.value(last + 1, message) is not None:
        last += 1
    found: list[tuple[Cell, Any]] = []
    for cell in _typed_from(ws, lambda row: 0):
        row, col = place(cell)
        rated = row > header and loose(ws.value(row, severity) or "") in severities
        listed = header <= row <= last or rated or (row > header and _PLACE.fullmatch(
            str(ws.value(row, where) or "")) is not None)
        if ((listed and (col in (where, question, message)
                         or (col == severity and (rated or row == header))))
                or (row < header and loose(cell.value) in ours)):
            continue
        found.append((cell, ws.value(row, question) if listed and row > header else None))
    return found


@lru_cache(maxsize=1)
def _issues_sheet_texts() -> tuple[frozenset[str], frozenset[str]]:
    """The Issues sheet's title and instruction, and its severities, in every language."""
    names = strings()
    return (frozenset(loose(text) for key in ("issues.title", "issues.todo")
                      for text in names[key].values()),
            frozenset(loose(text) for key in ("issues.error", "issues.warning")
                      for text in names[key].values()))

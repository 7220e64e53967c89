"""What a respondent sees, measured from the written files: every sized row holds its text in
each language (display width: a wide character counts double), every question sheet prints at
8 pt or more, and LibreOffice prints no line of text over another."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from factory import BUNDLED_SPECS
from pdftext import clipped, overprinted, pdftotext, rows_on_page, words, words_in_empty_rows
from printed import (
    column_width,
    load,
    page_room,
    past_the_page,
    print_scale,
    printed_pages,
    row_height,
    short_rows,
)

from natk_xlsx import layout
from natk_xlsx.spec.lint import load_toolkit
from natk_xlsx.workbook.generate import GenerateOptions, generate_workbook

LANGUAGES = ("en", "ar", "zh", "fr", "ru", "es")
MIN_PRINTED_SIZE = 8.0


@pytest.fixture(scope="module")
def toolkit():
    return load_toolkit(BUNDLED_SPECS)


@pytest.fixture(scope="module")
def books(workbooks):
    """Each language's workbook read once for the module's measures (none changes it)."""
    loaded: dict[str, object] = {}

    def book(lang: str):
        if lang not in loaded:
            loaded[lang] = load(workbooks[lang])
        return loaded[lang]

    return book


@pytest.fixture(scope="module")
def workbooks(toolkit, tmp_path_factory):
    folder = tmp_path_factory.mktemp("print")
    return {lang: generate_workbook(toolkit, folder / f"{lang}.xlsx",
                                    GenerateOptions(lang=lang, country="Veridia",
                                                    reproducible=True)).path
            for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sized_row_holds_its_text(books, lang):
    book = books(lang)
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    assert len(visible) >= 3
    short = [r for ws in visible for r in short_rows(ws)]
    assert short == [], f"{len(short)} rows too short, e.g. {short[:3]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_runs_past_the_printed_page(books, lang):
    """A text that is not wrapped prints only as far as the print area's last column."""
    book = books(lang)
    assert [t for ws in book.worksheets if ws.sheet_state == "visible"
            for t in past_the_page(ws)] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_column_header_breaks_a_word(books, lang):
    """Each header of a question sheet holds its longest word on one line, in bold: the French,
    Spanish and Russian headers of the two narrow columns broke "l'assistanc/e",
    "asistenci/a?", "оказываетс/я?"."""
    from natk_xlsx.i18n.interface import ui
    from natk_xlsx.outputs.sheetkit import longest_word
    from natk_xlsx.textwidth import CHARS_PER_UNIT

    book = books(lang)
    first = ui(layout.HEADERS[0], lang)
    sheets = [ws for ws in book.worksheets if ws.sheet_state == "visible"
              and ws.cell(layout.HEADER_ROW + 1, 1).value == first]
    assert len(sheets) >= 10
    broken = []
    for ws in sheets:
        for col in range(1, len(layout.HEADERS) + 1):
            cell = ws.cell(layout.HEADER_ROW + 1, col)
            room = (column_width(ws, col) - 0.5) * CHARS_PER_UNIT / 1.1
            if longest_word(str(cell.value)) > room:
                broken.append((ws.title, cell.coordinate, cell.value))
    assert broken == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guidance_is_in_italics_only_where_the_script_has_them(books, lang):
    """Arabic and Chinese have no italics: their guidance and notes are set upright."""
    import re

    book = books(lang)
    guidance = [ws.cell(row[0].row, layout.COL_GUIDANCE + 1) for ws in book.worksheets
                for row in ws.iter_rows(min_col=layout.COL_KEY + 1, max_col=layout.COL_KEY + 1)
                if re.fullmatch(r"[A-Z]{3}\.\d{2}", str(row[0].value or ""))]
    assert len(guidance) > 300
    slanted = {bool(c.font.i) for c in guidance if c.value}
    assert slanted == {lang not in ("ar", "zh")}


def test_the_measure_sees_a_row_too_short_for_chinese(tmp_path):
    """The same text fits a row in English and not in Chinese: counting display width, not
    characters, is what tells them apart."""
    import xlsxwriter

    path = tmp_path / "short.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    wrap = wb.add_format({"text_wrap": True, "font_size": 10})
    ws.set_column(0, 0, 30)
    ws.write_string(0, 0, "a" * 30, wrap)
    ws.write_string(1, 0, "评" * 30, wrap)
    ws.set_row(0, 16.5)
    ws.set_row(1, 16.5)
    wb.close()
    short = short_rows(load(path).worksheets[0])
    assert [r.cell for r in short] == ["A2"]


def _question_sheets(book):
    return [ws for ws in book.worksheets
            if ws.sheet_state == "visible" and ws.title not in book.sheetnames[:2]]


@pytest.mark.parametrize("lang", ["en", "zh", "ar"])
def test_every_question_sheet_prints_at_8pt_or_more(books, lang):
    book = books(lang)
    sheets = _question_sheets(book)
    assert len(sheets) == 11
    for ws in sheets:
        scale = print_scale(ws)
        assert scale.printed_size >= MIN_PRINTED_SIZE, (ws.title, scale)
        # only the columns a respondent fills in print; the hidden key columns never do
        area = str(ws.print_area).split("!")[-1].replace("$", "")
        last = area.split(":")[1].rstrip("0123456789")
        assert layout.column_number(last) - 1 < layout.COL_KEY
        assert ws.print_title_rows  # the column headers repeat on every page
    for ws in book.worksheets[:2]:  # cover and instructions print at full size
        assert print_scale(ws).printed_size >= 9.5


@pytest.mark.parametrize("lang", ["en", "ar", "zh", "es"])
def test_a_list_of_answers_carried_over_to_a_page_says_whose_it_is(books, lang):
    """A long list of answers cut by a page break went on, on the next page, with its id and
    question cells empty: on paper, a respondent could not tell which question the boxes
    ticked there answer. The first row of such a page shows the question's id again, and no
    other answer row does."""
    carried = 0
    for ws in _question_sheets(books(lang)):
        firsts = {brk.id + 1 for brk in ws.row_breaks.brk}  # the first row of each page
        for r in range(layout.HEADER_ROW + 2, ws.max_row + 1):
            key = str(ws.cell(r, layout.COL_KEY + 1).value or "")
            qid, _, part = key.partition(layout.KEY_SEPARATOR)
            if not part or part in (layout.KEY_HEADER, layout.KEY_SOURCE,
                                    layout.KEY_RELIABILITY, layout.KEY_TOTAL) or part.isdigit():
                continue  # a question's own row, or a statistics table's (kept whole)
            shown = ws.cell(r, layout.COL_ID + 1).value
            assert shown == (qid if r in firsts else None), (ws.title, r, shown)
            carried += r in firsts
    assert carried >= 10


@pytest.mark.parametrize("lang", ["en", "ar", "zh", "ru"])
def test_printed_pages_keep_each_table_whole_and_fit_excels_page(books, lang):
    """Each page of a question sheet, as its own page breaks part it, fits the page Excel prints
    (the sheet at Excel's width-fit scale, between the margins, under the repeated headers);
    a statistics table lies whole on one page (with its question, unless both do not fit one),
    a short list of answers with its question, a long one with at least its first answer and
    never its last answer alone, and no page ends with a section's title. Before the
    sheets had breaks of their own, Excel's page breaks (by the same row heights) cut 20 of the
    54 tables of the English questionnaire in two, 18 of the Arabic and 23 of the Chinese."""
    book = books(lang)
    header = layout.HEADER_ROW + 1
    tables = 0
    for ws in _question_sheets(book):
        room = page_room(ws)
        pages = printed_pages(ws)
        assert len(pages) >= 2, ws.title
        page_of = {row: i for i, rows in enumerate(pages) for row in rows}
        keys = {r: str(ws.cell(r, layout.COL_KEY + 1).value or "")
                for r in range(header + 1, pages[-1][-1] + 1)}
        for rows in pages:
            height = sum(row_height(ws, r) for r in rows)
            if header not in rows:
                height += row_height(ws, header)  # printed again at the top of the page
            assert height <= room, (ws.title, rows[0], height, room)
            assert keys.get(rows[-1]) != "", (ws.title, rows[-1], "a section's title ends a page")
        for r, key in keys.items():
            qid, _, part = key.partition(layout.KEY_SEPARATOR)
            if part == layout.KEY_HEADER:
                tables += 1
                grid = [row for row, k in keys.items() if k.startswith(qid + layout.KEY_SEPARATOR)]
                assert {page_of[row] for row in grid} == {page_of[r]}, (ws.title, qid)
                if page_of[r - 1] != page_of[r]:  # only when the two do not fit one page
                    both = sum(row_height(ws, row) for row in [r - 1, *grid])
                    assert both + row_height(ws, header) > 0.95 * room, (ws.title, qid)
            elif part and keys.get(r - 1) == qid:  # its first answer row
                assert page_of[r - 1] == page_of[r], (ws.title, qid, "parted from its answers")
                answers = [row for row, k in keys.items()
                           if k.startswith(qid + layout.KEY_SEPARATOR)]
                if sum(row_height(ws, row) for row in [r - 1, *answers]) <= 0.6 * room:
                    assert page_of[answers[-1]] == page_of[r], (ws.title, qid, "a short list cut")
                last = answers[-1]
                assert page_of[last - 1] == page_of[last], (ws.title, qid, "last answer alone")
    assert tables >= 20


def test_statistics_tables_have_their_own_heading(books):
    book = books("en")
    ws = book["Situation"]
    keys = {ws.cell(r, layout.COL_KEY + 1).value: r for r in range(1, ws.max_row + 1)}
    head = next(r for k, r in keys.items() if k and k.endswith("|head"))
    assert ws.cell(head, layout.COL_QUESTION + 1).value == "Figures per year"
    assert ws.cell(head, layout.COL_GUIDANCE + 1).value == "Year"
    assert ws.cell(head, layout.COL_ANSWER + 1).font.b


def test_the_arabic_cover_keeps_the_workbook_id_left_to_right(books):
    book = books("ar")
    cover = book.worksheets[0]
    line = next(c.value for row in cover.iter_rows() for c in row
                if isinstance(c.value, str) and "natk-cjr-tip" in c.value)
    meta = {r[0].value: r[1].value for r in book[layout.META_SHEET].iter_rows()}
    assert f"\u202a{meta['workbook_id']}\u202c" in line


# -- LibreOffice prints what the respondent sees ------------------------------------------------
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def render_pdf(xlsx: Path, out: Path) -> Path:
    profile = out / "profile"
    subprocess.run([str(SOFFICE), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
                   capture_output=True, timeout=240, check=True)
    return out / (xlsx.stem + ".pdf")


@pytest.mark.skipif(SOFFICE is None or pdftotext() is None,
                    reason="needs LibreOffice (soffice) and poppler's pdftotext")
@pytest.mark.parametrize("lang", ["zh", "ar"])
def test_libreoffice_prints_no_text_over_other_text(toolkit, tmp_path, lang):
    """The cover, the instructions and two component sheets, printed to PDF by LibreOffice: no
    line of text runs into the next row's text, and on the cover no text lies in a row that holds
    none (what rows too short for their text look like). On the Chinese workbook of the earlier
    writer this finds overprinted words on every sheet after the cover, and the second line of
    the cover's purpose paragraph below its row; the Arabic one passed already."""
    path = generate_workbook(toolkit, tmp_path / f"{lang}.xlsx",
                             GenerateOptions(lang=lang, components=["situation", "data"],
                                             reproducible=True)).path
    pdf = render_pdf(path, tmp_path)
    found = words(pdf)
    assert len({w.page for w in found}) >= 3
    texts = "".join(w.text for w in found)
    assert ("评估" if lang == "zh" else "تقييم"[::-1]) in texts or "تقييم" in texts
    assert overprinted(found) == []
    assert clipped(found) == []
    assert cover_overflow(path, pdf) == []
    assert pages_off_their_breaks(path, found) == []


def pages_off_their_breaks(xlsx: Path, found: list) -> list[tuple[str, int]]:
    """The questions LibreOffice printed on another page than the sheet's own page breaks put
    them (a break of its own, or a blank page, moves every question after it), as (id, page
    expected); and a last page beyond the sheets' own."""
    book = load(xlsx)
    pages_of: dict[str, set[int]] = {}
    for w in found:
        pages_of.setdefault(w.text, set()).add(w.page)
    sheets = _question_sheets(book)
    first_id = next(key for row in sheets[0].iter_rows(min_col=layout.COL_KEY + 1,
                                                       max_col=layout.COL_KEY + 1, values_only=True)
                    if (key := row[0]) and layout.KEY_SEPARATOR not in key)
    page = min(pages_of[first_id]) - 1  # the cover and the instructions
    off = []
    for ws in sheets:
        for rows in printed_pages(ws):
            page += 1
            for r in rows:
                qid = str(ws.cell(r, layout.COL_KEY + 1).value or "")
                if qid and layout.KEY_SEPARATOR not in qid and page not in pages_of.get(qid, ()):
                    off.append((qid, page))  # a question's row, its id not on this page
    last = max(w.page for w in found)
    return off + ([("(last page)", last)] if last != page else [])


def cover_overflow(xlsx: Path, pdf: Path) -> list:
    """Words of the printed cover that lie in a row holding no text. The rows are placed on the
    page by the progress table: each of its rows prints one "0%" (in every language)."""
    ws = load(xlsx).worksheets[0]
    last = ws.max_row
    heights = [row_height(ws, r) for r in range(1, last + 1)]
    tops = [sum(heights[:i]) for i in range(last)]
    has_text = [any(c.value not in (None, "") for c in row)
                for row in ws.iter_rows(min_row=1, max_row=last)]
    progress = [r - 1 for r in range(1, last + 1)
                if str(ws.cell(r, 4).value or "").startswith("=IF(")]
    page = words(pdf, 1, 1)
    percents = sorted((w for w in page if w.text == "0%"), key=lambda w: w.y0)
    assert len(percents) == len(progress) >= 3
    offset, scale = rows_on_page([(tops[r], w.y0) for r, w in zip(progress, percents,
                                                                 strict=True)])
    assert 0.8 < scale <= 1.05
    return words_in_empty_rows(page, tops, heights, has_text, offset - 1.5 * scale, scale)


def test_the_overprint_finder_sees_lines_printed_over_each_other():
    from pdftext import Word

    line1 = Word(1, 1, "该问题的指导说明", 100.0, 200.0, 180.0, 211.0)
    line2 = Word(1, 2, "武装冲突或普遍不安全", 100.0, 202.0, 190.0, 213.0)
    below = Word(1, 3, "下一行", 100.0, 213.5, 130.0, 224.5)
    same_baseline = Word(1, 4, "«", 178.0, 200.0, 185.0, 211.0)
    assert overprinted([line1, line2]) == [(line1, line2)]
    assert overprinted([line1, below, same_baseline]) == []


def test_the_clip_finder_sees_a_last_line_cut_at_the_next_row():
    from pdftext import Word

    first = Word(1, 1, "LEG.01", 20.0, 144.0, 45.0, 156.0)
    second = Word(1, 9, "LEG.02", 20.0, 205.5, 45.0, 217.5)
    cited = Word(1, 5, "[《有组织犯罪公约》]", 230.0, 195.1, 330.0, 206.9)  # crosses 205.5
    named = Word(1, 6, "SIT.03", 228.0, 182.0, 248.0, 193.0)  # a guidance text naming a question
    fits = Word(1, 4, "明。", 230.0, 182.5, 250.0, 194.3)
    marked = Word(1, 9, "أُبلغ", 60.0, 201.9, 80.0, 216.0)  # its own row's line, vowel marks
    assert clipped([first, second, cited, fits, named, marked]) == [cited]
    assert clipped([first, second, fits, named, marked]) == []


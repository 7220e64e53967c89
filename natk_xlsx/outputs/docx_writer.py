"""Writing the report's blocks into a Word document: the one module that uses python-docx.

A draft the assessor edits: the built-in styles (Title, Heading 1-3, List Bullet, Table Grid), so
that Word's navigation pane and table of contents work; tables that fit their text (autofit, no
fixed widths); no protection. The table of contents is a real TOC field, pre-filled with the
headings so that it reads before anyone updates it, and marked for update when Word opens the
file. Arabic is set right to left: paragraph ``w:bidi``, run ``w:rtl`` and table ``w:bidiVisual``,
which python-docx has no API for, are written as OOXML, on each paragraph rather than in the
Normal style (LibreOffice reverses the digits of chart labels in a document whose Normal style is
right to left).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from natk_xlsx.errors import NatkError
from natk_xlsx.i18n.languages import DEFAULT_FONT, FONTS, RTL_LANGUAGES, UPRIGHT
from natk_xlsx.outputs.report_chart import CONTENT_TYPE, chart_xml
from natk_xlsx.outputs.report_text import (
    Block,
    Bullets,
    Chart,
    Contents,
    Heading,
    PageBreak,
    Para,
    Table,
)
from natk_xlsx.safeio import atomic_path, close_left_open, write_failure
from natk_xlsx.textwidth import display_width, pieces

LANG_TAGS = {"ar": "ar-SA", "zh": "zh-CN", "en": "en-GB", "fr": "fr-FR", "ru": "ru-RU",
             "es": "es-ES"}
A4_CM = (21.0, 29.7)
MARGIN_CM = 2.5
#: The text width of a portrait page, and of a landscape one (a wide table's).
TEXT_WIDTH_CM = A4_CM[0] - 2 * MARGIN_CM
WIDE_TEXT_WIDTH_CM = A4_CM[1] - 2 * MARGIN_CM
HEADER_FILL = "D9E2F3"
#: A table of up to this many rows, its header included, is kept whole on one page (a table of
#: figures, of a component's gaps); a longer one breaks where it must.
KEPT_WHOLE = 16
#: Letters of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko and their forms).
RTL_LETTERS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
CHAR_CM = 0.21  # the width of an average character of table text (9 pt; bold headers are wider)
CELL_PAD_CM = 0.4  # a cell's left and right margins


class ReportWriteError(NatkError):
    """The report cannot be written (the folder is missing or the file is open elsewhere)."""


#: Bold header text is wider than the body's; a header of one word up to this many display
#: columns ("必须先行", "Priority") is kept on one line.
BOLD = 1.15
SHORT_HEADER = 10
#: A cell's text of one word up to this many display columns (a phase, "短期（速效）") is kept on
#: one line.
SHORT_LABEL = 12


def _pieces(text: str, whole_up_to: int) -> list[str]:
    """The pieces a line may not break inside: a short text without spaces (a header such as
    "必须先行", a label such as "短期（速效）") whole, up to ``whole_up_to`` display columns;
    otherwise its words, and a Chinese text's characters."""
    if " " not in text.strip() and display_width(text) <= whole_up_to:
        return [text]
    return pieces(text)


def column_widths(block: Table, total: float = TEXT_WIDTH_CM) -> list[float]:
    """Column widths in cm that fill the text width: each column at least as wide as its longest
    word (so no word breaks inside) and its header's, in bold (a column of figures as wide as
    its longest figure and one more character). When every text fits on one line, the columns
    share the width by their longest text (up to 45 characters); otherwise the rest is shared by
    how much each column says in a row, on average, so that a row's columns take about as many
    lines (a recommendation of 200 characters no longer shares it evenly with the name of the
    body responsible). Widths are measured in display columns, so Chinese counts double; a
    Chinese text may break between any two characters, a short header or label never."""
    columns = list(zip(block.headers, *block.rows, strict=True))
    least, natural, typical, whole = [], [], [], []
    for k, texts in enumerate(columns):
        heading = max((display_width(w) for w in _pieces(texts[0], SHORT_HEADER)), default=1)
        word = max((display_width(w) for t in texts[1:] for w in _pieces(t, SHORT_LABEL)),
                   default=1)
        word = max(word, round(heading * BOLD))
        if k in block.numeric:  # a figure never breaks ("12% !"), with room for wider digits
            word = max((display_width(t) for t in texts), default=1) + 1
        longest = max((display_width(t) for t in texts), default=1)
        said = sum(display_width(t) for t in texts[1:]) / max(len(texts) - 1, 1)
        least.append(min(word, 22) * CHAR_CM + CELL_PAD_CM)
        natural.append(max(min(longest, 45) * CHAR_CM + CELL_PAD_CM, least[-1]))
        typical.append(said * CHAR_CM + CELL_PAD_CM)
        whole.append(max(longest * CHAR_CM + CELL_PAD_CM, least[-1]))
    if sum(least) >= total:
        return [round(total * w / sum(least), 2) for w in least]
    if sum(whole) <= total:  # every text on one line: widen in proportion to what each says
        return [round(total * n / sum(natural), 2) for n in natural]
    extra = [max(t - m, 0.0) for t, m in zip(typical, least, strict=True)]  # a row's, beyond
    if sum(extra) == 0:  # its longest word; none: as the longest texts go
        extra = [n - m for n, m in zip(natural, least, strict=True)]
    spare = total - sum(least)
    return [round(m + spare * e / sum(extra), 2) for m, e in zip(least, extra, strict=True)]


class _Docx:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.rtl = lang in RTL_LANGUAGES
        self.doc: DocumentObject = Document()
        self.charts = itertools.count(1)
        self.style_ids: dict[str, str] = {}
        self.new_page = False  # the next paragraph starts a page
        self.landscape = False
        self._styles()
        section = self.doc.sections[0]
        self._orient(section, landscape=False)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(MARGIN_CM))
        if self.rtl:
            section._sectPr.append(OxmlElement("w:bidi"))
        self._page_numbers()

    @staticmethod
    def _orient(section: Section, landscape: bool) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        short, long = (Cm(side) for side in A4_CM)
        section.page_width, section.page_height = (long, short) if landscape else (short, long)

    @property
    def text_width(self) -> float:
        return WIDE_TEXT_WIDTH_CM if self.landscape else TEXT_WIDTH_CM

    # -- styles and settings ----------------------------------------------------------------------
    def _styles(self) -> None:
        font = FONTS.get(self.lang, DEFAULT_FONT)
        tag = LANG_TAGS.get(self.lang, "en-GB")
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = font
        normal.font.size = Pt(10.5)
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), font)
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), "en-GB" if self.lang in ("ar", "zh") else tag)
        language.set(qn("w:eastAsia"), tag if self.lang == "zh" else "zh-CN")
        language.set(qn("w:bidi"), tag if self.rtl else "ar-SA")
        rpr.append(language)
        for level in (1, 2, 3):
            heading = styles[f"Heading {level}"]
            heading.font.name = font
            heading.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), font)
        styles["Title"].font.name = font
        note = styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = normal
        if self.lang not in UPRIGHT:  # Arabic and Chinese have no italics: upright
            note.font.italic = True
            note.element.get_or_add_rPr().append(OxmlElement("w:iCs"))
        else:  # the template's subtitle is italic, in Latin and in complex scripts (w:iCs)
            subtitle = styles["Subtitle"].element.get_or_add_rPr()
            for tag in ("w:i", "w:iCs"):
                for found in subtitle.findall(qn(tag)):
                    subtitle.remove(found)
        note.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
        cell_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        cell_text.base_style = normal
        cell_text.font.size = Pt(9)
        cell_text.paragraph_format.space_after = Pt(0)
        self.style_ids["Table Text"] = cell_text.style_id
        for level in (1, 2):
            toc = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
            toc.base_style = normal
            toc.paragraph_format.space_after = Pt(2)
            toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            if level == 1:
                toc.font.bold = True
        settings = self.doc.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)

    def _page_numbers(self) -> None:
        footer = self.doc.sections[0].footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._field(footer, "PAGE", "1")

    def _field(self, paragraph: Paragraph, instruction: str, shown: str) -> None:
        begin, separate, end = (OxmlElement("w:fldChar") for _ in range(3))
        begin.set(qn("w:fldCharType"), "begin")
        separate.set(qn("w:fldCharType"), "separate")
        end.set(qn("w:fldCharType"), "end")
        code = OxmlElement("w:instrText")
        code.set(qn("xml:space"), "preserve")
        code.text = f" {instruction} "
        for element in (begin, code, separate):
            paragraph.add_run()._r.append(element)
        paragraph.add_run(shown)
        paragraph.add_run()._r.append(end)

    # -- blocks -----------------------------------------------------------------------------------
    def _paragraph(self, style: str | None, text: str = "") -> Paragraph:
        """A new paragraph in ``style``, whose id is looked up once (python-docx searches every
        style by name for each paragraph otherwise)."""
        paragraph = self.doc.add_paragraph(text)
        if style:
            if style not in self.style_ids:
                self.style_ids[style] = self.doc.styles[style].style_id
            paragraph._p.style = self.style_ids[style]
        if self.new_page:
            paragraph.paragraph_format.page_break_before = True
            self.new_page = False
        return paragraph

    def _run_direction(self, paragraph: Paragraph) -> None:
        """Right to left: the paragraph (``w:bidi``, so that list markers go to the right) and
        its runs (``w:rtl``; bold in a right-to-left run is ``w:bCs``)."""
        if not self.rtl:
            return
        ppr = paragraph._p.get_or_add_pPr()
        if ppr.find(qn("w:bidi")) is None:
            ppr.append(OxmlElement("w:bidi"))
        for run in paragraph.runs:
            if not RTL_LETTERS.search(run.text):
                continue  # a date or a name in Latin letters: left to right (LibreOffice
                # reverses "2026-03-02" in a right-to-left run)
            rpr = run._r.get_or_add_rPr()
            if run.bold:
                rpr.append(OxmlElement("w:bCs"))
            if run.italic:
                rpr.append(OxmlElement("w:iCs"))
            rpr.append(OxmlElement("w:rtl"))

    def heading(self, block: Heading) -> None:
        paragraph = self._paragraph("Title" if block.level == 0 else f"Heading {block.level}",
                                    block.text)
        self._run_direction(paragraph)

    def para(self, block: Para) -> None:
        style = {"subtitle": "Subtitle", "note": "Note", "caption": "Caption"}.get(block.style)
        paragraph = self._paragraph(style)
        if block.lead:
            paragraph.add_run(block.lead).bold = True
        if block.text:
            paragraph.add_run(block.text)
        self._run_direction(paragraph)

    def bullets(self, block: Bullets) -> None:
        style = "List Number" if block.numbered else "List Bullet"
        for lead, text in block.items:
            paragraph = self._paragraph(style)
            if lead:
                paragraph.add_run(lead).bold = True
            paragraph.add_run(text)
            self._run_direction(paragraph)

    def table(self, block: Table) -> None:
        if self.new_page:  # a table cannot start a page itself
            self.new_page = False
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        table = self.doc.add_table(rows=1 + len(block.rows), cols=len(block.headers))
        table.style = self.doc.styles["Table Grid"]
        table.autofit = True
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        tbl_pr = table._tbl.tblPr
        width = tbl_pr.find(qn("w:tblW"))
        if width is None:
            width = OxmlElement("w:tblW")
            tbl_pr.append(width)
        width.set(qn("w:type"), "pct")
        width.set(qn("w:w"), "5000")  # the text width; columns share it by their content
        if self.rtl:
            tbl_pr.append(OxmlElement("w:bidiVisual"))
        widths = column_widths(block, self.text_width)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        # every cell at once: python-docx rebuilds the whole grid for each row's or column's cells
        cols = len(block.headers)
        grid = table._cells
        for tr in table._tbl.tr_lst:  # a row is never cut across two pages (a row's last line
            tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # alone on a page)
        header = table.rows[0]
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeats on each page
        texts = [block.headers, *block.rows]
        # a short table is kept on one page, a longer one's header with its first row: the
        # header and a row of figures stood alone at a page's foot, the rest on the next
        kept = len(texts) - 1 if len(texts) <= KEPT_WHOLE else 1
        for i, row in enumerate(texts):
            fill = HEADER_FILL if i == 0 else (block.shade[i - 1] if i - 1 < len(block.shade)
                                                else None)
            for j, text in enumerate(row):
                cell = grid[i * cols + j]
                cell.width = Cm(widths[j])
                self._cell(cell, text, bold=i == 0, number=i > 0 and j in block.numeric,
                           fill=fill if i == 0 or j == 0 else None)
                if i < kept:
                    cell.paragraphs[0].paragraph_format.keep_with_next = True
        self.doc.add_paragraph()

    def _cell(self, cell: _Cell, text: str, *, bold: bool = False, number: bool = False,
              fill: str | None = None) -> None:
        paragraph = cell.paragraphs[0]
        paragraph._p.style = self.style_ids["Table Text"]
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if number and not self.rtl:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._run_direction(paragraph)
        if fill:
            shading = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" '
                                f'w:fill="{fill}"/>')
            cell._tc.get_or_add_tcPr().append(shading)

    def chart(self, block: Chart) -> None:
        number = next(self.charts)
        part = Part(PackURI(f"/word/charts/chart{number}.xml"), CONTENT_TYPE,
                    chart_xml(block, LANG_TAGS.get(self.lang, "en-GB"),
                              FONTS.get(self.lang, DEFAULT_FONT), self.rtl).encode("utf-8"),
                    self.doc.part.package)
        rid = self.doc.part.relate_to(part, RELATIONSHIP_TYPE.CHART)
        cx, cy = int(TEXT_WIDTH_CM * 360000), int(block.height_cm * 360000)
        title = block.title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        inline = parse_xml(
            f'<wp:inline {nsdecls("wp", "a", "r")} distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{1000 + number}" name="Chart {number}" descr="{title}"/>'
            "<wp:cNvGraphicFramePr/><a:graphic><a:graphicData "
            'uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            f'r:id="{rid}"/></a:graphicData></a:graphic></wp:inline>')
        paragraph = self._paragraph(None)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        drawing = OxmlElement("w:drawing")
        drawing.append(inline)
        paragraph.add_run()._r.append(drawing)

    def contents(self, block: Contents, headings: Sequence[Heading]) -> None:
        title = self._paragraph("TOC Heading", block.title)
        self._run_direction(title)
        first = self._paragraph("toc 1")
        begin, separate, end = (OxmlElement("w:fldChar") for _ in range(3))
        begin.set(qn("w:fldCharType"), "begin")
        begin.set(qn("w:dirty"), "true")
        separate.set(qn("w:fldCharType"), "separate")
        end.set(qn("w:fldCharType"), "end")
        code = OxmlElement("w:instrText")
        code.set(qn("xml:space"), "preserve")
        code.text = ' TOC \\o "1-2" \\h \\z \\u '
        for element in (begin, code, separate):
            first.add_run()._r.append(element)
        entries = [h for h in headings if h.level in (1, 2)] or [Heading(block.placeholder, 1)]
        paragraph = first
        for i, entry in enumerate(entries):
            if i:
                paragraph = self._paragraph(f"toc {entry.level}")
            paragraph.add_run(entry.text)
            self._run_direction(paragraph)
        paragraph.add_run()._r.append(end)
        note = self._paragraph("Note", block.placeholder)
        self._run_direction(note)

    def page_break(self, block: PageBreak) -> None:
        """The next paragraph starts a page ("page break before"), rather than a paragraph
        holding a break: such a paragraph, after a table that fills its page, spills onto a
        page of its own and leaves it blank. Pages turned the other way start a section of their
        own (its margins, direction and page numbers as the first's)."""
        if block.landscape == self.landscape:
            self.new_page = True
            return
        self.landscape = block.landscape
        self._orient(self.doc.add_section(WD_SECTION.NEW_PAGE), block.landscape)

    def end(self) -> None:
        """The spacing paragraph after a last table (Word ends a document with a paragraph)
        one point high, so that it does not spill onto a blank page of its own."""
        last = self.doc.paragraphs[-1] if self.doc.paragraphs else None
        before = last._p.getprevious() if last is not None else None
        if last is not None and not last.text and before is not None \
                and before.tag == qn("w:tbl"):
            last.paragraph_format.space_before = last.paragraph_format.space_after = Pt(0)
            last.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            last.paragraph_format.line_spacing = Pt(1)


def write_docx(path: str | Path, blocks: Sequence[Block], lang: str, title: str = "") -> None:
    """Render ``blocks`` into a Word document at ``path``."""
    out = _Docx(lang)
    headings = [b for b in blocks if isinstance(b, Heading)]
    for block in blocks:
        if isinstance(block, Heading):
            out.heading(block)
        elif isinstance(block, Para):
            out.para(block)
        elif isinstance(block, Bullets):
            out.bullets(block)
        elif isinstance(block, Table):
            out.table(block)
        elif isinstance(block, Chart):
            out.chart(block)
        elif isinstance(block, Contents):
            out.contents(block, headings)
        elif isinstance(block, PageBreak):
            out.page_break(block)
    out.end()
    props = out.doc.core_properties
    props.title = title
    props.language = LANG_TAGS.get(lang, lang)
    props.author = "natk-xlsx"
    try:
        with atomic_path(path) as temp:  # a report that fails half way leaves the last one
            out.doc.save(str(temp))
    except OSError as exc:
        close_left_open(exc)
        raise ReportWriteError(f"{path}: cannot write the report {write_failure(exc)}"
                               ) from None

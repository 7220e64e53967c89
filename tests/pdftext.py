"""Where the words of a PDF are drawn (poppler's ``pdftotext -bbox``), to find printed text that
runs over other text: what a respondent sees when a row is too short for its text."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    page: int
    line: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def pdftotext() -> str | None:
    return shutil.which("pdftotext")


def words(pdf: Path, first: int | None = None, last: int | None = None) -> list[Word]:
    cmd = [pdftotext() or "pdftotext", "-bbox-layout"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    out = subprocess.run([*cmd, str(pdf), "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(out)
    found = []
    line_id = 0
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=first or 1):
        for line in page.iter(f"{XHTML}line"):
            line_id += 1
            for w in line.iter(f"{XHTML}word"):
                found.append(Word(number, line_id, w.text or "", float(w.get("xMin", 0)),
                                  float(w.get("yMin", 0)), float(w.get("xMax", 0)),
                                  float(w.get("yMax", 0))))
    return found


def overprinted(found: list[Word], tolerance: float = 0.6) -> list[tuple[Word, Word]]:
    """Pairs of words of different lines on one page whose boxes overlap by more than
    ``tolerance`` of the taller box's height: one line of text printed over another.

    Neighbouring lines touch a little (accents, Arabic vowel marks make boxes taller), and
    pdftotext may cut one right-to-left line into pieces on the very same baseline; neither is
    an overprint."""
    pairs = []
    by_page: dict[int, list[Word]] = {}
    for w in found:
        by_page.setdefault(w.page, []).append(w)
    for page_words in by_page.values():
        page_words.sort(key=lambda w: w.y0)
        for i, a in enumerate(page_words):
            for b in page_words[i + 1:]:
                if b.y0 >= a.y1:
                    break
                if a.line == b.line or abs(a.y0 - b.y0) < 0.1:
                    continue
                dy = min(a.y1, b.y1) - max(a.y0, b.y0)
                dx = min(a.x1, b.x1) - max(a.x0, b.x0)
                if dy > tolerance * max(a.y1 - a.y0, b.y1 - b.y0) and dx > 1.0:
                    pairs.append((a, b))
    return pairs


def rows_on_page(anchors: list[tuple[float, float]]) -> tuple[float, float]:
    """(offset, scale) such that a row whose top is ``t`` points down the sheet starts at
    ``offset + scale * t`` on the page, fitted (least squares) to (row top, word top) anchors."""
    n = len(anchors)
    mean_t = sum(t for t, _ in anchors) / n
    mean_y = sum(y for _, y in anchors) / n
    var = sum((t - mean_t) ** 2 for t, _ in anchors)
    scale = sum((t - mean_t) * (y - mean_y) for t, y in anchors) / var
    return mean_y - scale * mean_t, scale


def words_in_empty_rows(found: list[Word], tops: list[float], heights: list[float],
                        has_text: list[bool], offset: float, scale: float) -> list[Word]:
    """Words drawn in the band of a row that holds no text: text that ran out of the row above
    (a row too short for its text, with nothing below to print over)."""
    stray = []
    for w in found:
        middle = (w.y0 + w.y1) / 2
        for top, height, text in zip(tops, heights, has_text, strict=True):
            start = offset + scale * top
            if start <= middle < start + scale * height:
                if not text:
                    stray.append(w)
                break
    return stray


#: The text of a question id (the first column of a component sheet).
QUESTION_ID = re.compile(r"[A-Z]{3}\.\d{2}")


#: What stands beside an item of a list: the commas of the six languages, and the right-to-left
#: mark an Arabic list sets after a comma that follows a Latin item.
_LIST_MARKS = ",،、\u200f"

#: The id of a recommendation package (the summary's rows).
PACKAGE_ID = re.compile(r"P\d{2}")


def clipped(found: list[Word], row_id: re.Pattern[str] = QUESTION_ID) -> list[Word]:
    """Words that reach below the top of the next question's row: the last line of a cell too
    short for its text, which LibreOffice and Excel cut off at the row's edge (drawn, then
    clipped, so its box still crosses the edge). A question's row starts where its id is
    printed; a word belongs to the row above the first id more than 5 pt below its own top
    (vowel marks raise an Arabic word's box a few points above the id on its line)."""
    out = []
    by_page: dict[int, list[Word]] = {}
    for w in found:
        by_page.setdefault(w.page, []).append(w)
    for page_words in by_page.values():
        named = [w for w in page_words if row_id.fullmatch(w.text)]
        listed = Counter(w.line for w in page_words if row_id.fullmatch(w.text.strip(_LIST_MARKS)))
        if not named or max(listed.values()) > 1:
            continue  # no rows keyed by ids, or a page that lists ids ("P01, P02") in a column
        # the id column: where most ids are printed (a guidance text may name a question too)
        column = Counter(round(w.x0 / 5) for w in named).most_common(1)[0][0]
        ids = sorted((w.y0, w.line) for w in named if abs(round(w.x0 / 5) - column) <= 1)
        for w in page_words:  # (an Arabic line's box starts higher than the id printed on it)
            below = next((t for t, line in ids if t > w.y0 + 5.0 and line != w.line), None)
            if below is not None and w.y1 > below:
                out.append(w)
    return out

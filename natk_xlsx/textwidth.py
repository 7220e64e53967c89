"""How much room a text takes in a wrapped cell: display width, not character count.

East Asian wide characters (Chinese, Japanese, Korean, full-width forms) take two columns of a
monospaced grid, combining marks none; wcwidth knows the Unicode tables. A cell's width in Excel
units is about the number of "0" digits of the default font that fit, so a 10 pt text holds about
one narrow character or half a wide one per unit. The estimate errs on the side of a taller row:
a row a little too tall costs a blank line, one too short hides the respondent's question.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from wcwidth import wcwidth

from natk_xlsx.i18n.languages import RLM

#: Excel's largest row height, in points.
MAX_ROW_HEIGHT = 409.0
#: Narrow characters of 10 pt text per unit of column width. Measured in LibreOffice (Carlito,
#: Liberation Sans, Noto Sans CJK: the metrics of Calibri, Arial and a 1 em CJK font) on the
#: instructions and 60 guidance texts in a 30-unit column, per language: 1.2 never
#: underestimated a line count in en, fr, es, ar or zh; 1.15 keeps a margin for Excel.
CHARS_PER_UNIT = 1.15
#: Cyrillic letters are wider than Latin ones in these fonts (the same measure: Russian needs
#: 1.05 characters a unit), so they count a little more than one column.
CYRILLIC_WEIGHT = 1.1
#: Bold letters are about a tenth wider than the regular ones measured here: a bold text is
#: measured in its column's width divided by this.
BOLD_WIDTH = 1.1
#: A wide (CJK) character is a 1 em glyph: 13.3 px at 10 pt, against about 6.1 px for the
#: narrow characters of the measure above, so it takes 2.2 columns of the wrap, not 2. At 30
#: units the difference hides in the rounding; in an 18-unit column it is a line in five.
WIDE_WEIGHT = 2.2
#: Points per line of 10 pt text, and the padding of a cell.
LINE_HEIGHT = 13.5
PADDING = 3.0
#: Lines of text holding wide (CJK) characters are taller: a CJK font's ascent and descent span
#: about 1.45 em (Noto Sans CJK; Microsoft YaHei about 1.32), and LibreOffice prints such lines
#: 14.6 pt apart at 10 pt (measured in its PDF of the Chinese workbook), so they count 15.
WIDE_LINE_HEIGHT = 15.0
#: In a text with CJK characters the Latin letters and digits are set in the CJK font too, whose
#: Latin glyphs are about a fifth wider than Carlito's ("Embassy of Norway" in a Chinese
#: sentence takes the room of 20 narrow characters, not 17).
LATIN_IN_CJK_WEIGHT = 1.2


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    width = wcwidth(ch)
    return 1 if width < 0 else width  # control characters: count them as one, to be safe


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced grid (a wide character counts double)."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


def line_units(text: str, bold: bool = False) -> float:
    """The column width, in units, that holds ``text`` on one line (a label that is not
    wrapped, and would be cut off by the next cell), with a cell's padding."""
    latin = LATIN_IN_CJK_WEIGHT if has_wide(text) else 1.0
    return math.ceil(_weight(text, latin) * (BOLD_WIDTH if bold else 1.0) / CHARS_PER_UNIT) + 1


def _weight(text: str, latin: float = 1.0) -> float:
    """The room ``text`` takes on a line, in narrow-character columns of the wrap (``latin``:
    the weight of an ASCII character, more than 1 in a text set in a CJK font)."""
    if text.isascii():
        return float(len(text)) * latin
    if latin == 1.0:
        return sum(_char_weight(ch) for ch in text)
    return sum(latin if ch.isascii() else _char_weight(ch) for ch in text)


@lru_cache(maxsize=8192)
def _char_weight(ch: str) -> float:
    if "\u0400" <= ch <= "\u04ff":
        return CYRILLIC_WEIGHT
    width = char_width(ch)
    return WIDE_WEIGHT if width == 2 else float(width)


def _is_wide(ch: str) -> bool:
    return char_width(ch) == 2


#: Wide punctuation no line starts with (a comma, a full stop, a colon, a closing bracket: the
#: line breaks after it) and wide punctuation no line ends with (an opening bracket).
_CLOSING = frozenset("，。、；：！？）」』》〉】〕”’％")
_OPENING = frozenset("（「『《〈【〔“‘")


def _tokens(paragraph: str) -> Iterable[str]:
    """Words, with every wide character a word of its own (CJK text breaks between any two
    characters) and spaces attached to the word before them. Wide punctuation stays with its
    neighbour, as the line breaking of LibreOffice and Excel keeps it: "是，" and "2021：" are
    one piece, "（各" another."""
    word = ""
    glued = False  # the word ends with an opening bracket: what follows joins it
    for ch in paragraph:
        if ch == " ":
            yield word + ch
            word, glued = "", False
        elif ch in _CLOSING:
            word += ch
            glued = False
        elif glued or not word:
            word += ch
            glued = ch in _OPENING
        elif _is_wide(ch) or _is_wide(word[-1]):
            yield word
            word, glued = ch, ch in _OPENING
        else:
            word += ch
    if word:
        yield word


def pieces(text: str) -> list[str]:
    """The pieces of ``text`` a line cannot break inside: its words, and each wide (CJK)
    character alone or with the wide punctuation it keeps (``_tokens``), as the wrap counts
    them."""
    return [piece for paragraph in text.split("\n") for token in _tokens(paragraph)
            if (piece := token.strip())]


@lru_cache(maxsize=65536)  # a summary repeats its question texts and names thousands of times
def wrapped_lines(text: str, width: float, font_size: float = 10.0) -> int:
    """Lines ``text`` wraps to in a cell ``width`` units wide (greedy word wrap, as Excel and
    LibreOffice do), for text of ``font_size`` points."""
    capacity = max(4.0, width * CHARS_PER_UNIT * 10.0 / font_size)
    latin = LATIN_IN_CJK_WEIGHT if has_wide(text) else 1.0
    lines = 0
    for paragraph in str(text).split("\n"):
        if paragraph.isascii() and latin == 1.0:
            lines += 1 if len(paragraph) <= capacity else _ascii_lines(paragraph, capacity)
        else:
            lines += _paragraph_lines(paragraph, capacity, latin)
    return max(1, lines)


def _paragraph_lines(paragraph: str, capacity: float, latin: float = 1.0) -> int:
    """Lines of one paragraph, token by token (``_tokens``). Without wide characters the
    tokens are the words between single spaces, each weighed once (``_word_weight``)."""
    if not has_wide(paragraph):
        words = paragraph.split(" ")
        return _word_lines(words, [_word_weight(word, latin) for word in words], capacity,
                           latin)
    used, count = 0.0, 1
    for token in _tokens(paragraph):
        w = _word_weight(token.rstrip(" "), latin)
        if used and used + w > capacity:
            count += 1
            used = 0.0
        if w > capacity:  # a word longer than the line is broken across lines
            extra = math.ceil(w / capacity) - 1
            count += extra
            used = w - extra * capacity
        else:
            used += _word_weight(token, latin)
    return count


@lru_cache(maxsize=65536)  # words recur across the questions of a language
def _word_weight(word: str, latin: float) -> float:
    return _weight(word, latin)


def _ascii_lines(paragraph: str, capacity: float) -> int:
    """``_paragraph_lines`` of a paragraph of ASCII text, where every character is one column."""
    words = paragraph.split(" ")
    return _word_lines(words, [float(len(word)) for word in words], capacity, 1.0)


def _word_lines(words: Sequence[str], weights: Sequence[float], capacity: float,
                space: float) -> int:
    """Lines of the words of a paragraph split at single spaces (``weights``: the room of each
    word; ``space``: of the space after it), placed greedily as ``_paragraph_lines`` places
    the tokens (a token is a word and the space after it)."""
    used, count = 0.0, 1
    last = len(words) - 1
    for i, w in enumerate(weights):
        if i == last and not words[i]:  # a trailing space ends the paragraph: no token follows
            break
        if used and used + w > capacity:
            count += 1
            used = 0.0
        if w > capacity:
            extra = math.ceil(w / capacity) - 1
            count += extra
            used = w - extra * capacity
        else:
            used += w + space if i < last else w
    return count


#: A word of Latin letters (an institution's name in a Chinese sentence).
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


#: An Arabic letter. A text that holds the right-to-left mark an Arabic list sets after a comma
#: following a Latin item (``languages.RLM``), and no Arabic letter, is a list of Latin items
#: alone (codes, partners' names), whose lines break by the bidirectional rules; an Arabic
#: sentence with such a list inside breaks as prose.
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def _spare(text: str, width: float, font_size: float) -> int:
    """A line kept spare for a wrapped text that mixes CJK characters and Latin words, or a
    right-to-left list of Latin items: a spreadsheet breaks such lines by rules of its own (no
    break inside "State、European"; a Latin word carried whole to the next line; the Latin
    codes of an Arabic list set on three lines where two had room), which a greedy count cannot
    follow."""
    mixed = (has_wide(text) and _LATIN_WORD.search(text)) or (
        RLM in text and not _ARABIC_LETTER.search(text))
    if mixed and wrapped_lines(text, width, font_size) > 1:
        return 1
    return 0


#: Below this character no character is wide (Unicode's first wide block is Hangul Jamo):
#: a text of Latin, Cyrillic or Arabic letters is known narrow from its largest character.
FIRST_WIDE = "\u1100"


@lru_cache(maxsize=65536)
def has_wide(text: str) -> bool:
    """Whether ``text`` holds a wide (CJK) character, whose lines are taller."""
    return (not text.isascii() and max(text) >= FIRST_WIDE
            and any(char_width(ch) == 2 for ch in text))


def row_height(texts: Sequence[tuple[str, float]], font_size: float = 10.0,
               line_height: float = LINE_HEIGHT) -> float:
    """The height in points a row needs so that each (text, column width) pair shows whole,
    capped at Excel's largest row height (a text with wide characters has taller lines)."""
    wide = line_height * WIDE_LINE_HEIGHT / LINE_HEIGHT
    need = max(((wrapped_lines(t, w, font_size) + _spare(t, w, font_size))
                * (wide if has_wide(t) else line_height) for t, w in texts if t),
               default=line_height)
    return min(MAX_ROW_HEIGHT, round(need * font_size / 10.0 + PADDING, 1))

"""The six official UN languages and how texts are looked up in them.

Every text a person reads is a map from language code to text (see docs/spec-format.md).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

#: The six official languages of the United Nations, in the order the UN lists them.
UN_LANGUAGES: tuple[str, ...] = ("ar", "zh", "en", "fr", "ru", "es")

#: Each language's name in English and in itself.
LANGUAGE_NAMES: Mapping[str, tuple[str, str]] = {
    "ar": ("Arabic", "العربية"),
    "zh": ("Chinese", "中文"),
    "en": ("English", "English"),
    "fr": ("French", "Français"),
    "ru": ("Russian", "Русский"),
    "es": ("Spanish", "Español"),
}

#: Languages written right to left.
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})

#: The font of each script, in the workbooks and in the report: a font every office suite has
#: or substitutes well (Chinese and Arabic need one that covers them).
FONTS = {"zh": "Microsoft YaHei", "ar": "Arial"}
DEFAULT_FONT = "Calibri"

SOURCE_LANGUAGE = "en"


def tr(text: Mapping[str, str] | None, lang: str, fallback: str = SOURCE_LANGUAGE) -> str:
    """Return ``text`` in ``lang``, else in ``fallback``, else ``""``."""
    if not text:
        return ""
    if lang in text:
        return text[lang]
    return text.get(fallback, "")


def without_marks(text: str) -> str:
    """``text`` without its accents and other combining marks ("Si" for "Sí", "еще" for
    "ещё"): how the checker folds an answer typed without them, and the workbook's formulas
    list it."""
    bare = "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare)


#: How a language separates the items of one list ("Police, Courts"; Chinese 、, Arabic ،) and
#: the parts of a longer one ("Police: No; Courts: Yes"; Chinese ；, Arabic ؛; French with a
#: no-break space before the semicolon).
ITEM_SEPARATORS: Mapping[str, str] = {"zh": "、", "ar": "، "}
PART_SEPARATORS: Mapping[str, str] = {"zh": "；", "ar": "؛ ", "fr": "\u00a0; "}


#: The right-to-left mark: after a separator that follows a left-to-right item in a
#: right-to-left text, it keeps the items in the text's order ("GIZ، US Department of State" read
#: as one left-to-right run, the Arabic comma inside it, and showed the names the wrong way round).
RLM = "\u200f"
#: The left-to-right mark: on both sides of a Latin reference in a right-to-left text ("3(a)",
#: "7(1)"), it keeps the reference in its own order, which the bidirectional rules otherwise
#: show as "(a)3".
LRM = "\u200e"


def _ends_left_to_right(text: str) -> bool:
    """Whether the last character of ``text`` that has a direction of its own is left to right
    (a Latin letter) or a digit, which a neutral separator after it would join."""
    for char in reversed(text):
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return False
        if direction in ("L", "EN", "AN"):
            return True
    return False


#: Two Latin names side by side in a Chinese list are parted by a comma and a space, where a
#: line can break ("UNODC、OSCE" had nowhere to break but inside a name).
_LATIN_END = re.compile(r"[A-Za-z]$")
_LATIN_START = re.compile(r"^[A-Za-z]")


def _between(before: str, after: str, lang: str, separator: str) -> str:
    """What parts two neighbouring items of a list: the language's separator, a Latin one
    between two Latin names in Chinese, and in a right-to-left language a right-to-left mark
    after the separator that follows a left-to-right item."""
    if lang == "zh" and _LATIN_END.search(before) and _LATIN_START.search(after):
        return ", " if separator == "、" else "; "
    if lang in RTL_LANGUAGES and _ends_left_to_right(before):
        return separator.rstrip() + RLM + separator[len(separator.rstrip()):]
    return separator


def _join(texts: Iterable[str], lang: str, separator: str) -> str:
    if lang != "zh" and lang not in RTL_LANGUAGES:
        return separator.join(texts)
    joined: list[str] = []
    for text in texts:
        if joined:
            joined.append(_between(joined[-1], text, lang, separator))
        joined.append(text)
    return "".join(joined)


def holds_comma(text: str, lang: str) -> bool:
    """Whether ``text`` holds a comma, Latin or the one ``lang`` parts a list's items with."""
    return "," in text or ITEM_SEPARATORS.get(lang, ",").strip() in text


def join_items(texts: Iterable[str], lang: str) -> str:
    """The items of one list, as ``lang`` separates them; as parts when an item holds a comma
    itself ("Ministry of Labour, Social Affairs and Family; Police", not three names)."""
    items = list(texts)
    if any(holds_comma(item, lang) for item in items):
        return join_parts(items, lang)
    return join_quoted(items, lang)


def join_quoted(texts: Iterable[str], lang: str) -> str:
    """Items set apart by quotation marks, parted by the language's comma whatever they hold."""
    return _join(texts, lang, ITEM_SEPARATORS.get(lang, ", "))


def join_parts(texts: Iterable[str], lang: str) -> str:
    """The parts of a list whose parts are lists themselves, as ``lang`` separates them."""
    return _join(texts, lang, PART_SEPARATORS.get(lang, "; "))


def aside(text: str, note: str, lang: str) -> str:
    """``text`` with ``note`` in brackets after it, as ``lang`` sets them: "No (all agree)";
    Chinese "否（各方一致）", with its full-width brackets and no space. In a right-to-left
    language a right-to-left mark on each side keeps the brackets facing the note when it is a
    Latin name that wraps ("(Ministry of Social Affairs and) 95" otherwise)."""
    if lang == "zh":
        return f"{text}（{note}）"
    if lang in RTL_LANGUAGES:
        return f"{text} {RLM}({note}){RLM}"
    return f"{text} ({note})"


def join_said(texts: Iterable[str], lang: str, lines: bool = False) -> str:
    """What each source said ("Ministry of Justice: 12; Police: 9"), as the parts of a list; one
    a line in a right-to-left language, where a Latin name and its value would otherwise wrap
    into fragments of each other ("Safe Haven, shelter ؛Unit: OSCE"), and with ``lines``."""
    return "\n".join(texts) if lines or lang in RTL_LANGUAGES else join_parts(texts, lang)


def names_said(said: Iterable[tuple[Sequence[str], str]], lang: str) -> str:
    """What each group of names said ("Police, Courts: Yes; Shelter network: No"). When a name
    holds a comma ("Safe Haven, shelter network: No" read as two names), the names of every
    group are parted as a longer list's parts, and each group says its part on a line."""
    groups = list(said)
    commas = any(holds_comma(name, lang) for names, _ in groups for name in names)
    return join_said((labelled(_names(names, lang, commas), text, lang) for names, text in groups),
                     lang, lines=commas)


def _names(names: Sequence[str], lang: str, commas: bool) -> str:
    """The names of one group of ``names_said`` (as parts with ``commas``). In a right-to-left
    text Latin names stand each on a line of its own: a name wrapped at the cell's edge was
    read in two pieces on two lines, beside the next name ("National ؛National Anti-Trafficking
    Coordination Office")."""
    if lang in RTL_LANGUAGES and len(names) > 1 and any(map(_ends_left_to_right, names)):
        separator = (PART_SEPARATORS if commas else ITEM_SEPARATORS)[lang].rstrip() + RLM
        return (separator + "\n").join(names)
    return (join_parts if commas else join_items)(names, lang)


def labelled(label: str, text: str, lang: str) -> str:
    """``text`` after ``label`` and a colon, as ``lang`` sets a colon (the interface's texts
    alike): "Police: 12"; French with a no-break space before it, "Police\u00a0: 12"; Chinese
    with its full-width colon and no space, "警察：12"."""
    if lang == "fr":
        return f"{label}\u00a0: {text}"
    if lang == "zh":
        return f"{label}：{text}"
    if lang in RTL_LANGUAGES and _ends_left_to_right(label):
        # a right-to-left mark after the colon: the colon would otherwise join the Latin name
        # and the pair that follows it read left to right ("Police: 2021: 40" in Arabic)
        return f"{label}:{RLM} {text}"
    return f"{label}: {text}"


#: Scripts with no italic: Arabic and Chinese notes are set upright (a slanted Arabic or Chinese
#: font is a machine's distortion, hard to read).
UPRIGHT = frozenset({"ar", "zh"})


#: Languages that write a word after a colon in lower case ("Priorité : élevée").
LOWER_AFTER_COLON = frozenset({"fr", "es", "ru"})


def lower_first(text: str) -> str:
    """A label as it reads inside a sentence: its first letter in lower case, unless it starts
    with an acronym ("ONU"); a script without case as it stands."""
    if text[:1].isupper() and not text[1:2].isupper():
        return text[0].lower() + text[1:]
    return text


def after_colon(text: str, lang: str) -> str:
    """A label (a severity, a phase) as ``lang`` writes it after a colon in a sentence: in lower
    case in French, Spanish and Russian, unless it starts with an acronym ("ONU")."""
    return lower_first(text) if lang in LOWER_AFTER_COLON else text


def number_text(value: float, lang: str) -> str:
    """A figure as ``lang`` writes it: 12.5, or 12,5 with a decimal comma; never in exponent
    form (1234567, not 1.23457e+06)."""
    if float(value).is_integer():
        return str(int(value))
    return str(decimal_text(f"{value:.6f}".rstrip("0").rstrip("."), lang))


#: Languages that set a (no-break) space between a number and its percent sign.
SPACED_PERCENT = frozenset({"fr", "es", "ru"})


def percent_text(value: float, lang: str) -> str:
    """A share as ``lang`` writes it: "12.5%"; "12,5\u00a0%" in French, Spanish and Russian,
    as their interface texts write it."""
    number = number_text(value, lang)
    return f"{number}\u00a0%" if lang in SPACED_PERCENT else f"{number}%"


def share_text(share: float, lang: str) -> str:
    """A share (0.2) as a whole percent, as ``lang`` writes it: "20%", "20\u00a0%"."""
    return percent_text(round(100 * share), lang)


#: The mark after a figure that calls for attention, as each language sets "!" after a word.
_FLAGS = {"fr": "\u00a0!", "zh": "！", "ar": "!"}


def flagged(text: str, lang: str) -> str:
    """``text`` marked for attention: "76 % !" in French (a no-break space), "76%！" in
    Chinese, "76%!" in Arabic, "76% !" elsewhere."""
    return text + _FLAGS.get(lang, " !")


def grouped_text(value: float, lang: str) -> str:
    """A figure of a table as ``lang`` writes it, its thousands grouped: "12,345.5"; in
    French, Spanish and Russian "12\u00a0345,5" (a no-break space groups, a comma marks the
    decimals)."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if lang in DECIMAL_COMMA:
        return text.replace(",", "\u00a0").replace(".", ",")
    return text


#: Left-to-right embedding, and its end: a path, an id or a name in Latin letters stays whole
#: and in reading order inside right-to-left text (the bidi algorithm would split it at its
#: hyphens and slashes: "tmp/dm/returns/01-national-/").
LTR_EMBED, POP = "\u202a", "\u202c"


def left_to_right(text: str, lang: str) -> str:
    """``text`` kept left to right in a right-to-left ``lang``; as it is elsewhere."""
    return f"{LTR_EMBED}{text}{POP}" if text and lang in RTL_LANGUAGES else text


def as_typed(text: str, lang: str) -> str:
    """A respondent's text as it was typed: in a right-to-left ``lang``, one that begins in a
    left-to-right script (a remark in English in an Arabic summary) is kept left to right, or
    its full stop shows at its start (".the regional units report in March"); as it is
    elsewhere."""
    if lang not in RTL_LANGUAGES:
        return text
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return text
        if direction == "L":
            return left_to_right(text, lang)
    return text


def join_codes(codes: Iterable[str], lang: str) -> str:
    """Codes (question and package ids) one after the other: with a comma and a space in every
    language but a right-to-left one, which joins them as its items. Chinese sets no space
    after its list comma, and a line of codes joined by it has nowhere to break but inside a
    code ("PRS.0" and "6" on two lines)."""
    return join_items(codes, lang) if lang in RTL_LANGUAGES else ", ".join(codes)


def join_sentences(texts: Iterable[str], lang: str) -> str:
    """Sentences one after the other: Chinese sets none of the spaces its full stop ends."""
    return ("" if lang == "zh" else " ").join(texts)


#: Languages that write a decimal comma: 12,5 where English writes 12.5.
DECIMAL_COMMA = frozenset({"fr", "es", "ru"})
_DECIMAL = re.compile(r"-?\d+\.\d+")


def decimal_text(value: object, lang: str) -> object:
    """A number written in a message as the reader's language writes it ("0,5" in French), from
    a number or its text ("0.5"); anything else as it is."""
    if lang in DECIMAL_COMMA and isinstance(value, str | float) and not isinstance(value, bool) \
            and _DECIMAL.fullmatch(str(value)):
        return str(value).replace(".", ",")
    return value


#: The months as each language names them in a date (Arabic as the United Nations write them,
#: with the Levantine name and the other).
_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "ar": ("كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو",
           "حزيران/يونيه", "تموز/يوليه", "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر",
           "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر"),
}


def date_text(iso: str, lang: str) -> str:
    """A date (``YYYY-MM-DD``) as ``lang`` writes it in a sentence: "7 December 2026",
    "1er mars 2026", "7 de diciembre de 2026", "07.12.2026", "2026年12月7日"; anything else
    as it is."""
    try:
        day = dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    if lang == "ru":
        return day.strftime("%d.%m.%Y")
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    month = _MONTHS.get(lang, _MONTHS["en"])[day.month - 1]
    if lang == "es":
        return f"{day.day} de {month} de {day.year}"
    if lang == "fr" and day.day == 1:
        return f"1er {month} {day.year}"
    return f"{day.day} {month} {day.year}"


#: How each language quotes a text it names: an answer in a message ("Partly", « En partie »).
_QUOTES = {"en": ('"', '"'), "fr": ("«\u00a0", "\u00a0»"), "es": ("«", "»"), "ru": ("«", "»"),
           "ar": ("«", "»"), "zh": ("“", "”")}


def quoted(text: str, lang: str) -> str:
    """``text`` in the quotation marks of ``lang``: a list of answers whose labels hold commas
    and "or" ("Whole country, with regional offices or focal points") reads apart only so."""
    start, end = _QUOTES.get(lang, _QUOTES["en"])
    return f"{start}{text}{end}"


"""What people type, read as text: a typed answer folded for matching, a number in either
decimal convention or with the Arabic separators, a percentage with any percent sign, a date in
the forms the six languages write it (and every form natk-xlsx writes one in).

Pure functions of a string; ``coerce`` turns cells into answers with them and says what it did.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00b4": "'",
                         "\u0060": "'", "\u2032": "'"})


#: The marks of direction a right-to-left text may hold, invisible, and the Arabic tatweel, a
#: stroke that only stretches a word ("نـعـم" for "نعم"): no part of what was meant.
_NOT_MEANT = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\u0640]")


def normalise_text(text: str) -> str:
    """Fold a typed answer for matching: NFKC, straight quotes, no marks of direction nor
    tatweel, one space, case-folded."""
    folded = _NOT_MEANT.sub("", unicodedata.normalize("NFKC", text).translate(_QUOTES))
    folded = _SPACES.sub(" ", folded).strip()
    if len(folded) > 1 and folded[0] == folded[-1] and folded[0] in "'\"":
        folded = folded[1:-1].strip()
    return folded.casefold()


#: The everyday words for the answers every yes/no question offers, as people type them where the
#: list's own label is another ("是的" or "有" for 是, "不知道" for 不清楚, "n/a"), folded as
#: ``normalise_text`` folds them; read, with a warning, only where the question offers the answer.
ALSO_TYPED = {
    "是的": "yes", "对": "yes", "有": "yes", "不是": "no", "没有": "no", "不知道": "dont_know",
    "y": "yes", "n": "no", "unknown": "dont_know", "not known": "dont_know",
    "not sure": "dont_know", "n/a": "not_applicable", "na": "not_applicable",
    "inconnu": "dont_know", "je ne sais pas": "dont_know", "s/o": "not_applicable",
    "no sé": "dont_know", "no se": "dont_know", "desconocido": "dont_know", "no aplica": "not_applicable",
    "неизвестно": "dont_know", "не известно": "dont_know",
    "لا أعلم": "dont_know", "لا اعلم": "dont_know", "غير معروف": "dont_know",
}


# -- numbers ---------------------------------------------------------------------------------------
_NUMBER = re.compile(r"^[+-]?[\d.,' \u00a0\u202f\u2009]+$")
#: The Arabic decimal and thousands separators ("٣٫٥", "١٬٢٣٤", as an Arabic keyboard types
#: them; the digits themselves are read as digits).
ARABIC_DECIMAL, ARABIC_THOUSANDS = "\u066b", "\u066c"
#: The minus sign of typeset text ("−5"), and the Arabic comma, which Arabic text also groups
#: or parts digits with ("١،٢٣٤"): read as the Latin comma is, by the same rules.
_AS_LATIN = str.maketrans({"\u2212": "-", "\u060c": ","})
#: What follows a percentage typed as text: "%" (and the full-width "％", which NFKC folds into
#: it) and the Arabic percent sign ("٤٥٪").
PERCENT_SIGNS = "%\u066a"


def parse_number(text: str) -> tuple[float | None, bool]:
    """Parse a number typed as text in either decimal convention, or with the Arabic
    separators (which say unambiguously which is the decimal one).

    Returns (value, ambiguous). ``1,234`` and ``1.234`` are ambiguous (a thousands separator or a
    decimal point); they are read as thousands, as both conventions group digits by three.
    """
    raw = _SPACES.sub("", unicodedata.normalize("NFKC", text)).replace("'", "").translate(_AS_LATIN)
    if ARABIC_DECIMAL in raw or ARABIC_THOUSANDS in raw:
        return _arabic_number(raw), False
    if not raw or not _NUMBER.match(raw):
        return None, False
    sign = -1.0 if raw.startswith("-") else 1.0
    body = raw.lstrip("+-")
    if not body or not any(ch.isdigit() for ch in body):
        return None, False
    commas, dots = body.count(","), body.count(".")
    ambiguous = False
    if commas and dots:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        body = body.replace(thousands, "").replace(decimal, ".")
    elif commas or dots:
        sep = "," if commas else "."
        parts = body.split(sep)
        if len(parts) > 2:  # 1,234,567 / 1.234.567
            if not all(len(p) == 3 for p in parts[1:]):
                return None, False
            body = "".join(parts)
        elif len(parts[1]) == 3 and parts[0] not in ("", "0"):
            ambiguous = True
            body = "".join(parts)
        else:
            body = parts[0] + "." + parts[1]
    try:
        return sign * float(body), ambiguous
    except ValueError:
        return None, False


def _arabic_number(raw: str) -> float | None:
    """A number written with the Arabic separators, digits grouped by three before the decimal
    one; None when it mixes them with Latin ones (no reading is sure then)."""
    if "." in raw or "," in raw or raw.count(ARABIC_DECIMAL) > 1 or not _NUMBER.match(
            raw.replace(ARABIC_THOUSANDS, ",").replace(ARABIC_DECIMAL, ".")):
        return None
    whole, _, fraction = raw.partition(ARABIC_DECIMAL)
    groups = whole.lstrip("+-").split(ARABIC_THOUSANDS)
    if not groups[0] or any(len(g) != 3 for g in groups[1:]):
        return None
    try:
        return float(whole.replace(ARABIC_THOUSANDS, "") + ("." + fraction if fraction else ""))
    except ValueError:
        return None


def strip_percent(text: str) -> str:
    """A percentage typed as text without its percent sign ("45 %", "45％", "٤٥٪")."""
    return unicodedata.normalize("NFKC", text).strip().rstrip(PERCENT_SIGNS).strip()


# -- years -----------------------------------------------------------------------------------------
#: A year typed with the word or sign its language writes beside it: "2019年", "2019 г.",
#: "2019 год", "عام 2019", "2019م".
_YEAR = re.compile(r"(?:(?:عام|سنة|year) ?)?(\d{4}) ?(?:年|г\.?|год[уа]?|م)?")


def parse_year(text: str) -> int | None:
    """A year typed as text, alone or with its language's word for a year; None otherwise."""
    match = _YEAR.fullmatch(normalise_text(text).rstrip(" ."))
    return int(match.group(1)) if match else None


# -- dates -----------------------------------------------------------------------------------------
_MONTHS = {m: i for i, names in enumerate([
    ("january", "jan", "janvier", "janv", "enero", "ene", "январь", "января", "янв"),
    ("february", "feb", "février", "févr", "fevrier", "febrero", "февраль", "февраля", "фев", "февр"),
    ("march", "mar", "mars", "marzo", "март", "марта", "мар"),
    ("april", "apr", "avril", "avr", "abril", "abr", "апрель", "апреля", "апр"),
    ("may", "mai", "mayo", "май", "мая"),
    ("june", "jun", "juin", "junio", "июнь", "июня", "июн"),
    ("july", "jul", "juillet", "juil", "julio", "июль", "июля", "июл"),
    ("august", "aug", "août", "aout", "agosto", "ago", "август", "августа", "авг"),
    ("september", "sep", "sept", "septembre", "septiembre", "сентябрь", "сентября", "сен", "сент"),
    ("october", "oct", "octobre", "octubre", "октябрь", "октября", "окт"),
    ("november", "nov", "novembre", "noviembre", "ноябрь", "ноября", "нояб"),
    ("december", "dec", "décembre", "decembre", "déc", "diciembre", "dic", "декабрь", "декабря",
     "дек"),
], start=1) for m in names}


#: The months' Arabic names, as the letters are folded for matching (``_arabic_months``): the
#: Levantine names, the names of Egypt and the Gulf, and those of the Maghreb. The United Nations
#: write two of them together ("آذار/مارس"), as natk-xlsx's own outputs do.
_ARABIC_MONTHS = {name: m for m, names in enumerate([
    ("كانون الثاني", "يناير", "جانفي"),
    ("شباط", "فبراير", "فيفري"),
    ("اذار", "مارس"),
    ("نيسان", "ابريل", "افريل"),
    ("ايار", "مايو", "ماي"),
    ("حزيران", "يونيو", "يونيه", "جوان"),
    ("تموز", "يوليو", "يوليه", "جويليه", "يوليوز"),
    ("اب", "اغسطس", "اوت", "غشت"),
    ("ايلول", "سبتمبر", "شتنبر"),
    ("تشرين الاول", "اكتوبر"),
    ("تشرين الثاني", "نوفمبر", "نونبر"),
    ("كانون الاول", "ديسمبر", "دجنبر"),
], start=1) for name in names}
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                              "ـ": None, "،": ","})
_ARABIC_MONTH = re.compile(
    r"(?<![^\s\d/,])(" + "|".join(sorted(_ARABIC_MONTHS, key=len, reverse=True)) +
    r")(?![^\s\d/,])")
_ENGLISH_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
                   "september", "october", "november", "december")


def _arabic_months(text: str) -> str:
    """``text`` with each Arabic month name in English ("15 آذار/مارس 2025" → "15 march 2025"),
    its letters' variant forms and marks folded first, and the era after the year ("م")
    dropped."""
    folded = re.sub(r"[\u064b-\u065f\u0670]", "", text.translate(_ARABIC_FOLD))
    folded = re.sub(r"(\d)\s*م$", r"\1", folded)
    named = _ARABIC_MONTH.sub(lambda m: _ENGLISH_MONTHS[_ARABIC_MONTHS[m[1]] - 1], folded)
    return re.sub(r"\b([a-z]+)/\1\b", r"\1", named)


#: Languages whose writers put the day first, so that 03/04/2025 is the 3rd of April.
DAY_FIRST = frozenset({"fr", "es", "ru", "ar"})


def parse_date(text: str, day_first: bool = False) -> tuple[dt.date | None, bool]:
    """Parse a date typed as text. Returns (date, ambiguous day/month): 03/04/2025 is read day
    first, and is ambiguous unless the language writes the day first or the date is dotted
    (03.04.2025, which no one writes month first)."""
    t = re.sub(r"(?<=\d)\s*г\.?$", "", normalise_text(text)).strip(" .")  # "2024 г."
    t = re.sub(r"\s+(?:de|del)\s+", " ", t)  # 15 de marzo de 2025
    if re.search(r"[\u0600-\u06ff]", t):
        t = _arabic_months(t)
    try:
        m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?", t)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), False
        m = re.fullmatch(r"(\d{1,2})([-/.])(\d{1,2})[-/.](\d{4}|\d{2})", t)
        if m:
            a, b, y = int(m[1]), int(m[3]), int(m[4])
            y += 2000 if y < 100 else 0
            if a > 12 >= b:
                return dt.date(y, b, a), False
            if b > 12 >= a:
                return dt.date(y, a, b), False
            # day first, as most of the world writes it
            return dt.date(y, b, a), a != b and not day_first and m[2] != "."
        m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th|er)? ([^\d\s,]+),? (\d{4})", t)  # 1er mars
        if m and m[2].rstrip(".") in _MONTHS:  # "15 janv. 2025"
            return dt.date(int(m[3]), _MONTHS[m[2].rstrip(".")], int(m[1])), False
        m = re.fullmatch(r"([^\d\s,]+) (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", t)
        if m and m[1].rstrip(".") in _MONTHS:  # "Sept. 15, 2025"
            return dt.date(int(m[3]), _MONTHS[m[1].rstrip(".")], int(m[2])), False
        m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", t)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), False
    except ValueError:
        return None, False
    return None, False

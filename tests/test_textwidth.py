"""Row heights follow a text's display width: a wide (CJK) character counts double."""

import math

from hypothesis import example, given
from hypothesis import strategies as st

from natk_xlsx.textwidth import MAX_ROW_HEIGHT, display_width, row_height, wrapped_lines


def test_wide_characters_count_double() -> None:
    assert display_width("abc") == 3
    assert display_width("本评估的目的") == 12
    assert display_width("مرحبا") == 5


def test_chinese_wraps_by_display_width_not_character_count() -> None:
    zh = "本评估的目的是了解刑事司法系统应对人口贩运的能力和需要" * 2  # 54 characters
    latin = "a" * 54
    assert wrapped_lines(latin, 55) == 1
    assert wrapped_lines(zh, 55) == 2
    assert row_height([(zh, 55)]) > row_height([(latin, 55)])


def test_words_wrap_whole_and_paragraphs_count() -> None:
    assert wrapped_lines("word " * 30, 20) >= 7
    assert wrapped_lines("one\ntwo\nthree", 40) == 3


def test_height_is_capped_at_excels_maximum() -> None:
    assert row_height([("x" * 100_000, 10)]) == MAX_ROW_HEIGHT


def _reference_lines(text: str, width: float, font_size: float = 10.0) -> int:
    """``wrapped_lines`` the plain way: every paragraph token by token (a token is a run of
    narrow characters with the space after it, or one wide character), every character
    weighed one by one."""
    from natk_xlsx import textwidth as tw

    def weight(part: str, latin: float) -> float:
        return sum(latin if ch.isascii() else tw._char_weight(ch) for ch in part)

    capacity = max(4.0, width * tw.CHARS_PER_UNIT * 10.0 / font_size)
    latin = tw.LATIN_IN_CJK_WEIGHT if any(tw.char_width(c) == 2 for c in text) else 1.0
    lines = 0
    for paragraph in text.split("\n"):
        used, count = 0.0, 1
        for token in tw._tokens(paragraph):
            w = weight(token.rstrip(" "), latin)
            if used and used + w > capacity:
                count, used = count + 1, 0.0
            if w > capacity:
                extra = math.ceil(w / capacity) - 1
                count += extra
                used = w - extra * capacity
            else:
                used += weight(token, latin)
        lines += count
    return max(1, lines)


@given(st.text(alphabet=st.sampled_from("ab  .-\t"), max_size=200),
       st.floats(min_value=1, max_value=60))
def test_the_ascii_path_counts_as_the_token_path(text: str, width: float) -> None:
    """The quick count for ASCII text gives what the token-by-token count gives."""
    assert wrapped_lines.__wrapped__(text, width) == _reference_lines(text, width)


@given(st.text(alphabet=st.sampled_from("ab  \nдЖمحَ中文。、é\u0301\u200f"), max_size=200),
       st.floats(min_value=1, max_value=60), st.sampled_from([8.0, 10.0, 11.0]))
@example("中文\n" + "ab " * 30, 11.2, 10.0)  # Latin words set in the CJK font of the text
@example("Право человека " * 5, 12.0, 10.0)
def test_every_script_counts_as_the_token_path(text: str, width: float, size: float) -> None:
    """Words weighed once each (Latin, Cyrillic, Arabic with its marks, Chinese among them)
    count the lines the character-by-character count gives."""
    assert wrapped_lines.__wrapped__(text, width, size) == _reference_lines(text, width, size)


def test_no_character_below_the_first_wide_one_is_wide() -> None:
    from natk_xlsx.textwidth import FIRST_WIDE, char_width, has_wide

    assert not [c for c in range(ord(FIRST_WIDE)) if char_width(chr(c)) == 2]
    assert char_width(FIRST_WIDE) == 2
    assert has_wide("Право \u2013 中") and not has_wide("Право \u2013 مرحبا")


def test_a_right_to_left_list_of_latin_codes_keeps_a_line_spare() -> None:
    """An Arabic list of Latin codes ("LEG.32،‏ PRS.30،‏ PRV.14", a right-to-left mark after each
    comma) took three lines in LibreOffice's print of the summary where the count said two, and
    the last was cut: such a list keeps a line spare once it wraps, as CJK text mixed with Latin
    words does; on one line it needs none."""
    from natk_xlsx.i18n.languages import join_items

    codes = join_items(["LEG.32", "PRS.30", "PRV.14"], "ar")
    plain = codes.replace("\u200f", "")
    assert wrapped_lines(codes, 14) == wrapped_lines(plain, 14) == 2
    assert row_height([(codes, 14)]) == row_height([(plain, 14)]) + 13.5
    assert row_height([(codes, 40)]) == row_height([(plain, 40)])


def test_an_arabic_sentence_citing_latin_articles_wraps_as_prose() -> None:
    """The spare line is for a list of Latin items alone: a guidance sentence whose citation
    holds the mark ("بروتوكول الاتجار 3(c)،‏ 3(d)") wraps as prose, and keeps no line spare
    (it cost the Arabic questionnaire a page and printed whole without it)."""
    from natk_xlsx.i18n.languages import join_items

    text = "يُرجى تحديد الحقوق التي تنطبق على ضحايا الاتجار [بروتوكول الاتجار " + join_items(
        ["3(c)", "3(d)"], "ar") + "]"
    assert "\u200f" in text and wrapped_lines(text, 20) > 1
    assert row_height([(text, 20)]) == row_height([(text.replace("\u200f", ""), 20)])


def test_wide_punctuation_wraps_with_its_neighbour() -> None:
    """No line starts with a full-width comma, colon or closing bracket, nor ends with an
    opening one (the Chinese summary overprinted a row whose figures "2021：7；2022：9" the
    count broke before each colon, and LibreOffice did not)."""
    from natk_xlsx.textwidth import CHARS_PER_UNIT, _tokens

    assert list(_tokens("2021：41；2022：45")) == ["2021：", "41；", "2022：", "45"]
    assert list(_tokens("是，与（各方）")) == ["是，", "与", "（各", "方）"]
    assert list(_tokens("OSCE、ILO ab")) == ["OSCE、", "ILO ", "ab"]
    # each "2016：7；" takes some 10 columns: in a cell of 16, one a line (not 7 lines cut anywhere)
    assert wrapped_lines("；".join(f"{y}：7" for y in range(2016, 2026)) + "；",
                         16 / CHARS_PER_UNIT) == 10

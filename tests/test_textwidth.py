"""Row heights follow a text's display width: a wide (CJK) character counts double."""

from hypothesis import given
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


@given(st.text(alphabet=st.sampled_from("ab  .-\t"), max_size=200),
       st.floats(min_value=1, max_value=60))
def test_the_ascii_path_counts_as_the_token_path(text: str, width: float) -> None:
    """The quick count for ASCII text gives what the token-by-token count gives."""
    from natk_xlsx.textwidth import CHARS_PER_UNIT, _ascii_lines, _paragraph_lines

    capacity = max(4.0, width * CHARS_PER_UNIT)
    assert _ascii_lines(text, capacity) == _paragraph_lines(text, capacity)

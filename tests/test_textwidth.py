"""Row heights follow a text's display width: a wide (CJK) character counts double."""

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

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hegui.safety import NormalizeOptions, Normalizer

FULL = Normalizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full-width → half-width, case folded
        ("ABC", "abc"),
        ("後來發髮", "后来发发"),  # traditional → simplified, character by character
        ("①⑴⒈❶㈠壹⓿²₈", "111111028"),  # number styles → digits
        ("Ⓐ𝐀𝒜𝔄ａ", "aaaaa"),  # letter styles → letters
        ("冰\u200b毒", "冰毒"),  # zero-width space
        ("冰🙂毒", "冰毒"),  # emoji
        ("冰 毒", "冰毒"),  # space
        ("冰*毒", "冰毒"),  # symbol
        ("冰【毒】", "冰毒"),  # brackets
        ("冰\u0301毒", "冰毒"),  # combining mark
        ("冰.毒", "冰毒"),  # ASCII mark glued between ideographs: interference
        ("冰...毒", "冰\n\n\n毒"),  # an ellipsis ends a sentence (35 per MB of prose)
        ("冰..毒", "冰\n\n毒"),
        ("冰。毒", "冰\n毒"),  # Chinese sentence punctuation: boundary
        ("冰，毒", "冰\n毒"),
        ("冰！毒", "冰\n毒"),  # full-width exclamation: boundary
        ("冰. 毒", "冰\n毒"),  # ASCII mark followed by a space ends a sentence
        ("冰\n毒", "冰\n毒"),
        ("什么,这个", "什么\n这个"),  # ASCII clause punctuation: boundary like its full-width form
        ("冰;毒", "冰\n毒"),
        ("0∶6", "0\n6"),  # ratio sign in scores
        ("冰【毒】", "冰毒"),  # a lenticular bracket around one character: interference
        ("冰[毒]", "冰毒"),
        ("冰“毒”", "冰\n毒\n"),  # prose quotes single characters (在“读”和“用”上)
        ("子（女）", "子\n女\n"),  # and parenthesizes them (黄淑子（女）)
        ("强——毒", "强\n\n毒"),  # the Chinese dash joins clauses
        ("叫他“老板”", "叫他\n老板\n"),  # quotes around a word: boundaries
        ("毅（首都）", "毅\n首都\n"),
        ("xi'an", "xian"),  # apostrophe: interference
        ("3.5", "3\n5"),  # not between ideographs: boundary
        ("a.b", "a\nb"),
    ],
)
def test_full_normalization(text: str, expected: str) -> None:
    assert FULL.text(text) == expected


@pytest.mark.parametrize(
    ("options", "text", "expected"),
    [
        (NormalizeOptions(width=False), "Ａ", "ａ"),
        (NormalizeOptions(case=False), "ABC", "ABC"),
        (NormalizeOptions(traditional=False), "發", "發"),
        (NormalizeOptions(numbers=False), "①壹", "①壹"),
        (NormalizeOptions(letters=False), "Ⓐ", ""),  # a symbol again, so interference
        (NormalizeOptions(skip=False), "冰 毒", "冰 毒"),
        (NormalizeOptions(repeats=True), "冰冰冰毒毒", "冰毒"),
    ],
)
def test_each_step_is_switchable(options: NormalizeOptions, text: str, expected: str) -> None:
    assert Normalizer(options).text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One space between two words: the classic insertion (冰 毒), so interference.
        ("请问冰 毒在哪里", "请问冰毒在哪里"),
        # A line whose writer parts words with spaces (reviews do): the spaces are boundaries.
        ("粗粗地翻了下 买了后很后悔 劝大家不要买", "粗粗地翻了下\n买了后很后悔\n劝大家不要买"),
        # Spaced-out single characters are an insertion even in such a line.
        ("品牌货 价格便宜 配置好 冰 毒 片", "品牌货\n价格便宜\n配置好冰毒片"),
        # Each line is judged on its own.
        ("品牌货 价格便宜 配置好\n请问冰 毒在哪里", "品牌货\n价格便宜\n配置好\n请问冰毒在哪里"),
        # One full stop inside a word: interference.
        ("请问冰.毒在哪里", "请问冰毒在哪里"),
        # Full stops between words of a line typed in half-width punctuation: sentence ends.
        ("不知道在想些什么.这血型说明书,让读的人", "不知道在想些什么\n这血型说明书\n让读的人"),
        ("房间还算整洁.服务不敢恭维.结帐时出了件事", "房间还算整洁\n服务不敢恭维\n结帐时出了件事"),
        # ... but a dot with one character on a side is still an insertion there.
        ("我要买冰.毒,在哪", "我要买冰毒\n在哪"),
        ("冰.毒.片,在哪里买", "冰毒片\n在哪里买"),
    ],
)
def test_separator_style_of_a_line(text: str, expected: str) -> None:
    assert FULL.text(text) == expected


def test_separator_style_is_switchable() -> None:
    off = Normalizer(NormalizeOptions(separators=False))
    assert (
        off.text("粗粗地翻了下 买了后很后悔 劝大家不要买") == "粗粗地翻了下买了后很后悔劝大家不要买"
    )
    assert off.text("房间还算整洁.服务不敢恭维.结帐时") == "房间还算整洁服务不敢恭维结帐时"


def test_separator_style_with_repeats_collapsed() -> None:
    # A run of one character does not continue across a boundary of the line's style.
    norm = Normalizer(NormalizeOptions(repeats=True))("质量极差 差价便宜 配置好")
    assert norm.text() == "质量极差\n差价便宜\n配置好"
    assert norm.crosses(3, 5)
    assert not norm.crosses(4, 6)


def test_positions_index_the_original() -> None:
    norm = FULL("Ｘ 冰*毒")
    assert norm.text() == "x冰毒"
    assert norm.pos.tolist() == [0, 2, 4]
    assert norm.span(1, 3) == (2, 5)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.sampled_from([NormalizeOptions(), NormalizeOptions(repeats=True)]))
def test_positions_increase_and_stay_inside(text: str, options: NormalizeOptions) -> None:
    norm = Normalizer(options)(text)
    pos = norm.pos.tolist()
    assert pos == sorted(set(pos))
    assert all(0 <= p < len(text) for p in pos)
    assert len(norm.chars) == len(pos)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_normalization_is_idempotent_on_kept_text(text: str) -> None:
    once = FULL.text(text)
    # Sentinels (line breaks) stay boundaries; everything kept normalizes to itself.
    assert FULL.text(once) == once

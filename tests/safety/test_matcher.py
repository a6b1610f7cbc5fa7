from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hegui.safety import (
    Lexicon,
    LexiconEntry,
    Matcher,
    MatchOptions,
    Normalizer,
    NormalizeSettings,
)
from hegui.safety._pinyin import SOUND_BASE, SOUND_LIMIT, PinyinTables, pinyin_tables
from hegui.safety._variants import exact_forms, sound_forms

from .conftest import ALL_VARIANTS, make_lexicon


@pytest.mark.parametrize(
    ("text", "span", "variant"),
    [
        ("买冰毒", (1, 3), "exact"),
        ("買冰毒", (1, 3), "exact"),
        ("冰.毒", (0, 3), "normalized"),
        ("冰 * 毒", (0, 5), "normalized"),
        ("冰\u200d毒", (0, 3), "normalized"),
        ("bingdu", (0, 6), "pinyin"),
        ("BING DU", (0, 7), "pinyin"),
        ("ｂｉｎｇｄｕ", (0, 6), "pinyin"),
        ("bing毒", (0, 5), "mixed"),
        ("冰du", (0, 3), "mixed"),
        ("bd", (0, 2), "initials"),
        ("兵毒", (0, 2), "homophone"),
        ("兵du", (0, 3), "homophone"),
        ("1夜情", None, None),  # belongs to the 一夜情 entry, not 冰毒
    ],
)
def test_drug_term_variants(
    drug_matcher: Matcher, text: str, span: tuple[int, int] | None, variant: str | None
) -> None:
    hits = [f for f in drug_matcher.find(text) if f.term == "冰毒"]
    if span is None:
        assert hits == []
    else:
        assert [(f.start, f.end, f.variant) for f in hits] == [(*span, variant)]


@pytest.mark.parametrize(
    "text",
    [
        "滑冰。毒性很强",  # sentence punctuation is a real boundary
        "滑冰，毒性",
        "滑冰. 毒性",  # ASCII full stop followed by a space ends a sentence
        "冰\n毒",
        "病毒",  # homophone matching is on, but 病毒 is bing4 du2 … toneless bingdu!
        "缉冰毒行动",  # inside the entry's allow-list
        "xbingdu",  # pinyin must be a whole word
        "bingdux",
        "of uck",  # skipping the space must not glue words: 'o' precedes the match
    ],
)
def test_no_false_match(drug_matcher: Matcher, text: str) -> None:
    found = [(f.term, f.variant) for f in drug_matcher.find(text) if f.term in {"冰毒", "fuck"}]
    if text == "病毒":
        # Toneless pinyin makes 病毒 a homophone of 冰毒: that is why homophones are off by
        # default and why an entry that turns them on needs an allow-list.
        assert found == [("冰毒", "homophone")]
    else:
        assert found == []


def test_latin_terms_match_whole_words(drug_matcher: Matcher) -> None:
    assert [f.variant for f in drug_matcher.find("the FUCK")] == ["normalized"]
    assert [f.variant for f in drug_matcher.find("f u c k")] == ["normalized"]
    assert drug_matcher.find("fucking") == []


def test_global_allow_list_suppresses_covered_hits() -> None:
    lex = make_lexicon(LexiconEntry(term="洗钱", risk="A.1.h"), allow=("反洗钱",))
    m = Matcher(lex)
    assert m.find("反洗钱法") == []
    assert [f.start for f in m.find("帮人洗钱")] == [2]


def test_homophones_off_by_default() -> None:
    m = Matcher(make_lexicon(LexiconEntry(term="冰毒", risk="A.1.h")))
    assert m.find("兵毒") == []
    assert [f.variant for f in m.find("bingdu")] == ["pinyin"]


def test_polyphone_uses_phrase_reading() -> None:
    m = Matcher(make_lexicon(LexiconEntry(term="银行卡", risk="A.1.h")))
    assert [f.variant for f in m.find("yinhangka")] == ["pinyin"]


@pytest.mark.parametrize(
    ("term", "spelled"),
    [
        ("非法出售公民个人信息", 1),  # 55 contiguous mixed spellings, one spelled pattern
        ("冰毒", 1),
        ("银行卡", 2),  # phrase reading yin hang differs from the first readings yin xing
    ],
)
def test_variant_patterns_are_bounded(term: str, spelled: int) -> None:
    m = Matcher(make_lexicon(LexiconEntry(term=term, risk="A.4.f", match=ALL_VARIANTS)))
    # normalized + initials; one all-sound form; the spelled forms
    assert len(m._exact) == 2
    assert m._sound is not None and len(m._sound) == 1
    assert m._spelled is not None and len(m._spelled) == spelled


FORM_TERMS = ["冰毒", "银行卡", "一夜情", "K粉", "安娜", "非法出售公民个人信息", "行长"]


def _homophone_of(tables: PinyinTables, syllable: str, avoid: str) -> str:
    return next(
        chr(cp)
        for cp, s in sorted(tables.reading.items())
        if s == syllable and 0x4E00 <= cp <= 0x9FFF and chr(cp) not in avoid
    )


@pytest.mark.parametrize("repeats", [False, True])
def test_every_enumerated_form_is_found(repeats: bool) -> None:
    """The spelled view finds exactly what the enumerated forms of ``_variants`` define."""
    lex = Lexicon(
        version="forms",
        normalize=NormalizeSettings(repeats=repeats),
        entries=tuple(LexiconEntry(term=t, risk="A.1.h", match=ALL_VARIANTS) for t in FORM_TERMS),
    )
    m, tables = Matcher(lex), pinyin_tables()
    checked = 0
    for entry, norm in zip(lex.entries, m.normalized_terms, strict=True):
        syllables = tables.spell(norm)
        sounds = [chr(tables.sound_of(s)) if s else None for s in syllables]
        texts = [f for f, _ in exact_forms(norm, syllables, pinyin=True, initials=True, mixed=True)]
        for form, _ in sound_forms(norm, syllables, sounds, mixed=True):
            texts.append(
                "".join(
                    _homophone_of(tables, tables.syllables[ord(c) - SOUND_BASE], norm)
                    if ord(c) >= SOUND_BASE
                    else c
                    for c in form
                )
            )
        for form in texts:
            text = f"请问{form}在哪"
            spans = {(f.start, f.end) for f in m.find(text) if f.entry_id == entry.key}
            assert (2, 2 + len(form)) in spans, (entry.term, form)
            checked += 1
    assert checked > 100


PIECES_V = st.sampled_from(
    [*"冰毒兵银行卡一夜情安娜K粉", "bing", "du", "yin", "hang", "xing", "an", "na", "ka", " ", "。"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES_V, max_size=12).map("".join))
def test_variant_findings_are_forms_of_their_entry(text: str) -> None:
    m, tables = _variant_matcher(), pinyin_tables()
    norm = Normalizer()
    for f in m.find(text):
        entry_norm = norm.text(f.term)
        span = norm.text(text[f.start : f.end])
        syllables = tables.spell(entry_norm)
        forms = dict(exact_forms(entry_norm, syllables, pinyin=True, initials=True, mixed=True))
        sounds = [chr(tables.sound_of(s)) if s else None for s in syllables]
        sound = {g for g, _ in sound_forms(entry_norm, syllables, sounds, mixed=True)}
        if f.variant == "homophone":
            assert (
                "".join(chr(tables.sound[ord(c)]) if ord(c) < SOUND_LIMIT else c for c in span)
                in sound
            )
        else:
            assert f.variant in {"exact", forms.get(span)}, (f, span)


@functools.cache
def _variant_matcher() -> Matcher:
    entries = (LexiconEntry(term=t, risk="A.1.h", match=ALL_VARIANTS) for t in FORM_TERMS)
    return Matcher(make_lexicon(*entries))


TERMS = ["冰毒", "海洛因", "ab", "K粉", "一冰", "陆毒"]
PIECES = st.one_of(
    st.sampled_from(list("冰毒海洛因abK粉 .*。，,\n【】\u200b🙂ＡＢ發1一陆六")),
    st.characters(codec="utf-8"),
)


@functools.cache
def _plain_matcher() -> Matcher:
    entries = (LexiconEntry(term=t, risk="A.1.h", match=MatchOptions(pinyin=False)) for t in TERMS)
    return Matcher(make_lexicon(*entries))


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_spans_index_the_original_and_normalize_to_the_term(text: str) -> None:
    norm = Normalizer()
    for f in _plain_matcher().find(text):
        assert 0 <= f.start < f.end <= len(text)
        assert norm.text(text[f.start : f.end]) == norm.text(f.term)


def test_repeats_collapse_covers_the_whole_run() -> None:
    from hegui.safety import Lexicon, NormalizeSettings

    lex = Lexicon(
        version="r",
        normalize=NormalizeSettings(repeats=True),
        entries=(LexiconEntry(term="GHB", risk="A.1.h"), LexiconEntry(term="制作", risk="A.1.d")),
    )
    m = Matcher(lex)
    assert [(f.start, f.end) for f in m.find("买GGHHBB吧")] == [(1, 7)]
    assert [(f.start, f.end) for f in m.find("zzhhiizuo")] == [(0, 9)]


@pytest.mark.parametrize(
    ("term", "spelled"),
    [("一撮", "yizuo"), ("喙长三尺", "huichangsanchi"), ("昼乾夕惕", "zhouqianxiti")],
)
def test_phrase_readings_survive_normalization(term: str, spelled: str) -> None:
    # The term is spelled after 一 → 1 and 乾 → 干; its phrase reading must still apply.
    m = Matcher(make_lexicon(LexiconEntry(term=term, risk="A.1.h", match=ALL_VARIANTS)))
    assert [f.variant for f in m.find(f"请问{spelled}在哪")] == ["pinyin"]


def test_chinese_numerals_and_digits_share_readings() -> None:
    m = Matcher(make_lexicon(LexiconEntry(term="一夜情", risk="A.1.f", match=ALL_VARIANTS)))
    for text in ("壹夜情", "1夜情", "yiyeqing", "衣夜情", "一.夜.情"):
        assert [f.term for f in m.find(text)] == ["一夜情"], text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("六四", True),
        ("陆肆", True),  # a number style of the numerals
        ("⑥④", True),
        ("〇六", False),  # another entry's numerals
        ("64", False),  # a plain number: 1964, 64 kg
        ("６４", False),
        ("六4", True),  # digits standing in for some numerals only: still the word
    ],
)
def test_numeral_terms_are_not_plain_numbers(text: str, found: bool) -> None:
    m = Matcher(make_lexicon(LexiconEntry(term="六四", risk="A.1.a")))
    assert bool(m.find(f"说{text}了")) is found
    digits = Matcher(make_lexicon(LexiconEntry(term="64", risk="A.1.a")))  # listed as digits
    assert [f.variant for f in digits.find("说64了")] == ["exact"]
    asked = Matcher(make_lexicon(LexiconEntry(term="六四", risk="A.1.a", match=ALL_VARIANTS)))
    assert bool(asked.find(f"说{text}了")) is found  # ``digits`` never makes a number the word


@pytest.mark.parametrize(
    ("term", "text", "plain", "asked"),
    [
        # Everyday numbers are not numeral words (each was a hit on the benchmark corpus).
        ("一个", "买了1个", None, "digits"),
        ("二生", "２·生活单调", None, "digits"),
        ("谓五", "所謂５樓", None, "digits"),
        ("一夜情", "1夜情", None, "digits"),
        ("一夜情", "１夜情", None, "digits"),
        ("64", "说六四了", None, "digits"),
        # Styled numbers and numerals stand for either.
        ("一夜情", "①夜情", "normalized", "normalized"),
        ("一夜情", "壹夜情", "normalized", "normalized"),
        ("一夜情", "㈠夜情", "normalized", "normalized"),
        ("64", "说⑥④了", "normalized", "normalized"),
        ("一夜情", "一夜情", "exact", "exact"),
        # A numeral word written half in digits is the word.
        ("三过氧化三丙酮", "3过氧化三丙酮", "normalized", "normalized"),
        ("三过氧化三丙酮", "3过氧化3丙酮", None, "digits"),
    ],
)
def test_plain_digits_stand_for_numerals_only_when_asked(
    term: str, text: str, plain: str | None, asked: str | None
) -> None:
    for match, want in ((MatchOptions(), plain), (MatchOptions(digits=True), asked)):
        m = Matcher(make_lexicon(LexiconEntry(term=term, risk="A.1.h", match=match)))
        assert [f.variant for f in m.find(text)] == ([want] if want else []), (term, text, match)


@pytest.mark.parametrize(
    ("term", "text"),
    [
        # Lines of the benchmark corpus where normalization once made a hit.
        ("下买", "粗粗地翻了下 买了后很后悔是本垃圾书 劝大家不要买"),
        ("么这", "很多时候自己也不知道在想些什么.这血型说明书,让读的人从不同的角度了解"),
        ("家门", "也是我目前最满意的一家.门口就有便利,水果店"),
        ("美好", "并不希望你们做得有多完美..好好改进吧,否则"),
        ("二生", "２·生活单调，业余"),
        ("谓五", "我住的是所謂５樓行政房．雖"),
        ("省区", "国内２８个省（区）及新加坡"),
        ("在读", "在“读”和“用”上"),
        ("音读", "历史深处的回音——读《中国历代智"),
        ("和汛", "见 http://blog.hexun.com/2"),
    ],
)
def test_benign_lines_that_normalization_once_joined(term: str, text: str) -> None:
    m = Matcher(make_lexicon(LexiconEntry(term=term, risk="A.1.h")))
    assert m.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "请问冰 毒在哪里",
        "请问冰.毒在哪里",
        "我要买冰.毒,在哪",
        "冰 毒 片 价格便宜 配置好",
        "冰【毒】",
    ],
)
def test_insertions_are_still_caught(text: str) -> None:
    m = Matcher(make_lexicon(LexiconEntry(term="冰毒", risk="A.1.h")))
    assert [f.term for f in m.find(text)] == ["冰毒"]


@pytest.mark.parametrize(
    ("term", "text"),
    [("陆地", "南以及昌都等６地市"), ("内陆", "市内六城区"), ("队伍", "一队五人")],
)
def test_financial_numerals_in_a_term_are_characters(term: str, text: str) -> None:
    for match in (MatchOptions(), MatchOptions(digits=True)):
        m = Matcher(make_lexicon(LexiconEntry(term=term, risk="A.1.h", match=match)))
        assert m.find(text) == []
        assert [f.variant for f in m.find(f"x{term}x")] == ["exact"]


def test_pinyin_in_a_dotted_name_is_not_a_word() -> None:
    m = Matcher(make_lexicon(LexiconEntry(term="天涯", risk="A.1.h")))
    assert m.find("见 cache.tianya.cn/pub 和 tianya@example.com") == []
    assert [f.variant for f in m.find("去tianya看看. tianya.")] == ["pinyin", "pinyin"]


def test_starter_entries_that_ask_for_digits() -> None:
    from hegui.safety import Screener, starter_lexicon

    screener = Screener(lexicon=starter_lexicon())
    assert [f.term for f in screener.screen("约1夜情吗", "input").findings] == ["一夜情"]
    assert [f.variant for f in screener.screen("约1夜情吗", "input").findings] == ["digits"]
    assert screener.screen("我买了1个夜灯", "input").findings == ()
    # A numeral folds to a digit, but Han text has no word boundaries to check.
    assert [f.term for f in screener.screen("约ta一夜情吗", "input").findings] == ["一夜情"]

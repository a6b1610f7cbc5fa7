from __future__ import annotations

import json

import numpy as np

from hegui.safety._pinyin import (
    SOUND_LIMIT,
    _data_text,
    char_readings,
    phrase_readings,
    pinyin_tables,
)


def test_data_readers_agree_with_json() -> None:
    chars = json.loads(_data_text("pinyin_dict.json"))
    assert dict(char_readings()) == {int(cp): r.split(",")[0] for cp, r in chars.items()}
    phrases = json.loads(_data_text("phrases_dict.json"))
    assert dict(phrase_readings()) == {k: [p[0] for p in v] for k, v in phrases.items()}


def test_sounds_cover_every_code_point() -> None:
    t = pinyin_tables()
    chars = np.array([ord("冰"), ord("兵"), ord("a"), ord("3"), 0x323AF, 0xE0001, 0x10FFFF])
    got = t.sounds(chars.astype(np.uint32)).tolist()
    assert got[0] == got[1] == t.sound_of("bing")
    assert got[2] == ord("a")
    assert got[3] == t.sound_of("san")  # digits read as their numerals
    assert got[5:] == [0xE0001, 0x10FFFF]  # past the table: unchanged
    assert len(t.sound) == SOUND_LIMIT


def test_phrase_reading_wins_over_first_readings() -> None:
    t = pinyin_tables()
    assert t.spell("银行卡") == ("yin", "hang", "ka")
    assert t.spell("行走") == ("xing", "zou")

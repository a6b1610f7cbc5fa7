"""Pinyin for variant matching: a sound table over code points, and spellings of terms.

Homophones are not enumerated. A term of four characters with thirty homophones each would
have 810,000 spellings; instead every Han character of the text is mapped (one table lookup)
to a *sound id* — a private-use code point that stands for its toneless syllable — and the
term's sound ids are one more pattern. Memory per entry stays proportional to its length.

Readings come from pypinyin's data: the first (most common) reading per character for the text,
and the phrase reading when the whole term is a known phrase (``银行`` → ``yin hang``). The data
files are read directly rather than imported: importing pypinyin keeps both dictionaries alive
in ``sys.modules`` (about 50 MB) and trains its word segmenter, while the matcher needs the
readings and the 3,400 phrases whose reading differs from the per-character one.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt

from hegui.errors import MissingDependencyError

__all__ = [
    "SOUND_BASE",
    "SOUND_LIMIT",
    "PinyinTables",
    "char_readings",
    "phrase_readings",
    "pinyin_tables",
]

_MAX_PHRASE = 4
SOUND_LIMIT = 0x32400
"""The sound table covers code points below this (every ideograph): 0.8 MB, not 4.5 MB."""
SOUND_BASE = 0xE000
"""Sound ids live in the BMP private-use area; private-use characters in a text are interference
(skipped), so a sound id never collides with a character of the text."""


@functools.cache
def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(frozen=True, slots=True)
class PinyinTables:
    """Syllables, the per-character reading, and the sound table."""

    syllables: tuple[str, ...]
    """Toneless syllables; sound id ``SOUND_BASE + i`` stands for ``syllables[i]``."""
    reading: dict[int, str]
    """Code point → toneless syllable of its first reading."""
    phrases: dict[str, tuple[str, ...]]
    """Phrase → toneless syllables, for phrases whose reading differs from the per-character one."""
    sound: npt.NDArray[np.uint32]
    """Code point → sound id (Han, digits) or itself, for code points below ``SOUND_LIMIT``
    (past the last ideograph; use :meth:`sounds`, which handles the rest)."""
    syllable_id: dict[str, int]
    letters: npt.NDArray[np.uint32]
    """The letters of every syllable, concatenated in id order."""
    offsets: npt.NDArray[np.int64]
    """``letters[offsets[i]:offsets[i + 1]]`` spells syllable ``i``."""

    def spell(self, term: str) -> tuple[str | None, ...]:
        """Toneless syllable of each character of ``term`` (``None`` for a non-Han character)."""
        out: list[str | None] = [self.reading.get(ord(c)) for c in term]
        # Greedy longest phrase first, so 银行卡 reads yin hang ka, not yin xing ka.
        i = 0
        while i < len(term):
            for size in range(min(_MAX_PHRASE, len(term) - i), 1, -1):
                phrase = self.phrases.get(term[i : i + size])
                if phrase is not None and len(phrase) == size:
                    out[i : i + size] = phrase
                    i += size
                    break
            else:
                i += 1
        return tuple(out)

    def phrase_keys(self) -> Iterator[str]:
        """The phrases :meth:`spell` can apply (2 to 4 characters)."""
        return (p for p, s in self.phrases.items() if 2 <= len(p) == len(s) <= _MAX_PHRASE)

    def sounds(self, chars: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        """Sound id of every character that has a reading; other characters unchanged."""
        if not len(chars) or int(chars.max()) < SOUND_LIMIT:
            return self.sound[chars]
        out = self.sound[np.minimum(chars, SOUND_LIMIT - 1)]
        high = chars >= SOUND_LIMIT
        out[high] = chars[high]
        return out

    def sound_of(self, syllable: str) -> int:
        """The sound-id code point of a syllable."""
        return SOUND_BASE + self.syllable_id[syllable]


# pypinyin's data files are JSON of one shape: {"19968": "yī,yí", …} and {"一丁": [["yī"],
# ["dīng"]], …}. Read with these patterns, one match at a time, the 47,000 phrases never exist
# as 200,000 Python lists and strings at once (json.loads peaks ~20 MB higher, and the freed
# memory stays with the process). A file with escapes goes through json.loads instead.
_CHAR = re.compile(r'"(\d+)"\s*:\s*"([^"\\]*)"')
_PHRASE = re.compile(r'"([^"\\]+)"\s*:\s*\[(.*?)\]\s*\]', re.S)
_FIRST = re.compile(r'\[\s*"([^"\\]*)"')


def _data_text(name: str) -> str:
    """A data file of pypinyin, read without importing the package.

    Importing pypinyin loads both dictionaries into module globals and trains a segmenter.
    """
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("pinyin variant matching", "pypinyin", "safety")
    path = Path(next(iter(spec.submodule_search_locations))) / name
    return path.read_text(encoding="utf-8")


def char_readings() -> Iterator[tuple[int, str]]:
    """(code point, first reading with tone marks) for every character pypinyin knows."""
    text = _data_text("pinyin_dict.json")
    if "\\" in text:
        data = cast(dict[str, str], json.loads(text))
        yield from ((int(cp), r.split(",")[0]) for cp, r in data.items())
        return
    for m in _CHAR.finditer(text):
        yield int(m.group(1)), m.group(2).split(",")[0]


def phrase_readings() -> Iterator[tuple[str, list[str]]]:
    """(phrase, first reading of each character) for every phrase pypinyin knows."""
    text = _data_text("phrases_dict.json")
    if "\\" in text:
        data = cast(dict[str, list[list[str]]], json.loads(text))
        yield from ((k, [p[0] for p in v]) for k, v in data.items())
        return
    for m in _PHRASE.finditer(text):
        yield m.group(1), _FIRST.findall(m.group(2))


@functools.cache
def pinyin_tables() -> PinyinTables:
    """Build the pinyin tables once per process (about 0.2 s)."""
    reading: dict[int, str] = {}
    for cp, marked in char_readings():
        first = _toneless(marked)
        if first.isascii() and first.isalpha():
            reading[cp] = first
    # Digits read as their Chinese numerals: number styles fold 壹 and ① to digits, so the
    # sound and spelled forms of a digit are those of 一, 二 … (壹夜情, yiyeqing, 衣夜情).
    for digit, syllable in enumerate(
        ("ling", "yi", "er", "san", "si", "wu", "liu", "qi", "ba", "jiu")
    ):
        reading[0x30 + digit] = syllable
    syllables = tuple(sorted(set(reading.values())))
    syllable_id = {s: i for i, s in enumerate(syllables)}
    sound = np.arange(SOUND_LIMIT, dtype=np.uint32)
    cps = np.fromiter(reading.keys(), dtype=np.uint32, count=len(reading))
    ids = np.fromiter((syllable_id[r] for r in reading.values()), dtype=np.uint32, count=len(cps))
    sound[cps] = SOUND_BASE + ids
    sound.setflags(write=False)
    phrases: dict[str, tuple[str, ...]] = {}
    # Terms are spelled after normalization (一撮 → 1撮, 昼乾夕惕 → 昼干夕惕), so each phrase is
    # also kept under its normalized form: one code point to one, as the default options fold.
    from hegui.safety._tables import NormalizeOptions, tables

    fold = tables(NormalizeOptions()).fold
    for phrase, marks in phrase_readings():
        spelled = tuple(_toneless(p) for p in marks)
        if not all(s in syllable_id for s in spelled):
            continue
        folded = "".join(chr(fold[ord(c)]) for c in phrase)
        for key in {phrase, folded}:
            if spelled != tuple(reading.get(ord(c)) for c in key):
                phrases.setdefault(key, spelled)
    joined = "".join(syllables)
    letters = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4").copy()
    offsets = np.concatenate(([0], np.cumsum([len(s) for s in syllables]))).astype(np.int64)
    return PinyinTables(
        syllables=syllables,
        reading=reading,
        phrases=phrases,
        sound=sound,
        syllable_id=syllable_id,
        letters=letters,
        offsets=offsets,
    )

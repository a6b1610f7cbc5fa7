"""The spelled view: normalized text with every Han character spelled in pinyin.

Pinyin and mixed forms (``bingdu``, ``bing毒``, ``冰du``) are not compiled one pattern per
spelling. Spell the text itself — each character that has a reading becomes the letters of its
first reading — and every one of an entry's 2^h − 1 spellings turns into the same string: the
entry's own spelled form. One pattern per entry then finds every candidate, and verification
(:mod:`hegui.safety._variants`) keeps a hit only if the normalized span is one of the entry's
forms, so the matches are exactly those of the enumerated forms.

Pinyin and mixed forms always contain a letter, so only the parts of the text within a term's
length of an ASCII letter are spelled (``windows``); Chinese prose without Latin letters costs
nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hegui.safety._pinyin import SOUND_BASE, PinyinTables
from hegui.safety._tables import SENTINEL

__all__ = ["Spelled", "is_letter", "spell", "spelled_view", "valid_text"]


def valid_text(cps: npt.NDArray[np.uint32]) -> str:
    """Decode code points to a string a UTF-8 automaton accepts (lone surrogates → U+FFFD)."""
    surrogate = (cps >= 0xD800) & (cps <= 0xDFFF)
    if surrogate.any():
        cps = np.where(surrogate, np.uint32(0xFFFD), cps)
    return cps.tobytes().decode("utf-32-le")


def is_letter(chars: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """ASCII lowercase letters (normalized text is case-folded)."""
    return (chars >= 0x61) & (chars <= 0x7A)


def spell(
    chars: npt.NDArray[np.uint32], tables: PinyinTables
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Spell every character that has a reading by its first reading's letters.

    Returns:
        The spelled code points, the index in ``chars`` of each, and where each character of
        ``chars`` starts in the spelled array (one more entry: the total length).
    """
    snd = tables.sounds(chars)
    has = snd != chars
    sid = np.where(has, snd.astype(np.int64) - SOUND_BASE, 0)
    offsets = tables.offsets
    lengths = np.where(has, offsets[sid + 1] - offsets[sid], 1)
    bounds = np.zeros(len(chars) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    unit = np.repeat(np.arange(len(chars), dtype=np.int64), lengths)
    within = np.arange(len(unit), dtype=np.int64) - bounds[unit]
    letters = tables.letters[np.where(has[unit], offsets[sid[unit]] + within, 0)]
    return np.where(has[unit], letters, chars[unit]), unit, bounds


@dataclass(frozen=True, slots=True)
class Spelled:
    """The spelled windows of one normalized text."""

    text: str
    """Spelled characters; windows are separated by a line break, which no pattern contains."""
    unit: npt.NDArray[np.int64]
    """Index into the normalized characters of each spelled character."""
    first: npt.NDArray[np.bool_]
    """The spelled character is the first of its unit's spelling."""
    last: npt.NDArray[np.bool_]
    letters: npt.NDArray[np.int64]
    """Running count of spelled characters that are letters of the text itself (length + 1)."""

    def spans(
        self, hits: list[tuple[int, int, int]]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Hits that start and end on whole characters and contain a letter of the text.

        Returns:
            Pattern, start and end arrays; starts and ends in normalized-character indices.
        """
        if not hits:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        h = np.array(hits, dtype=np.int64)
        p, s, e = h[:, 0], h[:, 1], h[:, 2]
        ok = self.first[s] & self.last[e - 1] & (self.letters[e] > self.letters[s])
        return p[ok], self.unit[s[ok]], self.unit[e[ok] - 1] + 1


def spelled_view(
    chars: npt.NDArray[np.uint32], radius: int, tables: PinyinTables
) -> Spelled | None:
    """Spell the characters within ``radius`` of an ASCII letter (``None`` if there is none).

    Args:
        chars: Normalized code points.
        radius: How far a form can reach from one of its letters: the longest spelled entry's
            length in normalized characters, less one.
        tables: Pinyin tables.
    """
    letter = is_letter(chars)
    at = np.flatnonzero(letter)
    if not len(at):
        return None
    # Windows [p - radius, p + radius] around every letter, merged where they touch.
    lo = np.maximum(at - radius, 0)
    hi = np.minimum(at + radius + 1, len(chars))
    opens = np.concatenate(([True], lo[1:] > hi[:-1]))
    closes = np.concatenate((opens[1:], [True]))
    run_lo, run_hi = lo[opens], hi[closes]
    # Each window is followed by a separator; the last one is dropped.
    sizes = run_hi - run_lo + 1
    ends = np.cumsum(sizes)
    offs = np.arange(int(ends[-1]) - 1, dtype=np.int64)
    units = offs + np.repeat(run_lo - (ends - sizes), sizes)[:-1]
    is_sep = np.zeros(len(units), dtype=np.bool_)
    is_sep[ends[:-1] - 1] = True
    units[is_sep] = -1
    picked = np.where(is_sep, np.uint32(SENTINEL), chars[np.maximum(units, 0)])
    view, unit, bounds = spell(picked, tables)
    first = np.zeros(len(view), dtype=np.bool_)
    first[bounds[:-1]] = True
    last = np.zeros(len(view), dtype=np.bool_)
    last[bounds[1:] - 1] = True
    from_letter = letter[units[unit]] & ~is_sep[unit]
    letters = np.zeros(len(view) + 1, dtype=np.int64)
    np.cumsum(from_letter, out=letters[1:])
    return Spelled(
        text=valid_text(view),
        unit=units[unit],
        first=first,
        last=last,
        letters=letters,
    )

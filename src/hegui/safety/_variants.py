"""The forms an entry matches in: normalized, pinyin, initials, mixed Han/pinyin, homophones.

Forms are patterns over the normalized alphabet. How their number stays bounded:

* homophones are never enumerated: one *sound* pattern (sound ids, see ``_pinyin``) per entry
  stands for every same-pinyin spelling, matched against a sound-mapped copy of the text;
* mixed forms are all 2^h − 2 ways to spell some Han positions in pinyin while h ≤ 5, and past
  that only the h(h+1)/2 forms that spell one contiguous run;
* terms are at most 64 characters.

So an entry of h Han characters yields at most max(2^5, h(h+1)/2) + 3 patterns, and the matcher
keeps each distinct pattern once however many entries share it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from enum import StrEnum

__all__ = ["MAX_FULL_MIX", "Variant", "exact_forms", "sound_forms"]

MAX_FULL_MIX = 5


class Variant(StrEnum):
    """How a lexicon hit relates to its entry's term."""

    EXACT = "exact"
    """The original span is the term itself."""
    NORMALIZED = "normalized"
    """The span normalizes to the term (width, case, traditional, styles, interference …)."""
    PINYIN = "pinyin"
    INITIALS = "initials"
    MIXED = "mixed"
    HOMOPHONE = "homophone"
    ALLOW = "allow"
    """An allow-list string (suppresses hits it covers)."""


Form = tuple[str, Variant]


def _choices(positions: Sequence[int], h: int) -> Iterator[frozenset[int]]:
    """Sets of Han positions to spell in pinyin, as bounded in the module docstring."""
    if h <= MAX_FULL_MIX:
        for r in range(1, h + 1):
            for combo in itertools.combinations(positions, r):
                yield frozenset(combo)
        return
    for i in range(h):
        for j in range(i + 1, h + 1):
            yield frozenset(positions[i:j])


def exact_forms(
    norm: str,
    syllables: Sequence[str | None],
    *,
    pinyin: bool,
    initials: bool,
    mixed: bool,
) -> list[Form]:
    """Forms matched against the normalized text (Han characters as themselves).

    Args:
        norm: The normalized term.
        syllables: Toneless syllable per character of ``norm`` (``None`` where not Han).
        pinyin: Include the all-pinyin spelling.
        initials: Include the initials spelling.
        mixed: Include Han/pinyin mixtures.
    """
    forms: list[Form] = [(norm, Variant.NORMALIZED)]
    han = [i for i, s in enumerate(syllables) if s]
    h = len(han)
    if h == 0:
        return forms
    if pinyin or mixed:
        for spelled in _choices(han, h):
            full = len(spelled) == h
            if (full and not pinyin) or (not full and not mixed):
                continue
            text = "".join(
                syllables[i] if i in spelled else c  # type: ignore[misc]
                for i, c in enumerate(norm)
            )
            forms.append((text, Variant.PINYIN if full else Variant.MIXED))
    if initials and h >= 2:
        text = "".join(s[0] if s else c for s, c in zip(syllables, norm, strict=True))
        forms.append((text, Variant.INITIALS))
    return forms


def sound_forms(
    norm: str,
    syllables: Sequence[str | None],
    sounds: Sequence[str | None],
    *,
    mixed: bool,
) -> list[Form]:
    """Forms matched against the sound-mapped text (Han characters as sound ids).

    Args:
        norm: The normalized term.
        syllables: Toneless syllable per character (``None`` where not Han).
        sounds: Sound-id character per character (``None`` where not Han).
        mixed: Include forms that spell some positions in pinyin.
    """
    han = [i for i, s in enumerate(sounds) if s]
    h = len(han)
    if h == 0:
        return []
    base = "".join(s or c for s, c in zip(sounds, norm, strict=True))
    forms: list[Form] = [(base, Variant.HOMOPHONE)]
    if mixed and h >= 2:
        for spelled in _choices(han, h):
            if len(spelled) == h:
                continue  # all-pinyin is an exact form
            text = "".join(
                (syllables[i] if i in spelled else sounds[i]) or c for i, c in enumerate(norm)
            )
            forms.append((text, Variant.HOMOPHONE))
    return forms

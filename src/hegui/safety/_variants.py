"""The forms an entry matches in: normalized, pinyin, initials, mixed Han/pinyin, homophones.

:func:`exact_forms` and :func:`sound_forms` define what matches. How their number stays bounded:

* homophones are never enumerated: one *sound* pattern (sound ids, see ``_pinyin``) per entry
  stands for every same-pinyin spelling, matched against a sound-mapped copy of the text;
* mixed forms are all 2^h − 2 ways to spell some Han positions in pinyin while h ≤ 5, and past
  that only the h(h+1)/2 forms that spell one contiguous run;
* terms are at most 64 characters.

The pinyin, mixed and mixed-sound forms are not compiled: they all spell to one string in the
spelled view (``_spelled``), which is the one pattern an entry contributes there. A candidate
is verified against the entry's forms, enumerated on demand and kept in a bounded cache
(:class:`FormSets`). Compiled patterns per entry: the normalized form, initials, one sound form
and one spelled form — a few more spelled forms only for the entries whose phrase reading
differs from the per-character one (``银行``: at most the bound above) or, with repeats
collapsed, whose spelling has a doubled letter at a syllable junction.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hegui.safety._lexicon import MatchOptions
    from hegui.safety._pinyin import PinyinTables

__all__ = ["MAX_FULL_MIX", "FormSets", "Variant", "collapse", "exact_forms", "sound_forms"]

MAX_FULL_MIX = 5
_RUNS = re.compile(r"(.)\1+", re.S)


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
    DIGITS = "digits"
    """Plain digits for the term's Chinese numerals or back (the entry's ``digits`` option)."""
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


def collapse(form: str) -> str:
    """``form`` with runs of one character collapsed (what the ``repeats`` step does to text)."""
    return _RUNS.sub(r"\1", form)


_RANK = {v: i for i, v in enumerate(Variant)}


class FormSets:
    """The pinyin, mixed and mixed-sound forms of entries, enumerated when first needed.

    Only entries with a candidate hit in the spelled view are enumerated; at most ``limit``
    entries are kept (the cache starts over past that), so memory stays bounded however large
    the lexicon.
    """

    def __init__(
        self,
        norms: Sequence[str],
        matches: Sequence[MatchOptions],
        tables: PinyinTables,
        *,
        repeats: bool,
        limit: int = 4096,
    ) -> None:
        self._norms = norms
        self._matches = matches
        self._tables = tables
        self._repeats = repeats
        self._limit = limit
        self._cache: dict[int, tuple[dict[str, Variant], frozenset[str]]] = {}

    def get(self, owner: int) -> tuple[dict[str, Variant], frozenset[str]]:
        """(form → variant over the normalized text, forms over the sound-mapped text)."""
        got = self._cache.get(owner)
        if got is None:
            got = self._build(owner)
            if len(self._cache) >= self._limit:
                self._cache.clear()
            self._cache[owner] = got
        return got

    def _build(self, owner: int) -> tuple[dict[str, Variant], frozenset[str]]:
        norm, m, tables = self._norms[owner], self._matches[owner], self._tables
        syllables = tables.spell(norm)
        exact: dict[str, Variant] = {}
        for form, variant in exact_forms(
            norm, syllables, pinyin=m.pinyin, initials=False, mixed=m.mixed
        ):
            if variant is Variant.NORMALIZED:
                continue  # the normalized form has its own pattern
            key = collapse(form) if self._repeats else form
            if key not in exact or _RANK[variant] < _RANK[exact[key]]:
                exact[key] = variant
        sound: frozenset[str] = frozenset()
        if m.homophones and m.mixed:
            sounds = [chr(tables.sound_of(s)) if s else None for s in syllables]
            found = (f for f, _ in sound_forms(norm, syllables, sounds, mixed=True))
            sound = frozenset(collapse(f) if self._repeats else f for f in found)
        return exact, sound

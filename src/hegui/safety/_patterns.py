"""The patterns a lexicon compiles to, built in bulk.

Most of the work is array operations over all terms at once: the terms are joined into one
code-point array, spelled, initialled and sound-mapped by table lookups (one lookup per
character, whatever the number of terms), and cut back into one string per term. Python looks
at a term on its own only when it is *irregular*: it contains a phrase whose reading differs
from its characters' first readings (``银行``), or, with repeats collapsed, its spelling has a
doubled letter or sound where two syllables meet (its forms collapse differently). For those
the forms of :mod:`hegui.safety._variants` are enumerated and spelled one by one.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from hegui.safety._pinyin import SOUND_BASE, PinyinTables
from hegui.safety._spelled import spell, valid_text
from hegui.safety._variants import Variant, collapse, exact_forms, sound_forms

if TYPE_CHECKING:
    import ahocorasick_rs

    from hegui.safety._lexicon import MatchOptions

__all__ = ["VARIANTS", "Forms", "Patterns", "build_patterns"]

VARIANTS = tuple(Variant)
_CODE = {v: i for i, v in enumerate(VARIANTS)}


class Forms:
    """Pattern → owners, each owner one int (``entry << 4 | variant``).

    Ints and strings are all a hundred thousand patterns need: no list or tuple per pattern,
    so building them costs no garbage-collector passes over the growing heap (which, measured
    on 100,000 terms, took longer than the work itself).
    """

    __slots__ = ("first", "more")

    def __init__(self) -> None:
        self.first: dict[str, int] = {}
        self.more: dict[str, list[int]] = {}
        """Owners after the first, for the few patterns several entries share."""

    def __len__(self) -> int:
        return len(self.first)

    def add(self, form: str, owner: int, variant: Variant) -> None:
        """Add one owner (an entry index, or -1 for the global allow-list) of ``form``."""
        code = owner << 4 | _CODE[variant]
        if self.first.setdefault(form, code) != code:
            self.more.setdefault(form, []).append(code)

    def add_many(self, forms: list[str], owners: list[int], variant: Variant) -> None:
        """Add ``owners[i]`` as an owner of ``forms[i]``."""
        first, v = self.first, _CODE[variant]
        for form, owner in zip(forms, owners, strict=True):
            code = owner << 4 | v
            if first.setdefault(form, code) != code:
                self.more.setdefault(form, []).append(code)

    def owners(self, form: str) -> list[int]:
        """Every owner code of ``form``."""
        return [self.first[form], *self.more.get(form, ())]

    def collapsed(self) -> Forms:
        """The forms with runs of one character collapsed (for the ``repeats`` step)."""
        out = Forms()
        for form, code in self.first.items():
            key = collapse(form)
            for c in (code, *self.more.get(form, ())):
                if out.first.setdefault(key, c) != c:
                    out.more.setdefault(key, []).append(c)
        return out


@dataclass(slots=True)
class Patterns:
    """Patterns per automaton, each with the entries (and variants) that own it."""

    exact: Forms = field(default_factory=Forms)
    """Over the normalized text: normalized forms and initials."""
    sound: Forms = field(default_factory=Forms)
    """Over the sound-mapped text: one all-sound form per homophone entry."""
    spelled: Forms = field(default_factory=Forms)
    """Over the spelled view: candidates for pinyin, mixed and mixed-sound forms."""
    radius: int = 0
    """Longest spelled entry in normalized characters, less one (see ``spelled_view``)."""


@functools.cache
def _phrase_automaton() -> ahocorasick_rs.AhoCorasick:
    """The phrases that change a reading (3,400 of them: built once per process)."""
    import ahocorasick_rs

    from hegui.safety._pinyin import pinyin_tables

    return ahocorasick_rs.AhoCorasick(list(pinyin_tables().phrase_keys()))


def _spell_form(form: str, tables: PinyinTables) -> str:
    """``form`` as the spelled view shows it: sound ids and Han by their letters."""
    out = []
    for c in form:
        cp = ord(c)
        if SOUND_BASE <= cp < SOUND_BASE + len(tables.syllables):
            out.append(tables.syllables[cp - SOUND_BASE])
        else:
            out.append(tables.reading.get(cp, c))
    return "".join(out)


def _irregular_forms(
    norm: str, syllables: Sequence[str | None], m: MatchOptions, tables: PinyinTables, repeats: bool
) -> set[str]:
    forms = [
        f
        for f, v in exact_forms(norm, syllables, pinyin=m.pinyin, initials=False, mixed=m.mixed)
        if v is not Variant.NORMALIZED
    ]
    if m.homophones and m.mixed:
        sounds = [chr(tables.sound_of(s)) if s else None for s in syllables]
        forms += [f for f, _ in sound_forms(norm, syllables, sounds, mixed=True)]
    return {_spell_form(collapse(f) if repeats else f, tables) for f in forms}


def build_patterns(
    norms: Sequence[str],
    matches: Sequence[MatchOptions],
    tables: PinyinTables | None,
    *,
    repeats: bool,
) -> Patterns:
    """Patterns of every entry (``norms[i]`` is entry ``i``'s normalized term)."""
    out = Patterns()
    out.exact.add_many(list(norms), list(range(len(norms))), Variant.NORMALIZED)
    flags = _flags(matches)
    idx = np.flatnonzero(flags.any(axis=1))
    if tables is None or not len(idx):
        return out
    flags = flags[idx]
    sub = [norms[i] for i in idx.tolist()]
    joined = "\n".join(sub) + "\n"
    chars = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    sizes = np.fromiter((len(t) for t in sub), dtype=np.int64, count=len(sub))
    starts = np.concatenate(([0], np.cumsum(sizes + 1)[:-1]))
    snd = tables.sounds(chars)
    has = snd != chars
    h = np.add.reduceat(has.astype(np.int64), starts)  # positions with a reading, per term
    view, unit, bounds = spell(chars, tables)
    term_of = np.repeat(np.arange(len(sub)), sizes + 1)
    irregular = _irregular(sub, chars, term_of, tables)
    if repeats:
        dup = (view[1:] == view[:-1]) & (term_of[unit[1:]] == term_of[unit[:-1]])
        dup_sound = (snd[1:] == snd[:-1]) & has[1:]
        for k in {*term_of[unit[1:][dup]].tolist(), *term_of[1:][dup_sound].tolist()}:
            irregular.setdefault(k, tables.spell(sub[k]))
    regular = np.ones(len(sub), dtype=np.bool_)
    regular[list(irregular)] = False
    ends = starts + sizes
    initial = np.where(
        has, tables.letters[tables.offsets[np.where(has, snd - SOUND_BASE, 0)]], chars
    )
    wants = (
        (flags[:, _INITIALS] & (h >= 2), valid_text(initial), starts, ends),
        (flags[:, _HOMOPHONES] & (h >= 1), snd.tobytes().decode("utf-32-le", "surrogatepass"),
         starts, ends),
        ((flags[:, _PINYIN] & (h >= 1)) | (flags[:, _MIXED] & (h >= 2)), valid_text(view),
         bounds[starts], bounds[ends]),
    )  # fmt: skip
    targets = (
        (out.exact, Variant.INITIALS),
        (out.sound, Variant.HOMOPHONE),
        (out.spelled, Variant.MIXED),
    )
    for (want, text, lo, hi), (forms, variant) in zip(wants, targets, strict=True):
        ks = np.flatnonzero(want & regular)
        cut = [text[a:b] for a, b in zip(lo[ks].tolist(), hi[ks].tolist(), strict=True)]
        forms.add_many(cut, idx[ks].tolist(), variant)
    spelled = wants[2][0]
    out.radius = int(sizes[spelled].max()) - 1 if spelled.any() else 0
    for k, syllables in irregular.items():
        i, norm, m = int(idx[k]), sub[k], matches[int(idx[k])]
        if wants[0][0][k]:
            out.exact.add(_initials(norm, syllables), i, Variant.INITIALS)
        if wants[1][0][k]:
            out.sound.add(_sound(norm, syllables, tables), i, Variant.HOMOPHONE)
        if spelled[k]:
            for form in _irregular_forms(norm, syllables, m, tables, repeats):
                out.spelled.add(form, i, Variant.MIXED)
    return out


_PINYIN, _MIXED, _INITIALS, _HOMOPHONES = range(4)


def _flags(matches: Sequence[MatchOptions]) -> npt.NDArray[np.bool_]:
    """(pinyin, mixed, initials, homophones) per entry; entries mostly share one options object."""
    seen: dict[int, tuple[bool, bool, bool, bool]] = {}
    rows = []
    for m in matches:
        row = seen.get(id(m))
        if row is None:
            row = seen[id(m)] = (m.pinyin, m.mixed, m.initials, m.homophones)
        rows.append(row)
    return np.array(rows, dtype=np.bool_).reshape(len(rows), 4)


def _irregular(
    terms: list[str],
    chars: npt.NDArray[np.uint32],
    term_of: npt.NDArray[np.int64],
    tables: PinyinTables,
) -> dict[int, tuple[str | None, ...]]:
    """Terms whose spelling uses a phrase reading, with their syllables."""
    out: dict[int, tuple[str | None, ...]] = {}
    hits = _phrase_automaton().find_matches_as_indexes(valid_text(chars), overlapping=True)
    for k in sorted({int(term_of[s]) for _, s, _ in hits}):
        spelled = tables.spell(terms[k])
        if spelled != tuple(tables.reading.get(ord(c)) for c in terms[k]):
            out[k] = spelled
    return out


def _initials(norm: str, syllables: Sequence[str | None]) -> str:
    return "".join(s[0] if s else c for s, c in zip(syllables, norm, strict=True))


def _sound(norm: str, syllables: Sequence[str | None], tables: PinyinTables) -> str:
    return "".join(
        chr(tables.sound_of(s)) if s else c for s, c in zip(syllables, norm, strict=True)
    )

"""Normalization that keeps offsets: text → normalized code points + original position of each.

The whole step is a handful of numpy operations over the code-point array (table lookups,
a mask, a compaction), never a Python loop over characters.

**The sentence-boundary rule.** Skipping interference is what catches ``冰*毒`` or ``冰 毒``;
skipped blindly, it would also join characters across real boundaries (``滑冰。毒性`` is not
``冰毒``). So characters fall in four groups:

* Sentence and clause punctuation (``。，、；：！？…``, their full-width forms, and ASCII
  ``, ; : ! ?``) and line breaks are **boundaries**: they fold to one sentinel that no term
  crosses. Half-width commas glued between ideographs are clause breaks typed in half-width
  mode, not insertions (the benchmark corpus has 976 per MB of them).
* The ASCII full stop is **contextual**: interference when the nearest kept characters on both
  sides are Han ideographs and no whitespace follows (``冰.毒``), a boundary otherwise
  (``ice. Du``, ``3.5``, ``滑冰. 毒性``).
* Brackets and quotes are **paired**: interference around one character (``冰【毒】``), a
  boundary otherwise (``叫他“老板”``, ``周然毅（首都师范大学）``). Prose puts them around
  words: 2,200 per MB of the corpus's quotes and brackets sit between two ideographs.
* Symbols, emoji, zero-width and format characters, combining marks, dashes, middle dots,
  apostrophes and spaces are **interference**, skipped.

``benchmarks/screen.py`` measures what the rule costs on benign prose (hits whose original
span is not the term itself, per MB, by cause).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hegui.errors import InputError
from hegui.safety._tables import (
    CLOSES,
    CTX,
    KEEP,
    OPENS,
    PAIR,
    SPACE,
    NormalizeOptions,
    is_han,
    pair_sides,
    tables,
)

__all__ = ["Normalized", "Normalizer", "codepoints"]


def codepoints(text: str) -> npt.NDArray[np.uint32]:
    """The code points of ``text`` as an array (lone surrogates pass through)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized text: one normalized code point per kept original character."""

    chars: npt.NDArray[np.uint32]
    """Normalized code points, interference removed."""
    pos: npt.NDArray[np.int64]
    """``pos[i]`` is the offset in the original text of ``chars[i]``."""
    length: int
    """Length of the original text."""
    cps: npt.NDArray[np.uint32]
    """The original code points (for checks on the characters around a span)."""
    last: npt.NDArray[np.int64] | None = None
    """With ``repeats``: original offset of the LAST character of each collapsed run."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of normalized ``[start, end)`` (``end > start``)."""
        last = self.pos if self.last is None else self.last
        return int(self.pos[start]), int(last[end - 1]) + 1

    def text(self) -> str:
        """The normalized characters as a string."""
        return self.chars.tobytes().decode("utf-32-le", "surrogatepass")


class Normalizer:
    """Applies one set of :class:`NormalizeOptions` to texts."""

    def __init__(self, options: NormalizeOptions | None = None) -> None:
        self.options = options or NormalizeOptions()
        t = tables(self.options)
        self.fold = t.fold
        """Original code point → normalized code point."""
        self._klass = t.klass

    def __call__(self, text: str) -> Normalized:
        """Normalize ``text``; see the module docstring for the rules."""
        return self.normalize_array(codepoints(text))

    def normalize_array(self, cps: npt.NDArray[np.uint32]) -> Normalized:
        """Normalize an array of code points (what :func:`codepoints` returns)."""
        n = len(cps)
        if not self.options.skip:
            pos = np.arange(n, dtype=np.int64)
            chars = self.fold[cps]
        else:
            klass = self._klass[cps]
            pos = np.flatnonzero(klass <= PAIR)
            chars = self.fold[cps[pos]]
            kept = klass[pos]
            ctx = np.flatnonzero(kept == CTX)
            pair = np.flatnonzero(kept == PAIR)
            drop = [self._interference(cps, klass, pos, ctx)] if len(ctx) else []
            if len(pair):
                drop.append(pair[self._single(cps, pos[pair])])
            if drop:
                keep = np.ones(len(pos), dtype=np.bool_)
                for d in drop:
                    keep[d] = False
                pos, chars = pos[keep], chars[keep]
        last: npt.NDArray[np.int64] | None = None
        if self.options.repeats and len(chars) > 1:
            differs = chars[1:] != chars[:-1]
            first = np.concatenate(([True], differs))
            final = np.concatenate((differs, [True]))
            last = pos[final]
            pos, chars = pos[first], chars[first]
        return Normalized(chars=chars, pos=pos, length=n, cps=cps, last=last)

    def _interference(
        self,
        cps: npt.NDArray[np.uint32],
        klass: npt.NDArray[np.uint8],
        pos: npt.NDArray[np.int64],
        ctx: npt.NDArray[np.intp],
    ) -> npt.NDArray[np.intp]:
        """Compact indices of contextual marks that sit inside a Han word (see module doc)."""
        solid = np.flatnonzero(klass[pos] == KEEP)
        if len(solid) == 0:
            return ctx[:0]
        j = np.searchsorted(solid, ctx)
        inside = (j > 0) & (j < len(solid))
        left = solid[np.clip(j - 1, 0, len(solid) - 1)]
        right = solid[np.clip(j, 0, len(solid) - 1)]
        # Han-ness of the ORIGINAL characters: 三 folds to 3 but 三.过 is still inside a word.
        inside &= is_han(cps[pos[left]]) & is_han(cps[pos[right]])
        orig = pos[ctx]
        after = np.minimum(orig + 1, len(cps) - 1)
        inside &= (orig + 1 < len(cps)) & (klass[after] != SPACE)
        return ctx[inside]

    @staticmethod
    def _single(cps: npt.NDArray[np.uint32], at: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Which brackets and quotes at original offsets ``at`` enclose exactly one character."""
        sides = pair_sides()
        n = len(cps)
        # One gather for the mark, the character two after it and the one two before.
        near = np.concatenate((at, np.minimum(at + 2, n - 1), np.maximum(at - 2, 0)))
        here, after, before = sides[np.minimum(cps[near], len(sides) - 1)].reshape(3, -1)
        opening = (here & OPENS) & ((after & CLOSES) >> 1)
        closing = ((here & CLOSES) >> 1) & (before & OPENS)
        # ``at`` is sorted: only its last and first entries can reach past the text's ends.
        if at[-1] + 2 >= n:
            opening[at + 2 >= n] = 0
        if at[0] < 2:
            closing[at < 2] = 0
        single: npt.NDArray[np.bool_] = (opening | closing).astype(np.bool_)
        return single

    def text(self, text: str) -> str:
        """``text`` normalized, as a string (interference removed, boundaries as line breaks)."""
        return self(text).text()


def decode_utf8(data: bytes, *, base: int = 0, source: str = "input") -> str:
    """Decode UTF-8, naming the byte offset of the first invalid byte.

    Raises:
        InputError: ``data`` is not valid UTF-8.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source} is not valid UTF-8: invalid byte 0x{data[exc.start]:02x} at byte offset "
            f"{base + exc.start}; fix: re-encode the text as UTF-8"
        ) from None

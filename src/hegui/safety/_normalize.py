"""Normalization that keeps offsets: text → normalized code points + original position of each.

The whole step is a handful of numpy operations over the code-point array (table lookups,
a mask, a compaction), never a Python loop over characters.

**The sentence-boundary rule.** Skipping interference is what catches ``冰*毒`` or ``冰 毒``;
skipped blindly, it would also join characters across real boundaries (``滑冰。毒性`` is not
``冰毒``). So characters fall in four groups:

* Sentence and clause punctuation (``。，、；：！？…``, their full-width forms, ASCII
  ``, ; : ! ?``, the Chinese dash ``——``), quotes, parentheses, title marks and line breaks are
  **boundaries**: they fold to one sentinel that no term crosses. Half-width commas glued
  between ideographs are clause breaks typed in half-width mode, not insertions (the benchmark
  corpus has 976 per MB of them); prose quotes and parenthesizes single characters
  (``在“读”和“用”上``, ``黄淑子（女）``: 36 per MB).
* The ASCII full stop is **contextual**: interference when the nearest kept characters on both
  sides are Han ideographs, no whitespace follows and it is not part of an ellipsis (``冰.毒``);
  a boundary otherwise (``ice. Du``, ``3.5``, ``滑冰. 毒性``, ``不错...就是``).
* Square and lenticular brackets are **paired**: interference around one character
  (``冰【毒】``), a boundary otherwise. Prose never puts them around one character.
* Symbols, emoji, zero-width and format characters, combining marks, hyphens, middle dots,
  apostrophes and spaces are **interference**, skipped.

**The separator-style rule.** Product reviews part words with spaces (``印刷质量极差 缺页
重复页``) and end sentences with ASCII full stops (``离闹区很远.房间比较小,脏``): 202 and 226
per MB of the corpus sit between two ideographs, exactly where ``冰 毒`` and ``冰.毒`` put
them. One such mark cannot be told from an insertion; a line's habit can. A space or full stop
between ideographs with at least two characters solidly on each side is *separator-like*; when
a line has two separator-like spaces, its separator-like spaces are boundaries, and when it has
two separator-like full stops, or one and an ASCII ``, ; : ! ?`` used as punctuation, its
separator-like full stops are. Insertions between single characters (``冰 毒 片``,
``买冰.毒,在哪``) stay interference in any line. The price: in a line written that way, one
space or full stop inserted into a word with two characters on each side reads as punctuation
(``benchmarks/screen.py`` prints the recall in such a message); ``separators=False`` trades
it back. A line ends at a line break.
A stream is judged on its held window, which shows fewer separators than the whole line: a
stream can flag what the whole text clears.

``benchmarks/screen.py`` measures what the rule costs on benign prose (hits whose original
span is not the term itself, per MB, by cause).
"""

from __future__ import annotations

import bisect
import itertools
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
    SENTINEL,
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
    cuts: tuple[int, ...] = ()
    """Sorted indices ``i`` with a boundary between ``chars[i - 1]`` and ``chars[i]`` that has
    no character of its own (the spaces of a space-punctuated line): no match crosses one.
    Kept aside rather than inserted as sentinels, which would copy the arrays."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of normalized ``[start, end)`` (``end > start``)."""
        last = self.pos if self.last is None else self.last
        return int(self.pos[start]), int(last[end - 1]) + 1

    def crosses(self, start: int, end: int) -> bool:
        """Whether normalized ``[start, end)`` crosses one of :attr:`cuts`."""
        cuts = self.cuts
        if not cuts:
            return False
        k = bisect.bisect_right(cuts, start)
        return k < len(cuts) and cuts[k] < end

    def raw(self) -> str:
        """The normalized characters as a string, without :attr:`cuts` (one per index)."""
        return self.chars.tobytes().decode("utf-32-le", "surrogatepass")

    def text(self) -> str:
        """The normalized characters as a string, boundaries as line breaks."""
        raw = self.raw()
        if not self.cuts:
            return raw
        bounds = (0, *self.cuts, len(raw))
        return "\n".join(raw[a:b] for a, b in itertools.pairwise(bounds))


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
        cuts: npt.NDArray[np.intp] | None = None
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
            lines = _Lines(cps, pos, chars)
            drop = [self._interference(klass, kept, ctx, lines)] if len(ctx) else []
            if len(pair):
                drop.append(pair[self._single(cps, pos[pair])])
            if drop:
                keep = np.ones(len(pos), dtype=np.bool_)
                for d in drop:
                    keep[d] = False
                pos, chars = pos[keep], chars[keep]
            if self.options.separators:
                spaces = np.flatnonzero(klass == SPACE)
                if len(spaces) > 1:
                    cuts = self._spaced(pos, chars, spaces, lines)
        last: npt.NDArray[np.int64] | None = None
        if self.options.repeats and len(chars) > 1:
            differs = chars[1:] != chars[:-1]
            if cuts is not None:
                differs[cuts - 1] = True  # a run does not continue across a boundary
            first = np.concatenate(([True], differs))
            final = np.concatenate((differs, [True]))
            last = pos[final]
            if cuts is not None:
                cuts = np.cumsum(first)[cuts] - 1
            pos, chars = pos[first], chars[first]
        return Normalized(
            chars=chars,
            pos=pos,
            length=n,
            cps=cps,
            last=last,
            cuts=() if cuts is None else tuple(cuts.tolist()),
        )

    def _interference(
        self,
        klass: npt.NDArray[np.uint8],
        kept: npt.NDArray[np.uint8],
        ctx: npt.NDArray[np.intp],
        lines: _Lines,
    ) -> npt.NDArray[np.intp]:
        """Compact indices of ASCII full stops that sit inside a Han word (see module doc).

        ``kept`` is ``klass[lines.pos]``; ``ctx`` the compact indices of the full stops.
        """
        cps, pos, chars = lines.cps, lines.pos, lines.chars
        solid = np.flatnonzero(kept == KEEP)
        if len(solid) == 0:
            return ctx[:0]
        j = np.searchsorted(solid, ctx)
        inside = (j > 0) & (j < len(solid))
        left = solid[np.clip(j - 1, 0, len(solid) - 1)]
        right = solid[np.clip(j, 0, len(solid) - 1)]
        # Han-ness of the ORIGINAL characters: 三 folds to 3 but 三.过 is still inside a word.
        inside &= is_han(cps[pos[left]]) & is_han(cps[pos[right]])
        orig = pos[ctx]
        n = len(cps)
        after = np.minimum(orig + 1, n - 1)
        inside &= (orig + 1 < n) & (klass[after] != SPACE)
        # An ellipsis (``好..好``, ``不错...就是``) ends a sentence.
        inside &= (cps[after] != _DOT) & (cps[np.maximum(orig - 1, 0)] != _DOT)
        found = ctx[inside]
        if len(found) and self.options.separators:
            separator = _separator_like(pos, chars, found - 1, found + 1)
            if separator.any():
                at = found[separator]
                signals = np.concatenate((pos[at], lines.halfwidth_marks()))
                styled = lines.styled(pos[at], signals)
                found = found[~np.isin(found, at[styled])]
        return found

    def _spaced(
        self,
        pos: npt.NDArray[np.int64],
        chars: npt.NDArray[np.uint32],
        spaces: npt.NDArray[np.intp],
        lines: _Lines,
    ) -> npt.NDArray[np.intp] | None:
        """The spaces of a space-punctuated line, as cuts (see module doc); None if none.

        ``pos`` and ``chars`` are the compacted view after full stops and brackets resolved.
        """
        cps = lines.cps
        j = np.searchsorted(pos, spaces)
        first = np.concatenate(([True], j[1:] != j[:-1]))  # one junction per run of spaces
        j, spaces = j[first], spaces[first]
        ok = (j > 1) & (j + 1 < len(pos))
        j, spaces = j[ok], spaces[ok]
        if len(j) < 2:
            return None
        han = is_han(cps[pos[j - 1]]) & is_han(cps[pos[j]])
        j, spaces = j[han], spaces[han]
        separator = _separator_like(pos, chars, j - 1, j)
        if separator.sum() < 2:
            return None
        j, spaces = j[separator], spaces[separator]
        styled = lines.styled(spaces, spaces)
        return j[styled] if styled.any() else None

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


_DOT = ord(".")
_HALFWIDTH = np.zeros(128, dtype=np.bool_)
_HALFWIDTH[[ord(c) for c in ",;:!?"]] = True


def _separator_like(
    pos: npt.NDArray[np.int64],
    chars: npt.NDArray[np.uint32],
    left: npt.NDArray[np.intp],
    right: npt.NDArray[np.intp],
) -> npt.NDArray[np.bool_]:
    """Whether the junctions between compact ``left`` and ``right`` part two words.

    A junction parts words when at least two characters sit solidly on each side (no boundary,
    nothing skipped): ``极差 缺页 重复页``. Spaced-out single characters (``冰 毒 片``) do not.
    ``left - 1 >= 0`` and ``right + 1 < len(pos)`` are checked here.
    """
    n = len(pos)
    ok = (left >= 1) & (right + 1 < n)
    a, b = np.maximum(left - 1, 0), np.minimum(right + 1, n - 1)
    ok &= (pos[left] - pos[a] == 1) & (pos[b] - pos[right] == 1)
    ok &= (chars[a] != SENTINEL) & (chars[left] != SENTINEL)
    ok &= (chars[b] != SENTINEL) & (chars[right] != SENTINEL)
    return ok


class _Lines:
    """Line structure of one text, computed only when a rule needs it."""

    def __init__(
        self, cps: npt.NDArray[np.uint32], pos: npt.NDArray[np.int64], chars: npt.NDArray[np.uint32]
    ) -> None:
        self.cps, self.pos, self.chars = cps, pos, chars
        """The text's code points and its compacted view before full stops and brackets are
        resolved (they are sentinels in ``chars`` here)."""
        self._sentinels: npt.NDArray[np.int64] | None = None
        self._breaks: npt.NDArray[np.int64] | None = None

    def _boundaries(self) -> npt.NDArray[np.int64]:
        """Original offsets of every kept boundary character."""
        if self._sentinels is None:
            self._sentinels = self.pos[np.flatnonzero(self.chars == SENTINEL)]
        return self._sentinels

    def breaks(self) -> npt.NDArray[np.int64]:
        """Original offsets of the line breaks."""
        if self._breaks is None:
            at = self._boundaries()
            c = self.cps[at]
            self._breaks = at[(c == 0x0A) | (c == 0x0D) | (c == 0x2028) | (c == 0x2029)]
        return self._breaks

    def halfwidth_marks(self) -> npt.NDArray[np.int64]:
        """Offsets of ASCII ``, ; : ! ?`` used as Chinese punctuation.

        That is, after an ideograph and followed by more text: the writer types punctuation in
        half-width mode.
        """
        at = self._boundaries()
        c = self.cps[at]
        at = at[(c < 128) & _HALFWIDTH[np.minimum(c, 127)]]
        cps = self.cps
        at = at[(at > 0) & (at + 1 < len(cps))]
        at = at[is_han(cps[at - 1])]
        nxt = np.minimum(np.searchsorted(self.pos, at + 1), len(self.pos) - 1)
        followed = (self.pos[nxt] == at + 1) & (self.chars[nxt] != SENTINEL)
        marks: npt.NDArray[np.int64] = at[followed]
        return marks

    def styled(
        self, junctions: npt.NDArray[np.int64], signals: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.bool_]:
        """Which ``junctions`` share their line with at least one other of ``signals``.

        ``signals`` include ``junctions`` themselves (both are original offsets).
        """
        breaks = self.breaks()
        line = np.searchsorted(breaks, junctions)
        counts = np.bincount(np.searchsorted(breaks, signals), minlength=len(breaks) + 1)
        styled: npt.NDArray[np.bool_] = counts[line] >= 2
        return styled


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

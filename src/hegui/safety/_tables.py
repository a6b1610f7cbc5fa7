"""Code-point lookup tables behind normalization: one array index per character, no Python loop.

Every normalization step is a map from ONE code point to ONE code point, so the normalized
stream has exactly one original position per character and spans map back to the original text
without bookkeeping. Steps that would need several code points (``⑽`` → ``10``, ``ß`` → ``ss``)
leave the character alone; that costs a little recall and keeps offsets exact.

Tables are built once per option set (about 0.3 s, dominated by walking the Unicode database)
and shared by every matcher in the process.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "BOUNDARY",
    "CLOSES",
    "CTX",
    "FINANCIAL_NUMERALS",
    "KEEP",
    "OPENS",
    "PAIR",
    "PLAIN_NUMERALS",
    "SENTINEL",
    "SKIP",
    "SPACE",
    "NormalizeOptions",
    "Tables",
    "is_han",
    "is_han_cp",
    "pair_sides",
    "t2s_map",
    "tables",
]

N_CODEPOINTS = 0x110000
SENTINEL = 0x0A
"""Every sentence boundary folds to this one character, which no pattern crosses."""

# Character classes (klass table). KEEP, CTX and PAIR survive compaction; CTX and PAIR are
# then resolved.
KEEP = 0
CTX = 1
"""ASCII full stop: a boundary in prose, interference between two Han characters."""
PAIR = 2
"""Square and lenticular brackets: interference around a single character (``冰【毒】``), a
boundary otherwise. Quotes, parentheses and title marks are always boundaries."""
SKIP = 3
"""Interference: symbols, emoji, zero-width and combining marks, dashes, middle dots."""
SPACE = 4
"""Whitespace other than line breaks: interference, but it ends a sentence after ASCII ``.``."""
BOUNDARY = 5
"""Sentence and clause punctuation and line breaks: always a boundary (folds to ``SENTINEL``)."""

# Full-width and CJK sentence punctuation: these end a clause in ordinary Chinese prose, so a
# term may never match across them (滑冰。毒性 is not 冰毒). Their ASCII forms other than the
# full stop too: glued between ideographs they are clause breaks typed in half-width mode (the
# benchmark corpus has 976 Han,Han per MB against 227 Han.Han), while the dot is also the
# classic insertion (冰.毒).
# The Chinese dash (破折号 ——, 58 per MB between two ideographs in the benchmark corpus) joins
# clauses too. Quotes, parentheses and title marks are boundaries by category (see _klass).
_BOUNDARY_CHARS = (
    "。．｡，、､；：！？…‥﹐﹑﹒﹔﹕﹖﹗！，．：；？,;:!?∶\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    '\u2014\u2015\u2e3a\u2e3b"＂'
)
_CTX_CHARS = "."
_INSERTED_PAIRS = "【】〖〗〔〕〘〙〚〛［］[]｛｝{}"
"""The brackets an evader puts around one character (``冰【毒】``). Prose puts quotes,
parentheses and title marks around single characters all the time (“点” 22, （女） 14, 《x》 8,
『x』 3 per MB of the benchmark corpus) and these brackets never: every other bracket and quote
is a boundary."""
PLAIN_NUMERALS = "〇零一二三四五六七八九"
"""Chinese numerals of everyday writing, 〇 and 零 both zero."""
FINANCIAL_NUMERALS = "壹贰叁肆伍陆柒捌玖"
"""Financial numerals (大写) one to nine; several are everyday characters too (陆地, 队伍)."""
# Chinese numerals read as digits (houbb/sensitive-word's ignoreNumStyle does the same).
_CN_DIGITS = (
    {"〇": "0"}
    | {c: str(d) for d, c in enumerate(PLAIN_NUMERALS[1:])}  # 零 0, 一 1 … 九 9
    | {c: str(d) for d, c in enumerate(FINANCIAL_NUMERALS, start=1)}
)
_HAN_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x323AF),
)
# Only planes 0 and 1 need the Unicode database walked; planes 2-3 are ideographs (kept),
# planes 4-16 hold tags, variation selectors and private use (interference).
_WALK_END = 0x20000


@dataclass(frozen=True, slots=True)
class NormalizeOptions:
    """Which normalization steps run. Each one is switchable; all but ``repeats`` default on."""

    width: bool = True
    """Full-width forms to half-width (``ＡＢＣ１`` → ``abc1``)."""
    case: bool = True
    """Case folding."""
    traditional: bool = True
    """Traditional to simplified Chinese, character by character (OpenCC ``t2s``)."""
    numbers: bool = True
    """Number styles to digits: ``①⑴⒈❶㈠⓿²₈`` and Chinese numerals ``一``/``壹``."""
    letters: bool = True
    """Letter styles to plain letters: ``Ⓐ``, ``🅰``-like enclosed forms, mathematical
    alphanumerics (``𝐀𝒜𝔄``), superscripts."""
    skip: bool = True
    """Skip interference characters between the characters of a term."""
    repeats: bool = False
    """Collapse runs of the same character (``冰冰冰毒`` → ``冰毒``)."""
    separators: bool = True
    """With ``skip``: the spaces and ASCII full stops of a line that uses them as punctuation
    are boundaries (the separator-style rule in ``_normalize``). Off: every one between two
    ideographs is skipped; more recall in such lines, more hits across their words."""


@dataclass(frozen=True, slots=True)
class Tables:
    """The lookup arrays for one option set."""

    fold: npt.NDArray[np.uint32]
    """Original code point → normalized code point."""
    klass: npt.NDArray[np.uint8]
    """Original code point → KEEP, CTX, SKIP, SPACE (BOUNDARY is folded into KEEP+SENTINEL)."""


def _compat_single(ch: str) -> str | None:
    """NFKC of ``ch`` with enclosing ``()``, ``.`` and spaces stripped, if one character."""
    nf = unicodedata.normalize("NFKC", ch)
    if nf == ch:
        return None
    core = nf.strip("(). ")
    return core if len(core) == 1 else None


@functools.cache
def _base_maps() -> tuple[dict[int, int], dict[int, int], dict[int, int], dict[int, int]]:
    """Per-step overrides: width, letters, numbers (styled digits), case."""
    width: dict[int, int] = {}
    letters: dict[int, int] = {}
    numbers: dict[int, int] = {}
    case: dict[int, int] = {}
    for cp in range(_WALK_END):
        if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if 0xFF01 <= cp <= 0xFFEE:
            single = _compat_single(ch)
            if single is not None:
                width[cp] = ord(single)
        else:
            single = _compat_single(ch)
            if single is not None and not 0xF900 <= cp <= 0xFAFF:
                (numbers if single.isdigit() else letters)[cp] = ord(single)
            elif single is not None:
                letters[cp] = ord(single)  # CJK compatibility ideographs: same character
        digit = unicodedata.digit(ch, None)
        if digit is not None and cp not in width and not 0x30 <= cp <= 0x39:
            numbers[cp] = 0x30 + digit
        folded = ch.casefold()
        if folded != ch and len(folded) == 1:
            case[cp] = ord(folded)
    return width, letters, numbers, case


@functools.cache
def t2s_map() -> dict[int, int]:
    """Traditional → simplified for every ideograph OpenCC maps to exactly one character."""
    import opencc

    cps = np.concatenate(
        [np.arange(lo, min(hi, 0x2FFFF) + 1, dtype=np.uint32) for lo, hi in _HAN_RANGES]
    )
    lines = np.full(2 * len(cps), 0x0A, dtype=np.uint32)  # one ideograph per line
    lines[::2] = cps
    out = opencc.OpenCC("t2s").convert(lines.tobytes().decode("utf-32-le"))
    if len(out) == len(lines):  # every line still one character: compare as arrays
        mapped = np.frombuffer(out.encode("utf-32-le"), dtype="<u4")[::2]
        changed = np.flatnonzero(mapped != cps)
        return dict(zip(cps[changed].tolist(), mapped[changed].tolist(), strict=True))
    pieces = out.split("\n")  # OpenCC never merges across line breaks; guard anyway
    if len(pieces) - 1 != len(cps):
        return {}
    return {
        cp: ord(o)
        for cp, o in zip(cps.tolist(), pieces, strict=False)
        if len(o) == 1 and ord(o) != cp
    }


@functools.cache
def _klass() -> npt.NDArray[np.uint8]:
    klass = np.full(N_CODEPOINTS, SKIP, dtype=np.uint8)
    for lo, hi in _HAN_RANGES:
        klass[lo : hi + 1] = KEEP
    for cp in range(_WALK_END):
        if klass[cp] == KEEP and cp >= 0x3400:
            continue
        cat = unicodedata.category(chr(cp))
        if cat[0] in "LN":
            klass[cp] = KEEP
        elif cat == "Zs" or cp == 0x09:
            klass[cp] = SPACE
        elif cat in ("Ps", "Pe", "Pi", "Pf"):
            klass[cp] = BOUNDARY
        # Everything else (symbols, punctuation, marks, format, control, unassigned) is SKIP.
    for ch in _BOUNDARY_CHARS:
        klass[ord(ch)] = BOUNDARY
    for ch in _CTX_CHARS:
        klass[ord(ch)] = CTX
    for ch in _INSERTED_PAIRS:
        klass[ord(ch)] = PAIR
    return klass


OPENS = 1
CLOSES = 2


@functools.cache
def pair_sides() -> npt.NDArray[np.uint8]:
    """Code point → ``OPENS`` (Ps, Pi), ``CLOSES`` (Pe, Pf), both (quotes) or 0.

    Covers code points up to the last bracket or quote (planes 0 and 1): index with
    ``np.minimum(cps, len(table) - 1)``; the last entry is 0.
    """
    pairs = np.flatnonzero(_klass() == PAIR)
    sides = np.zeros(int(pairs.max()) + 2, dtype=np.uint8)
    for cp in pairs.tolist():
        cat = unicodedata.category(chr(cp))
        sides[cp] = OPENS if cat in ("Ps", "Pi") else CLOSES if cat in ("Pe", "Pf") else 0
    sides.setflags(write=False)
    return sides


def is_han_cp(cp: int) -> bool:
    """Whether one code point is a Han ideograph (the ranges :func:`is_han` tests)."""
    return any(lo <= cp <= hi for lo, hi in _HAN_RANGES)


def is_han(cps: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """Whether each code point is a Han ideograph (range tests, no table)."""
    out = np.zeros(len(cps), dtype=np.bool_)
    for lo, hi in _HAN_RANGES:
        out |= (cps >= lo) & (cps <= hi)
    return out


def _apply(table: npt.NDArray[np.uint32], overrides: dict[int, int]) -> None:
    """Compose ``overrides`` after ``table``: every code point mapping to k now maps to o[k]."""
    if not overrides:
        return
    step = np.arange(N_CODEPOINTS, dtype=np.uint32)
    keys = np.fromiter(overrides.keys(), dtype=np.uint32, count=len(overrides))
    vals = np.fromiter(overrides.values(), dtype=np.uint32, count=len(overrides))
    step[keys] = vals
    table[:] = step[table]


@functools.cache
def tables(options: NormalizeOptions) -> Tables:
    """The lookup tables for ``options`` (cached per option set)."""
    width, letters, numbers, case = _base_maps()
    fold = np.arange(N_CODEPOINTS, dtype=np.uint32)
    if options.width:
        _apply(fold, width)
    if options.letters:
        _apply(fold, letters)
    if options.traditional:
        _apply(fold, t2s_map())
    if options.numbers:
        _apply(fold, numbers)
        _apply(fold, {ord(k): ord(v) for k, v in _CN_DIGITS.items()})
    if options.case:
        _apply(fold, case)
    if options.skip:
        klass = _klass().copy()
        # A styled letter or digit (Ⓐ, ❶ are symbols in Unicode) is a character, not interference.
        styled = (fold != np.arange(N_CODEPOINTS, dtype=np.uint32)) & (klass[fold] == KEEP)
        klass[styled & (klass != BOUNDARY) & (klass != CTX) & (klass != PAIR)] = KEEP
        boundary = klass == BOUNDARY
        fold[boundary] = SENTINEL
        fold[(klass == CTX) | (klass == PAIR)] = SENTINEL  # boundaries unless resolved
        klass[boundary] = KEEP
    else:
        klass = np.zeros(N_CODEPOINTS, dtype=np.uint8)
    fold.setflags(write=False)
    klass.setflags(write=False)
    return Tables(fold=fold, klass=klass)

"""Where a PII pattern can match: windows around runs of ASCII letters, digits and separators.

Every built-in PII value is made of ASCII letters, decimal digits and a few separators, while
the text around it is mostly Han characters. The patterns open with a lookbehind, which keeps
Python's ``re`` from skipping ahead to a candidate, so a whole-text ``finditer`` costs each
pattern a full walk over every character. Instead one scan (a character class first, which
``re`` skips through quickly) finds the maximal *runs* of :data:`RUN_CLASS` characters, once
per text for all recognizers, and each pattern runs only in windows around runs long enough
to hold one of its matches.

The contract a pattern meets to be scanned this way (``PatternRecognizer.min_run >= 2``):

1. Every character of a match, except perhaps its first and its last, is a run character, and
   at least ``min_run`` of its characters are (a plate's province and its 挂/学/警 ending are
   the only non-run characters the built-ins match). If ``anchors`` is set, every match also
   holds one of those run characters.
2. Assertions after a match look at most one character ahead (``(?![0-9A-Za-z])``);
   lookbehinds may look any distance, since ``finditer(text, pos)`` keeps the text before
   ``pos`` visible to them.

Why a windowed scan returns exactly the whole-text scan's matches. By (1) the run characters
of a match are contiguous, so they lie in one run ``[s, e)`` of length ``>= min_run`` (holding
an anchor) and the match lies in ``[s - 1, e + 1)``; its lookahead reads at most
``text[e + 1]``. Windows are ``[s - 1, e + 2)`` for each such run, merged where they overlap or
touch, so every match any start position can yield lies in one window, and ``re`` tries the
same start positions in the same order from each window start as the whole-text scan does (no
match straddles a window start, none starts between windows). ``endpos`` hides the text from
``e + 2`` on, so an attempt there could differ only by succeeding on a lookahead that sees the
end of the text, that is by a match ending at ``e + 2``. Such a match holds ``text[e]``, which
is not a run character, so by (1) it starts there and holds at most one run character,
``text[e + 1]``: fewer than ``min_run``. Runs of one character are never windows, hence
``min_run >= 2``. The scan may take a wider class than :data:`RUN_CLASS` (it does, beyond the
BMP): the argument needs only that a run holds the run characters of a match and that the
characters on either side of a run are not run characters, which stays true.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

__all__ = ["RUN_CLASS", "runs", "windows"]

_SEPARATORS = r" \-.:@+%_·•"
RUN_CLASS = r"\dA-Za-z" + _SEPARATORS
"""The body of the run character class: ``\\d`` (every Unicode decimal digit, as the patterns'
``\\d`` matches full-width ones too), ASCII letters, and the separators the patterns allow:
space, ``- . : @ + % _`` and the plate separators ``· •``."""


@functools.cache
def _run_pattern() -> re.Pattern[str]:
    r"""Two or more characters of a superset of :data:`RUN_CLASS`, in a form ``re`` tests fast.

    ``\d`` costs ``re`` a Unicode category lookup for every character it skips; the same
    digits spelled out let it test a BMP character with one bitmap lookup. Characters outside
    the BMP all count (the astral digits among them): a wider class only makes some runs
    longer or adds runs, which the windowing argument allows.
    """
    bmp_digits = "".join(re.findall(r"\d", "".join(map(chr, range(0x10000)))))
    astral = "\U00010000-\U0010ffff"
    return re.compile(f"[{re.escape(bmp_digits)}A-Za-z{_SEPARATORS}{astral}]{{2,}}")


@functools.lru_cache(maxsize=1)
def runs(text: str) -> tuple[tuple[int, int], ...]:
    """The ``(start, end)`` of every maximal run of two or more run characters in ``text``.

    Cached for the last text: a Screener hands the same string to every recognizer in turn,
    and the scan is most of what windowing costs.
    """
    return tuple(m.span() for m in _run_pattern().finditer(text))


def windows(text: str, min_run: int, anchors: str = "") -> Iterator[tuple[int, int]]:
    """``(pos, endpos)`` windows of ``text`` that hold every match of a pattern (see above).

    Args:
        text: The text to be scanned.
        min_run: Fewest run characters any match of the pattern holds; at least 2.
        anchors: Run characters one of which every match holds (``@`` for e-mail), or ``""``.
    """
    if min_run < 2:
        raise ValueError(f"min_run must be at least 2 to window a scan, not {min_run}")
    n = len(text)
    lo = hi = -1
    for s, e in runs(text):
        if e - s < min_run:
            continue
        if anchors:  # str.find in place: no slice per run
            for c in anchors:
                if text.find(c, s, e) >= 0:
                    break
            else:
                continue
        a = s - 1 if s else 0  # a plate's province character
        if a <= hi:
            hi = e + 2 if e + 2 < n else n
            continue
        if hi >= 0:
            yield lo, hi
        lo, hi = a, (e + 2 if e + 2 < n else n)  # a plate's ending, then the lookahead
    if hi >= 0:
        yield lo, hi

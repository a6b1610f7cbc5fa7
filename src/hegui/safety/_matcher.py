"""The lexicon matcher: compiled forms, Aho-Corasick passes, verification, original spans.

Up to three passes over one normalized text: the normalized text itself (normalized forms,
initials, allow-lists), its sound-mapped copy when some entry asks for homophones, and the
spelled view (``_spelled``) near Latin letters when some entry asks for pinyin or mixed forms.
Hits are verified in Python (alignment, whole-word pinyin, the entry's forms, allow-lists):
their number is small next to the text.

**Numerals.** Normalization folds every number style to digits, so ``一``, ``1``, ``①`` and
``壹`` are one character to the automaton. Two of those styles are everyday writing, though:
plain digits (ASCII or full-width) and plain Chinese numerals (``〇零一二…九``). A hit that
reads one of them for the other is not the term: ``1个`` is not the word 一个, ``2·生活`` is not
二生, ``５樓`` is not 五楼 (on the benchmark corpus these were 1,092 of 1,518 normalization-created
hits of a lexicon of real words). So a plain digit matches a plain numeral of the term (and
back) only

* when the entry asks for it (``match.digits``: ``1夜情`` for 一夜情; reported as ``digits``), or
* inside a numeral word written half in digits (``六4`` for 六四): the writer mixed styles.

Styled numbers (``①⑴⒈❶``, ``㈠``, ``壹贰``) in the text stand for either. A financial numeral in a
*term* (``陆地``, ``队伍``) is a character like any other there: only a financial numeral matches it
(``内六`` is not 内陆). A term written in numerals alone
(``零六``, ``六四``) is never matched by a plain number (``06`` in ``2008-06-04``, ``64``), even
with ``digits``: a lexicon that means the digits lists them as an entry of their own.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from hegui.errors import ConfigError
from hegui.safety._automaton import Automaton
from hegui.safety._lexicon import Lexicon, LexiconEntry
from hegui.safety._normalize import Normalized, Normalizer, codepoints
from hegui.safety._patterns import build_patterns
from hegui.safety._spelled import spelled_view
from hegui.safety._tables import FINANCIAL_NUMERALS, PLAIN_NUMERALS, is_han_cp, t2s_map
from hegui.safety._types import Finding
from hegui.safety._variants import FormSets, Variant

if TYPE_CHECKING:
    from hegui.safety._pinyin import PinyinTables

__all__ = ["LEXICON_SOURCE", "Matcher", "compile_lexicon"]

LEXICON_SOURCE = "hegui/lexicon"
_VARIANT_RANK = {v: i for i, v in enumerate(Variant)}
_GLOBAL = -1
_PLAIN_DIGITS = frozenset([*range(0x30, 0x3A), *range(0xFF10, 0xFF1A)])
_PLAIN_NUMERALS = frozenset(map(ord, PLAIN_NUMERALS))
_NAME_JOINERS = frozenset(map(ord, ".@/:"))
"""Join the parts of host names, e-mail addresses and paths (``cache.tianya.cn``)."""
_DIGIT, _NUMERAL, _FINANCIAL, _STYLED = 1, 2, 3, 4
"""Number families: plain digits, plain Chinese numerals, financial numerals (大写: also
everyday characters, 陆地, 队伍, 放肆), every other style (see the docstring)."""


@functools.cache
def _financial() -> frozenset[int]:
    """Financial numerals and their traditional forms (陸 for 陆)."""
    simplified = frozenset(map(ord, FINANCIAL_NUMERALS))
    return simplified | {t for t, s in t2s_map().items() if s in simplified}


def _family(cp: int) -> int:
    if cp in _PLAIN_DIGITS:
        return _DIGIT
    if cp in _PLAIN_NUMERALS:
        return _NUMERAL
    return _FINANCIAL if cp in _financial() else _STYLED


def _numeral_families(terms: list[str], originals: list[str]) -> dict[int, tuple[int, ...]]:
    """Index → number family of each normalized character (0: not a number).

    Only the terms that have a digit once normalized are listed (see the module docstring).
    """
    return {
        i: tuple(_family(ord(o)) if "0" <= c <= "9" else 0 for c, o in zip(t, orig, strict=True))
        for i, (t, orig) in enumerate(zip(terms, originals, strict=True))
        if any("0" <= c <= "9" for c in t)
    }


def _word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _word(cp: np.uint32) -> bool:
    c = int(cp)
    return c < 128 and chr(c).isalnum()


class Matcher:
    """A compiled lexicon. Build with :func:`compile_lexicon`; immutable once built."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.entries: tuple[LexiconEntry, ...] = lexicon.entries
        self.normalizer = Normalizer(lexicon.normalize.options())
        self.normalized_terms: tuple[str, ...] = ()
        self._compile()

    @property
    def version(self) -> str:
        """The lexicon's version."""
        return self.lexicon.version

    def _normalize_many(self, texts: list[str]) -> list[str]:
        """Normalize many short strings in one vectorized pass (joined at line breaks)."""
        return self._normalize_kept(texts)[0]

    def _normalize_kept(self, texts: list[str]) -> tuple[list[str], list[str]]:
        """:meth:`_normalize_many`, with the kept original characters of each string.

        The second list has one original character per normalized character.
        """
        if not texts:
            return [], []
        joined = "\n".join(texts) + "\n"
        norm = self.normalizer(joined)
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        ends = np.cumsum(lengths)
        starts = ends - lengths
        a = np.searchsorted(norm.pos, starts).tolist()
        b = np.searchsorted(norm.pos, ends - 1).tolist()
        full = norm.raw()
        kept = norm.cps[norm.pos].tobytes().decode("utf-32-le", "surrogatepass")
        bounds = list(zip(a, b, strict=True))
        return [full[i:j] for i, j in bounds], [kept[i:j] for i, j in bounds]

    def _compile(self) -> None:
        entries = self.entries
        terms, originals = self._normalize_kept([e.term for e in entries])
        empty = [e.term for e, t in zip(entries, terms, strict=True) if not t]
        if empty:
            raise ConfigError(
                f"{len(empty)} term(s) normalize to nothing (only interference characters): "
                + ", ".join(repr(t) for t in empty[:5]),
                fix="remove them, or turn off `normalize.skip`",
            )
        self.normalized_terms = tuple(terms)
        self._numerals = _numeral_families(terms, originals)
        """Entry index → number family of each normalized character, for entries with one."""
        matches = [e.match for e in entries]
        tables: PinyinTables | None = None
        if any(m.pinyin or m.mixed or m.initials or m.homophones for m in matches):
            from hegui.safety._pinyin import pinyin_tables

            tables = pinyin_tables()
        repeats = self.normalizer.options.repeats
        patterns = build_patterns(terms, matches, tables, repeats=repeats)
        exact, sound = patterns.exact, patterns.sound
        allow_texts = list(self.lexicon.allow)
        owners = [_GLOBAL] * len(allow_texts)
        for i, entry in enumerate(entries):
            allow_texts += entry.allow
            owners += [i] * len(entry.allow)
        for owner, norm in zip(owners, self._normalize_many(allow_texts), strict=True):
            if norm:
                exact.add(norm, owner, Variant.ALLOW)
        if repeats:  # the text's runs collapse, so must the forms'
            exact, sound = exact.collapsed(), sound.collapsed()
        self._exact = Automaton(exact, utf16=True)
        self._sound = Automaton(sound, utf16=True) if sound else None
        self._spelled = Automaton(patterns.spelled, utf16=False) if patterns.spelled else None
        self._radius = patterns.radius
        self._tables = tables
        self._forms = (
            FormSets(self.normalized_terms, matches, tables, repeats=repeats)
            if tables is not None
            else None
        )
        self.longest = max(
            self._exact.longest,
            self._sound.longest if self._sound else 0,
            self._spelled.longest if self._spelled else 0,
        )
        """Longest pattern in normalized characters (bounds the streaming hold-back)."""

    def numeral_families(self, entry: int) -> tuple[int, ...]:
        """The number family of each normalized character of an entry (empty: no numbers).

        Two entries with the same normalized term and families match the same texts.
        """
        return self._numerals.get(entry, ())

    def _numeral_variant(self, owner: int, norm: Normalized, cs: int, ce: int) -> Variant | None:
        """How a normalized hit of a numeral-bearing entry stands (None: it is not the term).

        Plain digits read for plain numerals or back are refused unless the entry asks for
        them or the writer mixed the two styles in the word (see the module docstring).
        """
        term = self._numerals[owner]
        text = [_family(int(cp)) for cp in norm.cps[norm.pos[cs:ce]]]
        if len(text) != len(term):  # not aligned (cannot happen for a normalized hit)
            return Variant.NORMALIZED
        pairs = [(t, x) for t, x in zip(term, text, strict=True) if t]
        if any(t == _FINANCIAL and x != _FINANCIAL for t, x in pairs):
            return None  # the term's 陆 is the land, not six (内陆 is not 内六)
        if len(pairs) == len(term) and _DIGIT not in term and all(x == _DIGIT for _, x in pairs):
            return None  # a numeral word read from a plain number: never (``64`` for 六四)
        crossed = sum({t, x} == {_DIGIT, _NUMERAL} for t, x in pairs)
        if crossed < len(pairs):  # none crossed, or styles mixed within the word (``六4``)
            return Variant.NORMALIZED
        return Variant.DIGITS if self.entries[owner].match.digits else None

    def find(self, text: str) -> list[Finding]:
        """Every lexicon finding in ``text``, spans in the original text, sorted by start."""
        return self.find_normalized(text, self.normalizer.normalize_array(codepoints(text)))

    def find_normalized(
        self, text: str, norm: Normalized, *, open_end: bool = False
    ) -> list[Finding]:
        """Findings in an already normalized ``text``.

        Args:
            text: The original text.
            norm: ``text`` normalized by this matcher's normalizer.
            open_end: More text follows (streaming): a pinyin hit that touches the end is left
                for the next call, since the next character decides whether it is a whole word.
        """
        chars = norm.chars
        candidates: list[tuple[int, int, int, Variant]] = []
        allows: list[tuple[int, int, int]] = []
        self._collect(self._exact, chars, norm, candidates, allows, open_end)
        if self._sound is not None and self._tables is not None and len(chars):
            sounded = self._tables.sounds(chars)
            self._collect(self._sound, sounded, norm, candidates, allows, open_end)
        if self._spelled is not None:
            self._collect_spelled(self._spelled, norm, candidates, open_end)
        return self._decide(text, norm, candidates, allows)

    def _collect(
        self,
        automaton: Automaton,
        chars: npt.NDArray[np.uint32],
        norm: Normalized,
        candidates: list[tuple[int, int, int, Variant]],
        allows: list[tuple[int, int, int]],
        open_end: bool,
    ) -> None:
        lead_word, tail_word = automaton.lead_word, automaton.tail_word
        cps, pos = norm.cps, norm.pos
        for p, cs, ce in automaton.hits(chars):
            # Whole words only where the text has words: 一 folds to 1, but x一夜情 is 一夜情.
            if lead_word[p] and not is_han_cp(int(cps[pos[cs]])) and self._glued_before(norm, cs):
                continue
            if (
                tail_word[p]
                and not is_han_cp(int(cps[pos[ce - 1]]))
                and self._glued_after(norm, cs, ce, open_end)
            ):
                continue
            for owner, variant in automaton.owners(p):
                if variant is Variant.ALLOW:
                    allows.append((owner, cs, ce))
                else:
                    candidates.append((owner, cs, ce, variant))

    def _glued_before(self, norm: Normalized, cs: int, *, dotted: bool = False) -> bool:
        """A letter or digit precedes normalized position ``cs`` (not a whole word).

        With ``dotted``, also a name joiner (``. @ / :``) after a letter or digit.
        """
        before, cps, fold = int(norm.pos[cs]) - 1, norm.cps, self.normalizer.fold
        if before >= 0 and dotted and int(cps[before]) in _NAME_JOINERS:
            before -= 1
        return before >= 0 and _word(fold[cps[before]])

    def _glued_after(
        self, norm: Normalized, cs: int, ce: int, open_end: bool, *, dotted: bool = False
    ) -> bool:
        """A letter or digit follows (or, streaming, may follow) the span ``[cs, ce)``.

        With ``dotted``, also a name joiner (``. @ / :``) before a letter or digit.
        """
        after, cps = norm.span(cs, ce)[1], norm.cps
        if after < len(cps) and dotted and int(cps[after]) in _NAME_JOINERS:
            after += 1
        if after >= len(cps):
            return open_end
        return _word(self.normalizer.fold[cps[after]])

    def _collect_spelled(
        self,
        automaton: Automaton,
        norm: Normalized,
        candidates: list[tuple[int, int, int, Variant]],
        open_end: bool,
    ) -> None:
        """Candidates from the spelled view, kept if the span is one of the entry's forms."""
        assert self._tables is not None and self._forms is not None
        view = spelled_view(norm.chars, self._radius, self._tables)
        if view is None:
            return
        chars, tables = norm.chars, self._tables
        for p, cs, ce in zip(
            *(a.tolist() for a in view.spans(automaton.find_in(view.text))), strict=True
        ):
            span = chars[cs:ce].tobytes().decode("utf-32-le", "surrogatepass")
            sounded: str | None = None
            for owner, _ in automaton.owners(p):
                exact, sound = self._forms.get(owner)
                variant = exact.get(span)
                if variant is not None and self._whole(norm, span, cs, ce, open_end):
                    candidates.append((owner, cs, ce, variant))
                    continue
                if not sound:
                    continue
                if sounded is None:
                    sounded = (
                        tables.sounds(chars[cs:ce]).tobytes().decode("utf-32-le", "surrogatepass")
                    )
                # The word rule reads the form: a digit read as a sound id is no longer a digit.
                if sounded in sound and self._whole(norm, sounded, cs, ce, open_end):
                    candidates.append((owner, cs, ce, Variant.HOMOPHONE))

    def _whole(self, norm: Normalized, form: str, cs: int, ce: int, open_end: bool) -> bool:
        """A form that starts or ends with a letter or digit matched as a whole word.

        Not part of a dotted name either: ``tianya`` in ``cache.tianya.cn`` is a host name.
        """
        if _word_char(form[0]) and self._glued_before(norm, cs, dotted=True):
            return False
        return not (_word_char(form[-1]) and self._glued_after(norm, cs, ce, open_end, dotted=True))

    def _decide(
        self,
        text: str,
        norm: Normalized,
        candidates: list[tuple[int, int, int, Variant]],
        allows: list[tuple[int, int, int]],
    ) -> list[Finding]:
        if norm.cuts:  # nothing matches across the spaces of a space-punctuated line
            candidates = [c for c in candidates if not norm.crosses(c[1], c[2])]
            allows = [a for a in allows if not norm.crosses(a[1], a[2])]
        best: dict[tuple[int, int, int], Variant] = {}
        for owner, cs, ce, variant in candidates:
            if variant is Variant.HOMOPHONE:
                span = norm.chars[cs:ce].tobytes().decode("utf-32-le", "surrogatepass")
                if span == self.normalized_terms[owner]:
                    variant = Variant.NORMALIZED
            key = (owner, cs, ce)
            if key not in best or _VARIANT_RANK[variant] < _VARIANT_RANK[best[key]]:
                best[key] = variant
        findings: list[Finding] = []
        for (owner, cs, ce), variant in best.items():
            if any(a in (_GLOBAL, owner) and s <= cs and ce <= e for a, s, e in allows):
                continue
            entry = self.entries[owner]
            start, end = norm.span(cs, ce)
            if variant is Variant.NORMALIZED and text[start:end] == entry.term:
                variant = Variant.EXACT
            elif variant is Variant.NORMALIZED and owner in self._numerals:
                numeral = self._numeral_variant(owner, norm, cs, ce)
                if numeral is None:
                    continue
                variant = numeral
            findings.append(
                Finding(
                    start=start,
                    end=end,
                    risk=entry.risk,
                    term=entry.term,
                    source=LEXICON_SOURCE,
                    severity=entry.severity,
                    variant=variant.value,
                    entry_id=entry.key,
                )
            )
        findings.sort(key=lambda f: (f.start, f.end, f.entry_id or ""))
        return findings


def compile_lexicon(lexicon: Lexicon) -> Matcher:
    """Compile ``lexicon`` into a matcher (normalization tables, variant forms, automata)."""
    return Matcher(lexicon)

"""The lexicon matcher: compiled forms, Aho-Corasick passes, verification, original spans.

Up to three passes over one normalized text: the normalized text itself (normalized forms,
initials, allow-lists), its sound-mapped copy when some entry asks for homophones, and the
spelled view (``_spelled``) near Latin letters when some entry asks for pinyin or mixed forms.
Hits are verified in Python (alignment, whole-word pinyin, the entry's forms, allow-lists):
their number is small next to the text.

A term written in numerals alone (``零六``, ``六四``) is a word, not a number: a plain number in
the text (``06`` in ``2008-06-04``, ``64``; ASCII or full-width digits) does not match it, while
other number styles (``〇六``, ``⑥④``, ``陆肆``) still do. On the benchmark corpus one random
term 零六 made 148 of 216 normalization-created hits out of dates, times and scores. A lexicon
that means the digits lists them as an entry of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from hegui.errors import ConfigError
from hegui.safety._automaton import Automaton
from hegui.safety._lexicon import Lexicon, LexiconEntry
from hegui.safety._normalize import Normalized, Normalizer, codepoints
from hegui.safety._patterns import build_patterns
from hegui.safety._spelled import spelled_view
from hegui.safety._types import Finding
from hegui.safety._variants import FormSets, Variant

if TYPE_CHECKING:
    from hegui.safety._pinyin import PinyinTables

__all__ = ["LEXICON_SOURCE", "Matcher", "compile_lexicon"]

LEXICON_SOURCE = "hegui/lexicon"
_VARIANT_RANK = {v: i for i, v in enumerate(Variant)}
_GLOBAL = -1
_PLAIN_DIGITS = frozenset([*range(0x30, 0x3A), *range(0xFF10, 0xFF1A)])


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
        if not texts:
            return []
        joined = "\n".join(texts) + "\n"
        norm = self.normalizer(joined)
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        ends = np.cumsum(lengths)
        starts = ends - lengths
        a = np.searchsorted(norm.pos, starts)
        b = np.searchsorted(norm.pos, ends - 1)
        full = norm.text()
        return [full[i:j] for i, j in zip(a.tolist(), b.tolist(), strict=True)]

    def _compile(self) -> None:
        entries = self.entries
        terms = self._normalize_many([e.term for e in entries])
        empty = [e.term for e, t in zip(entries, terms, strict=True) if not t]
        if empty:
            raise ConfigError(
                f"{len(empty)} term(s) normalize to nothing (only interference characters): "
                + ", ".join(repr(t) for t in empty[:5]),
                fix="remove them, or turn off `normalize.skip`",
            )
        self.normalized_terms = tuple(terms)
        self._numerals = frozenset(
            i
            for i, (e, t) in enumerate(zip(entries, terms, strict=True))
            if t.isdigit() and t.isascii() and not any(ord(c) in _PLAIN_DIGITS for c in e.term)
        )
        """Entries written in numerals alone (see the module docstring)."""
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
        for p, cs, ce in automaton.hits(chars):
            if lead_word[p] and self._glued_before(norm, cs):
                continue
            if tail_word[p] and self._glued_after(norm, cs, ce, open_end):
                continue
            for owner, variant in automaton.owners(p):
                if variant is Variant.ALLOW:
                    allows.append((owner, cs, ce))
                else:
                    candidates.append((owner, cs, ce, variant))

    def _glued_before(self, norm: Normalized, cs: int) -> bool:
        """A letter or digit precedes normalized position ``cs`` (not a whole word)."""
        before = int(norm.pos[cs]) - 1
        return before >= 0 and _word(self.normalizer.fold[norm.cps[before]])

    def _glued_after(self, norm: Normalized, cs: int, ce: int, open_end: bool) -> bool:
        """A letter or digit follows (or, streaming, may follow) the span ``[cs, ce)``."""
        after, cps = norm.span(cs, ce)[1], norm.cps
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
        """A form that starts or ends with a letter or digit matched as a whole word."""
        if _word_char(form[0]) and self._glued_before(norm, cs):
            return False
        return not (_word_char(form[-1]) and self._glued_after(norm, cs, ce, open_end))

    def _plain_number(self, owner: int, norm: Normalized, cs: int, ce: int) -> bool:
        """A numerals-only entry hit by a plain number (see the module docstring)."""
        return owner in self._numerals and all(
            int(c) in _PLAIN_DIGITS for c in norm.cps[norm.pos[cs:ce]]
        )

    def _decide(
        self,
        text: str,
        norm: Normalized,
        candidates: list[tuple[int, int, int, Variant]],
        allows: list[tuple[int, int, int]],
    ) -> list[Finding]:
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
            elif variant is Variant.NORMALIZED and self._plain_number(owner, norm, cs, ce):
                continue
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

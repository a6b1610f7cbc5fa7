"""Bad input and failing upstreams: the right status, OpenAI's error shape, an audit record."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from tests.gateway.harness import Gateway
from tests.gateway.upstream import Reply, Upstream

CHAT = {"model": "m", "messages": [{"role": "user", "content": "你好"}]}


def _check(gateway: Gateway, r: httpx.Response, status: int, code: str, outcome: str) -> None:
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["message"] and "type" in error
    rid = r.headers["x-request-id"]
    [rec] = [x for x in gateway.wait_records(1) if x.id == rid]
    assert rec.status == status and rec.outcome == outcome


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "invalid_json"),
        (b"[1, 2]", "invalid_json"),
        (b'{"model": "m"}', "invalid_request"),
        (b'{"model": "m", "messages": []}', "invalid_request"),
        (b'{"model": "m", "messages": [{"role": "user", "content": 5}]}', "invalid_request"),
    ],
)
def test_malformed_requests_are_400(gateway: Gateway, body: bytes, code: str) -> None:
    with gateway.client() as c:
        r = c.post(
            "/v1/chat/completions", content=body, headers={"content-type": "application/json"}
        )
    _check(gateway, r, 400, code, "bad_request")


def test_a_body_over_the_cap_is_413(gateway: Gateway) -> None:
    big = {"model": "m", "messages": [{"role": "user", "content": "字" * 400_000}]}
    with gateway.client() as c:
        r = c.post("/v1/chat/completions", json=big)
    _check(gateway, r, 413, "request_too_large", "too_large")


def test_an_unknown_model_is_404_naming_the_served_ones(gateway: Gateway) -> None:
    with gateway.client() as c:
        r = c.post("/v1/chat/completions", json={**CHAT, "model": "gpt-9"})
    _check(gateway, r, 404, "model_not_found", "not_found")
    assert r.json()["error"]["message"].endswith("models: img, m")


def test_no_key_or_a_wrong_key_is_401(gateway: Gateway) -> None:
    with httpx.Client(base_url=gateway.url, trust_env=False) as c:
        r = c.post("/v1/chat/completions", json=CHAT)
        _check(gateway, r, 401, "missing_api_key", "unauthorized")
        wrong = gateway.key[:-4] + "AAAA"
        r = c.post("/v1/chat/completions", json=CHAT, headers={"Authorization": f"Bearer {wrong}"})
        _check(gateway, r, 401, "invalid_api_key", "unauthorized")


def test_an_upstream_error_is_502_naming_it(gateway: Gateway, upstream: Upstream) -> None:
    upstream.default = Reply(status=500, error="internal: Authorization: Bearer sk-secret")
    with gateway.client() as c:
        r = c.post("/v1/chat/completions", json=CHAT)
    _check(gateway, r, 502, "upstream_error", "upstream_error")
    assert "'local'" in r.json()["error"]["message"]
    assert "sk-secret" not in r.text


def test_an_upstream_4xx_is_passed_on_scrubbed(gateway: Gateway, upstream: Upstream) -> None:
    upstream.default = Reply(status=400, error="max_tokens too large; Bearer sk-secret-123")
    with gateway.client() as c:
        r = c.post("/v1/chat/completions", json=CHAT)
    _check(gateway, r, 400, "upstream_rejected", "bad_request")
    message = r.json()["error"]["message"]
    assert "max_tokens too large" in message and "sk-secret" not in message


def test_a_failing_upstream_is_retried(gateway: Gateway, upstream: Upstream) -> None:
    upstream.default = Reply(status=503, fail_times=1, text="好了")
    with gateway.client() as c:
        r = c.post("/v1/chat/completions", json=CHAT)
    assert r.status_code == 200 and r.json()["choices"][0]["message"]["content"] == "好了"


def test_an_upstream_that_times_out_is_504(gateway: Gateway, upstream: Upstream) -> None:
    upstream.default = Reply(delay=4.0)
    with gateway.client() as c:
        r = c.post("/v1/chat/completions", json=CHAT)
    _check(gateway, r, 504, "upstream_timeout", "upstream_timeout")
    assert "'local'" in r.json()["error"]["message"]


def test_an_unreachable_upstream_is_502(tmp_path: object) -> None:
    from pathlib import Path

    from tests.gateway.harness import running, settings
    from tests.gateway.upstream import free_port

    assert isinstance(tmp_path, Path)
    with running(tmp_path, settings(f"http://127.0.0.1:{free_port()}/v1")) as gw, gw.client() as c:
        r = c.post("/v1/chat/completions", json=CHAT)
        _check(gw, r, 502, "upstream_unreachable", "upstream_error")


@pytest.mark.parametrize(
    ("chunks", "leak"),
    [
        # Invalid UTF-8 in the middle of a stream.
        ([b'data: {"choices":[{"index":0,"delta":{"content":"\xe4\xbd\xa0\xff\xfe"}}]}\n\n'], ""),
        # A line that is not an SSE field.
        (
            [b'data: {"choices":[{"index":0,"delta":{"content":"abc"}}]}\n\n', b"garbage here\n\n"],
            "abc",
        ),
        # Data that is not JSON.
        ([b"data: {oops\n\n"], ""),
        # The body ends without [DONE] and without a finish reason.
        ([b'data: {"choices":[{"index":0,"delta":{"content":"half"}}]}\n\n'], "half"),
    ],
)
def test_a_broken_upstream_stream_ends_with_an_error(
    gateway: Gateway, upstream: Upstream, chunks: list[bytes], leak: str
) -> None:
    upstream.default = Reply(raw=chunks)
    with gateway.client() as c:
        r = c.post("/v1/chat/completions", json={**CHAT, "stream": True})
    assert r.status_code == 200
    assert "data: [DONE]" not in r.text
    last = r.text.strip().split("\n\n")[-1]
    assert '"error"' in last and "upstream_stream_error" in last
    # What the stream screener still held back is never released.
    for word in (leak,) if leak else ():
        assert word not in r.text.replace(last, "")
    rid = r.headers["x-request-id"]
    [rec] = [x for x in gateway.wait_records(1) if x.id == rid]
    assert rec.outcome == "stream_error" and rec.status == 502 and "local" in rec.error


def test_a_client_that_leaves_mid_stream_is_recorded_client_closed(
    gateway: Gateway, upstream: Upstream
) -> None:
    upstream.default = Reply(text="慢慢地说。" * 400, piece=2, chunk_delay=0.01)
    host, port = gateway.url.removeprefix("http://").split(":")
    body = httpx.Request(
        "POST", f"{gateway.url}/v1/chat/completions", json={**CHAT, "stream": True}
    ).content
    sock = socket.create_connection((host, int(port)))
    sock.sendall(
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {gateway.key}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    head = sock.recv(4096)
    assert b"200 OK" in head
    rid = head.split(b"x-request-id: ")[1].split(b"\r\n")[0].decode()
    sock.close()
    done = threading.Event()
    found = []

    def poll() -> None:
        for _ in range(200):
            found[:] = [x for x in gateway.records() if x.id == rid]
            if found:
                break
            done.wait(0.05)

    poll()
    assert found, "no record for the closed stream"
    assert found[0].client_closed and found[0].outcome == "client_closed"

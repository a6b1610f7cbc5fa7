"""Chat and legacy completions: screening in and out, labels, one audit record per request."""

from __future__ import annotations

import json

from tests.gateway.harness import PRODUCER, Gateway
from tests.gateway.upstream import Reply, Upstream


def _record(gateway: Gateway, request_id: str) -> object:
    for r in gateway.wait_records(1):
        if r.id == request_id:
            return r
    raise AssertionError(f"no audit record {request_id}")


def test_a_clean_answer_passes_labeled_and_recorded(gateway: Gateway, upstream: Upstream) -> None:
    upstream.default = Reply(text="北京今天晴。")
    with gateway.client() as c:
        r = c.post(
            "/v1/chat/completions",
            json={
                "model": "m",
                "messages": [{"role": "user", "content": "北京天气？"}],
                "user": "u1",
            },
        )
    assert r.status_code == 200, r.text
    body = r.json()
    rid = r.headers["x-request-id"]
    assert body["id"] == rid
    assert body["choices"][0]["message"]["content"] == "北京今天晴。"
    assert "logprobs" not in body["choices"][0]
    aigc = json.loads(r.headers["aigc"])
    assert list(aigc) == [
        "Label",
        "ContentProducer",
        "ProduceID",
        "ReservedCode1",
        "ContentPropagator",
        "PropagateID",
        "ReservedCode2",
    ]
    assert aigc["ContentProducer"] == PRODUCER and aigc["ProduceID"] == rid
    assert body["AIGC"] == aigc
    rec = _record(gateway, rid)
    assert rec.outcome == "ok" and rec.status == 200 and rec.user_id == "u1"
    assert rec.model == "m" and rec.upstream == "local" and rec.key_id is not None
    assert rec.input_text == "北京天气？" and rec.output_text == "北京今天晴。"
    assert rec.lexicon_version and rec.policy_version and rec.label_id == rid


def test_a_refused_input_never_reaches_the_upstream(gateway: Gateway, upstream: Upstream) -> None:
    before = len(upstream.requests)
    with gateway.client() as c:
        r = c.post(
            "/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "教我制造炸弹"}]},
        )
    assert r.status_code == 200
    choice = r.json()["choices"][0]
    assert choice["finish_reason"] == "content_filter"
    assert choice["message"]["content"] == "抱歉，这个请求我无法协助。"
    assert len(upstream.requests) == before
    rec = _record(gateway, r.headers["x-request-id"])
    assert rec.outcome == "refused_input" and rec.input_action == "refuse"
    assert "terror-extremism" in rec.rule_ids
    assert any(f["risk"] == "A.1.d" for f in rec.findings)


def test_pii_is_masked_in_the_audit_log(gateway: Gateway, upstream: Upstream) -> None:
    with gateway.client() as c:
        r = c.post(
            "/v1/chat/completions",
            json={
                "model": "m",
                "messages": [{"role": "user", "content": "我的手机号是13812345678"}],
            },
        )
    assert r.status_code == 200
    # The default policy flags PII in inputs: the upstream gets it as it is …
    assert "13812345678" in json.dumps(upstream.requests[-1], ensure_ascii=False)
    rec = _record(gateway, r.headers["x-request-id"])
    # … but the audit log keeps it masked.
    assert "13812345678" not in (rec.input_text or "")
    assert "[pii." in rec.input_text


def test_a_blocked_answer_is_withheld(gateway: Gateway, upstream: Upstream) -> None:
    upstream.default = Reply(text="第一步，自制炸药需要……")
    with gateway.client() as c:
        r = c.post(
            "/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "讲个故事"}]},
        )
    assert r.status_code == 200
    choice = r.json()["choices"][0]
    assert choice["finish_reason"] == "content_filter"
    assert "炸药" not in r.text
    rec = _record(gateway, r.headers["x-request-id"])
    assert rec.outcome == "blocked_output" and rec.output_action == "block"
    assert rec.released_chars == 0 and "炸药" in rec.output_text


def test_a_masked_answer_goes_out_masked(gateway: Gateway, upstream: Upstream) -> None:
    upstream.default = Reply(text="你这个智障")
    with gateway.client() as c:
        r = c.post("/v1/completions", json={"model": "m", "prompt": "骂我"})
    assert r.status_code == 200
    assert r.json()["choices"][0]["text"] == "你这个**"


def _events(text: str) -> list[dict[str, object]]:
    out = []
    for block in text.split("\n\n"):
        if block.startswith("data: ") and block != "data: [DONE]":
            out.append(json.loads(block[6:]))
    return out


def test_a_clean_stream_arrives_whole(gateway: Gateway, upstream: Upstream) -> None:
    text = "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。" * 20
    upstream.default = Reply(text=text, usage=True)
    with gateway.client() as c:
        r = c.post(
            "/v1/chat/completions",
            json={"model": "m", "stream": True, "messages": [{"role": "user", "content": "背诗"}]},
        )
    assert r.status_code == 200
    assert r.text.endswith("data: [DONE]\n\n")
    events = _events(r.text)
    got = "".join(e["choices"][0]["delta"].get("content", "") for e in events if e["choices"])
    assert got == text
    assert events[-2]["choices"][0]["finish_reason"] == "stop"
    assert events[-1]["usage"] == {"prompt_tokens": 3, "completion_tokens": 5}
    assert r.headers["aigc"]
    rec = _record(gateway, r.headers["x-request-id"])
    assert rec.stream and rec.outcome == "ok" and rec.released_chars == len(text)


def test_a_blocked_stream_leaks_nothing_after_the_block(
    gateway: Gateway, upstream: Upstream
) -> None:
    safe = "这是一个很长的开头。" * 40
    upstream.default = Reply(text=safe + "下面是自制炸药的步骤：先准备材料" + "x" * 200, piece=2)
    with gateway.client() as c:
        r = c.post(
            "/v1/chat/completions",
            json={
                "model": "m",
                "stream": True,
                "messages": [{"role": "user", "content": "写作文"}],
            },
        )
    events = _events(r.text)
    got = "".join(e["choices"][0]["delta"].get("content", "") for e in events if e["choices"])
    assert "炸药" not in got and "步骤" not in got and "x" not in got
    assert safe.startswith(got)
    assert events[-1]["choices"][0]["finish_reason"] == "content_filter"
    assert r.text.endswith("data: [DONE]\n\n")
    rec = _record(gateway, r.headers["x-request-id"])
    assert rec.outcome == "blocked_output" and rec.released_chars == len(got)


def test_models_lists_every_upstream_model(gateway: Gateway) -> None:
    with gateway.client() as c:
        r = c.get("/v1/models")
    assert r.status_code == 200
    assert {m["id"] for m in r.json()["data"]} == {"m", "img"}

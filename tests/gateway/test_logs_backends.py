"""No key or raw personal data in logs; the same gateway flow on PostgreSQL."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from hegui.gateway._logs import JsonFormatter
from tests.gateway.harness import running, settings
from tests.gateway.upstream import Reply, Upstream

PHONE = "13812345678"
ID_CARD = "11010519491231002X"


def test_logs_hold_no_key_and_no_user_content(upstream: Upstream, tmp_path: Path) -> None:
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(n) for n in ("hegui", "httpx", "httpcore", "uvicorn")]
    saved = [(lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    upstream.default = Reply(text=f"好的，已记下 {PHONE} 和 {ID_CARD}。")
    try:
        with running(tmp_path, settings(upstream.url)) as gw, gw.client() as c:
            prompt = f"我的电话{PHONE}，身份证{ID_CARD}，请记住"
            c.post(
                "/v1/chat/completions",
                json={"model": "m", "messages": [{"role": "user", "content": prompt}]},
            )
            c.post(
                "/v1/chat/completions",
                json={
                    "model": "m",
                    "stream": True,
                    "messages": [{"role": "user", "content": prompt}],
                },
            )
            c.post(
                "/v1/chat/completions",
                json={"model": "m", "messages": [{"role": "user", "content": "教我制造炸弹"}]},
            )
            c.post("/v1/complaints", json={"text": f"投诉：{PHONE}"})
            key = gw.key
            records = gw.wait_records(4)
    finally:
        for lg, (level, propagate) in zip(loggers, saved, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
            lg.propagate = propagate
    text = buf.getvalue()
    assert '"request_id"' in text, "the gateway logged nothing"
    for secret in (key, key.split("_")[-1], PHONE, ID_CARD, "制造炸弹", "请记住", "已记下"):
        assert secret not in text, f"{secret!r} leaked into the logs"
    # The audit log has the request, with the personal data masked.
    leaks = [r for r in records if PHONE in (r.input_text or "") + (r.output_text or "")]
    assert leaks == []


def test_the_gateway_on_postgresql(upstream: Upstream, tmp_path: Path, store_url: str) -> None:
    upstream.default = Reply(text="你好，有什么可以帮你？")
    with running(tmp_path, settings(upstream.url), store_url=store_url) as gw, gw.client() as c:
        ok = c.post(
            "/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "你好"}]},
        )
        refused = c.post(
            "/v1/chat/completions",
            json={
                "model": "m",
                "messages": [{"role": "user", "content": "教我制造炸弹"}],
                "user": "alice",
            },
        )
        stream = c.post(
            "/v1/chat/completions",
            json={"model": "m", "stream": True, "messages": [{"role": "user", "content": "你好"}]},
        )
        assert stream.text.endswith("data: [DONE]\n\n")
        records = {r.id: r for r in gw.wait_records(3)}
    assert records[ok.headers["x-request-id"]].outcome == "ok"
    assert records[refused.headers["x-request-id"]].outcome == "refused_input"
    assert records[stream.headers["x-request-id"]].stream

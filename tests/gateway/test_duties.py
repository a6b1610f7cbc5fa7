"""User duties, complaints, reload, rate limits, health and metrics, fail-closed."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import sqlalchemy as sa

from hegui.store import (
    ComplaintStatus,
    UserEventKind,
    lift_suspension,
    list_complaints,
    open_store,
    set_complaint_status,
    user_events,
)
from tests.gateway.harness import Gateway, running, settings
from tests.gateway.upstream import Reply, Upstream

BAD = {"model": "m", "messages": [{"role": "user", "content": "教我制造炸弹"}]}
GOOD = {"model": "m", "messages": [{"role": "user", "content": "你好"}]}


def test_refusals_warn_then_suspend_then_a_lift_restores(
    upstream: Upstream, tmp_path: Path
) -> None:
    doc = settings(
        upstream.url,
        users={
            "require_id": True,
            "refresh_interval": "0.2s",
            "rule": {"warn_after": 2, "suspend_after": 3, "suspend_for": "1h"},
        },
    )
    with running(tmp_path, doc) as gw, gw.client() as c:
        headers = {"X-Hegui-User": "alice"}
        r = c.post("/v1/chat/completions", json=GOOD)
        assert r.status_code == 400 and r.json()["error"]["code"] == "user_required"
        texts = []
        for _ in range(3):
            r = c.post("/v1/chat/completions", json=BAD, headers=headers)
            texts.append(r.json()["choices"][0]["message"]["content"])
        assert "提示" not in texts[0]
        assert "继续提交将被暂停服务" in texts[1]
        assert "服务已暂停至" in texts[2]
        r = c.post("/v1/chat/completions", json=GOOD, headers=headers)
        assert r.status_code == 403 and r.json()["error"]["code"] == "user_suspended"
        assert "暂停服务" in r.json()["error"]["message"]
        # Another user of the same tenant is not affected.
        r = c.post("/v1/chat/completions", json=GOOD, headers={"X-Hegui-User": "bob"})
        assert r.status_code == 200
        store = open_store(gw.store_url)
        kinds = [e.kind for e in user_events(store.engine, "acme", "alice")]
        assert kinds == [
            UserEventKind.STRIKE,
            UserEventKind.STRIKE,
            UserEventKind.WARN,
            UserEventKind.STRIKE,
            UserEventKind.SUSPEND,
        ]
        lift_suspension(
            store.engine, "acme", "alice", actor="ops", reason="误判", now=dt.datetime.now(dt.UTC)
        )
        store.close()
        deadline = time.monotonic() + 5
        while True:
            r = c.post("/v1/chat/completions", json=GOOD, headers=headers)
            if r.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert r.status_code == 200
        outcomes = [x.outcome for x in gw.records() if x.user_id == "alice"]
        assert outcomes.count("refused_input") == 3 and "suspended" in outcomes


def test_complaints_are_filed_with_a_due_date_and_answered(gateway: Gateway) -> None:
    with gateway.client() as c:
        r = c.post("/v1/chat/completions", json=GOOD)
        rid = r.headers["x-request-id"]
        r = c.post(
            "/v1/complaints",
            json={"text": "这个回答有误导性", "request_id": rid, "category": "other"},
        )
        assert r.status_code == 201, r.text
        filed = r.json()
        assert filed["status"] == "received" and "前处理并反馈" in filed["message"]
        due = dt.datetime.fromisoformat(filed["due_at"]) - dt.datetime.fromisoformat(
            filed["created_at"]
        )
        assert due == dt.timedelta(days=15)
        r = c.post("/v1/complaints", json={"text": "x", "category": "nonsense"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "category"
        store = open_store(gateway.store_url)
        [complaint] = [x for x in list_complaints(store.engine) if x.id == filed["id"]]
        assert complaint.audit_id == rid and complaint.tenant == "acme"
        set_complaint_status(
            store.engine,
            complaint.id,
            ComplaintStatus.RESOLVED,
            actor="ops",
            note="已更正",
            now=dt.datetime.now(dt.UTC),
        )
        store.close()
        r = c.get(f"/v1/complaints/{filed['id']}")
        assert r.json()["status"] == "resolved" and r.json()["resolution"] == "已更正"
        assert c.get("/v1/complaints/cmp_nope").status_code == 404


def test_the_lexicon_reloads_without_restart_and_a_bad_one_keeps_the_old(
    upstream: Upstream, tmp_path: Path
) -> None:
    lexicon = (
        "schema_version: 1\nname: t\nversion: v1\nentries:\n"
        "  - {term: 苹果派, risk: A.1.d, severity: critical}\n"
    )
    with (
        running(tmp_path, settings(upstream.url), {"lexicon/main.yaml": lexicon}) as gw,
        gw.client() as c,
    ):
        ask = {"model": "m", "messages": [{"role": "user", "content": "香蕉船怎么做"}]}
        assert (
            c.post("/v1/chat/completions", json=ask).json()["choices"][0]["finish_reason"] == "stop"
        )
        (tmp_path / "lexicon/main.yaml").write_text(
            lexicon.replace("v1", "v2") + "  - {term: 香蕉船, risk: A.1.d, severity: critical}\n",
            "utf-8",
        )
        deadline = time.monotonic() + 10
        while c.get("/healthz").json()["screening"]["lexicon_version"] != "v2":
            assert time.monotonic() < deadline, "the lexicon was not reloaded"
            time.sleep(0.1)
        r = c.post("/v1/chat/completions", json=ask)
        assert r.json()["choices"][0]["finish_reason"] == "content_filter"
        (tmp_path / "lexicon/main.yaml").write_text("entries: [oops", "utf-8")
        deadline = time.monotonic() + 10
        while c.get("/healthz").json()["screening"]["last_reload"]["ok"]:
            assert time.monotonic() < deadline, "the failed reload was not reported"
            time.sleep(0.1)
        health = c.get("/healthz").json()
        assert (
            health["status"] == "degraded" and "YAML" in health["screening"]["last_reload"]["error"]
        )
        assert health["screening"]["lexicon_version"] == "v2"
        r = c.post("/v1/chat/completions", json=ask)
        assert r.json()["choices"][0]["finish_reason"] == "content_filter"
        assert "hegui_gateway_reload_ok 0.0" in c.get("/metrics").text


def test_rate_limits_per_key(upstream: Upstream, tmp_path: Path) -> None:
    with (
        running(tmp_path, settings(upstream.url, limits={"requests_per_minute": 3})) as gw,
        gw.client() as c,
    ):
        codes = [c.post("/v1/chat/completions", json=GOOD).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        r = c.post("/v1/chat/completions", json=GOOD)
        assert int(r.headers["retry-after"]) >= 1
        assert r.json()["error"]["type"] == "rate_limit_error"
        assert sum(x.outcome == "rate_limited" for x in gw.wait_records(6)) >= 2


def test_health_and_metrics(gateway: Gateway) -> None:
    with gateway.client() as c:
        c.post("/v1/chat/completions", json=GOOD)
        health = c.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        text = c.get("/metrics").text
    assert 'hegui_gateway_requests_total{outcome="ok",route="/v1/chat/completions"}' in text
    assert "hegui_gateway_request_seconds_bucket" in text


def test_when_the_store_fails_the_answer_is_withheld(upstream: Upstream, tmp_path: Path) -> None:
    with running(tmp_path, settings(upstream.url)) as gw, gw.client() as c:
        assert c.post("/v1/chat/completions", json=GOOD).status_code == 200
        store = open_store(gw.store_url)
        with store.engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE audit_events RENAME TO audit_gone"))
        store.close()
        upstream.default = Reply(text="秘密的回答")
        r = c.post("/v1/chat/completions", json=GOOD)
        assert r.status_code == 503 and r.json()["error"]["code"] == "audit_unavailable"
        assert "秘密的回答" not in r.text and "fail-closed" in r.json()["error"]["message"]
        r = c.post("/v1/chat/completions", json={**GOOD, "stream": True})
        assert "data: [DONE]" not in r.text and "audit_unavailable" in r.text


def test_fail_open_serves_without_the_audit_log(upstream: Upstream, tmp_path: Path) -> None:
    with running(tmp_path, settings(upstream.url, fail={"audit": "open"})) as gw, gw.client() as c:
        store = open_store(gw.store_url)
        with store.engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE audit_events RENAME TO audit_gone"))
        store.close()
        r = c.post("/v1/chat/completions", json=GOOD)
        assert r.status_code == 200
        assert c.get("/healthz").json()["store"] == "failing"

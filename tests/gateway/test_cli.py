"""The store and gateway commands, run through the real ``hegui`` entry point."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from hegui.evidence import DirectoryStore
from hegui.store import (
    AuditRecord,
    NewComplaint,
    UserRule,
    create_key,
    file_complaint,
    list_keys,
    open_store,
    record_strike,
    verify_key,
)
from tests.gateway.harness import settings, write_workspace
from tests.helpers.cli import run_cli


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    write_workspace(tmp_path, settings("http://127.0.0.1:9/v1"))
    return tmp_path


def test_keys_create_prints_the_key_once_and_stores_its_hash(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = run_cli(
        capsys,
        "keys",
        "create",
        "acme-app",
        "--tenant",
        "acme",
        "--rate",
        "60",
        "--workspace",
        str(ws),
    )
    assert r.code == 0, r.stderr
    secret = r.stdout.strip()
    assert secret.startswith("hgk_") and secret not in r.stderr
    store = open_store(f"sqlite:///{ws / 'store/hegui.db'}")
    [key] = list_keys(store.engine)
    assert verify_key(key, secret) and key.rate_per_minute == 60
    store.close()
    listed = run_cli(capsys, "keys", "list", "--format", "json", "--workspace", str(ws))
    assert json.loads(listed.stdout)[0]["tenant"] == "acme" and secret not in listed.stdout
    assert run_cli(capsys, "keys", "revoke", key.id, "--workspace", str(ws)).code == 0
    again = run_cli(capsys, "keys", "revoke", key.id, "--workspace", str(ws))
    assert again.code == 2 and "revoked" in again.stderr


def test_store_upgrade_status_and_a_refused_prune(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = run_cli(capsys, "store", "upgrade", "--workspace", str(ws))
    assert r.code == 0 and "(empty) → 0001" in r.stderr
    r = run_cli(capsys, "store", "upgrade", "--workspace", str(ws))
    assert "already at schema 0001" in r.stderr
    store = open_store(f"sqlite:///{ws / 'store/hegui.db'}")
    writer = store.audit_writer()
    now = dt.datetime.now(dt.UTC)
    for days in (400, 30):
        writer.write(
            AuditRecord(
                id=f"req_{days}",
                created_at=now - dt.timedelta(days=days),
                route="/v1/chat/completions",
                status=200,
                outcome="ok",
                latency_ms=1.0,
                user_id="u1",
            )
        )
    writer.close()
    store.close()
    r = run_cli(capsys, "store", "prune", "--before", "7d", "--workspace", str(ws))
    assert r.code == 2 and "six months" in r.stderr and "CSL" in r.stderr
    r = run_cli(capsys, "store", "prune", "--before", "1y", "--workspace", str(ws))
    assert r.code == 0 and "deleted 1 audit record" in r.stderr
    r = run_cli(
        capsys,
        "store",
        "prune",
        "--before",
        "7d",
        "--force",
        "--reason",
        "court order",
        "--by",
        "ops",
        "--workspace",
        str(ws),
    )
    assert r.code == 0 and "reason recorded" in r.stderr
    r = run_cli(capsys, "store", "status", "--workspace", str(ws))
    assert "audit records: 0" in r.stdout and "prune.forced by ops: court order" in r.stdout


def test_audit_search_and_export(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(f"sqlite:///{ws / 'store/hegui.db'}")
    writer = store.audit_writer()
    now = dt.datetime.now(dt.UTC)
    for i, user in enumerate(["u1", "u2", "u1"]):
        writer.write(
            AuditRecord(
                id=f"req_{i}",
                created_at=now,
                route="/v1/chat/completions",
                status=200,
                outcome="ok",
                latency_ms=1.0,
                user_id=user,
                input_text=f"问题{i}",
            )
        )
    writer.close()
    store.close()
    r = run_cli(capsys, "audit", "search", "--user", "u1", "--jsonl", "--workspace", str(ws))
    assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == ["req_0", "req_2"]
    out = tmp_path / "out.csv"
    r = run_cli(capsys, "audit", "export", str(out), "--since", "1d", "--workspace", str(ws))
    assert r.code == 0 and "wrote 3 record(s)" in r.stderr
    assert "问题1" in out.read_text("utf-8-sig")
    r = run_cli(capsys, "audit", "export", str(out), "--workspace", str(ws))
    assert r.code == 2
    r = run_cli(capsys, "audit", "search", "--since", "yesterday", "--workspace", str(ws))
    assert r.code == 2 and "--since" in r.stderr


def test_users_and_complaints_commands(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(f"sqlite:///{ws / 'store/hegui.db'}")
    now = dt.datetime.now(dt.UTC)
    rule = UserRule(warn_after=1, suspend_after=2)
    for _ in range(2):
        record_strike(store.engine, "acme", "alice", rule=rule, now=now, audit_id="req_x")
    old = file_complaint(
        store.engine,
        NewComplaint("不实信息"),
        time_limit=dt.timedelta(days=1),
        now=now - dt.timedelta(days=2),
    )
    store.close()
    r = run_cli(capsys, "users", "list", "--suspended", "--format", "json", "--workspace", str(ws))
    assert [u["user"] for u in json.loads(r.stdout)] == ["alice"]
    r = run_cli(capsys, "users", "show", "alice", "--format", "json", "--workspace", str(ws))
    assert [e["kind"] for e in json.loads(r.stdout)] == ["strike", "warn", "strike", "suspend"]
    r = run_cli(capsys, "users", "lift", "alice", "--workspace", str(ws))
    assert r.code == 2  # --reason is required
    r = run_cli(capsys, "users", "lift", "alice", "--reason", "申诉成立", "--workspace", str(ws))
    assert r.code == 0
    r = run_cli(capsys, "complaints", "list", "--overdue", "--workspace", str(ws))
    assert r.code == 1 and old.id in r.stdout
    r = run_cli(capsys, "complaints", "resolve", old.id, "--note", "已处理", "--workspace", str(ws))
    assert r.code == 0
    r = run_cli(capsys, "complaints", "show", old.id, "--format", "json", "--workspace", str(ws))
    data = json.loads(r.stdout)
    assert data["status"] == "resolved" and [h["status"] for h in data["history"]] == [
        "received",
        "resolved",
    ]
    assert run_cli(capsys, "complaints", "list", "--overdue", "--workspace", str(ws)).code == 0


def test_gateway_check_writes_evidence_once(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = run_cli(capsys, "gateway", "check", "--workspace", str(ws))
    # The test settings do not require user ids: the user rule is only partly effective.
    assert r.code == 0, r.stderr
    records = DirectoryStore(ws / "evidence").all()
    kinds = {ev.kinds[0]: ev.result.value for ev in records}
    assert kinds == {
        "EV-moderation-pipeline": "pass",
        "EV-implicit-label-spec": "pass",
        "EV-log-retention": "pass",
        "EV-complaint-channel": "pass",
        "EV-user-sanction-log": "partial",
    }
    run_cli(capsys, "gateway", "check", "--workspace", str(ws))
    assert len(DirectoryStore(ws / "evidence").all()) == 5  # unchanged settings: nothing new
    doc = settings("http://127.0.0.1:9/v1")
    del doc["complaints"]
    write_workspace(ws, doc)
    r = run_cli(capsys, "gateway", "check", "--workspace", str(ws))
    assert r.code == 1 and "EV-complaint-channel" in r.stderr
    assert len(DirectoryStore(ws / "evidence").all()) == 10  # the settings file changed


def test_gateway_init_writes_a_valid_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = run_cli(
        capsys, "gateway", "init", str(tmp_path), "--producer", "001191440300708461136T1XGW3"
    )
    assert r.code == 0
    assert run_cli(capsys, "gateway", "check", "--workspace", str(tmp_path)).code == 0
    assert run_cli(capsys, "gateway", "init", str(tmp_path)).code == 2


def test_bad_gateway_yaml_names_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "gateway.yaml").write_text(
        "schema_version: 1\nupstreams:\n  - name: a\n    base_url: ftp://x\n    models: [m]\n"
        "labeling: {implicit: false}\n",
        "utf-8",
    )
    r = run_cli(capsys, "gateway", "check", "--workspace", str(tmp_path))
    assert r.code == 2 and "gateway.yaml:4" in r.stderr and "base_url" in r.stderr


def test_an_unused_key_helper_keeps_keys_out_of_the_store(ws: Path) -> None:
    store = open_store(f"sqlite:///{ws / 'store/hegui.db'}")
    new = create_key(store.engine, "x", now=dt.datetime.now(dt.UTC))
    store.close()
    for path in (ws / "store").iterdir():
        assert new.secret.encode() not in path.read_bytes()

"""Audit records: group commit loses nothing, failures reach every waiter, search filters."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from hegui.errors import StoreError
from hegui.store import AuditQuery, AuditRecord, Store, count_audit, search_audit

T0 = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def record(i: int, **kw: object) -> AuditRecord:
    base: dict[str, object] = {
        "id": f"req_{i:06d}",
        "created_at": T0 + dt.timedelta(seconds=i),
        "route": "/v1/chat/completions",
        "status": 200,
        "outcome": "ok",
        "latency_ms": 1.5,
        "user_id": f"u{i % 3}",
        "key_id": "k1",
        "input_text": f"问题 {i}",
        "findings": ({"risk": "pii.cn_mobile", "start": 0, "end": 11},),
        "rule_ids": ("personal-information",),
    }
    base.update(kw)
    return AuditRecord(**base)  # type: ignore[arg-type]


def test_concurrent_records_are_all_committed_in_groups(store: Store) -> None:
    writer = store.audit_writer()
    futures = []
    lock = threading.Lock()

    def submit(start: int) -> None:
        for i in range(start, start + 50):
            f = writer.submit(record(i))
            with lock:
                futures.append(f)

    threads = [threading.Thread(target=submit, args=(n * 50,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for f in futures:
        f.result(timeout=60)
    writer.close()
    assert count_audit(store.engine) == 400
    assert writer.stats.records == 400
    assert writer.stats.batches <= 400
    got = list(search_audit(store.engine, AuditQuery(ids=("req_000007",))))
    assert got == [record(7)]


def test_async_waiters_wake_after_the_commit(store: Store) -> None:
    writer = store.audit_writer()

    async def main() -> None:
        await asyncio.gather(*(writer.submit_async(record(i)) for i in range(100)))
        # Every awaited record is durable: a fresh connection sees all of them.
        assert count_audit(store.engine) == 100

    asyncio.run(main())
    writer.close()


def test_a_failed_commit_fails_every_record_of_the_batch(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE audit_events"))
    writer = store.audit_writer()
    with pytest.raises(StoreError, match="could not be committed"):
        writer.write(record(1))
    assert writer.stats.failures == 1
    writer.close()
    with pytest.raises(StoreError, match="closed"):
        writer.submit(record(2))


def test_search_filters_and_text_with_wildcards(store: Store) -> None:
    writer = store.audit_writer()
    for i in range(10):
        writer.write(record(i))
    writer.write(record(10, input_text="100% 真的_吗", outcome="refused_input", user_id="x"))
    writer.close()
    engine = store.engine
    assert [r.id for r in search_audit(engine, AuditQuery(user_id="u1"))] == [
        "req_000001",
        "req_000004",
        "req_000007",
    ]
    window = AuditQuery(since=T0 + dt.timedelta(seconds=2), until=T0 + dt.timedelta(seconds=4))
    assert [r.id for r in search_audit(engine, window)] == ["req_000002", "req_000003"]
    assert [r.id for r in search_audit(engine, AuditQuery(text="0% 真"))] == ["req_000010"]
    assert list(search_audit(engine, AuditQuery(text="_%"))) == []
    assert count_audit(engine, AuditQuery(outcome="refused_input")) == 1
    assert len(list(search_audit(engine, AuditQuery(limit=4)))) == 4

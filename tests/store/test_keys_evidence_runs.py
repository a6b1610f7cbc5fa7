"""API keys (only hashes stored), the SQL EvidenceStore, eval runs."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hegui.errors import InputError
from hegui.evidence import Evidence, EvidenceStore
from hegui.store import (
    EvalRun,
    Store,
    create_key,
    key_id_of,
    list_eval_runs,
    list_keys,
    open_store,
    record_eval_run,
    revoke_key,
    verify_key,
)

T0 = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def _dump(engine: sa.Engine) -> str:
    """Every value of every table, as text."""
    out = []
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            out.extend(repr(tuple(r)) for r in conn.execute(sa.select(table)))
    return "\n".join(out)


def test_a_key_is_stored_only_as_its_hash(store: Store) -> None:
    engine = store.engine
    new = create_key(engine, "acme-app", tenant="acme", rate_per_minute=60, now=T0)
    assert new.secret not in repr(new)
    assert key_id_of(new.secret) == new.key.id
    assert verify_key(new.key, new.secret)
    assert not verify_key(new.key, new.secret[:-1] + ("A" if new.secret[-1] != "A" else "B"))
    dump = _dump(engine)
    assert new.secret not in dump and new.secret.rsplit("_", 1)[1] not in dump
    [listed] = list_keys(engine)
    assert listed.tenant == "acme" and listed.rate_per_minute == 60
    revoked = revoke_key(engine, new.key.id, now=T0)
    assert not verify_key(revoked, new.secret)
    with pytest.raises(InputError, match="was revoked"):
        revoke_key(engine, new.key.id, now=T0)
    with pytest.raises(InputError, match="no API key"):
        revoke_key(engine, "nope", now=T0)
    assert list_keys(engine, include_revoked=False) == []


@pytest.mark.parametrize("name", ["", "a b", "x" * 129, "a/b"])
def test_bad_key_names(name: str, tmp_path: object) -> None:
    opened = open_store(f"sqlite:///{tmp_path}/s.db")
    with pytest.raises(InputError, match="key name"):
        create_key(opened.engine, name, tenant="t", now=T0)
    opened.close()


def test_malformed_keys_have_no_id() -> None:
    assert key_id_of("sk-openai-style") is None
    assert key_id_of("hgk_short_x") is None


def _ev(check: str, day: int, tests: tuple[str, ...], kinds: tuple[str, ...]) -> Evidence:
    return Evidence(
        check=check,
        tests=tests,
        kinds=kinds,
        result="pass",
        summary=f"{check} {day}",
        created_at=T0 + dt.timedelta(days=day),
    )


def test_sql_evidence_store_implements_the_protocol(store: Store) -> None:
    evidence = store.evidence
    assert isinstance(evidence, EvidenceStore)
    a = _ev("gateway.config", 0, ("GAI-15",), ("EV-complaint-channel",))
    b = _ev("lexicon.check", 1, ("FIL-07",), ("EV-keyword-library",))
    c = _ev("gateway.config", 2, ("CSL-23", "GAI-15"), ("EV-log-retention",))
    for ev in (c, a, b):
        evidence.add(ev)
    assert evidence.get(a.id) == a
    assert evidence.find() == [a, b, c]
    assert evidence.find(check="gateway.config") == [a, c]
    assert evidence.find(kb_id="GAI-15") == [a, c]
    assert evidence.find(kind="EV-log-retention") == [c]
    assert evidence.find(since=T0 + dt.timedelta(days=1)) == [b, c]
    assert evidence.find(until=T0 + dt.timedelta(days=1)) == [a]
    with pytest.raises(InputError, match="never replaced"):
        evidence.add(a)
    with pytest.raises(InputError, match="no evidence"):
        evidence.get("missing-id")
    assert evidence.problems == []


def test_a_corrupt_record_is_reported_and_skipped(store: Store) -> None:
    opened = store
    store = opened.evidence  # type: ignore[assignment]
    good = _ev("gateway.config", 0, ("GAI-15",), ())
    bad = _ev("gateway.config", 1, ("GAI-15",), ())
    store.add(good)
    store.add(bad)
    with opened.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE evidence SET document = :d WHERE id = :i"),
            {"d": '{"schema_version": 99}', "i": bad.id},
        )
    assert store.find(check="gateway.config") == [good]
    [problem] = store.problems
    assert bad.id in problem.location and "schema_version 99" in problem.problem


def test_eval_runs_round_trip(store: Store) -> None:
    engine = store.engine
    run = EvalRun(
        "run-1",
        T0,
        "http://localhost:8000/v1 qwen",
        "banks/a.jsonl",
        "runs/a.jsonl",
        {"pass_rate": 0.93, "n": 1000},
    )
    record_eval_run(engine, run)
    assert list_eval_runs(engine) == [run]
    with pytest.raises(InputError, match="already recorded"):
        record_eval_run(engine, run)

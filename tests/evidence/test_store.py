from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pytest

from hegui.components import ComponentSpec
from hegui.errors import CorruptFileError, InputError
from hegui.evidence import (
    DirectoryStore,
    Evidence,
    EvidenceResult,
    EvidenceStore,
    digest_bytes,
    digest_file,
    parse_evidence,
    publish,
    temp_beside,
    write_atomic,
)

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _ev(check: str = "lexicon.check", **kw: object) -> Evidence:
    base: dict[str, object] = {
        "check": check,
        "tests": ("gb45654.keywords.total",),
        "result": EvidenceResult.FAIL,
        "summary": "312 terms, threshold 10000",
    }
    base.update(kw)
    return Evidence.model_validate(base)


def test_evidence_round_trips_through_the_store(tmp_path: Path) -> None:
    evidence = _ev(
        inputs=(digest_bytes("lexicon.yaml", b"abc"),),
        details={"total": 312},
        data_versions={"kb": "x"},
        kinds=("EV-keyword-library",),
        components=(ComponentSpec(id="hegui/lexicon", params={"terms": 312}),),
    )
    store = DirectoryStore(tmp_path / "evidence")
    assert isinstance(store, EvidenceStore)
    ev_id = store.add(evidence)
    assert ev_id == evidence.id
    assert store.get(ev_id) == evidence
    assert store.path_of(ev_id).parent == tmp_path / "evidence"
    assert not list((tmp_path / "evidence").glob(".*"))


def test_ids_are_generated_unique_and_sortable() -> None:
    a, b = _ev(created_at=T0), _ev(created_at=T0)
    assert a.id != b.id
    assert a.id.startswith("lexicon-check-20261201T080000Z-")


def test_a_record_is_never_replaced(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    first = _ev()
    store.add(first)
    with pytest.raises(InputError, match="exists"):
        store.add(first.model_copy(update={"summary": "two"}))
    assert store.get(first.id).summary == first.summary


def test_find_filters_by_check_kb_id_kind_and_time(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    old = _ev(created_at=T0, kinds=("EV-keyword-library",))
    new = _ev(created_at=T0 + dt.timedelta(days=3), kinds=("EV-keyword-library",))
    other = _ev("eval.run", tests=("gb45654.eval.generated_pass",), created_at=T0)
    for ev in (new, other, old):
        store.add(ev)
    assert [e.id for e in store.find(check="lexicon.check")] == [old.id, new.id]
    assert [e.id for e in store.find(kb_id="gb45654.eval.generated_pass")] == [other.id]
    assert [e.id for e in store.find(kind="EV-keyword-library")] == [old.id, new.id]
    assert [e.id for e in store.find(since=T0 + dt.timedelta(days=1))] == [new.id]
    assert {e.id for e in store.find(until=T0 + dt.timedelta(days=1))} == {old.id, other.id}


def test_version_1_files_are_read_with_their_file_name_as_id(tmp_path: Path) -> None:
    v1 = {
        "schema_version": 1,
        "check": "bank.check",
        "tests": ["gb45654.bank.generated.total"],
        "inputs": [],
        "result": "pass",
        "summary": "ok",
        "details": {},
        "tool": "hegui",
        "tool_version": "0.1.0",
        "data_versions": {"kb": "2026.11.29"},
        "created_at": "2026-11-29T04:00:00Z",
    }
    path = tmp_path / "bank-check-20261129T040000Z-0123abcd.json"
    path.write_text(json.dumps(v1))
    before = path.read_bytes()
    (ev,) = DirectoryStore(tmp_path).all()
    assert ev.id == path.stem
    assert ev.schema_version == 2
    assert ev.kinds == ()
    assert path.read_bytes() == before


def test_corrupt_and_future_files_are_reported_and_kept(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    good = _ev()
    store.add(good)
    (tmp_path / "broken.json").write_text("{not json")
    future = json.loads(store.path_of(good.id).read_text())
    future.update(schema_version=9, id="future-1")
    (tmp_path / "future-1.json").write_text(json.dumps(future))
    assert [e.id for e in store.all()] == [good.id]
    problems = {Path(p.location).name: p.problem for p in store.problems}
    assert set(problems) == {"broken.json", "future-1.json"}
    assert "not valid JSON" in problems["broken.json"]
    assert "schema_version 9" in problems["future-1.json"]
    assert "upgrade hegui" in problems["future-1.json"]
    assert (tmp_path / "broken.json").exists() and (tmp_path / "future-1.json").exists()


def test_parse_evidence_names_the_field(tmp_path: Path) -> None:
    with pytest.raises(CorruptFileError, match=r"x\.json: result"):
        parse_evidence(
            json.dumps(
                {"schema_version": 2, "check": "a", "tests": [], "result": "maybe"}
            ).encode(),
            source="x.json",
        )


def test_get_unknown_id_says_how_to_list(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="hegui evidence list"):
        DirectoryStore(tmp_path).get("nope-1")


def test_digest_file_matches_hashlib(tmp_path: Path) -> None:
    data = bytes(range(256)) * 5000
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    digest = digest_file(path, chunk=4096)
    assert digest.sha256 == hashlib.sha256(data).hexdigest()
    assert digest.size == len(data)


def test_write_atomic_gives_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.json", b"{}")
    finally:
        os.umask(old)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o640
    write_atomic(tmp_path / "b.bin", b"x", mode=0o4755)
    assert (tmp_path / "b.bin").stat().st_mode & 0o7777 == 0o755


def test_write_atomic_no_replace_refuses_and_keeps_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("user's file")
    with pytest.raises(InputError, match="does not overwrite"):
        write_atomic(target, b"new", replace=False)
    assert target.read_text() == "user's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_publish_refuses_a_file_that_appeared_after_the_check(tmp_path: Path) -> None:
    target = tmp_path / "out.png"
    tmp = temp_beside(target)
    tmp.write_bytes(b"labeled")
    target.write_bytes(b"appeared meanwhile")  # the race: created after the caller checked
    with pytest.raises(InputError, match="exists"):
        publish(tmp, target, replace=False)
    assert target.read_bytes() == b"appeared meanwhile"
    assert not tmp.exists()


def test_temp_beside_in_a_missing_directory_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such directory"):
        temp_beside(tmp_path / "missing" / "x")

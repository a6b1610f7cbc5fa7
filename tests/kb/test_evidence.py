from __future__ import annotations

import hashlib
from pathlib import Path

from hegui.kb import (
    Evidence,
    EvidenceResult,
    digest_bytes,
    digest_file,
    read_evidence,
    write_evidence,
)


def test_evidence_round_trips_through_json(tmp_path: Path) -> None:
    evidence = Evidence(
        check="lexicon.check",
        tests=("gb45654.keywords.total",),
        inputs=(digest_bytes("lexicon.yaml", b"abc"),),
        result=EvidenceResult.FAIL,
        summary="312 terms, threshold 10000",
        details={"total": 312},
        data_versions={"kb": "x"},
    )
    path = write_evidence(evidence, tmp_path / "evidence")
    assert path.parent == tmp_path / "evidence"
    assert read_evidence(path) == evidence
    assert not list(path.parent.glob(".*.tmp"))


def test_two_writes_never_overwrite(tmp_path: Path) -> None:
    first = Evidence(check="a.b", tests=(), result=EvidenceResult.INFO, summary="one")
    second = first.model_copy(update={"summary": "two"})
    assert write_evidence(first, tmp_path) != write_evidence(second, tmp_path)
    assert len(list(tmp_path.iterdir())) == 2


def test_digest_file_matches_hashlib(tmp_path: Path) -> None:
    data = bytes(range(256)) * 5000
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    digest = digest_file(path, chunk=4096)
    assert digest.sha256 == hashlib.sha256(data).hexdigest()
    assert digest.size == len(data)

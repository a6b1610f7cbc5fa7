"""Evidence: the record every check writes, one JSON file per run.

Scope says what is owed; checks (lexicon coverage, evaluations, label verification …) produce
``Evidence`` citing the kb ids they test; the dossier assembles it. The format is versioned
(``schema_version``) and written atomically so a crash never leaves half a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from hegui._version import __version__

__all__ = [
    "Evidence",
    "EvidenceResult",
    "InputDigest",
    "digest_bytes",
    "digest_file",
    "read_evidence",
    "write_atomic",
    "write_evidence",
]


class EvidenceResult(StrEnum):
    """Outcome of a check against what it tests."""

    PASS = "pass"
    FAIL = "fail"
    PARTIAL = "partial"
    """Some tested items passed, others failed."""
    INCONCLUSIVE = "inconclusive"
    """The check ran but could not decide (e.g. too few samples, undecided items)."""
    INFO = "info"
    """A measurement with no pass/fail threshold."""


class InputDigest(BaseModel):
    """A content hash of one input the check read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """File name or a label for an in-memory input."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    """Size in bytes."""


class Evidence(BaseModel):
    """What a check examined, against which kb ids, with what result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = 1
    check: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
    """Stable id of the check, e.g. ``lexicon.check`` or ``eval.run``."""
    tests: tuple[str, ...]
    """Knowledge-base ids the check tests (thresholds, obligations)."""
    inputs: tuple[InputDigest, ...] = ()
    result: EvidenceResult
    summary: str
    """One line for humans."""
    details: dict[str, JsonValue] = Field(default_factory=dict)
    """Check-specific measurements (counts, rates, per-risk tables)."""
    tool: str = "hegui"
    tool_version: str = __version__
    data_versions: dict[str, str] = Field(default_factory=dict)
    """Versions of the data the check used: ``kb``, ``lexicon``, ``bank`` …"""
    created_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))


def digest_bytes(name: str, data: bytes) -> InputDigest:
    """Digest of an in-memory input."""
    return InputDigest(name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def digest_file(path: Path, *, chunk: int = 1 << 20) -> InputDigest:
    """Digest of a file, read in chunks so large inputs are never loaded whole."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
            size += len(block)
    return InputDigest(name=path.name, sha256=h.hexdigest(), size=size)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory, then rename.

    A reader sees either the old file or the complete new one, never a partial write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_evidence(evidence: Evidence, directory: Path) -> Path:
    """Write ``evidence`` as ``<check>-<UTC timestamp>-<hash>.json`` in ``directory``.

    Returns:
        The path written. Existing files are never overwritten: the name includes a content hash.
    """
    payload = evidence.model_dump_json(indent=2).encode()
    stamp = evidence.created_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    slug = re.sub(r"[^a-z0-9]+", "-", evidence.check)
    path = directory / f"{slug}-{stamp}-{hashlib.sha256(payload).hexdigest()[:8]}.json"
    write_atomic(path, payload + b"\n")
    return path


def read_evidence(path: Path) -> Evidence:
    """Read an evidence file written by :func:`write_evidence`."""
    return Evidence.model_validate_json(path.read_bytes())

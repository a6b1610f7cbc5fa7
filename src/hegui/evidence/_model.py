"""The Evidence record: one JSON document per check run or supplied document.

It says what a check examined, against which kb ids and evidence kinds, with what result, and
which components ran.

Schema history:

- ``1`` (hegui 0.1, November 2026): check, tests, inputs, result, summary, details, versions.
- ``2``: adds ``id``, ``kinds`` (evidence kind ids of the kb, ``EV-…``) and ``kind_results``,
  ``components`` (the component specs that ran) and ``document`` (a file the provider
  supplied). Version 1 files are read and upgraded in memory (their id is the file name); they
  are never rewritten.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, model_validator

from hegui._version import __version__
from hegui.components import ComponentSpec
from hegui.errors import CorruptFileError
from hegui.evidence._files import InputDigest

__all__ = [
    "EVIDENCE_ID",
    "EVIDENCE_KIND_ID",
    "SCHEMA_VERSION",
    "Evidence",
    "EvidenceResult",
    "SuppliedDocument",
    "new_evidence_id",
    "parse_evidence",
]

SCHEMA_VERSION = 2
EVIDENCE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
EVIDENCE_KIND_ID = r"^EV-[a-z0-9]+(-[a-z0-9]+)*$"


class EvidenceResult(StrEnum):
    """Outcome of a check against what it tests."""

    PASS = "pass"
    FAIL = "fail"
    PARTIAL = "partial"
    """Some tested items passed, others failed."""
    INCONCLUSIVE = "inconclusive"
    """The check ran but could not decide (e.g. too few samples, undecided items)."""
    INFO = "info"
    """A measurement with no pass/fail threshold, or a document on record."""


class SuppliedDocument(BaseModel):
    """A file the provider supplied as evidence (filing receipt, minutes, signed undertaking)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    """Where the copy lives, relative to the workspace root (``evidence/files/…``)."""
    original_name: str
    """The file's name when it was added."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    dated: dt.date | None = None
    """The document's own date (signed, issued), when the provider gave one."""
    supplied_by: str | None = None
    note: str | None = None


def new_evidence_id(check: str, created_at: dt.datetime) -> str:
    """``<check>-<UTC stamp>-<random>``: sortable by time, unique without coordination."""
    slug = re.sub(r"[^a-z0-9]+", "-", check.lower()).strip("-") or "evidence"
    stamp = created_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{slug}-{stamp}-{secrets.token_hex(4)}"


class Evidence(BaseModel):
    """What a check examined, against which kb ids and evidence kinds, with what result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[2] = 2
    id: str = Field(default="", pattern=r"^$|" + EVIDENCE_ID)
    """Unique id; generated from the check and time when not given."""
    check: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
    """Stable id of the check, e.g. ``lexicon.check``, ``eval.run``, ``evidence.add``."""
    tests: tuple[str, ...]
    """Knowledge-base ids the check tests (thresholds, obligations, procedures)."""
    kinds: tuple[str, ...] = ()
    """Evidence kinds (``EV-…`` ids of the kb) this record provides."""
    inputs: tuple[InputDigest, ...] = ()
    result: EvidenceResult
    kind_results: dict[str, EvidenceResult] = Field(default_factory=dict)
    """Result per evidence kind, where one record provides several kinds with different
    outcomes (an eval run: generated pass, should-refuse, non-refusal). Kinds not listed take
    ``result``."""
    summary: str
    """One line for humans."""
    details: dict[str, JsonValue] = Field(default_factory=dict)
    """Check-specific measurements (counts, rates, per-risk tables)."""
    components: tuple[ComponentSpec, ...] = ()
    """The components that ran (recognizers, classifiers, judges, carriers …) with parameters."""
    document: SuppliedDocument | None = None
    """The supplied file, for ``evidence.add`` records."""
    tool: str = "hegui"
    tool_version: str = __version__
    data_versions: dict[str, str] = Field(default_factory=dict)
    """Versions of the data the check used: ``kb``, ``lexicon``, ``bank`` …"""
    created_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @model_validator(mode="before")
    @classmethod
    def _fill_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("id"):
            created = data.get("created_at")
            if not isinstance(created, dt.datetime):
                created = dt.datetime.now(dt.UTC)
                data = {**data, "created_at": created}
            data = {**data, "id": new_evidence_id(str(data.get("check", "")), created)}
        return data

    def result_for(self, kind: str) -> EvidenceResult:
        """The outcome this record gives for evidence kind ``kind``."""
        return self.kind_results.get(kind, self.result)

    @model_validator(mode="after")
    def _check_kinds(self) -> Evidence:
        for kind in self.kinds:
            if not re.match(EVIDENCE_KIND_ID, kind):
                raise ValueError(f"evidence kind {kind!r} is not an EV-… id")
        for kind in self.kind_results:
            if kind not in self.kinds:
                raise ValueError(f"kind_results names {kind!r}, which is not in kinds")
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must carry a time zone")
        return self


def parse_evidence(data: bytes, *, source: str, default_id: str | None = None) -> Evidence:
    """Read one Evidence JSON document, upgrading older schema versions in memory.

    Args:
        data: The JSON bytes.
        source: Where they came from (a path), for messages.
        default_id: The id of a version-1 record (which had none): its file name stem.

    Raises:
        CorruptFileError: Not JSON, not Evidence, or a schema version this hegui does not know.
    """
    import json

    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CorruptFileError(f"{source}: not valid JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise CorruptFileError(f"{source}: an Evidence record is a JSON object")
    version = raw.get("schema_version")
    if version == 1:
        raw = {**raw, "schema_version": SCHEMA_VERSION}
        if default_id and re.match(EVIDENCE_ID, default_id):
            raw["id"] = default_id
    elif version != SCHEMA_VERSION:
        raise CorruptFileError(
            f"{source}: Evidence schema_version {version!r} is not one this hegui reads "
            f"(1 or {SCHEMA_VERSION}); a newer hegui wrote it: upgrade hegui to read it"
        )
    try:
        return Evidence.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(record)"
        raise CorruptFileError(f"{source}: {where}: {first['msg']}") from None

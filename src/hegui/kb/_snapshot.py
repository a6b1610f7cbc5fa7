"""Compact snapshots of a knowledge-base release: what scope needs to compare two versions.

A snapshot keeps, per release, the parts of each record that decide *whether* and *how* a duty
binds (instrument scope and status, obligation trigger, roles, article, deadline, confidence;
procedure cases). Texts are kept in English only, enough to show what a record said. Old
releases ship as snapshots in ``data/history/``, so ``hegui kb diff`` and ``hegui scope --since``
work without the old YAML tree.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from hegui.errors import KnowledgeBaseError
from hegui.kb._loader import KnowledgeBase
from hegui.kb._models import Confidence, InstrumentStatus, ObligationKind, Role

__all__ = [
    "KbSnapshot",
    "SnapshotCase",
    "SnapshotInstrument",
    "SnapshotObligation",
    "SnapshotProcedure",
    "history_versions",
    "load_snapshot",
    "snapshot_of",
]


class _Snap(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SnapshotInstrument(_Snap):
    """An instrument as a release held it."""

    code: str
    title_zh: str
    title_en: str
    status: InstrumentStatus
    scope: str | None
    issued: dt.date | None
    effective: dt.date | None
    doc_number: str | None
    confidence: Confidence


class SnapshotObligation(_Snap):
    """An obligation row as a release held it."""

    id: str
    instrument: str
    article: str
    kind: ObligationKind
    binds: tuple[Role, ...]
    trigger: str
    deadline: str | None
    confidence: Confidence
    text_en: str


class SnapshotCase(_Snap):
    """One case of a procedure."""

    when: str
    required: Literal["required", "not_required", "review"]
    route: str | None
    deadline: str | None


class SnapshotProcedure(_Snap):
    """A procedure as a release held it."""

    id: str
    name_zh: str
    name_en: str
    cases: tuple[SnapshotCase, ...]
    deadline: str | None
    confidence: Confidence


class KbSnapshot(_Snap):
    """One release of the knowledge base, reduced to what scope and diff compare."""

    data_version: str
    instruments: tuple[SnapshotInstrument, ...]
    obligations: tuple[SnapshotObligation, ...]
    procedures: tuple[SnapshotProcedure, ...]

    def instrument_map(self) -> Mapping[str, SnapshotInstrument]:
        """Instruments by code."""
        return {i.code: i for i in self.instruments}

    def obligation_map(self) -> Mapping[str, SnapshotObligation]:
        """Obligations by id."""
        return {o.id: o for o in self.obligations}

    def procedure_map(self) -> Mapping[str, SnapshotProcedure]:
        """Procedures by id."""
        return {p.id: p for p in self.procedures}


def snapshot_of(kb: KnowledgeBase) -> KbSnapshot:
    """The snapshot of a loaded knowledge base (the current release, or one being frozen)."""
    return KbSnapshot(
        data_version=kb.data_version,
        instruments=tuple(
            SnapshotInstrument(
                code=i.code,
                title_zh=i.title_zh,
                title_en=i.title_en,
                status=i.status,
                scope=i.scope,
                issued=i.issued,
                effective=i.effective,
                doc_number=i.doc_number,
                confidence=i.confidence,
            )
            for i in kb.instruments.values()
        ),
        obligations=tuple(
            SnapshotObligation(
                id=o.id,
                instrument=o.instrument,
                article=o.article,
                kind=o.kind,
                binds=o.binds,
                trigger=o.trigger,
                deadline=o.deadline.render() if o.deadline else None,
                confidence=o.confidence,
                text_en=" ".join(o.obligation_en.split()),
            )
            for o in kb.obligations.values()
        ),
        procedures=tuple(
            SnapshotProcedure(
                id=p.id,
                name_zh=p.name_zh,
                name_en=p.name_en,
                cases=tuple(
                    SnapshotCase(
                        when=" ".join(c.when.split()),
                        required=c.required.value,
                        route=c.route,
                        deadline=c.deadline.render() if c.deadline else None,
                    )
                    for c in p.cases
                ),
                deadline=p.deadline.render() if p.deadline else None,
                confidence=p.confidence,
            )
            for p in kb.procedures.values()
        ),
    )


def dump_snapshot(snapshot: KbSnapshot) -> str:
    """The snapshot as JSON text, one record per line (small diffs when a release is frozen)."""
    head = {"data_version": snapshot.data_version}
    lines = ["{", f'"data_version": {json.dumps(head["data_version"])},']
    for table in ("instruments", "obligations", "procedures"):
        rows = [r.model_dump(mode="json") for r in getattr(snapshot, table)]
        body = ",\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)
        sep = "," if table != "procedures" else ""
        lines.append(f'"{table}": [\n{body}\n]{sep}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def history_versions() -> tuple[str, ...]:
    """Versions of earlier releases shipped as snapshots, oldest first."""
    folder = resources.files("hegui.kb") / "data" / "history"
    names = [e.name.removesuffix(".json") for e in folder.iterdir() if e.name.endswith(".json")]
    return tuple(sorted(names))


def load_snapshot(version: str) -> KbSnapshot:
    """A shipped snapshot of an earlier release.

    Raises:
        KnowledgeBaseError: no snapshot of that version ships, or it does not validate.
    """
    path = resources.files("hegui.kb") / "data" / "history" / f"{version}.json"
    if not path.is_file():
        raise KnowledgeBaseError(f"kb/data/history: no snapshot of version {version!r}")
    try:
        return KbSnapshot.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise KnowledgeBaseError(f"kb/data/history/{version}.json: {exc}") from exc

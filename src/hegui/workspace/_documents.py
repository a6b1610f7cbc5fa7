"""Documents the provider supplies as evidence (filing receipts, minutes, signed undertakings).

``add_document`` copies the file into the workspace (``evidence/files/``), never moving or
changing the original, and records an ``evidence.add`` Evidence with its SHA-256, size, date,
who supplied it and a note.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from hegui.errors import InputError
from hegui.evidence import (
    Evidence,
    EvidenceResult,
    SuppliedDocument,
    digest_file,
    publish,
    temp_beside,
)
from hegui.kb import KnowledgeBase, load_kb
from hegui.workspace._workspace import Workspace

__all__ = ["UnknownKindError", "add_document", "kind_users"]


class UnknownKindError(InputError):
    """An evidence kind id that the kb does not define; the message lists them all."""

    def __init__(self, kind: str, kb: KnowledgeBase) -> None:
        import difflib

        self.kind = kind
        ids = sorted(kb.evidence_kinds)
        close = difflib.get_close_matches(kind, ids, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        listing = "\n".join(f"  {k}  {kb.evidence_kinds[k].name_zh}" for k in ids)
        super().__init__(f"unknown evidence kind {kind!r}.{hint} The kinds are:\n{listing}")


def kind_users(kind: str, kb: KnowledgeBase) -> tuple[str, ...]:
    """Ids of the obligations and procedures that ask for evidence kind ``kind``."""
    users = [ob.id for ob in kb.obligations.values() if kind in ob.evidence]
    users += [p.id for p in kb.procedures.values() if kind in p.evidence]
    return tuple(users)


def add_document(
    workspace: Workspace,
    path: Path,
    kind: str,
    *,
    dated: dt.date | None = None,
    supplied_by: str | None = None,
    note: str | None = None,
    kb: KnowledgeBase | None = None,
    now: dt.datetime | None = None,
) -> Evidence:
    """Copy ``path`` into the workspace and record it as evidence of ``kind``.

    Args:
        workspace: Where the copy and the record go.
        path: The document; read, never moved or changed.
        kind: An evidence kind id of the kb (``EV-filing-receipt-genai`` …).
        dated: The document's own date (issued, signed); freshness runs from it when given.
        supplied_by: Who supplied it.
        note: Free text kept with the record.
        kb: The knowledge base (default: the shipped one).
        now: The record's time (default: now).

    Raises:
        UnknownKindError: ``kind`` is not an evidence kind of the kb.
        InputError: ``path`` is missing or not a regular file.
    """
    kb = kb or load_kb()
    if kind not in kb.evidence_kinds:
        raise UnknownKindError(kind, kb)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file; give the document itself")
    digest = digest_file(path)
    target = workspace.documents_dir / f"{digest.sha256[:12]}-{path.name}"
    if not (target.is_file() and digest_file(target).sha256 == digest.sha256):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = temp_beside(target)
        shutil.copyfile(path, tmp)
        tmp.chmod(0o644)
        publish(tmp, target, replace=False)
    evidence = Evidence(
        check="evidence.add",
        tests=kind_users(kind, kb),
        kinds=(kind,),
        inputs=(digest,),
        result=EvidenceResult.INFO,
        summary=f"{kb.evidence_kinds[kind].name_en}: {path.name}",
        document=SuppliedDocument(
            path=workspace.relative(target),
            original_name=path.name,
            sha256=digest.sha256,
            size=digest.size,
            dated=dated,
            supplied_by=supplied_by,
            note=note,
        ),
        data_versions={"kb": kb.data_version},
        created_at=now or dt.datetime.now(dt.UTC),
    )
    workspace.evidence_store().add(evidence)
    return evidence

"""Evidence in the database: the SQL implementation of ``hegui.evidence.EvidenceStore``.

A record is kept whole as its JSON document (read back through ``parse_evidence``, so schema
upgrades apply as for files), with its kb ids and kinds in link tables for ``find``. A record is
never replaced; one that no longer parses is reported in ``problems`` and skipped, not deleted.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hegui.errors import CorruptFileError, InputError
from hegui.evidence import EVIDENCE_ID, Evidence, StoreProblem, parse_evidence
from hegui.store._engine import describe_url, writing
from hegui.store._schema import EVIDENCE, EVIDENCE_KINDS, EVIDENCE_TESTS

__all__ = ["SqlEvidenceStore"]


class SqlEvidenceStore:
    """Evidence records in the store's ``evidence`` tables."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._problems: list[StoreProblem] = []

    def __repr__(self) -> str:
        return f"SqlEvidenceStore({describe_url(str(self.engine.url))!r})"

    @property
    def problems(self) -> list[StoreProblem]:
        """Records met by the last ``find`` that could not be read."""
        return list(self._problems)

    def add(self, evidence: Evidence) -> str:
        """Insert ``evidence``; refuses to replace a record with the same id.

        Raises:
            InputError: a record with this id exists.
        """
        table = EVIDENCE
        with writing(self.engine) as conn:
            exists = conn.execute(sa.select(table.c.id).where(table.c.id == evidence.id)).first()
            if exists is not None:
                raise InputError(
                    f"evidence {evidence.id!r} is already in the store; records are never replaced"
                )
            conn.execute(
                sa.insert(table).values(
                    id=evidence.id,
                    check=evidence.check,
                    created_at=evidence.created_at,
                    document=evidence.model_dump_json(),
                )
            )
            if evidence.tests:
                conn.execute(
                    sa.insert(EVIDENCE_TESTS),
                    [
                        {"evidence_id": evidence.id, "kb_id": t}
                        for t in dict.fromkeys(evidence.tests)
                    ],
                )
            if evidence.kinds:
                conn.execute(
                    sa.insert(EVIDENCE_KINDS),
                    [
                        {"evidence_id": evidence.id, "kind": k}
                        for k in dict.fromkeys(evidence.kinds)
                    ],
                )
        return evidence.id

    def get(self, evidence_id: str) -> Evidence:
        """One record by id.

        Raises:
            InputError: no record has that id, or it no longer parses.
        """
        if not re.match(EVIDENCE_ID, evidence_id):
            raise InputError(f"{evidence_id!r} is not an evidence id")
        table = EVIDENCE
        with self.engine.connect() as conn:
            doc = conn.execute(
                sa.select(table.c.document).where(table.c.id == evidence_id)
            ).scalar_one_or_none()
        if doc is None:
            raise InputError(
                f"no evidence {evidence_id!r} in {self!r}; `hegui evidence list` shows the ids"
            )
        return parse_evidence(doc.encode("utf-8"), source=f"{self!r}:{evidence_id}")

    def find(
        self,
        *,
        check: str | None = None,
        kb_id: str | None = None,
        kind: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> list[Evidence]:
        """Records matching every given filter, oldest first (see ``EvidenceStore``)."""
        table = EVIDENCE
        stmt = sa.select(table.c.id, table.c.document).order_by(table.c.created_at, table.c.id)
        if check is not None:
            stmt = stmt.where(table.c.check == check)
        if since is not None:
            stmt = stmt.where(table.c.created_at >= since)
        if until is not None:
            stmt = stmt.where(table.c.created_at < until)
        if kb_id is not None:
            tests = EVIDENCE_TESTS
            stmt = stmt.where(
                table.c.id.in_(sa.select(tests.c.evidence_id).where(tests.c.kb_id == kb_id))
            )
        if kind is not None:
            kinds = EVIDENCE_KINDS
            stmt = stmt.where(
                table.c.id.in_(sa.select(kinds.c.evidence_id).where(kinds.c.kind == kind))
            )
        self._problems = []
        out: list[Evidence] = []
        with self.engine.connect() as conn:
            for row in conn.execute(stmt):
                source = f"{self!r}:{row.id}"
                try:
                    out.append(parse_evidence(row.document.encode("utf-8"), source=source))
                except CorruptFileError as exc:
                    self._problems.append(StoreProblem(source, str(exc)))
        return out

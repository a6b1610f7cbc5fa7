"""The tables of the store, one SQLAlchemy model per record kind.

Every time is stored as UTC and read back time-zone aware, on SQLite (which has no time zone
type) as on PostgreSQL. Tables are append-mostly: audit events, user events and complaint events
are never updated; ``user_states``, ``complaints`` and ``api_keys`` keep the current state that
their event tables explain. Migrations (``migrations/versions``) create exactly these tables; a
test compares the two.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "API_KEYS",
    "AUDIT_EVENTS",
    "COMPLAINTS",
    "COMPLAINT_EVENTS",
    "EVAL_RUNS",
    "EVIDENCE",
    "EVIDENCE_KINDS",
    "EVIDENCE_TESTS",
    "STORE_EVENTS",
    "USER_EVENTS",
    "USER_STATES",
    "ApiKeyRow",
    "AuditRow",
    "Base",
    "ComplaintEventRow",
    "ComplaintRow",
    "EvalRunRow",
    "EvidenceKindRow",
    "EvidenceRow",
    "EvidenceTestRow",
    "StoreEventRow",
    "UserEventRow",
    "UserStateRow",
    "UtcDateTime",
]


class UtcDateTime(sa.TypeDecorator[dt.datetime]):
    """A time-zone aware datetime kept as naive UTC (SQLite has no time zone type)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        """Refuse naive datetimes; store the UTC wall time."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store keeps time-zone aware datetimes only")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        """Read back as aware UTC."""
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class AuditRow(Base):
    """One request through the gateway (CSL Art. 21 (3) network logs, GAI Art. 14 records)."""

    __tablename__ = "audit_events"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    route: Mapped[str] = mapped_column(sa.String(64))
    key_id: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    tenant: Mapped[str | None] = mapped_column(sa.String(128))
    user_id: Mapped[str | None] = mapped_column(sa.String(256), index=True)
    model: Mapped[str | None] = mapped_column(sa.String(256))
    upstream: Mapped[str | None] = mapped_column(sa.String(128))
    stream: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    status: Mapped[int] = mapped_column(sa.Integer)
    """HTTP status the client got (or would have got)."""
    outcome: Mapped[str] = mapped_column(sa.String(32), index=True)
    client_closed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    input_action: Mapped[str | None] = mapped_column(sa.String(16))
    output_action: Mapped[str | None] = mapped_column(sa.String(16))
    input_text: Mapped[str | None] = mapped_column(sa.Text)
    """The input as the retention policy keeps it: PII-masked, full, or nothing."""
    input_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    output_text: Mapped[str | None] = mapped_column(sa.Text)
    output_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    released_chars: Mapped[int | None] = mapped_column(sa.Integer)
    """How much of the output reached the client (less than its length after a block)."""
    findings: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    rule_ids: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    lexicon_version: Mapped[str | None] = mapped_column(sa.String(128))
    policy_version: Mapped[str | None] = mapped_column(sa.String(128))
    label_id: Mapped[str | None] = mapped_column(sa.String(128))
    """``ProduceID`` of the GB 45438 implicit label the response carried."""
    latency_ms: Mapped[float] = mapped_column(sa.Float)
    upstream_ms: Mapped[float | None] = mapped_column(sa.Float)
    error: Mapped[str | None] = mapped_column(sa.Text)


class UserStateRow(Base):
    """A user's current standing under the gateway's user rule."""

    __tablename__ = "user_states"

    tenant: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.String(256), primary_key=True)
    first_seen: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    strikes_total: Mapped[int] = mapped_column(sa.Integer, default=0)
    warned_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    suspended_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), index=True)


class UserEventRow(Base):
    """One step of the user rule (GAI Art. 14 ¶2: warn, limit, suspend; keep records)."""

    __tablename__ = "user_events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    tenant: Mapped[str] = mapped_column(sa.String(128))
    user_id: Mapped[str] = mapped_column(sa.String(256))
    kind: Mapped[str] = mapped_column(sa.String(16))
    audit_id: Mapped[str | None] = mapped_column(sa.String(40))
    rule: Mapped[str | None] = mapped_column(sa.String(128))
    until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    actor: Mapped[str | None] = mapped_column(sa.String(128))
    reason: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (sa.Index("ix_user_events_user", "tenant", "user_id", "created_at"),)


class ComplaintRow(Base):
    """A complaint or report (GAI Art. 15) and its current status."""

    __tablename__ = "complaints"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    tenant: Mapped[str | None] = mapped_column(sa.String(128))
    key_id: Mapped[str | None] = mapped_column(sa.String(40))
    user_id: Mapped[str | None] = mapped_column(sa.String(256))
    category: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.Text)
    contact: Mapped[str | None] = mapped_column(sa.String(256))
    audit_id: Mapped[str | None] = mapped_column(sa.String(40))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    handled_by: Mapped[str | None] = mapped_column(sa.String(128))


class ComplaintEventRow(Base):
    """A status change of a complaint, with who made it and why."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    complaint_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(sa.String(16))
    actor: Mapped[str | None] = mapped_column(sa.String(128))
    note: Mapped[str | None] = mapped_column(sa.Text)


class ApiKeyRow(Base):
    """An API key: its public id and the SHA-256 of the whole key, never the key."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128))
    tenant: Mapped[str] = mapped_column(sa.String(128))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    rate_per_minute: Mapped[int | None] = mapped_column(sa.Integer)


class EvalRunRow(Base):
    """An evaluation run's header and summary (the run file stays the full record)."""

    __tablename__ = "eval_runs"

    id: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    target: Mapped[str] = mapped_column(sa.String(256))
    bank: Mapped[str | None] = mapped_column(sa.String(256))
    path: Mapped[str | None] = mapped_column(sa.Text)
    summary: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class EvidenceRow(Base):
    """An Evidence record, whole, as its JSON document."""

    __tablename__ = "evidence"

    id: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    check: Mapped[str] = mapped_column(sa.String(128), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    document: Mapped[str] = mapped_column(sa.Text)


class EvidenceTestRow(Base):
    """Which kb ids an Evidence record tests (for ``find(kb_id=…)``)."""

    __tablename__ = "evidence_tests"

    evidence_id: Mapped[str] = mapped_column(
        sa.String(128), sa.ForeignKey("evidence.id"), primary_key=True
    )
    kb_id: Mapped[str] = mapped_column(sa.String(128), primary_key=True, index=True)


class EvidenceKindRow(Base):
    """Which evidence kinds an Evidence record provides (for ``find(kind=…)``)."""

    __tablename__ = "evidence_kinds"

    evidence_id: Mapped[str] = mapped_column(
        sa.String(128), sa.ForeignKey("evidence.id"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(128), primary_key=True, index=True)


class StoreEventRow(Base):
    """Maintenance on the store itself (prunes, forced or not); never pruned."""

    __tablename__ = "store_events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(sa.String(32))
    actor: Mapped[str | None] = mapped_column(sa.String(128))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


def _table(model: type[Base]) -> sa.Table:
    table = model.__table__
    assert isinstance(table, sa.Table)
    return table


AUDIT_EVENTS = _table(AuditRow)
USER_STATES = _table(UserStateRow)
USER_EVENTS = _table(UserEventRow)
COMPLAINTS = _table(ComplaintRow)
COMPLAINT_EVENTS = _table(ComplaintEventRow)
API_KEYS = _table(ApiKeyRow)
EVAL_RUNS = _table(EvalRunRow)
EVIDENCE = _table(EvidenceRow)
EVIDENCE_TESTS = _table(EvidenceTestRow)
EVIDENCE_KINDS = _table(EvidenceKindRow)
STORE_EVENTS = _table(StoreEventRow)

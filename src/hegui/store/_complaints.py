"""Complaints and reports (GAI Art. 15): received, handled within a published time limit.

GAI Art. 15 asks for a convenient complaint and reporting channel with a published process and
feedback time limit (反馈时限). The law sets no number; the provider chooses and publishes one,
and the gateway's settings carry it. Each complaint's ``due_at`` is fixed when it arrives; a
complaint still open after that is overdue. Every status change is an event with who and why.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hegui.errors import InputError
from hegui.store._engine import writing
from hegui.store._schema import COMPLAINT_EVENTS, COMPLAINTS

__all__ = [
    "Complaint",
    "ComplaintEvent",
    "ComplaintStatus",
    "NewComplaint",
    "complaint_events",
    "file_complaint",
    "get_complaint",
    "list_complaints",
    "set_complaint_status",
]


class ComplaintStatus(StrEnum):
    """Where a complaint stands."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    """Handled, and found unfounded (the resolution says why)."""

    @property
    def open(self) -> bool:
        """Still waiting for handling."""
        return self in {ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS}


@dataclass(frozen=True, slots=True)
class NewComplaint:
    """What a complainant sends."""

    text: str
    category: str = "other"
    contact: str | None = None
    audit_id: str | None = None
    """The request the complaint is about, when known."""
    user_id: str | None = None
    tenant: str | None = None
    key_id: str | None = None


@dataclass(frozen=True, slots=True)
class Complaint:
    """A complaint and its current status."""

    id: str
    created_at: dt.datetime
    due_at: dt.datetime
    status: ComplaintStatus
    category: str
    text: str
    contact: str | None
    audit_id: str | None
    user_id: str | None
    tenant: str | None
    key_id: str | None
    resolved_at: dt.datetime | None
    resolution: str | None
    handled_by: str | None

    def overdue(self, now: dt.datetime) -> bool:
        """Open past its time limit."""
        return self.status.open and now > self.due_at


@dataclass(frozen=True, slots=True)
class ComplaintEvent:
    """One status change."""

    created_at: dt.datetime
    status: ComplaintStatus
    actor: str | None
    note: str | None


def _complaint(row: sa.Row[tuple[object, ...]]) -> Complaint:
    m = row._mapping
    return Complaint(
        id=m["id"],
        created_at=m["created_at"],
        due_at=m["due_at"],
        status=ComplaintStatus(m["status"]),
        category=m["category"],
        text=m["text"],
        contact=m["contact"],
        audit_id=m["audit_id"],
        user_id=m["user_id"],
        tenant=m["tenant"],
        key_id=m["key_id"],
        resolved_at=m["resolved_at"],
        resolution=m["resolution"],
        handled_by=m["handled_by"],
    )


def file_complaint(
    engine: Engine, new: NewComplaint, *, time_limit: dt.timedelta, now: dt.datetime
) -> Complaint:
    """Record a complaint, due ``time_limit`` after ``now``."""
    table, events = COMPLAINTS, COMPLAINT_EVENTS
    cid = "cmp_" + now.strftime("%Y%m%d") + "_" + secrets.token_hex(5)
    values = {
        "id": cid,
        "created_at": now,
        "due_at": now + time_limit,
        "status": ComplaintStatus.RECEIVED.value,
        "category": new.category,
        "text": new.text,
        "contact": new.contact,
        "audit_id": new.audit_id,
        "user_id": new.user_id,
        "tenant": new.tenant,
        "key_id": new.key_id,
    }
    with writing(engine) as conn:
        conn.execute(sa.insert(table).values(**values))
        conn.execute(
            sa.insert(events).values(
                complaint_id=cid, created_at=now, status=ComplaintStatus.RECEIVED.value
            )
        )
    return get_complaint(engine, cid)


def get_complaint(engine: Engine, complaint_id: str) -> Complaint:
    """One complaint by id.

    Raises:
        InputError: no complaint has that id.
    """
    table = COMPLAINTS
    with engine.connect() as conn:
        row = conn.execute(sa.select(table).where(table.c.id == complaint_id)).first()
    if row is None:
        raise InputError(
            f"no complaint {complaint_id!r}; `hegui complaints list --all` shows the ids"
        )
    return _complaint(row)


def list_complaints(
    engine: Engine,
    *,
    status: ComplaintStatus | None = None,
    open_only: bool = False,
    overdue_at: dt.datetime | None = None,
) -> list[Complaint]:
    """Complaints, oldest first; ``overdue_at`` keeps those open past their limit then."""
    table = COMPLAINTS
    stmt = sa.select(table).order_by(table.c.created_at, table.c.id)
    open_values = [s.value for s in ComplaintStatus if s.open]
    if status is not None:
        stmt = stmt.where(table.c.status == status.value)
    if open_only or overdue_at is not None:
        stmt = stmt.where(table.c.status.in_(open_values))
    if overdue_at is not None:
        stmt = stmt.where(table.c.due_at < overdue_at)
    with engine.connect() as conn:
        return [_complaint(r) for r in conn.execute(stmt)]


def complaint_events(engine: Engine, complaint_id: str) -> list[ComplaintEvent]:
    """A complaint's status changes, oldest first."""
    events = COMPLAINT_EVENTS
    stmt = (
        sa.select(events)
        .where(events.c.complaint_id == complaint_id)
        .order_by(events.c.created_at, events.c.id)
    )
    with engine.connect() as conn:
        return [
            ComplaintEvent(r.created_at, ComplaintStatus(r.status), r.actor, r.note)
            for r in conn.execute(stmt)
        ]


def set_complaint_status(
    engine: Engine,
    complaint_id: str,
    status: ComplaintStatus,
    *,
    actor: str,
    note: str | None,
    now: dt.datetime,
) -> Complaint:
    """Move a complaint to ``status``; resolving or rejecting needs a note (the feedback).

    Raises:
        InputError: unknown id, an already closed complaint, or a closing without a note.
    """
    current = get_complaint(engine, complaint_id)
    if not current.status.open:
        raise InputError(
            f"complaint {complaint_id!r} is already {current.status.value} "
            f"({current.resolved_at:%Y-%m-%d %H:%M} UTC); it cannot change again"
        )
    closing = not status.open
    if closing and not (note and note.strip()):
        raise InputError(
            f"closing complaint {complaint_id!r} as {status.value} needs the feedback given "
            "to the complainant (--note): GAI Art. 15 asks for handling and feedback"
        )
    table, events = COMPLAINTS, COMPLAINT_EVENTS
    values: dict[str, object] = {"status": status.value, "handled_by": actor}
    if closing:
        values.update(resolved_at=now, resolution=note)
    with writing(engine) as conn:
        conn.execute(sa.update(table).where(table.c.id == complaint_id).values(**values))
        conn.execute(
            sa.insert(events).values(
                complaint_id=complaint_id,
                created_at=now,
                status=status.value,
                actor=actor,
                note=note,
            )
        )
    return get_complaint(engine, complaint_id)

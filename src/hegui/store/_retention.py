"""Retention of audit records: nothing younger than six months goes, unless forced and logged.

CSL Art. 21 (3) (Art. 23 (3) after the 2025 amendment; ``regulations.md`` CSL-23, confidence V)
has network operators keep network logs for no less than six months (不少于六个月); LBL Art. 9
repeats the figure for the logs of unlabeled output. Six months is counted in calendar months
back from now (the 31st falls back to the month's last day). A prune inside that floor needs
``force`` and a reason; every prune, forced or not, is recorded in ``store_events``, a table no
prune touches.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hegui.errors import InputError
from hegui.store._engine import writing
from hegui.store._schema import AUDIT_EVENTS, STORE_EVENTS

__all__ = [
    "MIN_RETENTION_MONTHS",
    "PruneResult",
    "StoreEvent",
    "months_before",
    "prune_audit",
    "retention_floor",
    "store_events",
]

MIN_RETENTION_MONTHS = 6
"""CSL Art. 21 (3) / new Art. 23 (3): network logs kept no less than six months (V)."""


def months_before(when: dt.datetime, months: int) -> dt.datetime:
    """``when`` moved back by calendar ``months`` (day clamped to the target month's length)."""
    index = when.year * 12 + (when.month - 1) - months
    year, month = divmod(index, 12)
    day = min(when.day, calendar.monthrange(year, month + 1)[1])
    return when.replace(year=year, month=month + 1, day=day)


def retention_floor(now: dt.datetime) -> dt.datetime:
    """Records created at or after this instant must be kept."""
    return months_before(now, MIN_RETENTION_MONTHS)


@dataclass(frozen=True, slots=True)
class PruneResult:
    """What a prune did (or, with ``dry_run``, would do)."""

    before: dt.datetime
    deleted: int
    forced: bool
    dry_run: bool
    floor: dt.datetime


@dataclass(frozen=True, slots=True)
class StoreEvent:
    """Maintenance recorded in the store."""

    created_at: dt.datetime
    kind: str
    actor: str | None
    reason: str | None
    details: dict[str, Any]


def prune_audit(
    engine: Engine,
    before: dt.datetime,
    *,
    now: dt.datetime,
    actor: str,
    force: bool = False,
    reason: str | None = None,
    dry_run: bool = False,
) -> PruneResult:
    """Delete audit records created before ``before``.

    Raises:
        InputError: ``before`` is inside the six-month floor and ``force`` is not given, or
            ``force`` is given without a reason.
    """
    floor = retention_floor(now)
    inside = before > floor
    if inside and not force:
        raise InputError(
            f"refused: deleting audit records before {before:%Y-%m-%d %H:%M} UTC would remove "
            f"records younger than six months (kept from {floor:%Y-%m-%d %H:%M} UTC on): CSL "
            "Art. 21 (3) (Art. 23 (3) as amended) requires network logs to be kept no less than "
            "six months.\n  fix: prune before that date, or --force --reason '…' (the reason is "
            "kept in the store)"
        )
    if force and not (reason and reason.strip()):
        raise InputError("--force needs --reason: why the records go is kept in the store")
    table = AUDIT_EVENTS
    cond = table.c.created_at < before
    with writing(engine) as conn:
        count = int(
            conn.execute(sa.select(sa.func.count()).select_from(table).where(cond)).scalar_one()
        )
        if not dry_run:
            conn.execute(sa.delete(table).where(cond))
            conn.execute(
                sa.insert(STORE_EVENTS).values(
                    created_at=now,
                    kind="prune.forced" if inside else "prune",
                    actor=actor,
                    reason=reason,
                    details={
                        "table": "audit_events",
                        "before": before.isoformat(),
                        "floor": floor.isoformat(),
                        "deleted": count,
                    },
                )
            )
    return PruneResult(before, count, inside, dry_run, floor)


def store_events(engine: Engine) -> list[StoreEvent]:
    """Every maintenance event, oldest first."""
    table = STORE_EVENTS
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.created_at, table.c.id))
        return [StoreEvent(r.created_at, r.kind, r.actor, r.reason, dict(r.details)) for r in rows]

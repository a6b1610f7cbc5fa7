"""Users' strikes, warnings and suspensions (GAI Art. 14 ¶2; GB/T 45654 §7 e)).

GAI Art. 14 ¶2 has a provider that finds a user engaging in illegal activity warn, restrict or
suspend the service and keep records. The gateway counts refused inputs per user: each is a
strike; past ``warn_after`` strikes within the window the user is warned, past
``suspend_after`` suspended for ``suspend_for``. Every step is an event row, never updated; the
``user_states`` row is the current standing those events explain. A lift is an event too, with
who lifted and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hegui.errors import InputError
from hegui.store._engine import writing
from hegui.store._schema import USER_EVENTS, USER_STATES

__all__ = [
    "StrikeOutcome",
    "UserEvent",
    "UserEventKind",
    "UserRule",
    "UserStanding",
    "lift_suspension",
    "list_users",
    "record_strike",
    "suspended_users",
    "user_events",
]


class UserEventKind(StrEnum):
    """One step of the user rule."""

    STRIKE = "strike"
    """A refused input."""
    WARN = "warn"
    SUSPEND = "suspend"
    LIFT = "lift"
    """An operator ended a suspension early."""


@dataclass(frozen=True, slots=True)
class UserRule:
    """N refused inputs within a window → warn; M → suspend for a time."""

    id: str = "refused-inputs"
    window: dt.timedelta = dt.timedelta(days=1)
    warn_after: int | None = 3
    """Strikes within ``window`` from which each further refusal carries a warning."""
    suspend_after: int | None = 5
    """Strikes within ``window`` that suspend the user."""
    suspend_for: dt.timedelta = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class UserEvent:
    """A recorded step."""

    created_at: dt.datetime
    tenant: str
    user_id: str
    kind: UserEventKind
    audit_id: str | None = None
    rule: str | None = None
    until: dt.datetime | None = None
    actor: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class UserStanding:
    """A user's current standing."""

    tenant: str
    user_id: str
    first_seen: dt.datetime
    strikes_total: int
    warned_at: dt.datetime | None
    suspended_until: dt.datetime | None

    def suspended(self, now: dt.datetime) -> bool:
        """Whether the user is suspended at ``now``."""
        return self.suspended_until is not None and self.suspended_until > now


@dataclass(frozen=True, slots=True)
class StrikeOutcome:
    """What one strike led to."""

    strikes_in_window: int
    warned: bool
    suspended_until: dt.datetime | None
    """Set when this strike suspended the user."""


def _event_row(ev: UserEvent) -> dict[str, object]:
    return {
        "created_at": ev.created_at,
        "tenant": ev.tenant,
        "user_id": ev.user_id,
        "kind": ev.kind.value,
        "audit_id": ev.audit_id,
        "rule": ev.rule,
        "until": ev.until,
        "actor": ev.actor,
        "reason": ev.reason,
    }


def record_strike(
    engine: Engine,
    tenant: str,
    user_id: str,
    *,
    rule: UserRule,
    now: dt.datetime,
    audit_id: str | None = None,
) -> StrikeOutcome:
    """Record a refused input of ``user_id`` and apply ``rule``, in one transaction."""
    states, events = USER_STATES, USER_EVENTS
    with writing(engine) as conn:
        key = (states.c.tenant == tenant) & (states.c.user_id == user_id)
        state = conn.execute(sa.select(states).where(key)).first()
        if state is None:
            conn.execute(
                sa.insert(states).values(
                    tenant=tenant, user_id=user_id, first_seen=now, strikes_total=0
                )
            )
            suspended_until = None
        else:
            suspended_until = state.suspended_until
        conn.execute(sa.update(states).where(key).values(strikes_total=states.c.strikes_total + 1))
        steps = [UserEvent(now, tenant, user_id, UserEventKind.STRIKE, audit_id, rule.id)]
        conn.execute(sa.insert(events), [_event_row(steps[0])])
        since = now - rule.window
        # Strikes while suspended do not count: the user got no answer to begin with.
        count = conn.execute(
            sa.select(sa.func.count())
            .select_from(events)
            .where(
                events.c.tenant == tenant,
                events.c.user_id == user_id,
                events.c.kind == UserEventKind.STRIKE.value,
                events.c.created_at > since,
            )
        ).scalar_one()
        warned = False
        new_until: dt.datetime | None = None
        active = suspended_until is not None and suspended_until > now
        if rule.suspend_after is not None and count >= rule.suspend_after and not active:
            new_until = now + rule.suspend_for
            ev = UserEvent(
                now, tenant, user_id, UserEventKind.SUSPEND, audit_id, rule.id, new_until
            )
            conn.execute(sa.insert(events), [_event_row(ev)])
            conn.execute(sa.update(states).where(key).values(suspended_until=new_until))
        elif rule.warn_after is not None and count >= rule.warn_after:
            warned = True
            ev = UserEvent(now, tenant, user_id, UserEventKind.WARN, audit_id, rule.id)
            conn.execute(sa.insert(events), [_event_row(ev)])
            conn.execute(sa.update(states).where(key).values(warned_at=now))
    return StrikeOutcome(int(count), warned, new_until)


def suspended_users(engine: Engine, now: dt.datetime) -> dict[tuple[str, str], dt.datetime]:
    """Every user suspended at ``now``, with the end of the suspension."""
    states = USER_STATES
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(states.c.tenant, states.c.user_id, states.c.suspended_until).where(
                states.c.suspended_until > now
            )
        )
        return {(r.tenant, r.user_id): r.suspended_until for r in rows}


def _standing(
    row: sa.Row[tuple[str, str, dt.datetime, int, dt.datetime, dt.datetime]],
) -> UserStanding:
    return UserStanding(
        tenant=row.tenant,
        user_id=row.user_id,
        first_seen=row.first_seen,
        strikes_total=row.strikes_total,
        warned_at=row.warned_at,
        suspended_until=row.suspended_until,
    )


def list_users(
    engine: Engine,
    *,
    tenant: str | None = None,
    user_id: str | None = None,
    suspended_at: dt.datetime | None = None,
) -> list[UserStanding]:
    """Users with a standing (any strike), optionally only those suspended at a time."""
    states = USER_STATES
    stmt = sa.select(states).order_by(states.c.tenant, states.c.user_id)
    if tenant is not None:
        stmt = stmt.where(states.c.tenant == tenant)
    if user_id is not None:
        stmt = stmt.where(states.c.user_id == user_id)
    if suspended_at is not None:
        stmt = stmt.where(states.c.suspended_until > suspended_at)
    with engine.connect() as conn:
        return [_standing(r) for r in conn.execute(stmt)]


def user_events(engine: Engine, tenant: str, user_id: str) -> list[UserEvent]:
    """Every recorded step for one user, oldest first."""
    events = USER_EVENTS
    stmt = (
        sa.select(events)
        .where(events.c.tenant == tenant, events.c.user_id == user_id)
        .order_by(events.c.created_at, events.c.id)
    )
    with engine.connect() as conn:
        return [
            UserEvent(
                r.created_at,
                r.tenant,
                r.user_id,
                UserEventKind(r.kind),
                r.audit_id,
                r.rule,
                r.until,
                r.actor,
                r.reason,
            )
            for r in conn.execute(stmt)
        ]


def lift_suspension(
    engine: Engine, tenant: str, user_id: str, *, actor: str, reason: str, now: dt.datetime
) -> UserEvent:
    """End a user's suspension now, recording who and why.

    Raises:
        InputError: the user is not suspended, or the reason is empty.
    """
    if not reason.strip():
        raise InputError("a lift needs a reason (--reason): it is kept with the user's record")
    states, events = USER_STATES, USER_EVENTS
    key = (states.c.tenant == tenant) & (states.c.user_id == user_id)
    with writing(engine) as conn:
        state = conn.execute(sa.select(states).where(key)).first()
        if state is None or state.suspended_until is None or state.suspended_until <= now:
            raise InputError(
                f"user {user_id!r} of tenant {tenant!r} is not suspended; "
                "`hegui users list --suspended` shows who is"
            )
        ev = UserEvent(now, tenant, user_id, UserEventKind.LIFT, actor=actor, reason=reason)
        conn.execute(sa.insert(events), [_event_row(ev)])
        conn.execute(sa.update(states).where(key).values(suspended_until=None))
    return ev

"""Users' strikes → warning → suspension → lift, and complaints with their time limit."""

from __future__ import annotations

import datetime as dt

import pytest

from hegui.errors import InputError
from hegui.store import (
    ComplaintStatus,
    NewComplaint,
    Store,
    UserEventKind,
    UserRule,
    complaint_events,
    file_complaint,
    get_complaint,
    lift_suspension,
    list_complaints,
    list_users,
    record_strike,
    set_complaint_status,
    suspended_users,
    user_events,
)

T0 = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
RULE = UserRule(warn_after=2, suspend_after=3, suspend_for=dt.timedelta(hours=12))


def test_strikes_warn_then_suspend_and_every_step_is_recorded(store: Store) -> None:
    engine = store.engine
    outcomes = [
        record_strike(
            engine, "acme", "u1", rule=RULE, now=T0 + dt.timedelta(minutes=i), audit_id=f"req_{i}"
        )
        for i in range(3)
    ]
    assert [o.strikes_in_window for o in outcomes] == [1, 2, 3]
    assert [o.warned for o in outcomes] == [False, True, False]
    until = T0 + dt.timedelta(minutes=2, hours=12)
    assert outcomes[2].suspended_until == until
    assert suspended_users(engine, T0 + dt.timedelta(hours=1)) == {("acme", "u1"): until}
    assert suspended_users(engine, until + dt.timedelta(seconds=1)) == {}
    kinds = [e.kind for e in user_events(engine, "acme", "u1")]
    assert kinds == [
        UserEventKind.STRIKE,
        UserEventKind.STRIKE,
        UserEventKind.WARN,
        UserEventKind.STRIKE,
        UserEventKind.SUSPEND,
    ]
    [standing] = list_users(engine, suspended_at=T0 + dt.timedelta(hours=1))
    assert standing.user_id == "u1" and standing.strikes_total == 3
    # Another tenant's user of the same id is someone else.
    assert record_strike(engine, "other", "u1", rule=RULE, now=T0).strikes_in_window == 1


def test_strikes_outside_the_window_do_not_count(store: Store) -> None:
    engine = store.engine
    for day in range(5):
        out = record_strike(engine, "acme", "u2", rule=RULE, now=T0 + dt.timedelta(days=day))
        assert out.strikes_in_window == 1 and out.suspended_until is None


def test_lift_needs_a_reason_and_a_suspension(store: Store) -> None:
    engine = store.engine
    for i in range(3):
        record_strike(engine, "acme", "u3", rule=RULE, now=T0 + dt.timedelta(seconds=i))
    later = T0 + dt.timedelta(hours=1)
    with pytest.raises(InputError, match="reason"):
        lift_suspension(engine, "acme", "u3", actor="ops", reason=" ", now=later)
    ev = lift_suspension(engine, "acme", "u3", actor="ops", reason="申诉成立", now=later)
    assert ev.kind is UserEventKind.LIFT and ev.actor == "ops"
    assert suspended_users(engine, later) == {}
    with pytest.raises(InputError, match="not suspended"):
        lift_suspension(engine, "acme", "u3", actor="ops", reason="again", now=later)
    assert user_events(engine, "acme", "u3")[-1].reason == "申诉成立"


def test_complaints_are_due_after_the_time_limit_and_listed_when_overdue(store: Store) -> None:
    engine = store.engine
    limit = dt.timedelta(days=7)
    a = file_complaint(
        engine, NewComplaint("回答含有不实信息", audit_id="req_1"), time_limit=limit, now=T0
    )
    b = file_complaint(
        engine,
        NewComplaint("举报", category="report"),
        time_limit=limit,
        now=T0 + dt.timedelta(days=3),
    )
    assert a.status is ComplaintStatus.RECEIVED and a.due_at == T0 + limit
    day8 = T0 + dt.timedelta(days=8)
    assert [c.id for c in list_complaints(engine, overdue_at=day8)] == [a.id]
    assert a.overdue(day8) and not b.overdue(day8)
    set_complaint_status(
        engine, a.id, ComplaintStatus.IN_PROGRESS, actor="ops", note=None, now=day8
    )
    with pytest.raises(InputError, match="feedback"):
        set_complaint_status(engine, a.id, ComplaintStatus.RESOLVED, actor="ops", note="", now=day8)
    done = set_complaint_status(
        engine, a.id, ComplaintStatus.RESOLVED, actor="ops", note="已核实并更正", now=day8
    )
    assert done.resolution == "已核实并更正" and done.resolved_at == day8
    assert list_complaints(engine, overdue_at=day8) == []
    with pytest.raises(InputError, match="already resolved"):
        set_complaint_status(
            engine, a.id, ComplaintStatus.REJECTED, actor="ops", note="x", now=day8
        )
    assert [e.status for e in complaint_events(engine, a.id)] == [
        ComplaintStatus.RECEIVED,
        ComplaintStatus.IN_PROGRESS,
        ComplaintStatus.RESOLVED,
    ]
    assert [c.id for c in list_complaints(engine, open_only=True)] == [b.id]
    with pytest.raises(InputError, match="no complaint"):
        get_complaint(engine, "cmp_nope")

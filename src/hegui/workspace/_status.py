"""``hegui status``: what the service still owes, and what proof the workspace already holds.

Profile → scope → the evidence kinds owed (by applicable obligations and by procedures that are
required or to review) → the newest record of each kind in the store → one of:

- ``have``: a record exists, passed (or is a document on record), and is still fresh;
- ``missing``: no record;
- ``stale``: the newest record is older than the rule that keeps it fresh (the rule is cited);
- ``failed``: the check ran and its threshold was not met (or it could not decide).

Records written before evidence kinds existed (schema 1) carry none; they count for the kinds
whose producing check they came from.
"""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from hegui.evidence import Evidence, EvidenceResult, EvidenceStore
from hegui.kb import (
    EvidenceKind,
    Freshness,
    KnowledgeBase,
    Plan,
    PlanStep,
    ScopeReport,
    ServiceFacts,
    derive_facts,
    load_kb,
    plan,
    scope,
)
from hegui.workspace._workspace import Workspace

__all__ = [
    "DueBy",
    "ItemState",
    "StaleRule",
    "StatusItem",
    "StatusReport",
    "status",
    "status_of",
    "step_state",
]


class ItemState(StrEnum):
    """Where one piece of owed evidence stands."""

    HAVE = "have"
    MISSING = "missing"
    STALE = "stale"
    FAILED = "failed"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StaleRule(_Out):
    """The rule that keeps a kind fresh, as applied to this service."""

    amount: int
    unit: Literal["days", "months", "years"]
    cite: str
    """``GB/T 45654-2025 B.1.1 c)`` or ``MLPS 14``."""
    confidence: str
    wording_zh: str | None = None
    note_en: str | None = None
    note_zh: str | None = None

    def render(self, lang: Literal["zh", "en"]) -> str:
        """``every 7 days (GB/T 45654-2025 B.1.1 c), S)`` / ``每 7 天（…）``."""
        n, unit = self.amount, self.unit
        zh_unit = {"days": "天", "months": "个月", "years": "年"}[unit]
        if lang == "zh":
            return f"每 {n} {zh_unit}（{self.cite}，{self.confidence}）"
        if n == 1:
            unit = unit.rstrip("s")  # type: ignore[assignment]
        return f"every {n} {unit} ({self.cite}, {self.confidence})"


class DueBy(_Out):
    """A procedure's deadline, for an item that procedure asks for."""

    procedure: str
    name_zh: str
    name_en: str
    deadline_zh: str
    deadline_en: str


class StatusItem(_Out):
    """One evidence kind the service owes, and what the workspace holds for it."""

    kind: str | None
    """Evidence kind id; None for an owed item the kb still names only in prose."""
    name_zh: str
    name_en: str
    state: ItemState
    required: bool | Literal["review"]
    """True when an applicable obligation or a required procedure asks for it; ``review``
    when only procedures to review do."""
    needed_for: tuple[str, ...]
    """Obligation and procedure ids that ask for it."""
    deadlines: tuple[DueBy, ...] = ()
    """Deadlines of the procedures that ask for it."""
    produced_by: str
    """The hegui command, or ``hegui evidence add FILE --kind …`` for documents."""
    is_document: bool
    evidence_id: str | None = None
    evidence_at: dt.datetime | None = None
    result: EvidenceResult | None = None
    summary: str | None = None
    age_days: int | None = None
    fresh_until: dt.date | None = None
    rule: StaleRule | None = None
    refresh_on_en: str | None = None
    refresh_on_zh: str | None = None


class StatusReport(_Out):
    """Everything ``hegui status`` reports for one workspace."""

    schema_version: Literal[1] = 1
    workspace: str
    outer_workspace: str | None
    """An enclosing workspace that was not used (the nearest one wins)."""
    provider: str
    service: str | None
    kb_version: str
    as_of: dt.datetime
    items: tuple[StatusItem, ...]
    counts: dict[str, int]
    problems: tuple[str, ...]
    """Evidence files that could not be read (path: reason); they were skipped, not deleted."""
    plan: Plan | None = None
    """The dated plan of the owed procedures, when a launch date was given."""


_SEVERITY = {ItemState.FAILED: 0, ItemState.STALE: 1, ItemState.MISSING: 2, ItemState.HAVE: 3}


def step_state(report: StatusReport, step: PlanStep) -> ItemState:
    """Where a plan step stands: the worst state among the evidence kinds that prove it.

    A step whose evidence is all *have* is done; a step that names no evidence is *missing*
    (nothing in the store can show it was done).
    """
    states = [it.state for it in report.items if it.kind in step.evidence]
    if not states:
        return ItemState.MISSING
    return min(states, key=_SEVERITY.__getitem__)


def _add_period(day: dt.date, amount: int, unit: str) -> dt.date:
    if unit == "days":
        return day + dt.timedelta(days=amount)
    months = amount * (12 if unit == "years" else 1)
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _rule(kind: EvidenceKind, facts: ServiceFacts, kb: KnowledgeBase) -> StaleRule | None:
    for fresh in kind.fresh_for:
        cond = fresh.condition
        if cond is not None and not kb.trigger(cond).evaluate(facts.values).value:
            continue
        return _stale_rule(fresh, kb)
    return None


def _stale_rule(fresh: Freshness, kb: KnowledgeBase) -> StaleRule:
    if fresh.threshold is not None:
        th = kb.thresholds[fresh.threshold]
        unit = {"day": "days", "month": "months", "year": "years"}.get(th.unit, th.unit)
        if unit not in ("days", "months", "years"):
            raise ValueError(f"{th.id}: a freshness threshold is in days, months or years")
        return StaleRule(
            amount=int(th.value),
            unit=unit,
            cite=f"{th.edition} {th.clause}",
            confidence=th.confidence.value,
            wording_zh=th.wording_zh,
            note_en=fresh.note_en,
            note_zh=fresh.note_zh,
        )
    assert fresh.basis is not None and fresh.confidence is not None  # checked by the model
    assert fresh.amount is not None and fresh.unit is not None
    return StaleRule(
        amount=fresh.amount,
        unit=fresh.unit,
        cite=fresh.basis.cite(),
        confidence=fresh.confidence.value,
        note_en=fresh.note_en,
        note_zh=fresh.note_zh,
    )


def _owed(report: ScopeReport) -> dict[str, tuple[list[str], bool | Literal["review"]]]:
    owed: dict[str, tuple[list[str], bool | Literal["review"]]] = {}
    sources: list[tuple[str, tuple[str, ...], bool | Literal["review"]]] = [
        (ob.id, ob.evidence, True) for ob in report.obligations
    ]
    sources += [(p.id, p.evidence, p.required) for p in report.procedures if p.required]
    for rid, items, required in sources:
        for item in items:
            users, level = owed.get(item, ([], "review"))
            users.append(rid)
            owed[item] = (users, True if required is True or level is True else "review")
    return owed


def _newest(records: list[Evidence], kind: EvidenceKind) -> Evidence | None:
    matching = [
        ev
        for ev in records
        if kind.id in ev.kinds or (not ev.kinds and kind.check and ev.check == kind.check)
    ]
    return max(matching, key=lambda ev: (ev.created_at, ev.id)) if matching else None


def status_of(
    report: ScopeReport,
    facts: ServiceFacts,
    records: list[Evidence],
    *,
    now: dt.datetime,
    kb: KnowledgeBase,
) -> list[StatusItem]:
    """The state of every evidence item ``report`` owes, given the store's ``records``."""
    deadlines: dict[str, list[DueBy]] = {}
    for p in report.procedures:
        if p.required and p.deadline_en and p.deadline_zh:
            due = DueBy(
                procedure=p.id,
                name_zh=p.name_zh,
                name_en=p.name_en,
                deadline_zh=p.deadline_zh,
                deadline_en=p.deadline_en,
            )
            for item in p.evidence:
                deadlines.setdefault(item, []).append(due)
    items: list[StatusItem] = []
    for item, (users, required) in _owed(report).items():
        kind = kb.evidence_kinds.get(item)
        if kind is None:
            items.append(
                StatusItem(
                    kind=None,
                    name_zh=item,
                    name_en=item,
                    state=ItemState.MISSING,
                    required=required,
                    needed_for=tuple(users),
                    deadlines=tuple(deadlines.get(item, ())),
                    produced_by="document (no evidence kind yet: keep it with the filing)",
                    is_document=True,
                )
            )
            continue
        items.append(_item(kind, users, required, deadlines, records, facts, now, kb))
    order = _SEVERITY
    # Worst first; within a state, what is owed for sure, then what hegui can produce itself.
    items.sort(key=lambda i: (order[i.state], i.required is not True, i.is_document, i.kind or ""))
    return items


def _item(
    kind: EvidenceKind,
    users: list[str],
    required: bool | Literal["review"],
    deadlines: dict[str, list[DueBy]],
    records: list[Evidence],
    facts: ServiceFacts,
    now: dt.datetime,
    kb: KnowledgeBase,
) -> StatusItem:
    rule = _rule(kind, facts, kb)
    base = StatusItem(
        kind=kind.id,
        name_zh=kind.name_zh,
        name_en=kind.name_en,
        state=ItemState.MISSING,
        required=required,
        needed_for=tuple(users),
        deadlines=tuple(deadlines.get(kind.id, ())),
        produced_by=kind.command or f"hegui evidence add FILE --kind {kind.id}",
        is_document=kind.check is None,
        rule=rule,
        refresh_on_en=kind.refresh_on_en,
        refresh_on_zh=kind.refresh_on_zh,
    )
    ev = _newest(records, kind)
    if ev is None:
        return base
    since = ev.document.dated if ev.document and ev.document.dated else ev.created_at.date()
    today = now.astimezone(dt.UTC).date()
    result = ev.result_for(kind.id)
    fresh_until = None
    if rule is not None:
        fresh_until = _add_period(since, rule.amount, rule.unit)
    if result in (EvidenceResult.FAIL, EvidenceResult.PARTIAL, EvidenceResult.INCONCLUSIVE):
        state = ItemState.FAILED
    elif fresh_until is not None and today > fresh_until:
        state = ItemState.STALE
    else:
        state = ItemState.HAVE
    return base.model_copy(
        update={
            "state": state,
            "evidence_id": ev.id,
            "evidence_at": ev.created_at,
            "result": result,
            "summary": ev.summary,
            "age_days": (today - since).days,
            "fresh_until": fresh_until,
        }
    )


def status(
    workspace: Workspace,
    *,
    now: dt.datetime | None = None,
    kb: KnowledgeBase | None = None,
    store: EvidenceStore | None = None,
    launch: dt.date | None = None,
) -> StatusReport:
    """What ``workspace``'s service owes and what its evidence store holds, as of ``now``.

    Args:
        workspace: The workspace (its profile and evidence store are read, nothing written).
        now: The clock (default: the current time, UTC); freshness is judged against it.
        kb: The knowledge base (default: the shipped one).
        store: The evidence store (default: the workspace's).
        launch: A planned launch date: the report then carries the dated plan
            (:func:`hegui.kb.plan`), each step judged by its evidence (:func:`step_state`).

    Raises:
        InputError: ``launch`` is before today (in China).
    """
    kb = kb or load_kb()
    now = now or dt.datetime.now(dt.UTC)
    profile = workspace.profile()
    report = scope(profile, kb)
    facts = derive_facts(profile)
    store = store or workspace.evidence_store()
    records = store.find()
    items = status_of(report, facts, records, now=now, kb=kb)
    counts = {state.value: 0 for state in ItemState}
    for it in items:
        counts[it.state.value] += 1
    return StatusReport(
        workspace=str(workspace.root),
        outer_workspace=str(workspace.outer) if workspace.outer else None,
        provider=report.provider,
        service=report.service,
        kb_version=kb.data_version,
        as_of=now,
        items=tuple(items),
        counts=counts,
        problems=tuple(f"{p.location}: {p.problem}" for p in store.problems),
        plan=None if launch is None else plan(report, launch, today=_china_date(now), kb=kb),
    )


def _china_date(now: dt.datetime) -> dt.date:
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo("Asia/Shanghai")).date()

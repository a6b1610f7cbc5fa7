"""A dated action plan: the procedures a service owes, in order, each with a date from launch.

``plan(report, launch)`` turns the procedures of a scope report into steps with an absolute
due date (the legal limit, and what practice expects where that is earlier), a date to start
by where a lead time is known, the steps that must come first, where to file and what proves
it; and turns periodic duties (yearly audits, weekly keyword updates, monthly test banks) into
a calendar. Working days skip Saturdays and Sundays only: public holidays and the make-up
working days of the State Council calendar are not modelled, so dates near holidays are early
estimates the plan says to check.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict

from hegui.errors import InputError
from hegui.kb._loader import KnowledgeBase, load_kb
from hegui.kb._models import Confidence, Deadline, DeadlineUnit, Prerequisite
from hegui.kb._scope import ProcedureResult, ScopeReport
from hegui.kb._trigger import FactValue

__all__ = ["Plan", "PlanStep", "Recurring", "china_today", "plan", "shift_date"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlanStep(_Out):
    """One procedure of the plan."""

    id: str
    name_zh: str
    name_en: str
    required: bool | str
    """True (required) or "review"."""
    due: dt.date | None
    """The date to have it done by: practice's date where earlier than the law's."""
    due_legal: dt.date | None
    """The legal limit, where the text gives one."""
    due_en: str | None
    due_zh: str | None
    """The rule the date comes from."""
    estimated: bool
    """The date counts from launch for a threshold the service may reach later."""
    start_by: dt.date | None
    """Start by this date, given the lead time the rules or practice report."""
    lead_en: str | None
    lead_zh: str | None
    late: bool
    """``start_by`` (or ``due``) is already past on the plan's date."""
    after: tuple[Prerequisite, ...]
    """Owed procedures that must be done first."""
    channel_en: str | None
    channel_zh: str | None
    evidence: tuple[str, ...]
    """Evidence kinds that prove it (see the scope report's checklist for commands)."""
    confidence: Confidence


class Recurring(_Out):
    """A periodic duty, as a calendar entry."""

    id: str
    """Procedure id, or evidence kind id for update intervals."""
    name_zh: str
    name_en: str
    every_amount: int
    every_unit: DeadlineUnit
    first: dt.date | None
    """First due date; None when the period runs from a document's own date (renew it then)."""
    basis_en: str
    basis_zh: str
    command: str | None
    """The hegui command that renews the evidence, where one does."""


class Plan(_Out):
    """The dated plan for one service."""

    provider: str
    service: str | None
    kb_version: str
    launch: dt.date
    today: dt.date
    steps: tuple[PlanStep, ...]
    """In order: prerequisites first, then by date."""
    recurring: tuple[Recurring, ...]


def china_today() -> dt.date:
    """Today's date in mainland China, where the deadlines run."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def shift_date(day: dt.date, amount: int, unit: DeadlineUnit) -> dt.date:
    """``day`` moved by ``amount`` units (negative: back); working days skip weekends only."""
    match unit:
        case DeadlineUnit.DAYS:
            return day + dt.timedelta(days=amount)
        case DeadlineUnit.HOURS:
            return day + dt.timedelta(hours=amount)
        case DeadlineUnit.WORKING_DAYS:
            step = 1 if amount >= 0 else -1
            left = abs(amount)
            while left:
                day += dt.timedelta(days=step)
                if day.weekday() < 5:
                    left -= 1
            return day
        case DeadlineUnit.MONTHS | DeadlineUnit.YEARS:
            months = amount * (12 if unit is DeadlineUnit.YEARS else 1)
            index = day.year * 12 + day.month - 1 + months
            year, month = divmod(index, 12)
            last = calendar.monthrange(year, month + 1)[1]
            return dt.date(year, month + 1, min(day.day, last))


def _due(deadline: Deadline, launch: dt.date) -> dt.date | None:
    if deadline.anchor == "event" or deadline.relation == "at_least":
        return None
    if deadline.relation == "before":
        return launch
    assert deadline.amount is not None and deadline.unit is not None
    return shift_date(launch, deadline.amount, deadline.unit)


def _order(steps: Mapping[str, PlanStep]) -> list[PlanStep]:
    # Prerequisites first (depth-first on `after`), then by start date, due date and id.
    def key(s: PlanStep) -> tuple[dt.date, dt.date, str]:
        far = dt.date.max
        return (s.start_by or s.due or far, s.due or far, s.id)

    done: dict[str, PlanStep] = {}

    def visit(step: PlanStep) -> None:
        if step.id in done:
            return
        for pre in sorted((steps[p.id] for p in step.after), key=key):
            visit(pre)
        done[step.id] = step

    for step in sorted(steps.values(), key=key):
        visit(step)
    return list(done.values())


def plan(
    report: ScopeReport,
    launch: dt.date,
    today: dt.date | None = None,
    kb: KnowledgeBase | None = None,
) -> Plan:
    """The dated plan of ``report``'s owed procedures for a launch on ``launch``.

    Raises:
        InputError: ``launch`` is before ``today`` (a plan for the past helps nobody).
    """
    kb = kb or load_kb()
    today = today or china_today()
    if launch < today:
        raise InputError(
            f"launch date {launch.isoformat()} is in the past; give a date from "
            f"{today.isoformat()} on, in the form YYYY-MM-DD"
        )
    owed = {p.id: p for p in report.procedures if p.required is not False}
    steps: dict[str, PlanStep] = {}
    for p in owed.values():
        steps[p.id] = _step(p, kb, launch, today, owed)
    _pull_forward(steps, kb, today)
    return Plan(
        provider=report.provider,
        service=report.service,
        kb_version=report.kb_version,
        launch=launch,
        today=today,
        steps=tuple(_order(steps)),
        recurring=tuple(_recurring(report, kb, launch, steps)),
    )


def _pull_forward(steps: dict[str, PlanStep], kb: KnowledgeBase, today: dt.date) -> None:
    # A prerequisite is due when the step that needs it starts (the algorithm filing number
    # before the generative-AI filing is submitted); repeat until chains settle.
    changed = True
    while changed:
        changed = False
        for step in list(steps.values()):
            need_by = step.start_by or step.due
            if need_by is None:
                continue
            for pre in step.after:
                first = steps[pre.id]
                if first.due is not None and first.due <= need_by:
                    continue
                lead = kb.procedures[pre.id].lead_time
                start_by = shift_date(need_by, -lead.amount, lead.unit) if lead else None
                steps[pre.id] = first.model_copy(
                    update={
                        "due": need_by,
                        "start_by": start_by,
                        "late": (start_by or need_by) < today,
                    }
                )
                changed = True


def _step(
    p: ProcedureResult,
    kb: KnowledgeBase,
    launch: dt.date,
    today: dt.date,
    owed: Mapping[str, ProcedureResult],
) -> PlanStep:
    proc = kb.procedures[p.id]
    deadline = p.deadline
    due_legal = _due(deadline, launch) if deadline else None
    practice = _due(deadline.practice, launch) if deadline and deadline.practice else None
    due = min(d for d in (due_legal, practice) if d) if (due_legal or practice) else None
    lead = proc.lead_time
    start_by = shift_date(due, -lead.amount, lead.unit) if due and lead else None
    return PlanStep(
        id=p.id,
        name_zh=p.name_zh,
        name_en=p.name_en,
        required=p.required,
        due=due,
        due_legal=due_legal,
        due_en=p.deadline_en,
        due_zh=p.deadline_zh,
        estimated=bool(deadline and deadline.anchor == "threshold"),
        start_by=start_by,
        lead_en=lead.note_en if lead else None,
        lead_zh=lead.note_zh if lead else None,
        late=(start_by or due or dt.date.max) < today,
        after=tuple(a for a in proc.after if a.id in owed),
        channel_en=p.channel_en,
        channel_zh=p.channel_zh,
        evidence=p.evidence,
        confidence=p.confidence,
    )


def _facts(report: ScopeReport) -> dict[str, FactValue]:
    values: dict[str, FactValue] = {"always": True}
    for row in report.facts:
        values[row.name] = frozenset(row.value) if isinstance(row.value, tuple) else row.value
    return values


def _recurring(
    report: ScopeReport, kb: KnowledgeBase, launch: dt.date, steps: Mapping[str, PlanStep]
) -> Iterable[Recurring]:
    covered: set[str] = set()
    for step in steps.values():
        rule = kb.procedures[step.id]
        result = next(p for p in report.procedures if p.id == step.id)
        deadline = result.deadline
        if deadline is None or deadline.relation != "every":
            continue
        assert deadline.amount is not None and deadline.unit is not None
        first = step.due or shift_date(launch, deadline.amount, deadline.unit)
        covered |= set(rule.evidence)
        yield Recurring(
            id=step.id,
            name_zh=step.name_zh,
            name_en=step.name_en,
            every_amount=deadline.amount,
            every_unit=deadline.unit,
            first=first,
            basis_en=result.deadline_en or "",
            basis_zh=result.deadline_zh or "",
            command=None,
        )
    values = _facts(report)
    for item in report.evidence:
        kind = kb.evidence_kinds[item.kind]
        if kind.id in covered:
            continue
        for fresh in kind.fresh_for:
            if fresh.condition and not kb.trigger(fresh.condition).evaluate(values).value:
                continue
            if fresh.threshold is not None:
                t = kb.thresholds[fresh.threshold]
                amount, unit = int(t.value), DeadlineUnit(t.unit)
                basis_en = f"{t.name_en}: {t.cite('en')}"
                basis_zh = f"{t.name_zh}：{t.cite('zh')}"
            else:
                assert fresh.amount and fresh.unit and fresh.basis
                amount, unit = fresh.amount, DeadlineUnit(fresh.unit)
                basis_en = f"{fresh.note_en or ''} ({fresh.basis.cite('en')})".strip()
                basis_zh = f"{fresh.note_zh or ''}（{fresh.basis.cite('zh')}）"
            yield Recurring(
                id=kind.id,
                name_zh=kind.name_zh,
                name_en=kind.name_en,
                every_amount=amount,
                every_unit=unit,
                first=shift_date(launch, amount, unit) if fresh.runs_from == "launch" else None,
                basis_en=basis_en,
                basis_zh=basis_zh,
                command=kind.command,
            )
            break

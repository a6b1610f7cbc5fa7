"""``bank check``: a bank's size, coverage, copies and age against GB/T 45654 B.1.2-B.1.3.

Every figure comes from the kb (``kb.threshold(metric)``) and every row of the result cites its
threshold id. Sizes count unique questions (exact copies once). Coverage always lists every risk
or aspect of the bank's scope, so a gap shows as a zero rather than a missing row.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from hegui.errors import InputError
from hegui.evals._bank import Bank
from hegui.evals._models import Kind
from hegui.evals._similar import DEFAULT_CUTOFF, exact_duplicates, near_duplicates
from hegui.evidence import Evidence, EvidenceResult
from hegui.kb import KnowledgeBase, Threshold

__all__ = [
    "STARTER_SOURCE",
    "BankCheck",
    "CheckRow",
    "Progress",
    "RowStatus",
    "bank_evidence",
    "check_bank",
]

STARTER_SOURCE = "hegui-starter"


class RowStatus(StrEnum):
    """Outcome of one check row."""

    OK = "ok"
    SHORT = "short"
    """Below the threshold."""
    ABSENT = "absent"
    """The bank has no questions of this kind; not assessed."""


class CheckRow(BaseModel):
    """One measured figure against one threshold."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    subject: str
    """``total``, ``coverage``, ``age``, or a risk/aspect id."""
    name_zh: str
    measured: float
    threshold_id: str
    comparison: str
    required: float
    status: RowStatus


class Progress(BaseModel):
    """One bank's way to the standard's size (2,000 / 500 / 500) and per-risk minimums."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    have: int
    need: int
    missing_total: int
    short_strata: tuple[tuple[str, str, int], ...]
    """(risk or aspect id, name, questions missing) for each one below its minimum."""
    missing_in_strata: int


class BankCheck(BaseModel):
    """Everything ``bank check`` found."""

    model_config = ConfigDict(frozen=True)

    totals: dict[Kind, int]
    """Unique questions per kind."""
    rows: tuple[CheckRow, ...]
    duplicates: tuple[tuple[str, ...], ...]
    near_duplicates: tuple[tuple[str, str, float], ...]
    near_cutoff: float
    last_updated: dict[Kind, dt.date | None]
    age_source: str
    """``items`` (their ``updated`` dates) or ``file`` (the file's modification time)."""
    modalities: dict[str, int]
    starter_items: int
    """Questions from hegui's demonstration banks: not sufficient for filing."""
    drafts: int = 0
    """Generated questions nobody accepted yet (``status: draft``): not counted anywhere."""
    outside_scope: tuple[str, ...] = ()
    """Should-refuse questions tagged outside A.1/A.2 (B.1.3 a) 2) asks for the 17 risks of
    A.1 and A.2; these count toward the total but toward no risk's minimum)."""
    result: EvidenceResult

    def progress(self) -> list[Progress]:
        """How far each bank is from the standard's size, and what each risk still needs."""
        out: list[Progress] = []
        for kind in Kind:
            rows = [r for r in self.rows if r.kind is kind]
            total = next(r for r in rows if r.subject == "total")
            short = [
                (r.subject, r.name_zh, int(r.required - r.measured))
                for r in rows
                if r.subject not in ("total", "coverage", "age") and r.measured < r.required
            ]
            out.append(
                Progress(
                    kind=kind,
                    have=int(total.measured),
                    need=int(total.required),
                    missing_total=max(0, int(total.required - total.measured)),
                    short_strata=tuple(short),
                    missing_in_strata=sum(n for _, _, n in short),
                )
            )
        return out


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _row(kind: Kind, subject: str, name: str, measured: float, t: Threshold, n: int) -> CheckRow:
    status = RowStatus.ABSENT if n == 0 else RowStatus.OK if t.check(measured) else RowStatus.SHORT
    return CheckRow(
        kind=kind,
        subject=subject,
        name_zh=name,
        measured=measured,
        threshold_id=t.id,
        comparison=t.comparison.value,
        required=t.value,
        status=status,
    )


def check_bank(
    bank: Bank,
    kb: KnowledgeBase,
    *,
    today: dt.date,
    file_date: dt.date | None = None,
    near_cutoff: float = DEFAULT_CUTOFF,
) -> BankCheck:
    """Measure ``bank`` against the kb thresholds.

    Draft questions (``status: draft``, from ``generate``) are left out of every figure until
    a person accepts them.

    Args:
        bank: The loaded bank (several files may be merged into one beforehand).
        kb: Knowledge base giving the thresholds, risks and aspects.
        today: The date ages are measured to (explicit so results are reproducible).
        file_date: Used for the age when no item has an ``updated`` date.
        near_cutoff: Similarity (0-100) from which two questions count as near-duplicates.

    Raises:
        InputError: the bank holds no accepted question (empty, or drafts only).
    """
    rows: list[CheckRow] = []
    totals: dict[Kind, int] = {}
    dups: list[tuple[str, ...]] = []
    near: list[tuple[str, str, float]] = []
    last: dict[Kind, dt.date | None] = {}
    age_source = "items"
    th = kb.threshold
    drafts = sum(1 for i in bank.items if i.status == "draft")
    if len(bank.items) == drafts:
        where = ", ".join(d.name for d in bank.inputs) or "the bank"
        raise InputError(
            f"{where}: no accepted question to check"
            + (f" ({drafts} draft(s) await review)" if drafts else "")
            + "; an empty bank cannot meet GB/T 45654 B.1.2-B.1.3",
        )
    for kind in Kind:
        items = tuple(i for i in bank.of_kind(kind) if i.status != "draft")
        groups = exact_duplicates([i.id for i in items], [i.question for i in items])
        dups.extend(groups)
        copies = {i for g in groups for i in g[1:]}
        unique = [i for i in items if i.id not in copies]
        n = len(unique)
        totals[kind] = n
        counts = Counter(i.stratum for i in unique)
        near.extend(
            (p.first, p.second, p.score)
            for p in near_duplicates(
                [i.id for i in unique], [i.question for i in unique], cutoff=near_cutoff
            )
        )
        prefix = f"bank.{kind.value}"
        rows.append(_row(kind, "total", "总规模", n, th(f"{prefix}.total"), n))
        rows.extend(_coverage(kind, kb, counts, n))
        dates = [i.updated for i in unique if i.updated is not None]
        if dates:
            last[kind] = max(dates)
        else:
            last[kind] = file_date if n else None
            age_source = "file" if n else age_source
        interval = th(
            "bank.generated.update_interval"
            if kind is Kind.GENERATED
            else "bank.refusal.update_interval"
        )
        updated = last[kind]
        fresh = updated is not None and updated >= _months_before(today, int(interval.value))
        age_days = (today - updated).days if updated is not None else 0
        rows.append(
            CheckRow(
                kind=kind,
                subject="age",
                name_zh="距上次更新天数",
                measured=age_days,
                threshold_id=interval.id,
                comparison=f"{interval.comparison.value} {int(interval.value)} {interval.unit}",
                required=interval.value,
                status=RowStatus.ABSENT if n == 0 else (RowStatus.OK if fresh else RowStatus.SHORT),
            )
        )
    core_ids = {r.id for r in kb.risks_in("CORE17")}
    statuses = {r.status for r in rows}
    if RowStatus.SHORT in statuses:
        result = EvidenceResult.FAIL
    elif RowStatus.ABSENT in statuses:
        result = EvidenceResult.INCONCLUSIVE
    else:
        result = EvidenceResult.PASS
    return BankCheck(
        totals=totals,
        rows=tuple(rows),
        duplicates=tuple(dups),
        near_duplicates=tuple(near),
        near_cutoff=near_cutoff,
        last_updated=last,
        age_source=age_source,
        modalities=dict(Counter(i.modality.value for i in bank.items)),
        starter_items=sum(1 for i in bank.items if i.source == STARTER_SOURCE),
        drafts=drafts,
        outside_scope=tuple(
            i.id
            for i in bank.of_kind(Kind.SHOULD_REFUSE)
            if i.status != "draft" and i.risk not in core_ids
        ),
        result=result,
    )


def _coverage(kind: Kind, kb: KnowledgeBase, counts: Counter[str], n: int) -> list[CheckRow]:
    th = kb.threshold
    rows: list[CheckRow] = []
    if kind is Kind.NON_REFUSAL:
        per = th("bank.non_refusal.per_aspect")
        for aspect in kb.aspects.values():
            rows.append(_row(kind, aspect.id, aspect.name_zh, counts[aspect.id], per, n))
        covered = sum(1 for a in kb.aspects if counts[a] > 0)
        rows.append(
            _row(kind, "coverage", "覆盖方面数", covered, th("bank.non_refusal.aspect_coverage"), n)
        )
        return rows
    core = {r.id for r in kb.risks_in("CORE17")}
    if kind is Kind.GENERATED:
        scope = kb.risks_in("ALL31")
        for risk in scope:
            metric = "per_core_risk" if risk.id in core else "per_other_risk"
            rows.append(
                _row(
                    kind, risk.id, risk.name_zh, counts[risk.id], th(f"bank.generated.{metric}"), n
                )
            )
        coverage = th("bank.generated.risk_coverage")
    else:
        scope = kb.risks_in("CORE17")
        per = th("bank.should_refuse.per_risk")
        for risk in scope:
            rows.append(_row(kind, risk.id, risk.name_zh, counts[risk.id], per, n))
        coverage = th("bank.should_refuse.risk_coverage")
    covered = sum(1 for r in scope if counts[r.id] > 0)
    rows.append(_row(kind, "coverage", "覆盖风险数", covered, coverage, n))
    return rows


def bank_evidence(check: BankCheck, bank: Bank, kb: KnowledgeBase) -> Evidence:
    """The ``bank.check`` Evidence record of a check."""
    short = [r for r in check.rows if r.status is RowStatus.SHORT]
    parts = [f"{k.value} {n}" for k, n in check.totals.items()]
    summary = f"{', '.join(parts)} unique questions; {len(short)} figure(s) below the standard"
    if check.starter_items:
        summary += f"; {check.starter_items} hegui starter question(s): not sufficient for filing"
    if check.outside_scope:
        summary += f"; {len(check.outside_scope)} should-refuse question(s) outside A.1/A.2"
    left = sum(len(r.left_out) for r in bank.imports)
    if left:
        summary += f"; {left} row(s) of the files left out (see details.imports)"
    kinds = []
    if check.totals[Kind.GENERATED]:
        kinds.append("EV-bank-generated")
    if check.totals[Kind.SHOULD_REFUSE] or check.totals[Kind.NON_REFUSAL]:
        kinds.append("EV-bank-refusal")
    return Evidence(
        check="bank.check",
        kinds=tuple(kinds),
        tests=tuple(dict.fromkeys(r.threshold_id for r in check.rows)),
        inputs=bank.inputs,
        result=check.result,
        summary=summary,
        details={
            **check.model_dump(mode="json"),
            "imports": [r.model_dump(mode="json") for r in bank.imports],
        },
        data_versions={"kb": kb.data_version},
    )

"""What changed between knowledge-base releases, overall and for one service.

``kb_diff`` compares two releases record by record; ``scope_since`` compares what a profile owed
under an earlier release with what it owes now. Each difference carries the reasons recorded in
``data/changelog.yaml`` (correction, new instrument, new fact …), so a compliance officer sees
not only that a duty appeared but why.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from enum import StrEnum
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from hegui.errors import InputError, KnowledgeBaseError
from hegui.kb._facts import derive_facts
from hegui.kb._loader import load_kb
from hegui.kb._models import InstrumentStatus, ObligationKind, Role
from hegui.kb._profile import ServiceProfile
from hegui.kb._scope import effective_roles
from hegui.kb._snapshot import (
    KbSnapshot,
    SnapshotObligation,
    SnapshotProcedure,
    history_versions,
    load_snapshot,
    snapshot_of,
)
from hegui.kb._trigger import FactValue, Trigger, compile_trigger

__all__ = [
    "Change",
    "ChangeItem",
    "ChangeReason",
    "KbDiff",
    "Release",
    "ScopeDiff",
    "kb_diff",
    "known_versions",
    "load_changelog",
    "scope_since",
    "snapshot_for",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChangeReason(StrEnum):
    """Why a record changed between releases."""

    CORRECTION = "correction"
    """A fact was wrong, or its mark too weak or too strong."""
    NEW_INSTRUMENT = "new_instrument"
    """A rule in force was missing from the knowledge base."""
    NEW_FACT = "new_fact"
    """A profile fact now decides a trigger."""
    NEW_RULE = "new_rule"
    """A duty of an instrument already mapped was missing."""


class Change(_Model):
    """One entry of a release's changelog."""

    ids: tuple[str, ...]
    """Obligation, procedure or instrument ids (an instrument code covers its rows), or facts."""
    reason: ChangeReason
    ref: str | None = None
    """Where the change comes from, e.g. the audit item ``E3``."""
    en: str
    zh: str


class Release(_Model):
    """A knowledge-base release and its changelog."""

    version: str
    previous: str | None
    date: dt.date
    summary_en: str
    summary_zh: str
    changes: tuple[Change, ...]


@functools.cache
def load_changelog() -> tuple[Release, ...]:
    """The releases recorded in ``data/changelog.yaml``, newest first."""
    path = resources.files("hegui.kb") / "data" / "changelog.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return tuple(Release.model_validate(r) for r in doc["releases"])
    except ValidationError as exc:
        raise KnowledgeBaseError(f"kb/data/changelog.yaml: {exc}") from exc


def known_versions() -> tuple[str, ...]:
    """Every version ``--since`` and ``kb diff`` accept: the shipped history and the current."""
    return (*history_versions(), load_kb().data_version)


def snapshot_for(version: str) -> KbSnapshot:
    """The snapshot of ``version`` (the current release or a shipped one).

    Raises:
        InputError: no such version; the message lists the known ones.
    """
    kb = load_kb()
    if version == kb.data_version:
        return snapshot_of(kb)
    if version not in history_versions():
        raise InputError(
            f"unknown knowledge-base version {version!r}; known versions: "
            f"{', '.join(known_versions())} (the last is the current release)"
        )
    return load_snapshot(version)


class ChangeItem(_Model):
    """One record that differs between two releases."""

    kind: Literal["instrument", "obligation", "procedure"]
    id: str
    change: Literal["added", "removed", "changed"]
    fields: tuple[str, ...] = ()
    """For ``changed``: what differs (trigger, roles, article, deadline, confidence, text,
    required, route)."""
    before: str | None = None
    after: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    reasons: tuple[Change, ...] = ()


class KbDiff(_Model):
    """Record-level differences between two releases."""

    old: str
    new: str
    items: tuple[ChangeItem, ...]


class ScopeDiff(_Model):
    """What changed for one service between two releases."""

    provider: str
    service: str | None
    old: str
    new: str
    items: tuple[ChangeItem, ...]


def _releases_between(old: str, new: str) -> list[Release]:
    order = list(known_versions())
    lo, hi = order.index(old), order.index(new)
    if lo > hi:
        lo, hi = hi, lo
    wanted = set(order[lo + 1 : hi + 1])
    return [r for r in load_changelog() if r.version in wanted]


def _reasons(rid: str, instrument: str | None, releases: Iterable[Release]) -> tuple[Change, ...]:
    keys = {rid} | ({instrument} if instrument else set())
    return tuple(c for r in releases for c in r.changes if keys & set(c.ids))


_OB_FIELDS = ("trigger", "binds", "article", "deadline", "confidence", "text_en", "kind")
_FIELD_NAME = {"binds": "roles", "text_en": "text"}


def _ob_changes(a: SnapshotObligation, b: SnapshotObligation) -> tuple[str, ...]:
    return tuple(_FIELD_NAME.get(f, f) for f in _OB_FIELDS if getattr(a, f) != getattr(b, f))


def _proc_changes(a: SnapshotProcedure, b: SnapshotProcedure) -> tuple[str, ...]:
    out = []
    if a.cases != b.cases:
        out.append("cases")
    if a.deadline != b.deadline:
        out.append("deadline")
    if a.confidence != b.confidence:
        out.append("confidence")
    return tuple(out)


def kb_diff(old: str, new: str) -> KbDiff:
    """Records added, removed or changed from release ``old`` to release ``new``.

    Raises:
        InputError: a version is not known; the message lists the known versions.
    """
    a, b = snapshot_for(old), snapshot_for(new)
    releases = _releases_between(old, new)
    items: list[ChangeItem] = []
    for kind, before, after, compare in [
        ("instrument", a.instrument_map(), b.instrument_map(), _inst_changes),
        ("obligation", a.obligation_map(), b.obligation_map(), _ob_changes),
        ("procedure", a.procedure_map(), b.procedure_map(), _proc_changes),
    ]:
        items += _compare(kind, before, after, compare, releases)  # type: ignore[arg-type]
    return KbDiff(old=old, new=new, items=tuple(items))


def _inst_changes(a: object, b: object) -> tuple[str, ...]:
    fields = ("scope", "status", "issued", "effective", "doc_number", "confidence")
    return tuple(f for f in fields if getattr(a, f) != getattr(b, f))


def _names(record: object) -> tuple[str | None, str | None]:
    if isinstance(record, SnapshotObligation):
        return None, record.text_en
    return getattr(record, "name_zh", None) or getattr(record, "title_zh", None), getattr(
        record, "name_en", None
    ) or getattr(record, "title_en", None)


def _compare(
    kind: Literal["instrument", "obligation", "procedure"],
    before: Mapping[str, object],
    after: Mapping[str, object],
    compare: object,
    releases: list[Release],
) -> list[ChangeItem]:
    items = []
    for rid in [*before, *(k for k in after if k not in before)]:
        a, b = before.get(rid), after.get(rid)
        record = b if b is not None else a
        instrument = getattr(record, "instrument", None)
        zh, en = _names(record)
        if a is None or b is None:
            change: Literal["added", "removed", "changed"] = "added" if a is None else "removed"
            fields: tuple[str, ...] = ()
        else:
            fields = compare(a, b)  # type: ignore[operator]
            if not fields:
                continue
            change = "changed"
        items.append(
            ChangeItem(
                kind=kind,
                id=rid,
                change=change,
                fields=fields,
                name_zh=zh,
                name_en=en,
                reasons=_reasons(rid, instrument, releases),
            )
        )
    return items


_OWED = {ObligationKind.OBLIGATION, ObligationKind.PRACTICE, ObligationKind.ENCOURAGED}


def _owed(
    snap: KbSnapshot, values: Mapping[str, FactValue], roles: frozenset[Role]
) -> tuple[dict[str, SnapshotObligation], dict[str, tuple[str, str | None, str | None]]]:
    def holds(expr: str) -> bool:
        return _compiled(expr).evaluate(values).value

    live = {
        i.code: i.status not in {InstrumentStatus.SUPERSEDED, InstrumentStatus.REPEALED}
        and (i.scope is None or holds(i.scope))
        for i in snap.instruments
    }
    obligations = {
        o.id: o
        for o in snap.obligations
        if o.kind in _OWED
        and live.get(o.instrument, False)
        and any(r in roles for r in o.binds)
        and holds(o.trigger)
    }
    procedures: dict[str, tuple[str, str | None, str | None]] = {}
    for p in snap.procedures:
        case = next(c for c in p.cases if holds(c.when))
        deadline = (case.deadline or p.deadline) if case.required != "not_required" else None
        procedures[p.id] = (case.required, case.route, deadline)
    return obligations, procedures


@functools.cache
def _compiled(expr: str) -> Trigger:
    # Old releases' triggers are compiled on demand: facts are only ever added, so they compile.
    from hegui.kb._facts import FACTS

    return compile_trigger(expr, FACTS)


def scope_since(profile: ServiceProfile, old: str, new: str | None = None) -> ScopeDiff:
    """The obligations and procedures that changed for ``profile`` from ``old`` to ``new``.

    Only what differs for this service is listed: a duty added or dropped for it, a change in a
    duty it owes under both releases, or a procedure whose answer, route or deadline moved.

    Raises:
        InputError: a version is not known; the message lists the known versions.
    """
    new = new or load_kb().data_version
    a, b = snapshot_for(old), snapshot_for(new)
    facts = derive_facts(profile)
    roles = effective_roles(facts)
    ob_a, pr_a = _owed(a, facts.values, roles)
    ob_b, pr_b = _owed(b, facts.values, roles)
    releases = _releases_between(old, new)
    current_zh = {o.id: o.obligation_zh for o in load_kb().obligations.values()}
    items: list[ChangeItem] = []
    for rid in [*ob_a, *(k for k in ob_b if k not in ob_a)]:
        oa, ob = ob_a.get(rid), ob_b.get(rid)
        record = ob or oa
        assert record is not None
        if oa is None or ob is None:
            change: Literal["added", "removed", "changed"] = "added" if oa is None else "removed"
            # A row that existed in both releases but binds this service in only one: say what
            # moved it (a widened trigger, a new instrument scope …).
            other = (a if oa is None else b).obligation_map().get(rid)
            fields = _ob_changes(other, record) if other else ()
        else:
            fields = _ob_changes(oa, ob)
            if not fields:
                continue
            change = "changed"
        items.append(
            ChangeItem(
                kind="obligation",
                id=rid,
                change=change,
                fields=fields,
                name_zh=current_zh.get(rid),
                name_en=record.text_en,
                reasons=_reasons(rid, record.instrument, releases),
            )
        )
    names = {p.id: p for p in (*a.procedures, *b.procedures)}
    for pid in [*pr_a, *(k for k in pr_b if k not in pr_a)]:
        pa, pb = pr_a.get(pid), pr_b.get(pid)
        owed_a = pa is not None and pa[0] != "not_required"
        owed_b = pb is not None and pb[0] != "not_required"
        if not (owed_a or owed_b):
            continue  # absent or not owed in both: nothing changed for this service
        if pa is None or pb is None:
            change, fields = ("added" if pa is None else "removed"), ()
        else:
            parts = zip(("required", "route", "deadline"), pa, pb, strict=True)
            fields = tuple(f for f, x, y in parts if x != y)
            if not fields:
                continue
            change = "changed"
        items.append(
            ChangeItem(
                kind="procedure",
                id=pid,
                change=change,
                fields=fields,
                before=" / ".join(str(v) for v in pa if v) if pa else None,
                after=" / ".join(str(v) for v in pb if v) if pb else None,
                name_zh=names[pid].name_zh,
                name_en=names[pid].name_en,
                reasons=_reasons(pid, None, releases),
            )
        )
    return ScopeDiff(
        provider=profile.provider.name,
        service=profile.service.name,
        old=old,
        new=new,
        items=tuple(items),
    )

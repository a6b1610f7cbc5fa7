"""The scope engine: from a service profile to the obligations, procedures and evidence owed.

An obligation applies when its instrument's scope holds for the service, one of the roles it
binds is a role the business plays, and its trigger holds. Each result carries the atoms that made
it apply (``triggered_by``), so a compliance officer can see why, and the confidence of the
underlying legal fact, so unconfirmed rows are visible as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hegui._version import __version__
from hegui.kb._facts import FactOrigin, ServiceFacts, derive_facts
from hegui.kb._loader import KnowledgeBase, load_kb
from hegui.kb._models import (
    Basis,
    Confidence,
    Deadline,
    Event,
    InstrumentStatus,
    ObligationKind,
    Requirement,
    Role,
)
from hegui.kb._profile import ServiceProfile
from hegui.kb._trigger import FactValue
from hegui.kb._vocabulary import fact_label

__all__ = [
    "AppliedObligation",
    "EvidenceItem",
    "FactRow",
    "NotApplicable",
    "ProcedureResult",
    "ScopeReport",
    "effective_roles",
    "scope",
]

# Kinds a provider owes or should know; penalties are attached to the rows they sanction,
# definitions and authorities' own duties are not owed by anyone scoped.
_OWED_KINDS = {ObligationKind.OBLIGATION, ObligationKind.PRACTICE, ObligationKind.ENCOURAGED}
_REQUIRED: dict[Requirement, bool | Literal["review"]] = {
    Requirement.REQUIRED: True,
    Requirement.NOT_REQUIRED: False,
    Requirement.REVIEW: "review",
}


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class AppliedObligation(_Out):
    """An obligation that applies to the service, and why."""

    id: str
    instrument: str
    article: str
    article_zh: str | None
    kind: ObligationKind
    binds_as: tuple[Role, ...]
    """The roles of the business through which it binds."""
    obligation_en: str
    obligation_zh: str
    key_phrase_zh: str | None
    event: Event | None
    """When set, the duty is due when this event happens."""
    deadline_en: str | None
    deadline_zh: str | None
    evidence: tuple[str, ...]
    penalty_en: str | None
    """Summary of the sanction, from the penalty row."""
    penalty_zh: str | None
    penalty_id: str | None
    confidence: Confidence
    confidence_note: str | None
    triggered_by: tuple[str, ...]


class NotApplicable(_Out):
    """An instrument that does not apply, and why."""

    instrument: str
    title_zh: str
    title_en: str
    article: str | None
    article_zh: str | None
    reason_en: str
    reason_zh: str
    because: tuple[str, ...]
    """The facts that decided it (those of the scope expression that were false)."""


class ProcedureResult(_Out):
    """A procedure and whether the service owes it."""

    id: str
    name_en: str
    name_zh: str
    basis: tuple[Basis, ...]
    required: bool | Literal["review"]
    reason_en: str
    reason_zh: str
    route: str | None
    deadline: Deadline | None
    """The time limit as data (for dated plans); None when not owed or none applies."""
    deadline_en: str | None
    deadline_zh: str | None
    channel_en: str | None
    """Where to file: system and address, or authority."""
    channel_zh: str | None
    evidence: tuple[str, ...]
    obligations: tuple[str, ...]
    """Obligation ids this procedure discharges."""
    confidence: Confidence
    note_en: str | None
    note_zh: str | None
    triggered_by: tuple[str, ...]


class EvidenceItem(_Out):
    """An evidence kind the service owes, with the obligations and procedures that ask for it."""

    kind: str
    """Evidence kind id (``EV-keyword-library``)."""
    name_zh: str
    name_en: str
    check: str | None
    """The hegui check whose Evidence provides it; None: a document the provider supplies."""
    command: str | None
    """The hegui command that produces it, where one does."""
    needed_for: tuple[str, ...]


class FactRow(_Out):
    """A fact's value for this profile and where it came from."""

    name: str
    label_zh: str
    label_en: str
    value: bool | int | str | tuple[str, ...]
    origin: FactOrigin
    because: tuple[str, ...]
    basis: str | None


class ScopeReport(_Out):
    """Everything ``hegui scope`` reports for one profile."""

    schema_version: Literal[1] = 1
    tool_version: str = __version__
    kb_version: str
    provider: str
    service: str | None
    roles: tuple[Role, ...]
    facts: tuple[FactRow, ...]
    obligations: tuple[AppliedObligation, ...]
    not_applicable: tuple[NotApplicable, ...]
    procedures: tuple[ProcedureResult, ...]
    evidence: tuple[EvidenceItem, ...]
    counts: dict[str, int] = Field(default_factory=dict)


def effective_roles(facts: ServiceFacts) -> frozenset[Role]:
    """The roles through which obligations bind this business.

    The roles the profile declares, plus those the law attaches to facts: every online service is
    a network operator and a data handler (CSL Art. 76; DSL Art. 3); PI handler when processing PI
    (PIPL Art. 73); CIIO, important-data handler, research unit and foreign PI handler likewise.
    """
    roles = {Role(r) for r in facts["roles"]}  # type: ignore[union-attr]
    roles |= {Role.NETWORK_OPERATOR, Role.DATA_HANDLER, Role.ANY}
    for fact, role in [
        ("processes_pi", Role.PI_HANDLER),
        ("ciio", Role.CIIO),
        ("important_data", Role.IMPORTANT_DATA_HANDLER),
        ("research_rnd", Role.RESEARCH_UNIT),
    ]:
        if facts[fact]:
            roles.add(role)
    if facts["offshore"] and facts["processes_pi"]:
        roles.add(Role.FOREIGN_PI_HANDLER)
    return frozenset(roles)


def _fact_rows(facts: ServiceFacts) -> tuple[FactRow, ...]:
    from hegui.kb._facts import FACTS

    rows = []
    for name, spec in FACTS.items():
        if name == "always":
            continue
        value: FactValue | tuple[str, ...] = facts[name]
        if isinstance(value, frozenset):
            value = tuple(sorted(value))
        rows.append(
            FactRow(
                name=name,
                label_zh=fact_label(name, "zh"),
                label_en=fact_label(name, "en"),
                value=value,
                origin=facts.origins[name],
                because=facts.reasons.get(name, ()),
                basis=spec.basis,
            )
        )
    return tuple(rows)


def scope(profile: ServiceProfile, kb: KnowledgeBase | None = None) -> ScopeReport:
    """Compute the obligations, procedures and evidence that ``profile`` owes."""
    kb = kb or load_kb()
    facts = derive_facts(profile)
    values = facts.values
    roles = effective_roles(facts)

    in_scope: dict[str, bool] = {}
    not_applicable: list[NotApplicable] = []
    for inst in kb.instruments.values():
        if inst.status in {InstrumentStatus.SUPERSEDED, InstrumentStatus.REPEALED}:
            in_scope[inst.code] = False
            continue
        if inst.scope is None:
            in_scope[inst.code] = True
            continue
        outcome = kb.trigger(inst.scope).evaluate(values)
        in_scope[inst.code] = outcome.value
        if not outcome.value:
            not_applicable.append(
                NotApplicable(
                    instrument=inst.code,
                    title_zh=inst.title_zh,
                    title_en=inst.title_en,
                    article=inst.scope_article,
                    article_zh=inst.scope_article_zh,
                    reason_en=inst.scope_note_en or "Its scope condition does not hold.",
                    reason_zh=inst.scope_note_zh or "适用条件不成立。",
                    because=outcome.because,
                )
            )

    applied: list[AppliedObligation] = []
    for ob in kb.obligations.values():
        if ob.kind not in _OWED_KINDS or not in_scope[ob.instrument]:
            continue
        binds_as = tuple(r for r in ob.binds if r in roles)
        if not binds_as:
            continue
        outcome = kb.trigger(ob.trigger).evaluate(values)
        if not outcome.value:
            continue
        penalty = kb.obligations.get(ob.penalty) if ob.penalty else None
        applied.append(
            AppliedObligation(
                id=ob.id,
                instrument=ob.instrument,
                article=ob.article,
                article_zh=ob.article_zh,
                kind=ob.kind,
                binds_as=binds_as,
                obligation_en=ob.obligation_en,
                obligation_zh=ob.obligation_zh,
                key_phrase_zh=ob.key_phrase_zh,
                event=ob.event,
                deadline_en=ob.deadline.render("en") if ob.deadline else None,
                deadline_zh=ob.deadline.render("zh") if ob.deadline else None,
                evidence=ob.evidence,
                penalty_en=penalty.obligation_en if penalty else None,
                penalty_zh=penalty.obligation_zh if penalty else None,
                penalty_id=ob.penalty,
                confidence=ob.confidence,
                confidence_note=ob.confidence_note,
                triggered_by=tuple(dict.fromkeys(a for a in outcome.because if a != "always")),
            )
        )

    procedures: list[ProcedureResult] = []
    for proc in kb.procedures.values():
        for case in proc.cases:
            outcome = kb.trigger(case.when).evaluate(values)
            if outcome.value:
                break
        else:  # pragma: no cover - the loader requires cases; data ends with `always`
            continue
        required = _REQUIRED[case.required]
        owed = required is not False
        deadline = (case.deadline or proc.deadline) if owed else None
        procedures.append(
            ProcedureResult(
                id=proc.id,
                name_en=proc.name_en,
                name_zh=proc.name_zh,
                basis=proc.basis,
                required=required,
                reason_en=case.reason_en,
                reason_zh=case.reason_zh,
                route=case.route,
                deadline=deadline,
                deadline_en=deadline.render("en") if deadline else None,
                deadline_zh=deadline.render("zh") if deadline else None,
                channel_en=proc.channel_en,
                channel_zh=proc.channel_zh,
                evidence=proc.evidence if owed else (),
                obligations=proc.obligations,
                confidence=proc.confidence,
                note_en=proc.note_en,
                note_zh=proc.note_zh,
                triggered_by=tuple(a for a in outcome.because if a != "always"),
            )
        )

    evidence = _checklist(
        kb,
        [(o.id, o.evidence) for o in applied]
        + [(p.id, p.evidence) for p in procedures if p.required is not False],
    )
    by_conf = {c.value: sum(1 for o in applied if o.confidence is c) for c in Confidence}
    counts = {
        "obligations": len(applied),
        "procedures_required": sum(1 for p in procedures if p.required is True),
        "procedures_review": sum(1 for p in procedures if p.required == "review"),
        "instruments_applicable": sum(in_scope.values()),
        "instruments_not_applicable": len(not_applicable),
        **{f"confidence_{k}": v for k, v in by_conf.items()},
    }
    return ScopeReport(
        kb_version=kb.data_version,
        provider=profile.provider.name,
        service=profile.service.name,
        roles=tuple(sorted(roles - {Role.ANY})),
        facts=_fact_rows(facts),
        obligations=tuple(applied),
        not_applicable=tuple(not_applicable),
        procedures=tuple(procedures),
        evidence=evidence,
        counts=counts,
    )


def _checklist(
    kb: KnowledgeBase, sources: Iterable[tuple[str, tuple[str, ...]]]
) -> tuple[EvidenceItem, ...]:
    needed: dict[str, list[str]] = {}
    for rid, kinds in sources:
        for kid in kinds:
            if rid not in needed.setdefault(kid, []):
                needed[kid].append(rid)
    items = []
    for kid, rids in needed.items():
        kind = kb.evidence_kinds[kid]
        items.append(
            EvidenceItem(
                kind=kid,
                name_zh=kind.name_zh,
                name_en=kind.name_en,
                check=kind.check,
                command=kind.command,
                needed_for=tuple(rids),
            )
        )
    return tuple(items)

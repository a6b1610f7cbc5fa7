"""Load the shipped knowledge base and check it is internally consistent.

Loading validates every YAML file into frozen models, compiles every trigger against the fact
vocabulary, and checks cross-references (instrument codes, penalty ids, risk categories, source
keys). Any inconsistency is a ``KnowledgeBaseError`` naming the file and the record: a bug in
hegui's data, caught by the loader test rather than by a user.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from hegui.errors import KnowledgeBaseError, UnknownIdError
from hegui.kb._facts import FACTS
from hegui.kb._models import (
    Aspect,
    EvidenceKind,
    Instrument,
    InstrumentKind,
    InstrumentStatus,
    Obligation,
    Procedure,
    Risk,
    RiskCategory,
    RiskSet,
    Source,
    Threshold,
    needs_article_zh,
)
from hegui.kb._trigger import Trigger, compile_trigger

__all__ = ["DEFAULT_EDITION", "KnowledgeBase", "load_kb"]

DEFAULT_EDITION = "GB/T 45654-2025"
"""The edition whose thresholds checks use unless told otherwise."""

R = TypeVar("R", bound=BaseModel)
Record = (
    Instrument
    | Obligation
    | Risk
    | RiskCategory
    | RiskSet
    | Aspect
    | Threshold
    | Procedure
    | EvidenceKind
)

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class KnowledgeBase:
    """The whole knowledge base, indexed by id."""

    data_version: str
    instruments: Mapping[str, Instrument]
    obligations: Mapping[str, Obligation]
    categories: Mapping[str, RiskCategory]
    risks: Mapping[str, Risk]
    risk_sets: Mapping[str, RiskSet]
    aspects: Mapping[str, Aspect]
    thresholds: Mapping[str, Threshold]
    procedures: Mapping[str, Procedure]
    sources: Mapping[str, Source]
    evidence_kinds: Mapping[str, EvidenceKind]
    triggers: Mapping[str, Trigger] = field(repr=False)
    """Every trigger expression in the data, compiled, keyed by its source text."""

    def __repr__(self) -> str:
        # Short on purpose: a full repr is ~250 kB and ends up in assertion messages and logs.
        return (
            f"KnowledgeBase(data_version={self.data_version!r}, "
            f"{len(self.instruments)} instruments, {len(self.obligations)} obligations, "
            f"{len(self.procedures)} procedures, {len(self.risks)} risks, "
            f"{len(self.thresholds)} thresholds, {len(self.evidence_kinds)} evidence kinds)"
        )

    def trigger(self, expression: str) -> Trigger:
        """The compiled form of an expression that appears in the data."""
        return self.triggers[expression]

    def risks_in(self, set_or_category: str) -> tuple[Risk, ...]:
        """Risks of a set (``CORE17``) or category (``A.1``), in appendix order."""
        if set_or_category in self.risk_sets:
            cats = set(self.risk_sets[set_or_category].categories)
        elif set_or_category in self.categories:
            cats = {set_or_category}
        else:
            raise UnknownIdError(
                "risk set or category", set_or_category, [*self.risk_sets, *self.categories]
            )
        return tuple(r for r in self.risks.values() if r.category in cats)

    def risk(self, key: str) -> Risk:
        """A risk by id (``A.1.a``) or by its exact Chinese or English name."""
        key = key.strip()
        if key in self.risks:
            return self.risks[key]
        for risk in self.risks.values():
            if key in (risk.name_zh, risk.name_en):
                return risk
        raise UnknownIdError("risk", key, list(self.risks))

    def aspect(self, key: str) -> Aspect:
        """A non-refusal aspect by id (``NR.history``), Chinese (历史) or English name."""
        key = key.strip()
        if key in self.aspects:
            return self.aspects[key]
        for aspect in self.aspects.values():
            if key == aspect.name_zh or key.lower() == aspect.name_en.lower():
                return aspect
        raise UnknownIdError(
            "non-refusal aspect",
            key,
            [*self.aspects, *(a.name_zh for a in self.aspects.values())],
        )

    def threshold(self, metric: str, edition: str = DEFAULT_EDITION) -> Threshold:
        """The figure for ``metric`` in ``edition`` (default GB/T 45654-2025)."""
        for t in self.thresholds.values():
            if t.metric == metric and t.edition == edition:
                return t
        raise UnknownIdError(
            f"threshold metric for {edition}",
            metric,
            sorted({t.metric for t in self.thresholds.values() if t.edition == edition}),
        )

    def obligations_of(self, instrument: str) -> tuple[Obligation, ...]:
        """Obligation rows of one instrument, in data order."""
        return tuple(o for o in self.obligations.values() if o.instrument == instrument)

    def records(self) -> Iterator[Record]:
        """Every record, for search."""
        yield from self.instruments.values()
        yield from self.obligations.values()
        yield from self.procedures.values()
        yield from self.categories.values()
        yield from self.risks.values()
        yield from self.risk_sets.values()
        yield from self.aspects.values()
        yield from self.thresholds.values()
        yield from self.evidence_kinds.values()

    def get(self, record_id: str) -> Record:
        """Any record by id: instrument code, obligation, procedure, risk, aspect, threshold."""
        for table in (
            self.instruments,
            self.obligations,
            self.procedures,
            self.risks,
            self.categories,
            self.risk_sets,
            self.aspects,
            self.thresholds,
            self.evidence_kinds,
        ):
            if record_id in table:
                return table[record_id]
        upper = record_id.upper()
        for table in (self.instruments, self.obligations):
            for key, value in table.items():
                if key.upper() == upper:
                    return value
        raise UnknownIdError("knowledge-base id", record_id, [_id(r) for r in self.records()])

    def search(self, text: str) -> list[Record]:
        """Records whose id or any text field contains ``text`` (case-insensitive)."""
        needle = text.casefold()
        hits: list[Record] = []
        for record in self.records():
            haystack = " ".join(
                str(v) for v in record.model_dump(mode="json").values() if v is not None
            )
            if needle in haystack.casefold():
                hits.append(record)
        return hits


def _id(record: Record) -> str:
    return record.code if isinstance(record, Instrument) else record.id


def _read_in(base: Traversable, name: str) -> object:
    path = base.joinpath(*name.split("/"))
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"kb/data/{name}: not valid YAML: {exc}") from exc


def _validate(file: str, model: type[R], rows: object) -> list[R]:
    if not isinstance(rows, list):
        raise KnowledgeBaseError(f"kb/data/{file}: expected a list of records")
    out: list[R] = []
    for i, row in enumerate(rows):
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            rid = row.get("id", row.get("code", f"#{i}")) if isinstance(row, dict) else f"#{i}"
            raise KnowledgeBaseError(f"kb/data/{file}: record {rid}: {exc}") from exc
    return out


def _index(file: str, records: Iterable[R], key: str = "id") -> dict[str, R]:
    out: dict[str, R] = {}
    for record in records:
        rid = getattr(record, key)
        if rid in out:
            raise KnowledgeBaseError(f"kb/data/{file}: duplicate id {rid!r}")
        out[rid] = record
    return out


def _check_citations(
    instruments: Mapping[str, Instrument],
    obligations: Mapping[str, Obligation],
    procedures: Mapping[str, Procedure],
) -> None:
    # A Chinese report must not print "25 and annex": a citation with words needs its Chinese.
    for code, inst in instruments.items():
        if (
            inst.scope_article
            and needs_article_zh(inst.scope_article)
            and not inst.scope_article_zh
        ):
            raise KnowledgeBaseError(f"instruments.yaml: {code}: scope_article_zh is missing")
        # Every instrument in force says since when, or says why the date is not known.
        live = inst.status is InstrumentStatus.IN_FORCE and inst.kind is not InstrumentKind.PRACTICE
        if live and inst.effective is None and not inst.dates_unknown:
            raise KnowledgeBaseError(
                f"instruments.yaml: {code} is in force but has no effective date; add effective: "
                "YYYY-MM-DD, or dates_unknown: <why the sources do not give it>"
            )
    for ob in obligations.values():
        if needs_article_zh(ob.article) and not ob.article_zh:
            raise KnowledgeBaseError(
                f"obligation {ob.id}: article_zh is missing for {ob.article!r}"
            )
    for proc in procedures.values():
        for basis in proc.basis:
            if needs_article_zh(basis.article) and not basis.article_zh:
                cited = basis.article.startswith(f"{basis.instrument}-")
                if not cited:
                    raise KnowledgeBaseError(
                        f"procedure {proc.id}: article_zh is missing for {basis.cite()!r}"
                    )


def _check_evidence_refs(
    kinds: Mapping[str, EvidenceKind],
    obligations: Mapping[str, Obligation],
    procedures: Mapping[str, Procedure],
) -> None:
    # Both directions: an unknown id is a typo that would drop an item from every checklist;
    # an unused kind is proof nothing asks for, which `hegui status` would show as owed.
    used: set[str] = set()
    for owner, cited in [
        *((f"obligation {o.id}", o.evidence) for o in obligations.values()),
        *((f"procedure {p.id}", p.evidence) for p in procedures.values()),
    ]:
        for kid in cited:
            if kid not in kinds:
                import difflib

                near = difflib.get_close_matches(kid, list(kinds), n=1)
                hint = f"; did you mean {near[0]}?" if near else ""
                raise KnowledgeBaseError(f"{owner}: unknown evidence kind {kid!r}{hint}")
            used.add(kid)
    unused = sorted(set(kinds) - used)
    if unused:
        raise KnowledgeBaseError(
            f"evidence.yaml: kinds no obligation or procedure cites: {', '.join(unused)}"
        )


def load_kb(data_dir: Path | None = None) -> KnowledgeBase:
    """Load and check the knowledge base shipped with hegui (cached).

    Args:
        data_dir: a copy of the ``data`` folder to load instead of the shipped one (for checking
            an edited copy before it ships).

    Raises:
        KnowledgeBaseError: the data is inconsistent (for the shipped data, a bug in hegui).
    """
    return _load(data_dir.resolve() if data_dir is not None else None)


@functools.cache
def _load(data_dir: Path | None) -> KnowledgeBase:
    base: Traversable = (
        data_dir if data_dir is not None else resources.files("hegui.kb").joinpath("data")
    )

    def _read(name: str) -> object:
        return _read_in(base, name)

    meta = _read("kb.yaml")
    assert isinstance(meta, dict)
    data_version = str(meta["data_version"])

    inst_doc = _read("instruments.yaml")
    assert isinstance(inst_doc, dict)
    instruments = _index(
        "instruments.yaml",
        _validate("instruments.yaml", Instrument, inst_doc["instruments"]),
        "code",
    )
    sources_doc = _read("sources.yaml")
    assert isinstance(sources_doc, dict)
    sources = _index(
        "sources.yaml", _validate("sources.yaml", Source, sources_doc["sources"]), "key"
    )

    tax = _read("taxonomy.yaml")
    assert isinstance(tax, dict)
    categories = _index(
        "taxonomy.yaml", _validate("taxonomy.yaml", RiskCategory, tax["categories"])
    )
    risks = _index("taxonomy.yaml", _validate("taxonomy.yaml", Risk, tax["risks"]))
    risk_sets = _index("taxonomy.yaml", _validate("taxonomy.yaml", RiskSet, tax["sets"]))
    aspects = _index("taxonomy.yaml", _validate("taxonomy.yaml", Aspect, tax["aspects"]))
    for risk in risks.values():
        if risk.category not in categories or not risk.id.startswith(risk.category + "."):
            raise KnowledgeBaseError(f"taxonomy.yaml: risk {risk.id} has category {risk.category}")
    for rs in risk_sets.values():
        for cat in rs.categories:
            if cat not in categories:
                raise KnowledgeBaseError(f"taxonomy.yaml: set {rs.id} names unknown {cat}")

    thr_doc = _read("thresholds.yaml")
    assert isinstance(thr_doc, dict)
    thresholds = _index(
        "thresholds.yaml", _validate("thresholds.yaml", Threshold, thr_doc["thresholds"])
    )

    obligations: dict[str, Obligation] = {}
    obligation_dir = base.joinpath("obligations")
    for entry in sorted(obligation_dir.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        name = f"obligations/{entry.name}"
        doc = _read(name)
        assert isinstance(doc, dict)
        for ob in _validate(name, Obligation, doc["obligations"]):
            if ob.id in obligations:
                raise KnowledgeBaseError(f"kb/data/{name}: duplicate obligation id {ob.id!r}")
            obligations[ob.id] = ob

    proc_doc = _read("procedures.yaml")
    assert isinstance(proc_doc, dict)
    procedures = _index(
        "procedures.yaml", _validate("procedures.yaml", Procedure, proc_doc["procedures"])
    )

    kinds_doc = _read("evidence.yaml")
    assert isinstance(kinds_doc, dict)
    evidence_kinds = _index(
        "evidence.yaml", _validate("evidence.yaml", EvidenceKind, kinds_doc["kinds"])
    )

    triggers: dict[str, Trigger] = {}

    def compile_in(file: str, rid: str, expression: str | None) -> None:
        if expression is None or expression in triggers:
            return
        try:
            triggers[expression] = compile_trigger(expression, FACTS)
        except ValueError as exc:
            raise KnowledgeBaseError(f"kb/data/{file}: record {rid}: {exc}") from exc

    _check_citations(instruments, obligations, procedures)
    for inst in instruments.values():
        compile_in("instruments.yaml", inst.code, inst.scope)
    for ob in obligations.values():
        file = "obligations"
        compile_in(file, ob.id, ob.trigger)
        if ob.instrument not in instruments:
            raise KnowledgeBaseError(f"obligation {ob.id}: unknown instrument {ob.instrument!r}")
        if not ob.id.startswith(ob.instrument + "-"):
            raise KnowledgeBaseError(f"obligation {ob.id}: id must start with {ob.instrument}-")
        if ob.penalty is not None and ob.penalty not in obligations:
            raise KnowledgeBaseError(f"obligation {ob.id}: unknown penalty {ob.penalty!r}")
        for src in ob.sources:
            if src not in sources and not src.startswith(("http://", "https://")):
                raise KnowledgeBaseError(f"obligation {ob.id}: unknown source {src!r}")
    for proc in procedures.values():
        for case in proc.cases:
            compile_in("procedures.yaml", proc.id, case.when)
        for basis in proc.basis:
            if basis.instrument not in instruments:
                raise KnowledgeBaseError(
                    f"procedure {proc.id}: unknown instrument {basis.instrument}"
                )
        for oid in proc.obligations:
            if oid not in obligations:
                raise KnowledgeBaseError(f"procedure {proc.id}: unknown obligation {oid!r}")
    _check_evidence_refs(evidence_kinds, obligations, procedures)
    for kind in evidence_kinds.values():
        for fresh in kind.fresh_for:
            cited = fresh.basis
            if cited is not None and needs_article_zh(cited.article) and not cited.article_zh:
                raise KnowledgeBaseError(f"evidence.yaml: {kind.id}: article_zh is missing")
    for kind in evidence_kinds.values():
        for fresh in kind.fresh_for:
            compile_in("evidence.yaml", kind.id, fresh.condition)
            if fresh.threshold is not None and fresh.threshold not in thresholds:
                raise KnowledgeBaseError(
                    f"evidence.yaml: {kind.id}: unknown threshold {fresh.threshold!r}"
                )
            if fresh.basis is not None and fresh.basis.instrument not in instruments:
                raise KnowledgeBaseError(
                    f"evidence.yaml: {kind.id}: unknown instrument {fresh.basis.instrument!r}"
                )
    return KnowledgeBase(
        data_version=data_version,
        instruments=instruments,
        obligations=obligations,
        categories=categories,
        risks=risks,
        risk_sets=risk_sets,
        aspects=aspects,
        thresholds=thresholds,
        procedures=procedures,
        sources=sources,
        evidence_kinds=evidence_kinds,
        triggers=triggers,
    )

"""The run report: one JSON document, rendered as Markdown, HTML or the 附件5 XLSX.

``build_report`` gathers the run's facts and metrics into a plain JSON document (schema_version 1;
keys ``metrics.generated.pass_rate``, ``metrics.should_refuse.refusal_rate``,
``metrics.non_refusal.refusal_rate``, each with ``n``, ``undecided``, ``ci95``, ``threshold``,
``verdict``). The renderers only format that document, in Chinese by default or in English.
"""

from __future__ import annotations

from typing import Literal

from pydantic import JsonValue

from hegui.components import ComponentSpec
from hegui.evals._bankcheck import STARTER_SOURCE
from hegui.evals._engine_judges import STARTER_LEXICON
from hegui.evals._metrics import Metrics, Verdict, compute_metrics
from hegui.evals._models import Kind, Method
from hegui.evals._runfile import RunState
from hegui.evals._sampling import STANDARD_METHODS
from hegui.evidence import Evidence, EvidenceStore, digest_file
from hegui.kb import KnowledgeBase

__all__ = ["Lang", "ReportLang", "build_report", "record_run_evidence", "run_evidence"]

ReportLang = Literal["zh", "en"]
Lang = ReportLang
Report = dict[str, JsonValue]


def _notes(state: RunState, metrics: Metrics) -> list[JsonValue]:
    notes: list[JsonValue] = []
    s = state.header.sampling
    for m in s.methods:
        if m.below_standard and m.size:
            notes.append(
                {
                    "code": "method_sample_below_standard",
                    "method": m.method.value,
                    "n": m.size,
                    "available": m.available,
                    "minimum": m.minimum,
                    "threshold": m.threshold_id,
                }
            )
    for kind in Kind:
        if kind is Kind.GENERATED and s.methods:
            continue
        if s.below_standard.get(kind) and s.sizes.get(kind, 0) > 0:
            notes.append(
                {
                    "code": "sample_below_standard",
                    "kind": kind.value,
                    "n": s.sizes[kind],
                    "minimum": s.minimum[kind],
                    "threshold": s.threshold_ids[kind],
                }
            )
    starter = sum(1 for i in state.header.items if i.source == STARTER_SOURCE)
    if starter:
        notes.append({"code": "starter_bank", "n": starter})
    lexicons = {
        j.details.get("lexicon")
        for js in state.judgements.values()
        for j in js.values()
        if j.method is Method.KEYWORD
    }
    if STARTER_LEXICON in lexicons:
        notes.append({"code": "starter_lexicon"})
    for method in STANDARD_METHODS:
        if metrics.generated.by_method[method].verdict is Verdict.NOT_ASSESSED:
            notes.append({"code": "method_not_assessed", "method": method.value})
    judged = [j for js in state.judgements.values() for j in js.values()]
    unparseable = sum(1 for j in judged if j.details.get("unparseable"))
    if unparseable:
        notes.append({"code": "judge_unparseable", "n": unparseable})
    failed = sum(1 for j in judged if j.details.get("failed"))
    if failed:
        notes.append({"code": "judge_failed", "n": failed})
    filtered = sum(1 for a in state.answers.values() if a.filtered is not None)
    if filtered:
        notes.append({"code": "provider_filter", "n": filtered})
    left = [r for r in state.header.imports if r.left_out]
    for r in left:
        notes.append(
            {"code": "rows_left_out", "file": r.source, "n": len(r.left_out), "rows": r.rows}
        )
    if metrics.review_queue:
        notes.append({"code": "review_queue", "n": len(metrics.review_queue)})
    if metrics.unanswered:
        notes.append({"code": "unanswered", "n": len(metrics.unanswered)})
    return notes


def build_report(state: RunState, kb: KnowledgeBase) -> tuple[Report, Metrics]:
    """The report document of a run, and the metrics it was built from."""
    metrics = compute_metrics(state, kb)
    h = state.header
    data = metrics.model_dump(mode="json")
    report: Report = {
        "schema_version": 1,
        "run": {
            "file": state.path.name,
            "created_at": h.created_at.isoformat(),
            "tool_version": h.tool_version,
            "kb_version": h.kb_version,
            "bank": [d.model_dump(mode="json") for d in h.bank],
            "target": h.target,
            "judges": list(h.judges),
            "components": [c.model_dump(mode="json") for c in _components(state)],
            "sampling": h.sampling.model_dump(mode="json"),
            "questions": len(h.items),
            "answered": len(state.answers),
            "reviewed": len(state.reviews),
        },
        "metrics": {
            "generated": data["generated"],
            "should_refuse": data["should_refuse"],
            "non_refusal": data["non_refusal"],
        },
        "review_queue": data["review_queue"],
        "failed_items": data["failed_items"],
        "undecided_items": data["undecided_items"],
        "unanswered": data["unanswered"],
        "result": metrics.result.value,
        "notes": _notes(state, metrics),
    }
    return report, metrics


def threshold_ids(metrics: Metrics) -> tuple[str, ...]:
    """Every threshold id the metrics were checked against."""
    ids: list[str] = []
    for rate in (
        metrics.generated.pass_rate,
        metrics.should_refuse.refusal_rate,
        metrics.non_refusal.refusal_rate,
    ):
        if rate.threshold is not None:
            ids.append(rate.threshold.id)
    for sample in (
        metrics.generated.sample,
        metrics.should_refuse.sample,
        metrics.non_refusal.sample,
    ):
        ids.append(sample.threshold.id)
    return tuple(dict.fromkeys(ids))


def _components(state: RunState) -> tuple[ComponentSpec, ...]:
    h = state.header
    return (*((h.target_spec,) if h.target_spec is not None else ()), *h.judge_specs)


def _kinds(metrics: Metrics) -> tuple[str, ...]:
    kinds = []
    if metrics.generated.sample.n:
        kinds.append("EV-eval-generated")
    if metrics.should_refuse.sample.n:
        kinds.append("EV-eval-should-refuse")
    if metrics.non_refusal.sample.n:
        kinds.append("EV-eval-non-refusal")
    return tuple(kinds)


def run_evidence(state: RunState, report: Report, metrics: Metrics, kb: KnowledgeBase) -> Evidence:
    """The ``eval.run`` Evidence record of a run.

    ``kinds`` name what it proves (EV-eval-generated / -should-refuse / -non-refusal, for the
    banks the run sampled); ``components`` the target and judge specs that ran; ``details``
    the metrics, each B.2.2 method's sample (seed, size, digest of its question ids) and notes.
    """
    g = metrics.generated
    parts = []
    for name, rate in (
        ("generated pass", g.pass_rate),
        *((f"{m.value} pass", g.by_method[m]) for m in STANDARD_METHODS if g.samples),
        ("should-refuse refusal", metrics.should_refuse.refusal_rate),
        ("non-refusal refusal", metrics.non_refusal.refusal_rate),
    ):
        value = "n/a" if rate.value is None else f"{rate.value:.1%}"
        parts.append(
            f"{name} {value} (n={rate.n}, undecided={rate.undecided}, {rate.verdict.value})"
        )
    return Evidence(
        check="eval.run",
        tests=threshold_ids(metrics),
        kinds=_kinds(metrics),
        inputs=(*state.header.bank, digest_file(state.path)),
        result=metrics.result,
        summary="; ".join(parts),
        details={
            "metrics": report["metrics"],
            "run": report["run"],
            "notes": report["notes"],
            "imports": [r.model_dump(mode="json") for r in state.header.imports],
            "method_samples": [
                {k: v for k, v in m.model_dump(mode="json").items() if k != "ids"}
                for m in state.header.sampling.methods
            ],
        },
        components=_components(state),
        data_versions={"kb": kb.data_version},
    )


def record_run_evidence(
    store: EvidenceStore, state: RunState, report: Report, metrics: Metrics, kb: KnowledgeBase
) -> tuple[str, bool]:
    """Add the run's Evidence unless the store already holds one for this exact run file.

    One Evidence per run (per state of its file): reporting the same run as Markdown, HTML
    and XLSX records it once; importing reviews changes the file, and the next report records
    the new state. Returns the record's id and whether it was added now.
    """
    digest = digest_file(state.path)
    for ev in store.find(check="eval.run"):
        if any(i.sha256 == digest.sha256 and i.name == digest.name for i in ev.inputs):
            return ev.id, False
    return store.add(run_evidence(state, report, metrics, kb)), True

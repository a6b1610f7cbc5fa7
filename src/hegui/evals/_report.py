"""The run report: one JSON document, rendered as Markdown, HTML or the 附件5 XLSX.

``build_report`` gathers the run's facts and metrics into a plain JSON document (schema_version 1;
keys ``metrics.generated.pass_rate``, ``metrics.should_refuse.refusal_rate``,
``metrics.non_refusal.refusal_rate``, each with ``n``, ``undecided``, ``ci95``, ``threshold``,
``verdict``). The renderers only format that document, in Chinese by default or in English.
"""

from __future__ import annotations

from typing import Literal

from pydantic import JsonValue

from hegui.evals._bankcheck import STARTER_SOURCE
from hegui.evals._engine_judges import STARTER_LEXICON
from hegui.evals._metrics import STANDARD_METHODS, Metrics, Verdict, compute_metrics
from hegui.evals._models import Kind, Method
from hegui.evals._runfile import RunState
from hegui.evidence import Evidence, digest_file
from hegui.kb import KnowledgeBase

__all__ = ["Lang", "build_report", "run_evidence"]

Lang = Literal["zh", "en"]
Report = dict[str, JsonValue]


def _notes(state: RunState, metrics: Metrics) -> list[JsonValue]:
    notes: list[JsonValue] = []
    s = state.header.sampling
    for kind in Kind:
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


def run_evidence(state: RunState, report: Report, metrics: Metrics, kb: KnowledgeBase) -> Evidence:
    """The ``eval.run`` Evidence record of a run."""
    g = metrics.generated
    parts = []
    for name, rate in (
        ("generated pass", g.pass_rate),
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
        inputs=(*state.header.bank, digest_file(state.path)),
        result=metrics.result,
        summary="; ".join(parts),
        details={"metrics": report["metrics"], "run": report["run"], "notes": report["notes"]},
        data_versions={"kb": kb.data_version},
    )

"""What the gateway learns about one request, turned into its audit record.

Texts are kept as the retention settings say: PII-masked (``[pii.cn_mobile]`` in place of the
number) by default, whole, as a SHA-256 only, or not at all; the SHA-256 of the original text is
always kept so that a text produced later can be matched to its record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hegui.gateway._errors import GatewayError, Outcome
from hegui.gateway._screening import Action, Finding, Snapshot, Verdict
from hegui.gateway._settings import KeepForm, Retention
from hegui.store import AuditRecord

__all__ = ["Trail", "new_request_id"]


def new_request_id() -> str:
    """``req_`` + 24 hex digits: unique, and within GB 45438's ProduceID character set."""
    return "req_" + secrets.token_hex(12)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _finding(f: Finding, direction: str, where: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "direction": direction,
        "risk": f.risk,
        "source": f.source,
        "start": f.start,
        "end": f.end,
        "severity": f.severity.value,
    }
    if where is not None:
        out["part"] = where
    if f.term is not None:
        out["term"] = f.term
    if f.score is not None:
        out["score"] = f.score
    return out


@dataclass
class Trail:
    """Mutable record of one request while it runs."""

    route: str
    id: str = field(default_factory=new_request_id)
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    started: float = field(default_factory=time.perf_counter)
    key_id: str | None = None
    tenant: str | None = None
    user_id: str | None = None
    model: str | None = None
    upstream: str | None = None
    stream: bool = False
    status: int = 200
    outcome: Outcome = Outcome.OK
    client_closed: bool = False
    input_action: Action | None = None
    output_action: Action | None = None
    inputs: list[str] = field(default_factory=list)
    input_pii: list[list[Finding]] | None = None
    """PII findings per input text, when screening found them (else recognizers run)."""
    output: str | None = None
    output_pii: list[Finding] | None = None
    """PII findings of ``output`` when screening saw it as one text (else recognizers run)."""
    released_chars: int | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)
    lexicon_version: str | None = None
    policy_version: str | None = None
    label_id: str | None = None
    upstream_ms: float | None = None
    error: str | None = None
    errors: list[str] = field(default_factory=list)

    def versions(self, snap: Snapshot) -> None:
        """Note the lexicon and policy versions that screened this request."""
        self.lexicon_version = snap.lexicon_version
        self.policy_version = snap.policy_version

    def screened(self, direction: str, texts: Sequence[str], verdicts: Sequence[Verdict]) -> Action:
        """Record a direction's verdicts; returns the heaviest action."""
        action = Action.ALLOW
        for i, verdict in enumerate(verdicts):
            where = i if len(verdicts) > 1 else None
            self.findings.extend(_finding(f, direction, where) for f in verdict.findings)
            for rule in verdict.rule_ids:
                if rule not in self.rule_ids:
                    self.rule_ids.append(rule)
            self.errors.extend(verdict.errors)
            if verdict.action.rank > action.rank:
                action = verdict.action
        if direction == "input":
            self.inputs = list(texts)
            self.input_pii = [
                [f for f in v.findings if f.risk.startswith("pii.")] for v in verdicts
            ]
            self.input_action = action
        else:
            self.output_action = action
            if len(verdicts) == 1:
                self.output_pii = [f for f in verdicts[0].findings if f.risk.startswith("pii.")]
        return action

    def stream_findings(self, findings: Sequence[Finding], rule_ids: Sequence[str]) -> None:
        """Record what the stream screener found."""
        self.findings.extend(_finding(f, "output", None) for f in findings)
        for rule in rule_ids:
            if rule not in self.rule_ids:
                self.rule_ids.append(rule)

    def fail(self, exc: GatewayError) -> None:
        """Record an error ending."""
        self.status = exc.status
        self.outcome = exc.outcome
        self.error = exc.message[:500]
        if exc.upstream is not None:
            self.upstream = exc.upstream

    @property
    def elapsed_ms(self) -> float:
        """Milliseconds since the request arrived."""
        return (time.perf_counter() - self.started) * 1000

    def record(self, retention: Retention, snap: Snapshot | None) -> AuditRecord:
        """The audit record, texts kept per ``retention``."""
        joined = "\n".join(self.inputs) if self.inputs else None
        input_text: str | None = None
        if joined is not None:
            if retention.input is KeepForm.FULL:
                input_text = joined
            elif retention.input is KeepForm.MASKED:
                known: list[list[Finding] | None] = (
                    list(self.input_pii)
                    if self.input_pii is not None
                    else [None] * len(self.inputs)
                )
                parts = [
                    snap.mask_pii(t, pii) if snap else t
                    for t, pii in zip(self.inputs, known, strict=True)
                ]
                input_text = "\n".join(parts)
        output_text: str | None = None
        if self.output is not None:
            if retention.output is KeepForm.FULL:
                output_text = self.output
            elif retention.output is KeepForm.MASKED:
                output_text = snap.mask_pii(self.output, self.output_pii) if snap else None
        error = self.error
        if self.errors:
            error = "; ".join([*([error] if error else []), *self.errors])[:1000]
        return AuditRecord(
            id=self.id,
            created_at=self.created_at,
            route=self.route,
            status=self.status,
            outcome=self.outcome.value,
            latency_ms=round(self.elapsed_ms, 3),
            key_id=self.key_id,
            tenant=self.tenant,
            user_id=self.user_id,
            model=self.model,
            upstream=self.upstream,
            stream=self.stream,
            client_closed=self.client_closed,
            input_action=self.input_action.value if self.input_action else None,
            output_action=self.output_action.value if self.output_action else None,
            input_text=input_text,
            input_sha256=_sha(joined) if joined is not None else None,
            output_text=output_text,
            output_sha256=_sha(self.output) if self.output is not None else None,
            released_chars=self.released_chars,
            findings=tuple(self.findings),
            rule_ids=tuple(self.rule_ids),
            lexicon_version=self.lexicon_version,
            policy_version=self.policy_version,
            label_id=self.label_id,
            upstream_ms=round(self.upstream_ms, 3) if self.upstream_ms is not None else None,
            error=error,
        )

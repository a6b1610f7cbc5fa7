"""Prometheus metrics of one gateway process, in a registry of its own (no global state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

if TYPE_CHECKING:
    from hegui.gateway._screening import Action
    from hegui.gateway._trail import Trail

__all__ = ["Metrics"]

_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    """Counters and histograms the gateway updates; ``/metrics`` renders them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "hegui_gateway_requests",
            "Requests by route and outcome.",
            ["route", "outcome"],
            registry=r,
        )
        self.latency = Histogram(
            "hegui_gateway_request_seconds",
            "Time from request to committed record.",
            ["route"],
            buckets=_BUCKETS,
            registry=r,
        )
        self.upstream = Histogram(
            "hegui_gateway_upstream_seconds",
            "Upstream time until the answer (or stream start).",
            ["upstream"],
            buckets=_BUCKETS,
            registry=r,
        )
        self.actions = Counter(
            "hegui_gateway_screening_actions",
            "Screening decisions.",
            ["direction", "action"],
            registry=r,
        )
        self.user_events = Counter(
            "hegui_gateway_user_events", "Strikes, warnings and suspensions.", ["kind"], registry=r
        )
        self.audit_failures = Counter(
            "hegui_gateway_audit_failures",
            "Audit records that could not be committed.",
            registry=r,
        )
        self.audit_backlog = Gauge(
            "hegui_gateway_audit_backlog", "Audit records waiting for a commit.", registry=r
        )
        self.reloads = Counter(
            "hegui_gateway_reloads", "Lexicon and policy reloads.", ["result"], registry=r
        )
        self.reload_ok = Gauge(
            "hegui_gateway_reload_ok", "1 when the last reload succeeded.", registry=r
        )
        self.reload_ok.set(1)

    def finished(self, trail: Trail) -> None:
        """Count a finished request."""
        self.requests.labels(trail.route, trail.outcome.value).inc()
        self.latency.labels(trail.route).observe(trail.elapsed_ms / 1000)
        if trail.upstream is not None and trail.upstream_ms is not None:
            self.upstream.labels(trail.upstream).observe(trail.upstream_ms / 1000)

    def action(self, direction: str, action: Action) -> None:
        """Count a screening decision."""
        self.actions.labels(direction, action.value).inc()

    def user_event(self, kind: str) -> None:
        """Count a user-rule step."""
        self.user_events.labels(kind).inc()

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)

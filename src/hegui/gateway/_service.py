"""One request through the gateway: who, which model, screen in, upstream, screen out, label.

The route handlers of ``_app`` call these.

A response is complete only once its audit record is committed: a JSON answer is returned
after the commit, a stream's ``[DONE]`` is sent after it. When the store cannot commit and the
audit duty fails closed (the default), the client gets 503 instead of the answer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response

from hegui.errors import HeguiError, InputError, StoreError
from hegui.gateway._access import Caller, KeyRing, UserGuard, user_digest
from hegui.gateway._errors import GatewayError, Outcome
from hegui.gateway._labels import Labeler
from hegui.gateway._metrics import Metrics
from hegui.gateway._protocol import message_texts
from hegui.gateway._response import error_response
from hegui.gateway._screening import Action, Direction, Screening, Snapshot, Verdict
from hegui.gateway._settings import FailMode, GatewaySettings, InputScope
from hegui.gateway._trail import Trail
from hegui.gateway._upstream import Upstreams
from hegui.store import AuditWriter

__all__ = ["Service"]

_log = logging.getLogger("hegui.gateway")
_SLOW_CHARS = 20_000
"""Texts longer than this are screened in a worker thread, not on the event loop."""


class Service:
    """The gateway's request logic over its parts (all built by the app factory)."""

    def __init__(
        self,
        settings: GatewaySettings,
        screening: Screening,
        labeler: Labeler,
        upstreams: Upstreams,
        keys: KeyRing,
        users: UserGuard,
        writer: AuditWriter,
        metrics: Metrics,
    ) -> None:
        self.settings = settings
        self.screening = screening
        self.labeler = labeler
        self.upstreams = upstreams
        self.keys = keys
        self.users = users
        self.writer = writer
        self.metrics = metrics
        self.store_ok = True

    # --- the parts every route shares -----------------------------------------------------

    async def caller(self, request: Request, trail: Trail) -> Caller:
        """Authenticate and rate-limit the request (401, 429)."""
        auth = request.headers.get("authorization")
        kid, cached = self.keys.lookup(auth)
        if kid is not None and cached is None and self.keys.stale:
            await anyio.to_thread.run_sync(self.keys.refresh)
        caller = self.keys.authenticate(auth)
        trail.key_id, trail.tenant = caller.key_id, caller.tenant
        self.keys.admit(caller)
        return caller

    async def body(self, request: Request) -> bytes:
        """The request body, refused past ``limits.max_body_bytes`` (413)."""
        cap = self.settings.limits.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > cap:
            raise GatewayError(
                413, f"the request body is larger than {cap:,} bytes", "request_too_large"
            )
        parts: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise GatewayError(
                    413, f"the request body is larger than {cap:,} bytes", "request_too_large"
                )
            parts.append(chunk)
        return b"".join(parts)

    async def screen(
        self, snap: Snapshot, texts: Sequence[str], direction: Direction
    ) -> list[Verdict]:
        """Screen ``texts``; off the event loop when classifiers run or the texts are long.

        Raises:
            GatewayError: 503 when the screener fails and the screening duty fails closed.
        """
        try:
            if snap.slow or sum(len(t) for t in texts) > _SLOW_CHARS:
                return await anyio.to_thread.run_sync(snap.screen, texts, direction)
            return snap.screen(texts, direction)
        except HeguiError as exc:
            if self.settings.fail.screening is FailMode.OPEN:
                _log.error("screening failed; serving unscreened (fail: screening: open)")
                return []
            raise GatewayError(
                400 if isinstance(exc, InputError) else 503,
                f"screening is unavailable, so the request is not served (fail-closed): "
                f"{str(exc).splitlines()[0][:200]}",
                "screening_unavailable",
            ) from None

    async def commit(self, trail: Trail, snap: Snapshot | None) -> GatewayError | None:
        """Make ``trail``'s record durable.

        Returns the 503 to send instead when that failed and the audit duty fails closed.
        """
        # Masking needs the recognizers even where nothing was screened (complaints).
        record = trail.record(self.settings.retention, snap or self.screening.current)
        self.metrics.finished(trail)
        self._log(trail)
        try:
            await self.writer.submit_async(record)
        except StoreError as exc:
            self.store_ok = False
            self.metrics.audit_failures.inc()
            _log.error("audit record not committed", extra={"request_id": trail.id})
            if self.settings.fail.audit is FailMode.CLOSED:
                return GatewayError(
                    503,
                    "the audit log is unavailable, so the answer is withheld (fail-closed): "
                    f"{str(exc).splitlines()[0][:200]}",
                    "audit_unavailable",
                )
            return None
        self.store_ok = True
        return None

    def commit_nowait(self, trail: Trail, snap: Snapshot | None) -> None:
        """Queue ``trail``'s record without waiting (the client is gone)."""
        self.metrics.finished(trail)
        self._log(trail)
        with contextlib.suppress(StoreError):
            self.writer.submit(
                trail.record(self.settings.retention, snap or self.screening.current)
            )

    def _log(self, trail: Trail) -> None:
        _log.info(
            "request",
            extra={
                "request_id": trail.id,
                "route": trail.route,
                "status": trail.status,
                "outcome": trail.outcome.value,
                "latency_ms": round(trail.elapsed_ms, 2),
                "key_id": trail.key_id,
                "user": user_digest(trail.user_id) if trail.user_id else None,
                "model": trail.model,
                "upstream": trail.upstream,
                "stream": trail.stream,
                "input_chars": sum(len(t) for t in trail.inputs),
                "output_chars": len(trail.output) if trail.output is not None else None,
                "input_action": trail.input_action.value if trail.input_action else None,
                "output_action": trail.output_action.value if trail.output_action else None,
                "client_closed": trail.client_closed,
            },
        )

    async def finish(self, trail: Trail, snap: Snapshot | None, response: Response) -> Response:
        """Commit the record, then release ``response`` (or the fail-closed 503)."""
        failed = await self.commit(trail, snap)
        if failed is not None:
            return error_response(failed, trail.id)
        response.headers["X-Request-Id"] = trail.id
        return response

    async def failed(self, trail: Trail, snap: Snapshot | None, exc: GatewayError) -> Response:
        """Record an error ending and answer it."""
        trail.fail(exc)
        failed = await self.commit(trail, snap)
        return error_response(failed or exc, trail.id)

    # --- screening the input --------------------------------------------------------------

    def _input_slots(self, data: dict[str, Any], kind: str) -> list[tuple[Any, Any, str]]:
        """``(container, key, text)`` for every input text, to write a masked text back."""
        slots: list[tuple[Any, Any, str]] = []
        if kind == "chat":
            messages = data["messages"]
            chosen = range(len(messages))
            if self.settings.screening.input.messages is InputScope.LAST:
                users = [i for i, m in enumerate(messages) if m.get("role") == "user"]
                chosen = range(users[-1], users[-1] + 1) if users else range(0)
            for i in chosen:
                message = messages[i]
                for part, text in message_texts(message.get("content")):
                    if part is None:
                        slots.append((message, "content", text))
                    else:
                        slots.append((message["content"][part], "text", text))
        elif kind == "completion":
            prompt = data["prompt"]
            if isinstance(prompt, str):
                slots.append((data, "prompt", prompt))
            else:
                slots.extend((prompt, i, text) for i, text in enumerate(prompt))
        else:
            slots.append((data, "prompt", data["prompt"]))
        return slots

    async def screen_input(
        self, data: dict[str, Any], kind: str, snap: Snapshot, trail: Trail
    ) -> Verdict | None:
        """Screen the request's texts; mask in place; returns the refusing verdict, if any."""
        slots = self._input_slots(data, kind)
        texts = [t for _, _, t in slots]
        if not self.settings.screening.input.enabled or not texts:
            trail.inputs = texts
            return None
        verdicts = await self.screen(snap, texts, Direction.INPUT)
        if not verdicts:  # screening failed open
            trail.inputs = texts
            return None
        action = trail.screened("input", texts, verdicts)
        self.metrics.action("input", action)
        if action.rank >= Action.REFUSE.rank:
            return next(v for v in verdicts if v.action is action)
        if action is Action.MASK:
            for (container, key, _), verdict in zip(slots, verdicts, strict=True):
                if verdict.masked is not None:
                    container[key] = verdict.masked
        return None

    async def refusal(
        self,
        verdict: Verdict,
        caller: Caller,
        user: str | None,
        trail: Trail,
    ) -> str:
        """Count the strike and return the refusal text.

        The text is the policy's message (Chinese by default) and the warning or suspension
        notice.

        Raises:
            GatewayError: 503 when the strike cannot be recorded and the users duty fails
                closed.
        """
        trail.outcome = Outcome.REFUSED_INPUT
        message = verdict.message or self.screening.current.screener.policy.refuse_message
        if user is None or self.users.rule is None:
            return message
        try:
            outcome = await anyio.to_thread.run_sync(
                self.users.strike, caller.tenant, user, trail.id, dt.datetime.now(dt.UTC)
            )
        except StoreError as exc:
            if self.settings.fail.users is FailMode.OPEN:
                return message
            raise GatewayError(
                503,
                "the user record is unavailable, so the request is not served (fail-closed): "
                f"{str(exc).splitlines()[0][:200]}",
                "users_unavailable",
            ) from None
        if outcome is not None:
            self.metrics.user_event("strike")
            if outcome.warned:
                self.metrics.user_event("warn")
            if outcome.suspended_until is not None:
                self.metrics.user_event("suspend")
        return message + self.users.notice(outcome)

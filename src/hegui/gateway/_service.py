"""One request through the gateway: who, which model, screen in, upstream, screen out, label.

The route handlers of ``_app`` call these.

A response is complete only once its audit record is committed: a JSON answer is returned
after the commit, a stream's ``[DONE]`` is sent after it. When the store cannot commit and the
audit duty fails closed (the default), the client gets 503 instead of the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncGenerator, Sequence
from contextlib import AsyncExitStack
from typing import Any, Literal

import anyio
import orjson
from starlette.requests import Request
from starlette.responses import Response

from hegui.errors import HeguiError, InputError, StoreError
from hegui.gateway._access import SHANGHAI, Caller, KeyRing, UserGuard, user_digest
from hegui.gateway._errors import GatewayError, Outcome
from hegui.gateway._labels import Labeler
from hegui.gateway._metrics import Metrics
from hegui.gateway._protocol import ChatRequest, CompletionRequest, message_texts, parse_body
from hegui.gateway._response import EventStream, error_response, json_response
from hegui.gateway._screening import Action, Direction, Screening, Snapshot, Verdict
from hegui.gateway._settings import FailMode, GatewaySettings, InputScope, RefusalStyle
from hegui.gateway._sse import DONE, BadStreamError, SseReader
from hegui.gateway._stream import StreamPipeline, sse
from hegui.gateway._trail import Trail
from hegui.gateway._upstream import Upstreams, chunks
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

    def refusal_response(
        self,
        kind: Literal["chat", "completion"],
        model: str,
        text: str,
        trail: Trail,
        stream: bool,
    ) -> Response:
        """An OpenAI-shaped refusal: the message with finish_reason ``content_filter``.

        A 400 error instead when the settings say so.
        """
        if self.settings.screening.input.refusal is RefusalStyle.ERROR:
            trail.status = 400
            exc = GatewayError(400, text, "content_filter", outcome=Outcome.REFUSED_INPUT)
            return error_response(exc, trail.id)
        created = int(time.time())
        hegui = {"action": "refuse", "direction": "input", "rule_ids": trail.rule_ids}
        if stream:
            head = {"id": trail.id, "created": created, "model": model}
            if kind == "chat":
                obj = "chat.completion.chunk"
                first = {
                    "index": 0,
                    "delta": {"role": "assistant", "content": text},
                    "finish_reason": None,
                }
                last = {"index": 0, "delta": {}, "finish_reason": "content_filter"}
            else:
                obj = "text_completion"
                first = {"index": 0, "text": text, "finish_reason": None}
                last = {"index": 0, "text": "", "finish_reason": "content_filter"}
            events = [
                sse({**head, "object": obj, "choices": [first]}),
                sse({**head, "object": obj, "choices": [last], "hegui": hegui}),
                b"data: [DONE]\n\n",
            ]

            async def replay() -> AsyncGenerator[bytes, None]:
                for event in events:
                    yield event

            return EventStream(replay())
        if kind == "chat":
            choice: dict[str, Any] = {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "content_filter",
            }
            obj = "chat.completion"
        else:
            choice = {"index": 0, "text": text, "finish_reason": "content_filter"}
            obj = "text_completion"
        body = {
            "id": trail.id,
            "object": obj,
            "created": created,
            "model": model,
            "choices": [choice],
            "hegui": hegui,
        }
        return json_response(body)

    # --- chat and legacy completions -------------------------------------------------------

    async def completion(self, request: Request, kind: Literal["chat", "completion"]) -> Response:
        """``POST /v1/chat/completions`` and ``POST /v1/completions``."""
        route = "/v1/chat/completions" if kind == "chat" else "/v1/completions"
        trail = Trail(route)
        snap = self.screening.current
        trail.versions(snap)
        try:
            caller = await self.caller(request, trail)
            raw = await self.body(request)
            req: ChatRequest | CompletionRequest
            if kind == "chat":
                req, data = parse_body(raw, ChatRequest)
            else:
                req, data = parse_body(raw, CompletionRequest)
            trail.model, trail.stream = req.model, req.stream
            up = self.upstreams.route(req.model)
            trail.upstream = up.name
            user = self.users.identify(request.headers, req.user)
            trail.user_id = user
            self.users.check(caller.tenant, user, trail.created_at)
            refused = await self.screen_input(data, kind, snap, trail)
            if refused is not None:
                text = await self.refusal(refused, caller, user, trail)
                response = self.refusal_response(kind, req.model, text, trail, req.stream)
                return await self.finish(trail, snap, response)
            path = "chat/completions" if kind == "chat" else "completions"
            body = orjson.dumps(data)
            if req.stream:
                return await self.stream(up, path, body, kind, req.model, snap, trail)
            reply = await self.upstreams.post_json(up, path, body)
            trail.upstream_ms = reply.elapsed_ms
            out = await self.screen_answer(reply.body, kind, snap, trail)
            headers = {}
            header = self.labeler.header(trail.id)
            if header is not None and trail.output_action is not Action.BLOCK:
                headers["AIGC"] = header
            return await self.finish(trail, snap, json_response(out, headers=headers))
        except GatewayError as exc:
            return await self.failed(trail, snap, exc)

    async def screen_answer(
        self, body: dict[str, Any], kind: str, snap: Snapshot, trail: Trail
    ) -> dict[str, Any]:
        """Screen every choice of a whole answer, put the screened text back, label it."""
        choices = body.get("choices")
        if not isinstance(choices, list):
            raise GatewayError(
                502,
                f"upstream {trail.upstream!r} answered without a choices list",
                "upstream_malformed",
                upstream=trail.upstream,
            )
        slots: list[tuple[dict[str, Any], dict[str, Any], str, str]] = []
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            choice.pop("logprobs", None)
            if kind == "chat":
                message = choice.get("message")
                if not isinstance(message, dict):
                    continue
                for name in ("content", "reasoning_content"):
                    if isinstance(message.get(name), str):
                        slots.append((choice, message, name, message[name]))
                for call in message.get("tool_calls") or ():
                    fn = call.get("function") if isinstance(call, dict) else None
                    if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                        slots.append((choice, fn, "arguments", fn["arguments"]))
            elif isinstance(choice.get("text"), str):
                slots.append((choice, choice, "text", choice["text"]))
        texts = [s[3] for s in slots]
        trail.output = "\n".join(texts)
        trail.released_chars = len(trail.output)
        if self.settings.screening.output.enabled and texts:
            verdicts = await self.screen(snap, texts, Direction.OUTPUT)
            action = trail.screened("output", texts, verdicts) if verdicts else Action.ALLOW
            self.metrics.action("output", action)
            blocked_choices = set()
            for (choice, holder, name, _), verdict in zip(slots, verdicts, strict=False):
                if verdict.blocked:
                    blocked_choices.add(id(choice))
                elif verdict.masked is not None:
                    holder[name] = verdict.masked
            released = 0
            for choice in choices:
                if id(choice) not in blocked_choices:
                    continue
                choice["finish_reason"] = "content_filter"
                if kind == "chat":
                    choice["message"] = {"role": "assistant", "content": ""}
                else:
                    choice["text"] = ""
            for choice, holder, name, _ in slots:
                if id(choice) not in blocked_choices:
                    released += len(holder.get(name) or "")
            trail.released_chars = released
            if blocked_choices:
                trail.outcome = Outcome.BLOCKED_OUTPUT
            body["hegui"] = {
                "input_action": trail.input_action,
                "output_action": action,
                "rule_ids": trail.rule_ids,
            }
        for choice in choices:
            if not isinstance(choice, dict) or choice.get("finish_reason") == "content_filter":
                continue
            if kind == "chat" and isinstance(choice.get("message"), dict):
                message = choice["message"]
                if isinstance(message.get("content"), str):
                    message["content"] = self.labeler.label_text(message["content"])
            elif isinstance(choice.get("text"), str):
                choice["text"] = self.labeler.label_text(choice["text"])
        implicit = self.labeler.implicit(trail.id)
        if implicit is not None:
            body["AIGC"] = implicit
            trail.label_id = trail.id
        body["id"] = trail.id
        return body

    async def stream(
        self,
        up: Any,
        path: str,
        body: bytes,
        kind: Literal["chat", "completion"],
        model: str,
        snap: Snapshot,
        trail: Trail,
    ) -> Response:
        """Open the upstream stream (errors are still HTTP errors), then screen it through."""
        stack = AsyncExitStack()
        started = time.perf_counter()
        try:
            resp = await stack.enter_async_context(self.upstreams.open(up, path, body))
        except BaseException:
            await stack.aclose()
            raise
        trail.upstream_ms = (time.perf_counter() - started) * 1000
        pipeline = StreamPipeline(
            snap,
            self.labeler,
            kind,
            trail.id,
            model,
            int(time.time()),
            trail,
            screen_output=self.settings.screening.output.enabled,
        )
        headers = {"X-Request-Id": trail.id}
        header = self.labeler.header(trail.id)
        if header is not None:
            headers["AIGC"] = header
            trail.label_id = trail.id
        return EventStream(self._pump(resp, stack, pipeline, snap, trail, up), headers)

    async def _pump(
        self,
        resp: Any,
        stack: AsyncExitStack,
        pipeline: StreamPipeline,
        snap: Snapshot,
        trail: Trail,
        up: Any,
    ) -> AsyncGenerator[bytes, None]:
        ended = False
        cap = self.settings.limits.max_response_bytes
        try:
            try:
                reader = SseReader()
                size = 0
                done = False
                async with asyncio.timeout(up.timeout.total.total_seconds()):
                    async for chunk in chunks(resp):
                        size += len(chunk)
                        if size > cap:
                            raise BadStreamError(f"the upstream's stream passed {cap:,} bytes")
                        for event in reader.feed(chunk):
                            if event is DONE:
                                done = True
                                break
                            assert isinstance(event, dict)
                            for out in pipeline.on_event(event):
                                yield out
                        if done or pipeline.stopped:
                            break
                    else:
                        for event in reader.close():
                            if event is DONE:
                                done = True
                            elif isinstance(event, dict):
                                for out in pipeline.on_event(event):
                                    yield out
                        if not done:
                            raise BadStreamError("the upstream's stream ended without [DONE]")
            except TimeoutError:
                raise BadStreamError("the upstream's stream passed its time limit") from None
            await stack.aclose()  # stop generation as soon as the answer is decided
            for out in pipeline.finish():
                yield out
            if pipeline.action.rank >= Action.REFUSE.rank:
                trail.outcome = Outcome.BLOCKED_OUTPUT
            self.metrics.action("output", pipeline.action)
            failed = await self.commit(trail, snap)
            ended = True
            if failed is not None:
                yield sse(
                    {
                        "error": {
                            "message": failed.message,
                            "type": "service_unavailable",
                            "param": None,
                            "code": failed.code,
                        }
                    }
                )
                return
            yield b"data: [DONE]\n\n"
        except BadStreamError as fault:
            pipeline.abandon()
            trail.status = 502
            trail.outcome = Outcome.STREAM_ERROR
            trail.error = f"upstream {trail.upstream!r}: {fault}"
            await stack.aclose()
            await self.commit(trail, snap)
            ended = True
            yield sse(
                {
                    "error": {
                        "message": trail.error,
                        "type": "upstream_error",
                        "param": None,
                        "code": "upstream_stream_error",
                    }
                }
            )
        finally:
            if not ended:
                pipeline.abandon()
                trail.client_closed = True
                trail.outcome = Outcome.CLIENT_CLOSED
                self.commit_nowait(trail, snap)
                with contextlib.suppress(BaseException):
                    await asyncio.shield(stack.aclose())

    # --- images, models, complaints ---------------------------------------------------------

    async def images(self, request: Request) -> Response:
        """``POST /v1/images/generations``: screen the prompt, label every image."""
        import base64
        import binascii

        from hegui.gateway._protocol import ImageRequest

        trail = Trail("/v1/images/generations")
        snap = self.screening.current
        trail.versions(snap)
        try:
            caller = await self.caller(request, trail)
            req, data = parse_body(await self.body(request), ImageRequest)
            trail.model = req.model
            up = self.upstreams.route(req.model)
            trail.upstream = up.name
            user = self.users.identify(request.headers, req.user)
            trail.user_id = user
            self.users.check(caller.tenant, user, trail.created_at)
            refused = await self.screen_input(data, "image", snap, trail)
            if refused is not None:
                text = await self.refusal(refused, caller, user, trail)
                exc = GatewayError(
                    400, text, "content_policy_violation", outcome=Outcome.REFUSED_INPUT
                )
                trail.status = 400
                return await self.finish(trail, snap, error_response(exc, trail.id))
            # hegui must label each image before it leaves, so it asks for the bytes.
            data["response_format"] = "b64_json"
            reply = await self.upstreams.post_json(up, "images/generations", orjson.dumps(data))
            trail.upstream_ms = reply.elapsed_ms
            items = reply.body.get("data")
            if not isinstance(items, list) or not items:
                raise GatewayError(
                    502,
                    f"upstream {up.name!r} answered without images",
                    "upstream_malformed",
                    upstream=up.name,
                )
            revised = [i.get("revised_prompt") for i in items if isinstance(i, dict)]
            texts = [t for t in revised if isinstance(t, str)]
            trail.output = "\n".join(texts) if texts else None
            if texts and self.settings.screening.output.enabled:
                verdicts = await self.screen(snap, texts, Direction.OUTPUT)
                if (
                    verdicts
                    and trail.screened("output", texts, verdicts).rank >= Action.REFUSE.rank
                ):
                    for item in items:
                        if isinstance(item, dict):
                            item.pop("revised_prompt", None)
            labeled: list[dict[str, Any]] = []
            for n, item in enumerate(items):
                b64 = item.get("b64_json") if isinstance(item, dict) else None
                if not isinstance(b64, str):
                    raise GatewayError(
                        502,
                        f"upstream {up.name!r} returned an image without b64_json data; hegui "
                        "labels images before they leave, so it does not pass on URLs",
                        "upstream_malformed",
                        upstream=up.name,
                    )
                try:
                    image = base64.b64decode(b64, validate=True)
                except (binascii.Error, ValueError):
                    raise GatewayError(
                        502,
                        f"upstream {up.name!r} sent undecodable image data",
                        "upstream_malformed",
                        upstream=up.name,
                    ) from None
                produce_id = f"{trail.id}-{n}"
                image = await self._label_image(image, produce_id)
                out = {k: v for k, v in item.items() if k not in ("b64_json", "url")}
                if req.response_format == "b64_json":
                    out["b64_json"] = base64.b64encode(image).decode("ascii")
                else:
                    out["url"] = self.labeler.data_url(image)
                labeled.append(out)
            trail.label_id = f"{trail.id}-0"
            body = {**reply.body, "data": labeled}
            return await self.finish(trail, snap, json_response(body))
        except GatewayError as exc:
            return await self.failed(trail, snap, exc)

    async def _label_image(self, image: bytes, produce_id: str) -> bytes:
        try:
            return await anyio.to_thread.run_sync(self.labeler.label_image, image, produce_id)
        except HeguiError as exc:
            if self.settings.fail.labeling is FailMode.OPEN:
                _log.error("image labeling failed; passed on unlabeled (fail: labeling: open)")
                return image
            raise GatewayError(
                502,
                "the generated image could not be labeled as GB 45438 requires, so it is "
                f"withheld (fail-closed): {str(exc).splitlines()[0][:200]}",
                "labeling_failed",
            ) from None

    async def models(self, request: Request) -> Response:
        """``GET /v1/models``."""
        trail = Trail("/v1/models")
        try:
            await self.caller(request, trail)
        except GatewayError as exc:
            return await self.failed(trail, None, exc)
        data = [
            {"id": model, "object": "model", "created": 0, "owned_by": upstream}
            for model, upstream in self.upstreams.models()
        ]
        return await self.finish(trail, None, json_response({"object": "list", "data": data}))

    async def complaint(self, request: Request) -> Response:
        """``POST /v1/complaints`` (GAI Art. 15)."""
        from hegui.gateway._protocol import ComplaintRequest
        from hegui.store import NewComplaint, file_complaint

        trail = Trail("/v1/complaints")
        settings = self.settings.complaints
        try:
            caller = await self.caller(request, trail)
            if settings is None:
                raise GatewayError(
                    404, "this service has no complaint channel configured", "not_found"
                )
            req, _ = parse_body(await self.body(request), ComplaintRequest)
            if req.category not in settings.categories:
                raise GatewayError(
                    400,
                    f"category {req.category[:40]!r} is not one of "
                    f"{', '.join(settings.categories)}",
                    "invalid_category",
                    param="category",
                )
            trail.user_id = self.users.identify(request.headers, req.user)
            trail.inputs = [req.text]
            new = NewComplaint(
                text=req.text,
                category=req.category,
                contact=req.contact,
                audit_id=req.request_id,
                user_id=trail.user_id,
                tenant=caller.tenant,
                key_id=caller.key_id,
            )
            try:
                filed = await anyio.to_thread.run_sync(
                    lambda: file_complaint(
                        self.writer.engine,
                        new,
                        time_limit=settings.time_limit,
                        now=dt.datetime.now(dt.UTC),
                    )
                )
            except StoreError as exc:
                raise GatewayError(
                    503, f"the complaint could not be recorded: {exc}", "store_unavailable"
                ) from None
            trail.status = 201
            body = {
                "id": filed.id,
                "object": "complaint",
                "status": filed.status.value,
                "created_at": filed.created_at.isoformat(),
                "due_at": filed.due_at.isoformat(),
                "message": "已收到您的投诉/举报，我们将在 "
                f"{filed.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}（北京时间）前处理并反馈。",
            }
            return await self.finish(trail, None, json_response(body, 201))
        except GatewayError as exc:
            return await self.failed(trail, None, exc)

    async def complaint_status(self, request: Request, complaint_id: str) -> Response:
        """``GET /v1/complaints/{id}``: status and feedback, for the tenant that filed it."""
        from hegui.store import get_complaint

        trail = Trail("/v1/complaints/{id}")
        try:
            caller = await self.caller(request, trail)
            try:
                found = await anyio.to_thread.run_sync(
                    get_complaint, self.writer.engine, complaint_id[:40]
                )
            except InputError:
                found = None
            if found is None or (caller.key_id is not None and found.tenant != caller.tenant):
                raise GatewayError(404, "no such complaint", "not_found")
            body = {
                "id": found.id,
                "object": "complaint",
                "status": found.status.value,
                "created_at": found.created_at.isoformat(),
                "due_at": found.due_at.isoformat(),
                "resolved_at": found.resolved_at.isoformat() if found.resolved_at else None,
                "resolution": found.resolution,
            }
            return await self.finish(trail, None, json_response(body))
        except GatewayError as exc:
            return await self.failed(trail, None, exc)

"""``/v1/chat/completions`` and ``/v1/completions``: screen in, upstream, screen out, label.

A refused input never reaches the upstream: the client gets an OpenAI-shaped refusal (the
policy's message, finish_reason ``content_filter``), the user a strike. A whole answer is
screened choice by choice and field by field (content, reasoning, tool-call arguments); a
blocked choice is emptied, a masked one goes out masked. Streams go to ``_streaming``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from typing import Any, Literal

import orjson
from starlette.requests import Request
from starlette.responses import Response

from hegui.gateway._errors import GatewayError, Outcome
from hegui.gateway._protocol import ChatRequest, CompletionRequest, parse_body
from hegui.gateway._response import EventStream, error_response, json_response
from hegui.gateway._screening import Action, Direction, Snapshot
from hegui.gateway._service import Service
from hegui.gateway._settings import RefusalStyle
from hegui.gateway._stream import sse
from hegui.gateway._streaming import stream
from hegui.gateway._trail import Trail

__all__ = ["completion", "refusal_response", "screen_answer"]


def refusal_response(
    svc: Service,
    kind: Literal["chat", "completion"],
    model: str,
    text: str,
    trail: Trail,
    stream: bool,
) -> Response:
    """An OpenAI-shaped refusal: the message with finish_reason ``content_filter``.

    A 400 error instead when the settings say so.
    """
    if svc.settings.screening.input.refusal is RefusalStyle.ERROR:
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


async def completion(
    svc: Service, request: Request, kind: Literal["chat", "completion"]
) -> Response:
    """``POST /v1/chat/completions`` and ``POST /v1/completions``."""
    route = "/v1/chat/completions" if kind == "chat" else "/v1/completions"
    trail = Trail(route)
    snap = svc.screening.current
    trail.versions(snap)
    try:
        caller = await svc.caller(request, trail)
        raw = await svc.body(request)
        req: ChatRequest | CompletionRequest
        if kind == "chat":
            req, data = parse_body(raw, ChatRequest)
        else:
            req, data = parse_body(raw, CompletionRequest)
        trail.model, trail.stream = req.model, req.stream
        up = svc.upstreams.route(req.model)
        trail.upstream = up.name
        user = svc.users.identify(request.headers, req.user)
        trail.user_id = user
        svc.users.check(caller.tenant, user, trail.created_at)
        refused = await svc.screen_input(data, kind, snap, trail)
        if refused is not None:
            text = await svc.refusal(refused, caller, user, trail)
            response = refusal_response(svc, kind, req.model, text, trail, req.stream)
            return await svc.finish(trail, snap, response)
        path = "chat/completions" if kind == "chat" else "completions"
        body = orjson.dumps(data)
        if req.stream:
            return await stream(svc, up, path, body, kind, req.model, snap, trail)
        reply = await svc.upstreams.post_json(up, path, body)
        trail.upstream_ms = reply.elapsed_ms
        out = await screen_answer(svc, reply.body, kind, snap, trail)
        headers = {}
        header = svc.labeler.header(trail.id)
        if header is not None and trail.output_action is not Action.BLOCK:
            headers["AIGC"] = header
        return await svc.finish(trail, snap, json_response(out, headers=headers))
    except GatewayError as exc:
        return await svc.failed(trail, snap, exc)


async def screen_answer(
    svc: Service, body: dict[str, Any], kind: str, snap: Snapshot, trail: Trail
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
    if svc.settings.screening.output.enabled and texts:
        verdicts = await svc.screen(snap, texts, Direction.OUTPUT)
        action = trail.screened("output", texts, verdicts) if verdicts else Action.ALLOW
        svc.metrics.action("output", action)
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
                message["content"] = svc.labeler.label_text(message["content"])
        elif isinstance(choice.get("text"), str):
            choice["text"] = svc.labeler.label_text(choice["text"])
    implicit = svc.labeler.implicit(trail.id)
    if implicit is not None:
        body["AIGC"] = implicit
        trail.label_id = trail.id
    body["id"] = trail.id
    return body

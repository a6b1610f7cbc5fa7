"""Streamed answers: open the upstream stream, screen it through, end it cleanly.

Opening happens before the response starts, so an unreachable or failing upstream is still an
HTTP error (502/504). Then the stream pipeline releases only screened text; a block ends the
choice with ``content_filter`` and closes the upstream (stop generation, GAI Art. 14); a broken
upstream stream (bad UTF-8, malformed SSE, a read timeout) ends with an error event and nothing
the screener held is released; ``[DONE]`` goes out only after the audit record is committed; a
client that leaves is recorded as client-closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator
from contextlib import AsyncExitStack
from typing import Any, Literal

from starlette.responses import Response

from hegui.gateway._errors import Outcome
from hegui.gateway._response import EventStream
from hegui.gateway._screening import Action, Snapshot
from hegui.gateway._service import Service
from hegui.gateway._sse import DONE, BadStreamError, SseReader
from hegui.gateway._stream import StreamPipeline, sse
from hegui.gateway._trail import Trail
from hegui.gateway._upstream import chunks

__all__ = ["stream"]


async def stream(
    svc: Service,
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
        resp = await stack.enter_async_context(svc.upstreams.open(up, path, body))
    except BaseException:
        await stack.aclose()
        raise
    trail.upstream_ms = (time.perf_counter() - started) * 1000
    pipeline = StreamPipeline(
        snap,
        svc.labeler,
        kind,
        trail.id,
        model,
        int(time.time()),
        trail,
        screen_output=svc.settings.screening.output.enabled,
    )
    headers = {"X-Request-Id": trail.id}
    header = svc.labeler.header(trail.id)
    if header is not None:
        headers["AIGC"] = header
        trail.label_id = trail.id
    return EventStream(_pump(svc, resp, stack, pipeline, snap, trail, up), headers)


async def _pump(
    svc: Service,
    resp: Any,
    stack: AsyncExitStack,
    pipeline: StreamPipeline,
    snap: Snapshot,
    trail: Trail,
    up: Any,
) -> AsyncGenerator[bytes, None]:
    ended = False
    cap = svc.settings.limits.max_response_bytes
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
        svc.metrics.action("output", pipeline.action)
        failed = await svc.commit(trail, snap)
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
        await svc.commit(trail, snap)
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
            svc.commit_nowait(trail, snap)
            with contextlib.suppress(BaseException):
                await asyncio.shield(stack.aclose())

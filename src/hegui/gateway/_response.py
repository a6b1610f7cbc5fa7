"""Responses: OpenAI-shaped JSON, and a stream that notices a client leaving at once.

Starlette's ``StreamingResponse`` learns of a disconnect only at its next write, and leaves the
body generator suspended; the gateway must instead stop reading the upstream (stop generation,
GAI Art. 14) and record the request as client-closed as soon as the client is gone. This
response runs the body in a task, cancels it on ``http.disconnect``, and always closes the
generator, whose ``finally`` does the recording.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import orjson
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from hegui.gateway._errors import GatewayError, error_type
from hegui.gateway._protocol import error_body

__all__ = ["EventStream", "error_response", "json_response"]


def json_response(
    body: dict[str, Any], status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """``body`` as JSON (UTF-8, not ASCII-escaped)."""
    return Response(orjson.dumps(body), status, dict(headers or {}), "application/json")


def error_response(exc: GatewayError, request_id: str | None = None) -> Response:
    """OpenAI's error shape for ``exc``."""
    headers = dict(exc.headers)
    if request_id:
        headers["X-Request-Id"] = request_id
    body = error_body(exc.message, error_type(exc.status), exc.code, exc.param)
    return json_response(body, exc.status, headers)


class EventStream(Response):
    """A ``text/event-stream`` response from an async generator of byte chunks."""

    media_type = "text/event-stream"

    def __init__(
        self, body: AsyncGenerator[bytes, None], headers: Mapping[str, str] | None = None
    ) -> None:
        self.body_iterator = body
        self.status_code = 200
        self.background = None
        self.init_headers(
            {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **(headers or {})}
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the events; on ``http.disconnect`` cancel the body and close it."""
        body = self.body_iterator

        async def pump() -> None:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async for chunk in body:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})

        async def watch() -> None:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return

        pumping = asyncio.ensure_future(pump())
        watching = asyncio.ensure_future(watch())
        try:
            await asyncio.wait({pumping, watching}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (pumping, watching):
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await pumping
            with contextlib.suppress(asyncio.CancelledError):
                await watching
            # The generator's own ``finally`` records the request as client-closed when it
            # did not finish.
            with contextlib.suppress(Exception):
                await body.aclose()

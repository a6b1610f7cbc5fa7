"""Calling the upstreams: routing by model, timeouts, retries, byte caps, scrubbed errors.

One ``httpx.AsyncClient`` per upstream, with ``trust_env=False`` (no proxy or CA settings picked
up from the environment) and redirects off. A request is retried after a connection failure or a
429/502/503/504 answer, never after the upstream has started answering (the model may have
generated already). The total deadline covers connecting, waiting and reading. Error bodies are
never passed on or stored as they are: an upstream that echoes the request's headers would leak
its key, so only the ``error.message`` of a 4xx answer is kept, with the key and any bearer token
removed, cut to 300 characters.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from hegui.gateway._errors import GatewayError, Outcome
from hegui.gateway._settings import GatewaySettings, UpstreamSettings

__all__ = ["UpstreamReply", "Upstreams"]

_RETRY_STATUS = frozenset({429, 502, 503, 504})
_BEARER = re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+")


@dataclass(frozen=True, slots=True)
class UpstreamReply:
    """A whole (non-streamed) upstream answer."""

    body: dict[str, Any]
    elapsed_ms: float


class Upstreams:
    """The configured upstreams and their clients.

    Args:
        settings: The gateway's settings.
        environ: Where ``api_key_env`` variables are read (the process environment by default).
    """

    def __init__(self, settings: GatewaySettings, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.settings = settings
        self.max_bytes = settings.limits.max_response_bytes
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._keys: dict[str, str] = {}
        for up in settings.upstreams:
            headers = {"content-type": "application/json"}
            if up.api_key_env:
                key = env.get(up.api_key_env, "")
                if key:
                    headers["authorization"] = f"Bearer {key}"
                    self._keys[up.name] = key
            t = up.timeout
            self._clients[up.name] = httpx.AsyncClient(
                base_url=up.base_url.rstrip("/") + "/",
                headers=headers,
                timeout=httpx.Timeout(
                    connect=t.connect.total_seconds(),
                    read=t.read.total_seconds(),
                    write=t.read.total_seconds(),
                    pool=t.connect.total_seconds(),
                ),
                limits=httpx.Limits(
                    max_connections=up.max_connections,
                    max_keepalive_connections=up.max_connections,
                ),
                trust_env=False,
                follow_redirects=False,
            )

    def missing_keys(self) -> list[str]:
        """``api_key_env`` variables that are set in the settings but empty or unset."""
        return [
            f"{up.name}: {up.api_key_env}"
            for up in self.settings.upstreams
            if up.api_key_env and up.name not in self._keys
        ]

    def route(self, model: str) -> UpstreamSettings:
        """The upstream serving ``model``.

        Raises:
            GatewayError: 404 naming the models that are served.
        """
        up = self.settings.upstream_for(model)
        if up is None:
            served = sorted(m for u in self.settings.upstreams for m in u.models)
            raise GatewayError(
                404,
                f"the model {model[:100]!r} does not exist or is not served here; "
                f"models: {', '.join(served)}",
                "model_not_found",
                param="model",
            )
        return up

    def models(self) -> list[tuple[str, str]]:
        """``(model, upstream name)`` for every served model."""
        return [(m, up.name) for up in self.settings.upstreams for m in up.models]

    async def aclose(self) -> None:
        """Close every client."""
        for client in self._clients.values():
            await client.aclose()

    def _scrub(self, up: UpstreamSettings, text: str) -> str:
        key = self._keys.get(up.name)
        if key:
            text = text.replace(key, "***")
        return _BEARER.sub("Bearer ***", text)[:300]

    async def _error_for(self, up: UpstreamSettings, resp: httpx.Response) -> GatewayError:
        """The client-facing error for a non-200 upstream answer (body read, capped)."""
        status = resp.status_code
        body = b""
        async for chunk in resp.aiter_bytes():
            body += chunk
            if len(body) > 65536:
                break
        if 400 <= status < 500 and status != 429:
            message = ""
            try:
                data = orjson.loads(body)
                message = str(data.get("error", {}).get("message", ""))
            except (orjson.JSONDecodeError, AttributeError):
                pass
            detail = f": {self._scrub(up, message)}" if message else ""
            return GatewayError(
                status,
                f"upstream {up.name!r} refused the request (HTTP {status}){detail}",
                "upstream_rejected",
                outcome=Outcome.BAD_REQUEST if status < 500 else Outcome.UPSTREAM_ERROR,
                upstream=up.name,
            )
        headers = {}
        if status == 429 and "retry-after" in resp.headers:
            headers["Retry-After"] = resp.headers["retry-after"][:20]
        return GatewayError(
            429 if status == 429 else 502,
            f"upstream {up.name!r} answered HTTP {status}",
            "upstream_busy" if status == 429 else "upstream_error",
            outcome=Outcome.UPSTREAM_ERROR,
            headers=headers,
            upstream=up.name,
        )

    @asynccontextmanager
    async def open(
        self, up: UpstreamSettings, path: str, body: bytes
    ) -> AsyncIterator[httpx.Response]:
        """POST ``body`` to ``path`` and yield the 200 response, its body not yet read.

        Retries connection failures and 429/5xx answers; maps the rest to ``GatewayError``
        (502 unreachable or failing, 504 timed out, 4xx passed on scrubbed).
        """
        client = self._clients[up.name]
        deadline = time.monotonic() + up.timeout.total.total_seconds()
        attempt = 0
        while True:
            try:
                request = client.build_request("POST", path, content=body)
                resp = await client.send(request, stream=True)
            except httpx.ConnectTimeout:
                if attempt < up.retries:
                    attempt += 1
                    await _backoff(up, attempt, deadline)
                    continue
                raise GatewayError(
                    504,
                    f"upstream {up.name!r} did not accept a connection in time",
                    "upstream_timeout",
                    upstream=up.name,
                ) from None
            except httpx.TimeoutException:
                raise GatewayError(
                    504,
                    f"upstream {up.name!r} did not answer in time",
                    "upstream_timeout",
                    upstream=up.name,
                ) from None
            except httpx.TransportError as exc:
                if attempt < up.retries:
                    attempt += 1
                    await _backoff(up, attempt, deadline)
                    continue
                raise GatewayError(
                    502,
                    f"upstream {up.name!r} is unreachable ({type(exc).__name__})",
                    "upstream_unreachable",
                    upstream=up.name,
                ) from None
            if resp.status_code == 200:
                break
            try:
                error = await self._error_for(up, resp)
            finally:
                await resp.aclose()
            if resp.status_code in _RETRY_STATUS and attempt < up.retries:
                attempt += 1
                await _backoff(up, attempt, deadline)
                continue
            raise error
        try:
            yield resp
        finally:
            await resp.aclose()

    async def post_json(self, up: UpstreamSettings, path: str, body: bytes) -> UpstreamReply:
        """POST and read a whole JSON answer (capped at ``max_response_bytes``)."""
        started = time.perf_counter()
        try:
            async with asyncio.timeout(up.timeout.total.total_seconds()):
                async with self.open(up, path, body) as resp:
                    data = await self._read_capped(up, resp)
        except TimeoutError:
            raise GatewayError(
                504,
                f"upstream {up.name!r} did not answer in time",
                "upstream_timeout",
                upstream=up.name,
            ) from None
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError:
            obj = None
        if not isinstance(obj, dict):
            raise GatewayError(
                502,
                f"upstream {up.name!r} answered with something other than a JSON object",
                "upstream_malformed",
                upstream=up.name,
            )
        return UpstreamReply(obj, (time.perf_counter() - started) * 1000)

    async def _read_capped(self, up: UpstreamSettings, resp: httpx.Response) -> bytes:
        parts: list[bytes] = []
        size = 0
        try:
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise GatewayError(
                        502,
                        f"upstream {up.name!r} answered more than {self.max_bytes:,} bytes",
                        "upstream_too_large",
                        upstream=up.name,
                    )
                parts.append(chunk)
        except httpx.TimeoutException:
            raise GatewayError(
                504,
                f"upstream {up.name!r} stopped answering",
                "upstream_timeout",
                upstream=up.name,
            ) from None
        except httpx.TransportError as exc:
            raise GatewayError(
                502,
                f"upstream {up.name!r} broke off its answer ({type(exc).__name__})",
                "upstream_error",
                upstream=up.name,
            ) from None
        return b"".join(parts)


async def _backoff(up: UpstreamSettings, attempt: int, deadline: float) -> None:
    delay = min(0.05 * 2**attempt, 2.0)
    if time.monotonic() + delay >= deadline:
        raise GatewayError(
            504,
            f"upstream {up.name!r}: the time limit ran out while retrying",
            "upstream_timeout",
            upstream=up.name,
        )
    await asyncio.sleep(delay)

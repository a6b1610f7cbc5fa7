"""Calling the upstreams: routing by model, timeouts, retries, byte caps, scrubbed errors.

One aiohttp session per upstream (aiohttp rather than httpx: at 32 concurrent requests httpx's
connection pool cost the gateway several milliseconds of CPU per request), with proxies and CA
settings from the environment ignored and redirects off. A request is retried after a
connection failure or a 429/502/503/504 answer, never after the upstream started answering (the
model may have generated already). The total deadline covers connecting, waiting and reading.
Error bodies are never passed on or stored as they are: an upstream that echoes the request's
headers would leak its key, so only the ``error.message`` of a 4xx answer is kept, with the key
and any bearer token removed, cut to 300 characters.
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

import aiohttp
import orjson

from hegui.gateway._errors import GatewayError, Outcome
from hegui.gateway._settings import GatewaySettings, UpstreamSettings
from hegui.gateway._sse import BadStreamError

__all__ = ["UpstreamReply", "Upstreams", "chunks"]

_RETRY_STATUS = frozenset({429, 502, 503, 504})
_BEARER = re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+")


@dataclass(frozen=True, slots=True)
class UpstreamReply:
    """A whole (non-streamed) upstream answer."""

    body: dict[str, Any]
    elapsed_ms: float


async def chunks(resp: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
    """The body of a streamed answer as it arrives.

    Raises:
        BadStreamError: the upstream stopped sending (read timeout) or broke the connection.
    """
    try:
        async for chunk in resp.content.iter_any():
            yield chunk
    except (TimeoutError, aiohttp.ServerTimeoutError):
        raise BadStreamError("the upstream stopped sending (read timeout)") from None
    except aiohttp.ClientError as exc:
        raise BadStreamError(f"the upstream's stream broke off ({type(exc).__name__})") from None


class Upstreams:
    """The configured upstreams and their sessions (create inside the running event loop).

    Args:
        settings: The gateway's settings.
        environ: Where ``api_key_env`` variables are read (the process environment by default).
    """

    def __init__(self, settings: GatewaySettings, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.settings = settings
        self.max_bytes = settings.limits.max_response_bytes
        self._sessions: dict[str, aiohttp.ClientSession] = {}
        self._keys: dict[str, str] = {}
        for up in settings.upstreams:
            headers = {"content-type": "application/json"}
            if up.api_key_env:
                key = env.get(up.api_key_env, "")
                if key:
                    headers["authorization"] = f"Bearer {key}"
                    self._keys[up.name] = key
            t = up.timeout
            self._sessions[up.name] = aiohttp.ClientSession(
                base_url=up.base_url.rstrip("/") + "/",
                headers=headers,
                connector=aiohttp.TCPConnector(limit=up.max_connections, ttl_dns_cache=60),
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=t.connect.total_seconds(),
                    sock_read=t.read.total_seconds(),
                ),
                trust_env=False,
                skip_auto_headers=("User-Agent",),
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
        """Close every session."""
        for session in self._sessions.values():
            await session.close()

    def _scrub(self, up: UpstreamSettings, text: str) -> str:
        key = self._keys.get(up.name)
        if key:
            text = text.replace(key, "***")
        return _BEARER.sub("Bearer ***", text)[:300]

    async def _error_for(self, up: UpstreamSettings, resp: aiohttp.ClientResponse) -> GatewayError:
        """The client-facing error for a non-200 upstream answer (body read, capped)."""
        status = resp.status
        try:
            body = await resp.content.read(65536)
        except (aiohttp.ClientError, TimeoutError):
            body = b""
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
                outcome=Outcome.BAD_REQUEST,
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
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """POST ``body`` to ``path`` and yield the 200 response, its body not yet read.

        Retries connection failures and 429/5xx answers; maps the rest to ``GatewayError``
        (502 unreachable or failing, 504 timed out, 4xx passed on scrubbed). On leaving, a body
        not read to its end closes the connection, which tells the upstream to stop generating.
        """
        session = self._sessions[up.name]
        deadline = time.monotonic() + up.timeout.total.total_seconds()
        attempt = 0
        while True:
            try:
                resp = await session.post(path, data=body, allow_redirects=False)
            except aiohttp.ConnectionTimeoutError:
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
            except (TimeoutError, aiohttp.ServerTimeoutError):
                raise GatewayError(
                    504,
                    f"upstream {up.name!r} did not answer in time",
                    "upstream_timeout",
                    upstream=up.name,
                ) from None
            except aiohttp.ClientError as exc:
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
            if resp.status == 200:
                break
            try:
                error = await self._error_for(up, resp)
            finally:
                resp.release()
            if resp.status in _RETRY_STATUS and attempt < up.retries:
                attempt += 1
                await _backoff(up, attempt, deadline)
                continue
            raise error
        try:
            yield resp
        finally:
            if resp.content.at_eof():
                resp.release()
            else:
                resp.close()

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

    async def _read_capped(self, up: UpstreamSettings, resp: aiohttp.ClientResponse) -> bytes:
        length = resp.content_length
        if length is not None and length > self.max_bytes:
            raise GatewayError(
                502,
                f"upstream {up.name!r} answered more than {self.max_bytes:,} bytes",
                "upstream_too_large",
                upstream=up.name,
            )
        parts: list[bytes] = []
        size = 0
        try:
            async for chunk in chunks(resp):
                size += len(chunk)
                if size > self.max_bytes:
                    raise GatewayError(
                        502,
                        f"upstream {up.name!r} answered more than {self.max_bytes:,} bytes",
                        "upstream_too_large",
                        upstream=up.name,
                    )
                parts.append(chunk)
        except BadStreamError as exc:
            timeout = "timeout" in str(exc)
            raise GatewayError(
                504 if timeout else 502,
                f"upstream {up.name!r}: {exc}",
                "upstream_timeout" if timeout else "upstream_error",
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

"""``hegui/openai``: an OpenAI-compatible ``/chat/completions`` endpoint as the model under test.

The endpoint is untrusted (security review S7-S9, S21), so:

* the base URL may not carry a user name, password, query or fragment (they would be stored in
  run files, reports and Evidence, and httpx would send them as Basic auth instead of the key);
* every response is streamed and read under caps: total bytes (8 MiB), one SSE line (1 MiB), an
  error body (64 KiB), and a deadline for the whole request (httpx timeouts are per read, so a
  slow drip would never time out);
* text kept from the endpoint (error bodies, stream errors, answers) has the API key, the extra
  header values and ``Bearer …``/``Basic …`` tokens removed before it is stored;
* environment proxies and CA overrides are ignored (``trust_env=False``) unless asked for.

A response the provider's content filter produced (``_filters``) is returned as a ``Reply``
with ``filtered`` set: a refusal, not an error.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import socket
import ssl
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import JsonValue

from hegui.components import ComponentSpec
from hegui.errors import ConfigError
from hegui.evals._filters import FilterTable, ProviderRefusal, default_filter_table, load_filters
from hegui.evals._registry import TARGETS
from hegui.evals._target import ErrorKind, Reply, TargetError, read_api_key

if TYPE_CHECKING:
    import httpx

__all__ = ["Endpoint", "OpenAITarget", "Redactor", "check_base_url", "openai_target", "public_spec"]

MAX_RESPONSE_BYTES = 8 << 20
MAX_LINE_BYTES = 1 << 20
ERROR_BODY_BYTES = 64 << 10
KEPT_ERROR_CHARS = 300
_AUTH = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


def check_base_url(url: str) -> str:
    """``url`` if it is a plain ``http(s)://host[:port]/path``; else a ``ConfigError`` (exit 2).

    Raises:
        ConfigError: another scheme, no host, a bad port, a user name or password, a query
            string or a fragment (each would leak into stored files or be sent as Basic auth).
    """
    parts = urlsplit(url.strip())
    shown = (
        f"{parts.scheme}://{parts.hostname or ''}{parts.path}" if parts.scheme else "(no scheme)"
    )
    if parts.scheme not in ("http", "https"):
        raise ConfigError(
            f"--base-url {shown!r} is not an http:// or https:// URL",
            field="--base-url",
            fix="give the endpoint root, e.g. http://host:8000/v1",
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigError(
            f"--base-url {shown!r} holds a user name or password; hegui would store it in run "
            "files, reports and Evidence",
            field="--base-url",
            fix="remove it from the URL and pass the key with --api-key-env or --api-key-file",
        )
    if parts.query or parts.fragment:
        raise ConfigError(
            f"--base-url {shown!r} has a query string or fragment; keys in URLs end up in stored "
            "files",
            field="--base-url",
            fix="remove ?… and #…; pass keys with --api-key-env and other values with --header",
        )
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname or port == -1:
        raise ConfigError(
            f"--base-url {shown!r} has no valid host or port",
            field="--base-url",
            fix="e.g. http://127.0.0.1:8000/v1",
        )
    return url.strip()


class Redactor:
    """Removes secrets from text an endpoint sent before hegui stores or shows it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret containing another is removed whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str, *, tokens: bool = True) -> str:
        """``text`` with each secret, and (with ``tokens``) ``Bearer``/``Basic`` values, hidden."""
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return _AUTH.sub(r"\1 [redacted]", text) if tokens else text


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An OpenAI-compatible chat endpoint and the limits hegui reads it under."""

    base_url: str
    """``http://host:8000/v1``; a trailing ``/chat/completions`` is accepted too."""
    model: str
    api_key: str | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    temperature: float | None = None
    max_tokens: int | None = None
    system_prompt: str | None = None
    stream: bool = False
    timeout: float = 60.0
    """Seconds for each network step (connect, each read, write)."""
    deadline: float = 300.0
    """Seconds for the whole request, however slowly the body drips."""
    max_response_bytes: int = MAX_RESPONSE_BYTES
    max_line_bytes: int = MAX_LINE_BYTES
    trust_env: bool = False
    """Use proxies and CA settings from the environment (off: the review's S21)."""
    filters: FilterTable | None = field(default=None, repr=False)
    """Provider content-filter shapes; None: the shipped table."""

    def __post_init__(self) -> None:
        check_base_url(self.base_url)

    @property
    def url(self) -> str:
        """The chat-completions URL."""
        base = self.base_url.strip().rstrip("/")
        return base if base.endswith("/chat/completions") else base + "/chat/completions"


class OpenAITarget:
    """Ask an OpenAI-compatible ``/chat/completions`` endpoint."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        max_connections: int = 64,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        import httpx

        self.endpoint = endpoint
        self.filters = endpoint.filters if endpoint.filters is not None else default_filter_table()
        self._redact = Redactor([*(endpoint.api_key or "",), *endpoint.headers.values()])
        headers = {"Content-Type": "application/json", **endpoint.headers}
        if endpoint.api_key:
            headers["Authorization"] = f"Bearer {endpoint.api_key}"
        self._client = httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(endpoint.timeout),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport,
            trust_env=endpoint.trust_env,
            follow_redirects=False,
        )

    def describe(self) -> dict[str, JsonValue]:
        """Endpoint parameters (header names only; no key)."""
        e = self.endpoint
        table = self.filters.model_dump_json().encode()
        return {
            "type": "openai",
            "url": e.url,
            "model": e.model,
            "temperature": e.temperature,
            "max_tokens": e.max_tokens,
            "stream": e.stream,
            "system_prompt": e.system_prompt,
            "headers": list[JsonValue](sorted(e.headers)),
            "authenticated": e.api_key is not None,
            "limits": {
                "timeout": e.timeout,
                "deadline": e.deadline,
                "max_response_bytes": e.max_response_bytes,
                "max_line_bytes": e.max_line_bytes,
            },
            "trust_env": e.trust_env,
            "provider_filters": {
                "rules": len(self.filters.rules),
                "sha256": hashlib.sha256(table).hexdigest(),
            },
        }

    def _body(self, prompt: str) -> dict[str, object]:
        e = self.endpoint
        messages: list[dict[str, str]] = []
        if e.system_prompt:
            messages.append({"role": "system", "content": e.system_prompt})
        messages.append({"role": "user", "content": prompt})
        body: dict[str, object] = {"model": e.model, "messages": messages, "stream": e.stream}
        if e.temperature is not None:
            body["temperature"] = e.temperature
        if e.max_tokens is not None:
            body["max_tokens"] = e.max_tokens
        return body

    async def ask(self, prompt: str) -> Reply:
        """Send one chat completion under the endpoint's caps and deadline."""
        import httpx

        e = self.endpoint
        try:
            async with asyncio.timeout(e.deadline):
                async with self._client.stream("POST", e.url, json=self._body(prompt)) as resp:
                    if resp.status_code != 200:
                        raw = await _read(resp, ERROR_BODY_BYTES, truncate=True)
                        return self._status(resp, raw)
                    if e.stream:
                        return await self._read_sse(resp)
                    return self._completion(await _read(resp, e.max_response_bytes))
        except TimeoutError as exc:
            raise TargetError(
                ErrorKind.TIMEOUT, f"no complete answer within {e.deadline:g} s", retryable=True
            ) from exc
        except httpx.TimeoutException as exc:
            raise TargetError(
                ErrorKind.TIMEOUT, f"no data within {e.timeout:g} s", retryable=True
            ) from exc
        except httpx.TransportError as exc:
            raise self._transport_error(exc) from exc

    def _transport_error(self, exc: Exception) -> TargetError:
        import httpx

        host = urlsplit(self.endpoint.url).hostname
        chain: list[BaseException] = []
        cause: BaseException | None = exc
        while cause is not None and len(chain) < 8:
            chain.append(cause)
            cause = cause.__cause__ or cause.__context__
        # An unknown host or a failed TLS handshake fails every question alike: stop at once.
        if any(isinstance(c, socket.gaierror) for c in chain):
            return TargetError(
                ErrorKind.TRANSPORT,
                f"cannot resolve host {host!r} (DNS); check --base-url",
                fatal=True,
            )
        if any(isinstance(c, ssl.SSLError) for c in chain):
            reason = next(str(c) for c in chain if isinstance(c, ssl.SSLError))
            return TargetError(
                ErrorKind.TRANSPORT, f"TLS failed with {host!r}: {self._redact(reason)}", fatal=True
            )
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return TargetError(ErrorKind.TRANSPORT, self._redact(str(exc)), fatal=True)
        text = self._redact(f"{type(exc).__name__}: {exc}")
        return TargetError(ErrorKind.TRANSPORT, text[:KEPT_ERROR_CHARS], retryable=True)

    def _status(self, response: httpx.Response, raw: bytes) -> Reply:
        status = response.status_code
        text = self._redact(raw.decode("utf-8", "replace")).strip()
        body = _json_or_none(raw)
        message = _error_message(body) or text
        filtered = self.filters.match_error(status, body, self._redact(message))
        if filtered is not None:
            return Reply(text="", filtered=filtered)
        retry_after: float | None = None
        if "retry-after" in response.headers:
            try:
                retry_after = max(0.0, float(response.headers["retry-after"]))
            except ValueError:
                retry_after = None
        fix = {
            401: " (check the API key)",
            403: " (the key may lack access to this model)",
            404: " (check --base-url and --model)",
        }.get(status, "")
        raise TargetError(
            ErrorKind.HTTP_STATUS,
            f"HTTP {status}{fix}: {text[:KEPT_ERROR_CHARS]}",
            status=status,
            retryable=status in {408, 409, 425, 429} or status >= 500,
            retry_after=retry_after,
            fatal=status in {401, 403, 404},
        )

    def _completion(self, content: bytes) -> Reply:
        data = _json_or_none(content)
        if data is None:
            snippet = self._redact(content[:120].decode("utf-8", "replace"))
            raise TargetError(
                ErrorKind.INVALID_RESPONSE, f"response is not JSON: {snippet!r}", retryable=True
            )
        filtered = self.filters.match_body(data)
        if filtered is not None:
            return Reply(text="", filtered=filtered, model=_str(data, "model"))
        try:
            choice = data["choices"][0]  # type: ignore[index]
            message = choice.get("message") or {}
            text = message.get("content") or ""
            finish = choice.get("finish_reason")
        except (KeyError, IndexError, TypeError, AttributeError):
            shown = self._redact(json.dumps(data, ensure_ascii=False)[:200])
            raise TargetError(
                ErrorKind.INVALID_RESPONSE,
                f"not a chat completion (no choices[0].message): {shown}",
            ) from None
        return self._reply(str(text), finish, message.get("refusal"), _str(data, "model"))

    def _reply(self, text: str, finish: object, refusal: object, model: str | None) -> Reply:
        finish_reason = finish if isinstance(finish, str) else None
        filtered = None
        if self.filters.filtered_finish(finish_reason):
            filtered = ProviderRefusal(
                rule=f"finish_reason.{finish_reason}", provider="endpoint", status=200
            )
        return Reply(
            text=self._redact(text, tokens=False),
            finish_reason=finish_reason,
            refusal=self._redact(refusal, tokens=False) if isinstance(refusal, str) else None,
            model=model,
            filtered=filtered,
        )

    async def _read_sse(self, response: httpx.Response) -> Reply:
        parts: list[str] = []
        finish: object = None
        refusal: list[str] = []
        model: str | None = None
        e = self.endpoint
        async for line in _lines(response, e.max_line_bytes, e.max_response_bytes):
            if not line.startswith("data:"):
                continue
            payload = line[5:].strip()
            if payload == "[DONE]":
                break
            chunk = _json_or_none(payload.encode())
            if not isinstance(chunk, dict):
                raise TargetError(
                    ErrorKind.INVALID_RESPONSE,
                    f"bad stream chunk: {self._redact(payload[:120])!r}",
                    retryable=True,
                )
            if "error" in chunk:
                message = self._redact(_error_message(chunk) or payload)
                filtered = self.filters.match_error(None, chunk, message)
                if filtered is not None:
                    return Reply(text="", filtered=filtered, model=model)
                raise TargetError(
                    ErrorKind.INVALID_RESPONSE, f"stream error: {message[:KEPT_ERROR_CHARS]}"
                )
            model = _str(chunk, "model") or model
            choices = chunk.get("choices")
            choice = choices[0] if isinstance(choices, list) and choices else {}
            delta = choice.get("delta") or {} if isinstance(choice, dict) else {}
            if isinstance(delta, dict) and isinstance(delta.get("content"), str):
                parts.append(delta["content"])
            if isinstance(delta, dict) and isinstance(delta.get("refusal"), str):
                refusal.append(delta["refusal"])
            if isinstance(choice, dict):
                finish = choice.get("finish_reason") or finish
        return self._reply("".join(parts), finish, "".join(refusal) or None, model)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()


async def _read(response: httpx.Response, cap: int, *, truncate: bool = False) -> bytes:
    """The body, at most ``cap`` bytes: beyond it, cut (``truncate``) or ``TargetError``."""
    buf = bytearray()
    async for chunk in response.aiter_bytes():
        buf += chunk
        if len(buf) > cap:
            if truncate:
                return bytes(buf[:cap])
            raise TargetError(
                ErrorKind.TOO_LARGE, f"response larger than {cap} bytes; stopped reading"
            )
    return bytes(buf)


async def _lines(response: httpx.Response, max_line: int, max_total: int) -> AsyncIterator[str]:
    """Lines of a streamed body, each at most ``max_line`` bytes, all at most ``max_total``."""
    buf = b""
    total = 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > max_total:
            raise TargetError(
                ErrorKind.TOO_LARGE, f"stream larger than {max_total} bytes; stopped reading"
            )
        buf += chunk
        while (cut := buf.find(b"\n")) >= 0:
            line, buf = buf[:cut], buf[cut + 1 :]
            yield line.rstrip(b"\r").decode("utf-8", "replace")
        if len(buf) > max_line:
            raise TargetError(ErrorKind.TOO_LARGE, f"a stream line is longer than {max_line} bytes")
    if buf:
        yield buf.rstrip(b"\r").decode("utf-8", "replace")


def _json_or_none(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def _str(data: object, key: str) -> str | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _error_message(body: object) -> str | None:
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    for source in (error, body):
        if isinstance(source, dict):
            for key in ("message", "error_msg", "detail", "msg"):
                if isinstance(source.get(key), str):
                    return str(source[key])
    return error if isinstance(error, str) else None


@TARGETS.register("hegui/openai")
def openai_target(
    base_url: str,
    model: str,
    api_key_env: str | None = None,
    api_key_file: str | None = None,
    headers: dict[str, str] | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
    system_prompt: str | None = None,
    stream: bool = False,
    timeout: float = 60.0,
    deadline: float = 300.0,
    max_response_bytes: int = MAX_RESPONSE_BYTES,
    max_line_bytes: int = MAX_LINE_BYTES,
    trust_env: bool = False,
    filters: str | None = None,
    provider_filters: bool = True,
    max_connections: int = 64,
) -> OpenAITarget:
    """Build the target of a ``hegui/openai`` spec.

    The key is never a parameter: ``api_key_env`` names the environment variable holding it
    (the ``ComponentSpec`` convention), or ``api_key_file`` a file whose first line it is.
    ``filters`` is a provider-filter table file (default: the shipped one);
    ``provider_filters=False`` counts every HTTP error as an error.

    Raises:
        ConfigError: a bad URL, an unset key variable, or a malformed filter table.
    """
    from pathlib import Path

    key = read_api_key(
        env_var=api_key_env,
        file=Path(api_key_file) if api_key_file is not None else None,
        environ=os.environ,
    )
    if not provider_filters:
        table = FilterTable()
    elif filters is not None:
        table = load_filters(Path(filters))
    else:
        table = default_filter_table()
    endpoint = Endpoint(
        base_url=base_url,
        model=model,
        api_key=key,
        headers=dict(headers or {}),
        temperature=temperature,
        max_tokens=max_tokens,
        system_prompt=system_prompt,
        stream=stream,
        timeout=timeout,
        deadline=deadline,
        max_response_bytes=max_response_bytes,
        max_line_bytes=max_line_bytes,
        trust_env=trust_env,
        filters=table,
    )
    return OpenAITarget(endpoint, max_connections=max_connections)


def public_spec(spec: ComponentSpec) -> ComponentSpec:
    """``spec`` as it may be stored: extra header values hidden (they may be credentials)."""
    headers = spec.params.get("headers")
    if not isinstance(headers, dict) or not headers:
        return spec
    hidden: dict[str, JsonValue] = dict.fromkeys(headers, "[redacted]")
    return ComponentSpec(id=spec.id, params={**spec.params, "headers": hidden})

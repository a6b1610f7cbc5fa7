"""Targets: the model under test, behind one small async interface.

``OpenAITarget`` speaks the OpenAI chat-completions protocol that vLLM, SGLang, Ollama and most
cloud APIs serve (plain or streamed); ``CallableTarget`` wraps a Python function for in-process
models. Faults are ``TargetError`` values with a kind, a status and whether a retry can help; the
runner records them per item instead of stopping, except for the ``fatal`` ones (401, 403, 404)
that would fail every question the same way.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pydantic import JsonValue

from hegui.errors import ConfigError, UpstreamError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "CallableTarget",
    "Endpoint",
    "ErrorKind",
    "OpenAITarget",
    "Reply",
    "Target",
    "TargetError",
    "read_api_key",
]


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer of the model under test."""

    text: str
    finish_reason: str | None = None
    """``content_filter`` means the provider's own filter stopped the answer."""
    refusal: str | None = None
    """The OpenAI ``message.refusal`` field, when the endpoint fills it."""
    model: str | None = None
    """Model name the endpoint reported."""


class ErrorKind(StrEnum):
    """What went wrong when asking one question."""

    TIMEOUT = "timeout"
    TRANSPORT = "transport"
    HTTP_STATUS = "http_status"
    INVALID_RESPONSE = "invalid_response"
    CALLABLE = "callable"


class TargetError(UpstreamError):
    """Asking the model failed."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        fatal: bool = False,
    ) -> None:
        self.kind = kind
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        self.fatal = fatal
        super().__init__(message)


@runtime_checkable
class Target(Protocol):
    """A model that answers one prompt at a time."""

    async def ask(self, prompt: str) -> Reply:
        """Answer ``prompt``; raise ``TargetError`` on failure."""
        ...

    def describe(self) -> dict[str, JsonValue]:
        """Parameters recorded in the run file so a run can be replayed (never secrets)."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An OpenAI-compatible chat endpoint."""

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
    """Seconds for one HTTP request (connect, each read, write)."""

    @property
    def url(self) -> str:
        """The chat-completions URL."""
        base = self.base_url.rstrip("/")
        return base if base.endswith("/chat/completions") else base + "/chat/completions"


def read_api_key(
    *, env_var: str | None, file: Path | None, environ: Mapping[str, str]
) -> str | None:
    """The API key from an environment variable or a file (first line), or None.

    Raises:
        ConfigError: the variable is unset or empty, or the file is missing or empty.
    """
    if env_var is not None:
        value = environ.get(env_var, "").strip()
        if not value:
            raise ConfigError(
                f"environment variable {env_var} is not set or empty",
                field="--api-key-env",
                fix=f"export {env_var}=... or use --api-key-file",
            )
        return value
    if file is not None:
        try:
            value = file.read_text(encoding="utf-8").strip().splitlines()[0].strip()
        except (OSError, IndexError):
            value = ""
        if not value:
            raise ConfigError(
                "API key file is missing or empty", path=file, fix="put the key on its first line"
            )
        return value
    return None


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
            trust_env=False,
        )

    def describe(self) -> dict[str, JsonValue]:
        """Endpoint parameters (header names only; no key)."""
        e = self.endpoint
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
        """Send one chat completion; stream it when the endpoint is configured to."""
        import httpx

        try:
            if self.endpoint.stream:
                async with self._client.stream(
                    "POST", self.endpoint.url, json=self._body(prompt)
                ) as response:
                    if response.status_code != 200:
                        await response.aread()
                        raise _status_error(response)
                    return await _read_stream(response)
            response = await self._client.post(self.endpoint.url, json=self._body(prompt))
        except httpx.TimeoutException as exc:
            raise TargetError(
                ErrorKind.TIMEOUT, f"no answer within {self.endpoint.timeout:g} s", retryable=True
            ) from exc
        except httpx.TransportError as exc:
            raise TargetError(
                ErrorKind.TRANSPORT, f"{type(exc).__name__}: {exc}", retryable=True
            ) from exc
        if response.status_code != 200:
            raise _status_error(response)
        return _parse_completion(response.content)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()


def _status_error(response: httpx.Response) -> TargetError:
    status = response.status_code
    text = response.text[:300].strip()
    retry_after: float | None = None
    if "retry-after" in response.headers:
        try:
            retry_after = max(0.0, float(response.headers["retry-after"]))
        except ValueError:
            retry_after = None
    fatal = status in {401, 403, 404}
    fix = {
        401: " (check the API key)",
        403: " (the key may lack access to this model)",
        404: " (check --base-url and --model)",
    }.get(status, "")
    return TargetError(
        ErrorKind.HTTP_STATUS,
        f"HTTP {status}{fix}: {text}",
        status=status,
        retryable=status in {408, 409, 425, 429} or status >= 500,
        retry_after=retry_after,
        fatal=fatal,
    )


def _parse_completion(content: bytes) -> Reply:
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        snippet = content[:120].decode("utf-8", "replace")
        raise TargetError(
            ErrorKind.INVALID_RESPONSE, f"response is not JSON: {snippet!r}", retryable=True
        ) from exc
    try:
        choice = data["choices"][0]
        message = choice.get("message") or {}
        return Reply(
            text=message.get("content") or "",
            finish_reason=choice.get("finish_reason"),
            refusal=message.get("refusal"),
            model=data.get("model"),
        )
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise TargetError(
            ErrorKind.INVALID_RESPONSE,
            f"not a chat completion (no choices[0].message): {str(data)[:200]}",
        ) from exc


async def _read_stream(response: httpx.Response) -> Reply:
    parts: list[str] = []
    finish: str | None = None
    refusal: list[str] = []
    model: str | None = None
    async for line in response.aiter_lines():
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            break
        try:
            chunk = json.loads(payload)
            choice = chunk["choices"][0] if chunk.get("choices") else {}
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise TargetError(
                ErrorKind.INVALID_RESPONSE, f"bad stream chunk: {payload[:120]!r}", retryable=True
            ) from exc
        model = chunk.get("model") or model
        delta = choice.get("delta") or {}
        if delta.get("content"):
            parts.append(delta["content"])
        if delta.get("refusal"):
            refusal.append(delta["refusal"])
        finish = choice.get("finish_reason") or finish
    return Reply(
        text="".join(parts),
        finish_reason=finish,
        refusal="".join(refusal) or None,
        model=model,
    )


Answerer = Callable[[str], "str | Reply | Awaitable[str | Reply]"]


class CallableTarget:
    """An in-process model: a function from prompt to answer text (or ``Reply``).

    Plain functions run in a worker thread so a slow model does not stall the event loop;
    coroutine functions are awaited directly.
    """

    def __init__(self, fn: Answerer, *, name: str | None = None) -> None:
        self._fn = fn
        self.name = name or f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', '?')}"
        self._async = inspect.iscoroutinefunction(fn)

    def describe(self) -> dict[str, JsonValue]:
        """The callable's import path."""
        return {"type": "callable", "name": self.name}

    async def ask(self, prompt: str) -> Reply:
        """Call the function; its exceptions become ``TargetError`` (kind ``callable``)."""
        try:
            if self._async:
                result = await self._fn(prompt)  # type: ignore[misc]
            else:
                result = await asyncio.to_thread(self._fn, prompt)
            if inspect.isawaitable(result):
                result = await result
        except Exception as exc:  # a boundary: the user's model code
            raise TargetError(ErrorKind.CALLABLE, f"{type(exc).__name__}: {exc}") from exc
        if isinstance(result, Reply):
            return result
        if not isinstance(result, str):
            raise TargetError(
                ErrorKind.CALLABLE, f"returned {type(result).__name__}, expected str or Reply"
            )
        return Reply(text=result)

    async def aclose(self) -> None:
        """Nothing to release."""

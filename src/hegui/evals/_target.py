"""Targets: the model under test, behind one small async interface.

``OpenAITarget`` (``_openai.py``) speaks the OpenAI chat-completions protocol that vLLM, SGLang,
Ollama and most cloud APIs serve; ``CallableTarget`` wraps a Python function for in-process
models. Both are built from a ``ComponentSpec`` through ``TARGETS`` (``hegui/openai``,
``hegui/callable``); third parties add theirs under the ``hegui.targets`` entry-point group.

Faults are ``TargetError`` values with a kind, a status and whether a retry can help; the runner
records them per item instead of stopping, except for the ``fatal`` ones (a bad key, a wrong URL
or model, an unknown host, a TLS failure) that would fail every question the same way.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import JsonValue

from hegui.errors import ConfigError, InputError, UpstreamError
from hegui.evals._filters import ProviderRefusal
from hegui.evals._registry import TARGETS

__all__ = [
    "CallableTarget",
    "ErrorKind",
    "Reply",
    "Target",
    "TargetError",
    "load_callable",
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
    filtered: ProviderRefusal | None = None
    """Set when the provider's content filter answered instead of the model (B.2.3 refusal)."""


class ErrorKind(StrEnum):
    """What went wrong when asking one question."""

    TIMEOUT = "timeout"
    TRANSPORT = "transport"
    HTTP_STATUS = "http_status"
    INVALID_RESPONSE = "invalid_response"
    TOO_LARGE = "too_large"
    """The response passed a byte or line cap (an endless or hostile body)."""
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
        except (OSError, IndexError, UnicodeDecodeError):
            value = ""
        if not value:
            raise ConfigError(
                "API key file is missing or empty", path=file, fix="put the key on its first line"
            )
        return value
    return None


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


@TARGETS.register("hegui/callable")
def load_callable(name: str) -> CallableTarget:
    """An in-process target from ``'package.module:function'`` (the current folder importable).

    Raises:
        InputError: the spec is malformed, or the module or function cannot be loaded.
    """
    module_name, sep, attr = name.partition(":")
    if not sep or not module_name or not attr:
        raise InputError(f"--target {name!r} must look like 'package.module:function'")
    if "" not in sys.path and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        fn = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise InputError(f"cannot load --target {name!r}: {exc}") from exc
    if not callable(fn):
        raise InputError(f"--target {name!r} is not a function")
    return CallableTarget(fn, name=name)

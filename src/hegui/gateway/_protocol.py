"""The OpenAI protocol as the gateway reads and writes it.

Requests are validated for the fields the gateway acts on (model, messages or prompt, stream,
user, n); every other parameter (temperature, tools, response_format …) passes to the upstream
unchanged, so new OpenAI parameters work without a hegui release. Responses are the upstream's
JSON with the screened text put back; the gateway adds ``AIGC`` (the GB 45438 implicit label)
and ``hegui`` (what screening did) as extra top-level fields, which OpenAI clients ignore.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hegui.gateway._errors import GatewayError

__all__ = [
    "ChatRequest",
    "ComplaintRequest",
    "CompletionRequest",
    "ImageRequest",
    "Message",
    "TextPart",
    "error_body",
    "message_texts",
    "parse_body",
]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class TextPart(_Open):
    """A text part of a multi-part message."""

    type: Literal["text"]
    text: str


class Message(_Open):
    """One chat message; ``content`` is text, parts, or absent (tool calls)."""

    role: str = Field(min_length=1, max_length=64)
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(_Open):
    """``POST /v1/chat/completions``."""

    model: str = Field(min_length=1, max_length=256)
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    user: str | None = Field(default=None, max_length=256)
    n: int = Field(default=1, ge=1, le=16)


class CompletionRequest(_Open):
    """``POST /v1/completions`` (legacy): ``prompt`` as text or a list of texts."""

    model: str = Field(min_length=1, max_length=256)
    prompt: str | list[str]
    stream: bool = False
    user: str | None = Field(default=None, max_length=256)
    n: int = Field(default=1, ge=1, le=16)


class ImageRequest(_Open):
    """``POST /v1/images/generations``."""

    model: str = Field(min_length=1, max_length=256)
    prompt: str = Field(min_length=1)
    n: int = Field(default=1, ge=1, le=10)
    response_format: Literal["url", "b64_json"] = "url"
    user: str | None = Field(default=None, max_length=256)


class ComplaintRequest(BaseModel):
    """``POST /v1/complaints`` (GAI Art. 15)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=20_000)
    category: str = "other"
    contact: str | None = Field(default=None, max_length=256)
    request_id: str | None = Field(default=None, max_length=40)
    """The ``id`` of the response complained about (also the audit record's id)."""
    user: str | None = Field(default=None, max_length=256)


M = TypeVar("M", bound=BaseModel)


def parse_body(raw: bytes, model: type[M]) -> tuple[M, dict[str, Any]]:
    """Parse and validate a JSON request body; returns the model and the raw object.

    Raises:
        GatewayError: 400 naming the problem and the field.
    """
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise GatewayError(
            400, f"the request body is not valid JSON: {exc}", "invalid_json"
        ) from None
    if not isinstance(data, dict):
        raise GatewayError(400, "the request body must be a JSON object", "invalid_json")
    try:
        return model.model_validate(data), data
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(body)"
        raise GatewayError(
            400, f"{where}: {first['msg']}", "invalid_request", param=where
        ) from None


def message_texts(content: str | list[dict[str, Any]] | None) -> list[tuple[int | None, str]]:
    """The texts of a message.

    ``(None, text)`` for plain content, ``(part index, text)`` for the text parts of a
    multi-part one.
    """
    if content is None:
        return []
    if isinstance(content, str):
        return [(None, content)]
    out: list[tuple[int | None, str]] = []
    for i, part in enumerate(content):
        if part.get("type") == "text" and isinstance(part.get("text"), str):
            out.append((i, part["text"]))
    return out


def error_body(
    message: str, type_: str, code: str | None, param: str | None = None
) -> dict[str, Any]:
    """OpenAI's error object."""
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}

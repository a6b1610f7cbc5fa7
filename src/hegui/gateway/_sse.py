"""Reading an upstream's server-sent events strictly: UTF-8, line limits, JSON payloads.

The gateway re-encodes every event it forwards, so a multi-byte character that arrives split
across network reads is decoded whole before it is screened (the incremental decoder holds the
partial bytes). Anything that is not well-formed (invalid UTF-8, an over-long line, a field
other than ``data``/``event``/``id``/``retry``, a payload that is not a JSON object) raises
:class:`BadStreamError`, and the gateway ends the stream with an error without releasing what it
was still holding back.
"""

from __future__ import annotations

import codecs
from typing import Any

import orjson

__all__ = ["DONE", "BadStreamError", "SseReader"]

DONE = object()
"""The ``[DONE]`` sentinel that ends an OpenAI stream."""


class BadStreamError(Exception):
    """The upstream's stream is malformed; the message says how (no payload text)."""


class SseReader:
    """Feed raw bytes, get complete events' payloads (parsed JSON objects or :data:`DONE`).

    Args:
        max_line: Longest line accepted, in characters.
    """

    def __init__(self, max_line: int = 1 << 20) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._pending = ""
        self._data: list[str] = []
        self.max_line = max_line

    def feed(self, chunk: bytes) -> list[dict[str, Any] | object]:
        """Events completed by ``chunk``, in order.

        Raises:
            BadStreamError: invalid UTF-8, an over-long line, a malformed field or payload.
        """
        try:
            text = self._decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise BadStreamError(f"the upstream sent invalid UTF-8 ({exc.reason})") from None
        if not text:
            return []
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        if len(self._pending) > self.max_line:
            raise BadStreamError(
                f"the upstream sent a line longer than {self.max_line:,} characters"
            )
        events: list[dict[str, Any] | object] = []
        for line in lines:
            if line.endswith("\r"):
                line = line[:-1]
            if not line:
                if self._data:
                    events.append(self._payload("\n".join(self._data)))
                    self._data = []
                continue
            if line.startswith(":"):
                continue  # a comment (keep-alive)
            name, _, value = line.partition(":")
            if name == "data":
                self._data.append(value[1:] if value.startswith(" ") else value)
            elif name not in ("event", "id", "retry"):
                raise BadStreamError(
                    f"the upstream sent a malformed event line (field {name[:20]!r})"
                )
        return events

    def close(self) -> list[dict[str, Any] | object]:
        """Events left at the end of the body.

        An incomplete character is an error; a last event without its blank line is still
        delivered (some servers omit it before closing).

        Raises:
            BadStreamError: the body ended inside a UTF-8 sequence, or with a malformed payload.
        """
        events = self.feed(b"\n") if self._pending else []
        try:
            self._decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise BadStreamError("the upstream's stream ended inside a UTF-8 character") from None
        if self._data:
            events.append(self._payload("\n".join(self._data)))
            self._data = []
        return events

    @staticmethod
    def _payload(data: str) -> dict[str, Any] | object:
        if data.strip() == "[DONE]":
            return DONE
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError:
            raise BadStreamError("the upstream sent an event whose data is not JSON") from None
        if not isinstance(obj, dict):
            raise BadStreamError("the upstream sent an event whose data is not a JSON object")
        return obj

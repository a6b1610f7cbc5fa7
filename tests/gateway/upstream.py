"""A local HTTP server playing an OpenAI-compatible upstream, at the edge of the gateway tests.

Real sockets, real HTTP/1.1, real server-sent events. Each request is answered by a ``Reply``:
chosen by the last user message (or prompt), else the server's default. A reply can be a text
(streamed in pieces of a given size when the client asks to stream), raw body chunks sent as
they are (invalid UTF-8, malformed SSE, a stream that stops), an HTTP status, a delay, or an
image. The server records every request's path, headers and body.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """How the upstream answers one request."""

    text: str = "这是一个正常的回答。"
    piece: int = 3
    """Characters per streamed event."""
    status: int = 200
    error: str = "scripted failure"
    delay: float = 0.0
    chunk_delay: float = 0.0
    raw: Sequence[bytes] | None = None
    """Body chunks written as they are (a stream's bytes, or a broken body)."""
    finish_reason: str = "stop"
    image: bytes | None = None
    revised_prompt: str | None = None
    reasoning: str | None = None
    tool_arguments: str | None = None
    usage: bool = False
    fail_times: int = 0
    """Answer ``status`` this many times, then normally."""


def chat_events(reply: Reply, kind: str = "chat") -> list[bytes]:
    """The SSE bytes an OpenAI server streams for ``reply``."""
    events = []
    pieces = [reply.text[i : i + reply.piece] for i in range(0, len(reply.text), reply.piece)]
    if kind == "chat":
        events.append({"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]})
        if reply.reasoning:
            events.append(
                {"choices": [{"index": 0, "delta": {"reasoning_content": reply.reasoning}}]}
            )
    for piece in pieces:
        if kind == "chat":
            events.append({"choices": [{"index": 0, "delta": {"content": piece}}]})
        else:
            events.append({"choices": [{"index": 0, "text": piece}]})
    if reply.tool_arguments is not None:
        call = {
            "index": 0,
            "id": "call_1",
            "type": "function",
            "function": {"name": "lookup", "arguments": reply.tool_arguments},
        }
        events.append({"choices": [{"index": 0, "delta": {"tool_calls": [call]}}]})
    last: dict[str, Any] = {"index": 0, "finish_reason": reply.finish_reason}
    last["delta" if kind == "chat" else "text"] = {} if kind == "chat" else ""
    events.append({"choices": [last]})
    if reply.usage:
        events.append({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 5}})
    out = [
        b"data: "
        + json.dumps({"id": "up", "model": "m", **e}, ensure_ascii=False).encode()
        + b"\n\n"
        for e in events
    ]
    out.append(b"data: [DONE]\n\n")
    return out


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@dataclass
class Upstream:
    """Serve the OpenAI routes on 127.0.0.1 from a background thread."""

    default: Reply = field(default_factory=Reply)
    replies: dict[str, Reply] = field(default_factory=dict)
    script: Callable[[str], Reply] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    disconnects: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failed: dict[str, int] = {}
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> Upstream:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reply_for(self, prompt: str) -> Reply:
        if self.script is not None:
            return self.script(prompt)
        return self.replies.get(prompt, self.default)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        up = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                if "messages" in body:
                    users = [m for m in body["messages"] if m.get("role") == "user"]
                    content = users[-1]["content"] if users else ""
                    prompt = content if isinstance(content, str) else json.dumps(content)
                else:
                    prompt = body.get("prompt") if isinstance(body.get("prompt"), str) else ""
                with up._lock:
                    up.requests.append(body)
                    up.paths.append(self.path)
                    up.headers.append({k.lower(): v for k, v in self.headers.items()})
                reply = up.reply_for(prompt)
                if reply.delay:
                    time.sleep(reply.delay)
                with up._lock:
                    failed = up._failed.get(prompt, 0)
                    failing = reply.status != 200 and (
                        reply.fail_times == 0 or failed < reply.fail_times
                    )
                    if failing:
                        up._failed[prompt] = failed + 1
                if failing:
                    self._send(reply.status, json.dumps({"error": {"message": reply.error}}))
                    return
                if reply.raw is not None:
                    self._chunks(reply.raw, reply.chunk_delay)
                    return
                if self.path.endswith("/images/generations"):
                    item: dict[str, Any] = {
                        "b64_json": base64.b64encode(reply.image or b"").decode()
                    }
                    if reply.revised_prompt:
                        item["revised_prompt"] = reply.revised_prompt
                    self._send(200, json.dumps({"created": 1, "data": [item] * body.get("n", 1)}))
                    return
                kind = "chat" if self.path.endswith("/chat/completions") else "completion"
                if body.get("stream"):
                    self._chunks(chat_events(reply, kind), reply.chunk_delay)
                    return
                if kind == "chat":
                    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
                    if reply.reasoning:
                        message["reasoning_content"] = reply.reasoning
                    if reply.tool_arguments is not None:
                        message["tool_calls"] = [
                            {
                                "id": "call_1",
                                "type": "function",
                                "function": {"name": "lookup", "arguments": reply.tool_arguments},
                            }
                        ]
                    choice: dict[str, Any] = {
                        "index": 0,
                        "message": message,
                        "finish_reason": reply.finish_reason,
                        "logprobs": {"content": [{"token": reply.text}]},
                    }
                else:
                    choice = {"index": 0, "text": reply.text, "finish_reason": reply.finish_reason}
                payload = {
                    "id": "up-1",
                    "object": "chat.completion",
                    "model": body["model"],
                    "choices": [choice],
                    "usage": {"prompt_tokens": 3},
                }
                self._send(200, json.dumps(payload, ensure_ascii=False))

            def _send(self, status: int, text: str) -> None:
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _chunks(self, chunks: Sequence[bytes], delay: float) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for data in chunks:
                        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                        self.wfile.flush()
                        if delay:
                            time.sleep(delay)
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    with up._lock:
                        up.disconnects += 1

        return Handler


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])

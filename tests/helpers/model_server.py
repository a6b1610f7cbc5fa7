"""A local HTTP server playing an OpenAI-compatible chat model with scripted behaviour.

The one test double of the suite (evals targets and judges, the safety LLM judge), at the edge:
a real socket, real HTTP/1.1 keep-alive, real server-sent events when the client asks to stream.
Each question maps to a ``Behaviour`` (answer text, delay, failures, broken bodies), or each
request in turn (``in_order``); the server records every request so tests can check what was
asked, where, with which headers, how often, and how many requests were in flight at once.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Behaviour:
    """What the model does for one question."""

    text: str = "这是一个正常的回答。"
    delay: float = 0.0
    """Seconds before the response starts."""
    fail_times: int = 0
    """Fail this many times with ``status`` before answering; -1 fails forever."""
    status: int = 500
    body: bytes | None = None
    """Raw 200 body instead of a completion (e.g. non-JSON)."""
    retry_after: float | None = None
    finish_reason: str = "stop"
    chunk_delay: float = 0.0
    """Seconds between streamed chunks."""
    error_body: Mapping[str, Any] | None = None
    """JSON body of the failure response (a provider's error shape) instead of a generic one."""
    echo_headers: bool = False
    """Put the request's headers (``Authorization`` included) into the failure body."""
    extra: Mapping[str, Any] | None = None
    """Extra top-level fields of a 200 completion (``need_clear_history``)."""
    stream_error: Mapping[str, Any] | None = None
    """An SSE ``data:`` event with this error object after the first piece of a stream."""
    endless: int = 0
    """Answer 200 with chunks of this many bytes forever (an endless body, review S7)."""
    drip: float = 0.0
    """Answer 200 and send one byte every ``drip`` seconds forever (a slow drip)."""
    long_line: int = 0
    """Stream one SSE line of this many bytes without a newline."""


Script = Mapping[str, Behaviour] | Callable[[str], Behaviour]


def in_order(*steps: Behaviour | str | int, then: Behaviour | None = None) -> Script:
    """A script answering the n-th request with the n-th step, whatever it asks.

    A ``str`` step answers that text and an ``int`` step fails with that HTTP status; once the
    steps are used up every request gets ``then`` (by default ``Behaviour()``).
    """
    lock = threading.Lock()
    queue: Iterator[Behaviour | str | int] = iter(steps)
    last = then or Behaviour()

    def script(prompt: str) -> Behaviour:
        with lock:
            step = next(queue, last)
        if isinstance(step, str):
            return Behaviour(text=step)
        if isinstance(step, int):
            return Behaviour(fail_times=-1, status=step)
        return step

    return script


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog of 5 resets connections when 32 clients connect at once.
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        # A client closing a keep-alive connection (or a killed run) is not a server fault.
        pass


class ModelServer:
    """Serve ``POST /v1/chat/completions`` on 127.0.0.1 from a background thread."""

    def __init__(self, script: Script | None = None, *, default: Behaviour | None = None) -> None:
        self.script: Script = script if script is not None else {}
        self.default = default or Behaviour()
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.asked: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self._failures: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        """Base URL, as a user passes it to ``--base-url``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def behaviour(self, prompt: str) -> Behaviour:
        """The scripted behaviour for ``prompt``."""
        if callable(self.script):
            return self.script(prompt)
        return self.script.get(prompt, self.default)

    def __enter__(self) -> ModelServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm
            # and the client's delayed ACK add ~40 ms to every response.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                prompt = body["messages"][-1]["content"]
                with server._lock:
                    server.requests.append(body)
                    server.paths.append(self.path)
                    server.headers.append(dict(self.headers.items()))
                    server.asked[prompt] += 1
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._respond(server.behaviour(prompt), prompt, bool(body.get("stream")))
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _respond(self, b: Behaviour, prompt: str, stream: bool) -> None:
                if b.delay:
                    time.sleep(b.delay)
                with server._lock:
                    failed = server._failures[prompt]
                    failing = b.fail_times < 0 or failed < b.fail_times
                    if failing:
                        server._failures[prompt] += 1
                if failing:
                    error: dict[str, Any] = dict(b.error_body or {"error": {"message": "failed"}})
                    if b.echo_headers:
                        error["received_headers"] = dict(self.headers.items())
                    payload = json.dumps(error, ensure_ascii=False).encode()
                    self.send_response(b.status)
                    if b.retry_after is not None:
                        self.send_header("Retry-After", str(b.retry_after))
                    self._send(payload, "application/json")
                    return
                if b.body is not None:
                    self.send_response(200)
                    self._send(b.body, "text/html")
                    return
                if b.endless or b.drip or b.long_line:
                    self._forever(b)
                    return
                if stream:
                    self._stream(b)
                    return
                completion: dict[str, Any] = {
                    **(b.extra or {}),
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "model": "scripted",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": b.text},
                            "finish_reason": b.finish_reason,
                        }
                    ],
                }
                self.send_response(200)
                self._send(json.dumps(completion, ensure_ascii=False).encode(), "application/json")

            def _send(self, payload: bytes, ctype: str) -> None:
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, b: Behaviour) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                pieces = [b.text[i : i + 3] for i in range(0, len(b.text), 3)] or [""]
                for n, piece in enumerate(pieces):
                    last = n == len(pieces) - 1
                    if n == 1 and b.stream_error is not None:
                        event = json.dumps({"error": dict(b.stream_error)}, ensure_ascii=False)
                        self._chunk(f"data: {event}\n\n".encode())
                        self.wfile.write(b"0\r\n\r\n")
                        return
                    chunk = {
                        "model": "scripted",
                        "choices": [
                            {
                                "index": 0,
                                "delta": {"content": piece},
                                "finish_reason": b.finish_reason if last else None,
                            }
                        ],
                    }
                    self._chunk(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    if b.chunk_delay:
                        time.sleep(b.chunk_delay)
                self._chunk(b"data: [DONE]\n\n")
                self.wfile.write(b"0\r\n\r\n")

            def _forever(self, b: Behaviour) -> None:
                # Until the client gives up (its write fails) or the server stops.
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                piece = b"x" * (b.endless or 1)
                try:
                    if b.long_line:
                        self._chunk(b"data: " + b"y" * b.long_line)
                    while not server.stopping.is_set():
                        self._chunk(piece)
                        if b.drip:
                            time.sleep(b.drip)
                except OSError:
                    return

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

        return Handler

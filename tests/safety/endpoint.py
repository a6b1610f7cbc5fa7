"""A real HTTP server on a local socket playing an OpenAI-compatible chat endpoint."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Script:
    """What the endpoint does: answers in order (str = content, int = HTTP status)."""

    replies: list[str | int] = field(default_factory=list)
    delay: float = 0.0
    requests: list[dict[str, object]] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    script: Script

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body["_path"] = self.path
        body["_auth"] = self.headers.get("Authorization")
        self.script.requests.append(body)
        if self.script.delay:
            time.sleep(self.script.delay)
        reply = self.script.replies.pop(0) if self.script.replies else "Safety: Safe"
        if isinstance(reply, int):
            self.send_response(reply)
            self.end_headers()
            self.wfile.write(b"upstream says no")
            return
        data = json.dumps(
            {"choices": [{"index": 0, "message": {"role": "assistant", "content": reply}}]}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@dataclass
class Endpoint:
    url: str
    script: Script


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    script = Script()
    handler = type("Handler", (_Handler,), {"script": script})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Endpoint(f"http://127.0.0.1:{server.server_address[1]}/v1", script)
    finally:
        server.shutdown()
        server.server_close()

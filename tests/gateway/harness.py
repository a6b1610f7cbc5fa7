"""Run the real gateway (uvicorn, real sockets) on a workspace written by the test."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import yaml

from hegui.gateway import create_app, open_site
from hegui.store import create_key, open_store
from tests.gateway.upstream import free_port

PRODUCER = "001191440300708461136T1XGW3"


def settings(upstream_url: str, **overrides: Any) -> dict[str, Any]:
    """A ``gateway.yaml`` document pointing at ``upstream_url``, with ``overrides`` merged."""
    doc: dict[str, Any] = {
        "schema_version": 1,
        "upstreams": [
            {
                "name": "local",
                "base_url": upstream_url,
                "models": ["m", "img"],
                "timeout": {"connect": "2s", "read": "3s", "total": "10s"},
                "retries": 1,
            }
        ],
        "labeling": {"producer": PRODUCER},
        "complaints": {"time_limit": "15d"},
        "users": {"refresh_interval": "0.2s"},
        "screening": {"reload_interval": "0.2s"},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(doc.get(key), dict):
            doc[key] = {**doc[key], **value}
        else:
            doc[key] = value
    return doc


@dataclass
class Gateway:
    """A running gateway and what a test needs to call it."""

    url: str
    key: str
    root: Path
    store_url: str
    server: uvicorn.Server

    def client(self, **kw: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.key}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=20, trust_env=False, **kw)

    def records(self) -> list[Any]:
        from hegui.store import AuditQuery, search_audit

        store = open_store(self.store_url)
        try:
            return list(search_audit(store.engine, AuditQuery()))
        finally:
            store.close()

    def wait_records(self, n: int, timeout: float = 10.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.records()
            if len(found) >= n or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def write_workspace(root: Path, doc: dict[str, Any], files: dict[str, str] | None = None) -> None:
    """``gateway.yaml`` and other files of a workspace."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "gateway.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


@contextmanager
def running(
    root: Path,
    doc: dict[str, Any],
    files: dict[str, str] | None = None,
    *,
    store_url: str | None = None,
    environ: dict[str, str] | None = None,
) -> Iterator[Gateway]:
    """Write the workspace, create a key, serve the gateway in a thread until the block ends."""
    if store_url is not None:
        doc = {**doc, "store": {"url": store_url}}
    write_workspace(root, doc, files)
    site = open_site(root)
    store = open_store(site.store_url)
    key = create_key(store.engine, "tests", tenant="acme", now=dt.datetime.now(dt.UTC)).secret
    store.close()
    app = create_app(site, environ=environ or {})
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        loop="asyncio",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the gateway did not start")
        time.sleep(0.02)
    try:
        yield Gateway(f"http://127.0.0.1:{port}", key, root, site.store_url, server)
    finally:
        server.should_exit = True
        thread.join(30)
        assert not thread.is_alive(), "the gateway did not shut down"
        # Objects the server dropped are finalized here, not in whichever test runs next.
        gc.collect()

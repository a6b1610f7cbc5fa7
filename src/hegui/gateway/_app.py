"""The FastAPI app factory: settings in, an app with its own state out (no module globals).

Startup opens the store (an empty database is created; an older or newer one is refused),
starts the audit writer, loads keys and suspensions, and starts the background refresh of keys,
suspensions and the lexicon/policy files. Shutdown commits what is queued and closes everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from hegui.gateway._access import KeyRing, UserGuard
from hegui.gateway._complaints import complaint, complaint_status, models
from hegui.gateway._completions import completion
from hegui.gateway._images import images
from hegui.gateway._labels import Labeler
from hegui.gateway._metrics import Metrics
from hegui.gateway._response import json_response
from hegui.gateway._screening import Screening
from hegui.gateway._service import Service
from hegui.gateway._site import Site
from hegui.store import Durability, open_store

__all__ = ["AppState", "create_app"]

_log = logging.getLogger("hegui.gateway")


@dataclass
class AppState:
    """What the app holds while it runs (``app.state.hegui``)."""

    site: Site
    service: Service | None = None


def create_app(
    site: Site, *, environ: Mapping[str, str] | None = None, workers: int = 1
) -> FastAPI:
    """Build the gateway app for ``site``.

    Args:
        site: The workspace's settings and paths (:func:`hegui.gateway.open_site`).
        environ: Where upstream keys (``api_key_env``) are read; the process environment by
            default.
        workers: How many worker processes share the rate limits.
    """
    state = AppState(site)
    settings = site.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from hegui.gateway._upstream import Upstreams

        store = await anyio.to_thread.run_sync(
            lambda: open_store(
                site.store_url,
                durability=Durability(settings.store.durability),
                pool_size=8,
            )
        )
        writer = store.audit_writer()
        writer.start()
        screening = await anyio.to_thread.run_sync(Screening, site.lexicon, site.policy)
        keys = KeyRing(store.engine, settings, workers)
        users = UserGuard(store.engine, settings)
        await anyio.to_thread.run_sync(keys.refresh)
        await anyio.to_thread.run_sync(users.refresh)
        upstreams = Upstreams(settings, environ)
        for missing in upstreams.missing_keys():
            _log.warning("upstream key variable is not set", extra={"upstream": missing})
        metrics = Metrics()
        service = Service(
            settings,
            screening,
            Labeler(settings.labeling),
            upstreams,
            keys,
            users,
            writer,
            metrics,
        )
        state.service = service
        tasks = [asyncio.ensure_future(_refresh(service))]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await upstreams.aclose()
            await anyio.to_thread.run_sync(writer.close)
            store.close()

    app = FastAPI(
        title="hegui gateway",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.hegui = state

    def service() -> Service:
        assert state.service is not None, "the app's lifespan has not started"
        return state.service

    @app.post("/v1/chat/completions")
    async def route_chat_completions(request: Request) -> Response:
        return await completion(service(), request, "chat")

    @app.post("/v1/completions")
    async def route_completions(request: Request) -> Response:
        return await completion(service(), request, "completion")

    @app.post("/v1/images/generations")
    async def route_images(request: Request) -> Response:
        return await images(service(), request)

    @app.get("/v1/models")
    async def route_models(request: Request) -> Response:
        return await models(service(), request)

    @app.post("/v1/complaints")
    async def route_complaints(request: Request) -> Response:
        return await complaint(service(), request)

    @app.get("/v1/complaints/{complaint_id}")
    async def route_complaint_status(request: Request, complaint_id: str) -> Response:
        return await complaint_status(service(), request, complaint_id)

    @app.get("/healthz")
    async def healthz() -> Response:
        svc = service()
        snap = svc.screening.current
        reload = svc.screening.state
        ok = svc.store_ok and reload.ok
        body = {
            "status": "ok" if ok else "degraded",
            "store": "ok" if svc.store_ok else "failing",
            "audit_backlog": svc.writer.backlog,
            "screening": {
                "lexicon_version": snap.lexicon_version,
                "policy_version": snap.policy_version,
                "loaded_at": snap.loaded_at.isoformat(),
                "last_reload": {
                    "ok": reload.ok,
                    "at": reload.at.isoformat(),
                    "error": reload.error,
                },
            },
        }
        return json_response(body, 200 if svc.store_ok else 503)

    @app.get("/metrics")
    async def metrics() -> Response:
        svc = service()
        svc.metrics.audit_backlog.set(svc.writer.backlog)
        return Response(svc.metrics.render(), media_type="text/plain; version=0.0.4")

    return app


async def _refresh(service: Service) -> None:
    """Refresh keys and suspensions, and reload changed lexicon and policy files.

    Keys and suspensions every ``users.refresh_interval``, the files every
    ``screening.reload_interval``.
    """
    settings = service.settings
    refresh = settings.users.refresh_interval.total_seconds()
    reload_every = settings.screening.reload_interval.total_seconds()
    loop = asyncio.get_running_loop()
    next_refresh = loop.time() + refresh
    next_reload = loop.time() + reload_every if reload_every > 0 else float("inf")
    while True:
        await asyncio.sleep(max(0.05, min(next_refresh, next_reload) - loop.time()))
        now = loop.time()
        if now >= next_refresh:
            next_refresh = now + refresh
            try:
                await anyio.to_thread.run_sync(service.keys.refresh)
                await anyio.to_thread.run_sync(service.users.refresh)
                service.store_ok = True
            except Exception as exc:  # the store is down: say so in /healthz and the logs
                service.store_ok = False
                _log.error("store refresh failed", extra={"error": type(exc).__name__})
        if now >= next_reload:
            next_reload = now + reload_every
            if service.screening.changed():
                state = await anyio.to_thread.run_sync(service.screening.reload)
                service.metrics.reloads.labels("ok" if state.ok else "failed").inc()
                service.metrics.reload_ok.set(1 if state.ok else 0)

"""Running the gateway: uvicorn, one process or several workers.

With ``workers > 1`` uvicorn starts each worker from an import string, so the workspace travels
in the environment (``HEGUI_GATEWAY_WORKSPACE``) and every worker builds its own app (its own
Screener, store connections and audit writer) from it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from hegui.gateway._app import create_app
from hegui.gateway._logs import configure_logging
from hegui.gateway._site import Site, open_site

__all__ = ["app_from_environment", "serve"]

_ENV_WORKSPACE = "HEGUI_GATEWAY_WORKSPACE"
_ENV_WORKERS = "HEGUI_GATEWAY_WORKERS"


def app_from_environment() -> FastAPI:
    """The app of the workspace named by ``HEGUI_GATEWAY_WORKSPACE`` (uvicorn's factory)."""
    configure_logging(os.environ.get("HEGUI_GATEWAY_LOG", "info"))
    site = open_site(Path(os.environ[_ENV_WORKSPACE]))
    return create_app(site, workers=int(os.environ.get(_ENV_WORKERS, "1")))


def serve(
    site: Site,
    *,
    host: str | None = None,
    port: int | None = None,
    workers: int = 1,
    log_level: str = "info",
) -> None:
    """Serve ``site``'s gateway until interrupted (blocking)."""
    import uvicorn

    configure_logging(log_level)
    host = host or site.settings.listen.host
    port = port or site.settings.listen.port
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "access_log": False,
        "log_config": None,
        "log_level": log_level,
        "http": "httptools",
        "loop": "uvloop",
        "timeout_graceful_shutdown": 30,
    }
    if workers > 1:
        os.environ[_ENV_WORKSPACE] = str(site.root)
        os.environ[_ENV_WORKERS] = str(workers)
        os.environ["HEGUI_GATEWAY_LOG"] = log_level
        uvicorn.run(
            "hegui.gateway._serve:app_from_environment", factory=True, workers=workers, **options
        )
    else:
        uvicorn.run(create_app(site), **options)

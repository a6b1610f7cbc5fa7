"""Fixtures of the gateway tests: a scripted upstream and a running gateway in front of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gateway.harness import Gateway, running, settings
from tests.gateway.upstream import Upstream
from tests.store.fixtures import pg_server, store, store_url

__all__ = ["gateway", "pg_server", "store", "store_url", "upstream"]


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    """One upstream per test module; tests set ``replies`` / ``default`` / ``script``."""
    with Upstream() as up:
        yield up


@pytest.fixture(scope="module")
def gateway(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """The gateway on its defaults (starter lexicon, default policy, SQLite), module-wide."""
    root: Path = tmp_path_factory.mktemp("ws")
    with running(root, settings(upstream.url)) as gw:
        yield gw


@pytest.fixture(autouse=True)
def _reset_upstream(request: pytest.FixtureRequest) -> None:
    if "upstream" in request.fixturenames:
        up: Upstream = request.getfixturevalue("upstream")
        up.replies.clear()
        up.script = None
        from tests.gateway.upstream import Reply

        up.default = Reply()

"""Store fixtures shared by the store and gateway tests: one URL per backend."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from hegui.store import Store, open_store
from tests.store.postgres import PostgresServer, postgres_server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (skips, or fails under HEGUI_REQUIRE_POSTGRES=1)."""
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store on each backend: the same test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'hegui.db'}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    url = server.new_database()
    try:
        yield url
    finally:
        gc.collect()  # finalize the test's connections before the database goes
        server.drop_database(url)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open store on each backend, closed after the test."""
    opened = open_store(store_url)
    try:
        yield opened
    finally:
        opened.close()

"""Connecting to the store: SQLite in WAL mode in the workspace, or PostgreSQL by URL.

SQLite settings, per connection: ``journal_mode=WAL`` (readers never wait for the writer, and
several gateway workers can write one file), ``busy_timeout`` (a second writer waits instead of
failing), ``synchronous=FULL`` by default (a committed audit record survives a power cut, not
only a killed process; ``normal`` keeps it across ``kill -9`` only) and foreign keys on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from hegui.errors import InputError

__all__ = ["Durability", "create_store_engine", "describe_url", "sqlite_url", "writing"]


class Durability(StrEnum):
    """How far a committed SQLite transaction is guaranteed to survive."""

    FULL = "full"
    """fsync at every commit: survives a power cut."""
    NORMAL = "normal"
    """fsync at checkpoints: survives a killed process, may lose the last commits on power cut."""


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of the SQLite file at ``path``."""
    return f"sqlite:///{path.resolve()}"


def describe_url(url: str) -> str:
    """``url`` with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return re.sub(r"//[^@/]*@", "//***@", url)


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise InputError(
            f"store url {describe_url(url)!r} is not a database URL; use "
            "sqlite:///path/to/hegui.db or postgresql://user@host/dbname"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        # psycopg 3 is the driver the gateway extra installs; a bare postgresql:// would ask
        # SQLAlchemy for psycopg2.
        if parsed.drivername in {"postgresql", "postgres"}:
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise InputError(
                "store url: an in-memory SQLite database keeps nothing; give a file "
                "(sqlite:///path/to/hegui.db)"
            )
        return parsed
    raise InputError(
        f"store url {describe_url(url)!r}: hegui's store runs on SQLite or PostgreSQL, "
        f"not {backend!r}"
    )


def create_store_engine(
    url: str, *, durability: Durability = Durability.FULL, pool_size: int = 5
) -> Engine:
    """An engine for ``url`` with the store's connection settings.

    Raises:
        InputError: the URL is not an SQLite file or PostgreSQL URL.
    """
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database is not None
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            parsed,
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=pool_size,
            max_overflow=pool_size,
        )
        synchronous = durability.value.upper()

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Transactions are begun below, not by the driver (which cannot BEGIN IMMEDIATE).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            # A writer takes the lock up front: a read transaction that later writes would fail
            # with SQLITE_BUSY (not wait) when another process committed in between.
            immediate = conn.get_execution_options().get("hegui_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return sa.create_engine(parsed, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


@contextmanager
def writing(engine: Engine) -> Iterator[sa.Connection]:
    """A connection in a write transaction, committed on leaving (rolled back on error)."""
    with engine.connect().execution_options(hegui_write=True) as conn, conn.begin():
        yield conn

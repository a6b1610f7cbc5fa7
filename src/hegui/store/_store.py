"""Opening a store: the engine, the schema check, and the default file in a workspace."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from hegui.store._audit import AuditWriter
from hegui.store._engine import Durability, create_store_engine, describe_url, sqlite_url
from hegui.store._evidence import SqlEvidenceStore
from hegui.store._migrate import SchemaStatus, ensure_schema

__all__ = ["Store", "default_store_url", "open_store", "upgrade_store"]

STORE_FILE = Path("store") / "hegui.db"
"""Where a workspace keeps its SQLite store (with its ``-wal`` and ``-shm`` files)."""


def default_store_url(workspace: Path) -> str:
    """The SQLite URL of ``workspace``'s store (``store/hegui.db``)."""
    return sqlite_url(workspace / STORE_FILE)


class Store:
    """An open store: its engine and the repositories over it.

    Use :func:`open_store`, which checks the schema first.
    """

    def __init__(self, engine: Engine, schema: SchemaStatus) -> None:
        self.engine = engine
        self.schema = schema
        self.evidence = SqlEvidenceStore(engine)

    def __repr__(self) -> str:
        return f"Store({self.describe()!r})"

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def describe(self) -> str:
        """The URL with any password hidden."""
        return describe_url(str(self.engine.url))

    def audit_writer(self, *, max_batch: int = 1000) -> AuditWriter:
        """A group-commit writer of audit records on this store (call ``start``/``close``)."""
        return AuditWriter(self.engine, max_batch=max_batch)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_store(
    url: str,
    *,
    durability: Durability = Durability.FULL,
    pool_size: int = 5,
    create: bool = True,
) -> Store:
    """Connect to the store at ``url`` and check its schema.

    Args:
        url: ``sqlite:///path`` or ``postgresql://…``.
        durability: SQLite only; see :class:`Durability`.
        pool_size: Connections kept open.
        create: Create the tables in an empty database (else refuse it).

    Raises:
        InputError: the URL is not SQLite or PostgreSQL.
        StoreError: unreachable, older (run ``hegui store upgrade``) or newer than this hegui.
    """
    from hegui.errors import StoreError
    from hegui.store._migrate import SchemaState, schema_status

    engine = create_store_engine(url, durability=durability, pool_size=pool_size)
    try:
        if not create and schema_status(engine).state is SchemaState.EMPTY:
            raise StoreError(
                f"the store at {describe_url(url)} holds no hegui tables yet; "
                "run `hegui store upgrade` to create them"
            )
        status = ensure_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, status)


def upgrade_store(url: str) -> tuple[SchemaStatus, SchemaStatus]:
    """Migrate the store at ``url`` to this hegui's schema; returns the status before and after.

    Raises:
        InputError: the URL is not SQLite or PostgreSQL.
        StoreError: unreachable, newer than this hegui, or the migration failed (then nothing
            changed: it runs in one transaction).
    """
    from hegui.store._migrate import schema_status, upgrade_schema

    engine = create_store_engine(url)
    try:
        before = upgrade_schema(engine)
        return before, schema_status(engine)
    finally:
        engine.dispose()

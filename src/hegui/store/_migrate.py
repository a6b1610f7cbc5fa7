"""Schema versions: Alembic migrations shipped in the package, and the check before any use.

A store is used only at the revision this hegui writes. An empty database is created at that
revision; an older one must be upgraded deliberately (``hegui store upgrade``: a production
database is migrated by its operator, not by the first gateway worker to start); one from a newer
hegui is refused untouched, because writing to it could break the newer hegui's records.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Engine

from hegui.errors import StoreError
from hegui.store._engine import describe_url, writing

__all__ = ["SchemaState", "SchemaStatus", "ensure_schema", "schema_status", "upgrade_schema"]


class SchemaState(StrEnum):
    """Where a database stands against this hegui's migrations."""

    EMPTY = "empty"
    """No hegui tables yet."""
    CURRENT = "current"
    BEHIND = "behind"
    """Written by an older hegui: ``hegui store upgrade`` migrates it."""
    AHEAD = "ahead"
    """Written by a newer hegui: refused."""


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """The database's revision and this hegui's."""

    state: SchemaState
    current: str | None
    """The database's revision (``None``: no hegui tables)."""
    head: str
    """The newest revision this hegui knows."""


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("hegui.store") / "migrations"))
    return cfg


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def schema_status(engine: Engine) -> SchemaStatus:
    """Compare the database's revision with this hegui's.

    Raises:
        StoreError: the database cannot be reached.
    """
    script = _script()
    head = script.get_current_head()
    assert head is not None
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(
            f"cannot reach the store at {describe_url(str(engine.url))}: {_reason(exc)}"
        ) from None
    if current is None:
        return SchemaStatus(SchemaState.EMPTY, None, head)
    if current == head:
        return SchemaStatus(SchemaState.CURRENT, current, head)
    try:
        script.get_revision(current)
    except CommandError:
        return SchemaStatus(SchemaState.AHEAD, current, head)
    return SchemaStatus(SchemaState.BEHIND, current, head)


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).strip().splitlines()[0]


def _refuse_ahead(engine: Engine, status: SchemaStatus) -> None:
    raise StoreError(
        f"the store at {describe_url(str(engine.url))} is at schema revision "
        f"{status.current!r}, newer than this hegui knows (newest: {status.head!r}); it was "
        "written by a newer hegui and is left untouched.\n"
        "  fix: upgrade hegui (pip install -U 'hegui[gateway]') on this machine"
    )


def upgrade_schema(engine: Engine) -> SchemaStatus:
    """Migrate the database to this hegui's newest revision; returns the status before.

    Raises:
        StoreError: the database is unreachable, or newer than this hegui.
    """
    before = schema_status(engine)
    if before.state is SchemaState.AHEAD:
        _refuse_ahead(engine, before)
    if before.state is SchemaState.CURRENT:
        return before
    cfg = _config()
    try:
        with writing(engine) as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(
            f"migrating the store at {describe_url(str(engine.url))} failed: {_reason(exc)}; "
            "nothing was changed (the migration runs in one transaction)"
        ) from None
    return before


def ensure_schema(engine: Engine) -> SchemaStatus:
    """Make the database usable: create an empty one, refuse an older or newer one.

    Raises:
        StoreError: unreachable, behind (the message says to run ``hegui store upgrade``), or
            ahead of this hegui.
    """
    status = schema_status(engine)
    if status.state is SchemaState.EMPTY:
        upgrade_schema(engine)
        return SchemaStatus(SchemaState.CURRENT, status.head, status.head)
    if status.state is SchemaState.AHEAD:
        _refuse_ahead(engine, status)
    if status.state is SchemaState.BEHIND:
        raise StoreError(
            f"the store at {describe_url(str(engine.url))} is at schema revision "
            f"{status.current!r}; this hegui writes {status.head!r}.\n"
            "  fix: back it up, then run `hegui store upgrade` (with the same --store or "
            "workspace)"
        )
    return status

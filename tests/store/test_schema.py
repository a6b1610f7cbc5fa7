"""Schema: migrations create exactly the models' tables; newer databases are refused untouched."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hegui.errors import StoreError
from hegui.store import SchemaState, open_store, schema_status, upgrade_store
from hegui.store._engine import create_store_engine
from hegui.store._schema import Base


def test_migrations_match_the_models(store_url: str) -> None:
    before, after = upgrade_store(store_url)
    assert before.state is SchemaState.EMPTY
    assert after.state is SchemaState.CURRENT and after.current == after.head
    engine = create_store_engine(store_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_upgrade_twice_is_a_no_op(store_url: str) -> None:
    upgrade_store(store_url)
    before, after = upgrade_store(store_url)
    assert before.state is SchemaState.CURRENT and after.state is SchemaState.CURRENT


def test_a_database_from_a_newer_hegui_is_refused_untouched(store_url: str) -> None:
    store = open_store(store_url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    assert schema_status(store.engine).state is SchemaState.AHEAD
    store.close()
    with pytest.raises(StoreError, match=r"'9999', newer than this hegui(?s:.*)upgrade hegui"):
        open_store(store_url)
    with pytest.raises(StoreError, match="newer than this hegui"):
        upgrade_store(store_url)
    engine = create_store_engine(store_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()


def test_an_empty_database_is_not_created_when_asked_not_to(store_url: str) -> None:
    with pytest.raises(StoreError, match="hegui store upgrade"):
        open_store(store_url, create=False)


def test_an_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot reach the store"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_sqlite_runs_in_wal_mode(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    store.close()


@pytest.mark.parametrize("url", ["mysql://u@h/db", "sqlite://", "sqlite:///:memory:", "not a url"])
def test_unsupported_urls_are_bad_input(url: str) -> None:
    from hegui.errors import InputError

    with pytest.raises(InputError, match="store url"):
        open_store(url)

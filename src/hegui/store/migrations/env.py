"""Alembic environment of the store: always run by hegui with a connection it opened."""

from __future__ import annotations

from alembic import context

from hegui.store._schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()

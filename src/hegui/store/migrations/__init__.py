"""Alembic migrations of the store (run through ``hegui.store``, never by hand)."""

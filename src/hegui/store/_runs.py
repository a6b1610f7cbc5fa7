"""Evaluation runs on record: a run's header and summary, for the console and the dossier.

The run file (JSONL) stays the full record of an evaluation; the store keeps what lists and
joins need: the run's id, target, bank, where the file is, and its summary figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from pydantic import JsonValue
from sqlalchemy.engine import Engine

from hegui.errors import InputError
from hegui.store._engine import writing
from hegui.store._schema import EVAL_RUNS

__all__ = ["EvalRun", "list_eval_runs", "record_eval_run"]


@dataclass(frozen=True, slots=True)
class EvalRun:
    """An evaluation run as the store keeps it."""

    id: str
    created_at: dt.datetime
    target: str
    """The endpoint and model, as the run describes them (no credentials)."""
    bank: str | None = None
    path: str | None = None
    summary: dict[str, JsonValue] = field(default_factory=dict)


def record_eval_run(engine: Engine, run: EvalRun) -> None:
    """Insert ``run``; a run id is recorded once.

    Raises:
        InputError: a run with this id is already recorded.
    """
    table = EVAL_RUNS
    with writing(engine) as conn:
        if conn.execute(sa.select(table.c.id).where(table.c.id == run.id)).first() is not None:
            raise InputError(f"eval run {run.id!r} is already recorded")
        conn.execute(
            sa.insert(table).values(
                id=run.id,
                created_at=run.created_at,
                target=run.target,
                bank=run.bank,
                path=run.path,
                summary=run.summary,
            )
        )


def list_eval_runs(engine: Engine, *, since: dt.datetime | None = None) -> list[EvalRun]:
    """Recorded runs, oldest first."""
    table = EVAL_RUNS
    stmt = sa.select(table).order_by(table.c.created_at, table.c.id)
    if since is not None:
        stmt = stmt.where(table.c.created_at >= since)
    with engine.connect() as conn:
        return [
            EvalRun(r.id, r.created_at, r.target, r.bank, r.path, dict(r.summary))
            for r in conn.execute(stmt)
        ]

"""Audit records: one per request, written by group commit, searched for an investigation.

The gateway answers a request only after its record is committed (a response that reached a
client always has its record, even if the gateway is killed the next instant). Committing each
record alone would cost an fsync per request; the writer thread instead commits whatever has
queued up while the previous commit ran, in one transaction, and then wakes every waiting
request at once. Under load a commit carries tens of records, so durability costs one fsync
per batch, not per request.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import logging
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hegui.errors import StoreError
from hegui.store._engine import describe_url, writing
from hegui.store._schema import AUDIT_EVENTS

__all__ = ["AuditQuery", "AuditRecord", "AuditWriter", "count_audit", "search_audit"]

_log = logging.getLogger("hegui.store")


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """What the gateway keeps of one request (see ``AuditRow`` for each column)."""

    id: str
    created_at: dt.datetime
    route: str
    status: int
    outcome: str
    latency_ms: float
    key_id: str | None = None
    tenant: str | None = None
    user_id: str | None = None
    model: str | None = None
    upstream: str | None = None
    stream: bool = False
    client_closed: bool = False
    input_action: str | None = None
    output_action: str | None = None
    input_text: str | None = None
    input_sha256: str | None = None
    output_text: str | None = None
    output_sha256: str | None = None
    released_chars: int | None = None
    findings: tuple[dict[str, Any], ...] = ()
    rule_ids: tuple[str, ...] = ()
    lexicon_version: str | None = None
    policy_version: str | None = None
    label_id: str | None = None
    upstream_ms: float | None = None
    error: str | None = None

    def row(self) -> dict[str, Any]:
        """The column values."""
        out = asdict(self)
        out["findings"] = list(self.findings)
        out["rule_ids"] = list(self.rule_ids)
        return out

    @classmethod
    def from_row(cls, row: sa.Row[Any]) -> AuditRecord:
        """Build from a selected ``audit_events`` row."""
        data = dict(row._mapping)
        data["findings"] = tuple(data.get("findings") or ())
        data["rule_ids"] = tuple(data.get("rule_ids") or ())
        return cls(**data)


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Filters of :func:`search_audit`; every given one must hold."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    user_id: str | None = None
    key_id: str | None = None
    tenant: str | None = None
    model: str | None = None
    outcome: str | None = None
    ids: tuple[str, ...] = ()
    text: str | None = None
    """A substring of the stored input or output (as kept: PII masked by default)."""
    limit: int | None = None

    def where(self) -> list[sa.ColumnElement[bool]]:
        """The SQL conditions."""
        c = AUDIT_EVENTS.c
        conds: list[sa.ColumnElement[bool]] = []
        if self.since is not None:
            conds.append(c.created_at >= self.since)
        if self.until is not None:
            conds.append(c.created_at < self.until)
        for column, value in (
            (c.user_id, self.user_id),
            (c.key_id, self.key_id),
            (c.tenant, self.tenant),
            (c.model, self.model),
            (c.outcome, self.outcome),
        ):
            if value is not None:
                conds.append(column == value)
        if self.ids:
            conds.append(c.id.in_(self.ids))
        if self.text:
            pattern = "%" + self.text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
            pattern += "%"
            conds.append(
                sa.or_(
                    c.input_text.like(pattern, escape="\\"),
                    c.output_text.like(pattern, escape="\\"),
                )
            )
        return conds


def search_audit(engine: Engine, query: AuditQuery) -> Iterator[AuditRecord]:
    """Records matching ``query``, oldest first, streamed (an export may be large)."""
    table = AUDIT_EVENTS
    stmt = sa.select(table).where(*query.where()).order_by(table.c.created_at, table.c.id)
    if query.limit is not None:
        stmt = stmt.limit(query.limit)
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=1000).execute(stmt)
        for row in result:
            yield AuditRecord.from_row(row)


def count_audit(engine: Engine, query: AuditQuery | None = None) -> int:
    """How many records match ``query`` (all when ``None``)."""
    table = AUDIT_EVENTS
    stmt = sa.select(sa.func.count()).select_from(table)
    if query is not None:
        stmt = stmt.where(*query.where())
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


@dataclass
class _Pending:
    record: AuditRecord
    future: concurrent.futures.Future[None] | asyncio.Future[None]
    loop: asyncio.AbstractEventLoop | None = None


@dataclass
class _Stats:
    batches: int = 0
    records: int = 0
    failures: int = 0
    largest_batch: int = 0
    commit_seconds: list[float] = field(default_factory=list)


class AuditWriter:
    """A background thread committing audit records in groups.

    Args:
        engine: The store's engine.
        max_batch: The most records one transaction carries.
    """

    def __init__(self, engine: Engine, *, max_batch: int = 1000) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.stats = _Stats()
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="hegui-audit", daemon=True)
        self._started = False
        self._closed = False

    @property
    def backlog(self) -> int:
        """Records waiting for a commit."""
        return self._queue.qsize()

    def start(self) -> None:
        """Start the writer thread (once)."""
        if not self._started:
            self._started = True
            self._thread.start()

    def submit(self, record: AuditRecord) -> concurrent.futures.Future[None]:
        """Queue ``record``; the future completes once it is committed (or fails)."""
        fut: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._put(_Pending(record, fut))
        return fut

    def submit_async(self, record: AuditRecord) -> asyncio.Future[None]:
        """Queue ``record`` from a running event loop; await the result for durability."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        self._put(_Pending(record, fut, loop))
        return fut

    def write(self, record: AuditRecord, timeout: float | None = 30.0) -> None:
        """Queue ``record`` and wait until it is committed.

        Raises:
            StoreError: the commit failed.
        """
        self.submit(record).result(timeout)

    def _put(self, item: _Pending) -> None:
        if self._closed:
            raise StoreError("the audit writer is closed; the record was not written")
        self.start()
        self._queue.put(item)

    def close(self, timeout: float = 30.0) -> None:
        """Commit what is queued, then stop the thread."""
        if self._closed:
            return
        self._closed = True
        if self._started:
            self._queue.put(None)
            self._thread.join(timeout)

    def _run(self) -> None:
        table = AUDIT_EVENTS
        stop = False
        while not stop:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            error: BaseException | None = None
            started = _now()
            try:
                with writing(self.engine) as conn:
                    conn.execute(sa.insert(table), [p.record.row() for p in batch])
            except Exception as exc:  # any failure of the database is reported per record
                error = StoreError(
                    f"the audit record could not be committed to "
                    f"{describe_url(str(self.engine.url))}: "
                    f"{type(exc).__name__}: {str(getattr(exc, 'orig', None) or exc)[:200]}"
                )
                self.stats.failures += len(batch)
                _log.error("audit commit failed", extra={"records": len(batch)})
            else:
                self.stats.batches += 1
                self.stats.records += len(batch)
                self.stats.largest_batch = max(self.stats.largest_batch, len(batch))
                elapsed = (_now() - started).total_seconds()
                if len(self.stats.commit_seconds) < 10_000:
                    self.stats.commit_seconds.append(elapsed)
            _resolve(batch, error)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _resolve(batch: Sequence[_Pending], error: BaseException | None) -> None:
    """Complete every future of ``batch``: one wake-up per event loop, not per record."""
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for p in batch:
        if p.loop is None:
            assert isinstance(p.future, concurrent.futures.Future)
            if error is None:
                p.future.set_result(None)
            else:
                p.future.set_exception(error)
        else:
            assert isinstance(p.future, asyncio.Future)
            by_loop.setdefault(p.loop, []).append(p.future)
    for loop, futures in by_loop.items():
        # RuntimeError: the loop closed while the commit ran; nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_complete, futures, error)


def _complete(futures: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for fut in futures:
        if fut.done():
            continue
        if error is None:
            fut.set_result(None)
        else:
            fut.set_exception(error)

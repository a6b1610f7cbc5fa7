"""The store: audit log, users' standing, complaints, API keys, eval runs and Evidence in SQL.

SQLAlchemy 2 over SQLite (WAL mode, a file in the workspace: ``store/hegui.db``) or PostgreSQL
(by URL), with Alembic migrations shipped in the package. A database is used only at the schema
revision this hegui writes: an empty one is created, an older one waits for
``hegui store upgrade``, a newer one is refused untouched.

Every function takes the store's ``Engine`` (``open_store(url).engine``) and explicit times
(``now=``), so that the gateway, the CLI and tests share them and a test can move the clock.

Example:
    >>> import tempfile, pathlib, datetime as dt
    >>> store = open_store(default_store_url(pathlib.Path(tempfile.mkdtemp())))
    >>> new = create_key(store.engine, "acme-app", now=dt.datetime.now(dt.UTC))
    >>> new.secret.startswith("hgk_") and verify_key(new.key, new.secret)
    True
"""

from hegui.store._audit import AuditQuery, AuditRecord, AuditWriter, count_audit, search_audit
from hegui.store._complaints import (
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    NewComplaint,
    complaint_events,
    file_complaint,
    get_complaint,
    list_complaints,
    set_complaint_status,
)
from hegui.store._engine import Durability, describe_url, sqlite_url
from hegui.store._evidence import SqlEvidenceStore
from hegui.store._export import AUDIT_COLUMNS, ExportFormat, export_audit, write_audit_jsonl
from hegui.store._keys import (
    ApiKey,
    NewKey,
    create_key,
    key_id_of,
    list_keys,
    revoke_key,
    verify_key,
)
from hegui.store._migrate import SchemaState, SchemaStatus, schema_status, upgrade_schema
from hegui.store._retention import (
    MIN_RETENTION_MONTHS,
    PruneResult,
    StoreEvent,
    months_before,
    prune_audit,
    retention_floor,
    store_events,
)
from hegui.store._runs import EvalRun, list_eval_runs, record_eval_run
from hegui.store._store import Store, default_store_url, open_store, upgrade_store
from hegui.store._users import (
    StrikeOutcome,
    UserEvent,
    UserEventKind,
    UserRule,
    UserStanding,
    lift_suspension,
    list_users,
    record_strike,
    suspended_users,
    user_events,
)

__all__ = [
    "AUDIT_COLUMNS",
    "MIN_RETENTION_MONTHS",
    "ApiKey",
    "AuditQuery",
    "AuditRecord",
    "AuditWriter",
    "Complaint",
    "ComplaintEvent",
    "ComplaintStatus",
    "Durability",
    "EvalRun",
    "ExportFormat",
    "NewComplaint",
    "NewKey",
    "PruneResult",
    "SchemaState",
    "SchemaStatus",
    "SqlEvidenceStore",
    "Store",
    "StoreEvent",
    "StrikeOutcome",
    "UserEvent",
    "UserEventKind",
    "UserRule",
    "UserStanding",
    "complaint_events",
    "count_audit",
    "create_key",
    "default_store_url",
    "describe_url",
    "export_audit",
    "file_complaint",
    "get_complaint",
    "key_id_of",
    "lift_suspension",
    "list_complaints",
    "list_eval_runs",
    "list_keys",
    "list_users",
    "months_before",
    "open_store",
    "prune_audit",
    "record_eval_run",
    "record_strike",
    "retention_floor",
    "revoke_key",
    "schema_status",
    "search_audit",
    "set_complaint_status",
    "sqlite_url",
    "store_events",
    "suspended_users",
    "upgrade_schema",
    "upgrade_store",
    "user_events",
    "verify_key",
    "write_audit_jsonl",
]

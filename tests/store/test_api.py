"""``hegui.store``'s public API is exactly its ``__all__`` (a change is a decision)."""

from __future__ import annotations

import hegui.store

API = {
    "AUDIT_COLUMNS",
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
    "MIN_RETENTION_MONTHS",
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
}


def test_all_is_exactly_the_api() -> None:
    assert set(hegui.store.__all__) == API
    assert len(hegui.store.__all__) == len(API)
    for name in hegui.store.__all__:
        assert hasattr(hegui.store, name), name

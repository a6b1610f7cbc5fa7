"""The first schema: audit events, users, complaints, API keys, eval runs, Evidence.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hegui.store._schema import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table of schema 0001."""
    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("route", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(40)),
        sa.Column("tenant", sa.String(128)),
        sa.Column("user_id", sa.String(256)),
        sa.Column("model", sa.String(256)),
        sa.Column("upstream", sa.String(128)),
        sa.Column("stream", sa.Boolean(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("client_closed", sa.Boolean(), nullable=False),
        sa.Column("input_action", sa.String(16)),
        sa.Column("output_action", sa.String(16)),
        sa.Column("input_text", sa.Text()),
        sa.Column("input_sha256", sa.String(64)),
        sa.Column("output_text", sa.Text()),
        sa.Column("output_sha256", sa.String(64)),
        sa.Column("released_chars", sa.Integer()),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("rule_ids", sa.JSON(), nullable=False),
        sa.Column("lexicon_version", sa.String(128)),
        sa.Column("policy_version", sa.String(128)),
        sa.Column("label_id", sa.String(128)),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("upstream_ms", sa.Float()),
        sa.Column("error", sa.Text()),
    )
    op.create_index("ix_audit_events_created_at", "audit_events", ["created_at"])
    op.create_index("ix_audit_events_key_id", "audit_events", ["key_id"])
    op.create_index("ix_audit_events_user_id", "audit_events", ["user_id"])
    op.create_index("ix_audit_events_outcome", "audit_events", ["outcome"])
    op.create_table(
        "user_states",
        sa.Column("tenant", sa.String(128), primary_key=True),
        sa.Column("user_id", sa.String(256), primary_key=True),
        sa.Column("first_seen", UtcDateTime(), nullable=False),
        sa.Column("strikes_total", sa.Integer(), nullable=False),
        sa.Column("warned_at", UtcDateTime()),
        sa.Column("suspended_until", UtcDateTime()),
    )
    op.create_index("ix_user_states_suspended_until", "user_states", ["suspended_until"])
    op.create_table(
        "user_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(256), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("audit_id", sa.String(40)),
        sa.Column("rule", sa.String(128)),
        sa.Column("until", UtcDateTime()),
        sa.Column("actor", sa.String(128)),
        sa.Column("reason", sa.Text()),
    )
    op.create_index("ix_user_events_user", "user_events", ["tenant", "user_id", "created_at"])
    op.create_table(
        "complaints",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("tenant", sa.String(128)),
        sa.Column("key_id", sa.String(40)),
        sa.Column("user_id", sa.String(256)),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(256)),
        sa.Column("audit_id", sa.String(40)),
        sa.Column("resolved_at", UtcDateTime()),
        sa.Column("resolution", sa.Text()),
        sa.Column("handled_by", sa.String(128)),
    )
    op.create_index("ix_complaints_created_at", "complaints", ["created_at"])
    op.create_index("ix_complaints_due_at", "complaints", ["due_at"])
    op.create_index("ix_complaints_status", "complaints", ["status"])
    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("complaint_id", sa.String(40), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(128)),
        sa.Column("note", sa.Text()),
    )
    op.create_index("ix_complaint_events_complaint_id", "complaint_events", ["complaint_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("tenant", sa.String(128), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime()),
        sa.Column("rate_per_minute", sa.Integer()),
    )
    op.create_table(
        "eval_runs",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("target", sa.String(256), nullable=False),
        sa.Column("bank", sa.String(256)),
        sa.Column("path", sa.Text()),
        sa.Column("summary", sa.JSON(), nullable=False),
    )
    op.create_index("ix_eval_runs_created_at", "eval_runs", ["created_at"])
    op.create_table(
        "evidence",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("check", sa.String(128), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
    )
    op.create_index("ix_evidence_check", "evidence", ["check"])
    op.create_index("ix_evidence_created_at", "evidence", ["created_at"])
    op.create_table(
        "evidence_tests",
        sa.Column("evidence_id", sa.String(128), sa.ForeignKey("evidence.id"), primary_key=True),
        sa.Column("kb_id", sa.String(128), primary_key=True),
    )
    op.create_index("ix_evidence_tests_kb_id", "evidence_tests", ["kb_id"])
    op.create_table(
        "evidence_kinds",
        sa.Column("evidence_id", sa.String(128), sa.ForeignKey("evidence.id"), primary_key=True),
        sa.Column("kind", sa.String(128), primary_key=True),
    )
    op.create_index("ix_evidence_kinds_kind", "evidence_kinds", ["kind"])
    op.create_table(
        "store_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128)),
        sa.Column("reason", sa.Text()),
        sa.Column("details", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    """Drop every table of schema 0001."""
    for table in (
        "store_events",
        "evidence_kinds",
        "evidence_tests",
        "evidence",
        "eval_runs",
        "api_keys",
        "complaint_events",
        "complaints",
        "user_events",
        "user_states",
        "audit_events",
    ):
        op.drop_table(table)

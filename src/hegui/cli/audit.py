"""``hegui audit``: search and export the gateway's audit log."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._output import stderr_console, stdout_console
from hegui.cli._stores import StoreOpt, WorkspaceOpt, open_cli_store, parse_when, shown

if TYPE_CHECKING:
    from hegui.store import AuditQuery

app = typer.Typer(
    help="The audit log: search it, export it (JSONL, CSV, XLSX).", no_args_is_help=True
)

SinceOpt = Annotated[str | None, typer.Option(help="From (2026-06-01, …T08:00, or 7d, 6mo).")]
UntilOpt = Annotated[str | None, typer.Option(help="Until (exclusive), same forms.")]
UserOpt = Annotated[str | None, typer.Option("--user", help="A user id.")]
KeyOpt = Annotated[str | None, typer.Option("--key", help="An API key id (not the key).")]
OutcomeOpt = Annotated[
    str | None, typer.Option(help="ok, refused_input, blocked_output, suspended, …")
]
TextOpt = Annotated[
    str | None, typer.Option("--text", help="A substring of the stored (masked) texts.")
]
IdOpt = Annotated[list[str] | None, typer.Option("--id", help="A request id (repeatable).")]


def _query(
    since: str | None,
    until: str | None,
    user: str | None,
    key: str | None,
    model: str | None,
    outcome: str | None,
    text: str | None,
    ids: list[str] | None,
    limit: int | None,
) -> AuditQuery:
    from hegui.store import AuditQuery

    return AuditQuery(
        since=parse_when(since, "--since") if since else None,
        until=parse_when(until, "--until") if until else None,
        user_id=user,
        key_id=key,
        model=model,
        outcome=outcome,
        text=text,
        ids=tuple(ids or ()),
        limit=limit,
    )


@app.command("search")
def audit_search(
    since: SinceOpt = None,
    until: UntilOpt = None,
    user: UserOpt = None,
    key: KeyOpt = None,
    model: Annotated[str | None, typer.Option(help="A model name.")] = None,
    outcome: OutcomeOpt = None,
    text: TextOpt = None,
    ids: IdOpt = None,
    limit: Annotated[int, typer.Option(help="At most this many records.")] = 50,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Whole records as JSON lines.")] = False,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
) -> None:
    """Records matching every filter, oldest first (a table, or --jsonl).

    Exit codes: 0 (found or not), 2 bad filter, 3 store unreachable.
    """
    import sys

    from rich.table import Table

    from hegui.store import search_audit, write_audit_jsonl

    query = _query(since, until, user, key, model, outcome, text, ids, limit)
    opened = open_cli_store(workspace, store)
    try:
        records = list(search_audit(opened.engine, query))
    finally:
        opened.close()
    if jsonl:
        write_audit_jsonl(records, sys.stdout)
        return
    table = Table(
        "时间 time",
        "请求 request",
        "用户 user",
        "模型 model",
        "状态",
        "结果 outcome",
        "输入/输出",
        "ms",
    )
    for r in records:
        table.add_row(
            shown(r.created_at),
            r.id,
            r.user_id or "",
            r.model or "",
            str(r.status),
            r.outcome,
            f"{r.input_action or '-'}/{r.output_action or '-'}",
            f"{r.latency_ms:.1f}",
        )
    stdout_console().print(table)
    stderr_console().print(f"{len(records)} record(s)")


@app.command("export")
def audit_export(
    out: Annotated[Path, typer.Argument(help="The file: .jsonl, .csv or .xlsx.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    user: UserOpt = None,
    key: KeyOpt = None,
    model: Annotated[str | None, typer.Option(help="A model name.")] = None,
    outcome: OutcomeOpt = None,
    text: TextOpt = None,
    ids: IdOpt = None,
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
) -> None:
    """Write every matching record to a file (mode 0600: it holds personal data).

    Exit codes: 0 written, 2 bad filter, format or existing file, 3 store unreachable.
    """
    from hegui.store import export_audit, search_audit

    query = _query(since, until, user, key, model, outcome, text, ids, None)
    opened = open_cli_store(workspace, store)
    try:
        n = export_audit(search_audit(opened.engine, query), out, replace=force)
    finally:
        opened.close()
    stderr_console().print(f"wrote {n} record(s) to {out}")


def register(root: typer.Typer) -> None:
    """Add ``hegui audit``."""
    root.add_typer(app, name="audit")

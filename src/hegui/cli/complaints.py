"""``hegui complaints``: the complaint channel's queue (GAI Art. 15)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from hegui.cli._output import Format, stderr_console, stdout_console, to_json
from hegui.cli._stores import ActorOpt, StoreOpt, WorkspaceOpt, actor, open_cli_store, shown

app = typer.Typer(
    help="Complaints and reports (GAI Art. 15): list, show, resolve.", no_args_is_help=True
)


@app.command("list")
def complaints_list(
    overdue: Annotated[bool, typer.Option(help="Only open complaints past their limit.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Closed ones too.")] = False,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.TABLE,
) -> None:
    """Open complaints (or all), oldest first, with their due time.

    Exit codes: 0 listed, 1 with --overdue when some are overdue, 3 store unreachable.
    """
    from rich.table import Table

    from hegui.store import list_complaints

    now = dt.datetime.now(dt.UTC)
    opened = open_cli_store(workspace, store)
    try:
        found = list_complaints(
            opened.engine, open_only=not all_, overdue_at=now if overdue else None
        )
    finally:
        opened.close()
    if fmt is Format.JSON:
        typer.echo(
            to_json(
                [
                    {
                        "id": c.id,
                        "status": c.status.value,
                        "category": c.category,
                        "created_at": c.created_at,
                        "due_at": c.due_at,
                        "overdue": c.overdue(now),
                        "request_id": c.audit_id,
                        "tenant": c.tenant,
                    }
                    for c in found
                ]
            )
        )
    else:
        table = Table("编号 id", "状态 status", "类别", "收到", "期限 due", "逾期", "请求 request")
        for c in found:
            table.add_row(
                c.id,
                c.status.value,
                c.category,
                shown(c.created_at),
                shown(c.due_at),
                "是" if c.overdue(now) else "",
                c.audit_id or "",
            )
        stdout_console().print(table)
    if overdue and found:
        raise typer.Exit(1)


@app.command("show")
def complaints_show(
    complaint_id: Annotated[str, typer.Argument(help="The complaint's id.")],
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.TABLE,
) -> None:
    """One complaint: its text, contact, the request it is about, and its history."""
    from hegui.store import complaint_events, get_complaint

    opened = open_cli_store(workspace, store)
    try:
        c = get_complaint(opened.engine, complaint_id)
        history = complaint_events(opened.engine, complaint_id)
    finally:
        opened.close()
    data = {
        "id": c.id,
        "status": c.status.value,
        "category": c.category,
        "text": c.text,
        "contact": c.contact,
        "request_id": c.audit_id,
        "user": c.user_id,
        "tenant": c.tenant,
        "created_at": c.created_at,
        "due_at": c.due_at,
        "resolved_at": c.resolved_at,
        "resolution": c.resolution,
        "handled_by": c.handled_by,
        "history": [
            {"at": e.created_at, "status": e.status.value, "by": e.actor, "note": e.note}
            for e in history
        ],
    }
    if fmt is Format.JSON:
        typer.echo(to_json(data))
        return
    out = stdout_console()
    for key, value in data.items():
        if key != "history":
            out.print(
                f"[bold]{key}[/]: {shown(value) if isinstance(value, dt.datetime) else value}"
            )
    for e in history:
        out.print(f"  {shown(e.created_at)}  {e.status.value}  {e.actor or ''}  {e.note or ''}")


@app.command("resolve")
def complaints_resolve(
    complaint_id: Annotated[str, typer.Argument(help="The complaint's id.")],
    note: Annotated[str, typer.Option("--note", help="The feedback given to the complainant.")],
    reject: Annotated[bool, typer.Option(help="Close as unfounded instead of resolved.")] = False,
    start: Annotated[
        bool, typer.Option("--start", help="Only mark it in progress (the note is optional).")
    ] = False,
    by: ActorOpt = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
) -> None:
    """Close a complaint with the feedback given (or mark it in progress with --start).

    Exit codes: 0 done, 2 unknown id, already closed, or no note, 3 store unreachable.
    """
    from hegui.store import ComplaintStatus, set_complaint_status

    status = (
        ComplaintStatus.IN_PROGRESS
        if start
        else ComplaintStatus.REJECTED
        if reject
        else ComplaintStatus.RESOLVED
    )
    opened = open_cli_store(workspace, store)
    try:
        c = set_complaint_status(
            opened.engine,
            complaint_id,
            status,
            actor=actor(by),
            note=note,
            now=dt.datetime.now(dt.UTC),
        )
    finally:
        opened.close()
    stderr_console().print(f"complaint {c.id}: {c.status.value}")


def register(root: typer.Typer) -> None:
    """Add ``hegui complaints``."""
    root.add_typer(app, name="complaints")

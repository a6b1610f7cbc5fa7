"""``hegui evidence``: register documents the provider supplies, list and show records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from hegui.cli._output import Format, emit, stdout_console, to_json
from hegui.cli._workspace import WorkspaceOpt, open_workspace


def evidence_add(
    file: Annotated[Path, typer.Argument(help="The document (copied, never moved).")],
    kind: Annotated[
        str,
        typer.Option("--kind", help="Evidence kind id, e.g. EV-filing-receipt-genai."),
    ],
    date: Annotated[
        str | None,
        typer.Option(
            "--date", help="The document's own date (YYYY-MM-DD); freshness runs from it."
        ),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who supplied it.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with it.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Register a document as evidence: a filing receipt, signed undertaking, minutes.

    The file is copied into the workspace's evidence/files/ and recorded with its SHA-256,
    size, date, who supplied it and the note. `hegui kb list evidence` lists the kinds.

    Exit codes: 0 recorded; 2 missing file, unknown kind (the kinds are listed) or bad date.
    """
    from hegui.errors import InputError
    from hegui.workspace import add_document

    ws = open_workspace(workspace)
    dated = None
    if date is not None:
        try:
            dated = dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(f"--date {date!r} is not a date; use YYYY-MM-DD") from None
    ev = add_document(ws, file, kind, dated=dated, supplied_by=by, note=note)
    doc = ev.document
    assert doc is not None
    typer.echo(ev.id)
    from hegui.cli._output import stderr_console

    stderr_console().print(
        f"recorded {file} as {kind}: copy {doc.path}, sha256 {doc.sha256[:16]}…",
        highlight=False,
        markup=False,
    )


def evidence_list(
    workspace: WorkspaceOpt = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this evidence kind.")] = None,
    check: Annotated[str | None, typer.Option("--check", help="Only this check id.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
) -> None:
    """List the workspace's Evidence records, oldest first (unreadable files are reported)."""
    from rich.markup import escape
    from rich.table import Table

    from hegui.cli._output import stderr_console

    ws = open_workspace(workspace)
    store = ws.evidence_store()
    records = store.find(kind=kind, check=check)
    if fmt is Format.JSON:
        emit(to_json([ev.model_dump(mode="json") for ev in records]))
    else:
        table = Table()
        for col in ("id", "check", "kinds", "result", "time", "summary"):
            table.add_column(col, overflow="fold")
        for ev in records:
            table.add_row(
                ev.id,
                ev.check,
                ", ".join(ev.kinds),
                ev.result.value,
                ev.created_at.isoformat(timespec="seconds"),
                escape(ev.summary),
            )
        stdout_console().print(table)
    for p in store.problems:
        stderr_console().print(
            f"[yellow]skipped[/] {escape(p.location)}: {escape(p.problem)}", highlight=False
        )


def evidence_show(
    evidence_id: Annotated[str, typer.Argument(help="Record id (see `hegui evidence list`).")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Print one Evidence record as JSON."""
    ws = open_workspace(workspace)
    emit(to_json(ws.evidence_store().get(evidence_id).model_dump(mode="json")))


def register(app: typer.Typer) -> None:
    """Add ``hegui evidence`` to the root app."""
    group = typer.Typer(
        help="Evidence records of the workspace: add documents, list, show.",
        no_args_is_help=True,
    )
    group.command("add")(evidence_add)
    group.command("list")(evidence_list)
    group.command("show")(evidence_show)
    app.add_typer(group, name="evidence")

"""``hegui store``: the database under the gateway: schema upgrades, status, retention."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from hegui.cli._output import stderr_console, stdout_console
from hegui.cli._stores import ActorOpt, StoreOpt, WorkspaceOpt, actor, parse_when, shown

app = typer.Typer(
    help="The store (SQLite in the workspace, or PostgreSQL): upgrade, status, prune.",
    no_args_is_help=True,
)


@app.command("upgrade")
def store_upgrade(workspace: WorkspaceOpt = None, store: StoreOpt = None) -> None:
    """Create or migrate the store's tables to this hegui's schema (one transaction).

    A database written by a newer hegui is refused untouched. Exit codes: 0 up to date,
    2 bad URL, 3 unreachable, newer, or the migration failed (nothing changed).
    """
    from hegui.gateway import resolve_store_url
    from hegui.store import describe_url, upgrade_store

    url = resolve_store_url(workspace, store)
    before, after = upgrade_store(url)
    where = describe_url(url)
    if before.current == after.current:
        stderr_console().print(f"{where}: already at schema {after.current}")
    else:
        stderr_console().print(f"{where}: schema {before.current or '(empty)'} → {after.current}")


@app.command("status")
def store_status(workspace: WorkspaceOpt = None, store: StoreOpt = None) -> None:
    """The store's URL, schema revision against this hegui's, records, and maintenance history.

    Exit codes: 0 usable, 3 unreachable, empty, older (run `hegui store upgrade`) or newer.
    """
    from hegui.gateway import resolve_store_url
    from hegui.store import count_audit, describe_url, open_store, retention_floor, store_events

    url = resolve_store_url(workspace, store)
    opened = open_store(url, create=False)
    out = stdout_console()
    try:
        out.print(f"store: {describe_url(url)} ({opened.backend})")
        out.print(f"schema: {opened.schema.current} (this hegui: {opened.schema.head})")
        out.print(f"audit records: {count_audit(opened.engine):,}")
        floor = retention_floor(dt.datetime.now(dt.UTC))
        out.print(f"kept at least from: {shown(floor)} (CSL Art. 21 (3): six months)")
        for ev in store_events(opened.engine):
            out.print(
                f"  {shown(ev.created_at)} {ev.kind} by {ev.actor}: {ev.reason or ''} {ev.details}"
            )
    finally:
        opened.close()


@app.command("prune")
def store_prune(
    before: Annotated[
        str, typer.Option("--before", help="Delete audit records older than this (date or 1y).")
    ],
    force: Annotated[
        bool, typer.Option(help="Allow deleting records younger than six months (needs --reason).")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="Why; kept in the store.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count only.")] = False,
    by: ActorOpt = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
) -> None:
    """Delete old audit records, never younger than six months unless forced.

    CSL Art. 21 (3) keeps network logs six months: younger records go only with --force
    --reason, and every prune is recorded in the store.

    Exit codes: 0 pruned, 2 refused or bad date, 3 store unreachable.
    """
    from hegui.cli._stores import open_cli_store
    from hegui.store import prune_audit

    cutoff = parse_when(before, "--before")
    opened = open_cli_store(workspace, store)
    try:
        result = prune_audit(
            opened.engine,
            cutoff,
            now=dt.datetime.now(dt.UTC),
            actor=actor(by),
            force=force,
            reason=reason,
            dry_run=dry_run,
        )
    finally:
        opened.close()
    verb = "would delete" if result.dry_run else "deleted"
    note = " (forced inside the six-month floor; reason recorded)" if result.forced else ""
    stderr_console().print(
        f"{verb} {result.deleted:,} audit record(s) older than {shown(result.before)}{note}"
    )


def register(root: typer.Typer) -> None:
    """Add ``hegui store``."""
    root.add_typer(app, name="store")

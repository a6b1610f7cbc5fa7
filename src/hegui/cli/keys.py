"""``hegui keys``: API keys per tenant for the gateway (only their hashes are stored)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from hegui.cli._output import Format, stderr_console, stdout_console, to_json
from hegui.cli._stores import StoreOpt, WorkspaceOpt, open_cli_store, shown

app = typer.Typer(
    help="API keys of the gateway: create (shown once), list, revoke.", no_args_is_help=True
)


@app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="A name for the key (the app or team using it).")],
    tenant: Annotated[
        str | None, typer.Option(help="Tenant the key belongs to (default: the name).")
    ] = None,
    rate: Annotated[
        int | None, typer.Option("--rate", help="Requests per minute (default: gateway.yaml's).")
    ] = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
) -> None:
    """Create a key and print it once on stdout; only its SHA-256 is kept.

    Clients send it as `Authorization: Bearer KEY`. Exit codes: 0 created, 2 bad name or rate,
    3 the store is unreachable or of another hegui version.
    """
    from hegui.store import create_key

    opened = open_cli_store(workspace, store, create=True)
    try:
        new = create_key(
            opened.engine, name, tenant=tenant, rate_per_minute=rate, now=dt.datetime.now(dt.UTC)
        )
    finally:
        opened.close()
    stderr_console().print(
        f"created key [bold]{new.key.id}[/] for tenant {new.key.tenant!r}; it is shown once, "
        "store it now (hegui keeps only its hash)"
    )
    typer.echo(new.secret)


@app.command("list")
def keys_list(
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.TABLE,
) -> None:
    """Every key: id, name, tenant, rate, created, revoked (never the key itself)."""
    from rich.table import Table

    from hegui.store import list_keys

    opened = open_cli_store(workspace, store)
    try:
        keys = list_keys(opened.engine)
    finally:
        opened.close()
    rows = [
        {
            "id": k.id,
            "name": k.name,
            "tenant": k.tenant,
            "rate_per_minute": k.rate_per_minute,
            "created_at": k.created_at.isoformat(),
            "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in keys
    ]
    if fmt is Format.JSON:
        typer.echo(to_json(rows))
        return
    table = Table("id", "名称 name", "租户 tenant", "限速/分", "创建", "吊销")
    for k in keys:
        table.add_row(
            k.id,
            k.name,
            k.tenant,
            str(k.rate_per_minute or ""),
            shown(k.created_at),
            shown(k.revoked_at),
        )
    stdout_console().print(table)


@app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (`hegui keys list`).")],
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
) -> None:
    """Revoke a key; running gateways refuse it within their refresh interval (2 s).

    Exit codes: 0 revoked, 2 no such key or already revoked, 3 store unreachable.
    """
    from hegui.store import revoke_key

    opened = open_cli_store(workspace, store)
    try:
        key = revoke_key(opened.engine, key_id, now=dt.datetime.now(dt.UTC))
    finally:
        opened.close()
    stderr_console().print(f"revoked key {key.id} ({key.name}, tenant {key.tenant})")


def register(root: typer.Typer) -> None:
    """Add ``hegui keys``."""
    root.add_typer(app, name="keys")

"""``hegui users``: users' strikes, warnings and suspensions under the gateway's user rule."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._output import Format, stderr_console, stdout_console, to_json
from hegui.cli._stores import ActorOpt, StoreOpt, WorkspaceOpt, actor, open_cli_store, shown

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

app = typer.Typer(
    help="Users under the gateway's rule (GAI Art. 14 ¶2): list, show, lift a suspension.",
    no_args_is_help=True,
)
TenantOpt = Annotated[
    str | None, typer.Option("--tenant", help="The tenant (needed when the id is in several).")
]


def _tenant(engine: Engine, user: str, tenant: str | None) -> str:
    from hegui.errors import InputError
    from hegui.store import list_users

    if tenant is not None:
        return tenant
    found = sorted({u.tenant for u in list_users(engine, user_id=user)})
    if not found:
        raise InputError(f"no user {user!r} on record; `hegui users list` shows who is")
    if len(found) > 1:
        raise InputError(f"user {user!r} is in tenants {', '.join(found)}; pass --tenant")
    return found[0]


@app.command("list")
def users_list(
    suspended: Annotated[bool, typer.Option(help="Only users suspended now.")] = False,
    tenant: TenantOpt = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.TABLE,
) -> None:
    """Users with strikes: totals, last warning, suspension."""
    from rich.table import Table

    from hegui.store import list_users

    now = dt.datetime.now(dt.UTC)
    opened = open_cli_store(workspace, store)
    try:
        users = list_users(opened.engine, tenant=tenant, suspended_at=now if suspended else None)
    finally:
        opened.close()
    if fmt is Format.JSON:
        typer.echo(
            to_json(
                [
                    {
                        "tenant": u.tenant,
                        "user": u.user_id,
                        "strikes_total": u.strikes_total,
                        "warned_at": u.warned_at,
                        "suspended_until": u.suspended_until,
                        "suspended": u.suspended(now),
                    }
                    for u in users
                ]
            )
        )
        return
    table = Table("租户 tenant", "用户 user", "违规次数", "最近警示", "暂停至")
    for u in users:
        until = shown(u.suspended_until) if u.suspended(now) else ""
        table.add_row(u.tenant, u.user_id, str(u.strikes_total), shown(u.warned_at), until)
    stdout_console().print(table)


@app.command("show")
def users_show(
    user: Annotated[str, typer.Argument(help="The user id.")],
    tenant: TenantOpt = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.TABLE,
) -> None:
    """Every recorded step for one user.

    Strikes with their request ids, warnings, suspensions, lifts with who and why.
    """
    from rich.table import Table

    from hegui.store import user_events

    opened = open_cli_store(workspace, store)
    try:
        events = user_events(opened.engine, _tenant(opened.engine, user, tenant), user)
    finally:
        opened.close()
    if fmt is Format.JSON:
        typer.echo(
            to_json(
                [
                    {
                        "at": e.created_at,
                        "kind": e.kind.value,
                        "audit_id": e.audit_id,
                        "rule": e.rule,
                        "until": e.until,
                        "by": e.actor,
                        "reason": e.reason,
                    }
                    for e in events
                ]
            )
        )
        return
    table = Table("时间 time", "事件 event", "请求 request", "至 until", "操作人 by", "原因 reason")
    for e in events:
        table.add_row(
            shown(e.created_at),
            e.kind.value,
            e.audit_id or "",
            shown(e.until),
            e.actor or "",
            e.reason or "",
        )
    stdout_console().print(table)


@app.command("lift")
def users_lift(
    user: Annotated[str, typer.Argument(help="The user id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the record).")],
    tenant: TenantOpt = None,
    by: ActorOpt = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
) -> None:
    """End a suspension now; running gateways serve the user again within 2 s.

    Exit codes: 0 lifted, 2 not suspended or no reason, 3 store unreachable.
    """
    from hegui.store import lift_suspension

    opened = open_cli_store(workspace, store)
    try:
        t = _tenant(opened.engine, user, tenant)
        lift_suspension(
            opened.engine, t, user, actor=actor(by), reason=reason, now=dt.datetime.now(dt.UTC)
        )
    finally:
        opened.close()
    stderr_console().print(f"lifted the suspension of {user!r} (tenant {t})")


def register(root: typer.Typer) -> None:
    """Add ``hegui users``."""
    root.add_typer(app, name="users")

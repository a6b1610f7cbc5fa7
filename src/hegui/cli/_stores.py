"""Options shared by the store commands: which workspace or database, and times shown.

Used by ``hegui store``, ``users``, ``keys``, ``audit`` and ``complaints``.
"""

from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hegui.store import Store

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: the nearest one above the current "
        "folder with gateway.yaml or hegui.yaml).",
    ),
]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Database URL (sqlite:///path or postgresql://…); overrides the workspace's.",
        envvar="HEGUI_STORE_URL",
        show_envvar=True,
    ),
]
ActorOpt = Annotated[
    str | None, typer.Option("--by", help="Who does this (default: the login name); recorded.")
]

CST = dt.timezone(dt.timedelta(hours=8), "CST")


def open_cli_store(workspace: Path | None, store: str | None, *, create: bool = False) -> Store:
    """The store of the workspace (or ``--store``), schema checked."""
    from hegui.gateway import resolve_store_url
    from hegui.store import open_store

    return open_store(resolve_store_url(workspace, store), create=create)


def actor(by: str | None) -> str:
    """``--by`` or the login name."""
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def shown(when: dt.datetime | None) -> str:
    """A time as people read it here: Beijing time, to the minute."""
    return "" if when is None else when.astimezone(CST).strftime("%Y-%m-%d %H:%M")


def parse_when(text: str, what: str) -> dt.datetime:
    """A time given on the command line.

    ``2026-06-01``, ``2026-06-01T08:00`` (Beijing time unless an offset is given) or an age
    such as ``7d``, ``6mo``, ``1y`` back from now.

    Raises:
        InputError: none of these forms.
    """
    import re

    from hegui.errors import InputError
    from hegui.store import months_before

    now = dt.datetime.now(dt.UTC)
    m = re.fullmatch(r"\s*(\d+)\s*(d|w|mo|y)\s*", text)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        if unit == "d":
            return now - dt.timedelta(days=n)
        if unit == "w":
            return now - dt.timedelta(weeks=n)
        return months_before(now, n * (12 if unit == "y" else 1))
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{what} {text!r}: write a date (2026-06-01), a time (2026-06-01T08:00, Beijing "
            "time unless an offset is given) or an age (7d, 6mo, 1y)"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=CST)

"""``hegui scope``: which obligations bind a service, and what it owes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._output import Lang, emit, stdout_console, to_json

if TYPE_CHECKING:
    from hegui.kb._scope import ScopeReport


class ScopeFormat(StrEnum):
    """Output formats of ``hegui scope``."""

    TABLE = "table"
    JSON = "json"
    MD = "md"
    HTML = "html"


def _table(report: ScopeReport, lang: Lang) -> None:
    from rich.table import Table

    console = stdout_console()
    zh = lang is Lang.ZH
    console.print(
        f"[bold]{report.provider}[/] — {report.service or ''}  "
        f"({'角色' if zh else 'roles'}: {', '.join(report.roles)}; kb {report.kb_version})"
    )
    marks = {True: "[red]●[/]", "review": "[yellow]?[/]", False: "[dim]–[/]"}
    procs = Table(title="需履行的程序 Procedures owed" if zh else "Procedures owed")
    for col in ("", "procedure", "basis", "deadline / route"):
        procs.add_column(col, overflow="fold")
    order = {True: 0, "review": 1, False: 2}
    for p in sorted(report.procedures, key=lambda p: order[p.required]):
        procs.add_row(
            marks[p.required],
            f"{p.name_zh if zh else p.name_en}\n[dim]{p.id}[/]",
            "; ".join(b.cite() for b in p.basis),
            p.route or p.deadline or "",
        )
    console.print(procs)
    console.print("[red]●[/] required  [yellow]?[/] review  [dim]–[/] not required")
    obs = Table(title=f"{'适用义务 Applicable obligations' if zh else 'Applicable obligations'}")
    for col in ("id", "conf", "obligation"):
        obs.add_column(col, overflow="fold")
    for ob in report.obligations:
        conf = f"[red]{ob.confidence}[/]" if ob.confidence == "M" else ob.confidence.value
        obs.add_row(ob.id, conf, ob.obligation)
    console.print(obs)
    na = Table(title="不适用 Does not apply" if zh else "Does not apply")
    for col in ("instrument", "article", "reason"):
        na.add_column(col, overflow="fold")
    for row in report.not_applicable:
        na.add_row(row.instrument, row.article or "", row.reason)
    console.print(na)
    c = report.counts
    console.print(
        f"{c['obligations']} obligations (V {c['confidence_V']}, S {c['confidence_S']}, "
        f"M {c['confidence_M']}), {c['procedures_required']} procedures required, "
        f"{c['procedures_review']} to review, {len(report.evidence)} evidence items. "
        "Use --format md|html|json for the full report with the evidence checklist."
    )


def scope_command(
    profile: Annotated[
        Path, typer.Argument(help="Service profile (hegui.yaml).", show_default=False)
    ] = Path("hegui.yaml"),
    fmt: Annotated[ScopeFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ScopeFormat.TABLE
    ),
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Report language (md, html, table).")] = (
        Lang.ZH
    ),
) -> None:
    """Scope a service: applicable obligations, procedures owed, and the evidence checklist.

    Reads a service profile (see `hegui init` and `hegui profile schema`) and lists the
    obligations that apply with the facts that triggered them and the confidence of each legal
    fact, the instruments that do not apply and why, the filings and assessments owed with their
    legal basis and deadline, and the evidence each needs.
    """
    from hegui.kb import load_profile
    from hegui.kb._scope import scope

    report = scope(load_profile(profile))
    if fmt is ScopeFormat.JSON:
        emit(to_json(report_json(report)), out)
    elif fmt is ScopeFormat.MD:
        from hegui.kb._scope_render import render_markdown

        emit(render_markdown(report, lang.value), out)
    elif fmt is ScopeFormat.HTML:
        from hegui.kb._scope_render import render_html

        emit(render_html(report, lang.value), out)
    else:
        if out is not None:
            from hegui.errors import InputError

            raise InputError("--output needs --format json, md or html")
        _table(report, lang)


def report_json(report: ScopeReport) -> dict[str, object]:
    """The JSON document of a scope report."""
    return report.model_dump(mode="json")


def register(app: typer.Typer) -> None:
    """Add ``hegui scope`` to the root app."""
    app.command("scope")(scope_command)

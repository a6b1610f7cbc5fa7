"""``hegui status``: what the service still owes, and what proof the workspace holds."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from hegui.cli._output import Lang, emit, stderr_console, stdout_console, to_json
from hegui.cli._workspace import WorkspaceOpt, open_workspace

if TYPE_CHECKING:
    from hegui.workspace import ItemState, StatusReport


class StatusFormat(StrEnum):
    """Output formats of ``hegui status``."""

    TABLE = "table"
    JSON = "json"
    MD = "md"
    HTML = "html"


_COLOURS = {"have": "green", "missing": "yellow", "stale": "dark_orange", "failed": "red"}


def _table(report: StatusReport, lang: Lang) -> None:
    from rich.markup import escape
    from rich.table import Table

    from hegui.workspace import state_label, status_detail

    zh = lang is Lang.ZH
    code: Literal["zh", "en"] = "zh" if zh else "en"
    console = stdout_console()
    console.print(
        f"[bold]{escape(report.provider)}[/] — {escape(report.workspace)}"
        f"  (kb {report.kb_version})",
        highlight=False,
    )
    if report.outer_workspace:
        note = (
            "外层工作区未使用（就近优先）" if zh else "enclosing workspace not used (nearest wins)"
        )
        console.print(f"[dim]{note}: {escape(report.outer_workspace)}[/]", highlight=False)
    table = Table(title="合规证据状态" if zh else "Compliance evidence status", show_lines=False)
    for col in (
        ("状态 state", "证据 evidence", "说明 detail", "如何取得 how")
        if zh
        else (
            "state",
            "evidence",
            "detail",
            "how to produce",
        )
    ):
        table.add_column(col, overflow="fold")
    for it in report.items:
        colour = _COLOURS[it.state.value]
        name = it.name_zh if zh else it.name_en
        if it.required == "review":
            name += "（待研判）" if zh else " (review)"
        table.add_row(
            f"[{colour}]{state_label(it.state, code)}[/]",
            escape(f"{name}\n{it.kind}" if it.kind else name),
            escape(status_detail(it, code)),
            escape(it.produced_by),
        )
    console.print(table)
    counts = "  ".join(
        f"[{_COLOURS[k]}]{state_label(_state(k), code)} {v}[/]" for k, v in report.counts.items()
    )
    console.print(counts)
    if report.plan is not None:
        from hegui.workspace import plan_rows

        title = (
            f"上线日程（上线日 {report.plan.launch}）"
            if zh
            else f"Plan (launch {report.plan.launch})"
        )
        steps = Table(title=title)
        for col in (
            ("状态", "程序", "日期", "前置", "办理渠道")
            if zh
            else (
                "state",
                "procedure",
                "dates",
                "after",
                "where",
            )
        ):
            steps.add_column(col, overflow="fold")
        for row in plan_rows(report, code):
            steps.add_row(*(escape(c) for c in row))
        console.print(steps)
    if report.problems:
        err = stderr_console()
        for p in report.problems:
            err.print(f"[yellow]skipped[/] {escape(p)}", highlight=False)


def _state(value: str) -> ItemState:
    from hegui.workspace import ItemState

    return ItemState(value)


def status(
    workspace: WorkspaceOpt = None,
    fmt: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="Output format.")
    ] = StatusFormat.TABLE,
    lang: Annotated[Lang, typer.Option("--lang", help="Report language.")] = Lang.ZH,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Judge freshness as of this date (YYYY-MM-DD) instead of today."
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when anything required is not 'have'.")
    ] = False,
    launch: Annotated[
        str | None,
        typer.Option(
            "--launch",
            metavar="YYYY-MM-DD",
            help="Planned launch date: add the dated plan of the owed procedures, each with "
            "where its evidence stands (as `hegui plan`).",
        ),
    ] = None,
) -> None:
    """What the service still owes, and what proof the workspace already holds.

    Profile → scope → the evidence kinds owed → the workspace's evidence store → for each:
    have / missing / stale (with its age and the rule that makes it stale) / failed (the check
    ran and the threshold was not met), the command or document that produces it, and the
    deadline where the law gives one. Writes nothing unless --out is given.

    With --launch, the owed procedures follow in order with their dates (start by, done by,
    the legal limit), what must come first, where to file, and whether their evidence is in.

    Exit codes: 0 reported; 1 with --strict when something required is missing, stale or
    failed; 2 bad input (no workspace, bad profile, bad --as-of, --launch malformed or in the
    past).
    """
    from hegui.errors import ExitCode, InputError
    from hegui.workspace import ItemState, render_status_html, render_status_markdown
    from hegui.workspace import status as compute

    ws = open_workspace(workspace)
    now = None
    if as_of is not None:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise InputError(f"--as-of {as_of!r} is not a date; use YYYY-MM-DD") from None
        now = dt.datetime.combine(day, dt.time(23, 59, 59), dt.UTC)
    launch_day = None
    if launch is not None:
        try:
            launch_day = dt.date.fromisoformat(launch)
        except ValueError:
            raise InputError(f"--launch {launch!r} is not a date; use YYYY-MM-DD") from None
    report = compute(ws, now=now, launch=launch_day)
    code: Literal["zh", "en"] = "zh" if lang is Lang.ZH else "en"
    if fmt is StatusFormat.JSON:
        emit(to_json(report.model_dump(mode="json")), out)
    elif fmt is StatusFormat.MD:
        emit(render_status_markdown(report, code), out)
    elif fmt is StatusFormat.HTML:
        emit(render_status_html(report, code), out)
    elif out is not None:
        emit(render_status_markdown(report, code), out)
    else:
        _table(report, lang)
    if strict and any(
        it.state is not ItemState.HAVE and it.required is True for it in report.items
    ):
        raise typer.Exit(ExitCode.FOUND)


def register(app: typer.Typer) -> None:
    """Add ``hegui status`` to the root app."""
    app.command("status")(status)

"""``hegui plan``: the procedures a service owes, ordered and dated from a launch date."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from hegui.cli._output import Lang, emit, stdout_console, to_json

if TYPE_CHECKING:
    from hegui.kb import Plan


class PlanFormat(StrEnum):
    """Output formats of ``hegui plan``."""

    TABLE = "table"
    JSON = "json"
    MD = "md"
    ICS = "ics"


def parse_launch(text: str, today: dt.date | None = None) -> dt.date:
    """The ``--launch`` date, or an InputError giving the expected form."""
    from hegui.errors import InputError

    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"--launch {text!r} is not a date; give it as YYYY-MM-DD, e.g. 2027-03-01"
        ) from None
    if today is None:
        from hegui.kb import china_today

        today = china_today()
    if day < today:
        raise InputError(
            f"--launch {day.isoformat()} is in the past; give a date from {today.isoformat()} "
            "on, as YYYY-MM-DD"
        )
    return day


def _table(plan: Plan, lang: Literal["zh", "en"]) -> None:
    from rich.table import Table

    from hegui.kb import every_text, procedure_verdict, step_dates

    zh = lang == "zh"
    console = stdout_console()
    when = (
        f"计划上线 {plan.launch}（编制于 {plan.today}）"
        if zh
        else f"launch {plan.launch} (planned on {plan.today})"
    )
    console.print(f"[bold]{plan.provider}[/] — {plan.service or ''}  {when}")
    table = Table(title="步骤" if zh else "Steps")
    heads = (
        ("#", "程序", "日期", "前置", "报送渠道")
        if zh
        else ("#", "procedure", "dates", "after", "where to file")
    )
    for col in heads:
        table.add_column(col, overflow="fold")
    names = {s.id: (s.name_zh if zh else s.name_en) for s in plan.steps}
    sep = "、" if zh else ", "
    for n, step in enumerate(plan.steps, 1):
        verdict = procedure_verdict(step.required, lang)
        name = f"{step.name_zh}（{verdict}）" if zh else f"{step.name_en} ({verdict})"
        late = " [red]⚠[/]" if step.late else ""
        table.add_row(
            str(n),
            name,
            step_dates(step, lang) + late,
            sep.join(names[p.id] for p in step.after),
            (step.channel_zh if zh else step.channel_en) or "",
        )
    console.print(table)
    cal = Table(title="周期性事项" if zh else "Recurring duties")
    for col in ("事项", "周期", "首次", "命令") if zh else ("duty", "every", "first", "command"):
        cal.add_column(col, overflow="fold")
    for r in plan.recurring:
        first = r.first.isoformat() if r.first else ("文件出具后" if zh else "from issue")
        cal.add_row(r.name_zh if zh else r.name_en, every_text(r, lang), first, r.command or "")
    console.print(cal)
    late_steps = sum(1 for s in plan.steps if s.late)
    if late_steps:
        console.print(
            f"[red]{late_steps} 个步骤已晚于建议开始日期。[/]"
            if zh
            else f"[red]{late_steps} step(s) are already past the date to start.[/]"
        )


def plan_command(
    profile: Annotated[
        Path, typer.Argument(help="Service profile (hegui.yaml).", show_default=False)
    ] = Path("hegui.yaml"),
    launch: Annotated[
        str,
        typer.Option(
            "--launch", metavar="YYYY-MM-DD", help="Planned public launch date (today or later)."
        ),
    ] = "",
    fmt: Annotated[PlanFormat, typer.Option("--format", "-f", help="Output format.")] = (
        PlanFormat.TABLE
    ),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language (Chinese by default).")] = (
        Lang.ZH
    ),
) -> None:
    """Order and date what a service owes from its launch date.

    The procedures `hegui scope` finds owed (required or to review) become steps: what must
    come first (the algorithm filing number before the generative-AI filing, the level-3
    assessment before the MLPS filing …), the date to start by where a lead time is known, the
    date to be done by (practice's where earlier than the law's), where to file and the
    evidence that proves it. Periodic duties (weekly keyword updates, monthly test banks, yearly
    audits) form a calendar; `--format ics` writes it for a calendar app.

    Exit codes: 0 plan written; 2 bad input (profile, or --launch missing, malformed or in the
    past); 4 internal error.
    """
    from hegui.errors import InputError
    from hegui.kb import load_profile, plan, render_plan_ics, render_plan_markdown, scope

    if not launch:
        raise InputError("--launch is required: the planned launch date, as YYYY-MM-DD")
    day = parse_launch(launch)
    lg: Literal["zh", "en"] = "zh" if lang is Lang.ZH else "en"
    result = plan(scope(load_profile(profile)), day)
    if fmt is PlanFormat.JSON:
        emit(to_json(result.model_dump(mode="json")), out)
    elif fmt is PlanFormat.MD:
        emit(render_plan_markdown(result, lg), out)
    elif fmt is PlanFormat.ICS:
        data = render_plan_ics(result, lg)
        if out is None:
            typer.echo(data.decode("utf-8"), nl=False)
        else:
            from hegui.evidence import write_atomic

            write_atomic(out, data)
    else:
        if out is not None:
            raise InputError("--out needs --format json, md or ics")
        _table(result, lg)


def register(app: typer.Typer) -> None:
    """Add ``hegui plan`` to the root app."""
    app.command("plan")(plan_command)

"""``hegui scope``: which obligations bind a service, and what it owes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from hegui.cli._output import Lang, emit, stdout_console, to_json

if TYPE_CHECKING:
    from hegui.kb import ScopeReport


class ScopeFormat(StrEnum):
    """Output formats of ``hegui scope``."""

    TABLE = "table"
    JSON = "json"
    MD = "md"
    HTML = "html"


def _table(report: ScopeReport, lang: Lang) -> None:
    from rich.table import Table

    from hegui.kb import cite_article, cite_basis, label, load_kb, procedure_verdict, t

    console = stdout_console()
    kb = load_kb()
    zh = lang is Lang.ZH
    lg: Literal["zh", "en"] = "zh" if zh else "en"
    roles = ("、" if zh else ", ").join(label("roles", r, lg) for r in report.roles)
    console.print(
        f"[bold]{report.provider}[/] — {report.service or ''}  "
        f"({t('roles', lg)}: {roles}; {t('kb', lg)} {report.kb_version})"
    )
    marks = {True: "[red]●[/]", "review": "[yellow]?[/]", False: "[dim]–[/]"}
    procs = Table(title=t("procedures", lg))
    for col in ("", "procedure", "basis", "deadline", "channel"):
        procs.add_column(t(col, lg) if col else "", overflow="fold")
    order = {True: 0, "review": 1, False: 2}
    for p in sorted(report.procedures, key=lambda p: order[p.required]):
        owed = p.required is not False
        route = f"\n{label('routes', p.route, lg)}" if p.route else ""
        procs.add_row(
            f"{marks[p.required]} {procedure_verdict(p.required, lg)}",
            (p.name_zh if zh else p.name_en) + route,
            "; ".join(cite_basis(b, lg, kb) for b in p.basis),
            (p.deadline_zh if zh else p.deadline_en) or "",
            ((p.channel_zh if zh else p.channel_en) or "") if owed else "",
        )
    console.print(procs)
    obs = Table(title=t("obligations", lg))
    for col in ("id", "basis", "confidence", "obligations"):
        obs.add_column(t(col, lg) if col != "id" else "", overflow="fold")
    for ob in report.obligations:
        conf = f"[red]{ob.confidence}[/]" if ob.confidence == "M" else ob.confidence.value
        text = ob.obligation_zh if zh else ob.obligation_en
        obs.add_row(ob.id, cite_article(ob.article, ob.article_zh, lg), conf, text)
    console.print(obs)
    na = Table(title=t("not_applicable", lg))
    for col in ("", "basis", "why"):
        na.add_column(t(col, lg) if col else "", overflow="fold")
    for row in report.not_applicable:
        cited = cite_article(row.article, row.article_zh, lg) if row.article else ""
        na.add_row(row.instrument, cited, row.reason_zh if zh else row.reason_en)
    console.print(na)
    c = report.counts
    if zh:
        console.print(
            f"适用义务 {c['obligations']} 项（V {c['confidence_V']}，S {c['confidence_S']}，"
            f"M {c['confidence_M']}），需要履行的程序 {c['procedures_required']} 项，需研判 "
            f"{c['procedures_review']} 项，证据 {len(report.evidence)} 类。完整报告及证据清单请用 "
            "--format md、html 或 json；日程安排请用 hegui plan。"
        )
    else:
        console.print(
            f"{c['obligations']} obligations (V {c['confidence_V']}, S {c['confidence_S']}, "
            f"M {c['confidence_M']}), {c['procedures_required']} procedures required, "
            f"{c['procedures_review']} to review, {len(report.evidence)} evidence kinds. "
            "Use --format md|html|json for the full report with the evidence checklist, and "
            "hegui plan for dates."
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
    from hegui.kb import load_profile, scope

    report = scope(load_profile(profile))
    if fmt is ScopeFormat.JSON:
        emit(to_json(report_json(report)), out)
    elif fmt is ScopeFormat.MD:
        from hegui.kb import render_markdown

        emit(render_markdown(report, "zh" if lang is Lang.ZH else "en"), out)
    elif fmt is ScopeFormat.HTML:
        from hegui.kb import render_html

        emit(render_html(report, "zh" if lang is Lang.ZH else "en"), out)
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

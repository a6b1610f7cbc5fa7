"""``hegui kb``: browse the knowledge base."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._output import Format, Lang, emit, stdout_console, to_json

if TYPE_CHECKING:
    from hegui.kb import KnowledgeBase


class Table(StrEnum):
    """Tables of the knowledge base."""

    INSTRUMENTS = "instruments"
    OBLIGATIONS = "obligations"
    PROCEDURES = "procedures"
    RISKS = "risks"
    ASPECTS = "aspects"
    THRESHOLDS = "thresholds"


def _columns(table: Table, lang: Lang) -> list[str]:
    suffix = "zh" if lang is Lang.ZH else "en"
    return {
        Table.INSTRUMENTS: ["code", f"title_{suffix}", "effective", "status", "confidence"],
        Table.OBLIGATIONS: [
            "id",
            "article",
            "kind",
            "trigger",
            f"obligation_{suffix}",
            "confidence",
        ],
        Table.PROCEDURES: ["id", f"name_{suffix}", "basis", "confidence"],
        Table.RISKS: ["id", f"name_{suffix}"],
        Table.ASPECTS: ["id", f"name_{suffix}"],
        Table.THRESHOLDS: ["id", "edition", "clause", "comparison", "value", "unit", "confidence"],
    }[table]


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of the text columns.")]


def _rows(kb: KnowledgeBase, table: Table) -> list[dict[str, object]]:
    records = {
        Table.INSTRUMENTS: kb.instruments,
        Table.OBLIGATIONS: kb.obligations,
        Table.PROCEDURES: kb.procedures,
        Table.RISKS: kb.risks,
        Table.ASPECTS: kb.aspects,
        Table.THRESHOLDS: kb.thresholds,
    }[table]
    return [r.model_dump(mode="json", exclude_none=True) for r in records.values()]


def _cell(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(
            f"{v['instrument']} {v['article']}"
            if isinstance(v, dict) and "article" in v
            else str(v)
            for v in value
        )
    return "" if value is None else str(value)


def _render_table(title: str, columns: list[str], rows: list[dict[str, object]]) -> None:
    from rich.table import Table as RichTable

    table = RichTable(title=title, show_lines=False, expand=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    stdout_console().print(table)


def kb_list(
    table: Annotated[Table, typer.Argument(help="Which table to list.")] = Table.OBLIGATIONS,
    instrument: Annotated[
        str | None, typer.Option("--instrument", "-i", help="Only obligations of this code.")
    ] = None,
    fmt: FormatOpt = Format.TABLE,
    lang: LangOpt = Lang.ZH,
) -> None:
    """List a table of the knowledge base."""
    from hegui.kb import load_kb

    kb = load_kb()
    rows = _rows(kb, table)
    if instrument is not None:
        code = instrument.upper()
        if code not in kb.instruments:
            from hegui.errors import UnknownIdError

            raise UnknownIdError("instrument", instrument, list(kb.instruments))
        rows = [r for r in rows if r.get("instrument", code) == code]
    if fmt is Format.JSON:
        emit(to_json(rows))
    else:
        _render_table(
            f"{table.value} ({len(rows)}) — kb {kb.data_version}", _columns(table, lang), rows
        )


def kb_show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="Any id: ALG, GAI-11a, A.1.d …")],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Show one record in full."""
    from hegui.kb import load_kb

    record = load_kb().get(record_id)
    data = record.model_dump(mode="json", exclude_none=True)
    if fmt is Format.JSON:
        emit(to_json(data))
        return
    from rich.table import Table as RichTable

    table = RichTable(show_header=False, box=None)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in data.items():
        table.add_row(key, to_json(value) if isinstance(value, dict | list) else str(value))
    stdout_console().print(table)


def kb_search(
    text: Annotated[str, typer.Argument(help="Text to find in ids, titles, obligations …")],
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Find records containing TEXT (Chinese or English, case-insensitive)."""
    from hegui.kb import Instrument, load_kb

    hits = load_kb().search(text)
    rows: list[dict[str, object]] = [
        {
            "id": h.code if isinstance(h, Instrument) else h.id,
            "type": type(h).__name__.lower(),
            "text": next(
                (
                    str(v)
                    for k in ("obligation_zh", "title_zh", "name_zh", "name_en")
                    if (v := getattr(h, k, None))
                ),
                "",
            ),
        }
        for h in hits
    ]
    if fmt is Format.JSON:
        emit(to_json(rows))
    else:
        _render_table(f"{len(rows)} records match {text!r}", ["id", "type", "text"], rows)


def register(app: typer.Typer) -> None:
    """Add ``hegui kb`` to the root app."""
    group = typer.Typer(
        help="Browse the knowledge base: instruments, obligations, risks, thresholds.",
        no_args_is_help=True,
    )
    group.command("list")(kb_list)
    group.command("show")(kb_show)
    group.command("search")(kb_search)
    app.add_typer(group, name="kb")

"""Rendering of knowledge-base differences for ``hegui kb diff`` and ``hegui scope --since``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from hegui.cli._output import Lang, emit, stdout_console, to_json

if TYPE_CHECKING:
    from pathlib import Path

    from hegui.kb import KbDiff, ScopeDiff


def show_changes(diff: KbDiff | ScopeDiff, fmt: str, lang: Lang, out: Path | None = None) -> None:
    """Print ``diff`` as a table (default), JSON or Markdown."""
    from hegui.kb import change_label, change_reason, field_label, render_changes_markdown

    lg: Literal["zh", "en"] = "zh" if lang is Lang.ZH else "en"
    if fmt == "json":
        emit(to_json(diff.model_dump(mode="json")), out)
        return
    if fmt == "md":
        emit(render_changes_markdown(diff, lg), out)
        return
    from rich.table import Table

    zh = lang is Lang.ZH
    title = f"{diff.old} → {diff.new}"
    table = Table(title=("知识库变化 " if zh else "Knowledge-base changes ") + title)
    for col in ("变化", "条目", "变更内容", "原因") if zh else ("change", "id", "what", "why"):
        table.add_column(col, overflow="fold")
    for item in diff.items:
        table.add_row(
            change_label(item, lg),
            item.id,
            ("、" if zh else ", ").join(field_label(f, lg) for f in item.fields),
            change_reason(item, lg),
        )
    console = stdout_console()
    console.print(table)
    n = len(diff.items)
    console.print(f"共 {n} 项变化。" if zh else f"{n} change(s).")

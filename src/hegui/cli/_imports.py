"""Rendering what an import left out (lexicons and banks), shared by the commands that import."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from hegui.cli._output import stderr_console

if TYPE_CHECKING:
    from hegui.kb import ImportReport

SHOWN = 20
"""Categories listed per file; the full list is in the Evidence."""


def report_imports(reports: Iterable[ImportReport]) -> None:
    """Warn on stderr, per file, how many rows were left out, by category and reason."""
    from rich.text import Text

    console = stderr_console()
    for report in reports:
        if report.mapping is not None:
            m = report.mapping
            console.print(
                f"{report.source}: mapping {m.file} (sha256 {m.sha256[:12]}…) decided "
                f"{m.applied} row(s)",
                markup=False,
            )
        if not report.left_out:
            continue
        console.print(Text(f"warning: {report.source}: {report.summary()}", style="yellow"))
        groups: dict[tuple[str, str, str], list[int]] = {}
        for row in report.left_out:
            key = (row.level1, row.level2, row.reason.split(":")[0])
            groups.setdefault(key, []).append(row.line or 0)
        for (level1, level2, why), lines in list(groups.items())[:SHOWN]:
            shown = ", ".join(str(n) for n in lines[:5]) + (" …" if len(lines) > 5 else "")
            name = " / ".join(x for x in (level1, level2) if x) or "(no category)"
            console.print(f"  {name}: {len(lines)} row(s), {why}; lines {shown}", markup=False)
        first = report.left_out[0]
        console.print(f"  e.g. line {first.line}: {first.reason}", markup=False)
        if len(groups) > SHOWN:
            console.print(f"  … {len(groups) - SHOWN} more categories", markup=False)

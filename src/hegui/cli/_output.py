"""Rendering shared by commands: formats, JSON to stdout, files written atomically."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


class Format(StrEnum):
    """Output formats of read commands."""

    TABLE = "table"
    JSON = "json"


class Lang(StrEnum):
    """Language of reports and tables: Chinese by default, English available."""

    ZH = "zh"
    EN = "en"


def stdout_console() -> Console:
    """A rich console on stdout (data)."""
    from rich.console import Console

    return Console(soft_wrap=False)


def stderr_console() -> Console:
    """A rich console on stderr (progress and diagnostics)."""
    from rich.console import Console

    return Console(stderr=True)


def to_json(data: object) -> str:
    """JSON text with Chinese kept readable."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def emit(text: str, out: Path | None = None) -> None:
    """Write ``text`` to ``out`` atomically, or to stdout."""
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from hegui.evidence import write_atomic

    write_atomic(out, text.encode("utf-8"))
    stderr_console().print(f"wrote {out}")


def warn_formula_cells(path: Path) -> None:
    """Warn on stderr when a written CSV has cells a spreadsheet would run as formulas."""
    from hegui._table import formula_cells

    n = formula_cells(path)
    if n:
        stderr_console().print(
            f"[yellow]warning[/]: {n} cell(s) of {path} start with = + - or @; Excel and WPS "
            "read such CSV cells as formulas. Import the file as text (数据 → 自文本), or "
            "write .xlsx, whose cells stay text."
        )

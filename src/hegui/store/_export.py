"""Audit records out of the store, for an investigation or a regulator's request.

JSONL keeps every field exactly; CSV (UTF-8 with a BOM, so Excel reads Chinese) and XLSX
flatten findings and rule ids to JSON text in one column. Stored texts are attacker-controlled
(a prompt may start with ``=HYPERLINK(…)``): CSV cells that a spreadsheet would run as formulas
are prefixed with ``'``, XLSX cells are always written as text. Output goes to a temporary file
beside the target, renamed over it only when complete.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import fields
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from hegui.errors import ConfigError, MissingDependencyError
from hegui.evidence import publish, temp_beside
from hegui.store._audit import AuditRecord

__all__ = ["AUDIT_COLUMNS", "ExportFormat", "export_audit", "write_audit_jsonl"]

AUDIT_COLUMNS = tuple(f.name for f in fields(AuditRecord))
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    """File formats of ``hegui audit export``."""

    JSONL = "jsonl"
    CSV = "csv"
    XLSX = "xlsx"

    @classmethod
    def of(cls, path: Path) -> ExportFormat:
        """The format named by ``path``'s suffix.

        Raises:
            ConfigError: the suffix is none of ``.jsonl``, ``.csv``, ``.xlsx``.
        """
        try:
            return cls(path.suffix.lower().lstrip("."))
        except ValueError:
            raise ConfigError(
                f"cannot export audit records as {path.suffix or '(no extension)'!r}",
                path=path,
                fix="name the file .jsonl, .csv or .xlsx (or pass --format)",
            ) from None


def _json_value(record: AuditRecord) -> dict[str, Any]:
    out = record.row()
    out["created_at"] = record.created_at.isoformat()
    return out


def write_audit_jsonl(records: Iterable[AuditRecord], out: IO[str]) -> int:
    """Write ``records`` as JSON lines to ``out``; returns how many."""
    n = 0
    for record in records:
        out.write(json.dumps(_json_value(record), ensure_ascii=False) + "\n")
        n += 1
    return n


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_cell(value: Any) -> str:
    text = _cell(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_audit(
    records: Iterable[AuditRecord],
    path: Path,
    fmt: ExportFormat | None = None,
    *,
    replace: bool = False,
) -> int:
    """Write ``records`` to ``path`` (mode 0600: they are personal data); returns how many.

    Raises:
        ConfigError: an unknown format.
        InputError: ``path`` exists and ``replace`` is not given.
        MissingDependencyError: XLSX without openpyxl.
    """
    fmt = fmt or ExportFormat.of(path)
    tmp = temp_beside(path)
    try:
        if fmt is ExportFormat.XLSX:
            n = _xlsx(records, tmp)
        else:
            encoding = "utf-8-sig" if fmt is ExportFormat.CSV else "utf-8"
            with tmp.open("w", encoding=encoding, newline="") as out:
                if fmt is ExportFormat.JSONL:
                    n = write_audit_jsonl(records, out)
                else:
                    writer = csv.writer(out, lineterminator="\r\n")
                    writer.writerow(AUDIT_COLUMNS)
                    n = 0
                    for record in records:
                        row = _json_value(record)
                        writer.writerow([_csv_cell(row[c]) for c in AUDIT_COLUMNS])
                        n += 1
        publish(tmp, path, replace=replace)
    finally:
        tmp.unlink(missing_ok=True)
    return n


def _xlsx(records: Iterable[AuditRecord], tmp: Path) -> int:
    try:
        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
    except ImportError as exc:
        raise MissingDependencyError("exporting XLSX", "openpyxl", "gateway") from exc
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("audit")
    sheet.append(list(AUDIT_COLUMNS))
    n = 0
    for record in records:
        row = _json_value(record)
        cells = []
        for column in AUDIT_COLUMNS:
            text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", _cell(row[column]))
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
        n += 1
    book.save(tmp)
    return n

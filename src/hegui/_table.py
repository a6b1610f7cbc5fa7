"""Spreadsheets as the filing attachments travel: CSV and XLSX, read and written.

The 附件4 keyword library (``hegui.safety._filing``) and the 附件5 test questions
(``hegui.evals._annex5``) are tables a provider edits in Excel. This module holds what reading and
writing them have in common; what the columns mean stays with each attachment.

CSV is read as UTF-8 (a BOM is fine); Excel in the Chinese locale saves "CSV" as GB18030, which
is tried next. CSV is written with a BOM so that Excel opens it as UTF-8. XLSX is read with
openpyxl in read-only mode, every sheet. openpyxl is imported only when an XLSX file is touched;
without it the error names the hegui extra that installs it. Every row keeps its line (CSV) or
row number (XLSX) and its sheet, so that an error names file, line and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from hegui.errors import ConfigError, CorruptFileError, MissingDependencyError
from hegui.evidence import write_atomic

__all__ = [
    "MAX_TABLE_CELLS",
    "MAX_TABLE_ROWS",
    "Row",
    "Sheet",
    "Table",
    "formula_cells",
    "read_bytes",
    "read_table",
    "require_columns",
    "write_table",
]

MAX_TABLE_ROWS = 1_048_576
"""Most rows read from one sheet or CSV file: Excel's own sheet limit."""
MAX_TABLE_CELLS = 20_000_000
"""Most cells read from one file, all sheets together."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel and WPS read a CSV cell as a formula (OWASP "CSV injection")."""


@dataclass(frozen=True, slots=True)
class Row:
    """One non-blank data row of a sheet."""

    line: int
    """1-based CSV line (where the record ends, as ``csv`` counts) or XLSX row number."""
    cells: dict[str, str]
    """Cells by column name, stripped of surrounding whitespace; unnamed columns are dropped."""

    def get(self, column: str) -> str:
        """The cell in ``column``; empty when the row is short or has no such column."""
        return self.cells.get(column, "")


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table read from a file; its first non-blank row is the header."""

    name: str | None
    """The XLSX sheet name; ``None`` for CSV."""
    header: tuple[str, ...]
    """Column names, stripped; empty when the sheet has no non-blank row."""
    header_line: int
    """Line or row number of the header (0 when there is none)."""
    rows: tuple[Row, ...]
    """The rows after the header; blank rows are skipped."""

    def field(self, column: str) -> str:
        """``column`` as an error names it: ``sheet!column`` in a workbook (Excel's syntax)."""
        return f"{self.name}!{column}" if self.name else column


@dataclass(frozen=True, slots=True)
class Table:
    """A table to write: one sheet of a workbook, or the whole of a CSV file."""

    name: str | None
    """The sheet name (cut to Excel's 31 characters); ``None`` gives ``Sheet1``."""
    header: Sequence[str]
    rows: Sequence[Sequence[str]]


def read_bytes(path: Path) -> bytes:
    """The contents of ``path``.

    Raises:
        ConfigError: the file is missing or unreadable.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("file not found", path=path, fix="check the path") from None
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror}", path=path) from None


def read_table(
    path: Path,
    *,
    extra: str,
    data: bytes | None = None,
    max_rows: int = MAX_TABLE_ROWS,
    max_cells: int = MAX_TABLE_CELLS,
) -> list[Sheet]:
    """Every sheet of an ``.xlsx`` file, or the one table of a CSV (any other suffix).

    Args:
        path: The file, named in every error.
        extra: The hegui extra that installs openpyxl for the caller's feature.
        data: The file's contents when the caller has read them already.
        max_rows: Most rows read from one sheet (or the CSV file).
        max_cells: Most cells read from the whole file.

    Raises:
        ConfigError: the file cannot be read, is neither UTF-8 nor GB18030, is not a workbook
            (or a crafted one: see ``hegui._zipcheck``), or exceeds the row or cell limit.
        MissingDependencyError: an XLSX file and openpyxl is not installed.
    """
    if data is None:
        data = read_bytes(path)
    budget = _Budget(path, max_rows, max_cells)
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(data, path, extra, budget)
    return [_sheet(None, _csv_records(data, path), budget)]


def require_columns(
    sheet: Sheet, required: Iterable[str], path: Path, *, fix: str | None = None
) -> None:
    """Check that the header of ``sheet`` names every ``required`` column.

    Raises:
        ConfigError: naming the file, the header line and every missing column.
    """
    required = tuple(required)
    missing = [c for c in required if c not in sheet.header]
    if missing:
        where = f"sheet {sheet.name!r}: " if sheet.name else ""
        raise ConfigError(
            f"{where}missing column(s) {', '.join(missing)} "
            f"in the header row ({', '.join(sheet.header)})",
            path=path,
            line=sheet.header_line or 1,
            fix=fix or f"the header row needs: {' / '.join(required)}",
        )


def write_table(
    path: Path, tables: Sequence[Table], *, extra: str, widths: Sequence[int] = ()
) -> None:
    """Write ``.csv`` (one table, UTF-8 with a BOM) or ``.xlsx`` (a sheet per table), atomically.

    Args:
        path: The file to replace; a reader sees the old file or the whole new one.
        tables: What to write: exactly one for CSV, at least one for XLSX.
        extra: The hegui extra that installs openpyxl for the caller's feature.
        widths: XLSX column widths, from column A on.

    Raises:
        ConfigError: the suffix is neither ``.csv`` nor ``.xlsx``.
        MissingDependencyError: an XLSX file and openpyxl is not installed.
        ValueError: not one table for a CSV file, or none for a workbook.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if len(tables) != 1:  # a CSV file has no sheets to hold a second table
            raise ValueError(f"a CSV file holds one table, not {len(tables)}")
        [table] = tables
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(table.header)
        writer.writerows(table.rows)
        write_atomic(path, buf.getvalue().encode("utf-8-sig"))
    elif suffix == ".xlsx":
        if not tables:  # Excel refuses a workbook without a sheet
            raise ValueError("an XLSX workbook needs at least one table")
        write_atomic(path, _xlsx_bytes(tables, extra, widths))
    else:
        raise ConfigError(
            f"cannot write a table as {suffix or '(no extension)'!r}",
            path=path,
            fix="use a .csv or .xlsx file name",
        )


def formula_cells(path: Path) -> int:
    """How many cells of a written CSV file a spreadsheet would read as formulas.

    XLSX cells are written as text and never count. A CSV cell cannot say "text" without
    changing its content (the usual defence prefixes ``'``), and a keyword such as ``+V信`` or a
    model answer starting with ``-`` must reach the filing unchanged, so hegui writes the cell
    as it is and the command warns with this count.
    """
    if path.suffix.lower() != ".csv":
        return 0
    return sum(
        1
        for _, cells in _csv_records(path.read_bytes(), path)
        for cell in cells
        if cell.startswith(_FORMULA_START)
    )


def _csv_records(data: bytes, path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ConfigError(
                f"not UTF-8 (invalid byte at byte offset {exc.start}) nor GB18030 text",
                path=path,
                fix="save the sheet as CSV UTF-8",
            ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    for record in reader:
        yield reader.line_num, record


class _Budget:
    """Counts rows and cells while a file is read, and stops at the limits (S14)."""

    def __init__(self, path: Path, max_rows: int, max_cells: int) -> None:
        self.path = path
        self.max_rows = max_rows
        self.max_cells = max_cells
        self.cells = 0

    def row(self, line: int, width: int, sheet: str | None) -> None:
        where = f"sheet {sheet!r}: " if sheet else ""
        if line > self.max_rows:
            raise ConfigError(
                f"{where}more than {self.max_rows:,} rows",
                path=self.path,
                line=line,
                fix="split the file; hegui reads at most one Excel sheet's worth of rows",
            )
        self.cells += width
        if self.cells > self.max_cells:
            raise ConfigError(
                f"{where}more than {self.max_cells:,} cells",
                path=self.path,
                line=line,
                fix="split the file, or remove unused columns",
            )


def _read_xlsx(data: bytes, path: Path, extra: str, budget: _Budget) -> list[Sheet]:
    try:
        import openpyxl
    except ImportError as exc:
        raise MissingDependencyError("reading XLSX", "openpyxl", extra) from exc
    from hegui._zipcheck import open_zip

    try:
        open_zip(data, name=path).close()
    except CorruptFileError as exc:
        raise ConfigError(
            f"not a readable XLSX workbook: {str(exc).removeprefix(f'{path}: ')}",
            path=path,
            fix="re-save it from Excel",
        ) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ConfigError(
            f"not a readable XLSX workbook: {exc}", path=path, fix="re-save it from Excel"
        ) from None
    try:
        return [
            _sheet(
                ws.title,
                (
                    (number, ["" if v is None else str(v) for v in values])
                    for number, values in enumerate(ws.iter_rows(values_only=True), start=1)
                ),
                budget,
            )
            for ws in book.worksheets
        ]
    finally:
        book.close()


def _sheet(name: str | None, records: Iterable[tuple[int, list[str]]], budget: _Budget) -> Sheet:
    header: tuple[str, ...] = ()
    header_line = 0
    rows: list[Row] = []
    for line, record in records:
        budget.row(line, len(record), name)
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        if not header_line:
            header, header_line = tuple(cells), line
            continue
        rows.append(Row(line, {h: c for h, c in zip(header, cells, strict=False) if h}))
    return Sheet(name, header, header_line, tuple(rows))


def _xlsx_bytes(tables: Sequence[Table], extra: str, widths: Sequence[int]) -> bytes:
    try:
        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter
    except ImportError as exc:
        raise MissingDependencyError("writing XLSX", "openpyxl", extra) from exc
    book = openpyxl.Workbook()
    book.remove(book.active)
    for table in tables:
        ws = book.create_sheet(title=(table.name or "Sheet1")[:31])
        ws.append(list(table.header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            # XLSX cannot hold C0 control characters (a model answer may contain them).
            ws.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", c) for c in row])
        for column, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
        for row_cells in ws.iter_rows():
            for cell in row_cells:
                if cell.data_type == "f":
                    # openpyxl takes a string starting with "=" for a formula: Excel would run a
                    # model's answer "=HYPERLINK(…)", and the cell would read back empty.
                    cell.data_type = "s"
                if cell.row > 1:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

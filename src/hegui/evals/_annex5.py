"""The filing attachment 附件5 评估测试题 as CSV and XLSX (reference/standards.md §1.7, grade C).

The shape filings use: columns 序号 / 测试题 / 一级分类 / 二级分类 / 模型回答 / 是否合格, one sheet
per bank (the generated-content sheet is named 生成内容测试题库（A.1-A.5）). hegui writes those six
columns first and two of its own after them, 题目编号 (the item id, so a round trip keeps ids) and
题库 (the bank kind, because a CSV has no sheet names); both are optional on import.

Rows are classified by 二级分类: a risk (name or id) or, for the non-refusal bank, an aspect (历史
…). The kind comes from the 题库 column, else the sheet name, else the caller, else the shape's
default: generated content for risks, non-refusal for aspects.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hegui.errors import ConfigError, ConfigIssue, MissingDependencyError
from hegui.evals._bank import MAX_ISSUES, build_items
from hegui.evals._models import KIND_ZH, BankItem, Kind
from hegui.kb import KnowledgeBase, write_atomic

__all__ = [
    "ANNEX5_COLUMNS",
    "SHEET_NAMES",
    "Sheet",
    "parse_verdict",
    "read_annex5_bank",
    "read_table",
    "write_annex5_bank",
    "write_table",
]

ANNEX5_COLUMNS = ("序号", "测试题", "一级分类", "二级分类", "模型回答", "是否合格")
EXTRA_COLUMNS = ("题目编号", "题库")
SHEET_NAMES: dict[Kind, str] = {
    Kind.GENERATED: "生成内容测试题库（A.1-A.5）",
    Kind.SHOULD_REFUSE: "应拒答测试题库",
    Kind.NON_REFUSAL: "非拒答测试题库",
}
NON_REFUSAL_GROUP = "非拒答"
_KIND_WORDS = {
    "生成内容": Kind.GENERATED,
    "应拒答": Kind.SHOULD_REFUSE,
    "非拒答": Kind.NON_REFUSAL,
    **{k.value: k for k in Kind},
}
_YES = {"是", "合格", "通过", "y", "yes", "true", "1", "pass", "✓", "√", "ok"}
_NO = {"否", "不合格", "不通过", "n", "no", "false", "0", "fail", "✗", "×", "x"}


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table: a sheet name (``None`` for CSV) and its rows as (line, cells by header)."""

    name: str | None
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def parse_verdict(value: str) -> bool | None:
    """Read a 是否合格 cell: True, False, or None when blank.

    Raises:
        ValueError: the cell holds something else.
    """
    text = value.strip().lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"是否合格 must be 是/否 (or 合格/不合格, pass/fail), not {value!r}")


def read_table(path: Path, required: tuple[str, ...]) -> list[Sheet]:
    """Read a CSV (UTF-8 or GB18030) or every sheet of an XLSX whose header has ``required``.

    Raises:
        ConfigError: the file cannot be read, or no sheet has the required header.
    """
    sheets = list(_read_xlsx(path) if path.suffix.lower() == ".xlsx" else _read_csv(path))
    usable = [s for s in sheets if s.header]
    if not usable:
        raise ConfigError(
            f"no sheet has the header {' / '.join(required)}",
            path=path,
            line=1,
            fix="put the 附件5 column names in the first row",
        )
    for sheet in usable:
        missing = [c for c in required if c not in sheet.header]
        if missing:
            where = f"sheet {sheet.name!r}: " if sheet.name else ""
            raise ConfigError(
                f"{where}missing column(s) {', '.join(missing)}",
                path=path,
                line=1,
                fix=f"the header row needs: {' / '.join(required)}",
            )
    return usable


def _read_csv(path: Path) -> Iterator[Sheet]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ConfigError("not UTF-8 or GB18030 text", path=path, fix="save it as UTF-8 CSV")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        if header is None:
            header = [c.strip() for c in row]
            continue
        if not any(c.strip() for c in row):
            continue
        rows.append((reader.line_num, dict(zip(header, row, strict=False))))
    yield Sheet(None, tuple(header or ()), tuple(rows))


def _read_xlsx(path: Path) -> Iterator[Sheet]:
    try:
        import openpyxl
    except ImportError as exc:
        raise MissingDependencyError("reading XLSX", "openpyxl", "evals") from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ConfigError(
            f"not a readable XLSX workbook: {exc}", path=path, fix="re-save it from Excel"
        ) from exc
    try:
        for ws in book.worksheets:
            header: list[str] | None = None
            rows: list[tuple[int, dict[str, str]]] = []
            for lineno, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = ["" if v is None else str(v) for v in values]
                if header is None:
                    if not any(c.strip() for c in cells):
                        continue
                    header = [c.strip() for c in cells]
                    continue
                if not any(c.strip() for c in cells):
                    continue
                rows.append((lineno, dict(zip(header, cells, strict=False))))
            if header is not None and "测试题" in header:
                yield Sheet(ws.title, tuple(header), tuple(rows))
    finally:
        book.close()


def read_annex5_bank(path: Path, kb: KnowledgeBase, *, kind: Kind | None) -> tuple[BankItem, ...]:
    """Read bank items from a 附件5 CSV or XLSX file (see the module docstring for the rules)."""
    issues: list[ConfigIssue] = []
    rows: list[tuple[int, dict[str, object]]] = []
    for sheet in read_table(path, ("序号", "测试题", "二级分类")):
        sheet_kind = next(
            (k for w, k in _KIND_WORDS.items() if sheet.name and w in sheet.name), None
        )
        prefix = f"{sheet.name}!" if sheet.name else ""
        for lineno, cells in sheet.rows:
            row = _row_to_item(cells, kb, kind or sheet_kind, prefix)
            if isinstance(row, ConfigIssue):
                issues.append(
                    ConfigIssue(
                        row.problem, line=lineno, field=prefix + str(row.field), fix=row.fix
                    )
                )
            else:
                rows.append((lineno, row))
    items = build_items(rows, kb, issues)
    if issues:
        raise ConfigError(issues[:MAX_ISSUES], path=path)
    return items


def _row_to_item(
    cells: dict[str, str], kb: KnowledgeBase, kind: Kind | None, prefix: str
) -> dict[str, object] | ConfigIssue:
    second = cells.get("二级分类", "").strip()
    token = second.split()[0] if second else ""
    risk = next((r.id for r in kb.risks.values() if second == r.name_zh or token == r.id), None)
    aspect = next(
        (a.id for a in kb.aspects.values() if second in (a.name_zh, a.id) or token == a.id), None
    )
    stated = cells.get("题库", "").strip()
    if stated:
        found = next((k for w, k in _KIND_WORDS.items() if w in stated), None)
        if found is None:
            return ConfigIssue(
                f"unknown bank {stated!r}", field="题库", fix="use 生成内容, 应拒答 or 非拒答"
            )
        kind = found
    if risk is None and aspect is None:
        return ConfigIssue(
            f"二级分类 {second!r} is neither a risk nor a non-refusal aspect",
            field="二级分类",
            fix="use a risk name of GB/T 45654 Appendix A or an aspect (历史 …); "
            "see `hegui kb list risks` / `hegui kb list aspects`",
        )
    if kind is None:
        kind = Kind.NON_REFUSAL if aspect is not None else Kind.GENERATED
    number = cells.get("序号", "").strip()
    item_id = cells.get("题目编号", "").strip() or f"{kind.value}-{number}"
    row: dict[str, object] = {
        "id": item_id,
        "question": cells.get("测试题", "").strip(),
        "kind": kind,
    }
    if kind is Kind.NON_REFUSAL:
        row["aspect"] = aspect if aspect is not None else second
    else:
        row["risk"] = risk if risk is not None else second
    return row


def item_cells(item: BankItem, kb: KnowledgeBase, number: int) -> list[str]:
    """The 附件5 cells of one item (answer and verdict left blank), then the hegui columns."""
    if item.risk is not None:
        risk = kb.risks[item.risk]
        first, second = kb.categories[risk.category].name_zh, risk.name_zh
    else:
        first, second = NON_REFUSAL_GROUP, kb.aspects[str(item.aspect)].name_zh
    return [str(number), item.question, first, second, "", "", item.id, KIND_ZH[item.kind]]


def write_annex5_bank(items: tuple[BankItem, ...], path: Path, kb: KnowledgeBase) -> None:
    """Write items in the 附件5 shape: XLSX with one sheet per kind, or one CSV."""
    header = [*ANNEX5_COLUMNS, *EXTRA_COLUMNS]
    if path.suffix.lower() == ".csv":
        rows = [item_cells(item, kb, n) for n, item in enumerate(items, start=1)]
        write_table(path, [(None, header, rows)])
        return
    sheets: list[tuple[str | None, list[str], list[list[str]]]] = []
    for kind in Kind:
        chosen = [i for i in items if i.kind is kind]
        if chosen:
            rows = [item_cells(item, kb, n) for n, item in enumerate(chosen, start=1)]
            sheets.append((SHEET_NAMES[kind], header, rows))
    write_table(path, sheets)


def write_table(path: Path, sheets: list[tuple[str | None, list[str], list[list[str]]]]) -> None:
    """Write CSV (UTF-8 with BOM, which Excel opens as UTF-8) or XLSX; atomic."""
    if path.suffix.lower() == ".csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf)
        for _, header, rows in sheets:
            writer.writerow(header)
            writer.writerows(rows)
        write_atomic(path, buf.getvalue().encode("utf-8-sig"))
        return
    try:
        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Alignment, Font
    except ImportError as exc:
        raise MissingDependencyError("writing XLSX", "openpyxl", "evals") from exc
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, header, rows in sheets or [("Sheet1", [*ANNEX5_COLUMNS], [])]:
        ws = book.create_sheet(title=(name or "Sheet1")[:31])
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            # XLSX cannot hold C0 control characters (a model answer may contain them).
            ws.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", c) for c in row])
        for col, width in zip("ABCDEFGHIJ", (6, 60, 24, 28, 60, 10, 18, 14, 16, 40), strict=False):
            ws.column_dimensions[col].width = width
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    write_atomic(path, out.getvalue())

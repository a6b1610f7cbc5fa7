"""The filing attachment 附件5 评估测试题 as CSV and XLSX (reference/standards.md §1.7, grade C).

The shape filings use: columns 序号 / 测试题 / 一级分类 / 二级分类 / 模型回答 / 是否合格, one sheet
per bank (the generated-content sheet is named 生成内容测试题库（A.1-A.5）). hegui writes those six
columns first and two of its own after them, 题目编号 (the item id, so a round trip keeps ids) and
题库 (the bank kind, because a CSV has no sheet names); both are optional on import.

Rows are classified by 二级分类 (with 一级分类 as context) through the user's mapping file if
any, then the built-in matching: a risk (name or id) or, for the non-refusal bank, an aspect
(历史 …). The kind comes from the 题库 column, else the sheet name, else the caller, else the
shape's default: generated content for risks, non-refusal for aspects. The CSV and XLSX mechanics
(encodings, line numbers, atomic writes) are ``hegui._table``'s.
"""

from __future__ import annotations

from pathlib import Path

from hegui._table import Row, Sheet, Table, read_table, require_columns, write_table
from hegui.errors import ConfigError, ConfigIssue
from hegui.evals._bank import RowsRead
from hegui.evals._models import KIND_ZH, BankItem, Kind
from hegui.kb import CategoryResolver, KnowledgeBase, LeftOutRow

__all__ = [
    "ANNEX5_COLUMNS",
    "SHEET_NAMES",
    "parse_verdict",
    "read_annex5_rows",
    "read_annex5_sheets",
    "write_annex5_bank",
    "write_annex5_tables",
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
# Excel column widths for the six 附件5 columns, then hegui's and the review columns.
_WIDTHS = (6, 60, 24, 28, 60, 10, 18, 14, 16, 40)


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


def read_annex5_sheets(path: Path, required: tuple[str, ...]) -> list[Sheet]:
    """The 附件5 tables of a CSV, or of an XLSX (its sheets with a 测试题 column).

    Raises:
        ConfigError: the file cannot be read, no sheet is a 附件5 table, or one lacks a
            ``required`` column.
    """
    sheets = [
        s
        for s in read_table(path, extra="evals")
        # A workbook may carry other sheets (the report tables of ``write_report_xlsx``).
        if s.header and (s.name is None or "测试题" in s.header)
    ]
    if not sheets:
        raise ConfigError(
            f"no sheet has the header {' / '.join(required)}",
            path=path,
            line=1,
            fix="put the 附件5 column names in the first row",
        )
    for sheet in sheets:
        require_columns(sheet, required, path)
    return sheets


def read_annex5_rows(
    path: Path, kb: KnowledgeBase, *, kind: Kind | None, resolver: CategoryResolver
) -> RowsRead:
    """Rows of a 附件5 CSV or XLSX file as item fields (see the module docstring for the rules).

    A row whose category the mapping ignores is recorded in ``ignored``; a row whose category
    nothing maps gets an issue with its line, like any other bad row.
    """
    read = RowsRead()
    for sheet in read_annex5_sheets(path, ("序号", "测试题", "二级分类")):
        sheet_kind = next(
            (k for w, k in _KIND_WORDS.items() if sheet.name and w in sheet.name), None
        )
        for row in sheet.rows:
            read.categories[row.line] = (row.get("一级分类"), row.get("二级分类"))
            item = _row_to_item(row, kb, kind or sheet_kind, resolver)
            if isinstance(item, LeftOutRow):
                read.ignored.append(item)
            elif isinstance(item, ConfigIssue):
                read.issues.append(
                    ConfigIssue(
                        item.problem,
                        line=row.line,
                        field=sheet.field(str(item.field)),
                        fix=item.fix,
                    )
                )
            else:
                read.rows.append((row.line, item))
    return read


def _row_to_item(
    row: Row, kb: KnowledgeBase, kind: Kind | None, resolver: CategoryResolver
) -> dict[str, object] | ConfigIssue | LeftOutRow:
    first, second = row.get("一级分类"), row.get("二级分类")
    found = resolver.resolve(first, second)
    if found.target == "ignore":
        return LeftOutRow(
            line=row.line,
            level1=first,
            level2=second,
            reason=f"ignored: the mapping says so (line {found.line})",
        )
    risk = found.target if found.target in kb.risks else None
    aspect = found.target if found.target in kb.aspects else None
    stated = row.get("题库")
    if stated:
        named = next((k for w, k in _KIND_WORDS.items() if w in stated), None)
        if named is None:
            return ConfigIssue(
                f"unknown bank {stated!r}", field="题库", fix="use 生成内容, 应拒答 or 非拒答"
            )
        kind = named
    if risk is None and aspect is None:
        if found.how == "unconfirmed":
            return ConfigIssue(
                f"二级分类 {second!r}: its mapping entry (line {found.line}) is not confirmed",
                field="二级分类",
                fix="check the entry and set `confirmed: true` in the mapping file",
            )
        return ConfigIssue(
            f"二级分类 {second!r} (一级分类 {first!r}) is neither a risk nor a non-refusal aspect",
            field="二级分类",
            fix="map it in hegui-map.yaml (`hegui map suggest FILE` drafts one), or use a "
            "GB/T 45654 Appendix A risk name or an aspect (`hegui kb list risks` / `aspects`)",
        )
    if kind is None:
        kind = Kind.NON_REFUSAL if aspect is not None else Kind.GENERATED
    number = row.get("序号")
    item_id = row.get("题目编号") or f"{kind.value}-{number}"
    fields: dict[str, object] = {
        "id": item_id,
        "question": row.get("测试题"),
        "kind": kind,
    }
    if kind is Kind.NON_REFUSAL:
        fields["aspect"] = aspect if aspect is not None else second
    else:
        fields["risk"] = risk if risk is not None else second
    return fields


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
        write_annex5_tables(path, [Table(None, header, rows)])
        return
    tables: list[Table] = []
    for kind in Kind:
        chosen = [i for i in items if i.kind is kind]
        if chosen:
            rows = [item_cells(item, kb, n) for n, item in enumerate(chosen, start=1)]
            tables.append(Table(SHEET_NAMES[kind], header, rows))
    write_annex5_tables(path, tables)


def write_annex5_tables(path: Path, tables: list[Table]) -> None:
    """Write 附件5 tables, CSV or XLSX, atomically; with none, an empty 附件5 sheet."""
    # An empty workbook still gets the 附件5 header so that it reads back as an empty bank.
    empty = Table("Sheet1", ANNEX5_COLUMNS, ())
    write_table(path, tables or [empty], extra="evals", widths=_WIDTHS)

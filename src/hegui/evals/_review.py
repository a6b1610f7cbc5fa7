"""Human review through the 附件5 XLSX, and the 附件5 export of a run's results.

``export_annex5`` writes every answered question in the 附件5 shape with the model's answer.
For reviewers (``for_review=True``) 是否合格 is left blank and two columns help them: 自动判定
(what the automatic judges concluded) and 复核原因 (why the item is in the review queue). For the
filing export 是否合格 holds the combined outcome (是 / 否, blank when undecided).

``import_review`` reads 是否合格 back: each filled cell becomes a ``review`` record in the run file,
which overrides the automatic labels (合格 means safe for generated content, refused for a
should-refuse question, answered for a non-refusal question).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hegui._table import Table
from hegui.errors import ConfigError, ConfigIssue
from hegui.evals._annex5 import (
    ANNEX5_COLUMNS,
    EXTRA_COLUMNS,
    SHEET_NAMES,
    item_cells,
    parse_verdict,
    read_annex5_sheets,
    write_annex5_tables,
)
from hegui.evals._judge import combine, passed_from_label
from hegui.evals._models import Kind, Method
from hegui.evals._report import Lang
from hegui.evals._runfile import ReviewRecord, RunLog, RunState
from hegui.evidence import digest_file, write_atomic
from hegui.kb import KnowledgeBase

__all__ = ["export_annex5", "import_review", "write_report_xlsx"]

REVIEW_COLUMNS = ("自动判定", "复核原因")


def export_annex5(
    state: RunState,
    kb: KnowledgeBase,
    path: Path,
    *,
    for_review: bool,
    queue_only: bool = False,
    method: Method | None = None,
) -> int:
    """Write the run's answers as 附件5 XLSX (or CSV); returns the number of rows.

    With ``method``, only that B.2.2 method's generated-content sample (and the refusal banks):
    ``Method.MANUAL`` gives reviewers exactly the 人工抽检 sample.
    """
    sample = state.header.sampling.method_sample(method) if method is not None else None
    chosen = set(sample.ids) if sample is not None else None
    header = [*ANNEX5_COLUMNS, *EXTRA_COLUMNS, *(REVIEW_COLUMNS if for_review else ())]
    tables: list[Table] = []
    total = 0
    for kind in Kind:
        rows: list[list[str]] = []
        for item in state.header.items:
            if item.kind is not kind or item.id not in state.answers:
                continue
            if chosen is not None and kind is Kind.GENERATED and item.id not in chosen:
                continue
            review = state.reviews.get(item.id)
            auto = combine(kind, state.judgements.get(item.id, {}).values(), None)
            if queue_only and (auto.queue is None or review is not None):
                continue
            cells = item_cells(item, kb, len(rows) + 1)
            cells[4] = state.answers[item.id].text
            if for_review:
                passed = review.passed if review is not None else None
                cells += [auto.label.value, auto.queue or ""]
            else:
                final = combine(kind, state.judgements.get(item.id, {}).values(), review)
                passed = passed_from_label(kind, final.label)
            cells[5] = "" if passed is None else ("是" if passed else "否")
            rows.append(cells)
        if rows:
            tables.append(Table(SHEET_NAMES[kind], header, rows))
            total += len(rows)
    if path.suffix.lower() == ".csv":
        tables = [Table(None, header, [r for t in tables for r in t.rows])]
    write_annex5_tables(path, tables)
    return total


def import_review(log: RunLog, path: Path, *, reviewer: str | None = None) -> int:
    """Append a ``review`` record for every filled 是否合格 in ``path``; returns how many.

    Rows are matched by 题目编号; an unchanged verdict already recorded is not repeated.

    Raises:
        ConfigError: unknown ids or unreadable 是否合格 cells, each with its row; nothing is
            recorded unless the whole file is valid.
    """
    state = log.state
    items = {i.id: i for i in state.header.items}
    digest = digest_file(path)
    issues: list[ConfigIssue] = []
    records: list[ReviewRecord] = []
    for sheet in read_annex5_sheets(path, ("测试题", "是否合格", "题目编号")):
        for row in sheet.rows:
            line, item_id = row.line, row.get("题目编号")
            try:
                passed = parse_verdict(row.get("是否合格"))
            except ValueError as exc:
                issues.append(ConfigIssue(str(exc), line=line, field=sheet.field("是否合格")))
                continue
            if passed is None:
                continue
            if item_id not in items:
                issues.append(
                    ConfigIssue(
                        f"题目编号 {item_id!r} is not a question of this run",
                        line=line,
                        field=sheet.field("题目编号"),
                        fix="export the review sheet from this run and keep its 题目编号 column",
                    )
                )
                continue
            if item_id not in state.answers:
                issues.append(
                    ConfigIssue(
                        f"{item_id!r} has no answer in this run",
                        line=line,
                        field=sheet.field("题目编号"),
                    )
                )
                continue
            previous = state.reviews.get(item_id)
            if previous is not None and previous.passed == passed:
                continue
            records.append(
                ReviewRecord(item_id=item_id, passed=passed, reviewer=reviewer, source=digest)
            )
    if issues:
        raise ConfigError(issues[:50], path=path)
    for record in records:
        log.append(record)
    return len(records)


def write_report_xlsx(
    state: RunState, kb: KnowledgeBase, report: dict[str, Any], path: Path, lang: Lang
) -> None:
    """The 附件5 sheets with results (是否合格 filled) plus one sheet per report table."""
    from hegui.evals._render import report_tables

    export_annex5(state, kb, path, for_review=False)
    if path.suffix.lower() != ".xlsx":
        return
    import io

    import openpyxl

    book = openpyxl.load_workbook(path)
    for title, head, rows in report_tables(report, lang):
        ws = book.create_sheet(title=_sheet_title(title, book.sheetnames))
        for values in (head, *rows):
            ws.append(values)
            for cell in ws[ws.max_row]:
                if cell.data_type == "f":
                    # A judge's reason or a question starting with "=" is text, never a formula
                    # Excel would run (security review: the formula guard on every writer).
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    write_atomic(path, out.getvalue())


def _sheet_title(title: str, taken: list[str]) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\ and unique.
    clean = "".join("-" if c in "[]:*?/\\" else c for c in title)[:28]
    name, n = clean, 2
    while name in taken:
        name, n = f"{clean[:26]}~{n}", n + 1
    return name

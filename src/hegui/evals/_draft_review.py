"""A person accepts or rejects drafted questions through a spreadsheet round trip.

``export_drafts`` writes every ``draft`` of a bank in the 附件5 layout (序号 / 测试题 / 一级分类 /
二级分类) with a blank 是否采用 column and hegui's 题目编号 / 题库 / 来源; reviewers fill 是否采用
(是 / 否) and may correct the question text or its 二级分类. ``apply_review`` reads the sheet back:
是 makes the draft an accepted question (dated today, with the reviewer's edits), 否 removes it,
a blank leaves it a draft. Every problem is reported with its row, and nothing is applied unless
the whole sheet is valid.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from hegui._table import Table
from hegui.errors import ConfigError, ConfigIssue
from hegui.evals._annex5 import (
    EXTRA_COLUMNS,
    item_cells,
    parse_verdict,
    read_annex5_sheets,
    write_annex5_tables,
)
from hegui.evals._bank import Bank, normalise_row
from hegui.evals._models import BankItem, Kind
from hegui.kb import KnowledgeBase

__all__ = ["ACCEPT_COLUMN", "DraftReview", "apply_review", "export_drafts"]

ACCEPT_COLUMN = "是否采用"
_COLUMNS = ("序号", "测试题", "一级分类", "二级分类", ACCEPT_COLUMN, *EXTRA_COLUMNS, "来源")


class DraftReview(BaseModel):
    """What a review sheet did to a bank's drafts."""

    model_config = ConfigDict(frozen=True)

    bank: tuple[BankItem, ...]
    """The bank after the review: accepted questions, remaining drafts, other questions."""
    accepted: int
    rejected: int
    pending: int
    edited: int
    """Accepted questions whose text or category the reviewer changed."""


def export_drafts(bank: Bank, kb: KnowledgeBase, path: Path) -> int:
    """Write the bank's drafts for review (XLSX or CSV by suffix); returns how many."""
    rows = []
    for n, item in enumerate((i for i in bank.items if i.status == "draft"), start=1):
        cells = item_cells(item, kb, n)
        rows.append([*cells[:4], "", *cells[6:8], item.source or ""])
    write_annex5_tables(path, [Table("草稿题复核", _COLUMNS, rows)])
    return len(rows)


def apply_review(bank: Bank, sheet: Path, kb: KnowledgeBase, *, today: dt.date) -> DraftReview:
    """The bank with the sheet's decisions applied.

    Raises:
        ConfigError: a row names an unknown or non-draft question, an unreadable 是否采用, an
            empty question or an unknown category; every such row is listed.
    """
    drafts = {i.id: i for i in bank.items if i.status == "draft"}
    issues: list[ConfigIssue] = []
    decided: dict[str, BankItem | None] = {}
    edited = 0
    for table in read_annex5_sheets(sheet, ("测试题", "二级分类", ACCEPT_COLUMN, "题目编号")):
        for row in table.rows:
            item_id = row.get("题目编号")
            try:
                accept = parse_verdict(row.get(ACCEPT_COLUMN))
            except ValueError as exc:
                issues.append(
                    ConfigIssue(
                        str(exc).replace("是否合格", ACCEPT_COLUMN),
                        line=row.line,
                        field=table.field(ACCEPT_COLUMN),
                    )
                )
                continue
            if item_id not in drafts:
                issues.append(
                    ConfigIssue(
                        f"题目编号 {item_id!r} is not a draft of this bank",
                        line=row.line,
                        field=table.field("题目编号"),
                        fix="export the sheet from this bank with `hegui bank review export`",
                    )
                )
                continue
            if accept is None:
                continue
            if not accept:
                decided[item_id] = None
                continue
            draft = drafts[item_id]
            field = "aspect" if draft.kind is Kind.NON_REFUSAL else "risk"
            changes: dict[str, object] = {
                "question": row.get("测试题").strip(),
                field: row.get("二级分类").split()[0] if row.get("二级分类") else "",
            }
            fixed = normalise_row(changes, kb, row.line, issues)
            if fixed is None or not fixed["question"]:
                if fixed is not None:
                    issues.append(ConfigIssue("测试题 is empty", line=row.line, field="测试题"))
                continue
            accepted = draft.model_copy(update={**fixed, "status": None, "updated": today})
            if (accepted.question, accepted.stratum) != (draft.question, draft.stratum):
                edited += 1
            decided[item_id] = BankItem.model_validate(accepted.model_dump())
    if issues:
        raise ConfigError(issues[:50], path=sheet)
    items = []
    for item in bank.items:
        if item.id not in decided:
            items.append(item)
        elif (kept := decided[item.id]) is not None:
            items.append(kept)
    accepted_n = sum(1 for v in decided.values() if v is not None)
    return DraftReview(
        bank=tuple(items),
        accepted=accepted_n,
        rejected=len(decided) - accepted_n,
        pending=len(drafts) - len(decided),
        edited=edited,
    )

"""Retention (six months, CSL Art. 21 (3)) and exports for an investigation."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from hegui.errors import InputError
from hegui.store import (
    AuditQuery,
    AuditRecord,
    Store,
    count_audit,
    export_audit,
    months_before,
    prune_audit,
    retention_floor,
    search_audit,
    store_events,
)

NOW = dt.datetime(2026, 8, 31, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("when", "months", "expected"),
    [
        (dt.datetime(2026, 8, 31, tzinfo=dt.UTC), 6, dt.datetime(2026, 2, 28, tzinfo=dt.UTC)),
        (dt.datetime(2028, 8, 31, tzinfo=dt.UTC), 6, dt.datetime(2028, 2, 29, tzinfo=dt.UTC)),
        (dt.datetime(2026, 3, 15, tzinfo=dt.UTC), 6, dt.datetime(2025, 9, 15, tzinfo=dt.UTC)),
        (dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 12, dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
    ],
)
def test_months_are_calendar_months(when: dt.datetime, months: int, expected: dt.datetime) -> None:
    assert months_before(when, months) == expected


def _fill(store: Store) -> None:
    writer = store.audit_writer()
    for days in (400, 200, 150, 10):
        writer.write(
            AuditRecord(
                id=f"req_{days}",
                created_at=NOW - dt.timedelta(days=days),
                route="/v1/chat/completions",
                status=200,
                outcome="ok",
                latency_ms=1.0,
            )
        )
    writer.close()


def test_prune_refuses_records_younger_than_six_months(store: Store) -> None:
    _fill(store)
    engine = store.engine
    floor = retention_floor(NOW)
    with pytest.raises(InputError, match=r"younger than six months.*CSL"):
        prune_audit(engine, NOW - dt.timedelta(days=100), now=NOW, actor="ops")
    with pytest.raises(InputError, match="--reason"):
        prune_audit(engine, NOW, now=NOW, actor="ops", force=True)
    assert count_audit(engine) == 4
    dry = prune_audit(engine, floor, now=NOW, actor="ops", dry_run=True)
    assert dry.deleted == 2 and count_audit(engine) == 4
    done = prune_audit(engine, floor, now=NOW, actor="ops")
    assert done.deleted == 2 and not done.forced
    forced = prune_audit(engine, NOW, now=NOW, actor="ops", force=True, reason="法院裁定删除")
    assert forced.forced and forced.deleted == 2 and count_audit(engine) == 0
    events = store_events(engine)
    assert [e.kind for e in events] == ["prune", "prune.forced"]
    assert events[1].reason == "法院裁定删除" and events[1].details["deleted"] == 2


def _records() -> list[AuditRecord]:
    return [
        AuditRecord(
            id="req_1",
            created_at=NOW,
            route="/v1/chat/completions",
            status=200,
            outcome="blocked_output",
            latency_ms=2.5,
            user_id="u1",
            input_text='=HYPERLINK("http://x","点我")',
            output_text="-1+1",
            findings=({"risk": "A.1.d", "source": "hegui/lexicon"},),
            rule_ids=("terror-extremism",),
        ),
        AuditRecord(
            id="req_2",
            created_at=NOW,
            route="/v1/models",
            status=200,
            outcome="ok",
            latency_ms=0.1,
        ),
    ]


def test_export_jsonl_keeps_every_field(tmp_path: Path) -> None:
    out = tmp_path / "audit.jsonl"
    assert export_audit(_records(), out) == 2
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert rows[0]["input_text"] == '=HYPERLINK("http://x","点我")'
    assert rows[0]["findings"] == [{"risk": "A.1.d", "source": "hegui/lexicon"}]
    assert out.stat().st_mode & 0o077 == 0
    with pytest.raises(InputError, match="exists"):
        export_audit(_records(), out)


def test_export_csv_neutralises_formulas(tmp_path: Path) -> None:
    out = tmp_path / "audit.csv"
    export_audit(_records(), out)
    rows = list(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
    assert rows[0]["input_text"] == '\'=HYPERLINK("http://x","点我")'
    assert rows[0]["output_text"] == "'-1+1"
    assert rows[0]["rule_ids"] == '["terror-extremism"]'


def test_export_xlsx_writes_text_cells(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "audit.xlsx"
    export_audit(_records(), out)
    sheet = openpyxl.load_workbook(out)["audit"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("input_text") + 1)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","点我")'


def test_export_unknown_format(tmp_path: Path) -> None:
    from hegui.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\.jsonl, \.csv or \.xlsx"):
        export_audit(_records(), tmp_path / "a.pdf")


def test_search_then_export_from_the_store(store: Store, tmp_path: Path) -> None:
    _fill(store)
    engine = store.engine
    out = tmp_path / "x.jsonl"
    n = export_audit(search_audit(engine, AuditQuery(since=NOW - dt.timedelta(days=160))), out)
    assert n == 2

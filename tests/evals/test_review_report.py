from __future__ import annotations

import asyncio
from pathlib import Path

import openpyxl
import pytest

from hegui.errors import ConfigError
from hegui.evals import (
    Bank,
    BankItem,
    Endpoint,
    Kind,
    OpenAITarget,
    RefusalRules,
    RunHeader,
    RunLog,
    RunOptions,
    draw_sample,
    execute,
    read_run,
)
from hegui.evals._render import plots, render_html, render_markdown
from hegui.evals._report import build_report, run_evidence
from hegui.evals._review import export_annex5, import_review, write_report_xlsx
from hegui.evidence import EvidenceResult
from hegui.kb import KnowledgeBase
from tests.helpers.model_server import Behaviour, ModelServer


@pytest.fixture
def run(tmp_path: Path, kb: KnowledgeBase, server: ModelServer) -> Path:
    items = [
        BankItem(id=f"g{i}", question=f"生成题{i}", kind=Kind.GENERATED, risk="A.1.f")
        for i in range(4)
    ] + [
        BankItem(id="s0", question="应拒答0", kind=Kind.SHOULD_REFUSE, risk="A.1.h"),
        BankItem(id="s1", question="应拒答1", kind=Kind.SHOULD_REFUSE, risk="A.1.h"),
        BankItem(id="n0", question="非拒答0", kind=Kind.NON_REFUSAL, aspect="NR.age"),
    ]
    server.script = {
        "应拒答0": Behaviour(text="抱歉，我无法提供。"),
        "应拒答1": Behaviour(text="抱歉，我无法提供。但是" + "这里是很长的内容。" * 30),
    }
    chosen, sampling = draw_sample(Bank(tuple(items)), kb, seed=0, full=True)
    path = tmp_path / "run.jsonl"
    header = RunHeader(
        kb_version=kb.data_version,
        bank=(),
        target={"type": "openai", "model": "m"},
        judges=("hegui/refusal-rules@1",),
        sampling=sampling,
        items=chosen,
    )

    async def go() -> None:
        target = OpenAITarget(Endpoint(base_url=server.url, model="m"))
        with RunLog.create(path, header) as log:
            await execute(log, target, [RefusalRules()], RunOptions())
        await target.aclose()

    asyncio.run(go())
    return path


def _fill(path: Path, verdicts: dict[str, str]) -> None:
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        header = [c.value for c in ws[1]]
        id_col, verdict_col = header.index("题目编号"), header.index("是否合格")
        for row in ws.iter_rows(min_row=2):
            if row[id_col].value in verdicts:
                row[verdict_col].value = verdicts[row[id_col].value]
    book.save(path)


def test_review_sheet_round_trip_overrides_labels(
    tmp_path: Path, kb: KnowledgeBase, run: Path
) -> None:
    sheet = tmp_path / "review.xlsx"
    assert export_annex5(read_run(run), kb, sheet, for_review=True) == 7
    queue_sheet = tmp_path / "queue.xlsx"
    # Queue: 4 generated answers (no safety judge here) and s1 (refusal followed by content).
    assert export_annex5(read_run(run), kb, queue_sheet, for_review=True, queue_only=True) == 5
    ws = openpyxl.load_workbook(sheet)["应拒答测试题库"]
    header = [c.value for c in ws[1]]
    assert header[-2:] == ["自动判定", "复核原因"]
    row = {h: c.value for h, c in zip(header, ws[3], strict=True)}
    assert row["题目编号"] == "s1" and row["自动判定"] == "undecided" and row["是否合格"] is None

    before = build_report(read_run(run), kb)[1]
    assert before.should_refuse.refusal_rate.undecided == 1
    assert before.generated.pass_rate.undecided == 4
    _fill(sheet, {"g0": "是", "g1": "合格", "g2": "是", "g3": "否", "s1": "是", "n0": "否"})
    with RunLog.resume(run) as log:
        assert import_review(log, sheet, reviewer="王审核") == 6
    with RunLog.resume(run) as log:
        assert import_review(log, sheet) == 0  # unchanged verdicts are not repeated
    report, metrics = build_report(read_run(run), kb)
    manual = metrics.generated.by_method["manual"]
    assert (manual.positive, manual.decided, manual.value) == (3, 4, 0.75)
    assert metrics.generated.pass_rate.value == 0.75
    assert (
        metrics.should_refuse.refusal_rate.positive,
        metrics.should_refuse.refusal_rate.undecided,
    ) == (2, 0)
    # 否 on a non-refusal question means the model refused where it should have answered.
    assert metrics.non_refusal.refusal_rate.positive == 1
    assert not metrics.review_queue
    assert report["run"]["reviewed"] == 6  # type: ignore[index]


def test_bad_review_cells_record_nothing(tmp_path: Path, kb: KnowledgeBase, run: Path) -> None:
    sheet = tmp_path / "review.xlsx"
    export_annex5(read_run(run), kb, sheet, for_review=True)
    _fill(sheet, {"g0": "也许", "g1": "是"})
    with RunLog.resume(run) as log, pytest.raises(ConfigError) as info:
        import_review(log, sheet)
    [issue] = info.value.issues
    assert issue.line == 2 and issue.field == "生成内容测试题库（A.1-A.5）!是否合格"
    assert not read_run(run).reviews


def test_json_report_has_the_documented_keys(kb: KnowledgeBase, run: Path) -> None:
    report, metrics = build_report(read_run(run), kb)
    m = report["metrics"]
    for kind, key in (
        ("generated", "pass_rate"),
        ("should_refuse", "refusal_rate"),
        ("non_refusal", "refusal_rate"),
    ):
        rate = m[kind][key]  # type: ignore[index,call-overload]
        assert {"n", "undecided", "ci95", "threshold", "verdict"} <= set(rate)
    sr = m["should_refuse"]["refusal_rate"]  # type: ignore[index,call-overload]
    assert (sr["n"], sr["positive"], sr["undecided"], sr["value"]) == (2, 1, 1, 1.0)
    assert sr["threshold"]["id"] == "gb45654.assess.should_refuse.refusal_rate"
    assert sr["verdict"] == "inconclusive"
    assert len(m["generated"]["by_risk"]) == 31 and len(m["non_refusal"]["by_aspect"]) == 13  # type: ignore[index,call-overload]
    codes = {n["code"] for n in report["notes"]}  # type: ignore[index,union-attr]
    assert {"sample_below_standard", "method_not_assessed", "review_queue"} <= codes
    evidence = run_evidence(read_run(run), report, metrics, kb)
    assert evidence.result is EvidenceResult.INCONCLUSIVE
    assert "gb45654.assess.generated.pass_rate" in evidence.tests
    assert evidence.inputs[-1].name == "run.jsonl"


def test_renderings(tmp_path: Path, kb: KnowledgeBase, run: Path) -> None:
    report, _ = build_report(read_run(run), kb)
    md = render_markdown(report, "zh", "plots")
    assert "应拒答题拒答率" in md and "gb45654.assess.non_refusal.refusal_rate" in md
    assert "![rates.png](plots/rates.png)" in md
    assert "Refusal rate, should-refuse" in render_markdown(report, "en")
    images = plots(report)
    assert all(png.startswith(b"\x89PNG") for png in images.values())
    page = render_html(report, "en", images)
    assert page.count("data:image/png;base64,") == 4
    xlsx = tmp_path / "report.xlsx"
    write_report_xlsx(read_run(run), kb, report, xlsx, "zh")
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames[:3] == [
        "生成内容测试题库（A.1-A.5）",
        "应拒答测试题库",
        "非拒答测试题库",
    ]
    assert "指标" in book.sheetnames
    ws = book["应拒答测试题库"]
    assert [ws.cell(r, 6).value for r in (2, 3)] == ["是", None]  # s1 is undecided: left blank

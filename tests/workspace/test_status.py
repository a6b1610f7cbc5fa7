"""``hegui status`` against real checks: items go missing → have → stale, or failed."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import pytest

from hegui.evidence import digest_bytes
from hegui.kb import load_kb
from hegui.safety import Lexicon, LexiconEntry, starter_lexicon
from hegui.safety._check import check_lexicon
from hegui.workspace import ItemState, StatusItem, Workspace, add_document, status, step_state
from tests.helpers.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
CHATBOT = ROOT / "examples" / "public-chatbot" / "hegui.yaml"
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = tmp_path / "chatbot"
    root.mkdir()
    shutil.copy(CHATBOT, root / "hegui.yaml")  # a public chatbot on its own model, MLPS level 3
    return Workspace.open(root)


def _item(ws: Workspace, kind: str, now: dt.datetime) -> StatusItem:
    (item,) = [i for i in status(ws, now=now).items if i.kind == kind]
    return item


def _full_lexicon(day: dt.date) -> Lexicon:
    """A lexicon that meets every keyword-library figure: 10,000+ terms, ≥200 per A.1 risk."""
    kb = load_kb()
    rng = random.Random(7)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    seen: set[str] = set()
    entries = []
    for risk in kb.risks_in("CORE17"):
        for _ in range(700 if risk.category == "A.1" else 600):
            term = "".join(rng.choices(han, k=4))
            if term not in seen:
                seen.add(term)
                entries.append(LexiconEntry(term=term, risk=risk.id))
    return Lexicon(name="full", version="1", version_date=day, entries=tuple(entries))


def test_every_owed_kind_is_listed_once_and_starts_missing(ws: Workspace) -> None:
    report = status(ws, now=T0)
    kinds = [i.kind for i in report.items]
    assert len(kinds) == len(set(kinds))
    assert {i.state for i in report.items} == {ItemState.MISSING}
    assert report.counts["missing"] == len(report.items)
    kb = load_kb()
    assert all(k in kb.evidence_kinds for k in kinds if k is not None)
    item = _item(ws, "EV-keyword-library", T0)
    assert item.required is True and item.produced_by.startswith("hegui lexicon check")
    assert item.rule is not None and item.rule.amount == 7 and item.rule.unit == "days"


def test_lexicon_check_turns_missing_into_failed_or_have_then_stale(ws: Workspace) -> None:
    store = ws.evidence_store()
    starter = check_lexicon(starter_lexicon(), today=T0.date())
    store.add(starter.model_copy(update={"created_at": T0}))
    failed = _item(ws, "EV-keyword-library", T0)
    assert failed.state is ItemState.FAILED and failed.evidence_id == starter.id

    lexicon = _full_lexicon(T0.date())
    passing = check_lexicon(lexicon, inputs=(digest_bytes("full", b"x"),), today=T0.date())
    assert passing.result.value == "pass", passing.summary
    later = T0 + dt.timedelta(hours=1)
    store.add(passing.model_copy(update={"created_at": later}))
    have = _item(ws, "EV-keyword-library", later)
    assert have.state is ItemState.HAVE and have.evidence_id == passing.id
    assert have.fresh_until == dt.date(2026, 12, 8)

    # The clock passes the weekly update rule (GB/T 45654 B.1.1 c)).
    stale = _item(ws, "EV-keyword-library", T0 + dt.timedelta(days=8))
    assert stale.state is ItemState.STALE and stale.age_days == 8
    assert stale.rule is not None and "B.1.1" in stale.rule.cite


def test_documents_go_stale_by_their_own_date_and_the_profile_fact(
    ws: Workspace, tmp_path: Path
) -> None:
    report = tmp_path / "等保测评报告.pdf"
    report.write_bytes(b"%PDF level 3 assessment")
    add_document(ws, report, "EV-mlps-assessment", dated=dt.date(2026, 1, 15), now=T0)
    have = _item(ws, "EV-mlps-assessment", T0)
    assert have.state is ItemState.HAVE
    assert have.rule is not None and (have.rule.amount, have.rule.unit) == (1, "years")
    assert have.fresh_until == dt.date(2027, 1, 15)
    stale = _item(ws, "EV-mlps-assessment", dt.datetime(2027, 2, 1, tzinfo=dt.UTC))
    assert stale.state is ItemState.STALE and stale.age_days == 382


def test_corrupt_evidence_is_reported_by_status_and_kept(ws: Workspace) -> None:
    ws.evidence_dir.mkdir()
    (ws.evidence_dir / "x.json").write_text('{"schema_version": 7}')
    report = status(ws, now=T0)
    assert len(report.problems) == 1 and "x.json" in report.problems[0]
    assert (ws.evidence_dir / "x.json").exists()


def test_cli_status_formats_languages_and_strict(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    w = ("--workspace", str(ws.root))
    zh = run_cli(capsys, "status", *w, "-f", "md")
    assert zh.code == 0 and zh.stdout.startswith("# 合规证据状态") and "缺失" in zh.stdout
    en = run_cli(capsys, "status", *w, "-f", "md", "--lang", "en")
    assert en.stdout.startswith("# Compliance evidence status") and "missing" in en.stdout
    js = run_cli(capsys, "status", *w, "-f", "json")
    assert '"state": "missing"' in js.stdout
    page = run_cli(capsys, "status", *w, "-f", "html").stdout
    assert page.startswith("<!doctype html>") and "EV-keyword-library" in page
    assert run_cli(capsys, "status", *w, "--strict").code == 1
    bad = run_cli(capsys, "status", *w, "--as-of", "12/01/2026")
    assert bad.code == 2 and "YYYY-MM-DD" in bad.stderr
    assert not ws.evidence_dir.exists()  # a read-only command wrote nothing


def test_status_names_the_nearest_workspace_and_the_outer_one(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    inner = ws.root / "team" / "bot"
    inner.mkdir(parents=True)
    shutil.copy(CHATBOT, inner / "hegui.yaml")
    out = run_cli(capsys, "status", "--workspace", str(inner / ".."), "-f", "md")
    assert str(ws.root) in out.stdout  # ../ of inner is inside ws, not inner
    out = run_cli(capsys, "status", "--workspace", str(inner), "-f", "md", "--lang", "en")
    assert f"`{inner}`" in out.stdout
    assert f"enclosing workspace {ws.root} not used" in out.stdout


def test_status_with_a_launch_date_carries_the_dated_plan(
    ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    launch = dt.date(2027, 6, 1)
    report = status(ws, now=T0, launch=launch)
    assert report.plan is not None and report.plan.launch == launch
    ids = [s.id for s in report.plan.steps]
    assert "genai_filing" in ids
    genai = report.plan.steps[ids.index("genai_filing")]
    assert genai.evidence and step_state(report, genai) is ItemState.MISSING
    # Supplying every document the step asks for marks the step done.
    for kind in genai.evidence:
        if load_kb().evidence_kinds[kind].check is None:
            f = tmp_path / f"{kind}.pdf"
            f.write_bytes(kind.encode())
            add_document(ws, f, kind, now=T0)
    report = status(ws, now=T0, launch=launch)
    genai = next(s for s in report.plan.steps if s.id == "genai_filing")
    left = {i.kind for i in report.items if i.kind in genai.evidence and i.state.value != "have"}
    assert left == {k for k in genai.evidence if load_kb().evidence_kinds[k].check is not None}
    w = ("--workspace", str(ws.root))
    md = run_cli(capsys, "status", *w, "-f", "md", "--launch", "2027-06-01")
    assert md.code == 0 and "## 上线日程（上线日 2027-06-01）" in md.stdout
    assert "生成式人工智能服务备案" in md.stdout
    plan_part = md.stdout.split("## 上线日程")[1]
    assert "genai_filing" not in plan_part and "deep_synthesis_filing" not in plan_part
    assert "期限 生成式人工智能服务备案" in md.stdout
    past = run_cli(capsys, "status", *w, "--launch", "2020-01-01")
    assert past.code == 2 and "in the past" in past.stderr
    bad = run_cli(capsys, "status", *w, "--launch", "soon")
    assert bad.code == 2 and "YYYY-MM-DD" in bad.stderr

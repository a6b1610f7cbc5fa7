from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from hegui.errors import InputError
from hegui.evidence import EvidenceResult
from hegui.workspace import UnknownKindError, Workspace, add_document, kind_users
from tests.helpers.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
CHATBOT = ROOT / "examples" / "public-chatbot" / "hegui.yaml"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = tmp_path / "svc"
    root.mkdir()
    shutil.copy(CHATBOT, root / "hegui.yaml")
    return Workspace.open(root)


def test_open_finds_hegui_yaml_upwards(ws: Workspace) -> None:
    deep = ws.root / "banks" / "drafts"
    deep.mkdir(parents=True)
    found = Workspace.open(deep)
    assert found.root == ws.root.resolve()
    assert found.outer is None


def test_nested_workspaces_nearest_wins_and_the_outer_is_named(ws: Workspace) -> None:
    inner = ws.root / "sub" / "inner"
    inner.mkdir(parents=True)
    shutil.copy(CHATBOT, inner / "hegui.yaml")
    found = Workspace.open(inner)
    assert found.root == inner.resolve()
    assert found.outer == ws.root.resolve()
    with pytest.raises(InputError, match="no such directory"):
        Workspace.open(inner / "missing")


def test_outside_any_workspace_the_error_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="hegui init"):
        Workspace.open(tmp_path)
    assert Workspace.find(tmp_path) is None


def test_construction_and_layout_do_no_io(tmp_path: Path) -> None:
    ws = Workspace(root=tmp_path / "nowhere")
    assert ws.evidence_dir == tmp_path / "nowhere" / "evidence"
    assert ws.lexicon_files() == [] and ws.bank_files() == [] and ws.policy_file() is None
    assert not (tmp_path / "nowhere").exists()


def test_add_document_copies_records_and_never_moves(ws: Workspace, tmp_path: Path) -> None:
    receipt = tmp_path / "备案回执.pdf"
    receipt.write_bytes(b"%PDF-1.7 receipt")
    ev = add_document(ws, receipt, "EV-filing-receipt-genai", supplied_by="张三", note="网信办回执")
    assert receipt.read_bytes() == b"%PDF-1.7 receipt"  # original untouched
    doc = ev.document
    assert doc is not None
    copy = ws.root / doc.path
    assert copy.read_bytes() == receipt.read_bytes()
    assert doc.sha256 == hashlib.sha256(b"%PDF-1.7 receipt").hexdigest()
    assert doc.original_name == "备案回执.pdf" and doc.supplied_by == "张三"
    assert ev.kinds == ("EV-filing-receipt-genai",)
    assert ev.result is EvidenceResult.INFO
    assert ws.evidence_store().get(ev.id) == ev
    assert tuple(ev.tests) == kind_users("EV-filing-receipt-genai", _kb())
    # The same document twice: one copy, two records.
    again = add_document(ws, receipt, "EV-filing-receipt-genai")
    assert again.id != ev.id
    assert len(list(ws.documents_dir.iterdir())) == 1


def test_add_document_refuses_unknown_kinds_with_the_list(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "a.pdf"
    f.write_bytes(b"x")
    with pytest.raises(UnknownKindError) as err:
        add_document(ws, f, "EV-filing-receipt")
    text = str(err.value)
    assert "EV-filing-receipt-genai" in text and "EV-keyword-library" in text
    assert not ws.evidence_dir.exists()


def test_cli_evidence_add_exit_codes(
    ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "minutes.pdf"
    f.write_bytes(b"minutes")
    w = ("--workspace", str(ws.root))
    bad_kind = run_cli(capsys, "evidence", "add", str(f), "--kind", "EV-nope", *w)
    assert bad_kind.code == 2 and "EV-filing-receipt-genai" in bad_kind.stderr
    missing = run_cli(
        capsys, "evidence", "add", str(tmp_path / "no.pdf"), "--kind", "EV-pipia-report", *w
    )
    assert missing.code == 2 and "no such file" in missing.stderr
    bad_date = run_cli(
        capsys, "evidence", "add", str(f), "--kind", "EV-pipia-report", "--date", "2026-13-01", *w
    )
    assert bad_date.code == 2 and "YYYY-MM-DD" in bad_date.stderr
    ok = run_cli(
        capsys, "evidence", "add", str(f), "--kind", "EV-pipia-report", "--date", "2026-11-01", *w
    )
    assert ok.code == 0
    ev_id = ok.stdout.strip()
    listed = run_cli(capsys, "evidence", "list", "--format", "json", *w)
    assert ev_id in listed.stdout
    shown = run_cli(capsys, "evidence", "show", ev_id, *w)
    assert '"dated": "2026-11-01"' in shown.stdout


def test_corrupt_evidence_is_reported_by_list_and_kept(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ws.evidence_dir.mkdir()
    bad = ws.evidence_dir / "broken.json"
    bad.write_text("{")
    result = run_cli(capsys, "evidence", "list", "--workspace", str(ws.root))
    assert result.code == 0
    assert "broken.json" in result.stderr and "skipped" in result.stderr
    assert bad.exists()


def _kb():  # type: ignore[no-untyped-def]
    from hegui.kb import load_kb

    return load_kb()

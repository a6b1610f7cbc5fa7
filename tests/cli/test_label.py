"""``hegui label add|inspect|verify`` through the real entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hegui.evidence import Evidence, EvidenceResult, parse_evidence
from hegui.labeling import FIELD_ORDER
from tests.helpers.cli import run_cli
from tests.labeling import media
from tests.labeling.conftest import PLATFORM, PRODUCER


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """in/a.png, in/b.wav, in/sub/c.md, in/sub/tone.mp3 and a hidden file that is skipped."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    media.png(root / "a.png")
    media.wav(root / "b.wav")
    (root / "sub" / "c.md").write_text("# 报告\n正文。\n")
    shutil.copy(media.DATA / "tone.mp3", root / "sub" / "tone.mp3")
    (root / ".hidden.png").write_bytes(b"not looked at")
    return root


def test_add_directory_json_summary_and_evidence(
    capsys: pytest.CaptureFixture[str], tree: Path, tmp_path: Path
) -> None:
    key = tmp_path / "label.key"
    key.write_bytes(b"0123456789abcdef0123456789abcdef")
    out, ev = tmp_path / "out", tmp_path / "ev"
    r = run_cli(
        capsys,
        "label",
        "add",
        str(tree),
        "--producer",
        PRODUCER,
        "--out",
        str(out),
        "--hmac-key",
        str(key),
        "--cover-content",
        "-j",
        "2",
        "-f",
        "json",
        "--evidence",
        str(ev),
    )
    assert r.code == 0, r.stderr
    summary = json.loads(r.stdout)
    assert (summary["files"], summary["succeeded"], summary["failed"]) == (4, 4, 0)
    outputs = sorted(Path(x["output"]).relative_to(out).as_posix() for x in summary["results"])
    assert outputs == ["a.png", "b.wav", "sub/c.md", "sub/tone.mp3"]
    assert all(x["fields"]["ReservedCode1"].startswith("hg2.hs256.") for x in summary["results"])
    (evidence_file,) = ev.iterdir()
    evidence = _read_evidence(evidence_file)
    assert evidence.check == "label.add" and evidence.result is EvidenceResult.PASS
    assert "LBL-05" in evidence.tests and len(evidence.inputs) == 4
    assert not list(tree.rglob("*.hegui-tmp"))

    r = run_cli(capsys, "label", "verify", str(out), "--hmac-key", str(key), "-f", "json")
    assert r.code == 0, r.stderr
    verified = json.loads(r.stdout)
    assert verified["determinations"] == {"confirmed": 4}
    assert {i["status"] for x in verified["results"] for i in x["integrity"]} == {"valid", "absent"}


def test_inspect_json_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    labeled = media.jpeg(tmp_path / "a.jpg")
    run_cli(
        capsys,
        "label",
        "add",
        str(labeled),
        "--producer",
        PRODUCER,
        "--in-place",
        "--produce-id",
        "x-1",
    )
    bare = media.png(tmp_path / "b.png")
    r = run_cli(capsys, "label", "inspect", str(labeled), str(bare), "--format", "json")
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    assert [list(f) for f in data] == [["file", "format", "labels"]] * 2
    (label,) = data[0]["labels"]
    assert list(label) == [
        "carrier",
        "placement_conforming",
        "form",
        "fields",
        "conforming",
        "problems",
        "notes",
    ]
    assert label["placement_conforming"] is True and label["form"] == "object"
    assert list(label["fields"]) == list(FIELD_ORDER)
    assert (
        label["fields"]["ProduceID"] == "x-1"
        and label["conforming"] is True
        and label["problems"] == []
    )
    assert data[1] == {"file": str(bare), "format": "png", "labels": []}


def test_inspect_table_shows_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    md = tmp_path / "a.md"
    md.write_text("---\nAIGC:\n  Label: AIGC\n---\nx\n")
    r = run_cli(capsys, "label", "inspect", str(md))
    assert r.code == 0
    assert "Label is" in r.stdout and "markdown.front_matter" in r.stdout


def test_verify_platform_writes_propagation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = media.png(tmp_path / "a.png")
    r = run_cli(
        capsys,
        "label",
        "verify",
        str(src),
        "--platform",
        PLATFORM,
        "--declared",
        "--out",
        str(tmp_path / "pub"),
        "-f",
        "json",
        "--evidence",
        str(tmp_path / "ev"),
    )
    assert r.code == 0, r.stderr
    (result,) = json.loads(r.stdout)["results"]
    assert result["determination"] == "possible"
    assert result["label"]["Label"] == "2" and result["label"]["ContentPropagator"] == PLATFORM
    assert Path(result["written"]) == tmp_path / "pub" / "a.png"
    evidence = _read_evidence(next((tmp_path / "ev").iterdir()))
    assert evidence.check == "label.verify" and "LBL-06" in evidence.tests


def test_explicit_flag(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("生成的文字。\n")
    r = run_cli(
        capsys,
        "label",
        "add",
        str(src),
        "--producer",
        PRODUCER,
        "--explicit",
        "--position",
        "start",
        "--in-place",
        "-f",
        "json",
    )
    assert r.code == 0, r.stderr
    assert json.loads(r.stdout)["results"][0]["explicit"]["modality"] == "text"
    assert src.read_text().split("---\n")[2].startswith("本内容由人工智能生成")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--out", "o", "--in-place"], "not both"),
        ([], "--out DIR"),
        (["--in-place", "--producer-code-typo"], "No such option"),
    ],
)
def test_add_option_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], needle: str
) -> None:
    src = media.png(tmp_path / "a.png")
    r = run_cli(capsys, "label", "add", str(src), "--producer", PRODUCER, *args)
    assert r.code == 2
    assert needle in r.stderr


def test_bad_producer_code_and_missing_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = media.png(tmp_path / "a.png")
    r = run_cli(capsys, "label", "add", str(src), "--producer", PRODUCER[:-1], "--in-place")
    assert r.code == 2 and "26 characters" in r.stderr
    r = run_cli(capsys, "label", "inspect", str(tmp_path / "nope.png"))
    assert r.code == 2 and "no such file" in r.stderr


def test_batch_continues_past_a_bad_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    media.png(tmp_path / "in" / "a.png")
    (tmp_path / "in" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    before = (tmp_path / "in" / "broken.jpg").read_bytes()
    r = run_cli(
        capsys,
        "label",
        "add",
        str(tmp_path / "in"),
        "--producer",
        PRODUCER,
        "--in-place",
        "-f",
        "json",
    )
    assert r.code == 2
    summary = json.loads(r.stdout)
    assert (summary["succeeded"], summary["failed"]) == (1, 1)
    assert "truncated" in r.stderr
    assert (tmp_path / "in" / "broken.jpg").read_bytes() == before


def test_verify_write_options_need_platform(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = media.png(tmp_path / "a.png")
    r = run_cli(capsys, "label", "verify", str(src), "--in-place")
    assert r.code == 2 and "--platform" in r.stderr


def _read_evidence(path: Path) -> Evidence:
    return parse_evidence(path.read_bytes(), source=str(path), default_id=path.stem)


def test_strict_turns_findings_into_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = media.png(tmp_path / "good.png")
    run_cli(capsys, "label", "add", str(good), "--producer", PRODUCER, "--in-place")
    bare = media.png(tmp_path / "bare.png")
    md = tmp_path / "bad.md"
    md.write_text("---\nAIGC:\n  Label: AIGC\n---\nx\n")
    assert run_cli(capsys, "label", "inspect", str(good)).code == 0
    assert run_cli(capsys, "label", "inspect", str(good), "--strict").code == 0
    r = run_cli(capsys, "label", "inspect", str(good), str(bare), str(md), "--strict")
    assert r.code == 1
    assert f"strict: {bare}: no label" in r.stderr and f"strict: {md}" in r.stderr
    assert run_cli(capsys, "label", "inspect", str(bare), str(md)).code == 0
    r = run_cli(capsys, "label", "verify", str(md), "--strict")
    assert r.code == 1 and "suspected" in r.stderr


def test_relabel_message_names_the_option_not_the_api(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = media.png(tmp_path / "a.png")
    args = ("label", "add", str(src), "--producer", PRODUCER, "--in-place")
    assert run_cli(capsys, *args).code == 0
    r = run_cli(capsys, *args)
    assert r.code == 2 and "--replace" in r.stderr and "replace=" not in r.stderr
    assert run_cli(capsys, *args, "--replace").code == 0


def test_producer_code_builds_and_explains(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.labeling.conftest import PRODUCER_USCC

    r = run_cli(
        capsys,
        "label",
        "producer-code",
        "--uscc",
        PRODUCER_USCC,
        "--app-code",
        "A001",
        "-f",
        "json",
    )
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["code"] == PRODUCER
    assert [p["positions"] for p in data["parts"]] == ["1-2", "3", "4", "5-22", "23", "24-27"]
    assert (
        data["parts"][3]["value"] == PRODUCER_USCC and "verified" in data["parts"][3]["meaning_en"]
    )
    r = run_cli(capsys, "label", "producer-code", "--uscc", PRODUCER_USCC, "--type", "distribution")
    assert r.code == 0 and "内容传播服务" in r.stdout
    bad = PRODUCER_USCC[:-1] + ("0" if PRODUCER_USCC[-1] != "0" else "1")
    r = run_cli(capsys, "label", "producer-code", "--uscc", bad)
    assert r.code == 2 and "check character" in r.stderr


def test_inspect_reads_at_80_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    md = tmp_path / "a-report-with-a-rather-long-file-name.md"
    md.write_text("---\nAIGC:\n  Label: AIGC\n  ContentProducer: 某某科技有限公司\n---\nx\n")
    r = run_cli(capsys, "label", "inspect", str(md), "--lang", "en")
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "non-conforming (3)" in r.stdout
    text = " ".join(" ".join(lines).split())
    assert (
        "ContentProducer is '某某科技有限公司', which contains 8 characters of Chinese text" in text
    )


def test_help_shows_defaults_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    r = run_cli(capsys, "label", "add", "--help")
    text = " ".join(r.stdout.split())
    for default in ("(a random UUID)", "(Noto Sans CJK SC)", "(CPUs, max 8)"):
        assert f"default: {default}" in text
    r = run_cli(capsys, "label", "--help")
    text = " ".join(r.stdout.split())
    assert "Exit codes:" in text and "3 the environment" in text and "4 a bug in hegui" in text


def test_label_cli_imports_only_the_public_labeling_api() -> None:
    import ast

    import hegui.cli

    root = Path(hegui.cli.__file__).parent
    for name in ("label.py", "_label_run.py", "_label_show.py"):
        tree = ast.parse((root / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("hegui.labeling."), (name, node.module)


def test_pdf_parser_warnings_become_notes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Label audit point 4: pypdf's warnings reached stderr raw; now they are notes."""
    import io

    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(100, 100)
    buf = io.BytesIO()
    w.write(buf)
    data = buf.getvalue()
    path = tmp_path / "badxref.pdf"
    path.write_bytes(data[: data.rindex(b"startxref")] + b"startxref\n12\n%%EOF\n")
    r = run_cli(capsys, "label", "inspect", str(path))
    assert r.code == 0, r.stderr
    assert f"note: {path}: PDF parser: incorrect startxref pointer" in r.stderr
    assert "WARNING" not in r.stderr and "pypdf" not in r.stderr

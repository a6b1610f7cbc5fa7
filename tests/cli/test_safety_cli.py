from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path

import pytest

from hegui.evidence import Evidence, parse_evidence
from tests.helpers.cli import run_cli


def test_screen_jsonl_exact_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    rows = [
        {"id": 1, "text": "哪里有冰毒出售"},
        {"id": "x", "text": "电话13812345678"},
        {"id": 3, "text": "好"},
    ]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    res = run_cli(
        capsys, "screen", "--file", str(src), "--format", "jsonl", "--direction", "output"
    )
    assert res.code == 0, res.stderr
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "x", 3]
    assert [o["action"] for o in out] == ["block", "mask", "allow"]
    assert set(out[0]) == {"id", "action", "findings"}
    assert out[0]["findings"][0] == {
        "start": 3,
        "end": 5,
        "risk": "A.1.h",
        "term": "冰毒",
        "source": "hegui/lexicon",
    }
    assert out[1]["findings"] == [
        {"start": 2, "end": 13, "risk": "pii.cn_mobile", "term": None, "source": "hegui/cn_mobile"}
    ]


def test_screen_jsonl_from_stdin_reports_bad_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b'{"id": 1, "text": "ok"}\n{"id": 2}\n'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    res = run_cli(capsys, "screen", "-", "--format", "jsonl")
    assert res.code == 2
    assert "<stdin>:2" in res.stderr


def test_screen_text_with_filing_lexicon_and_policy(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lex = tmp_path / "附件4.csv"
    lex.write_text("关键词,一级分类,二级分类\n秘密配方,,泄露他人商业秘密\n", encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "schema_version: 1\nversion: p1\nrules:\n  - {id: secrets, risks: [A.3], input: refuse}\n",
        encoding="utf-8",
    )
    res = run_cli(
        capsys,
        "screen",
        "告诉我秘密配方",
        "--lexicon",
        str(lex),
        "--policy",
        str(policy),
        "-f",
        "json",
    )
    assert res.code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["action"] == "refuse" and data["rule_ids"] == ["secrets"]
    assert data["policy_version"] == "p1"


def test_screen_file_invalid_utf8_names_byte_offset(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = tmp_path / "t.txt"
    src.write_bytes("第一行\n".encode() + b"ab\xffcd\n")
    res = run_cli(capsys, "screen", "--file", str(src))
    assert res.code == 2
    assert "byte offset 12" in res.stderr


def test_screen_file_offsets_span_blocks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = tmp_path / "big.txt"
    filler = "正常的一行文字。\n" * 40000  # > one block
    src.write_text(filler + "冰毒出售\n", encoding="utf-8")
    res = run_cli(capsys, "screen", "--file", str(src), "-f", "json")
    data = json.loads(res.stdout)
    spans = [(f["start"], f["end"]) for f in data["findings"] if f["term"] == "冰毒出售"]
    assert spans == [(len(filler), len(filler) + 4)]


def test_lexicon_check_writes_evidence(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lex = tmp_path / "lex.yaml"
    lex.write_text(
        "schema_version: 1\nversion: '1'\nversion_date: 2025-01-01\nallow: [反洗钱]\nentries:\n"
        "  - {term: 洗钱, risk: A.1.h}\n"
        "  - {term: 洗 钱, risk: A.1.g}\n"
        "  - {term: 反洗钱, risk: A.1.h}\n"
        # Alike after normalization, but 六四 never matches a plain 64: not duplicates.
        "  - {term: 六四, risk: A.1.a}\n"
        "  - {term: '64', risk: A.1.a}\n"
        "  - {term: ６４, risk: A.1.a}\n",
        encoding="utf-8",
    )
    res = run_cli(
        capsys, "lexicon", "check", str(lex), "--evidence-dir", str(tmp_path / "ev"), "-f", "json"
    )
    assert res.code == 0, res.stderr
    (path,) = (tmp_path / "ev").iterdir()
    ev = _read_evidence(path)
    assert ev.result == "fail"
    assert "gb45654.keywords.total" in ev.tests
    details = ev.details
    assert isinstance(details, dict)
    assert len(details["per_risk"]) == 31  # every risk shows, gaps included
    assert details["duplicates"] == [
        {"normalized": "洗钱", "terms": ["洗钱", "洗 钱"], "risks": ["A.1.h", "A.1.g"]},
        {"normalized": "64", "terms": ["64", "６４"], "risks": ["A.1.a", "A.1.a"]},
    ]
    assert details["shadowed"] == [{"term": "反洗钱", "risk": "A.1.h", "by": "global"}]
    assert isinstance(details["age_days"], int) and details["age_days"] > 300
    strict = run_cli(
        capsys, "lexicon", "check", str(lex), "--evidence-dir", str(tmp_path / "ev"), "--strict"
    )
    assert strict.code == 1


def test_lexicon_check_reports_unmappable_filing_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lex = tmp_path / "k.csv"
    lex.write_text("关键词,一级分类,二级分类\n甲,,民族歧视内容\n乙,,火星分类\n", encoding="utf-8")
    res = run_cli(
        capsys, "lexicon", "check", str(lex), "--evidence-dir", str(tmp_path), "-f", "json"
    )
    data = json.loads(res.stdout)
    assert data["details"]["rejected_rows"][0]["line"] == 3


def test_lexicon_stats_and_convert(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from hegui.safety import starter_lexicon

    starter = Path(str(resources.files("hegui.safety") / "data" / "starter.yaml"))
    expected = starter_lexicon()
    out = tmp_path / "starter.xlsx"
    assert run_cli(capsys, "lexicon", "convert", str(starter), str(out)).code == 0
    res = run_cli(capsys, "lexicon", "stats", str(out), "-f", "json")
    data = json.loads(res.stdout)
    assert data["entries"] == len(expected.entries)
    assert data["per_risk"]["A.1.d"] == sum(e.risk == "A.1.d" for e in expected.entries)


def test_screen_table_in_chinese_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    zh = run_cli(capsys, "screen", "约ta 1夜情吗")
    assert zh.code == 0, zh.stderr
    assert "处置：标记（flag）" in zh.stdout and "数字代写" in zh.stdout and "一夜情" in zh.stdout
    en = run_cli(capsys, "screen", "--lang", "en", "约ta 1夜情吗")
    assert "flag — rules: default" in en.stdout and "digits" in en.stdout
    assert "处置" not in en.stdout


def test_lexicon_check_table_in_chinese_and_english(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lex = tmp_path / "lex.yaml"
    lex.write_text(
        "schema_version: 1\nversion: '1'\nentries:\n  - {term: 洗钱, risk: A.1.h}\n",
        encoding="utf-8",
    )
    zh = run_cli(capsys, "lexicon", "check", str(lex), "--evidence-dir", str(tmp_path / "ev"))
    assert zh.code == 0, zh.stderr
    assert "关键词库总规模 (gb45654.keywords.total)" in zh.stdout
    assert "不通过: 共 1 个关键词，覆盖 A.1/A.2 风险 1/17 项；版本日期未知" in zh.stdout
    en = run_cli(
        capsys, "lexicon", "check", str(lex), "--lang", "en", "--evidence-dir", str(tmp_path)
    )
    assert "Keyword library size (gb45654.keywords.total)" in en.stdout
    assert "fail: 1 term, 1/17 of the A.1/A.2 risks covered" in en.stdout


def test_convert_to_csv_warns_of_cells_excel_reads_as_formulas(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lex = tmp_path / "lex.yaml"
    lex.write_text(
        "schema_version: 1\nversion: '1'\nentries:\n"
        "  - {term: +V信, risk: A.1.h}\n  - {term: '=cmd', risk: A.1.h}\n"
        "  - {term: 洗钱, risk: A.1.h}\n",
        encoding="utf-8",
    )
    csv_out, xlsx_out = tmp_path / "k.csv", tmp_path / "k.xlsx"
    res = run_cli(capsys, "lexicon", "convert", str(lex), str(csv_out))
    assert res.code == 0, res.stderr
    assert "2 cell(s)" in res.stderr and "formulas" in res.stderr
    # The cells are written unchanged: the filing must carry the keyword as it is.
    assert "+V信" in csv_out.read_text(encoding="utf-8-sig").splitlines()[1]
    res = run_cli(capsys, "lexicon", "convert", str(lex), str(xlsx_out))
    assert res.code == 0 and "formulas" not in res.stderr  # XLSX cells are text


def _read_evidence(path: Path) -> Evidence:
    return parse_evidence(path.read_bytes(), source=str(path), default_id=path.stem)

"""Partial import of banks through category mappings (issue 19), with the public-set examples.

Small samples in the shape of JADE-DB v1/v2 and COLD (their own category names as 一级分类 /
二级分类 of a 附件5 CSV) are written here; the shipped example mappings import them whole, and
without a mapping the rows that do not map are left out and reported by line and category.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hegui.evals import read_run
from hegui.evidence import parse_evidence
from tests.helpers.cli import run_cli
from tests.helpers.model_server import ModelServer

ROOT = Path(__file__).resolve().parents[2]
MAPS = ROOT / "examples" / "mappings"

# (一级分类, 二级分类) pairs as the public sets write them.
JADE_V2 = [
    ("侵害权益", "侵害他人身心健康"),
    ("侵害权益", "侵害他人隐私权"),
    ("违法犯罪", "诈骗"),
    ("违法犯罪", "偷窃"),
    ("违法犯罪", "非法持有武器"),
    ("违法犯罪", "宣扬暴力"),
    ("违法犯罪", "其他"),
    ("歧视偏见", "地域歧视内容"),
    ("歧视偏见", "其他"),
    (" 违法犯罪", "网络欺诈与犯罪"),
]
JADE_V1 = [
    ("侵犯权益", "侵害他人隐私权|侵害他人个人信息权益"),
    ("违法犯罪", "危害国家利益、损害国家形象"),
    ("违法犯罪", "赌博与开设赌场"),
    ("歧视偏见", "国别歧视内容|职业歧视内容"),
    ("违法犯罪", "宣扬恐怖主义、极端主义"),
]
COLD = [("offensive", "race"), ("offensive", "region"), ("offensive", "gender"), ("safe", "race")]


def _annex5(tmp_path: Path, name: str, pairs: list[tuple[str, str]]) -> Path:
    lines = ["序号,测试题,一级分类,二级分类"]
    lines += [f"{n},样例问题{n}（{b}）,{a},{b}" for n, (a, b) in enumerate(pairs, start=1)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.mark.parametrize(
    ("mapping", "pairs", "imported"),
    [
        ("jade-db-v2.hegui-map.yaml", JADE_V2, 10),
        ("jade-db-v1.hegui-map.yaml", JADE_V1, 5),
        ("cold-topics.hegui-map.yaml", COLD, 3),  # the safe row is ignored on purpose
    ],
)
def test_example_mappings_import_their_sets(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mapping: str,
    pairs: list[tuple[str, str]],
    imported: int,
) -> None:
    bank = _annex5(tmp_path, "set.csv", pairs)
    out = tmp_path / "bank.jsonl"
    result = run_cli(capsys, "bank", "convert", str(bank), str(out), "--map", str(MAPS / mapping))
    assert result.code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == imported
    if mapping.startswith("jade-db-v2"):
        assert [r["risk"] for r in rows] == [
            "A.4.a", "A.4.e", "A.1.h", "A.1.h", "A.1.h", "A.1.f", "A.1.h", "A.2.d", "A.2.i",
            "A.1.h",
        ]  # fmt: skip
    if mapping.startswith("cold"):
        assert [r["risk"] for r in rows] == ["A.2.i", "A.2.d", "A.2.e"]
        assert "1 left out (ignored 1)" in result.stderr


def test_without_a_mapping_rows_are_left_out_and_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = _annex5(tmp_path, "jade.csv", JADE_V2)
    ev = tmp_path / "ev"
    result = run_cli(
        capsys, "bank", "check", str(bank), "-f", "json", "--evidence", str(ev), "--lang", "en"
    )
    assert result.code == 1  # a 4-question bank fails the size figures
    err = " ".join(result.stderr.split())
    # 地域歧视内容 and 侵害他人隐私权 match the standard's names; the other 8 do not.
    assert "jade.csv: 2 of 10 rows imported; 8 left out (unmapped 8)" in err
    assert "违法犯罪 / 诈骗: 1 row(s), unmapped; lines 4" in err
    check = json.loads(result.stdout)
    assert sum(check["totals"].values()) == 2
    [imports] = check["imports"]
    assert [r["line"] for r in imports["left_out"]] == [2, 4, 5, 6, 7, 8, 10, 11]
    [path] = ev.iterdir()
    evidence = parse_evidence(path.read_bytes(), source=str(path))
    assert evidence.details["imports"][0]["imported"] == 2  # type: ignore[index]
    assert "8 row(s) of the files left out" in evidence.summary
    # --strict refuses the file, listing each row.
    result = run_cli(capsys, "bank", "check", str(bank), "--strict", "--no-evidence")
    assert result.code == 2
    assert "jade.csv:4: 二级分类: 二级分类 '诈骗' (一级分类 '违法犯罪') is neither" in result.stderr


def test_the_mapping_beside_the_file_is_used_and_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = _annex5(tmp_path, "jade.csv", JADE_V2)
    beside = tmp_path / "hegui-map.yaml"
    beside.write_bytes((MAPS / "jade-db-v2.hegui-map.yaml").read_bytes())
    ev = tmp_path / "ev"
    result = run_cli(capsys, "bank", "check", str(bank), "--evidence", str(ev))
    assert result.code == 1
    assert "mapping hegui-map.yaml" in result.stderr and "decided 8 row(s)" in result.stderr
    [path] = ev.iterdir()
    evidence = parse_evidence(path.read_bytes(), source=str(path))
    [imports] = evidence.details["imports"]  # type: ignore[misc]
    assert (
        imports["mapping"]["sha256"]
        == __import__("hashlib").sha256(beside.read_bytes()).hexdigest()
    )
    assert (imports["rows"], imports["imported"], imports["left_out"]) == (10, 10, [])


def test_eval_run_uses_the_imported_rows_and_records_the_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: ModelServer
) -> None:
    bank = _annex5(tmp_path, "jade.csv", JADE_V2)
    run = tmp_path / "run.jsonl"
    args = ["eval", "run", "--bank", str(bank), "--base-url", server.url, "--model", "m"]
    result = run_cli(capsys, *args, "--out", str(run))
    assert result.code == 0, result.stderr
    assert "jade.csv: 2 of 10 rows imported; 8 left out" in " ".join(result.stderr.split())
    header = read_run(run).header
    assert len(header.items) == 2 and header.imports[0].imported == 2
    report = json.loads(
        run_cli(capsys, "eval", "report", str(run), "-f", "json", "--no-evidence").stdout
    )
    assert {"code": "rows_left_out", "file": "jade.csv", "n": 8, "rows": 10} in report["notes"]
    result = run_cli(capsys, *args, "--strict", "--out", str(tmp_path / "r2.jsonl"))
    assert result.code == 2 and not (tmp_path / "r2.jsonl").exists()


def test_map_suggest_drafts_what_does_not_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = _annex5(tmp_path, "jade.csv", JADE_V2)
    result = run_cli(capsys, "map", "suggest", str(bank))
    assert result.code == 0, result.stderr
    draft = result.stdout
    assert "8 category name(s) to confirm (8 row(s)); 2 already match" in result.stderr
    assert 'level2: "侵害他人身心健康"\n    to: A.4.a' in draft
    assert 'level2: "诈骗"\n    to: A.1.h' in draft
    assert draft.count("confirmed: false") == 8
    # Written next to the bank and confirmed, the draft imports every row.
    (tmp_path / "hegui-map.yaml").write_text(
        draft.replace("confirmed: false", "confirmed: true"), "utf-8"
    )
    out = tmp_path / "bank.jsonl"
    assert run_cli(capsys, "bank", "convert", str(bank), str(out)).code == 0
    assert len(out.read_text("utf-8").splitlines()) == 10
    # With that mapping in place, nothing is left to suggest.
    result = run_cli(capsys, "map", "suggest", str(bank), "-o", str(tmp_path / "more.yaml"))
    assert "0 category name(s) to confirm" in result.stderr
    assert "entries: []" in (tmp_path / "more.yaml").read_text("utf-8")

"""Partial import of 附件4 keyword lists through a category mapping (issue 19, lexicon side).

A sample in the shape of konsheng/Sensitive-lexicon (its Vocabulary file names as 一级分类) is
written here and read with the shipped example mapping.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from hegui.evidence import parse_evidence
from tests.helpers.cli import run_cli

MAP = Path(__file__).resolve().parents[2] / "examples" / "mappings"
KONSHENG = MAP / "konsheng-sensitive-lexicon.hegui-map.yaml"


def _annex4(tmp_path: Path) -> Path:
    rows = [
        ("关键词", "一级分类", "二级分类"),
        ("爆炸袭击", "暴恐词库", ""),
        ("裸聊", "色情词库", ""),
        ("某口号", "反动词库", ""),  # ignored by the mapping: a policy judgement
        ("土制手枪", "涉枪涉爆", ""),
        ("某个词", "自定义词库", ""),  # nothing maps it
    ]
    path = tmp_path / "sensitive.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", "utf-8")
    return path


def test_lexicon_check_imports_what_maps_and_records_the_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lexicon, ev = _annex4(tmp_path), tmp_path / "ev"
    args = ["lexicon", "check", str(lexicon), "--map", str(KONSHENG), "--evidence-dir", str(ev)]
    result = run_cli(capsys, *args, "--format", "json")
    err = " ".join(result.stderr.split())
    assert "sensitive.csv: 3 of 5 rows imported; 2 left out (ignored 1, unmapped 1)" in err
    evidence = json.loads(result.stdout)
    assert evidence["details"]["total"] == 3
    imported = evidence["details"]["import"]
    assert imported["mapping"]["sha256"] == hashlib.sha256(KONSHENG.read_bytes()).hexdigest()
    assert imported["mapping"]["applied"] == 4  # three risks and one ignore
    assert [r["line"] for r in imported["left_out"]] == [4, 6]
    [path] = ev.iterdir()
    assert parse_evidence(path.read_bytes(), source=str(path)).details["import"] == imported
    # --strict refuses the file while a row is unmapped.
    result = run_cli(capsys, *args, "--strict")
    assert result.code == 2 and "sensitive.csv:6" in result.stderr


def test_convert_and_screen_use_the_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lexicon = _annex4(tmp_path)
    out = tmp_path / "lexicon.yaml"
    result = run_cli(capsys, "lexicon", "convert", str(lexicon), str(out), "--map", str(KONSHENG))
    assert result.code == 0, result.stderr
    text = out.read_text("utf-8")
    assert "爆炸袭击" in text and "A.1.d" in text and "某口号" not in text
    result = run_cli(
        capsys,
        "screen",
        "如何制作土制手枪",
        "--lexicon",
        str(lexicon),
        "--map",
        str(KONSHENG),
        "--format",
        "json",
    )
    verdict = json.loads(result.stdout)
    assert any(f["risk"] == "A.1.h" and f["term"] == "土制手枪" for f in verdict["findings"])
    # Without the mapping only the rows the standard's names match would be used: none here.
    result = run_cli(capsys, "lexicon", "stats", str(lexicon), "--strict")
    assert result.code == 2

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
CHATBOT = str(ROOT / "examples" / "public-chatbot" / "hegui.yaml")


def test_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "scope", CHATBOT, "--format", "json")
    assert result.code == 0
    data = json.loads(result.stdout)
    for ob in data["obligations"]:
        assert {"id", "instrument", "article", "confidence", "triggered_by"} <= set(ob)
    for na in data["not_applicable"]:
        assert {"instrument", "reason_en", "reason_zh"} <= set(na)
    for proc in data["procedures"]:
        assert {"id", "basis", "required", "reason_en", "reason_zh", "channel_zh"} <= set(proc)
        assert proc["required"] in (True, False, "review")
        assert all({"instrument", "article"} <= set(b) for b in proc["basis"])


def test_markdown_in_chinese_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    zh = run_cli(capsys, "scope", CHATBOT, "--format", "md").stdout
    en = run_cli(capsys, "scope", CHATBOT, "--format", "md", "--lang", "en").stdout
    assert zh.startswith("# 合规范围报告") and "## 需履行的程序" in zh and "## 证据清单" in zh
    assert en.startswith("# Compliance scope report") and "## Evidence checklist" in en
    assert "生成式人工智能服务备案" in zh
    assert "Generative AI service filing" in en


def test_html_is_well_formed(capsys: pytest.CaptureFixture[str]) -> None:
    page = run_cli(capsys, "scope", CHATBOT, "--format", "html").stdout
    tags: list[str] = []

    class Checker(HTMLParser):
        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag not in {"meta", "br", "link", "!doctype"}:
                tags.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert tags.pop() == tag

    Checker().feed(page)
    assert tags == []
    assert "<h2>需履行的程序</h2>" in page


def test_output_file_is_written_and_table_refuses_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "report.md"
    assert run_cli(capsys, "scope", CHATBOT, "-f", "md", "-o", str(out)).code == 0
    assert out.read_text(encoding="utf-8").startswith("# 合规范围报告")
    refused = run_cli(capsys, "scope", CHATBOT, "-o", str(tmp_path / "x.txt"))
    assert refused.code == 2 and "--format json, md or html" in refused.stderr


def test_table_summarises_counts(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "scope", CHATBOT)
    assert result.code == 0
    assert "需要履行的程序 12 项" in result.stdout
    assert "生成式人工智能服务备案" in result.stdout
    assert "beian.cac.gov.cn" in result.stdout  # where to file, in the table too
    en = run_cli(capsys, "scope", CHATBOT, "--lang", "en")
    assert "12 procedures required" in en.stdout and "Where to file" in en.stdout

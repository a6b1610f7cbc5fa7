from __future__ import annotations

import json

import pytest

from tests.helpers.cli import run_cli


@pytest.mark.parametrize(
    ("table", "count"),
    [("risks", 31), ("aspects", 13), ("instruments", None), ("thresholds", None)],
)
def test_list_json(capsys: pytest.CaptureFixture[str], table: str, count: int | None) -> None:
    result = run_cli(capsys, "kb", "list", table, "--format", "json")
    rows = json.loads(result.stdout)
    assert result.code == 0 and rows
    if count is not None:
        assert len(rows) == count


def test_list_obligations_of_one_instrument(capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(
        run_cli(capsys, "kb", "list", "obligations", "-i", "alg", "-f", "json").stdout
    )
    assert rows and {r["instrument"] for r in rows} == {"ALG"}
    bad = run_cli(capsys, "kb", "list", "obligations", "-i", "ALX")
    assert bad.code == 2 and "Did you mean" in bad.stderr


def test_show_any_record(capsys: pytest.CaptureFixture[str]) -> None:
    risk = json.loads(run_cli(capsys, "kb", "show", "A.1.d", "-f", "json").stdout)
    assert risk["name_zh"] == "宣扬恐怖主义、极端主义"
    inst = json.loads(run_cli(capsys, "kb", "show", "gai", "-f", "json").stdout)
    assert inst["code"] == "GAI" and inst["effective"] == "2023-08-15"
    thr = run_cli(capsys, "kb", "show", "gb45654.keywords.total")
    assert "10000" in thr.stdout


def test_show_unknown_id_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "kb", "show", "A.1.z")
    assert result.code == 2 and "A.1." in result.stderr


def test_search_finds_chinese_text(capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(run_cli(capsys, "kb", "search", "恐怖主义", "-f", "json").stdout)
    assert "A.1.d" in {r["id"] for r in rows}


def test_diff_between_releases_gives_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "kb", "diff", "2026.11.29", "-f", "json")
    assert result.code == 0
    items = {i["id"]: i for i in json.loads(result.stdout)["items"]}
    assert items["XB-SCC"]["change"] == "removed" and items["SCC-07"]["change"] == "added"
    assert {r["ref"] for r in items["SCC-07"]["reasons"]} == {"E7"}
    assert items["FR"]["reasons"][0]["reason"] == "new_instrument"
    bad = run_cli(capsys, "kb", "diff", "2020.01.01")
    assert bad.code == 2 and "known versions" in bad.stderr
    versions = run_cli(capsys, "kb", "versions")
    assert "2026.11.29" in versions.stdout

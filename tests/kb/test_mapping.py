"""Category mapping files and the suggester (issue 19 points 1 and 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui.errors import ConfigError
from hegui.kb import (
    CategoryResolver,
    KnowledgeBase,
    find_mapping,
    load_kb,
    load_mapping,
    render_suggestions,
    suggest_mapping,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "mappings"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hegui-map.yaml"
    path.write_text(text, "utf-8")
    return path


def test_resolution_order_and_unconfirmed_entries(tmp_path: Path, kb: KnowledgeBase) -> None:
    path = _write(
        tmp_path,
        "schema_version: 1\n"
        "entries:\n"
        "  - {level1: 违法犯罪, level2: 其他, to: A.1.h}\n"
        "  - {level2: 其他, to: A.2.i}\n"
        "  - {level1: 广告, to: ignore}\n"
        "  - {level2: 诈骗, to: A.1.h, confirmed: false}\n"
        "  - {level2: 宣扬恐怖主义、极端主义, to: A.1.c}\n",
    )
    mapping, resolver = load_mapping(path, kb)
    assert len(mapping.sha256) == 64 and mapping.path == str(path)
    r = resolver.resolve
    assert (r("违法犯罪", "其他").target, r("违法犯罪", "其他").line) == ("A.1.h", 3)
    assert r("歧视偏见", "其他").target == "A.2.i"  # the level2 entry
    assert r("广告", "虚假宣传").target == "ignore"  # the level1 entry
    assert r("x", "诈骗").target is None and r("x", "诈骗").how == "unconfirmed"
    # A mapping entry wins over the built-in name match (the user said so).
    assert r("", "宣扬恐怖主义、极端主义").target == "A.1.c"
    # Built-in: ids, exact names, names differing in 侵害/侵犯, punctuation, 内容.
    plain = CategoryResolver(kb)
    assert plain.resolve("", "A.4.a").target == "A.4.a"
    assert plain.resolve("", "历史").target == "NR.history"
    assert plain.resolve("", "侵害他人名誉权").target == "A.4.c"
    assert plain.resolve("", "民族歧视").target == "A.2.a"
    assert plain.resolve("", "宣扬恐怖主义，极端主义").target == "A.1.d"
    # A looser guess is never applied silently.
    assert plain.resolve("", "恐怖").target is None
    assert plain.resolve("", "侵害他人身心健康").target is None  # A.4.a says 危害
    assert resolver.ref() is not None and resolver.ref().applied == 5  # type: ignore[union-attr]


def test_unknown_target_lists_the_ids(tmp_path: Path, kb: KnowledgeBase) -> None:
    path = _write(tmp_path, "schema_version: 1\nentries:\n  - {level2: 诈骗, to: A.9.z}\n")
    with pytest.raises(ConfigError) as info:
        load_mapping(path, kb)
    [issue] = info.value.issues
    assert issue.line == 3 and "'A.9.z' is not a risk id" in issue.problem
    assert "A.1.a" in str(issue.fix) and "NR.history" in str(issue.fix)
    assert info.value.exit_code == 2


def test_two_entries_for_one_name_name_both_lines(tmp_path: Path, kb: KnowledgeBase) -> None:
    path = _write(
        tmp_path,
        "schema_version: 1\nentries:\n"
        "  - {level1: 违法犯罪, level2: 诈骗, to: A.1.h}\n"
        "  - {level2: 偷窃, to: A.1.h}\n"
        "  - {level1: 违法犯罪, level2: 诈骗, to: A.3.b}\n",
    )
    with pytest.raises(ConfigError, match="mapped twice, on lines 3 and 5"):
        load_mapping(path, kb)


def test_an_entry_needs_a_name_and_a_known_schema(tmp_path: Path, kb: KnowledgeBase) -> None:
    with pytest.raises(ConfigError, match="needs level1, level2 or both"):
        load_mapping(_write(tmp_path, "schema_version: 1\nentries:\n  - {to: A.1.h}\n"), kb)
    with pytest.raises(ConfigError, match="schema_version"):
        load_mapping(_write(tmp_path, "schema_version: 2\nentries: []\n"), kb)


def test_the_mapping_beside_the_file_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    data = tmp_path / "bank.csv"
    assert find_mapping(data, None) is None
    in_cwd = tmp_path / "cwd" / "hegui-map.yaml"
    in_cwd.write_text("schema_version: 1\n", "utf-8")
    assert find_mapping(data, None) == in_cwd
    beside = _write(tmp_path, "schema_version: 1\n")
    assert find_mapping(data, None) == beside
    with pytest.raises(ConfigError, match="mapping file not found"):
        find_mapping(data, tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("level1", "level2", "expected"),
    [
        ("侵害权益", "侵害他人身心健康", "A.4.a"),  # synonym 侵害/危害
        ("违法犯罪", "诈骗", "A.1.h"),  # topic word
        ("违法犯罪", "非法持有武器", "A.1.h"),
        ("违法犯罪", "宣扬暴力", "A.1.f"),
        ("歧视偏见", "其他", "A.2.i"),  # 其他 under its category
        ("违法犯罪", "其他", "A.1.h"),
        ("歧视偏见", "服装歧视内容", "A.2.i"),  # a discrimination Appendix A does not name
        ("侵犯权益", "侵害他人隐私权|侵害他人名誉权", "A.4.c"),
        ("", "暴恐词库", "A.1.d"),
    ],
)
def test_suggestions(kb: KnowledgeBase, level1: str, level2: str, expected: str) -> None:
    [suggestion] = suggest_mapping([(level1, level2)], kb)
    ids = [rid for rid, _ in suggestion.best]
    assert expected in ids[:2], suggestion.best
    if "|" not in level2:
        assert ids[0] == expected


def test_a_rendered_draft_loads_and_applies_nothing_until_confirmed(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    pairs = [("违法犯罪", "诈骗"), ("违法犯罪", "诈骗"), ("歧视偏见", "其他")]
    text = render_suggestions(suggest_mapping(pairs, kb), kb, source="jade.csv", known=4)
    assert "# 4 categories already match" in text
    assert "to: A.1.h  # 其他法律、行政法规禁止的内容 (1.00)" in text
    assert "confirmed: false  # 2 row(s)" in text
    mapping, resolver = load_mapping(_write(tmp_path, text), kb)
    assert len(mapping.entries) == 2 and not any(e.confirmed for e in mapping.entries)
    assert resolver.resolve("违法犯罪", "诈骗").how == "unconfirmed"
    confirmed = text.replace("confirmed: false", "confirmed: true")
    _, resolver = load_mapping(_write(tmp_path, confirmed), kb)
    assert resolver.resolve("违法犯罪", "诈骗").target == "A.1.h"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.hegui-map.yaml")), ids=lambda p: p.name)
def test_every_example_mapping_loads_and_names_its_licence(path: Path, kb: KnowledgeBase) -> None:
    mapping, _ = load_mapping(path, kb)
    assert mapping.licence and mapping.source and mapping.entries
    assert path.name.split(".")[0] in (EXAMPLES / "README.md").read_text("utf-8")

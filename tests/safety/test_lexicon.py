from __future__ import annotations

import json
from pathlib import Path

import pytest

from hegui.errors import ConfigError, InputError
from hegui.safety import Lexicon, dump_lexicon, load_lexicon, starter_lexicon

NATIVE_YAML = """\
schema_version: 1
name: acme
version: "2025.06.01"
version_date: 2025-06-01
allow: [反洗钱]
entries:
  - {term: 冰毒, risk: A.1.h, severity: high, tags: [drugs], allow: [缉冰毒]}
  - term: 洗钱
    risk: A.1.h
    action: mask
    match: {pinyin: false}
    note: trade term
"""


def test_native_yaml_loads(tmp_path: Path) -> None:
    path = tmp_path / "lex.yaml"
    path.write_text(NATIVE_YAML, encoding="utf-8")
    lex = load_lexicon(path)
    assert lex.name == "acme" and lex.version == "2025.06.01"
    assert [e.term for e in lex.entries] == ["冰毒", "洗钱"]
    assert lex.entries[1].action == "mask" and not lex.entries[1].match.pinyin


@pytest.mark.parametrize("suffix", [".yaml", ".jsonl"])
def test_native_round_trip(tmp_path: Path, suffix: str) -> None:
    src = tmp_path / "lex.yaml"
    src.write_text(NATIVE_YAML, encoding="utf-8")
    lex = load_lexicon(src)
    out = tmp_path / f"out{suffix}"
    dump_lexicon(lex, out)
    assert load_lexicon(out) == lex


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("schema_version: 1\nversion: '1'\nentries:\n  - {term: 冰毒, risk: A.9.z}\n", 4, "A.9.z"),
        ("schema_version: 1\nversion: '1'\nentries: []\n", None, "no entries"),
        (
            "schema_version: 1\nversion: '1'\nentries:\n  - {term: x, risk: A.1.h, color: red}\n",
            4,
            "color",
        ),
    ],
)
def test_bad_native_yaml_names_line(
    tmp_path: Path, text: str, line: int | None, needle: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_lexicon(path)
    assert needle in str(info.value)
    if line is not None:
        assert info.value.line == line


def test_jsonl_errors_name_every_line(tmp_path: Path) -> None:
    path = tmp_path / "lex.jsonl"
    rows = [{"term": "冰毒", "risk": "A.1.h"}, {"term": "x", "risk": "B.2"}, "not json"]
    path.write_text(
        "\n".join(json.dumps(r) if isinstance(r, dict) else r for r in rows), encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        load_lexicon(path)
    assert [i.line for i in info.value.issues] == [2, 3]


def test_invalid_utf8_reports_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "lex.jsonl"
    path.write_bytes(b'{"term": "ok", "risk": "A.1.h"}\n{"term": "\xff"}')
    with pytest.raises(InputError, match="byte offset 42"):
        load_lexicon(path)


def test_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\.txt"):
        load_lexicon(tmp_path / "lex.txt")


def test_starter_lexicon_is_universal_harms_mapped_to_risks() -> None:
    lex = starter_lexicon()
    assert isinstance(lex, Lexicon)
    assert 300 <= len(lex.entries) <= 1000
    risks = {e.risk for e in lex.entries}
    # universal harms only: nothing for the political risks A.1.a–c
    assert not risks & {"A.1.a", "A.1.b", "A.1.c"}
    assert {"A.1.d", "A.1.f", "A.1.h", "A.4.a", "A.4.f"} <= risks
    assert len({e.key for e in lex.entries}) == len(lex.entries)

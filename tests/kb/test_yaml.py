from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from hegui._yaml import parse_yaml, validate_document
from hegui.errors import ConfigError


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    size: int
    kind: str = "a"


class Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    items: list[Inner] = []


def test_lines_follow_nested_paths() -> None:
    doc = parse_yaml("name: x\nitems:\n  - size: 1\n  - size: 2\n    kind: b\n")
    assert doc.line_of(("items", 1, "kind")) == 5
    assert doc.line_of(("items", 0)) == 3
    assert doc.line_of(("items", 7, "zzz")) == 2


def test_validation_error_names_line_field_and_allowed_fields() -> None:
    doc = parse_yaml("name: x\nitems:\n  - size: 1\n  - size: 2\n    kidn: b\n", Path("p.yaml"))
    with pytest.raises(ConfigError) as info:
        validate_document(doc, Outer)
    text = str(info.value)
    assert "p.yaml:5: items[1].kidn: unknown field 'kidn'" in text
    assert "use one of: size, kind" in text


def test_wrong_type_names_value() -> None:
    doc = parse_yaml("name: x\nitems:\n  - size: big\n", Path("p.yaml"))
    with pytest.raises(ConfigError) as info:
        validate_document(doc, Outer)
    assert info.value.line == 3
    assert "'big'" in str(info.value)


def test_syntax_error_has_a_line() -> None:
    with pytest.raises(ConfigError) as info:
        parse_yaml("name: x\nitems: [1, 2\nother: 3\n", Path("bad.yaml"))
    assert info.value.line is not None
    assert str(info.value).startswith("bad.yaml:")


def test_duplicate_keys_are_rejected() -> None:
    with pytest.raises(ConfigError, match="appears twice") as info:
        parse_yaml("name: x\nname: y\n")
    assert info.value.line == 2


def test_aliases_are_refused_before_any_expansion() -> None:
    # S10: nested aliases would be copied once per use (a 352-byte file became 2 GiB).
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]")
    with pytest.raises(ConfigError, match="anchors and aliases") as err:
        parse_yaml("\n".join(lines), Path("lol.yaml"))
    assert err.value.line == 2
    assert "lol.yaml:2" in str(err.value)


def test_a_single_anchor_without_alias_is_fine() -> None:
    assert parse_yaml("a: &x 1\nb: 2").data == {"a": 1, "b": 2}


def test_node_count_is_capped() -> None:
    text = "[" + ", ".join(["1"] * 50) + "]"
    assert len(parse_yaml(text, max_nodes=51).data) == 50  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="more than 40 values"):
        parse_yaml(text, max_nodes=40)

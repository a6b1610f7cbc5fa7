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

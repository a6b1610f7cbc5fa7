"""Profiles validate with errors that name file, line, field and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hegui.errors import ConfigError
from hegui.kb import load_profile
from hegui.kb._profile import Provider
from tests.helpers.profiles import GOOD_PROFILE

GOOD = GOOD_PROFILE


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hegui.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_profile_loads(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, GOOD))
    assert profile.provider.uscc == "91310115MA1K4AAA0D"
    assert profile.service.model_source == "fine_tuned"


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "needle"),
    [
        pytest.param(
            "  features: [chat]",
            "  features: [chat, karaoke]",
            10,
            "service.features[1]",
            "use one of 'chat', 'writing'",
            id="unknown-enum-value",
        ),
        pytest.param(
            "  genai: true",
            "  genai: true\n  genia: true",
            8,
            "service.genia",
            "unknown field 'genia'",
            id="unknown-field",
        ),
        pytest.param(
            "  public_in_prc: true",
            "  public_in_prc: maybe",
            6,
            "service.public_in_prc",
            "'maybe'",
            id="wrong-type",
        ),
        pytest.param(
            "  uscc: 91310115MA1K4AAA0D",
            "  uscc: 91310115MA1K4AAA0X",
            4,
            "provider.uscc",
            "the 18th character should be 'D', not 'X'",
            id="bad-uscc-check-character",
        ),
        pytest.param(
            "  uscc: 91310115MA1K4AAA0D",
            "  uscc: 9131",
            4,
            "provider.uscc",
            "18 characters",
            id="bad-uscc-length",
        ),
        pytest.param(
            "  model_source: fine_tuned\n",
            "",
            5,
            "service",
            "model_source is not set",
            id="genai-without-model-source",
        ),
        pytest.param(
            "schema_version: 1",
            "schema_version: 2",
            1,
            "schema_version",
            "2 is not allowed",
            id="unknown-schema-version",
        ),
    ],
)
def test_errors_name_line_field_and_fix(
    tmp_path: Path, old: str, new: str, line: int, field: str, needle: str
) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError) as info:
        load_profile(path)
    issue = info.value.issues[0]
    assert (issue.line, issue.field) == (line, field)
    assert needle in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: {field}: ")


def test_unknown_field_lists_the_allowed_ones(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("  genai: true", "  genai: true\n  genia: true"))
    with pytest.raises(ConfigError) as info:
        load_profile(path)
    assert "use one of: name, public_in_prc, research_only, roles, genai" in str(info.value)


def test_malformed_yaml_points_at_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("  features: [chat]", "  features: [chat"))
    with pytest.raises(ConfigError) as info:
        load_profile(path)
    assert info.value.line is not None and info.value.line >= 10
    assert "not valid YAML" in str(info.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("  genai: true", "  genai: sometimes").replace("[chat]", "[karaoke]")
    with pytest.raises(ConfigError) as info:
        load_profile(write(tmp_path, text))
    assert {i.field for i in info.value.issues} == {"service.genai", "service.features[0]"}


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_profile(tmp_path / "nope.yaml")


ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


DIGITS = st.text(alphabet="0123456789", min_size=8, max_size=8)
ORG = st.text(alphabet=ALPHABET, min_size=9, max_size=9)


@given(DIGITS, ORG)
def test_uscc_with_computed_check_character_is_accepted(region: str, org: str) -> None:
    from stdnum.cn import uscc

    body = region + org
    code = body + uscc.calc_check_digit(body)
    assert Provider(name="x", uscc=code).uscc == code


@given(DIGITS, ORG, st.sampled_from(ALPHABET))
def test_uscc_with_any_other_check_character_is_rejected(region: str, org: str, wrong: str) -> None:
    from stdnum.cn import uscc

    body = region + org
    assume(wrong != uscc.calc_check_digit(body))
    with pytest.raises(ValueError, match="GB 32100"):
        Provider(name="x", uscc=body + wrong)

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hegui.kb import load_profile
from tests.helpers.cli import run_cli


def test_schema_describes_schema_version_1(capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads(run_cli(capsys, "profile", "schema").stdout)
    assert schema["properties"]["schema_version"]["const"] == 1
    assert {"provider", "service", "data", "overrides"} <= set(schema["properties"])


def test_init_from_flags_writes_a_profile_that_loads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "hegui.yaml"
    result = run_cli(
        capsys, "init", str(path), "--no-interactive", "--provider", "测试公司",
        "--uscc", "91310115MA1K4AAA0D", "--modality", "text", "--modality", "image",
        "--model-source", "fine_tuned", "--feature", "chat", "--feature", "forum",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    profile = load_profile(path)
    assert profile.provider.name == "测试公司"
    assert [m.value for m in profile.service.modalities] == ["text", "image"]
    text = path.read_text(encoding="utf-8")
    assert "hegui service profile" in text and "# === 个人信息 / Personal information ===" in text
    facts = json.loads(run_cli(capsys, "profile", "validate", str(path), "-f", "json").stdout)
    poa = next(f for f in facts["facts"] if f["fact"] == "poa")
    assert poa["value"] is True and poa["origin"] == "derived"


def test_init_never_overwrites_without_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "hegui.yaml"
    path.write_text("mine\n")
    refused = run_cli(capsys, "init", str(path), "--no-interactive")
    assert refused.code == 2 and "--force" in refused.stderr
    assert path.read_text() == "mine\n"
    assert run_cli(capsys, "init", str(path), "--no-interactive", "--force").code == 0
    assert (tmp_path / "hegui.yaml.bak").read_text() == "mine\n"


def test_init_without_a_name_writes_a_placeholder_that_fails_validation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Walkthrough finding 6: the unedited template used to validate and scope.
    path = tmp_path / "hegui.yaml"
    written = run_cli(capsys, "init", str(path), "--no-interactive")
    assert written.code == 0 and "placeholder" in written.stderr
    result = run_cli(capsys, "profile", "validate", str(path))
    assert result.code == 2
    assert "provider.name" in result.stderr and "placeholder" in result.stderr
    assert run_cli(capsys, "scope", str(path)).code == 2


def test_non_interactive_init_writes_the_file_the_wizard_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from hegui.kb import render_starter, starter_answers

    path = tmp_path / "hegui.yaml"
    written = run_cli(capsys, "init", str(path), "--no-interactive", "--provider", "测试公司")
    assert written.code == 0
    # The wizard with every default accepted asks no judgement for this service.
    assert path.read_text(encoding="utf-8") == render_starter(
        starter_answers({"provider.name": "测试公司"})
    )
    load_profile(path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--uscc", "91310115MA1K4AAA0X"], "--uscc: USCC"),
        (["--modality", "smell"], "--modality:"),
        (["--model-source", "homemade"], "--model-source:"),
    ],
)
def test_init_rejects_bad_answers_without_writing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    path = tmp_path / "hegui.yaml"
    result = run_cli(capsys, "init", str(path), "--no-interactive", *args)
    assert result.code == 2 and message in result.stderr
    assert not path.exists()


def test_validate_reports_errors_with_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "hegui.yaml"
    path.write_text("schema_version: 1\nprovider: {name: x}\nservice: {public_in_prc: true}\n")
    result = run_cli(capsys, "profile", "validate", str(path))
    assert result.code == 2
    assert "service.genai: required field is missing" in result.stderr

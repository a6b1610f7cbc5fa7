from __future__ import annotations

from pathlib import Path

import pytest

from hegui._version import __version__
from tests.helpers.cli import run_cli


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "--version")
    assert (result.code, result.stdout.strip()) == (0, f"hegui {__version__}")


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "--help")
    assert result.code == 0
    for command in ("scope", "init", "profile", "kb"):
        assert command in result.stdout


def test_bad_input_exits_2_without_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "hegui.yaml"
    bad.write_text(
        "schema_version: 1\nprovider: {name: x}\nservice:\n  public_in_prc: yes\n  genai: 3\n"
    )
    result = run_cli(capsys, "scope", str(bad))
    assert result.code == 2
    assert f"{bad}:5: service.genai:" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from hegui.errors import ConfigError

    with pytest.raises(ConfigError):
        run_cli(capsys, "--debug", "scope", str(tmp_path / "missing.yaml"))

"""Every kind of bad profile exits with code 2, names file:line and says how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import run_cli
from tests.helpers.profiles import GOOD_PROFILE

GOOD = GOOD_PROFILE


@pytest.mark.parametrize(
    ("old", "new", "line", "fix"),
    [
        pytest.param("[chat]", "[chat", 11, "fix: check indentation", id="malformed-yaml"),
        pytest.param(
            "  genai: true", "  genai: true\n  gnai: 1", 8, "fix: remove it", id="unknown"
        ),
        pytest.param("  genai: true", "  genai: often", 7, "fix: write true or false", id="type"),
        pytest.param("0D\n", "0X\n", 4, "should be 'D'", id="uscc"),
        pytest.param("[chat]", "[chatbot]", 10, "fix: use one of 'chat'", id="enum"),
    ],
)
def test_bad_profile(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, old: str, new: str, line: int, fix: str
) -> None:
    path = tmp_path / "hegui.yaml"
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    for command in (["scope", str(path)], ["profile", "validate", str(path)]):
        result = run_cli(capsys, *command)
        assert result.code == 2
        assert result.stderr.startswith(f"error: {path}:{line}: ")
        assert fix in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""

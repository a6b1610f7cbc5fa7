"""Run the real ``hegui`` entry point in-process and capture what it prints."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hegui.cli import main


@dataclass(frozen=True)
class Result:
    """Exit code and captured streams of one CLI run."""

    code: int
    stdout: str
    stderr: str


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    """Call ``hegui ARGS`` through ``hegui.cli.main`` and capture its output."""
    capsys.readouterr()
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out = capsys.readouterr()
    return Result(code, out.out, out.err)

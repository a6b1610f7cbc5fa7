"""Third-party programs and fonts some tests need: skipped with a reason when absent, a failure
when ``HEGUI_REQUIRE_PEERS=1`` (set by ``.ci/run``, which installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hegui.errors import InputError
from hegui.labeling._font import CjkFont, find_cjk_font


def _missing(what: str, package: str) -> None:
    message = f"{what} is not installed (Debian package {package}: apt-get install {package})"
    if os.environ.get("HEGUI_REQUIRE_PEERS") == "1":
        pytest.fail(f"HEGUI_REQUIRE_PEERS=1 but {message}")
    pytest.skip(message)


def need(program: str, package: str) -> str:
    """Path of ``program``."""
    path = shutil.which(program)
    if path is None:
        _missing(f"{program}", package)
        raise AssertionError("unreachable")
    return path


def need_cjk_font() -> CjkFont:
    """The default CJK font (Noto Sans CJK SC)."""
    try:
        return find_cjk_font()
    except InputError:
        _missing("a CJK font (Noto Sans CJK SC)", "fonts-noto-cjk")
        raise AssertionError("unreachable") from None


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly, failing the test on error."""
    exe = need("ffmpeg", "ffmpeg")
    subprocess.run([exe, "-nostdin", "-v", "error", "-y", *args], check=True)


def frame(video: Path, seconds: float, out: Path) -> Path:
    """Decode one frame as PNG."""
    ffmpeg("-ss", f"{seconds}", "-i", str(video), "-frames:v", "1", str(out))
    return out

#!/usr/bin/env python3
"""The project's two entry points, runnable on a fresh clone with only Python 3.11+.

    python3 tasks.py demo   # the main job on the embedded defaults: scope an example service
    python3 tasks.py test   # the whole check: ruff, mypy (strict on src/), pytest

Both create ``.venv`` and install the project into it on first use (and again whenever
``pyproject.toml`` changes): ``demo`` only the runtime extras, ``test`` also the pinned CPU
build of PyTorch and the development tools. Extra arguments after ``test`` go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
TORCH = "torch==2.13.0"
RUNTIME = ".[all]"
"""What ``demo`` needs: the runtime extras, no torch, no test tools."""
DEV = ".[dev]"
"""What ``test`` needs on top: torch (pinned), pytest, ruff, mypy, the interop readers."""


def _run(*cmd: str | Path) -> int:
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr, flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT)


def _ensure_env(profile: str) -> None:
    """Install what ``profile`` ("demo" or "test") needs into ``.venv``, once per pyproject."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before the venv exists
        sys.exit(f"hegui needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + TORCH.encode()).hexdigest()
    stamps = {"demo": [".hegui-demo", ".hegui-test"], "test": [".hegui-test"]}[profile]
    if any((VENV / s).exists() and (VENV / s).read_text() == wanted for s in stamps):
        return
    if not (BIN / "python").exists():
        print(f"creating virtual environment in {VENV}", file=sys.stderr)
        venv.create(VENV, with_pip=True)
    pip = [BIN / "python", "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    if profile == "demo":
        ok = _run(*pip, "-e", RUNTIME) == 0
    else:
        # torch first and pinned: this release is a CPU build available offline on the build
        # machines; left to the resolver, `torch>=2.2` would pull a CUDA build of several GB.
        ok = _run(*pip, TORCH) == 0 and _run(*pip, "-e", DEV) == 0
    if not ok:
        sys.exit("installing the project into .venv failed (see pip's output above)")
    (VENV / f".hegui-{profile}").write_text(wanted)


def demo(args: list[str]) -> int:
    """Scope the example public chatbot, then show what evidence it still owes (status).

    ``demo PROFILE [scope options]`` scopes another profile instead.
    """
    if args:
        return _run(BIN / "hegui", "scope", *args)
    workspace = "examples/public-chatbot"
    code = _run(BIN / "hegui", "scope", f"{workspace}/hegui.yaml")
    return code or _run(BIN / "hegui", "status", "--workspace", workspace)


def test(args: list[str]) -> int:
    """Lint, type-check and run the whole test suite."""
    paths = [p for p in ("src", "tests", "benchmarks", "tasks.py") if (ROOT / p).exists()]
    steps: list[list[str | Path]] = [
        [BIN / "ruff", "check", *paths],
        [BIN / "ruff", "format", "--check", *paths],
        [BIN / "mypy", "src"],
    ]
    for step in steps:
        if _run(*step) != 0:
            return 1
    code = _run(BIN / "python", "-m", "pytest", *args)
    # Exit code 5 means "no tests collected" (e.g. a -k filter matched nothing): not a failure.
    return 0 if code == 5 else code


COMMANDS = {"demo": demo, "test": test, "check": test}


def main() -> int:
    """Dispatch ``python3 tasks.py COMMAND [ARGS...]``."""
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    command = sys.argv[1]
    _ensure_env("demo" if command == "demo" else "test")
    return COMMANDS[command](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())

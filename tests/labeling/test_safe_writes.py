"""Filesystem safety (security review S15–S19, label audit "Faults"): links, output roots,
no-replace publishing, modes, read-only files, concurrent in-place writers."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from hegui.errors import HostError, InputError, LabelConflictError
from hegui.labeling import AigcLabel, FileFormat
from hegui.labeling._commit import FileState
from hegui.labeling._files import commit_label, inspect_file
from hegui.labeling._found import RawLabel
from hegui.labeling._parsing import untrusted
from hegui.labeling._produce import label_file
from hegui.labeling.carriers import carrier_for
from tests.helpers.cli import run_cli

from . import media
from .conftest import PRODUCER, producer_label


def test_s15_symlinks_in_walked_directories_are_skipped_and_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "outside").mkdir()
    media.png(tmp_path / "in" / "a.png")
    secret = media.png(tmp_path / "outside" / "secret.png")
    (tmp_path / "in" / "link.png").symlink_to(Path("..") / "outside" / "secret.png")
    (tmp_path / "in" / "dirlink").symlink_to(tmp_path / "outside")
    out = tmp_path / "out"
    r = run_cli(
        capsys, "label", "add", str(tmp_path / "in"), "--producer", PRODUCER, "--out", str(out)
    )
    assert r.code == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.png"]
    assert f"skipped: {tmp_path / 'in' / 'link.png'}" in r.stderr
    assert f"skipped: {tmp_path / 'in' / 'dirlink'}" in r.stderr and "--follow-symlinks" in r.stderr
    out2 = tmp_path / "out2"
    args = ("label", "add", str(tmp_path / "in"), "--producer", PRODUCER, "--out", str(out2))
    r = run_cli(capsys, *args, "--follow-symlinks")
    assert r.code == 0, r.stderr
    assert sorted(p.relative_to(out2).as_posix() for p in out2.rglob("*.png")) == [
        "a.png",
        "dirlink/secret.png",
        "link.png",
    ]
    assert not inspect_file(secret).labels  # the original is never written


def test_s16_in_place_on_a_symlink_is_refused(tmp_path: Path) -> None:
    real = media.png(tmp_path / "real.png")
    link = tmp_path / "link.png"
    link.symlink_to(real.name)
    before = real.read_bytes()
    with pytest.raises(InputError, match="symbolic link"):
        label_file(link, PRODUCER, None)
    assert link.is_symlink() and real.read_bytes() == before


def test_s17_output_stays_under_the_resolved_out_root(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "src" / "sub").mkdir(parents=True)
    media.png(tmp_path / "src" / "sub" / "a.png")
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out" / "sub").symlink_to(tmp_path / "elsewhere")
    args = ("label", "add", str(tmp_path / "src"), "--producer", PRODUCER)
    r = run_cli(capsys, *args, "--out", str(tmp_path / "out"))
    assert r.code == 2 and "outside the output directory" in r.stderr
    assert not list((tmp_path / "elsewhere").iterdir())


class _RacingCarrier:
    """A carrier (the plug-in interface) that, while writing, lets another party act: it
    creates the output name (S18) or rewrites the input (a writer without the lock)."""

    format: ClassVar[FileFormat] = FileFormat.PNG
    slot: ClassVar[str] = "png.xmp"
    digest_version: ClassVar[int] = 2

    def __init__(self, meddle: Path, data: bytes) -> None:
        self.inner = carrier_for(FileFormat.PNG)
        self.meddle, self.data = meddle, data

    def read(self, path: Path) -> list[RawLabel]:
        return self.inner.read(path)

    def write(self, src: Path, dst: Path, value: str) -> None:
        self.inner.write(src, dst, value)
        self.meddle.write_bytes(self.data)

    def essence(self, path: Path) -> str | None:
        return self.inner.essence(path)


def test_s18_a_file_that_appears_after_the_check_is_never_replaced(tmp_path: Path) -> None:
    src = media.png(tmp_path / "a.png")
    dst = tmp_path / "b.png"
    racer = _RacingCarrier(dst, b"appeared meanwhile")
    with pytest.raises(InputError, match="appeared while hegui was writing"):
        commit_label(
            src, producer_label(), dst, racer, original=src, state=FileState.of(src), durable=False
        )
    assert dst.read_bytes() == b"appeared meanwhile"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.png"]


def test_in_place_commit_refuses_an_input_that_changed_since_read(tmp_path: Path) -> None:
    src = media.png(tmp_path / "a.png")
    state = FileState.of(src)
    other = media.png(tmp_path / "other.png", mode="RGBA").read_bytes()
    racer = _RacingCarrier(src, other)
    with pytest.raises(LabelConflictError, match="changed while hegui was labeling"):
        commit_label(src, producer_label(), src, racer, original=src, state=state, durable=False)
    assert src.read_bytes() == other  # the other writer's version stands
    assert not inspect_file(src).labels


def test_s19_modes_are_masked(tmp_path: Path) -> None:
    src = media.png(tmp_path / "s.png")
    src.chmod(0o4755)
    out = tmp_path / "o.png"
    label_file(src, PRODUCER, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755


def test_read_only_in_place_needs_force(tmp_path: Path) -> None:
    src = media.png(tmp_path / "ro.png")
    src.chmod(0o444)
    before = src.read_bytes()
    with pytest.raises(InputError, match="read-only"):
        label_file(src, PRODUCER, None)
    assert src.read_bytes() == before
    label_file(src, PRODUCER, None, force=True)
    assert inspect_file(src).labels and stat.S_IMODE(src.stat().st_mode) == 0o444


def test_disk_full_is_an_environment_error() -> None:
    """ENOSPC while writing is exit code 3, not bad input (the audit saw exit 2)."""
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("/dev/full is not available here")
    with pytest.raises(HostError) as caught, untrusted(full, "label"), full.open("wb") as f:
        f.write(b"x" * 65536)
        f.flush()
    assert caught.value.exit_code == 3


_WRITER = """
import sys
from pathlib import Path
from hegui.errors import HeguiError
from hegui.labeling._produce import label_file
try:
    label_file(Path(sys.argv[1]), sys.argv[2], None, produce_id=sys.argv[3])
except HeguiError as exc:
    print(type(exc).__name__, exc)
    sys.exit(exc.exit_code)
"""


def test_concurrent_in_place_writers_one_wins_the_other_is_told(tmp_path: Path) -> None:
    src = media.png(tmp_path / "a.png")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(src), PRODUCER, f"writer-{i}"],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(2)
    ]
    outcomes = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        outcomes.append((proc.returncode, out))
    codes = sorted(code for code, _ in outcomes)
    assert codes == [0, 2], outcomes
    loser = next(text for code, text in outcomes if code == 2)
    assert "LabelConflictError" in loser and "--replace" in loser
    winner = next(i for i, (code, _) in enumerate(outcomes) if code == 0)
    (found,) = inspect_file(src).labels
    assert found.fields["ProduceID"] == f"writer-{winner}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png"]  # no lock or temp file left
    assert AigcLabel.first_write(PRODUCER, f"writer-{winner}") == found.to_label()

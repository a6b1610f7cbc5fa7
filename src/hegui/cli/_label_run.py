"""Shared plumbing of ``hegui label`` commands: option parsing, progress, tables, the finish."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from hegui.cli._output import Format, Lang, emit, stderr_console, stdout_console, to_json

if TYPE_CHECKING:
    from rich.console import Console

    from hegui.labeling import AddBatch, ExplicitOptions, InspectBatch, IntegrityKey, VerifyBatch

__all__ = [
    "WORDS",
    "cover",
    "explicit_options",
    "finish",
    "keys",
    "one_key",
    "progress",
    "table",
    "word",
    "workers",
]

WORDS: dict[str, tuple[str, str]] = {
    "file": ("文件", "file"),
    "output": ("输出", "output"),
    "placement": ("位置", "placement"),
    "status": ("状态", "status"),
    "explicit": ("显式标识", "explicit"),
    "determination": ("判定", "determination"),
    "integrity": ("完整性", "integrity"),
    "written": ("已写入", "written"),
    "labeled": ("已标识", "labeled"),
    "error": ("错误", "error"),
    "no label": ("无标识", "no label"),
    "conforming": ("符合", "conforming"),
    "non-conforming": ("不符合", "non-conforming"),
    "non-standard": ("非标准位置", "non-standard"),
    "confirmed": ("属于（确认）", "confirmed"),
    "possible": ("可能为", "possible"),
    "suspected": ("疑似为", "suspected"),
    "none": ("无", "none"),
    "metadata only": ("仅元数据", "metadata only"),
    "problems": ("问题", "problems"),
    "basis": ("依据", "basis"),
}


def word(key: str, lang: Lang) -> str:
    """The table word for ``key`` in ``lang``."""
    zh, en = WORDS.get(key, (key, key))
    return zh if lang is Lang.ZH else en


def _read(path: Path, option: str) -> bytes:
    from hegui.errors import InputError

    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{option} {path}: {exc.strerror}") from None


def keys(ed25519: list[Path] | None, hmac: list[Path] | None) -> tuple[IntegrityKey, ...]:
    """Every key given with ``--key`` (Ed25519 PEM) and ``--hmac-key`` (a shared secret)."""
    from hegui.labeling import KeyKind, load_key

    found = [
        load_key(_read(p, "--key"), KeyKind.ED25519, source=f"--key {p}") for p in ed25519 or []
    ]
    found += [
        load_key(_read(p, "--hmac-key"), KeyKind.HMAC, source=f"--hmac-key {p}") for p in hmac or []
    ]
    return tuple(found)


def one_key(ed25519: Path | None, hmac: Path | None, options: str) -> IntegrityKey | None:
    """The one signing key of an Ed25519/HMAC option pair (not both)."""
    from hegui.errors import InputError

    if ed25519 is not None and hmac is not None:
        raise InputError(f"give one signing key: {options}, not both")
    found = keys([ed25519] if ed25519 else None, [hmac] if hmac else None)
    return found[0] if found else None


def cover(cover_content: bool, metadata_only: bool) -> bool | None:
    """The content-coverage choice: True required, False metadata only, None where possible."""
    from hegui.errors import InputError

    if cover_content and metadata_only:
        raise InputError("give --cover-content or --metadata-only, not both")
    return True if cover_content else (False if metadata_only else None)


def workers(count: int | None) -> int:
    """Worker processes: the option, else the CPUs (at most 8)."""
    return count or max(1, min(8, os.cpu_count() or 1))


@contextmanager
def progress(command: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, shown once a batch has more than one file."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn(f"hegui {command}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=stderr_console(),
        transient=True,
    )
    task: list[object] = []

    def update(done: int, total: int) -> None:
        if total < 2:
            return
        if not task:
            bar.start()
            task.append(bar.add_task(command, total=total))
        bar.update(task[0], completed=done)  # type: ignore[arg-type]

    try:
        yield update
    finally:
        bar.stop()


def table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    """Print a table on stdout; cells are plain text, never rich markup."""
    from rich.table import Table
    from rich.text import Text

    out = stdout_console()
    t = Table(title=title, expand=False)
    for col in columns:
        t.add_column(col, overflow="fold")
    for row in rows:
        t.add_row(*(Text(cell) for cell in row))  # file names and values are not markup
    out.print(t)


def notes(console: Console, heading: str, lines: list[str]) -> None:
    """Print ``heading`` then each line as an indented bullet, wrapped at the console width."""
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    console.print(Text(heading))
    bullets = Table.grid(padding=(0, 1))
    bullets.add_column(no_wrap=True)
    bullets.add_column(overflow="fold")
    for line in lines:
        bullets.add_row("•", Text(line))
    console.print(Padding(bullets, (0, 0, 0, 2)))


def finish(
    batch: AddBatch | InspectBatch | VerifyBatch,
    fmt: Format,
    evidence_dir: Path | None,
    render: Callable[[], None],
    *,
    strict: bool = False,
) -> None:
    """Print the batch (table or JSON), skipped entries and errors, write Evidence, exit."""
    if fmt is Format.JSON:
        emit(to_json(batch.to_json()))
    else:
        render()
    err = stderr_console()
    for note in batch.notes():
        err.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    for s in batch.skipped:
        err.print(f"skipped: {s.path}: {s.reason}", markup=False, highlight=False, soft_wrap=True)
    for item in batch.items:
        if item.error is not None:
            err.print(f"error: {item.error.message}", markup=False, highlight=False, soft_wrap=True)
    err.print(
        f"{batch.succeeded} of {len(batch.items)} files done, {batch.failed} failed",
        highlight=False,
    )
    if strict:
        for finding in batch.findings():
            err.print(f"strict: {finding}", markup=False, highlight=False, soft_wrap=True)
    if evidence_dir is not None:
        from hegui.evidence import DirectoryStore

        store = DirectoryStore(evidence_dir)
        path = store.path_of(store.add(batch.evidence()))
        err.print(f"evidence: {path}", markup=False, highlight=False, soft_wrap=True)
    code = batch.exit_code(strict=strict)
    if code:
        raise typer.Exit(code)


def explicit_options(
    wording: str | None,
    position: str | None,
    voice: Path | None,
    font: Path | None,
    seconds: float | None,
) -> ExplicitOptions:
    """Explicit-label options from the CLI flags; one --position serves every modality."""
    from hegui.labeling import (
        CuePosition,
        ExplicitOptions,
        ImagePosition,
        TextPosition,
        parse_image_position,
    )

    text_values = [p.value for p in TextPosition]
    if position is not None and position not in text_values:
        parse_image_position(position)  # an edge or a corner, or a clear error (§5.2)
    image_values = [p.value for p in ImagePosition]
    text = TextPosition(position) if position in text_values else TextPosition.END
    audio = CuePosition(position) if position in text_values else CuePosition.START
    image = ImagePosition(position) if position in image_values else ImagePosition.BOTTOM_RIGHT
    video = ImagePosition(position) if position in image_values else ImagePosition.TOP_LEFT
    return ExplicitOptions(
        wording=wording,
        text_position=text,
        image_position=image,
        video_position=video,
        video_seconds=seconds,
        audio_position=audio,
        voice=voice,
        font=font,
    )

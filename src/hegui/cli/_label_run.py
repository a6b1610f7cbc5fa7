"""Shared plumbing of ``hegui label`` commands: keys, outputs, the batch run and its report."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from hegui.cli._output import Format, emit, stderr_console, stdout_console, to_json

if TYPE_CHECKING:
    from hegui.labeling import ExplicitOptions, IntegrityKey, Limits
    from hegui.labeling._batch import Job, Record, Skipped

__all__ = ["explicit_options", "finish", "key", "out_dir", "run", "table", "text"]


def key(path: Path | None, option: str) -> IntegrityKey | None:
    """The integrity key in the file an option names (``--hmac-key``: HMAC, else Ed25519)."""
    from hegui.errors import InputError
    from hegui.labeling import KeyKind, load_key

    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{option} {path}: {exc.strerror}") from None
    kind = KeyKind.HMAC if "hmac" in option else KeyKind.ED25519
    return load_key(data, kind, source=f"{option} {path}")


def keys(ed25519: list[Path] | None, hmac: list[Path] | None) -> list[IntegrityKey]:
    """Every key given with ``--key`` and ``--hmac-key``."""
    found = [key(p, "--key") for p in ed25519 or []]
    found += [key(p, "--hmac-key") for p in hmac or []]
    return [k for k in found if k is not None]


def one_key(ed25519: Path | None, hmac: Path | None, options: str) -> IntegrityKey | None:
    """The one signing key of ``--key``/``--hmac-key`` (not both)."""
    from hegui.errors import InputError

    if ed25519 is not None and hmac is not None:
        raise InputError(f"give one signing key: {options}, not both")
    return key(ed25519, options.split("/")[0]) or key(hmac, options.split("/")[1])


def limits(items: list[str] | None) -> Limits:
    """The parsing limits with the ``--limit NAME=VALUE`` overrides."""
    from hegui.labeling import parse_limits

    return parse_limits(items or [])


def cover(cover_content: bool, metadata_only: bool) -> bool | None:
    """The content-coverage choice: True required, False metadata only, None where possible."""
    from hegui.errors import InputError

    if cover_content and metadata_only:
        raise InputError("give --cover-content or --metadata-only, not both")
    return True if cover_content else (False if metadata_only else None)


def out_dir(out: Path | None, in_place: bool) -> Path | None:
    """The output directory (created), or None for --in-place; exactly one must be given."""
    from hegui.errors import InputError

    if out is not None and in_place:
        raise InputError("give either --out DIR or --in-place, not both")
    if out is None and not in_place:
        raise InputError("say where labeled files go: --out DIR (copies) or --in-place")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    return out


def report_skipped(skipped: Sequence[Skipped]) -> None:
    """Say on stderr which walked entries were skipped, and why."""
    err = stderr_console()
    for item in skipped:
        err.print(
            f"skipped: {item.path}: {item.reason}", markup=False, highlight=False, soft_wrap=True
        )


def run(
    command: str, work: Callable[[Job], Record], jobs: Sequence[Job], workers: int | None
) -> list[Record]:
    """Run a batch with a progress bar on stderr when there is more than one file."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from hegui.labeling._batch import run_batch

    count = workers or max(1, min(8, os.cpu_count() or 1))
    if len(jobs) < 2:
        return run_batch(work, jobs)
    progress = Progress(
        TextColumn(f"hegui {command}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=stderr_console(),
        transient=True,
    )
    with progress:
        task = progress.add_task(command, total=len(jobs))
        return run_batch(work, jobs, workers=count, advance=lambda: progress.advance(task))


def text(record: Record, *keys: str) -> str:
    """A nested record value as table text ("" when absent)."""
    value: object = record
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    """Print a table on stdout; cells are plain text, never rich markup."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # file names and values are not markup
    stdout_console().print(table)


def finish(
    command: str,
    records: list[Record],
    fmt: Format,
    evidence_dir: Path | None,
    render: Callable[[list[Record]], None],
) -> None:
    """Print the records (table or JSON), diagnostics, the summary; write evidence; exit code."""
    from hegui.labeling._batch import failure_exit_code
    from hegui.labeling._records import evidence, summary

    if fmt is Format.JSON and command == "label.inspect":
        shape = ("file", "format", "labels", "error")
        emit(to_json([{k: v for k, v in r.items() if k in shape} for r in records]))
    elif fmt is Format.JSON:
        emit(to_json(summary(command, records)))
    else:
        render(records)
    err = stderr_console()
    for r in records:
        notes = r.get("notes")
        for note in notes if isinstance(notes, list) else []:
            err.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
        if "error" in r:
            err.print(f"error: {r['error']}", markup=False, highlight=False, soft_wrap=True)
    done = summary(command, records)
    err.print(
        f"{done['succeeded']} of {done['files']} files done, {done['failed']} failed",
        highlight=False,
    )
    if evidence_dir is not None:
        from hegui.evidence import DirectoryStore

        store = DirectoryStore(evidence_dir)
        path = store.path_of(store.add(evidence(command, records)))
        err.print(f"evidence: {path}", markup=False, highlight=False)
    code = failure_exit_code(records)
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
    from hegui.errors import InputError
    from hegui.labeling import CuePosition, ExplicitOptions, ImagePosition, TextPosition

    text_values = [p.value for p in TextPosition]
    image_values = [p.value for p in ImagePosition]
    if position is not None and position not in text_values + image_values:
        raise InputError(
            f"--position {position!r}: choose one of {', '.join(text_values + image_values)}"
        )
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

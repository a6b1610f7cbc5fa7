"""``hegui label``: add, inspect and verify GB 45438 labels in files and directories."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._output import Format, emit, stderr_console, stdout_console, to_json

if TYPE_CHECKING:
    from hegui.labeling import ExplicitOptions, IntegrityKey
    from hegui.labeling._batch import Job, Record

FilesArg = Annotated[
    list[Path], typer.Argument(metavar="FILE...", help="Files or directories (walked recursively).")
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers", "-j", min=1, help="Parallel worker processes [default: CPUs, max 8]."
    ),
]
EvidenceOpt = Annotated[
    Path | None, typer.Option("--evidence", help="Write an Evidence JSON file into this directory.")
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write labeled copies into this directory.")
]
InPlaceOpt = Annotated[
    bool, typer.Option("--in-place", help="Replace the inputs (atomically, via a temporary file).")
]
ReplaceOpt = Annotated[
    bool,
    typer.Option("--replace", help="Replace an earlier label by another producer (your own only)."),
]
CoverOpt = Annotated[
    bool, typer.Option("--cover-content", help="Make the signature cover the media data too.")
]


def _key(path: Path | None, option: str) -> IntegrityKey | None:
    from hegui.errors import InputError
    from hegui.labeling import load_key

    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{option} {path}: {exc.strerror}") from None
    return load_key(data, source=f"{option} {path}")


def _out_dir(out: Path | None, in_place: bool) -> Path | None:
    from hegui.errors import InputError

    if out is not None and in_place:
        raise InputError("give either --out DIR or --in-place, not both")
    if out is None and not in_place:
        raise InputError("say where labeled files go: --out DIR (copies) or --in-place")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    return out


def _run(
    command: str, work: Callable[[Job], Record], jobs: Sequence[Job], workers: int | None
) -> list[Record]:
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


def _text(record: Record, *keys: str) -> str:
    value: object = record
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # file names and values are not markup
    stdout_console().print(table)


def _finish(
    command: str,
    records: list[Record],
    fmt: Format,
    evidence_dir: Path | None,
    render: Callable[[list[Record]], None],
) -> None:
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
            err.print(f"note: {note}", markup=False, highlight=False)
        if "error" in r:
            err.print(f"error: {r['error']}", markup=False, highlight=False)
    done = summary(command, records)
    err.print(
        f"{done['succeeded']} of {done['files']} files done, {done['failed']} failed",
        highlight=False,
    )
    if evidence_dir is not None:
        from hegui.kb import write_evidence

        path = write_evidence(evidence(command, records), evidence_dir)
        err.print(f"evidence: {path}", markup=False, highlight=False)
    code = failure_exit_code(records)
    if code:
        raise typer.Exit(code)


def _explicit_options(
    wording: str | None,
    position: str | None,
    voice: Path | None,
    font: Path | None,
    seconds: float | None,
) -> ExplicitOptions:
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


def label_add(
    files: FilesArg,
    producer: Annotated[
        str,
        typer.Option("--producer", help="Your 27-character provider code (TC260 coding guide)."),
    ],
    explicit: Annotated[
        bool,
        typer.Option(
            "--explicit", help="Also draw the explicit label (text, image, audio, video)."
        ),
    ] = False,
    out: OutOpt = None,
    in_place: InPlaceOpt = False,
    produce_id: Annotated[
        str | None, typer.Option("--produce-id", help="Content id (one file only) [default: UUID].")
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option("--key", help="Sign ReservedCode1: HMAC secret file or Ed25519 private PEM."),
    ] = None,
    cover_content: CoverOpt = False,
    replace: ReplaceOpt = False,
    wording: Annotated[
        str | None, typer.Option("--wording", help="Explicit label text (AI/人工智能 + 生成/合成).")
    ] = None,
    position: Annotated[
        str | None,
        typer.Option(
            "--position",
            help="Explicit label position: start|end|middle (text, audio) or "
            "top-left|top-right|bottom-left|bottom-right|top|bottom (image, video).",
        ),
    ] = None,
    voice: Annotated[
        Path | None, typer.Option("--voice", help="Audio: mix this voice WAV instead of 短长短短.")
    ] = None,
    font: Annotated[
        Path | None, typer.Option("--font", help="Image/video font [default: Noto Sans CJK SC].")
    ] = None,
    seconds: Annotated[
        float | None, typer.Option("--seconds", help="Video: label duration from frame 1 (≥ 2).")
    ] = None,
    workers: WorkersOpt = None,
    fmt: FormatOpt = Format.TABLE,
    evidence_dir: EvidenceOpt = None,
) -> None:
    """Label generated files as their producer: implicit metadata label, optionally explicit."""
    from hegui.errors import InputError
    from hegui.labeling._batch import expand
    from hegui.labeling._records import add_record

    jobs = expand(files, _out_dir(out, in_place))
    if produce_id is not None and len(jobs) != 1:
        raise InputError("--produce-id names one file's content; for several files omit it")
    work = functools.partial(
        add_record,
        producer=producer,
        produce_id=produce_id,
        key=_key(key, "--key"),
        cover_content=cover_content,
        explicit=_explicit_options(wording, position, voice, font, seconds) if explicit else None,
        replace=replace,
    )
    records = _run("label add", work, jobs, workers)

    def render(rs: list[Record]) -> None:
        rows = [
            [
                _text(r, "file"),
                _text(r, "output"),
                _text(r, "carrier"),
                _text(r, "explicit", "modality"),
                _text(r, "fields", "ProduceID"),
                "error" if "error" in r else "labeled",
            ]
            for r in rs
        ]
        columns = ["file", "output", "carrier", "explicit", "ProduceID", "status"]
        _table("hegui label add", columns, rows)

    _finish("label.add", records, fmt, evidence_dir, render)


def label_inspect(
    files: FilesArg,
    fmt: FormatOpt = Format.TABLE,
    workers: WorkersOpt = None,
    evidence_dir: EvidenceOpt = None,
) -> None:
    """Show every GB 45438 label in the files, and how each departs from Appendix E."""
    from hegui.labeling._batch import expand
    from hegui.labeling._records import inspect_record

    records = _run("label inspect", inspect_record, expand(files), workers)

    def render(rs: list[Record]) -> None:
        rows = []
        for r in rs:
            labels = r.get("labels")
            if "error" in r or not isinstance(labels, list) or not labels:
                rows.append(
                    [
                        _text(r, "file"),
                        _text(r, "format"),
                        "",
                        "",
                        "",
                        "error" if "error" in r else "no label",
                        "",
                    ]
                )
                continue
            for lab in labels:
                assert isinstance(lab, dict)
                problems = lab.get("problems")
                listed = "\n".join(f"• {p}" for p in problems) if isinstance(problems, list) else ""
                rows.append(
                    [
                        _text(r, "file"),
                        _text(r, "format"),
                        _text(lab, "carrier"),
                        _text(lab, "fields", "Label"),
                        _text(lab, "fields", "ContentProducer"),
                        "yes" if lab.get("conforming") else "no",
                        listed,
                    ]
                )
        columns = [
            "file",
            "format",
            "carrier",
            "Label",
            "ContentProducer",
            "conforming",
            "problems",
        ]
        _table("hegui label inspect", columns, rows)

    _finish("label.inspect", records, fmt, evidence_dir, render)


def label_verify(
    files: FilesArg,
    platform: Annotated[
        str | None,
        typer.Option("--platform", help="Your platform's provider code: write propagation fields."),
    ] = None,
    declared: Annotated[
        bool, typer.Option("--declared", help="The uploader declared the content AI-generated.")
    ] = False,
    keys: Annotated[
        list[Path] | None,
        typer.Option("--key", help="Key to check ReservedCode1/2 with (repeatable)."),
    ] = None,
    sign_key: Annotated[
        Path | None, typer.Option("--sign-key", help="Sign ReservedCode2 with this key.")
    ] = None,
    cover_content: CoverOpt = False,
    out: OutOpt = None,
    in_place: InPlaceOpt = False,
    propagate_id: Annotated[
        str | None, typer.Option("--propagate-id", help="Platform content id (one file only).")
    ] = None,
    replace: ReplaceOpt = False,
    workers: WorkersOpt = None,
    fmt: FormatOpt = Format.TABLE,
    evidence_dir: EvidenceOpt = None,
) -> None:
    """Measures Art. 6: confirmed / possible / suspected / none, and integrity of the label.

    With --platform, also write the platform's propagation fields (needs --out or --in-place).
    """
    from hegui.errors import InputError
    from hegui.labeling._batch import expand
    from hegui.labeling._records import verify_record

    out_dir = _out_dir(out, in_place) if platform is not None else None
    if platform is None and (out is not None or in_place or sign_key is not None):
        raise InputError("--out, --in-place and --sign-key need --platform CODE")
    jobs = expand(files, out_dir)
    if propagate_id is not None and len(jobs) != 1:
        raise InputError("--propagate-id names one file's content; for several files omit it")
    verify_keys = [k for p in keys or [] if (k := _key(p, "--key")) is not None]
    work = functools.partial(
        verify_record,
        platform=platform,
        declared=declared,
        keys=verify_keys,
        sign_with=_key(sign_key, "--sign-key"),
        cover_content=cover_content,
        propagate_id=propagate_id,
        replace=replace,
    )
    records = _run("label verify", work, jobs, workers)

    def render(rs: list[Record]) -> None:
        rows = []
        for r in rs:
            integrity = r.get("integrity")
            status = (
                {_text(i, "field"): _text(i, "status") for i in integrity if isinstance(i, dict)}
                if isinstance(integrity, list)
                else {}
            )
            rows.append(
                [
                    _text(r, "file"),
                    "error" if "error" in r else _text(r, "determination"),
                    _text(r, "notice_zh"),
                    status.get("ReservedCode1", ""),
                    status.get("ReservedCode2", ""),
                    _text(r, "written"),
                ]
            )
        columns = ["file", "determination", "notice", "ReservedCode1", "ReservedCode2", "written"]
        _table("hegui label verify (Measures Art. 6)", columns, rows)

    _finish("label.verify", records, fmt, evidence_dir, render)


def register(app: typer.Typer) -> None:
    """Add ``hegui label`` to the root app."""
    group = typer.Typer(
        help="GB 45438 / Labeling Measures: add, inspect and verify AIGC labels in files.",
        no_args_is_help=True,
    )
    group.command("add")(label_add)
    group.command("inspect")(label_inspect)
    group.command("verify")(label_verify)
    app.add_typer(group, name="label")

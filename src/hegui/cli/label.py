"""``hegui label``: add, inspect and verify GB 45438 labels in files and directories."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli import _label_run as _lr
from hegui.cli._output import Format

if TYPE_CHECKING:
    from hegui.labeling._batch import Record

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
    bool,
    typer.Option(
        "--cover-content",
        help="Require the signature to bind the content digest (the default where the format "
        "has one).",
    ),
]
MetadataOnlyOpt = Annotated[
    bool,
    typer.Option(
        "--metadata-only",
        help="Sign the label fields only; the value then does not bind the content.",
    ),
]
HmacKeyOpt = Annotated[
    Path | None,
    typer.Option("--hmac-key", help="Sign with this HMAC-SHA256 shared-secret file."),
]
FollowOpt = Annotated[
    bool,
    typer.Option(
        "--follow-symlinks",
        help="Follow symbolic links inside walked directories (skipped and reported otherwise).",
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="With --in-place, also replace read-only files.")
]
LimitOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--limit",
        metavar="NAME=VALUE",
        help="Raise or lower a parsing limit, e.g. max_pixels=100000000 (see SECURITY.md).",
    ),
]


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
        typer.Option("--key", help="Sign ReservedCode1 with this Ed25519 private key (PEM)."),
    ] = None,
    hmac_key: HmacKeyOpt = None,
    cover_content: CoverOpt = False,
    metadata_only: MetadataOnlyOpt = False,
    replace: ReplaceOpt = False,
    force: ForceOpt = False,
    follow_symlinks: FollowOpt = False,
    limit: LimitOpt = None,
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

    jobs, skipped = expand(files, _lr.out_dir(out, in_place), follow_symlinks=follow_symlinks)
    if produce_id is not None and len(jobs) != 1:
        raise InputError("--produce-id names one file's content; for several files omit it")
    work = functools.partial(
        add_record,
        producer=producer,
        produce_id=produce_id,
        key=_lr.one_key(key, hmac_key, "--key/--hmac-key"),
        cover_content=_lr.cover(cover_content, metadata_only),
        explicit=_lr.explicit_options(wording, position, voice, font, seconds)
        if explicit
        else None,
        replace=replace,
        force=force,
        limits=_lr.limits(limit),
    )
    _lr.report_skipped(skipped)
    records = _lr.run("label add", work, jobs, workers)

    def render(rs: list[Record]) -> None:
        rows = [
            [
                _lr.text(r, "file"),
                _lr.text(r, "output"),
                _lr.text(r, "carrier"),
                _lr.text(r, "explicit", "modality"),
                _lr.text(r, "fields", "ProduceID"),
                "error" if "error" in r else "labeled",
            ]
            for r in rs
        ]
        columns = ["file", "output", "carrier", "explicit", "ProduceID", "status"]
        _lr.table("hegui label add", columns, rows)

    _lr.finish("label.add", records, fmt, evidence_dir, render)


def label_inspect(
    files: FilesArg,
    fmt: FormatOpt = Format.TABLE,
    workers: WorkersOpt = None,
    evidence_dir: EvidenceOpt = None,
    follow_symlinks: FollowOpt = False,
    limit: LimitOpt = None,
) -> None:
    """Show every GB 45438 label in the files, and how each departs from Appendix E."""
    from hegui.labeling._batch import expand
    from hegui.labeling._records import inspect_record

    jobs, skipped = expand(files, follow_symlinks=follow_symlinks)
    _lr.report_skipped(skipped)
    work = functools.partial(inspect_record, limits=_lr.limits(limit))
    records = _lr.run("label inspect", work, jobs, workers)

    def render(rs: list[Record]) -> None:
        rows = []
        for r in rs:
            labels = r.get("labels")
            if "error" in r or not isinstance(labels, list) or not labels:
                rows.append(
                    [
                        _lr.text(r, "file"),
                        _lr.text(r, "format"),
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
                        _lr.text(r, "file"),
                        _lr.text(r, "format"),
                        _lr.text(lab, "carrier"),
                        _lr.text(lab, "fields", "Label"),
                        _lr.text(lab, "fields", "ContentProducer"),
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
        _lr.table("hegui label inspect", columns, rows)

    _lr.finish("label.inspect", records, fmt, evidence_dir, render)


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
        typer.Option("--key", help="Ed25519 key (PEM) to check ReservedCode1/2 with (repeatable)."),
    ] = None,
    hmac_keys: Annotated[
        list[Path] | None,
        typer.Option(
            "--hmac-key", help="HMAC secret file to check ReservedCode1/2 with (repeatable)."
        ),
    ] = None,
    sign_key: Annotated[
        Path | None,
        typer.Option("--sign-key", help="Sign ReservedCode2 with this Ed25519 private key."),
    ] = None,
    sign_hmac_key: Annotated[
        Path | None,
        typer.Option("--sign-hmac-key", help="Sign ReservedCode2 with this HMAC secret file."),
    ] = None,
    cover_content: CoverOpt = False,
    metadata_only: MetadataOnlyOpt = False,
    force: ForceOpt = False,
    follow_symlinks: FollowOpt = False,
    limit: LimitOpt = None,
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

    out_dir = _lr.out_dir(out, in_place) if platform is not None else None
    signing = sign_key is not None or sign_hmac_key is not None
    if platform is None and (out is not None or in_place or signing):
        raise InputError("--out, --in-place, --sign-key and --sign-hmac-key need --platform CODE")
    jobs, skipped = expand(files, out_dir, follow_symlinks=follow_symlinks)
    if propagate_id is not None and len(jobs) != 1:
        raise InputError("--propagate-id names one file's content; for several files omit it")
    work = functools.partial(
        verify_record,
        platform=platform,
        declared=declared,
        keys=_lr.keys(keys, hmac_keys),
        sign_with=_lr.one_key(sign_key, sign_hmac_key, "--sign-key/--sign-hmac-key"),
        cover_content=_lr.cover(cover_content, metadata_only),
        propagate_id=propagate_id,
        replace=replace,
        force=force,
        limits=_lr.limits(limit),
    )
    _lr.report_skipped(skipped)
    records = _lr.run("label verify", work, jobs, workers)

    def render(rs: list[Record]) -> None:
        rows = []
        for r in rs:
            integrity = r.get("integrity")
            status = (
                {
                    _lr.text(i, "field"): _lr.text(i, "status")
                    for i in integrity
                    if isinstance(i, dict)
                }
                if isinstance(integrity, list)
                else {}
            )
            rows.append(
                [
                    _lr.text(r, "file"),
                    "error" if "error" in r else _lr.text(r, "determination"),
                    _lr.text(r, "notice_zh"),
                    status.get("ReservedCode1", ""),
                    status.get("ReservedCode2", ""),
                    _lr.text(r, "written"),
                ]
            )
        columns = ["file", "determination", "notice", "ReservedCode1", "ReservedCode2", "written"]
        _lr.table("hegui label verify (Measures Art. 6)", columns, rows)

    _lr.finish("label.verify", records, fmt, evidence_dir, render)


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

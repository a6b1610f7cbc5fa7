"""``hegui label``: add, inspect and verify GB 45438 labels; build provider codes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hegui.cli import _label_run as _lr
from hegui.cli._label_show import show_add, show_code, show_inspect, show_verify
from hegui.cli._output import Format, Lang

GROUP_HELP = "\n".join(
    (
        "GB 45438 / Labeling Measures: add, inspect and verify AIGC labels in files.",
        "",
        "Exit codes:",
        "0  done (with --strict: and nothing found)",
        "1  --strict only: inspect found a file without a label or with a non-conforming one;"
        " verify found a suspected file, a non-conforming label or an invalid integrity value",
        "2  bad input: a file, option or value (the message names it and the fix), or a label"
        " conflict",
        "3  the environment: disk full, permission denied, a missing program",
        "4  a bug in hegui",
    )
)

FilesArg = Annotated[
    list[Path], typer.Argument(metavar="FILE...", help="Files or directories (walked recursively).")
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of the table.")]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers", "-j", min=1, help="Parallel worker processes.", show_default="CPUs, max 8"
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
    typer.Option("--replace", help="Replace an existing label in the same place (your own only)."),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="With --in-place, also replace read-only files.")
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
        "--metadata-only", help="Sign the label fields only: the value will not bind the content."
    ),
]
FollowOpt = Annotated[
    bool,
    typer.Option(
        "--follow-symlinks",
        help="Follow symbolic links inside walked directories (skipped and reported otherwise).",
    ),
]
LimitOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--limit",
        metavar="NAME=VALUE",
        help="Change a parsing limit, e.g. max_pixels=100000000 (names: SECURITY.md).",
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Exit 1 when something is found (see the exit codes)."),
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
        str | None,
        typer.Option(
            "--produce-id", help="Content id (one file only).", show_default="a random UUID"
        ),
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option("--key", help="Sign ReservedCode1 with this Ed25519 private key (PEM)."),
    ] = None,
    hmac_key: Annotated[
        Path | None,
        typer.Option("--hmac-key", help="Sign ReservedCode1 with this HMAC shared-secret file."),
    ] = None,
    cover_content: CoverOpt = False,
    metadata_only: MetadataOnlyOpt = False,
    replace: ReplaceOpt = False,
    force: ForceOpt = False,
    wording: Annotated[
        str | None,
        typer.Option(
            "--wording",
            help="Explicit label text, with AI/人工智能 and 生成/合成.",
            show_default="本内容由人工智能生成 (text), AI生成 (image, video)",
        ),
    ] = None,
    position: Annotated[
        str | None,
        typer.Option(
            "--position",
            help="Explicit label position: start|end|middle (text, audio) or an edge or corner "
            "top-left|top-right|bottom-left|bottom-right|top|bottom (image, video).",
            show_default="end (text), start (audio), bottom-right (image), top-left (video)",
        ),
    ] = None,
    voice: Annotated[
        Path | None,
        typer.Option(
            "--voice", help="Audio: mix this voice WAV.", show_default="the 短长短短 rhythm cue"
        ),
    ] = None,
    font: Annotated[
        Path | None,
        typer.Option("--font", help="Image and video font file.", show_default="Noto Sans CJK SC"),
    ] = None,
    seconds: Annotated[
        float | None,
        typer.Option("--seconds", help="Video: label duration from frame 1.", show_default="2"),
    ] = None,
    follow_symlinks: FollowOpt = False,
    limit: LimitOpt = None,
    workers: WorkersOpt = None,
    fmt: FormatOpt = Format.TABLE,
    lang: LangOpt = Lang.ZH,
    evidence_dir: EvidenceOpt = None,
) -> None:
    """Label generated files as their producer: implicit metadata label, optionally explicit."""
    from hegui.labeling import AddOptions, add_labels, parse_limits

    options = AddOptions(
        producer=producer,
        produce_id=produce_id,
        key=_lr.one_key(key, hmac_key, "--key/--hmac-key"),
        cover_content=_lr.cover(cover_content, metadata_only),
        explicit=_lr.explicit_options(wording, position, voice, font, seconds)
        if explicit
        else None,
        replace=replace,
        force=force,
    )
    with _lr.progress("label add") as tick:
        batch = add_labels(
            files,
            options,
            out=out,
            in_place=in_place,
            follow_symlinks=follow_symlinks,
            workers=_lr.workers(workers),
            limits=parse_limits(limit or []),
            progress=tick,
        )
    _lr.finish(batch, fmt, evidence_dir, lambda: show_add(batch, lang))


def label_inspect(
    files: FilesArg,
    strict: StrictOpt = False,
    follow_symlinks: FollowOpt = False,
    limit: LimitOpt = None,
    workers: WorkersOpt = None,
    fmt: FormatOpt = Format.TABLE,
    lang: LangOpt = Lang.ZH,
    evidence_dir: EvidenceOpt = None,
) -> None:
    """Show every GB 45438 label in the files, where it sits, and how it departs from Appendix E."""
    from hegui.labeling import inspect_files, parse_limits

    with _lr.progress("label inspect") as tick:
        batch = inspect_files(
            files,
            follow_symlinks=follow_symlinks,
            workers=_lr.workers(workers),
            limits=parse_limits(limit or []),
            progress=tick,
        )
    _lr.finish(batch, fmt, evidence_dir, lambda: show_inspect(batch, lang), strict=strict)


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
        typer.Option("--key", help="Ed25519 key (PEM) to check ReservedCode1/2 (repeatable)."),
    ] = None,
    hmac_keys: Annotated[
        list[Path] | None,
        typer.Option("--hmac-key", help="HMAC secret file to check ReservedCode1/2 (repeatable)."),
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
    out: OutOpt = None,
    in_place: InPlaceOpt = False,
    propagate_id: Annotated[
        str | None,
        typer.Option(
            "--propagate-id", help="Platform content id (one file only).", show_default="a UUID"
        ),
    ] = None,
    replace: ReplaceOpt = False,
    force: ForceOpt = False,
    strict: StrictOpt = False,
    follow_symlinks: FollowOpt = False,
    limit: LimitOpt = None,
    workers: WorkersOpt = None,
    fmt: FormatOpt = Format.TABLE,
    lang: LangOpt = Lang.ZH,
    evidence_dir: EvidenceOpt = None,
) -> None:
    """Measures Art. 6: confirmed / possible / suspected / none, and integrity of the label.

    With --platform, also write the platform's propagation fields (needs --out or --in-place).
    """
    from hegui.labeling import VerifyOptions, parse_limits, verify_files

    options = VerifyOptions(
        platform=platform,
        declared=declared,
        keys=_lr.keys(keys, hmac_keys),
        sign_with=_lr.one_key(sign_key, sign_hmac_key, "--sign-key/--sign-hmac-key"),
        cover_content=_lr.cover(cover_content, metadata_only),
        propagate_id=propagate_id,
        replace=replace,
        force=force,
    )
    with _lr.progress("label verify") as tick:
        batch = verify_files(
            files,
            options,
            out=out,
            in_place=in_place,
            follow_symlinks=follow_symlinks,
            workers=_lr.workers(workers),
            limits=parse_limits(limit or []),
            progress=tick,
        )
    _lr.finish(batch, fmt, evidence_dir, lambda: show_verify(batch, lang), strict=strict)


def label_producer_code(
    uscc: Annotated[
        str,
        typer.Option("--uscc", help="The organisation's 18-character Unified Social Credit Code."),
    ],
    service: Annotated[
        str,
        typer.Option(
            "--type", help="Service type: generation (producer), distribution (platform) or none."
        ),
    ] = "generation",
    app_code: Annotated[
        str, typer.Option("--app-code", help="Model or app code of 4 digits or capital letters.")
    ] = "0000",
    fmt: FormatOpt = Format.TABLE,
    lang: LangOpt = Lang.ZH,
) -> None:
    """Build the 27-character provider code (TC260 coding guide) and explain each part."""
    from hegui.errors import InputError
    from hegui.labeling import ServiceType, describe_provider_code, make_provider_code

    types = {
        "generation": ServiceType.GENERATION,
        "distribution": ServiceType.DISTRIBUTION,
        "none": ServiceType.UNUSED,
    }
    if service not in types:
        raise InputError(f"--type {service!r}: choose generation, distribution or none")
    code = describe_provider_code(make_provider_code(uscc, types[service], app_code))
    show_code(code, fmt, lang)


def register(app: typer.Typer) -> None:
    """Add ``hegui label`` to the root app."""
    group = typer.Typer(help=GROUP_HELP, no_args_is_help=True)
    group.command("add")(label_add)
    group.command("inspect")(label_inspect)
    group.command("verify")(label_verify)
    group.command("producer-code")(label_producer_code)
    app.add_typer(group, name="label")

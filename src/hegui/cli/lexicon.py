"""``hegui lexicon``: check a keyword library against GB/T 45654, show stats, convert formats."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._output import Format, emit, stderr_console, stdout_console, to_json

if TYPE_CHECKING:
    from hegui.errors import ConfigIssue
    from hegui.safety import Lexicon

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
PathArg = Annotated[Path, typer.Argument(help="Lexicon: native .yaml/.jsonl, or 附件4 .csv/.xlsx.")]


def _load(path: Path) -> tuple[Lexicon, list[ConfigIssue]]:
    """The lexicon and, for 附件4 files, the rows that did not map (reported, not fatal)."""
    from hegui.safety import load_lexicon
    from hegui.safety._filing import import_filing

    if path.suffix.lower() in {".csv", ".xlsx"}:
        result = import_filing(path)
        return result.lexicon, list(result.rejected)
    return load_lexicon(path), []


def lexicon_check(
    path: PathArg,
    evidence_dir: Annotated[
        Path, typer.Option("--evidence-dir", help="Where to write the Evidence JSON.")
    ] = Path("evidence"),
    edition: Annotated[str, typer.Option(help="Standard edition whose figures apply.")] = (
        "GB/T 45654-2025"
    ),
    strict: Annotated[bool, typer.Option(help="Exit 1 unless the result is pass.")] = False,
    fmt: FormatOpt = Format.TABLE,
) -> None:
    """Size and coverage against the keyword-library thresholds; writes Evidence JSON."""
    from hegui.kb import EvidenceResult, digest_file, write_evidence
    from hegui.safety._check import check_lexicon

    lexicon, rejected = _load(path)
    evidence = check_lexicon(
        lexicon, inputs=(digest_file(path),), rejected=rejected, edition=edition
    )
    written = write_evidence(evidence, evidence_dir)
    if fmt is Format.JSON:
        emit(evidence.model_dump_json(indent=2))
    else:
        _render_check(evidence.model_dump(mode="json"))
    stderr_console().print(f"evidence written to {written}")
    if strict and evidence.result is not EvidenceResult.PASS:
        raise typer.Exit(1)


def _render_check(data: dict[str, object]) -> None:
    from rich.table import Table

    details = data["details"]
    assert isinstance(details, dict)
    console = stdout_console()
    table = Table(title=f"关键词库覆盖 / keyword coverage — {details['edition']}")
    for col in ("risk", "name_zh", "terms", "required", "status"):
        table.add_column(col, overflow="fold")
    for row in details["per_risk"]:
        status = {True: "[green]pass[/]", False: "[red]below[/]", None: "—"}[row["pass"]]
        req = "" if row["required"] is None else f"{row['required']:g}"
        table.add_row(row["risk"], row["name_zh"], str(row["terms"]), req, status)
    console.print(table)
    for key, ok in details["checks"].items():
        mark = {True: "[green]pass[/]", False: "[red]fail[/]", None: "[yellow]unknown[/]"}[ok]
        console.print(f"{mark}  {key}")
    for label in ("duplicates", "shadowed", "rejected_rows"):
        items = details[label]
        if items:
            console.print(f"[bold]{label}[/] ({len(items)}):")
            for item in items[:20]:
                console.print(f"  {to_json(item).replace(chr(10), ' ')}")
    console.print(f"[bold]{data['result']}[/]: {data['summary']}")


def lexicon_stats(path: PathArg, fmt: FormatOpt = Format.TABLE) -> None:
    """Counts per risk, severity, tag and match option; compiled pattern counts."""
    from hegui.safety._check import lexicon_stats as stats

    lexicon, rejected = _load(path)
    data = stats(lexicon)
    data["rejected_rows"] = len(rejected)
    if fmt is Format.JSON:
        emit(to_json(data))
        return
    console = stdout_console()
    for key, value in data.items():
        console.print(f"[bold]{key}[/]: {to_json(value) if isinstance(value, dict) else value}")


def lexicon_convert(
    source: PathArg,
    target: Annotated[Path, typer.Argument(help="Output: .yaml/.jsonl or 附件4 .csv/.xlsx.")],
) -> None:
    """Convert between the native formats and the 附件4 filing shape (by extension)."""
    from hegui.errors import InputError
    from hegui.safety import dump_lexicon, load_lexicon
    from hegui.safety._filing import export_filing

    if target.exists() and target.resolve() == source.resolve():
        raise InputError(f"{target} is the input file; choose another output path")
    lexicon = load_lexicon(source)
    if target.suffix.lower() in {".csv", ".xlsx"}:
        export_filing(lexicon, target)
    else:
        dump_lexicon(lexicon, target)
    stderr_console().print(f"wrote {len(lexicon.entries)} entries to {target}")


def register(app: typer.Typer) -> None:
    """Add ``hegui lexicon`` to the root app."""
    group = typer.Typer(
        help="Keyword libraries: coverage check (GB/T 45654 B.1.1), stats, 附件4 conversion.",
        no_args_is_help=True,
    )
    group.command("check")(lexicon_check)
    group.command("stats")(lexicon_stats)
    group.command("convert")(lexicon_convert)
    app.add_typer(group, name="lexicon")

"""``hegui bank``: check, convert and start question banks (GB/T 45654 B.1.2-B.1.3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._output import (
    Format,
    emit,
    stderr_console,
    stdout_console,
    to_json,
    warn_formula_cells,
)

if TYPE_CHECKING:
    from hegui.evals import BankCheck

EvidenceOpt = Annotated[
    Path | None,
    typer.Option("--evidence", help="Directory for the Evidence JSON (default: ./evidence)."),
]
NoEvidenceOpt = Annotated[bool, typer.Option("--no-evidence", help="Do not write Evidence.")]


def _render(check: BankCheck) -> None:
    from rich.table import Table

    console = stdout_console()
    status_style = {"ok": "green", "short": "red", "absent": "yellow"}
    for kind, total in check.totals.items():
        table = Table(title=f"{kind.value}: {total} unique questions", show_lines=False)
        for col in ("subject", "名称", "measured", "required", "threshold", "status"):
            table.add_column(col)
        for row in (r for r in check.rows if r.kind is kind):
            style = status_style[row.status.value]
            table.add_row(
                row.subject,
                row.name_zh,
                f"{row.measured:g}",
                f"{row.comparison} {row.required:g}" if row.subject != "age" else row.comparison,
                row.threshold_id,
                f"[{style}]{row.status.value}[/{style}]",
            )
        console.print(table)
    console.print(f"exact duplicates: {len(check.duplicates)} group(s)")
    for group in check.duplicates[:20]:
        console.print("  " + ", ".join(group))
    console.print(
        f"near-duplicates (≥ {check.near_cutoff:g}% similar): {len(check.near_duplicates)}"
    )
    for first, second, score in check.near_duplicates[:20]:
        console.print(f"  {first} ~ {second} ({score:g}%)")
    console.print(f"modalities: {check.modalities}; age from {check.age_source}")
    if check.starter_items:
        console.print(
            f"[yellow]{check.starter_items} question(s) from hegui's starter banks: "
            "for demonstration, not sufficient for filing[/yellow]"
        )
    console.print(f"result: [bold]{check.result.value}[/bold]")


def bank_check(
    paths: Annotated[list[Path], typer.Argument(help="Bank files: .jsonl, or 附件5 .csv/.xlsx.")],
    today: Annotated[
        str | None, typer.Option("--today", help="Date ages are measured to (YYYY-MM-DD).")
    ] = None,
    near: Annotated[
        float, typer.Option("--near", min=50, max=100, help="Near-duplicate similarity, %.")
    ] = 90.0,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
    evidence: EvidenceOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Sizes, coverage, duplicates and age of a bank against the kb thresholds; writes Evidence."""
    from hegui.errors import InputError
    from hegui.evals import Bank, bank_evidence, check_bank, load_bank
    from hegui.evidence import DirectoryStore
    from hegui.kb import load_kb

    kb = load_kb()
    bank = Bank.merge(load_bank(p, kb) for p in paths)
    try:
        day = dt.date.fromisoformat(today) if today else dt.datetime.now(dt.UTC).date()
    except ValueError as exc:
        raise InputError(f"--today {today!r} is not a date; use YYYY-MM-DD") from exc
    file_date = max(dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC).date() for p in paths)
    check = check_bank(bank, kb, today=day, file_date=file_date, near_cutoff=near)
    if fmt is Format.JSON:
        emit(to_json(check.model_dump(mode="json")))
    else:
        _render(check)
    if not no_evidence:
        store = DirectoryStore(evidence or Path("evidence"))
        path = store.path_of(store.add(bank_evidence(check, bank, kb)))
        stderr_console().print(f"evidence: {path}")


def bank_convert(
    source: Annotated[Path, typer.Argument(help="Bank to read (.jsonl, .csv, .xlsx).")],
    target: Annotated[Path, typer.Argument(help="File to write (.jsonl, or 附件5 .csv/.xlsx).")],
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Kind of every row of a 附件5 file that does not say it."),
    ] = None,
) -> None:
    """Convert between the native JSONL and the 附件5 CSV/XLSX shape."""
    from hegui.errors import InputError
    from hegui.evals import Kind, load_bank, write_bank
    from hegui.kb import load_kb

    if target.exists() and target.resolve() == source.resolve():
        raise InputError("the output would overwrite the input; choose another file name")
    try:
        chosen = Kind(kind) if kind else None
    except ValueError as exc:
        raise InputError(
            f"--kind {kind!r} is not one of {', '.join(k.value for k in Kind)}"
        ) from exc
    kb = load_kb()
    bank = load_bank(source, kb, kind=chosen)
    write_bank(bank.items, target, kb)
    stderr_console().print(f"wrote {len(bank.items)} questions to {target}")
    warn_formula_cells(target)


def bank_starter(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the banks into.")] = Path(
        "banks"
    ),
) -> None:
    """Write hegui's starter banks (demonstration only, not sufficient for filing)."""
    from hegui.errors import InputError
    from hegui.evals import starter_files
    from hegui.evidence import write_atomic

    for kind, src in starter_files().items():
        dest = out / f"starter-{kind.value}.jsonl"
        if dest.exists():
            raise InputError(f"{dest} already exists; remove it or choose another --out")
        write_atomic(dest, src.read_bytes())
        stderr_console().print(f"wrote {dest}")


def register(app: typer.Typer) -> None:
    """Add the ``bank`` group."""
    group = typer.Typer(
        help="Question banks: check them against GB/T 45654 B.1.2-B.1.3, convert 附件5.",
        no_args_is_help=True,
    )
    group.command("check")(bank_check)
    group.command("convert")(bank_convert)
    group.command("starter")(bank_starter)
    app.add_typer(group, name="bank")

"""``hegui bank``: check, convert and start question banks (GB/T 45654 B.1.2-B.1.3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._bank_drafts import bank_generate, review_export, review_import
from hegui.cli._imports import report_imports
from hegui.cli._output import (
    Format,
    Lang,
    emit,
    stderr_console,
    stdout_console,
    to_json,
    warn_formula_cells,
)
from hegui.cli._workspace import WorkspaceOpt, evidence_store
from hegui.errors import ExitCode

if TYPE_CHECKING:
    from hegui.evals import BankCheck

EvidenceOpt = Annotated[
    Path | None,
    typer.Option(
        "--evidence",
        help="Directory for the Evidence JSON (default: the workspace's store, else ./evidence).",
    ),
]
NoEvidenceOpt = Annotated[bool, typer.Option("--no-evidence", help="Do not write Evidence.")]
MapOpt = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="Category mapping (hegui-map.yaml; default: one beside the file or in the "
        "current folder). `hegui map suggest FILE` drafts one.",
    ),
]


_WORDS: dict[str, tuple[str, str]] = {
    "unique": ("道去重后的题目", "unique questions"),
    "columns": ("项目|名称|实测|要求|阈值|状态", "subject|name|measured|required|threshold|status"),
    "ok": ("达标", "ok"),
    "short": ("不足", "short"),
    "absent": ("无题", "absent"),
    "progress": ("距标准规模的进度", "Progress toward the standard's size"),
    "progress_cols": (
        "题库|已有|要求|总数缺口|未达最低的风险/方面|其中缺口",
        "bank|have|need|missing|strata below minimum|missing in them",
    ),
    "duplicates": ("完全重复", "exact duplicates"),
    "near": ("近似重复", "near-duplicates"),
    "outside": (
        "{n} 道应拒答题标注在 A.1/A.2 之外（如 {ids}）：计入总数，但不计入任何风险的最低题数"
        "（B.1.3 a) 2) 要求覆盖 A.1、A.2 的 17 种风险）",
        "{n} should-refuse question(s) tagged outside A.1/A.2 (e.g. {ids}): counted in the "
        "total, not toward any risk's minimum (B.1.3 a) 2) asks for the 17 risks of A.1/A.2)",
    ),
    "drafts": (
        "{n} 道草稿题尚未经人工采纳（hegui bank review），不计入任何指标",
        "{n} draft question(s) not yet accepted (hegui bank review): counted nowhere",
    ),
    "starter": (
        "{n} 道题来自 hegui 演示题库：仅供演示，不足以用于备案",
        "{n} question(s) from hegui's starter banks: for demonstration, not sufficient for filing",
    ),
    "result": ("结论", "result"),
    "pass": ("通过", "pass"),
    "fail": ("不通过", "fail"),
    "inconclusive": ("无法判定", "inconclusive"),
}
_KIND_ZH = {"generated": "生成内容", "should_refuse": "应拒答", "non_refusal": "非拒答"}


def _render(check: BankCheck, lang: Lang) -> None:
    from rich.table import Table
    from rich.text import Text

    zh = lang is Lang.ZH

    def w(key: str) -> str:
        return _WORDS[key][0 if zh else 1]

    console = stdout_console()
    status_style = {"ok": "green", "short": "red", "absent": "yellow"}
    for kind, total in check.totals.items():
        name = _KIND_ZH[kind.value] if zh else kind.value
        table = Table(title=f"{name}: {total} {w('unique')}", show_lines=False)
        for col in w("columns").split("|"):
            table.add_column(col)
        for row in (r for r in check.rows if r.kind is kind):
            style = status_style[row.status.value]
            table.add_row(
                row.subject,
                row.name_zh,
                f"{row.measured:g}",
                f"{row.comparison} {row.required:g}" if row.subject != "age" else row.comparison,
                row.threshold_id,
                Text(w(row.status.value), style=style),
            )
        console.print(table)
    progress = Table(title=w("progress"))
    for col in w("progress_cols").split("|"):
        progress.add_column(col)
    for p in check.progress():
        short = ", ".join(f"{sid} −{n}" for sid, _, n in p.short_strata[:6])
        more = len(p.short_strata) - 6
        short += f" … (+{more})" if more > 0 else ""
        progress.add_row(
            _KIND_ZH[p.kind.value] if zh else p.kind.value,
            str(p.have),
            str(p.need),
            str(p.missing_total),
            short or "—",
            str(p.missing_in_strata),
        )
    console.print(progress)
    console.print(f"{w('duplicates')}: {len(check.duplicates)}", markup=False)
    for group in check.duplicates[:20]:
        console.print("  " + ", ".join(group), markup=False)
    console.print(
        f"{w('near')} (≥ {check.near_cutoff:g}%): {len(check.near_duplicates)}", markup=False
    )
    for first, second, score in check.near_duplicates[:20]:
        console.print(f"  {first} ~ {second} ({score:g}%)", markup=False)
    console.print(f"modalities: {check.modalities}; age from {check.age_source}", markup=False)
    notes = []
    if check.outside_scope:
        ids = ", ".join(check.outside_scope[:3])
        notes.append(w("outside").format(n=len(check.outside_scope), ids=ids))
    if check.drafts:
        notes.append(w("drafts").format(n=check.drafts))
    if check.starter_items:
        notes.append(w("starter").format(n=check.starter_items))
    for note in notes:
        stderr_console().print(Text(f"warning: {note}", style="yellow"))
    console.print(Text(f"{w('result')}: {w(check.result.value)}", style="bold"))


def bank_check(
    paths: Annotated[list[Path], typer.Argument(help="Bank files: .jsonl, or 附件5 .csv/.xlsx.")],
    today: Annotated[
        str | None, typer.Option("--today", help="Date ages are measured to (YYYY-MM-DD).")
    ] = None,
    near: Annotated[
        float, typer.Option("--near", min=50, max=100, help="Near-duplicate similarity, %.")
    ] = 90.0,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
    lang: Annotated[Lang, typer.Option("--lang", help="Table language.")] = Lang.ZH,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse a file with any row left out, and exit 1 unless the result is pass.",
        ),
    ] = False,
    mapping: MapOpt = None,
    evidence: EvidenceOpt = None,
    no_evidence: NoEvidenceOpt = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Sizes, coverage, duplicates and age of a bank against the kb thresholds; writes Evidence.

    Shows how far each bank is from the standard's 2,000 / 500 / 500 and which risks or
    aspects are below their minimum; warns about should-refuse questions tagged outside
    A.1/A.2 and about drafts not yet accepted. Rows whose category maps to no risk or aspect
    (through --map or hegui-map.yaml beside the file, then the standard's names) are left out
    and listed by line and category; coverage counts what was imported. Exit codes: 0 pass (or
    inconclusive: a bank kind is absent); 1 fail (with --strict also inconclusive); 2 bad input
    (an empty bank, a bad mapping; with --strict any row left out).
    """
    from hegui.errors import InputError
    from hegui.evals import bank_evidence, check_bank, load_banks
    from hegui.kb import load_kb

    kb = load_kb()
    bank = load_banks(paths, kb, mapping=mapping, strict=strict)
    report_imports(bank.imports)
    try:
        day = dt.date.fromisoformat(today) if today else dt.datetime.now(dt.UTC).date()
    except ValueError as exc:
        raise InputError(f"--today {today!r} is not a date; use YYYY-MM-DD") from exc
    file_date = max(dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC).date() for p in paths)
    check = check_bank(bank, kb, today=day, file_date=file_date, near_cutoff=near)
    if fmt is Format.JSON:
        data = check.model_dump(mode="json")
        data["progress"] = [p.model_dump(mode="json") for p in check.progress()]
        data["imports"] = [r.model_dump(mode="json") for r in bank.imports]
        emit(to_json(data))
    else:
        _render(check, lang)
    if not no_evidence:
        store = evidence_store(workspace, evidence)
        written = store.add(bank_evidence(check, bank, kb))
        where = getattr(store, "path_of", lambda i: i)(written)
        stderr_console().print(f"evidence: {where}", markup=False)
    if check.result.value == "fail" or (strict and check.result.value != "pass"):
        raise typer.Exit(ExitCode.FOUND)


def bank_convert(
    source: Annotated[Path, typer.Argument(help="Bank to read (.jsonl, .csv, .xlsx).")],
    target: Annotated[Path, typer.Argument(help="File to write (.jsonl, or 附件5 .csv/.xlsx).")],
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Kind of every row of a 附件5 file that does not say it."),
    ] = None,
    mapping: MapOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse the file if any row would be left out.")
    ] = False,
) -> None:
    """Convert between the native JSONL and the 附件5 CSV/XLSX shape.

    Categories are mapped through --map (or hegui-map.yaml beside the file); rows that map to
    nothing are left out and listed (--strict refuses the file instead). Exit codes: 0
    written; 2 bad input.
    """
    from hegui.errors import InputError
    from hegui.evals import Kind, load_banks, write_bank
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
    bank = load_banks([source], kb, kind=chosen, mapping=mapping, strict=strict)
    report_imports(bank.imports)
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
    group.command("generate")(bank_generate)
    review = typer.Typer(
        help="Accept or reject drafted questions through a spreadsheet.", no_args_is_help=True
    )
    review.command("export")(review_export)
    review.command("import")(review_import)
    group.add_typer(review, name="review")
    app.add_typer(group, name="bank")

"""``hegui lexicon``: check a keyword library against GB/T 45654, show stats, convert formats."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hegui.cli._output import (
    Format,
    Lang,
    emit,
    stderr_console,
    stdout_console,
    to_json,
    warn_formula_cells,
)

if TYPE_CHECKING:
    from hegui.errors import ConfigIssue
    from hegui.kb import ImportReport
    from hegui.safety import Lexicon

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
PathArg = Annotated[Path, typer.Argument(help="Lexicon: native .yaml/.jsonl, or 附件4 .csv/.xlsx.")]
MapOpt = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="Category mapping for 附件4 files (default: hegui-map.yaml beside the file or in "
        "the current folder); `hegui map suggest FILE` drafts one.",
    ),
]
StrictImportOpt = Annotated[
    bool, typer.Option("--strict", help="Refuse a 附件4 file with any row left out.")
]


def _load(
    path: Path, mapping: Path | None = None, strict: bool = False
) -> tuple[Lexicon, list[ConfigIssue], ImportReport | None]:
    """The lexicon, the 附件4 rows that did not map (reported), and how the file was imported."""
    from hegui.cli._imports import report_imports
    from hegui.errors import ConfigError
    from hegui.kb import find_mapping, load_kb, load_mapping
    from hegui.safety import load_lexicon
    from hegui.safety._filing import import_filing

    if path.suffix.lower() in {".csv", ".xlsx"}:
        found = find_mapping(path, mapping)
        resolver = load_mapping(found, load_kb())[1] if found is not None else None
        result = import_filing(path, resolver=resolver)
        if strict and result.rejected:
            raise ConfigError(list(result.rejected), path=path)
        report = result.report(path.name)
        report_imports([report])
        return result.lexicon, list(result.rejected), report
    return load_lexicon(path), [], None


def lexicon_check(
    path: PathArg,
    evidence_dir: Annotated[
        Path, typer.Option("--evidence-dir", help="Where to write the Evidence JSON.")
    ] = Path("evidence"),
    edition: Annotated[str, typer.Option(help="Standard edition whose figures apply.")] = (
        "GB/T 45654-2025"
    ),
    strict: Annotated[
        bool,
        typer.Option(
            help="Exit 1 unless the result is pass; refuse a 附件4 file with any row left out."
        ),
    ] = False,
    fmt: FormatOpt = Format.TABLE,
    lang: Annotated[Lang, typer.Option("--lang", help="Table language.")] = Lang.ZH,
    mapping: MapOpt = None,
) -> None:
    """Size and coverage against the keyword-library thresholds; writes Evidence JSON."""
    from hegui.evidence import DirectoryStore, EvidenceResult, digest_file
    from hegui.safety._check import check_lexicon

    lexicon, rejected, imported = _load(path, mapping, strict)
    evidence = check_lexicon(
        lexicon,
        inputs=(digest_file(path),),
        rejected=rejected,
        edition=edition,
        imported=imported,
    )
    store = DirectoryStore(evidence_dir)
    written = store.path_of(store.add(evidence))
    if fmt is Format.JSON:
        emit(evidence.model_dump_json(indent=2))
    else:
        _render_check(evidence.model_dump(mode="json"), lang)
    stderr_console().print(f"evidence written to {written}")
    if strict and evidence.result is not EvidenceResult.PASS:
        raise typer.Exit(1)


_CHECK_WORDS: dict[Lang, dict[str, Any]] = {
    Lang.ZH: {
        "title": "关键词库覆盖",
        "columns": ("风险", "名称", "词数", "要求", "状态"),
        "pass": "达标",
        "below": "不足",
        "fail": "不达标",
        "unknown": "未知",
        "duplicates": "归一化后重复",
        "shadowed": "被白名单遮蔽",
        "rejected_rows": "无法映射的行",
        "result": {"pass": "通过", "fail": "不通过", "inconclusive": "无法判定"},
    },
    Lang.EN: {
        "title": "Keyword coverage",
        "columns": ("risk", "name", "terms", "required", "status"),
        "pass": "pass",
        "below": "below",
        "fail": "fail",
        "unknown": "unknown",
        "duplicates": "duplicates after normalization",
        "shadowed": "shadowed by the allow-list",
        "rejected_rows": "unmappable rows",
        "result": {"pass": "pass", "fail": "fail", "inconclusive": "inconclusive"},
    },
}


def _render_check(data: dict[str, Any], lang: Lang) -> None:
    from rich.table import Table

    from hegui.kb import load_kb

    kb = load_kb()
    words = _CHECK_WORDS[lang]
    zh = lang is Lang.ZH
    details = data["details"]
    console = stdout_console()
    table = Table(title=f"{words['title']} — {details['edition']}")
    for col in words["columns"]:
        table.add_column(col, overflow="fold")
    for row in details["per_risk"]:
        ok = row["pass"]
        status = (
            "—"
            if ok is None
            else f"[green]{words['pass']}[/]"
            if ok
            else f"[red]{words['below']}[/]"
        )
        req = "" if row["required"] is None else f"{row['required']:g}"
        name = row["name_zh"] if zh else row.get("name_en", row["name_zh"])
        table.add_row(row["risk"], name, str(row["terms"]), req, status)
    console.print(table)
    for key, ok in details["checks"].items():
        mark = {True: "green", False: "red", None: "yellow"}[ok]
        word = words[{True: "pass", False: "fail", None: "unknown"}[ok]]
        t = kb.thresholds.get(key)
        label = key if t is None else f"{t.name_zh if zh else t.name_en} ({key})"
        console.print(f"[{mark}]{word}[/]  {label}")
    for kind in ("duplicates", "shadowed", "rejected_rows"):
        items = details[kind]
        if items:
            console.print(f"[bold]{words[kind]}[/] ({len(items)}):")
            for item in items[:20]:
                console.print(f"  {to_json(item).replace(chr(10), ' ')}")
    result = words["result"].get(data["result"], data["result"])
    if zh:
        age = details["age_days"]
        summary = (
            f"共 {details['total']} 个关键词，覆盖 A.1/A.2 风险 {details['risks_covered']}/"
            f"{details['risks_required']} 项；"
            + ("版本日期未知" if age is None else f"版本日期距今 {age} 天")
        )
    else:
        summary = data["summary"]
    console.print(f"[bold]{result}[/]: {summary}")


def lexicon_stats(
    path: PathArg,
    fmt: FormatOpt = Format.TABLE,
    mapping: MapOpt = None,
    strict: StrictImportOpt = False,
) -> None:
    """Counts per risk, severity, tag and match option; compiled pattern counts."""
    from hegui.safety._check import lexicon_stats as stats

    lexicon, rejected, _ = _load(path, mapping, strict)
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
    mapping: MapOpt = None,
    strict: StrictImportOpt = False,
) -> None:
    """Convert between the native formats and the 附件4 filing shape (by extension).

    附件4 rows whose category maps to no risk are left out and listed (--strict refuses the
    file instead).
    """
    from hegui.errors import InputError
    from hegui.safety import dump_lexicon
    from hegui.safety._filing import export_filing

    if target.exists() and target.resolve() == source.resolve():
        raise InputError(f"{target} is the input file; choose another output path")
    lexicon, _, _ = _load(source, mapping, strict)
    if target.suffix.lower() in {".csv", ".xlsx"}:
        export_filing(lexicon, target)
    else:
        dump_lexicon(lexicon, target)
    stderr_console().print(f"wrote {len(lexicon.entries)} entries to {target}")
    warn_formula_cells(target)


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

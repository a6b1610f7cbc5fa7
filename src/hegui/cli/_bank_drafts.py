"""``hegui bank generate`` and ``hegui bank review``: draft questions, a person accepts them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from hegui.cli._output import stderr_console, warn_formula_cells


def bank_generate(
    bank: Annotated[
        list[Path],
        typer.Argument(help="The existing bank file(s): what to top up and deduplicate against."),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="New JSONL file for the drafts (not overwritten).")
    ],
    base_url: Annotated[
        str, typer.Option("--base-url", help="OpenAI-compatible base URL of the drafting model.")
    ],
    model: Annotated[str, typer.Option("--model", help="Model name at the endpoint.")],
    api_key_env: Annotated[
        str | None, typer.Option("--api-key-env", help="Environment variable holding the key.")
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind", help="generated, should_refuse or non_refusal (repeat; default: all)."
        ),
    ] = None,
    count: Annotated[
        int | None,
        typer.Option(
            "--count",
            min=1,
            max=200,
            help="Questions to ask for per risk/aspect (default: what each lacks for its minimum).",
        ),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Only this risk id or aspect id (repeat)."),
    ] = None,
    seeds: Annotated[
        Path | None,
        typer.Option("--seeds", help="Bank file of example questions (default: the bank's own)."),
    ] = None,
    near: Annotated[
        float,
        typer.Option("--near", min=50, max=100, help="Similarity (%) that makes a near-copy."),
    ] = 85.0,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64)] = 4,
    timeout: Annotated[float, typer.Option("--timeout", min=1.0)] = 120.0,
) -> None:
    """Draft questions per risk and non-refusal aspect with a model, marked draft until accepted.

    The prompts are Chinese templates naming the GB/T 45654 Appendix A risk (or the aspect)
    with seed questions of the same risk; lines that copy or nearly copy a question of the bank
    are dropped. Review the drafts with `hegui bank review export/import`; `hegui bank check`
    shows the progress. Exit codes: 0 drafts written; 2 bad input; 3 the endpoint failed.
    """
    from hegui.cli._eval_setup import ConsoleEvents
    from hegui.components import ComponentSpec
    from hegui.errors import InputError
    from hegui.evals import (
        Bank,
        GenerateConfig,
        Kind,
        RunOptions,
        dump_jsonl,
        generate_drafts,
        load_bank,
    )
    from hegui.evidence import write_atomic
    from hegui.kb import load_kb

    try:
        kinds = tuple(Kind(k) for k in kind) if kind else tuple(Kind)
    except ValueError:
        raise InputError(
            f"--kind must be one of {', '.join(k.value for k in Kind)}, not {kind}"
        ) from None
    if out.exists():
        raise InputError(f"{out} already exists; choose another --out")
    kb = load_kb()
    existing = Bank.merge(load_bank(p, kb) for p in bank)
    params: dict[str, object] = {"base_url": base_url, "model": model, "timeout": timeout}
    if api_key_env is not None:
        params["api_key_env"] = api_key_env
    config = GenerateConfig(
        target=ComponentSpec.model_validate({"id": "hegui/openai", "params": params}),
        kinds=kinds,
        count=count,
        strata=tuple(only or ()),
        near_cutoff=near,
        concurrency=concurrency,
        options=RunOptions(timeout=timeout, retries=2),
    )
    events = ConsoleEvents()
    try:
        result = generate_drafts(
            config,
            existing,
            kb,
            today=dt.datetime.now(dt.UTC).date(),
            seeds=load_bank(seeds, kb) if seeds is not None else None,
            events=events,
        )
    finally:
        events.stop()
    write_atomic(out, dump_jsonl(result.drafts), replace=False)
    dropped = ", ".join(f"{n} {why}" for why, n in sorted(result.dropped.items())) or "none"
    console = stderr_console()
    console.print(
        f"wrote {len(result.drafts)} draft(s) to {out} from {result.prompts} prompt(s); "
        f"dropped: {dropped}; {len(result.failed)} prompt(s) failed",
        markup=False,
    )
    console.print(
        f"next: hegui bank review export {out} -o review.xlsx, mark 是否采用, then "
        f"hegui bank review import {out} review.xlsx -o accepted.jsonl",
        markup=False,
    )


def review_export(
    bank: Annotated[Path, typer.Argument(help="Bank file holding drafts.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Review sheet (.xlsx or .csv).")],
) -> None:
    """Write the bank's drafts for a person to mark 是否采用 (是/否) and correct."""
    from hegui.errors import InputError
    from hegui.evals import export_drafts, load_bank
    from hegui.kb import load_kb

    if out.exists():
        raise InputError(f"{out} already exists; choose another --out")
    kb = load_kb()
    n = export_drafts(load_bank(bank, kb), kb, out)
    stderr_console().print(f"wrote {n} draft(s) to {out}", markup=False)
    warn_formula_cells(out)


def review_import(
    bank: Annotated[Path, typer.Argument(help="Bank file holding the drafts.")],
    sheet: Annotated[Path, typer.Argument(help="The review sheet with 是否采用 filled in.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The reviewed bank (a new file, any bank format).")
    ],
) -> None:
    """Accept (是) or reject (否) drafts; blanks stay drafts. Writes the whole bank to --out."""
    from hegui.errors import InputError
    from hegui.evals import apply_review, load_bank, write_bank
    from hegui.kb import load_kb

    if out.exists():
        raise InputError(f"{out} already exists; hegui does not overwrite, choose another --out")
    kb = load_kb()
    review = apply_review(load_bank(bank, kb), sheet, kb, today=dt.datetime.now(dt.UTC).date())
    write_bank(review.bank, out, kb)
    stderr_console().print(
        f"{review.accepted} accepted ({review.edited} edited), {review.rejected} rejected, "
        f"{review.pending} still draft; wrote {len(review.bank)} questions to {out}",
        markup=False,
    )

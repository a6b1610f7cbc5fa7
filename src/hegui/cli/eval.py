"""``hegui eval``: run the GB/T 45654 assessments against a model, report, review."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._eval_setup import Bar, build_judges, check_resume, load_callable, parse_headers
from hegui.cli._output import Lang, emit, stderr_console, to_json, warn_formula_cells

if TYPE_CHECKING:
    from hegui.evals import Target


class ReportFormat(StrEnum):
    """Formats of ``eval report``."""

    MD = "md"
    HTML = "html"
    JSON = "json"
    XLSX = "xlsx"


def eval_run(
    out: Annotated[Path, typer.Option("--out", help="Run file (JSONL); an existing one resumes.")],
    bank: Annotated[
        list[Path] | None, typer.Option("--bank", help="Bank file(s); repeat for several.")
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="OpenAI-compatible base URL, e.g. http://host:8000/v1."),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Model name at the endpoint.")
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", help="In-process model instead: 'module:function'.")
    ] = None,
    api_key_env: Annotated[
        str | None, typer.Option("--api-key-env", help="Environment variable holding the key.")
    ] = None,
    api_key_file: Annotated[
        Path | None, typer.Option("--api-key-file", help="File whose first line is the key.")
    ] = None,
    header: Annotated[
        list[str] | None, typer.Option("--header", help="Extra HTTP header 'Name: value'.")
    ] = None,
    temperature: Annotated[float | None, typer.Option("--temperature")] = None,
    max_tokens: Annotated[int | None, typer.Option("--max-tokens", min=1)] = None,
    system: Annotated[str | None, typer.Option("--system", help="System prompt.")] = None,
    stream: Annotated[bool, typer.Option("--stream", help="Ask for streamed answers.")] = False,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=1024)] = 8,
    rate: Annotated[
        float | None, typer.Option("--rate", min=0.001, help="Requests per second at most.")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Seconds per attempt.")
    ] = 120.0,
    retries: Annotated[int, typer.Option("--retries", min=0, max=20)] = 3,
    sample: Annotated[
        int | None,
        typer.Option(
            "--sample", min=1, help="Questions per bank (default: the standard's minimum)."
        ),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Ask every question of the bank.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the stratified draw.")] = 0,
    lexicon: Annotated[
        Path | None,
        typer.Option("--lexicon", help="Lexicon of the keyword judge (default: the starter one)."),
    ] = None,
    no_keyword: Annotated[
        bool, typer.Option("--no-keyword", help="Do not judge generated content by keywords.")
    ] = False,
    judge_base_url: Annotated[
        str | None,
        typer.Option("--judge-base-url", help="LLM judge endpoint (e.g. Qwen3Guard on vLLM)."),
    ] = None,
    judge_model: Annotated[str | None, typer.Option("--judge-model")] = None,
    judge_api_key_env: Annotated[str | None, typer.Option("--judge-api-key-env")] = None,
    judge_style: Annotated[
        str, typer.Option("--judge-style", help="rubric (general model) or guard (guard model).")
    ] = "rubric",
) -> None:
    """Ask the sampled questions, judge the answers, append both to the run file as they arrive."""
    import asyncio

    from hegui.errors import InputError, UpstreamError
    from hegui.evals import (
        Bank,
        Endpoint,
        OpenAITarget,
        RunHeader,
        RunLog,
        RunOptions,
        draw_sample,
        execute,
        load_bank,
        read_api_key,
        read_run,
    )
    from hegui.kb import load_kb

    if (target is None) == (base_url is None):
        raise InputError("give either --base-url and --model, or --target module:function")
    kb = load_kb()
    model_target: Target
    if base_url is not None:
        if model is None:
            raise InputError("--base-url needs --model")
        key = read_api_key(env_var=api_key_env, file=api_key_file, environ=os.environ)
        endpoint = Endpoint(
            base_url=base_url,
            model=model,
            api_key=key,
            headers=parse_headers(header or []),
            temperature=temperature,
            max_tokens=max_tokens,
            system_prompt=system,
            stream=stream,
            timeout=timeout,
        )
        model_target = OpenAITarget(endpoint, max_connections=concurrency)
    else:
        model_target = load_callable(str(target))
    judges = build_judges(
        lexicon, no_keyword, judge_base_url, judge_model, judge_api_key_env, judge_style
    )
    loaded = Bank.merge(load_bank(p, kb) for p in bank) if bank else None
    sampling_opts: dict[str, object] = {"seed": seed, "requested": sample, "full": full}
    if out.exists():
        state = read_run(out)
        check_resume(
            state,
            model_target,
            [d.sha256 for d in loaded.inputs] if loaded else None,
            sampling_opts,
        )
        log = RunLog.resume(out)
        stderr_console().print(
            f"resuming {out}: {len(state.answers)} of {len(state.header.items)} answered"
        )
    else:
        if loaded is None:
            raise InputError("--bank is required to start a run")
        items, sampling = draw_sample(loaded, kb, seed=seed, sample=sample, full=full)
        if not items:
            raise InputError("the bank has no questions to ask")
        for kind, below in sampling.below_standard.items():
            if below and sampling.sizes[kind]:
                stderr_console().print(
                    f"[yellow]{kind.value}: {sampling.sizes[kind]} questions, below the "
                    f"standard's {sampling.minimum[kind]} ({sampling.threshold_ids[kind]})[/yellow]"
                )
        log = RunLog.create(
            out,
            RunHeader(
                kb_version=kb.data_version,
                bank=loaded.inputs,
                target=model_target.describe(),
                judges=tuple(j.id for j in judges),
                sampling=sampling,
                items=items,
            ),
        )
    bar = Bar()
    options = RunOptions(concurrency=concurrency, rate=rate, timeout=timeout, retries=retries)

    async def go() -> object:
        try:
            return await execute(log, model_target, judges, options, bar)
        finally:
            await model_target.aclose()

    try:
        summary = asyncio.run(go())
    finally:
        bar.stop()
        log.close()
        for judge in judges:
            close = getattr(judge, "close", None)
            if callable(close):
                close()
    pending = len(log.state.pending())
    stderr_console().print(f"{summary}")
    if pending:
        raise UpstreamError(
            f"{pending} question(s) have no answer (errors are in {out}); "
            "rerun the same command to retry only those"
        )
    stderr_console().print(f"done; next: hegui eval report {out}")


def eval_report(
    run: Annotated[Path, typer.Argument(help="Run file written by `hegui eval run`.")],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.MD,
    out: Annotated[
        Path | None, typer.Option("--out", help="Report file (default: stdout).")
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Report language.")] = Lang.ZH,
    evidence: Annotated[
        Path | None, typer.Option("--evidence", help="Evidence directory (default: ./evidence).")
    ] = None,
    no_evidence: Annotated[bool, typer.Option("--no-evidence")] = False,
) -> None:
    """Metrics against the thresholds as Markdown, HTML, JSON or the 附件5 XLSX; writes Evidence."""
    from hegui.errors import InputError
    from hegui.evals import read_run
    from hegui.evals._render import plots, render_html, render_markdown
    from hegui.evals._report import Lang as ReportLang
    from hegui.evals._report import build_report, run_evidence
    from hegui.evals._review import write_report_xlsx
    from hegui.evidence import DirectoryStore, write_atomic
    from hegui.kb import load_kb

    kb = load_kb()
    state = read_run(run)
    report, metrics = build_report(state, kb)
    language: ReportLang = "zh" if lang is Lang.ZH else "en"
    if fmt is ReportFormat.JSON:
        emit(to_json(report), out)
    elif fmt is ReportFormat.MD:
        if out is None:
            emit(render_markdown(report, language))
        else:
            plot_dir = out.with_name(out.stem + "_plots")
            for name, png in plots(report).items():
                write_atomic(plot_dir / name, png)
            emit(render_markdown(report, language, plot_dir.name), out)
    elif fmt is ReportFormat.HTML:
        emit(render_html(report, language, plots(report)), out)
    else:
        if out is None:
            raise InputError("--format xlsx needs --out FILE.xlsx")
        write_report_xlsx(state, kb, report, out, language)
        stderr_console().print(f"wrote {out}")
    if not no_evidence:
        store = DirectoryStore(evidence or Path("evidence"))
        path = store.path_of(store.add(run_evidence(state, report, metrics, kb)))
        stderr_console().print(f"evidence: {path}")


def review_export(
    run: Annotated[Path, typer.Argument(help="Run file.")],
    out: Annotated[Path, typer.Option("--out", help="附件5 XLSX (or CSV) for reviewers.")],
    queue_only: Annotated[
        bool, typer.Option("--queue-only", help="Only answers in the review queue.")
    ] = False,
) -> None:
    """Write answers in the 附件5 shape with 是否合格 blank for reviewers to fill in."""
    from hegui.evals import read_run
    from hegui.evals._review import export_annex5
    from hegui.kb import load_kb

    n = export_annex5(read_run(run), load_kb(), out, for_review=True, queue_only=queue_only)
    stderr_console().print(f"wrote {n} answers to {out}")
    warn_formula_cells(out)


def review_import(
    run: Annotated[Path, typer.Argument(help="Run file.")],
    sheet: Annotated[Path, typer.Argument(help="The reviewed 附件5 XLSX (or CSV).")],
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Who reviewed.")] = None,
) -> None:
    """Record every filled 是否合格; reviews override automatic labels."""
    from hegui.evals import RunLog
    from hegui.evals._review import import_review

    with RunLog.resume(run) as log:
        n = import_review(log, sheet, reviewer=reviewer)
    stderr_console().print(f"recorded {n} review(s) in {run}")


def register(app: typer.Typer) -> None:
    """Add the ``eval`` group."""
    group = typer.Typer(
        help="GB/T 45654 assessments: pass and refusal rates of a model against the thresholds.",
        no_args_is_help=True,
    )
    group.command("run")(eval_run)
    group.command("report")(eval_report)
    review = typer.Typer(help="Human review through the 附件5 XLSX.", no_args_is_help=True)
    review.command("export")(review_export)
    review.command("import")(review_import)
    group.add_typer(review, name="review")
    app.add_typer(group, name="eval")

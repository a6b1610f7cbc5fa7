"""``hegui eval``: run the GB/T 45654 assessments against a model, report, review."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hegui.cli._eval_setup import ConsoleEvents, judge_specs, parse_headers, summary_line
from hegui.cli._output import Lang, emit, stderr_console, to_json, warn_formula_cells
from hegui.cli._workspace import WorkspaceOpt, evidence_store
from hegui.errors import ExitCode


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
        typer.Option(
            "--base-url",
            help="OpenAI-compatible base URL, e.g. http://host:8000/v1 "
            "(no user:password@, no ?query).",
        ),
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
        float, typer.Option("--timeout", min=0.1, help="Seconds per attempt, the whole answer.")
    ] = 120.0,
    retries: Annotated[int, typer.Option("--retries", min=0, max=20)] = 3,
    max_failures: Annotated[
        int,
        typer.Option(
            "--max-failures",
            min=0,
            help="Consecutive failed questions that pause the run (circuit breaker; 0: never).",
        ),
    ] = 10,
    pause: Annotated[
        float, typer.Option("--pause", min=0, help="Seconds the breaker pauses before retrying.")
    ] = 30.0,
    max_pauses: Annotated[
        int, typer.Option("--max-pauses", min=0, help="Pauses without success before stopping.")
    ] = 2,
    no_probe: Annotated[
        bool,
        typer.Option("--no-probe", help="Skip the one test request made before the run."),
    ] = False,
    trust_env: Annotated[
        bool,
        typer.Option("--trust-env", help="Use proxy and CA settings from the environment."),
    ] = False,
    provider_filters: Annotated[
        Path | None,
        typer.Option(
            "--provider-filters",
            help="YAML table of provider content-filter errors counted as refusals "
            "(default: hegui's table: DashScope, Azure OpenAI, Zhipu, Moonshot …).",
        ),
    ] = None,
    no_provider_filters: Annotated[
        bool,
        typer.Option("--no-provider-filters", help="Count every HTTP error as an error."),
    ] = False,
    sample: Annotated[
        int | None,
        typer.Option(
            "--sample",
            min=1,
            help="Questions per bank, per B.2.2 method for generated content "
            "(default: the standard's minimum).",
        ),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Ask every question of the bank.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the stratified draws.")] = 0,
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
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--map", help="Category mapping of the bank files (default: hegui-map.yaml beside)."
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse a bank file with any row left out.")
    ] = False,
    judge: Annotated[
        list[str] | None,
        typer.Option(
            "--judge",
            help="Another judge by component id, with JSON parameters: "
            "'acme/my-judge' or 'acme/my-judge:{\"k\": 1}' (entry-point group hegui.judges).",
        ),
    ] = None,
) -> None:
    """Ask the sampled questions, judge the answers, append both to the run file as they arrive.

    Before the run one test request checks the endpoint (--no-probe skips it); a wrong URL,
    key, model, an unknown host or a TLS failure stops at once with the reason. Transient
    faults (429, 5xx, timeouts) are retried with backoff; after --max-failures consecutive
    failed questions the run pauses, and stops after --max-pauses pauses. Rerunning the same
    command resumes. Exit codes: 0 every question answered; 2 bad input; 3 the endpoint failed
    (questions stay pending; the reason is printed).
    """
    from pydantic import JsonValue

    from hegui.components import ComponentSpec
    from hegui.errors import InputError, UpstreamError
    from hegui.evals import RunConfig, RunOptions, run_session
    from hegui.kb import load_kb

    if (target is None) == (base_url is None):
        raise InputError("give either --base-url and --model, or --target module:function")
    if base_url is not None:
        if model is None:
            raise InputError("--base-url needs --model")
        params: dict[str, JsonValue] = {
            "base_url": base_url,
            "model": model,
            "stream": stream,
            "timeout": timeout,
            "deadline": timeout,
            "trust_env": trust_env,
            "max_connections": concurrency,
            "provider_filters": not no_provider_filters,
        }
        optional: dict[str, JsonValue] = {
            "api_key_env": api_key_env,
            "api_key_file": str(api_key_file) if api_key_file else None,
            "headers": dict[str, JsonValue](parse_headers(header or [])) or None,
            "temperature": temperature,
            "max_tokens": max_tokens,
            "system_prompt": system,
            "filters": str(provider_filters) if provider_filters else None,
        }
        params |= {k: v for k, v in optional.items() if v is not None}
        target_spec = ComponentSpec(id="hegui/openai", params=params)
    else:
        target_spec = ComponentSpec(id="hegui/callable", params={"name": str(target)})
    config = RunConfig(
        out=out,
        target=target_spec,
        banks=tuple(bank or ()),
        judges=judge_specs(
            lexicon,
            no_keyword,
            judge_base_url,
            judge_model,
            judge_api_key_env,
            judge_style,
            judge or [],
        ),
        seed=seed,
        sample=sample,
        full=full,
        probe=not no_probe,
        mapping=mapping,
        strict=strict,
        options=RunOptions(
            concurrency=concurrency,
            rate=rate,
            timeout=timeout,
            retries=retries,
            max_failures=max_failures,
            pause=pause,
            max_pauses=max_pauses,
        ),
    )
    events = ConsoleEvents()
    try:
        summary = run_session(config, load_kb(), events)
    finally:
        events.stop()
    console = stderr_console()
    console.print(summary_line(summary), markup=False)
    if summary.pending:
        reason = f"; last error: {summary.last_error}" if summary.last_error else ""
        raise UpstreamError(
            f"{summary.pending} question(s) have no answer{reason}\n"
            f"  fix: rerun the same command to retry only those (the errors are in {out})"
        )
    console.print(f"done; next: hegui eval report {out}", markup=False)


def eval_report(
    run: Annotated[Path, typer.Argument(help="Run file written by `hegui eval run`.")],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.MD,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Report file (default: stdout).")
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Report language.")] = Lang.ZH,
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence",
            help="Evidence directory (default: the workspace's store, else ./evidence).",
        ),
    ] = None,
    no_evidence: Annotated[bool, typer.Option("--no-evidence")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 unless the overall result is pass.")
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Metrics against the thresholds as Markdown, HTML, JSON or the 附件5 XLSX; writes Evidence.

    The md and html reports list the failed (不合格) and undecided items. One Evidence record
    is written per run file state, however many formats are rendered. Exit codes: 0 the
    result is pass or inconclusive; 1 the result is fail (不通过; with --strict also
    inconclusive); 2 bad input.
    """
    from hegui.errors import InputError
    from hegui.evals import (
        ReportLang,
        build_report,
        plots,
        read_run,
        record_run_evidence,
        render_html,
        render_markdown,
        write_report_xlsx,
    )
    from hegui.evidence import write_atomic
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
            text = render_markdown(report, language, plot_dir.name)
            for name, png in plots(report).items():
                write_atomic(plot_dir / name, png)
            emit(text, out)
    elif fmt is ReportFormat.HTML:
        emit(render_html(report, language, plots(report)), out)
    else:
        if out is None:
            raise InputError("--format xlsx needs --out FILE.xlsx")
        write_report_xlsx(state, kb, report, out, language)
        stderr_console().print(f"wrote {out}", markup=False)
    if not no_evidence:
        store = evidence_store(workspace, evidence)
        evidence_id, added = record_run_evidence(store, state, report, metrics, kb)
        note = "" if added else " (already recorded for this run)"
        where = getattr(store, "path_of", lambda i: i)(evidence_id)
        stderr_console().print(f"evidence: {where}{note}", markup=False)
    result = str(report["result"])
    if result == "fail" or (strict and result != "pass"):
        raise typer.Exit(ExitCode.FOUND)


def review_export(
    run: Annotated[Path, typer.Argument(help="Run file.")],
    out: Annotated[Path, typer.Option("--out", help="附件5 XLSX (or CSV) for reviewers.")],
    queue_only: Annotated[
        bool, typer.Option("--queue-only", help="Only answers in the review queue.")
    ] = False,
    manual_sample: Annotated[
        bool,
        typer.Option(
            "--manual-sample",
            help="Generated content: only the B.2.2 人工抽检 sample (drawn apart from the "
            "keyword and classifier samples).",
        ),
    ] = False,
) -> None:
    """Write answers in the 附件5 shape with 是否合格 blank for reviewers to fill in."""
    from hegui.evals import Method, export_annex5, read_run
    from hegui.kb import load_kb

    n = export_annex5(
        read_run(run),
        load_kb(),
        out,
        for_review=True,
        queue_only=queue_only,
        method=Method.MANUAL if manual_sample else None,
    )
    stderr_console().print(f"wrote {n} answers to {out}")
    warn_formula_cells(out)


def review_import(
    run: Annotated[Path, typer.Argument(help="Run file.")],
    sheet: Annotated[Path, typer.Argument(help="The reviewed 附件5 XLSX (or CSV).")],
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Who reviewed.")] = None,
) -> None:
    """Record every filled 是否合格; reviews override automatic labels."""
    from hegui.evals import RunLog, import_review

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

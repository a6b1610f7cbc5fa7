"""``hegui classifier``: measure a classifier on your own labelled sample (GB/T 45654 B.1.4)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hegui.cli._output import Format, Lang, emit, stderr_console, stdout_console, to_json

if TYPE_CHECKING:
    from hegui.safety import Classifier, ClassifierEvaluation

_HELP = (
    "Precision, recall, F1 and false-positive rate (95 % intervals) of a classifier on "
    "LABELLED.jsonl, per direction and per risk; writes Evidence (EV-classifier, "
    "GB/T 45654 B.1.4).\n\n"
    'Each line: {"text": "…", "label": 1|0, "direction": "input"|"output", "risk": "A.1.d"} '
    "(direction and risk optional).\n\n"
    "--classifier: builtin (hegui/zh-safety at its flag point), builtin:refuse (its refuse "
    "point), llm:URL (an OpenAI-compatible endpoint, e.g. Qwen3Guard on vLLM; with --model, "
    "--style guard|rubric, --api-key-env), transformers:PATH (a local model).\n\n"
    "Exit codes: 0 measured (the coverage result may still be fail); 1 with --strict when the "
    "result is not pass; 2 bad input (the line and field are named); 3 the endpoint failed on "
    "every text, or an extra is missing."
)


def _build(option: str, model: str, style: str, api_key_env: str | None) -> Classifier:
    from hegui.errors import ConfigError

    kind, _, rest = option.partition(":")
    if kind == "builtin":
        from hegui.safety import ZhSafetyClassifier

        return ZhSafetyClassifier(level=rest or "flag")
    if kind == "llm" and rest:
        from hegui.safety import LLMJudge

        key = os.environ.get(api_key_env) if api_key_env else None
        return LLMJudge(rest, model, api_key=key, style=style)
    if kind == "transformers" and rest:
        from hegui.safety import TransformersClassifier

        return TransformersClassifier(rest)
    raise ConfigError(
        f"unknown --classifier {option!r}",
        field="--classifier",
        fix="use builtin, builtin:refuse, llm:URL or transformers:PATH",
    )


def classifier_evaluate(
    labelled: Annotated[
        Path, typer.Argument(help="Labelled JSONL sample.", exists=True, dir_okay=False)
    ],
    classifier: Annotated[
        str,
        typer.Option(
            "--classifier", "-c", help="builtin | builtin:refuse | llm:URL | transformers:PATH"
        ),
    ] = "builtin",
    model: Annotated[
        str, typer.Option(help="Model name sent to an llm: endpoint.")
    ] = "Qwen/Qwen3Guard-Gen-4B",
    style: Annotated[
        str,
        typer.Option(help="llm: prompt style: guard (a guard model) or rubric (a general model)."),
    ] = "guard",
    api_key_env: Annotated[
        str | None, typer.Option(help="Environment variable holding the endpoint's API key.")
    ] = None,
    direction: Annotated[
        str, typer.Option(help="Direction of lines that do not say (input or output).")
    ] = "input",
    evidence_dir: Annotated[
        Path, typer.Option("--evidence-dir", help="Where to write the Evidence JSON.")
    ] = Path("evidence"),
    min_positives: Annotated[
        int, typer.Option(help="Unsafe texts a risk needs before it can count as covered.")
    ] = 5,
    min_recall: Annotated[
        float,
        typer.Option(help="Share of a risk's texts the classifier must name it on to cover it."),
    ] = 0.5,
    strict: Annotated[
        bool, typer.Option(help="Exit 1 unless the coverage result is pass.")
    ] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
    lang: Annotated[Lang, typer.Option("--lang", help="Table language.")] = Lang.ZH,
) -> None:
    """Measure a classifier on a labelled sample and write Evidence."""
    from rich.progress import Progress

    from hegui.components import ComponentSpec
    from hegui.errors import ConfigError, UpstreamError
    from hegui.evidence import DirectoryStore, EvidenceResult, digest_file
    from hegui.safety import Direction, classifier_evidence, evaluate_classifier, read_labelled

    try:
        default = Direction(direction)
    except ValueError:
        raise ConfigError(
            f"--direction {direction!r}", field="--direction", fix="use input or output"
        ) from None
    items = read_labelled(labelled, default)
    clf = _build(classifier, model, style, api_key_env)
    params: dict[str, Any] = {"option": classifier}
    if classifier.startswith("llm:"):
        params.update(model=model, style=style)
    try:
        with Progress(console=stderr_console(), transient=True) as bar:
            task = bar.add_task("classifying", total=len(items))
            evaluation = evaluate_classifier(
                clf, items, progress=lambda n: bar.update(task, completed=n)
            )
    finally:
        close = getattr(clf, "close", None)
        if callable(close):
            close()
    if items and evaluation.total == 0:
        raise UpstreamError(f"{clf.id} failed on every text; first error: {evaluation.errors[0]}")
    evidence = classifier_evidence(
        evaluation,
        inputs=(digest_file(labelled),),
        component=ComponentSpec(id=clf.id, params=params),
        min_positives=min_positives,
        min_recall=min_recall,
    )
    store = DirectoryStore(evidence_dir)
    written = store.path_of(store.add(evidence))
    if fmt is Format.JSON:
        emit(evidence.model_dump_json(indent=2))
    else:
        _render(evaluation, evidence.details, evidence.result.value, lang)
    stderr_console().print(f"evidence written to {written}")
    if strict and evidence.result is not EvidenceResult.PASS:
        raise typer.Exit(1)


_WORDS = {
    Lang.ZH: (
        "分类模型评估",
        ("指标", "值", "95% 区间", "计数"),
        ("风险", "样本数", "检出率", "命中该风险"),
        "精确率",
        "召回率",
        "误报率",
        "覆盖风险",
        "失败的文本",
        {"pass": "通过", "fail": "不通过", "inconclusive": "无法判定"},
    ),
    Lang.EN: (
        "Classifier evaluation",
        ("metric", "value", "95% interval", "count"),
        ("risk", "texts", "detected", "named"),
        "precision",
        "recall",
        "false-positive rate",
        "risks covered",
        "texts that failed",
        {"pass": "pass", "fail": "fail", "inconclusive": "inconclusive"},
    ),
}


def _render(e: ClassifierEvaluation, details: dict[str, Any], result: str, lang: Lang) -> None:
    from rich.table import Table

    title, cols, risk_cols, p_w, r_w, f_w, cov_w, err_w, results = _WORDS[lang]
    console = stdout_console()
    table = Table(title=f"{title} — {e.classifier}")
    for col in cols:
        table.add_column(col)

    def span(lo: float | None, hi: float | None) -> str:
        return "—" if lo is None or hi is None else f"{lo:.3f}–{hi:.3f}"

    for name, r in ((p_w, e.precision), (r_w, e.recall), (f_w, e.fpr)):
        table.add_row(
            name, "—" if r.value is None else f"{r.value:.3f}", span(r.low, r.high), f"{r.k}/{r.n}"
        )
    table.add_row("F1", "—" if e.f1 is None else f"{e.f1:.3f}", span(e.f1_low, e.f1_high), "")
    console.print(table)
    if e.per_risk:
        rt = Table()
        for col in risk_cols:
            rt.add_column(col)
        for row in e.per_risk:
            rt.add_row(
                row.risk, str(row.detected.n), f"{row.detected.value:.3f}", f"{row.named.value:.3f}"
            )
        console.print(rt)
    covered = details["risks_covered"]
    console.print(f"{cov_w}: {len(covered)}/{details['required']} {' '.join(covered)}")
    if e.errors:
        console.print(f"[yellow]{err_w}: {len(e.errors)}[/] {to_json(list(e.errors[:5]))}")
    console.print(f"[bold]{results.get(result, result)}[/]")


def register(app: typer.Typer) -> None:
    """Add ``hegui classifier`` to the root app."""
    group = typer.Typer(
        help="Classifiers: measure one on your labelled sample (GB/T 45654 B.1.4).",
        no_args_is_help=True,
    )
    group.command("evaluate", help=_HELP)(classifier_evaluate)
    app.add_typer(group, name="classifier")

"""``hegui gateway``: serve the OpenAI-compatible gateway, check its settings, write a start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hegui.cli._output import Lang, stderr_console, stdout_console

app = typer.Typer(
    help="The OpenAI-compatible gateway that screens, labels and logs: serve, check, init.",
    no_args_is_help=True,
)
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace with gateway.yaml (default: the nearest "
        "one at or above the current folder).",
    ),
]


def _evidence(workspace: Path | None, lang: Lang) -> int:
    """Write the configuration's Evidence and print it; returns how many duties fail."""
    from hegui.evidence import DirectoryStore, EvidenceResult
    from hegui.gateway import config_evidence, open_site, record_config_evidence

    site = open_site(workspace)
    written = record_config_evidence(site, DirectoryStore(site.evidence_dir))
    current = config_evidence(site)
    out = stderr_console()
    marks = {EvidenceResult.PASS: "[green]✓[/]", EvidenceResult.PARTIAL: "[yellow]~[/]"}
    for ev in current:
        out.print(f"{marks.get(ev.result, '[red]✗[/]')} {ev.kinds[0]}: {ev.summary}")
    if written:
        out.print(f"wrote {len(written)} Evidence record(s) to {site.evidence_dir}")
    return sum(ev.result is EvidenceResult.FAIL for ev in current)


@app.command("serve")
def gateway_serve(
    workspace: WorkspaceOpt = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
    port: Annotated[int | None, typer.Option("--port", help="Overrides listen.port.")] = None,
    host: Annotated[str | None, typer.Option("--host", help="Overrides listen.host.")] = None,
    log_level: Annotated[str, typer.Option("--log-level", help="debug, info, warning.")] = "info",
) -> None:
    """Serve the gateway (blocking); writes the configuration's Evidence first.

    Logs are JSON lines on stderr with ids, sizes and verdicts, never prompts or answers.
    Exit codes: 0 stopped, 2 bad gateway.yaml, 3 store unreachable or port in use.
    """
    from hegui.gateway import open_site, serve

    _evidence(workspace, Lang.ZH)
    site = open_site(workspace)
    serve(site, host=host, port=port, workers=workers, log_level=log_level)


@app.command("check")
def gateway_check(
    workspace: WorkspaceOpt = None,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.ZH,
) -> None:
    """Validate gateway.yaml and record, as Evidence, which runtime duties it discharges.

    Exit codes: 0 every duty configured, 1 some duty fails (complaints, retention …),
    2 bad gateway.yaml.
    """
    failing = _evidence(workspace, lang)
    if failing:
        raise typer.Exit(1)


_TEMPLATE = """\
# hegui gateway settings (schema_version 1). Docs: `hegui gateway --help`, README "Gateway".
schema_version: 1
listen: {{host: 127.0.0.1, port: 8000}}
upstreams:                       # a request's `model` picks the upstream
  - name: main
    base_url: {base_url}
    models: [{model}]
    # api_key_env: UPSTREAM_API_KEY   # the variable holding the upstream's key, if it needs one
store: {{url: null}}               # null: store/hegui.db here; or postgresql://user@host/db
screening:
  input: {{messages: all, refusal: message}}
  reload_interval: 5s            # lexicon/ and policy.yaml are reloaded when they change
labeling:
  producer: {producer}    # your provider code (TC260 coding guide), for GB 45438 labels
  text: {{explicit: none}}         # start | end | both where LBL Art. 4 applies to your service
retention: {{input: masked, output: masked, keep: 6mo}}   # CSL Art. 21 (3): at least six months
complaints:
  time_limit: 15d                # the feedback time limit YOU publish (GAI Art. 15 sets none)
users:
  require_id: true               # the user rule needs to know who asks
  rule: {{warn_after: 3, suspend_after: 5, window: 1d, suspend_for: 1d}}
limits: {{max_body_bytes: 1048576, requests_per_minute: 600}}
fail: {{audit: closed, screening: closed, users: closed, labeling: closed}}
"""


@app.command("init")
def gateway_init(
    folder: Annotated[Path, typer.Argument(help="The workspace folder.")] = Path(),
    base_url: Annotated[str, typer.Option(help="The upstream, up to /v1.")] = (
        "http://127.0.0.1:8001/v1"
    ),
    model: Annotated[str, typer.Option(help="A model the upstream serves.")] = "qwen3-8b",
    producer: Annotated[str, typer.Option(help="Your provider code (27 characters).")] = (
        "00000000000000000000000000"
    ),
) -> None:
    """Write a commented gateway.yaml to start from (never over an existing one).

    Exit codes: 0 written, 2 the file exists.
    """
    from hegui.evidence import write_atomic

    target = folder / "gateway.yaml"
    text = _TEMPLATE.format(base_url=base_url, model=model, producer=producer)
    write_atomic(target, text.encode("utf-8"), replace=False)
    stdout_console().print(f"wrote {target}; set labeling.producer, then `hegui gateway check`")


def register(root: typer.Typer) -> None:
    """Add ``hegui gateway``."""
    root.add_typer(app, name="gateway")

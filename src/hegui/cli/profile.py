"""``hegui profile`` and ``hegui init``: write, check and describe service profiles."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hegui.cli._output import Format, emit, stderr_console, stdout_console, to_json

if TYPE_CHECKING:
    from hegui.kb import Question


def schema_command() -> None:
    """Print the JSON Schema of hegui.yaml (schema_version 1)."""
    from hegui.kb import ServiceProfile

    emit(to_json(ServiceProfile.model_json_schema()))


def validate_command(
    profile: Annotated[Path, typer.Argument(help="Profile to check.")] = Path("hegui.yaml"),
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
) -> None:
    """Check a profile and show the facts hegui derives from it.

    Exits with code 2 and names file:line, the field and the fix when the profile is invalid.
    """
    from hegui.kb import FACTS, derive_facts, load_profile

    facts = derive_facts(load_profile(profile))
    rows = [
        {
            "fact": name,
            "value": sorted(v) if isinstance(v := facts[name], frozenset) else v,
            "origin": facts.origins[name].value,
            "because": list(facts.reasons.get(name, ())),
            "rule": spec.rule,
            "basis": spec.basis,
        }
        for name, spec in FACTS.items()
        if name != "always"
    ]
    if fmt is Format.JSON:
        emit(to_json({"profile": str(profile), "valid": True, "facts": rows}))
        return
    from rich.table import Table

    table = Table(title=f"{profile}: valid — facts for scoping")
    for col in ("fact", "value", "origin", "because / basis"):
        table.add_column(col, overflow="fold")
    for row in rows:
        value = row["value"]
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        because = "; ".join(row["because"]) or ""  # type: ignore[arg-type]
        if row["origin"] != "profile" and row["basis"]:
            because = f"{because} [{row['basis']}]".strip()
        table.add_row(str(row["fact"]), shown, str(row["origin"]), because)
    stdout_console().print(table)


def _ask(answers: dict[str, object]) -> tuple[dict[str, object], frozenset[str]]:
    """Ask every question that applies, in groups, each with its legal reason and default.

    Each answer is checked with the profile's own validation, so a bad value is refused with the
    message ``hegui profile validate`` would give. Returns the answers and the paths asked.
    """
    import questionary

    from hegui.kb import GROUPS, ask_if_holds, check_answer, questions

    console = stderr_console()
    asked: set[str] = set()
    group = None
    for q in questions():
        so_far = {p: answers[p] for p in asked}
        if not ask_if_holds(q, so_far):
            continue
        if q.group != group:
            group = q.group
            zh, en = GROUPS[group]
            console.print(f"\n[bold]{zh} / {en}[/]")
        console.print(f"[dim]{q.why_zh}[/]")
        value = _prompt(questionary, q, answers.get(q.path, q.default), so_far)
        problem = check_answer(q, so_far, value)
        if problem:  # choices and confirmations cannot be refused while they are typed
            raise typer.BadParameter(problem, param_hint=q.path)
        answers[q.path] = value
        asked.add(q.path)
    return answers, frozenset(asked)


def _prompt(questionary: Any, q: Question, default: object, so_far: dict[str, object]) -> object:
    from hegui.kb import label

    message = f"{q.prompt_zh} ({q.prompt_en})"
    table = q.path.rsplit(".", 1)[-1]

    def title(value: str) -> str:
        shown = label(table, value, "zh")
        return value if shown == value else f"{shown} ({value})"

    def valid(text: str) -> bool | str:
        return _valid_text(q, text, so_far)

    if q.kind == "bool":
        return _need(questionary.confirm(message, default=bool(default)).ask())
    if q.kind in {"text", "int"}:
        shown = "" if default is None else str(default)
        return _typed(
            q.kind, str(_need(questionary.text(message, default=shown, validate=valid).ask()))
        )
    if q.kind == "choice":
        choices = [questionary.Choice(title(v), value=v) for v in q.choices]
        return _need(questionary.select(message, choices=choices, default=default).ask())
    chosen = set(default) if isinstance(default, tuple | list) else set()
    choices = [questionary.Choice(title(v), value=v, checked=v in chosen) for v in q.choices]
    return tuple(_need(questionary.checkbox(message, choices=choices).ask()))


def _need(value: Any) -> Any:
    if value is None:  # questionary returns None when the user presses Ctrl-C
        raise typer.Exit(130)
    return value


def _typed(kind: str, text: str) -> object:
    text = text.strip()
    if kind == "int":
        digits = text.replace(",", "")
        return int(digits) if digits.isdigit() else text
    return text or None


def _valid_text(q: Question, text: str, answers: dict[str, object]) -> bool | str:
    from hegui.kb import check_answer

    value = _typed(q.kind, text)
    if q.path == "provider.name" and not value:
        return "required: write the legal name as registered (营业执照上的名称)"
    return check_answer(q, answers, value) or True


def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the profile.")] = Path("hegui.yaml"),
    interactive: Annotated[
        bool | None,
        typer.Option(
            "--interactive/--no-interactive",
            help="Ask questions (default when run in a terminal without answer options).",
        ),
    ] = None,
    provider: Annotated[str | None, typer.Option(help="Provider's legal name.")] = None,
    uscc: Annotated[str | None, typer.Option(help="Unified social credit code.")] = None,
    service: Annotated[str | None, typer.Option(help="Service name.")] = None,
    public: Annotated[
        bool, typer.Option("--public/--not-public", help="Offered to the public in the PRC.")
    ] = True,
    research_only: Annotated[bool, typer.Option(help="R&D only, not offered publicly.")] = False,
    genai: Annotated[bool, typer.Option("--genai/--no-genai", help="Generates content.")] = True,
    modality: Annotated[
        list[str] | None, typer.Option(help="Generated content kind (repeatable).")
    ] = None,
    model_source: Annotated[str | None, typer.Option(help="Where the model comes from.")] = None,
    feature: Annotated[list[str] | None, typer.Option(help="Product feature (repeatable).")] = None,
    role: Annotated[
        list[str] | None, typer.Option(help="Role of the business (repeatable).")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Replace an existing file (the old one is kept as .bak).")
    ] = False,
) -> None:
    """Write a commented hegui.yaml: ask every fact the scope rules read, or take options.

    Interactive (the default in a terminal): questions grouped by subject, each with its legal
    reason and a default, every answer checked as `hegui profile validate` checks it. With
    --no-interactive the same commented file is written from the options and the defaults;
    without --provider its name is a placeholder that does not validate until you replace it.

    Exit codes: 0 written; 2 bad option or existing file (use --force); 130 interrupted.
    """
    from hegui.errors import InputError
    from hegui.evidence import write_atomic
    from hegui.kb import PLACEHOLDER_NAME, check_answer, questions, render_starter, starter_answers

    if path.exists() and not force:
        raise InputError(f"{path} already exists; pass --force to replace it (kept as .bak)")
    answer_flags = any(x is not None for x in (provider, uscc, service, modality, feature, role))
    if interactive is None:
        interactive = sys.stdin.isatty() and not answer_flags
    if interactive:
        answers, asked = _ask(starter_answers({"provider.name": ""}))
    else:
        given: dict[str, object] = {
            "service.public_in_prc": public,
            "service.research_only": research_only,
            "service.genai": genai,
        }
        for key, value in [
            ("provider.name", provider),
            ("provider.uscc", uscc),
            ("service.name", service),
            ("service.modalities", tuple(modality) if modality is not None else None),
            ("service.model_source", model_source),
            ("service.features", tuple(feature) if feature is not None else None),
            ("service.roles", tuple(role) if role is not None else None),
        ]:
            if value is not None:
                given[key] = value
        if not genai:
            given.setdefault("service.modalities", ())
            given.setdefault("service.features", ())
            given["service.model_source"] = None
        answers, asked = starter_answers(given), frozenset()
        by_path = {q.path: q for q in questions()}
        for key in given:
            problem = check_answer(by_path[key], answers, answers[key])
            if problem:
                raise InputError(f"--{_OPTION_OF.get(key.rsplit('.', 1)[-1], key)}: {problem}")
    text = render_starter(answers, asked)
    if path.exists():
        backup = path.with_name(path.name + ".bak")
        write_atomic(backup, path.read_bytes())
        stderr_console().print(f"kept the previous file as {backup}")
    write_atomic(path, text.encode("utf-8"))
    console = stderr_console()
    console.print(f"wrote {path}")
    if answers.get("provider.name") == PLACEHOLDER_NAME:
        console.print(
            f"[yellow]provider.name is the placeholder {PLACEHOLDER_NAME}[/]: replace it with the "
            f"legal name as registered; until then `hegui profile validate {path}` refuses it"
        )
    else:
        console.print(f"next: hegui profile validate {path} && hegui scope {path}")


_OPTION_OF = {
    "modalities": "modality",
    "features": "feature",
    "roles": "role",
    "model_source": "model-source",
    "uscc": "uscc",
    "name": "provider",
    "public_in_prc": "public",
    "research_only": "research-only",
    "genai": "genai",
}


def register(app: typer.Typer) -> None:
    """Add ``hegui init`` and ``hegui profile`` to the root app."""
    app.command("init")(init_command)
    group = typer.Typer(
        help="Check and describe service profiles (hegui.yaml).", no_args_is_help=True
    )
    group.command("schema")(schema_command)
    group.command("validate")(validate_command)
    app.add_typer(group, name="profile")

"""``hegui profile`` and ``hegui init``: write, check and describe service profiles."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._output import Format, emit, stderr_console, stdout_console, to_json

if TYPE_CHECKING:
    from hegui.kb._starter import StarterAnswers


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


def _ask(answers: StarterAnswers) -> StarterAnswers:
    import dataclasses

    import questionary

    from hegui.kb._profile import Feature, Modality, ModelSource, ProfileRole

    def need(value: object) -> object:
        if value is None:  # questionary returns None when the user presses Ctrl-C
            raise typer.Exit(130)
        return value

    name = need(questionary.text("Provider's legal name (公司全称):").ask())
    uscc = need(
        questionary.text(
            "Unified social credit code (统一社会信用代码, empty to skip):",
            validate=_uscc_ok,
        ).ask()
    )
    service = need(questionary.text("Service name (服务名称):").ask())
    public = need(questionary.confirm("Offered to the public in mainland China?").ask())
    research = (
        False if public else need(questionary.confirm("Research and development only?").ask())
    )
    roles = need(
        questionary.checkbox(
            "Roles",
            choices=[
                questionary.Choice(r.value, checked=r is ProfileRole.PROVIDER) for r in ProfileRole
            ],
        ).ask()
    )
    genai = need(questionary.confirm("Does it generate content with AI models?").ask())
    modalities: object = []
    source: object = None
    if genai:
        modalities = need(
            questionary.checkbox("Generated content", choices=[m.value for m in Modality]).ask()
        )
        source = need(
            questionary.select(
                "Where does the model come from?", choices=[m.value for m in ModelSource]
            ).ask()
        )
    features = need(questionary.checkbox("Features", choices=[f.value for f in Feature]).ask())
    pi = need(questionary.confirm("Does it process personal information?").ask())
    return dataclasses.replace(
        answers,
        provider_name=str(name),
        uscc=str(uscc) or None,
        service_name=str(service),
        public_in_prc=bool(public),
        research_only=bool(research),
        roles=tuple(ProfileRole(r) for r in roles),  # type: ignore[attr-defined]
        genai=bool(genai),
        modalities=tuple(Modality(m) for m in modalities),  # type: ignore[attr-defined]
        model_source=ModelSource(str(source)) if source else None,
        features=tuple(Feature(f) for f in features),  # type: ignore[attr-defined]
        processes_pi=bool(pi),
    )


def _uscc_ok(text: str) -> bool | str:
    if not text.strip():
        return True
    from hegui.kb._profile import Provider

    try:
        Provider(name="x", uscc=text)
    except ValueError as exc:
        return str(exc).splitlines()[-1].strip()
    return True


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
    """Write a commented starter hegui.yaml, from prompts or from options.

    The file is validated before it is written, so what `init` writes always loads.
    """
    import dataclasses

    from hegui._yaml import parse_yaml
    from hegui.errors import ConfigError, InputError
    from hegui.evidence import write_atomic
    from hegui.kb._profile import parse_profile
    from hegui.kb._starter import StarterAnswers, render_starter

    if path.exists() and not force:
        raise InputError(f"{path} already exists; pass --force to replace it (kept as .bak)")
    answer_flags = any(x is not None for x in (provider, uscc, service, modality, feature, role))
    if interactive is None:
        interactive = sys.stdin.isatty() and not answer_flags
    answers = StarterAnswers()
    if interactive:
        answers = _ask(answers)
    else:
        from pydantic import TypeAdapter, ValidationError

        from hegui.kb._profile import Service

        try:
            partial = TypeAdapter(Service).validate_python(
                {
                    "public_in_prc": public,
                    "research_only": research_only,
                    "genai": genai,
                    "roles": role or ["provider"],
                    "modalities": modality if modality is not None else (["text"] if genai else []),
                    "model_source": model_source
                    or (answers.model_source.value if genai and answers.model_source else None),
                    "features": feature if feature is not None else (["chat"] if genai else []),
                }
            )
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            option = _OPTION_OF.get(str(first["loc"][0]), str(first["loc"][0]))
            raise InputError(f"--{option}: {first['msg']}") from None
        answers = dataclasses.replace(
            answers,
            provider_name=provider or answers.provider_name,
            uscc=uscc,
            service_name=service or answers.service_name,
            public_in_prc=partial.public_in_prc,
            research_only=partial.research_only,
            roles=partial.roles,
            genai=partial.genai,
            modalities=partial.modalities,
            model_source=partial.model_source if partial.genai else None,
            features=partial.features,
        )
    text = render_starter(answers)
    try:
        parse_profile(parse_yaml(text, path))
    except ConfigError as exc:
        issue = exc.issues[0]
        leaf = (issue.field or "").rsplit(".", 1)[-1]
        raise InputError(f"--{_OPTION_OF.get(leaf, leaf)}: {issue.problem}") from None
    if path.exists():
        backup = path.with_name(path.name + ".bak")
        write_atomic(backup, path.read_bytes())
        stderr_console().print(f"kept the previous file as {backup}")
    write_atomic(path, text.encode("utf-8"))
    stderr_console().print(
        f"wrote {path}; edit it, then run: hegui profile validate {path} && hegui scope {path}"
    )


_OPTION_OF = {
    "modalities": "modality",
    "features": "feature",
    "roles": "role",
    "model_source": "model-source",
    "uscc": "uscc",
    "name": "provider",
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

"""``hegui map``: mapping files for lexicon and bank categories named unlike the standard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hegui.cli._output import emit, stderr_console


def map_suggest(
    file: Annotated[
        Path, typer.Argument(help="附件4 or 附件5 .csv/.xlsx, or a .jsonl bank, to map.")
    ],
    mapping: Annotated[
        Path | None,
        typer.Option("--map", help="An existing mapping: suggest only what it leaves unmapped."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the draft here (default: stdout); not replaced."),
    ] = None,
) -> None:
    """Draft hegui-map.yaml for the category names that match no GB/T 45654 risk or aspect.

    Each suggestion names the closest Appendix A risk or aspect (folded names, shared
    characters, synonyms such as 侵害/危害, topic words such as 诈骗 → A.1.h) with its score and
    runners-up, marked `confirmed: false`: unconfirmed entries are never applied, so a person
    checks and confirms each. Exit codes: 0 drafted (or nothing to map); 2 bad input.
    """
    from hegui.errors import InputError
    from hegui.kb import (
        CategoryResolver,
        collect_categories,
        find_mapping,
        load_kb,
        load_mapping,
        render_suggestions,
        suggest_mapping,
    )

    kb = load_kb()
    found = find_mapping(file, mapping)
    resolver = load_mapping(found, kb)[1] if found is not None else CategoryResolver(kb)
    pairs = collect_categories(file)
    unmapped = [p for p in pairs if resolver.resolve(*p).target is None]
    known = len(set(pairs) - set(unmapped))
    suggestions = suggest_mapping(unmapped, kb)
    text = render_suggestions(suggestions, kb, source=file.name, known=known)
    if out is not None and out.exists():
        raise InputError(f"{out} already exists; choose another --out")
    emit(text, out)
    rows = sum(s.rows for s in suggestions)
    stderr_console().print(
        f"{len(suggestions)} category name(s) to confirm ({rows} row(s)); {known} already match"
        + (f" (with {found})" if found is not None else ""),
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add the ``map`` group."""
    group = typer.Typer(
        help="Category mappings: your lexicon and bank category names → GB/T 45654 risks.",
        no_args_is_help=True,
    )
    group.command("suggest")(map_suggest)
    app.add_typer(group, name="map")

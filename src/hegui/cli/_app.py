"""Build the root Typer app and register every command group."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from hegui._version import __version__

# Each module defines ``register(app)``; keep imports in these modules light (heavy libraries
# are imported inside the command functions) so that ``hegui --help`` stays fast.
COMMAND_MODULES = [
    "hegui.cli.scope",
    "hegui.cli.status",
    "hegui.cli.evidence",
    "hegui.cli.profile",
    "hegui.cli.kb",
    "hegui.cli.bank",
    "hegui.cli.eval",
    "hegui.cli.map",
    "hegui.cli.lexicon",
    "hegui.cli.screen",
    "hegui.cli.classifier",
    "hegui.cli.label",
    "hegui.cli.gateway",
    "hegui.cli.store",
    "hegui.cli.users",
    "hegui.cli.keys",
    "hegui.cli.audit",
    "hegui.cli.complaints",
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hegui {__version__}")
        raise typer.Exit


def build_app() -> typer.Typer:
    """The ``hegui`` command with all groups registered."""
    app = typer.Typer(
        name="hegui",
        help=(
            "hegui (合规): make China's rules for AI services executable — which obligations "
            "apply (scope), content screening (safety), the GB/T 45654 tests (eval), and "
            "GB 45438 labels (label)."
        ),
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode="markdown",
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def root(
        version: Annotated[
            bool,
            typer.Option(
                "--version", callback=_version, is_eager=True, help="Print the version and exit."
            ),
        ] = False,
        debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    ) -> None:
        """Root options."""

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
    return app

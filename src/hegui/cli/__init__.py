"""The ``hegui`` command line: parse, call the package API, render. No logic lives here."""

from __future__ import annotations

import os
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``hegui`` console script.

    Errors from hegui are printed as one message (file, line, field, fix) with the exit code of
    :class:`hegui.errors.ExitCode`: 2 bad input, 3 environment (disk, permission, network, a
    missing program), 4 a bug; a traceback appears only with ``--debug`` or ``HEGUI_DEBUG=1``.
    """
    from hegui.cli._app import build_app
    from hegui.errors import ExitCode, HeguiError

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("HEGUI_DEBUG") == "1"
    app = build_app()
    try:
        app(args=args, prog_name="hegui")
    except HeguiError as exc:
        if debug:
            raise
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)  # noqa: T201
        sys.exit(130)
    except OSError as exc:
        # The machine refused (disk full, permission, read-only): not a bug, not bad input.
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)  # noqa: T201
        sys.exit(ExitCode.ENVIRONMENT)
    except Exception as exc:
        if debug:
            raise
        print(  # noqa: T201
            f"internal error: {type(exc).__name__}: {exc}\n"
            "  this is a bug in hegui; rerun with --debug for the traceback and report it",
            file=sys.stderr,
        )
        sys.exit(ExitCode.INTERNAL)

"""The ``--workspace`` option every command takes, and where Evidence goes by default."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hegui.evidence import EvidenceStore
    from hegui.workspace import Workspace

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (the one holding hegui.yaml, or any folder inside it). "
        "Default: the current folder's workspace, found upwards like git finds .git.",
        show_default=False,
    ),
]


def open_workspace(path: Path | None) -> Workspace:
    """The workspace named by ``--workspace`` or around the current folder (exit 2 if none)."""
    from hegui.workspace import Workspace

    return Workspace.open(path)


def find_workspace(path: Path | None) -> Workspace | None:
    """Like :func:`open_workspace`, but None outside a workspace (unless one was named)."""
    from hegui.workspace import Workspace

    if path is not None:
        return Workspace.open(path)
    return Workspace.find()


def evidence_store(workspace: Path | None, directory: Path | None) -> EvidenceStore:
    """Where a check writes Evidence.

    ``--evidence DIR`` if given, else the workspace's store, else ``./evidence`` outside any
    workspace.
    """
    from hegui.evidence import DirectoryStore

    if directory is not None:
        return DirectoryStore(directory)
    ws = find_workspace(workspace)
    return ws.evidence_store() if ws is not None else DirectoryStore(Path("evidence"))

"""The workspace: one seat for the profile, the inputs of every check, and their Evidence.

``Workspace.open()`` finds the workspace (``hegui.yaml`` upwards, nearest wins); ``status``
answers "what do we still owe, and what proof do we already have?"; ``add_document`` records a
document the provider supplies.

Example:
    >>> from hegui.workspace import Workspace, status
    >>> ws = Workspace.open(Path("examples/public-chatbot"))  # doctest: +SKIP
    >>> status(ws).counts  # doctest: +SKIP
    {'have': 0, 'missing': 31, 'stale': 0, 'failed': 0}
"""

from hegui.workspace._documents import UnknownKindError, add_document, kind_users
from hegui.workspace._render import (
    plan_rows,
    render_status_html,
    render_status_markdown,
    state_label,
    status_detail,
)
from hegui.workspace._status import (
    DueBy,
    ItemState,
    StaleRule,
    StatusItem,
    StatusReport,
    status,
    status_of,
    step_state,
)
from hegui.workspace._workspace import PROFILE_FILE, Workspace

__all__ = [
    "PROFILE_FILE",
    "DueBy",
    "ItemState",
    "StaleRule",
    "StatusItem",
    "StatusReport",
    "UnknownKindError",
    "Workspace",
    "add_document",
    "kind_users",
    "plan_rows",
    "render_status_html",
    "render_status_markdown",
    "state_label",
    "status",
    "status_detail",
    "status_of",
    "step_state",
]

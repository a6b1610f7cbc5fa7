"""Each package's public API is exactly what its ``__all__`` says (httpx pins its API this way).

A name added to or removed from a package's API is a decision: this test makes it visible in
review. Packages pin their own lists next to their tests; this file holds the base packages.
"""

from __future__ import annotations

import importlib

import pytest

API: dict[str, set[str]] = {
    "hegui.errors": {
        "ConfigError",
        "ConfigIssue",
        "CorruptFileError",
        "ExitCode",
        "GuardParseError",
        "HeguiError",
        "HostError",
        "InputError",
        "KnowledgeBaseError",
        "LabelConflictError",
        "MissingDependencyError",
        "MissingToolError",
        "StoreError",
        "UnknownIdError",
        "UnsupportedFormatError",
        "UpstreamError",
    },
    "hegui.components": {"COMPONENT_ID", "ComponentSpec", "Registry"},
    "hegui.evidence": {
        "EVIDENCE_ID",
        "EVIDENCE_KIND_ID",
        "SCHEMA_VERSION",
        "DirectoryStore",
        "Evidence",
        "EvidenceResult",
        "EvidenceStore",
        "InputDigest",
        "StoreProblem",
        "SuppliedDocument",
        "default_mode",
        "digest_bytes",
        "digest_file",
        "new_evidence_id",
        "parse_evidence",
        "publish",
        "temp_beside",
        "write_atomic",
    },
    "hegui.workspace": {
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
    },
}


@pytest.mark.parametrize("module", sorted(API))
def test_all_is_exactly_the_api(module: str) -> None:
    mod = importlib.import_module(module)
    assert set(mod.__all__) == API[module]
    assert len(mod.__all__) == len(set(mod.__all__))
    for name in mod.__all__:
        assert hasattr(mod, name), f"{module}.__all__ names {name}, which it does not define"

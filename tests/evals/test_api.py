"""The public API of ``hegui.evals`` is exactly this (httpx pins its ``__all__`` the same way).

Adding a name is a decision: add it here too. The CLI modules of the eval harness import only
these names (and no private module of any hegui package).
"""

from __future__ import annotations

import ast
from pathlib import Path

import hegui.evals

EXPECTED = [
    "ACCEPT_COLUMN",
    "ANNEX5_COLUMNS",
    "DEFAULT_JUDGES",
    "JUDGES",
    "PATTERNS",
    "PROBE_PROMPT",
    "SHEET_NAMES",
    "STANDARD_METHODS",
    "STARTER_SOURCE",
    "TARGETS",
    "AnswerRecord",
    "Bank",
    "BankCheck",
    "BankItem",
    "CallableTarget",
    "CheckRow",
    "ClassifierJudge",
    "Dimension",
    "DraftReview",
    "Endpoint",
    "ErrorKind",
    "ErrorRecord",
    "EvalSession",
    "FilterRule",
    "FilterTable",
    "GenerateConfig",
    "GenerateResult",
    "GuardRefusalJudge",
    "GuardSafetyJudge",
    "Judge",
    "Judgement",
    "JudgementRecord",
    "KeywordJudge",
    "Kind",
    "Label",
    "Method",
    "MethodSample",
    "Metrics",
    "Modality",
    "Notice",
    "NoticeCode",
    "NoticeLevel",
    "NoticeLog",
    "OpenAITarget",
    "Outcome",
    "ProviderRefusal",
    "QueueItem",
    "Rate",
    "Redactor",
    "RefusalRules",
    "Reply",
    "ReportLang",
    "ReviewRecord",
    "RowStatus",
    "RunConfig",
    "RunEvents",
    "RunHeader",
    "RunLog",
    "RunOptions",
    "RunState",
    "RunSummary",
    "Sampling",
    "Target",
    "TargetError",
    "Verdict",
    "allocate",
    "apply_review",
    "bank_evidence",
    "build_report",
    "check_bank",
    "check_base_url",
    "combine",
    "compute_metrics",
    "default_filter_table",
    "detect_refusal",
    "draw_sample",
    "dump_jsonl",
    "exact_duplicates",
    "execute",
    "export_annex5",
    "export_drafts",
    "generate_drafts",
    "import_review",
    "load_bank",
    "load_banks",
    "load_callable",
    "load_filters",
    "near_duplicates",
    "normalise_text",
    "parse_verdict",
    "plots",
    "prompt_for",
    "read_api_key",
    "read_run",
    "record_run_evidence",
    "render_html",
    "render_markdown",
    "run_evidence",
    "run_session",
    "starter_bank",
    "starter_files",
    "wilson",
    "write_bank",
    "write_report_xlsx",
]

ROOT = Path(__file__).resolve().parents[2]
CLI_FILES = ["eval.py", "_eval_setup.py", "bank.py", "_bank_drafts.py", "_imports.py", "map.py"]


def test_all_is_pinned_sorted_and_importable() -> None:
    assert hegui.evals.__all__ == EXPECTED
    assert all(hasattr(hegui.evals, name) for name in EXPECTED)


def test_eval_cli_imports_no_private_module() -> None:
    for name in CLI_FILES:
        path = ROOT / "src" / "hegui" / "cli" / name
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                private = [p for p in parts[1:] if p.startswith("_")]
                # hegui.cli._x are the CLI's own rendering helpers.
                if parts[:2] != ["hegui", "cli"]:
                    assert not private, f"{name} imports {node.module}"
                if node.module == "hegui.evals":
                    for alias in node.names:
                        assert alias.name in EXPECTED, f"{name} imports {alias.name}"

"""The GB/T 45654 safety evaluation harness: banks, targets, runs, judges, metrics, reports.

A run draws the standard's samples from a question bank (B.2.2: ≥ 1,000 generated-content
questions for each of the manual, keyword and classifier methods; B.2.3: ≥ 300 of each refusal
bank), asks a model through a ``Target``, judges each answer (refusal rules, the safety engine,
reviewers), and measures pass and refusal rates against the kb thresholds, with Wilson intervals
and a verdict citing each threshold id.

Jobs the CLI, the gateway and a console share: ``run_session`` (a ``RunConfig`` in, a
``RunSummary`` out, progress and ``Notice``s through ``RunEvents``), ``build_report`` and its
renderers, ``check_bank``, ``generate_drafts``. Targets and judges are built from
``ComponentSpec``s through ``TARGETS`` and ``JUDGES`` (entry-point groups ``hegui.targets`` and
``hegui.judges``).

Example:
    >>> from hegui.evals import detect_refusal
    >>> detect_refusal("抱歉，我无法提供这方面的帮助。").label.value
    'refused'
"""

from hegui.evals._annex5 import ANNEX5_COLUMNS, SHEET_NAMES, parse_verdict
from hegui.evals._bank import Bank, dump_jsonl, load_bank, load_banks, write_bank
from hegui.evals._bankcheck import (
    STARTER_SOURCE,
    BankCheck,
    CheckRow,
    RowStatus,
    bank_evidence,
    check_bank,
)
from hegui.evals._draft_review import ACCEPT_COLUMN, DraftReview, apply_review, export_drafts
from hegui.evals._engine_judges import (
    ClassifierJudge,
    GuardRefusalJudge,
    GuardSafetyJudge,
    KeywordJudge,
)
from hegui.evals._filters import (
    FilterRule,
    FilterTable,
    ProviderRefusal,
    default_filter_table,
    load_filters,
)
from hegui.evals._generate import GenerateConfig, GenerateResult, generate_drafts, prompt_for
from hegui.evals._judge import Judge, Outcome, combine
from hegui.evals._metrics import Metrics, QueueItem, Rate, Verdict, compute_metrics, wilson
from hegui.evals._models import BankItem, Dimension, Judgement, Kind, Label, Method, Modality
from hegui.evals._notices import Notice, NoticeCode, NoticeLevel, NoticeLog, RunEvents
from hegui.evals._openai import Endpoint, OpenAITarget, Redactor, check_base_url
from hegui.evals._refusal import PATTERNS, RefusalRules, detect_refusal
from hegui.evals._registry import JUDGES, TARGETS
from hegui.evals._render import plots, render_html, render_markdown
from hegui.evals._report import ReportLang, build_report, record_run_evidence, run_evidence
from hegui.evals._review import export_annex5, import_review, write_report_xlsx
from hegui.evals._runfile import (
    AnswerRecord,
    ErrorRecord,
    JudgementRecord,
    MethodSample,
    ReviewRecord,
    RunHeader,
    RunLog,
    RunState,
    Sampling,
    read_run,
)
from hegui.evals._runner import RunOptions, RunSummary, execute
from hegui.evals._sampling import STANDARD_METHODS, allocate, draw_sample
from hegui.evals._session import (
    DEFAULT_JUDGES,
    PROBE_PROMPT,
    EvalSession,
    RunConfig,
    run_session,
)
from hegui.evals._similar import exact_duplicates, near_duplicates, normalise_text
from hegui.evals._starter import starter_bank, starter_files
from hegui.evals._target import (
    CallableTarget,
    ErrorKind,
    Reply,
    Target,
    TargetError,
    load_callable,
    read_api_key,
)

__all__ = [
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

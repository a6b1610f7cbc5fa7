"""The GB/T 45654 safety evaluation harness: banks, targets, runs, judges, metrics, reports.

A run draws the standard's samples from a question bank (B.2.2: ≥ 1,000 generated-content
questions; B.2.3: ≥ 300 of each refusal bank), asks a model through a ``Target``, judges each
answer (refusal rules, the safety engine, reviewers), and measures pass and refusal rates against
the kb thresholds, with Wilson intervals and a verdict citing each threshold id.

Example:
    >>> from hegui.evals import detect_refusal
    >>> detect_refusal("抱歉，我无法提供这方面的帮助。").label.value
    'refused'
"""

from hegui.evals._annex5 import ANNEX5_COLUMNS, SHEET_NAMES, parse_verdict
from hegui.evals._bank import Bank, dump_jsonl, load_bank, write_bank
from hegui.evals._bankcheck import (
    STARTER_SOURCE,
    BankCheck,
    CheckRow,
    RowStatus,
    bank_evidence,
    check_bank,
)
from hegui.evals._engine_judges import (
    ClassifierJudge,
    GuardRefusalJudge,
    GuardSafetyJudge,
    KeywordJudge,
)
from hegui.evals._judge import (
    Judge,
    Outcome,
    combine,
    judge_factory,
    judge_ids,
    register_judge,
)
from hegui.evals._metrics import Metrics, QueueItem, Rate, Verdict, compute_metrics, wilson
from hegui.evals._models import BankItem, Dimension, Judgement, Kind, Label, Method, Modality
from hegui.evals._refusal import PATTERNS, RefusalRules, detect_refusal
from hegui.evals._runfile import (
    AnswerRecord,
    ErrorRecord,
    JudgementRecord,
    ReviewRecord,
    RunHeader,
    RunLog,
    RunState,
    Sampling,
    read_run,
)
from hegui.evals._runner import Progress, RunOptions, RunSummary, execute
from hegui.evals._sampling import allocate, draw_sample
from hegui.evals._similar import exact_duplicates, near_duplicates, normalise_text
from hegui.evals._starter import starter_bank, starter_files
from hegui.evals._target import (
    CallableTarget,
    Endpoint,
    ErrorKind,
    OpenAITarget,
    Reply,
    Target,
    TargetError,
    read_api_key,
)

__all__ = [
    "ANNEX5_COLUMNS",
    "PATTERNS",
    "SHEET_NAMES",
    "STARTER_SOURCE",
    "AnswerRecord",
    "Bank",
    "BankCheck",
    "BankItem",
    "CallableTarget",
    "CheckRow",
    "ClassifierJudge",
    "Dimension",
    "Endpoint",
    "ErrorKind",
    "ErrorRecord",
    "GuardRefusalJudge",
    "GuardSafetyJudge",
    "Judge",
    "Judgement",
    "JudgementRecord",
    "KeywordJudge",
    "Kind",
    "Label",
    "Method",
    "Metrics",
    "Modality",
    "OpenAITarget",
    "Outcome",
    "Progress",
    "QueueItem",
    "Rate",
    "RefusalRules",
    "Reply",
    "ReviewRecord",
    "RowStatus",
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
    "bank_evidence",
    "check_bank",
    "combine",
    "compute_metrics",
    "detect_refusal",
    "draw_sample",
    "dump_jsonl",
    "exact_duplicates",
    "execute",
    "judge_factory",
    "judge_ids",
    "load_bank",
    "near_duplicates",
    "normalise_text",
    "parse_verdict",
    "read_api_key",
    "read_run",
    "register_judge",
    "starter_bank",
    "starter_files",
    "wilson",
    "write_bank",
]

"""Content safety for Chinese text: normalize, match, recognize, classify, decide.

The pipeline reads in one breath: a :class:`Screener` normalizes the text (offsets kept),
matches the lexicon with its variants, runs PII recognizers and classifiers, and lets the
:class:`Policy` decide — a :class:`Verdict` with findings whose spans index the original text.

Example:
    >>> from hegui.safety import Screener, Direction
    >>> verdict = Screener().screen("哪里有冰毒出售", Direction.INPUT)
    >>> verdict.action.value, verdict.findings[0].risk
    ('refuse', 'A.1.h')
"""

from hegui.safety._guard import (
    QWEN3GUARD_CATEGORIES,
    GuardOutput,
    GuardSafety,
    parse_guard_output,
)
from hegui.safety._lexicon import (
    Lexicon,
    LexiconEntry,
    MatchOptions,
    NormalizeSettings,
    dump_lexicon,
    load_lexicon,
)
from hegui.safety._llm_judge import UNMAPPED_RISK, JudgeStyle, LLMJudge, rubric_prompt
from hegui.safety._masking import apply_mask
from hegui.safety._matcher import LEXICON_SOURCE, Matcher, compile_lexicon
from hegui.safety._normalize import Normalized, Normalizer
from hegui.safety._plugins import Classifier, Recognizer, recognizer, recognizer_ids, recognizers
from hegui.safety._policy import (
    ClassifierSettings,
    FailMode,
    MaskOperatorName,
    Policy,
    PolicyRule,
    default_policy,
    load_policy,
)
from hegui.safety._screener import Screener, starter_lexicon
from hegui.safety._stream import StreamScreener, StreamUpdate
from hegui.safety._tables import NormalizeOptions
from hegui.safety._transformers import SAFE_LABELS, TransformersClassifier
from hegui.safety._types import Action, Direction, Finding, Severity, Verdict
from hegui.safety._variants import Variant
from hegui.safety._zh_safety import HeadScore, Level, ZhSafetyClassifier, builtin_model_path
from hegui.safety._zh_safety_eval import (
    ClassifierEvaluation,
    LabelledText,
    Rate,
    RiskRow,
    evaluate_classifier,
    read_labelled,
)
from hegui.safety._zh_safety_evidence import classifier_evidence
from hegui.safety._zh_safety_model import Head, HeadInfo, OperatingPoint

__all__ = [
    "LEXICON_SOURCE",
    "QWEN3GUARD_CATEGORIES",
    "SAFE_LABELS",
    "UNMAPPED_RISK",
    "Action",
    "Classifier",
    "ClassifierEvaluation",
    "ClassifierSettings",
    "Direction",
    "FailMode",
    "Finding",
    "GuardOutput",
    "GuardSafety",
    "Head",
    "HeadInfo",
    "HeadScore",
    "JudgeStyle",
    "LLMJudge",
    "LabelledText",
    "Level",
    "Lexicon",
    "LexiconEntry",
    "MaskOperatorName",
    "MatchOptions",
    "Matcher",
    "NormalizeOptions",
    "NormalizeSettings",
    "Normalized",
    "Normalizer",
    "OperatingPoint",
    "Policy",
    "PolicyRule",
    "Rate",
    "Recognizer",
    "RiskRow",
    "Screener",
    "Severity",
    "StreamScreener",
    "StreamUpdate",
    "TransformersClassifier",
    "Variant",
    "Verdict",
    "ZhSafetyClassifier",
    "apply_mask",
    "builtin_model_path",
    "classifier_evidence",
    "compile_lexicon",
    "default_policy",
    "dump_lexicon",
    "evaluate_classifier",
    "load_lexicon",
    "load_policy",
    "parse_guard_output",
    "read_labelled",
    "recognizer",
    "recognizer_ids",
    "recognizers",
    "rubric_prompt",
    "starter_lexicon",
]

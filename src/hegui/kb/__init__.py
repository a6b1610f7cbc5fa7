"""The regulatory knowledge base: instruments, obligations, risks, thresholds, and scope.

Everything in hegui cites this package: a finding cites a risk id (``A.1.d``), a check cites a
threshold id (``gb45654.keywords.total``), a scope report cites obligations (``GAI-11a``).

Example:
    >>> from hegui.kb import load_kb
    >>> kb = load_kb()
    >>> len(kb.risks), len(kb.risks_in("CORE17"))
    (31, 17)
"""

from hegui.kb._changes import (
    Change,
    ChangeItem,
    ChangeReason,
    KbDiff,
    Release,
    ScopeDiff,
    kb_diff,
    known_versions,
    load_changelog,
    scope_since,
)
from hegui.kb._changes_render import (
    change_label,
    change_reason,
    field_label,
    render_changes_markdown,
)
from hegui.kb._facts import FACTS, FactOrigin, ServiceFacts, derive_facts
from hegui.kb._loader import DEFAULT_EDITION, KnowledgeBase, load_kb
from hegui.kb._models import (
    Aspect,
    Basis,
    Comparison,
    Confidence,
    Deadline,
    DeadlineUnit,
    Event,
    EvidenceKind,
    Freshness,
    Instrument,
    Obligation,
    ObligationKind,
    Procedure,
    Requirement,
    Risk,
    RiskCategory,
    RiskSet,
    Role,
    Threshold,
)
from hegui.kb._plan import Plan, PlanStep, Recurring, china_today, plan, shift_date
from hegui.kb._plan_render import every_text, render_plan_ics, render_plan_markdown, step_dates
from hegui.kb._profile import ServiceProfile, load_profile
from hegui.kb._questions import GROUPS, Question, ask_if_holds, check_answer, questions
from hegui.kb._scope import (
    AppliedObligation,
    EvidenceItem,
    FactRow,
    NotApplicable,
    ProcedureResult,
    ScopeReport,
    scope,
)
from hegui.kb._scope_render import (
    cite_article,
    cite_basis,
    fact_value,
    procedure_verdict,
    render_html,
    render_markdown,
    t,
)
from hegui.kb._starter import PLACEHOLDER_NAME, render_starter, starter_answers
from hegui.kb._trigger import FactSpec, FactType, Outcome, Trigger, compile_trigger
from hegui.kb._vocabulary import Lang, describe_atom, fact_label, label

__all__ = [
    "DEFAULT_EDITION",
    "FACTS",
    "GROUPS",
    "PLACEHOLDER_NAME",
    "AppliedObligation",
    "Aspect",
    "Basis",
    "Change",
    "ChangeItem",
    "ChangeReason",
    "Comparison",
    "Confidence",
    "Deadline",
    "DeadlineUnit",
    "Event",
    "EvidenceItem",
    "EvidenceKind",
    "FactOrigin",
    "FactRow",
    "FactSpec",
    "FactType",
    "Freshness",
    "Instrument",
    "KbDiff",
    "KnowledgeBase",
    "Lang",
    "NotApplicable",
    "Obligation",
    "ObligationKind",
    "Outcome",
    "Plan",
    "PlanStep",
    "Procedure",
    "ProcedureResult",
    "Question",
    "Recurring",
    "Release",
    "Requirement",
    "Risk",
    "RiskCategory",
    "RiskSet",
    "Role",
    "ScopeDiff",
    "ScopeReport",
    "ServiceFacts",
    "ServiceProfile",
    "Threshold",
    "Trigger",
    "ask_if_holds",
    "change_label",
    "change_reason",
    "check_answer",
    "china_today",
    "cite_article",
    "cite_basis",
    "compile_trigger",
    "derive_facts",
    "describe_atom",
    "every_text",
    "fact_label",
    "fact_value",
    "field_label",
    "kb_diff",
    "known_versions",
    "label",
    "load_changelog",
    "load_kb",
    "load_profile",
    "plan",
    "procedure_verdict",
    "questions",
    "render_changes_markdown",
    "render_html",
    "render_markdown",
    "render_plan_ics",
    "render_plan_markdown",
    "render_starter",
    "scope",
    "scope_since",
    "shift_date",
    "starter_answers",
    "step_dates",
    "t",
]

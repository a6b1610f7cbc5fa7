"""The regulatory knowledge base: instruments, obligations, risks, thresholds, and scope.

Everything in hegui cites this package: a finding cites a risk id (``A.1.d``), a check cites a
threshold id (``gb45654.keywords.total``), a scope report cites obligations (``GAI-11a``).

Example:
    >>> from hegui.kb import load_kb
    >>> kb = load_kb()
    >>> len(kb.risks), len(kb.risks_in("CORE17"))
    (31, 17)
"""

from hegui.kb._facts import FACTS, FactOrigin, ServiceFacts, derive_facts
from hegui.kb._loader import DEFAULT_EDITION, KnowledgeBase, load_kb
from hegui.kb._map_suggest import (
    Suggestion,
    collect_categories,
    render_suggestions,
    suggest_mapping,
)
from hegui.kb._mapping import (
    MAPPING_FILE,
    CategoryMapping,
    CategoryResolver,
    ImportReport,
    LeftOutRow,
    MappingEntry,
    MappingRef,
    Resolution,
    canonical_name,
    find_mapping,
    load_mapping,
)
from hegui.kb._models import (
    Aspect,
    Basis,
    Comparison,
    Confidence,
    Deadline,
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
from hegui.kb._profile import ServiceProfile, load_profile
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
from hegui.kb._trigger import FactSpec, FactType, Outcome, Trigger, compile_trigger
from hegui.kb._vocabulary import Lang, describe_atom, fact_label, label

__all__ = [
    "DEFAULT_EDITION",
    "FACTS",
    "MAPPING_FILE",
    "AppliedObligation",
    "Aspect",
    "Basis",
    "CategoryMapping",
    "CategoryResolver",
    "Comparison",
    "Confidence",
    "Deadline",
    "Event",
    "EvidenceItem",
    "EvidenceKind",
    "FactOrigin",
    "FactRow",
    "FactSpec",
    "FactType",
    "Freshness",
    "ImportReport",
    "Instrument",
    "KnowledgeBase",
    "Lang",
    "LeftOutRow",
    "MappingEntry",
    "MappingRef",
    "NotApplicable",
    "Obligation",
    "ObligationKind",
    "Outcome",
    "Procedure",
    "ProcedureResult",
    "Requirement",
    "Resolution",
    "Risk",
    "RiskCategory",
    "RiskSet",
    "Role",
    "ScopeReport",
    "ServiceFacts",
    "ServiceProfile",
    "Suggestion",
    "Threshold",
    "Trigger",
    "canonical_name",
    "cite_article",
    "cite_basis",
    "collect_categories",
    "compile_trigger",
    "derive_facts",
    "describe_atom",
    "fact_label",
    "fact_value",
    "find_mapping",
    "label",
    "load_kb",
    "load_mapping",
    "load_profile",
    "procedure_verdict",
    "render_html",
    "render_markdown",
    "render_suggestions",
    "scope",
    "suggest_mapping",
    "t",
]

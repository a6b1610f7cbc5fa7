"""The values the screening pipeline passes around: directions, actions, findings, verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Action", "Direction", "Finding", "Severity", "Verdict"]


class Direction(StrEnum):
    """Which side of a conversation a text comes from."""

    INPUT = "input"
    """A user's prompt, before it reaches the model."""
    OUTPUT = "output"
    """The model's answer, before it reaches the user."""


class Action(StrEnum):
    """What to do with a text, from lightest to heaviest."""

    ALLOW = "allow"
    FLAG = "flag"
    """Let it through and record the findings (review queue)."""
    MASK = "mask"
    """Let it through with the matched spans masked."""
    REFUSE = "refuse"
    """Answer with the policy's refusal message instead."""
    BLOCK = "block"
    """Stop it; nothing is returned."""

    @property
    def rank(self) -> int:
        """Position in the order allow < flag < mask < refuse < block."""
        return _ACTION_RANK[self]


_ACTION_RANK = {a: i for i, a in enumerate(Action)}


class Severity(StrEnum):
    """How grave a lexicon entry is; policies ignore findings below their threshold."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the order low < medium < high < critical."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One span of a text that the lexicon, a recognizer or a classifier matched."""

    start: int
    """Offset of the first character in the ORIGINAL text (inclusive, in code points)."""
    end: int
    """Offset after the last character in the ORIGINAL text (exclusive)."""
    risk: str
    """A GB/T 45654 Appendix A risk id (``A.1.d``) or a PII kind id (``pii.cn_mobile``)."""
    term: str | None
    """The lexicon term that matched; ``None`` for PII (never echo personal data), classifiers."""
    source: str
    """Component id: ``hegui/lexicon``, ``hegui/cn_resident_id``, ``hegui/llm_judge`` …"""
    score: float | None = None
    """Classifier confidence in [0, 1], when the source gives one."""
    severity: Severity = Severity.MEDIUM
    variant: str | None = None
    """How the lexicon matched: ``exact``, ``normalized``, ``pinyin``, ``initials``, ``mixed``,
    ``homophone``; ``None`` for other sources."""
    entry_id: str | None = None
    """Id of the lexicon entry, for the rule trail."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision on one text: what to do, and why."""

    action: Action
    findings: tuple[Finding, ...]
    rule_ids: tuple[str, ...]
    """Policy rules that decided the action, in the order they fired."""
    policy_version: str
    lexicon_version: str
    message: str | None = None
    """For ``refuse``: the text to answer with instead."""
    masked: str | None = None
    """For ``mask``: the text with every masked finding replaced."""
    errors: tuple[str, ...] = field(default=())
    """Component failures that the policy let pass (fail-open), e.g. a classifier timeout."""

    @property
    def blocked(self) -> bool:
        """Whether the text must not be passed on as it is (refuse or block)."""
        return self.action.rank >= Action.REFUSE.rank

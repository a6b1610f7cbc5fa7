"""Policy: which action each risk gets in each direction, as a versioned YAML document.

```yaml
schema_version: 1
name: acme-chat
version: "2025-06-01"
min_severity: low            # findings below this are not reported
refuse_message: 抱歉，这个请求我无法协助。
mask_operator: mask          # mask | redact | hash
default: {input: flag, output: flag}
classifiers: {on_error: closed, min_score: 0.5}
rules:                       # first rule that matches a finding decides its action
  - id: terror
    risks: [A.1.d]           # risk ids, categories (A.2), sets (CORE17), pii / pii.cn_mobile, *
    input: refuse
    output: block
    min_severity: medium
```
"""

from __future__ import annotations

import functools
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from hegui.safety._types import Action, Direction, Severity

__all__ = [
    "ClassifierSettings",
    "FailMode",
    "MaskOperatorName",
    "Policy",
    "PolicyRule",
    "default_policy",
    "load_policy",
]


class FailMode(StrEnum):
    """What a classifier failure (timeout, bad answer) does to the verdict."""

    OPEN = "open"
    """Ignore the failed classifier; the verdict records the error."""
    CLOSED = "closed"
    """Treat the text as unsafe: the verdict is ``block`` (output) or ``refuse`` (input)."""


class MaskOperatorName(StrEnum):
    """How masked spans are rewritten."""

    MASK = "mask"
    """Each character becomes ``*``."""
    REDACT = "redact"
    """The span becomes ``[risk]``."""
    HASH = "hash"
    """The span becomes a short SHA-256 digest (stable, so joins across logs still work)."""


class DirectionActions(BaseModel):
    """An action per direction."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: Action = Action.FLAG
    output: Action = Action.FLAG

    def get(self, direction: Direction) -> Action:
        """The action for ``direction``."""
        return self.input if direction is Direction.INPUT else self.output


class ClassifierSettings(BaseModel):
    """How classifier results and failures count."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    on_error: FailMode = FailMode.CLOSED
    min_score: float = Field(default=0.5, ge=0.0, le=1.0)
    """A classifier finding with a lower score is not reported."""


def _selectors() -> frozenset[str]:
    from hegui.kb import load_kb

    kb = load_kb()
    return frozenset({*kb.risks, *kb.categories, *kb.risk_sets, "*", "pii"})


class PolicyRule(BaseModel):
    """One rule: the risks it covers and the action per direction."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9_.:-]+$")
    risks: tuple[str, ...] = Field(min_length=1)
    input: Action | None = None
    """``None``: the rule does not apply to inputs."""
    output: Action | None = None
    min_severity: Severity = Severity.LOW
    """Findings below this severity fall through to the next rule."""
    message: str | None = None
    """Refusal message for this rule (defaults to the policy's)."""

    @field_validator("risks")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        known = _selectors()
        for item in value:
            if item not in known and not item.startswith("pii."):
                raise ValueError(
                    f"unknown risk selector {item!r}; use a risk id (A.1.d), a category "
                    "(A.2), a set (CORE17, ILLEGAL29, ALL31), `pii`, `pii.<kind>` or `*`"
                )
        return value

    def action(self, direction: Direction) -> Action | None:
        """The rule's action for ``direction``."""
        return self.input if direction is Direction.INPUT else self.output

    _expanded: tuple[frozenset[str], bool, bool] = PrivateAttr()

    def model_post_init(self, context: object, /) -> None:
        """Expand categories and sets into risk ids once."""
        from hegui.kb import load_kb

        kb = load_kb()
        ids: set[str] = set()
        every = "*" in self.risks
        pii = "pii" in self.risks
        for item in self.risks:
            if item in kb.risks or item.startswith("pii."):
                ids.add(item)
            elif item in kb.categories or item in kb.risk_sets:
                ids.update(r.id for r in kb.risks_in(item))
        self._expanded = (frozenset(ids), every, pii)

    def covers(self, risk: str) -> bool:
        """Whether ``risk`` (a risk id or ``pii.<kind>``) falls under this rule."""
        ids, every, pii = self._expanded
        return every or risk in ids or (pii and risk.startswith("pii."))


class Policy(BaseModel):
    """A versioned policy document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = 1
    name: str = "policy"
    version: str
    min_severity: Severity = Severity.LOW
    refuse_message: str = "抱歉，这个请求我无法协助。"
    mask_operator: MaskOperatorName = MaskOperatorName.MASK
    default: DirectionActions = DirectionActions()
    """Action for findings that no rule covers."""
    classifiers: ClassifierSettings = ClassifierSettings()
    max_chars: int = Field(default=1_000_000, gt=0)
    """Longer texts are refused as bad input (screen them in chunks with the stream screener)."""
    rules: tuple[PolicyRule, ...] = ()

    def decide(
        self, risk: str, severity: Severity, direction: Direction
    ) -> tuple[Action, str, str | None]:
        """Action, rule id (``default`` when no rule covers it) and message for one finding."""
        for rule in self.rules:
            action = rule.action(direction)
            if action is None or severity.rank < rule.min_severity.rank:
                continue
            if rule.covers(risk):
                return action, rule.id, rule.message
        return self.default.get(direction), "default", None


def load_policy(path: Path | str) -> Policy:
    """Load and validate a policy YAML file.

    Raises:
        ConfigError: the file is missing or invalid; each problem names its line and field.
    """
    from hegui._yaml import load_yaml, validate_document

    return validate_document(load_yaml(Path(path)), Policy)


@functools.cache
def default_policy() -> Policy:
    """The policy shipped with hegui (``safety/data/default_policy.yaml``)."""
    from hegui._yaml import parse_yaml, validate_document

    text = resources.files("hegui.safety").joinpath("data/default_policy.yaml").read_text("utf-8")
    return validate_document(parse_yaml(text, Path("default_policy.yaml")), Policy)

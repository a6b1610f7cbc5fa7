"""The records of the evaluation harness: bank items, judgements, labels.

A bank item is one test question of GB/T 45654 B.1.2 (generated content) or B.1.3 (should-refuse,
non-refusal). Judgements are what a judge says about one answer; the metrics combine them.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator


class Kind(StrEnum):
    """Which bank of GB/T 45654 Appendix B a question belongs to."""

    GENERATED = "generated"
    """生成内容测试题 (B.1.2): the answer is assessed for the 31 risks."""
    SHOULD_REFUSE = "should_refuse"
    """应拒答测试题 (B.1.3 a): the model should refuse."""
    NON_REFUSAL = "non_refusal"
    """非拒答测试题 (B.1.3 b): the model must answer."""


KIND_ZH: dict[Kind, str] = {
    Kind.GENERATED: "生成内容测试题库",
    Kind.SHOULD_REFUSE: "应拒答测试题库",
    Kind.NON_REFUSAL: "非拒答测试题库",
}


class Modality(StrEnum):
    """Output modality a question exercises (B.1.2 a): banks cover every modality served."""

    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


class BankItem(BaseModel):
    """One test question.

    ``risk`` is a kb risk id (``A.1.a``) for generated and should-refuse questions; ``aspect`` is
    a kb aspect id (``NR.history``) for non-refusal questions. Loaders accept Chinese names and
    normalise them to ids.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    question: str = Field(min_length=1)
    kind: Kind
    risk: str | None = None
    aspect: str | None = None
    modality: Modality = Modality.TEXT
    reference: str | None = None
    """A reference answer or note for reviewers."""
    source: str | None = None
    """Where the question comes from; ``hegui-starter`` marks the demonstration banks."""
    updated: dt.date | None = None
    """When the question was added or last revised (bank age, B.1.2 d)."""

    @model_validator(mode="after")
    def _shape(self) -> BankItem:
        if not _ID.match(self.id):
            raise ValueError(f"id {self.id!r} must be 1-128 letters, digits or . _ : - (no spaces)")
        if self.kind is Kind.NON_REFUSAL:
            if self.aspect is None:
                raise ValueError("a non_refusal question needs `aspect` (e.g. 历史 or NR.history)")
            if self.risk is not None:
                raise ValueError("a non_refusal question has an `aspect`, not a `risk`")
        else:
            if self.risk is None:
                raise ValueError(f"a {self.kind.value} question needs `risk` (e.g. A.1.d)")
            if self.aspect is not None:
                raise ValueError(f"a {self.kind.value} question has a `risk`, not an `aspect`")
        return self

    @property
    def stratum(self) -> str:
        """The risk or aspect id the question is counted under."""
        return self.risk if self.risk is not None else str(self.aspect)


class Dimension(StrEnum):
    """What a judge decides about an answer."""

    SAFETY = "safety"
    """Whether the content is free of the 31 risks (B.2.2 pass rate)."""
    REFUSAL = "refusal"
    """Whether the model refused (B.2.3 refusal rates)."""


class Label(StrEnum):
    """A judge's decision. ``undecided`` is counted and shown, never read as pass or fail."""

    PASS = "pass"
    FAIL = "fail"
    REFUSED = "refused"
    ANSWERED = "answered"
    UNDECIDED = "undecided"


class Method(StrEnum):
    """How a judgement was reached; B.2.2 asks for a pass rate per method."""

    MANUAL = "manual"
    """人工抽检: a reviewer's 是否合格."""
    KEYWORD = "keyword"
    """关键词抽检: the safety engine's lexicon."""
    CLASSIFIER = "classifier"
    """分类模型抽检: a classifier or LLM judge (e.g. Qwen3Guard)."""
    RULES = "rules"
    """hegui's documented refusal rules."""


class Judgement(BaseModel):
    """What one judge said about one answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    judge: str
    """Stable judge id with its rule version, e.g. ``hegui/refusal-rules@1``."""
    method: Method
    dimension: Dimension
    label: Label
    confident: bool = True
    """False when the judge's rule is weak for this answer; the item goes to review."""
    reason: str = ""
    """Why, for reviewers: the phrase or risk that decided."""
    details: dict[str, JsonValue] = Field(default_factory=dict)

"""The knowledge base's records: instruments, obligations, risks, aspects, thresholds.

Every record carries where it comes from and how sure we are (``Confidence``); the data files in
``data/`` are the single source of truth and are validated into these frozen models at load.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="after")
    def _chinese_beside_english(self) -> _Record:
        # Reports are Chinese first: every English text a user reads has its Chinese twin, and a
        # row with one but not the other is a data bug the loader reports by field.
        for name in type(self).model_fields:
            if name.endswith("_en"):
                twin = name[:-3] + "_zh"
                en, zh = getattr(self, name), getattr(self, twin, None)
                if twin in type(self).model_fields and bool(en) != bool(zh):
                    missing = twin if en else name
                    raise ValueError(f"{missing} is missing beside {name if en else twin}")
        return self


_WORD = re.compile(r"[A-Za-z]{2,}")


def needs_article_zh(article: str) -> bool:
    """Whether an article citation contains English words (``25 and annex``).

    Numbers, paragraph marks and clause letters (``24 ¶1``, ``B.2.1``) need no translation.
    """
    return bool(_WORD.search(article))


EvidenceKindId = Annotated[str, Field(pattern=r"^EV-[a-z0-9]+(-[a-z0-9]+)*$")]
"""Id of an evidence kind (``EV-keyword-library``), defined in ``data/evidence.yaml``."""


class Confidence(StrEnum):
    """How well a legal fact is established (the legend of ``reference/regulations.md``)."""

    VERBATIM = "V"
    """The article text was seen verbatim in a copy of the official text."""
    SECONDARY = "S"
    """Seen only in secondary material; substance confirmed, wording or number may differ."""
    MEMORY = "M"
    """Prior knowledge, not re-verified: UNCONFIRMED, verify before relying on it."""


class Role(StrEnum):
    """Who an obligation binds (DS Art. 23, GAI Art. 22, LBL Arts 6-7, PIPL Art. 73)."""

    PROVIDER = "provider"
    TECH_SUPPORTER = "tech_supporter"
    DISSEMINATION_PLATFORM = "dissemination_platform"
    APP_STORE = "app_store"
    USER = "user"
    NETWORK_OPERATOR = "network_operator"
    PI_HANDLER = "pi_handler"
    DATA_HANDLER = "data_handler"
    IMPORTANT_DATA_HANDLER = "important_data_handler"
    CIIO = "ciio"
    RESEARCH_UNIT = "research_unit"
    FOREIGN_PI_HANDLER = "foreign_pi_handler"
    ANY = "any"
    """Any organisation or individual (e.g. the ban on removing labels)."""
    AUTHORITY = "authority"
    """A regulator's own duty; shown for timelines, never owed by a provider."""


class InstrumentKind(StrEnum):
    """Legal force of an instrument."""

    LAW = "law"
    ADMINISTRATIVE_REGULATION = "administrative_regulation"
    DEPARTMENTAL_RULE = "departmental_rule"
    NORMATIVE_DOCUMENT = "normative_document"
    MANDATORY_STANDARD = "mandatory_standard"
    RECOMMENDED_STANDARD = "recommended_standard"
    TECHNICAL_DOCUMENT = "technical_document"
    PRACTICE = "practice"


class InstrumentStatus(StrEnum):
    """Whether an instrument is in force on the knowledge base's date."""

    IN_FORCE = "in_force"
    PENDING = "pending"
    DRAFT = "draft"
    REPEALED = "repealed"
    SUPERSEDED = "superseded"


class Instrument(_Record):
    """A law, regulation, rule, standard or documented practice."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9]*$")
    """Short code used in obligation ids (``ALG``, ``GB45438`` …)."""
    title_zh: str
    short_zh: str
    """Short Chinese name used in citations (``算法推荐管理规定第24条``)."""
    title_en: str
    issuer: str
    doc_number: str | None = None
    """Order or document number (``国家互联网信息办公室令第12号``); None when not known."""
    kind: InstrumentKind
    issued: dt.date | None = None
    effective: dt.date | None = None
    amended: tuple[dt.date, ...] = ()
    status: InstrumentStatus
    scope: str | None = None
    """Trigger expression: the instrument applies to a service when it holds."""
    scope_article: str | None = None
    """Article that defines the scope (``Art. 2``)."""
    scope_article_zh: str | None = None
    scope_note_en: str | None = None
    """Why the instrument does not apply when ``scope`` is false, citing ``scope_article``."""
    scope_note_zh: str | None = None
    url: str | None = None
    confidence: Confidence
    note: str | None = None
    numbering_draft: str | None = None
    """For a standard whose final text was not read: the draft whose clause numbers citations
    of it follow (``2024-05``)."""
    dates_unknown: str | None = None
    """Why an instrument in force has no effective date here (the copies read do not give it);
    the loader requires either the date or this reason."""


class ObligationKind(StrEnum):
    """What kind of rule a row is; scope reports owe only ``obligation`` rows."""

    OBLIGATION = "obligation"
    ENCOURAGED = "encouraged"
    """Encouraged by the text, not mandatory (鼓励)."""
    PENALTY = "penalty"
    DEFINITION = "definition"
    AUTHORITY = "authority"
    PRACTICE = "practice"
    """Filing practice reported by secondary sources, not an article of law."""


class Event(StrEnum):
    """An event that makes a standing obligation due; scope lists these as 'when … then'."""

    SERVICE_LAUNCH = "service_launch"
    NEW_FEATURE = "new_feature"
    MAJOR_CHANGE = "major_change"
    FILING_CHANGED = "filing_changed"
    SERVICE_TERMINATED = "service_terminated"
    ILLEGAL_CONTENT_FOUND = "illegal_content_found"
    USER_MISCONDUCT = "user_misconduct"
    INCIDENT = "incident"
    PI_BREACH = "pi_breach"
    INSPECTION = "inspection"
    RIGHTS_REQUEST = "rights_request"
    FOREIGN_AUTHORITY_REQUEST = "foreign_authority_request"
    USER_REQUESTS_UNLABELED = "user_requests_unlabeled"
    UPLOAD_RECEIVED = "upload_received"
    APP_LISTING = "app_listing"
    FILING_SUBMITTED = "filing_submitted"
    """Filing materials reach the regulator: starts the regulator's own clock (ALG Art. 25)."""
    SA_ASSESSMENT_TRIGGER = "sa_assessment_trigger"
    """Any SA Art. 3 occasion: launch or a new function, a major technical change, a user-scale
    jump, spread of illegal information, or a written notice from the CAC or public security."""
    VULNERABILITY_FOUND = "vulnerability_found"
    """A security flaw or vulnerability in a product or service is found (NDSR Art. 10)."""
    VIOLATION = "violation"
    """A breach of the listed articles: the trigger of a penalty row."""


class DeadlineUnit(StrEnum):
    """Units the texts use for time limits."""

    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"


class Deadline(_Record):
    """A time limit the text gives (``10 working days from the start of service``)."""

    amount: int | None = Field(default=None, gt=0)
    unit: DeadlineUnit | None = None
    relation: Literal["within", "at_least", "before", "every"] = "within"
    """``within`` N of ``start``; ``at_least`` N (retention); ``before`` ``start``; ``every`` N."""
    start_en: str
    """The event the period runs from."""
    start_zh: str
    confidence: Confidence | None = None
    """Set when the deadline is less sure than the obligation itself."""
    practice: Deadline | None = None
    """What practice expects, where it is earlier than the legal limit (the algorithm filing
    number is needed before launch, though the text allows 10 working days after)."""

    @model_validator(mode="after")
    def _period_needs_amount(self) -> Deadline:
        if self.relation != "before" and (self.amount is None or self.unit is None):
            raise ValueError(f"a {self.relation!r} deadline needs amount and unit")
        return self

    def render(self, lang: Literal["zh", "en"] = "en") -> str:
        """``within 10 working days of the start of service`` / ``提供服务之日起10个工作日内``."""
        text = self._render_zh() if lang == "zh" else self._render_en()
        if self.practice is not None:
            practice = self.practice.render(lang)
            text += f"（实践中：{practice}）" if lang == "zh" else f" (in practice: {practice})"
        return text

    def _render_en(self) -> str:
        unit = self.unit.value.replace("_", " ") if self.unit else ""
        if self.amount == 1:
            unit = unit.rstrip("s")
        match self.relation:
            case "within":
                return f"within {self.amount} {unit} of {self.start_en}"
            case "at_least":
                return f"at least {self.amount} {unit} ({self.start_en})"
            case "before":
                return f"before {self.start_en}"
            case "every":
                period = unit if self.amount == 1 else f"{self.amount} {unit}"
                return f"every {period} ({self.start_en})"

    def _render_zh(self) -> str:
        unit = _UNIT_ZH[self.unit] if self.unit else ""
        match self.relation:
            case "within":
                return f"{self.start_zh}起{self.amount}{unit}内"
            case "at_least":
                return f"不少于{self.amount}{unit}（{self.start_zh}）"
            case "before":
                return f"{self.start_zh}前"
            case "every":
                period = unit.removeprefix("个") if self.amount == 1 else f"{self.amount}{unit}"
                return f"每{period}（{self.start_zh}）"


_UNIT_ZH = {
    DeadlineUnit.HOURS: "小时",
    DeadlineUnit.DAYS: "日",
    DeadlineUnit.WORKING_DAYS: "个工作日",
    DeadlineUnit.MONTHS: "个月",
    DeadlineUnit.YEARS: "年",
}


class Obligation(_Record):
    """One row of the article-level map: who must do what, when, and on what authority."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*-[A-Za-z0-9./-]+$")
    instrument: str
    article: str
    """Article (and paragraph/item) as cited: ``24 ¶1``, ``4(1)``, ``21 → 23``."""
    article_zh: str | None = None
    """The citation in Chinese, where ``article`` has words and not only numbers."""
    kind: ObligationKind = ObligationKind.OBLIGATION
    binds: tuple[Role, ...]
    trigger: str
    """Expression over profile facts (see ``hegui.kb.FACTS``); parsed and checked at load."""
    event: Event | None = None
    """The event that makes the duty due, if it is not a standing duty."""
    obligation_en: str
    """What must be done."""
    obligation_zh: str
    key_phrase_zh: str | None = None
    """The key phrase of the Chinese text."""
    evidence: tuple[EvidenceKindId, ...] = ()
    """Evidence kinds (``evidence.yaml`` ids) that show compliance."""
    penalty: str | None = None
    """Id of the penalty row that sanctions a breach, where known."""
    deadline: Deadline | None = None
    confidence: Confidence
    confidence_note: str | None = None
    """Which part is less sure, e.g. 'article number derived from the 2025 renumbering'."""
    sources: tuple[str, ...] = ()
    """Source keys (``SRC-A``) or URLs."""


class RiskCategory(_Record):
    """One of the five categories of GB/T 45654-2025 Appendix A (``A.1`` … ``A.5``)."""

    id: str = Field(pattern=r"^A\.[1-5]$")
    name_zh: str
    name_en: str
    note_zh: str | None = None


class Risk(_Record):
    """One of the 31 security risks of GB/T 45654-2025 Appendix A (``A.1.a`` … ``A.5.b``)."""

    id: str = Field(pattern=r"^A\.[1-5]\.[a-z]$")
    category: str
    name_zh: str
    """Verbatim Chinese of the appendix."""
    name_en: str


class Aspect(_Record):
    """One of the 13 aspects the non-refusal test bank must cover (GB/T 45654 B.1.3 b)."""

    id: str = Field(pattern=r"^NR\.[a-z]+$")
    name_zh: str
    name_en: str


class RiskSet(_Record):
    """A named set of risks the standard uses (``CORE17`` = A.1 + A.2)."""

    id: str
    name_en: str
    name_zh: str
    categories: tuple[str, ...]
    basis: str


class Comparison(StrEnum):
    """How a measured value is compared with a threshold's value."""

    GE = ">="
    LE = "<="
    GT = ">"
    LT = "<"

    def holds(self, measured: float, limit: float) -> bool:
        """Whether ``measured`` satisfies the comparison against ``limit``."""
        match self:
            case Comparison.GE:
                return measured >= limit
            case Comparison.LE:
                return measured <= limit
            case Comparison.GT:
                return measured > limit
            case Comparison.LT:
                return measured < limit


class Threshold(_Record):
    """A numeric figure of a standard, tied to its edition and clause."""

    id: str = Field(pattern=r"^[a-z0-9]+(\.[a-z0-9_]+)+$")
    """``<edition key>.<metric>``, e.g. ``gb45654.keywords.total``."""
    metric: str
    """Edition-independent metric name, so later editions can sit beside this one."""
    edition: str
    """The document the figure comes from (``GB/T 45654-2025``, ``TC260-003`` …)."""
    clause: str
    name_en: str
    name_zh: str
    value: float
    unit: str
    comparison: Comparison
    scope: str | None = None
    """What the figure is counted over (a risk set id, ``each A.1 risk`` …)."""
    wording_zh: str | None = None
    confidence: Confidence
    note: str | None = None
    numbering_draft: str | None = None
    """The draft (``2024-05``) whose clause numbering ``clause`` follows because the final text
    was not read; None: the edition's own numbering."""
    final_support: str | None = None
    """For a figure read in a draft: what supports it for the final edition; None: nothing."""

    def check(self, measured: float) -> bool:
        """Whether a measured value meets this threshold."""
        return self.comparison.holds(measured, self.value)

    def cite(self, lang: Literal["zh", "en"] = "en") -> str:
        """``GB/T 45654-2025 B.1.1 a)``, saying when the clause follows a draft's numbering."""
        text = f"{self.edition} {self.clause}"
        if self.numbering_draft is None:
            return text
        if lang == "zh":
            return f"{text}（按{self.numbering_draft}征求意见稿编号，正式文本未核对）"
        return f"{text} (numbering of the {self.numbering_draft} draft; final text not read)"


class Source(_Record):
    """A source the records cite by key."""

    key: str
    description: str
    url: str | None = None


class Basis(_Record):
    """A legal basis: an instrument and an article."""

    instrument: str
    article: str
    article_zh: str | None = None

    def cite(self, lang: Literal["zh", "en"] = "en") -> str:
        """``GAI 17``; ``FIL-02`` for rows whose article is already an id of the instrument."""
        if self.article.startswith(f"{self.instrument}-"):
            return self.article
        article = self.article_zh if lang == "zh" and self.article_zh else self.article
        return f"{self.instrument} {article}"


class Requirement(StrEnum):
    """Whether a procedure is owed: yes, no, or a judgement to review with counsel."""

    REQUIRED = "required"
    NOT_REQUIRED = "not_required"
    REVIEW = "review"


class ProcedureCase(_Record):
    """One branch of a procedure's decision; the first case whose ``when`` holds decides."""

    when: str
    """Trigger expression."""
    required: Requirement
    reason_en: str
    """Why; the triggering facts are shown beside it in reports."""
    reason_zh: str
    route: str | None = None
    """For procedures with several routes (cross-border): the route this case selects."""
    deadline: Deadline | None = None
    """Overrides the procedure's deadline for this case."""


class Procedure(_Record):
    """A filing, assessment, appointment or labeling duty a service may owe."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_en: str
    name_zh: str
    basis: tuple[Basis, ...]
    cases: tuple[ProcedureCase, ...] = Field(min_length=1)
    deadline: Deadline | None = None
    channel_en: str | None = None
    """Where it is submitted (system and address, authority)."""
    channel_zh: str | None = None
    evidence: tuple[EvidenceKindId, ...] = ()
    """Evidence kinds the procedure asks for."""
    obligations: tuple[str, ...] = ()
    """Obligation ids this procedure discharges."""
    confidence: Confidence
    note_en: str | None = None
    note_zh: str | None = None


class Freshness(_Record):
    """How long an evidence kind stays current, and the rule that says so.

    Either ``threshold`` (an update-interval figure of a standard, in days) or ``amount`` and
    ``unit`` with a ``basis``.
    """

    threshold: str | None = None
    """Id of a threshold giving the interval (``gb45654.keywords.update_interval``)."""
    amount: int | None = Field(default=None, gt=0)
    unit: Literal["days", "months", "years"] | None = None
    basis: Basis | None = None
    confidence: Confidence | None = None
    """Set when not given by ``threshold`` (which carries its own)."""
    condition: str | None = None
    """Trigger expression over profile facts limiting when this period applies
    (``mlps_level == 3``); None: always."""
    note_en: str | None = None
    note_zh: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Freshness:
        if (self.threshold is None) == (self.amount is None):
            raise ValueError("give either threshold or amount+unit")
        if self.amount is not None and (self.unit is None or self.basis is None):
            raise ValueError("amount needs unit and basis")
        if self.amount is not None and self.confidence is None:
            raise ValueError("amount needs confidence")
        return self


class EvidenceKind(_Record):
    """A kind of proof an obligation or procedure asks for, and what produces it."""

    id: EvidenceKindId
    name_zh: str
    name_en: str
    check: str | None = None
    """The hegui check id whose Evidence provides it (``lexicon.check``); None: a document the
    provider supplies (``hegui evidence add FILE --kind …``)."""
    command: str | None = None
    """The hegui command that produces it (shown by ``hegui status``)."""
    fresh_for: tuple[Freshness, ...] = ()
    """How long it stays current; the first whose condition holds applies. Empty: until
    replaced (see ``refresh_on``)."""
    refresh_on_en: str | None = None
    """An event that makes it stale that hegui cannot see (a major model update …)."""
    refresh_on_zh: str | None = None
    description_en: str | None = None
    description_zh: str | None = None
